"""Does a clause apply to a profile: its place, whom it is for, and each of its conditions."""

from __future__ import annotations

import re
from functools import lru_cache

from qa.data import mapping, words
from qa.evidence import threshold_status
from qa.ingest.eligibility import target_class
from qa.match.profile import Profile, education_rank, identity_groups, levels_in
from qa.places.gazetteer import Region, narrowest, places_in
from qa.schema import Condition, Document, Eligibility

MET, NOT_MET, UNSTATED = "符合", "不符合", "未说明"
OTHERS_RE = re.compile(r"子女|父母|配偶|家庭成员|老人|孩子|儿童|婴幼儿|未成年人|学生|供养|赡养|抚养")
SENTENCE_END_RE = re.compile(r"[。；;！!？?\n]")
NO_HOME_RE = re.compile(r"无(?:自有)?住房|无房|未(?:拥有|购买)(?:过)?住房|没有住房|名下无")


@lru_cache(maxsize=4096)
def doc_region(region: str) -> Region:
    """The place a document is for, read from its region (the most specific place it names)."""
    return next(iter(narrowest(places_in(region))), Region())


def place_applies(doc: Document, profile: Profile) -> bool:
    """False when the document is for a place other than the profile's (a national one is for all).

    >>> from qa.match.profile import read_profile
    >>> d = Document("d", "d.txt", "", "", "", "", "北京市", "", "simplified", "", "", level="省")
    >>> place_applies(d, read_profile("我住在广州")), place_applies(d, read_profile("我住在北京朝阳")), place_applies(d, read_profile("我退休了"))
    (False, True, True)
    >>> place_applies(d, read_profile("我是河北户口，在北京通州上班"))
    True
    >>> d = Document("d", "d.txt", "", "", "", "", "四川省巴中市恩阳区", "", "simplified", "", "", level="县")
    >>> place_applies(d, read_profile("我在成都上班")), place_applies(d, read_profile("我家在巴中恩阳"))
    (False, True)
    """
    if not profile.regions or doc.level == "国家":
        return True
    own = doc_region(doc.region)
    return not own or any(r.within(own) for r in profile.regions)


def who_applies(eligibility: Eligibility, text: str, profile: Profile, document_who: tuple[str, ...] = ()) -> bool:
    """False when every group the clause names is of another kind than the profile (a firm asking
    of a benefit for individuals), unless the clause names one of the profile's identities (a
    退役军人 who registered a company is still a 退役军人) or the firm's own trade (a rule on what a
    托育机构 pays is for the 托育机构, whoever else it names).  A clause that names no group
    (申请临时救助应按照…程序申请办理) is for the groups its document's clauses name, ``document_who``."""
    who = eligibility.who or document_who
    return (
        not who
        or profile.who in who
        or bool(identities_named(text, profile))
        or bool(profile.trade and profile.trade in text)
    )


@lru_cache(maxsize=1)
def _sizes_named() -> tuple[tuple[str, frozenset[str]], ...]:
    """``qa/data/firm_sizes.txt`` as (word, the sizes it names), longest word first."""
    named: dict[str, set[str]] = {}
    for size, names in mapping("firm_sizes").items():
        for name in names:
            named.setdefault(name, set()).add(size)
    return tuple((w, frozenset(s)) for w, s in sorted(named.items(), key=lambda ws: -len(ws[0])))


def sizes_named(target: str) -> frozenset[str] | None:
    """The firm sizes a group's name says (``降低小微企业`` → 小微), or None when it names no size.

    >>> sorted(sizes_named("大中型企业")), sizes_named("高新技术企业")
    (['中小', '大型'], None)
    """
    return next((sizes for word, sizes in _sizes_named() if target.endswith(word)), None)


