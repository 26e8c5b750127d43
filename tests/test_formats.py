"""qa.formats: HTML, DOCX and PDF sources give the same clause tree as the same text in .txt.

Every file here is generated in tmp_path with the real libraries (python-docx, reportlab); PDFs
use reportlab's built-in CID font STSong-Light, whose text pypdf reads back, so no system font
is needed.
"""

from __future__ import annotations

import io
import re
from html import escape
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from pypdf import PdfReader
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

from qa.clauses import parse_clauses
from qa.errors import InputError
from qa.formats import SUPPORTED_SUFFIXES, Extracted, extract_bytes, extract_file, page_of
from qa.ingest import document_from_text, read_text

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SIMPLIFIED = "004_fc0c221cca52bb2d.txt"  # 宁波, Simplified
TRADITIONAL = "001_a7d205057cfc02ba.txt"  # 河北, Traditional
FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

SHORT_SC = ["宁波市人民政府关于加强数字政府建设的实施意见", "一、总体要求", "（一）指导思想。坚持以人民为中心。"]
SHORT_TC = ["河北省人民政府關於加強數字政府建設的實施意見", "一、總體要求", "（一）指導思想。堅持以人民為中心。"]


# --- helpers -----------------------------------------------------------------------------------


def seed(name: str) -> tuple[str, list[str]]:
    raw = read_text(SEEDS / name)
    return raw, document_from_text(raw, name).clean.splitlines()


def tree(text: str, name: str) -> list[tuple]:
    return [(c.path, c.heading, c.text, c.duties) for c in parse_clauses(document_from_text(text, name))]


def html_page(lines: list[str], charset: str = "utf-8") -> str:
    """A government-site page: chrome around an article whose title is an <h1> outside the text box."""
    body = []
    for i, line in enumerate(lines[1:]):
        if i % 7 == 3:  # some paragraphs indented with full-width spaces and wrapped in the source
            body.append(f"<p>\n\t\u3000\u3000{escape(line)}\n</p>")
        else:
            body.append(f'<p style="text-indent:2em">{escape(line)}</p>')
    return f"""<!DOCTYPE html><html><head><meta charset="{charset}"><title>{escape(lines[0])}_政府门户网站</title>
<script>var title = "数字政府建设"; document.write("<p>脚本里的文字</p>");</script>
<style>p {{ line-height: 2 }}</style></head><body>
<header><div class="logo">政府门户网站</div><nav><a href="/">首页</a><a href="/zwgk">政务公开</a><a href="/zcwj">政策文件</a></nav></header>
<div class="main">
  <div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zcwj">政策文件</a></div>
  <div class="article">
    <h1>{escape(lines[0])}</h1>
    <div class="info">发布时间：2023-04-10 来源：市政府办公厅 字号：大 中 小</div>
    <div id="zoom" class="TRS_Editor">{"".join(body)}</div>
    <div class="share-box">分享到：微信 微博</div>
  </div>
  <div class="related"><h3>相关文件</h3><ul>
    <li><a href="/1">关于推进政务服务标准化规范化便利化的通知</a></li>
    <li><a href="/2">关于加快推进一体化在线政务服务平台建设的意见</a></li></ul></div>
</div>
<footer><p>主办单位：政府办公厅 版权所有 地址：市府路1号 电话：0574-12345678</p></footer>
<script>console.log("统计代码")</script></body></html>"""


def docx_bytes(lines: list[str]) -> bytes:
    d = docx.Document()
    for line in lines:
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


_LEVELS = [
    (re.compile(r"^([一二三四五六七八九十]{1,3})、"), "chineseCounting", "%1、"),
    (re.compile(r"^[（(]([一二三四五六七八九十]{1,3})[）)]"), "chineseCounting", "（%2）"),
    (re.compile(r"^(\d{1,2})[.．]"), "decimal", "%3."),
]


def _abstract_num_xml(aid: int) -> str:
    lvls = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
        f'<w:lvlJc w:val="left"/></w:lvl>'
        for i, (_re, fmt, text) in enumerate(_LEVELS)
    )
    return f'<w:abstractNum xmlns:w="{W_NS}" w:abstractNumId="{aid}">{lvls}</w:abstractNum>'


