"""The server's bounds (qa/app/guard.py and the handlers behind it), probed over real HTTP.

One test per defect of the hardening issue (F1–F5; F6, the deep-link Markdown, is a browser
test in test_browser.py) and per smaller point: each failed before the fix.
"""

from __future__ import annotations

import inspect
import json
import os
import time
from pathlib import Path

import httpx
import pytest

from qa.app.guard import MAX_JSON_BYTES, MIB
from qa.library import library_lock
from qa.search.retrieve import MAX_QUESTION_CHARS
from tests.conftest_ui import HZ_DOC, NB_5G, STAFF_TOKEN, private_library, start_server
from tests.test_exposure import gradio_call

STAFF = {"X-Staff-Token": STAFF_TOKEN}
DOC_A = "甲市公共数据开放办法\n一、总则\n到2026年，全市开放公共数据集不少于3000个。\n"
DOC_B = "乙市社区养老服务办法\n一、总则\n到2027年，全市建成社区养老服务站200个。\n"


@pytest.fixture(scope="module")
def live(index, tmp_path_factory):
    """A server with a staff token on a library of its own (tests here add documents)."""
    lib = private_library(index, tmp_path_factory.mktemp("guardlib"))
    with start_server(lib, tmp_path_factory.mktemp("guardlog") / "log.db", staff_token=STAFF_TOKEN) as server:
        yield server


def doc_ids(server) -> set[str]:
    return {d["id"] for d in httpx.get(server.url + "/api/docs", timeout=60).json()["documents"]}


# --- F1: history ------------------------------------------------------------------------------


def test_f1_a_million_character_history_is_cut_not_answered_whole(live):
    body = json.dumps({"question": "那河北呢？", "history": ["宁波市5G基站建设目标是什么" * 76923]})
    started = time.perf_counter()
    r = httpx.post(live.url + "/api/ask", content=body, headers={"content-type": "application/json"}, timeout=60)
    elapsed = time.perf_counter() - started
    assert r.status_code == 200, r.text[:300]
    assert elapsed < 5 and len(r.content) < 200_000, (elapsed, len(r.content))
    assert len(r.json()["question"]) <= MAX_QUESTION_CHARS


@pytest.mark.parametrize("streamed", [False, True])
def test_f1_a_body_past_the_json_bound_is_413_announced_or_streamed(live, streamed):
    data = b'{"question": "' + b"a" * (MAX_JSON_BYTES + 1) + b'"}'
    content = (data[i : i + MIB] for i in range(0, len(data), MIB)) if streamed else data
    r = httpx.post(live.url + "/api/ask", content=content, headers={"content-type": "application/json"}, timeout=60)
    assert r.status_code == 413 and "too large" in r.json()["detail"]


def test_the_page_echoes_no_more_of_a_question_than_it_answers(live):
    question = NB_5G + "啊" * 100_000  # the textbox's max_length bypassed through gradio's API
    out = gradio_call(live.url, "on_ask", [question, [], [], "extractive"])
    assert "问题过长" in out and "4万" in out
    # each update of the page shows the question (and may refill the box) cut to the answered part
    assert max(update.count("啊") for update in out.splitlines()) <= 2 * MAX_QUESTION_CHARS


# --- F2: no file by path ----------------------------------------------------------------------


