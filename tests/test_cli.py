import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SEEDS, run_cli


def test_docs_table_and_json(capsys):
    rc, out, _ = run_cli(capsys, "docs", "--seeds", str(SEEDS))
    assert rc == 0 and "冀政發〔2023〕3號" in out and "甬政发〔2023〕16号" in out
    rc, out, _ = run_cli(capsys, "docs", "--seeds", str(SEEDS), "--json")
    assert [d["id"][:3] for d in json.loads(out)] == ["000", "001", "002", "003", "004"]


def test_clauses_tree(capsys):
    rc, out, _ = run_cli(capsys, "clauses", "001", "--seeds", str(SEEDS))
    assert rc == 0 and "  二/（一）  （一）強化經濟運行大數據監測分析" in out and "牵头:省發展改革委" in out
    rc, out, _ = run_cli(capsys, "clauses", "002_a19ad79aa91d0f4c.txt", "--seeds", str(SEEDS), "--json")
    assert json.loads(out)["clauses"][0]["path"] == "¶1"


def test_duties_both_directions(capsys):
    rc, out, _ = run_cli(capsys, "duties", "--unit", "市大数据局", "--seeds", str(SEEDS))
    assert rc == 0 and "责任" in out
    rc, out, _ = run_cli(capsys, "duties", "--task", "超算中心", "--json", "--seeds", str(SEEDS))
    assert json.loads(out)[0]["path"] == "五/（二）"


@pytest.mark.parametrize(
    "argv, msg",
    [(["clauses", "999"], "not a known document"), (["duties", "--unit", "火星局"], "no clause names"),
     (["docs", "--seeds", "/no/such/dir"], "corpus folder not found")],
)  # fmt: skip
def test_bad_input_exits_2_with_a_message(capsys, argv, msg):
    if "--seeds" not in argv:
        argv = [*argv, "--seeds", str(SEEDS)]
    rc, _out, err = run_cli(capsys, *argv)
    assert rc == 2 and msg in err and "Traceback" not in err


def test_search_and_ask(capsys, env):
    rc, out, _ = run_cli(capsys, "search", "宁波5G基站", "-k", "3")
    assert rc == 0 and out.count("\n 1.") + out.startswith(" 1.") == 1
    rc, out, _ = run_cli(capsys, "search", "数据安全", "--doc", "001", "--json")
    assert all(h["doc_id"].startswith("001") for h in json.loads(out))
    rc, out, err = run_cli(capsys, "ask", "宁波到2025年累计要建设多少个5G基站？", "--json", "--id", "x1")
    rec = json.loads(out)
    assert rc == 0 and rec["id"] == "x1" and "4万" in rec["answer"] and rec["citations"]
    rc, out, err = run_cli(capsys, "ask", "   ")
    assert rc == 2 and "empty" in err


@pytest.mark.parametrize(
    "argv, msg",
    [(["search", "宁波5G基站", "-k", "0"], "from 1 to 1000"), (["search", "宁波5G基站", "-k", "-1"], "from 1 to 1000"),
     (["match", "我是广州的退休职工", "-k", "0"], "from 1 to 1000")],
)  # fmt: skip
def test_a_count_that_is_no_count_is_refused(capsys, env, argv, msg):
    with pytest.raises(SystemExit) as exit_:  # argparse's usage error
        run_cli(capsys, *argv)
    assert exit_.value.code == 2 and msg in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, msg",
    [(["search", "数据安全", "--doc", "nope"], "no document of the library is 'nope'"),
     (["add", "--index", "a/b", "x.txt"], "an index name is"), (["add", "--index", "../x", "x.txt"], "an index name is"),
     (["match", "我是宁波的企业", "--region", "火星"], "region must name a place"),
     (["match", "我是宁波的企业", "--size", "巨型"], "size must be one of"),
     (["match", "😀"], "describe the person or the firm")],
)  # fmt: skip
def test_bad_input_to_the_library_exits_2_with_a_message(capsys, env, argv, msg):
    rc, _out, err = run_cli(capsys, *argv)
    assert rc == 2 and msg in err and "Traceback" not in err


def test_an_eval_that_could_not_write_its_answers_stops_before_answering(capsys, env, tmp_path, monkeypatch):
    import qa.runner

    monkeypatch.setattr(qa.runner, "score_questions", lambda *a, **k: pytest.fail("answered before the check"))
    questions = ROOT / "eval" / "test.jsonl"
    a_file = tmp_path / "afile"
    a_file.write_text("", encoding="utf-8")
    for argv, msg in [
        (["--reports", str(a_file)], "a file, not a folder"),
        (["--output", str(tmp_path)], "a folder; name a file"),
        (["--output", str(tmp_path / "no" / "x.jsonl")], "no folder"),
        (["--output", str(questions)], "is the question file"),
    ]:
        rc, _out, err = run_cli(capsys, "eval", "-q", "--questions", str(questions), *argv)
        assert rc == 2 and msg in err, (argv, err)


def test_build_command_writes_an_index(capsys, monkeypatch, tmp_path, index):
    monkeypatch.setenv("POLICYQA_INDEX_ROOT", str(tmp_path))
    rc, _out, err = run_cli(capsys, "build", "--seeds", str(SEEDS), "--index", "fresh", "-q")
    assert rc == 0 and "295 clauses" in err and (tmp_path / "fresh" / "manifest.json").exists()


def test_missing_index_is_a_clear_error(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("POLICYQA_INDEX_ROOT", str(tmp_path))
    rc, _out, err = run_cli(capsys, "ask", "数字政府")
    assert rc == 2 and "make index" in err
    rc, _out, err = run_cli(capsys, "add", "--index", "nope", str(next(SEEDS.glob("000_*"))))
    assert rc == 2 and "cannot change the library" in err
    assert not list(tmp_path.iterdir())  # no lock file left for a library that is not there


def test_python_dash_m_entry_point():
    p = subprocess.run(
        [sys.executable, "-m", "qa", "docs", "--seeds", str(SEEDS)], capture_output=True, text=True, cwd=ROOT
    )
    assert p.returncode == 0 and "河北" in p.stdout
