"""Saved profiles (subscriptions) and their feeds, in SQLite: 政策推送.

A citizen saves the words and fields they typed, nothing else, under an unguessable id they
keep.  When a document is added or updated, its new clauses that match a saved profile land in
that profile's feed, and the document's push count (how many profiles it reached) is kept for
staff, who see counts only.  Deleting a subscription deletes its feed with it.
"""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

from qa.errors import InputError
from qa.match.profile import checked_fields, read_profile
from qa.match.rank import match
from qa.search.index import Index
from qa.settings import Settings

ID_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
FEED_DEPTH = 10  # a new clause reaches a profile when it is among the profile's first matches
MAX_FEED = 200  # items kept per subscription, newest first

_SCHEMA = """
CREATE TABLE IF NOT EXISTS subscriptions (
    id TEXT PRIMARY KEY, profile TEXT NOT NULL, fields TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS feed (
    sub_id TEXT NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
    doc_id TEXT NOT NULL, version INTEGER NOT NULL, clause_id TEXT NOT NULL, record TEXT NOT NULL,
    added_at TEXT NOT NULL, PRIMARY KEY (sub_id, clause_id, version));
CREATE TABLE IF NOT EXISTS pushes (
    doc_id TEXT NOT NULL, version INTEGER NOT NULL, title TEXT NOT NULL, reached INTEGER NOT NULL,
    clauses INTEGER NOT NULL, at TEXT NOT NULL, PRIMARY KEY (doc_id, version));
"""


def db_path(settings: Settings) -> Path:
    """The subscriptions' database, beside the question log (``policyqa-subscriptions.db``)."""
    log = Path(settings.log_db)
    return log.with_name(f"{log.stem}-subscriptions.db")


def _connect(settings: Settings) -> sqlite3.Connection:
    path = db_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=10)
    con.execute("PRAGMA foreign_keys = ON")
    con.executescript(_SCHEMA)
    return con


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def check_id(sub_id: str) -> str:
    if not isinstance(sub_id, str) or not ID_RE.match(sub_id):
        raise InputError("not a subscription id")
    return sub_id


def subscribe(settings: Settings, text: str, fields: dict | None = None) -> str:
    """Save a profile (checked as a match would read it); return its new id."""
    profile = read_profile(text, fields)  # the same checks and messages as a match
    sub_id = secrets.token_urlsafe(24)
    # what is kept is what a match reads: the text as cut and cleaned, the fields as checked
    clean = checked_fields({k: v for k, v in (fields or {}).items() if v not in (None, "", [], ())})
    with closing(_connect(settings)) as con, con:
        con.execute("INSERT INTO subscriptions VALUES (?, ?, ?, ?)",
                    (sub_id, profile.text, json.dumps(clean, ensure_ascii=False), _now()))  # fmt: skip
    return sub_id


def unsubscribe(settings: Settings, sub_id: str) -> bool:
    """Delete a subscription and its feed; False when there was none."""
    with closing(_connect(settings)) as con, con:
        gone = con.execute("DELETE FROM subscriptions WHERE id = ?", (check_id(sub_id),)).rowcount
    return bool(gone)


def subscription(settings: Settings, sub_id: str) -> dict:
    """A saved profile and its feed, newest first."""
    with closing(_connect(settings)) as con:
        row = con.execute("SELECT profile, fields, created_at FROM subscriptions WHERE id = ?",
                          (check_id(sub_id),)).fetchone()  # fmt: skip
        if row is None:
            raise InputError("no such subscription (it may have been deleted)")
        items = con.execute(
            "SELECT record, added_at FROM feed WHERE sub_id = ? ORDER BY added_at DESC, rowid DESC LIMIT ?",
            (sub_id, MAX_FEED),
        ).fetchall()
    return {
        "id": sub_id,
        "profile": row[0],
        "fields": json.loads(row[1]),
        "created_at": row[2],
        "feed": [{**json.loads(r), "added_at": at} for r, at in items],
    }


def any_saved(settings: Settings) -> bool:
    """Are there saved profiles (without creating the database when there is none)?"""
    if not db_path(settings).is_file():
        return False
    with closing(_connect(settings)) as con:
        return con.execute("SELECT 1 FROM subscriptions LIMIT 1").fetchone() is not None


def push(settings: Settings, index: Index, new_clauses: dict[str, set[str]]) -> dict[str, int]:
    """Put the new clauses of changed documents (doc id → clause ids) into the feeds of the saved
    profiles they match, and record per document how many profiles it reached."""
    from qa.match import match_json

    if not new_clauses:
        return {}
    docs = index.corpus.doc_by_id
    reached = dict.fromkeys(new_clauses, 0)
    with closing(_connect(settings)) as con, con:
        subs = con.execute("SELECT id, profile, fields FROM subscriptions").fetchall()
        for sub_id, text, fields in subs:
            try:
                result = match(index, text, json.loads(fields), k=FEED_DEPTH)
            except InputError:
                continue
            hit_docs = set()
            for m in result.matches:
                if m.clause.id in new_clauses.get(m.clause.doc_id, ()):
                    con.execute("INSERT OR IGNORE INTO feed VALUES (?, ?, ?, ?, ?, ?)",
                                (sub_id, m.clause.doc_id, m.doc.version, m.clause.id,
                                 json.dumps(match_json(m), ensure_ascii=False), _now()))  # fmt: skip
                    hit_docs.add(m.clause.doc_id)
            for d in hit_docs:
                reached[d] += 1
        for d, n in reached.items():
            doc = docs[d]
            con.execute("INSERT OR REPLACE INTO pushes VALUES (?, ?, ?, ?, ?, ?)",
                        (d, doc.version, doc.name, n, len(new_clauses[d]), _now()))  # fmt: skip
    return reached


def push_counts(settings: Settings, limit: int = 100) -> list[dict]:
    """Staff's view: for each added or updated document, how many saved profiles it reached."""
    with closing(_connect(settings)) as con:
        rows = con.execute("SELECT doc_id, version, title, reached, clauses, at FROM pushes ORDER BY at DESC LIMIT ?",
                           (limit,)).fetchall()  # fmt: skip
        total = con.execute("SELECT COUNT(*) FROM subscriptions").fetchone()[0]
    keys = ("doc_id", "version", "title", "reached", "new_clauses", "at")
    return [{**dict(zip(keys, r, strict=True)), "subscriptions": total} for r in rows]
