"""Benchmark metrics (pure functions) and the runner behind ``policyqa eval``.

Gold clauses are resolved from each question's verbatim evidence string: the clause whose
own text span in the raw file contains it.  Paths may change with the parser; evidence
strings do not, so gold ids survive re-indexing.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from qa.corpus import Corpus
from qa.errors import InputError
from qa.normalize import match_form
from qa.schema import Clause

EVIDENCE_WINDOW = 1500
SHORT_ANSWER = 300


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    kind: str = ""
    answerable: bool | None = None
    gold: tuple[dict, ...] = ()
    facts: tuple[tuple[str, ...], ...] = ()


def read_questions(path: str | Path) -> list[Question]:
    """JSONL with at least ``id`` and ``question`` per line; bad lines are reported by number."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"questions file not found: {path}")
    out, seen = [], set()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 text (byte {e.start}); a questions file is JSON Lines") from e
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except ValueError as e:
            raise InputError(f"{path}:{n}: not valid JSON ({e.msg})") from e
        if not isinstance(d, dict) or not str(d.get("id", "")).strip() or not str(d.get("question", "")).strip():
            raise InputError(f"{path}:{n}: each line needs non-empty 'id' and 'question'")
        if not isinstance(d.get("gold") or [], list) or not all(isinstance(g, dict) for g in d.get("gold") or []):
            raise InputError(f"{path}:{n}: 'gold' must be a list of objects")
        if not isinstance(d.get("facts") or [], list):
            raise InputError(f"{path}:{n}: 'facts' must be a list")
        if str(d["id"]) in seen:
            raise InputError(f"{path}:{n}: duplicate id {d['id']!r}")
        seen.add(str(d["id"]))
        facts = tuple(tuple(f) if isinstance(f, list) else (str(f),) for f in d.get("facts") or ())
        out.append(
            Question(
                str(d["id"]),
                str(d["question"]),
                d.get("kind", ""),
                d.get("answerable"),
                tuple(d.get("gold") or ()),
                facts,
            )
        )
    if not out:
        raise InputError(f"{path}: no questions")
    return out


def own_span(c: Clause) -> tuple[int, int]:
    return c.char_start, c.own_end if c.own_end >= 0 else c.char_end


def resolve_gold(corpus: Corpus, gold: Iterable[dict]) -> list[str]:
    """Clause ids for gold entries: by evidence position in the raw file, else by path."""
    ids = []
    for g in gold:
        doc = next((d for d in corpus.documents if d.source_file == g.get("source_file")), None)
        if doc is None:
            continue
        found = None
        ev = g.get("evidence", "")
        pos = doc.raw.find(ev) if ev else -1
        if pos >= 0:
            for c in corpus.clauses_of(doc.id):
                s, e = own_span(c)
                if s <= pos < e:
                    found = c.id
                    break
        if found is None and g.get("path"):
            c = corpus.clause_at(doc.id, g["path"])
            found = c.id if c else None
        if found and found not in ids:
            ids.append(found)
    return ids


# --- metrics (pure) -------------------------------------------------------------------------


def recall_at(ranked: list[str], gold: list[str], k: int) -> float:
    """Share of gold clauses among the first k.

    >>> recall_at(["a", "b", "c"], ["c", "d"], 3)
    0.5
    """
    return len(set(ranked[:k]) & set(gold)) / len(gold) if gold else 0.0


def reciprocal_rank(ranked: list[str], gold: list[str], k: int = 10) -> float:
    """1/rank of the first gold clause within k, else 0.

    >>> reciprocal_rank(["a", "b", "c"], ["b"])
    0.5
    >>> reciprocal_rank(["a"], ["z"])
    0.0
    """
    for i, cid in enumerate(ranked[:k], start=1):
        if cid in gold:
            return 1.0 / i
    return 0.0


def evidence_in_window(texts: list[str], evidences: list[str], window: int = EVIDENCE_WINDOW) -> bool:
    """Does every evidence string appear within the first ``window`` characters of retrieved text?

    >>> evidence_in_window(["甲乙丙", "丁戊"], ["丙丁"], 10)
    False
    >>> evidence_in_window(["甲乙丙", "丁戊"], ["丁戊"], 5)
    True
    """
    joined = "\n".join(match_form(t) for t in texts)[: window + len(texts)]
    return all(match_form(e) in joined for e in evidences) if evidences else False


def fact_hits(answer: str, facts: Iterable[Iterable[str]]) -> list[bool]:
    """For each fact, is any of its alternatives in the answer (script-insensitive)?

    >>> fact_hits("宁波到2025年建成5G基站4万个", [["4万", "四万"], ["2030年"]])
    [True, False]
    """
    a = match_form(answer).lower()
    return [any(match_form(alt).lower() in a for alt in alts) for alts in facts]


def answer_body(text: str) -> str:
    """The answer without its trailing sources line (which only names the citations)."""
    return text.split("\n出处：")[0]