def size_applies(targets: tuple[str, ...], profile: Profile) -> bool:
    """False when the firm's size (the form's 小微 · 中小 · 大型) is none of those the clause's
    firms are named by, and it names firms by size alone: a 大型 firm asking of a benefit for
    中小企业 or 小微企业, a small one of a duty of 大型企业 (the groups of people it names are
    judged by :func:`who_applies`).

    >>> from qa.match.profile import read_profile
    >>> big = read_profile("我们公司想申请贷款贴息", {"size": "大型"})
    >>> size_applies(("小微企业",), big), size_applies(("大型企业", "中小企业"), big), size_applies(("小微企业", "高新技术企业"), big)
    (False, True, True)
    >>> size_applies(("重点对象", "小微企业"), big)
    False
    >>> small = read_profile("我们公司想申请贷款贴息", {"size": "小微"})
    >>> size_applies(("中小企业",), small), size_applies(("大型企业",), small), size_applies((), small)
    (True, False, True)
    """
    named = [sizes_named(t) for t in targets if target_class(t) == "企业"]
    if not profile.size or not named or None in named:
        return True
    own = {"大型"} if profile.size == "大型" else {"小微", "中小"}  # a small firm is both; 中小 may be either
    return any(own & sizes for sizes in named)


def condition_status(condition: Condition, profile: Profile, context: str = "", place: Region | None = None) -> str:
    """符合, 不符合 or 未说明 for one condition against what the profile states.

    >>> from qa.match.profile import read_profile
    >>> p = read_profile("我今年56岁，广州户口，是低保户")
    >>> guangzhou = doc_region("广东省广州市")
    >>> [condition_status(Condition("年满60周岁", "age", 60), p), condition_status(Condition("本市户籍", "residence"), p, "", guangzhou)]
    ['不符合', '符合']
    >>> condition_status(Condition("家庭成员均年满60周岁", "age", 60), p)
    '未说明'
    >>> condition_status(Condition("连续缴存12个月", "contribution"), p)
    '未说明'
    >>> q = read_profile("公积金已经连续缴存了8个月")
    >>> [condition_status(Condition(t, "contribution"), q) for t in ("连续缴存6个月以上", "连续缴存12个月以上")]
    ['符合', '不符合']
    >>> condition_status(Condition("在本市无自有住房", "housing"), read_profile("我家在广州有一套房"))
    '不符合'

    ``place`` is the document's: a condition on a local 户籍 is judged by where the profile says
    its 户口 is (:func:`residence_status`).  ``context`` is the clause the condition is read
    from: an age bound its sentence sets for a kind of applicant (:func:`age_holder`) the profile
    does not say it is, is not the profile's.

    >>> q = read_profile("我28岁，已婚，在广州租房")
    >>> c = Condition("申请人应当年满30周岁", "age", 30)
    >>> condition_status(c, q), condition_status(c, q, "单身家庭申请购买的，申请人应当年满30周岁。")
    ('不符合', '未说明')
    >>> condition_status(c, read_profile("我28岁，单身"), "单身家庭申请购买的，申请人应当年满30周岁。")
    '不符合'
    """
    if condition.kind == "housing" and profile.owns_home is not None and NO_HOME_RE.search(condition.text):
        return NOT_MET if profile.owns_home else MET
    if condition.kind == "age":
        if profile.age is None or OTHERS_RE.search(condition.text):  # whose age: the profile's own only
            return UNSTATED
        if (holder := age_holder(condition.text, context)) and holder not in profile.identities:
            return UNSTATED
        low_ok = condition.low is None or profile.age >= condition.low
        high_ok = condition.high is None or profile.age <= condition.high
        return MET if low_ok and high_ok else NOT_MET
    if place and (local := residence_status(condition.text, profile, place)) is not None:
        return local
    if profile.education and levels_in(condition.text) and not OTHERS_RE.search(condition.text):
        return education_status(condition.text, profile, context)
    if (met := threshold_status(profile.text, condition.text)) is not None:
        return MET if met else NOT_MET
    stated = set(profile.identities)
    for group in identity_groups():
        if group[0] in stated and any(w in condition.text for w in group):
            return MET
    return UNSTATED


#: a condition on a local 户籍 (本市户籍, 本地户口), or on not having one (非本市户籍)
_LOCAL_HOUSEHOLD_RE = re.compile(r"(非)?(?:本市|本省|本区|本县|本地|当地)(?:城乡|常住)?(?:户籍|户口)")


