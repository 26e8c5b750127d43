import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qa.ingest import document_from_text
from qa.ingest.duties import find_duty_groups
from qa.ingest.grammar import clause_id, parse_clauses
from qa.ingest.sentences import cut_outside_parens, split_sentences
from tests.golden import DATA, tree_lines


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_clause_tree_matches_reviewed_golden_file(corpus, prefix):
    doc = corpus.document(prefix)
    expected = (DATA / f"{doc.id}.tree").read_text(encoding="utf-8").splitlines()
    assert tree_lines(corpus.clauses_of(doc.id)) == expected


def test_raw_slices_nest_and_siblings_do_not_overlap(corpus):
    for doc in corpus.documents:
        clauses = corpus.clauses_of(doc.id)
        by_id = {c.id: c for c in clauses}
        for c in clauses:
            assert 0 <= c.char_start < c.own_end <= c.char_end <= len(doc.raw)
            piece = doc.raw[c.char_start : c.char_end]
            assert piece.strip() and piece == piece.strip(), c.path
            assert c.text.strip(), c.path
            if c.parent_id:
                p = by_id[c.parent_id]
                assert p.own_end <= c.char_start and c.char_end <= p.char_end, c.path
        for siblings in corpus.children.values():
            mine = sorted((s for s in siblings if s.doc_id == doc.id), key=lambda s: s.char_start)
            for a, b in itertools.pairwise(mine):
                assert a.char_end <= b.char_start, (a.path, b.path)


def test_ids_are_stable_and_unique(corpus):
    ids = [c.id for c in corpus.clauses]
    assert len(ids) == len(set(ids))
    c = corpus.clause_at("001_a7d205057cfc02ba", "二/（一）/1")
    assert c.id == clause_id("001_a7d205057cfc02ba", "二/（一）/1")
    assert c.heading == "1.建立全省巨觀經濟發展基礎資料庫"
    assert c.title_path.endswith(
        "二、全面提升政府數位化履職效能 > （一）強化經濟運行大數據監測分析，提升經濟調節能力 > 1.建立全省巨觀經濟發展基礎資料庫"
    )


def test_mojibake_headings_of_000_are_clauses_in_sequence(corpus):
    doc = corpus.document("000")
    tops = [c for c in corpus.clauses_of(doc.id) if c.level == 2 and c.path.startswith("五/")]
    assert [c.path for c in tops] == ["五/（一）", "五/（二）", "五/（三）", "五/（四）"]
    assert corpus.clause_at(doc.id, "一/（二）").heading == "（二）總體目標"
    assert corpus.clause_at(doc.id, "七/（四）").heading == "（四）強化考核評價"


def test_counts_by_level(corpus):
    # clauses per document by depth (1 = 一、/§/¶ at top, 2 = （一）, 3 = 1./¶ below)
    counts = {
        d.id[:3]: [sum(c.level == k for c in corpus.clauses_of(d.id)) for k in (1, 2, 3, 4)] for d in corpus.documents
    }
    assert counts == {"000": [9, 24, 42, 0], "001": [12, 29, 41, 2], "002": [7, 12, 12, 0],
                      "003": [7, 18, 0, 0], "004": [12, 35, 33, 0]}  # fmt: skip


def test_numbering_styles(corpus):
    paths = {c.path for c in corpus.clauses_of(corpus.document("002").id)}
    assert {"§1", "§2/（一）", "§2/（二）/12", "§4/（四）", "§1/¶2"} <= paths  # unnumbered sections, (一), 1.
    paths = {c.path for c in corpus.clauses_of(corpus.document("001").id)}
    assert {"解读", "解读/一", "解读/四", "七/（五）", "落款"} <= paths  # the appended interpretation
    paths = {c.path for c in corpus.clauses_of(corpus.document("003").id)}
    assert {"§1/¶1", "§5/¶3", "落款"} <= paths  # numberless commentary


def test_long_paragraph_is_split_with_offsets(corpus):
    doc = corpus.document("001")
    parts = [c for c in corpus.clauses_of(doc.id) if c.path.startswith("解读/三/¶1")]
    assert [c.path for c in parts] == ["解读/三/¶1", "解读/三/¶1/p2", "解读/三/¶1/p3"]
    assert all(len(c.text) <= 500 for c in parts)
    assert parts[0].own_end == parts[1].char_start and parts[1].char_end == parts[2].char_start


def test_every_duty_group_lands_on_a_clause(corpus):
    for prefix, n in {"001": 44, "002": 13, "004": 50}.items():
        doc = corpus.document(prefix)
        assert len(find_duty_groups(doc.raw)) == n
        assert sum(len(find_duty_groups(c.text)) for c in corpus.clauses_of(doc.id)) == n


def test_small_document_in_both_numbering_styles():
    doc = document_from_text(
        "某市人民政府关于推进数字政府建设的实施意见\n一、总体要求\n(一)指导思想。坚持以人民为中心。\n"
        "(二)主要目标。\n1.到2025年，基本建成。\n2.到2035年，全面建成。\n二、保障措施\n加强组织领导。\n",
        "t.txt",
    )
    got = [(c.path, c.heading) for c in parse_clauses(doc)]
    assert got == [("¶1", "某市人民政府关于推进数字政府建设的实施意见"), ("一", "一、总体要求"), ("一/（一）", "（一）指导思想"),
                   ("一/（二）", "（二）主要目标"), ("一/（二）/1", "1.到2025年，基本建成"), ("一/（二）/2", "2.到2035年，全面建成"),
                   ("二", "二、保障措施")]  # fmt: skip
    # a heading-only section with one paragraph beneath reads as one clause
    assert parse_clauses(doc)[-1].text == "二、保障措施\n加强组织领导。"


