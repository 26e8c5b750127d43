"""Example questions for a library, made from its own documents and duty annotations: the chat
page offers questions this library can answer, whatever places and units it holds."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from qa.answer.clauses import strip_marker
from qa.answer.render import short_name
from qa.normalize import to_script
from qa.search.index import Index

#: the kinds of document that set targets (a plan, not a regulation)
PLAN_KINDS = ("意见", "方案", "规划", "计划", "措施")
#: a task named by a heading this long reads as a question (“建设一体化政务服务平台”由谁牵头？)
TASK_CHARS = (4, 16)


@lru_cache(maxsize=4)
def example_questions(index: Index, n: int = 4) -> tuple[str, ...]:
    """Up to ``n`` questions on the library: who leads a task its duty annotations name, what the
    unit with the most tasks does, the newest document's targets and when the oldest was issued."""
    corpus = index.corpus
    out: list[str] = []
    for c in corpus.clauses:
        task = strip_marker(c.heading).rstrip("。；")
        if c.duties.lead and TASK_CHARS[0] <= len(task) <= TASK_CHARS[1]:
            out.append(f"“{task}”由谁牵头？")
            break
    units = Counter(u for c in corpus.clauses for u in (*c.duties.lead, *c.duties.responsible))
    if units:
        out.append(f"{units.most_common(1)[0][0]}负责哪些任务？")
    dated = sorted((d for d in corpus.documents if d.date), key=lambda d: d.date)
    plans = [d for d in dated if any(k in (d.kind or "") for k in PLAN_KINDS)]
    if plans:  # a plan sets targets; a regulation's articles are asked by number
        out.append(f"《{short_name(plans[-1])}》提出了哪些主要目标？")
    if dated and dated[0] not in plans[-1:]:
        out.append(f"《{short_name(dated[0])}》是什么时候印发的？")
    return tuple(to_script(q, "simplified") for q in out[:n])
