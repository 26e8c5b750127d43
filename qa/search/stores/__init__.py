"""Where the dense vectors of a generation live: one interface, two stores (FAISS, Milvus).

``POLICYQA_VECTOR_STORE`` (``Settings.vector_store``) picks the store a build writes to:

- unset or ``faiss``: a FAISS file ``dense.faiss`` inside the generation folder (the default);
- a local path ending in ``.db``: Milvus Lite, embedded in this process, data in that folder;
- ``http://host:19530`` (``https``, ``tcp``, ``unix:``): a Milvus server or cluster.

The same code talks to Milvus Lite and a Milvus server.  Each generation writes its own
store (a FAISS file, or a Milvus collection named after the generation folder), and the
manifest records where it is (``manifest["vector_store"]``), so a loaded index reads the store
it was built with whatever the environment says now.  An index written before stores existed
has no such entry and is read as FAISS.

The steps: :func:`write` (build: the entry goes into ``vector_store.json`` before anything is
created in the store, so a crash mid-write still tells the next sweep what to drop), then
:func:`open_store` (load), and :func:`drop` when a generation is swept.  The stores
themselves are in :mod:`qa.search.stores.faiss_store` and :mod:`qa.search.stores.milvus_store`.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Protocol

import numpy as np

from qa.errors import IndexStateError

MARKER = "vector_store.json"
LOCAL_SCHEMES = ("http://", "https://", "tcp://", "unix:")


class StoreUnavailable(IndexStateError):
    """The store cannot be reached or read now (a Milvus server down): rebuilding would not help."""


class VectorStore(Protocol):
    """A loaded generation's vectors: inner-product search over L2-normalised vectors."""

    entry: dict  # the manifest entry it was opened from

    @property
    def ntotal(self) -> int: ...

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """``(scores, ids)``, each ``(len(queries), k)``, best first; missing hits are id -1."""
        ...

    def reconstruct_all(self) -> np.ndarray | None:
        """Every vector in id order (``None`` when the store cannot give them back)."""
        ...

    def vectors(self, ids: list[int]) -> np.ndarray | None:
        """The vectors of these ids, in their order (``None`` when the store cannot give them back)."""
        ...


def store_kind(setting: str) -> str:
    """Which store a ``POLICYQA_VECTOR_STORE`` value names (``ValueError`` when none).

    >>> [store_kind(s) for s in ("faiss", "/srv/policyqa/vectors.db", "http://milvus:19530")]
    ['faiss', 'milvus', 'milvus']
    >>> store_kind("http://user:secret@milvus:19530")
    Traceback (most recent call last):
    ...
    ValueError: a Milvus URI with a user or password would be saved in the index manifest; use one without
    """
    if setting in ("", "faiss"):
        return "faiss"
    if setting.endswith(".db"):
        return "milvus"
    if setting.startswith(LOCAL_SCHEMES):
        if "@" in setting.split("//", 1)[-1].split("/", 1)[0]:
            raise ValueError(
                "a Milvus URI with a user or password would be saved in the index manifest; use one without"
            )
        return "milvus"
    raise ValueError(
        f"vector store must be 'faiss', a Milvus Lite file path ending in .db or a Milvus URL "
        f"(http://host:19530), not {setting!r}"
    )


def _backend(kind: str):
    if kind == "faiss":
        from qa.search.stores import faiss_store

        return faiss_store
    if kind == "milvus":
        from qa.search.stores import milvus_store

        return milvus_store
    raise ValueError(f"unknown vector store kind {kind!r}")


def entry_of(manifest: dict) -> dict:
    """The manifest's store entry; a manifest written before stores existed names a FAISS file.

    >>> entry_of({"dense_index": "IndexFlatIP"})
    {'kind': 'faiss', 'file': 'dense.faiss', 'type': 'IndexFlatIP'}
    """
    entry = manifest.get("vector_store")
    if isinstance(entry, dict) and entry.get("kind"):
        return entry
    return {"kind": "faiss", "file": "dense.faiss", "type": manifest.get("dense_index", "")}


def setting_of(manifest: dict) -> str:
    """The ``POLICYQA_VECTOR_STORE`` value a generation was built with (a library change can keep it).

    >>> setting_of({"vector_store": {"kind": "milvus", "uri": "/srv/v.db", "collection": "c"}})
    '/srv/v.db'
    """
    entry = entry_of(manifest)
    return entry["uri"] if entry["kind"] == "milvus" else "faiss"


def write(setting: str, generation_dir: Path, vectors: np.ndarray, *, index_kind: str, threshold: int) -> dict:
    """Write a generation's vectors to the store ``setting`` names; return its manifest entry.

    ``index_kind`` (``flat`` | ``hnsw`` | ``ivf`` | ``auto``) and ``threshold`` choose the
    search structure the same way for both stores (see :func:`qa.search.stores.faiss_store.make_faiss`).
    A failed write removes what it created in the store and raises.
    """
    backend = _backend(store_kind(setting))
    entry = backend.locate(setting, generation_dir)
    (generation_dir / MARKER).write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
    try:
        return backend.write(
            entry, generation_dir, np.ascontiguousarray(vectors, dtype=np.float32), index_kind, threshold
        )
    except BaseException:
        with contextlib.suppress(Exception):  # the store is unreachable: the marker stays for the next sweep
            backend.drop(entry)
        raise


def open_store(generation_dir: Path, entry: dict) -> VectorStore:
    """Open a generation's store from its manifest entry (cheap: no vector is read for Milvus)."""
    return _backend(entry["kind"]).load(entry, generation_dir)


def stored_entry(generation_dir: Path) -> dict | None:
    """What a generation folder says about its store: its manifest's entry, else the marker."""
    for name in ("manifest.json", MARKER):
        try:
            data = json.loads((generation_dir / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if name == MARKER:
            return data if isinstance(data, dict) and data.get("kind") else None
        if isinstance(data, dict) and isinstance(data.get("vector_store"), dict):
            return data["vector_store"]
    return None


def drop_later(generation_dir: Path) -> bool:
    """Whether a superseded generation's store outlives its swap until the next sweep.

    A FAISS file goes with its folder (a reader has it in memory).  A Milvus collection is
    searched remotely: a server in another process may still answer from it until it notices
    the new generation, so it is dropped at the next library change's sweep, not at the swap.
    """
    entry = stored_entry(generation_dir)
    return entry is not None and entry.get("kind") == "milvus"


def drop(generation_dir: Path) -> None:
    """Remove a generation's vectors from their store (nothing for FAISS; raises when unreachable)."""
    entry = stored_entry(generation_dir)
    if entry is not None:
        _backend(entry["kind"]).drop(entry)
