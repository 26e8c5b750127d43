"""Article lookup (qa/answer/kinds/article.py): “《X条例》第N条是怎么规定的？” cites that article first."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa.answer.kinds.article import answer_article
from qa.ingest import document_from_text, parse_clauses

CORPUS = Path(__file__).resolve().parent.parent / "eval" / "corpus" / "docs"


@pytest.fixture(scope="module")
def laws():
    docs = [
        document_from_text((CORPUS / name).read_text(encoding="utf-8"), name)
        for name in (
            "31_gongshang_baoxian_tiaoli.txt",
            "26_beijing_jujia_yanglao_tiaoli.txt",
            "01_gwy_zonghe_baoshuiqu.txt",
            "06_gwyb_wufei_chengshi.txt",
            "16_chongqing_tizhen_xiaofei.txt",
        )
    ]
    return docs, {d.id: parse_clauses(d) for d in docs}


def test_the_named_article_is_cited(laws):
    docs, by_doc = laws
    text, [cite] = answer_article(docs, by_doc, "《工伤保险条例》第十四条是怎么规定的？", "simplified")
    assert cite.clause.path == "第三章/第十四条" and "应当认定为工伤" in text
    assert "（一）在工作时间和工作场所内" in text  # its 项 come with it
    _t, [cite] = answer_article(docs, by_doc, "工伤保险条例第8条第2款说了什么", "simplified")
    assert cite.clause.path == "第二章/第八条/第2款"


def test_a_regulation_is_named_without_its_place(laws):
    docs, by_doc = laws
    _t, [cite, *_items] = answer_article(docs, by_doc, "居家养老服务条例第三条规定了哪些服务？", "simplified")
    assert cite.clause.doc_id.startswith("26_") and cite.clause.path == "第三条"


def test_a_regulation_is_named_by_a_shortening_of_its_title(laws):
    docs, by_doc = laws
    _t, [cite, *_items] = answer_article(docs, by_doc, "北京养老服务条例第三条规定了哪些服务？", "simplified")
    assert cite.clause.doc_id.startswith("26_") and cite.clause.path == "第三条"


def test_measures_numbered_across_the_document_are_asked_for_by_number(laws):
    """Items numbered once across the whole text (1.…21., （一）…（二十七）) are its 条: the
    deepest such level; items numbered anew in each part are not."""
    docs, by_doc = laws
    text, [cite] = answer_article(docs, by_doc, "综合保税区高水平开放高质量发展的若干意见第三条", "simplified")
    assert cite.clause.path.endswith("/3") and text.startswith("3.释放企业产能")
    text, [cite, *_] = answer_article(
        docs, by_doc, "《重庆市提振消费若干措施》第（二十三）条讲的是什么内容？", "simplified"
    )
    assert cite.clause.path.endswith("/（二十三）") and "休息休假" in text
    why, cites = answer_article(docs, by_doc, "《重庆市提振消费若干措施》第三十条讲的是什么？", "simplified")
    assert cites == [] and "没有第三十条" in why
    assert answer_article(docs, by_doc, "“无废城市”建设试点工作方案第三条", "simplified") is None
    text, [cite, *_] = answer_article(docs, by_doc, "重庆提振消费措施的第（十）项讲什么？", "simplified")
    assert cite.clause.path.endswith("/（十）")
    why, cites = answer_article(docs, by_doc, "《重庆市提振消费若干措施》第（三十）项讲什么？", "simplified")
    assert cites == [] and "没有第三十项" in why


def test_a_title_without_its_place_is_not_another_places_document(laws):
    """广东's 提振消费若干措施 is not in this library: 重庆's, which shares the words, is not given for it."""
    docs, by_doc = laws
    assert answer_article(docs, by_doc, "广东提振消费若干措施的第（十二）条讲的是什么？", "simplified") is None
    assert answer_article(docs, by_doc, "提振消费若干措施第（十二）条讲的是什么？", "simplified") is not None


def test_a_long_article_is_told_within_a_short_answer(laws):
    """An article longer than a short answer shows its first sentence and the 项 that say what is
    asked, each cited; asked nothing in particular, it is cut and cited whole."""
    docs, by_doc = laws
    text, cites = answer_article(docs, by_doc, "《工伤保险条例》第三十九条对丧葬补助金是怎么规定的？", "simplified")
    assert len(text) <= 300 and "丧葬补助金为6个月" in text
    assert cites[0].clause.path == "第五章/第三十九条" and any("丧葬补助金" in c.clause.text for c in cites[1:])
    text, [cite] = answer_article(docs, by_doc, "《工伤保险条例》第三十九条讲了什么？", "simplified")
    assert len(text) <= 300 and text.endswith("…[1]") and cite.clause.path == "第五章/第三十九条"


def test_an_article_the_document_does_not_have_is_refused_with_its_count(laws):
    docs, by_doc = laws
    why, cites = answer_article(docs, by_doc, "《工伤保险条例》第九十条是什么？", "simplified")
    assert cites == [] and "共67条" in why and "第九十条" in why


def test_a_clause_is_asked_for_by_its_whole_address(laws):
    """第十四条第（二）项 is that 项, and 第四部分第（二）项第9条 the 9 under part 四's （二） (the
    items of that document are numbered anew in each part, so （二） alone says nothing)."""
    docs, by_doc = laws
    text, [cite] = answer_article(docs, by_doc, "《工伤保险条例》第十四条第（二）项是什么？", "simplified")
    assert cite.clause.path == "第三章/第十四条/（二）" and text.startswith("（二）")
    _t, [cite] = answer_article(docs, by_doc, "工伤保险条例第14条第二项说的什么情形？", "simplified")
    assert cite.clause.path == "第三章/第十四条/（二）"
    text, [cite] = answer_article(docs, by_doc, "综保区若干意见第四部分第（二）项第9条讲了什么？", "simplified")
    assert cite.clause.path == "四/（二）/9" and text.startswith("9.")
    text, [cite] = answer_article(docs, by_doc, "工伤保险条例第三十条第一款规定了什么？", "simplified")
    assert cite.clause.path == "第五章/第三十条" and "情况紧急时" not in text  # not its 第2款
    why, cites = answer_article(docs, by_doc, "综保区若干意见第九部分第（二）项是什么？", "simplified")
    assert cites == [] and "没有第九部分第（二）项" in why


def test_a_document_is_named_by_its_number_or_before_zhong_de(laws):
    docs, by_doc = laws
    _t, [cite] = answer_article(docs, by_doc, "国发(2019)3号第四部分第（二）项第9条是什么内容？", "simplified")
    assert cite.clause.doc_id.startswith("01_") and cite.clause.path == "四/（二）/9"
    _t, [cite] = answer_article(docs, by_doc, "在工伤保险条例中的第十四条第（二）项是什么？", "simplified")
    assert cite.clause.path == "第三章/第十四条/（二）"
    assert answer_article(docs, by_doc, "国发〔2099〕3号第三条讲了什么？", "simplified") is None


def test_questions_that_are_not_article_lookups_are_left_alone(laws):
    docs, by_doc = laws
    assert answer_article(docs, by_doc, "工伤保险条例规定哪些情形认定为工伤？", "simplified") is None
    assert answer_article(docs, by_doc, "第十四条是怎么规定的？", "simplified") is None  # no document named


@pytest.fixture(scope="module")
def regulation_library(index, tmp_path_factory):
    """The seeds, 《工伤保险条例》, 广州's 临时救助实施细则 and its 公积金贷款实施办法, in a library of their own."""
    from tests.conftest_ui import citizen_library

    names = ("31_gongshang_baoxian_tiaoli.txt", "33_guangzhou_linshi_jiuzhu.txt", "37_guangzhou_gongjijin_daikuan.txt")
    return citizen_library(index, tmp_path_factory.mktemp("reglib"), names)


