"""Whether evidence is about what the question scopes: its place (not a figure given for
another), its years, its codes (5G, IPv6), its phase or batch, which home, and whether it speaks
of anything but its document's own force."""

from __future__ import annotations

import re

from qa.evidence.kinds import supports_type
from qa.ingest.numerals import in_digits
from qa.normalize import match_form
from qa.places.gazetteer import Region, region_of
from qa.places.regions import doc_places, names_place
from qa.question.asking import ASKS
from qa.question.query import Query, places_in
from qa.schema import Document

_PHRASE_CUT_RE = re.compile("[，；,;]")


def supports_asked_place(q: Query, sentence: str, doc: Document) -> bool:
    """Is what a sentence states for the places the question names?  It is not for a place that
    is not the document's own when the phrases that hold the kind of thing asked name other
    places and not that one: in “广州、深圳进一步放宽…资格，2023年广州增加5万个…指标配额。” the
    figure is 广州's, not 深圳's.  A place that holds the asked one, or lies within it, is no
    other place; a comparison's sides are each checked on their own.

    >>> from qa.question.query import analyse
    >>> doc = Document("d", "d.txt", "广东省进一步提振和扩大消费的若干措施", "", "", "", "", "", "simplified", "", "")
    >>> q = analyse("2023年深圳增加了多少个计划外燃油车指标？")
    >>> supports_asked_place(q, "广州、深圳进一步放宽购买资格，2023年广州增加5万个计划外燃油车指标配额。", doc)
    False
    >>> supports_asked_place(q, "广州、深圳进一步放宽购买资格，深圳增加2万个计划外燃油车指标。", doc)
    True
    >>> supports_asked_place(q, "广东全省增加5万个指标。", doc), supports_asked_place(q, "增加5万个指标。", doc)
    (True, True)
    """
    if q.compare or not q.places:
        return True
    own = doc_places(doc)
    phrases = [p for p in _PHRASE_CUT_RE.split(sentence) if p and supports_type(q, p)] or [sentence]
    for place in q.places:
        if place in own:
            continue
        asked = region_of(place)
        if not any(_for_place(p, place, asked) for p in phrases):
            return False
    return True


def _for_place(phrase: str, place: str, asked: Region) -> bool:
    """Does a phrase name the place, or a place holding it or within it, or no place at all?"""
    named = places_in(phrase)
    return not named or names_place(place, phrase) or any(region_of(n).within(asked) for n in named)


def supports_years(q: Query, context: str, issued: str = "") -> bool:
    """Every year the question names is in the evidence (one of them, for a comparison side).
    Of two or more years, one may be the year the document was issued (``issued``) when another
    is in the evidence: “2018年…调整督查激励措施时，把2016年实施的24项措施调整增加为多少项？” is
    answered by the 2018 notice's “将2016年实施的24项…调整增加为30项”.

    >>> from qa.question.query import analyse
    >>> q = analyse("2018年调整时，把2016年实施的24项措施增加为多少项？")
    >>> supports_years(q, "将2016年实施的24项督查激励措施调整增加为30项", "2018"), supports_years(q, "增加为30项", "2018")
    (True, False)
    """
    if not q.years:
        return True
    if q.compare:
        return any(y in context for y in q.years)
    missing = [y for y in q.years if y not in context]
    return not missing or (missing == [issued] and len(q.years) > 1)


def supports_doc_years(q: Query, doc: Document) -> bool:
    """Is the document the one the question names by its year (长春市2015年的住房若干意见规定…)?
    The year is its year of issue, or one its title or 文号 holds; a 2016 document is not the one
    asked.

    >>> from qa.question.query import analyse
    >>> q = analyse("长春市2015年的住房若干意见规定，首付比例是多少？")
    >>> doc = Document("d", "d.txt", "长春市关于住房需求的若干意见", "", "长府发〔2015〕6号", "2015-02-28", "", "", "simplified", "", "")
    >>> supports_doc_years(q, doc), supports_doc_years(analyse("长春市2016年的住房若干意见规定，首付比例是多少？"), doc)
    (True, False)
    """
    return all(y == doc.date[:4] or y in doc.title or y in doc.doc_number for y in q.doc_years)


#: a code of letters and digits that names a thing (5G, 6G, IPv6, H5, 4K): another code is
#: another thing
_CODE_RE = re.compile(r"(?<![A-Za-z\d.])(?:\d+[A-Za-z]+\d*|[A-Za-z]+\d+[A-Za-z]*)(?![A-Za-z\d])")


def codes_in(text: str) -> frozenset[str]:
    """The codes of letters and digits a text names, lower-cased.

    >>> sorted(codes_in("推动5G网络全覆盖，积极开展6G网络前期工作，部署IPv6。"))
    ['5g', '6g', 'ipv6']
    """
    return frozenset(c.lower() for c in _CODE_RE.findall(match_form(text)))


