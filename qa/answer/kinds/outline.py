"""Outline questions: a document's parts (分几个部分) and one part by its place or heading."""

from __future__ import annotations

import re

from qa.answer.ask import Ask, Draft
from qa.answer.clauses import is_numbered_part, short_heading, strip_marker
from qa.answer.draft import cite
from qa.answer.limits import OUTLINE_QUOTE
from qa.answer.named import kind_target, named_document, scoped_documents
from qa.answer.render import short_name
from qa.answer.sentences import lead_sentences
from qa.ingest.numerals import cn_number, cn_numeral
from qa.ingest.sentences import split_sentences
from qa.normalize import match_form, to_script
from qa.question.asking import ASKS
from qa.question.query import (
    Query,
)
from qa.schema import Citation, Clause, Document
from qa.search.index import Index

# what an outline question asks (its parts, a section's items, the nth part) is read by qa/question/asking.py
# "outline:parts", "outline:section" and "outline:nth"
_OVERVIEW_HEADING_RE = re.compile(r"总体要求|总体思路|工作目标|指导思想")
_COUNT_STATED_RE = re.compile(r"共(?:包括|分为|分成|有|包含)?[0-9一二三四五六七八九十]+个部分")


def _outline_target(index: Index, q: Query) -> Document | None:
    """The one document an outline question is about: named, of a kind and place, or the only
    document of the place it names."""
    if named := named_document(index, q):
        return named
    if kind := kind_target(index, q):
        return kind[0]
    owned = scoped_documents(index, q.places) if q.places else []
    return owned[0] if len(owned) == 1 else None


def _states_own_parts(index: Index, doc: Document, script: str) -> tuple[str, list[Citation]] | None:
    """The sentences where a document counts its own parts (《实施意见》共包括7个部分，第一部分是…),
    quoted from the clause that says so, as far as an answer's length allows."""
    for c in index.corpus.clauses_of(doc.id):
        if not _COUNT_STATED_RE.search(c.text_sc):
            continue
        sents = split_sentences(c.text)
        start = next(i for i, x in enumerate(sents) if _COUNT_STATED_RE.search(match_form(x)))
        citations: list[Citation] = []
        n = cite(citations, c, sents[start])
        return to_script(lead_sentences(sents[start:], OUTLINE_QUOTE), script) + f"[{n}]", citations
    return None


def answer_outline(index: Index, q: Query, script: str) -> tuple[str, list[Citation]] | None:
    """The parts of a document (分几个部分) or the items of one of its sections (主要任务有哪些),
    read from the clause tree, each heading cited to its clause."""
    asks_parts = ASKS["outline:parts"].search(q.sc)
    section = ASKS["outline:section"].search(q.sc)
    nth = ASKS["outline:nth"].search(q.sc)
    if not (asks_parts or section or nth) or not (doc := _outline_target(index, q)):
        return None
    tops = [c for c in index.corpus.children.get(None, []) if c.doc_id == doc.id and is_numbered_part(c)]
    if nth and not asks_parts:
        return _answer_part(index, doc, tops, nth, script)
    intro = f"《{short_name(doc)}》"
    if section and not asks_parts:
        word = section.group(1)
        found = [c for c in index.corpus.clauses_of(doc.id) if word in match_form(strip_marker(c.heading))]
        items = [c for c in index.corpus.children.get(found[0].id, []) if is_numbered_part(c)] if found else []
        if found and not items:
            return None  # a section of paragraphs (到2025年…): the fact answer quotes them
        if not found:
            if word not in ("主要任务", "重点任务"):
                return None
            # no section is called so: the tasks are the parts after the overview
            items = [c for c in tops if not _OVERVIEW_HEADING_RE.search(match_form(c.heading))]
            intro += f"没有以“{word}”为题的部分；总体要求之后的{len(items)}个部分是："
        else:
            intro += f"“{strip_marker(found[0].heading)}”包括{len(items)}项："
    else:
        if stated := _states_own_parts(index, doc, script):
            return stated  # the document says so itself (《实施意见》共包括7个部分…): quote that
        items = tops
        intro += f"正文分为{len(items)}个部分："
    if not items:
        return None
    citations: list[Citation] = []
    shown = []
    for c in items:
        shown.append(f"{short_heading(c)}[{cite(citations, c, c.heading)}]")
    return to_script(intro, script) + "；".join(to_script(h, script) for h in shown) + "。", citations


def _answer_part(
    index: Index, doc: Document, tops: list[Clause], nth: re.Match, script: str
) -> tuple[str, list[Citation]] | None:
    """One part of a document by its place (第三部分, 最后一部分): its heading, then its numbered
    items or, for a part of paragraphs, its first sentences."""
    if not tops:
        return None
    i = len(tops) - 1 if nth.group(2) else cn_number(nth.group(1)) - 1
    if not 0 <= i < len(tops):
        return f"《{short_name(doc)}》正文只有{len(tops)}个部分", []
    part = tops[i]
    citations: list[Citation] = []
    text = f"《{short_name(doc)}》第{cn_numeral(i + 1)}部分是“{strip_marker(part.heading)}”[{cite(citations, part, part.heading)}]"
    kids = index.corpus.children.get(part.id, [])
    if items := [c for c in kids if is_numbered_part(c)]:
        text += f"，包括{len(items)}项：" + "；".join(
            f"{short_heading(c)}[{cite(citations, c, c.heading)}]" for c in items
        )
    else:
        head = strip_marker(part.heading).rstrip("。")
        for c in (part, *kids):
            sents = [x for x in split_sentences(c.text) if strip_marker(x).rstrip("。") != head]
            if sents:
                text += f"：{lead_sentences(sents, OUTLINE_QUOTE // 2)}[{cite(citations, c, sents[0])}]"
                break
    return to_script(text if re.search(r"。(?:\[\d+\])?$", text) else text + "。", script), citations


def draft(ask: Ask) -> Draft | None:
    """A document's outline (分几个部分) or one of its parts (第三部分讲什么); a part it does not
    have is refused."""
    if ask.q.meta or not (found := answer_outline(ask.index, ask.q, ask.script)):
        return None
    return Draft(*found, "outline")
