"""Documents whose line breaks were lost (a scrape or an export as one run-in paragraph) read as
the same documents: the corpus texts with their lines joined, against their expected-structure
records (eval/corpus/expected), and a laid-out text left exactly as it was."""

from __future__ import annotations

import itertools

import pytest

from eval.structure import DOCS, check, expected_records, run_in, wrapped
from qa.ingest.document import document_from_text
from qa.ingest.grammar import parse_clauses
from qa.ingest.runin import line_spans, text_lines
from qa.normalize import match_form

RECORDS = expected_records()


def test_a_laid_out_text_keeps_its_own_lines():
    for path in sorted(DOCS.glob("*.txt")):
        raw = path.read_text("utf-8")
        assert text_lines(raw) == line_spans(raw), path.name


@pytest.fixture(scope="module", params=["", " "], ids=["one-line", "space-joined"])
def joined(request):
    return request.param, [check(r, lambda text: run_in(text, request.param)) for r in RECORDS]


def test_run_in_documents_keep_their_metadata(joined):
    """Without the run-in reader no title, 文号 or date of the 40 came out right (the whole text
    was one line); with it, at least these many of 40 do."""
    _sep, results = joined
    right = {k: sum(k not in r.wrong for r in results) for k in ("title", "doc_number", "issuers", "date")}
    assert right["title"] >= 34 and right["doc_number"] >= 39 and right["issuers"] >= 39 and right["date"] >= 35, right


def test_run_in_documents_keep_their_structure(joined):
    """Chapters and duty groups all come back; articles and top items nearly all (a one-line
    article loses the paragraph breaks of its 款, and a heading whose number was lost may stay
    inside the paragraph before it)."""
    _sep, results = joined
    got = {k: sum(getattr(r, k)[0] for r in results) for k in ("articles", "chapters", "top_items", "duties")}
    want = {k: sum(getattr(r, k)[1] for r in results) for k in got}
    assert got["chapters"] == want["chapters"] and got["duties"] == want["duties"], (got, want)
    assert got["articles"] >= 0.93 * want["articles"] and got["top_items"] >= 0.93 * want["top_items"], (got, want)


@pytest.mark.parametrize("name", ["31_gongshang_baoxian_tiaoli.txt", "01_gwy_zonghe_baoshuiqu.txt"])
def test_run_in_clauses_point_into_the_exact_text(name):
    raw = run_in((DOCS / name).read_text("utf-8"))
    clauses = parse_clauses(document_from_text(raw, name))
    assert len(clauses) > 30
    for c in clauses:
        assert match_form(raw[c.char_start : c.char_end]).startswith(match_form(c.text.splitlines()[0])[:20]), c.path


def test_a_sentence_that_cites_an_article_is_not_cut():
    raw = "第一条 为了保障职工权益，制定本条例。" * 3 + "依照本条例第五条规定，第六条所列情形除外。" * 5
    assert [raw[s:e] for s, e in text_lines(raw)] == [raw]


@pytest.mark.parametrize("pieces", [2, 3])
def test_a_title_the_page_broke_over_lines_is_read_whole(pieces):
    """Each corpus document whose title has 关于 (a legislative title is short and stands on its
    first line), its title line broken into two or three lines, reads the same title (before:
    none of them had one, and the file name stood in)."""
    from qa.ingest.clean import is_title_line

    checked = 0
    for path in sorted(DOCS.glob("*.txt")):
        raw = path.read_text("utf-8")
        doc = document_from_text(raw, path.name)
        lines = raw.splitlines()
        at = next(i for i, line in enumerate(lines) if line.strip() == (doc.notice_title or doc.title))
        t = lines[at].strip()
        if not is_title_line(t):
            continue
        cuts = [len(t) * k // pieces for k in range(pieces + 1)]
        broken = lines[:at] + [t[a:b] for a, b in itertools.pairwise(cuts)] + lines[at + 1 :]
        assert document_from_text("\n".join(broken), path.name).title == doc.title, path.name
        checked += 1
    assert checked == 29


@pytest.mark.parametrize(
    ("title", "kind"),
    [("某某市2020年度科技计划项目申报指南", "申报指南"), ("某某区2020年就业工作要点", "工作要点"),
     ("关于2020年度某某名单的公示", "公示"), ("关于做好2020年就业工作的通知（征求意见稿）", "通知"),
     ("某某市老旧小区改造管理办法（试行）", "办法")],
)  # fmt: skip
def test_a_notice_of_a_common_kind_has_its_title(title, kind):
    doc = document_from_text(f"{title}\n各有关单位：\n为做好有关工作，现将有关事项通知如下。\n", "n.txt")
    assert (doc.title, doc.kind) == (title, kind)


@pytest.mark.parametrize("width", [30, 38, 50])
def test_a_fixed_width_text_is_read_as_laid_out(width):
    """The corpus broken every N characters (a fixed-width export): every title, 文号, issuer and
    date, every article, chapter and top item, and nearly every duty group come back (the old
    reader: 97, 134 and 152 of 339 duty groups at widths 30, 38, 50)."""
    results = [check(r, lambda text: wrapped(text, width)) for r in RECORDS]
    assert all(not ({"title", "doc_number", "issuers", "date"} & set(r.wrong)) for r in results)
    got = {k: sum(getattr(r, k)[0] for r in results) for k in ("articles", "chapters", "top_items", "duties")}
    assert (got["articles"], got["chapters"]) == (822, 88) and abs(got["top_items"] - 177) <= 1, got
    assert got["duties"] >= 0.93 * 339, got


def test_a_wrapped_line_is_joined_into_its_clause():
    raw = wrapped((DOCS / "31_gongshang_baoxian_tiaoli.txt").read_text("utf-8"), 38)
    clauses = {c.path: c for c in parse_clauses(document_from_text(raw, "31.txt"))}
    article = clauses["第三章/第十四条"]
    assert "\n" not in article.text and article.text.startswith("第十四条") and "应当认定为工伤" in article.text


def test_a_paragraph_after_an_items_closing_annotation_is_not_assigned_by_it():
    """北京's 生育 measures end item （十五） with its annotation and go on with a closing paragraph
    (各区、各有关部门要…纳入“七有”“五性”监测评价); joined into one line, that paragraph had become
    part of （十五） and was answered with its 责任单位."""
    name = "39_beijing_shengyu_zhichi_cuoshi.txt"
    for raw in ((DOCS / name).read_text("utf-8"), run_in((DOCS / name).read_text("utf-8"))):
        clauses = parse_clauses(document_from_text(raw, name))
        closing = [c for c in clauses if "七有" in c.text]
        assert [c.text[:8] for c in closing] == ["各区、各有关部门"], closing
        assert not closing[0].duties, closing[0].duties
        item = next(c for c in clauses if c.text.startswith("（十五）"))
        assert "市卫生健康委" in item.duties.responsible