@dataclass
class Scored:
    id: str
    kind: str
    answerable: bool | None
    recall5: float | None = None
    rr10: float | None = None
    window: bool | None = None
    facts: list[bool] = field(default_factory=list)
    short: bool = True
    cite_precision: float | None = None
    cite_recall: float | None = None
    refused: bool = False
    latency_ms: float = 0.0
    missing: bool = False
    #: the same two measures for ``policyqa search``'s ranking alone (no answer stage)
    search_recall5: float | None = None
    search_rr10: float | None = None
    #: does the answer cite a clause of a document a gold clause is in (the document, not the clause)
    doc_cited: float | None = None


def score_record(q: Question, rec: dict | None, gold_ids: list[str], corpus: Corpus) -> Scored:
    """Score one answer record against its question's gold (``rec`` None = missing record)."""
    s = Scored(q.id, q.kind or "unknown", q.answerable)
    if rec is None:
        s.missing = True
        s.facts = [False] * len(q.facts)
        s.refused = False
        if q.answerable and gold_ids:
            s.recall5, s.rr10, s.window, s.cite_precision, s.cite_recall = 0.0, 0.0, False, 0.0, 0.0
        return s
    s.refused = bool(rec.get("refused"))
    s.latency_ms = float(rec.get("latency_ms") or 0.0)
    ranked = [r["clause_id"] for r in rec.get("retrieved", [])]
    body = answer_body(rec.get("answer", ""))
    s.short = len(body) <= SHORT_ANSWER
    if q.answerable and gold_ids:
        s.recall5 = recall_at(ranked, gold_ids, 5)
        s.rr10 = reciprocal_rank(ranked, gold_ids, 10)
        evid = [g.get("evidence", "") for g in q.gold if g.get("evidence")]
        s.window = evidence_in_window([r.get("text", "") for r in rec.get("retrieved", [])], evid)
        cited = [c["clause_id"] for c in rec.get("citations", [])]
        evid_sc = [match_form(e) for e in evid]
        by_id = corpus.clause_by_id
        good = [cid in gold_ids or (cid in by_id and any(e in by_id[cid].text_sc for e in evid_sc)) for cid in cited]
        s.cite_precision = sum(good) / len(good) if good else 0.0
        s.cite_recall = len(set(cited) & set(gold_ids)) / len(gold_ids)
        gold_docs = {by_id[g].doc_id for g in gold_ids if g in by_id}
        s.doc_cited = float(any(c.get("doc_id") in gold_docs for c in rec.get("citations", [])))
    if q.facts:
        s.facts = fact_hits(body, q.facts) if not s.refused else [False] * len(q.facts)
    return s


def _mean(xs: list[float]) -> float | None:
    xs = [x for x in xs if x is not None]
    return round(sum(xs) / len(xs), 4) if xs else None


def _pct(xs: list[float], p: float) -> float | None:
    if not xs:
        return None
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, round(p * (len(xs) - 1)))], 2)


def summarise(scored: list[Scored]) -> dict:
    """Aggregate metrics (overall); ``None`` where a metric has no applicable question.

    >>> s = [Scored("a", "fact", True, 1.0, 1.0, True, [True, False], True, 1.0, 1.0, False, 10),
    ...      Scored("b", "unanswerable", False, refused=True, latency_ms=20)]
    >>> m = summarise(s)
    >>> (m["recall@5"], m["fact_coverage"], m["refusal_accuracy"], m["false_refusal_rate"])
    (1.0, 0.5, 1.0, 0.0)
    """
    ans = [s for s in scored if s.answerable]
    una = [s for s in scored if s.answerable is False]
    facts = [f for s in ans for f in s.facts]
    facts_short = [f and s.short for s in ans for f in s.facts]
    lat = [s.latency_ms for s in scored if not s.missing]
    return {
        "questions": len(scored),
        "missing_records": sum(s.missing for s in scored),
        "recall@5": _mean([s.recall5 for s in ans]),
        "mrr@10": _mean([s.rr10 for s in ans]),
        "search_recall@5": _mean([s.search_recall5 for s in ans]),
        "search_mrr@10": _mean([s.search_rr10 for s in ans]),
        "evidence@1500": _mean([float(s.window) for s in ans if s.window is not None]),
        "fact_coverage": round(sum(facts) / len(facts), 4) if facts else None,
        "fact_coverage_short": round(sum(facts_short) / len(facts_short), 4) if facts_short else None,
        "citation_precision": _mean([s.cite_precision for s in ans if not s.refused]),
        "citation_recall": _mean([s.cite_recall for s in ans]),
        "document_cited": _mean([s.doc_cited for s in ans]),
        "refusal_accuracy": _mean([float(s.refused) for s in una]),
        "false_refusal_rate": _mean([float(s.refused) for s in ans]),
        "latency_p50_ms": _pct(lat, 0.5),
        "latency_p95_ms": _pct(lat, 0.95),
    }


def summarise_by_kind(scored: list[Scored]) -> dict[str, dict]:
    kinds = sorted({s.kind for s in scored})
    return {k: summarise([s for s in scored if s.kind == k]) for k in kinds}


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else 0.0


def now_stamp() -> str:
    return time.strftime("%Y-%m-%d")
