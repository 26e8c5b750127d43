"""Milvus: one collection per generation, in Milvus Lite (a ``.db`` path) or a Milvus server (a URL).

The same :class:`pymilvus.MilvusClient` code serves both: pymilvus starts Milvus Lite inside
this process for a ``.db`` path (its data is a folder at that path, locked by one process at a
time), and connects to ``http://host:19530`` otherwise.  A collection holds ``id`` (the vector's
position, as in FAISS) and ``vec``; the metric is inner product on the encoder's normalised
vectors, i.e. cosine.  Collections are written once and never changed: a library change writes
a new generation, hence a new collection, and the superseded one is dropped when swept.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.errors import Busy, IndexStateError
from qa.search.stores import StoreUnavailable
from qa.search.stores.faiss_store import HNSW_EF, HNSW_EF_CONSTRUCTION, IVF_NPROBE

ID, VEC = "id", "vec"
BATCH = 5_000  # rows per insert / query call (Milvus caps one query at 16,384)
_clients: dict[str, object] = {}
_lock = threading.Lock()


def collection_name(generation_dir: Path) -> str:
    """A Milvus collection name for a generation folder (letters, digits, ``_``; ≤255 characters).

    >>> collection_name(Path("index/.default.gen-1764892800123456789-k3x_9a"))
    'policyqa_default_gen_1764892800123456789_k3x_9a'
    >>> collection_name(Path("index/.政策库.gen-17-ab"))
    'policyqa_gen_17_ab'
    """
    name = re.sub(r"_+", "_", re.sub(r"[^A-Za-z0-9_]", "_", generation_dir.name)).strip("_")
    return f"policyqa_{name[-200:]}"


def client(uri: str):
    """The process's client for ``uri`` (one per URI; Milvus Lite starts on first use)."""
    with _lock:
        c = _clients.get(uri)
        if c is not None:
            return c
        from pymilvus import MilvusClient

        if uri.endswith(".db"):
            Path(uri).parent.mkdir(parents=True, exist_ok=True)
            _one_blas_thread()
        lite_log = logging.getLogger("milvus_lite.server_manager")
        quiet, lite_log.disabled = lite_log.disabled, True  # its traceback would repeat the error below
        try:
            c = MilvusClient(uri=uri)
        except Exception as e:
            if uri.endswith(".db") and _lite_locked(uri):
                raise Busy(
                    f"another process has the Milvus Lite file {uri} open (Milvus Lite serves one process: "
                    "change the library through that process, e.g. the running server's staff panel, "
                    "or use a Milvus server)"
                ) from e
            raise StoreUnavailable(f"cannot open the vector store {uri}: {e}") from e
        finally:
            lite_log.disabled = quiet
        _clients[uri] = c
        return c


def _one_blas_thread() -> None:
    """Milvus Lite searches with numpy inside this process, and numpy's OpenBLAS worker threads
    spin for ~100 ms after each call before they sleep: a whole core taken from the query encoder
    after every search.  In the 45-document library answer p50 was 118 ms with Milvus Lite
    against 30 ms with FAISS; with numpy's BLAS on one thread it is 49 ms (same answers).  FAISS's
    own BLAS is left as it is."""
    from threadpoolctl import ThreadpoolController

    blas = ThreadpoolController()
    blas.select(filepath=[lib.filepath for lib in blas.lib_controllers if "numpy" in lib.filepath]).limit(limits=1)


def _lite_locked(uri: str) -> bool:
    import fcntl
    import os

    lock = Path(uri) / "LOCK"
    if not lock.exists():
        return False
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def close_all() -> None:
    """Close every client of this process and stop the Milvus Lite instances it started."""
    with _lock:
        uris = list(_clients)
        for uri in uris:
            with contextlib.suppress(Exception):  # a client whose server went away
                _clients.pop(uri).close()
    lite = [u for u in uris if u.endswith(".db")]
    if lite:
        from milvus_lite.server_manager import server_manager_instance

        for uri in lite:
            server_manager_instance.release_server(uri)


