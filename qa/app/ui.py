"""The web app: a gradio page (问答 / 职责查询 / 政策文库 / 问答记录) on a FastAPI app with a JSON API.

``create_app(settings)`` returns the FastAPI app (index loaded lazily, on first use);
``serve(settings, host, port)`` runs it with uvicorn and blocks.  Routes:

* ``/`` — the page; ``/?clause=<id>`` opens the library at a clause, ``/?doc=<id>`` at a document;
* ``POST /api/ask`` — the answer record of DESIGN.md (plus ``log_id`` for feedback);
* ``POST /api/feedback``, ``GET /api/duties``, ``GET /api/docs``, ``GET /api/clauses/{id}``,
  ``GET /api/health``;
* ``/docs`` — the API described from its OpenAPI schema (served offline), ``/openapi.json``.

Rendering lives in :mod:`qa.app.views` (pure, escaped); this module only wires state and events.
Every handler turns errors into a message in the page: a :class:`~qa.errors.PolicyQAError`
shows its own text, anything else a generic message (the traceback goes to the server log).
"""

import contextlib
import dataclasses
import importlib.util
import logging
import queue
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from qa.app import views, web_match
from qa.app.examples import example_questions
from qa.app.guard import MAX_UPLOAD_BYTES, STAFF_CLOSED, Guard, staff_ok
from qa.app.qlog import MAX_ID, QuestionLog
from qa.app.slots import ANSWER_SLOTS, Slots
from qa.app.views import one_choice
from qa.app.web_match import TAB_MATCH
from qa.errors import AccessDenied, Busy, InputError, PolicyQAError
from qa.search.retrieve import MAX_QUESTION_CHARS
from qa.settings import Settings

log = logging.getLogger("policyqa.ui")

TAB_CHAT, TAB_DUTIES, TAB_LIBRARY, TAB_LOG = "chat", "duties", "library", "log"
ROLE_CHOICES = ["全部", "牵头单位", "责任单位", "协同单位"]
_ROLE_OF_LABEL = {"牵头单位": "lead", "责任单位": "responsible", "协同单位": "cooperating"}
ALL_DOCS = "全部文件"
STREAM_CHUNKS = 8  # an extractive answer is revealed in about this many steps
STREAM_DELAY = 0.01  # seconds between steps
#: How often (seconds) a request checks whether the library changed on disk.
RELOAD_CHECK_S = 1.0
#: How long a change made through the web waits for another change before it answers 409.
WEB_LOCK_WAIT_S = 5.0
INTERNAL_ERROR = "系统出现内部错误，请稍后再试；问题已记录在服务器日志中。"

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


def available_generators() -> list[str]:
    """Generators this installation can run: extractive always, the local LLM with its extra.

    >>> available_generators()[0]
    'extractive'
    """
    out = ["extractive"]
    if importlib.util.find_spec("llama_cpp") is not None:
        out.append("llm")
    return out


def user_message(exc: BaseException) -> str:
    """What the page shows for an error: our own errors say what is wrong, others do not leak.

    >>> user_message(InputError("please type a question")), user_message(KeyError("x"))[:6]
    ('please type a question', '系统出现内部')
    """
    if isinstance(exc, PolicyQAError):
        return str(exc)
    log.error("page error", exc_info=exc)  # the message says it is in the server's log
    return INTERNAL_ERROR


