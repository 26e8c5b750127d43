from qa.evidence import supports_asked_unit, supports_type, supports_years
from qa.question.query import analyse


def test_years_must_be_in_the_evidence():
    assert supports_years(analyse("宁波到2025年要建多少5G基站？"), "到2025年，累计建设5G基站超过4万个")
    assert not supports_years(analyse("宁波到2030年要建多少5G基站？"), "到2025年，累计建设5G基站超过4万个")
    # a comparison side needs only one of the years
    assert supports_years(analyse("浙江2022年和宁波2023年的目标分别是多少？"), "到2023年，达到30万以上")


def test_kind_of_answer():
    assert not supports_type(
        analyse("河北省电子政务外网备份中心建在哪个城市？"), "建设省、市两级电子政务外网备份中心。"
    )
    assert supports_type(analyse("数据要素市场化配置试点选在哪个城市？"), "支持杭州、宁波、温州探索试点。")
    assert not supports_type(analyse("宁波市大数据局局长是谁？"), "市大数据局负责统筹推进。")
    assert supports_type(analyse("依托哪家企业建设？"), "由宁波通商集团负责建设。")
    assert supports_type(analyse("浙里办是什么？"), "任何句子")


def test_asked_unit():
    assert not supports_asked_unit(analyse("政务云存储容量要达到多少PB？"), "建设政务云平台，提升算力。")
    assert supports_asked_unit(analyse("建成多少个5G基站？"), "累计建设5G基站超过4万个")


def test_year_part_keeps_only_the_asked_year():
    from qa.evidence import year_part

    q = analyse("宁波到2023年政务服务好评率要达到多少？")
    s = "2023年，好评率达到99%；2025年，满意度持续提升。"
    assert year_part(q, s) == "2023年，好评率达到99%；"
    assert year_part(analyse("2030年的目标是什么？"), s) is None
    assert year_part(analyse("目标是什么？"), s) == s


def test_another_phase_of_a_project_is_not_evidence():
    from qa.evidence import supports_phase

    q = analyse("宁波城市大脑一期项目是哪一年建成的？")
    assert not supports_phase(q, "2023年，启动城市大脑二期项目建设；")
    assert not supports_phase(q, "2023年，物联感知平台一期项目全面建成。")  # another project's 一期
    assert supports_phase(q, "城市大脑一期项目于2021年建成。")
    assert supports_phase(analyse("城市大脑什么时候建成？"), "2023年，启动城市大脑二期项目建设；")


def test_asked_count_must_count_the_asked_thing():
    q = analyse("河北省政务云平台要承载多少个业务系统？")
    assert not supports_asked_unit(q, "聚焦政府经济调节、市场监管等7个方面，分类提出建设完善数据库及业务平台。")
    assert supports_asked_unit(q, "政务云平台承载业务系统超过300个。")
    # a general counted word (方面, 领域…) is not checked
    assert supports_asked_unit(analyse("聚焦多少个方面？"), "聚焦政府经济调节等7个方面。")


def test_a_post_holder_question_wants_a_person():
    assert analyse("浙江省数字政府建设专家委员会的主任委员是谁？").wants == "person"
    assert analyse("宁波市首席数据官是谁？").wants == "person"
    assert analyse("这项工作的牵头单位是谁？").wants == ""  # a unit, answered from the duties


def test_asked_unit_in_a_traditional_clause_and_after_ji():
    # 分鐘 is 分钟: the figure is looked for in the clause's Simplified match form
    assert supports_asked_unit(analyse("要建成多少分钟的公共服务圈？"), "打造城鄉(xiāng)15分鐘公共服務圈")
    assert supports_asked_unit(analyse("提出了幾項重點任務？"), "等5項重點任務,確保國家檔案要求不折不扣落實落地")
    assert not supports_asked_unit(analyse("提出了几项重点任务？"), "现就相关内容进行如下解读：2023年4月12日印发")


def test_how_many_times_needs_a_count_of_times():
    q = analyse("宁波方案里提到了几次“城市大脑”？")
    assert not supports_asked_unit(q, "2023年，启动城市大脑二期项目建设；2025年全面建成。")  # years, not 次
    assert supports_asked_unit(analyse("每年开展几次评估？"), "每年开展两次评估")


def test_the_measure_asked_for_must_be_named():
    from qa.evidence import asked_measure, supports_measure

    q = analyse("到2021年底，“浙里办”注册用户数要达到多少？")
    assert asked_measure(q.sc) == "注册用户数"
    assert not supports_measure(q, "“浙里办”日活跃用户数超过240万。")  # another measure's figure
    assert supports_measure(q, "“浙里办”注册用户数达到5000万。")
    assert asked_measure(analyse("宁波办件“好评率”要达到多少？").sc) == "好评率"
    assert asked_measure(analyse("宁波要建多少个5G基站？").sc) == ""  # a count of things, checked elsewhere
    q = analyse("浙江山区26县最先在哪几个县试点？")  # 哪几个县 asks for places
    assert not supports_type(q, "推动山区26县政务服务便利化。") and supports_type(q, "支持杭州、宁波先行试点。")


def test_a_typed_sentence_with_few_of_the_question_words_needs_a_clause_near_in_meaning():
    """The topic share of a typed sentence (0.3) is met at a lower share (0.1) by a clause whose
    cosine to the question is very high."""
    from qa.answer.limits import TYPED_SENTENCE_NEAR
    from qa.answer.sentences import _about_asked

    assert _about_asked(0.35, 0.0) and _about_asked(0.2, TYPED_SENTENCE_NEAR)
    assert not _about_asked(0.05, 1.0) and not _about_asked(0.2, TYPED_SENTENCE_NEAR - 0.01)


def test_a_further_clause_of_another_document_is_left_out_unless_the_question_compares():
    from types import SimpleNamespace

    from qa.answer.sentences import _another_document

    def cand(doc):
        return SimpleNamespace(doc=SimpleNamespace(id=doc))

    picked = {0: (cand("a"), [0], ["…"])}
    one, two = analyse("补贴标准是多少？"), analyse("南昌和九江的补贴标准分别是多少？")
    assert _another_document(picked, cand("b"), one) and not _another_document(picked, cand("a"), one)
    assert not _another_document({}, cand("b"), one) and not _another_document(picked, cand("b"), two)
