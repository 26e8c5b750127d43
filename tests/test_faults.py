"""Faults: the server killed mid-request, ``policyqa build`` killed mid-build, index files corrupted.

Everything here runs the real programs as subprocesses (``python -m qa serve`` / ``build`` /
``search``) and kills them with SIGKILL, as a crash, the OOM killer or a power cut would: no
cleanup code runs.  What must hold afterwards: the question log passes SQLite's integrity check
and keeps what it held, the previous index still loads and answers, and a corrupt index is
reported with the command that rebuilds it — never a traceback or a wrong answer.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from eval.load import serving, start_server
from qa.answer import answer
from qa.app.qlog import QuestionLog
from qa.errors import IndexStateError
from qa.search.index import load_index
from tests.conftest import ROOT, SEEDS
from tests.conftest_ui import NB_5G, UNANSWERABLE, ZJ_GOAL

REBUILD = ("policyqa build", "make index")


@pytest.fixture(scope="module")
def cache(index, tmp_path_factory) -> Path:
    """A copy of the embedding cache, so killed builds never touch the user's one."""
    folder = tmp_path_factory.mktemp("cache")
    shutil.copytree(index.settings.cache_dir / "embeddings", folder / "embeddings")
    return folder


def cli_env(index_root: Path, cache: Path) -> dict[str, str]:
    return {**os.environ, "POLICYQA_INDEX_ROOT": str(index_root), "POLICYQA_SEEDS": str(SEEDS),
            "POLICYQA_CACHE": str(cache), "POLICYQA_PROGRESS": "0"}  # fmt: skip


def policyqa(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "qa", *argv], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def build(env: dict[str, str], name: str) -> None:
    p = policyqa(env, "build", "--index", name, "-q")
    assert p.returncode == 0, p.stderr


# --- the server ------------------------------------------------------------------------------


def test_server_killed_mid_request_keeps_the_log_sound(index, index_settings, tmp_path):
    env = {"POLICYQA_INDEX_ROOT": str(index_settings.index_root), "POLICYQA_SEEDS": str(SEEDS)}
    log_db = tmp_path / "log.db"
    server = start_server(log_db, index=index_settings.index_name, env=env)
    outcomes: list[object] = []
    try:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            before = [c.post("/api/ask", json={"question": q}).json() for q in (NB_5G, ZJ_GOAL, UNANSWERABLE)]

        def hammer(i: int) -> None:
            with httpx.Client(base_url=server.url, timeout=60) as c:
                for n in range(200):
                    try:
                        outcomes.append(c.post("/api/ask", json={"question": f"{NB_5G} 用户{i}第{n}问"}).status_code)
                    except httpx.HTTPError:
                        outcomes.append("connection lost")
                        return

        users = [threading.Thread(target=hammer, args=(i,)) for i in range(12)]
        for t in users:
            t.start()
        deadline = time.monotonic() + 60
        while sum(o == 200 for o in outcomes) < 10 and time.monotonic() < deadline:
            time.sleep(0.02)
        server.kill()  # SIGKILL while twelve users wait for answers
        for t in users:
            t.join(timeout=60)
    finally:
        server.kill()
    assert outcomes.count("connection lost") == 12  # every user had a request in flight
    assert set(outcomes) == {200, "connection lost"}

    log = QuestionLog(log_db)  # opening recovers the WAL of the killed writer
    assert log.integrity_check() == "ok"
    for rec in before:
        e = log.get(rec["log_id"])
        assert (e.question, e.answer, e.refused) == (rec["question"], rec["answer"], rec["refused"])
    assert log.count() >= len(before) + outcomes.count(200)
    logged = log.count()
    log.close()

    with serving(log_db, index=index_settings.index_name, env=env) as again:
        r = httpx.post(again.url + "/api/ask", json={"question": NB_5G}, timeout=60)
        assert r.status_code == 200 and "4万" in r.json()["answer"]
        assert r.json()["log_id"] > max(rec["log_id"] for rec in before)
    log = QuestionLog(log_db)
    assert log.count() == logged + 1 and log.integrity_check() == "ok"
    log.close()


# --- the build -------------------------------------------------------------------------------


