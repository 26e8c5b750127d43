from qa.duties import duty_table, unit_key, unit_matches
from qa.ingest.duties import extract_duties, find_duty_groups, parse_duty_group


def test_all_107_groups_parse_into_units(corpus):
    groups = [g for d in corpus.documents for g in find_duty_groups(d.raw)]
    assert len(groups) == 107
    for _s, _e, inner in groups:
        d = parse_duty_group(inner)
        assert d.all_units(), inner
        for u in d.all_units():
            assert 2 <= len(u) <= 40 and "单位" not in u[:4] and "單位" not in u[:4], (inner, u)
            assert not u.endswith("等"), u


def test_roles_kept_distinct_in_both_scripts():
    d = parse_duty_group("牽頭單位:省發展改革委、省政府辦公廳,責任單位:省統計局,各市政府、雄安新區管委會")
    assert d.lead == ("省發展改革委", "省政府辦公廳")
    assert d.responsible == ("省統計局", "各市政府", "雄安新區管委會")
    d = parse_duty_group("牵头单位：省政府办公厅；协同单位：省发展改革委、省科技厅等")
    assert d.lead == ("省政府办公厅",) and d.cooperating == ("省发展改革委", "省科技厅")


def test_two_responsible_groups_in_one_parenthesis_are_merged():
    d = parse_duty_group("责任单位：市发改委、市统计局；责任单位：市大数据局")
    assert d.responsible == ("市发改委", "市统计局", "市大数据局")
    assert extract_duties("推进。（责任单位：市公安局）另推进。（责任单位：市司法局）").responsible == (
        "市公安局",
        "市司法局",
    )


def test_real_clause_duties(corpus):
    c = corpus.clause_at(corpus.document("001").id, "二/（三）/3")
    assert c.duties.lead and c.duties.responsible
    c = corpus.clause_at(corpus.document("004").id, "五/（二）")
    assert "市大数据局" in c.duties.responsible


def test_unit_aliases_and_prefixes():
    assert unit_key("省發展改革委") == unit_key("省发改委") == unit_key("省发展和改革委员会")
    assert unit_key("市市场监督管理局") == unit_key("市市场监管局")
    assert unit_matches("发改委", "市发改委") and unit_matches("发改委", "省發展改革委")
    assert not unit_matches("市发改委", "省发展改革委")
    assert not unit_matches("", "省公安厅")
    assert unit_matches("公安厅", "省公安廳")


def test_duty_table_both_directions(corpus):
    rows = duty_table(corpus.clauses, unit="省发改委")
    assert rows and all(r.role in ("lead", "responsible", "cooperating") for r in rows)
    assert {r.doc_id[:3] for r in rows} <= {"001", "002"}  # 省 units only: not Ningbo's 市发改委
    rows = duty_table(corpus.clauses, task="超算中心")
    assert len(rows) == 1 and "市大数据局" in rows[0].responsible
    assert duty_table(corpus.clauses, unit="不存在的局") == []


def test_duties_from_the_rows_of_a_division_of_labour_table():
    row = "序号：2；任务：建立开放清单；牵头单位：市数据资源局；协同单位：市司法局、市财政局；完成时限：2024年底"
    d = extract_duties(row)
    assert d.lead == ("市数据资源局",) and d.cooperating == ("市司法局", "市财政局") and not d.responsible
    assert not extract_duties("时间：2024年；地点：杭州")  # cells, but no duty columns
    assert not extract_duties("牵头单位要加强统筹；各部门抓好落实")  # prose, not cells
