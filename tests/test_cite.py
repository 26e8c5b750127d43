from qa.llm.cite import split_generated, support, verify


def test_supported_sentence_passes():
    ok, why = support(
        "宁波到2025年累计建成5G基站4万个[1]", "到2025年，累计建成5G基站4万个以上，实现重点区域5G网络全覆盖。"
    )
    assert ok, why


def test_wrong_number_or_unit_is_caught():
    passage = "（牵头单位：省发展改革委，责任单位：省统计局）建立全省宏观经济发展基础数据库。"
    assert not support("牵头单位是省公安厅[1]", passage)[0]
    assert not support("到2030年建成数据库[1]", passage)[0]


def test_verify_drops_uncited_and_out_of_range():
    checked = verify("掌上执法率达到95%[1]。这是我编的[3]。没有出处", ["到2022年底，掌上执法率达到95%以上"])
    assert [c.supported for c in checked] == [True, False, False]
    assert "not given" in checked[1].reason and checked[2].reason == "no citation"


def test_split_keeps_markers():
    assert split_generated("甲[1]。乙 [2]\n丙") == ["甲[1]。", "乙 [2]", "丙"]