def test_an_article_question_is_answered_end_to_end(regulation_library):
    from qa.answer import answer

    a = answer("《工伤保险条例》第十四条是怎么规定的？", regulation_library)
    assert not a.refused and a.citations[0].clause.path == "第三章/第十四条"
    assert "《工伤保险条例》第十四条" in a.text  # cited in the document's own numbering
    assert answer("《工伤保险条例》第九十条是什么？", regulation_library).refused


def test_a_duty_a_regulation_states_in_prose_is_answered(regulation_library):
    """No duty annotation in a regulation: the sentence that gives the task to a body answers."""
    from qa.answer import answer

    a = answer("全国的工伤保险工作由哪个部门负责？", regulation_library)
    assert not a.refused and "社会保险行政部门" in a.text


def test_when_a_regulation_takes_effect_and_how_long_it_holds(regulation_library):
    """施行日期 and 有效期 as the text states them, cited to the clause that says so."""
    from qa.answer import answer

    a = answer("《工伤保险条例》从哪天开始施行？", regulation_library)
    assert not a.refused and "2004年1月1日" in a.text and a.citations[0].clause.path.endswith("第六十七条")
    a = answer("广州市临时救助实施细则的有效期是多久？", regulation_library)
    assert not a.refused and "有效期5年" in a.text and a.citations[0].clause.path == "第十八条"