class PolicyApp:
    """What the page and the API share: settings, the lazily loaded index, the question log."""

    def __init__(self, settings: Settings, index=None) -> None:
        self.settings = settings
        self._index = index
        self._log: QuestionLog | None = None
        self._load_lock = threading.Lock()
        # settings.answer_lock "parts": up to ANSWER_SLOTS answers run at once in the server's
        # threads; the parts that are not thread-safe hold their own locks (the encoder's C model,
        # jieba's tokenizer, a local LLM, Milvus Lite), and 政策找人 matching (jionlp, not checked)
        # runs one at a time.  "global": one answer or match at a time, under one lock (as before).
        if settings.answer_lock == "global":
            self._answer_lock = self._match_lock = threading.Lock()
        else:
            self._answer_lock, self._match_lock = Slots(ANSWER_SLOTS), threading.Lock()
        self.export_dir = Path(tempfile.mkdtemp(prefix="policyqa-export-"))
        self.started = time.time()
        self._checked = time.monotonic()

    @property
    def index(self):
        if self._index is None:
            with self._load_lock:
                if self._index is None:
                    from qa.search.index import load_index

                    self._index = load_index(self.settings)
        elif time.monotonic() - self._checked > RELOAD_CHECK_S:
            self._checked = time.monotonic()
            self._reload_if_changed()
        return self._index

    def _reload_if_changed(self) -> None:
        """Pick up a generation written by ``policyqa add/update/remove`` (or another server).

        Requests keep using the loaded index until the new one is fully loaded; the encoder
        (the slow part) is shared.  A failed load keeps the old index and is logged.
        """
        current = self._index
        target = self.settings.index_dir
        if current is None or current.settings.index_dir != target or not target.is_symlink():
            return
        try:
            if target.resolve() == current.dir:
                return
        except OSError:
            return
        with self._load_lock:
            if self._index is not current:
                return
            from qa.search.index import load_index

            try:
                self._index = load_index(self.settings, encoder=current._encoder)
                log.info("library changed: loaded %s", self._index.generation)
            except Exception:
                log.exception("could not load the changed library; still serving %s", current.generation)

    def require_staff(self, token: str | None) -> None:
        """Raise unless ``token`` is the configured staff token (and one is configured)."""
        if not self.settings.staff_token:
            raise AccessDenied(STAFF_CLOSED)
        if not staff_ok(self.settings, token):
            raise AccessDenied("工作人员口令不正确")

    def change_library(self, token: str | None, change: Callable[[Settings], object]):
        """Run one library change for staff and load the result at once.

        Needs the staff token, and a configured one: with no token set, nobody can change the
        library through the web (the CLI still can).
        """
        self.require_staff(token)
        result = change(self.settings.with_(lock_wait_s=WEB_LOCK_WAIT_S))
        self._checked = 0.0
        _ = self.index
        return result

    @property
    def log(self) -> QuestionLog:
        if self._log is None:
            with self._load_lock:
                if self._log is None:
                    self._log = QuestionLog(self.settings.log_db)
        return self._log

    def warm_up(self) -> None:
        """Load the index, the encoder and jieba now (not on the first user's question)."""
        try:
            from qa.answer import answer

            with self._answer_lock:
                answer("数字政府建设的目标是什么？", self.index, self.settings)
            _ = self.log
        except Exception:  # the page will show the error when it is used
            log.exception("warm-up failed")

    def ask(
        self,
        question: str,
        history: list[str] | None = None,
        generator: str | None = None,
        filters=None,
        on_token: Callable[[str], None] | None = None,
    ):
        """Answer and log one question; returns ``(answer, log id)``.  ``on_token`` receives the
        streamed text of an LLM generator (the final answer is the verified one)."""
        from qa.generate import answer_with

        settings = self.settings
        if generator:
            if generator not in available_generators():
                raise InputError(
                    f"generator {generator!r} is not available here; choose one of {available_generators()}"
                )
            settings = settings.with_(generator=generator)
        index = self.index
        with self._answer_lock:
            ans = answer_with(question, index, settings, history=history or None, filters=filters, on_token=on_token)
        qid = self.log.record_answer(question.strip(), ans)
        return ans, qid

    def match(self, text: str, fields: dict | None = None, k: int = 10, in_force_only: bool = False) -> dict:
        """政策找人: the match record for a profile (see :func:`qa.match.to_record`)."""
        from qa.match import match, to_record

        index = self.index
        with self._match_lock:
            return to_record(match(index, text, fields, k=k, in_force_only=in_force_only))

    def close(self) -> None:
        """Remove this server's export folder (called when the server shuts down)."""
        import shutil

        shutil.rmtree(self.export_dir, ignore_errors=True)

    def new_export_dir(self, keep: int = 64) -> Path:
        """A fresh folder for one lookup's CSV/XLSX files; the oldest beyond ``keep`` are removed."""
        import shutil

        self.export_dir.mkdir(parents=True, exist_ok=True)
        old = sorted((p for p in self.export_dir.iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime)
        for p in old[: max(0, len(old) - keep + 1)]:
            shutil.rmtree(p, ignore_errors=True)
        return Path(tempfile.mkdtemp(dir=self.export_dir))

    @property
    def docs(self) -> dict:
        return self.index.corpus.doc_by_id

    def clause_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for c in self.index.corpus.clauses:
            counts[c.doc_id] = counts.get(c.doc_id, 0) + 1
        return counts

    def duty_rows(self, unit: str = "", task: str = "", role: str = "", doc_id: str = "") -> list:
        from qa.duties import duty_table

        if len(unit) > 100 or len(task) > 200:
            raise InputError("the department or task words are too long")
        clauses = self.index.corpus.clauses
        if doc_id:
            clauses = self.index.corpus.clauses_of(self.index.corpus.document(doc_id).id)
        rows = duty_table(clauses, unit=unit.strip(), task=task.strip())
        if role:
            # with a unit: that unit's role; without: clauses that name any unit in the role
            rows = [r for r in rows if (r.role == role if unit.strip() else getattr(r, role))]
        return rows

    def library(self, doc_id: str, focus: str | None = None) -> str:
        corpus = self.index.corpus
        doc = corpus.document(doc_id)
        return views.library_html(doc, corpus.clauses_of(doc.id), focus)

    def clause(self, clause_id: str):
        c = self.index.corpus.clause_by_id.get(clause_id)
        if c is None:
            raise InputError(f"unknown clause id {clause_id!r}")
        return c


# --- the page ---------------------------------------------------------------------------------


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


# --- the JSON API -----------------------------------------------------------------------------


class AskRequest(BaseModel):
    question: str = Field(
        ...,
        description="The question, Simplified or Traditional Chinese",
        max_length=2000,
        examples=["数字政府建设到2025年的目标是什么？"],
    )
    history: list[str] = Field(
        default_factory=list,
        description="Earlier questions of the conversation, oldest first "
        "(a follow-up such as 那南昌呢？ is rewritten with them)",
        max_length=20,
    )
    id: str = Field("", description="Caller's id for the question, echoed back in the record", max_length=100)
    generator: str | None = Field(None, description="extractive (default) or llm where installed")
    docs: list[Annotated[str, Field(max_length=100)]] = Field(
        default_factory=list, max_length=50, description="Restrict to these document ids (or prefixes)"
    )
    region: str = Field("", description="Restrict to documents of this region, e.g. 江西", max_length=50)


class CitationOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    n: int
    doc_id: str
    clause_id: str
    path: str
    title_path: str
    source_file: str
    char_start: int
    char_end: int
    text: str


class RetrievedOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    doc_id: str
    clause_id: str
    source_file: str
    char_start: int
    char_end: int
    text: str
    score: float


class AskResponse(BaseModel):
    """The answer record shared by every front end (DESIGN.md), plus ``log_id`` for feedback."""

    model_config = ConfigDict(extra="allow")
    id: str
    question: str
    answer: str
    refused: bool
    citations: list[CitationOut]
    retrieved: list[RetrievedOut]
    latency_ms: float
    generator: str = "extractive"
    rewritten: str = ""
    log_id: int
    feedback_key: str = Field(description="send with log_id to /api/feedback: only who got the answer can rate it")


class FeedbackRequest(BaseModel):
    log_id: int = Field(..., description="log_id of an /api/ask answer", ge=1, le=MAX_ID)
    feedback_key: str = Field(..., description="feedback_key of that answer", max_length=64)
    rating: int = Field(..., description="1 (👍) or -1 (👎)")
    comment: str = Field("", max_length=1000)


class DutyOut(BaseModel):
    doc_id: str
    doc: str
    clause_id: str
    path: str
    task: str
    lead: list[str]
    responsible: list[str]
    cooperating: list[str]
    role: str = Field("", description="the queried unit's role: lead, responsible or cooperating")


class DutiesResponse(BaseModel):
    unit: str
    task: str
    count: int
    rows: list[DutyOut]


class StatusRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: str = Field(description="in_force, superseded or expired", pattern="^(in_force|superseded|expired)$")
    date: str = Field("", description="when it takes effect, YYYY-MM-DD (may be in the future)", max_length=10)
    superseded_by: str = Field("", description="the replacing document's id", max_length=100)


def page_uploads(files) -> list[Path]:
    """The files of a library-tab event, each checked to be one the page uploaded.

    A gradio file value names a path, and a client can send any path (``/etc/hostname``,
    ``../``): only regular files inside gradio's upload folder, within the upload bound, are
    read; anything else is refused before a byte is read.
    """
    from gradio.utils import get_upload_folder

    root = Path(get_upload_folder()).resolve()
    out = []
    for f in files:
        named = getattr(f, "name", None) or (f.get("path") if isinstance(f, dict) else f)
        try:
            path = Path(str(named)).resolve(strict=True)
        except (OSError, RuntimeError, ValueError):
            path = None
        if path is None or not path.is_relative_to(root) or not path.is_file():
            raise InputError("只能导入通过本页面上传的文件（a file must be uploaded through this page）")
        if path.stat().st_size > MAX_UPLOAD_BYTES:
            raise InputError(f"{path.name}: larger than {MAX_UPLOAD_BYTES >> 20} MB")
        out.append(path)
    return out


#: The longest file name (UTF-8 bytes) kept of an upload; file systems allow 255.
MAX_NAME_BYTES = 200


def upload_name(filename: str | None) -> str:
    """An uploaded file's base name, safe to create: no folders, no control characters (a NUL
    cannot be in a path), at most :data:`MAX_NAME_BYTES` bytes (the stem is cut, the extension kept).

    >>> upload_name("../../etc/方案.txt"), upload_name(".."), len(upload_name("长" * 300 + ".pdf").encode()) <= 200
    ('方案.txt', 'upload', True)
    >>> upload_name("a\\x00b.txt"), upload_name("\\x00\\n")
    ('ab.txt', 'upload')
    """
    kept = "".join(ch for ch in (filename or "") if ch.isprintable())
    name = Path((kept or "upload").replace("\\", "/")).name or "upload"
    if name in (".", ".."):
        name = "upload"
    stem, dot, ext = name.rpartition(".") if "." in name.lstrip(".") else (name, "", "")
    ext = (dot + ext)[:16]
    room = MAX_NAME_BYTES - len(ext.encode())
    stem = stem.encode()[:room].decode("utf-8", "ignore")
    return (stem + ext) if stem else "upload" + ext


@contextlib.contextmanager
def _uploaded(files) -> Iterator[list[Path]]:
    """Save uploaded files under their own base names in a private temporary folder, each in a
    folder of its own (two uploads of one name are two files)."""
    import shutil

    folder = Path(tempfile.mkdtemp(prefix="policyqa-upload-"))
    try:
        paths = []
        for i, f in enumerate(files):
            name = upload_name(f.filename)
            (folder / str(i)).mkdir()
            dest = folder / str(i) / name
            size = 0
            with dest.open("wb") as out:
                while chunk := f.file.read(1 << 20):
                    size += len(chunk)
                    if size > MAX_UPLOAD_BYTES:
                        raise InputError(f"{name}: larger than {MAX_UPLOAD_BYTES >> 20} MB")
                    out.write(chunk)
            paths.append(dest)
        yield paths
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _closing(app: PolicyApp):
    """The server's lifespan: when it stops, the app's export folder goes too."""

    @contextlib.asynccontextmanager
    async def lifespan(_api):
        try:
            yield
        finally:
            app.close()

    return lifespan


def create_app(settings: Settings, index=None, *, warm: bool = False):
    """The FastAPI app: JSON API under ``/api``, offline API docs at ``/docs``, the page at ``/``.

    The index is loaded on first use; ``warm=True`` loads it (and answers one question) in a
    background thread at once, while the page is being built, so the first user does not wait.
    """
    app = PolicyApp(settings, index)
    if warm:
        threading.Thread(target=app.warm_up, name="policyqa-warm-up", daemon=True).start()

    import gradio as gr
    from fastapi import FastAPI, Header, HTTPException, Query, UploadFile
    from fastapi.exceptions import RequestValidationError
    from fastapi.requests import Request
    from fastapi.responses import HTMLResponse, JSONResponse

    from qa.answer import clause_json, to_record
    from qa.search.retrieve import Filters

    api = FastAPI(
        title="PolicyQA API",
        version="0.1.0",
        description="Questions on Chinese government policy documents, answered with clause-level citations; "
        "duty lookup and the document list.  The web page is served at `/`.  Example: "
        "curl -X POST http://127.0.0.1:7860/api/ask -H 'content-type: application/json' "
        '-d \'{"question": "数字政府建设到2025年的目标是什么？"}\'',
        docs_url=None,
        redoc_url=None,
        lifespan=_closing(app),
    )
    api.state.policyqa = app
    api.add_middleware(Guard, settings=settings)
    api.include_router(web_match.router(app))

    @api.exception_handler(RequestValidationError)
    async def _invalid_request(_request: Request, exc: RequestValidationError):
        # what is wrong and where, without echoing the input (it may be 2 MB, or hold a lone
        # surrogate that no JSON encoder can write)
        errors = [{"type": e.get("type"), "loc": list(e.get("loc", ())), "msg": e.get("msg")} for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    @api.exception_handler(InputError)
    async def _input_error(_request: Request, exc: InputError):
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @api.exception_handler(AccessDenied)
    async def _denied(_request: Request, exc: AccessDenied):
        return JSONResponse({"detail": str(exc)}, status_code=403)

    @api.exception_handler(Busy)
    async def _busy(_request: Request, exc: Busy):
        return JSONResponse({"detail": str(exc)}, status_code=409)

    @api.exception_handler(PolicyQAError)
    async def _our_error(_request: Request, exc: PolicyQAError):
        return JSONResponse({"detail": str(exc)}, status_code=503)

    @api.exception_handler(Exception)
    async def _internal(_request: Request, exc: Exception):
        log.error("API error", exc_info=exc)
        return JSONResponse({"detail": "internal error"}, status_code=500)

    @api.post("/api/ask", response_model=AskResponse, tags=["questions"], summary="Answer a question with citations")
    def api_ask(req: AskRequest):
        filters = Filters(tuple(req.docs), req.region) if (req.docs or req.region) else None
        ans, qid = app.ask(req.question, req.history, req.generator, filters)
        return {**to_record(ans, req.id or f"q{qid}"), "log_id": qid, "feedback_key": app.log.feedback_key(qid)}

    @api.post("/api/feedback", tags=["questions"], summary="👍/👎 and a comment on an answer")
    def api_feedback(req: FeedbackRequest):
        app.log.check_feedback_key(req.log_id, req.feedback_key)
        app.log.add_feedback(req.log_id, req.rating, req.comment)
        return {"ok": True}

    @api.get(
        "/api/duties", response_model=DutiesResponse, tags=["duties"], summary="Who leads / is responsible for what"
    )
    def api_duties(
        unit: str = Query(
            "", description="Department, alias- and script-insensitive (人社厅 = 人力資源社會保障廳)", max_length=100
        ),
        task: str = Query("", description="Words the task must contain", max_length=200),
        role: str = Query(
            "", description="lead, responsible or cooperating", pattern="^(|lead|responsible|cooperating)$"
        ),
        doc: str = Query("", description="Only this document (id or prefix)", max_length=100),
    ):
        rows = app.duty_rows(unit, task, role, doc)
        docs = app.docs
        out = [
            {
                "doc_id": r.doc_id,
                "doc": views.doc_label(docs[r.doc_id]) if r.doc_id in docs else r.doc_id,
                "clause_id": r.clause_id,
                "path": r.path,
                "task": r.task,
                "lead": list(r.lead),
                "responsible": list(r.responsible),
                "cooperating": list(r.cooperating),
                "role": r.role,
            }
            for r in rows
        ]
        return {"unit": unit, "task": task, "count": len(out), "rows": out}

    @api.get("/api/docs", tags=["documents"], summary="The documents and their metadata")
    def api_docs():
        counts = app.clause_counts()
        return {
            "documents": [
                {**d.meta(), "short_name": views.doc_label(d), "clauses": counts.get(d.id, 0)}
                for d in app.index.corpus.documents
            ]
        }

    @api.get("/api/library", tags=["library"], summary="The library: every document's version and status")
    def api_library():
        from qa.library import library_rows

        return {"generation": app.index.generation, "documents": library_rows(app.index)}

    @api.get("/api/library/{doc_id}/history", tags=["library"], summary="A document's versions and status changes")
    def api_history(doc_id: str):
        from qa.library import versions_of

        return {"doc_id": doc_id, "events": versions_of(app.index, doc_id)}

    def changes_json(changes) -> dict:
        return {"changes": [dataclasses.asdict(c) for c in changes], "generation": app.index.generation}

    staff_header = Header("", alias="X-Staff-Token", description="the staff token (POLICYQA_STAFF_TOKEN)")

    @api.post("/api/library", tags=["library"], summary="Staff: add documents (txt, md, html, docx, pdf)")
    def api_add(files: list[UploadFile], token: str = staff_header):
        from qa.library import add_documents

        app.require_staff(token)  # before anything is written to disk
        with _uploaded(files) as paths:
            changes = app.change_library(token, lambda st: add_documents(paths, st, encoder=app.index.encoder))
        return changes_json(changes)

    @api.put("/api/library/{doc_id}", tags=["library"], summary="Staff: upload a new version of a document")
    def api_update(doc_id: str, file: list[UploadFile], token: str = staff_header):
        from qa.library import update_document

        app.require_staff(token)
        if len(file) != 1:
            raise InputError(f"a new version is one file, not {len(file)}")
        with _uploaded(file) as paths:
            change = app.change_library(
                token, lambda st: update_document(doc_id, paths[0], st, encoder=app.index.encoder)
            )
        return changes_json([change])

    @api.post(
        "/api/library/{doc_id}/status",
        tags=["library"],
        summary="Staff: mark a document in force, superseded or expired",
    )
    def api_status(doc_id: str, req: StatusRequest, token: str = staff_header):
        from qa.library import set_status

        change = app.change_library(
            token,
            lambda st: set_status(
                doc_id, req.status, st, on=req.date, superseded_by=req.superseded_by, encoder=app.index.encoder
            ),
        )
        return changes_json([change])

    @api.delete("/api/library/{doc_id}", tags=["library"], summary="Staff: take a document out of the library")
    def api_remove(doc_id: str, token: str = staff_header):
        from qa.library import remove_document

        change = app.change_library(token, lambda st: remove_document(doc_id, st, encoder=app.index.encoder))
        return changes_json([change])

    @api.get("/api/clauses/{clause_id}", tags=["documents"], summary="One clause, its duties and its page link")
    def api_clause(clause_id: str):
        c = app.index.corpus.clause_by_id.get(clause_id)
        if c is None:
            raise HTTPException(404, f"unknown clause id {clause_id!r}")
        return {
            **clause_json(c),
            "heading": c.heading,
            "duties": {
                "lead": list(c.duties.lead),
                "responsible": list(c.duties.responsible),
                "cooperating": list(c.duties.cooperating),
            },
            "children": [k.id for k in app.index.corpus.children.get(c.id, [])],
            "url": f"/?clause={c.id}",
        }

    @api.get("/api/health", tags=["service"], summary="Is the index loaded and the log writable")
    def api_health():
        try:
            idx = app.index
            body = {
                "status": "ok",
                "index": settings.index_name,
                "documents": len(idx.corpus.documents),
                "clauses": len(idx.corpus.clauses),
                "encoder": idx.manifest.get("encoder", {}).get("spec", ""),
                "generators": available_generators(),
                "questions_logged": app.log.count(),
                "uptime_s": round(time.time() - app.started, 1),
            }
            return body
        except PolicyQAError as e:
            return JSONResponse({"status": "error", "detail": str(e)}, status_code=503)

    @api.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def api_docs_page():
        return HTMLResponse(views.api_docs_html(api.openapi()))

    blocks = build_blocks(app)
    gr.mount_gradio_app(
        api,
        blocks,
        path="/",
        footer_links=[],
        css=CSS + web_match.CSS,
        theme=blocks.policyqa_theme,
        show_error=False,
        max_file_size=MAX_UPLOAD_BYTES,
        run_history=False,
        ssr_mode=False,
        mcp_server=False,
        pwa=False,
    )
    # gradio checks that a file input names an upload (not /etc/… or ../) only in an app it
    # launched itself; mounted here, it must be told it runs, or it copies any path it is sent
    blocks.has_launched = True
    _event_lookups_not_found(api)
    return api


def _event_lookups_not_found(api) -> None:
    """The page's event routes (``/gradio_api/queue/join``, ``/call/…``) look up the event a
    request names (its fn_index or api_name): one the page does not have is the request's
    error, a 404, not a 500 from the lookup's KeyError."""
    from fastapi.responses import JSONResponse
    from gradio.route_utils import FnIndexInferError
    from starlette.routing import Mount

    async def not_found(_request, _exc):
        return JSONResponse({"detail": "no such event on this page"}, status_code=404)

    page = next(r.app for r in api.routes if isinstance(r, Mount))
    for exc in (FnIndexInferError, KeyError, IndexError):
        page.add_exception_handler(exc, not_found)


class _NoQueryStrings(logging.Filter):
    """Drop the query string from uvicorn's access-log lines: a token or a question sent in a
    URL is never written to the log.

    >>> r = logging.LogRecord("uvicorn.access", 20, "", 0, '%s - "%s %s HTTP/%s" %d', ("1.2.3.4", "GET", "/api/duties?unit=x&token=s3", "1.1", 200), None)
    >>> _NoQueryStrings().filter(r), r.getMessage()
    (True, '1.2.3.4 - "GET /api/duties HTTP/1.1" 200')
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def serve(
    settings: Settings, host: str = "127.0.0.1", port: int = 7860, warm: bool = True, access_log: bool = False
) -> None:
    """Run the app with uvicorn until interrupted (what ``policyqa serve`` / ``make demo`` call).

    The access log is off unless asked for; when on, it keeps method, path (no query string),
    status and the client's address.
    """
    import uvicorn

    api = create_app(settings, warm=warm)
    if access_log:
        logging.getLogger("uvicorn.access").addFilter(_NoQueryStrings())
    uvicorn.run(api, host=host, port=port, log_level="info", access_log=access_log)
