"""Comparisons: “A和B对X分别有什么要求？” is answered side by side, each side from its own documents."""

from __future__ import annotations

from dataclasses import replace

from qa.answer.ask import Ask, Draft
from qa.answer.named import bare, doc_texts, mentioned_term, quoted_names, says_name
from qa.answer.render import REFUSAL
from qa.answer.sentences import best_sentences, item_lines
from qa.answer.sides import side_candidates
from qa.normalize import match_form, to_script
from qa.schema import Citation


def draft(ask: Ask) -> Draft | None:
    """“A和B对X分别有什么要求？”: one line per side, each from its own documents; a side whose
    documents never name the quoted term says so."""
    if len(ask.sides) < 2:
        return None
    index, q, w, script, limit = ask.index, ask.q, ask.w, ask.script, ask.limit
    citations: list[Citation] = []
    lines = []
    cq = replace(q, wants_list=True, compare=True)
    term = mentioned_term(q.sc)
    named = names[0] if not term and len(names := quoted_names(q)) == 1 else ""
    for side in ask.sides:
        label = to_script(side.label, script)
        cands = side_candidates(index, q, side, ask.sides, w, ask.settings)
        if term:  # “…都提到了X吗？”: a side that never says it has not mentioned it
            cands = [c for c in cands if term in match_form(c.hit.clause.text)]
            if not cands:
                lines.append(to_script(f"{label}：文件未提到“{term}”。", script))
                continue
        if named:
            if not any(says_name(named, doc_texts(index)[d]) for d in side.docs):
                lines.append(to_script(f"{label}：文件未提到“{named}”。", script))
                continue
            cands = [c for c in cands if says_name(named, bare(c.hit.clause.text))]
        if not cands:
            lines.append(f"{label}：{to_script(REFUSAL, script)}")
            continue
        picked = best_sentences(index, cq, cands, w, limit // 2, 1)
        lines += [f"{label}：{item}" for item in item_lines(index, q, picked, w, script, limit // 2, citations)]
    return Draft("\n".join(lines), citations, "compare") if citations else None
