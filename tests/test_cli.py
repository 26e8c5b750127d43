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


def test_build_command_writes_an_index(capsys, monkeypatch, tmp_path, index):
    monkeypatch.setenv("POLICYQA_INDEX_ROOT", str(tmp_path))
    rc, _out, err = run_cli(capsys, "build", "--seeds", str(SEEDS), "--index", "fresh", "-q")
    assert rc == 0 and "295 clauses" in err and (tmp_path / "fresh" / "manifest.json").exists()


def test_missing_index_is_a_clear_error(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("POLICYQA_INDEX_ROOT", str(tmp_path))
    rc, _out, err = run_cli(capsys, "ask", "数字政府")
    assert rc == 2 and "make index" in err


def test_python_dash_m_entry_point():
    p = subprocess.run(
        [sys.executable, "-m", "qa", "docs", "--seeds", str(SEEDS)], capture_output=True, text=True, cwd=ROOT
    )
    assert p.returncode == 0 and "河北" in p.stdout
