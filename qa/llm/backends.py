"""Backends implementing :class:`ChatBackend` (``stream`` / ``complete``):
:class:`LlamaCppBackend` (llama-cpp-python, plus :meth:`LlamaCppBackend.yes_no_score` for an
optional slow reranker), :class:`OpenAIBackend` (any OpenAI-compatible endpoint, SSE streaming,
standard library only) and :class:`TransformersBackend` (a local Hugging Face causal LM); and
:func:`make_backend`, a factory by name.  llama_cpp, torch and transformers are imported inside
the functions that need them.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import math
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from qa.errors import BackendError, ConfigError, InputError, ModelError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from llama_cpp import Llama

from qa.llm.model import INSTALL_HINT, ensure_model


@dataclass(frozen=True)
class LlmStats:
    """Timings of a backend's last ``stream``/``complete`` call.

    ``tokens_per_s`` is the decode rate after the first token: (tokens - 1) / (total - first),
    falling back to tokens / total when fewer than two tokens came.
    """

    backend: str
    completion_tokens: int
    first_token_s: float | None
    total_s: float
    tokens_per_s: float


@runtime_checkable
class ChatBackend(Protocol):
    """A raw chat-completion generator: OpenAI-style messages in, text pieces out."""

    name: str

    def stream(
        self,
        messages: list[dict[str, Any]],
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: list[str] | None = None,
    ) -> Iterator[str]:
        """Yield the reply in pieces as they are generated."""
        ...

    def complete(
        self,
        messages: list[dict[str, Any]],
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: list[str] | None = None,
    ) -> str:
        """Return the whole reply."""
        ...


def _check_messages(messages: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """Validate chat messages (non-empty list of {role, content} string dicts) and copy them."""
    if not isinstance(messages, Sequence) or isinstance(messages, str) or not messages:
        raise InputError("messages must be a non-empty list of {'role', 'content'} dicts")
    out: list[dict[str, str]] = []
    for i, msg in enumerate(messages):
        if not isinstance(msg, dict):
            raise InputError(f"message {i} is not a dict")
        role, content = msg.get("role"), msg.get("content")
        if not isinstance(role, str) or not isinstance(content, str):
            raise InputError(f"message {i} needs string 'role' and 'content'")
        out.append({"role": role, "content": content})
    return out


def _apply_stops(pieces: Iterable[str], stop: Sequence[str] | None) -> Iterator[str]:
    """Pass pieces through, ending the stream before the first occurrence of any stop string.

    Text that could be the start of a stop string is held back until it is decided.

    >>> "".join(_apply_stops(["ab", "cS", "TOPd"], ["STOP"]))
    'abc'
    """
    stops = [s for s in (stop or []) if s]
    if not stops:
        yield from pieces
        return
    hold = max(len(s) for s in stops) - 1
    buf = ""
    for piece in pieces:
        buf += piece
        hits = [i for i in (buf.find(s) for s in stops) if i >= 0]
        if hits:
            if min(hits):
                yield buf[: min(hits)]
            return
        if len(buf) > hold:
            cut = len(buf) - hold
            yield buf[:cut]
            buf = buf[cut:]
    if buf:
        yield buf


class _BaseBackend:
    """Shared ``stream``/``complete`` with argument checks and :class:`LlmStats` recording."""

    name: str = "base"

    def __init__(self) -> None:
        self.last_stats: LlmStats | None = None

    def _stream(
        self,
        messages: list[dict[str, str]],
        *,
        max_tokens: int,
        temperature: float,
        stop: list[str] | None,
    ) -> Iterator[str]:
        raise NotImplementedError

    def _count_tokens(self, text: str, n_pieces: int) -> int:
        """Number of generated tokens; by default the number of streamed pieces."""
        return n_pieces

    def stream(
        self,
        messages: list[dict[str, Any]],
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: list[str] | None = None,
    ) -> Iterator[str]:
        """Yield the reply in pieces; sets :attr:`last_stats` when the stream ends or is closed."""
        msgs = _check_messages(messages)
        if not isinstance(max_tokens, int) or max_tokens < 1:
            raise ConfigError(f"max_tokens must be a positive integer, got {max_tokens!r}")
        if not (isinstance(temperature, int | float) and 0.0 <= temperature <= 2.0):
            raise ConfigError(f"temperature must be within [0, 2], got {temperature!r}")
        stops = [s for s in stop if s] if stop else None
        return self._timed(msgs, max_tokens, float(temperature), stops)

    def _timed(
        self,
        msgs: list[dict[str, str]],
        max_tokens: int,
        temperature: float,
        stop: list[str] | None,
    ) -> Iterator[str]:
        t0 = time.perf_counter()
        first: float | None = None
        pieces: list[str] = []
        try:
            for piece in self._stream(msgs, max_tokens=max_tokens, temperature=temperature, stop=stop):
                if not piece:
                    continue
                if first is None:
                    first = time.perf_counter() - t0
                pieces.append(piece)
                yield piece
        finally:
            total = time.perf_counter() - t0
            n = self._count_tokens("".join(pieces), len(pieces)) if pieces else 0
            if n > 1 and first is not None and total > first:
                rate = (n - 1) / (total - first)
            else:
                rate = n / total if total > 0 else 0.0
            self.last_stats = LlmStats(self.name, n, first, total, rate)

    def complete(
        self,
        messages: list[dict[str, Any]],
        *,
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: list[str] | None = None,
    ) -> str:
        """Return the whole reply (the joined stream)."""
        return "".join(self.stream(messages, max_tokens=max_tokens, temperature=temperature, stop=stop))


def _default_threads() -> int:
    """llama.cpp threads when none are given: ``$POLICYQA_LLM_THREADS``, else all CPUs but one on
    machines with up to 4 CPUs (half of them above that).

    llama.cpp's threads wait on each other at every layer, so when another process takes one of
    the cores the decode rate collapses (measured on the 2-CPU machine under load: 0.3 tokens/s
    with 2 threads against 11 with 1). Leaving a core free costs ~25% when the machine is idle.
    """
    env = os.environ.get("POLICYQA_LLM_THREADS", "").strip()
    if env:
        try:
            value = int(env)
        except ValueError as exc:
            raise ConfigError(f"POLICYQA_LLM_THREADS is not an integer: {env!r}") from exc
        if value < 1:
            raise ConfigError(f"POLICYQA_LLM_THREADS must be at least 1, got {value}")
        return value
    try:
        cpus = max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - non-Linux
        cpus = max(1, os.cpu_count() or 1)
    return max(1, cpus - 1) if cpus <= 4 else cpus // 2


# --------------------------------------------------------------------------------------------
# llama.cpp
# --------------------------------------------------------------------------------------------

YES_NO_SYSTEM = "你是政策文件检索助手。判断给定段落能否回答用户的问题，只回答“是”或“否”。"
YES_NO_USER = "问题：{question}\n\n段落：{passage}\n\n这个段落能回答上面的问题吗？只回答“是”或“否”。"


class LlamaCppBackend(_BaseBackend):
    """The packaged GGUF model (or any GGUF file) through llama-cpp-python, loaded lazily.

    Args:
        model_path: a GGUF file; ``None`` means the packaged model, assembled by
            :func:`ensure_model` into ``cache_dir`` on first use.
        n_ctx: context window in tokens.
        n_threads: CPU threads; ``None`` means :func:`_default_threads` (1 on a 2-CPU machine).
        cache_dir: where the packaged model is assembled (default :func:`default_cache_dir`).
        seed: sampling seed (greedy decoding at temperature 0 does not use it).
    """

    name = "llamacpp"

    def __init__(
        self,
        model_path: str | os.PathLike[str] | None = None,
        n_ctx: int = 4096,
        n_threads: int | None = None,
        *,
        cache_dir: str | os.PathLike[str] | None = None,
        seed: int = 0,
    ) -> None:
        super().__init__()
        self.model_path = Path(model_path) if model_path is not None else None
        self.n_ctx = n_ctx
        self.n_threads = n_threads or _default_threads()
        self.cache_dir = cache_dir
        self.seed = seed
        self.load_s: float | None = None
        self._llm: Llama | None = None
        self._load_lock = threading.Lock()
        # A plain Lock, not an RLock: a streaming generator may be resumed (and closed) on
        # another thread than the one that started it (e.g. by a web UI's worker pool).
        self._gen_lock = threading.Lock()
        self._yes_no_ids: tuple[int, int] | None = None

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory."""
        return self._llm is not None

    def load(self) -> Llama:
        """Load the model now (assembling the packaged one if needed) and return it."""
        with self._load_lock:
            if self._llm is not None:
                return self._llm
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise ModelError(f"llama-cpp-python is not installed; {INSTALL_HINT}") from exc
            path = self.model_path if self.model_path is not None else ensure_model(self.cache_dir)
            if not path.is_file():
                raise ModelError(f"model file {path} not found")
            t0 = time.perf_counter()
            try:
                self._llm = Llama(
                    model_path=str(path),
                    n_ctx=self.n_ctx,
                    n_threads=self.n_threads,
                    n_threads_batch=self.n_threads,
                    seed=self.seed,
                    verbose=False,
                )
            except (ValueError, RuntimeError, OSError) as exc:
                raise ModelError(f"llama.cpp cannot load {path}: {exc}") from exc
            self.load_s = time.perf_counter() - t0
            return self._llm

    def close(self) -> None:
        """Free the model (it is reloaded on next use)."""
        with self._gen_lock, self._load_lock:
            llm, self._llm = self._llm, None
            if llm is not None:
                with contextlib.suppress(Exception):
                    llm.close()

    def reset(self) -> None:
        """Forget the evaluated prompt, so the next call re-evaluates it from scratch."""
        with self._gen_lock:
            if self._llm is not None:
                self._llm.reset()

    def _count_tokens(self, text: str, n_pieces: int) -> int:
        llm = self._llm
        if llm is None:
            return n_pieces
        return len(llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def _stream(
        self,
        messages: list[dict[str, str]],
        *,
        max_tokens: int,
        temperature: float,
        stop: list[str] | None,
    ) -> Iterator[str]:
        llm = self.load()
        with self._gen_lock:
            try:
                chunks: Any = llm.create_chat_completion(
                    messages=messages,  # type: ignore[arg-type]
                    max_tokens=max_tokens,
                    temperature=temperature,
                    stop=stop or [],
                    stream=True,
                )
                for chunk in chunks:
                    choices = chunk.get("choices") or [{}]
                    delta = choices[0].get("delta") or {}
                    content = delta.get("content")
                    if isinstance(content, str) and content:
                        yield content
            except ValueError as exc:  # e.g. prompt longer than the context window
                raise BackendError(f"llama.cpp generation failed: {exc}") from exc

    # -- yes/no scoring -------------------------------------------------------------------

    def _format_chat(self, messages: list[dict[str, str]]) -> str:
        """Render messages with the model's chat template (ChatML if it has none), ready for
        the assistant's reply."""
        llm = self.load()
        template = llm.metadata.get("tokenizer.chat_template") if llm.metadata else None
        if template:
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter

            eos = llm.detokenize([llm.token_eos()]).decode("utf-8", "ignore")
            bos = llm.detokenize([llm.token_bos()]).decode("utf-8", "ignore")
            formatter = Jinja2ChatFormatter(template=template, eos_token=eos, bos_token=bos)
            return formatter(messages=messages).prompt  # type: ignore[arg-type]
        text = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
        return text + "<|im_start|>assistant\n"

    def _answer_ids(self) -> tuple[int, int]:
        if self._yes_no_ids is None:
            llm = self.load()
            yes = llm.tokenize("是".encode(), add_bos=False, special=False)
            no = llm.tokenize("否".encode(), add_bos=False, special=False)
            if not yes or not no:
                raise ModelError("the model's vocabulary cannot encode 是/否")
            self._yes_no_ids = (yes[0], no[0])
        return self._yes_no_ids

    def _next_token_logits(self, prompt: str) -> Any:
        """Evaluate ``prompt`` (reusing the longest common prefix already in the KV cache) and
        return the logits row for the next token as a numpy array."""
        import llama_cpp
        import numpy as np

        llm = self.load()
        tokens = llm.tokenize(prompt.encode("utf-8"), add_bos=True, special=True)
        if len(tokens) >= self.n_ctx:
            raise InputError(f"yes/no prompt is {len(tokens)} tokens, over the context window of {self.n_ctx}")
        prefix = 0
        for a, b in zip(llm.input_ids[: llm.n_tokens].tolist(), tokens, strict=False):
            if a != b:
                break
            prefix += 1
        prefix = min(prefix, len(tokens) - 1)  # evaluate at least one token to get fresh logits
        if prefix == 0:
            llm.reset()
        else:
            llm.n_tokens = prefix  # Llama.eval drops the KV cache past n_tokens first
        llm.eval(tokens[prefix:])
        # Only the last position of the batch has logits (logits_all=False); read them directly,
        # as Llama.eval no longer copies them into Llama.scores.
        ptr = llama_cpp.llama_get_logits_ith(llm.ctx, -1)
        return np.ctypeslib.as_array(ptr, shape=(llm.n_vocab(),)).astype(np.float64)

    def yes_no_score(self, question: str, passage: str, *, max_passage_chars: int = 1500) -> float:
        """Return P(是) / (P(是) + P(否)) for "does this passage answer the question".

        The probabilities are those of the model's next token after a yes/no prompt; the
        passage is cut to ``max_passage_chars`` characters. Slow (one prompt evaluation per
        passage; the shared system/question prefix is reused): an optional reranker.
        """
        if not question.strip():
            raise InputError("yes_no_score needs a non-empty question")
        messages = [
            {"role": "system", "content": YES_NO_SYSTEM},
            {
                "role": "user",
                "content": YES_NO_USER.format(question=question.strip(), passage=passage.strip()[:max_passage_chars]),
            },
        ]
        self.load()
        with self._gen_lock:
            prompt = self._format_chat(messages)
            yes_id, no_id = self._answer_ids()
            logits = self._next_token_logits(prompt)
        diff = float(logits[yes_id] - logits[no_id])
        return 1.0 / (1.0 + math.exp(-diff)) if diff > -700 else 0.0

    def yes_no_scores(self, question: str, passages: Sequence[str]) -> list[float]:
        """:meth:`yes_no_score` for several passages of one question."""
        return [self.yes_no_score(question, p) for p in passages]


# --------------------------------------------------------------------------------------------
# OpenAI-compatible HTTP endpoint
# --------------------------------------------------------------------------------------------


def _is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class OpenAIBackend(_BaseBackend):
    """Any OpenAI-compatible ``/v1/chat/completions`` endpoint, streamed over SSE (urllib only).

    Args:
        base_url: the API root, e.g. ``http://127.0.0.1:8000/v1`` (a URL that already ends in
            ``/chat/completions`` is used as given).
        model: the model name sent in the request.
        api_key: sent as ``Authorization: Bearer …`` when given.
        timeout: seconds for connecting and for each read.
    """

    name = "openai"

    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout: float = 60) -> None:
        super().__init__()
        parsed = urllib.parse.urlparse(base_url or "")
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ConfigError(f"OpenAI base_url must be an http(s) URL, got {base_url!r}")
        if not model:
            raise ConfigError("OpenAI backend needs a model name")
        if timeout <= 0:
            raise ConfigError(f"timeout must be positive, got {timeout!r}")
        url = base_url.rstrip("/")
        self.url = url if url.endswith("/chat/completions") else url + "/chat/completions"
        self.model = model
        self.api_key = api_key or None
        self.timeout = float(timeout)
        # Loopback endpoints bypass any HTTP(S)_PROXY from the environment.
        handlers = [urllib.request.ProxyHandler({})] if _is_loopback(parsed.hostname) else []
        self._opener = urllib.request.build_opener(*handlers)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> OpenAIBackend:
        """Build from POLICYQA_OPENAI_URL, POLICYQA_OPENAI_MODEL and (optional)
        POLICYQA_OPENAI_KEY; POLICYQA_OPENAI_TIMEOUT (seconds) is optional too."""
        env = os.environ if environ is None else environ
        url = env.get("POLICYQA_OPENAI_URL", "").strip()
        model = env.get("POLICYQA_OPENAI_MODEL", "").strip()
        if not url or not model:
            raise ConfigError(
                "the openai backend needs POLICYQA_OPENAI_URL and POLICYQA_OPENAI_MODEL "
                "(POLICYQA_OPENAI_KEY is optional)"
            )
        timeout_text = env.get("POLICYQA_OPENAI_TIMEOUT", "").strip()
        try:
            timeout = float(timeout_text) if timeout_text else 60.0
        except ValueError as exc:
            raise ConfigError(f"POLICYQA_OPENAI_TIMEOUT is not a number: {timeout_text!r}") from exc
        return cls(url, model, env.get("POLICYQA_OPENAI_KEY") or None, timeout)

    def _request(self, body: dict[str, Any]) -> urllib.request.Request:
        headers = {
            "Content-Type": "application/json",
            "Accept": "text/event-stream, application/json",
        }
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        return urllib.request.Request(self.url, data=data, headers=headers, method="POST")

    @staticmethod
    def _content(event: Any, key: str) -> str:
        """Text of one response object: choices[0][key]['content'] (key: 'delta' or 'message')."""
        if not isinstance(event, dict):
            raise BackendError(f"unexpected response object: {str(event)[:200]}")
        if "error" in event:
            raise BackendError(f"endpoint reported an error: {str(event['error'])[:300]}")
        choices = event.get("choices") or []
        if not choices:
            return ""
        part = choices[0].get(key) or {}
        content = part.get("content") if isinstance(part, dict) else None
        if content is None and key == "delta":
            content = choices[0].get("text")  # legacy completions-style chunks
        return content if isinstance(content, str) else ""

    def _stream(
        self,
        messages: list[dict[str, str]],
        *,
        max_tokens: int,
        temperature: float,
        stop: list[str] | None,
    ) -> Iterator[str]:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": temperature,
            "stream": True,
        }
        if stop:
            body["stop"] = stop
        try:
            resp = self._opener.open(self._request(body), timeout=self.timeout)
        except urllib.error.HTTPError as exc:
            detail = ""
            with contextlib.suppress(Exception):
                detail = exc.read(500).decode("utf-8", "replace").strip()
            raise BackendError(
                f"OpenAI endpoint {self.url} answered HTTP {exc.code} {exc.reason}" + (f": {detail}" if detail else "")
            ) from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise BackendError(f"cannot reach OpenAI endpoint {self.url}: {reason}") from exc
        try:
            with resp:
                ctype = resp.headers.get("Content-Type", "")
                if "text/event-stream" not in ctype:
                    # A server that ignores "stream": one JSON body with the whole message.
                    try:
                        event = json.loads(resp.read().decode("utf-8"))
                    except ValueError as exc:
                        raise BackendError(f"endpoint sent invalid JSON: {exc}") from exc
                    text = self._content(event, "message")
                    if text:
                        yield text
                    return
                yield from self._read_sse(resp)
        except (TimeoutError, OSError) as exc:
            raise BackendError(f"OpenAI endpoint {self.url} stream failed: {exc}") from exc

    def _read_sse(self, resp: Any) -> Iterator[str]:
        """Parse an SSE stream of chat.completion.chunk events until ``data: [DONE]``."""
        data_lines: list[str] = []
        for raw in resp:
            line = raw.decode("utf-8").rstrip("\r\n")
            if line:
                if line.startswith("data:"):
                    data_lines.append(line[5:].lstrip(" "))
                continue  # comments (":"), event:, id:, retry: are ignored
            if not data_lines:
                continue
            data, data_lines = "\n".join(data_lines), []
            if data.strip() == "[DONE]":
                return
            try:
                event = json.loads(data)
            except ValueError as exc:
                raise BackendError(f"endpoint sent an invalid SSE event: {data[:200]!r}") from exc
            text = self._content(event, "delta")
            if text:
                yield text
        if data_lines:  # stream ended without a blank line after the last event
            data = "\n".join(data_lines)
            if data.strip() != "[DONE]":
                try:
                    text = self._content(json.loads(data), "delta")
                except ValueError as exc:
                    raise BackendError(f"endpoint sent an invalid SSE event: {data[:200]!r}") from exc
                if text:
                    yield text


