"""Sparse (BM25), dense (the vector store of :mod:`qa.search.stores`) and fused retrieval over an :class:`~qa.search.index.Index`.

Fusion is weighted reciprocal-rank fusion: scores of different retrievers are not
comparable (BM25 is unbounded, e5 cosines bunch around .8), ranks are.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

import numpy as np

from qa.errors import InputError
from qa.ingest.sentences import split_sentences
from qa.normalize import match_form, to_simplified
from qa.places.regions import supports_places
from qa.question.asking import ASKS
from qa.question.query import FILLER, META_FIELD_RE, Query, analyse, expand_colloquial, says_term
from qa.schema import Clause, Hit
from qa.search.index import Index
from qa.search.tokens import tokenize

MAX_QUESTION_CHARS = 2000
#: Characters of a question the dense encoder sees: e5 reads at most 512 tokens, and a long
#: question's encoding costs seconds under the answer lock (a 2000-character one ~1.5 s a call).
DENSE_QUERY_CHARS = 256
HAN_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
CUT_NOTICE = "⚠️ 问题过长，只按前{n}个字回答（the question was cut to its first {n} characters）。"


#: how many times deeper a search filtered by places looks: in a library of many places'
#: look-alike plans the asked place's clause ranks below other places' copies of it
PLACE_OVERFETCH = 12


@dataclass(frozen=True)
class Filters:
    """Optional metadata filters: document ids (or prefixes), region, kind, only documents in force."""

    docs: tuple[str, ...] = ()
    region: str = ""
    kind: str = ""
    in_force: bool = False
    #: only clauses that can speak for these places: of a document that is the place's own, or
    #: naming the place themselves (what :func:`qa.places.regions.supports_places` accepts)
    places: tuple[str, ...] = ()

    def predicate(self, index: Index) -> Callable[[Clause], bool] | None:
        checks: list[Callable[[Clause], bool]] = []
        if self.docs or self.region or self.kind or self.in_force:
            doc_ok = set()
            on = date.today().isoformat()
            prefixes, files = tuple(self.docs), frozenset(self.docs)
            docs = index.corpus.documents
            if unknown := [x for x in self.docs if not x.strip() or not any(
                    d.id.startswith(x) or d.source_file == x for d in docs)]:  # fmt: skip
                raise InputError(
                    f"no document of the library is {unknown[0]!r} (a document id, id prefix or file name)"
                )
            for d in index.corpus.documents:
                if self.in_force and d.effective_status(on) != "in_force":
                    continue
                if self.docs and not (d.id.startswith(prefixes) or d.source_file in files):
                    continue
                if self.region and match_form(printable(self.region)) not in match_form(d.region + d.name):
                    continue
                if self.kind and self.kind != d.kind:
                    continue
                doc_ok.add(d.id)
            checks.append(lambda c: c.doc_id in doc_ok)
        if self.places:
            asked, by_id = _place_query(self.places), index.corpus.doc_by_id
            checks.append(lambda c: supports_places(asked, c, by_id[c.doc_id]))
        if not checks:
            return None
        return checks[0] if len(checks) == 1 else lambda c: all(check(c) for check in checks)


def _place_query(places: tuple[str, ...]) -> Query:
    """A query that names only these places (what :func:`qa.places.regions.supports_places` reads)."""
    return Query("", "", places, (), False, "", False, False, False)


def check_question(question: str) -> str:
    """Reject empty questions; trim layout; cut very long ones (callers report the cut).

    >>> check_question("  宁波的目标？ ")
    '宁波的目标？'
    """
    if not isinstance(question, str):
        raise InputError("问题必须是文字（the question must be text）")
    q = printable(question[: 4 * MAX_QUESTION_CHARS]).strip()  # a 1M-character question costs no more
    if not q or not any(ch.isalnum() for ch in q):
        raise InputError("请输入问题：内容为空或只有标点（the question is empty）")
    return q[:MAX_QUESTION_CHARS]


def printable(text: str) -> str:
    """``text`` without control characters and lone surrogates (no encoder or database takes
    those); line breaks and tabs stay.

    >>> printable("宁波\\x00\\ud8005G\\n")
    '宁波5G\\n'
    """
    return "".join(ch for ch in text if ch.isprintable() or ch in "\n\t")


def cut_notice(question: object) -> str:
    """The notice for a question :func:`check_question` cuts (``""`` when it is not cut).

    >>> cut_notice("问" * 2001).startswith("⚠️ 问题过长"), cut_notice("问" * 2000)
    (True, '')
    """
    if isinstance(question, str) and len(printable(question[: 4 * MAX_QUESTION_CHARS]).strip()) > MAX_QUESTION_CHARS:
        return CUT_NOTICE.format(n=MAX_QUESTION_CHARS)
    return ""


@dataclass(frozen=True)
class Weights:
    """idf of every BM25 token, for weighting question words (rare words matter more)."""

    idf: dict[str, float]
    unknown: float

    def of(self, tok: str) -> float:
        return self.idf.get(tok, self.unknown)


@lru_cache(maxsize=4)
def weights(index: Index) -> Weights:
    """idf weights of an index's BM25 vocabulary (computed once per loaded index)."""
    sc = index.bm25.scores
    indptr = np.asarray(sc["indptr"])
    n = int(sc["num_docs"])
    idf = {}
    for tok, tid in index.bm25.vocab_dict.items():
        df = int(indptr[tid + 1] - indptr[tid]) if tid + 1 < len(indptr) else 0
        idf[tok] = math.log(1 + (n - df + 0.5) / (df + 0.5))
    return Weights(idf, math.log(1 + (n + 0.5) / 0.5))