def index_plan(n: int, kind: str, threshold: int) -> tuple[str, dict, dict]:
    """``(index type, build params, search params)``, chosen as :func:`~qa.search.stores.faiss_store.make_faiss` chooses.

    >>> index_plan(1_000, "auto", 50_000)
    ('FLAT', {}, {})
    >>> index_plan(80_000, "auto", 50_000)
    ('HNSW', {'M': 32, 'efConstruction': 128}, {'ef': 256})
    >>> index_plan(10_000, "ivf", 0)
    ('IVF_FLAT', {'nlist': 256}, {'nprobe': 128})
    """
    if kind == "auto":
        kind = "hnsw" if n > threshold else "flat"
    if kind == "hnsw":
        return "HNSW", {"M": 32, "efConstruction": HNSW_EF_CONSTRUCTION}, {"ef": HNSW_EF}
    if kind == "ivf":
        nlist = max(1, min(int(4 * np.sqrt(n)), n // 39 or 1))
        return "IVF_FLAT", {"nlist": nlist}, {"nprobe": min(IVF_NPROBE, nlist)}
    return "FLAT", {}, {}


_LITE_SEARCH = threading.Lock()


@dataclass(eq=False)
class MilvusStore:
    """A generation's collection; searches go to Milvus, nothing is held in this process."""

    entry: dict
    client: object

    @property
    def ntotal(self) -> int:
        return int(self.entry["count"])

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        nq = len(queries)
        scores = np.full((nq, k), -np.inf, np.float32)
        ids = np.full((nq, k), -1, np.int64)
        if not nq or not k:
            return scores, ids
        # Milvus Lite runs in this process's shadow (one local server, not checked for concurrent
        # searches): one search at a time; a Milvus server takes concurrent searches
        with _LITE_SEARCH if self.entry["uri"].endswith(".db") else contextlib.nullcontext():
            result = self.client.search(
                self.entry["collection"],
                data=[np.asarray(q, np.float32) for q in queries],
                limit=k,
                search_params={"metric_type": "IP", "params": self.entry.get("search_params", {})},
                output_fields=[ID],
            )
        for qi, hits in enumerate(result):
            for j, hit in enumerate(list(hits)[:k]):
                ids[qi, j] = int(hit["id"])
                scores[qi, j] = float(hit["distance"])
        return scores, ids

    def reconstruct_all(self) -> np.ndarray | None:
        n, dim = self.ntotal, int(self.entry["dim"])
        out = np.zeros((n, dim), np.float32)
        seen = 0
        for lo in range(0, n, BATCH):
            hi = min(n, lo + BATCH)
            rows = self.client.query(
                self.entry["collection"], filter=f"{ID} >= {lo} and {ID} < {hi}", output_fields=[ID, VEC], limit=hi - lo
            )
            for r in rows:
                out[int(r[ID])] = np.asarray(r[VEC], np.float32)
            seen += len(rows)
        return out if seen == n else None

    def vectors(self, ids: list[int]) -> np.ndarray | None:
        if not ids:
            return None
        got = self.client.query(
            self.entry["collection"], filter=f"{ID} in {[int(i) for i in ids]}", output_fields=[ID, VEC], limit=len(ids)
        )
        by_id = {int(r[ID]): np.asarray(r[VEC], np.float32) for r in got}
        return np.vstack([by_id[int(i)] for i in ids]) if all(int(i) in by_id for i in ids) else None


def locate(setting: str, generation_dir: Path) -> dict:
    uri = str(Path(setting).resolve()) if setting.endswith(".db") else setting.rstrip("/")
    return {"kind": "milvus", "uri": uri, "collection": collection_name(generation_dir)}


def write(entry: dict, generation_dir: Path, vectors: np.ndarray, index_kind: str, threshold: int) -> dict:
    from pymilvus import DataType, MilvusClient

    n, dim = vectors.shape
    index_type, build, search = index_plan(n, index_kind, threshold)
    c, name = client(entry["uri"]), entry["collection"]
    if c.has_collection(name):  # left by a crashed build of a folder with this name
        c.drop_collection(name)
    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field(ID, DataType.INT64, is_primary=True)
    schema.add_field(VEC, DataType.FLOAT_VECTOR, dim=dim)
    c.create_collection(name, schema=schema, consistency_level="Strong")
    for lo in range(0, n, BATCH):
        c.insert(name, [{ID: i, VEC: vectors[i]} for i in range(lo, min(n, lo + BATCH))])
    c.flush(name)
    stored = int(c.get_collection_stats(name).get("row_count", -1))
    if stored != n:
        raise IndexStateError(f"Milvus collection {name} at {entry['uri']} holds {stored} vectors, not {n}")
    params = c.prepare_index_params()
    # build parameters nested under "params" (as JSON): Milvus servers read that form too, and
    # Milvus Lite reads only that form (pymilvus 3 would otherwise send them as separate keys)
    params.add_index(field_name=VEC, index_type=index_type, metric_type="IP", params={"params": build} if build else {})
    try:
        c.create_index(name, params, sync=False)  # loading waits for the index; no client-side polling
    except Exception as e:
        # at ~1M rows Milvus Lite blocks in create_index for minutes, its server drops the
        # connection and pymilvus sends the call again, which finds the index the first call built
        # (make bench, eval/reports/2026-12-05-bench-1m.md): that index is the one asked for
        if "index already exists" not in str(e) or VEC not in c.list_indexes(name):
            raise
    c.load_collection(name)
    return {**entry, "index": index_type, "metric": "IP", "search_params": search, "dim": int(dim), "count": int(n)}


def load(entry: dict, generation_dir: Path) -> MilvusStore:
    c, name = client(entry["uri"]), entry["collection"]
    try:
        state = str(c.get_load_state(name).get("state", ""))
        if "NotExist" in state:
            raise IndexStateError(
                f"the vectors of {generation_dir} (Milvus collection {name} at {entry['uri']}) are missing"
            )
        if "Loaded" not in state:
            c.load_collection(name)
    except IndexStateError:
        raise
    except Exception as e:
        raise StoreUnavailable(f"cannot read Milvus collection {name} at {entry['uri']}: {e}") from e
    return MilvusStore(entry, c)


def drop(entry: dict) -> None:
    """Drop the generation's collection (nothing to do when its Milvus Lite folder is gone)."""
    uri = entry["uri"]
    if uri.endswith(".db") and not Path(uri).exists():
        return
    c = client(uri)
    if c.has_collection(entry["collection"]):
        c.drop_collection(entry["collection"])
