"""The pure view functions of the web app (qa.app.views) and the small helpers of the page and its state."""

from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import replace

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.app import views
from qa.app.guard import staff_ok
from qa.app.page import build_blocks
from qa.app.qlog import LogEntry, Topic, Unanswered
from qa.app.state import INTERNAL_ERROR, PolicyApp, available_generators, user_message
from qa.duties import DutyRow
from qa.errors import IndexStateError, InputError
from qa.schema import Answer, Citation, Clause, Document, Duties
from qa.settings import Settings

EVIL = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&"


def doc(id="d1", title="宁波市人民政府关于印发宁波市加快数字政府建设实施方案的通知", number="甬政发〔2023〕16号"):
    return Document(
        id, f"{id}.txt", title, "宁波市人民政府", number, "2023-04-10", "宁波市", "方案", "simplified", "", ""
    )


NO_DUTIES = Duties()


def clause(id, path, text, parent=None, level=1, duties=NO_DUTIES, doc_id="d1", heading=None):
    heading = heading if heading is not None else text.split("。")[0]
    return Clause(id, doc_id, f"{doc_id}.txt", path, level, heading, f"方案 > {heading}", text, text, 0, len(text),
                  parent, duties)  # fmt: skip


TREE = [
    clause("a", "一", "一、总体要求"),
    clause("b", "一/（一）", "（一）目标。到2025年建成5G基站4万个。", "a", 2),
    clause("c", "一/（一）/1", "1.建设平台。推进数据共享。（牵头单位：市大数据局）", "b", 3, Duties(("市大数据局",))),
    clause("d", "二", "二、保障措施"),
]


def no_raw_markup(html: str, allowed: str = "a|mark|p|div|span|br|details|summary|dl|dt|dd|h3|ul|li") -> bool:
    """True when every tag in ``html`` is one of ours (user text can only appear escaped)."""
    tags = re.findall(r"<\s*/?\s*([a-zA-Z0-9]+)", html)
    return all(re.fullmatch(allowed, t) for t in tags)


# --- chat -------------------------------------------------------------------------------------


def test_markers_link_to_cards_of_the_same_turn():
    out = views.link_markers("甲[1]，乙[2]。[12]", 4)
    assert out.count('class="cite-ref"') == 3
    assert 'href="#cite-4-2"' in out and 'href="#cite-4-12"' in out


def test_answered_and_refused_look_different():
    d = doc()
    c = clause("c", "五/（三）", "（三）扩大网络覆盖面。到2025年，累计建设5G基站超过4万个。")
    ans = Answer("问", "到2025年，累计建设5G基站超过4万个。[1]\n出处：[1]《宁波》第五部分", False,
                 (Citation(1, c, "到2025年，累计建设5G基站超过4万个。"),), (), 12.0)  # fmt: skip
    html = views.answer_html(ans, {"d1": d}, 1, qid=7)
    assert 'class="msg bot answered"' in html and "refused" not in html
    assert 'id="cite-1-1"' in html and 'href="#cite-1-1"' in html
    assert "<mark>到2025年，累计建设5G基站超过4万个。</mark>" in html
    assert "甬政发〔2023〕16号" in html and "《宁波市加快数字政府建设实施方案》" in html
    assert 'class="view-clause"' in html and 'data-clause="c"' in html and 'href="?clause=c"' in html
    assert "#7" in html and '<p class="sources">' in html
    refused = views.answer_html(Answer("问", "资料中未找到相关规定。", True, (), ()), {"d1": d}, 2)
    assert 'class="msg bot refused"' in refused and "cite-card" not in refused and "未找到依据" in refused


def test_rewritten_followup_is_shown():
    html = views.user_bubble_html("那河北呢？", "河北到2025年的目标是什么？")
    assert "那河北呢？" in html and "按上下文理解为：河北到2025年的目标是什么？" in html
    assert "rewritten" not in views.user_bubble_html("问")


