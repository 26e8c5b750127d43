"""``make load``: many simulated users asking questions of a real ``policyqa serve``.

Starts the server as a subprocess on 127.0.0.1 (a free port, its own temporary question log),
then ``--users`` threads each post questions from ``--questions`` to ``/api/ask`` one after
another for ``--duration`` seconds.  Every question carries a unique marker, so afterwards the
question log can be checked to hold every answered request exactly once (and SQLite's
``PRAGMA integrity_check`` to pass).  The server's resident memory is sampled once a second.

Reports errors (must be 0), requests, throughput, latency p50/p95/p99, RSS at start, after
warm-up and at the end, and RSS growth per 1000 requests (straight-line fits after warm-up and
over the second half of the run: near 0 when memory stays flat; a leak keeps the second figure
as high as the first).  Writes ``load.md`` and ``load.json`` under ``--out``; the exit
status is 1 when any check fails.  Loopback only: the server is started here, never reached
over a network.

    .venv/bin/python -m eval.load                       # 50 users, 60 s (make load)
    .venv/bin/python -m eval.load --users 10 --duration 5 --out /tmp/load
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

from qa.app.slots import ANSWER_SLOTS

ROOT = Path(__file__).resolve().parent.parent


def _shown(path: str) -> str:
    """A path as the report shows it: relative to the repository when it is inside it."""
    p = Path(path).resolve()
    return str(p.relative_to(ROOT)) if p.is_relative_to(ROOT) else str(path)


LOOPBACK = "127.0.0.1"


# --- the server under test ------------------------------------------------------------------


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MiB (``VmRSS`` of ``/proc/<pid>/status``; 0 when gone)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@dataclass
class ServerProcess:
    """A ``policyqa serve`` subprocess (its own process group) and where it writes."""

    proc: subprocess.Popen
    port: int
    log_db: Path
    output: Path  # the server's stdout and stderr
    host: str = LOOPBACK

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int:
        return self.proc.pid

    def rss_mb(self) -> float:
        return rss_mb(self.pid)

    def output_text(self) -> str:
        return self.output.read_text(encoding="utf-8", errors="replace") if self.output.exists() else ""

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would: no cleanup runs."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self, timeout: float = 20) -> None:
        """Ctrl-C (SIGINT) and wait; SIGKILL if it does not exit in time."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()


def start_server(
    log_db: Path,
    *,
    index: str | None = None,
    env: dict[str, str] | None = None,
    host: str | None = LOOPBACK,
    port: int | None = None,
    wait_healthy: bool = True,
    timeout: float = 120,
) -> ServerProcess:
    """Start ``python -m qa serve`` and wait until it answers HTTP.

    ``host=None`` leaves ``--host`` out (the server's default is used).  With ``wait_healthy``
    the wait is for ``/api/health`` to say 200 (index loaded); otherwise any HTTP answer will do
    (a server with a broken index answers 503).  ``env`` adds ``POLICYQA_*`` variables.
    """
    port = port or free_port()
    output = Path(tempfile.mkstemp(prefix="policyqa-serve-", suffix=".log")[1])
    cmd = [sys.executable, "-m", "qa", "serve", "--port", str(port)]
    if host is not None:
        cmd += ["--host", host]
    if index:
        cmd += ["--index", index]
    full_env = {**os.environ, "POLICYQA_LOG_DB": str(log_db), "POLICYQA_PROGRESS": "0", **(env or {})}
    with output.open("wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = ServerProcess(proc, port, Path(log_db), output)
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"policyqa serve exited with {proc.returncode}:\n{server.output_text()[-3000:]}")
        try:
            r = httpx.get(f"http://{LOOPBACK}:{port}/api/health", timeout=30)
            if r.status_code == 200 or not wait_healthy:
                return server
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            server.kill()
            raise RuntimeError(f"policyqa serve did not come up in {timeout:.0f} s:\n{server.output_text()[-3000:]}")
        time.sleep(0.1)


@contextmanager
def serving(log_db: Path, **kw) -> Iterator[ServerProcess]:
    """:func:`start_server` for the duration of a ``with`` block."""
    server = start_server(log_db, **kw)
    try:
        yield server
    finally:
        server.stop()


# --- the simulated users ----------------------------------------------------------------------


