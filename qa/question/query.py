"""Question analysis (pure): intent, places, years, the kind of answer asked for, and follow-up rewriting."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from qa.data import mapping, words
from qa.normalize import match_form
from qa.places import gazetteer
from qa.question.asking import ASKS, TABLE


class _Names(Sequence[str]):
    """A tuple of place names read from the gazetteer on first use (``import qa`` loads no table)."""

    def __init__(self, load: Callable[[], tuple[str, ...]]) -> None:
        self._load = cache(load)

    def __getitem__(self, i):  # type: ignore[override]
        return self._load()[i]

    def __len__(self) -> int:
        return len(self._load())

    def __contains__(self, name: object) -> bool:
        return name in self._load()

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())


#: Every province-level division by the name it goes by (江西, 内蒙古 …), from the gazetteer.
PROVINCES: Sequence[str] = _Names(gazetteer.provinces)
#: Every prefecture-level city by the name it goes by (南昌, 延边 …).
CITIES: Sequence[str] = _Names(gazetteer.cities)
#: Provinces and cities, longest first.
PLACES: Sequence[str] = _Names(lambda: tuple(sorted({*PROVINCES, *CITIES}, key=len, reverse=True)))
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?:年|\b)")
#: the kinds of document, 文种 (qa/data/doc_kinds.txt: 意见, 方案, 预案, 规划, 纲要…), longest first
_DOC_KINDS = "|".join(re.escape(k) for k in sorted(words("doc_kinds"), key=len, reverse=True) if len(k) > 1)
#: a year that names a document, not a time the question asks of its text: 长春市2015年的住房若干意见
#: 规定…, 2018年印发的…通知中 (the year then stands before a 文种 of qa/data/doc_kinds.txt that ends
#: the name; 到2025年, 2023年计划建成 and 措施调整后 are no document's name)
_DOC_YEAR_RE = re.compile(
    r"(?<![到至前\d])((?:19|20)\d{2})年(?:的|版|(?:发布|印发|出台|制定|颁布|公布|下发)的?)?"
    r"[^，。？；！、,?;!\d]{0,16}?(?:" + _DOC_KINDS + r")(?=[，,。？?；;]|规定|中|里|提出|明确|要求|对|是|有|说|写)"
)
#: a 文号 (冀政发〔2023〕3号): its year names the document, not a year the question asks about
DOC_NUMBER_RE = re.compile(r"[\u4e00-\u9fff]{1,8}[〔\[(（【]\s*(?:19|20)\d{2}\s*[〕\])）】]\s*\d{1,4}\s*号")

# a government is a place's (省政府, 南昌市人民政府), never 数字政府
_UNIT_TAIL = r"(?:委员会|管委会|委|厅|局|办|院|室|中心|集团|公司|(?<=[省市县区州民])政府|部(?!门)|署|社|行|关)"
# a unit starts the question or its clause (“…方案中，省林业局牵头哪项应用？”)
_UNIT_START = r"(?:^|(?<=[，,；;：:])|(?<=方案中|意见中|文件中|方案里|意见里))"
#: “…牵头的任务有几项？”“…牵头了几个应用？”: how many tasks a unit has
COUNTED_TASKS = r"几项|多少项|(?:几|多少)个(?:应用|任务|工作|项目)"
# a unit's name: no quotes (“赣服通” is an app) and not the document it is in (…方案中省林业局)
_UNIT_NAME = r"(?:(?!方案|意见|文件)[^，。？、；：\s“”\"《》]){2,20}?" + _UNIT_TAIL
_REVERSE_RE = re.compile(
    _UNIT_START + r"(?P<unit>" + _UNIT_NAME + r")"
    r"(?:[^，。？]{0,20}?(?:负责|承担|牵头|参与|配合|协同|协助|推进|落实|开展|要做|做)"
    r"|[^，。？、]{0,14}?(?:职责|任务|分工|工作)是)"
    r"[^，。？]{0,10}?(?:哪些|什么|哪[一几]?项|哪[一些]?方面|哪一?块|啥|哪[一几]?个(?:应用|任务|工作|项目|系统|平台|领域|方面)|"
    + COUNTED_TASKS
    + r")"
    r"|" + _UNIT_START + r"(?P<unit2>" + _UNIT_NAME + r")"
    r"[^，。？]{0,20}?(?:是|为|作为)哪些.{0,10}?(?:牵头|责任|协同|配合)单位"
    r"|" + _UNIT_START + r"(?P<unit3>" + _UNIT_NAME + r")"
    r"[^，。？]{0,24}?(?:是|扮演|担任|起|当)(?:了|着)?(?:什么|哪种|何种|啥|怎样的)(?:样的)?(?:角色|身份|作用)"
)
_UNIT_MORE_RE = re.compile(
    r"[^在对和与及的中，。？、\s]{0,8}?" + _UNIT_TAIL + r"(?=负责|承担|牵头|参与|配合|作为|是|在|的)"
)
#: a comparison, when the question names two places (qa/question/asking.py "compare")
COMPARE_RE = ASKS["compare"]
# metadata questions ask about a document itself: a field word (qa/question/asking.py "meta:field") and a word naming the document
META_FIELD_RE = ASKS["meta:field"]
_META_DOC_RE = re.compile(r"《[^》]+》|文件|文章|网页|这份|该文|此文|" + _DOC_KINDS + "|" + DOC_NUMBER_RE.pattern)

# what kind of answer the question wants; the answer sentence must contain one (qa/question/asking.py "wants:…",
# tried in the table's order)
ANSWER_TYPES: dict[str, re.Pattern] = {
    a.name.removeprefix("wants:"): ASKS[a.name] for a in TABLE if a.name.startswith("wants:")
}
#: the answer types that are figures: an amount, a count or measure, a date or span
FIGURE_TYPES = ("money", "quantity", "time")


def counts_a_list(sc: str) -> bool:
    """Does a question ask how many things and what they are? Then the list answers both, and
    no figure need be written (河北要建几个基础数据库？分别是什么？).

    >>> counts_a_list("河北要建几个基础数据库？分别是什么？"), counts_a_list("宁波要建多少个5G基站？")
    (True, False)
    """
    return bool(ASKS["count-then-list"].search(sc))


def asking_part(sc: str) -> str:
    """The part of a question that asks: the whole question, or only its last clause when that
    clause asks yes or no and names no question word.

    >>> asking_part("我手里有几项专利，想拿来作价入股，政策上允许吗？"), asking_part("南昌要建多少个5G基站？")
    ('政策上允许吗？', '南昌要建多少个5G基站？')
    >>> asking_part("交了几年社保，能领多少钱吗？")
    '交了几年社保，能领多少钱吗？'
    """
    m = ASKS["yes-no-end"].search(sc)
    if m and not ASKS["asking-word"].search(m.group(1)):
        return sc[m.start() + 1 :]
    return sc


def answer_type(sc: str) -> str:
    """The kind of answer a question asks for (``""`` when it asks for an explanation).

    >>> [answer_type(x) for x in ("宁波要建多少个5G基站？", "6G网络哪一年建成？", "备份中心建在哪个城市？", "是什么？")]
    ['quantity', 'time', 'place', '']
    >>> answer_type("每年投入多少亿元财政资金？"), answer_type("补贴标准是多少？"), answer_type("有几个？分别是什么？")
    ('money', 'money', '')
    >>> answer_type("换证要准备什么材料？"), answer_type("残疾证去哪里办？")
    ('papers', 'office')
    >>> answer_type("贷款申请受理后多少天内作出决定？"), answer_type("补助金能拿几个月工资？"), answer_type("贷款多少钱？")
    ('quantity', 'quantity', 'money')
    >>> answer_type("申报几月几号截止？"), answer_type("这几年交了社保，能领多少补贴？")
    ('time', 'money')
    """
    if ASKS["counted"].search(sc) and not counts_a_list(sc):
        return "quantity"
    for kind, pat in ANSWER_TYPES.items():
        if pat.search(sc):
            return "" if kind == "quantity" and counts_a_list(sc) else kind
    return ""


#: How citizens say it → how policy documents say it (``qa/data/colloquial.txt``): general
#: service vocabulary, used to widen BM25 queries and to count a question word as covered when
#: the clause uses the official term.
COLLOQUIAL: dict[str, tuple[str, ...]] = mapping("colloquial")

#: Words of spoken questions that say nothing about the topic (``qa/data/filler.txt``).
FILLER = frozenset(words("filler"))


def says_term(word: str, text: str) -> bool:
    """Does a text use the word, or one of its official terms (:data:`COLLOQUIAL`)?

    >>> says_term("手机", "推广掌上办事"), says_term("手机", "推进一网通办")
    (True, False)
    """
    return word in text or any(a in text for a in COLLOQUIAL.get(word, ()))


def expand_colloquial(sc: str) -> str:
    """The official terms for the everyday words a question uses, to widen a BM25 query.

    >>> expand_colloquial("河北有没有给老板办事用的手机app")
    '移动端 掌上 客户端 app 移动 应用 企业 市场主体 政务服务 办理 事项'
    """
    low = sc.lower()
    terms = [t for word, alts in COLLOQUIAL.items() if word in low for t in alts]
    return " ".join(dict.fromkeys(terms))


_UNIT_ONLY_RE = re.compile(r"[^，。？、；：\s]{1,20}?" + _UNIT_TAIL)


@dataclass(frozen=True)
class Query:
    text: str  # as typed (trimmed)
    sc: str  # Simplified match form
    places: tuple[str, ...]
    years: tuple[str, ...]
    duty: bool
    reverse_unit: str
    wants_list: bool
    compare: bool
    meta: bool
    wants: str = ""  # answer type: a key of ANSWER_TYPES, or ""
    doc_years: tuple[str, ...] = ()  # years that name a document (its year of issue), not in ``years``


def places_in(text: str) -> tuple[str, ...]:
    """The places a text names, in order, by the names they go by (Simplified): any province,
    city or county of :mod:`qa.places.gazetteer` (江西省 → 江西, 昆山市 → 昆山).

    >>> places_in("江西和南昌分別提出了什麼目標？"), places_in("昆山要建多少个5G基站？")
    (('江西', '南昌'), ('昆山',))
    """
    return tuple(gazetteer.names_in(match_form(text)))


def analyse(question: str) -> Query:
    """Parse a question into the features the answerer needs.

    >>> q = analyse("河北建立全省宏观经济发展基础数据库的牵头单位是哪些？")
    >>> (q.places, q.duty, q.wants_list)
    (('河北',), True, True)
    >>> analyse("宁波市大数据局负责哪些任务？").reverse_unit
    '宁波市大数据局'
    >>> analyse("宁波市委机要保密局参与哪项工作？").reverse_unit, analyse("宁波政府规章入库要求是什么？").reverse_unit
    ('宁波市委机要保密局', '')
    >>> analyse("市民政局负责养老服务体系建设中的哪一项工作？").reverse_unit  # 哪一项 is 哪项
    '市民政局'
    >>> analyse("浙江省数字政府系统建设方案中，省商务厅牵头哪项应用？").reverse_unit
    '省商务厅'
    >>> analyse("宁波市口岸办参与负责哪方面的数字化任务？").reverse_unit
    '宁波市口岸办'
    >>> analyse("省公安厅在浙江数字政府系统建设方案中是什么角色？").reverse_unit
    '省公安厅'
    >>> analyse("浙江省审计厅在方案中协同参与哪个应用？").reverse_unit
    '浙江省审计厅'
    >>> [analyse(x).reverse_unit for x in ("河北的“冀时办”要做什么？",  # an app in quotes is no unit
    ...     "人行市中心支行（人民银行宁波市中心支行）在宁波方案中负责哪些工作？",  # nor is its alias
    ...     "河北省政府办公厅牵头的任务有几项？", "浙江省数字政府系统建设方案中省建设厅是什么角色？")]
    ['', '人行市中心支行', '河北省政府办公厅', '省建设厅']
    >>> analyse("浙江各部门要做什么？").reverse_unit, analyse("宁波舟山港集团在宁波数字政府方案里的分工是什么？").reverse_unit
    ('', '宁波舟山港集团')
    >>> analyse("浙江和宁波对执法改革各提了什么要求？").compare
    True
    >>> analyse("广东和广州推进数据共享都用了哪些办法？").compare  # 都…哪些 of two places
    True
    >>> analyse("河北存着我出生、结婚这些信息吗？归谁管？").duty
    True
    >>> q = analyse("河北数字政府建设项目清单管理制度的牵头单位有哪些？")  # 数字政府 is no unit
    >>> q.duty, q.reverse_unit, analyse("宁波市政府负责哪些任务？").reverse_unit
    (True, '', '宁波市政府')
    >>> analyse("宁波到2030年要建多少个5G基站？").years, analyse("冀政发〔2023〕3号提出到2025年的目标？").years
    (('2030',), ('2025',))
    >>> q = analyse("长春市2015年的住房若干意见规定，首付比例是多少？")  # the year names the document
    >>> q.years, q.doc_years, analyse("宁波2023年计划建成多少个监测站？").years
    ((), ('2015',), ('2023',))
    """
    sc = match_form(question)
    # “…作为责任单位，参与的是哪项任务”: the role aside does not end the unit's question
    # and an alias in brackets (某行分行（某银行南昌市分行）) does not end the unit's name
    plain = re.sub(r"(作为[^，。？]{0,6}单位)[，,]|[（(][^（）()]{1,24}[）)]", r"\1", sc)
    rev = _REVERSE_RE.search(plain)
    group = next((g for g in ("unit", "unit2", "unit3") if rev and rev.group(g)), "")
    unit = rev.group(group) if group else ""
    if unit and (more := _UNIT_MORE_RE.match(plain[rev.end(group) :])):
        unit += more.group(0)  # 南昌市委 + 机要保密局: the longest unit name, not its first tail
    return Query(
        text=question,
        sc=sc,
        places=places_in(sc),
        years=tuple(dict.fromkeys(_YEAR_RE.findall(_DOC_YEAR_RE.sub(" ", DOC_NUMBER_RE.sub(" ", sc))))),
        duty=bool(ASKS["duty"].search(sc)) and not rev,
        reverse_unit=unit,
        wants_list=bool(ASKS["list"].search(sc)),
        compare=bool(COMPARE_RE.search(sc)) and len(places_in(sc)) >= 2,
        meta=bool(META_FIELD_RE.search(sc) and _META_DOC_RE.search(sc)),
        wants=answer_type(asking_part(sc)),
        doc_years=tuple(dict.fromkeys(_DOC_YEAR_RE.findall(sc))),
    )


_NEXT_UNIT_RE = re.compile(
    r"(?:和|与|及|、|以及)([^，。？、；：和与及\s]{1,20}?" + _UNIT_TAIL + r")(?![\u4e00-\u9fff]{0,2}(?:应用|系统|平台))"
)


def more_units(q: Query) -> list[str]:
    """The units a reverse-duty question names after its first (宁波市发改委和市经信局…).

    >>> more_units(analyse("宁波市发改委和市经信局分别负责什么？"))
    ['市经信局']
    >>> more_units(analyse("宁波市发改委负责什么？"))
    []
    """
    out: list[str] = []
    at = q.sc.find(q.reverse_unit) + len(q.reverse_unit) if q.reverse_unit else -1
    while at > 0 and (m := _NEXT_UNIT_RE.match(q.sc, at)):
        out.append(m.group(1))
        at = m.end()
    return out


def rewrite_followup(question: str, previous: str) -> str:
    """Turn a short follow-up into a standalone question using the previous one.

    A follow-up that names a new place swaps it for the previous question's place;
    any other short follow-up is read as a refinement of the previous topic.

    >>> rewrite_followup("那河北呢？", "浙江到2025年数字政府建设的目标是什么？")
    '河北到2025年数字政府建设的目标是什么？'
    >>> rewrite_followup("牵头单位是谁？", "河北如何推进应急管理数字化？")
    '河北如何推进应急管理数字化？牵头单位是谁？'
    >>> rewrite_followup("宁波5G基站建设的目标是什么？", "浙江的目标？")
    '宁波5G基站建设的目标是什么？'

    A follow-up that names another unit asks the previous unit question about it:

    >>> rewrite_followup("省卫生健康委呢？", "河北省公安厅负责哪些任务？")
    '河北省卫生健康委负责哪些任务？'
    """
    q = question.strip()
    sc = match_form(q).rstrip("？?。!！ ")
    is_followup = bool(ASKS["follow-up"].match(sc)) or sc.endswith("呢") or len(sc) <= 6
    if not previous or not is_followup or len(sc) > 20:
        return q
    unit = re.sub(r"呢$", "", ASKS["follow-up"].sub("", sc))
    if _UNIT_ONLY_RE.fullmatch(unit) and (old_unit := analyse(previous).reverse_unit):
        old_place = places_in(old_unit)
        if old_place and not places_in(unit) and old_unit.startswith(old_place[0]):
            unit = old_place[0] + unit  # 省林业局 after 江西省粮食局 is 江西's
        return match_form(previous).replace(old_unit, unit)
    new_places = places_in(q)
    old_places = places_in(previous)
    prev = match_form(previous)
    if new_places and old_places:
        out = prev.replace(old_places[0], new_places[0])
        for extra in old_places[1:]:
            out = out.replace(extra, "")
        return out
    if new_places:
        return new_places[0] + prev
    return prev.rstrip() + q
