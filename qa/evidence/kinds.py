"""The kind of thing a question asks for (a figure, money, a share, a day, a time, a place, a
name, an office, papers, a telephone number, the body that does something…) and whether a
sentence holds it."""

from __future__ import annotations

import re
from functools import cache

from qa.data import groups, mapping, words
from qa.ingest.duties import strip_duty_groups
from qa.ingest.numerals import in_digits
from qa.normalize import match_form
from qa.question.asking import ASKS
from qa.question.query import FIGURE_TYPES, Query, asking_part, places_in
from qa.search.tokens import tagged

#: a fraction's denominator in words (百分之, 万分之, 三分之…)
_FRACTION = "[一二三四五六七八九十百千万]分之"
#: measures a count in words may also be in, besides the measure words of counted things
_MEASURES = ("平方米", "亩", "公顷", "层", "辆", "课时", "学分")
_NUMBER_RE = re.compile(
    r"\d|[一二两三四五六七八九十百千万亿]+(?:个|项|家|所|条|类|级|倍|成|年|万|亿|分钟|小时|次(?!性)|天|日|周岁|岁|名|人|户|套|周|批|种)"
    # any other measure word of counted things (qa/data/classifiers.txt), after a number that is
    # not a lone 一 (一张网, 一件事 count nothing)
    r"|(?:[二两三四五六七八九十百千万亿]|[一二两三四五六七八九十百千万亿]{2,})"
    + "(?:"
    + "|".join(map(re.escape, words("classifiers") + _MEASURES))
    + ")"
    + rf"|{_FRACTION}|一半|半数|过半"
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
    return any(flag.startswith("nr") and 2 <= len(w) <= 3 and w[0] in _SURNAMES for w, flag in tagged(sentence))


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
#: an age: 年满60周岁, 未满三十五岁, 退休年龄
_AGE_RE = re.compile(r"[\d一二三四五六七八九十两]\s*周?岁|退休年龄")
#: a level of schooling (``qa/data/education_levels.txt``): 全日制本科及以上学历, 硕士学位, 高中毕业
_DEGREE_RE = re.compile(
    "|".join(sorted({re.escape(w) for g in groups("education_levels") for w in g}, key=len, reverse=True))
)
#: a sanction (``qa/data/sanctions.txt``)
_SANCTION_RE = re.compile("|".join(map(re.escape, words("sanctions"))))
#: papers a person brings or files (身份证明, 户口簿, 申请书, 材料)
_PAPERS_RE = re.compile(r"材料|证明|证件|证书|身份证|户口簿|户口本|居住证|申请书|申请表|表格|资料|凭证|合同|发票|照片")
#: where a person goes or whom they ask: a body, a service point or a channel
_OFFICE_RE = re.compile(
    r"部门|机关|机构|政府|街道|乡镇|社区|居委会|村委会|办事处|窗口|服务中心|网上|网站|平台|热线|所在地|户籍地|居住地|医院|银行"
    r"|[\u4e00-\u9fff]{1,8}?(?:局|厅|委员会|管理中心|服务站|派出所)"
)


def _figures(q: Query, s: str) -> list[re.Match]:
    """The figures of the kind a figure question asks for in a sentence (match form): an amount of
    money (or its share, when asked by its noun), a count or a share, a day or a time."""
    if q.wants == "money":  # an amount of money, not just any figure; or its share when asked by its noun
        kinds = [_MONEY_RE] + ([] if ASKS["in-money"].search(q.sc) else [_SHARE_RE])
    elif q.wants == "quantity":  # a share asked (首付比例是多少) is a share, not the 1 of a formula
        kinds = [_SHARE_RE if ASKS["asks-share"].search(asking_part(q.sc)) else _NUMBER_RE]
        s = _NUMBERING_RE.sub(lambda m: " " * len(m.group(0)), s)  # a label counts nothing; places kept
    else:  # 哪一天 needs a day (4月12日), 哪一年 a year
        kinds = [_DAY_RE if ASKS["asks-day"].search(q.sc) else _TIME_RE]
    return [m for kind in kinds for m in kind.finditer(s)]


#: a number the question itself gives, in digits or in words before a measure word (两年, 3个月)
_GIVEN_RE = re.compile(r"\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+(?=个|项|年|月|日|天|次|名|人|家|条|倍|周|岁)")


def adds_to_question(q: Query, sentence: str) -> bool:
    """Does a sentence state a figure of the kind asked that the question does not already give?
    A sentence whose only such figures are the question's own answers nothing: “1+X证书制度从2019年
    开始试点，计划哪一年全面推开？” is not answered by “从2019年开始…启动试点”.

    >>> from qa.question.query import analyse
    >>> q = analyse("1+X证书制度从2019年开始试点，计划哪一年在全国职业院校全面推开？")
    >>> adds_to_question(q, "从2019年开始，在职业院校启动1+X证书制度试点。"), adds_to_question(q, "2022年全面推开。")
    (False, True)
    >>> adds_to_question(analyse("是什么？"), "从2019年开始。")  # no figure asked
    True
    """
    if q.wants not in FIGURE_TYPES:
        return True
    given = {_value(m.group(0)) for m in _GIVEN_RE.finditer(q.sc)}
    s = in_digits(match_form(sentence))
    figures = _figures(q, s)
    # each figure as its whole number (12000 of 12000元, not its digits one by one)
    stated = {
        n.group(0)
        for n in re.finditer(r"\d+(?:\.\d+)?", s)
        if any(f.start() < n.end() and n.start() < f.end() for f in figures)
    }
    return not stated or not stated <= given


def _value(number: str) -> str:
    """A number as digits (两 → 2, 二十 → 20)."""
    return re.sub(r"[^\d.]", "", in_digits(number)) or number


def supports_type(q: Query, sentence: str) -> bool:
    """Does a sentence contain the kind of thing the question asks for?

    >>> from qa.question.query import analyse
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
    >>> supports_type(analyse("每个月能领多少抚恤金？"), "领取供养亲属抚恤金和一次性工亡补助金：")  # 一次性 counts nothing
    False
    >>> q = analyse("每年要派发多少间优惠客房？")  # a count in words, by any measure word of counted things
    >>> supports_type(q, "派发十二间优惠客房。"), supports_type(q, "建设全省一张网，推动客房数字化。")
    (True, False)
    >>> supports_type(analyse("联席会议由谁担任召集人？"), "国务院分管教育工作的副总理担任召集人。")
    True
    >>> q = analyse("延续护理待遇对参保人年龄有什么要求？")
    >>> supports_type(q, "需年满60周岁、在本市住院治疗后病情稳定；"), supports_type(q, "可享受1～3个月的待遇，一年不超过2次。")
    (True, False)
    >>> q = analyse("申请入户对学历有什么要求？")
    >>> supports_type(q, "具有全日制本科及以上学历；"), supports_type(q, "申请人应当在本市连续缴纳社会保险。")
    (True, False)
    >>> q = analyse("燃气漏气要报修，该打哪个电话？")
    >>> supports_type(q, "可以采取互联网、电话等非现场调解方式。"), supports_type(q, "拨打12345政务服务便民热线。")
    (False, True)
    >>> q = analyse("物业服务企业擅自改变共用部位用途的，会受到什么处罚？")
    >>> supports_type(q, "物业服务企业不得擅自改变共用部位用途。"), supports_type(q, "由县级以上人民政府房地产行政主管部门责令限期改正，给予警告。")
    (False, True)
    """
    s = match_form(sentence)
    if q.wants in FIGURE_TYPES:
        return bool(_figures(q, s))
    if q.wants == "place":  # a place other than the one the question is already about
        s = strip_duty_groups(s)  # a unit name like 南昌高新区管委会 is not a location
        return bool(_ZONE_RE.search(s) or set(places_in(s)) - set(q.places))
    if q.wants == "company":
        return bool(_COMPANY_RE.search(s))
    if q.wants == "institution":
        return _names_institution(s, q.sc)
    if q.wants == "rank":
        return bool(_RANK_RE.search(s))
    if q.wants == "age":
        return bool(_AGE_RE.search(s))
    if q.wants == "degree":
        return bool(_DEGREE_RE.search(s))
    if q.wants == "phone":
        return bool(_PHONE_RE.search(s))
    if q.wants == "papers":
        return bool(_PAPERS_RE.search(s))
    if q.wants == "penalty":
        return bool(_SANCTION_RE.search(s))
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


@cache
def _body_res() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """``qa/data/body_words.txt``: the ends of a body's name, the modifiers that leave it unnamed,
    and the words that only end like one."""
    table = mapping("body_words")
    alternatives = lambda key: "|".join(map(re.escape, sorted(table[key], key=len, reverse=True)))  # noqa: E731
    return (
        re.compile(alternatives("ends")),
        re.compile(rf"(?:{alternatives('unnamed')})$"),
        re.compile(alternatives("not_names")),
    )


#: what a body's name does not hold: it starts after the last of these
_NAME_BREAK_RE = re.compile(
    r"[^\u4e00-\u9fff]|第[一二三四五六七八九十百零\d]+条|会同|以及|鼓励|支持|引导|要求|督促|指导|推动|允许|因|按照|依据|依照|[由向经报和及与或的在对将把从是为]"
)


def agents_named(text: str) -> list[str]:
    """The bodies a text names as those that do something: a phrase's subject (市住建局要…, 民政、
    公安等部门应当…, 第五条 县级以上人民政府…), a body after 由, 经, 报, 向, 设在 (由县级以上市场监管部门查处,
    报省人民政府批准), and the bodies listed with one of these.  A body a sentence only speaks of
    (国家鼓励专利代理机构…, 因住房公积金管理中心…玩忽职守) does nothing in it.

    A body's name is read back to its phrase's start or the word before it; a body only these
    modifiers name (有关部门, 有权机关) and a word that only ends like a name (全部, 布局) are none.

    >>> agents_named("由县级以上人民政府房地产行政主管部门责令限期改正")
    ['县级以上人民政府', '房地产行政主管部门']
    >>> agents_named("由相关部门按照规定实施相应惩戒措施"), agents_named("按有关规定经批准可继续注册使用")
    ([], [])
    >>> agents_named("有关部门及其工作人员由有权机关责令改正"), agents_named("该最高额度由市住房公积金管理委员会确定")
    ([], ['市住房公积金管理委员会'])
    >>> agents_named("国家鼓励专利代理机构和专利代理师提供专利代理援助服务"), agents_named("数据安全工作由国家数据局统筹协调")
    ([], ['国家数据局'])
    >>> agents_named("因住房公积金管理中心、担保机构玩忽职守而导致贷款损失的，依照有关规定追究责任")
    []
    >>> agents_named("民政、公安等部门应当建立信息共享机制"), agents_named("由中央宣传部会同财政部、税务总局确定")
    (['公安等部门'], ['中央宣传部', '财政部', '税务总局'])
    >>> agents_named("第五条 县级以上人民政府统计部门应当建立健全统计监测制度")
    ['县级以上人民政府', '统计部门']
    """
    s = _body_form(text)
    found, last_agent = [], -1
    for a, b in _body_spans(s):
        lead = _PHRASE_RE.split(s[:a])[-1]
        joined = last_agent >= 0 and re.fullmatch(r"等?[、和及与]?|会同|、以及", s[last_agent:a])
        if joined or _AGENT_LEAD_RE.fullmatch(lead) or _AGENT_BEFORE_RE.search(lead):
            found.append(s[a:b])
            last_agent = b
    return found


#: where a phrase starts: a body named first in it is its subject
_PHRASE_RE = re.compile(r"[，。；：！？\n]")
#: a phrase's start before its subject: an article's or an item's label, a short list of names (民政、公安等部门)
_AGENT_LEAD_RE = re.compile(
    r"\s*(?:第[一二三四五六七八九十百零\d]+条\s*)?(?:[（(][一二三四五六七八九十\d]+[)）])?\s*"
    r"(?:(?:[\u4e00-\u9fff]{1,6}[、和及与])*[\u4e00-\u9fff]{1,6}[、和及与])?"
)
#: the words after which a body does what the sentence says (由县级以上市场监管部门查处, 报省人民政府批准)
_AGENT_BEFORE_RE = re.compile(r"(?:由|经|报|向|交|归|请|设在|报请|提请)$")


def _body_form(text: str) -> str:
    """The text a body is looked for in: match form, no 《title》, words that only end like a name blanked."""
    not_names = _body_res()[2]
    return not_names.sub(lambda m: "□" * len(m.group(0)), re.sub(r"《[^》]*》", "", match_form(text)))


def _body_spans(s: str) -> list[tuple[int, int]]:
    """(start, end) of each body named by name in ``s`` (:func:`_body_form`)."""
    ends, unnamed, _not_names = _body_res()
    spans: list[tuple[int, int]] = []
    for m in ends.finditer(s):
        phrase = max((b.end() for b in _PHRASE_RE.finditer(s, 0, m.start())), default=0)
        before = s[max(phrase, spans[-1][1] if spans else 0) : m.start()]
        if cut := list(_NAME_BREAK_RE.finditer(before)):
            before = before[cut[-1].end() :]
        modifier = before
        while g := unnamed.search(modifier):
            modifier = modifier[: g.start()]
        if modifier:
            spans.append((m.start() - len(before), m.end()))
    return spans
