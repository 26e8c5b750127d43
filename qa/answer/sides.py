"""The sides of a comparison (“A和B分别…”): how each is labelled, and which documents and clauses answer it."""

from __future__ import annotations

from dataclasses import dataclass, replace

from qa.answer.candidates import Candidate, candidates_of
from qa.answer.limits import MIN_COVERAGE
from qa.answer.named import doc_marks, docs_by_place
from qa.normalize import match_form
from qa.question.query import (
    Query,
    analyse,
)
from qa.search.index import Index
from qa.search.retrieve import (
    Filters,
    Weights,
    search,
)
from qa.settings import Settings


@dataclass(frozen=True)
class Side:
    """One side of a comparison: how the answer labels it, the documents it is answered from,
    and the words of the question that name it."""

    label: str
    docs: tuple[str, ...]
    mark: str
    #: the author or source naming the side: not a word its documents' clauses use
    byline: str = ""


def compare_sides(index: Index, q: Query) -> list[Side]:
    """The sides a comparison names, in the question's order: a document named by its author,
    source or title (某某的文章, 江西省数字政府系统建设方案), or a place (南昌: its documents
    but those named as sides of their own). A place inside a named title is that title's side."""
    found: list[tuple[int, Side]] = []
    spans = []
    for d in index.corpus.documents:
        for m in doc_marks(d):
            if (i := q.sc.find(m)) >= 0:
                # a title that starts with its place (江西省数字政府系统建设方案) is labelled by it
                place = next((p for p in q.places if p in m), "")
                label = place or (f"{m}文章" if m == d.author[:3] else m)
                byline = m if m in (d.author[:3], d.source) else ""
                found.append((i, Side(label, (d.id,), place or m, byline)))
                spans.append((i, i + len(m)))
                break
    named = {s.docs[0] for _i, s in found}
    for place in q.places:
        i = q.sc.find(place)
        if any(a <= i < b for a, b in spans):
            continue
        docs = tuple(d.id for d in docs_by_place(index).get(place, ()))
        found.append((i, Side(place, tuple(d for d in docs if d not in named) or docs, place)))
    return [s for _i, s in sorted(found, key=lambda x: x[0])]


def side_candidates(
    index: Index, q: Query, side: Side, sides: list[Side], w: Weights, settings: Settings
) -> list[Candidate]:
    """The candidate clauses of one side: the question without the other sides' names, searched
    in this side's documents."""
    if not side.docs:
        return []  # a place the library only mentions (九江 in 南昌's plan) has no document to answer from
    sub = match_form(q.text)
    for other in sides:
        if other is not side:
            sub = sub.replace(other.mark, "")
    if side.byline:
        sub = sub.replace(side.byline, "")
    sq = replace(analyse(sub), compare=True)
    hits = search(index, sub, k=10, retriever=settings.retriever, filters=Filters(docs=side.docs), second_stage=False)
    return [c for c in candidates_of(index, sq, hits, w) if c.cover >= MIN_COVERAGE * 0.6]
