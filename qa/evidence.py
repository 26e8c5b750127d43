"""Evidence checks for answers (pure functions over an index).

A clause supports an answer when the years the question names are in it or above it, when
its sentence holds the kind of thing asked for (a figure, a date, a place…) in the unit asked
for, and when the question's entities are there.  Places are checked by :mod:`qa.places`, word
coverage (idf-weighted) by :func:`qa.retrieve.coverage`.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from qa.asking import ASKS
from qa.data import mapping, synonyms, words
from qa.gazetteer import Region, region_of
from qa.index import Index, passage_texts
from qa.ingest.duties import strip_duty_groups
from qa.ingest.numerals import in_digits
from qa.normalize import match_form
from qa.places import doc_places, names_place
from qa.query import COLLOQUIAL, Query, asking_part, counts_a_list, places_in
from qa.retrieve import HAN_RE, dense_scores, query_vector
from qa.schema import Clause, Document
from qa.tokens import cut


def context_of(index: Index, clause: Clause) -> str:
    """The clause with its ancestors' own text (a year in ``到2025年…`` above a list counts)."""
    parts = [clause.text_sc]
    pid = clause.parent_id
    by_id = index.corpus.clause_by_id
    while pid:
        parent = by_id[pid]
        parts.append(parent.text_sc)
        pid = parent.parent_id
    return "\n".join(parts)


def dense_z(index: Index, question: str, depth: int = 50) -> float:
    """How far the best dense match stands out: (top-1 − mean) / std over the top ``depth`` cosines.

    e5 cosines bunch high (an unrelated clause scores ~.85), so the raw value says little;
    the margin over the question's own neighbourhood does.
    """
    scores = np.array([s for _i, s in dense_scores(index, question, depth)], dtype=np.float32)
    if len(scores) < 3 or float(scores.std()) == 0.0:
        return 0.0
    return float((scores[0] - scores.mean()) / scores.std())


@lru_cache(maxsize=4)
def _vector_ids(index: Index) -> dict[int, list[int]]:
    """Each indexed row's vector ids (two with ``embed_form=both``)."""
    out: dict[int, list[int]] = {}
    for vid, row in enumerate(index.vec_rows):
        out.setdefault(int(row), []).append(vid)
    return out


@lru_cache(maxsize=4)
def _row_of(index: Index) -> dict[str, int]:
    return {c.id: i for i, c in enumerate(index.rows)}


def clause_cosines(index: Index, question: str, clauses: list[Clause]) -> list[float]:
    """Each clause's best cosine to the question, from its stored vectors (one read for all of
    them; embedded again only when the store cannot give its vectors back)."""
    rows = _row_of(index)
    owners = [(n, v) for n, c in enumerate(clauses) for v in _vector_ids(index).get(rows.get(c.id, -1), ())]
    vecs = index.dense.vectors([v for _n, v in owners]) if owners else None
    if vecs is None:
        form = index.manifest.get("embed_form", "both")
        texts = [
            (n, t) for n, c in enumerate(clauses) for t in passage_texts(c, index.corpus.doc_by_id[c.doc_id], form)
        ]
        if not texts:
            return [0.0] * len(clauses)
        owners = [(n, i) for i, (n, _t) in enumerate(texts)]
        vecs = index.encoder.encode_passages([t for _n, t in texts])
    sims = vecs @ query_vector(index, question)[0]
    best = [0.0] * len(clauses)
    for (n, _v), sim in zip(owners, sims, strict=True):
        best[n] = max(best[n], float(sim))
    return best


def cited_cosine(index: Index, question: str, clauses: list[Clause]) -> float:
    """The best cosine between the question and any of these clauses."""
    return max(clause_cosines(index, question, clauses), default=0.0)


_NAME_FLAGS = ("nr", "nrt", "nrfg", "ns")  # jieba's names of people and places


