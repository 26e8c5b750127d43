"""Fact questions: the sentences of the evidence that answer, each part of a multi-part question
answered and cited."""

from __future__ import annotations

from qa.answer.answerable import names_what_is_held, near_in_meaning, speaks_to, stated_evidence
from qa.answer.ask import Ask, Draft
from qa.answer.candidates import Candidate
from qa.answer.sentences import (
    best_sentences,
    item_lines,
    picked_per_part,
    question_parts,
    with_list_items,
    with_prior_paragraph,
)
from qa.evidence.kinds import agents_named
from qa.question.asking import ASKS
from qa.question.query import (
    Query,
)
from qa.schema import Citation
from qa.search.index import Index
from qa.search.retrieve import (
    Weights,
)


def answer_fact(index: Index, q: Query, cands: list[Candidate], w: Weights, script: str, limit: int):
    parts = [] if q.duty else question_parts(q)
    picked = picked_per_part(index, parts, cands, w, limit) if parts else []
    picked = picked or best_sentences(index, q, cands, w, limit, 4 if q.wants_list else 2)
    if not picked:
        return None  # nothing of the kind asked for (a figure, a date, a place…) in the evidence
    if not q.wants:
        picked = with_prior_paragraph(index, with_list_items(index, picked, limit), limit)
    citations: list[Citation] = []
    items = item_lines(index, q, picked, w, script, limit, citations, keep_duties=q.duty)
    return "\n".join(items), citations


def draft(ask: Ask) -> Draft:
    """The sentences of the evidence that answer (each part of a multi-part question, each cited);
    refused when the evidence holds nothing of the kind asked for."""
    evidence = stated_evidence(ask)
    if isinstance(evidence, Draft):
        return evidence
    found = answer_fact(ask.index, ask.q, evidence, ask.w, ask.script, ask.limit)
    cited = [c.clause for c in found[1]] if found else []
    if (
        not found
        or not (ask.q.wants or speaks_to(ask, cited))
        or not near_in_meaning(ask, cited)
        or not names_what_is_held(ask, cited)
    ):
        return Draft.refusal()
    if ASKS["body"].search(ask.q.sc) and not agents_named(found[0]):
        return Draft.refusal("文件未写明由哪个部门或单位办理此事")  # 按有关规定经批准, 由相关部门实施, 国家鼓励…机构
    return Draft(*found, "fact")