def test_a_quantity_the_asker_states_is_answered_by_the_threshold_on_it(regulation_library):
    """交公积金才4个月 against 连续足额缴存住房公积金6个月（含）以上: the sentence that sets a
    threshold on what the asker counts answers, not the article on when the document took effect
    (本办法自…起实施，有效期为5年), which shares the question's words and says nothing else."""
    from qa.answer import answer

    a = answer("我在广州交公积金才4个月，现在能申请公积金贷款买房吗？", regulation_library)
    assert not a.refused and "6个月" in a.text, a.text
    assert a.citations[0].clause.path == "第二章/第五条/（三）", a.citations[0].clause.path
    assert all(not c.clause.path.endswith("第二十七条") for c in a.citations)
    a = answer("广州住房公积金个人住房贷款实施办法的有效期是多久？", regulation_library)
    assert not a.refused and "5年" in a.text and a.citations[0].clause.path.endswith("第二十七条"), a.text


def test_a_term_is_answered_by_the_sentence_that_defines_it(regulation_library):
    """工伤保险条例所称的本人工资是指什么: 本条例所称本人工资，是指…, wherever its article stands; a
    term no document defines is answered as any question is."""
    from qa.answer import answer
    from qa.answer.kinds.definition import asked_term

    a = answer("工伤保险条例所称的本人工资是指什么？", regulation_library)
    assert a.mode == "definition" and "前12个月平均月缴费工资" in a.text, a.text
    assert a.citations[0].clause.path.endswith("第六十四条/第2款"), a.citations[0].clause.path
    assert asked_term("什么是工资总额？") == "工资总额"
    assert answer("工伤保险条例所称的年终奖是指什么？", regulation_library).mode != "definition"


def test_the_number_of_what_a_document_repeals(regulation_library):
    """停止执行的那份旧…文号 asks for the 文号 of what the document repeals, which the sentence that
    repeals it states, not the document's own."""
    from qa.answer import answer

    a = answer("广州市临时救助实施细则施行后，废止的那份旧办法文号是什么？", regulation_library)
    assert not a.refused and "穗府办规〔2019〕13号" in a.text, a.text
    assert a.citations[0].clause.path == "第十八条"


def test_the_document_in_force_asked_when_it_started(regulation_library):
    """现行 names the document, and 开始 belongs to the field (开始施行): neither is a word of its
    content that would make the question ask about something the document says."""
    from qa.answer import answer

    a = answer("现行的工伤保险条例从哪天开始施行？", regulation_library)
    assert not a.refused and "2004年1月1日" in a.text, a.text
    a = answer("现行的广州市临时救助实施细则有效期到哪天？", regulation_library)
    assert not a.refused and "2026年12月5日" in a.text, a.text


