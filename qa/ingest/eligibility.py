"""What a clause grants, to whom, on what conditions and when: the facts 政策找人 matches on.

A clause is cut into phrases (at ，；。：).  A phrase with an amount (jionlp's money extractor),
a rate or a standard, or with a word of ``qa/data/benefit_words.txt``, states a benefit.  A
phrase with a word of ``qa/data/condition_markers.txt`` states a condition; ages in it are parsed
to bounds (numerals by cn2an).  The groups a clause names are runs of nouns ending with a word of
``qa/data/target_suffixes.txt``, which also gives their class (个人, 企业, 社会组织).  Date ranges
come from jionlp's time extractor.  Everything is read from the clause's own text.
"""

from __future__ import annotations

import logging
import re
from functools import cache

from qa.data import HERE, words
from qa.ingest.numerals import in_digits, jionlp
from qa.normalize import match_form
from qa.schema import Condition, Eligibility

_PHRASE_RE = re.compile(r"[^，,；;。：:！？!?\n]+")
_AMOUNT_RE = re.compile(
    r"\d[\d,.]*\s*(?:万|千|亿)?元|\d+(?:\.\d+)?\s*(?:%|％)|百分之[\d一二三四五六七八九十]+|\d+\s*个月[^，；。]{0,8}标准|\d+\s*倍"
)
_AGE_PATTERNS = (  # (pattern on digits, which bounds its groups give)
    (re.compile(r"(\d+)\s*周?岁(?:至|到|-|—|～|~)(?:未满|不满)(\d+)\s*周?岁"), "range_below"),
    (re.compile(r"(\d+)\s*周?岁(?:至|到|-|—|～|~)(\d+)\s*周?岁"), "range"),
    (re.compile(r"(?:未满|不满|低于|小于)\s*(\d+)\s*周?岁"), "below"),
    (re.compile(r"(\d+)\s*周?岁(?:以下|以内|及以下)"), "at_most"),
    (re.compile(r"(?:年满|满|超过|年龄在)\s*(\d+)\s*周?岁"), "at_least"),
    (re.compile(r"(\d+)\s*周?岁(?:以上|及以上)"), "at_least"),
)
_CONDITION_KINDS = (
    ("age", ("周岁", "岁以上", "岁以下", "未满", "年满")),
    ("residence", ("户籍", "户口", "居住证", "居住满")),
    ("contribution", ("缴存", "缴纳", "缴费", "连续缴", "参保")),
    ("housing", ("住房", "无房", "首套")),
    ("income", ("收入",)),
    ("education", ("学历", "学位", "职称", "技能")),
)
_NOT_IN_TAGS = ("u", "p", "c", "m", "q", "x", "r", "e", "y", "w")  # jieba tags never inside a group's name
_NOT_IN_NAME = frozenset(
    [
        "的",
        "对",
        "为",
        "向",
        "和",
        "与",
        "及",
        "或",
        "等",
        "其",
        "其他",
        "其它",
        "有关",
        "相关",
        "符合",
        "条件",
        "本市",
        "本省",
        "全市",
        "全省",
        "各类",
        "各",
        "所有",
        "支持",
        "鼓励",
        "给予",
        "享受",
        "帮助",
        "引导",
        "推动",
        "申请",
        "包括",
        "属于",
        "是",
        "由",
        "经",
        "按",
        "应当",
        "可以",
        "可",
        "需",
        "须",
        "已",
        "未",
        "将",
        "被",
    ]
)
MAX_PHRASE = 80
MAX_ITEMS = 6


