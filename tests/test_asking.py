"""The table of question-word patterns (qa/question/asking.py): each row's example is found by its pattern."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qa.question.asking import ASKS, TABLE
from qa.question.query import ANSWER_TYPES

QA = Path(__file__).resolve().parent.parent / "qa"


@pytest.mark.parametrize("row", TABLE, ids=[a.name for a in TABLE])
def test_example_is_found(row):
    assert row.example and row.means
    assert ASKS[row.name].search(row.example), row.example


def test_names_are_unique():
    names = [a.name for a in TABLE]
    assert len(names) == len(set(names)) == len(ASKS)


def test_every_name_the_code_uses_is_in_the_table():
    used = {m for p in QA.rglob("*.py") for m in re.findall(r'ASKS\["([^"]+)"\]', p.read_text(encoding="utf-8"))}
    assert used and used <= set(ASKS), used - set(ASKS)


def test_answer_types_keep_their_order():
    assert list(ANSWER_TYPES) == [
        "phone",  # before money and quantity: 电话是多少 wants a number to call, not a figure
        "money",
        "age",  # before quantity: 年龄要求是多少 wants an age, not any figure
        "degree",
        "quantity",
        "time",
        "place",
        "company",
        "institution",
        "rank",
        "papers",
        "office",
        "person",
        "penalty",  # last: 罚多少钱 wants money
    ]


@pytest.mark.parametrize(
    ("name", "question"),
    [
        ("wants:quantity", "工伤认定的条件是什么？"),  # a what-question wants no figure
        ("wants:quantity", "储备金占基金总额的具体比例由谁规定？"),  # who sets the share, not the share
        ("wants:money", "南昌要建多少个5G基站？"),
        ("wants:phone", "这个热线一年接了多少次电话？"),  # a count of calls, not a number to call
        ("wants:papers", "申请人需要什么资格？"),  # a condition, not a certificate
        ("small-talk", "你好，南昌要建多少个5G基站？"),  # a greeting before a question
        ("meta:issued", "这项政策从哪天开始实行？"),  # when something in it starts, not the issue date
        ("meta:field", "各部门的实施办法要在什么时候前报国务院办公厅？"),  # a deadline the text sets
        ("asking-word", "政策上允许吗？"),
        ("duty", "赣政通有哪些功能？"),
    ],
)
def test_counter_example_is_not_found(name, question):
    assert not ASKS[name].search(question)