def numbered_docx_bytes(lines: list[str]) -> bytes:
    """Headings numbered by Word: markers removed from the text and rendered from numbering.xml.

    Level 1 (一、) and level 2 (（一）) come from paragraph styles that carry the numbering;
    level 3 (1.) is set on the paragraph itself.  A second part that starts again at 一、 uses
    a new list with a start override ("restart numbering").
    """
    d = docx.Document()
    numbering = d.part.numbering_part.element
    first_num = numbering.find(f"{{{W_NS}}}num")
    first_num.addprevious(parse_xml(_abstract_num_xml(90)))
    numbering.append(parse_xml(f'<w:num xmlns:w="{W_NS}" w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    numbering.append(
        parse_xml(
            f'<w:num xmlns:w="{W_NS}" w:numId="91"><w:abstractNumId w:val="90"/>'
            f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        )
    )
    styles = d.styles.element
    for ilvl, sid in ((0, "PolicyHeading1"), (1, "PolicyHeading2")):
        styles.append(
            parse_xml(
                f'<w:style xmlns:w="{W_NS}" w:type="paragraph" w:styleId="{sid}"><w:name w:val="{sid}"/>'
                f'<w:basedOn w:val="Normal"/><w:pPr><w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="90"/>'
                f"</w:numPr></w:pPr></w:style>"
            )
        )
    seen_top = False
    for line in lines:
        level = next((i for i, (rx, _f, _t) in enumerate(_LEVELS) if rx.match(line)), None)
        if level is None:
            d.add_paragraph(line)
            continue
        m = _LEVELS[level][0].match(line)
        text = line[m.end() :]
        if level == 0:
            restart = seen_top and m.group(1) == "一"
            seen_top = True
            p = d.add_paragraph(text, style="PolicyHeading1")
            if restart:  # direct numbering overrides the style's list
                p._p.get_or_add_pPr().append(
                    parse_xml(f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="0"/><w:numId w:val="91"/></w:numPr>')
                )
        elif level == 1:
            d.add_paragraph(text, style="PolicyHeading2")
        else:
            p = d.add_paragraph(text)
            p._p.get_or_add_pPr().append(
                parse_xml(f'<w:numPr xmlns:w="{W_NS}"><w:ilvl w:val="2"/><w:numId w:val="90"/></w:numPr>')
            )
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def pdf_bytes(lines: list[str], header: str, footer: str = "- {n} -") -> bytes:
    """An A4 document in 公文 style: first-line indent of two characters, the title centred, a
    running header from page 2 on and a page number at the foot of every page."""
    body = ParagraphStyle("body", fontName=FONT, fontSize=12, leading=19, firstLineIndent=24, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=16, leading=24, alignment=TA_CENTER, firstLineIndent=0)

    def on_page(c, doc) -> None:
        if doc.page > 1:
            c.setFont(FONT, 9)
            c.drawCentredString(A4[0] / 2, A4[1] - 40, header)

    def on_page_end(c, doc) -> None:
        c.setFont(FONT, 9)
        c.drawCentredString(A4[0] / 2, 30, footer.format(n=doc.page))

    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=A4)
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=on_page, onPageEnd=on_page_end)])
    doc.build([Paragraph(escape(x), title if i == 0 else body) for i, x in enumerate(lines)])
    return buf.getvalue()


# --- 1. round trips per format -------------------------------------------------------------------


@pytest.mark.parametrize("lines", [SHORT_SC, SHORT_TC], ids=["simplified", "traditional"])
def test_round_trip_each_format(lines):
    text = "\n".join(lines)
    assert extract_bytes(text.encode("utf-8"), "a.txt") == Extracted(text, "txt")
    assert extract_bytes(("\ufeff" + text).encode("utf-8"), "a.md").text == text
    assert extract_bytes(html_page(lines).encode("utf-8"), "a.html").text == text
    assert extract_bytes(docx_bytes(lines), "a.docx").text == text
    pdf = extract_bytes(pdf_bytes(lines, "政府文件"), "a.pdf")
    assert (pdf.text, pdf.format, pdf.pages) == (text, "pdf", (0,))


def test_gb18030_text_and_html_pages():
    text = "\n".join(SHORT_SC)
    assert extract_bytes(text.encode("gb18030"), "a.txt").text == text
    for head in ('<meta charset="gb2312">', '<meta http-equiv="Content-Type" content="text/html; charset=gbk">'):
        page = f"<html><head>{head}</head><body>" + "".join(f"<p>{x}</p>" for x in SHORT_SC) + "</body></html>"
        got = extract_bytes(page.encode("gb18030"), "a.htm")
        assert (got.text, got.format) == (text, "html")
    # a page that declares UTF-8 but was saved as GB18030 is still read
    page = '<meta charset="utf-8"><p>' + "</p><p>".join(SHORT_TC) + "</p>"
    assert extract_bytes(page.encode("gb18030"), "b.html").text == "\n".join(SHORT_TC)


