"""The default store: a FAISS index in the generation folder (``dense.faiss``), read whole at load."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

FILE = "dense.faiss"
#: search parameters measured by ``make bench`` (eval/bench.py) to reach recall@10 ≥ 0.95
HNSW_EF_CONSTRUCTION = 128
HNSW_EF = 256
#: an HNSW graph of more than HNSW_LARGE vectors searches wider: at 1M (efConstruction 128)
#: efSearch 256 reached recall@10 0.899, 512 0.946 and 768 0.966 at p95 7.9 ms
#: (eval/reports/2026-12-05-bench-1m.md)
HNSW_LARGE = 200_000
HNSW_EF_LARGE = 768
#: at 1M nprobe 96 reached 0.944 on one draw of vectors (0.956 on another), 128 reached 0.954 at
#: p95 17.6 ms on a loaded machine (eval/reports/2026-12-05-bench-1m.md)
IVF_NPROBE = 128
#: Above this many vectors ``auto`` builds IVF: both meet recall 0.95 at 1M, and IVF built in
#: 89 s where HNSW took 1,374 s (eval/reports/2026-12-05-bench-1m.md); every change rebuilds.
IVF_ABOVE = 500_000


def make_faiss(vectors: np.ndarray, kind: str, threshold: int):
    """A FAISS inner-product index for normalised vectors.

    ``flat`` is exact (``IndexFlatIP``); ``hnsw`` is a graph index (``IndexHNSWFlat``, M=32,
    efConstruction=128, efSearch=HNSW_EF, or HNSW_EF_LARGE past HNSW_LARGE vectors); ``ivf`` clusters into ~4·√n lists (``IndexIVFFlat``,
    trained on ≤100k vectors, IVF_NPROBE probed).  The search parameters are the smallest that
    reached recall@10 ≥ 0.95 against exact search in ``make bench`` (docs/SCALE.md).
    ``auto`` stays exact up to ``threshold`` vectors, uses HNSW above it and IVF above
    :data:`IVF_ABOVE` (where HNSW fell short of recall 0.95 in ``make bench``).
    """
    import faiss

    n, dim = vectors.shape
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if kind == "auto":
        kind = "flat" if n <= threshold else "ivf" if n > IVF_ABOVE else "hnsw"
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_LARGE if n > HNSW_LARGE else HNSW_EF
    elif kind == "ivf":
        nlist = max(1, min(int(4 * np.sqrt(n)), n // 39 or 1))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
        sample = vectors if n <= 100_000 else vectors[np.random.default_rng(0).choice(n, 100_000, replace=False)]
        index.train(sample)
        index.nprobe = min(IVF_NPROBE, nlist)
    else:
        index = faiss.IndexFlatIP(dim)
    if n:
        index.add(vectors)
    return index


@dataclass(eq=False)
class FaissStore:
    """A FAISS index in memory; ``index`` is the ``faiss.Index`` itself."""

    entry: dict
    index: object

    @property
    def ntotal(self) -> int:
        return int(self.index.ntotal)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        return self.index.search(np.ascontiguousarray(queries, dtype=np.float32), k)

    def reconstruct_all(self) -> np.ndarray | None:
        import faiss

        n = self.ntotal
        if not n:
            return np.zeros((0, self.index.d), np.float32)
        try:
            if isinstance(self.index, faiss.IndexIVF):
                self.index.make_direct_map()
            return self.index.reconstruct_n(0, n)
        except RuntimeError:  # an index type that cannot give its vectors back
            return None

    def vectors(self, ids: list[int]) -> np.ndarray | None:
        import faiss

        try:
            if isinstance(self.index, faiss.IndexIVF) and not self.index.direct_map.type:
                self.index.make_direct_map()
            return np.vstack([self.index.reconstruct(int(i)) for i in ids]) if ids else None
        except RuntimeError:
            return None


def locate(setting: str, generation_dir: Path) -> dict:
    return {"kind": "faiss", "file": FILE}


def write(entry: dict, generation_dir: Path, vectors: np.ndarray, index_kind: str, threshold: int) -> dict:
    import faiss

    index = make_faiss(vectors, index_kind, threshold)
    faiss.write_index(index, str(generation_dir / entry["file"]))
    return {**entry, "type": type(index).__name__}


def load(entry: dict, generation_dir: Path) -> FaissStore:
    import faiss

    return FaissStore(entry, faiss.read_index(str(generation_dir / entry.get("file", FILE))))


def drop(entry: dict) -> None:
    """Nothing to do: the file is removed with its generation folder."""
