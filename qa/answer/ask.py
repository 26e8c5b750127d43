"""The question as every kind of answer sees it (:class:`Ask`), and what a kind returns (:class:`Draft`).

:func:`prepare` does the work all kinds share, once: a follow-up is rewritten whole, the question
is analysed, a document it names narrows the search, and the library is searched.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from functools import cached_property

from qa.answer.candidates import Candidate, candidates_of, usable
from qa.answer.limits import LIST_FACTOR
from qa.answer.named import asks_about_author, named_document
from qa.answer.sides import Side, compare_sides
from qa.normalize import detect_script, match_form
from qa.question.query import COMPARE_RE, Query, analyse, rewrite_followup
from qa.schema import Citation, Hit
from qa.search.index import Index
from qa.search.retrieve import (
    MAX_QUESTION_CHARS,
    RESCORE_POOL,
    Filters,
    Weights,
    printable,
    search,
    second_stage,
    weights,
)
from qa.settings import Settings


@dataclass(frozen=True)
class Draft:
    """A kind's answer before the answerability review: text with ``[n]`` markers and the clauses
    they cite.  A draft that cites nothing is a refusal, and its text says why (may be empty)."""

    text: str
    citations: list[Citation]
    mode: str

    @classmethod
    def refusal(cls, why: str = "") -> Draft:
        return cls(why, [], "refusal")


@dataclass(eq=False)
class Ask:
    """One question being answered, with everything the kinds of answer read."""

    question: str  #: as answered: a follow-up is rewritten whole
    rewritten: str  #: the rewritten follow-up, or ""
    q: Query
    index: Index
    settings: Settings
    w: Weights
    script: str
    found: list[Hit]  #: the fused ranking, which the answer stage scores sentences from
    hits: list[Hit]  #: the order the record lists (the second stage's)
    sides: list[Side]  #: a comparison's sides (two or more), else none
    about_author: bool  #: “…是谁？” asks about the author the question names
    limit: int  #: characters an answer may take
    started: float = field(default_factory=time.perf_counter)

    @cached_property
    def cands(self) -> list[Candidate]:
        """The hits whose places and years agree with the question's, with their coverage."""
        return candidates_of(self.index, self.q, self.found, self.w)

    @cached_property
    def good(self) -> list[Candidate]:
        """The candidates that may answer: substantive and covering enough of the question."""
        return usable(self.cands)


def rewrite(question: str, history: list[str] | None) -> tuple[str, str]:
    """``(question, rewritten)``: a follow-up asked whole from the last turn, which is read no
    further than a question is, however long the history a caller sends."""
    last = next((x for x in reversed(history or ()) if isinstance(x, str) and x.strip()), "")
    previous = printable(last[: 2 * MAX_QUESTION_CHARS]).strip()[:MAX_QUESTION_CHARS]
    if previous and (standalone := rewrite_followup(question, previous)[:MAX_QUESTION_CHARS]) != question:
        return standalone, standalone
    return question, ""


def prepare(
    question: str, index: Index, settings: Settings, rewritten: str, filters: Filters | None, started: float
) -> Ask:
    """The question analysed and searched: what every kind of answer reads."""
    q = analyse(question)
    w = weights(index)
    # “某某的文章和江西省实施意见…各…”: a comparison, not a question about one named document
    sides = compare_sides(index, q) if COMPARE_RE.search(q.sc) else []
    about_author = asks_about_author(index, q)  # “某某是谁？”: the name is what is asked about
    if filters is None and len(sides) < 2 and (named := named_document(index, q)):
        filters = Filters(docs=(named.id,))  # “据某某文章，…”: search that document
        for mark in (named.author[:3], named.source) if not about_author else ():
            q = replace(q, sc=q.sc.replace(match_form(mark), " ") if mark else q.sc)  # not evidence
    elif filters is None and len(sides) < 2 and q.places:
        # only a clause that can speak for the places asked about can answer: keep those, or a
        # library of many places' look-alike plans fills the hits with other places' copies
        filters = Filters(places=q.places)
    # the answer stage scores sentences itself, from the fused ranking; the record lists the
    # hits in the second stage's order (after the clauses the answer cites)
    k = max(10, settings.top_k)
    pool = search(
        index, question, k=max(k, RESCORE_POOL), retriever=settings.retriever, filters=filters, second_stage=False
    )
    found = pool[:k]
    hits = second_stage(index, question, pool)[:k] if settings.rescore else found
    limit = int(settings.max_answer_chars * (LIST_FACTOR if q.wants_list else 1))
    script = detect_script(question)
    return Ask(question, rewritten, q, index, settings, w, script, found, hits, sides, about_author, limit, started)