def test_welcome_page_lists_the_examples():
    examples = ("“建设<政务>平台”由谁牵头？", "《某某办法》是什么时候印发的？")
    html = views.transcript_html([], examples=examples)
    assert all(views.esc(q) in html for q in examples) and "<政务>" not in html
    assert "可以这样问" not in views.transcript_html([])  # a library with no examples lists none
    assert views.transcript_html(["<p>x</p>"], examples=examples) == '<div class="chat-log"><p>x</p></div>'


def test_the_examples_are_questions_the_library_answers(index):
    """The chat page's examples come from the library's own documents and duty annotations, and
    each is answered, with a citation, from the library it was made for."""
    from qa.answer import answer
    from qa.app.examples import example_questions

    examples = example_questions(index)
    assert len(examples) >= 3 and any("牵头" in q for q in examples) and any("负责哪些任务" in q for q in examples)
    for q in examples:
        a = answer(q, index, index.settings)
        assert not a.refused and a.citations, q


def test_highlight_across_scripts_and_missing_sentence():
    # the supporting sentence in Simplified, the clause published in Traditional
    assert views.highlight("推進數據共享。建設平台。", "建设平台。") == "推進數據共享。<mark>建設平台。</mark>"
    assert views.highlight("a<b", "") == "a&lt;b"


def test_pending_and_error_are_escaped():
    assert "&lt;script&gt;" in views.pending_html("<script>")
    assert views.error_html(EVIL).count("<") == views.error_html("x").count("<")


# --- injection ------------------------------------------------------------------------------


def test_script_in_a_question_is_shown_as_text():
    html = views.transcript_html([views.user_bubble_html(EVIL, EVIL), views.error_html(EVIL)])
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert no_raw_markup(html)


def test_script_in_a_clause_and_a_title_is_shown_as_text():
    d = doc(title=EVIL, number=EVIL)
    c = clause(EVIL, EVIL, f"正文{EVIL}。第二句。", heading=EVIL)
    ans = Answer(EVIL, f"{EVIL}[1]\n出处：[1]{EVIL}", False, (Citation(1, c, f"正文{EVIL}。"),), ())
    html = views.answer_html(ans, {"d1": d}, 1)
    tree = views.library_html(d, [c], focus=EVIL)
    for out in (html, tree, views.duty_badges_html(clause("x", "1", "t", duties=Duties((EVIL,))))):
        assert "<script" not in out and "<img" not in out
        assert no_raw_markup(out)
    assert 'data-clause="&lt;script&gt;' in html  # attributes are escaped too (quotes included)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>&\"'[]1209 /=scriptimg政府\n")), max_size=60))
def test_any_text_renders_without_raw_markup(text):
    assert no_raw_markup(views.link_markers(text, 1))
    assert no_raw_markup(views.answer_body_html(text, 1))
    assert no_raw_markup(views.highlight(text, text[3:9]))
    assert no_raw_markup(views.user_bubble_html(text, text))


# --- library ----------------------------------------------------------------------------------


def test_tree_nests_and_anchors_every_clause():
    html = views.clause_tree_html(doc(), TREE)
    for c in TREE:
        assert f'id="clause-{c.id}"' in html
    # c is inside b inside a; d is a sibling of a
    a, b, c, d = (html.index(f'id="clause-{x}"') for x in "abcd")
    assert a < b < c < d
    assert html.count("<details") == html.count("</details>") == 4
    assert "牵头单位" in html and "市大数据局" in html


def test_tree_opens_the_path_to_the_focus():
    closed = views.clause_tree_html(doc(), TREE)
    assert re.search(r'id="clause-c"[^>]*open', closed) is None  # level 3 starts closed
    focused = views.clause_tree_html(doc(), TREE, focus="c")
    for x in "abc":
        assert re.search(rf'id="clause-{x}"[^>]*open', focused)
    assert 'class="clause focus" id="clause-c"' in focused
    assert focused.count("focus") == 1