def supports_codes(q: Query, context: str, known: frozenset[str]) -> bool:
    """Every code the question names that the library uses (``known``: 5G, 6G, IPv6) is in the
    evidence: a 5G figure does not answer a 6G question.  A code the library never uses is the
    asker's own word (4S店 for 修理者) and is not asked of the evidence.

    >>> from qa.question.query import analyse
    >>> q, known = analyse("南昌到2025年要建多少个6G基站？"), frozenset({"5g", "6g"})
    >>> supports_codes(q, "到2025年，累计建设5G基站超过4万个。", known), supports_codes(q, "6G基站1万个", known)
    (False, True)
    >>> supports_codes(analyse("4S店修车超过5天怎么办？"), "修理时间超过5日的", known)
    True
    """
    asked = codes_in(q.sc) & known
    return not asked or asked <= codes_in(context)


_SENT_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}(?=\s*年)")


def year_part(q: Query, sentence: str) -> str | None:
    """The part of a sentence that speaks about the year(s) a question asks about.

    A sentence that gives targets for several years (“2023年，智安小区达到92%；2025年，视频
    监控覆盖率达到100%”) answers a 2025 question only with its 2025 part (plus any lead-in
    before the first year). ``None`` when the sentence names years but none asked for.

    >>> from qa.question.query import analyse
    >>> q = analyse("宁波智安小区到2025年要达到多少比例？")
    >>> year_part(q, "2023年，“智安小区”全市达到92%以上；2025年，视频监控覆盖率达到100%。")
    '2025年，视频监控覆盖率达到100%。'
    >>> year_part(q, "2023年，“智安小区”全市达到92%以上。") is None
    True
    >>> year_part(q, "建设智安小区。")
    '建设智安小区。'
    """
    marks = list(_SENT_YEAR_RE.finditer(sentence))
    if not q.years or not marks:
        return sentence
    asked = [i for i, m in enumerate(marks) if m.group(0) in q.years]
    if not asked:
        return None
    parts = [sentence[: marks[0].start()]]
    for i in asked:
        end = marks[i + 1].start() if i + 1 < len(marks) else len(sentence)
        parts.append(sentence[marks[i].start() : end])
    return "".join(parts)


#: a numbered phase or batch of a project (城市大脑二期, 第一批试点)
_PHASE_RE = re.compile(r"(?:[一二三四五六七八九十]|\d{1,2})期|第[一二三四五六七八九十\d]{1,2}批")


def supports_phase(q: Query, sentence: str) -> bool:
    """A sentence about a numbered phase speaks of the one the question names (with the
    words just before it): 二期 or another project's 一期 does not answer 一期 (like years).

    >>> from qa.question.query import analyse
    >>> q = analyse("宁波城市大脑一期项目是哪一年建成的？")
    >>> supports_phase(q, "2023年，启动城市大脑二期项目建设。"), supports_phase(q, "物联感知平台一期项目全面建成。")
    (False, False)
    >>> supports_phase(q, "城市大脑一期项目于2021年建成。"), supports_phase(q, "迭代升级城市大脑。")
    (True, True)
    """
    # 一期 with its project's last two characters (大脑一期); 第一批 as it is (a verb may precede it)
    asked = [
        m.group(0) if m.group(0)[0] == "第" else q.sc[max(0, m.start() - 2) : m.end()] for m in _PHASE_RE.finditer(q.sc)
    ]
    if not asked or not _PHASE_RE.search(sentence):
        return True
    s = match_form(sentence)
    return any(a in s for a in asked)


_BATCH_RE = re.compile(r"第[一二三四五六七八九十\d]{1,2}批|首批")


def names_asked_batch(q: Query, context: str) -> bool:
    """A question about a numbered batch (第二批试点) is answered only from evidence that names
    that batch (the clause, its heading or the clauses above it): what a programme says of itself
    in general is not what its second batch covers.  首批 is 第一批.

    >>> from qa.question.query import analyse
    >>> q = analyse("药品集中采购第二批扩围后覆盖了哪些省份？")
    >>> names_asked_batch(q, "逐步扩大集中采购的覆盖范围。"), names_asked_batch(q, "第二批扩围至25个省份。")
    (False, True)
    >>> names_asked_batch(analyse("第一批试点有哪些城市？"), "首批试点城市为北京、天津。")
    True
    """
    asked = {m.replace("首批", "第一批") for m in _BATCH_RE.findall(q.sc)}
    if not asked:
        return True
    s = match_form(context).replace("首批", "第一批")
    return any(a in s for a in asked)


#: the how-many-th home a purchase is (首套 1, 第二套 2, 第三套及以上 3 and more), or the homes a
#: family already owns (拥有1套住房…再次申请: the next is its second)
_HOME_ORDINAL_RE = re.compile(r"(首|第?[一二三四五六七八九\d])套(?:住房|房|普通自住房)?(及以上|以上)?")
_HOMES_OWNED_RE = re.compile(r"(?:拥有|已有|有)([一二三四五六七八九\d])套(?:住房|房)")


