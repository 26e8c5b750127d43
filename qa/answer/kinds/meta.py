"""Document metadata questions: 文号, 印发日期, 施行日期, 有效期, issuer, title and author, and what a
regulation's own lines state (the order that published it, the meeting that adopted it, what it
repeals), each cited to the clause that states it."""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import replace
from functools import lru_cache

from qa.answer.ask import Ask, Draft
from qa.answer.candidates import Candidate
from qa.answer.draft import cite
from qa.answer.named import (
    cited_as,
    kind_target,
    named_documents,
    numbered_citations,
    quotes_title,
    shortened_document,
    title_names,
)
from qa.answer.render import short_name
from qa.evidence.scope import OWN_NAME
from qa.ingest.metadata import printed_on
from qa.ingest.numerals import in_digits
from qa.ingest.sentences import split_sentences
from qa.normalize import in_simplified, match_form, to_script
from qa.places.regions import doc_places
from qa.question.asking import ASKS
from qa.question.query import (
    Query,
)
from qa.schema import Citation, Clause, Document, Hit
from qa.search.index import Index
from qa.search.retrieve import (
    Weights,
    content_tokens,
)

_META_FIELDS = (
    (re.compile(r"主送|发给|印发给|下发给|发送给|发至"), "addressees", "主送单位"),
    (re.compile(r"依据|根据[^，。？]{0,6}哪|上位文件|(?:贯彻|落实)[^，。？]{0,10}哪"), "basis", "制定依据"),
    (re.compile(r"文号|发文字号|字号"), "doc_number", "文号"),
    # a regulation's opening lines: the order that published it (2003年4月27日 中华人民共和国国务院令第375号公布)
    # and the meeting that adopted it (…常务委员会第二十九次会议通过; 已经市政府第19次常务会议审议通过)
    (ASKS["meta:order"], "order", "公布令"),
    (ASKS["meta:meeting"], "meeting", "通过会议"),
    (ASKS["meta:repealed"], "repealed", "废止文件"),
    (re.compile(r"作者|谁写"), "author", "作者"),
    (
        re.compile(
            r"发文机关|哪个机关|" + ASKS["meta:issued-by"].pattern  # 哪个部门印发, 谁发布, 发布单位, 是哪个部门发的…
        ),
        "issuer",
        "发文机关",
    ),
    # 施行日期 and 有效期 as the text states them (本条例自2022年1月1日起施行；有效期5年)
    (re.compile(r"施行|生效|开始实行|开始执行|起实施|实施日期|开始实施"), "effective_date", "施行日期"),
    (re.compile(r"有效期|有效到|失效|到期"), "valid_until", "有效期"),
    (re.compile(r"什么时候|何时|哪一?天|日期|哪一?年|哪个?月"), "date", "印发日期"),
    (re.compile(r"出自|来源|媒体|平台|转载|(?:发表|刊登|刊发|登|发)在哪"), "source", "来源"),
    (re.compile(r"标题|全称|题目|完整名称|是(?:什么|哪个|哪份|哪一份)文件"), "title", "标题"),
    # elements of an official document (GB/T 9704) that the library's documents do not record
    (re.compile(r"抄送"), "cc", "抄送机关"),
    (re.compile(r"签发人|谁签发"), "signer", "签发人"),
    (re.compile(r"密级|保密期限"), "classification", "密级"),
    (re.compile(r"紧急程度"), "urgency", "紧急程度"),
)


def asks_about_content(index: Index, q: Query, w: Weights) -> bool:
    """Does a question that names a document and a field word (“…方案…什么时候…”) ask about
    the document's content rather than its metadata?  It does when, after the words naming
    documents (titles, issuers, 文号) and the field words, two or more corpus words remain
    (“…要求数字政府综合应用在什么时候上线运行” → 综合、应用、上线、运行)."""
    names = _naming_words(index)
    rest = ASKS["meta:words"].sub(" ", re.sub(r"《[^》]*》", " ", q.sc))
    toks = [t for t in content_tokens(index, replace(q, sc=rest)) if t not in names and w.of(t) < w.unknown]
    return len(toks) >= 2