def coverage(q_tokens: list[str], text: str, w: Weights) -> float:
    """idf-weighted share of question tokens found in ``text`` (Simplified); an everyday word
    counts as found when the text uses its official term (:data:`qa.question.query.COLLOQUIAL`).

    >>> coverage(["宁波", "5g", "基站"], "到2025年累计建成5G基站4万个", Weights({}, 1.0))
    0.6666666666666666
    >>> coverage(["手机", "办事"], "推广掌上办事", Weights({}, 1.0))
    1.0
    """
    return _coverage_of(q_tokens, match_form(text).lower(), w) if q_tokens else 0.0


def _coverage_of(q_tokens: list[str], s: str, w: Weights) -> float:
    """:func:`coverage` of text already in match form and lower case."""
    total = sum(w.of(t) for t in q_tokens)
    found = sum(w.of(t) for t in q_tokens if says_term(t, s))
    return found / total if total else 0.0


def content_tokens(index: Index, q: Query) -> list[str]:
    """The question's BM25 tokens that carry its content: no place names, filler words, lone
    letters, or words that ask (哪一天 and the 一天 within it, 几岁, 多久: no document writes them,
    so they would weigh most of all).

    >>> from qa.question.query import analyse
    >>> class Lib: user_words = ()
    >>> content_tokens(Lib(), analyse("条例是哪一天由人大常委会通过的？"))
    ['条例', '人大', '常委', '委会', '常委会', '人大常委会']
    """
    toks = dict.fromkeys(tokenize(q.sc, index.user_words))
    asking = {t for t in toks if ASKS["asking-word"].search(t)}  # 什么 多少 哪一天 几岁 多久…
    rest = q.sc
    for t in sorted(asking, key=lambda t: (-len(t), t)):  # 多长时间 before 多长: the same words every run
        rest = rest.replace(t, " ")
    inside_asking = {t for t in toks if t in q.sc and t not in rest}  # the 一天 of 哪一天
    drop = set(q.places) | {"省", "市"} | FILLER | asking | inside_asking
    # a lone letter (jieba splits Cyrillic, Greek… into letters) is noise, not a content word
    return [t for t in toks if t not in drop and (len(t) > 1 or HAN_RE.match(t) or t.isdigit())]


def sparse_scores(index: Index, question: str) -> np.ndarray:
    """BM25 score of every indexed row for the question."""
    toks = tokenize(question, index.user_words)
    vocab = index.bm25.vocab_dict
    toks = [t for t in toks if t in vocab]
    if not toks:
        return np.zeros(len(index.rows), np.float32)
    return np.asarray(index.bm25.get_scores(toks), dtype=np.float32)


@lru_cache(maxsize=8)
def query_vector(index: Index, question: str) -> np.ndarray:
    """The question's embedding, ``(1, dim)``: encoded once for the search and the checks after it."""
    qv = index.encoder.encode_queries([question[:DENSE_QUERY_CHARS]])
    qv.flags.writeable = False
    return qv


