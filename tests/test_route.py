"""The answer package's router (qa/answer/route.py): each kind answers only its own questions,
the checks sit between them, and every draft passes the review."""

from qa.answer import answerable
from qa.answer.ask import Draft, prepare
from qa.answer.kinds import article, compare, duty, fact, library, meta, outline, reverse
from qa.answer.route import STEPS, route


def _ask(index, question):
    return prepare(question, index, index.settings, "", None, 0.0)


def test_each_kind_declines_a_question_of_another_kind(index):
    asks = {
        "fact": _ask(index, "宁波到2025年累计要建设多少个5G基站？"),
        "outline": _ask(index, "宁波方案分几个部分？"),
        "meta": _ask(index, "宁波方案的文号是什么？"),
        "reverse": _ask(index, "省公安厅负责哪些任务？"),
        "compare": _ask(index, "浙江和河北对数据安全分别有什么要求？"),
    }
    assert outline.draft(asks["outline"]).mode == "outline"
    assert meta.draft(asks["meta"]).mode == "meta"
    assert reverse.draft(asks["reverse"]).mode == "reverse_duty"
    assert compare.draft(asks["compare"]).mode == "compare"
    for kind in (article, compare, duty, library, meta, outline, reverse):
        assert kind.draft(asks["fact"]) is None, kind.__name__
    assert fact.draft(asks["fact"]).citations


def test_review_turns_a_draft_without_citations_into_a_refusal_that_keeps_its_reason(index):
    a = _ask(index, "宁波到2025年累计要建设多少个5G基站？")
    reviewed = answerable.review(a, Draft("它只有八个部分", [], "outline"))
    assert reviewed.mode == "refusal" and reviewed.text == "它只有八个部分"
    answered = fact.draft(a)
    assert answerable.review(a, answered) is answered
    assert answerable.review(a, Draft("  ", answered.citations, "fact")).mode == "refusal"


def test_the_checks_refuse_before_any_kind_answers(index):
    # a place no document is for or mentions: refused by the check, whatever a kind would say
    a = _ask(index, "昆山要建多少个5G基站？")
    assert answerable.names_known(a).mode == "refusal"
    assert route(a).mode == "refusal" and "昆山" in route(a).text
    assert STEPS.index(answerable.names_known) < STEPS.index(fact.draft)
    assert STEPS[0] is article.draft  # an article's number is no word of the library: looked up first