_PIECES = st.sampled_from(
    [
        "\n一、",
        "\n二、",
        "\n（一）",
        "\n(二)",
        "\n1.",
        "\n2.",
        "数字政府",
        "建设。",
        "，",
        "\n",
        " ?。ǘ",
        "(qū)",
        "（牵头单位：省发改委，责任单位：省公安厅）",
        "主要任务",
        "返回顶部",
        "　",
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=8)), min_size=1, max_size=60).map("".join))
def test_parser_never_crashes_and_keeps_offsets(text):
    try:
        doc = document_from_text(text, "h.txt")
    except Exception as e:  # only the library's own error is allowed
        from qa.errors import InputError

        assert isinstance(e, InputError)
        return
    for c in parse_clauses(doc):
        assert 0 <= c.char_start <= c.own_end <= c.char_end <= len(text)


def test_golden_files_exist_for_every_seed():
    assert len(list(Path(DATA).glob("*.tree"))) == 5


def test_sentences_of_a_clause():
    assert split_sentences("建设平台。推进共享；加强安全") == ["建设平台。", "推进共享；", "加强安全"]
    # a parenthesis is never cut, and a duty parenthesis stays with its sentence
    assert split_sentences("推进（试点。范围）共享。（牵头单位：省大数据局）") == [
        "推进（试点。范围）共享。（牵头单位：省大数据局）"
    ]
    assert cut_outside_parens("甲，乙（丙，丁），戊", "，") == ["甲，", "乙（丙，丁），", "戊"]


# --- legislative and decimal numbering (documents of the corpus's genres) ------------------------

REGULATION = """某市居家养老服务条例
2015年1月29日 某市第十四届人民代表大会第三次会议通过
第一章　总　则
第一条 为了满足居住在家老年人的社会化服务需求，制定本条例。
第二条 本条例所称居家养老服务，是指以家庭为基础的服务。
本市行政区域内的居家养老服务，适用本条例。
第二章 服务内容
第三条 居家养老服务包括下列内容：
（一）用餐服务；
（二）医疗卫生服务。
前款规定的服务，由街道办事处组织提供。
第四条 依照本条例第二条规定提供服务的，应当登记。
第五条 本条例自2015年5月1日起施行。
"""


def test_articles_are_clauses_numbered_in_the_documents_own_way():
    doc = document_from_text(REGULATION, "reg.txt")
    paths = [c.path for c in parse_clauses(doc)]
    assert "第一章/第一条" in paths and "第二章/第三条" in paths
    assert "第一章/第二条/第2款" in paths  # an article's second paragraph is its 第2款
    assert "第二章/第三条/（一）" in paths and "第二章/第三条/第2款" in paths  # a 款 after the 项
    assert sum(p.endswith("条") for p in paths) == 5  # 第四条 cites 第二条 inside: not a sixth article
    assert (doc.title, doc.kind, doc.issuer, doc.date, doc.effective_date) == (
        "某市居家养老服务条例", "条例", "某市人民代表大会", "2015-01-29", "2015-05-01"
    )  # fmt: skip


def test_a_paragraph_between_an_articles_items_belongs_to_the_item_before_it():
    text = (
        "某市长期护理保险办法\n第一条 为了保障失能人员，制定本办法。\n第二条 评估费用按以下标准执行：\n"
        "（一）失能评估费用\n纳入支付范围的费用标准为每人每次200元，支付比例如下：\n"
        "1.重度失能的由基金全额支付；\n2.其他情形由申请人支付。\n"
        "参保人员申请复评的，复评费用由申请人承担。\n（二）延续护理评估费用\n费用标准为每人每次100元。\n"
        "经办机构可以组织核查评估。\n第三条 本办法自2020年1月1日起施行。\n"
    )
    clauses = {c.path: c for c in parse_clauses(document_from_text(text, "reg.txt"))}
    # the items go on after them: the paragraphs are the first item's own text, its list beneath it
    assert clauses["第二条/（一）/¶1"].text.startswith("纳入支付范围的费用标准为每人每次200元")
    assert "第二条/（一）/1" in clauses and clauses["第二条/（一）/¶2"].text.startswith("参保人员申请复评")
    # the list's items hold paragraphs of their own: the last item's are its own too
    assert clauses["第二条/（二）/¶1"].text == "费用标准为每人每次100元。"
    assert "第二条/（二）/¶2" in clauses and "第二条/第2款" not in clauses
    # REGULATION's 前款规定的… after its last item (items without paragraphs) stays the article's 款


def test_an_article_is_cited_by_its_number():
    from qa.answer import readable_path

    doc = document_from_text(REGULATION, "reg.txt")
    c = next(c for c in parse_clauses(doc) if c.path == "第二章/第三条/第2款")
    assert readable_path(c) == "第三条第二款"


def test_decimal_sections_after_a_table_of_contents():
    text = "某市粮食应急预案\n目 录\n1 总则\n2 组织机构\n3 附则\n1 总则\n1.1 编制目的\n为了有效控制粮食市场异常波动，制定本预案。\n" \
           "1.2 适用范围\n本预案适用于粮食应急状态。\n2 组织机构\n2.1 指挥部\n成立市粮食应急工作指挥部。\n3 附则\n本预案自印发之日起实施。\n"  # fmt: skip
    paths = [c.path for c in parse_clauses(document_from_text(text, "plan.txt"))]
    assert [p for p in paths if "/" not in p and p[0].isdigit()] == ["1", "2", "3"]
    assert "1/1.1" in paths and "2/2.1" in paths
