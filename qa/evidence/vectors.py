"""How near a question stands to clauses in meaning, from the vectors the index stores, and the
text a clause is read in (its own with its ancestors')."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from qa.schema import Clause
from qa.search.index import Index, passage_texts
from qa.search.retrieve import dense_scores, query_vector


def context_of(index: Index, clause: Clause) -> str:
    """The clause with its ancestors' own text (a year in ``到2025年…`` above a list counts)."""
    parts = [clause.text_sc]
    pid = clause.parent_id
    by_id = index.corpus.clause_by_id
    while pid:
        parent = by_id[pid]
        parts.append(parent.text_sc)
        pid = parent.parent_id
    return "\n".join(parts)


def dense_z(index: Index, question: str, depth: int = 50) -> float:
    """How far the best dense match stands out: (top-1 − mean) / std over the top ``depth`` cosines.

    e5 cosines bunch high (an unrelated clause scores ~.85), so the raw value says little;
    the margin over the question's own neighbourhood does.
    """
    scores = np.array([s for _i, s in dense_scores(index, question, depth)], dtype=np.float32)
    if len(scores) < 3 or float(scores.std()) == 0.0:
        return 0.0
    return float((scores[0] - scores.mean()) / scores.std())


@lru_cache(maxsize=4)
def _vector_ids(index: Index) -> dict[int, list[int]]:
    """Each indexed row's vector ids (two with ``embed_form=both``)."""
    out: dict[int, list[int]] = {}
    for vid, row in enumerate(index.vec_rows):
        out.setdefault(int(row), []).append(vid)
    return out


@lru_cache(maxsize=4)
def _row_of(index: Index) -> dict[str, int]:
    return {c.id: i for i, c in enumerate(index.rows)}


def clause_cosines(index: Index, question: str, clauses: list[Clause]) -> list[float]:
    """Each clause's best cosine to the question, from its stored vectors (one read for all of
    them; embedded again only when the store cannot give its vectors back)."""
    rows = _row_of(index)
    owners = [(n, v) for n, c in enumerate(clauses) for v in _vector_ids(index).get(rows.get(c.id, -1), ())]
    vecs = index.dense.vectors([v for _n, v in owners]) if owners else None
    if vecs is None:
        form = index.manifest.get("embed_form", "both")
        texts = [
            (n, t) for n, c in enumerate(clauses) for t in passage_texts(c, index.corpus.doc_by_id[c.doc_id], form)
        ]
        if not texts:
            return [0.0] * len(clauses)
        owners = [(n, i) for i, (n, _t) in enumerate(texts)]
        vecs = index.encoder.encode_passages([t for _n, t in texts])
    sims = vecs @ query_vector(index, question)[0]
    best = [0.0] * len(clauses)
    for (n, _v), sim in zip(owners, sims, strict=True):
        best[n] = max(best[n], float(sim))
    return best


def cited_cosine(index: Index, question: str, clauses: list[Clause]) -> float:
    """The best cosine between the question and any of these clauses."""
    return max(clause_cosines(index, question, clauses), default=0.0)
