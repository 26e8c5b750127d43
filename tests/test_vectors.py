"""The vector stores (qa/search/stores): FAISS and Milvus behind one interface.

Milvus runs for real here: Milvus Lite (pymilvus starts it inside this process for a ``.db``
path), the same client code a Milvus server gets.  The seed index is built into a temporary
``vectors.db`` from the embedding cache the session ``index`` fixture (FAISS) filled, and
compared with that FAISS index on the same vectors.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from qa.errors import Busy, ConfigError, IndexStateError
from qa.evaluate import read_questions
from qa.library import add_documents, import_seeds, remove_document
from qa.search import stores as vector_store
from qa.search.index import build_index, load_index, stored_vectors
from qa.search.retrieve import search
from qa.search.stores import milvus_store
from qa.search.stores.faiss_store import FaissStore
from qa.search.stores.milvus_store import MilvusStore
from qa.settings import from_env
from tests.conftest import ROOT

HZ_TEXT = """杭州市人民政府办公厅关于推进公共数据开放的实施意见
杭政办〔2024〕7号
为推进公共数据有序开放，释放数据要素价值，提出如下实施意见。
一、总体要求
（一）工作目标。到2026年，全市开放公共数据集不少于3000个，建成统一的公共数据开放平台。
二、主要任务
（一）建设公共数据开放平台。依托城市大脑建设市级公共数据开放平台，提供数据目录查询和接口调用服务。（牵头单位：市数据资源局）
杭州市人民政府办公厅
2024年3月15日
"""
HZ_QUESTION = "杭州到2026年要开放多少个公共数据集？"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    """A folder for this module's Milvus Lite files; every client and Lite instance is closed after."""
    folder = tmp_path_factory.mktemp("milvus")
    yield folder
    milvus_store.close_all()


@pytest.fixture(scope="module")
def milvus(corpus, index_settings, index, store_dir):
    """The seed index with its vectors in Milvus Lite (same corpus, encoder and cache as ``index``)."""
    s = index_settings.with_(index_root=store_dir / "index", vector_store=str(store_dir / "vectors.db"))
    build_index(corpus, s, index.encoder)
    return load_index(s, encoder=index.encoder)


def _questions(n: int = 108) -> list[str]:
    return [q.question for q in read_questions(ROOT / "eval" / "test.jsonl")][:n]


def _collections(uri: str) -> set[str]:
    return set(milvus_store.client(uri).list_collections())


def test_the_setting_names_the_store():
    assert from_env({}).vector_store == "faiss"
    assert from_env({"POLICYQA_VECTOR_STORE": "/srv/policyqa/vectors.db"}).vector_store == "/srv/policyqa/vectors.db"
    assert from_env({"POLICYQA_VECTOR_STORE": "http://milvus:19530"}).vector_store == "http://milvus:19530"
    for bad in ("milvus", "/srv/vectors.sqlite", "http://root:Milvus@milvus:19530"):
        with pytest.raises(ConfigError):
            from_env({"POLICYQA_VECTOR_STORE": bad})


def test_manifest_records_the_store(milvus, index, store_dir):
    entry = milvus.manifest["vector_store"]
    assert entry["kind"] == "milvus" and entry["uri"] == str((store_dir / "vectors.db").resolve())
    assert entry["collection"] == milvus_store.collection_name(milvus.dir) and entry["collection"] in _collections(
        entry["uri"]
    )
    assert entry["index"] == "FLAT" and entry["metric"] == "IP" and entry["count"] == milvus.manifest["vectors"]
    assert "dense.faiss" not in milvus.manifest["files"] and isinstance(milvus.dense, MilvusStore)
    assert index.manifest["vector_store"] == {"kind": "faiss", "file": "dense.faiss", "type": "IndexFlatIP"}
    assert isinstance(index.dense, FaissStore)


def test_same_vectors_normalised(milvus, index):
    mv, fv = milvus.dense.reconstruct_all(), index.dense.reconstruct_all()
    assert mv.shape == fv.shape == (index.dense.ntotal, 384)
    np.testing.assert_allclose(mv, fv, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(fv, axis=1), 1.0, atol=1e-4)  # so inner product is cosine
    assert stored_vectors(milvus).keys() == stored_vectors(index).keys()


def test_a_milvus_lite_process_keeps_numpy_blas_on_one_thread(milvus):
    """Milvus Lite's searches run numpy in this process; numpy's BLAS threads would spin for
    ~100 ms after each, taking a core from the query encoder (answers 2-4x slower)."""
    from threadpoolctl import threadpool_info

    numpy_blas = [lib for lib in threadpool_info() if "numpy" in lib["filepath"] and lib["user_api"] == "blas"]
    assert numpy_blas and all(lib["num_threads"] == 1 for lib in numpy_blas)


def test_vectors_by_id_are_the_stored_ones(milvus, index):
    """An answer check reads a few cited clauses' vectors back by id, from either store."""
    all_vectors = index.dense.reconstruct_all()
    ids = [7, 0, index.dense.ntotal - 1]
    for store in (index.dense, milvus.dense):
        np.testing.assert_allclose(store.vectors(ids), all_vectors[ids], atol=1e-6)
        assert store.vectors([]) is None


