"""The web app's state: :class:`PolicyApp` (settings, the lazily loaded index, the question log),
shared by the page (:mod:`qa.app.page`) and the JSON API (:mod:`qa.app.api`), and the message an
error shows (:func:`user_message`).
"""

import importlib.util
import logging
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from qa.app import views
from qa.app.guard import STAFF_CLOSED, staff_ok
from qa.app.qlog import QuestionLog
from qa.app.slots import ANSWER_SLOTS, Slots
from qa.errors import AccessDenied, InputError, PolicyQAError
from qa.settings import Settings

log = logging.getLogger("policyqa.ui")

#: How often (seconds) a request checks whether the library changed on disk.
RELOAD_CHECK_S = 1.0
#: How long a change made through the web waits for another change before it answers 409.
WEB_LOCK_WAIT_S = 5.0
INTERNAL_ERROR = "系统出现内部错误，请稍后再试；问题已记录在服务器日志中。"


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
        from qa.llm.generate import answer_with

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
