"""Duty questions (“…由谁负责？”): the units a clause's duty annotation names, by role, or the
sentence that gives the task to a body."""

from __future__ import annotations

import re
from functools import lru_cache

from qa.answer.ask import Ask, Draft
from qa.answer.candidates import Candidate, candidates_of, task_coverage, task_pairs
from qa.answer.clauses import strip_marker
from qa.answer.draft import cite
from qa.answer.kinds.fact import answer_fact
from qa.answer.limits import DUTY_CANDIDATES, DUTY_TASK_COVERAGE, MIN_COVERAGE
from qa.normalize import match_form, to_script
from qa.question.asking import ASKS
from qa.question.query import (
    Query,
    analyse,
)
from qa.schema import Citation, Clause
from qa.search.index import Index
from qa.search.retrieve import (
    Weights,
    search,
    weights,
)
from qa.settings import Settings

ROLE_NAMES = {"lead": "牵头单位", "responsible": "责任单位", "cooperating": "协同单位"}


def answer_duty(
    index: Index, q: Query, cands: list[Candidate], script: str, citations: list[Citation] | None = None
) -> tuple[str, list[Citation]] | None:
    pairs = task_pairs(index, q)
    named = [(task_coverage(index, pairs, c.hit.clause), c) for c in cands[:DUTY_CANDIDATES] if c.hit.clause.duties]
    with_duties = [(t, c) for t, c in named if c.cover >= MIN_COVERAGE and t >= DUTY_TASK_COVERAGE]
    if not with_duties:
        return None
    # the clause that names the task whole (政务云平台建设) before one that shares its words (政务云视频…平台)
    best = max(with_duties, key=lambda x: (round(x[0], 1), x[1].cover, -x[1].rank))[1]
    return units_line(best.hit.clause, q, script, [] if citations is None else citations)


def units_line(cl: Clause, q: Query, script: str, citations: list[Citation]) -> tuple[str, list[Citation]]:
    """The units a clause's duty annotation names, by role, cited: ““任务”的牵头单位：…；责任单位：…[n]。”."""
    n = cite(citations, cl, cl.heading)
    task = to_script(strip_marker(cl.heading), script)
    roles = [(r, getattr(cl.duties, r)) for r in ("lead", "responsible", "cooperating")]
    parts = [f"{ROLE_NAMES[r]}：{to_script('、'.join(us), script)}" for r, us in roles if us]
    note = "（该项未列牵头单位）" if "牵头" in q.sc and not cl.duties.lead else ""
    return f"“{task}”的{'；'.join(parts)}{note}[{n}]。", citations


def duty_tasks(q: Query) -> list[str]:
    """The tasks of a duty question that asks about several (…A和B分别由谁负责？), as questions
    of their own; [] for one task.

    >>> from qa.question.query import analyse
    >>> duty_tasks(analyse("江西建立人口基础数据库和法人基础数据库分别由谁负责？"))
    ['江西建立人口基础数据库由谁负责？', '江西法人基础数据库由谁负责？']
    >>> duty_tasks(analyse("江西推进智慧城市、数字乡村建设由谁牵头？"))
    []
    """
    if not (q.duty and re.search(r"分别|各自", q.sc)) or not (m := ASKS["duty:split"].search(q.sc)):
        return []
    head = q.sc[: m.start()]
    place = next((p for p in q.places if head.startswith(p)), "")
    parts = [p.strip() for p in re.split(r"和|与|以及|、", head[len(place) :].lstrip("省市")) if p.strip()]
    if len(parts) < 2 or any(len(p) < 4 for p in parts):
        return []  # 智慧城市、数字乡村建设: one task with a list inside
    ask = "由谁牵头？" if "牵头" in q.sc else "由谁负责？"
    return [f"{place}{p}{ask}" for p in parts]


def answer_duties(index: Index, tasks: list[str], settings: Settings, script: str) -> tuple[str, list[Citation]] | None:
    """One duty line per task of “A和B分别由谁负责”, each with its own citation."""
    w = weights(index)
    citations: list[Citation] = []
    lines = []
    for task in tasks:
        tq = analyse(task)
        hits = search(index, task, k=10, retriever=settings.retriever, second_stage=False)
        before = len(citations)
        got = answer_duty(index, tq, candidates_of(index, tq, hits, w), script, citations)
        if got and len(citations) == before:
            continue  # two tasks of one clause (提升公文“一张网”…、推开移动办公): said once
        lines.append(got[0] if got else to_script(f"“{task[:-5]}”：文件未写明牵头或责任单位。", script))
    return ("\n".join(lines), citations) if citations else None


@lru_cache(maxsize=1)
def _prose_duty_re() -> re.Pattern:
    """A body (a name ending with a unit suffix) that the sentence gives a task: …部门负责, …局牵头,
    …会同; or a task given 由 a body by its name (由市土地储备中心和各城区政府调查…), not 由各部门,
    nor a body made up of others (由教育、财政等单位组成).

    >>> r = _prose_duty_re()
    >>> bool(r.search("由市土地储备中心和各城区政府、开发区管委会调查未灭籍房屋具体情况")), bool(r.search("住房公积金管理中心负责贷款的审批"))
    (True, True)
    >>> bool(r.search("联席会议由教育、人力资源社会保障等单位组成")), bool(r.search("由此产生的费用")), bool(r.search("横向由各部门协同"))
    (False, False, False)
    """
    from qa.data import words

    suffixes = "|".join(map(re.escape, words("unit_suffixes")))
    named = "|".join(map(re.escape, [s for s in words("unit_suffixes") if len(s) > 1] + ["局", "厅"]))
    return re.compile(
        rf"(?:{suffixes})(?:等有关部门|等部门)?(?:应当|要|依法|按照职责|按职责分工)?(?:负责|牵头|主管|会同|承担|组织实施)"
        rf"|由(?!各|有关|相关|其他)[^，。；：、]{{0,20}}?(?:{named})(?:[和及、][^，。；：]{{0,20}}?(?:{named}))*(?!等?(?:单位|部门)?(?:共同)?组成)[\u4e00-\u9fff]"
    )


def prose_duty(
    index: Index, q: Query, good: list[Candidate], w: Weights, script: str, limit: int
) -> tuple[str, list[Citation]] | None:
    """A duty question whose clauses carry no duty annotation, answered by the sentence that gives
    the task to a body (regulations say it in prose: 县级以上人民政府人力资源社会保障部门负责…):
    from the clauses that have one, if any does, before the others."""
    giving = [c for c in good if _prose_duty_re().search(c.hit.clause.text_sc)]
    pools = [giving, good] if 0 < len(giving) < len(good) else [good]
    for pool in pools:
        result = answer_fact(index, q, pool, w, script, limit)
        if result and _prose_duty_re().search(match_form(result[0])):
            return result
    return None


def draft(ask: Ask) -> Draft | None:
    """“…由谁负责？”: the units the clause's duty annotation names (one line per task asked), or
    the sentence that gives the task to a body; refused when the clause names none."""
    index, q, script = ask.index, ask.q, ask.script
    if not q.duty:
        return None
    found = answer_duties(index, tasks, ask.settings, script) if (tasks := duty_tasks(q)) else None
    found = found or answer_duty(index, q, ask.good, script) or prose_duty(index, q, ask.good, ask.w, script, ask.limit)
    if found:
        return Draft(*found, "duty")
    if ASKS["duty:responsible"].search(q.sc) and not q.wants_list:
        return Draft.refusal("文件未写明该项工作的牵头或责任单位")
    return None
