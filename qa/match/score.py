"""Score 政策找人 on a profile set: hit@k and MRR of the applying clauses, and empty lists for
the profiles no document covers, split as the set splits (tune / heldout).

A profile set is JSON Lines: ``{"id", "profile", "fields", "covered", "gold": [{"source_file",
"evidence"}], "split"}`` (see eval/PROFILES.md).  A match hits when the evidence of a gold clause
lies inside the span it cites.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from qa.errors import InputError
from qa.match.rank import match
from qa.normalize import match_form
from qa.search.index import Index
from qa.settings import Settings

DEPTH = 10  # matches asked for per profile (MRR is over these)


def read_profiles(path: Path) -> list[dict]:
    if not path.is_file():
        raise InputError(f"no profile set at {path}")
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{path}:{n}: not JSON ({e.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("profile"), str) or "covered" not in row:
            raise InputError(f"{path}:{n}: a profile needs 'profile' (text) and 'covered'")
        rows.append(row)
    if not rows:
        raise InputError(f"{path} holds no profiles")
    return rows


def gold_spots(index: Index, row: dict) -> list[tuple[str, int]]:
    """(document id, offset in its raw text) of each gold evidence of a profile."""
    by_file = {Path(d.source_file).name: d for d in index.corpus.documents}
    spots = []
    for g in row.get("gold") or ():
        doc = by_file.get(Path(g["source_file"]).name)
        if doc is None:
            raise InputError(f"profile {row.get('id')}: {g['source_file']} is not in the library")
        at = doc.raw.find(g["evidence"])
        if at < 0:
            raise InputError(f"profile {row.get('id')}: its evidence is not in {g['source_file']}")
        spots.append((doc.id, at))
    return spots


def first_hit(records: list[dict], spots: list[tuple[str, int]]) -> int | None:
    """0-based rank of the first match citing a gold spot, or None."""
    for rank, m in enumerate(records):
        if any(m["doc_id"] == d and m["char_start"] <= at < m["char_end"] for d, at in spots):
            return rank
    return None


def score_profiles(index: Index, rows: list[dict], k: int = 5) -> dict:
    """Figures per split and overall, and one result line per profile."""
    from qa.match import match_json

    per: list[dict] = []
    for row in rows:
        result = match(index, row["profile"], k=DEPTH)  # the words alone, as `policyqa match "…"` is asked
        records = [match_json(m) for m in result.matches]
        rank = first_hit(records, gold_spots(index, row)) if row["covered"] else None
        shown = match_form(records[rank]["benefit"]) if rank is not None else ""
        # None when the profile lists no benefit: a set without benefits has no benefit figure
        benefit = (bool(shown) and any(match_form(b) in shown for b in row["benefit"])) if row.get("benefit") else None
        per.append({"id": row.get("id", ""), "split": row.get("split", "all"), "covered": bool(row["covered"]),
                    "rank": rank, "benefit": benefit, "matches": len(records), "latency_ms": result.latency_ms})  # fmt: skip
    splits = sorted({p["split"] for p in per})
    figures = {s: _figures([p for p in per if p["split"] == s], k) for s in splits}
    figures["all"] = _figures(per, k)
    return {"k": k, "figures": figures, "profiles": per}


def _figures(per: list[dict], k: int) -> dict:
    covered = [p for p in per if p["covered"]]
    with_benefit = [p for p in covered if p["benefit"] is not None]
    uncovered = [p for p in per if not p["covered"]]
    share = lambda xs, n: round(xs / n, 3) if n else None  # noqa: E731
    return {
        "covered": len(covered),
        "uncovered": len(uncovered),
        f"hit@{k}": share(sum(p["rank"] is not None and p["rank"] < k for p in covered), len(covered)),
        "hit@1": share(sum(p["rank"] == 0 for p in covered), len(covered)),
        "mrr": share(sum(1 / (p["rank"] + 1) for p in covered if p["rank"] is not None), len(covered)),
        "benefit_shown": share(sum(bool(p["benefit"]) for p in with_benefit), len(with_benefit)),
        "covered_empty": share(sum(p["matches"] == 0 for p in covered), len(covered)),
        "uncovered_empty": share(sum(p["matches"] == 0 for p in uncovered), len(uncovered)),
        "p50_ms": round(statistics.median(p["latency_ms"] for p in per), 1) if per else None,
    }


def render(report: dict, path: Path, library: str) -> str:
    k = report["k"]
    cols = ["covered", "uncovered", f"hit@{k}", "hit@1", "mrr", "benefit_shown", "covered_empty", "uncovered_empty",
            "p50_ms"]  # fmt: skip
    lines = [
        f"# 政策找人: {path.name} in library `{library}`",
        "",
        f"hit@{k}: a clause that applies is among the first {k} matches (gold evidence inside the cited span).",
        "uncovered_empty: share of profiles no document covers that get an empty list (higher is better);",
        "covered_empty: share of covered profiles wrongly left with nothing (lower is better);",
        "benefit_shown: share of the covered profiles that list a benefit whose benefit is in the one the hit match shows (– when none lists one).",
        "",
        "| split | " + " | ".join(cols) + " |",
        "|---" * (len(cols) + 1) + "|",
    ]
    for split, f in report["figures"].items():
        lines.append(f"| {split} | " + " | ".join("–" if f[c] is None else str(f[c]) for c in cols) + " |")
    missed = [p["id"] for p in report["profiles"] if p["covered"] and (p["rank"] is None or p["rank"] >= k)]
    answered = [p["id"] for p in report["profiles"] if not p["covered"] and p["matches"]]
    lines += ["", f"Covered, not in the first {k}: {', '.join(missed) or 'none'}",
              f"Uncovered, given matches: {', '.join(answered) or 'none'}"]  # fmt: skip
    return "\n".join(lines) + "\n"


def run_profiles(settings: Settings, path: Path, reports_dir: Path = Path("eval/reports"), k: int = 5) -> str:
    """Score a profile set in the settings' library; write the report (Markdown and JSON) and return it."""
    from qa.runner import check_outputs, now_stamp
    from qa.search.index import load_index

    rows = read_profiles(path)
    check_outputs(reports_dir)
    index = load_index(settings)
    report = score_profiles(index, rows, k)
    text = render(report, path, settings.index_name)
    stem = f"{now_stamp()}-{path.stem}-{settings.index_name}"
    (reports_dir / f"{stem}.md").write_text(text, encoding="utf-8")
    (reports_dir / f"{stem}.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return text
