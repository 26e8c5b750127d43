"""The router: a question goes through the kinds of answer in order, and the first draft (or
refusal) that one gives is reviewed and answered.

Each kind is a module of :mod:`qa.answer.kinds` with one entry, ``draft(ask) -> Draft | None``
(None: not this kind of question).  The checks of :mod:`qa.answer.answerable` sit between the
kinds as steps of the same shape; every draft passes :func:`~qa.answer.answerable.review`.
"""

from __future__ import annotations

import time
from dataclasses import replace

from qa.answer import answerable
from qa.answer.ask import Ask, Draft, prepare, rewrite
from qa.answer.kinds import article, compare, definition, duty, fact, library, meta, outline, parts, reverse
from qa.answer.render import record
from qa.answer.smalltalk import help_answer, is_small_talk
from qa.schema import Answer
from qa.search.index import Index
from qa.search.retrieve import Filters, check_question, cut_notice
from qa.settings import Settings

STEPS = (
    article.draft,  # 《X条例》第N条: before the checks (an article's number is no word of the library)
    answerable.names_known,  # places, titles and quoted names the library does not hold
    reverse.draft,  # 某某局负责哪些任务？
    compare.draft,  # A和B分别…
    library.draft,  # 哪份文件最新？哪些文件提到X？
    outline.draft,  # 分几个部分？第三部分讲什么？
    meta.draft,  # 文号、印发日期、作者…
    definition.draft,  # 本条例所称X是指什么？: the sentence that defines X
    answerable.on_topic,  # the first clauses are about what is asked
    parts.draft,  # …要达到多少？谁负责？: every part
    duty.draft,  # 由谁负责？
    fact.draft,  # the rest: sentences of the evidence
)


def route(ask: Ask) -> Draft:
    for step in STEPS:
        if (draft := step(ask)) is not None:
            return answerable.review(ask, draft)
    return Draft.refusal()


def answer(
    question: str,
    index: Index,
    settings: Settings | None = None,
    history: list[str] | None = None,
    filters: Filters | None = None,
) -> Answer:
    """Answer a question from the index (extractive generator).

    A question longer than :data:`~qa.search.retrieve.MAX_QUESTION_CHARS` is answered from its start
    and the answer says so in ``notes``: notes that start with ⚠️ are for the user.
    """
    started = time.perf_counter()
    asked, rewritten = rewrite(check_question(question), history)
    if is_small_talk(asked):
        ans = help_answer(asked, rewritten, started)
    else:
        ask = prepare(asked, index, settings or index.settings, rewritten, filters, started)
        ans = record(ask, route(ask))
    notice = cut_notice(question)
    return replace(ans, notes=(notice, *ans.notes)) if notice else ans