def test_library_shows_metadata():
    html = views.library_html(doc(), TREE)
    assert "甬政发〔2023〕16号" in html and "2023-04-10" in html and "条款数" in html


def test_doc_rows():
    rows = views.doc_rows([doc()], {"d1": 4})
    assert rows == [["d1", "宁波市加快数字政府建设实施方案", "宁波市人民政府", "甬政发〔2023〕16号", "2023-04-10",
                     "宁波市", "方案", "简体", "txt", "v1", "现行有效", "4"]]  # fmt: skip
    retired = views.doc_rows(
        [replace(doc(), status="superseded", status_date="2024-01-01", version=3, format="pdf")], {}
    )
    assert retired[0][8:11] == ["pdf", "v3", "已于2024-01-01被替代"]


# --- duties and exports ---------------------------------------------------------------------


ROWS = [
    DutyRow("d1", "c1", "二/1", "1.建设平台", ("市大数据局",), ("市经信局",), (), "lead"),
    DutyRow("d1", "c2", "二/2", "=cmd|' /C calc'!A0", (), ("市大数据局", "市公安局"), ("市财政局",), "responsible"),
]


def test_duty_rows_follow_the_headers():
    rows = views.duty_rows(ROWS, {"d1": doc()})
    assert len(rows[0]) == len(views.DUTY_HEADERS)
    assert rows[0] == [
        "宁波市加快数字政府建设实施方案",
        "二/1",
        "1.建设平台",
        "市大数据局",
        "市经信局",
        "",
        "牵头单位",
        "c1",
    ]
    assert rows[1][4] == "市大数据局、市公安局" and rows[1][6] == "责任单位"


def test_duty_page_rows_link_paths_and_escape_markdown():
    table = views.duty_rows(ROWS, {"d1": doc()})
    page = views.duty_page_rows(table)
    assert len(page[0]) == len(views.DUTY_PAGE_HEADERS)
    assert page[0][1] == "[二/1](?clause=c1)"
    evil = views.duty_page_rows([["d", "<img src=x>[a](javascript:x)", "t", "", "", "", "", '"><script>']])[0][1]
    assert "<img" not in evil and "](javascript" not in evil and '"><script>' not in evil


def test_csv_export_round_trip_and_formula_guard(tmp_path):
    table = views.duty_rows(ROWS, {"d1": doc()})
    path = views.export_csv(views.DUTY_HEADERS, table, tmp_path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: spreadsheet programs read the Chinese
    with path.open(encoding="utf-8-sig", newline="") as f:
        got = list(csv.reader(f))
    assert got[0] == views.DUTY_HEADERS
    assert got[1] == table[0]
    assert got[2][2] == "'=cmd|' /C calc'!A0"


def test_xlsx_export_round_trip(tmp_path):
    table = views.duty_rows(ROWS, {"d1": doc()})
    path = views.export_xlsx(views.DUTY_HEADERS, table, tmp_path)
    ws = openpyxl.load_workbook(path).active
    values = [[c.value or "" for c in row] for row in ws.iter_rows()]
    assert values[0] == views.DUTY_HEADERS
    assert values[1] == table[0]
    assert values[2][2].startswith("'=")  # stored as text, never as a formula
    assert ws.freeze_panes == "A2"


def test_export_without_folder_uses_a_temp_dir():
    path = views.export_csv(["a"], [["b"]])
    assert path.exists() and path.parent.name.startswith("policyqa-export-")


# --- log views --------------------------------------------------------------------------------


def test_log_tables():
    e = LogEntry(3, "2026-11-22T10:00:00.123Z", "问<script>", "", "答" * 100, True, [], 5.0, "extractive", 1, "好")
    row = views.log_rows([e])[0]
    assert len(row) == len(views.LOG_HEADERS)
    assert row[:7] == ["3", "2026-11-22 10:00:00", "问<script>", "👍", "好", "是", "5"]
    assert row[7] == "答" * views.LOG_ANSWER_CHARS + "…"  # cut in the table, whole in the detail
    detail = views.log_entry_html(e)
    assert "答" * 100 in detail and "&lt;script&gt;" in detail and "<script" not in detail
    assert views.topic_rows([Topic("基站", 3, "宁波5G基站？")]) == [["基站", "3", "宁波5G基站？"]]
    assert views.unanswered_rows([Unanswered("个税？", 2, "2026-11-22T10:00:00.000Z")]) == [
        ["个税？", "2", "2026-11-22 10:00:00"]
    ]
    empty = views.stats_markdown({"questions": 0, "refused": 0, "avg_latency_ms": 0, "thumbs_up": 0, "thumbs_down": 0})
    assert "**0** 个问题" in empty and "%" not in empty  # no division by zero


def test_api_docs_page_escapes_and_lists_operations():
    spec = {
        "openapi": "3.1.0",
        "info": {"title": "PolicyQA API", "version": "0.1", "description": EVIL},
        "paths": {"/api/ask": {"post": {"summary": "Ask", "requestBody": {"content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/AskRequest"}}}}}}},
        "components": {"schemas": {"AskRequest": {"properties": {"question": {"type": "string", "description": EVIL}},
                                                  "required": ["question"]}}},
    }  # fmt: skip
    page = views.api_docs_html(spec)
    assert "<script>alert" not in page and "<img" not in page
    assert "/api/ask" in page and "schema-AskRequest" in page


