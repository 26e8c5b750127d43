"""The thresholds a clause sets (累计修理超过4次, 单次修理时间超过5日, 连续缴存12个月以上) that a
person's own quantities meet (修了五次, 等了两个礼拜, 交了一年半): a clause whose threshold the
situation reaches speaks to it, and a condition that sets one is met or not (连续缴存6个月以上
against 才缴了2个月).  A question that states the asker's own quantity (交公积金才4个月，能申请
贷款吗？) is answered first from a sentence that sets a threshold on the same thing.

Numbers are read through :func:`qa.ingest.numerals.in_digits` (cn2an); measure words and their
sizes come from ``qa/data/quantity_units.txt``.  Only the same measure is compared (次 with 次,
time with time), and only a threshold that says which side it bounds.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from qa.data import mapping
from qa.ingest.numerals import in_digits
from qa.normalize import match_form

#: words before or after a number that make it a bound: a lower bound (超过4次, 12个月以上) or an
#: upper one (7日内, 不超过30日); 超过, 多于, 不足, 未满… exclude the number itself
_BEFORE = ("超过", "多于", "不少于", "不低于", "满", "达到", "不超过", "不足", "未满", "不满", "少于")
_AFTER = ("以上", "之后", "以下", "以内", "之内", "后", "内")
_LOWER = {"超过", "多于", "不少于", "不低于", "满", "达到", "以上", "之后", "后"}
_EXCLUSIVE = {"超过", "多于", "不足", "未满", "不满", "少于"}


@cache
def units() -> dict[str, tuple[str, float]]:
    """Measure word → (what it measures, its size in that measure's base)."""
    return {word: (measure, float(size)) for word, (measure, size, *_flag) in mapping("quantity_units").items()}


@cache
def _unbound_measures() -> frozenset[str]:
    """The measures a quantity is compared in whatever words come before it (``unbound`` in
    ``qa/data/quantity_units.txt``): a distance is a distance driven (跑了2000公里 against
    行驶里程3000公里之内), where a time may be of anything (住了3年, 缴存6个月)."""
    return frozenset(m for m, _size, *flag in mapping("quantity_units").values() if "unbound" in flag)


@cache
def _unit_re() -> str:
    return "|".join(sorted(map(re.escape, units()), key=len, reverse=True))


@cache
def _threshold_re() -> re.Pattern[str]:
    def alternatives(ws: tuple[str, ...]) -> str:
        return "|".join(sorted(ws, key=len, reverse=True))

    return re.compile(
        rf"(?<!第)({alternatives(_BEFORE)})?(\d+(?:\.\d+)?)({_unit_re()})(?!岁)(?:[（(]含[）)])?({alternatives(_AFTER)})?"
    )


@cache
def _quantity_re() -> re.Pattern[str]:
    return re.compile(rf"(?<![第\d.])(\d+(?:\.\d+)?)[多余]?个?(半)?({_unit_re()})(半)?(?![级岁])")


def quantities(text: str) -> list[tuple[str, float, str]]:
    """The quantities a person states, each as (measure, size in its base, what it counts).

    >>> quantities("车买了一年半，同一个毛病修了五次，等配件得两个礼拜")
    [('time', 547.5, '车买'), ('count', 5.0, '毛病修'), ('time', 14.0, '等配件')]
    >>> quantities("2020年买的房，住了3年")
    [('time', 1095.0, '住')]
    >>> quantities("新车提回来才一个半月，跑了两千公里")
    [('time', 45.0, '提来'), ('distance', 2000.0, '跑')]
    >>> quantities("新车买了两个月零五天"), quantities("交了一年三个月"), quantities("修了四十多天")
    ([('time', 65.0, '新车买')], [('time', 455.0, '交')], [('time', 40.0, '修')])
    """
    out: list[tuple[str, float, str]] = []
    text = _plain_digits(text)
    end = -1
    for m in _quantity_re().finditer(text):
        if _calendar_year(m.group(1), m.group(3)):
            continue
        measure, size = units()[m.group(3)]
        size *= float(m.group(1)) + (0.5 if m.group(2) or m.group(4) else 0.0)
        if out and out[-1][0] == measure and re.fullmatch(r"[零又]?", text[end : m.start()]):
            out[-1] = (measure, out[-1][1] + size, out[-1][2])  # 两个月零五天 is one span, 65 days
        else:
            out.append((measure, size, _before(text, m.start())))
        end = m.end()
    return out


def _plain_digits(text: str) -> str:
    """The text in match form with its numbers in digits, without thousands separators (50,000)
    or 万 after digits (3万公里), and 半年 as 0.5年.

    >>> _plain_digits("跑了3万公里，又跑了1.5万公里和50,000公里")
    '跑了30000公里，又跑了15000公里和50000公里'
    >>> _plain_digits("住了半年，又住了一年半")
    '住了0.5年，又住了1年半'
    """
    text = re.sub(r"(?<=\d)[,，](?=\d{3})", "", in_digits(match_form(text)))
    text = re.sub(r"(?<![\d.个])半(?=个?(?:年|月|天|日|小时))", "0.5", text)  # 半年 alone
    return re.sub(r"(\d+(?:\.\d+)?)万(?!分之)", lambda m: f"{round(float(m.group(1)) * 10000)}", text)


def thresholds(text: str) -> list[tuple[str, float, str, str]]:
    """The thresholds a clause sets, each as (measure, size in its base, bound word, what it counts).

    >>> thresholds("因质量问题累计修理时间超过30日，或者因同一质量问题累计修理超过4次的")
    [('time', 30.0, '超过', '修理'), ('count', 4.0, '超过', '累计修理')]
    >>> thresholds("自三包有效期起算之日起7日内，应当自第6日起提供备用车")
    [('time', 7.0, '内', '算')]
    >>> thresholds("连续足额缴存住房公积金6个月（含）以上")
    [('time', 180.0, '以上', '房公积金')]
    >>> thresholds("自三包有效期起算之日起60日内或者行驶里程3,000公里之内")
    [('time', 60.0, '内', '算'), ('distance', 3000.0, '之内', '行驶里程')]
    >>> thresholds("年满18周岁的居民参保人员"), quantities("我今年35周岁")  # an age, not 18 weeks
    ([], [])
    """
    out = []
    text = _plain_digits(text)
    for m in _threshold_re().finditer(text):
        word = m.group(1) or m.group(4)
        if not word or _calendar_year(m.group(2), m.group(3)):
            continue
        measure, size = units()[m.group(3)]
        out.append((measure, float(m.group(2)) * size, word, _before(text, m.start())))
    return out


def thresholds_met(situation: str, clause_text: str) -> int:
    """How many of a clause's thresholds one of the situation's quantities meets.

    >>> thresholds_met("同一个漏油毛病修了五次都没修好", "因同一质量问题累计修理超过4次的")
    1
    >>> thresholds_met("修了三次", "因同一质量问题累计修理超过4次的"), thresholds_met("修了五次", "7日内")
    (0, 0)
    """
    met = {i for i, size, bound, word in _compared(situation, clause_text) if _within(size, bound, word)}
    return len(met)


def threshold_status(situation: str, condition_text: str) -> bool | None:
    """Whether the situation's quantities meet the thresholds a condition sets: None when the
    condition sets none or the situation states no quantity of the same thing, else whether
    every threshold it speaks to is met.

    >>> threshold_status("住房公积金已经连续缴存了8个月", "连续缴存6个月以上")
    True
    >>> threshold_status("公积金连续缴存了3个月", "连续缴存6个月以上")
    False
    >>> threshold_status("我今年35岁", "连续缴存6个月以上") is None
    True
    """
    verdicts = [_within(size, bound, word) for _i, size, bound, word in _compared(situation, condition_text)]
    return all(verdicts) if verdicts else None


def _compared(situation: str, text: str) -> list[tuple[int, float, float, str]]:
    """Each (threshold's place in ``text``, stated size, bound, bound word) where the situation
    states a quantity of the same measure and the same thing as a threshold of ``text``."""
    if not (stated := _stated(situation)):
        return []  # most questions state no quantity: no clause's thresholds need reading
    return [
        (i, size, bound, word)
        for i, (measure, bound, word, said) in enumerate(_clause_thresholds(text))
        for m, size, of in stated
        if m == measure and (set(said) & set(of) or m in _unbound_measures())
    ]


@lru_cache(maxsize=64)
def _stated(situation: str) -> tuple[tuple[str, float, str], ...]:
    return tuple(quantities(situation))  # read once for all the clauses one profile is matched to


@lru_cache(maxsize=4096)
def _clause_thresholds(text: str) -> tuple[tuple[str, float, str, str], ...]:
    return tuple(thresholds(text))  # a clause comes back for many profiles


def _calendar_year(number: str, unit: str) -> bool:
    """Is it a year of the calendar (2020年), not a span of years (2年)?"""
    return unit == "年" and float(number) >= 1000


def _within(size: float, bound: float, word: str) -> bool:
    if word in _LOWER:
        return size > bound if word in _EXCLUSIVE else size >= bound
    return size < bound if word in _EXCLUSIVE else size <= bound


#: characters that say nothing of what is counted (…了, 已经…, 之日起…)
_PLAIN = set("的了在是有个和与或及并且已经还都就才再又也之日起自为于其内外前后这那我你他她它们要得到时间每")


@cache
def _not_counted() -> set[str]:
    """The characters that never say what is counted: plain ones, bound words and measure words
    (but for those of an unbound measure: 公 of 公里 is also 公 of 公积金)."""
    bound = (w for w, (measure, _size) in units().items() if measure not in _unbound_measures())
    return _PLAIN | set("".join((*_BEFORE, *bound)))


def _before(text: str, at: int) -> str:
    """What a number counts, as the characters of the words just before it (修理 of 修理超过4次)."""
    lead = re.match(r"[\u4e00-\u9fff]*", text[max(0, at - 6) : at][::-1]).group(0)[::-1]
    return "".join(ch for ch in lead[-4:] if ch not in _not_counted())