def test_extract_file_reads_by_suffix(tmp_path):
    (tmp_path / "方案.DOCX").write_bytes(docx_bytes(SHORT_SC))
    got = extract_file(tmp_path / "方案.DOCX")
    assert (got.text, got.format) == ("\n".join(SHORT_SC), "docx")
    with pytest.raises(InputError, match="no such file"):
        extract_file(tmp_path / "missing.pdf")


def test_html_lines_breaks_lists_and_whitespace():
    page = (
        "<html><body><div id='content'><h2>二、主要任务</h2>"
        "<div>宁波市人民政府<br>2023年4月10日<br/></div>"
        "<p>加快推进数字\n    政府建设，  提升 5G  网络覆盖。</p>"
        "<ol><li>建设数据库。</li><li>完善平台。</li></ol>"
        "<ol start='3'><li>3.已有编号。</li></ol>"
        "<!-- 注释 -->"
        "<p style='display:none'>隐藏文字</p></div></body></html>"
    )
    assert extract_bytes(page.encode(), "a.html").text.splitlines() == [
        "二、主要任务",
        "宁波市人民政府",
        "2023年4月10日",
        "加快推进数字政府建设， 提升 5G 网络覆盖。",
        "1.建设数据库。",
        "2.完善平台。",
        "3.已有编号。",
    ]


def test_html_content_split_over_sibling_blocks_is_kept_and_title_from_head():
    page = """<html><head><title>关于加强数字政府建设的实施意见_河北省人民政府网</title></head><body>
    <div class="menu"><a href="/">首页</a><a href="/zc">政策</a></div>
    <div class="wrap"><div class="part"><p>意见全文</p><p>一、总体要求</p>
    <p>（一）指导思想。坚持以人民为中心，推进国家治理体系和治理能力现代化。</p></div>
    <div class="part"><p>内容解读</p><p>一、为什么要出台《实施意见》？</p><p>为贯彻落实国务院指导意见。</p></div>
    <div class="links"><a href="/a">相关链接一</a><a href="/b">相关链接二</a></div></div></body></html>"""
    assert extract_bytes(page.encode(), "a.html").text.splitlines() == [
        "关于加强数字政府建设的实施意见",
        "意见全文",
        "一、总体要求",
        "（一）指导思想。坚持以人民为中心，推进国家治理体系和治理能力现代化。",
        "内容解读",
        "一、为什么要出台《实施意见》？",
        "为贯彻落实国务院指导意见。",
    ]


def test_docx_list_styles_take_their_numbers_from_the_style():
    d = docx.Document()
    d.add_paragraph("主要任务")
    for text in ("建设数据库。", "完善平台。"):
        d.add_paragraph(text, style="List Number")  # numbering inherited from the paragraph style
    d.add_paragraph("一项要点", style="List Bullet")  # bullets add no marker
    buf = io.BytesIO()
    d.save(buf)
    assert extract_bytes(buf.getvalue(), "a.docx").text.splitlines() == [
        "主要任务",
        "1.建设数据库。",
        "2.完善平台。",
        "一项要点",
    ]


def test_pdf_text_inside_a_form_xobject_is_read():
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.beginForm("body")
    c.setFont(FONT, 12)
    c.drawString(72, 700, "一、总体要求")
    c.drawString(72, 680, "（一）指导思想。坚持以人民为中心。")
    c.endForm()
    c.doForm("body")
    c.showPage()
    c.save()
    assert extract_bytes(buf.getvalue(), "a.pdf").text == "一、总体要求\n（一）指导思想。坚持以人民为中心。"


# --- 2. a seed document converted to each format keeps its clause tree -----------------------------


@pytest.fixture(scope="module", params=[SIMPLIFIED, TRADITIONAL], ids=["simplified-004", "traditional-001"])
def seed_case(request):
    raw, lines = seed(request.param)
    return request.param, lines, tree(raw, request.param)


def test_html_seed_tree_matches_txt(seed_case):
    name, lines, expected = seed_case
    got = extract_bytes(html_page(lines).encode("utf-8"), name.replace(".txt", ".html"))
    assert "脚本里的文字" not in got.text and "首页" not in got.text and "相关文件" not in got.text
    assert got.text.splitlines()[0] == lines[0]
    assert tree(got.text, name) == expected


