from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa.ingest.clean import (
    body_bounds,
    clean_line,
    is_chrome_line,
    is_contact_line,
    looks_mojibake,
    recover_mojibake,
    strip_pinyin,
)

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def lines_of(name: str) -> list[str]:
    return next(SEEDS.glob(f"{name}_*.txt")).read_text(encoding="utf-8").splitlines()


def test_pinyin_glosses_removed_on_real_cases():
    assert strip_pinyin("各市、縣(市、區(qū))人民政府") == "各市、縣(市、區)人民政府"
    assert strip_pinyin("加快數字化發(fā)展,堅持改革創(chuàng)新") == "加快數字化發展,堅持改革創新"
    text = "".join(lines_of("000"))
    assert "(qū)" in text
    assert not any(g in strip_pinyin(text) for g in ("(qū)", "(fā)", "(zhàn)", "(jiān)", "(yè)"))


@pytest.mark.parametrize(
    "keep",
    ["（此件公开发布）", "（一）指导思想", "数据资源系统(IRS)", "国发〔2022〕14号", "各区(县、市)人民政府", "(责任单位:市发改委)",
     "5G(第五代移动通信)", "浙苗链(zhemiao)"],
)  # fmt: skip
def test_legitimate_parentheses_survive(keep):
    assert strip_pinyin(keep) == keep


def test_every_mojibake_heading_in_000_recovers_its_marker():
    bad = [x for x in lines_of("000") if looks_mojibake(x)]
    assert len(bad) == 18
    recovered = [recover_mojibake(x) for x in bad]
    # 17 headings （一）…（四） plus the trailer （此件公開發布）
    assert sum(r.startswith("（") and r[2] == "）" for r in recovered) == 17
    assert recovered[0].startswith("（二）總體目標。")
    assert clean_line(bad[-1]) == "（此件公開發布)"  # its closing bracket was ASCII in the source


def test_readable_lines_are_not_taken_for_mojibake():
    for name in ("001", "002", "003", "004"):
        assert not any(looks_mojibake(x) for x in lines_of(name))
    assert not looks_mojibake("  (二)總體目標。到2025年")


def test_chrome_lines_by_shape():
    for line in ["本文已被阅读 365 次     2023-04-10", "版权所有:某某有限公司", "返回顶部", "甬政发(2023)16号.pdf",
                 "时间: 2021-03-23访问: 2236", "意見全文,內容解讀,", "图片", "相關詞條"]:  # fmt: skip
        assert is_chrome_line(line), line
    for line in ["电话:0574-87837949", "邮箱:zjgz1993@126.com", "咨询电话：12333"]:
        assert is_contact_line(line) and not is_chrome_line(line), line  # furniture only in a footer
    for line in ["(责任单位:市政务办、市大数据局)", "一、总体要求", "宁波市人民政府", "2023年4月10日",
                 "（五）强化要素保障。坚持应用大谋划、项目大统筹、资金大预算。", "主要任务"]:  # fmt: skip
        assert not is_chrome_line(line), line


def test_page_edges_are_trimmed_on_every_seed():
    lines = lines_of("004")
    first, last = body_bounds(lines)
    assert lines[first].startswith("宁波市人民政府关于印发")
    assert lines[last - 1].startswith("(五)强化要素保障")
    lines = lines_of("002")
    first, last = body_bounds(lines)
    assert lines[first] == "《浙江省数字政府系统建设方案》"
    lines = lines_of("001")
    first, last = body_bounds(lines)
    assert "相關詞條" not in lines[first:last] and "聯絡我們" not in lines[first:last]
    lines = lines_of("000")
    assert body_bounds(lines) == (0, len(lines))  # nothing to drop: it starts with the salutation


