"""Build and load ``index/<name>/``: manifest, clauses, BM25 and the vector store, written atomically.

``build`` writes into a temporary sibling folder and renames it over the old one only when
everything is on disk, so an interrupted build leaves the previous index usable.  ``load``
checks the manifest (format, encoder, corpus hash, file checksums): a mismatch is an error
that says how to rebuild, never silently wrong results.  The vectors go to the store
``settings.vector_store`` names (FAISS in the folder, or a Milvus collection: :mod:`qa.search.stores`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from qa.corpus import PARSER_VERSION, Corpus, documents_hash
from qa.errors import IndexStateError, InputError
from qa.ingest import load_corpus
from qa.normalize import match_form, to_simplified
from qa.schema import Clause, Document
from qa.search import stores as vector_store
from qa.search.encoders import Encoder, make_encoder
from qa.search.stores.faiss_store import make_faiss  # noqa: F401 (qa.search.index.make_faiss, as before the stores)
from qa.search.tokens import TOKENIZER_ID, corpus_terms, tokenize
from qa.settings import Settings

FORMAT_VERSION = 2  # 2: generations, document lifecycle fields, history
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


def _generation_dirs(target: Path) -> list[Path]:
    return sorted(target.parent.glob(f".{target.name}.gen-*"))


def _swap_in(target: Path, generation: Path) -> None:
    """Point ``target`` at ``generation`` in one atomic step and delete what it pointed to before.

    ``index/<name>`` is a symbolic link to a hidden generation folder; replacing a link is atomic,
    so a reader (or a crash) sees the old index or the new one, never a mix and never nothing.
    """
    link = target.with_name(f".{target.name}.link.{os.getpid()}")
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(generation.name, link)
    old: Path | None = None
    if target.is_symlink():
        old = target.parent / os.readlink(target)
    elif target.exists():  # an index written by PolicyQA before generations: one non-atomic step
        old = target.with_name(f".{target.name}.legacy.{os.getpid()}")
        os.replace(target, old)
    os.replace(link, target)
    if old is not None and old.resolve() != generation.resolve() and not vector_store.drop_later(old):
        shutil.rmtree(old, ignore_errors=True)  # a Milvus generation stays until the next sweep


def sweep_generations(target: Path) -> list[Path]:
    """Remove generation folders left behind by interrupted builds or superseded by a change,
    with their vectors in the store (call under the library lock).

    A folder whose store cannot be reached now is kept, so a later sweep drops its vectors.
    """
    live = target.resolve() if target.is_symlink() else None
    gone = []
    for g in _generation_dirs(target):
        if g.resolve() == live:
            continue
        try:
            vector_store.drop(g)
        except Exception:
            continue
        shutil.rmtree(g, ignore_errors=True)
        gone.append(g)
    return gone


def passage_plan(corpus: Corpus, rows: list[Clause], form: str) -> tuple[list[str], list[int]]:
    """Every text to embed, and the row each belongs to (rows with ``form=both`` have two)."""
    texts, vec_rows = [], []
    for i, c in enumerate(rows):
        for t in passage_texts(c, corpus.doc_by_id[c.doc_id], form):
            texts.append(t)
            vec_rows.append(i)
    return texts, vec_rows


def stored_vectors(index: Index) -> dict[str, np.ndarray]:
    """The vectors of a loaded index, keyed like :class:`EmbeddingCache` (by passage text).

    An incremental update reuses them, so only new clauses are embedded even without the cache.
    """
    n = index.dense.ntotal
    if not n:
        return {}
    vecs = index.dense.reconstruct_all()
    if vecs is None:  # a store that cannot give its vectors back: embed again
        return {}
    texts, _rows = passage_plan(index.corpus, index.rows, index.manifest.get("embed_form", "both"))
    if len(texts) != n:
        return {}
    return {EmbeddingCache.key(t): v for t, v in zip(texts, vecs, strict=True)}


def build_index(
    corpus: Corpus,
    settings: Settings,
    encoder: Encoder | None = None,
    *,
    reuse: dict[str, np.ndarray] | None = None,
    seeds_hash: str | None = None,
    history: list[dict] | None = None,
    archive_from: Path | None = None,
    extra_files: dict[str, str] | None = None,
    _fail_after_write: bool = False,
) -> Path:
    """Write a new generation of ``settings.index_dir`` and swap it in atomically; return the path.

    ``reuse`` maps passage keys to vectors already computed (an incremental update passes the
    current index's); the rest come from the embedding cache or the encoder.  ``seeds_hash`` is
    the identity of the seed folder the library was imported from (default: this corpus).
    ``history`` is the library's event log and ``archive_from`` the current generation, whose
    ``versions/`` (earlier texts of updated or removed documents) are carried over.
    """
    import bm25s

    t0 = time.perf_counter()
    encoder = encoder or make_encoder(settings.encoder)
    target = settings.index_dir
    target.parent.mkdir(parents=True, exist_ok=True)
    rows = [c for c in corpus.clauses if not corpus.is_heading_only(c)]
    user_words = tuple(corpus_terms(c.text for c in rows))

    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.gen-{time.time_ns()}-", dir=target.parent))
    try:
        with (tmp / "clauses.jsonl").open("w", encoding="utf-8") as f:
            for c in corpus.clauses:
                f.write(json.dumps(c.to_json(), ensure_ascii=False) + "\n")
        (tmp / "documents.json").write_text(
            json.dumps([{**d.meta(), "raw": d.raw, "clean": d.clean} for d in corpus.documents], ensure_ascii=False),
            encoding="utf-8",
        )
        (tmp / "rows.json").write_text(json.dumps([c.id for c in rows]), encoding="utf-8")
        with (tmp / "history.jsonl").open("w", encoding="utf-8") as f:
            for event in history or ():
                f.write(json.dumps(event, ensure_ascii=False) + "\n")
        if archive_from is not None and (archive_from / "versions").is_dir():
            shutil.copytree(archive_from / "versions", tmp / "versions", copy_function=os.link)
        for rel, text in (extra_files or {}).items():
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp / rel).write_text(text, encoding="utf-8")

        t_sparse = time.perf_counter()
        tokens = [tokenize(sparse_text(c), user_words) or ["∅"] for c in rows]
        bm25 = bm25s.BM25(k1=1.2, b=0.75)
        bm25.index(tokens, show_progress=False)
        bm25.save(str(tmp / "bm25"), show_progress=False)
        t_sparse = time.perf_counter() - t_sparse

        texts, vec_rows = passage_plan(corpus, rows, settings.embed_form)
        cache = EmbeddingCache(settings.cache_dir / "embeddings", encoder.id)
        if reuse:
            cache.vectors.update({k: v for k, v in reuse.items() if k not in cache.vectors})
        vectors, embedded = cache.embed(encoder, texts, settings.progress)
        t_dense = time.perf_counter()
        store = vector_store.write(
            settings.vector_store, tmp, vectors, index_kind=settings.dense_index, threshold=settings.hnsw_threshold
        )
        np.save(tmp / "vec_rows.npy", np.asarray(vec_rows, dtype=np.int32))
        t_dense = time.perf_counter() - t_dense

        manifest = {
            "format_version": FORMAT_VERSION,
            "parser": PARSER_VERSION,
            "encoder": {"id": encoder.id, "dim": int(encoder.dim), "spec": settings.encoder},
            "embed_form": settings.embed_form,
            "dense_index": store.get("type") or f"milvus:{store.get('index')}",
            "dense_index_setting": settings.dense_index,
            "vector_store": store,
            "tokenizer": {"id": TOKENIZER_ID, "user_words": list(user_words)},
            "corpus_hash": corpus.hash,
            "seeds_hash": seeds_hash if seeds_hash is not None else corpus.hash,
            "documents": len(corpus.documents),
            "clause_count": len(corpus.clauses),
            "indexed_clauses": len(rows),
            "vectors": len(vectors),
            "embedded_now": embedded,
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "build_seconds": round(time.perf_counter() - t0, 3),
            "sparse_seconds": round(t_sparse, 3),
            "dense_seconds": round(t_dense, 3),
        }
        manifest["files"] = {str(p.relative_to(tmp)): _sha256_file(p) for p in sorted(tmp.rglob("*")) if p.is_file()}
        write_atomic(tmp / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        if _fail_after_write:  # test hook: simulate a crash before the swap
            raise RuntimeError("simulated crash before the index swap")
        _fsync_tree(tmp)
        _swap_in(target, tmp)
    except BaseException:
        try:
            vector_store.drop(tmp)  # a half-written Milvus collection
        except Exception:  # the store is unreachable: the folder stays for the next sweep
            pass
        else:
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def write_atomic(path: Path, text: str) -> None:
    """Write a small text file so that a crash leaves the old content or the new, never half."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _fsync_tree(folder: Path) -> None:
    """Flush a new generation to disk before it is swapped in (a power cut must not expose half of it)."""
    for p in folder.rglob("*"):
        if p.is_file():
            with p.open("rb") as f:
                os.fsync(f.fileno())
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


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
    _history: list[dict] | None = field(default=None, repr=False)

    @property
    def encoder(self) -> Encoder:
        if self._encoder is None:
            self._encoder = make_encoder(self.manifest["encoder"]["spec"])
        return self._encoder

    @property
    def user_words(self) -> tuple[str, ...]:
        return tuple(self.manifest["tokenizer"]["user_words"])

    @property
    def generation(self) -> str:
        """The generation folder this index was loaded from (changes with every add/update/remove)."""
        return self.dir.name

    def history(self) -> list[dict]:
        """The library's events, oldest first (see :mod:`qa.library`); read once per loaded index."""
        if self._history is None:
            self._history = read_history(self.dir)
        return self._history


def read_history(d: Path) -> list[dict]:
    """The events in ``d/history.jsonl`` (none for an index written before the library existed)."""
    p = d / "history.jsonl"
    if not p.exists():
        return []
    return [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]


def read_documents(d: Path) -> list[Document]:
    """The documents stored in an index folder (after their checksum is verified by the caller)."""
    fields = {f.name for f in dataclasses.fields(Document)}
    return [
        Document(**{k: v for k, v in x.items() if k in fields})
        for x in json.loads((d / "documents.json").read_text(encoding="utf-8"))
    ]


def read_manifest(d: Path, hint: str, any_parser: bool = False) -> dict:
    """The manifest of an index folder, checked to be of this format (and, unless ``any_parser``,
    of this reader: a library built by an earlier reader is read again, not loaded)."""
    mpath = d / "manifest.json"
    if not mpath.exists():
        raise IndexStateError(f"no index at {d}: {hint}")
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise IndexStateError(f"index manifest {mpath} is unreadable ({e}): {hint}") from e
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files", {}), dict):
        raise IndexStateError(f"index manifest {mpath} is not a PolicyQA manifest: {hint}")
    if manifest.get("format_version") != FORMAT_VERSION or (
        manifest.get("parser") != PARSER_VERSION and not any_parser
    ):
        raise IndexStateError(f"index {d} was built by another version of PolicyQA: {hint}")
    return manifest


def verify_files(d: Path, manifest: dict, hint: str, only: tuple[str, ...] = ()) -> None:
    """Check the manifest's sha256 of every file (or of ``only`` those)."""
    for name, digest in manifest.get("files", {}).items():
        if only and name not in only:
            continue
        p = d / name
        if not p.exists() or _sha256_file(p) != digest:
            raise IndexStateError(f"index file {p} is missing or corrupt (checksum mismatch): {hint}")


def load_corpus_only(settings: Settings) -> Corpus:
    """The library's documents and clauses, without loading the retrieval structures (for listings)."""
    hint = REBUILD_HINT.format(name=settings.index_name)
    d = settings.index_dir.resolve()
    manifest = read_manifest(d, hint)
    verify_files(d, manifest, hint, only=("documents.json", "clauses.jsonl"))
    clauses = [Clause.from_json(json.loads(line)) for line in (d / "clauses.jsonl").open(encoding="utf-8")]
    return Corpus(tuple(read_documents(d)), tuple(clauses))


def load_index(settings: Settings, encoder: Encoder | None = None, check_corpus: bool = True) -> Index:
    """Load ``settings.index_dir`` after checking its manifest and file checksums.

    The folder is resolved once (it is a link to the current generation), so an update swapped
    in while this runs does not mix two generations; if that generation is deleted under us,
    the load starts again on the new one.
    """
    for attempt in range(3):
        try:
            return _load_generation(settings, encoder, check_corpus)
        except _GenerationGone:
            if attempt == 2:
                raise IndexStateError(
                    f"index {settings.index_dir} kept changing while being loaded; try again"
                ) from None
    raise AssertionError("unreachable")


class _GenerationGone(Exception):
    pass


def _load_generation(settings: Settings, encoder: Encoder | None, check_corpus: bool) -> Index:
    hint = REBUILD_HINT.format(name=settings.index_name)
    d = settings.index_dir.resolve()
    try:
        return _read_generation(d, settings, encoder, check_corpus, hint)
    except (OSError, RuntimeError, IndexStateError) as e:
        # swapped out and deleted while we read it: start again on the new generation
        if d.name.startswith(f".{settings.index_name}.gen-") and (not d.exists() or settings.index_dir.resolve() != d):
            raise _GenerationGone from None
        if isinstance(e, IndexStateError):
            raise
        raise IndexStateError(f"index {settings.index_dir} cannot be read ({e}): {hint}") from e


def _read_generation(d: Path, settings: Settings, encoder: Encoder | None, check_corpus: bool, hint: str) -> Index:
    import bm25s

    manifest = read_manifest(d, hint)
    verify_files(d, manifest, hint)
    enc_spec = manifest["encoder"]["spec"]
    if encoder is not None and encoder.id != manifest["encoder"]["id"]:
        raise IndexStateError(f"index {d} was built with encoder {manifest['encoder']['id']}, not {encoder.id}: {hint}")
    if encoder is None and settings.encoder != enc_spec:
        raise IndexStateError(
            f"index {d} was built with encoder {enc_spec!r}, settings ask for {settings.encoder!r}: {hint}"
        )
    docs = read_documents(d)
    clauses = [Clause.from_json(json.loads(line)) for line in (d / "clauses.jsonl").open(encoding="utf-8")]
    corpus = Corpus(tuple(docs), tuple(clauses))
    if check_corpus and settings.seeds_dir.is_dir():
        try:
            current = documents_hash(load_corpus(settings.seeds_dir))  # read, not parsed
        except InputError:
            current = None
        if current is not None and current != manifest.get("seeds_hash"):
            raise IndexStateError(
                f"the documents in {settings.seeds_dir} changed since index {settings.index_dir} was built: {hint}"
            )
    by_id = corpus.clause_by_id
    rows = [by_id[i] for i in json.loads((d / "rows.json").read_text(encoding="utf-8"))]
    bm25 = bm25s.BM25.load(str(d / "bm25"))
    try:
        dense = vector_store.open_store(d, vector_store.entry_of(manifest))
    except vector_store.StoreUnavailable:
        raise
    except IndexStateError as e:
        raise IndexStateError(f"{e}: {hint}") from e
    vec_rows = np.load(d / "vec_rows.npy")
    return Index(d, manifest, corpus, rows, bm25, dense, vec_rows, settings, encoder)