def test_a_document_is_named_by_a_shortening_anywhere_in_the_question(laws):
    """The title shortened (若干 and 关于 left out), after the article's address, not before it."""
    docs, by_doc = laws
    q = "第四部分第（二）项第9条，在国务院促进综合保税区高水平开放高质量发展的意见中是什么内容？"
    _t, [cite] = answer_article(docs, by_doc, q, "simplified")
    assert cite.clause.doc_id.startswith("01_") and cite.clause.path == "四/（二）/9"


def test_who_issued_a_document_and_when_in_everyday_words(regulation_library):
    """是哪个部门发的 asks for the issuer, 是哪年哪月出的 for the date, of a document named by a
    shortening of its title."""
    from qa.answer import answer

    a = answer("广州临时救助实施细则是哪个部门发的？", regulation_library)
    assert not a.refused and "广州市人民政府办公厅" in a.text, a.text
    a = answer("广州临时救助实施细则是哪年哪月出的？", regulation_library)
    assert not a.refused and "2021年12月1日" in a.text, a.text


def test_the_day_a_document_was_printed_is_its_banji_line(regulation_library):
    """The 版记 (…秘书处 2021年12月6日印发) states the day a document was 印发; the 落款 above it
    states its 成文日期, which a question about that day still gets."""
    from qa.answer import answer

    a = answer("《广州市临时救助实施细则》是哪天印发的？", regulation_library)
    assert not a.refused and "2021年12月6日" in a.text, a.text
    assert "2021年12月6日印发" in a.citations[0].clause.text
    a = answer("《广州市临时救助实施细则》的成文日期是哪天？", regulation_library)
    assert not a.refused and "成文日期：2021年12月1日" in a.text, a.text


def test_a_date_written_in_chinese_numerals_is_cited_where_it_stands():
    """The reader reads 二〇〇五年六月十一日 as 2005-06-11; the answer cites the 落款 that writes it."""
    from types import SimpleNamespace

    from qa.answer.kinds.meta import meta_value, stating_clause
    from qa.corpus import Corpus

    doc = document_from_text((CORPUS / "12_gwyb_liangshi_yingji_yuan.txt").read_text(encoding="utf-8"), "12.txt")
    index = SimpleNamespace(corpus=Corpus.from_documents([doc]))
    shown = meta_value(doc, "date")
    assert shown == "2005年6月11日"
    assert "二〇〇五年六月十一日" in stating_clause(index, doc, shown).text


@pytest.fixture(scope="module")
def guangzhou():
    docs = [
        document_from_text((CORPUS / name).read_text(encoding="utf-8"), name)
        for name in ("35_guangzhou_changqi_huli_baoxian.txt", "37_guangzhou_gongjijin_daikuan.txt")
    ]
    return docs, {d.id: parse_clauses(d) for d in docs}


def test_an_item_asked_about_comes_with_what_it_holds(guangzhou):
    """（一）长期失能人员的失能评估费用 is a heading: the standard is in the paragraph beneath it."""
    docs, by_doc = guangzhou
    q = "《广州市长期护理保险试行办法》第十八条规定的长期失能人员失能评估费用标准是多少？"
    text, cites = answer_article(docs, by_doc, q, "simplified")
    assert "每人每次200元" in text and "100元" not in text  # not (二), the other item
    assert [c.n for c in cites] == [1, 2] and cites[1].clause.path.endswith("第十八条/（一）")


def test_a_shortened_title_is_not_read_as_what_is_asked(guangzhou):
    """广州公积金贷款实施办法 shortens the title: its words (贷款) pick no item, the article is told whole."""
    docs, by_doc = guangzhou
    text, [cite] = answer_article(docs, by_doc, "广州公积金贷款实施办法第十一条讲的是什么？", "simplified")
    assert cite.clause.path.endswith("第十一条") and "30年" in text and "50年" in text