def test_docx_seed_tree_matches_txt(seed_case):
    name, lines, expected = seed_case
    got = extract_bytes(docx_bytes(lines), name.replace(".txt", ".docx"))
    assert tree(got.text, name) == expected


def test_docx_auto_numbering_seed_tree_matches_txt(seed_case):
    name, lines, expected = seed_case
    data = numbered_docx_bytes(lines)
    body = docx.Document(io.BytesIO(data)).paragraphs
    assert not any(p.text.startswith(("一、", "三、", "(一)", "（一）")) for p in body)  # numbers live in numbering.xml
    got = extract_bytes(data, name.replace(".txt", ".docx"))
    assert tree(got.text, name) == expected


@pytest.fixture(scope="module")
def seed_pdfs(seed_case):
    name, lines, expected = seed_case
    header = "宁波市人民政府文件" if name == SIMPLIFIED else "河北省人民政府文件"
    footer = "- {n} -" if name == SIMPLIFIED else "第 {n} 页"
    data = pdf_bytes(lines, header, footer)
    return name, data, extract_bytes(data, name.replace(".txt", ".pdf")), expected


def test_pdf_seed_tree_matches_txt(seed_pdfs):
    name, data, got, expected = seed_pdfs
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 5 and len(got.pages) == len(reader.pages)
    wrapped = reader.pages[1].extract_text().splitlines()
    assert len(wrapped) > 20  # the layout really wrapped the long paragraphs
    assert "人民政府文件" not in got.text and not re.search(r"^(- \d+ -|第 \d+ 页)$", got.text, re.M)
    assert tree(got.text, name) == expected


# --- 3. PDF page offsets -----------------------------------------------------------------------


def test_pdf_page_of_a_clause_on_a_later_page(seed_pdfs):
    name, data, got, _expected = seed_pdfs
    reader = PdfReader(io.BytesIO(data))
    clauses = parse_clauses(document_from_text(got.text, name))
    late = [c for c in clauses if c.path.count("/") >= 1][-1]  # a numbered clause near the end
    probe = got.text[late.char_start : late.char_start + 12]
    on_page = [i + 1 for i, p in enumerate(reader.pages) if probe in p.extract_text().replace("\n", "")]
    assert on_page and on_page[0] >= 2
    assert page_of(got.pages, late.char_start) == on_page[0]
    assert got.pages[0] == 0 and list(got.pages) == sorted(got.pages)
    assert page_of(got.pages, 0) == 1 and page_of((), 10) is None


def test_pdf_joins_wrapped_lines_without_indentation():
    """Block paragraphs (no first-line indent): a full line that ends without 。！？；： goes on."""
    long = "加快推进数字政府建设，全面提升政府数字化履职能力，" * 6 + "打造整体协同的数字政府。"
    lines = [
        "关于加快推进数字政府建设的通知",
        "各区县人民政府：",
        long,
        "1.建设数据库。",
        long,
        "宁波市人民政府",
        "2023年4月10日",
    ]
    style = ParagraphStyle("b", fontName=FONT, fontSize=12, leading=18, wordWrap="CJK")
    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=A4)
    doc.addPageTemplates([PageTemplate(frames=[Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height)])])
    doc.build([Paragraph(x, style) for x in lines])
    assert extract_bytes(buf.getvalue(), "a.pdf").text.splitlines() == lines


# --- 4. failures --------------------------------------------------------------------------------


def test_scanned_pdf_asks_for_ocr():
    from PIL import Image

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.rect(72, 72, 400, 600, fill=1)
    c.showPage()
    c.drawInlineImage(Image.new("RGB", (60, 80), "white"), 72, 72, 300, 400)
    c.showPage()
    c.save()
    with pytest.raises(InputError, match=r"scan\.pdf.*OCR"):
        extract_bytes(buf.getvalue(), "scan.pdf")


def test_encrypted_pdf_is_refused():
    buf = io.BytesIO()
    c = canvas.Canvas(buf, encrypt="secret")
    c.setFont(FONT, 12)
    c.drawString(72, 700, "一、总体要求")
    c.save()
    with pytest.raises(InputError, match=r"locked\.pdf.*(password|encrypted)"):
        extract_bytes(buf.getvalue(), "locked.pdf")