# --- ui helpers -------------------------------------------------------------------------------


def test_generators_offered_are_the_installed_ones(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "llama_cpp" else real(name, *a))
    assert available_generators() == ["extractive"]
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: object())
    assert available_generators() == ["extractive", "llm"]


def test_export_folders_are_pruned(tmp_path):
    app = PolicyApp(Settings(log_db=tmp_path / "log.db"), index=object())
    folders = [app.new_export_dir(keep=3) for _ in range(6)]
    assert all(f.parent == app.export_dir for f in folders)
    assert len(list(app.export_dir.iterdir())) == 3
    assert folders[-1].exists() and not folders[0].exists()


def test_staff_token_check():
    assert not staff_ok(Settings(), "") and not staff_ok(Settings(), None)  # no token set: closed
    s = Settings(staff_token="s3cret")
    assert staff_ok(s, "s3cret")
    assert not staff_ok(s, "") and not staff_ok(s, None) and not staff_ok(s, "s3cre")


@pytest.mark.parametrize(
    ("exc", "shown"),
    [
        (InputError("请输入问题。"), "请输入问题。"),
        (IndexStateError("no index at index/default: rebuild it with `make index`"), "no index at index/default"),
        (RuntimeError("secret path /etc/x"), INTERNAL_ERROR),
    ],
)
def test_errors_become_messages(exc, shown):
    msg = user_message(exc)
    assert msg.startswith(shown)
    assert "secret" not in msg and "Traceback" not in msg


def test_help_answer_is_not_shown_as_a_failed_search():
    from qa.app.views import answer_html
    from qa.schema import Answer

    html = answer_html(Answer("你好", "您好！我回答文库中政策文件的问题…", True, (), (), mode="help"), {}, 1)
    assert "未找到依据" not in html and "您好！" in html


def test_only_the_answer_and_library_changes_wait_in_the_queue(tmp_path):
    """A queued event that ends just as the next one joins can close the page's event stream under
    it, and that answer never comes (seen: 1 page load in about 20). Quick handlers therefore run
    outside the queue; only the streamed answer and the slow library changes are queued."""
    blocks = build_blocks(PolicyApp(Settings(log_db=tmp_path / "log.db", index_name="none"), index=None))
    queued = {fn.name for fn in blocks.fns.values() if fn.queue}
    assert queued == {"on_ask", "on_lib_add", "on_lib_update", "on_lib_status", "on_lib_remove"}
