"""eval/load.py (``make load``): a short run of the same code, and its log check on a known log."""

from __future__ import annotations

import json

import pytest

from eval.load import LoadResult, check_log, main, marker, run_load, summarise
from qa.app.qlog import QuestionLog
from tests.conftest import SEEDS


def test_smoke_run_of_the_load_test(index, index_settings, tmp_path):
    """10 users for 5 s against a real ``policyqa serve``: no errors, every request logged once."""
    rc = main(
        ["--users", "10", "--duration", "5", "--index", index_settings.index_name,
         "--index-root", str(index_settings.index_root), "--seeds", str(SEEDS), "--out", str(tmp_path)]
    )  # fmt: skip
    report = json.loads((tmp_path / "load.json").read_text(encoding="utf-8"))
    assert rc == 0 and report["ok"], report
    assert report["errors"] == 0 and report["requests"] >= 10
    assert report["log"]["rows"] == report["answered"] == report["requests"]
    assert report["log"]["integrity"] == "ok"
    assert report["latency_ms"]["p50"] <= report["latency_ms"]["p95"] <= report["latency_ms"]["p99"]
    assert report["rss_mb"]["end"] > 100  # sampled from the server process, which holds the index and e5
    md = (tmp_path / "load.md").read_text(encoding="utf-8")
    assert "PASS" in md and "p50 / p95 / p99" in md


def test_log_check_finds_missing_duplicated_and_unexpected_rows(tmp_path):
    log = QuestionLog(tmp_path / "log.db")
    tags = [marker("run1", 0, n) for n in range(4)]
    for t in (tags[0], tags[1], tags[1], tags[3], marker("run1", 9, 0), marker("other", 0, 0)):
        log.record(f"宁波5G基站？ {t}", "答")
    log.close()
    result = LoadResult("run1", 1, 1.0, latencies_ms=[10.0] * 3, answered=tags[:3])
    found = check_log(tmp_path / "log.db", result)
    assert found["missing"] == [tags[2]]
    assert found["duplicated"] == [tags[1]]
    assert found["unexpected"] == [tags[3], marker("run1", 9, 0)]
    assert found["integrity"] == "ok" and found["rows"] == 5
    assert summarise(result, found, warmup_s=0)["ok"] is False


def test_only_a_server_on_this_machine_is_loaded():
    with pytest.raises(ValueError, match="this machine"):
        run_load("http://example.com:80", ["问题"], users=1, duration=0.1)