def dense_scores(index: Index, question: str, k: int) -> list[tuple[int, float]]:
    """Top rows by cosine; a row with several vectors (``embed_form=both``) keeps its best."""
    qv = query_vector(index, question)
    n = index.dense.ntotal
    scores, ids = index.dense.search(qv, min(n, max(k * 3, k)))
    best: dict[int, float] = {}
    for s, i in zip(scores[0], ids[0], strict=True):
        if i < 0:
            continue
        row = int(index.vec_rows[i])
        if row not in best or s > best[row]:
            best[row] = float(s)
    return sorted(best.items(), key=lambda x: -x[1])


def rrf(
    rankings: dict[str, list[int]], k: int = 60, weights: dict[str, float] | None = None
) -> list[tuple[int, float]]:
    """Weighted reciprocal-rank fusion: ``score(d) = Σ w_r / (k + rank_r(d))`` (ranks from 1).

    >>> rrf({"bm25": [3, 1, 2], "dense": [1, 3]}, k=60)[:2]
    [(1, 0.03252247488101534), (3, 0.03252247488101534)]
    >>> [i for i, _ in rrf({"bm25": [3, 1, 2], "dense": [1, 3]}, k=60, weights={"bm25": 2, "dense": 1})][:3]
    [3, 1, 2]
    """
    weights = weights or {}
    scores: dict[int, float] = {}
    for name, ranked in rankings.items():
        w = weights.get(name, 1.0)
        for r, item in enumerate(ranked, start=1):
            scores[item] = scores.get(item, 0.0) + w / (k + r)
    return sorted(scores.items(), key=lambda x: (-x[1], x[0]))


def _ranked(
    pairs: Iterable[tuple[int, float]], allowed: Callable[[Clause], bool] | None, rows: list[Clause]
) -> list[int]:
    return [i for i, s in pairs if s > 0 and (allowed is None or allowed(rows[i]))]


def search(
    index: Index,
    question: str,
    k: int | None = None,
    retriever: str | None = None,
    filters: Filters | None = None,
    depth: int = 50,
    second_stage: bool | None = None,
) -> list[Hit]:
    """Ranked clauses for a question (``retriever``: ``bm25``, ``dense`` or ``hybrid``), re-ordered
    by :func:`rescore` unless ``second_stage`` (default: the ``rescore`` setting) says not to."""
    st = index.settings
    question = check_question(question)
    k = k or st.top_k
    retriever = retriever or st.retriever
    allowed = (filters or Filters()).predicate(index)
    depth = max(depth, k)
    over = 1 if allowed is None else 4  # a filter keeps fewer rows: look deeper
    keep = None
    if filters is not None and filters.places and filters == Filters(places=filters.places):
        # places alone: rank as if unfiltered (the same order for the clauses kept), deeper, and
        # keep the clauses that can speak for the places after fusion
        allowed, keep, over = None, allowed, PLACE_OVERFETCH
    runs_depth = depth * over if keep else depth
    runs: dict[str, list[int]] = {}
    raw_scores: dict[str, dict[int, float]] = {}
    if retriever in ("bm25", "hybrid"):
        sc = sparse_scores(index, f"{question} {expand_colloquial(match_form(question))}")
        order = np.argsort(-sc)[: depth * over]
        pairs = [(int(i), float(sc[i])) for i in order]
        runs["bm25"] = _ranked(pairs, allowed, index.rows)[:runs_depth]
        raw_scores["bm25"] = dict(pairs)
    if retriever in ("dense", "hybrid"):
        pairs = dense_scores(index, question, depth * over)
        runs["dense"] = _ranked(((i, s + 2.0) for i, s in pairs), allowed, index.rows)[:runs_depth]
        raw_scores["dense"] = dict(pairs)
    if retriever not in ("bm25", "dense", "hybrid"):
        raise InputError(f"unknown retriever {retriever!r}: use bm25, dense or hybrid")
    if len(runs) == 1:
        name, ranked = next(iter(runs.items()))
        fused = [(i, raw_scores[name][i]) for i in ranked]
    else:
        boost = 1.0 + ADAPTIVE_DENSE * unknown_share(index, question)
        run_weights = {"bm25": st.w_sparse, "dense": st.w_dense * boost}
        fused = rrf(runs, k=st.rrf_k, weights=run_weights)
        terms = feedback_terms(index, question, [i for i, _s in fused[:FEEDBACK_ROWS]]) if st.feedback else []
        if terms:  # BM25 again with the words of the first hits (pseudo-relevance feedback)
            sc = sparse_scores(index, f"{question} {' '.join(terms)}")
            order = np.argsort(-sc)[: depth * over]
            runs["feedback"] = _ranked(((int(i), float(sc[i])) for i in order), allowed, index.rows)[:runs_depth]
            fused = rrf(runs, k=st.rrf_k, weights={**run_weights, "feedback": FEEDBACK_WEIGHT * st.w_sparse})
    if keep is not None:
        fused = _kept(index, fused, keep, max(k, RERANK_DEPTH if st.rerank else k))
    first: dict[int, int] = {}  # first-stage positions of the re-ordered hits, shown beside the retrievers'
    if st.rescore if second_stage is None else second_stage:
        head = fused[:RESCORE_POOL]
        first = {i: pos + 1 for pos, (i, _s) in enumerate(head)}
        scores = rescore(index, question, [index.rows[i] for i, _s in head])
        fused = [(head[j][0], scores[j]) for j in _by_score(scores)] + fused[RESCORE_POOL:]
    if not META_FIELD_RE.search(match_form(question)):
        # a signature block (issuer, date, author) answers only questions about the document itself
        fused = sorted(fused, key=lambda x: index.rows[x[0]].path.startswith("落款"))
    hits = []
    for i, score in fused[: max(k, RERANK_DEPTH if st.rerank else k)]:
        ranks = tuple((name, r.index(i) + 1) for name, r in runs.items() if i in r)
        sources = tuple(n for n, _ in ranks)
        if i in first:
            ranks = (*ranks, ("first_stage", first[i]))
        hits.append(Hit(index.rows[i], float(score), sources, ranks))
    if st.rerank:
        hits = rerank(question, hits)
    return hits[:k]