def nouns_of(sc: str) -> list[str]:
    """The common nouns of a question, two characters or more (jieba's parts of speech; names of
    places and people left out): 医保卡, 押金, 驾驶证 in everyday questions.

    >>> nouns_of("医保卡丢了，补办一张要去哪里？"), nouns_of("我在南昌开了家小饭馆，能申请补贴吗？")
    (['医保卡'], ['饭馆', '补贴'])
    """
    import jieba.posseg

    return [w for w, flag in jieba.posseg.cut(sc) if flag.startswith("n") and flag not in _NAME_FLAGS and len(w) >= 2]


#: a fraction's denominator in words (百分之, 万分之, 三分之…)
_FRACTION = "[一二三四五六七八九十百千万]分之"
_NUMBER_RE = re.compile(
    r"\d|[一二两三四五六七八九十百千万亿]+(?:个|项|家|所|条|类|级|倍|成|年|万|亿|分钟|小时|次|天|日|周岁|岁|名|人|户|套|周|批|种)"
    rf"|{_FRACTION}|一半|半数|过半"
)
#: a document's own numbering, which counts nothing: an article or item label (第二十八条, 第（一）项,
#: 依照本条例第5条).  (A list item's number at the start of a sentence, 2.单张贷记卡…, was left out
#: too at first: held-out 2 and 3 each lost a right answer, eval/ABLATION.md.)
_NUMBERING_RE = re.compile(r"第\s*[（(]?[\d一二三四五六七八九十百千零〇]+[)）]?\s*[条款项章节编目]")
#: an amount of money, in yuan or as a share or multiple of a wage or a standard (本人工资的70%,
#: 上年度职工月平均工资的50%, 2个月城镇最低生活保障标准, 6个月的本人工资)
_MONEY_RE = re.compile(
    r"\d[\d.,]*\s*(?:万|亿)?元|[一二两三四五六七八九十百千万亿]+元"
    r"|(?:工资|收入|标准|基数)的?\s*\d[\d.]*\s*(?:%|％|倍)"
    r"|[\d一二两三四五六七八九十]+\s*个月的?[\u4e00-\u9fff]{0,12}(?:工资|收入|标准)"
)
#: a share or rate (25%, 百分之三十, 八成, 1.5倍): what an amount asked of by its noun (投资达到多少,
#: 担保费收多少) may be stated as, unlike an amount asked in money itself (ASKS["in-money"])
_SHARE_RE = re.compile(
    rf"\d[\d.]*\s*(?:%|％)|{_FRACTION}[一二两三四五六七八九十百点]+|一半|半数|[一二两三四五六七八九]成|\d[\d.]*\s*倍"
)
_DAY_RE = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")
#: a time, absolute (2025年, 6月, 年底) or counted from an event (次月起, 自…之日起, …后30日内)
_TIME_RE = re.compile(
    r"\d{4}\s*年|\d{1,2}\s*月|年底|年前|年内|上半年|下半年|次月|次年|当月|当年|之日起|之日|\d+\s*(?:日|天|个工作日)内"
)
_ZONE_RE = re.compile(r"[\u4e00-\u9fff]{2,4}(?:新区|高新区|开发区|产业园区|自贸区|保税区)")
_COMPANY_RE = re.compile(r"[\u4e00-\u9fff]{2,}(?:公司|集团|银行)")
_ROLE_WORD_RE = re.compile("|".join(words("posts")))  # qa/data/posts.txt
# a named institution (四川大学, 天府实验室), not the generic 高校 / 科研院所 / 成立联合实验室
_INSTITUTION_RE = re.compile(r"[\u4e00-\u9fff]{2,12}?(?:大学|学院|医院|研究院|研究所|实验室)")
_LEAD_VERB_RE = re.compile(r"^(?:依托|成立|建设|建立|组建|设立|推动|支持|联合|加强|打造|培育|与|和|及|由|在)+")
_GENERIC_NAME_RE = re.compile(r"^(?:高等|知名|重点|省内|国内|相关|有关|专业|科研|研究|高校|企业|省|市|县)+$")
_RANK_RE = re.compile(r"[副正]?(?:国|部|省|厅|局|处|科|市|县)级|(?:主要|分管)(?:负责同志|领导|负责人)|[副正]职")
_HOLDER_RE = re.compile(r"领导|负责同志|负责人|" + _ROLE_WORD_RE.pattern)
_NAME_ASK_RE = re.compile(r"姓名|叫什么名字|名字")
# the common surnames: jieba tags some policy words as names (建立健全/nr), a name starts with one of these
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪"
    "范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞"
    "颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻"
    "祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇"
    "栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)