def test_search_agrees_with_faiss(milvus, index):
    queries = index.encoder.encode_queries(_questions())
    np.testing.assert_allclose(np.linalg.norm(queries, axis=1), 1.0, atol=1e-4)
    fs, fi = index.dense.search(queries, 10)
    ms, mi = milvus.dense.search(queries, 10)
    assert (fi[:, 0] == mi[:, 0]).mean() >= 0.95
    np.testing.assert_allclose(ms[:, 0], fs[:, 0], atol=1e-4)
    recall = np.mean([len(set(f) & set(m)) / 10 for f, m in zip(fi, mi, strict=True)])
    assert recall >= 0.95
    for q in _questions(12):  # the whole hybrid search on top of it
        assert [h.clause.id for h in search(milvus, q, k=5)] == [h.clause.id for h in search(index, q, k=5)], q


def test_milvus_hnsw_recall(index, store_dir, tmp_path):
    """The graph index Milvus gets above the threshold (``auto``) finds what exact search finds."""
    vecs = index.dense.reconstruct_all()
    gen = tmp_path / ".hnsw.gen-1-test"
    gen.mkdir()
    entry = vector_store.write(str(store_dir / "vectors.db"), gen, vecs, index_kind="auto", threshold=100)
    try:
        assert entry["index"] == "HNSW" and entry["search_params"] == {"ef": 256}
        described = milvus_store.client(entry["uri"]).describe_index(entry["collection"], "vec")
        assert described["metric_type"] == "IP" and described["params"] == {"M": 32, "efConstruction": 128}
        assert json.loads((gen / vector_store.MARKER).read_text())["collection"] == entry["collection"]
        store = vector_store.open_store(gen, entry)
        queries = index.encoder.encode_queries(_questions(40))
        _, exact = index.dense.search(queries, 10)
        _, approx = store.search(queries, 10)
        assert np.mean([len(set(e) & set(a)) / 10 for e, a in zip(exact, approx, strict=True)]) >= 0.95
    finally:
        vector_store.drop(gen)
    assert entry["collection"] not in _collections(entry["uri"])


def test_old_manifest_without_store_loads_as_faiss(index, index_settings, tmp_path):
    s = index_settings.with_(index_root=tmp_path, index_name="old")
    shutil.copytree(index_settings.index_dir.resolve(), s.index_dir)
    m = json.loads((s.index_dir / "manifest.json").read_text())
    del m["vector_store"], m["files"][vector_store.MARKER]
    (s.index_dir / vector_store.MARKER).unlink()
    (s.index_dir / "manifest.json").write_text(json.dumps(m))
    old = load_index(s, encoder=index.encoder)
    assert isinstance(old.dense, FaissStore) and old.dense.ntotal == index.dense.ntotal
    assert [h.clause.id for h in search(old, HZ_QUESTION, k=5)] == [
        h.clause.id for h in search(index, HZ_QUESTION, k=5)
    ]


