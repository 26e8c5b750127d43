"""Pure view functions of the web app: records in, escaped HTML or table rows out.

Everything that comes from a document or a user passes through :func:`esc` before it is
put into markup, so a clause or a question containing ``<script>`` is shown as text.
No function here touches the index, the log or gradio; :mod:`qa.app.page` and :mod:`qa.app.api` wire them up.

Anchors the page relies on (and the browser tests click):

* ``a.cite-ref[href="#cite-<turn>-<n>"]`` — a ``[n]`` marker in an answer;
* ``div.cite-card#cite-<turn>-<n>`` — its citation card under the answer;
* ``a.view-clause[data-clause=<clause id>]`` — "在文库中查看", deep link ``?clause=<id>``;
* ``details.clause#clause-<clause id>`` — a clause in the library tree.
"""

from __future__ import annotations

import csv
import html
import re
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from qa.errors import InputError
from qa.schema import Answer, Citation, Clause, Document
from qa.search.retrieve import printable


def one_choice(value: object) -> str:
    """A text box's or a single-choice dropdown's value as the page's events may send it:
    ``None`` is nothing; anything but text (a list, a number) is refused, not hashed or
    compared; a lone surrogate (which no encoder writes) is dropped.

    >>> one_choice(None), one_choice("001"), one_choice("广州\\ud800")
    ('', '001', '广州')
    >>> one_choice(["001"])
    Traceback (most recent call last):
    qa.errors.InputError: 请选择一项（one value, not list）
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(f"请选择一项（one value, not {type(value).__name__}）")
    return printable(value)


ROLE_LABELS = {"lead": "牵头单位", "responsible": "责任单位", "cooperating": "协同单位"}
DUTY_HEADERS = ["文件", "条款", "任务", "牵头单位", "责任单位", "协同单位", "该部门角色", "条款编号"]
DOC_HEADERS = ["编号", "文件", "发文机关", "文号", "日期", "地区", "类型", "字体", "格式", "版本", "状态", "条款数"]
HISTORY_HEADERS = ["时间", "操作", "版本", "格式", "状态", "名称", "内容摘要 (sha256)"]
_ACTIONS = {"import": "导入", "add": "新增", "update": "更新", "remove": "移除", "status": "状态变更"}
LOG_HEADERS = ["编号", "时间(UTC)", "问题", "评价", "意见", "拒答", "耗时(ms)", "回答", "改写为", "引用", "生成器"]
DUTY_PAGE_HEADERS = DUTY_HEADERS[:-1]  # the page links the path to the clause instead of showing its id
LOG_ANSWER_CHARS = 60
TOPIC_HEADERS = ["主题词", "问题数", "例句"]
UNANSWERED_HEADERS = ["未能回答的问题", "次数", "最近一次(UTC)"]
_CITE_RE = re.compile(r"\[(\d{1,3})\]")
_SCRIPT_NAMES = {"traditional": "繁体", "simplified": "简体"}


def esc(text: object) -> str:
    """HTML-escape any text (quotes too, so it is safe inside attributes).

    >>> esc('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    """
    return html.escape("" if text is None else str(text), quote=True)


def doc_label(doc: Document) -> str:
    """A short display name of a document (the library and cards use it).

    >>> from qa.schema import Document
    >>> doc_label(Document("d", "d.txt", "宁波市人民政府关于印发宁波市加快数字政府建设实施方案的通知", "", "", "", "", "", "simplified", "", ""))
    '宁波市加快数字政府建设实施方案'
    """
    from qa.answer import short_name

    return short_name(doc)


# --- chat -------------------------------------------------------------------------------------


def link_markers(text: str, turn: int) -> str:
    """Escape answer text and turn every ``[n]`` into a link to citation card ``n`` of this turn.

    >>> link_markers("建成5G基站4万个[1]<b>", 2)
    '建成5G基站4万个<a class="cite-ref" href="#cite-2-1" data-card="cite-2-1">[1]</a>&lt;b&gt;'
    """
    out = []
    pos = 0
    for m in _CITE_RE.finditer(text):
        out.append(esc(text[pos : m.start()]))
        card = f"cite-{turn}-{m.group(1)}"
        out.append(f'<a class="cite-ref" href="#{card}" data-card="{card}">[{m.group(1)}]</a>')
        pos = m.end()
    out.append(esc(text[pos:]))
    return "".join(out)


def answer_body_html(text: str, turn: int) -> str:
    """Answer paragraphs with linked markers; the trailing ``出处：`` line is set apart.

    >>> answer_body_html("目标明确[1]\\n出处：[1]《方案》第二部分", 1)
    '<p>目标明确<a class="cite-ref" href="#cite-1-1" data-card="cite-1-1">[1]</a></p><p class="sources">出处：<a class="cite-ref" href="#cite-1-1" data-card="cite-1-1">[1]</a>《方案》第二部分</p>'
    """
    parts = []
    for line in text.split("\n"):
        if not line.strip():
            continue
        cls = ' class="sources"' if line.startswith(("出处：", "出處：")) else ""
        parts.append(f"<p{cls}>{link_markers(line, turn)}</p>")
    return "".join(parts)


def highlight(text: str, sentence: str) -> str:
    """Escape a clause text and mark the supporting sentence in it (when it is found).

    >>> highlight("一、目标。到2025年建成<4万>个。", "到2025年建成<4万>个。")
    '一、目标。<mark>到2025年建成&lt;4万&gt;个。</mark>'
    >>> highlight("原文", "不在其中")
    '原文'
    """
    sentence = (sentence or "").strip()
    start = text.find(sentence) if sentence else -1
    if start < 0 and sentence:  # the sentence may be in the other script than the clause
        from qa.normalize import match_form

        mt, ms = match_form(text), match_form(sentence)
        if len(mt) == len(text) and ms:
            start = mt.find(ms)
            sentence = text[start : start + len(ms)] if start >= 0 else sentence
    if start < 0:
        return esc(text)
    end = start + len(sentence)
    return f"{esc(text[:start])}<mark>{esc(text[start:end])}</mark>{esc(text[end:])}"


def citation_card_html(cit: Citation, doc: Document, turn: int) -> str:
    """One citation card: document, 文号, clause path, the clause text with its sentence marked,
    and a "view in document" link (a deep link to the library, handled in-page by the app).

    >>> from qa.schema import Document, Clause, Citation
    >>> d = Document("d1", "d1.txt", "某市方案", "", "甬政发〔2023〕16号", "", "", "", "simplified", "", "")
    >>> c = Clause("c-1", "d1", "d1.txt", "二/1", 2, "1.建设", "某市方案 > 二、任务 > 1.建设", "1.建设。<script>x</script>", "", 0, 9, None)
    >>> card = citation_card_html(Citation(1, c, "1.建设。"), d, 3)
    >>> 'id="cite-3-1"' in card and 'data-clause="c-1"' in card and "<script>" not in card
    True
    """
    from qa.answer import readable_path

    c = cit.clause
    number = f'<span class="docno">{esc(doc.doc_number)}</span>' if doc.doc_number else ""
    crumbs = " › ".join(esc(x) for x in c.title_path.split(" > ")[1:-1])  # sections above the clause
    return (
        f'<div class="cite-card" id="cite-{turn}-{cit.n}" data-clause="{esc(c.id)}">'
        f'<div class="cite-head"><span class="cite-n">[{cit.n}]</span> '
        f'<span class="doc-title">《{esc(doc_label(doc))}》</span>{number}</div>'
        f'<div class="cite-path">{esc(readable_path(c))}（{esc(c.path)}）'
        f"{' · ' + crumbs if crumbs else ''}</div>"
        f'<div class="cite-text">{highlight(c.text, cit.sentence)}</div>'
        f'<div class="cite-actions"><a class="view-clause" href="?clause={esc(c.id)}" target="_blank" '
        f'data-clause="{esc(c.id)}">在文库中查看 →</a></div>'
        f"</div>"
    )


def user_bubble_html(question: str, rewritten: str = "") -> str:
    """The user's question, and the standalone form it was read as (for a follow-up).

    >>> user_bubble_html("那河北呢？", "河北的目标是什么？")
    '<div class="msg user"><div class="bubble">那河北呢？</div><div class="rewritten">按上下文理解为：河北的目标是什么？</div></div>'
    """
    note = f'<div class="rewritten">按上下文理解为：{esc(rewritten)}</div>' if rewritten else ""
    return f'<div class="msg user"><div class="bubble">{esc(question)}</div>{note}</div>'


def answer_html(ans: Answer, docs: dict[str, Document], turn: int, qid: int | None = None) -> str:
    """A finished answer: text with linked ``[n]`` markers and its citation cards, or a refusal
    styled apart (no cards, a hint what to try instead).

    >>> from qa.schema import Answer
    >>> "refused" in answer_html(Answer("火星？", "资料中未找到相关规定。", True, (), ()), {}, 1)
    True
    """
    meta = f'<div class="meta">{ans.latency_ms:.0f} ms · {esc(ans.generator)}{f" · #{qid}" if qid else ""}</div>'
    meta = "".join(f'<div class="notice">{esc(n)}</div>' for n in ans.notes if n.startswith("⚠️")) + meta
    if ans.mode == "help":  # a greeting: how to ask, not a failed search
        return (
            f'<div class="msg bot help" data-turn="{turn}"><div class="bubble"><p>{esc(ans.text)}</p></div>{meta}</div>'
        )
    if ans.refused:
        return (
            f'<div class="msg bot refused" data-turn="{turn}"><div class="bubble">'
            f'<div class="refusal-title">⚠️ 未找到依据</div><p>{esc(ans.text)}</p>'
            '<p class="hint">现有政策文件中没有可以支持回答的条款。可以换个说法、补充地区或年份，或到“政策文库”查阅原文。</p>'
            f"</div>{meta}</div>"
        )
    cards = "".join(
        citation_card_html(c, docs[c.clause.doc_id], turn) for c in ans.citations if c.clause.doc_id in docs
    )
    return (
        f'<div class="msg bot answered" data-turn="{turn}"><div class="bubble">{answer_body_html(ans.text, turn)}</div>'
        f'<div class="cards">{cards}</div>{meta}</div>'
    )


def pending_html(partial: str = "") -> str:
    """An answer still streaming (plain escaped text, markers linked when complete).

    >>> pending_html("")
    '<div class="msg bot pending"><div class="bubble"><span class="typing">正在检索政策文件…</span></div></div>'
    """
    body = esc(partial).replace("\n", "<br>") if partial else '<span class="typing">正在检索政策文件…</span>'
    return f'<div class="msg bot pending"><div class="bubble">{body}</div></div>'


def error_html(message: str) -> str:
    """A message shown in the page instead of a traceback.

    >>> error_html("问题不能为空 <b>")
    '<div class="msg error"><div class="bubble">❌ 问题不能为空 &lt;b&gt;</div></div>'
    """
    return f'<div class="msg error"><div class="bubble">❌ {esc(message)}</div></div>'


def welcome_html(examples: Sequence[str] = ()) -> str:
    """The empty chat page: what the assistant does, and the library's example questions (also
    clickable buttons: :func:`qa.app.examples.example_questions`)."""
    items = "".join(f"<li>{esc(q)}</li>" for q in examples)
    return (
        '<div class="welcome"><h3>您好！我是政策问答助手。</h3>'
        "<p>我只根据已收录的政府政策文件回答，每句话都附有可点击的出处；文件中没有的内容，我会如实告诉您“资料中未找到”。"
        "支持简体和繁体，可以连续追问（如先问一个省，再问“那另一个省呢？”）。</p>"
        + (f"<p>可以这样问：</p><ul>{items}</ul>" if items else "")
        + "</div>"
    )


def transcript_html(parts: Sequence[str], welcome: bool = True, examples: Sequence[str] = ()) -> str:
    """The finished turns of the conversation (each already rendered), or the welcome page when
    there are none (unless ``welcome`` is false), with ``examples`` to ask.

    >>> transcript_html([]).startswith('<div class="chat-log"><div class="welcome">')
    True
    >>> transcript_html([], welcome=False)
    '<div class="chat-log"></div>'
    """
    return f'<div class="chat-log">{"".join(parts) if parts or not welcome else welcome_html(examples)}</div>'


def live_html(turn: str) -> str:
    """The turn being answered (shown below the finished ones while it streams).

    >>> live_html(pending_html()).startswith('<div class="chat-log live"><div class="msg bot pending">')
    True
    """
    return f'<div class="chat-log live">{turn}</div>'


# --- library ----------------------------------------------------------------------------------


def duty_badges_html(clause: Clause) -> str:
    """Duty units of a clause as labelled badges (published names).

    >>> from qa.schema import Clause, Duties
    >>> c = Clause("c", "d", "d.txt", "1", 1, "", "", "", "", 0, 1, None, Duties(("省民政廳",), (), ("<x>",)))
    >>> duty_badges_html(c)
    '<div class="duties"><span class="role lead">牵头单位</span><span class="unit">省民政廳</span><span class="role cooperating">协同单位</span><span class="unit">&lt;x&gt;</span></div>'
    """
    d = clause.duties
    if not d:
        return ""
    out = []
    for role in ("lead", "responsible", "cooperating"):
        units = getattr(d, role)
        if units:
            out.append(f'<span class="role {role}">{ROLE_LABELS[role]}</span>')
            out.extend(f'<span class="unit">{esc(u)}</span>' for u in units)
    return f'<div class="duties">{"".join(out)}</div>'


def doc_meta_html(doc: Document, n_clauses: int) -> str:
    """A document's metadata as a definition list (empty fields left out)."""
    fields = [
        ("标题", doc.title or doc.name),
        ("发文机关", doc.issuer),
        ("文号", doc.doc_number),
        ("日期", doc.date),
        ("地区", doc.region),
        ("类型", doc.kind),
        ("字体", _SCRIPT_NAMES.get(doc.script, doc.script)),
        ("来源", doc.source),
        ("作者", doc.author),
        ("源文件", doc.source_file),
        ("格式", doc.format if doc.format not in ("txt", "md") else ""),
        ("版本", f"第{doc.version}版" + (f"（{doc.added_at[:10]}）" if doc.added_at else "")),
        ("状态", status_label(doc)),
        ("条款数", str(n_clauses)),
    ]
    rows = "".join(f"<dt>{k}</dt><dd>{esc(v)}</dd>" for k, v in fields if v)
    retired = doc.effective_status(_today()) != "in_force"
    badge = f' <span class="doc-status retired">{esc(status_label(doc))}</span>' if retired else ""
    return f'<div class="doc-meta"><h3>{esc(doc_label(doc))}{badge}</h3><dl>{rows}</dl></div>'


def _today() -> str:
    from qa.library import today

    return today()


def status_label(doc: Document) -> str:
    """The status a reader sees: 现行有效, or the retirement sentence with its date.

    >>> from qa.schema import Document
    >>> status_label(Document("d", "d.txt", "方案", "", "", "", "", "", "simplified", "", "", status="expired", status_date="2025-06-30"))
    '已于2025-06-30废止'
    """
    from qa.library import status_phrase

    return status_phrase(doc, _today())


def change_line(change) -> str:
    """One line (Markdown, escaped) about a library change.

    >>> from qa.library import Change
    >>> change_line(Change("add", "hz", 1, "杭州市方案", 42, 40, 1.5))
    '✅ 新增 hz（第1版）杭州市方案：42 条条款，新嵌入 40 条，用时 1.5 秒'
    """
    if change.action == "skip":
        return f"⚠️ 未改动：{md_text(change.message)}"
    what = _ACTIONS.get(change.action, change.action)
    head = f"✅ {what} {md_text(change.doc_id)}（第{change.version}版）{md_text(change.title)}"
    if change.action in ("add", "update"):
        return f"{head}：{change.clauses} 条条款，新嵌入 {change.embedded} 条，用时 {change.seconds} 秒"
    return f"{head}" + (f"：{md_text(change.message)}" if change.message else "")


def history_rows(events: Iterable[dict]) -> list[list[str]]:
    """Rows of a document's version history (:data:`HISTORY_HEADERS`), newest first.

    >>> history_rows([{"at": "2026-11-22T10:00:00+0000", "action": "update", "version": 2, "format": "pdf",
    ...                "status": "in_force", "title": "方案", "sha256": "ab" * 32}])
    [['2026-11-22 10:00', '更新', 'v2', 'pdf', '现行有效', '方案', 'abababababab']]
    """
    from qa.library import STATUS_LABELS

    return [
        [
            e.get("at", "")[:16].replace("T", " "),
            _ACTIONS.get(e.get("action", ""), e.get("action", "")),
            f"v{e.get('version', '')}",
            e.get("format", ""),
            STATUS_LABELS.get(e.get("status", ""), e.get("status", ""))
            + (f" {e['status_date']}" if e.get("status_date") else ""),
            e.get("title", ""),
            e.get("sha256", "")[:12],
        ]
        for e in reversed(list(events))
    ]


def _ancestors(clause_id: str | None, by_id: dict[str, Clause]) -> set[str]:
    out: set[str] = set()
    while clause_id and clause_id in by_id:
        out.add(clause_id)
        clause_id = by_id[clause_id].parent_id
    return out


def clause_tree_html(
    doc: Document,
    clauses: Sequence[Clause],
    focus: str | None = None,
    open_levels: int = 1,
) -> str:
    """A document's clause tree as nested ``<details>`` (expandable), each with an anchor
    ``id="clause-<id>"``, its path, text and duties.  Clauses down to ``open_levels`` are
    open; the ``focus`` clause and its ancestors are open too and the focus is marked.

    >>> from qa.schema import Document, Clause, Duties
    >>> d = Document("d", "d.txt", "方案", "", "", "", "", "", "simplified", "", "")
    >>> a = Clause("a", "d", "d.txt", "一", 1, "一、任务", "方案 > 一、任务", "一、任务", "", 0, 9, None)
    >>> b = Clause("b", "d", "d.txt", "一/1", 2, "1.建设<平台>", "", "1.建设<平台>。", "", 3, 9, "a", Duties(("省大数据局",)))
    >>> t = clause_tree_html(d, [a, b], focus="b")
    >>> 'id="clause-b"' in t and 'class="clause focus"' in t and "&lt;平台&gt;" in t
    True
    """
    by_id = {c.id: c for c in clauses}
    kids: dict[str | None, list[Clause]] = {}
    for c in clauses:
        parent = c.parent_id if c.parent_id in by_id else None
        kids.setdefault(parent, []).append(c)
    opened = _ancestors(focus, by_id)

    def node(c: Clause, depth: int) -> str:
        is_open = depth <= open_levels or c.id in opened
        cls = "clause focus" if c.id == focus else "clause"
        head = c.heading or c.text[:40]
        text = c.text if c.text != c.heading else ""
        children = "".join(node(k, depth + 1) for k in kids.get(c.id, []))
        badge = ' <span class="has-duties" title="含职责分工">●</span>' if c.duties else ""
        return (
            f'<details class="{cls}" id="clause-{esc(c.id)}" data-clause="{esc(c.id)}"{" open" if is_open else ""}>'
            f'<summary><span class="path">{esc(c.path)}</span> {esc(head)}{badge}'
            f' <a class="deep-link" href="?clause={esc(c.id)}" title="本条链接">🔗</a></summary>'
            f'<div class="clause-body">{f"<p>{esc(text)}</p>" if text else ""}{duty_badges_html(c)}{children}</div>'
            "</details>"
        )

    body = "".join(node(c, 1) for c in kids.get(None, []))
    return f'<div class="clause-tree" data-doc="{esc(doc.id)}">{body or "<p>（本文件没有条款）</p>"}</div>'


def library_html(doc: Document, clauses: Sequence[Clause], focus: str | None = None) -> str:
    """Metadata and clause tree of one document."""
    return doc_meta_html(doc, len(clauses)) + clause_tree_html(doc, clauses, focus)


def doc_rows(docs: Iterable[Document], clause_counts: dict[str, int]) -> list[list[str]]:
    """Rows of the document table (:data:`DOC_HEADERS`).

    >>> from qa.schema import Document
    >>> doc_rows([Document("d1", "d1.txt", "", "浙江省人民政府", "", "2022-07-30", "浙江省", "实施意见", "traditional", "", "")], {"d1": 3})
    [['d1', '浙江省人民政府实施意见2022-07-30', '浙江省人民政府', '', '2022-07-30', '浙江省', '实施意见', '繁体', 'txt', 'v1', '现行有效', '3']]
    """
    return [
        [
            d.id,
            doc_label(d),
            d.issuer or d.source,
            d.doc_number,
            d.date,
            d.region,
            d.kind,
            _SCRIPT_NAMES.get(d.script, d.script),
            d.format,
            f"v{d.version}",
            status_label(d),
            str(clause_counts.get(d.id, 0)),
        ]
        for d in docs
    ]


# --- duties -----------------------------------------------------------------------------------


def duty_rows(rows: Iterable, docs: dict[str, Document]) -> list[list[str]]:
    """Rows of the duty table (:data:`DUTY_HEADERS`) from :class:`qa.duties.DutyRow` records.

    >>> from qa.duties import DutyRow
    >>> duty_rows([DutyRow("d", "c1", "二/1", "1.建设", ("省发展改革委",), (), ("省教育厅", "省财政厅"), "lead")], {})
    [['d', '二/1', '1.建设', '省发展改革委', '', '省教育厅、省财政厅', '牵头单位', 'c1']]
    """
    out = []
    for r in rows:
        doc = docs.get(r.doc_id)
        out.append(
            [
                doc_label(doc) if doc else r.doc_id,
                r.path,
                r.task,
                "、".join(r.lead),
                "、".join(r.responsible),
                "、".join(r.cooperating),
                ROLE_LABELS.get(r.role, ""),
                r.clause_id,
            ]
        )
    return out


def md_text(text: object, limit: int | None = None) -> str:
    """Text for a Markdown component or cell, shown as typed: markup characters escaped, so no
    emphasis, link, image, autolink (``http:``, ``www.``, ``a@b``) or HTML in it can render — an
    error that quotes a deep link's ``?doc=`` stays plain text.  Cut to ``limit`` characters.

    >>> print(md_text("二/（一）/1 <b>*x*</b> [y](z)"))
    二/（一）/1 &lt;b&gt;\\*x\\*&lt;/b&gt; \\[y\\]\\(z\\)
    >>> print(md_text("[请点此重新登录](http://203.0.113.9/login)"))
    \\[请点此重新登录\\]\\(http\\://203\\.0\\.113\\.9/login\\)
    """
    text = "" if text is None else str(text)
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    s = esc(text).replace("\\", "\\\\")
    return re.sub(r"([`*_\[\]()#|!~:@.])", r"\\\1", s)


def duty_page_rows(table: Sequence[Sequence[str]]) -> list[list[str]]:
    """Duty rows for the page (:data:`DUTY_PAGE_HEADERS`): the path links to the clause in the library.

    >>> duty_page_rows([["文件", "二/1", "任务", "甲", "", "", "牵头单位", "c-1"]])
    [['文件', '[二/1](?clause=c-1)', '任务', '甲', '', '', '牵头单位']]
    """
    return [[r[0], f"[{md_text(r[1])}](?clause={esc(r[7])})", *r[2:7]] for r in table]


def safe_cell(value: object) -> str:
    """A cell as text that a spreadsheet will not run as a formula.

    >>> safe_cell("=HYPERLINK(1)"), safe_cell("省教育厅")
    ("'=HYPERLINK(1)", '省教育厅')
    """
    s = "" if value is None else str(value)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def export_csv(
    headers: Sequence[str], rows: Sequence[Sequence[object]], folder: str | Path | None = None, stem: str = "duties"
) -> Path:
    """Write a UTF-8 CSV (with BOM, so spreadsheet programs read the Chinese) and return its path.

    >>> import tempfile
    >>> p = export_csv(["单位"], [["省教育厅"]], tempfile.mkdtemp())
    >>> p.read_text(encoding="utf-8-sig").splitlines()
    ['单位', '省教育厅']
    """
    folder = Path(folder or tempfile.mkdtemp(prefix="policyqa-export-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(list(headers))
        w.writerows([safe_cell(v) for v in row] for row in rows)
    return path


def export_xlsx(
    headers: Sequence[str], rows: Sequence[Sequence[object]], folder: str | Path | None = None, stem: str = "duties"
) -> Path:
    """Write an XLSX workbook (one sheet, header row frozen, every cell text) and return its path.

    >>> import tempfile, openpyxl
    >>> p = export_xlsx(["单位"], [["=1+1"]], tempfile.mkdtemp())
    >>> [c.value for c in openpyxl.load_workbook(p).active["A"]]
    ['单位', "'=1+1"]
    """
    from openpyxl import Workbook

    folder = Path(folder or tempfile.mkdtemp(prefix="policyqa-export-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = stem[:31]
    ws.append(list(headers))
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    ws.freeze_panes = "A2"
    for col, width in zip("ABCDEFGH", (28, 12, 36, 24, 24, 24, 10, 22), strict=False):
        ws.column_dimensions[col].width = width
    wb.save(path)
    return path


# --- question log -----------------------------------------------------------------------------


def log_rows(entries: Iterable) -> list[list[str]]:
    """Rows of the staff log table (:data:`LOG_HEADERS`) from :class:`qa.app.qlog.LogEntry` records;
    long answers are cut (select a row to see it whole).

    >>> from qa.app.qlog import LogEntry
    >>> log_rows([LogEntry(7, "2026-01-01T00:00:00.000Z", "问", "", "答[1]", False, [{"n": 1, "path": "二/1"}], 12.34, "extractive", -1, "不对")])
    [['7', '2026-01-01 00:00:00', '问', '👎', '不对', '', '12', '答[1]', '', '[1] 二/1', 'extractive']]
    """
    out = []
    for e in entries:
        cites = "；".join(f"[{c.get('n', '')}] {c.get('path', '')}" for c in e.citations)
        answer = e.answer if len(e.answer) <= LOG_ANSWER_CHARS else e.answer[:LOG_ANSWER_CHARS] + "…"
        out.append(
            [
                str(e.id),
                e.ts[:19].replace("T", " "),
                e.question,
                {1: "👍", -1: "👎"}.get(e.rating, ""),
                e.comment,
                "是" if e.refused else "",
                f"{e.latency_ms:.0f}",
                answer,
                e.rewritten,
                cites,
                e.generator,
            ]
        )
    return out


def log_entry_html(e) -> str:
    """One logged question in full (the staff view shows it when a row is selected).

    >>> from qa.app.qlog import LogEntry
    >>> "&lt;b&gt;" in log_entry_html(LogEntry(1, "2026-01-01T00:00:00.000Z", "<b>", "", "答", True, [], 1.0, "extractive"))
    True
    """
    cites = "".join(
        f'<li>[{esc(c.get("n", ""))}] {esc(c.get("path", ""))} <a href="?clause={esc(c.get("clause_id", ""))}" '
        f'target="_blank">{esc(c.get("clause_id", ""))}</a></li>'
        for c in e.citations
    )
    rating = {1: "👍", -1: "👎"}.get(e.rating, "（无评价）")
    rewritten = f"<dt>改写为</dt><dd>{esc(e.rewritten)}</dd>" if e.rewritten else ""
    return (
        f'<div class="log-entry"><h4>#{e.id} · {esc(e.ts[:19].replace("T", " "))} UTC · {esc(e.generator)} · '
        f"{e.latency_ms:.0f} ms{' · 拒答' if e.refused else ''}</h4><dl>"
        f"<dt>问题</dt><dd>{esc(e.question)}</dd>{rewritten}"
        f"<dt>回答</dt><dd>{esc(e.answer).replace(chr(10), '<br>')}</dd>"
        f"<dt>评价</dt><dd>{rating} {esc(e.comment)}</dd></dl>"
        f"{f'<ul>{cites}</ul>' if cites else ''}</div>"
    )


def topic_rows(topics: Iterable) -> list[list[str]]:
    """Rows of the frequent-topics table (:data:`TOPIC_HEADERS`)."""
    return [[t.term, str(t.count), t.example] for t in topics]


def unanswered_rows(items: Iterable) -> list[list[str]]:
    """Rows of the unanswered-questions table (:data:`UNANSWERED_HEADERS`)."""
    return [[u.question, str(u.count), u.last_ts[:19].replace("T", " ")] for u in items]


def stats_markdown(stats: dict) -> str:
    """One line of totals for the staff view.

    >>> stats_markdown({"questions": 3, "refused": 1, "avg_latency_ms": 12.0, "thumbs_up": 1, "thumbs_down": 0})
    '共 **3** 个问题，未能回答 **1** 个（33%），平均耗时 12 ms，👍 1 / 👎 0'
    """
    n = stats["questions"]
    share = f"（{stats['refused'] * 100 // n}%）" if n else ""
    return (
        f"共 **{n}** 个问题，未能回答 **{stats['refused']}** 个{share}，平均耗时 {stats['avg_latency_ms']:.0f} ms，"
        f"👍 {stats['thumbs_up']} / 👎 {stats['thumbs_down']}"
    )


# --- API documentation (offline: no CDN scripts) ----------------------------------------------


def _schema_type(s: dict) -> str:
    """A short type name of a JSON schema.

    >>> _schema_type({"type": "array", "items": {"$ref": "#/components/schemas/DutyOut"}})
    'array of DutyOut'
    >>> _schema_type({"anyOf": [{"type": "string"}, {"type": "null"}]})
    'string | null'
    """
    if "$ref" in s:
        return s["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in s:
        return " | ".join(_schema_type(x) for x in s["anyOf"])
    if s.get("type") == "array":
        return "array of " + _schema_type(s.get("items", {}))
    return str(s.get("type", "object"))


def api_docs_html(spec: dict) -> str:
    """The API reference page rendered from an OpenAPI schema (served at ``/docs``, works offline).

    >>> page = api_docs_html({"info": {"title": "T<", "version": "1"}, "paths": {"/api/x": {"get": {"summary": "X"}}}})
    >>> "<h1>T&lt; 1</h1>" in page and "id='get-api-x'" in page
    True
    """
    info = spec.get("info", {})
    out = [
        "<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>"
        f"{esc(info.get('title', 'API'))}</title><style>"
        "body{font-family:system-ui,'PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei',sans-serif;max-width:960px;"
        "margin:2em auto;padding:0 1em;color:#0f172a;line-height:1.6}"
        "code,pre{background:#f1f5f9;border-radius:4px;padding:1px 4px}pre{padding:8px;overflow:auto}"
        ".op{border:1px solid #e2e8f0;border-radius:8px;padding:8px 14px;margin:14px 0}"
        ".m{font-weight:700;color:white;border-radius:4px;padding:1px 8px;margin-right:8px}"
        ".get{background:#2563eb}.post{background:#16a34a}"
        "table{border-collapse:collapse}td,th{border:1px solid #e2e8f0;padding:3px 8px;text-align:left;vertical-align:top}"
        "</style></head><body>",
        f"<h1>{esc(info.get('title', 'API'))} {esc(info.get('version', ''))}</h1>",
        f"<p>{esc(info.get('description', ''))}</p>",
        "<p>Machine-readable schema: <a href='/openapi.json'>/openapi.json</a> (OpenAPI "
        f"{esc(spec.get('openapi', ''))}).</p>",
    ]
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            anchor = f"{method}-{path.strip('/').replace('/', '-').replace('{', '').replace('}', '')}"
            out.append(
                f"<div class='op' id='{esc(anchor)}'><h2><span class='m {esc(method)}'>{esc(method.upper())}</span>"
                f"<code>{esc(path)}</code> {esc(op.get('summary', ''))}</h2>"
            )
            if op.get("description"):
                out.append(f"<p>{esc(op['description'])}</p>")
            params = op.get("parameters", [])
            if params:
                out.append("<table><tr><th>parameter</th><th>in</th><th>type</th><th>description</th></tr>")
                for p in params:
                    out.append(
                        f"<tr><td><code>{esc(p.get('name'))}</code></td><td>{esc(p.get('in'))}</td>"
                        f"<td>{esc(_schema_type(p.get('schema', {})))}</td><td>{esc(p.get('description', ''))}</td></tr>"
                    )
                out.append("</table>")
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body:
                out.append(
                    f"<p>Request body (JSON): <a href='#schema-{esc(_schema_type(body))}'>{esc(_schema_type(body))}</a></p>"
                )
            ok = op.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {}).get("schema")
            if ok:
                out.append(f"<p>Response 200 (JSON): <code>{esc(_schema_type(ok))}</code></p>")
            out.append("</div>")
    schemas = spec.get("components", {}).get("schemas", {})
    if schemas:
        out.append("<h2>Schemas</h2>")
    for name, s in schemas.items():
        out.append(f"<h3 id='schema-{esc(name)}'>{esc(name)}</h3>")
        if s.get("description"):
            out.append(f"<p>{esc(s['description'])}</p>")
        props = s.get("properties", {})
        if props:
            required = set(s.get("required", []))
            out.append("<table><tr><th>field</th><th>type</th><th>required</th><th>description</th></tr>")
            for field, fs in props.items():
                out.append(
                    f"<tr><td><code>{esc(field)}</code></td><td>{esc(_schema_type(fs))}</td>"
                    f"<td>{'yes' if field in required else ''}</td><td>{esc(fs.get('description', ''))}</td></tr>"
                )
            out.append("</table>")
    out.append("</body></html>")
    return "".join(out)
