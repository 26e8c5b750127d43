"""The corpus question sets are split by document and every gold clause can be found.

The tuning sets ask only about the odd-numbered documents of ``eval/corpus/docs`` and the
held-out sets only about the even-numbered ones; a gold evidence string occurs once, on one line
of its file, so the evaluator resolves the gold clause from it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.evaluate import read_questions

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "eval" / "corpus" / "docs"
SETS = {
    "corpus-tune.jsonl": 1,
    "corpus-tune2.jsonl": 1,
    "corpus-tune3.jsonl": 1,
    "corpus-tune4.jsonl": 1,
    "corpus-tune5.jsonl": 1,
    "corpus-tune6.jsonl": 1,
    "corpus-heldout.jsonl": 0,
    "corpus-heldout2.jsonl": 0,
    "corpus-heldout3.jsonl": 0,
    "corpus-heldout4.jsonl": 0,
    "corpus-heldout5.jsonl": 0,
    "corpus-heldout6.jsonl": 0,
}
#: a set's least size: the fifth and sixth held-out sets (2026-12-06) and the fourth to sixth tune sets are smaller ones
SMALLER = {
    "corpus-heldout5.jsonl": 120,
    "corpus-heldout6.jsonl": 120,
    "corpus-tune4.jsonl": 170,
    "corpus-tune5.jsonl": 160,
    "corpus-tune6.jsonl": 100,
}


@pytest.mark.parametrize("name", sorted(SETS))
def test_a_set_asks_only_about_its_half_of_the_documents(name):
    questions = read_questions(ROOT / "eval" / name)
    assert len(questions) >= SMALLER.get(name, 180)
    unanswerable = [q for q in questions if not q.answerable]
    assert len(unanswerable) >= 0.25 * len(questions) and all(not q.gold and not q.facts for q in unanswerable)
    for q in questions:
        for gold in q.gold:
            number = int(gold["source_file"].split("_", 1)[0])
            assert number % 2 == SETS[name], (q.id, gold["source_file"])
            text = (DOCS / gold["source_file"]).read_text(encoding="utf-8")
            assert text.count(gold["evidence"]) == 1 and "\n" not in gold["evidence"], q.id
        assert not q.answerable or q.facts, q.id


def test_ids_are_unique_across_the_sets():
    ids = [q.id for name in SETS for q in read_questions(ROOT / "eval" / name)]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("name", ["profiles.jsonl", "profiles2.jsonl", "profiles3.jsonl", "profiles4.jsonl"])
def test_a_profile_set_is_split_by_document_and_its_evidence_is_found(name):
    """A covered profile's gold documents are all odd (tune) or all even (heldout); each evidence
    occurs once, on one line, of its file; at least 15 profiles no document covers."""
    from qa.match.score import read_profiles

    rows = read_profiles(ROOT / "eval" / name)
    assert len(rows) >= 80 and sum(not r["covered"] for r in rows) >= 15
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        assert r["split"] in ("tune", "heldout") and bool(r["gold"]) == r["covered"], r["id"]
        for gold in r["gold"]:
            number = int(gold["source_file"].split("_", 1)[0])
            assert number % 2 == (r["split"] == "tune"), (r["id"], gold["source_file"])
            text = (DOCS / gold["source_file"]).read_text(encoding="utf-8")
            assert text.count(gold["evidence"]) == 1 and "\n" not in gold["evidence"], r["id"]


@pytest.mark.parametrize(("name", "parity"), [("corpus-spans-tune.jsonl", 1), ("corpus-spans-heldout.jsonl", 0)])
def test_a_span_set_asks_only_about_its_half_and_its_answers_are_spans(name, parity):
    """The span sets (an outside benchmark's kind of question): all answerable, each answer a
    short span that its evidence, found once on one line of its document, holds."""
    questions = read_questions(ROOT / "eval" / name)
    assert len(questions) >= 100 and all(q.answerable and q.kind == "span" for q in questions)
    assert len({g["source_file"] for q in questions for g in q.gold}) >= 18
    for q in questions:
        (gold,) = q.gold
        assert int(gold["source_file"].split("_", 1)[0]) % 2 == parity, q.id
        text = (DOCS / gold["source_file"]).read_text(encoding="utf-8")
        assert text.count(gold["evidence"]) == 1 and "\n" not in gold["evidence"], q.id
        assert all(2 <= len(f) <= 40 and f in gold["evidence"] for alts in q.facts for f in alts), q.id
