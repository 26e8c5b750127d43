"""``policyqa eval``: answer a question file with one or more configurations, score, report.

Writes the answer records (JSON Lines, DESIGN.md's contract), a Markdown report and a
summary JSON under ``eval/reports/<date>-<config>.*``, and a PNG chart per kind.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from qa.corpus import Corpus
from qa.errors import ConfigError, InputError, PolicyQAError
from qa.evaluate import (
    Question,
    now_stamp,
    read_questions,
    recall_at,
    reciprocal_rank,
    resolve_gold,
    score_record,
    summarise,
    summarise_by_kind,
)
from qa.normalize import detect_script
from qa.settings import Settings

METRICS = ("recall@5", "mrr@10", "search_recall@5", "search_mrr@10", "evidence@1500", "fact_coverage_short", "citation_precision",
           "refusal_accuracy", "false_refusal_rate", "latency_p50_ms", "latency_p95_ms")  # fmt: skip


def parse_config(name: str, base: Settings) -> Settings:
    """``bm25`` / ``dense`` / ``hybrid`` / ``hybrid+nofeedback`` / ``hybrid+norescore`` / ``hybrid+rerank`` / ``hybrid+llm`` … → settings.

    >>> parse_config("dense+llm", Settings()).retriever, parse_config("dense+llm", Settings()).generator
    ('dense', 'llm')
    """
    parts = name.split("+")
    changes = {}
    for p in parts:
        if p in ("bm25", "dense", "hybrid"):
            changes["retriever"] = p
        elif p == "rerank":
            changes["rerank"] = True
        elif p == "nofeedback":
            changes["feedback"] = False
        elif p == "norescore":
            changes["rescore"] = False
        elif p in ("extractive", "llm", "openai", "transformers"):
            changes["generator"] = p
        else:
            raise ConfigError(f"unknown configuration part {p!r} in {name!r}")
    return base.with_(**changes)


def config_name(s: Settings) -> str:
    return (
        s.retriever
        + ("+nofeedback" if not s.feedback and s.retriever == "hybrid" else "")
        + ("" if s.rescore else "+norescore")
        + ("+rerank" if s.rerank else "")
        + ("" if s.generator == "extractive" else f"+{s.generator}")
    )


def answer_all(questions: list[Question], settings: Settings, index, progress: bool) -> list[dict]:
    from qa.answer import to_record
    from qa.llm.generate import answer_with

    it = questions
    if progress:
        from tqdm import tqdm

        it = tqdm(questions, desc=config_name(settings), unit="q")
    records = []
    for q in it:
        try:
            records.append(to_record(answer_with(q.question, index, settings), q.id))
        except PolicyQAError as e:  # a bad question is recorded, not fatal
            records.append({"id": q.id, "question": q.question, "answer": "", "refused": True, "citations": [],
                            "retrieved": [], "latency_ms": 0.0, "error": str(e)})  # fmt: skip
    return records


def score_search(questions: list[Question], scored: list, gold: dict[str, list[str]], index, st: Settings) -> None:
    """Fill in recall@5 and MRR@10 of ``policyqa search``'s own ranking (no answer stage)."""
    from qa.search.retrieve import search

    for q, s in zip(questions, scored, strict=True):
        if not (q.answerable and gold[q.id]):
            continue
        try:
            ranked = [h.clause.id for h in search(index, q.question, k=10, retriever=st.retriever)]
        except PolicyQAError:
            ranked = []
        s.search_recall5 = recall_at(ranked, gold[q.id], 5)
        s.search_rr10 = reciprocal_rank(ranked, gold[q.id], 10)


def script_groups(questions: list[Question], gold: dict[str, list[str]], corpus: Corpus) -> dict[str, str]:
    """``question script → document script`` for each answerable question with gold clauses
    (“simplified → traditional”: a Simplified question about a Traditional document)."""
    out = {}
    for q in questions:
        docs = {corpus.clause_by_id[c].doc_id for c in gold[q.id] if c in corpus.clause_by_id}
        if q.answerable and docs:
            scripts = "+".join(sorted({corpus.doc_by_id[d].script for d in docs}))
            out[q.id] = f"{detect_script(q.question)} → {scripts}"
    return out


def by_script(scored: list, groups: dict[str, str]) -> dict[str, dict]:
    return {g: summarise([s for s in scored if groups.get(s.id) == g]) for g in sorted(set(groups.values()))}


def score_questions(questions: list[Question], st: Settings, index, gold: dict, groups: dict, progress: bool):
    """Answer and score every question with one configuration:
    ``(records, overall summary, summary by kind, summary by script)``."""
    index.settings = st
    records = answer_all(questions, st, index, progress)
    by_id = {r["id"]: r for r in records}
    scored = [score_record(q, by_id.get(q.id), gold[q.id], index.corpus) for q in questions]
    score_search(questions, scored, gold, index, st)
    return records, summarise(scored), summarise_by_kind(scored), by_script(scored, groups)


def score_set(settings: Settings, questions_path: Path, progress: bool = False) -> tuple[dict, dict]:
    """``(overall, by kind)`` of one question file against the library ``settings`` names."""
    from qa.search.index import load_index

    questions = read_questions(questions_path)
    index = load_index(settings)
    gold = {q.id: resolve_gold(index.corpus, q.gold) for q in questions}
    _records, overall, kinds, _scripts = score_questions(
        questions, settings, index, gold, script_groups(questions, gold, index.corpus), progress
    )
    return overall, kinds


