"""Questions about the library itself (哪份文件最新) and which documents say something (哪些文件提到X)."""

from __future__ import annotations

import re

from qa.answer.ask import Ask, Draft
from qa.answer.clauses import is_front_or_back_matter
from qa.answer.draft import cite
from qa.answer.kinds.meta import meta_value, stating_clause
from qa.answer.limits import WHICH_DOCS_QUOTE
from qa.answer.named import QUOTES_RE, bare, doc_texts, says_name
from qa.answer.render import short_name
from qa.index import Index
from qa.ingest.duties import strip_duty_groups
from qa.ingest.sentences import split_sentences
from qa.normalize import match_form, to_script
from qa.query import (
    Query,
)
from qa.schema import Citation, Document

#: Questions about the library itself: which file is newest, what files there are.
_ASKS_NEWEST_RE = re.compile(r"哪(?:份|个|篇)(?:文件|文档|政策)?(?:最新|最近|最晚)|最(?:新|近)的(?:文件|一份|是哪)")
_ASKS_OLDEST_RE = re.compile(r"哪(?:份|个|篇)(?:文件|文档|政策)?最早|最早的(?:文件|一份|是哪)")
_ASKS_FILES_RE = re.compile(
    r"(?:文库|资料库|库里|系统里|你们|这里|现在)[^，。？]{0,6}(?:有|收录了?|包括)(?:哪些|几份|多少份?|什么)(?:文件|政策|文档|资料)"
    r"|(?:一共|总共|共)(?:有|收录了?)?(?:几|多少)份(?:文件|政策|文档)"
)


#: “哪个文件提到了“数据官”？”“哪些文件提到城市大脑”: the documents that say it.
_ASKS_WHICH_DOCS_RE = re.compile(
    r"哪(?:个|份|些|几份|几个|一份)(?:文件|文档|政策|材料)[^，。？]{0,4}?(?:提到|提出|说到|讲到|涉及|写到|提及|出现)(?:了|过)?"
    r"[“「]?([^，。？”」]{2,16}?)[”」]?(?:吗|呢)?[？?。]?$"
)


def answer_which_docs(index: Index, q: Query, script: str) -> tuple[str, list[Citation]] | None:
    """The documents that mention a term, each with the first clause that says it, cited."""
    m = _ASKS_WHICH_DOCS_RE.search(q.sc)
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
    newest, oldest = _ASKS_NEWEST_RE.search(q.sc), _ASKS_OLDEST_RE.search(q.sc)
    if not (newest or oldest or _ASKS_FILES_RE.search(q.sc)):
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
