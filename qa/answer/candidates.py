"""The hits an answer may be drawn from (:class:`Candidate`), with how much of the question each
covers, and which of them name the item or task the question asks about."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from qa.answer.clauses import heading_core, is_front_or_back_matter, is_numbered_part
from qa.answer.limits import ITEM_NAME_USES, MIN_COVERAGE
from qa.answer.named import doc_texts
from qa.answer.render import short_name
from qa.evidence import (
    bigram_coverage,
    codes_in,
    context_of,
    supports_codes,
    supports_doc_years,
    supports_years,
    task_bigrams,
)
from qa.normalize import match_form
from qa.places.regions import supports_places
from qa.question.asking import ASKS
from qa.question.query import (
    Query,
)
from qa.schema import Clause, Document, Hit
from qa.search.index import Index
from qa.search.retrieve import (
    HAN_RE,
    Weights,
    content_tokens,
    coverage,
)

# --- the answerer -------------------------------------------------------------------------


@dataclass
class Candidate:
    hit: Hit
    rank: int
    doc: Document
    context: str
    cover: float


def _cover_text(c: Clause) -> str:
    """What a clause's coverage of the question is measured on: its title path and its text."""
    return match_form(c.title_path) + "\n" + c.text_sc


def gate_cover(index: Index, q: Query, cands: list[Candidate], w: Weights) -> float:
    """Best coverage of the question's words of two or more characters, without 不会/不能…: a
    citizen's one-character verbs and 会不会/能不能 (看、找、别人能不能随便看) weigh like rare words
    and hide the clause that answers (数据加密) from the off-topic gate."""
    toks = [t for t in content_tokens(index, q) if len(t) > 1 and not ASKS["modal"].match(t)]
    return max((coverage(toks, _cover_text(c.hit.clause), w) for c in cands), default=0.0)


@lru_cache(maxsize=4)
def library_codes(index: Index) -> frozenset[str]:
    """The codes of letters and digits the library's documents use (5G, IPv6)."""
    return frozenset().union(*(codes_in(d.clean) for d in index.corpus.documents))


def candidates_of(index: Index, q: Query, hits: list[Hit], w: Weights) -> list[Candidate]:
    toks = content_tokens(index, q)
    out = []
    for r, h in enumerate(hits):
        doc = index.corpus.doc_by_id[h.clause.doc_id]
        if not supports_places(q, h.clause, doc) or not supports_doc_years(q, doc):
            continue
        ctx = context_of(index, h.clause)
        if not supports_years(q, ctx, doc.date[:4]) or not supports_codes(q, ctx, library_codes(index)):
            continue
        out.append(Candidate(h, r, doc, ctx, coverage(toks, _cover_text(h.clause), w)))
    return out


def is_topic_word(t: str, w: Weights) -> bool:
    return len(t) > 1 and not t.isdigit() and bool(HAN_RE.search(t) or t in w.idf)


def names_item(index: Index, q: Query, c: Clause) -> bool:
    """Does the question name this item by its heading, a name the documents use at most twice
    (民生保障应用), not a notion they discuss throughout (数字政府综合应用)?"""
    core = heading_core(c)
    if len(core) < 4 or core not in q.sc or c.path in ("文首", "落款") or not is_numbered_part(c):
        return False  # a title line names the document, not an item
    return sum(t.count(core) for t in doc_texts(index).values()) <= ITEM_NAME_USES


@lru_cache(maxsize=4)
def _pair_rarity(index: Index) -> tuple[dict[str, float], float]:
    """idf of every character pair over the clauses, and the idf of a pair no clause has."""
    df: dict[str, int] = {}
    for c in index.corpus.clauses:
        t = match_form(c.text)
        for p in {t[i : i + 2] for i in range(len(t) - 1)}:
            df[p] = df.get(p, 0) + 1
    n = len(index.corpus.clauses)
    return {p: math.log(n / (1 + k)) for p, k in df.items()}, math.log(n)


def task_pairs(index: Index, q: Query) -> frozenset[str]:
    """The character pairs of the task a duty question asks about, without the question's
    places and the library's document titles."""
    names = [f"{p}{s}" for p in q.places for s in ("省", "市", "")]
    names += [match_form(m) for d in index.corpus.documents for m in (d.title, short_name(d)) if m]
    return task_bigrams(q.sc, tuple(names))


def task_coverage(index: Index, pairs: frozenset[str], clause: Clause) -> float:
    """How much of a duty question's task (:func:`task_pairs`) a clause names, by rarity."""
    rarity, unseen = _pair_rarity(index)
    return bigram_coverage(pairs, match_form(clause.text), rarity, unseen)


def usable(cands: list[Candidate]) -> list[Candidate]:
    """The candidates that may answer: not front or back matter, and covering enough of the
    question (or, when none does, the first three that are substantive)."""
    substantive = [c for c in cands if not is_front_or_back_matter(c.hit.clause)]
    return [c for c in substantive if c.cover >= MIN_COVERAGE * 0.8] or substantive[:3]
