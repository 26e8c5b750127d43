"""Reverse-duty questions (“某某局负责哪些任务？”): the tasks the documents give a unit."""

from __future__ import annotations

import re
from dataclasses import replace

from qa.answer.ask import Ask, Draft
from qa.answer.draft import cite, merge_answers
from qa.answer.kinds.duty import ROLE_NAMES
from qa.answer.limits import REVERSE_ANSWER_CHARS, REVERSE_ONE_TASK_CHARS
from qa.answer.named import doc_texts, named_document, scoped_documents
from qa.answer.sentences import task_summary
from qa.duties import unit_key, unit_matches
from qa.normalize import match_form, to_script
from qa.places.regions import doc_places
from qa.question.asking import ASKS
from qa.question.query import (
    COUNTED_TASKS,
    PROVINCES,
    Query,
    more_units,
    places_in,
)
from qa.schema import Citation, Clause
from qa.search.index import Index
from qa.search.retrieve import (
    Weights,
    coverage,
)
from qa.search.tokens import tokenize


def _unit_and_scope(index: Index, q: Query) -> tuple[str, list[str]]:
    """The unit a "what does unit Y do" question asks about, as documents write it (南昌市数据局 →
    市数据局), and the places whose documents may answer.  A unit named by a place with no
    document of its own (九江海关) is written whole and may be in any document."""
    unit, scope = q.reverse_unit, list(q.places)
    for p in sorted(q.places, key=len, reverse=True):
        m = re.match(re.escape(p) + r"(省|市|自治区)?", unit)
        if not m:
            continue
        rest = unit[m.end() :]
        inner = places_in(rest)
        if inner and rest.startswith(inner[0]):
            scope = [x for x in scope if x not in inner]  # 赣江新区管委会 names a place but is a unit
        else:
            rest = rest if rest.startswith(("各", "全")) else ("省" if p in PROVINCES else "市") + rest  # 江西各市政府
        unit = rest
        break
    if scope and not scoped_documents(index, scope):
        return match_form(q.reverse_unit), []
    return unit, scope


def unit_unlisted(index: Index, q: Query) -> bool:
    """Is the unit a reverse-duty question asks about named nowhere in the documents in scope
    (省公安厅 in a province's plan that never names it)?  Then no document says what it does."""
    unit, scope = _unit_and_scope(index, q)
    if not unit or "各" in unit or unit.startswith("全"):
        return False  # 各区县政府 is written many ways (各区（县、市）政府): a collective is never “not named”
    named = named_document(index, q)
    texts = doc_texts(index)
    names = (unit, match_form(q.reverse_unit))  # 南昌城投集团 is written whole, 南昌市数据局 as 市数据局
    return not any(n in texts[d.id] for d in ([named] if named else scoped_documents(index, scope)) for n in names)


def _reverse_units(index: Index, q: Query) -> list[tuple[Clause, str]]:
    """Clauses whose duties name the unit of a "what does unit Y do" question, with Y's role."""
    unit, scope = _unit_and_scope(index, q)
    if not unit_key(unit):
        return []
    out = []
    for c in index.corpus.clauses:
        if not c.duties:
            continue
        doc = index.corpus.doc_by_id[c.doc_id]
        if scope and not all(p in doc_places(doc) for p in scope):
            continue
        for role in ("lead", "responsible", "cooperating"):
            if any(unit_matches(unit, u) or unit_matches(q.reverse_unit, u) for u in getattr(c.duties, role)):
                out.append((c, role))
                break
    return out


_UNIT_PREFIX_RE = re.compile(r"^(?:[\u4e00-\u9fff]{2,3}?(?:省|市|自治区))?(?:省委|市委|委|省|市|区|县)?")
_UNIT_SUFFIX_RE = re.compile(
    r"(?:监督管理局|管理局|监管局|委员会|管委会|办公室|办公厅|服务中心|中心|局|厅|委|办|院|部|署|社|公司|集团)$"
)


def unit_core(unit: str) -> str:
    """What a unit's name says it deals with (河北省档案局 → 档案, 宁波市委机要保密局 → 机要保密).

    >>> unit_core("河北省档案局"), unit_core("宁波市委机要保密局"), unit_core("省商务厅"), unit_core("宁波市口岸办")
    ('档案', '机要保密', '商务', '口岸')
    """
    core = _UNIT_PREFIX_RE.sub("", match_form(unit))
    return _UNIT_SUFFIX_RE.sub("", core)