@cache
def target_classes() -> dict[str, str]:
    """``qa/data/target_suffixes.txt``: the last word of a group's name → its class."""
    out = {}
    for line in (HERE / "target_suffixes.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            suffix, cls = line.split()
            out[suffix] = cls
    return dict(sorted(out.items(), key=lambda kv: -len(kv[0])))


def read_eligibility(text: str) -> Eligibility:
    """The eligibility facts of a clause's own text: what it grants, or the conditions it sets
    (empty when it does neither).

    >>> e = read_eligibility("（二）享受延续护理待遇的人员，需年满六十周岁，每人每天补助120元。")
    >>> e.who, e.benefits, [(c.kind, c.low, c.high) for c in e.conditions]
    (('个人',), ('每人每天补助120元',), [('age', 60.0, None)])
    >>> [(c.kind, c.low, c.high) for c in read_eligibility("（2）满35周岁至未满45周岁参保人员为0.02%；").conditions]
    [('age', 35.0, 44.0)]
    >>> read_eligibility("加强组织领导，强化统筹协调。")
    Eligibility(who=(), targets=(), conditions=(), benefits=(), periods=())
    """
    sc = match_form(text)
    phrases = [p.strip() for p in _PHRASE_RE.findall(sc) if p.strip()]
    amounts = [p for p in phrases if states_amount(p)]
    named = [p for p in phrases if p not in amounts and is_benefit(p)]
    benefits = amounts + sorted(named, key=lambda p: not any(v in p for v in words("grant_verbs")))
    conditions = [read_condition(p) for p in phrases if p not in benefits and _is_condition(p)]
    # an age bound in the phrase that states the benefit still bounds it (满35周岁至未满45周岁参保人员为0.02%)
    conditions += [c for p in benefits if (c := read_condition(p)).kind == "age" and (c.low, c.high) != (None, None)]
    if not benefits and not any(c.kind != "other" for c in conditions):
        return Eligibility()  # grants nothing and sets no condition that can be checked
    targets = read_targets(sc)
    who = tuple(dict.fromkeys(target_class(t) for t in targets))
    return Eligibility(
        who=who,
        targets=tuple(targets[:MAX_ITEMS]),
        conditions=tuple(conditions[:MAX_ITEMS]),
        benefits=tuple(_cut(p) for p in benefits[:3]),
        periods=read_periods(sc),
    )


def states_amount(phrase: str) -> bool:
    """Does a phrase state an amount of money, a rate or a standard?

    >>> states_amount("其他申请人住院照料临时救助标准不超过120元/人/日"), states_amount("加强部门协同")
    (True, False)
    """
    return bool(_AMOUNT_RE.search(in_digits(phrase)))


def is_benefit(phrase: str) -> bool:
    """Does a phrase name a benefit (a word of ``qa/data/benefit_words.txt``), rather than
    the people it is for (a phrase ending in a group's name)?

    >>> is_benefit("给予一次性补助"), is_benefit("（二）享受延续护理待遇的人员")
    (True, False)
    """
    if re.sub(r"[（(][^）)]*[）)]$", "", phrase).endswith(tuple(target_classes())):
        return False
    return any(w in phrase for w in words("benefit_words"))


def _is_condition(phrase: str) -> bool:
    return any(w in phrase for w in words("condition_markers"))


def read_condition(phrase: str) -> Condition:
    """A condition phrase with its kind and, for ages, its bounds.

    >>> read_condition("未满35周岁")
    Condition(text='未满35周岁', kind='age', low=None, high=34.0)
    >>> read_condition("年龄在十八周岁至六十周岁之间")
    Condition(text='年龄在十八周岁至六十周岁之间', kind='age', low=18.0, high=60.0)
    >>> read_condition("具有本市户籍").kind
    'residence'
    """
    digits = in_digits(phrase)
    for pattern, bound in _AGE_PATTERNS:
        if m := pattern.search(digits):
            n = [float(g) for g in m.groups()]
            low, high = {
                "range": (n[0], n[-1]),
                "range_below": (n[0], n[-1] - 1),
                "below": (None, n[0] - 1),
                "at_most": (None, n[0]),
            }.get(bound, (n[0], None))
            return Condition(_cut(phrase), "age", low, high)
    kind = next((k for k, markers in _CONDITION_KINDS if any(m in phrase for m in markers)), "other")
    return Condition(_cut(phrase), kind)


def read_targets(text: str) -> list[str]:
    """The groups a text names, as runs of nouns ending with a group word (jieba's tagger).

    >>> read_targets("本市特困人员住院照料，职工参保人员每人每天120元；支持中小企业")
    ['特困人员', '职工参保人员', '中小企业']
    """
    import jieba.posseg

    suffixes = tuple(target_classes())
    pairs = list(jieba.posseg.cut(text))
    spans: list[tuple[int, int]] = []  # token ranges of the names found, a longer one replacing those it holds
    for i, (word, _flag) in enumerate(pairs):
        if not word.endswith(suffixes):
            continue
        j = i
        while (
            j > 0
            and i - j < 2
            and pairs[j - 1].word not in _NOT_IN_NAME
            and not pairs[j - 1].flag.startswith(_NOT_IN_TAGS)
        ):
            j -= 1
        spans = [s for s in spans if not (j <= s[0] and s[1] <= i)] + [(j, i)]
    names = ("".join(p.word for p in pairs[a : b + 1]) for a, b in spans)
    return list(dict.fromkeys(names))


def read_periods(text: str) -> tuple[tuple[str, str], ...]:
    """Date ranges a text states with full dates (jionlp), as ISO (first, last); an open end is "".

    >>> read_periods("申报时间为2023年1月1日至2025年12月31日。")
    (('2023-01-01', '2025-12-31'),)
    """
    if "年" not in text or not re.search(r"至|起|止|到|期间", text):
        return ()
    out = []
    logging.disable(logging.ERROR)  # jionlp logs a traceback for each time-like word it cannot read
    try:
        found_times = jionlp().ner.extract_time(text, with_parsing=True)
    finally:
        logging.disable(logging.NOTSET)
    for found in found_times:
        detail = found.get("detail") or {}
        span = detail.get("time") or ()
        if detail.get("type") != "time_span" or len(span) != 2 or not re.search(r"\d{4}年", found["text"]):
            continue
        last = "" if found["text"].endswith("起") else span[1][:10]
        out.append((span[0][:10], last))
    return tuple(dict.fromkeys(out))


def target_class(target: str) -> str:
    """The class (个人 · 企业 · 社会组织) of a group :func:`read_targets` found, by its last word."""
    return target_classes()[next(s for s in target_classes() if target.endswith(s))]


def _cut(phrase: str) -> str:
    return phrase if len(phrase) <= MAX_PHRASE else phrase[: MAX_PHRASE - 1] + "…"
