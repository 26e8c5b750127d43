"""A person's or a firm's situation, read from their own words and the form's optional fields.

Places come from jionlp's table of administrative divisions, numbers through cn2an, and the
identities people describe themselves by from ``qa/data/identity_words.txt``.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import cache

from qa.data import groups
from qa.errors import InputError
from qa.ingest.numerals import in_digits
from qa.normalize import match_form
from qa.places.gazetteer import Region, narrowest, places_in
from qa.search.retrieve import printable

WHO = ("个人", "企业", "社会组织")
#: a firm's size as the form asks it
SIZES = ("小微", "中小", "大型")
MAX_PROFILE_CHARS = 2000
FIELDS = ("who", "region", "age", "identity", "industry", "size", "education", "hukou")

# A firm speaks of "our company", "my shop", a business it opened or registered.
_FIRM_WORDS = "公司|企业|工厂|厂|店|馆|餐厅|超市|诊所|车行|商行|门店|合作社|作坊|剧团|工作室|机构|农场"
# "My X" is a firm when X is one (我们公司, 我家的小饭馆), not when the firm comes after a place or a
# movement (我的车在保修期内送4S店: a customer); what one opened or runs may be described at length.
_FIRM_RE = re.compile(
    rf"(?:我们|咱们|我的|我家|本|自己的)[^，。；,？?在去到送找向给从]{{0,12}}?(?:{_FIRM_WORDS})"
    rf"|(?:开了?|办了?|注册了?|经营)[^，。；,？?]{{0,12}}?(?:{_FIRM_WORDS})"
    r"|个体户|个体工商户"
)
_WORKER_RE = re.compile(
    rf"(?:在|去|进)[^，。；,？?]{{0,12}}?(?:{_FIRM_WORDS})[^，。；,？?]{{0,3}}(?:上班|干活|工作|打工)"
)
#: A firm's own trade: the two characters before the word it calls itself by (托育机构, 加工厂),
#: unless they only count or size it (一家, 小型).
_NOT_TRADE = set("一两家个小大这那们的了型些所间座自己开办")
_ORG_RE = re.compile(r"(?:我们|我们的)[^，。；,]{0,6}?(?:社会组织|协会|基金会|民办非企业)")
_OWNS_HOME_RE = re.compile(r"(?:有|买了|名下有)(?:一|两|三|1|2|3)?套(?:房|住房|自住房)?|有房|有自己的房")
_NO_HOME_RE = re.compile(r"(?:没|无|没有)(?:自己的)?(?:房|住房)|租房")
#: the names of housing a person applies for (想申请公租房) hold 租房 without saying that one rents
_PROGRAMME_RE = re.compile(r"[公廉]租房")
HAN_RE = re.compile(r"[\u4e00-\u9fff]+")
_AGE_RE = re.compile(r"(\d{1,3})\s*周?岁(?![多余])")


def _situation(text: str) -> str:
    """What the text says of the person, in match form: without the names of what they apply for."""
    return _PROGRAMME_RE.sub("", match_form(text))


@dataclass(frozen=True)
class Profile:
    text: str
    who: str  # 个人 | 企业 | 社会组织
    regions: tuple[Region, ...]  # every place it names: where one lives, works, comes from
    age: int | None
    identities: tuple[str, ...]  # the policy words of the identity groups it names (特困人员, 中小企业)
    owns_home: bool | None = None  # what it says of owning a home, if anything
    education: str = ""  # the highest level of schooling it says it holds (本科, 高中…)
    household: tuple[Region, ...] = ()  # the places it names as where its 户口 is (湖南户口)
    household_local: bool | None = None  # 本地户口 (True), 外地户口 or 没有…户口 (False), or unsaid
    trade: str = ""  # a firm's own kind, as it names itself (托育机构, 五金店)
    industry: str = ""
    size: str = ""

    @property
    def region(self) -> Region:
        return self.regions[0] if self.regions else Region()

    def to_json(self) -> dict:
        d = asdict(self)
        d.pop("regions")
        d["region"] = self.region.name()
        d["regions"] = [asdict(r) for r in self.regions]
        return d


@cache
def identity_groups() -> tuple[tuple[str, ...], ...]:
    """``qa/data/identity_words.txt``: groups of words for one identity, the policy's word first."""
    return groups("identity_words")