def check_outputs(reports_dir: Path, output: Path | None = None, keep: Path | None = None) -> None:
    """Fail now, with a clear message, when a run could not write what it produces: a report
    folder that is a file or cannot be made, an answers file that is a folder, sits in no
    folder, or is the question file itself (``keep``)."""
    if reports_dir.exists() and not reports_dir.is_dir():
        raise InputError(f"--reports {reports_dir}: a file, not a folder")
    try:
        reports_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise InputError(f"--reports {reports_dir}: cannot make the folder ({e.strerror})") from None
    if output is None:
        return
    if output.is_dir():
        raise InputError(f"--output {output}: a folder; name a file")
    if not output.parent.is_dir() or not os.access(output.parent, os.W_OK):
        raise InputError(f"--output {output}: no folder {output.parent} to write it in")
    if keep is not None and output.exists() and output.resolve() == keep.resolve():
        raise InputError(f"--output {output} is the question file: the answers would overwrite it")


def run_eval(
    settings: Settings,
    questions_path: Path,
    output: Path | None = None,
    configs: list[str] | None = None,
    reports_dir: Path = Path("eval/reports"),
    progress: bool = True,
) -> str:
    """Run every configuration and return the Markdown report (also written to ``reports_dir``)."""
    from qa.search.index import load_index

    questions = read_questions(questions_path)
    check_outputs(reports_dir, output, keep=questions_path)  # before any question is answered
    index = load_index(settings)
    corpus: Corpus = index.corpus
    gold = {q.id: resolve_gold(corpus, q.gold) for q in questions}
    groups = script_groups(questions, gold, corpus)
    settings_list = [parse_config(c.strip(), settings) for c in configs] if configs else [settings]
    results = {}
    for st in settings_list:
        results[config_name(st)] = score_questions(questions, st, index, gold, groups, progress)
    index.settings = settings
    stem = f"{now_stamp()}-{questions_path.stem}-{'-vs-'.join(results)}"
    if output is None:
        output = reports_dir / f"{stem}.answers.jsonl"
    with output.open("w", encoding="utf-8") as f:
        for name, (records, *_rest) in results.items():
            for r in records:
                f.write(json.dumps({**r, "config": name}, ensure_ascii=False) + "\n")
    summary = {name: {"overall": s, "by_kind": k, "by_script": b} for name, (_r, s, k, b) in results.items()}
    (reports_dir / f"{stem}.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    chart = reports_dir / f"{stem}.png"
    _chart(summary, chart)
    report = render_report(summary, questions_path, len(questions), output, chart)
    (reports_dir / f"{stem}.md").write_text(report, encoding="utf-8")
    return report


def _fmt(v) -> str:
    return "–" if v is None else f"{v:.3f}" if isinstance(v, float) and v <= 1.5 else f"{v}"


def render_report(summary: dict, qpath: Path, n: int, output: Path, chart: Path) -> str:
    names = list(summary)
    lines = [f"# PolicyQA evaluation: {qpath} ({n} questions)", "", f"Answer records: `{output}`", "",
             "| metric | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]  # fmt: skip
    for m in (*METRICS, "fact_coverage", "citation_recall"):
        lines.append(f"| {m} | " + " | ".join(_fmt(summary[c]["overall"].get(m)) for c in names) + " |")
    kinds = sorted({k for c in names for k in summary[c]["by_kind"]})
    for c in names:
        lines += ["", f"## {c}: by kind", "", "| kind | n | recall@5 | mrr@10 | facts≤300 | cite prec | refused (unans.) | false refusals |",
                  "|---|---|---|---|---|---|---|---|"]  # fmt: skip
        for k in kinds:
            s = summary[c]["by_kind"].get(k)
            if s:
                lines.append(f"| {k} | {s['questions']} | {_fmt(s['recall@5'])} | {_fmt(s['mrr@10'])} | "
                             f"{_fmt(s['fact_coverage_short'])} | {_fmt(s['citation_precision'])} | "
                             f"{_fmt(s['refusal_accuracy'])} | {_fmt(s['false_refusal_rate'])} |")  # fmt: skip
    lines += ["", "## By script (question → documents of its gold clauses)", "",
              "| config | scripts | n | recall@5 | mrr@10 | search recall@5 | search mrr@10 | facts≤300 |",
              "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for c in names:
        for g, s in summary[c].get("by_script", {}).items():
            lines.append(f"| {c} | {g} | {s['questions']} | {_fmt(s['recall@5'])} | {_fmt(s['mrr@10'])} | "
                         f"{_fmt(s['search_recall@5'])} | {_fmt(s['search_mrr@10'])} | {_fmt(s['fact_coverage_short'])} |")  # fmt: skip
    lines += ["", f"![per-kind comparison]({chart.name})", ""]
    return "\n".join(lines)


def _chart(summary: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(summary)
    kinds = sorted({k for c in names for k in summary[c]["by_kind"]})

    def score(c: str, k: str) -> float:
        s = summary[c]["by_kind"][k]
        if k == "unanswerable":
            return s["refusal_accuracy"] or 0.0
        return s["fact_coverage_short"] if s["fact_coverage_short"] is not None else (s["recall@5"] or 0.0)

    fig, ax = plt.subplots(figsize=(max(6, len(kinds) * 1.2), 3.6), dpi=110)
    width = 0.8 / max(1, len(names))
    for i, c in enumerate(names):
        ax.bar([x + i * width for x in range(len(kinds))], [score(c, k) for k in kinds], width, label=c)
    ax.set_xticks([x + width * (len(names) - 1) / 2 for x in range(len(kinds))], kinds, rotation=20, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("facts in answers ≤300 chars\n(refusal accuracy for unanswerable)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
