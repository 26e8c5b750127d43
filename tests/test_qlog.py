"""The SQLite question log: round trips, staff summaries, and no lost entries under concurrency."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from qa.app.qlog import QuestionLog, parse_rating
from qa.errors import InputError


@pytest.fixture
def log(tmp_path: Path) -> QuestionLog:
    lg = QuestionLog(tmp_path / "sub" / "log.db")
    yield lg
    lg.close()


def test_schema_is_the_documented_one_and_holds_no_personal_fields(log):
    con = sqlite3.connect(log.path)
    cols = {t: [r[1] for r in con.execute(f"PRAGMA table_info({t})")] for t in ("questions", "feedback")}
    con.close()
    assert cols["questions"] == [
        "id", "ts", "question", "rewritten", "answer", "refused", "citations_json", "latency_ms", "generator",
    ]  # fmt: skip
    assert cols["feedback"] == ["question_id", "ts", "rating", "comment"]


def test_wal_journal(log):
    con = sqlite3.connect(log.path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_record_and_read_back(log):
    qid = log.record(
        "那河北呢？",
        "到2025年…[1]",
        rewritten="河北到2025年的目标是什么？",
        citations=[{"n": 1, "clause_id": "c-1", "path": "一/（二）"}],
        latency_ms=12.5,
        generator="extractive",
    )
    e = log.get(qid)
    assert (e.question, e.rewritten, e.refused, e.latency_ms, e.generator) == (
        "那河北呢？",
        "河北到2025年的目标是什么？",
        False,
        12.5,
        "extractive",
    )
    assert e.citations == [{"n": 1, "clause_id": "c-1", "path": "一/（二）"}]
    assert e.ts.endswith("Z") and e.rating == 0
    with pytest.raises(InputError):
        log.get(qid + 100)


def test_feedback_latest_wins_and_is_validated(log):
    qid = log.record("问", "答")
    log.add_feedback(qid, "up")
    log.add_feedback(qid, -1, "  其实不对  ")
    e = log.get(qid)
    assert (e.rating, e.comment) == (-1, "其实不对")
    assert log.feedback_count() == 2
    for _ in range(5):  # rating one answer again and again is one rating in the staff's totals
        log.add_feedback(qid, -1)
    assert (log.stats()["thumbs_up"], log.stats()["thumbs_down"]) == (0, 1)
    with pytest.raises(InputError):
        log.add_feedback(qid, 0)
    with pytest.raises(InputError):
        log.add_feedback(999, 1)
    with pytest.raises(InputError):
        log.add_feedback("abc", 1)
    log.add_feedback(qid, 1, "长" * 5000)
    assert len(log.get(qid).comment) == 1000


def test_parse_rating():
    assert [parse_rating(x) for x in (1, -1, "up", "down", "👍", "👎")] == [1, -1, 1, -1, 1, -1]
    for bad in (0, 2, "meh", None, [1]):
        with pytest.raises(InputError):
            parse_rating(bad)


def test_recent_is_newest_first_and_limited(log):
    ids = [log.record(f"问题{i}", "答") for i in range(5)]
    assert [e.id for e in log.recent(3)] == ids[::-1][:3]


def test_frequent_topics_and_unanswered(log):
    log.record("宁波5G基站建设目标是什么？", "…")
    log.record("宁波5G基站有多少？", "…")
    log.record("浙里办能办什么？", "…")
    log.record("个人所得税起征点是多少？", "资料中未找到相关规定。", refused=True)
    log.record("个人所得税起征点是多少？", "资料中未找到相关规定。", refused=True)
    log.record("那上海呢？", "资料中未找到相关规定。", rewritten="上海5G基站有多少？", refused=True)
    topics = {t.term: t.count for t in log.frequent_topics(50)}
    assert topics["基站"] == 3  # the rewritten form counts for a follow-up
    assert topics["宁波"] == 2
    assert all(len(t) >= 2 for t in topics)
    un = log.unanswered()
    assert (un[0].question, un[0].count) == ("个人所得税起征点是多少？", 2)
    assert {u.question for u in un} == {"个人所得税起征点是多少？", "上海5G基站有多少？"}
    stats = log.stats()
    assert (stats["questions"], stats["refused"]) == (6, 3)


def test_long_texts_are_cut_not_rejected(log):
    qid = log.record("问" * 10_000, "答" * 10_000)
    e = log.get(qid)
    assert len(e.question) == 4000 and len(e.answer) == 4000


def test_many_threads_lose_no_entries(tmp_path):
    log = QuestionLog(tmp_path / "log.db")
    n_threads, per_thread = 16, 40
    ids: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(t: int) -> None:
        try:
            for i in range(per_thread):
                qid = log.record(f"线程{t}问题{i}", "答", refused=i % 5 == 0, latency_ms=i)
                if i % 4 == 0:
                    log.add_feedback(qid, 1 if i % 8 == 0 else -1, f"意见{t}-{i}")
                if i % 10 == 0:
                    log.recent(5)  # readers run alongside the writer
                with lock:
                    ids.append(qid)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(ids) == len(set(ids)) == n_threads * per_thread
    assert log.count() == n_threads * per_thread
    assert log.feedback_count() == n_threads * per_thread // 4
    assert log.integrity_check() == "ok"
    log.close()


_CHILD = """
import sys
from qa.app.qlog import QuestionLog
log = QuestionLog(sys.argv[1])
for i in range(int(sys.argv[3])):
    qid = log.record(f"进程{sys.argv[2]}问题{i}", "答")
    log.add_feedback(qid, 1)
log.close()
"""


def test_several_processes_lose_no_entries(tmp_path):
    db = tmp_path / "log.db"
    QuestionLog(db).close()
    procs = [subprocess.Popen([sys.executable, "-c", _CHILD, str(db), str(p), "60"]) for p in range(4)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    log = QuestionLog(db)
    assert log.count() == 240
    assert log.feedback_count() == 240
    assert log.integrity_check() == "ok"
    log.close()
