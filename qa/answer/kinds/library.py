"""Questions about the library itself (哪份文件最新) and which documents say something (哪些文件提到X)."""

from __future__ import annotations

from qa.answer.ask import Ask, Draft
from qa.answer.clauses import is_front_or_back_matter
from qa.answer.draft import cite
from qa.answer.kinds.meta import meta_value, stating_clause
from qa.answer.limits import WHICH_DOCS_QUOTE
from qa.answer.named import QUOTES_RE, bare, doc_texts, says_name
from qa.answer.render import short_name
from qa.ingest.duties import strip_duty_groups
from qa.ingest.sentences import split_sentences
from qa.normalize import match_form, to_script
from qa.question.asking import ASKS
from qa.question.query import (
    Query,
)
from qa.schema import Citation, Document
from qa.search.index import Index

# questions about the library itself and which documents say a term: qa/question/asking.py "library:…", "which-docs"


def answer_which_docs(index: Index, q: Query, script: str) -> tuple[str, list[Citation]] | None:
    """The documents that mention a term, each with the first clause that says it, cited."""
    m = ASKS["which-docs"].search(q.sc)
    if not m:
        return None
    term = QUOTES_RE.sub("", m.group(1)).removesuffix("的")
    citations: list[Citation] = []
    items = []
    for d in index.corpus.documents:
        if not says_name(term, doc_texts(index)[d.id]):
            continue
        for c in index.corpus.clauses_of(d.id):
            if is_front_or_back_matter(c) or not says_name(term, bare(c.text)):
                continue
            sentence = next((x for x in split_sentences(c.text) if says_name(term, bare(x))), c.text)
            shown = strip_duty_groups(sentence)
            if len(shown) > WHICH_DOCS_QUOTE:  # the part around the term
                at = max(0, match_form(shown).find(term[:2]) - WHICH_DOCS_QUOTE // 3)
                cut = shown[at : at + WHICH_DOCS_QUOTE]
                shown = ("…" if at else "") + cut + ("…" if at + WHICH_DOCS_QUOTE < len(shown) else "")
            items.append(f"《{short_name(d)}》：{shown}[{cite(citations, c, sentence)}]")
            break
    if not items:
        return f"文件中没有提到“{term}”", []
    return to_script(f"提到“{term}”的文件有{len(items)}份：\n" + "\n".join(items), script), citations


def answer_library(index: Index, q: Query, script: str) -> tuple[str, list[Citation]] | None:
    """The library's own documents: all of them with their dates, or the newest / oldest."""
    newest, oldest = ASKS["library:newest"].search(q.sc), ASKS["library:oldest"].search(q.sc)
    if not (newest or oldest or ASKS["library:files"].search(q.sc)):
        return None
    docs = list(index.corpus.documents)
    dated = sorted((d for d in docs if d.date), key=lambda d: d.date)
    citations: list[Citation] = []

    def item(d: Document) -> str:
        shown = meta_value(d, "date")
        cl = (stating_clause(index, d, shown) if shown else None) or index.corpus.clauses_of(d.id)[0]
        when = f"（{shown}）" if shown else "（未写明日期）"
        retired = "，已废止" if d.status != "in_force" else ""
        return f"《{short_name(d)}》{when[:-1]}{retired}）[{cite(citations, cl, shown or cl.heading)}]"

    undated = [d for d in docs if not d.date]
    if (newest or oldest) and dated:
        pick = dated[-1] if newest else dated[0]
        text = f"写明日期的{len(dated)}份文件中，{'最新' if newest else '最早'}的是{item(pick)}"
        if undated:
            text += "；" + "、".join(f"《{short_name(d)}》" for d in undated) + "未写明日期"
        text += "。"
    else:
        text = f"文库共收录{len(docs)}份文件：" + "；".join(item(d) for d in dated + undated) + "。"
    return to_script(text, script), citations


def draft(ask: Ask) -> Draft | None:
    """Questions about the library (哪份文件最新, 文库里有哪些文件) and which documents say
    something (哪些文件提到了X)."""
    found = answer_library(ask.index, ask.q, ask.script) or answer_which_docs(ask.index, ask.q, ask.script)
    return Draft(*found, "meta") if found else None