def _entries(folder: Path) -> set[str]:
    return set(os.listdir(folder))


def test_build_killed_mid_build_leaves_the_previous_index(index, index_settings, cache, tmp_path):
    root = tmp_path / "idx"
    env = cli_env(root, cache)
    build(env, "kb")
    settings = index_settings.with_(index_root=root, index_name="kb")
    initial, first = _entries(root), settings.index_dir.resolve()

    def new_entries() -> set[str]:
        return _entries(root) - initial

    kill_points = {
        "0.5 s in (imports, parsing)": lambda t: t > 0.5,
        "when the new manifest is written": lambda t: any((root / e / "manifest.json").exists() for e in new_entries()),
        "right after the swap": lambda t: settings.index_dir.resolve() != first,
    }
    killed = []
    for name, due in kill_points.items():
        p = subprocess.Popen([sys.executable, "-m", "qa", "build", "--index", "kb", "-q"], env=env, cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        t0 = time.monotonic()
        while p.poll() is None and not due(time.monotonic() - t0) and time.monotonic() - t0 < 120:
            time.sleep(0.002)
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            killed.append(name)
        p.wait(timeout=60)
        idx = load_index(settings)  # manifest and checksums verified
        assert idx.manifest["clause_count"] == 295
        assert "4万" in answer(NB_5G, idx).text, name
    assert len(killed) >= 2, f"the build finished before most kill points: killed at {killed}"

    build(env, "kb")  # what a killed build left behind does not stop the next one
    assert load_index(settings).manifest["clause_count"] == 295
    folders = [e for e in _entries(root) if (root / e).is_dir() and not (root / e).is_symlink()]
    assert len(folders) <= 2, f"killed builds leak folders: {sorted(folders)}"


# --- corrupt files ---------------------------------------------------------------------------


def _flip(path: Path) -> bytes:
    data = path.read_bytes()
    broken = bytearray(data)
    broken[len(broken) // 2] ^= 0xFF
    path.write_bytes(bytes(broken))
    return data


@pytest.mark.parametrize("name", ["dense.faiss", "clauses.jsonl"])
def test_corrupt_index_file_is_reported_by_the_cli(index, cache, tmp_path, name):
    env = cli_env(tmp_path / "idx", cache)
    build(env, "broken")
    _flip((tmp_path / "idx" / "broken").resolve() / name)
    for argv in (["search", "宁波5G基站", "--index", "broken"], ["ask", NB_5G, "--index", "broken"]):
        p = policyqa(env, *argv)
        assert p.returncode != 0
        assert "Traceback" not in p.stderr + p.stdout
        assert "corrupt" in p.stderr and any(cmd in p.stderr for cmd in REBUILD), p.stderr
        assert "4万" not in p.stdout


def test_corrupt_index_is_reported_by_the_api_until_rebuilt(index, index_settings, cache, tmp_path):
    root = tmp_path / "idx"
    env = cli_env(root, cache)
    build(env, "broken")
    _flip((root / "broken").resolve() / "dense.faiss")
    with pytest.raises(IndexStateError, match="corrupt"):
        load_index(index_settings.with_(index_root=root, index_name="broken"))
    server_env = {k: env[k] for k in ("POLICYQA_INDEX_ROOT", "POLICYQA_SEEDS", "POLICYQA_CACHE")}
    with (
        serving(tmp_path / "log.db", index="broken", env=server_env, wait_healthy=False) as server,
        httpx.Client(base_url=server.url, timeout=60) as c,
    ):
        health = c.get("/api/health")
        assert health.status_code == 503
        body = health.json()
        assert body["status"] == "error" and "corrupt" in body["detail"]
        assert any(cmd in body["detail"] for cmd in REBUILD)
        r = c.post("/api/ask", json={"question": NB_5G})
        assert r.status_code == 503 and "corrupt" in r.json()["detail"] and "Traceback" not in r.text
        assert c.get("/").status_code == 200  # the page itself still loads, and says what is wrong

        build(env, "broken")  # the fix the message names; the running server picks it up
        assert c.get("/api/health").status_code == 200
        r = c.post("/api/ask", json={"question": NB_5G})
        assert r.status_code == 200 and "4万" in r.json()["answer"]