def _asked_role(sc: str) -> str:
    """The role a "what does unit Y do" question asks about, if it names one.

    >>> _asked_role("牵头打造什么应用？"), _asked_role("作为责任单位要推进哪些工作？"), _asked_role("参与哪项工作？")
    ('lead', 'responsible', '')
    >>> _asked_role("负责哪些任务？哪项是牵头？"), _asked_role("是牵头单位还是责任单位？")  # the answer says
    ('', '')
    """
    if ASKS["reverse:role-asked"].search(sc):
        return ""
    if "牵头" in sc and not re.search(r"牵头或|或牵头|牵头和|和牵头", sc):
        return "lead"
    if "责任单位" in sc:
        return "responsible"
    if re.search(r"协同|配合", sc):
        return "cooperating"
    return ""


def answer_reverse(index: Index, q: Query, w: Weights, script: str) -> tuple[str, list[Citation]] | None:
    found = _reverse_units(index, q)
    if not found:
        return None
    rest = q.sc.replace(q.reverse_unit, "")
    asked = _asked_role(rest)
    missing_role = ""
    if asked and any(r == asked for _c, r in found):
        found = [(c, r) for c, r in found if r == asked]  # “…牵头哪项应用”: the tasks it leads
    elif asked:  # “省数据局牵头哪些应用？”: it leads none; say so before what it does do
        missing_role = f"文件未将其列为任何任务的{ROLE_NAMES[asked]}；"
    generic = ("负责", "承担", "任务", "数字政府", "建设", "参与", "角色", "扮演", "作用", "身份")
    toks = [t for t in tokenize(rest, index.user_words) if t not in generic]
    scored = sorted(found, key=lambda x: -coverage(toks, x[0].title_path + x[0].text, w)) if toks else found
    specific = (bool(toks) and not q.wants_list and not re.search(r"角色|身份|作用", q.sc)) or (
        re.search(r"哪项|哪一项|什么工作", q.sc) and not ASKS["reverse:role-asked"].search(q.sc)
    )
    chosen = scored[:2] if specific else scored[:6]
    counted = re.search(COUNTED_TASKS, q.sc)  # “…牵头的任务有几项？”: the count first
    more = f"（共{len(found)}项，列出{len(chosen)}项）" if len(found) > len(chosen) else ""
    more = more or (f"（共{len(found)}项）" if counted else "")
    unit = to_script(q.reverse_unit, script)
    core = unit_core(q.reverse_unit)

    def told(budget: int) -> tuple[str, list[Citation]]:
        citations: list[Citation] = []
        lines = []
        for role in ("lead", "responsible", "cooperating"):
            items = [c for c, r in chosen if r == role]
            if not items:
                continue
            tasks = []
            for c in items:
                n = cite(citations, c, c.heading)
                summary = task_summary(c, toks, w, budget, core)
                tasks.append(f"{to_script(summary, script)}[{n}]")
            lines.append(f"作为{ROLE_NAMES[role]}：" + "；".join(tasks))
        return f"{unit}承担的任务{more}：{to_script(missing_role, script)}\n" + "\n".join(lines), citations

    # characters of task text per listed task; a single task may be told at length (its
    # facts are often past its first sentence); headings and labels count towards the whole
    budget = REVERSE_ONE_TASK_CHARS if len(chosen) == 1 else min(110, max(24, 280 // len(chosen)))
    text, citations = told(budget)
    while len(text) > REVERSE_ANSWER_CHARS and budget > 24:
        budget -= 8
        text, citations = told(budget)
    return text, citations


def draft(ask: Ask) -> Draft | None:
    """“某某局负责哪些任务？”: the tasks the documents give the unit, each cited; a unit no document
    lists is refused.  Several units (“市发改委和市经信局分别负责什么？”) are answered one by one."""
    index, q, w, script = ask.index, ask.q, ask.w, ask.script
    if not q.reverse_unit:
        return None
    found = answer_reverse(index, q, w, script)
    for unit in more_units(q) if found else ():
        place = next((p for p in q.places if q.reverse_unit.startswith(p)), "")
        more = answer_reverse(index, replace(q, reverse_unit=place + unit), w, script)
        found = merge_answers(found, more or (to_script(f"{place}{unit}：文件中没有它的任务。", script), []))
    if found:
        return Draft(*found, "reverse_duty")
    return Draft.refusal(f"文件中没有{q.reverse_unit}的任务") if unit_unlisted(index, q) else None