@pytest.mark.parametrize(
    ("data", "name", "pattern"),
    [
        (b"PK\x03\x04" + b"\x00garbage" * 50, "bad.docx", "bad.docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "old.docx", r"old.docx.*\.doc"),
        (b"not a word file at all", "plain.docx", "plain.docx"),
        (b"%PDF-1.4\n1 0 obj <<\n garbage", "bad.pdf", "bad.pdf"),
        (b"hello", "notpdf.pdf", "notpdf.pdf"),
        (bytes(range(256)) * 8, "junk.txt", "junk.txt"),
        (b"\x00\x01\x02binary", "junk.html", "junk.html"),
        (
            "<html><body><nav><a href='/'>首页</a></nav><script>var a=1;</script></body></html>".encode(),
            "empty.html",
            "no main text",
        ),
        (b"anything", "notes.doc", r"notes\.doc.*unsupported.*\.txt, \.md, \.html, \.htm, \.docx, \.pdf"),
        (b"anything", "README", r"unsupported format \(no suffix\)"),
    ],
)
def test_bad_inputs_raise_input_error(data, name, pattern):
    with pytest.raises(InputError, match=pattern):
        extract_bytes(data, name)


def test_truncated_files_raise_input_error():
    pdf = pdf_bytes(SHORT_SC, "政府文件")
    with pytest.raises(InputError, match=r"cut\.pdf"):
        extract_bytes(pdf[: len(pdf) // 3], "cut.pdf")
    word = docx_bytes(SHORT_SC)
    with pytest.raises(InputError, match=r"cut\.docx"):
        extract_bytes(word[: len(word) // 2], "cut.docx")


def test_supported_suffixes():
    assert SUPPORTED_SUFFIXES == (".txt", ".md", ".html", ".htm", ".docx", ".pdf")


# --- 5. tables keep their header names -----------------------------------------------------------


def test_docx_table_rows_carry_header_names():
    d = docx.Document()
    d.add_paragraph("附件：任务分工表")
    t = d.add_table(rows=4, cols=3)
    for r, row in enumerate(
        [
            ["任务", "牵头单位", "责任单位"],
            ["建设经济运行数据库", "省发展改革委", "省统计局"],
            ["", "", ""],
            ["推广电子印章", "省政务服务管理办公室", ""],
        ]
    ):
        for c, value in enumerate(row):
            t.cell(r, c).text = value
    group = t.cell(2, 0).merge(t.cell(2, 2))  # a group row spanning the table
    group.text = "二、提升市场监管能力"
    d.add_paragraph("（二）强化组织领导。")
    buf = io.BytesIO()
    d.save(buf)
    assert extract_bytes(buf.getvalue(), "t.docx").text.splitlines() == [
        "附件：任务分工表",
        "任务｜牵头单位｜责任单位",
        "任务：建设经济运行数据库；牵头单位：省发展改革委；责任单位：省统计局",
        "二、提升市场监管能力",
        "任务：推广电子印章；牵头单位：省政务服务管理办公室",
        "（二）强化组织领导。",
    ]


def test_docx_vertically_merged_cell_repeats_in_each_row():
    d = docx.Document()
    t = d.add_table(rows=3, cols=2)
    t.cell(0, 0).text, t.cell(0, 1).text = "單位", "職責"
    merged = t.cell(1, 0).merge(t.cell(2, 0))
    merged.text = "省公安廳"
    t.cell(1, 1).text, t.cell(2, 1).text = "牽頭", "負責數據歸集"
    buf = io.BytesIO()
    d.save(buf)
    assert extract_bytes(buf.getvalue(), "t.docx").text.splitlines() == [
        "單位｜職責",
        "單位：省公安廳；職責：牽頭",
        "單位：省公安廳；職責：負責數據歸集",
    ]


def test_html_table_rows_carry_header_names():
    page = """<html><body><div class="content"><p>附件：任务分工表</p>
    <table border="1"><caption>重点任务分工</caption>
      <thead><tr><th>序号</th><th>任务</th><th>牵头单位</th></tr></thead>
      <tbody>
        <tr><td colspan="3">一、数字经济</td></tr>
        <tr><td>1</td><td><p>建设经济运行</p><p>数据库</p></td><td rowspan="2">省发展改革委</td></tr>
        <tr><td>2</td><td>完善统计监测</td></tr>
      </tbody></table>
    <p>二、保障措施</p></div></body></html>"""
    assert extract_bytes(page.encode(), "t.html").text.splitlines() == [
        "附件：任务分工表",
        "重点任务分工",
        "序号｜任务｜牵头单位",
        "一、数字经济",
        "序号：1；任务：建设经济运行 数据库；牵头单位：省发展改革委",
        "序号：2；任务：完善统计监测；牵头单位：省发展改革委",
        "二、保障措施",
    ]
