"""Whether a sentence speaks of what the question names or of its sibling: a figure for 省属
enterprises is not one for 市属 ones, B类护理's hours are not A类护理's (``qa/data/contrasts.txt``),
and a rule stated for every case but the one asked about (除…外) is not that case's."""

from __future__ import annotations

import re
from functools import cache

from qa.data import mapping
from qa.normalize import match_form
from qa.question.query import Query


@cache
def _pairs() -> tuple[tuple[tuple[str, ...], str], ...]:
    """(the modifiers of a group, one head) for every line and head of the table."""
    return tuple((tuple(mods.split()), head) for mods, heads in mapping("contrasts").items() for head in heads)


def siblings_instead(q: Query, sentence: str, context: str) -> list[str]:
    """The siblings a sentence names in place of what the question names: a modified word of the
    question (市属) that neither the sentence nor its context (headings, lead-in, title) holds,
    when the sentence holds the same head under another modifier of its group (省属) that the
    question does not name.

    >>> from qa.question.query import analyse
    >>> q = analyse("市属重点文化企业可以免缴国有资本收益到哪一年？")
    >>> siblings_instead(q, "2020年年底前省属重点文化企业可免缴国有资本收益。", "")
    ['省属']
    >>> siblings_instead(q, "省属、市属重点文化企业可免缴国有资本收益。", ""), siblings_instead(q, "省属企业", "市属企业")
    ([], [])
    >>> siblings_instead(analyse("中等职业学校生均拨款多少元？"), "高等职业教育生均拨款达到12000元。", "")
    ['高等']
    >>> siblings_instead(analyse("我在市区买房能贷多少？"), "各县区可贷80万元。", "")  # 区 heads nothing here
    []
    """
    text, around = match_form(sentence), match_form(context)
    found: list[str] = []
    for mods, head in _pairs():
        asked = [m + head for m in mods if m + head in q.sc]
        if not asked or any(a in text or a in around for a in asked):
            continue
        found += [m + head for m in mods if m + head in text and m + head not in q.sc]
    return found


#: 除…外，…: what follows holds for every case but the one named (除为了应对突发事件…外，合法性审核时间一般不少于5个工作日)
_EXCEPT_RE = re.compile(r"除(?:了)?([^。；;]{2,80}?)(?:以|之)?外[，,]")


def for_the_exception(words: list[str], sentence: str) -> bool:
    """Does the question ask about the case a sentence sets aside (除…外)?  Two or more of its
    words stand in the exception and nowhere else in the sentence: what the sentence states
    holds for the other cases.

    >>> s = "除为了预防、应对和处置突发事件需要立即制定规范性文件外，合法性审核时间一般不少于5个工作日。"
    >>> for_the_exception(["突发事件", "立即", "合法性", "审核", "压缩"], s)
    True
    >>> for_the_exception(["合法性", "审核", "时间", "工作日"], s)
    False
    """
    m = _EXCEPT_RE.search(match_form(sentence))
    if not m:
        return False
    rest = m.string[: m.start()] + m.string[m.end() :]
    return sum(1 for t in words if len(t) > 1 and t in m.group(1) and t not in rest) >= 2