@lru_cache(maxsize=4)
def _naming_words(index: Index) -> str:
    """Every word that names a document of the library (titles, the short forms a document defines
    for them, issuers, 文号, places), joined once per index, not once per question."""
    return "".join(
        match_form(f"{d.title}{short_name(d)}{d.issuer}{d.source}{d.author}{d.doc_number}{d.region}")
        + "".join(title_names(d))  # and the short forms it defines (三包 of 家用汽车…三包责任规定)
        for d in index.corpus.documents
    )


def content_date(index: Index, q: Query, w: Weights) -> bool:
    """Does a question that names a document ask when something *in* it happens, not when the
    document was issued? (“南昌方案规定…免征关税，这项政策从哪天开始实行？” is not asking for
    the plan's 印发日期.)"""
    asks_date = any(f == "date" and pat.search(q.sc) for pat, f, _l in _META_FIELDS)
    return asks_date and not ASKS["meta:issued"].search(q.sc) and asks_about_content(index, q, w)


def _basis_numbers(index: Index, doc: Document) -> list[tuple[str, Clause]]:
    """The 文号 the document gives for the documents it is based on (《…指导意见》（国发〔2022〕14号）)."""
    titles = [match_form(t) for t in re.findall(r"《([^《》]+)》", doc.basis)]
    out: dict[str, Clause] = {}
    for title, number, c in numbered_citations(index):
        if c.doc_id == doc.id and title in titles:
            out.setdefault(number, c)
    return list(out.items())


#: The clause that states a 施行日期 or 有效期 (本办法自印发之日起施行，有效期3年): the reader may
#: have computed the value (自印发之日, 有效期N年), so it is found by what the clause says.
_STATED_BY = {
    "valid_until": re.compile(OWN_NAME + r"[^。]{0,40}有效期"),
    "effective_date": re.compile(OWN_NAME + r"[^。]{0,14}自[^。]{0,16}(?:施行|实施|执行|生效)"),
}
#: fields whose answer also tells another one the question names as context: 哪天开始施行 is not
#: the 印发日期; 哪天、由哪次会议通过 is told by the meeting's line with its day; 施行后，哪部旧规定同时
#: 废止 asks only what was repealed
_ANSWERS_FOR = {
    "effective_date": ("date",),
    "valid_until": ("date",),
    "meeting": ("date",),
    "order": ("date",),
    "repealed": ("date", "effective_date"),
}
_TERM_OF_RE = re.compile(r"第[一二三四五六七八九十\d]+届")
_TERM_RE = re.compile(r"有效期(?:为)?[0-9一二三四五六七八九十两]{1,2}年")


def date_label(doc: Document) -> str:
    """What a document's own date is: a regulation published by an order is 公布 on it, one a
    people's congress adopted is 通过 on it, any other document is 印发 (成文) on it.

    >>> d = Document("d", "d.txt", "工伤保险条例", "国务院", "国务院令第375号", "2003-04-27", "", "条例", "simplified", "", "")
    >>> date_label(d), date_label(replace(d, issuer="上海市人民代表大会常务委员会", doc_number="")), date_label(replace(d, doc_number="国发〔2019〕3号"))
    ('公布日期', '通过日期', '印发日期')
    """
    if "令" in doc.doc_number:
        return "公布日期"
    return "通过日期" if "人民代表大会" in doc.issuer else "印发日期"


def meta_value(doc: Document, field: str) -> str:
    value = getattr(doc, field, "")  # "" for a field no document records (抄送机关)
    return _as_day(value) if value and field in ("date", "effective_date", "valid_until") else value