RERANK_DEPTH = 8


def _kept(
    index: Index, fused: list[tuple[int, float]], keep: Callable[[Clause], bool], need: int
) -> list[tuple[int, float]]:
    """The fused rows the place filter keeps, in order, read no further than the hits need: the
    second stage's pool and ``need`` rows that are not a signature block (those sort last)."""
    out, plain = [], 0
    for i, s in fused:
        if keep(row := index.rows[i]):
            out.append((i, s))
            plain += not row.path.startswith("落款")
            if plain >= need and len(out) >= RESCORE_POOL:
                break
    return out


#: Second stage (on by default, ``POLICYQA_RESCORE=0`` turns it off): the first RESCORE_POOL
#: fused hits re-ordered by how much of the question their words cover (idf-weighted), over
#: the whole clause with its title path and over its best single sentence, less a penalty
#: when the clause neither belongs to nor names a place the question asks about.  The fused
#: rank stays as a prior, ``RANK_PRIOR / (RANK_PRIOR + rank)``.  Chosen on dev + dev2 + dev3a +
#: dev4a (241 answerable): search recall@5 0.915 → 0.967, MRR@10 0.830 → 0.905; the plateau
#: runs from 0.5 to 1.2 for the sentence weight and 0.8 to 2 for the clause weight.
RESCORE_POOL = 20
RANK_PRIOR = 10
RESCORE_CLAUSE = 1.2
RESCORE_SENTENCE = 0.8
RESCORE_PLACE = 0.3


def rescore(index: Index, question: str, clauses: list[Clause]) -> list[float]:
    """Second-stage scores of ranked clauses: the rank prior plus their coverage of the question.

    A clause that says what the question asks in one sentence (``宁波到2025年建成5G基站多少个``
    → “累计建成5G基站4万个以上”) rises above a long clause that only shares its topic.
    """
    q = analyse(question)
    toks = content_tokens(index, q)
    w = weights(index)
    out = []
    for rank, c in enumerate(clauses):
        score = RANK_PRIOR / (RANK_PRIOR + rank)
        if toks:
            text = c.text_sc.lower()  # already in match form: only the title path needs it
            whole = _coverage_of(toks, match_form(c.title_path).lower() + "\n" + text, w)
            best = max((_coverage_of(toks, s, w) for s in split_sentences(text)), default=0.0)
            elsewhere = not supports_places(q, c, index.corpus.doc_by_id[c.doc_id])
            score += RESCORE_CLAUSE * whole + RESCORE_SENTENCE * best - RESCORE_PLACE * elsewhere
        out.append(score)
    return out


