"""How answers are shown: documents' short names, readable clause paths, the sources line,
the refusal text, and the JSON record every front end shares (the contract of DESIGN.md)."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from typing import TYPE_CHECKING

from qa.answer.clauses import ARTICLE_SEG_RE
from qa.ingest.grammar import is_bundled_title
from qa.ingest.numerals import cn_numeral
from qa.normalize import detect_script, to_script
from qa.schema import Answer, Citation, Clause, Document, Hit
from qa.search.index import Index

if TYPE_CHECKING:
    from qa.answer.ask import Ask, Draft

REFUSAL = "资料中未找到相关规定。"


def short_name(doc: Document) -> str:
    """A short readable name of a document.

    >>> from qa.schema import Document
    >>> short_name(Document("d", "d.txt", "宁波市人民政府关于印发宁波市加快数字政府建设实施方案的通知", "", "", "", "", "", "simplified", "", ""))
    '宁波市加快数字政府建设实施方案'
    """
    t = doc.title
    if not t:
        return doc.name.replace(" · ", "")
    if m := re.search(r"(?:关于|關於)印發?(?:发)?(.+?)的(?:通知|通告)$", t):
        return m.group(1).strip("《》")
    if m := re.search(r"(?:关于|關於)(.+)$", t):
        region = doc.region or ""
        return (region if region and not m.group(1).startswith(region[:2]) else "") + m.group(1)
    return t


_LEGAL_SEG_RE = re.compile(r"^第[一二三四五六七八九十百零〇两]+[编章节条]$")
_CLAUSE_SEG_RE = re.compile(r"^第(\d+)款$")


def readable_path(clause: Clause) -> str:
    """Clause path as a reader says it.

    >>> from qa.schema import Clause
    >>> readable_path(Clause("c", "d", "d.txt", "二/（一）/3", 3, "", "", "", "", 0, 0, None))
    '第二部分第（一）项第3条'
    >>> readable_path(Clause("c", "d", "d.txt", "第三章/第十四条/第2款", 3, "", "", "", "", 0, 0, None))
    '第十四条第二款'
    >>> readable_path(Clause("c", "d", "d.txt", "第三章", 1, "", "", "", "", 0, 0, None))
    '第三章'
    >>> readable_path(Clause("c", "d", "d.txt", "进一步支持文化企业发展的规定/一/（二）", 3, "", "", "", "", 0, 0, None))
    '《进一步支持文化企业发展的规定》第一部分第（二）项'
    """
    out = []
    crumbs = clause.title_path.split(" > ")
    segs = clause.path.split("/")
    has_article = any(ARTICLE_SEG_RE.match(x) for x in segs)
    for i, seg in enumerate(segs):
        if _LEGAL_SEG_RE.match(seg):  # 第三章/第十四条 reads 第十四条: articles are numbered through
            if not has_article or ARTICLE_SEG_RE.match(seg):
                out.append(seg)
        elif m := _CLAUSE_SEG_RE.match(seg):
            out.append(f"第{cn_numeral(int(m.group(1)))}款")
        elif seg.startswith("§"):
            out.append(f"“{crumbs[i + 1] if i + 1 < len(crumbs) else seg}”部分")
        elif seg.startswith("¶"):
            out.append(f"第{seg[1:]}段")
        elif seg.startswith("p") and seg[1:].isdigit():
            out.append("（续）")
        elif seg.startswith("（"):
            out.append(f"第{seg}项")
        elif seg.isdigit():
            out.append(f"第{seg}条")
        elif seg == "解读":
            out.append("解读部分")
        elif is_bundled_title(seg):  # a document the notice bundles, by its title
            out.append(f"《{seg}》")
        elif seg.startswith("落款"):
            out.append("落款")
        else:
            out.append(f"第{seg.split('~')[0]}部分")
    return "".join(out)


def sources_line(citations: list[Citation], index: Index, script: str) -> str:
    """The 出处 line: short document name and readable clause path per citation (with the PDF
    page where there is one), then a notice for every cited document retired or to be retired."""
    from qa.library import status_text, today

    parts, retired = [], []
    on = today()
    for c in citations:
        doc = index.corpus.doc_by_id[c.clause.doc_id]
        page = f"（第{c.clause.page}页）" if c.clause.page else ""
        parts.append(f"[{c.n}]《{to_script(short_name(doc), script)}》{readable_path(c.clause)}{page}")
        if doc.status != "in_force" and doc.id not in {d.id for d in retired}:  # also one announced for later
            retired.append(doc)
    line = "出处：" + "；".join(parts)
    for doc in retired:
        line += "\n" + to_script(
            f"注意：{status_text(replace(doc, title=short_name(doc)), on)}，请以现行文件为准。", script
        )
    return line


def _evidence_first(citations: list[Citation], hits: list[Hit]) -> list[Hit]:
    """The retrieved list of an answer: the clauses it cites first, in citation order, then
    the other search hits. Choosing the answer sentences reranks the hits (a cited clause has
    the sentence that best matches the question); a clause found by the answer's own look-up
    (a unit's duties, a comparison side, a document's metadata) is marked ``answer``."""
    by_id = {h.clause.id: h for h in hits}
    used = [
        replace(h, sources=(*h.sources, "answer"))
        if (h := by_id.get(c.clause.id))
        else Hit(c.clause, 1.0, ("answer",), (("answer", c.n),))
        for c in citations
    ]
    seen = {h.clause.id for h in used}
    return [*used, *(h for h in hits if h.clause.id not in seen)]


def refusal(question: str, hits: list[Hit], started: float, why: str, rewritten: str = "") -> Answer:
    text = REFUSAL if not why else f"{REFUSAL[:-1]}（{why}）。"
    script = detect_script(question)
    notes = (why,) if why else ()
    return Answer(
        question,
        to_script(text, script),
        True,
        (),
        tuple(hits),
        elapsed_ms(started),
        "extractive",
        rewritten,
        notes,
        "refusal",
    )


def elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def record(ask: Ask, draft: Draft) -> Answer:
    """The Answer of a reviewed draft: a refusal, or the text with its sources line and the cited
    hits listed first."""
    if not draft.citations:
        return refusal(ask.question, ask.hits, ask.started, draft.text, ask.rewritten)
    text = f"{draft.text}\n{sources_line(draft.citations, ask.index, ask.script)}"
    hits = _evidence_first(draft.citations, ask.hits)
    return Answer(
        ask.question,
        text,
        False,
        tuple(draft.citations),
        tuple(hits),
        elapsed_ms(ask.started),
        "extractive",
        ask.rewritten,
        (),
        draft.mode,
    )


# --- the JSON contract ----------------------------------------------------------------------


def clause_json(c: Clause) -> dict:
    """A clause as the contract shows it: the span of its own text in the raw file."""
    return {
        "doc_id": c.doc_id,
        "clause_id": c.id,
        "path": c.path,
        "title_path": c.title_path,
        "source_file": c.source_file,
        "char_start": c.char_start,
        "char_end": c.own_end if c.own_end >= 0 else c.char_end,
        "text": c.text,
        **({"page": c.page} if c.page else {}),
    }


def to_record(ans: Answer, qid: str = "") -> dict:
    """The answer record every front end shares (see DESIGN.md)."""
    return {
        "id": qid,
        "question": ans.question,
        "answer": ans.text,
        "refused": ans.refused,
        "citations": [{"n": c.n, **clause_json(c.clause), "sentence": c.sentence} for c in ans.citations],
        "retrieved": [
            {**clause_json(h.clause), "score": round(h.score, 6), "retrievers": list(h.sources)} for h in ans.hits
        ],
        "latency_ms": ans.latency_ms,
        "generator": ans.generator,
        "mode": ans.mode,
        "rewritten": ans.rewritten,
        "notes": list(ans.notes),
    }
