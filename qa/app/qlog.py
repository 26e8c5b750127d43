"""The question log: every question, its answer and the feedback on it, in SQLite.

One file (``settings.log_db``), WAL journal, one writer: every write in this process goes
through one connection under one lock, and other processes wait on SQLite's busy timeout,
so concurrent use loses no entries.  Readers open their own short-lived connections (WAL
lets them read while the writer writes).

Nothing is stored beyond what the user typed and what the system answered: no IP address,
no user agent, no session or user id.

>>> import tempfile, pathlib
>>> log = QuestionLog(pathlib.Path(tempfile.mkdtemp()) / "log.db")
>>> qid = log.record("宁波5G基站建设目标？", "到2025年，累计建设5G基站超过4万个。[1]", citations=[{"n": 1, "clause_id": "c1"}])
>>> log.add_feedback(qid, 1, "有用")
>>> [(e.question, e.rating, e.comment) for e in log.recent()]
[('宁波5G基站建设目标？', 1, '有用')]
>>> log.integrity_check()
'ok'
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sqlite3
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from qa.errors import AccessDenied, InputError
from qa.normalize import no_surrogates

SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    ts             TEXT    NOT NULL,
    question       TEXT    NOT NULL,
    rewritten      TEXT    NOT NULL DEFAULT '',
    answer         TEXT    NOT NULL DEFAULT '',
    refused        INTEGER NOT NULL DEFAULT 0,
    citations_json TEXT    NOT NULL DEFAULT '[]',
    latency_ms     REAL    NOT NULL DEFAULT 0,
    generator      TEXT    NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS feedback (
    question_id INTEGER NOT NULL REFERENCES questions(id),
    ts          TEXT    NOT NULL,
    rating      INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    comment     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS feedback_question ON feedback(question_id);
CREATE TABLE IF NOT EXISTS meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS questions_refused ON questions(refused);
"""
MAX_TEXT = 4000  # characters kept of a question, answer or comment
MAX_COMMENT = 1000
#: SQLite's largest integer: a larger question id cannot exist (and would overflow the driver).
MAX_ID = 2**63 - 1
_RATINGS = {1: 1, -1: -1, "up": 1, "down": -1, "👍": 1, "👎": -1}


def _text(s: str, limit: int = MAX_TEXT) -> str:
    """Cut to ``limit`` characters; lone surrogates (from JSON ``\\ud800``) become ``?`` so SQLite
    can store the text.

    >>> _text("宁波\\ud8005G")
    '宁波?5G'
    """
    return no_surrogates(s[:limit])


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + f".{int(time.time() * 1000) % 1000:03d}Z"


@dataclass(frozen=True)
class LogEntry:
    """One logged question with its latest feedback (rating 0 = none)."""

    id: int
    ts: str
    question: str
    rewritten: str
    answer: str
    refused: bool
    citations: list = field(default_factory=list)
    latency_ms: float = 0.0
    generator: str = ""
    rating: int = 0
    comment: str = ""


@dataclass(frozen=True)
class Topic:
    """A frequent term of the questions: how many questions use it and one of them."""

    term: str
    count: int
    example: str


@dataclass(frozen=True)
class Unanswered:
    """A question the documents could not answer, with how often it was asked."""

    question: str
    count: int
    last_ts: str


def parse_rating(rating: object) -> int:
    """``1``/``"up"``/``"👍"`` → 1, ``-1``/``"down"``/``"👎"`` → -1; anything else is an InputError.

    >>> parse_rating("👎")
    -1
    """
    try:
        return _RATINGS[rating]  # type: ignore[index]
    except (KeyError, TypeError):
        raise InputError(f"rating must be 1 (👍) or -1 (👎), not {rating!r}") from None