def _home_counts(text: str, owned: bool = True) -> list[tuple[int, bool]]:
    """The ordinals of home a text speaks of, each as (n, and more); with ``owned``, the home after
    those a family already owns too (a rule's 拥有1套住房…再次申请, not a person's 我有一套房)."""
    out = []
    for m in _HOME_ORDINAL_RE.finditer(text):
        word = m.group(1)
        if not word.startswith(("第", "首")) and m.start() > 0 and text[m.start() - 1] in "有买拥购":
            continue  # 有一套房, 买三套: a count of homes, not which one
        n = 1 if word == "首" else int(in_digits(word.lstrip("第")) or 0)
        if n:
            out.append((n, bool(m.group(2))))
    if owned:
        out += [(int(in_digits(m.group(1)) or 0) + 1, False) for m in _HOMES_OWNED_RE.finditer(text)]
    return out


def supports_home_ordinal(q: Query, sentence: str) -> bool:
    """A question about the how-many-th home (第三套房的首付) is answered by a sentence on that
    home, not by one that speaks only of others (首套…30%，拥有1套住房…再次申请…40%).  A sentence
    that speaks of no ordinal passes.

    >>> from qa.question.query import analyse
    >>> q = analyse("用商业贷款买第三套房，最低首付比例是多少？")
    >>> supports_home_ordinal(q, "对购买首套普通自住房的家庭，最低首付比例为30%，对拥有1套住房再次申请贷款购房的，不低于40%。")
    False
    >>> supports_home_ordinal(q, "家庭购买第三套及以上住房的，不予贷款。"), supports_home_ordinal(q, "最低首付比例为30%。")
    (True, True)
    >>> supports_home_ordinal(analyse("买第二套房首付几成？"), "对拥有1套住房的家庭再次申请贷款购房的，最低首付比例不低于40%。")
    True
    """
    asked = {n for n, _more in _home_counts(q.sc, owned=False)}
    if not asked:
        return True
    said = _home_counts(match_form(sentence))
    return not said or any(n == a or (more and a >= n) for n, more in said for a in asked)


#: the document itself, as its own sentences name it (本办法, 本实施细则, 本通知)
OWN_NAME = r"本[\u4e00-\u9fff]{0,4}?(?:条例|规定|办法|细则|措施|通知|意见|方案|预案|决定)"
#: a sentence on the document's own force: when it takes effect (本办法自…起施行), how long it lasts
#: (，有效期5年; not a 三包有效期), what it repeals (《…》同时废止), who interprets it, and which rule
#: prevails (与本办法不一致的，以本办法为准; 本办法与…政策不一致的; 另有规定的，从其规定)
_OWN_FORCE_RE = re.compile(
    rf"{OWN_NAME}[^。；]{{0,30}}(?:施行|实施|执行|生效)"
    r"|(?:^|[，,])\s*有效期"
    r"|同时废止|停止执行|不再执行"
    r"|负责解释|解释权"
    rf"|{OWN_NAME}[^。；]{{0,30}}不一致|不一致[^。；]{{0,6}}{OWN_NAME}|另有规定的[，,]?\s*从其规定"
)
_SENTENCE_CUT_RE = re.compile(r"(?<=[。；;])")
_LABEL_RE = re.compile(r"^\s*第[\d一二三四五六七八九十百零〇]+条\s*")


def speaks_of_itself(text: str) -> bool:
    """Does a clause say nothing but its document's own force (its 施行, 有效期, what it repeals,
    who interprets it, which rule prevails)?  Such a clause answers a question on these alone, not
    “交公积金才4个月，能申请贷款吗？”, whatever words it shares with one.

    >>> speaks_of_itself("第二十七条 本办法自2026年6月9日起实施，有效期为5年。原有政策与本办法不一致的，以本办法为准。")
    True
    >>> speaks_of_itself("第二十九条 按照本规定更换的家用汽车产品，其三包有效期和包修期自更换之日起重新计算。")
    False
    >>> speaks_of_itself("本办法自印发之日起施行。申请人应当连续缴存6个月以上。")
    False
    """
    body = re.sub(r"《[^》]*》", "《》", _LABEL_RE.sub("", text))
    sentences = [s for s in _SENTENCE_CUT_RE.split(body) if s.strip()]
    return bool(sentences) and all(_OWN_FORCE_RE.search(s) for s in sentences)


def supports_force(q: Query, clause_text: str) -> bool:
    """A clause on nothing but its document's own force answers only a question on it
    (ASKS["asks-force"])."""
    return bool(ASKS["asks-force"].search(q.sc)) or not speaks_of_itself(clause_text)