def _names_person(sentence: str) -> bool:
    """Does a sentence name a person (jieba's part-of-speech tag ``nr``)?

    >>> _names_person("浙江省委书记袁家军担任组长"), _names_person("由省政府领导任组长")
    (True, False)
    """
    import jieba.posseg  # loaded on first use: only questions asking for a name need it

    return any(
        flag.startswith("nr") and 2 <= len(w) <= 3 and w[0] in _SURNAMES for w, flag in jieba.posseg.cut(sentence)
    )


def _names_institution(sentence: str, question: str) -> bool:
    """Does a sentence name an institution other than the one the question is about?

    >>> q = "联合实验室设在哪所高校？"
    >>> _names_institution("依托浙江大学建设", q), _names_institution("依托省内知名企业和科研院所，成立河北省数字政府联合实验室", q)
    (True, False)
    """
    for m in _INSTITUTION_RE.finditer(sentence):
        name = _LEAD_VERB_RE.sub("", m.group(0))
        prefix = re.sub(r"(?:大学|学院|医院|研究院|研究所|实验室)$", "", name)
        if not prefix or _GENERIC_NAME_RE.match(prefix):
            continue
        if any(name[i : i + 4] in question for i in range(len(name) - 3)):
            continue  # the institution the question asks about, not an answer
        return True
    return False


#: a telephone number: a short hotline (12345, 12315, 96xxx), 400/800, a landline or a mobile
_PHONE_RE = re.compile(r"\d{3,4}[-－—]\d{7,8}|(?<![\d.])(?:1\d{4}|9\d{4,5}|[48]00\d{7}|0\d{9,11}|1[3-9]\d{9})(?![\d.])")
#: papers a person brings or files (身份证明, 户口簿, 申请书, 材料)
_PAPERS_RE = re.compile(r"材料|证明|证件|证书|身份证|户口簿|户口本|居住证|申请书|申请表|表格|资料|凭证|合同|发票|照片")
#: where a person goes or whom they ask: a body, a service point or a channel
_OFFICE_RE = re.compile(
    r"部门|机关|机构|政府|街道|乡镇|社区|居委会|村委会|办事处|窗口|服务中心|网上|网站|平台|热线|所在地|户籍地|居住地|医院|银行"
    r"|[\u4e00-\u9fff]{1,8}?(?:局|厅|委员会|管理中心|服务站|派出所)"
)


