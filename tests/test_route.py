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


def test_a_fact_answer_must_speak_to_what_is_asked_beyond_the_document_name(index):
    """The clause an answer cites must say something of the question's own words; the words that
    name the document (its title, a title in 《》) do not count."""
    a = _ask(index, "《宁波市加快数字政府建设实施方案》对公共数据授权运营有什么安排？")
    by_topic = [c for c in index.corpus.clauses if "授权运营" in c.text]
    off_topic = [
        c
        for c in index.corpus.clauses
        if c.doc_id.startswith("004") and not any(w in c.title_path + c.text for w in ("数据", "公共", "运营", "授权"))
    ]
    assert by_topic and len(off_topic) >= 3
    assert answerable.speaks_to(a, by_topic[:1])
    assert not any(answerable.speaks_to(a, [c]) for c in off_topic)
