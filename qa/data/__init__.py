"""Word tables of general Chinese and of official-document conventions, one file each."""

from __future__ import annotations

from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent


@cache
def words(name: str) -> tuple[str, ...]:
    """The entries of ``qa/data/<name>.txt`` (one a line; ``#`` starts a comment), longest first.

    >>> words("doc_kinds")[:2]
    ('指导意见', '实施意见')
    """
    lines = (HERE / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    entries = dict.fromkeys(x.strip() for x in lines if x.strip() and not x.lstrip().startswith("#"))
    return tuple(sorted(entries, key=len, reverse=True))


@cache
def synonyms(name: str) -> dict[str, tuple[str, ...]]:
    """``qa/data/<name>.txt`` read as groups of words that mean the same (one group a line):
    each word → every word of its group, longest first.

    >>> synonyms("unit_synonyms")["天"][:2]
    ('个工作日', '工作日')
    """
    out: dict[str, tuple[str, ...]] = {}
    for line in (HERE / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        group = tuple(sorted(line.split(), key=len, reverse=True)) if not line.lstrip().startswith("#") else ()
        for word in group:
            out[word] = group
    return out


@cache
def groups(name: str) -> tuple[tuple[str, ...], ...]:
    """``qa/data/<name>.txt`` read as groups of words (one group a line), in the file's order and
    each in its line's order (the first word of a line names its group).

    >>> groups("education_levels")[0]
    ('初中', '初中毕业')
    """
    lines = (HERE / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return tuple(tuple(dict.fromkeys(x.split())) for x in lines if x.strip() and not x.lstrip().startswith("#"))


@cache
def mapping(name: str) -> dict[str, tuple[str, ...]]:
    """``qa/data/<name>.txt`` read as ``word: term term …`` lines, in the file's order.

    >>> mapping("colloquial")["看病"]
    ('医疗', '卫生健康', '就医')
    """
    out: dict[str, tuple[str, ...]] = {}
    for line in (HERE / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            word, _, terms = line.partition(":")
            out[word.strip()] = tuple(terms.split())
    return out