def identities_in(text: str) -> tuple[str, ...]:
    """The identities a text names, each as its policy word.

    >>> identities_in("我是广州的特困供养人员，住院要请护工")
    ('特困人员', '住院')
    """
    sc = _situation(text)
    return tuple(g[0] for g in identity_groups() if any(w in sc for w in g))


def who_of(text: str) -> str:
    """个人, 企业 or 社会组织, by how the text speaks of itself.

    >>> who_of("我在建筑公司干活，从脚手架上摔下来"), who_of("我在江西开了家二十来人的机械加工厂"), who_of("我们公司是高新技术企业")
    ('个人', '企业', '企业')
    >>> who_of("我们是县里一家小电影放映公司"), who_of("我在一家电子厂上班"), who_of("我在佛山开了家二手车行")
    ('企业', '个人', '企业')
    >>> who_of("我的车在保修期内送4S店修了8天"), who_of("我家在县城开了家小饭馆"), who_of("我家的小店")
    ('个人', '企业', '企业')
    """
    sc = match_form(text)
    if _ORG_RE.search(sc):
        return "社会组织"
    return "企业" if _FIRM_RE.search(_WORKER_RE.sub("", sc)) else "个人"


def trade_of(text: str) -> str:
    """A firm's own kind of business, as its words name it (``""`` for a person or when unsaid).

    >>> trade_of("我在北京开了一家小型托育机构"), trade_of("我是开五金店的个体工商户"), trade_of("我开了一家公司")
    ('托育机构', '五金店', '')
    """
    sc = match_form(text)
    for m in _FIRM_RE.finditer(_WORKER_RE.sub("", sc)):
        span = m.group(0)
        word = min((w for w in _FIRM_WORDS.split("|") if span.endswith(w)), key=len, default="")
        before = span[: len(span) - len(word)][-2:]
        if word and len(before) == 2 and HAN_RE.fullmatch(before) and not set(before) & _NOT_TRADE:
            return before + word
    return ""


def age_of(text: str) -> int | None:
    """An exact age the text states (``七十多`` is not one).

    >>> age_of("我今年五十六岁了"), age_of("我和老伴都七十多岁了"), age_of("孩子3岁")
    (56, None, 3)
    """
    if m := _AGE_RE.search(in_digits(match_form(text))):
        return int(m.group(1))
    return None


def owns_home(text: str) -> bool | None:
    """True or False when the text says whether the household owns a home, else None.

    >>> owns_home("自己有一套100平的房子"), owns_home("我们一直租房，名下没房"), owns_home("我退休了")
    (True, False, None)
    >>> owns_home("自己有一套房子，想申请公租房"), owns_home("想申请公租房")
    (True, None)
    """
    sc = _situation(text)
    if _NO_HOME_RE.search(sc):
        return False
    return True if _OWNS_HOME_RE.search(sc) else None


def education_levels() -> tuple[tuple[str, ...], ...]:
    """``qa/data/education_levels.txt``: the levels of schooling, lowest first, each as its words
    (its name first)."""
    return groups("education_levels")


@cache
def _level_words() -> tuple[tuple[str, int], ...]:
    """(word, rank) for every word of a level of schooling, longest first."""
    ranks = [(w, n) for n, row in enumerate(education_levels()) for w in row]
    return tuple(sorted(ranks, key=lambda wr: -len(wr[0])))


def education_rank(name: str) -> int | None:
    """A level's place among :func:`education_levels`, lowest 0 (``None`` for no level)."""
    return next((n for w, n in _level_words() if w == name), None)


#: what makes a level of schooling a statement of one (大专学历, 本科毕业, 高中文凭, 专科以上),
#: not the name of a school or a programme (应用型本科高校, 技工院校内)
_SCHOOLING_RE = re.compile(r"[^，。；,;、]{0,4}?(?:学历|学位|文凭|毕业)|(?:及|或)?以[上下]")