@dataclass
class LoadResult:
    run_id: str
    users: int
    duration_s: float  # wall time from the first request to the last answer
    latencies_ms: list[float] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)  # markers of the requests answered 200
    failed: list[str] = field(default_factory=list)  # markers of the other requests
    errors: list[str] = field(default_factory=list)  # what went wrong, one line per failed request
    rss: list[tuple[float, int, float]] = field(default_factory=list)  # (seconds, requests done, MiB)

    @property
    def requests(self) -> int:
        return len(self.answered) + len(self.errors)


def marker(run_id: str, user: int, n: int) -> str:
    """The tag appended to a question, unique per request of a run.

    >>> marker("ab12", 3, 7)
    '[load ab12 03-000007]'
    """
    return f"[load {run_id} {user:02d}-{n:06d}]"


MARKER_RE = re.compile(r"\[load (\w+) (\d{2}-\d{6})\]")


def run_load(
    url: str,
    questions: list[str],
    users: int,
    duration: float,
    *,
    rss=None,
    timeout: float = 120,
    sample_every: float = 1.0,
) -> LoadResult:
    """``users`` threads post ``questions`` (each user from its own random start) to
    ``url``/api/ask, one request at a time, until ``duration`` seconds are over; the requests in
    flight then finish.  ``rss`` is a callable giving the server's RSS in MiB, sampled."""
    host = httpx.URL(url).host
    if host not in (LOOPBACK, "localhost", "::1"):
        raise ValueError(f"the load test only talks to a server on this machine, not {host!r}")
    run_id = uuid.uuid4().hex[:8]
    result = LoadResult(run_id, users, 0.0)
    lock = threading.Lock()
    start = time.monotonic()
    stop_at = start + duration
    finished = threading.Event()

    def user(u: int) -> None:
        rng = random.Random(u)
        offset = rng.randrange(len(questions))
        with httpx.Client(base_url=url, timeout=timeout) as client:
            n = 0
            while time.monotonic() < stop_at:
                tag = marker(run_id, u, n)
                q = f"{questions[(offset + n) % len(questions)]} {tag}"
                n += 1
                t0 = time.perf_counter()
                try:
                    r = client.post("/api/ask", json={"question": q, "id": tag})
                    ok = r.status_code == 200 and r.json().get("id") == tag
                    why = "" if ok else f"HTTP {r.status_code}: {r.text[:200]}"
                except (httpx.HTTPError, ValueError) as e:
                    ok, why = False, f"{type(e).__name__}: {e}"
                ms = (time.perf_counter() - t0) * 1000
                with lock:
                    if ok:
                        result.answered.append(tag)
                        result.latencies_ms.append(ms)
                    else:
                        result.failed.append(tag)
                        result.errors.append(f"{tag} {why}")

    def sampler() -> None:
        while not finished.is_set():
            with lock:
                done = result.requests
            result.rss.append((round(time.monotonic() - start, 2), done, round(rss(), 1)))
            finished.wait(sample_every)

    threads = [threading.Thread(target=user, args=(u,), name=f"load-user-{u}") for u in range(users)]
    sampling = threading.Thread(target=sampler, name="load-rss", daemon=True) if rss else None
    if sampling:
        sampling.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.duration_s = round(time.monotonic() - start, 2)
    finished.set()
    if sampling:
        sampling.join()
        result.rss.append((result.duration_s, result.requests, round(rss(), 1)))
    return result