def residence_status(condition_text: str, profile: Profile, place: Region) -> str | None:
    """符合 or 不符合 for a condition on a local 户籍 in a document for ``place``, by where the
    profile says its 户口 is; ``None`` when the condition is on no local 户籍, is someone
    else's (其配偶为本市户籍), or the profile does not say.

    >>> from qa.match.profile import read_profile
    >>> guangzhou = doc_region("广东省广州市")
    >>> [residence_status("具有本市户籍", read_profile(t), guangzhou) for t in ("我是广州本地户口", "我是江西户口，在广州上班", "我在广州上班")]
    ['符合', '不符合', None]
    >>> residence_status("非本市户籍人员", read_profile("我户口在老家湖南，在广州租房"), guangzhou)
    '符合'
    """
    m = _LOCAL_HOUSEHOLD_RE.search(condition_text)
    if not m or OTHERS_RE.search(condition_text[: m.start()]):
        return None
    if profile.household:
        local = any(r.within(place) for r in profile.household)
    elif profile.household_local is not None:
        local = profile.household_local
    else:
        return None
    return MET if local != bool(m.group(1)) else NOT_MET


#: what a sentence setting a level of schooling may accept instead (…，或具有中级职称的人员)
_OTHER_WAY_RE = re.compile(r"或[^。；]{0,12}?(?:职称|资格|技能|技师|证书|工作经历|从业)")


def education_status(condition_text: str, profile: Profile, context: str = "") -> str:
    """符合 or 不符合 for a condition on schooling against the level the profile holds: at least
    the lowest level its sentence names (专科以上学历; 具有硕士研究生学历，或具有硕士学位), at most
    one followed by 以下.  A shortfall is 未说明 when the sentence accepts another way in (或具有
    中级职称), which the profile does not speak to.

    >>> from qa.match.profile import read_profile
    >>> high, bachelor = read_profile("我只有高中文凭"), read_profile("我本科毕业，在广州工作")
    >>> education_status("具有高等院校理工科专业专科以上学历", high), education_status("专科以上学历", bachelor)
    ('不符合', '符合')
    >>> education_status("具有硕士研究生学历", bachelor, "具有硕士研究生学历，或具有中级职称的人员，年龄需在45周岁以下")
    '未说明'
    >>> education_status("高中及以下学历", bachelor)
    '不符合'
    """
    sentence = sentence_of(condition_text, context)
    levels = levels_in(sentence) or levels_in(condition_text)
    held = education_rank(profile.education)
    at_most = [rank for _s, end, rank in levels if sentence[end : end + 3].lstrip("及").startswith("以下")]
    if at_most:
        return MET if held <= min(at_most) else NOT_MET
    if held >= min(rank for _s, _e, rank in levels):
        return MET
    return UNSTATED if _OTHER_WAY_RE.search(sentence) else NOT_MET


def sentence_of(condition_text: str, context: str) -> str:
    """The sentence of ``context`` a condition was read from (the condition alone when it is not
    there)."""
    at = context.find(condition_text)
    if at < 0:
        return condition_text
    start = max((m.end() for m in SENTENCE_END_RE.finditer(context, 0, at)), default=0)
    end = SENTENCE_END_RE.search(context, at + len(condition_text))
    return context[start : end.start() if end else len(context)]


def age_holder(condition_text: str, context: str) -> str:
    """The kind of applicant (``qa/data/age_holders.txt``) the sentence setting an age bound is
    about, or ``""``: the bound is for that kind alone (单身 in “单身家庭申请购买的，申请人应当年满30周岁”).

    >>> age_holder("申请人应当年满30周岁", "单身家庭申请购买的，申请人应当年满30周岁。其他…")
    '单身'
    >>> age_holder("需年满60周岁", "需年满60周岁、因病住院治疗后病情稳定。单身…")
    ''
    """
    sentence = sentence_of(condition_text, context)
    return next((w for w in words("age_holders") if w in sentence), "")


def identities_named(text: str, profile: Profile) -> tuple[str, ...]:
    """The profile's identities a clause's text names (in any of their words)."""
    stated = set(profile.identities)
    return tuple(g[0] for g in identity_groups() if g[0] in stated and any(w in text for w in g))
