"""Build and load ``index/<name>/``: manifest, clauses, BM25 and FAISS, written atomically.

``build`` writes into a temporary sibling folder and renames it over the old one only when
everything is on disk, so an interrupted build leaves the previous index usable.  ``load``
checks the manifest (format, encoder, corpus hash, file checksums): a mismatch is an error
that says how to rebuild, never silently wrong results.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from qa.corpus import PARSER_VERSION, Corpus
from qa.encoders import Encoder, make_encoder
from qa.errors import IndexStateError, InputError
from qa.normalize import match_form, to_simplified
from qa.schema import Clause, Document
from qa.settings import Settings
from qa.tokens import TOKENIZER_ID, corpus_terms, tokenize

FORMAT_VERSION = 1
REBUILD_HINT = "rebuild it with `make index` (or `policyqa build --index {name}`)"


def passage_texts(clause: Clause, doc: Document, form: str) -> list[str]:
    """What is embedded for a clause: its title path (document and heading chain) and its text.

    ``form`` is ``simplified`` (one text, converted), ``original`` or ``both`` (two texts).

    >>> from qa.schema import Document, Clause
    >>> d = Document("d", "d.txt", "河北省實施意見", "", "", "", "", "", "traditional", "", "")
    >>> c = Clause("c", "d", "d.txt", "二/1", 2, "1.強化食品數位化監管", "河北省實施意見 > 二、監管 > 1.強化食品數位化監管",
    ...            "1.強化食品數位化監管。", "", 0, 1, None)
    >>> passage_texts(c, d, "simplified")
    ['河北省实施意见 > 二、监管\\n1.强化食品数字化监管。']
    """
    context = " > ".join(clause.title_path.split(" > ")[:-1])
    original = f"{context}\n{clause.text}"
    if form == "original":
        return [original]
    simplified = to_simplified(original)
    if form == "both" and simplified != original:
        return [simplified, original]
    return [simplified]


def sparse_text(clause: Clause) -> str:
    """BM25 text: the heading chain below the document title, then the clause text."""
    crumbs = clause.title_path.split(" > ")[1:-1]
    return match_form(" ".join([*crumbs, clause.text]))


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class EmbeddingCache:
    """Embeddings keyed by (encoder id, text hash), so unchanged clauses are never re-embedded."""

    def __init__(self, folder: Path, encoder_id: str) -> None:
        key = hashlib.sha1(encoder_id.encode()).hexdigest()[:12]
        self.path = folder / f"{key}.npz"
        self.vectors: dict[str, np.ndarray] = {}
        if self.path.exists():
            try:
                with np.load(self.path) as z:
                    self.vectors = dict(zip(z["keys"].tolist(), z["vecs"], strict=True))
            except Exception:  # a broken cache is only a slower build
                self.vectors = {}

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def embed(self, encoder: Encoder, texts: list[str], progress: bool) -> tuple[np.ndarray, int]:
        keys = [self.key(t) for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in self.vectors}.items())
        if missing:
            vecs = encoder.encode_passages([t for _k, t in missing], progress=progress)
            self.vectors.update({k: v for (k, _t), v in zip(missing, vecs, strict=True)})
            self._save()
        dim = encoder.dim
        out = np.stack([self.vectors[k] for k in keys]) if keys else np.zeros((0, dim), np.float32)
        return out.astype(np.float32), len(missing)

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".npz")
        os.close(fd)
        keys = np.array(list(self.vectors), dtype=object).astype(str)
        np.savez(tmp, keys=keys, vecs=np.stack(list(self.vectors.values())))
        os.replace(tmp, self.path)


def make_faiss(vectors: np.ndarray, kind: str, threshold: int):
    """A FAISS inner-product index for normalised vectors.

    ``flat`` is exact (``IndexFlatIP``); ``hnsw`` is a graph index (``IndexHNSWFlat``, M=32);
    ``ivf`` clusters into ~4·√n lists (``IndexIVFFlat``, trained on ≤100k vectors, 32 probed).
    ``auto`` stays exact up to ``threshold`` vectors and uses HNSW above it.
    """
    import faiss

    n, dim = vectors.shape
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if kind == "auto":
        kind = "hnsw" if n > threshold else "flat"
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 64
        index.hnsw.efSearch = 128
    elif kind == "ivf":
        nlist = max(1, min(int(4 * np.sqrt(n)), n // 39 or 1))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
        sample = vectors if n <= 100_000 else vectors[np.random.default_rng(0).choice(n, 100_000, replace=False)]
        index.train(sample)
        index.nprobe = min(32, nlist)
    else:
        index = faiss.IndexFlatIP(dim)
    if n:
        index.add(vectors)
    return index


def build_index(
    corpus: Corpus, settings: Settings, encoder: Encoder | None = None, *, _fail_after_write: bool = False
) -> Path:
    """Write ``settings.index_dir`` atomically and return it."""
    import bm25s
    import faiss

    t0 = time.perf_counter()
    encoder = encoder or make_encoder(settings.encoder)
    target = settings.index_dir
    target.parent.mkdir(parents=True, exist_ok=True)
    rows = [c for c in corpus.clauses if not corpus.is_heading_only(c)]
    user_words = tuple(corpus_terms(c.text for c in rows))

    tmp = Path(tempfile.mkdtemp(prefix=f".{settings.index_name}.", dir=target.parent))
    try:
        with (tmp / "clauses.jsonl").open("w", encoding="utf-8") as f:
            for c in corpus.clauses:
                f.write(json.dumps(c.to_json(), ensure_ascii=False) + "\n")
        (tmp / "documents.json").write_text(
            json.dumps([{**d.meta(), "raw": d.raw, "clean": d.clean} for d in corpus.documents], ensure_ascii=False), encoding="utf-8"
        )
        (tmp / "rows.json").write_text(json.dumps([c.id for c in rows]), encoding="utf-8")

        tokens = [tokenize(sparse_text(c), user_words) or ["∅"] for c in rows]
        bm25 = bm25s.BM25(k1=1.2, b=0.75)
        bm25.index(tokens, show_progress=False)
        bm25.save(str(tmp / "bm25"), show_progress=False)

        texts, vec_rows = [], []
        for i, c in enumerate(rows):
            for t in passage_texts(c, corpus.doc_by_id[c.doc_id], settings.embed_form):
                texts.append(t)
                vec_rows.append(i)
        cache = EmbeddingCache(settings.cache_dir / "embeddings", encoder.id)
        vectors, embedded = cache.embed(encoder, texts, settings.progress)
        index = make_faiss(vectors, settings.dense_index, settings.hnsw_threshold)
        faiss.write_index(index, str(tmp / "dense.faiss"))
        np.save(tmp / "vec_rows.npy", np.asarray(vec_rows, dtype=np.int32))

        manifest = {
            "format_version": FORMAT_VERSION,
            "parser": PARSER_VERSION,
            "encoder": {"id": encoder.id, "dim": int(encoder.dim), "spec": settings.encoder},
            "embed_form": settings.embed_form,
            "dense_index": type(index).__name__,
            "tokenizer": {"id": TOKENIZER_ID, "user_words": list(user_words)},
            "corpus_hash": corpus.hash,
            "documents": len(corpus.documents),
            "clause_count": len(corpus.clauses),
            "indexed_clauses": len(rows),
            "vectors": len(vectors),
            "embedded_now": embedded,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "build_seconds": round(time.perf_counter() - t0, 2),
        }
        manifest["files"] = {
            str(p.relative_to(tmp)): _sha256_file(p) for p in sorted(tmp.rglob("*")) if p.is_file()
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        if _fail_after_write:  # test hook: simulate a crash before the swap
            raise RuntimeError("simulated crash before the index swap")
        old = None
        if target.exists():
            old = target.with_name(f".{settings.index_name}.old.{os.getpid()}")
            os.replace(target, old)
        os.replace(tmp, target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


@dataclass(eq=False)  # identity hashing: an Index can key caches
class Index:
    """A loaded index.  The encoder is created lazily on the first dense query."""

    dir: Path
    manifest: dict
    corpus: Corpus
    rows: list[Clause]
    bm25: object
    dense: object
    vec_rows: np.ndarray
    settings: Settings
    _encoder: Encoder | None = field(default=None, repr=False)

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = make_encoder(self.manifest["encoder"]["spec"])
        return self._encoder

    @property
    def user_words(self) -> tuple[str, ...]:
        return tuple(self.manifest["tokenizer"]["user_words"])


def load_index(settings: Settings, encoder: Encoder | None = None, check_corpus: bool = True) -> Index:
    """Load ``settings.index_dir`` after checking its manifest and file checksums."""
    import bm25s
    import faiss

    d = settings.index_dir
    hint = REBUILD_HINT.format(name=settings.index_name)
    mpath = d / "manifest.json"
    if not mpath.exists():
        raise IndexStateError(f"no index at {d}: {hint}")
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise IndexStateError(f"index manifest {mpath} is unreadable ({e}): {hint}") from e
    if manifest.get("format_version") != FORMAT_VERSION or manifest.get("parser") != PARSER_VERSION:
        raise IndexStateError(f"index {d} was built by another version of PolicyQA: {hint}")
    for name, digest in manifest.get("files", {}).items():
        p = d / name
        if not p.exists() or _sha256_file(p) != digest:
            raise IndexStateError(f"index file {p} is missing or corrupt (checksum mismatch): {hint}")
    enc_spec = manifest["encoder"]["spec"]
    if encoder is not None and encoder.id != manifest["encoder"]["id"]:
        raise IndexStateError(
            f"index {d} was built with encoder {manifest['encoder']['id']}, not {encoder.id}: {hint}"
        )
    if encoder is None and settings.encoder != enc_spec:
        raise IndexStateError(f"index {d} was built with encoder {enc_spec!r}, settings ask for {settings.encoder!r}: {hint}")
    docs = [
        Document(**{k: v for k, v in x.items() if k != "name"})
        for x in json.loads((d / "documents.json").read_text(encoding="utf-8"))
    ]
    clauses = [Clause.from_json(json.loads(line)) for line in (d / "clauses.jsonl").open(encoding="utf-8")]
    corpus = Corpus(tuple(docs), tuple(clauses))
    if check_corpus and settings.seeds_dir.is_dir():
        try:
            current = Corpus.from_folder(settings.seeds_dir).hash
        except InputError:
            current = None
        if current is not None and current != manifest["corpus_hash"]:
            raise IndexStateError(f"the documents in {settings.seeds_dir} changed since index {d} was built: {hint}")
    by_id = corpus.clause_by_id
    rows = [by_id[i] for i in json.loads((d / "rows.json").read_text(encoding="utf-8"))]
    bm25 = bm25s.BM25.load(str(d / "bm25"))
    dense = faiss.read_index(str(d / "dense.faiss"))
    vec_rows = np.load(d / "vec_rows.npy")
    return Index(d, manifest, corpus, rows, bm25, dense, vec_rows, settings, encoder)
