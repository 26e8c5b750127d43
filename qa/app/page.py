"""The gradio page (问答 / 政策找人 / 职责查询 / 政策文库 / 问答记录): its CSS and scripts, and
:func:`build_blocks`, the Blocks with every event handler.

Rendering lives in :mod:`qa.app.views` (pure, escaped); this module only wires state and events.
Every handler turns errors into a message in the page (:func:`qa.app.state.user_message`).
"""

import queue
import re
import threading
import time
from collections.abc import Iterator

from qa.app import views, web_match
from qa.app.examples import example_questions
from qa.app.guard import STAFF_CLOSED, staff_ok
from qa.app.state import PolicyApp, available_generators, user_message
from qa.app.uploads import page_uploads
from qa.app.views import one_choice
from qa.app.web_match import TAB_MATCH
from qa.errors import InputError, PolicyQAError
from qa.search.retrieve import MAX_QUESTION_CHARS

TAB_CHAT, TAB_DUTIES, TAB_LIBRARY, TAB_LOG = "chat", "duties", "library", "log"
ROLE_CHOICES = ["全部", "牵头单位", "责任单位", "协同单位"]
_ROLE_OF_LABEL = {"牵头单位": "lead", "责任单位": "responsible", "协同单位": "cooperating"}
ALL_DOCS = "全部文件"
STREAM_CHUNKS = 8  # an extractive answer is revealed in about this many steps
STREAM_DELAY = 0.01  # seconds between steps

CSS = """
.chat-log { display: flex; flex-direction: column; gap: 10px; }
.chat-log .welcome { min-height: 240px; }
.chat-log .msg { max-width: 92%; }
#chat-live .chat-log { padding: 10px 16px; }
.chat-log .msg.user { align-self: flex-end; text-align: right; }
.chat-log .msg.user .bubble { background: #dbeafe; color: #0f172a; display: inline-block; text-align: left; }
.chat-log .bubble { border-radius: 12px; padding: 10px 14px; line-height: 1.7; }
.chat-log .bubble p { margin: 0 0 6px 0; }
.chat-log .msg.bot .bubble { background: #f8fafc; border: 1px solid #e2e8f0; color: #0f172a; }
.chat-log .msg.bot.refused .bubble { background: #fff7ed; border: 1px dashed #f97316; color: #7c2d12; }
.chat-log .refusal-title { font-weight: 700; margin-bottom: 4px; }
.chat-log .hint { font-size: 0.9em; color: #9a3412; }
.chat-log .msg.error .bubble { background: #fef2f2; border: 1px solid #ef4444; color: #991b1b; }
.chat-log .rewritten { font-size: 0.85em; color: #475569; margin-top: 3px; }
.chat-log .notice { font-size: 0.85em; color: #9a3412; margin-top: 3px; }
.chat-log .sources { font-size: 0.85em; color: #475569; }
.chat-log .meta { font-size: 0.75em; color: #94a3b8; margin-top: 2px; }
.chat-log a.cite-ref { color: #1d4ed8; font-weight: 600; text-decoration: none; cursor: pointer; }
.chat-log .cards { display: flex; flex-direction: column; gap: 6px; margin-top: 6px; }
.chat-log .cite-card { border-left: 4px solid #3b82f6; background: #ffffff; border-radius: 6px; padding: 8px 12px;
  box-shadow: 0 1px 2px rgba(0,0,0,.08); font-size: 0.92em; color: #0f172a; }
.chat-log .cite-card.flash { animation: flash 1.2s ease-out; }
@keyframes flash { from { background: #fde68a; } to { background: #ffffff; } }
.chat-log .cite-head { font-weight: 600; }
.chat-log .cite-n { color: #1d4ed8; }
.chat-log .docno { margin-left: 8px; color: #475569; font-weight: 400; }
.chat-log .cite-path { color: #64748b; font-size: 0.85em; margin: 2px 0 4px; }
.chat-log .cite-text mark { background: #fef08a; padding: 0 1px; }
.chat-log .cite-actions { text-align: right; }
.chat-log a.view-clause { color: #1d4ed8; }
.chat-log .welcome { color: #334155; padding: 8px 4px; }
.chat-log .typing { color: #64748b; font-style: italic; }
.clause-tree details.clause { margin: 2px 0 2px 14px; border-left: 2px solid #e2e8f0; padding-left: 8px; }
.clause-tree details.clause > summary { cursor: pointer; padding: 2px 0; }
.clause-tree details.clause.focus > summary { background: #fef08a; }
.clause-tree details.clause.focus { border-left-color: #eab308; }
.clause-tree .path { color: #64748b; font-family: monospace; font-size: 0.85em; }
.clause-tree .clause-body p { margin: 4px 0; line-height: 1.7; }
.clause-tree .has-duties { color: #16a34a; font-size: 0.8em; }
.clause-tree a.deep-link { text-decoration: none; font-size: 0.8em; opacity: .5; }
.duties { margin: 2px 0 6px; }
.duties .role { font-size: 0.8em; border-radius: 4px; padding: 1px 5px; margin: 0 4px 0 8px; color: white; }
.duties .role.lead { background: #b91c1c; } .duties .role.responsible { background: #1d4ed8; }
.duties .role.cooperating { background: #15803d; }
.duties .unit { font-size: 0.85em; margin-right: 6px; }
.doc-meta dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; }
.doc-meta dt { color: #64748b; } .doc-meta dd { margin: 0; }
.doc-status.retired { font-size: .8em; color: #b91c1c; border: 1px solid #fca5a5; border-radius: 4px; padding: 1px 6px; margin-left: 8px; }
.log-entry dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; }
.log-entry dt { color: #64748b; } .log-entry dd { margin: 0; }
"""