def supports_type(q: Query, sentence: str) -> bool:
    """Does a sentence contain the kind of thing the question asks for?

    >>> from qa.query import analyse
    >>> supports_type(analyse("宁波6G网络哪一年建成商用？"), "积极开展6G网络前期工作。")
    False
    >>> supports_type(analyse("宁波要建多少个5G基站？"), "到2025年累计建设5G基站超过4万个。")
    True
    >>> supports_type(analyse("数字政府综合应用的总投资预算是多少？"), "建设民意收集一个码、指标管理一本账。")
    False
    >>> supports_type(analyse("城市大脑二期哪一天启动？"), "2023年，启动城市大脑二期项目建设。")
    False
    >>> supports_type(analyse("实施意见是哪一天印发的？"), "于2023年4月12日正式印发。")
    True
    >>> supports_type(analyse("转制后从什么时候起按企业办法参加社会保险？"), "转制后自企业登记注册的次月起按企业办法参加社会保险")
    True
    >>> supports_type(analyse("换护照要准备什么材料？"), "家庭人口发生变化的，应当及时告知乡镇人民政府。")
    False
    >>> supports_type(analyse("临时救助去哪里申请？"), "向户籍所在地乡镇人民政府（街道办事处）提出申请。")
    True
    >>> q = analyse("项目投资达到多少可以办理预售许可？")
    >>> supports_type(q, "投资达到25%以上，即可办理预售许可。"), supports_type(analyse("能拿多少钱？"), "达到25%以上。")
    (True, False)
    >>> q = analyse("购买第二套住房的最低首付比例是多少？")
    >>> supports_type(q, "不高于购房总价款×（1－最低首付比例）。"), supports_type(q, "最低首付比例为30%。")
    (False, True)
    >>> q = analyse("应急转贷基金总规模有多大？")  # an article's label counts nothing
    >>> supports_type(q, "第二十八条 共同建立应急转贷基金。"), supports_type(q, "第二十八条 基金规模10亿元。")
    (False, True)
    >>> supports_type(q, "依照本条例第5条建立基金。"), supports_type(q, "第（三）项规定的基金。")
    (False, False)
    >>> supports_type(analyse("按日加收多少滞纳金？"), "第六十二条 按日加收万分之五的滞纳金；")
    True
    >>> supports_type(analyse("联席会议由谁担任召集人？"), "国务院分管教育工作的副总理担任召集人。")
    True
    >>> q = analyse("燃气漏气要报修，该打哪个电话？")
    >>> supports_type(q, "可以采取互联网、电话等非现场调解方式。"), supports_type(q, "拨打12345政务服务便民热线。")
    (False, True)
    """
    s = match_form(sentence)
    if q.wants == "money":  # an amount of money, not just any figure; or its share when asked by its noun
        return bool(_MONEY_RE.search(s) or (not ASKS["in-money"].search(q.sc) and _SHARE_RE.search(s)))
    if q.wants == "quantity":  # a share asked (首付比例是多少) is a share, not the 1 of a formula
        figure = _SHARE_RE if ASKS["asks-share"].search(asking_part(q.sc)) else _NUMBER_RE
        return bool(figure.search(_NUMBERING_RE.sub(" ", s)))
    if q.wants == "time":  # 哪一天 needs a day (4月12日), 哪一年 a year
        return bool((_DAY_RE if ASKS["asks-day"].search(q.sc) else _TIME_RE).search(s))
    if q.wants == "place":  # a place other than the one the question is already about
        s = strip_duty_groups(s)  # a unit name like 南昌高新区管委会 is not a location
        return bool(_ZONE_RE.search(s) or set(places_in(s)) - set(q.places))
    if q.wants == "company":
        return bool(_COMPANY_RE.search(s))
    if q.wants == "institution":
        return _names_institution(s, q.sc)
    if q.wants == "rank":
        return bool(_RANK_RE.search(s))
    if q.wants == "phone":
        return bool(_PHONE_RE.search(s))
    if q.wants == "papers":
        return bool(_PAPERS_RE.search(s))
    if q.wants == "office":
        return bool(_OFFICE_RE.search(strip_duty_groups(s)))
    if q.wants == "person":
        if _NAME_ASK_RE.search(q.sc):
            return _names_person(s)  # 姓名: the sentence must name someone, not just the post
        roles = _ROLE_WORD_RE.findall(q.sc)
        if roles:  # 组长是谁: the sentence names the post
            return any(r in s for r in roles)
        return bool(_RANK_RE.search(s) or _HOLDER_RE.search(s))  # 由谁担任: a post, a rank or a leader
    return True


_PHRASE_CUT_RE = re.compile("[，；,;]")


