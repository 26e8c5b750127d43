"""Building a draft's citations: numbered once per clause, and two drafts merged into one."""

from __future__ import annotations

import re

from qa.schema import Citation, Clause


def cite(citations: list[Citation], clause: Clause, sentence: str = "") -> int:
    for c in citations:
        if c.clause.id == clause.id:
            return c.n
    citations.append(Citation(len(citations) + 1, clause, sentence))
    return len(citations)


def merge_answers(first: tuple[str, list[Citation]], second: tuple[str, list[Citation]]) -> tuple[str, list[Citation]]:
    """Two answers as one: the second's [n] markers renumbered after the first's citations (a
    clause both cite keeps its first number)."""
    text, citations = first[0], list(first[1])
    renumber = {c.n: cite(citations, c.clause, c.sentence) for c in second[1]}
    more = re.sub(r"\[(\d+)\]", lambda m: f"[{renumber.get(int(m.group(1)), m.group(1))}]", second[0])
    return f"{text}\n{more}", citations