JS_CHAT = """
element.addEventListener('click', (ev) => {
  const ref = ev.target.closest('a.cite-ref');
  if (ref) {
    ev.preventDefault();
    const card = element.querySelector('[id="' + ref.dataset.card + '"]');
    if (card) {
      card.scrollIntoView({behavior: 'smooth', block: 'center'});
      card.classList.remove('flash'); void card.offsetWidth; card.classList.add('flash');
    }
    return;
  }
  const view = ev.target.closest('a.view-clause');
  if (view && !(ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button === 1)) {
    ev.preventDefault();
    trigger('click', {clause: view.dataset.clause});
  }
});
"""

JS_LIBRARY = """
const focusClause = () => {
  const f = element.querySelector('details.focus');
  if (f) { f.open = true; f.scrollIntoView({block: 'center'}); }
};
setTimeout(focusClause, 150);
watch('value', () => setTimeout(focusClause, 50));
"""


def library_examples(app: PolicyApp) -> tuple[str, ...]:
    """Questions the library answers, from its own documents (none while it cannot be read: the
    page still opens and tells why at the first question)."""
    try:
        return example_questions(app.index)
    except PolicyQAError:
        return ()


def build_blocks(app: PolicyApp):
    """The gradio Blocks of the page (four tabs)."""
    import gradio as gr

    gens = available_generators()

    def library_choices() -> list[tuple[str, str]]:
        try:
            return [(views.doc_label(d), d.id) for d in app.index.corpus.documents]
        except Exception:
            return []

    # ---- handlers: chat ----

    def on_ask(question: str, parts: list[str], history: list[str], generator: str) -> Iterator[tuple]:
        parts = list(parts or [])
        history = list(history or [])
        skip = gr.skip()
        turn = len(parts) + 1
        question = (question or "").strip()
        shown = question[:MAX_QUESTION_CHARS]
        try:
            if not any(ch.isalnum() for ch in question):
                raise InputError("请输入问题（不能为空，也不能只有标点）。")
            # finished turns live in `chat`, the turn being answered in `live`: streaming
            # updates re-send only the current turn, not the whole conversation
            first = views.transcript_html(parts, welcome=False) if not parts else skip
            yield (
                first,
                views.live_html(views.user_bubble_html(shown) + views.pending_html()),
                skip,
                skip,
                None,
                "",
                "",
            )
            if generator in (None, "", "extractive"):
                ans, qid = app.ask(question, history[-3:], generator)
                user = views.user_bubble_html(shown, ans.rewritten)
                # the extractive answer is ready at once; reveal it progressively like a stream
                step = max(4, len(ans.text) // STREAM_CHUNKS)
                for end in range(step, len(ans.text), step):
                    yield skip, views.live_html(user + views.pending_html(ans.text[:end])), skip, skip, skip, skip, skip
                    time.sleep(STREAM_DELAY)
            else:  # a model generator: show its tokens as they come, then the verified answer
                tokens: queue.Queue = queue.Queue()
                result: dict = {}

                def work() -> None:
                    try:
                        result["ok"] = app.ask(question, history[-3:], generator, on_token=tokens.put)
                    except BaseException as e:
                        result["error"] = e
                    finally:
                        tokens.put(None)

                threading.Thread(target=work, name="policyqa-answer", daemon=True).start()
                text, finished = "", False
                while not finished:
                    try:
                        piece = tokens.get(timeout=0.1)
                    except queue.Empty:
                        continue
                    while piece is not None:
                        text += piece
                        try:
                            piece = tokens.get_nowait()
                        except queue.Empty:
                            break
                    finished = piece is None
                    if text and not finished:
                        pending = views.user_bubble_html(shown) + views.pending_html(text)
                        yield skip, views.live_html(pending), skip, skip, skip, skip, skip
                if "error" in result:
                    raise result["error"]
                ans, qid = result["ok"]
                user = views.user_bubble_html(shown, ans.rewritten)
            done = [*parts, user + views.answer_html(ans, app.docs, turn, qid)]
            history.append(ans.rewritten or shown)
            yield views.transcript_html(done), "", done, history, qid, skip, "可以对这个回答点 👍 或 👎，并留下意见。"
        except Exception as e:  # shown in the page, never a traceback
            done = (
                [*parts, views.user_bubble_html(shown), views.error_html(user_message(e))]
                if shown
                else [
                    *parts,
                    views.error_html(user_message(e)),
                ]
            )
            yield views.transcript_html(done), "", done, history, None, shown, ""

    def on_clear():  # a new conversation; what is typed in the box stays
        return views.transcript_html([], examples=library_examples(app)), "", [], [], None, gr.skip(), ""

    def on_feedback(rating: int, comment: str, qid: int | None):
        if not qid:
            return comment, "请先提问，再评价回答。"
        try:
            app.log.add_feedback(qid, rating, comment)
        except Exception as e:
            return comment, f"❌ {views.md_text(user_message(e), 300)}"
        return "", f"已记录您对回答 #{qid} 的评价（{'👍' if rating == 1 else '👎'}），谢谢！"

    def on_thumb_up(comment: str, qid: int | None):
        return on_feedback(1, comment, qid)

    def on_thumb_down(comment: str, qid: int | None):
        return on_feedback(-1, comment, qid)

    def fill_example(text: str) -> str:  # an example button puts its question in the box
        return (text or "")[:MAX_QUESTION_CHARS]

    def on_view_clause(evt: gr.EventData):
        clause_id = getattr(evt, "_data", {}) or {}
        clause_id = clause_id.get("clause", "") if isinstance(clause_id, dict) else ""
        return open_clause(clause_id)

    def open_clause(clause_id: str):
        try:
            c = app.clause(one_choice(clause_id))
            return gr.Tabs(selected=TAB_LIBRARY), gr.Dropdown(value=c.doc_id), app.library(c.doc_id, c.id), ""
        except Exception as e:
            return gr.Tabs(selected=TAB_LIBRARY), gr.Dropdown(), "", f"❌ {views.md_text(user_message(e), 300)}"

    # ---- handlers: duties ----

    def on_duties(unit: str, task: str, role_label: str, doc_id: str):
        try:
            unit, task, role_label = one_choice(unit), one_choice(task), one_choice(role_label)
            doc_id = one_choice(doc_id) or None
            rows = app.duty_rows(
                unit, task, _ROLE_OF_LABEL.get(role_label, ""), "" if doc_id in (ALL_DOCS, None) else doc_id
            )
            table = views.duty_rows(rows, app.docs)
            folder = app.new_export_dir()
            csv_path = views.export_csv(views.DUTY_HEADERS, table, folder)
            xlsx_path = views.export_xlsx(views.DUTY_HEADERS, table, folder)
            what = "、".join(x for x in (unit.strip(), task.strip()) if x) or "全部"
            summary = f"**{views.md_text(what)}**：共 {len(table)} 条职责分工（点击一行，在政策文库中查看该条款）"
            if not table:
                summary += "（没有找到；可以换个写法，如“发改委”“人社厅”，或只填任务关键词）"
            return (
                views.duty_page_rows(table),
                summary,
                gr.DownloadButton(value=str(csv_path), interactive=True),
                gr.DownloadButton(value=str(xlsx_path), interactive=True),
            )
        except Exception as e:
            return (
                [],
                f"❌ {views.md_text(user_message(e), 300)}",
                gr.DownloadButton(interactive=False),
                gr.DownloadButton(interactive=False),
            )

    def on_duty_row(evt: gr.SelectData):
        row = getattr(evt, "row_value", None)
        row = row if isinstance(row, list) else []
        m = re.search(r"\?clause=([\w-]+)", str(row[1]) if len(row) > 1 else "")
        return open_clause(m.group(1) if m else "")

    # ---- handlers: library ----

    def on_doc(doc_id: str):
        if not doc_id:
            return ""
        try:
            return app.library(one_choice(doc_id))
        except Exception as e:
            return views.error_html(user_message(e))

    def on_doc_history(doc_id: str):
        if not doc_id:
            return []
        try:
            from qa.library import versions_of

            return views.history_rows(versions_of(app.index, one_choice(doc_id)))
        except PolicyQAError:  # e.g. a document without history
            return []

    def collection_line() -> str:
        corpus = app.index.corpus
        return f"已收录 {len(corpus.documents)} 份政策文件、{len(corpus.clauses)} 条条款。"

    def library_view(doc_id: str | None, message: str):
        """Everything the library tab shows after a change: message, file list, tree, tables."""
        choices = library_choices()
        ids = [v for _label, v in choices]
        doc_id = doc_id if doc_id in ids else (ids[0] if ids else None)
        return (
            message,
            gr.Dropdown(choices=choices, value=doc_id),
            on_doc(doc_id) if doc_id else "",
            views.doc_rows(app.index.corpus.documents, app.clause_counts()),
            on_doc_history(doc_id) if doc_id else [],
            collection_line(),
        )

    def lib_error(message: str) -> tuple:
        return (f"❌ {views.md_text(message)}", gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip())

    def run_change(token: str, doc_id: str | None, change) -> tuple:
        try:
            changes = app.change_library(token, change)
        except Exception as e:
            return lib_error(user_message(e))
        changes = changes if isinstance(changes, list) else [changes]
        lines = [views.change_line(c) for c in changes]
        focus = next((c.doc_id for c in changes if c.action in ("add", "update", "status")), doc_id)
        return library_view(focus, "\n".join(f"- {x}" for x in lines))

    def on_lib_add(token: str, files):
        from qa.library import add_documents

        if not files:
            return lib_error("请先选择要上传的文件")
        return run_change(token, None, lambda st: add_documents(page_uploads(files), st, encoder=app.index.encoder))

    def on_lib_update(token: str, doc_id: str, files):
        from qa.library import update_document

        if len(files or []) != 1 or not doc_id:
            return lib_error("请在上方选择一个文件，并只上传它的一个新版本")
        return run_change(
            token, doc_id, lambda st: update_document(doc_id, page_uploads(files)[0], st, encoder=app.index.encoder)
        )

    def on_lib_status(token: str, doc_id: str, status: str, on: str):
        from qa.library import set_status

        return run_change(
            token,
            doc_id,
            lambda st: set_status(
                one_choice(doc_id), one_choice(status), st, on=one_choice(on).strip(), encoder=app.index.encoder
            ),
        )

    def on_lib_remove(token: str, doc_id: str):
        from qa.library import remove_document

        return run_change(token, None, lambda st: remove_document(one_choice(doc_id), st, encoder=app.index.encoder))

    # ---- handlers: staff log ----

    def on_log(token: str):
        if not app.settings.staff_token:
            return f"🔒 {STAFF_CLOSED}。", [], [], []
        if not staff_ok(app.settings, token):
            return "🔒 请输入正确的工作人员口令。", [], [], []
        try:
            lg = app.log
            return (
                views.stats_markdown(lg.stats()),
                views.log_rows(lg.recent(200)),
                views.topic_rows(lg.frequent_topics(30)),
                views.unanswered_rows(lg.unanswered(50)),
            )
        except Exception as e:
            return f"❌ {views.md_text(user_message(e), 300)}", [], [], []

    def on_log_row(token: str, evt: gr.SelectData):
        if not staff_ok(app.settings, token):
            return ""
        try:
            row = evt.row_value or []
            return views.log_entry_html(app.log.get(int(row[0])))
        except Exception as e:
            return views.error_html(user_message(e))

    # ---- page load (deep links) ----

    def on_load(request: gr.Request):
        params = dict(request.query_params) if request is not None else {}
        choices = library_choices()
        first = choices[0][1] if choices else None
        try:
            status = collection_line()
            if params.get("clause"):
                c = app.clause(params["clause"])
                return (
                    gr.Tabs(selected=TAB_LIBRARY),
                    gr.Dropdown(choices=choices, value=c.doc_id),
                    app.library(c.doc_id, c.id),
                    status,
                )
            if params.get("doc"):
                d = app.index.corpus.document(params["doc"])
                return (
                    gr.Tabs(selected=TAB_LIBRARY),
                    gr.Dropdown(choices=choices, value=d.id),
                    app.library(d.id),
                    status,
                )
            tab = params.get("tab")
            # no deep link: leave the tab alone (the user may have switched while the page loaded)
            known = tab in (TAB_CHAT, TAB_MATCH, TAB_DUTIES, TAB_LIBRARY, TAB_LOG)
            return (
                gr.Tabs(selected=tab) if known else gr.Tabs(),
                gr.Dropdown(choices=choices, value=first),
                app.library(first) if first else "",
                status,
            )
        except Exception as e:
            message = user_message(e)
            return (
                gr.Tabs(),
                gr.Dropdown(choices=choices, value=first),
                views.error_html(message),
                f"❌ {views.md_text(message, 300)}",
            )

    theme = gr.themes.Soft(
        primary_hue="blue",
        font=[
            "Source Sans Pro",
            "PingFang SC",
            "Microsoft YaHei",
            "Noto Sans CJK SC",
            "WenQuanYi Micro Hei",
            "sans-serif",
        ],
    )
    # delete_cache: gradio's copies of exported files older than an hour are removed hourly
    examples = library_examples(app)
    with gr.Blocks(title="PolicyQA 政策问答", analytics_enabled=False, delete_cache=(3600, 3600)) as blocks:
        blocks.policyqa_theme = theme  # passed to mount_gradio_app (gradio 6 takes theme/css there)
        gr.Markdown(
            "## 🏛️ PolicyQA 政策问答平台\n根据已收录的政府政策文件回答问题，每句话附出处；查询部门职责；浏览政策原文。"
        )
        status = gr.Markdown("正在加载…", elem_id="page-status")
        with gr.Tabs(selected=TAB_CHAT, elem_id="tabs") as tabs:
            # 问答
            with gr.Tab("问答", id=TAB_CHAT, elem_id="tab-chat"):
                parts = gr.State([])
                history = gr.State([])
                last_qid = gr.State(None)
                chat = gr.HTML(
                    views.transcript_html([], examples=examples),
                    elem_id="chat",
                    js_on_load=JS_CHAT,
                    autoscroll=True,
                    padding=True,
                    container=True,
                )
                live = gr.HTML("", elem_id="chat-live", autoscroll=True, padding=False, js_on_load=None)
                with gr.Row():
                    question = gr.Textbox(
                        placeholder=f"请输入您的问题，如：{examples[0]}" if examples else "请输入您的问题",
                        show_label=False,
                        scale=6,
                        elem_id="question",
                        max_length=2000,
                        lines=1,
                    )
                    ask = gr.Button("发送", variant="primary", scale=1, elem_id="ask", min_width=80)
                with gr.Row():
                    generator = gr.Dropdown(
                        gens, value=gens[0], label="生成方式", interactive=len(gens) > 1, scale=2, elem_id="generator"
                    )
                    clear = gr.Button("新对话", scale=1, elem_id="clear", min_width=80)
                gr.Markdown("**示例问题**（点击即问）")
                with gr.Row(elem_id="examples"):
                    example_buttons = [gr.Button(q, size="sm", elem_classes=["example"]) for q in examples]
                with gr.Accordion("对上一个回答的评价", open=True, elem_id="feedback"):
                    with gr.Row():
                        up = gr.Button("👍 有帮助", elem_id="thumb-up", min_width=80, scale=1)
                        down = gr.Button("👎 没帮助", elem_id="thumb-down", min_width=80, scale=1)
                        comment = gr.Textbox(
                            placeholder="意见（可选，请勿填写个人信息）",
                            show_label=False,
                            scale=4,
                            elem_id="comment",
                            max_length=1000,
                        )
                    fb_status = gr.Markdown("", elem_id="feedback-status")
            web_match.build_tab(gr, app, user_message)
            # 职责查询
            with gr.Tab("职责查询", id=TAB_DUTIES, elem_id="tab-duties"):
                with gr.Row():
                    unit = gr.Textbox(
                        label="部门", placeholder="如：发改委、人社厅、市场监管局", elem_id="unit", scale=2
                    )
                    task = gr.Textbox(label="任务关键词", placeholder="如：数据库 应急", elem_id="task", scale=2)
                    role = gr.Radio(ROLE_CHOICES, value="全部", label="角色", elem_id="role", scale=2)
                    duty_doc = gr.Dropdown([ALL_DOCS], value=ALL_DOCS, label="文件", elem_id="duty-doc", scale=2)
                lookup = gr.Button("查询", variant="primary", elem_id="lookup")
                duty_summary = gr.Markdown("", elem_id="duty-summary")
                duty_table = gr.Dataframe(
                    headers=views.DUTY_PAGE_HEADERS,
                    datatype=["str", "markdown", "str", "str", "str", "str", "str"],
                    value=[],
                    interactive=False,
                    wrap=True,
                    show_search="filter",
                    elem_id="duty-table",
                    max_height=600,
                    column_widths=["16%", "9%", "25%", "15%", "15%", "13%", "7%"],
                )
                with gr.Row():
                    csv_btn = gr.DownloadButton("导出 CSV", interactive=False, elem_id="export-csv", size="sm")
                    xlsx_btn = gr.DownloadButton("导出 XLSX", interactive=False, elem_id="export-xlsx", size="sm")
            # 政策文库
            with gr.Tab("政策文库", id=TAB_LIBRARY, elem_id="tab-library"):
                lib_doc = gr.Dropdown([], label="文件", elem_id="lib-doc")
                lib_tree = gr.HTML("", elem_id="library", js_on_load=JS_LIBRARY, padding=True)
                with gr.Accordion("全部文件", open=False):
                    doc_table = gr.Dataframe(
                        headers=views.DOC_HEADERS, value=[], interactive=False, wrap=True, elem_id="doc-table"
                    )
                with gr.Accordion("版本记录", open=False):
                    lib_history = gr.Dataframe(
                        headers=views.HISTORY_HEADERS, value=[], interactive=False, wrap=True, elem_id="lib-history"
                    )
                with gr.Accordion("管理文库（工作人员）", open=False, elem_id="lib-admin"):
                    if not app.settings.staff_token:
                        gr.Markdown(f"{STAFF_CLOSED}。")
                    lib_token = gr.Textbox(label="工作人员口令", type="password", elem_id="lib-token")
                    lib_files = gr.File(
                        label="上传文件（txt、md、html、docx、pdf）",
                        file_count="multiple",
                        file_types=[".txt", ".md", ".html", ".htm", ".docx", ".pdf"],
                        elem_id="lib-files",
                    )
                    with gr.Row():
                        lib_add = gr.Button("新增到文库", variant="primary", elem_id="lib-add")
                        lib_update = gr.Button("作为所选文件的新版本", elem_id="lib-update")
                    with gr.Row():
                        lib_status = gr.Dropdown(
                            [("现行有效", "in_force"), ("已被替代", "superseded"), ("已废止", "expired")],
                            value="expired",
                            label="状态",
                            elem_id="lib-status",
                        )
                        lib_date = gr.Textbox(label="生效日期（YYYY-MM-DD，可留空）", elem_id="lib-status-date")
                        lib_set_status = gr.Button("设置所选文件的状态", elem_id="lib-set-status")
                        lib_remove = gr.Button("移除所选文件", variant="stop", elem_id="lib-remove")
                    lib_msg = gr.Markdown("", elem_id="lib-msg")
            # 问答记录
            with gr.Tab("问答记录（工作人员）", id=TAB_LOG, elem_id="tab-log") as log_tab:
                with gr.Row():
                    token = gr.Textbox(
                        label="工作人员口令",
                        type="password",
                        visible=bool(app.settings.staff_token),
                        elem_id="staff-token",
                        scale=3,
                    )
                    refresh = gr.Button("刷新", elem_id="refresh-log", scale=1)
                log_stats = gr.Markdown("", elem_id="log-stats")
                gr.Markdown("#### 最近的问题")
                log_table = gr.Dataframe(
                    headers=views.LOG_HEADERS,
                    value=[],
                    interactive=False,
                    wrap=True,
                    elem_id="log-table",
                    show_search="filter",
                    max_height=500,
                    column_widths=["5%", "12%", "20%", "5%", "12%", "5%", "6%", "17%", "10%", "5%", "5%"],
                )
                log_detail = gr.HTML("", elem_id="log-detail", padding=True)
                with gr.Row():
                    with gr.Column():
                        gr.Markdown("#### 热门主题")
                        topics = gr.Dataframe(
                            headers=views.TOPIC_HEADERS, value=[], interactive=False, wrap=True, elem_id="topics"
                        )
                    with gr.Column():
                        gr.Markdown("#### 文件未能回答的问题")
                        unanswered = gr.Dataframe(
                            headers=views.UNANSWERED_HEADERS,
                            value=[],
                            interactive=False,
                            wrap=True,
                            elem_id="unanswered",
                        )
                web_match.build_pushes(gr, app, token, refresh, log_tab, user_message)

        chat_outputs = [chat, live, parts, history, last_qid, question, fb_status]
        # the turn shows its own progress (the pending bubble); gradio's overlay on these outputs
        # would lie over the empty live area and the question row and take the next click
        quiet = {"show_progress": "hidden"}
        question.submit(on_ask, [question, parts, history, generator], chat_outputs, **quiet)
        ask.click(on_ask, [question, parts, history, generator], chat_outputs, **quiet)
        for b in example_buttons:
            b.click(fill_example, b, question, queue=False).then(
                on_ask, [question, parts, history, generator], chat_outputs, **quiet
            )
        # Quick handlers answer at once, outside the queue: a queued event that ends just as the
        # next one joins can close the page's event stream under it (the next answer never came)
        direct = {"queue": False}
        clear.click(on_clear, None, chat_outputs, **quiet, **direct)
        up.click(on_thumb_up, [comment, last_qid], [comment, fb_status], **direct)
        down.click(on_thumb_down, [comment, last_qid], [comment, fb_status], **direct)
        chat.click(on_view_clause, None, [tabs, lib_doc, lib_tree, status], **direct)

        duty_inputs = [unit, task, role, duty_doc]
        duty_outputs = [duty_table, duty_summary, csv_btn, xlsx_btn]
        duty_table.select(on_duty_row, None, [tabs, lib_doc, lib_tree, status], **direct)
        lookup.click(on_duties, duty_inputs, duty_outputs, **direct)
        unit.submit(on_duties, duty_inputs, duty_outputs, **direct)
        task.submit(on_duties, duty_inputs, duty_outputs, **direct)
        role.change(on_duties, duty_inputs, duty_outputs, **direct)

        lib_doc.input(on_doc, lib_doc, lib_tree, **direct).then(on_doc_history, lib_doc, lib_history, **direct)
        lib_outputs = [lib_msg, lib_doc, lib_tree, doc_table, lib_history, status]
        lib_add.click(on_lib_add, [lib_token, lib_files], lib_outputs)
        lib_update.click(on_lib_update, [lib_token, lib_doc, lib_files], lib_outputs)
        lib_set_status.click(on_lib_status, [lib_token, lib_doc, lib_status, lib_date], lib_outputs)
        lib_remove.click(on_lib_remove, [lib_token, lib_doc], lib_outputs)

        log_table.select(on_log_row, token, log_detail, **direct)
        refresh.click(on_log, token, [log_stats, log_table, topics, unanswered], **direct)
        token.submit(on_log, token, [log_stats, log_table, topics, unanswered], **direct)
        log_tab.select(on_log, token, [log_stats, log_table, topics, unanswered], **direct)

        def on_load_all(request: gr.Request):
            tabs_u, lib_u, tree, st = on_load(request)
            try:
                counts = app.clause_counts()
                docs = views.doc_rows(app.index.corpus.documents, counts)
                duty_docs = gr.Dropdown(
                    choices=[ALL_DOCS, *[(views.doc_label(d), d.id) for d in app.index.corpus.documents]]
                )
            except Exception:
                docs, duty_docs = [], gr.Dropdown()
            return tabs_u, lib_u, tree, st, docs, duty_docs

        blocks.load(on_load_all, None, [tabs, lib_doc, lib_tree, status, doc_table, duty_doc], **direct).then(
            on_duties, duty_inputs, duty_outputs, **direct
        )
    blocks.queue(default_concurrency_limit=8)
    return blocks