def check_log(log_db: Path, result: LoadResult) -> dict:
    """Does the question log hold every answered request of the run exactly once, and is it sound?"""
    con = sqlite3.connect(f"file:{log_db}?mode=ro", uri=True, timeout=30)
    try:
        rows = [
            r[0]
            for r in con.execute("SELECT question FROM questions WHERE question LIKE ?", (f"%[load {result.run_id} %",))
        ]
        integrity = str(con.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        con.close()
    logged = Counter(f"[load {m.group(1)} {m.group(2)}]" for r in rows if (m := MARKER_RE.search(r)))
    answered = set(result.answered)
    return {
        "rows": len(rows),
        "missing": sorted(answered - set(logged))[:20],
        "missing_count": len(answered - set(logged)),
        "duplicated": sorted(t for t, n in logged.items() if n > 1)[:20],
        "unexpected": sorted(set(logged) - answered - set(result.failed))[:20],
        "integrity": integrity,
    }


def growth_per_1000(samples: list[tuple[float, int, float]]) -> float:
    """MiB of RSS per 1000 requests: the slope of a straight line through (requests, MiB).

    >>> growth_per_1000([(0, 0, 300.0), (1, 500, 301.0), (2, 1000, 302.0)])
    2.0
    """
    if len(samples) < 3 or samples[-1][1] <= samples[0][1]:
        return 0.0
    slope = np.polyfit([n for _t, n, _m in samples], [m for _t, _n, m in samples], 1)[0]
    return round(float(slope) * 1000, 2)


def summarise(result: LoadResult, log: dict, warmup_s: float) -> dict:
    """The figures of a run (what the report shows)."""
    lat = np.asarray(result.latencies_ms or [0.0])
    after = [(t, n, m) for t, n, m in result.rss if t >= warmup_s] or result.rss
    half = [(t, n, m) for t, n, m in result.rss if n >= result.requests / 2] or result.rss
    return {
        "users": result.users,
        "duration_s": result.duration_s,
        "requests": result.requests,
        "answered": len(result.answered),
        "errors": len(result.errors),
        "error_samples": result.errors[:10],
        "throughput_rps": round(result.requests / result.duration_s, 2) if result.duration_s else 0.0,
        "latency_ms": {p: round(float(np.percentile(lat, q)), 1) for p, q in (("p50", 50), ("p95", 95), ("p99", 99))}
        | {"max": round(float(lat.max()), 1)},
        "rss_mb": {
            "start": result.rss[0][2] if result.rss else 0.0,
            "after_warmup": after[0][2] if after else 0.0,
            "end": result.rss[-1][2] if result.rss else 0.0,
            "max": max((m for _t, _n, m in result.rss), default=0.0),
            "growth_per_1000_requests": growth_per_1000(after),
            "growth_per_1000_requests_second_half": growth_per_1000(half),
            "samples": [list(s) for s in result.rss],
        },
        "log": log,
        "ok": not result.errors
        and result.requests > 0
        and log["integrity"] == "ok"
        and not (log["missing_count"] or log["duplicated"] or log["unexpected"]),
    }


def markdown(s: dict, meta: dict) -> str:
    lat, rss, log = s["latency_ms"], s["rss_mb"], s["log"]
    verdict = "PASS" if s["ok"] else "FAIL"
    lines = [
        f"# Load test — {verdict}",
        "",
        f"{meta['when']} · {s['users']} simulated users for {meta['planned_s']} s against `policyqa serve` on "
        f"127.0.0.1 (index `{meta['index']}`, questions from `{meta['questions']}`, {meta['cpus']} CPUs).",
        "Each user posts one question to `/api/ask`, waits for the answer, then posts the next.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| requests | {s['requests']} |",
        f"| errors | {s['errors']} |",
        f"| throughput | {s['throughput_rps']} req/s |",
        f"| latency p50 / p95 / p99 / max | {lat['p50']} / {lat['p95']} / {lat['p99']} / {lat['max']} ms |",
        f"| server RSS start → after warm-up → end (max) | {rss['start']} → {rss['after_warmup']} → {rss['end']} "
        f"({rss['max']}) MiB |",
        f"| RSS growth after warm-up / in the second half | {rss['growth_per_1000_requests']} / "
        f"{rss['growth_per_1000_requests_second_half']} MiB per 1000 requests |",
        f"| question log rows of this run | {log['rows']} (missing {log['missing_count']}, "
        f"duplicated {len(log['duplicated'])}, unexpected {len(log['unexpected'])}) |",
        f"| `PRAGMA integrity_check` | {log['integrity']} |",
        "",
        f"The table is for `POLICYQA_ANSWER_LOCK={s['lock_mode']}`. The figures are for this shared machine;",
        "compare runs on the same machine only.",
    ]
    if len(s.get("modes", {})) > 1:
        lines += [
            "",
            "## Lock modes, same run",
            "",
            f"`parts`: up to {ANSWER_SLOTS} answers at once in the server's threads (the others in order",
            "of arrival), the encoder, jieba and 政策找人 matching hold their own locks; `global`: one",
            "answer at a time under one lock (before #21).",
            "",
            "| lock mode | requests | errors | throughput req/s | p50 / p95 / p99 ms |",
            "|---|---|---|---|---|",
        ]
        for mode, r in s["modes"].items():
            lt = r["latency_ms"]
            lines.append(
                f"| {mode} | {r['requests']} | {r['errors']} | {r['throughput_rps']} | {lt['p50']} / {lt['p95']} / {lt['p99']} |"
            )
    step = max(1, len(rss["samples"]) // 12)
    curve = " → ".join(f"{m:.0f}" for _t, _n, m in rss["samples"][::step])
    lines += ["", f"Server RSS (MiB) every {step} s: {curve}."]
    if s["error_samples"]:
        lines += ["", "## Errors (first 10)", "", *[f"- `{e}`" for e in s["error_samples"]]]
    return "\n".join(lines) + "\n"


def read_question_texts(path: Path) -> list[str]:
    from qa.evaluate import read_questions

    return [q.question for q in read_questions(path)]


def run_mode(args: argparse.Namespace, questions: list[str], lock_mode: str) -> dict:
    """One load run against a server started with ``POLICYQA_ANSWER_LOCK=lock_mode``."""
    env = {k: v for k, v in (("POLICYQA_INDEX_ROOT", args.index_root), ("POLICYQA_SEEDS", args.seeds)) if v}
    env["POLICYQA_ANSWER_LOCK"] = lock_mode
    with tempfile.TemporaryDirectory(prefix="policyqa-load-") as tmp:
        log_db = Path(tmp) / "log.db"
        server = start_server(log_db, index=args.index, env=env)
        try:
            result = run_load(server.url, questions, args.users, args.duration, rss=server.rss_mb, timeout=args.timeout)
            exit_code = server.proc.poll()
        finally:
            server.stop()
        log = check_log(log_db, result)
    summary = summarise(result, log, warmup_s=min(10.0, args.duration / 5))
    if exit_code is not None:  # the server died during the run
        summary["ok"] = False
        summary["server_exit"] = exit_code
    return {"lock_mode": lock_mode, **summary}


def run(args: argparse.Namespace) -> dict:
    """Every lock mode of ``--lock-modes`` in turn, same questions and users; the first is the
    report's main figures, all of them side by side."""
    questions = read_question_texts(Path(args.questions))
    runs = [run_mode(args, questions, m) for m in args.lock_modes.split(",")]
    summary = {**runs[0], "ok": all(r["ok"] for r in runs)}
    summary["modes"] = {r["lock_mode"]: {k: v for k, v in r.items() if k != "rss_mb"} for r in runs}
    meta = {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "planned_s": args.duration,
        "index": args.index,
        "questions": _shown(args.questions),
        "cpus": os.cpu_count(),
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "load.json").write_text(json.dumps({**meta, **summary}, ensure_ascii=False, indent=2), encoding="utf-8")
    (out / "load.md").write_text(markdown(summary, meta), encoding="utf-8")
    return summary


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m eval.load", description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    ap.add_argument("--questions", default=str(ROOT / "eval" / "questions.jsonl"))
    ap.add_argument("--index", default=os.environ.get("POLICYQA_INDEX", "default"))
    ap.add_argument("--index-root", help="folder of indexes (default: index/ or $POLICYQA_INDEX_ROOT)")
    ap.add_argument("--seeds", help="corpus folder the index was built from (default: seeds/)")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds one request may take")
    ap.add_argument("--out", default=str(ROOT / "eval" / "reports"))
    ap.add_argument(
        "--lock-modes", default="parts,global", help="POLICYQA_ANSWER_LOCK values to run in turn (default: both)"
    )
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.users < 1 or args.duration <= 0:
        parser().error("--users and --duration must be positive")
    if not args.lock_modes or set(args.lock_modes.split(",")) - {"parts", "global"}:
        parser().error("--lock-modes takes parts and/or global, comma-separated")
    s = run(args)
    lat, rss = s["latency_ms"], s["rss_mb"]
    print(
        f"load: {s['requests']} requests, {s['errors']} errors, {s['throughput_rps']} req/s, "
        f"p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms; RSS {rss['start']} → {rss['end']} MiB "
        f"({rss['growth_per_1000_requests']:+} MiB/1000 req); log {s['log']['integrity']}, "
        f"{s['log']['rows']} rows — {'PASS' if s['ok'] else 'FAIL'} (report: {Path(args.out) / 'load.md'})"
    )
    return 0 if s["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
