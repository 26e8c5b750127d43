"""Experiment: Milvus full-text search (BM25 function, jieba analyzer) and Milvus hybrid search
against the engine's own retrieval (bm25s + dense vectors, reciprocal-rank fusion).

Builds one Milvus Lite collection per library next to the index: an entity per indexed clause
with its BM25 text (the same ``sparse_text`` bm25s indexes), a ``SPARSE_FLOAT_VECTOR`` filled by
a BM25 function over a jieba-analysed field, and its dense vectors (``vec``: the first passage,
``vec2``: the second when ``embed_form=both`` gives two, else the first again).  Reports search
recall@5 and MRR@10 against the gold clauses for:

- ``engine`` — ``qa.search.retrieve.search`` as answers use it (fusion, feedback, second stage);
- ``engine fusion`` — the same with ``feedback=False, rescore=False`` (first-stage fusion only);
- ``bm25s`` / ``dense`` — the engine's single retrievers;
- ``milvus bm25`` — Milvus full-text search alone;
- ``milvus hybrid`` — Milvus ``hybrid_search`` over BM25 + both dense fields, ``RRFRanker(rrf_k)``.

    python -m eval.milvus_fulltext --index fvtest --questions eval/test.jsonl
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", required=True)
    ap.add_argument("--questions", action="append", required=True)
    ap.add_argument("--db", default="")
    args = ap.parse_args()

    import numpy as np
    from pymilvus import AnnSearchRequest, DataType, Function, FunctionType, MilvusClient, RRFRanker

    from qa.evaluate import read_questions, recall_at, reciprocal_rank, resolve_gold
    from qa.normalize import match_form
    from qa.search.index import load_index, sparse_text
    from qa.search.retrieve import search
    from qa.settings import from_env

    settings = from_env(index_name=args.index, progress=False)
    index = load_index(settings, check_corpus=False)
    rows = index.rows
    vecs = index.dense.reconstruct_all()
    first: dict[int, int] = {}
    second: dict[int, int] = {}
    for vid, row in enumerate(index.vec_rows.tolist()):
        (second if row in first else first)[row] = vid

    db = args.db or str(Path(tempfile.mkdtemp()) / "fulltext.db")
    client = MilvusClient(uri=db)
    name = "fulltext"
    if client.has_collection(name):
        client.drop_collection(name)
    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field(
        "text", DataType.VARCHAR, max_length=65535, enable_analyzer=True, analyzer_params={"tokenizer": "jieba"}
    )
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_field("vec", DataType.FLOAT_VECTOR, dim=vecs.shape[1])
    schema.add_field("vec2", DataType.FLOAT_VECTOR, dim=vecs.shape[1])
    schema.add_function(
        Function(
            name="bm25", function_type=FunctionType.BM25, input_field_names=["text"], output_field_names=["sparse"]
        )
    )
    params = client.prepare_index_params()
    params.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25")
    params.add_index(field_name="vec", index_type="FLAT", metric_type="IP")
    params.add_index(field_name="vec2", index_type="FLAT", metric_type="IP")
    t0 = time.perf_counter()
    client.create_collection(name, schema=schema, index_params=params, consistency_level="Strong")
    client.insert(
        name,
        [
            {"id": i, "text": sparse_text(c)[:20000], "vec": vecs[first[i]], "vec2": vecs[second.get(i, first[i])]}
            for i, c in enumerate(rows)
        ],
    )
    client.flush(name)
    client.load_collection(name)
    print(f"collection of {len(rows)} clauses in {time.perf_counter() - t0:.1f} s", file=sys.stderr)

    def milvus_bm25(q: str, k: int) -> list[int]:
        [hits] = client.search(
            name, data=[match_form(q)], anns_field="sparse", limit=k, search_params={"metric_type": "BM25"}
        )
        return [int(h["id"]) for h in hits]

    def milvus_hybrid(q: str, k: int) -> list[int]:
        qv = index.encoder.encode_queries([q])[0]
        reqs = [
            AnnSearchRequest(data=[match_form(q)], anns_field="sparse", param={"metric_type": "BM25"}, limit=k * 3),
            AnnSearchRequest(data=[qv], anns_field="vec", param={"metric_type": "IP"}, limit=k * 3),
            AnnSearchRequest(data=[qv], anns_field="vec2", param={"metric_type": "IP"}, limit=k * 3),
        ]
        [hits] = client.hybrid_search(name, reqs, RRFRanker(settings.rrf_k), limit=k)
        return [int(h["id"]) for h in hits]

    position = {c.id: i for i, c in enumerate(rows)}

    def engine(st):
        def run(q: str, k: int) -> list[int]:
            index.settings = st
            return [position[h.clause.id] for h in search(index, q, k=k)]

        return run

    plain = settings.with_(feedback=False, rescore=False)
    methods = {
        "engine": engine(settings),
        "engine fusion": engine(plain),
        "bm25s": engine(plain.with_(retriever="bm25")),
        "dense": engine(plain.with_(retriever="dense")),
        "milvus bm25": milvus_bm25,
        "milvus hybrid": milvus_hybrid,
    }
    print("| questions | method | n | search recall@5 | search mrr@10 | ms/query |")
    print("|---|---|---|---|---|---|")
    for qpath in args.questions:
        qs = [q for q in read_questions(qpath) if q.answerable]
        gold = {q.id: resolve_gold(index.corpus, q.gold) for q in qs}
        qs = [q for q in qs if gold[q.id]]
        for label, fn in methods.items():
            r5, rr, ms = [], [], []
            for q in qs:
                t = time.perf_counter()
                ranked = [rows[i].id for i in fn(q.question, 10)]
                ms.append((time.perf_counter() - t) * 1000)
                r5.append(recall_at(ranked, gold[q.id], 5))
                rr.append(reciprocal_rank(ranked, gold[q.id], 10))
            print(
                f"| {qpath} | {label} | {len(qs)} | {np.mean(r5):.3f} | {np.mean(rr):.3f} | {statistics.median(ms):.1f} |"
            )
    client.drop_collection(name)
    client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