def supports_asked_place(q: Query, sentence: str, doc: Document) -> bool:
    """Is what a sentence states for the places the question names?  It is not for a place that
    is not the document's own when the phrases that hold the kind of thing asked name other
    places and not that one: in “广州、深圳进一步放宽…资格，2023年广州增加5万个…指标配额。” the
    figure is 广州's, not 深圳's.  A place that holds the asked one, or lies within it, is no
    other place; a comparison's sides are each checked on their own.

    >>> from qa.query import analyse
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


def supports_years(q: Query, context: str) -> bool:
    """Every year the question names is in the evidence (one of them, for a comparison side)."""
    if not q.years:
        return True
    test = any if q.compare else all
    return test(y in context for y in q.years)


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

    >>> from qa.query import analyse
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

    >>> from qa.query import analyse
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


#: the endings of the names of things one holds, pays or receives, each with the general words
#: for its kind (qa/data/instrument_suffixes.txt), longest first
_KINDS = dict(sorted(mapping("instrument_suffixes").items(), key=lambda kv: -len(kv[0])))
_INSTRUMENT_RE = re.compile("(?:" + "|".join(map(re.escape, _KINDS)) + ")$")


def named_instruments(sc: str) -> list[str]:
    """The things a question names that one holds, pays or receives by name: its nouns that end
    like a tax, a fee, a certificate, an insurance, a card, a voucher or a sum of money.

    >>> named_instruments("在长春买首套房，契税能补贴多少？"), named_instruments("驾驶证快到期了，换证还要体检吗？")
    (['契税'], ['驾驶证'])
    >>> named_instruments("二手车的三包有效期是多长？")
    []
    """
    return [n for n in dict.fromkeys(nouns_of(sc)) if _INSTRUMENT_RE.search(n)]


def names_instrument(name: str, text: str) -> bool:
    """Does a text (match form) name the thing, its official term, or the general word for its
    kind (证件 for 身份证)?

    >>> names_instrument("身份证", "推进无证件（证明）办事"), names_instrument("契税", "首套房贷款最低首付比例为20%")
    (True, False)
    >>> names_instrument("失业金", "领取失业保险金人员"), names_instrument("低保金", "按月发放最低生活保障金")
    (True, True)
    """
    kind = m.group(0) if (m := _INSTRUMENT_RE.search(name)) else ""
    if any(t in text for t in (name, *COLLOQUIAL.get(name, ()), *_KINDS.get(kind, ()))):
        return True
    return any(len(m.group(1)) <= len(name) + 4 for m in _shortened_re(name).finditer(text))


@lru_cache(maxsize=256)
def _shortened_re(name: str) -> re.Pattern:
    """Where a shortened name (失业金, 低保金) is written out in full (失业保险金, 最低生活保障金): its
    characters in order, from its first to its last (the caller keeps spans at most four longer)."""
    inner = "[\u4e00-\u9fff]{0,4}?".join(map(re.escape, name))
    return re.compile(f"(?=({inner}))")


#: a numbered phase or batch of a project (城市大脑二期, 第一批试点)
_PHASE_RE = re.compile(r"(?:[一二三四五六七八九十]|\d{1,2})期|第[一二三四五六七八九十\d]{1,2}批")


def supports_phase(q: Query, sentence: str) -> bool:
    """A sentence about a numbered phase speaks of the one the question names (with the
    words just before it): 二期 or another project's 一期 does not answer 一期 (like years).

    >>> from qa.query import analyse
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

    >>> from qa.query import analyse
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

    >>> from qa.query import analyse
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


#: a span of time in any unit (6个月, 两年, 15个工作日, 半年), or one without end (长期有效)
_SPAN_RE = re.compile(
    r"[\d一二两三四五六七八九十百半]\s*(?:个)?(?:年|月|周|星期|日|天|小时|分钟|工作日)|长期|永久|终身"
)

#: units that count time: 多少天内作出决定 counts no noun
_DURATIONS = frozenset(["天", "小时", "个小时", "分钟", "年", "月", "个月", "周", "个工作日", "周岁", "岁"])


