"""The generality report: how the engine does on documents it was not tuned for, side by side.

``make eval`` (``python -m eval.generality``) answers these question sets and writes one table to
``eval/reports/<date>-generality.md``:

* the seeds' ``eval/test.jsonl`` in a library of the five seeds;
* the same questions in the 50-document library (the seeds and ``eval/corpus/docs``);
* ``eval/corpus-tune.jsonl`` … ``eval/corpus-tune6.jsonl``, questions over the odd-numbered corpus
  documents (for tuning; five sets by different writers, the third written blind like held-out 3,
  the fourth on 2026-12-06 with hard look-alikes: a figure the document gives for a neighbouring
  thing, or leaves open; the fifth on 2026-12-07, typed questions: money, counts, shares, spans,
  deadlines, where to go, many answered in words);
* ``eval/corpus-heldout.jsonl``, ``eval/corpus-heldout2.jsonl``, ``eval/corpus-heldout3.jsonl``,
  ``eval/corpus-heldout4.jsonl``, ``eval/corpus-heldout5.jsonl`` and ``eval/corpus-heldout6.jsonl``,
  over the even-numbered ones (held out: read totals only; the third and fourth written blind on
  2026-12-05, the fifth and sixth, 120 questions each, on 2026-12-06);
* ``eval/corpus-spans-tune.jsonl`` and ``eval/corpus-spans-heldout.jsonl``: span-extraction questions
  (all answerable, a short span of the text as the answer), as an outside benchmark over notices
  asks them; "gold document cited" is the share whose answer cites the right document;
* the held-out sets again in three more libraries of the seeds and the corpus documents, each
  corpus document as another site gives it: ``eval-runin`` (joined into one line, a scrape that
  lost its line breaks: ``qa/ingest/runin``), ``eval-trad`` (in Traditional script) and
  ``eval-page`` (inside a government site's page saved as text: ``eval.structure.scraped``);

and, for 政策找人, the profiles of ``eval/profiles.jsonl``, ``eval/profiles2.jsonl``, ``eval/profiles3.jsonl``
(written blind on 2026-12-06) and ``eval/profiles4.jsonl`` (tuning documents only, 2026-12-06) in the
50-document library, tuning
and held-out documents side by side (hit@5, MRR, uncovered profiles left empty).

The libraries are built from scratch under ``index/`` as ``eval-seeds``, ``eval-lib50``, ``eval-runin``, ``eval-trad`` and ``eval-page``
(the user's own library is not touched); embeddings are cached, so only a first run embeds the
corpus (~4 minutes on 2 cores, and about as long again for the Traditional library's own texts).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from qa.settings import from_env

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "eval" / "reports"
EVAL = ROOT / "eval"
#: the held-out question sets (even-numbered documents), each also by kind in the report
HELD_OUT = [
    ("corpus held-out (even documents)", EVAL / "corpus-heldout.jsonl"),
    ("corpus held-out 2 (even documents)", EVAL / "corpus-heldout2.jsonl"),
    ("corpus held-out 3 (even documents)", EVAL / "corpus-heldout3.jsonl"),
    ("corpus held-out 4 (even documents)", EVAL / "corpus-heldout4.jsonl"),
    ("corpus held-out 5 (even documents)", EVAL / "corpus-heldout5.jsonl"),
    ("corpus held-out 6 (even documents)", EVAL / "corpus-heldout6.jsonl"),
]
SPANS_HELD_OUT = ("corpus spans held-out (even documents)", EVAL / "corpus-spans-heldout.jsonl")
SETS = [
    ("seeds test, seeds library", "eval-seeds", EVAL / "test.jsonl"),
    ("seeds test, 50-document library", "eval-lib50", EVAL / "test.jsonl"),
    ("corpus tune (odd documents)", "eval-lib50", EVAL / "corpus-tune.jsonl"),
    ("corpus tune 2 (odd documents)", "eval-lib50", EVAL / "corpus-tune2.jsonl"),
    ("corpus tune 3 (odd documents)", "eval-lib50", EVAL / "corpus-tune3.jsonl"),
    ("corpus tune 4 (odd documents)", "eval-lib50", EVAL / "corpus-tune4.jsonl"),
    ("corpus tune 5 (odd documents)", "eval-lib50", EVAL / "corpus-tune5.jsonl"),
    ("corpus tune 6 (odd documents)", "eval-lib50", EVAL / "corpus-tune6.jsonl"),
    *[(name, "eval-lib50", path) for name, path in HELD_OUT],
    ("corpus spans tune (odd documents)", "eval-lib50", EVAL / "corpus-spans-tune.jsonl"),
    (SPANS_HELD_OUT[0], "eval-lib50", SPANS_HELD_OUT[1]),
    # the held-out sets again, the corpus documents as one run-in line each (a scrape that lost
    # its line breaks), in Traditional script, and inside a site's page saved as text
    *[(f"run-in: {name}", "eval-runin", path) for name, path in [*HELD_OUT, SPANS_HELD_OUT]],
    *[(f"Traditional: {name}", "eval-trad", path) for name, path in [*HELD_OUT, SPANS_HELD_OUT]],
    *[(f"site's page: {name}", "eval-page", path) for name, path in [*HELD_OUT, SPANS_HELD_OUT]],
]
PROFILES = tuple(ROOT / "eval" / f"profiles{n}.jsonl" for n in ("", "2", "3", "4"))
COLUMNS = [
    ("fact_coverage_short", "facts ≤ 300"),
    ("citation_precision", "citation precision"),
    ("refusal_accuracy", "unanswerable refused"),
    ("false_refusal_rate", "answerable refused"),
    ("document_cited", "gold document cited"),
    ("recall@5", "recall@5"),
    ("latency_p50_ms", "p50 ms"),
]


def _traditional(text: str) -> str:
    import opencc

    return opencc.OpenCC("s2t").convert(text)


def _layouts() -> dict[str, Callable[[str], str]]:
    """How a corpus document is laid out in each library: as published, as one run-in line each
    (:func:`eval.structure.run_in`), in Traditional script, inside a site's page saved as text
    (:func:`eval.structure.scraped`)."""
    from eval.structure import run_in, scraped

    return {"lib50": lambda text: text, "runin": run_in, "trad": _traditional, "page": scraped}


def library_sources(index_root: Path, layout: str = "lib50") -> Path:
    """A folder holding the seeds and the corpus documents (what the 50-document library is built
    from), each corpus document laid out as ``layout`` says (:func:`_layouts`)."""
    lay = _layouts()[layout]
    folder = index_root / f".eval-{layout}-sources"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for src in sorted((ROOT / "seeds").glob("*.txt")):
        shutil.copy(src, folder / src.name)
    for src in sorted((ROOT / "eval" / "corpus" / "docs").glob("*.txt")):
        (folder / src.name).write_text(lay(src.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


def _fmt(v) -> str:
    return "–" if v is None else f"{v:.3f}" if isinstance(v, float) and v <= 1.5 else f"{v:.1f}"


def render(rows: list[tuple[str, dict]], heldout_kinds: list[tuple[str, dict]]) -> str:
    head = "| set | n | " + " | ".join(label for _k, label in COLUMNS) + " |"
    lines = ["# Generality: the seeds' questions and the corpus questions, split by document", "", head,
             "|" + "---|" * (len(COLUMNS) + 2)]  # fmt: skip
    lines += [
        f"| {name} | {o.get('questions', '')} | " + " | ".join(_fmt(o.get(k)) for k, _l in COLUMNS) + " |"
        for name, o in rows
    ]
    for set_name, kinds in heldout_kinds:
        lines += ["", f"## {set_name}, by kind", "", "| kind | n | facts ≤ 300 | citation precision | refused (unans.) | false refusals |",
                  "|---|---|---|---|---|---|"]  # fmt: skip
        for kind, s in kinds.items():
            cells = [
                s.get("fact_coverage_short"),
                s.get("citation_precision"),
                s.get("refusal_accuracy"),
                s.get("false_refusal_rate"),
            ]
            lines.append(f"| {kind} | {s.get('questions', '')} | " + " | ".join(_fmt(v) for v in cells) + " |")
    return "\n".join(lines) + "\n"


def render_profiles(settings) -> str:
    """政策找人 on each profile set, by split (the maintainers' check asks with the words alone)."""
    from qa.match.score import read_profiles, score_profiles
    from qa.search.index import load_index

    index = load_index(settings)
    cols = [
        "covered",
        "uncovered",
        "hit@5",
        "hit@1",
        "mrr",
        "benefit_shown",
        "covered_empty",
        "uncovered_empty",
        "p50_ms",
    ]
    lines = []
    for path in PROFILES:
        report = score_profiles(index, read_profiles(path))
        lines += ["", f"## 政策找人: eval/{path.name} in the 50-document library", "",
                  "| split | " + " | ".join(cols) + " |", "|" + "---|" * (len(cols) + 1)]  # fmt: skip
        for split, f in report["figures"].items():
            lines.append(f"| {split} | " + " | ".join("–" if f[c] is None else str(f[c]) for c in cols) + " |")
    return "\n".join(lines) + "\n"


def main() -> int:
    from qa.evaluate import now_stamp
    from qa.library import import_seeds
    from qa.runner import score_set

    base = from_env(progress=False)
    sources = {"eval-seeds": ROOT / "seeds", **{f"eval-{k}": library_sources(base.index_root, k) for k in _layouts()}}
    settings = {name: base.with_(index_name=name, seeds_dir=folder) for name, folder in sources.items()}
    for st in settings.values():
        import_seeds(st, fresh=True)
    rows, heldout_kinds = [], []
    for name, lib, questions in SETS:
        overall, kinds = score_set(settings[lib], questions)
        rows.append((name, overall))
        if name in dict(HELD_OUT):
            heldout_kinds.append((name, kinds))
    report = render(rows, heldout_kinds) + render_profiles(settings["eval-lib50"])
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{now_stamp()}-generality.md").write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