def test_contact_lines_are_dropped_in_a_page_footer_and_kept_in_a_policy():
    footer = ["某市临时救助办法", "一、申请条件", "家庭遭遇突发困难的，可以申请临时救助。", "联系电话：0574-87837949",
              "邮箱：office@example.gov.cn", "版权所有：某市人民政府", "返回顶部"]  # fmt: skip
    assert body_bounds(footer) == (0, 3)
    policy = ["某市临时救助办法", "一、申请条件", "家庭遭遇突发困难的，可以申请临时救助。", "咨询电话：12345",
              "办理地址：某市民政局一楼大厅"]  # fmt: skip
    assert body_bounds(policy) == (0, 5)


def test_the_signature_of_a_national_document_is_kept():
    lines = ["国务院关于促进综合保税区高水平开放高质量发展的若干意见", "国发〔2019〕3号", "一、指导思想",
             "以习近平新时代中国特色社会主义思想为指导，推动综合保税区高水平开放。", "国务院", "2019年1月12日",
             "（此件公开发布）"]  # fmt: skip
    assert body_bounds(lines) == (0, 7)


def test_body_with_different_banners_is_found():
    page = ["某某娱乐城官网首页", "新闻中心", "", "某市人民政府关于推进数字政府建设的实施意见",
            "一、总体要求", "二、主要任务", "联系我们", "Copyright © 2024"]  # fmt: skip
    assert body_bounds(page) == (3, 6)


PAGE = """首页 > 政务公开 > 通知公告
关于做好2020年春季学期开学工作的通知
发布时间：2020-04-10 09:30 来源：市教育局 浏览次数：1234
【字体：大 中 小】 【打印本页】 【关闭窗口】
各区教育局，各直属学校：
为做好2020年春季学期开学工作，现将有关事项通知如下：
一、开学时间
高三年级于4月20日开学，初三年级于4月27日开学。
二、工作要求
各学校要做好校园消毒工作，落实晨午检制度。
市教育局
2020年4月10日
相关附件：
上一篇：关于开展读书月活动的通知
下一篇：关于2020年中考报名的通知
"""


def test_a_scraped_notice_loses_the_sites_lines_and_keeps_its_signature():
    """A government site's page saved as text: its breadcrumb, row of buttons and links to the
    next and previous notices are no clause's text, and the issuer above the date signs it."""
    from qa.ingest.document import document_from_text
    from qa.ingest.grammar import parse_clauses

    doc = document_from_text(PAGE, "page.txt")
    clauses = parse_clauses(doc)
    texts = "\n".join(c.text for c in clauses)
    assert doc.title == "关于做好2020年春季学期开学工作的通知" and doc.issuer == "市教育局" and doc.date == "2020-04-10"
    assert not any(x in texts for x in ("首页 >", "【字体", "上一篇", "下一篇", "相关附件")), texts
    assert [c.text.split("\n") for c in clauses if c.path == "落款"] == [["市教育局", "2020年4月10日"]]


def test_a_title_given_in_a_sites_table_of_particulars_is_read_without_its_label():
    from qa.ingest.document import document_from_text

    page = ("索引号：11A0001/2020-00123  发布机构：某市人民政府办公室\n"
            "名称：某市人民政府办公室关于印发某市稳就业若干措施的通知\n"
            "文号：某政办发〔2020〕15号  发布日期：2020年05月06日\n"
            "某市人民政府办公室关于印发某市稳就业若干措施的通知\n某政办发〔2020〕15号\n各县（区）人民政府，市政府各部门：\n"
            "《某市稳就业若干措施》已经市政府同意，现印发给你们，请认真贯彻执行。\n某市人民政府办公室\n2020年5月6日\n"
            "某市稳就业若干措施\n一、对吸纳高校毕业生就业的中小微企业，给予每人1000元一次性吸纳就业补贴。\n")  # fmt: skip
    doc = document_from_text(page, "page.txt")
    assert (doc.issuer, doc.notice_title, doc.title) == (
        "某市人民政府办公室",
        "某市人民政府办公室关于印发某市稳就业若干措施的通知",
        "某市稳就业若干措施",
    )


@given(st.text(max_size=300))
def test_cleaners_never_crash(s):
    assert isinstance(clean_line(s), str)
    assert isinstance(is_chrome_line(s), bool)
