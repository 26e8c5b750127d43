"""Questions of several parts where one asks who is responsible (“…要达到多少？谁负责？”): every
part is answered, each cited — the other parts as questions of their own, then the units of the
clause that answered them."""

from __future__ import annotations

import re
from dataclasses import replace

from qa.answer import answerable
from qa.answer.ask import Ask, Draft, prepare
from qa.answer.draft import merge_answers
from qa.answer.kinds import duty, fact
from qa.question.asking import ASKS
from qa.question.query import analyse

_PIECE_RE = re.compile(r"[^？?；;]+[？?；;]?")


def split(sc: str) -> tuple[str, str]:
    """``(what else is asked, the part asking who is responsible)``, or ``("", "")`` when the
    question does not ask both.  The other part keeps the task the duty part names.

    >>> split("2025年某市智慧城市要达到什么目标？由谁负责？")
    ('2025年某市智慧城市要达到什么目标？', '由谁负责？')
    >>> split("某省推进智慧城市建设由谁负责？要达到什么目标？")
    ('某省推进智慧城市建设 要达到什么目标？', '某省推进智慧城市建设由谁负责？')
    >>> split("推进智慧城市建设由谁负责？")
    ('', '')
    """
    pieces = [p for p in _PIECE_RE.findall(sc) if p.strip()]
    asks_duty = [p for p in pieces if analyse(p).duty]
    rest = [p for p in pieces if p not in asks_duty]
    if not asks_duty or not rest:
        return "", ""
    task = "".join(p[: m.start()] if (m := ASKS["parts:who"].search(p)) else "" for p in asks_duty).strip("，, ")
    other = "".join(rest)
    return (f"{task} {other}" if task and task not in other else other), "".join(asks_duty)


def draft(ask: Ask) -> Draft | None:
    if not ask.q.duty:
        return None
    other, _duty_part = split(ask.q.sc)
    if not other:
        return None
    sub = prepare(other, ask.index, ask.settings, ask.rewritten, None, ask.started)
    sub = replace(sub, script=ask.script)
    answered = answerable.on_topic(sub) or answerable.review(sub, fact.draft(sub))
    if not answered.citations:
        return None  # the other part has no answer here: the question is answered as a duty question
    # who is responsible: the units of the clause that answered the other part, else the duty
    # question asked whole
    owners = next((c.clause for c in answered.citations if c.clause.duties), None)
    if owners is not None:
        units = duty.units_line(owners, ask.q, ask.script, [])
    else:
        units = duty.draft(ask)
        units = (units.text, units.citations) if units is not None and units.citations else None
    if units is None:
        return Draft(f"{answered.text}\n文件未写明该项工作的牵头或责任单位。", answered.citations, "duty")
    text, citations = merge_answers((answered.text, answered.citations), units)
    return Draft(text, citations, "duty")
