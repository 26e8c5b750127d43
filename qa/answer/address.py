"""A clause asked for by its full address: 第二十二条第（一）项, 第七条第（七）项第2目,
第五十五条第一款第（二）项, 第四部分第（二）项第9条.

A reader names a clause by the chain of numbers above it, from any level down: the article (or a
part, a chapter), then its 款, 项 and 目.  The chain is read from the question
(:func:`asked_address`) and followed down a document's tree of clauses (:func:`follow`), each
step among the clauses beneath the one before, at the nearest level that has that number in that
style: a 款 is ``第N款`` (the first 款 is the article's own text), a 项 is ``（N）``, a 目 is
``N``; a part is its numeral (四), a chapter ``第N章``; an article ``第N条``, or, in a document
without articles, whatever its items at that place are numbered by.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.ingest.numerals import cn_numeral, number_value
from qa.schema import Clause

_NUMERAL = r"[一二三四五六七八九十百零〇两\d]{1,6}"
_STEP_RE = re.compile(rf"第\s*[（(]?({_NUMERAL})[）)]?\s*(部分|章|节|条|款|项|目|点)")
#: a path beneath an article that is one of its later 款 or under one (/第2款, /第2款/（一）)
_LATER_PARAGRAPH_RE = re.compile(r"/第\d+款")


@dataclass(frozen=True)
class Step:
    kind: str  # 部分 | 章 | 节 | 条 | 款 | 项 | 目
    number: int


@dataclass(frozen=True)
class Address:
    steps: tuple[Step, ...]
    start: int  # where the chain stands in the question
    end: int


def asked_address(sc: str) -> Address:
    """The chain of numbers a question names a clause by (one step or more, adjacent or joined by
    one character such as 的), the first chain in the question.

    >>> [(s.kind, s.number) for s in asked_address("第七条第（七）项第2点是什么？").steps]
    [('条', 7), ('项', 7), ('目', 2)]
    >>> a = asked_address("意见的第四部分第二项第9条讲了什么？")
    >>> [(s.kind, s.number) for s in a.steps], a.start, a.end
    ([('部分', 4), ('项', 2), ('条', 9)], 3, 13)
    >>> asked_address("第十四条规定了什么？第三条呢？").steps[0].number, asked_address("讲了什么？").steps
    (14, ())
    """
    steps: list[Step] = []
    start = end = -1
    for m in _STEP_RE.finditer(sc):
        if steps and m.start() - end > 1:  # another chain: the first one is asked
            break
        if not (n := number_value(m.group(1))):
            break
        steps.append(Step("目" if m.group(2) == "点" else m.group(2), n))
        start = m.start() if start < 0 else start
        end = m.end()
    return Address(tuple(steps), start, end)


def segment(c: Clause) -> str:
    """The last step of a clause's path (第三章/第十四条/（二） → （二）)."""
    return c.path.rsplit("/", 1)[-1]


def _names(step: Step) -> tuple[str, ...]:
    """The segments a clause numbered ``step`` may have in a path."""
    cn, n = cn_numeral(step.number), str(step.number)
    return {
        "部分": (cn, f"第{cn}部分"),
        "章": (f"第{cn}章",),
        "节": (f"第{cn}节",),
        "条": (f"第{cn}条", f"（{cn}）", n, cn),
        "款": (f"第{n}款",),
        "项": (f"（{cn}）", n),
        "目": (n, f"（{cn}）"),
    }[step.kind]


def follow(clauses: list[Clause], steps: tuple[Step, ...]) -> Clause | None:
    """The clause at the end of the chain in one document's clauses, or None when a step has no
    one clause of its number beneath the one before.

    A step is looked for among the clauses beneath the one before (the whole document for the
    first), by the segments of :func:`_names` in turn, at the nearest level that has one; the first
    款 of an article is the article itself, and the 项 of its first 款 are those not under a later 款.
    """
    below: list[Clause] = list(clauses)
    found: Clause | None = None
    for step in steps:
        if step.kind == "款" and found is not None and step.number == 1:
            below = [c for c in below if in_first_paragraph(found, c)]
            continue
        found = next((c for name in _names(step) if (c := _nearest(below, name))), None)
        if found is None:
            return None
        below = [c for c in clauses if c.path.startswith(found.path + "/")]
    return found


def in_first_paragraph(article: Clause, c: Clause) -> bool:
    """Is ``c`` (the article or a clause beneath it) in the article's first 款, not in a later
    one (第2款) or under it?"""
    return not _LATER_PARAGRAPH_RE.match(c.path[len(article.path) :])


def _nearest(below: list[Clause], name: str) -> Clause | None:
    """The one clause whose path ends in ``name`` at the nearest level that has any (None when
    several share it: 一/（二） and 二/（二） for （二） asked without its part)."""
    matches = [c for c in below if segment(c) == name]
    if not matches:
        return None
    depth = min(c.path.count("/") for c in matches)
    nearest = [c for c in matches if c.path.count("/") == depth]
    return nearest[0] if len(nearest) == 1 else None