# --------------------------------------------------------------------------------------------
# Hugging Face transformers
# --------------------------------------------------------------------------------------------


class TransformersBackend(_BaseBackend):
    """A local Hugging Face causal LM (never downloaded: ``local_files_only=True``).

    Args:
        model_path: a directory holding the model and tokenizer (``save_pretrained`` layout).
        device: torch device string.
        n_threads: torch intra-op threads (``None`` leaves torch's setting alone).
    """

    name = "transformers"

    def __init__(
        self,
        model_path: str | os.PathLike[str],
        *,
        device: str = "cpu",
        n_threads: int | None = None,
    ) -> None:
        super().__init__()
        self.model_path = Path(model_path)
        self.device = device
        self.n_threads = n_threads
        self._model: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def load(self) -> tuple[Any, Any]:
        """Load tokenizer and model now; return ``(tokenizer, model)``."""
        if self._model is not None:
            return self._tokenizer, self._model
        if not self.model_path.is_dir():
            raise ModelError(f"transformers model directory {self.model_path} not found")
        try:
            import torch
            from transformers import AutoModelForCausalLM, AutoTokenizer
        except ImportError as exc:
            raise ModelError(f"the transformers backend needs torch and transformers: {exc}") from exc
        if self.n_threads:
            torch.set_num_threads(self.n_threads)
        try:
            tokenizer = AutoTokenizer.from_pretrained(self.model_path, local_files_only=True)
            model = AutoModelForCausalLM.from_pretrained(self.model_path, local_files_only=True)
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"cannot load transformers model from {self.model_path}: {exc}") from exc
        model.to(self.device)  # type: ignore[arg-type]
        model.eval()
        self._tokenizer, self._model = tokenizer, model
        return tokenizer, model

    def format_prompt(self, messages: list[dict[str, str]]) -> str:
        """The tokenizer's chat template with a generation prompt, else a plain
        ``role: content`` join ending in ``assistant:``."""
        tokenizer, _ = self.load()
        if getattr(tokenizer, "chat_template", None):
            return str(tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True))
        lines = [f"{m['role']}: {m['content']}" for m in messages]
        return "\n".join([*lines, "assistant:"])

    def _count_tokens(self, text: str, n_pieces: int) -> int:
        if self._tokenizer is None:
            return n_pieces
        return len(self._tokenizer(text, add_special_tokens=False)["input_ids"])

    def _stream(
        self,
        messages: list[dict[str, str]],
        *,
        max_tokens: int,
        temperature: float,
        stop: list[str] | None,
    ) -> Iterator[str]:
        yield from _apply_stops(self._raw_stream(messages, max_tokens, temperature), stop)

    def _raw_stream(self, messages: list[dict[str, str]], max_tokens: int, temperature: float) -> Iterator[str]:
        tokenizer, model = self.load()  # first: a missing model fails before heavy imports
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

        prompt = self.format_prompt(messages)
        has_template = bool(getattr(tokenizer, "chat_template", None))
        enc = tokenizer(prompt, return_tensors="pt", add_special_tokens=not has_template)
        enc = {k: v.to(self.device) for k, v in enc.items()}
        cancel = threading.Event()

        class _Cancel(StoppingCriteria):  # stops generation when the consumer goes away
            def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
                return torch.full((input_ids.shape[0],), cancel.is_set(), dtype=torch.bool)

        streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True, timeout=600.0)
        gen_kwargs: dict[str, Any] = {
            **enc,
            "max_new_tokens": max_tokens,
            "streamer": streamer,
            "stopping_criteria": StoppingCriteriaList([_Cancel()]),
            "do_sample": temperature > 0,
        }
        if temperature > 0:
            gen_kwargs["temperature"] = temperature
        if tokenizer.pad_token_id is None and tokenizer.eos_token_id is not None:
            gen_kwargs["pad_token_id"] = tokenizer.eos_token_id
        errors: list[BaseException] = []

        def run() -> None:
            try:
                with torch.inference_mode():
                    model.generate(**gen_kwargs)
            except BaseException as exc:  # re-raised in the consumer thread
                errors.append(exc)
                streamer.end()

        with self._lock:
            worker = threading.Thread(target=run, name="policyqa-transformers", daemon=True)
            worker.start()
            try:
                for text in streamer:
                    if text:
                        yield text
            finally:
                cancel.set()
                worker.join()
        if errors:
            raise BackendError(f"transformers generation failed: {errors[0]}") from errors[0]


# --------------------------------------------------------------------------------------------
# Factory
# --------------------------------------------------------------------------------------------

_ALIASES = {
    "llm": "llamacpp",
    "llamacpp": "llamacpp",
    "llama.cpp": "llamacpp",
    "llama-cpp": "llamacpp",
    "openai": "openai",
    "transformers": "transformers",
    "hf": "transformers",
}


def make_backend(name: str, **kw: Any) -> ChatBackend:
    """Build a backend by name: ``llm``/``llamacpp``, ``openai`` (from the environment when
    given no arguments) or ``transformers``; keyword arguments go to its constructor."""
    kind = _ALIASES.get((name or "").strip().lower())
    try:
        if kind == "llamacpp":
            return LlamaCppBackend(**kw)
        if kind == "openai":
            return OpenAIBackend(**kw) if kw else OpenAIBackend.from_env()
        if kind == "transformers":
            return TransformersBackend(**kw)
    except TypeError as exc:
        raise ConfigError(f"bad arguments for backend {name!r}: {exc}") from exc
    raise ConfigError(f"unknown generator backend {name!r}; choose one of {sorted(_ALIASES)}")
