"""Naming a document loosely (qa/answer/named.shortened_document): a run of the question's words
that shortens one title, and keeps most of it."""

from __future__ import annotations

from qa.answer.named import shortened_document
from qa.schema import Document


def _doc(i: str, title: str, region: str = "") -> Document:
    return Document(i, f"{i}.txt", title, "", "", "", region, "", "simplified", "", "")


DOCS = [
    _doc("a", "国务院关于促进综合保税区高水平开放高质量发展的若干意见"),
    _doc("b", "国务院办公厅关于有效发挥政府性融资担保基金作用切实支持小微企业和“三农”发展的指导意见"),
    _doc("c", "重庆市人民政府办公厅关于印发重庆市提振消费若干措施的通知", "重庆市"),
]


def test_a_title_shortened_names_its_document():
    assert shortened_document(DOCS, "国务院促进综合保税区高水平开放高质量发展的意见是哪一天印发的？").id == "a"
    assert (
        shortened_document(DOCS, "国办关于有效发挥政府性融资担保基金作用支持小微企业和三农的指导意见第三部分").id == "b"
    )
    assert shortened_document(DOCS, "提振消费若干措施是谁发的？").id == "c"


def test_a_few_shared_words_or_another_place_name_no_document():
    assert shortened_document(DOCS, "促进发展的意见是哪一天印发的？") is None  # too little of any title
    assert shortened_document(DOCS, "四川省提振消费若干措施是谁发的？") is None  # another place's


def test_a_document_is_named_by_the_short_form_its_text_defines():
    """家用汽车产品修理、更换、退货（以下统称三包）: the 三包规定 is that document, though 三包 is not
    in its title, and a document that defines nothing is not named so."""
    text = "第一条 为了明确家用汽车产品修理、更换、退货（以下统称三包）责任，保护消费者合法权益，制定本规定。"
    title = "家用汽车产品修理更换退货责任规定"
    defines = Document("d", "d.txt", title, "", "", "", "", "", "simplified", text, text)
    silent = Document(
        "e", "e.txt", title, "", "", "", "", "", "simplified", "第一条 制定本规定。", "第一条 制定本规定。"
    )
    assert shortened_document([*DOCS, defines], "现行家用汽车三包规定从哪天开始施行？").id == "d"
    assert shortened_document([*DOCS, silent], "现行家用汽车三包规定从哪天开始施行？") is None