@pytest.fixture(scope="module")
def culture_library(index, tmp_path_factory):
    """The seeds, the State Council's rules for 文化事业单位 turned into enterprises, its plan for
    vocational education and its opinion on reviewing 规范性文件, in a library of their own."""
    from tests.conftest_ui import citizen_library

    names = (
        "11_gwyb_wenhua_qiye_zhuanzhi.txt",
        "05_gwy_zhiye_jiaoyu_gaige.txt",
        "09_gwyb_guifanxing_wenjian_shenhe.txt",
    )
    return citizen_library(index, tmp_path_factory.mktemp("culturelib"), names)


def test_a_figure_for_a_sibling_answers_nothing(culture_library):
    """2020年年底前省属重点文化企业可免缴国有资本收益: the year is 省属 enterprises', not 市属 ones'
    (``qa/data/contrasts.txt``)."""
    from qa.answer import answer

    a = answer("省属重点文化企业可以免缴国有资本收益到哪一年？", culture_library)
    assert not a.refused and "2020年" in a.text, a.text
    assert answer("市属重点文化企业可以免缴国有资本收益到哪一年？", culture_library).refused


def test_a_sentence_that_only_repeats_the_questions_figures_answers_nothing(culture_library):
    """从2019年开始…启动1+X证书制度试点 gives the year the question already gives: it does not say when
    the system goes nationwide; asked when the pilot starts, it answers."""
    from qa.answer import answer

    a = answer("1+X证书制度什么时候开始试点？", culture_library)
    assert not a.refused and "2019年" in a.text, a.text
    a = answer("1+X证书制度从2019年开始试点，计划哪一年在全国职业院校全面推开？", culture_library)
    assert "2019年开始" not in a.text, a.text


def test_a_rule_for_every_case_but_one_does_not_answer_for_that_one(culture_library):
    """除为了…应对和处置突发事件…需要立即制定实施规范性文件等外，合法性审核时间一般不少于5个工作日: the
    5 days are not the emergency's; asked of the usual case, they answer."""
    from qa.answer import answer

    a = answer("规范性文件的合法性审核时间一般不少于几个工作日？", culture_library)
    assert not a.refused and "5个工作日" in a.text, a.text
    a = answer("为应对突发事件需要立即出台规范性文件时，合法性审核最短可以压缩到几天？", culture_library)
    assert "5个工作日" not in a.text, a.text


def test_an_item_is_told_with_its_lists_lead_in(regulation_library):
    """（五）家庭购买…第三套及以上住房的 says nothing alone: its list's lead-in (有以下情况之一的，不予贷款：)
    is what answers 还能贷款吗, and it is told before the item, under the item's citation."""
    from qa.answer import answer

    a = answer("广州家庭购买第三套住房还能用住房公积金贷款吗？", regulation_library)
    assert not a.refused and a.citations[0].clause.path == "第二章/第七条/（五）", a.text
    assert a.text.startswith("第七条 申请贷款时，有以下情况之一的，不予贷款：（五）"), a.text


def test_a_list_header_is_told_with_its_items(regulation_library):
    """第三十九条 …其近亲属按照下列规定…领取丧葬补助金、供养亲属抚恤金和一次性工亡补助金： names what
    is paid; its items say how much.  Quoted to its colon, the header is followed by its items."""
    from qa.answer import answer

    a = answer("工伤职工因工死亡，近亲属能领取哪些待遇？", regulation_library)
    paths = [c.clause.path for c in a.citations]
    assert paths[:4] == [f"第五章/第三十九条{x}" for x in ("", "/（一）", "/（二）", "/（三）")], a.text
    assert "6个月的统筹地区上年度职工月平均工资" in a.text and "20倍" in a.text, a.text


def test_a_paragraph_that_refers_to_the_one_before_is_told_after_it(regulation_library):
    """用人单位未按前款规定提出工伤认定申请的，…可以直接…提出: 前款 is 第十七条's first paragraph (the
    employer's 30 days), told before it and cited."""
    from qa.answer import answer

    a = answer("用人单位没有按规定提出工伤认定申请，职工自己能去申请工伤认定吗？", regulation_library)
    assert [c.clause.path for c in a.citations][:2] == ["第三章/第十七条", "第三章/第十七条/第2款"], a.text
    assert "30日内" in a.text and "1年内" in a.text, a.text