def _as_day(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


#: a question about the day a document was printed and sent (哪天印发), not signed (成文, 落款)
_PRINTED_RE = re.compile(r"印发(?!机关|单位|文号|的文号)")
_SIGNED_RE = re.compile(r"成文|落款|签署|签发")


def printed_day(doc: Document, q: Query) -> str:
    """The 版记's 印发日期 when the question asks on which day the document was 印发 and it has
    one: “…秘书处 2021年12月6日印发” answers that, not the 成文日期 of 2021年12月1日 above it.

    >>> d = Document("d", "d.txt", "细则", "", "", "2021-12-01", "", "", "simplified", "", "细则\\n2021年12月1日\\n广州市人民政府办公厅秘书处 2021年12月6日印发")
    >>> from qa.question.query import analyse
    >>> printed_day(d, analyse("细则是哪天印发的？")), printed_day(d, analyse("细则的成文日期是哪天？"))
    ('2021年12月6日', '')
    """
    if not _PRINTED_RE.search(q.sc) or _SIGNED_RE.search(q.sc):
        return ""
    printed = printed_on(doc.clean.splitlines())
    return _as_day(printed) if printed else ""


def answer_meta(
    index: Index, q: Query, cands: list[Candidate], script: str, fields: list[tuple[str, str]] | None = None
) -> tuple[str, list[Citation]] | None:
    """文号 / date / issuer / author / title of the document the question is about, each cited
    to the clause stating it (“这份文件的标题是什么？由哪个机关印发？” answers both)."""
    if fields is None:
        asked = [(m.start(), f, label) for pat, f, label in _META_FIELDS if (m := pat.search(q.sc))]
        fields = [(f, label) for _at, f, label in sorted(asked)]  # in the order the question asks
        covered = {c for f, _l in fields for c in _ANSWERS_FOR.get(f, ())}
        if (at := next((a for a, f, _l in asked if f == "repealed"), None)) is not None:
            # “停止执行的那份旧通知文号是什么？”: the 文号 and title of what it repeals, which the
            # sentence that repeals it states
            covered |= {f for a, f, _l in asked if a > at and f in ("doc_number", "title")}
        fields = [(f, label) for f, label in fields if f not in covered]
    if not fields:
        return None
    named = re.findall(r"《([^》]+)》", q.sc)
    targets = named_documents(index, q.sc)
    if not targets and not named:  # a quoted title is matched below: another file may cite its 文号
        targets = kind_target(index, q) or [d for d in [shortened_document(list(index.corpus.documents), q.sc)] if d]
    pool = [c for c in cands[:5] if not targets or c.doc in targets]
    if targets and not pool:  # the fields are the document's, whichever of its clauses was found
        first = index.corpus.clauses_of(targets[0].id)[0]
        pool = [Candidate(Hit(first, 0.0, (), ()), 0, targets[0], "", 0.0)]
    asked_fields = fields
    for cand in pool:
        doc = cand.doc
        # a document that states no 施行日期 took effect when it was issued: its 印发日期 answers
        fields = [
            ("date", "印发日期") if f == "effective_date" and not doc.effective_date else (f, lb)
            for f, lb in asked_fields
        ]
        # “…根据国务院哪份文件制定的？文号是什么？” asks for the basis's 文号, not this one's
        asked = {f for f, _l in fields}
        cited = cited_as(index, doc) if asked & {"doc_number", "title"} and "basis" not in asked else None
        stated = {f: statement(index, doc, q, f) for f in asked & STATED}  # read once per document
        if not any(getattr(doc, f, "") or (f == "issuer" and doc.source) or stated.get(f) or cited for f in asked):
            if targets:
                return "", []  # the document the question names does not state it
            continue
        if named and not any(quotes_title(n, doc) for n in named):
            continue  # the question asks about another document it names
        if not named and not targets and not (set(q.places) & doc_places(doc)) and not _states_field(q, doc):
            continue
        citations: list[Citation] = []
        parts = []
        note = ""
        for field, label in fields:
            shown = meta_value(doc, field)
            if field == "date":
                label = date_label(doc)
                if label == "印发日期":
                    shown = printed_day(doc, q) or shown
                    label = "成文日期" if "成文" in q.sc else label
            if not shown and field == "issuer" and doc.source:
                shown, label = doc.source, "来源"  # a web page names who published it, not an issuer
            if field == "doc_number" and "basis" in asked and (numbered := _basis_numbers(index, doc)):
                # “…根据哪份文件制定的？文号是什么？”: the 文号 of what it was based on
                cl = numbered[0][1]
                n = cite(citations, cl, numbered[0][0])
                parts.append(f"依据文件的文号：{to_script('、'.join(x for x, _c in numbered), script)}[{n}]")
                continue
            if field in STATED:
                if said := stated[field]:
                    n = cite(citations, said[1], said[0])
                    label = "修改" if field != "repealed" and _REVISED_RE.search(said[0]) else label
                    parts.append(f"{label}：{to_script(said[0].rstrip('。；;'), script)}[{n}]")
                else:
                    parts.append(f"文件未写明{label}")
                continue
            if not shown and cited and field in ("doc_number", "title"):
                # not in the document itself: as another document of the library cites it
                title, number, cl = cited
                shown = number if field == "doc_number" else title
                by = short_name(index.corpus.doc_by_id[cl.doc_id])
                n = cite(citations, cl, number)
                parts.append(f"{label}：{to_script(shown, script)}[{n}]")
                note = to_script(f"（文件本身未写明，据《{by}》的引用）", script)
                continue
            if not shown:
                parts.append(f"文件未写明{label}")
                continue
            if field in _STATED_BY:  # 有效期至2026年12月5日 is counted from “…施行，有效期5年”
                cl = next((c for c in index.corpus.clauses_of(doc.id) if _STATED_BY[field].search(c.text_sc)), None)
                if field == "valid_until" and cl is not None and (term := _TERM_RE.search(cl.text_sc)):
                    shown = f"{term.group(0)}，至{shown}"  # the term as stated, and its last day
                cl = cl or stating_clause(index, doc, shown)
            else:
                cl = stating_clause(index, doc, shown)
            if cl is None:
                continue
            n = cite(citations, cl, shown)
            parts.append(f"{label}：{to_script(shown, script)}[{n}]")
        if citations:
            return f"《{to_script(short_name(doc), script)}》的" + "；".join(parts) + "。" + note, citations
    return None


#: What a regulation's opening lines state: the order that published it, and the meeting that
#: adopted it (or one that revised it).
OPENING = {
    "order": re.compile(r"[^，。；;\n（(]*令\s*第[\d〇零一二三四五六七八九十百]+号\s*(?:公布|发布|修订|修正)?"),
    "meeting": re.compile(r"[^，。；;\n（(]*会议(?:[^，。；;\n]{0,8}通过|[^，。；;\n]{0,60}?(?:修订|修正))"),
}
_REVISED_RE = re.compile(r"修订|修正|修改")
_ORIGINAL_RE = re.compile(r"最初|最早|首次|第一次|当初|原先|起初")
_REPEAL_RE = re.compile(r"废止|停止执行|不再执行")
#: the fields read from the document's own sentences, not from its record
STATED = {*OPENING, "repealed"}


def repeal_statement(index: Index, doc: Document) -> tuple[str, Clause] | None:
    """The sentence that says what the document repeals, outside any title it quotes
    (…《广州市临时救助办法》…同时废止, not 《…关于修改和废止有关规章的决定》), and its clause.

    >>> [s for s in split_sentences("第十八条 本细则自印发之日起施行。《…办法》同时废止。") if _repeals(s)]
    ['《…办法》同时废止。']
    """
    for c in index.corpus.clauses_of(doc.id):
        for s in split_sentences(in_simplified(c.text, doc.script)):  # 同時廢止 in a Traditional document
            if _repeals(s):
                return s.strip(), c
    return None


def _repeals(sentence: str) -> bool:
    return bool(_REPEAL_RE.search(re.sub(r"《[^》]*》", "", sentence)))


def statement(index: Index, doc: Document, q: Query, field: str) -> tuple[str, Clause] | None:
    """What the document's own text states for a field no record holds (:data:`STATED`)."""
    return repeal_statement(index, doc) if field == "repealed" else opening_statement(index, doc, q, field)


def opening_statement(index: Index, doc: Document, q: Query, field: str) -> tuple[str, Clause] | None:
    """The line of the document's opening that states ``field`` (:data:`OPENING`), and its clause:
    one that revised the document when the question asks about a revision, else the first of the
    others (the original 公布, not the 修订 after it).

    >>> OPENING["order"].search("2020年7月5日 中华人民共和国国务院令第728号公布").group(0)
    '2020年7月5日 中华人民共和国国务院令第728号公布'
    >>> OPENING["meeting"].search("（1991年3月4日国务院令第76号发布 2018年9月6日国务院第23次常务会议修订通过）").group(0)
    '1991年3月4日国务院令第76号发布 2018年9月6日国务院第23次常务会议修订通过'
    >>> OPENING["meeting"].search("2024年12月31日 上海市第十六届人民代表大会常务委员会第十八次会议《关于修改〈上海市公路管理条例〉等10件地方性法规的决定》修正）").group(0)[-11:]
    '地方性法规的决定》修正'
    """
    # the opening lines, not an article (经业主大会会议通过), read as one text: a line may have been
    # broken inside a statement (国务院令第802号 / 修订）)
    opening = [c for c in index.corpus.clauses_of(doc.id) if c.path.startswith("¶")]
    texts = [in_simplified(c.text, doc.script) for c in opening]  # 會議通過, 國務院令 in a Traditional document
    starts = list(itertools.accumulate((len(t) + 1 for t in texts), initial=0))
    text = "\n".join(texts)
    found = [
        (re.sub(r"\s*\n\s*", "", m.group(0)).strip(), opening[bisect.bisect_right(starts, m.start()) - 1])
        for m in OPENING[field].finditer(text)
    ]
    revised = [f for f in found if _REVISED_RE.search(f[0])]
    if _REVISED_RE.search(q.sc):
        return (revised or found or [None])[0]
    original = _ORIGINAL_RE.search(q.sc)  # 最初以国务院令第几号发布: the first order, not the one in force
    if field == "order" and not original and not any(f[0].endswith("公布") for f in found) and "令" in doc.doc_number:
        # the order that published the text in force heads it (国务院令 第706号), and the line
        # below it tells an earlier one (1991年…国务院令第76号发布)
        number = doc.doc_number[doc.doc_number.rindex("令") + 1 :]  # 第706号, when it has a line of its own
        cl = stating_clause(index, doc, doc.doc_number) or stating_clause(index, doc, number)
        return (doc.doc_number, cl) if cl else None
    found = [f for f in found if f not in revised] or found
    if original and found:  # the earliest the lines date (1991年…令第76号发布, below 第706号)
        return min(found, key=lambda f: int(y.group(1)) if (y := re.search(r"(\d{4})年", f[0])) else 9999)
    return found[0] if found else None


def stating_clause(index: Index, doc: Document, shown: str) -> Clause | None:
    """The clause that states a metadata value: a labelled field (“印发机关：江西省人民政府”)
    before any clause that merely mentions it.  A value in digits is also found where the text
    writes it in Chinese numerals (a 落款 of 二〇〇五年六月十一日 for 2005年6月11日)."""
    probe = match_form(re.split(r"[,，、]", shown)[0])
    clauses = index.corpus.clauses_of(doc.id)
    # an issuer is recorded without the session its opening line names (上海市第十五届人民代表大会常务委员会)
    having = [c for c in clauses if probe in c.text_sc or probe in _TERM_OF_RE.sub("", c.text_sc)]
    if not having and re.search(r"\d", probe):
        having = [c for c in clauses if probe in in_digits(c.text_sc)]
    labelled = re.compile(r"[：:]\s*" + re.escape(probe))
    return next((c for c in having if labelled.search(c.text_sc)), having[0] if having else None)


def _states_field(q: Query, doc: Document) -> bool:
    """Does the question quote one of the document's own metadata values (冀政发〔2023〕3号)?"""
    values = (doc.doc_number, doc.issuer, doc.author)
    return any(v and match_form(v) in q.sc for v in values)


def draft(ask: Ask) -> Draft | None:
    """The author the question names (“某某是谁？”), or the fields it asks for (文号、印发日期…).
    A field the named document does not state is refused, unless the content may say it
    (“…方案要求…什么时候上线运行” asks about the content, not the metadata)."""
    index, q, w = ask.index, ask.q, ask.w
    if not q.meta:
        found = answer_meta(index, q, ask.cands, ask.script, [("author", "作者")]) if ask.about_author else None
        return Draft(*found, "meta") if found is not None else None
    if content_date(index, q, w):
        return None
    found = answer_meta(index, q, ask.cands, ask.script)
    if found == ("", []):
        return None if asks_about_content(index, q, w) else Draft.refusal("文件未写明")
    return Draft(*found, "meta") if found else None