def second_stage(index: Index, question: str, hits: list[Hit]) -> list[Hit]:
    """First-stage hits re-ordered by :func:`rescore`, each with its first-stage position."""
    scores = rescore(index, question, [h.clause for h in hits])
    return [
        replace(hits[j], score=scores[j], ranks=(*hits[j].ranks, ("first_stage", j + 1))) for j in _by_score(scores)
    ]


def _by_score(scores: list[float]) -> list[int]:
    """Positions in order of descending score (stable among equals)."""
    return sorted(range(len(scores)), key=lambda j: -scores[j])


#: Pseudo-relevance feedback: the rarest words of the first FEEDBACK_ROWS fused hits that the
#: question does not use (FEEDBACK_TERMS of them) make a second BM25 query, fused with weight
#: FEEDBACK_WEIGHT.  It bridges everyday wording and the documents' terms (“打热线反映问题” adds
#: 信访, 纠纷, 矛盾…; “充值卡跑路” adds 监管, 市场…).  Chosen on dev + dev2 + dev3a (176 answerable): recall@5 0.914 → 0.937,
#: MRR@10 0.844 → 0.862; every setting tried (2–5 rows, 4–12 terms, weight 0.3–1.0) gained
#: recall@5 (0.922–0.945), MRR moved −0.003 to +0.018.
FEEDBACK_ROWS = 5
FEEDBACK_TERMS = 8
FEEDBACK_WEIGHT = 0.5


def feedback_terms(index: Index, question: str, rows: list[int], n: int = FEEDBACK_TERMS) -> list[str]:
    """The ``n`` words of the given rows with the highest summed idf that the question lacks."""
    asked = set(tokenize(question, index.user_words))
    w = weights(index)
    score: dict[str, float] = {}
    for i in rows:
        for t in tokenize(index.rows[i].text_sc, index.user_words):
            if t not in asked and len(t) > 1 and not t.isdigit():
                score[t] = score.get(t, 0.0) + w.of(t)
    return [t for t, _s in sorted(score.items(), key=lambda x: (-x[1], x[0]))[:n]]


#: The dense retriever's weight grows with the share of question words the corpus never uses
#: (colloquial phrasing: 关掉公司, 手机信号…), where BM25 has little to go on.  Chosen on
#: dev + dev2: recall@5 0.894 → 0.913 overall, 0.75 → 0.86 on colloquial questions.
ADAPTIVE_DENSE = 2.0


def unknown_share(index: Index, question: str) -> float:
    """Share of the question's BM25 tokens that are not in the corpus vocabulary."""
    toks = tokenize(question, index.user_words)
    if not toks:
        return 0.0
    vocab = index.bm25.vocab_dict
    return sum(t not in vocab for t in toks) / len(toks)


@lru_cache(maxsize=1)
def _reranker():
    import atexit

    from qa.llm import make_backend

    backend = make_backend("llm")
    atexit.register(backend.close)
    return backend


def rerank(question: str, hits: list[Hit], depth: int = RERANK_DEPTH, scorer=None) -> list[Hit]:
    """Re-order the first ``depth`` hits by the local LLM's P(是) that the clause answers the question.

    Slow (~2 pairs/s on two cores): opt-in with ``Settings(rerank=True)``.  ``scorer`` is any
    ``(question, passages) -> scores`` callable (the LLM backend's ``yes_no_scores`` by default).
    """
    head, tail = hits[:depth], hits[depth:]
    if not head:
        return hits
    score = scorer or _reranker().yes_no_scores
    probs = score(question, [to_simplified(h.clause.text) for h in head])
    order = sorted(range(len(head)), key=lambda j: (-probs[j], j))
    out = [replace(head[j], score=float(probs[j]), sources=(*head[j].sources, "rerank"),
                   ranks=(*head[j].ranks, ("rerank", pos + 1))) for pos, j in enumerate(order)]  # fmt: skip
    return out + tail