class QuestionLog:
    """The SQLite question log at ``path`` (created on first use)."""

    def __init__(self, path: str | Path, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, timeout=timeout, check_same_thread=False, isolation_level=None)
        self._conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":  # e.g. a file system without shared memory
            raise InputError(f"the question log {self.path} cannot use WAL journaling (got {mode})")
        self._conn.execute("PRAGMA synchronous = NORMAL")
        self._conn.execute("PRAGMA foreign_keys = ON")
        with self._lock:
            self._conn.executescript(SCHEMA)
            # the key that signs each answer's feedback key: made once, kept with the log
            self._conn.execute("INSERT OR IGNORE INTO meta VALUES ('feedback_secret', ?)", (secrets.token_hex(32),))
            row = self._conn.execute("SELECT value FROM meta WHERE name = 'feedback_secret'").fetchone()
        self._secret = bytes.fromhex(row[0])

    # --- writing (one writer) ---------------------------------------------------------------

    def _write(self, sql: str, params: tuple) -> int:
        with self._lock:
            cur = self._conn.execute("BEGIN IMMEDIATE")
            try:
                cur = self._conn.execute(sql, params)
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            return int(cur.lastrowid or 0)

    def record(
        self,
        question: str,
        answer: str,
        *,
        rewritten: str = "",
        refused: bool = False,
        citations: list[dict] | None = None,
        latency_ms: float = 0.0,
        generator: str = "",
    ) -> int:
        """Store one question and its answer; return the question id."""
        cites = json.dumps(citations or [], ensure_ascii=False)
        return self._write(
            "INSERT INTO questions (ts, question, rewritten, answer, refused, citations_json, latency_ms, generator)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                _now(),
                _text(question),
                _text(rewritten),
                _text(answer),
                int(bool(refused)),
                cites,
                float(latency_ms),
                _text(generator),
            ),
        )

    def record_answer(self, question: str, ans) -> int:
        """Store a :class:`qa.schema.Answer` for the question as the user typed it."""
        cites = [
            {"n": c.n, "doc_id": c.clause.doc_id, "clause_id": c.clause.id, "path": c.clause.path}
            for c in ans.citations
        ]
        return self.record(
            question,
            ans.text,
            rewritten=ans.rewritten,
            refused=ans.refused,
            citations=cites,
            latency_ms=ans.latency_ms,
            generator=ans.generator,
        )

    def feedback_key(self, question_id: int) -> str:
        """The key that lets whoever received answer ``question_id`` rate it, and nobody else.

        >>> import tempfile, pathlib
        >>> log = QuestionLog(pathlib.Path(tempfile.mkdtemp()) / "log.db")
        >>> len(log.feedback_key(1)), log.feedback_key(1) == log.feedback_key(2)
        (32, False)
        """
        return hmac.new(self._secret, str(question_id).encode(), hashlib.sha256).hexdigest()[:32]

    def check_feedback_key(self, question_id: object, key: object) -> None:
        """Raise :class:`AccessDenied` unless ``key`` is the feedback key of ``question_id``."""
        if not isinstance(key, str) or not hmac.compare_digest(key.encode(), self.feedback_key(question_id).encode()):
            raise AccessDenied("这个评价口令与回答不符：只能评价您自己收到的回答（feedback_key does not match log_id）")

    def add_feedback(self, question_id: int, rating: object, comment: str = "") -> None:
        """👍 (1) or 👎 (-1) with an optional comment on a logged question."""
        value = parse_rating(rating)
        try:
            qid = int(question_id)
        except (TypeError, ValueError):
            raise InputError(f"unknown question id {question_id!r}") from None
        if not 0 < qid <= MAX_ID:
            raise InputError(f"unknown question id {question_id!r}")
        comment = _text((comment or "").strip(), MAX_COMMENT)
        try:
            self._write(
                "INSERT INTO feedback (question_id, ts, rating, comment) VALUES (?, ?, ?, ?)",
                (qid, _now(), value, comment),
            )
        except sqlite3.IntegrityError:
            raise InputError(f"unknown question id {question_id!r}") from None

    # --- reading ----------------------------------------------------------------------------

    def _read(self, sql: str, params: tuple = ()) -> list[tuple]:
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=self.timeout)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    _ENTRY_SQL = """
        SELECT q.id, q.ts, q.question, q.rewritten, q.answer, q.refused, q.citations_json, q.latency_ms,
               q.generator, COALESCE(f.rating, 0), COALESCE(f.comment, '')
        FROM questions q
        LEFT JOIN feedback f ON f.rowid = (SELECT MAX(rowid) FROM feedback WHERE question_id = q.id)
    """

    @staticmethod
    def _entry(row: tuple) -> LogEntry:
        return LogEntry(
            row[0], row[1], row[2], row[3], row[4], bool(row[5]), json.loads(row[6]), row[7], row[8], row[9], row[10]
        )

    def get(self, question_id: int) -> LogEntry:
        rows = self._read(self._ENTRY_SQL + " WHERE q.id = ?", (int(question_id),))
        if not rows:
            raise InputError(f"unknown question id {question_id!r}")
        return self._entry(rows[0])

    def recent(self, limit: int = 50) -> list[LogEntry]:
        """The latest questions, newest first, each with its latest feedback."""
        return [self._entry(r) for r in self._read(self._ENTRY_SQL + " ORDER BY q.id DESC LIMIT ?", (int(limit),))]

    def count(self) -> int:
        return int(self._read("SELECT COUNT(*) FROM questions")[0][0])

    def feedback_count(self) -> int:
        return int(self._read("SELECT COUNT(*) FROM feedback")[0][0])

    def frequent_topics(self, limit: int = 20, window: int = 5000) -> list[Topic]:
        """Terms used by the most questions (of the latest ``window``), via the BM25 tokenizer.

        A follow-up counts with its rewritten, standalone form.  Single characters, numbers and
        the parts of a longer word of the same question are skipped.
        """
        from qa.search.tokens import tokenize  # lazy: loads jieba

        counts: Counter[str] = Counter()
        example: dict[str, str] = {}
        rows = self._read("SELECT question, rewritten FROM questions ORDER BY id DESC LIMIT ?", (int(window),))
        for question, rewritten in rows:
            text = rewritten or question
            terms = [t for t in dict.fromkeys(tokenize(text)) if len(t) >= 2 and not t.isdigit()]
            # jieba's search mode also yields the parts of a long word (个人, 所得税 of 个人所得税): keep the whole
            for term in (t for t in terms if not any(t != u and t in u for u in terms)):
                counts[term] += 1
                example.setdefault(term, question)
        return [Topic(t, n, example[t]) for t, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))[:limit]]

    def unanswered(self, limit: int = 50) -> list[Unanswered]:
        """Refused questions, grouped by their text (standalone form), most asked first."""
        rows = self._read(
            """SELECT CASE WHEN rewritten != '' THEN rewritten ELSE question END AS q, COUNT(*), MAX(ts)
               FROM questions WHERE refused = 1 GROUP BY q ORDER BY COUNT(*) DESC, MAX(ts) DESC LIMIT ?""",
            (int(limit),),
        )
        return [Unanswered(q, n, ts) for q, n, ts in rows]

    def stats(self) -> dict:
        """Totals for the staff view."""
        total, refused, avg_ms = self._read(
            "SELECT COUNT(*), COALESCE(SUM(refused), 0), AVG(latency_ms) FROM questions"
        )[0]
        # one rating an answer: the latest (rating an answer again changes its rating, as the
        # recent list shows it; it does not add a vote)
        up, down = self._read(
            """SELECT COALESCE(SUM(rating = 1), 0), COALESCE(SUM(rating = -1), 0) FROM feedback f
               WHERE f.rowid = (SELECT MAX(rowid) FROM feedback WHERE question_id = f.question_id)"""
        )[0]
        return {
            "questions": int(total),
            "refused": int(refused),
            "avg_latency_ms": round(float(avg_ms or 0.0), 1),
            "thumbs_up": int(up),
            "thumbs_down": int(down),
        }

    def integrity_check(self) -> str:
        """SQLite's own check of the file: ``'ok'`` when sound."""
        with self._lock:
            return str(self._conn.execute("PRAGMA integrity_check").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()
