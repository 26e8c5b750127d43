import json

import pytest

from qa.errors import InputError
from qa.evaluate import Question, read_questions, resolve_gold, score_record, summarise, summarise_by_kind


def test_read_questions_validation(tmp_path):
    p = tmp_path / "q.jsonl"
    p.write_text(
        '{"id": "a", "question": "宁波5G基站多少？"}\n\n{"id": "b", "question": "x", "facts": [["1"], "2"]}\n',
        encoding="utf-8",
    )
    qs = read_questions(p)
    assert [q.id for q in qs] == ["a", "b"] and qs[1].facts == (("1",), ("2",))
    for bad, msg in [
        ('{"id": "a"}', "needs"),
        ("not json", "not valid JSON"),
        ('{"id":"a","question":"x"}\n' * 2, "duplicate"),
        ("", "no questions"),
    ]:
        p.write_text(bad, encoding="utf-8")
        with pytest.raises(InputError, match=msg):
            read_questions(p)
    with pytest.raises(InputError, match="not found"):
        read_questions(tmp_path / "none.jsonl")


def test_gold_resolves_by_evidence(corpus):
    ids = resolve_gold(
        corpus,
        [
            {
                "source_file": "001_a7d205057cfc02ba.txt",
                "path": "wrong/path",
                "evidence": "構建多源合一的巨觀經濟發展基礎資料庫",
            }
        ],
    )
    assert [corpus.clause_by_id[i].path for i in ids] == ["二/（一）/1"]
    assert resolve_gold(corpus, [{"source_file": "nope.txt", "evidence": "x"}]) == []


def _rec(cited, retrieved, answer="", refused=False, latency=10.0):
    return {"answer": answer, "refused": refused, "latency_ms": latency,
            "citations": [{"clause_id": c} for c in cited],
            "retrieved": [{"clause_id": c, "text": t} for c, t in retrieved]}  # fmt: skip


def test_metrics_on_hand_computed_cases(corpus):
    q1 = Question("1", "?", "fact", True, ({"evidence": "乙丙"},), (("4万",), ("2025年",)))
    q2 = Question("2", "?", "unanswerable", False)
    q3 = Question("3", "?", "fact", True, ({"evidence": "丁"},), (("x",),))
    s1 = score_record(q1, _rec(["g"], [("n", "甲"), ("g", "乙丙")], answer="到2025年建成4万个[1]"), ["g"], corpus)
    assert (s1.recall5, s1.rr10, s1.window, s1.cite_precision, s1.cite_recall, s1.facts) == (
        1.0,
        0.5,
        True,
        1.0,
        1.0,
        [True, True],
    )
    s2 = score_record(q2, _rec([], [], refused=True), [], corpus)  # correct refusal
    s3 = score_record(q3, None, ["h"], corpus)  # missing record: scored as a miss
    m = summarise([s1, s2, s3])
    assert m["recall@5"] == 0.5 and m["mrr@10"] == 0.25 and m["fact_coverage"] == round(2 / 3, 4)
    assert m["refusal_accuracy"] == 1.0 and m["false_refusal_rate"] == 0.0 and m["missing_records"] == 1
    assert m["latency_p50_ms"] == 10.0
    assert set(summarise_by_kind([s1, s2, s3])) == {"fact", "unanswerable"}


def test_edge_cases_no_citations_all_refused(corpus):
    q = Question("1", "?", "fact", True, ({"evidence": "乙"},), (("乙",),))
    s = score_record(q, _rec([], [("g", "乙")], refused=True), ["g"], corpus)
    m = summarise([s])
    assert m["false_refusal_rate"] == 1.0 and m["fact_coverage"] == 0.0 and m["citation_precision"] is None
    assert summarise([])["recall@5"] is None


def test_long_answers_do_not_count_for_short_coverage(corpus):
    q = Question("1", "?", "fact", True, (), (("甲",),))
    s = score_record(q, _rec([], [], answer="甲" + "乙" * 400), [], corpus)
    m = summarise([s])
    assert m["fact_coverage"] == 1.0 and m["fact_coverage_short"] == 0.0


def test_eval_runner_end_to_end(tmp_path, index, index_settings, capsys, monkeypatch):
    from qa.app.cli import main

    qfile = tmp_path / "q.jsonl"
    qfile.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in [
        {"id": "a", "question": "宁波到2025年累计要建设多少个5G基站？", "kind": "fact", "answerable": True,
         "gold": [{"source_file": "004_fc0c221cca52bb2d.txt", "evidence": "5G基站"}], "facts": [["4万"]]},
        {"id": "b", "question": "广东省粤省事日活目标？", "kind": "unanswerable", "answerable": False},
        {"id": "c", "question": "没有标注的问题：浙里办是什么？"},
    ]), encoding="utf-8")  # fmt: skip
    monkeypatch.setenv("POLICYQA_INDEX_ROOT", str(index_settings.index_root))
    monkeypatch.setenv("POLICYQA_SEEDS", str(index_settings.seeds_dir))
    out = tmp_path / "answers.jsonl"
    rc = main(["eval", "--questions", str(qfile), "--output", str(out), "--reports", str(tmp_path / "r"),
               "--compare", "bm25,hybrid", "-q"])  # fmt: skip
    assert rc == 0
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(recs) == 6 and {r["config"] for r in recs} == {"bm25", "hybrid"}
    summary = json.loads(next((tmp_path / "r").glob("*.json")).read_text())
    assert summary["hybrid"]["overall"]["refusal_accuracy"] == 1.0
    assert summary["hybrid"]["overall"]["search_recall@5"] == 1.0  # search alone finds the 5G clause
    assert list(summary["hybrid"]["by_script"]) == ["simplified → simplified"]  # seed 004 is in Simplified
    assert next((tmp_path / "r").glob("*.png")).stat().st_size > 1000
    assert "| recall@5 |" in capsys.readouterr().out


def test_configuration_names_round_trip():
    from qa.errors import ConfigError
    from qa.runner import config_name, parse_config
    from qa.settings import Settings

    for name in ("bm25", "dense+norescore", "hybrid", "hybrid+nofeedback+norescore", "hybrid+rerank", "hybrid+llm"):
        assert config_name(parse_config(name, Settings())) == name
    assert not parse_config("hybrid+norescore", Settings()).rescore
    with pytest.raises(ConfigError):
        parse_config("hybrid+magic", Settings())