@pytest.fixture
def library(index_settings, index, store_dir, tmp_path):
    """A library imported from seeds 000–003 with its vectors in a Milvus Lite file of its own."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for p in sorted(index_settings.seeds_dir.glob("00[0-3]_*.txt")):
        shutil.copy(p, seeds / p.name)
    db = store_dir / f"{tmp_path.name}.db"
    s = index_settings.with_(seeds_dir=seeds, index_root=tmp_path / "index", vector_store=str(db))
    import_seeds(s, encoder=index.encoder)
    return s


def test_add_and_remove_on_milvus(library, index, tmp_path):
    uri = str(Path(library.vector_store).resolve())
    first = load_index(library, encoder=index.encoder, check_corpus=False)
    hz = tmp_path / "杭州市公共数据开放实施意见.txt"
    hz.write_text(HZ_TEXT, encoding="utf-8")
    s = library.with_(cache_dir=tmp_path / "empty-cache")  # no embedding cache: vectors are read back from Milvus
    [ch] = add_documents([hz], s, encoder=index.encoder)
    added = load_index(s, encoder=index.encoder, check_corpus=False)
    assert added.manifest["vector_store"]["kind"] == "milvus" and added.dense.ntotal == added.manifest["vectors"]
    assert 0 < ch.embedded == len([c for c in added.rows if c.doc_id == ch.doc_id])  # only the new clauses
    assert search(added, HZ_QUESTION, k=1)[0].clause.doc_id == ch.doc_id
    # the superseded generation keeps its collection (a server elsewhere may still read it) until the next sweep
    assert {first.manifest["vector_store"]["collection"], added.manifest["vector_store"]["collection"]} == _collections(
        uri
    )

    remove_document(ch.doc_id, s, encoder=index.encoder)
    removed = load_index(s, encoder=index.encoder, check_corpus=False)
    assert ch.doc_id not in {h.clause.doc_id for h in search(removed, HZ_QUESTION, k=10)}
    assert _collections(uri) == {
        added.manifest["vector_store"]["collection"],
        removed.manifest["vector_store"]["collection"],
    }
    assert removed.dense.ntotal == first.dense.ntotal


def test_a_change_keeps_the_store_the_library_was_built_with(library, index, tmp_path):
    hz = tmp_path / "杭州市公共数据开放实施意见.txt"
    hz.write_text(HZ_TEXT, encoding="utf-8")
    add_documents([hz], library.with_(vector_store="faiss"), encoder=index.encoder)  # POLICYQA_VECTOR_STORE unset
    changed = load_index(library, encoder=index.encoder, check_corpus=False)
    assert changed.manifest["vector_store"]["kind"] == "milvus"
    assert isinstance(changed.dense, MilvusStore)


def test_failed_build_leaves_the_previous_generation(library, index):
    uri = str(Path(library.vector_store).resolve())
    before = load_index(library, encoder=index.encoder, check_corpus=False)
    live = before.manifest["vector_store"]["collection"]
    assert _collections(uri) == {live}
    with pytest.raises(RuntimeError, match="simulated crash"):
        import_seeds(library.with_(seeds_dir=index.settings.seeds_dir), encoder=index.encoder, _fail_after_write=True)
    assert _collections(uri) == {live}  # the half-written collection was dropped
    after = load_index(library, encoder=index.encoder, check_corpus=False)
    assert after.dir == before.dir and len(search(after, "数据安全保障有哪些要求？", k=5)) == 5


def test_missing_collection_is_an_error_with_the_rebuild_hint(library, index):
    live = load_index(library, encoder=index.encoder, check_corpus=False).manifest["vector_store"]
    milvus_store.client(live["uri"]).drop_collection(live["collection"])
    with pytest.raises(IndexStateError, match=r"Milvus collection .* missing.*rebuild"):
        load_index(library, encoder=index.encoder, check_corpus=False)


def test_collection_of_a_crashed_build_is_swept(library, index):
    """A build killed mid-write leaves a folder with only its marker; the next change drops its collection."""
    uri = str(Path(library.vector_store).resolve())
    live = load_index(library, encoder=index.encoder, check_corpus=False)
    crashed = library.index_root / f".{library.index_name}.gen-{time.time_ns()}-crashed"
    crashed.mkdir()
    vector_store.write(library.vector_store, crashed, live.dense.reconstruct_all(), index_kind="flat", threshold=0)
    assert len(_collections(uri)) == 2
    remove_document("003", library, encoder=index.encoder)  # any change sweeps first
    assert not crashed.exists()
    assert _collections(uri) == {load_index(library, encoder=index.encoder).manifest["vector_store"]["collection"]} | {
        live.manifest["vector_store"]["collection"]
    }


def test_lite_file_held_by_another_process_is_a_clear_error(tmp_path):
    db = tmp_path / "held.db"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
                import sys, time
                from pymilvus import MilvusClient
                MilvusClient(uri={str(db)!r})
                print("open", flush=True)
                sys.stdin.read()
            """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(Busy, match=r"another process has the Milvus Lite file .* open"):
            milvus_store.client(str(db))
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def test_auto_builds_ivf_past_the_size_where_hnsw_fell_short(monkeypatch):
    from qa.search.stores import faiss_store

    vecs = np.random.default_rng(0).standard_normal((2_000, 8)).astype("float32")
    assert type(faiss_store.make_faiss(vecs, "auto", 100)).__name__ == "IndexHNSWFlat"
    monkeypatch.setattr(faiss_store, "IVF_ABOVE", 1_000)
    assert type(faiss_store.make_faiss(vecs, "auto", 100)).__name__ == "IndexIVFFlat"
    assert type(faiss_store.make_faiss(vecs, "auto", 5_000)).__name__ == "IndexFlatIP"


def test_a_retried_create_index_that_finds_the_index_built_is_taken(index, store_dir, tmp_path, monkeypatch):
    """At ~1M rows pymilvus re-sends a long create_index after the server drops the connection;
    the retry fails with "index already exists" although the index was built as asked."""
    real = milvus_store.client(str(store_dir / "vectors.db"))

    class Retrying:
        def __getattr__(self, name):
            return getattr(real, name)

        def create_index(self, *a, **kw):
            real.create_index(*a, **kw)
            raise RuntimeError("<MilvusException: (code=65535, message=index already exists[field=vec])>")

    monkeypatch.setattr(milvus_store, "client", lambda uri: Retrying())
    gen = tmp_path / ".retry.gen-1-test"
    gen.mkdir()
    vecs = index.dense.reconstruct_all()
    entry = vector_store.write(str(store_dir / "vectors.db"), gen, vecs, index_kind="flat", threshold=100)
    try:
        _, found = vector_store.open_store(gen, entry).search(vecs[:3], 1)
        assert [row[0] for row in found] == [0, 1, 2]
    finally:
        monkeypatch.undo()
        vector_store.drop(gen)