def levels_in(text: str) -> list[tuple[int, int, int]]:
    """(start, end, rank) of each level of schooling a text states (one followed by 学历, 学位,
    文凭, 毕业, 以上 or 以下), a longer word read before those in it.

    >>> levels_in("具有博士研究生学历，或具有硕士学位")
    [(2, 7, 5), (13, 15, 4)]
    >>> levels_in("职业院校、应用型本科高校相关专业教师…具有高职以上学历的人员")
    [(21, 23, 2)]
    """
    found, taken = [], [False] * len(text)
    for word, rank in _level_words():
        for m in re.finditer(re.escape(word), text):
            if not any(taken[m.start() : m.end()]) and _SCHOOLING_RE.match(text, m.end()):
                taken[m.start() : m.end()] = [True] * len(word)
                found.append((m.start(), m.end(), rank))
    return sorted(found)


#: a phrase in which a level of schooling is not one the person holds: one they want (想考本科,
#: 报考研究生), one an employer asks (只招本科), or someone else's (孩子初中毕业)
_NOT_HELD_RE = re.compile(
    r"想|要|打算|准备|报考|考|攻读|申请|招|子女|孩子|儿子|女儿|小孩|父母|配偶|老公|老婆|爱人|丈夫|妻子"
)
#: a phrase that is a level alone (…，博士，…; 我是硕士)
_BARE_LEVEL_RE = re.compile(r"(?:我是|我)?(\w{2,6})")


def education_of(text: str) -> str:
    """The highest level of schooling the person says they hold (``""`` when unsaid).

    >>> education_of("我只有高中文凭，想去考专利代理师资格"), education_of("我45岁，博士，在广州注册了一家公司")
    ('高中', '博士')
    >>> education_of("我上班好几年了，只有大专学历，想报个自学考试把本科拿下来"), education_of("孩子今年初中毕业")
    ('大专', '')
    >>> education_of("我是高职院校毕业的，有的岗位写明只招普通本科和专科高校的毕业生")
    '大专'
    """
    levels = education_levels()
    held = []
    for phrase in re.split(r"[，。；,;！？!?]", match_form(text)):
        bare = _BARE_LEVEL_RE.fullmatch(phrase)
        if bare and (rank := education_rank(bare.group(1))) is not None:
            held.append(rank)
        held += [rank for at, _end, rank in levels_in(phrase) if not _NOT_HELD_RE.search(phrase[:at])]
    return levels[max(held)][0] if held else ""


#: a 户口 said: the words before it in its phrase (湖南, 本地, 没有上海), and after 户口在 (老家湖南)
_HOUSEHOLD_RE = re.compile(r"([^，。；,;]{0,8}?)(?:户口|户籍)(?:(?:在|落在|是)([^，。；,;]{0,8}))?")
_LOCAL_RE = re.compile(r"本地|本市|本区|本县|当地")
_ELSEWHERE_RE = re.compile(r"外地|外省|外市|外县|老家")
_NOT_RE = re.compile(r"没有|没|无|不是|非")


def household_of(text: str) -> tuple[tuple[Region, ...], bool | None]:
    """Where the person says their 户口 is: the places named as its place, and whether it is local
    (本地户口 True; 外地户口, 户口在老家, 没有上海户口 False; else None).

    >>> [(tuple(r.name() for r in h), local) for h, local in map(household_of, ("我是江西户口，在北京通州上班", "我是广州本地户口", "我户口在老家湖南，在广州租房", "我没有上海户口", "我退休了"))]
    [(('江西省',), None), (('广州市',), True), (('湖南省',), False), ((), False), ((), None)]
    """
    places: list[Region] = []
    local: bool | None = None
    for m in _HOUSEHOLD_RE.finditer(match_form(text)):
        said = f"{m.group(1)} {m.group(2) or ''}"
        if _NOT_RE.search(said):
            local = False
            continue  # 没有上海户口: not where it is
        places += narrowest(places_in(said))
        if _ELSEWHERE_RE.search(said) or _LOCAL_RE.search(said):
            local = not _ELSEWHERE_RE.search(said)
    return tuple(places), local


#: the longest a field other than the free text may be (a place, an identity, an industry)
MAX_FIELD_CHARS = 50