def test_f2_library_events_read_no_file_named_by_path(live, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("临海市数据管理办法\n一、总则\n到2030年建成临海数据中心一个。\n", encoding="utf-8")
    before = doc_ids(live)
    from gradio.utils import get_upload_folder

    upload_root = Path(get_upload_folder())
    spellings = [str(secret), str(upload_root / os.path.relpath(secret, upload_root)), os.path.relpath(secret)]
    for path in spellings:
        for name, data in (
            ("on_lib_add", [STAFF_TOKEN, [{"path": path, "meta": {"_type": "gradio.FileData"}}]]),
            ("on_lib_update", [STAFF_TOKEN, sorted(before)[0], [{"path": path, "meta": {"_type": "gradio.FileData"}}]]),
        ):
            out = gradio_call(live.url, name, data)
            assert "✅" not in out, (name, path, out[:300])
    assert doc_ids(live) == before
    asked = httpx.post(live.url + "/api/ask", json={"question": "临海数据中心建几个？"}, timeout=60).json()
    # the secret's text is in no answer or citation (a refusal may name the place the question names)
    assert "临海数据中心一个" not in asked["answer"] + json.dumps(asked["citations"], ensure_ascii=False)
    assert not any("临海" in c["text"] for c in asked["citations"])


def test_f2_a_file_the_page_uploaded_is_read(live):
    """The positive control: the upload box's own files still go in."""
    r = httpx.post(
        live.url + "/gradio_api/upload", files={"files": ("丙市.txt", DOC_A.replace("甲", "丙"))}, timeout=60
    )
    [path] = r.json()
    out = gradio_call(live.url, "on_lib_add", [STAFF_TOKEN, [{"path": path, "meta": {"_type": "gradio.FileData"}}]])
    assert "✅" in out


# --- F3: upload size --------------------------------------------------------------------------


@pytest.mark.parametrize("streamed", [False, True])
def test_f3_an_anonymous_60_mb_upload_is_refused(live, streamed):
    big = b"0" * (60 * MIB)
    if streamed:  # multipart by hand, sent in chunks without a Content-Length
        head = b'--b\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n\r\n'
        content = iter([head, *(big[i : i + MIB] for i in range(0, len(big), MIB)), b"\r\n--b--\r\n"])
        r = httpx.post(
            live.url + "/gradio_api/upload",
            content=content,
            headers={"content-type": "multipart/form-data; boundary=b"},
            timeout=120,
        )
    else:
        r = httpx.post(live.url + "/gradio_api/upload", files={"files": ("big.txt", big)}, timeout=120)
    assert r.status_code == 413


# --- F4: no 500 -------------------------------------------------------------------------------


@pytest.mark.parametrize("log_id", [10**20, -1, 0, 2**63])
def test_f4_an_out_of_range_log_id_is_a_4xx(live, log_id):
    r = httpx.post(live.url + "/api/feedback", json={"log_id": log_id, "feedback_key": "x", "rating": 1}, timeout=30)
    assert 400 <= r.status_code < 500, r.text


def test_f4_an_upload_with_a_300_byte_name_is_added(live):
    name = "长" * 100 + ".txt"  # 303 bytes: over the 255 a file system allows
    r = httpx.post(live.url + "/api/library", files={"files": (name, HZ_DOC)}, headers=STAFF, timeout=120)
    assert r.status_code == 200, r.text
    assert [c["action"] for c in r.json()["changes"]] == ["add"]


# --- F5: two files of one name ----------------------------------------------------------------


def test_f5_two_uploads_of_one_name_are_two_documents(live):
    before = doc_ids(live)
    files = [("files", ("dup.txt", DOC_A)), ("files", ("dup.txt", DOC_B))]
    r = httpx.post(live.url + "/api/library", files=files, headers=STAFF, timeout=120)
    assert r.status_code == 200, r.text
    assert [c["action"] for c in r.json()["changes"]] == ["add", "add"]
    assert len(doc_ids(live) - before) == 2
    for question, figure in (
        ("甲市到2026年开放多少个公共数据集？", "3000"),
        ("乙市要建成多少个社区养老服务站？", "200"),
    ):
        assert figure in httpx.post(live.url + "/api/ask", json={"question": question}, timeout=60).json()["answer"]


# --- smaller points ---------------------------------------------------------------------------


def test_a_held_library_lock_answers_409_at_once_and_names_its_holder(live):
    with library_lock(live.settings, "import"):
        started = time.perf_counter()
        r = httpx.delete(live.url + "/api/library/nothing", headers=STAFF, timeout=60)
        elapsed = time.perf_counter() - started
    assert r.status_code == 409 and elapsed < 15, (r.status_code, elapsed)
    assert f"进程 {os.getpid()} 的 import" in r.json()["detail"]


def test_the_export_folder_goes_with_the_server(index, tmp_path):
    with start_server(index, tmp_path / "log.db") as server:
        folder = server.api.state.policyqa.export_dir
        out = gradio_call(server.url, "on_duties", ["", "", "全部", "全部文件"])
        assert "条职责分工" in out and any(folder.rglob("*.csv"))
    assert not folder.exists()


def test_the_access_log_is_off_by_default():
    from qa.app.cli import build_parser
    from qa.app.ui import serve

    assert inspect.signature(serve).parameters["access_log"].default is False
    assert build_parser().parse_args(["serve"]).access_log is False


def test_the_pages_events_say_what_is_wrong_with_values_no_field_holds(live):
    fields = [
        "不限",
        "",
        None,
        "",
        "",
        "不限",
        "不限",
        "",
    ]  # who, region, age, identity, industry, size, education, hukou
    out = gradio_call(live.url, "on_match", ["我是广州的特困人员，住院需要护工\ud800", False, *fields])
    assert "条款" in out and "内部错误" not in out  # a lone surrogate is dropped, not embedded
    long_industry = ["不限", "", None, "", "长" * 51, "不限", "不限", ""]
    assert "at most 50 characters" in gradio_call(live.url, "on_subscribe", ["我是广州的个体户", *long_industry])
    assert "请选择一项" in gradio_call(live.url, "on_duties", ["", "", None, ["全部文件"]])  # a list for one choice
    library = httpx.get(live.url + "/api/docs", timeout=60).json()
    assert "请先选择一份文件" in gradio_call(live.url, "on_lib_status", [STAFF_TOKEN, None, "expired", ""])
    assert "口令" in gradio_call(live.url, "on_lib_remove", ["\ud800", None])  # a token no encoder writes
    assert httpx.get(live.url + "/api/docs", timeout=60).json() == library  # nothing changed