def supports_asked_unit(q: Query, context: str) -> bool:
    """``多少PB`` needs a figure in PB in the evidence.

    >>> from qa.query import analyse
    >>> supports_asked_unit(analyse("超算中心的算力规模是多少PFlops？"), "2023年，人工智能超算中心全面投用。")
    False
    >>> supports_asked_unit(analyse("算力要达到多少PFlops？"), "新增算力200 PFLOPS。")
    True
    >>> supports_asked_unit(analyse("提出了几项重点任务？"), "等5項重點任務"), supports_asked_unit(analyse("几项任务？"), "5个方面")
    (True, False)
    >>> supports_asked_unit(analyse("受理后多少天内作出决定？"), "受理申请后，15日内作出准予贷款的决定")
    True
    >>> q = analyse("评估结论的有效期是多长时间？")  # a span in any unit of time
    >>> supports_asked_unit(q, "评估结论有效期为2年。"), supports_asked_unit(q, "复评费用由申请人按100%的比例承担。")
    (True, False)
    >>> q = analyse("要遴选多少个试点单位？")
    >>> supports_asked_unit(q, "遴选12家试点单位。"), supports_asked_unit(q, "遴选试点单位，给予12次培训。")
    (True, False)
    """
    asking = asking_part(q.sc)
    m = ASKS["asked-unit"].search(asking)
    if not m and ASKS["asked-span"].search(asking):
        return bool(_SPAN_RE.search(match_form(context)))  # 多长时间: a span in any unit of time
    if not m or counts_a_list(q.sc):
        return True
    unit = m.group("unit") or m.group("few")
    flags = re.IGNORECASE if unit.isascii() else 0
    s = match_form(context)  # 15分鐘 is 15分钟
    same = synonyms("unit_synonyms").get(unit, (unit,))  # 多少天 is answered by 30日
    if unit == "个":  # the general measure word: 多少个试点 is answered by 12家试点
        same = (*same, *words("classifiers"))
    unit_re = "(?:" + "|".join(map(re.escape, same)) + ")"
    figures = list(re.finditer(r"[\d一二三四五六七八九十百千万两]\s*" + unit_re, s, flags))
    if not figures:
        return False
    # a duration (多少天内作出决定) counts no noun; 多少个业务系统 does
    noun = "" if unit in _DURATIONS else _counted_noun(asking[m.end() :])
    # 多少个业务系统: a count of 业务系统, not 7个方面 — the noun's head near one of the figures or
    # in its phrase
    return not noun or any(
        noun in s[max(0, f.start() - 12) : f.end() + 8] or noun in _phrase_at(s, f.start()) for f in figures
    )


def _phrase_at(text: str, at: int) -> str:
    """The phrase of ``text`` (between commas, semicolons or full stops) around position ``at``:
    多少个产业园区 is answered by “建设省级以上产业园区共计3个” as by “3个产业园区”.

    >>> _phrase_at("到2025年，建设省级以上产业园区共计3个，带动就业。", 17)
    '建设省级以上产业园区共计3个'
    """
    start = max(text.rfind(p, 0, at) for p in "，,；;。\n") + 1
    ends = [e for e in (text.find(p, at) for p in "，,；;。\n") if e >= 0]
    return text[start : min(ends) if ends else len(text)]


#: “…注册用户数达到多少？”“…缴存比例是多少？”: the measure whose value is asked (the words before
#: 达到多少, ending in a head of ``qa/data/measure_heads.txt``)
@lru_cache(maxsize=1)
def _measure_re() -> re.Pattern:
    heads = "|".join(map(re.escape, words("measure_heads")))
    return re.compile(
        rf"([\w“”]{{2,12}}?(?:{heads}))”?(?:要|将|需|应|能|可|预计|计划|力争)?(?:达到|超过|提高到|提升到|不低于|为|是|有)?"
        r"(?:每人|每户|每月|每年|每天|每日|每次)*多少"
    )


#: a measure is named by the whole words at its end that make at least this many characters
#: (跨部门事件处置率 → 事件处置率, 住房公积金缴存比例 → 缴存比例)
MEASURE_CHARS = 4


def asked_measure(sc: str) -> str:
    """The rate or count a figure question asks for, as the evidence must name it, or ``""``.

    >>> asked_measure("浙江要求2021年底“浙里办”注册用户数达到多少？"), asked_measure("宁波2023年办件“好评率”要达到多少？")
    ('注册用户数', '好评率')
    >>> asked_measure("宁波要建多少个5G基站？"), asked_measure("河北的人数是多少？")
    ('', '')
    >>> asked_measure("住房公积金缴存比例是多少？"), asked_measure("城乡低保标准是每人每月多少元？")
    ('缴存比例', '低保标准')
    """
    m = _measure_re().search(sc)
    if not m:
        return ""
    run = re.split(r"[^\u4e00-\u9fff]|的", m.group(1))[-1]  # after a quote, a year or 的: 日活跃用户数
    run = re.sub(r"^(?:年底?|年末|末|底|的|其|中)+", "", run)
    if len(run) < 3:
        return ""
    tail = ""
    for word in reversed(cut(run)):
        tail = word + tail
        if len(tail) >= MEASURE_CHARS:
            break
    return tail