def checked_fields(fields: dict) -> dict:
    """The fields as text (an age as given, identities as a list), each at most
    :data:`MAX_FIELD_CHARS` characters and without what no encoder writes (a lone surrogate).

    >>> checked_fields({"region": "广州\\ud800", "identity": ["退役军人"], "age": 30})
    {'region': '广州', 'identity': ['退役军人'], 'age': 30}
    """
    out: dict = {}
    for name, value in fields.items():
        if name == "age":
            out[name] = value
            continue
        values = value if name == "identity" and isinstance(value, list | tuple) else [value]
        if not all(isinstance(v, str) for v in values):
            raise InputError(f"{name} must be text")
        cleaned = [printable(v).strip() for v in values]
        if long := next((v for v in cleaned if len(v) > MAX_FIELD_CHARS), None):
            raise InputError(f"{name} is at most {MAX_FIELD_CHARS} characters, not {len(long)}")
        out[name] = cleaned if name == "identity" and isinstance(value, list | tuple) else cleaned[0]
    return out


def read_profile(text: str, fields: dict | None = None) -> Profile:
    """A profile from free text and the optional fields (a field given wins over the text).

    >>> p = read_profile("我45岁，博士，在广州注册了一家生物科技公司")
    >>> p.who, p.region.city, p.age, p.identities
    ('企业', '广州市', 45, ('人才',))
    >>> read_profile("", {"who": "个人", "region": "上海", "age": 70}).region.province
    '上海市'
    >>> p = read_profile("我在广州上班", {"education": "研究生", "hukou": "湖南长沙"})
    >>> p.education, [r.name() for r in p.household]
    ('硕士', ['长沙市'])
    >>> read_profile("我是宁波的企业", {"region": "火星"})
    Traceback (most recent call last):
    qa.errors.InputError: region must name a place (a province, city or county), e.g. 广州, not '火星'
    """
    fields = {k: v for k, v in (fields or {}).items() if v not in (None, "", [], ())}
    if unknown := set(fields) - set(FIELDS):
        raise InputError(f"unknown profile fields: {', '.join(sorted(unknown))} (known: {', '.join(FIELDS)})")
    fields = {k: v for k, v in checked_fields(fields).items() if v not in ("", [], ())}
    text = printable(text if isinstance(text, str) else "").strip()[:MAX_PROFILE_CHARS]
    if not any(ch.isalnum() for ch in text):
        text = ""  # punctuation or emoji alone say nothing of anyone
    identity = fields.get("identity") or ()
    identity = [identity] if isinstance(identity, str) else list(identity)
    extra = " ".join(str(fields.get(k, "")) for k in ("industry", "size"))
    if not text and not fields:
        raise InputError("describe the person or the firm: who, where, age, situation (我是…)")
    who = fields.get("who") or who_of(text)
    if who not in WHO:
        raise InputError(f"who must be one of {', '.join(WHO)}, not {who!r}")
    age = fields.get("age")
    if age is not None:
        try:
            age = int(age)
        except (TypeError, ValueError, OverflowError):  # OverflowError: an infinite float
            raise InputError(f"age must be a whole number, not {str(age)[:20]!r}") from None
        if not 0 <= age <= 150:
            raise InputError(f"age must be between 0 and 150, not {age}")
    else:
        age = age_of(text)
    regions = narrowest(places_in(str(fields["region"]) if fields.get("region") else text))
    if (region := fields.get("region")) and not regions:
        raise InputError(f"region must name a place (a province, city or county), e.g. 广州, not {region!r}")
    if (size := fields.get("size")) and size not in SIZES:
        raise InputError(f"size must be one of {', '.join(SIZES)}, not {size!r}")
    household, local = household_of(text)
    if (hukou := fields.get("hukou")) and not (household := tuple(narrowest(places_in(str(hukou))))):
        raise InputError(f"hukou must name a place (户籍所在地), e.g. 广州, not {hukou!r}")
    education = fields.get("education") or education_of(text)
    if education and (rank := education_rank(str(education))) is None:
        known = ", ".join(row[0] for row in education_levels())
        raise InputError(f"education must be one of {known}, not {education!r}")
    return Profile(
        text=text,
        who=who,
        regions=tuple(regions),
        age=age,
        owns_home=owns_home(text),
        education=education_levels()[rank][0] if education else "",
        household=household,
        household_local=local,
        trade=trade_of(text) if who != "个人" else "",
        identities=tuple(dict.fromkeys([*identities_in(f"{text} {' '.join(identity)} {extra}"), *identity])),
        industry=str(fields.get("industry", "")),
        size=str(fields.get("size", "")),
    )
