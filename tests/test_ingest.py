import pytest

from qa.errors import InputError
from qa.ingest import document_from_text, load_corpus, load_document, parse_clauses

EXPECTED = {
    # id prefix: (title, issuer, doc number, date, region, kind, script)
    # 000 prints no title: it takes the one 004 cites it by (title_from says so)
    "000": ("浙江省人民政府关于深化数字政府建设的实施意见", "浙江省人民政府", "", "2022-07-30", "浙江省", "实施意见", "traditional"),
    "001": ("河北省人民政府關於加強數字政府建設的實施意見", "河北省人民政府", "冀政發〔2023〕3號", "2023-04-12", "河北省", "实施意见", "traditional"),
    "002": ("浙江省数字政府系统建设方案", "", "", "", "浙江省", "方案", "simplified"),
    "003": ("", "", "", "", "", "评论", "simplified"),
    "004": ("宁波市加快数字政府建设实施方案", "宁波市人民政府", "甬政发〔2023〕16号", "2023-04-10", "宁波市", "实施方案", "simplified"),
}  # fmt: skip


def test_metadata_of_every_seed(corpus):
    for prefix, expected in EXPECTED.items():
        d = corpus.document(prefix)
        assert (d.title, d.issuer, d.doc_number, d.date, d.region, d.kind, d.script) == expected, prefix
    assert corpus.document("000").title_from == "cited by 004_fc0c221cca52bb2d"
    # a 印发 notice is titled by the document it attaches, with the notice's 文号 and date
    assert corpus.document("004").notice_title == "宁波市人民政府关于印发宁波市加快数字政府建设实施方案的通知"
    assert [corpus.document(p).level for p in ("000", "001", "002", "004")] == ["省", "省", "省", "市"]
    assert corpus.document("003").author.startswith("陈畴镛")
    assert corpus.document("002").source == "中共浙江省委全面深化改革委员会"
    assert corpus.document("004").addressees == "各区(县、市)人民政府,市直及部省属驻甬各单位"
    assert corpus.document("004").basis.count("《") == 3 and corpus.document("003").basis == ""


def test_raw_text_is_the_file_exactly(corpus):
    from tests.conftest import SEEDS

    for d in corpus.documents:
        assert (SEEDS / d.source_file).read_bytes().decode("utf-8") == d.raw


def test_clean_text_has_no_chrome_or_glosses(corpus):
    for d in corpus.documents:
        for junk in ("返回顶部", "版权所有", "本文已被阅读", "相關詞條", "(qū)", "官方网站", "0574-87837949"):
            assert junk not in d.clean, (d.id, junk)


def test_encodings(tmp_path):
    text = "关于加强数字政府建设的实施意见\n一、总体要求\n（一）指导思想。坚持以人民为中心。\n"
    for enc, data in {"gb18030": text.encode("gb18030"), "utf-8-sig": text.encode("utf-8-sig")}.items():
        p = tmp_path / f"{enc}.txt"
        p.write_bytes(data)
        assert load_document(p).title == "关于加强数字政府建设的实施意见"


@pytest.mark.parametrize(
    "data, message",
    [(b"\x00\x01\x02binary\x00junk", "binary"), (b"", "empty"), (b"   \n  ", "empty"),
     (bytes(range(1, 32)) * 20, "control characters")],
)  # fmt: skip
def test_bad_files_get_clear_errors(tmp_path, data, message):
    p = tmp_path / "bad.txt"
    p.write_bytes(data)
    with pytest.raises(InputError, match=message):
        load_document(p)


def test_missing_and_unsupported_files(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_document(tmp_path / "nope.txt")
    (tmp_path / "x.exe").write_bytes(b"MZ")
    with pytest.raises(InputError, match="unsupported format"):
        load_document(tmp_path / "x.exe")
    with pytest.raises(InputError, match=r"no documents \(\.txt, \.md"):
        load_corpus(tmp_path)


def test_chrome_only_page_is_refused():
    with pytest.raises(InputError, match="no policy text"):
        document_from_text("返回顶部\n版权所有:某某\n电话:0571-88888888\n", "chrome.txt")


def test_a_document_the_notice_bundles_is_a_part_of_its_own():
    """…转制为企业和进一步支持文化企业发展两个规定的通知: the second 规定 starts its sections again
    at 一、 under its own title, and its clauses nest under that title, their spans intact."""
    from pathlib import Path

    from qa.answer.render import readable_path
    from qa.ingest import document_from_text, parse_clauses

    path = Path(__file__).resolve().parent.parent / "eval" / "corpus" / "docs" / "11_gwyb_wenhua_qiye_zhuanzhi.txt"
    raw = path.read_text(encoding="utf-8")
    clauses = parse_clauses(document_from_text(raw, path.name))
    by_path = {c.path: c for c in clauses}
    part = by_path["进一步支持文化企业发展的规定"]
    assert raw[part.char_start : part.own_end].strip() == "进一步支持文化企业发展的规定"
    first = by_path["进一步支持文化企业发展的规定/一/（一）"]
    assert first.parent_id == by_path["进一步支持文化企业发展的规定/一"].id
    assert raw[first.char_start : first.char_end].startswith("（一）中央财政和地方财政")
    assert "进一步支持文化企业发展的规定" not in by_path["九/（三十一）"].title_path
    assert not [c for c in clauses if "~" in c.path]  # no numbering taken twice
    assert readable_path(first) == "《进一步支持文化企业发展的规定》第一部分第（一）项"


def test_a_file_with_more_text_than_a_document_holds_is_refused(tmp_path, monkeypatch):
    import qa.ingest.document as document

    monkeypatch.setattr(document, "MAX_DOCUMENT_CHARS", 1000)
    p = tmp_path / "合集.txt"
    p.write_text("关于印发若干措施的通知\n第一条 " + "各地区要加强统筹。" * 200, encoding="utf-8")
    with pytest.raises(InputError, match="more than one document holds"):
        document.load_document(p)


def test_a_notepad_unicode_file_reads_as_its_utf8_copy(tmp_path):
    text = "关于加强数据治理的通知\n一、总体要求\n到2025年，建成统一的数据平台。\n"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_text(text, encoding="utf-16")  # with its byte-order mark, as Notepad saves
    a, b = load_document(tmp_path / "a.txt"), load_document(tmp_path / "b.txt")
    assert b.raw == a.raw and b.title == a.title
    assert [c.text for c in parse_clauses(b)] == [c.text for c in parse_clauses(a)]