def supports_measure(q: Query, sentence: str) -> bool:
    """A figure for ``注册用户数`` is not a figure for ``日活跃用户数``: the sentence names the
    measure the question asks about.

    >>> from qa.query import analyse
    >>> q = analyse("浙江省数字政府系统建设方案要求2021年底「浙里办」注册用户数达到多少？")
    >>> supports_measure(q, "“浙里办”日活跃用户数超过240万。"), supports_measure(q, "“浙里办”注册用户数达到5000万。")
    (False, True)
    """
    measure = asked_measure(q.sc)
    return not measure or measure in match_form(sentence)


#: counted things too general to check (多少个地方, 多少个方面)
_GENERIC_COUNTED = frozenset(["方面", "领域", "地方", "部门", "单位", "东西", "事项", "项目", "左右", "以上"])


def _counted_noun(after: str) -> str:
    """The last two characters of the thing counted after 多少个 (业务系统 → 系统), or ``""``.

    >>> _counted_noun("业务系统？"), _counted_noun("？"), _counted_noun("方面的任务？"), _counted_noun("5G基站？")
    ('系统', '', '', '基站')
    """
    m = re.match(r"[\w]{2,8}?(?=[的？?，,。；;、]|$)", after)
    head = m.group(0)[-2:] if m else ""
    return head if len(HAN_RE.findall(head)) == 2 and head not in _GENERIC_COUNTED else ""


HAN_RUN_RE = re.compile(r"[\u4e00-\u9fff]{2,}")
#: What a duty question says around the task it asks about: the asking, the roles, fillers.
_DUTY_WORDS_RE = re.compile(
    r"由?(?:哪个|哪些|哪几个|哪家|什么)(?:部门|单位|机构)|谁来?|归谁|牵头|负责|责任|协同|配合|参与|主管|承担|主抓|落实"
    r"|单位|部门|机构|这项|该项|工作|具体|分别|主要|还有|哪些|哪个|哪家|哪几个|什么|多少个?|几个|是|的|了|在|中|吗|有|要"
)


def task_bigrams(sc: str, names: tuple[str, ...] = ()) -> frozenset[str]:
    """The character pairs of the task a duty question asks about (Simplified match form),
    without its places, the document names ``names`` and the words asking for units.

    >>> sorted(task_bigrams("河北省谁牵头建设数字孪生城市？", ("河北省",)))
    ['城市', '字孪', '孪生', '建设', '数字', '生城', '设数']
    """
    for name in sorted(names, key=len, reverse=True):
        sc = sc.replace(name, " ")
    runs = HAN_RUN_RE.findall(_DUTY_WORDS_RE.sub(" ", sc))
    return frozenset(r[i : i + 2] for r in runs for i in range(len(r) - 1))


def bigram_coverage(pairs: frozenset[str], text: str, rarity: dict[str, float], unseen: float) -> float:
    """Rarity-weighted share of ``pairs`` that occur in ``text``: the task named, not just its words.

    A long clause holds 一体化, 数字, 资源 and 系统 somewhere; only the one that names
    一体化数字资源系统 holds its rare pairs 化数, 字资 and 源系 too.

    >>> rare = {"数字": 0.1, "字资": 3.0, "资源": 1.0, "源系": 3.0, "系统": 1.0}
    >>> round(bigram_coverage(frozenset(rare), "加快建设一体化数字资源系统", rare, 4.0), 2)
    1.0
    >>> round(bigram_coverage(frozenset(rare), "统筹数据资源，建设业务系统，推进数字化", rare, 4.0), 2)
    0.26
    """
    total = sum(rarity.get(p, unseen) for p in pairs)
    found = sum(rarity.get(p, unseen) for p in pairs if p in text)
    return found / total if total else 1.0
