"""Whether evidence states the figure in the unit asked (多少PB, 几项, a span of time for 多长时间),
and names the measure asked for (注册用户数, 支付比例)."""

from __future__ import annotations

import re
from functools import lru_cache

from qa.data import synonyms, words
from qa.normalize import match_form
from qa.question.asking import ASKS
from qa.question.query import Query, asking_part, counts_a_list
from qa.search.retrieve import HAN_RE
from qa.search.tokens import cut, tagged

#: a span of time in any unit (6个月, 两年, 15个工作日, 半年), or one without end (长期有效), not
#: a word that only starts so (长期失能人员)
_SPAN_RE = re.compile(
    r"[\d一二两三四五六七八九十百半]\s*(?:个)?(?:年|月|周|星期|日|天|小时|分钟|工作日)"
    r"|(?:长期|永久|终身)(?=有效|保存|保留|享受|使用|[，,。；;）)]|$)"
)

#: units that count time: 多少天内作出决定 counts no noun
_DURATIONS = frozenset(["天", "小时", "个小时", "分钟", "年", "月", "个月", "周", "个工作日", "周岁", "岁"])


def supports_asked_unit(q: Query, context: str) -> bool:
    """``多少PB`` needs a figure in PB in the evidence.

    >>> from qa.question.query import analyse
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
    >>> supports_asked_unit(q, "评估结论长期有效。"), supports_asked_unit(q, "长期失能人员由护理机构每日上门服务。")
    (True, False)
    >>> supports_asked_unit(analyse("把2016年实施的措施从多少项调整为多少项？"), "将2016年实施的24项措施调整增加为30项")
    True
    >>> q = analyse("要遴选多少个试点单位？")
    >>> supports_asked_unit(q, "遴选12家试点单位。"), supports_asked_unit(q, "遴选试点单位，给予12次培训。")
    (True, False)
    >>> q = analyse("要选多少个城市开展试点？")  # the noun counted leads the phrase
    >>> supports_asked_unit(q, "选择100个左右城市，开展为期三年的改革试点。"), supports_asked_unit(q, "开展试点工作，按照统一部署有序推进各项改革，新建3个馆。")
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
    # a duration (多少天内作出决定) counts no noun; 多少个业务系统 does; what follows a count asked
    # twice (从多少项调整为多少项) is the rest of the question, not the noun counted
    after = asking[m.end() :]
    nouns = () if unit in _DURATIONS or ASKS["asked-unit"].search(after) else _counted_words(after)
    # 多少个业务系统: a count of 业务系统, not 7个方面 — a word of what is counted near one of the
    # figures or in its phrase
    return not nouns or any(
        n in s[max(0, f.start() - 12) : f.end() + 8] or n in _phrase_at(s, f.start()) for f in figures for n in nouns
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

    >>> from qa.question.query import analyse
    >>> q = analyse("浙江省数字政府系统建设方案要求2021年底「浙里办」注册用户数达到多少？")
    >>> supports_measure(q, "“浙里办”日活跃用户数超过240万。"), supports_measure(q, "“浙里办”注册用户数达到5000万。")
    (False, True)
    """
    measure = asked_measure(q.sc)
    return not measure or measure in match_form(sentence)


#: counted things too general to check (多少个地方, 多少个方面)
_GENERIC_COUNTED = frozenset(["方面", "领域", "地方", "部门", "单位", "东西", "事项", "项目", "左右", "以上"])


def _counted_words(after: str) -> tuple[str, ...]:
    """What is counted after 多少个, or nothing: the last two characters of the phrase (业务系统 →
    系统) and, when a verb follows the thing counted (城市开展试点), the last two before the verb
    (城市).  Nothing when the phrase ends in a word that counts nothing in particular (方面的任务).

    >>> _counted_words("业务系统？"), _counted_words("？"), _counted_words("方面的任务？"), _counted_words("5G基站？")
    (('系统',), (), (), ('基站',))
    >>> _counted_words("城市开展试点？"), _counted_words("优惠高铁票？")
    (('试点', '城市'), ('铁票',))
    """
    m = re.match(r"[\w]{2,8}?(?=[的？?，,。；;、]|$)", after)
    phrase = m.group(0) if m else ""
    if not _counts_something(head := phrase[-2:]):
        return ()
    before = ""
    for word, flag in tagged(phrase):
        if flag == "v" and before:
            noun = before[-2:]  # the thing counted, before the verb (城市 of 城市开展试点)
            return (head, noun) if _counts_something(noun) and noun != head else (head,)
        before += word
    return (head,)


def _counts_something(word: str) -> bool:
    """Is a two-character word one a count can be checked for (not 方面, 左右, 5G)?"""
    return len(HAN_RE.findall(word)) == 2 and word not in _GENERIC_COUNTED
