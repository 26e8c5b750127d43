"""Who does what: the staff's duty lookup over the duties the ingest stage read (qa.ingest.duties).

Units are kept as published (original script).  :func:`unit_key` gives a normalised key for
lookup that is script-insensitive and resolves common aliases (发改委 ↔ 发展改革委), while
keeping the 省/市 prefix (省发展改革委 and 市发展改革委 are different offices).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from qa.normalize import match_form
from qa.schema import Clause

# Aliases → canonical short form (applied on the Simplified form, longest first).
UNIT_ALIASES: dict[str, str] = {
    "发展和改革委员会": "发展改革委",
    "发展改革委员会": "发展改革委",
    "发改委": "发展改革委",
    "经济和信息化厅": "经信厅",
    "经济和信息化局": "经信局",
    "人力资源和社会保障": "人力资源社会保障",
    "人力社保": "人力资源社会保障",
    "大数据发展管理局": "大数据局",
    "网络安全和信息化委员会办公室": "网信办",
    "市场监督管理局": "市场监管局",
    "卫生健康委员会": "卫生健康委",
    "卫健委": "卫生健康委",
    "政务服务管理办公室": "政务服务办",
    "政务办": "政务服务办",
    "人民政府": "政府",
}
_ALIAS_RE = re.compile("|".join(sorted(map(re.escape, UNIT_ALIASES), key=len, reverse=True)))


def unit_key(name: str) -> str:
    """Normalised lookup key of a unit name: Simplified, aliases resolved, prefix kept.

    >>> unit_key("省發展改革委") == unit_key("省发改委")
    True
    >>> unit_key("市发改委") == unit_key("省发改委")
    False
    """
    s = match_form(name).strip("（）()")
    return _ALIAS_RE.sub(lambda m: UNIT_ALIASES[m.group(0)], s)


def unit_matches(query: str, unit: str) -> bool:
    """Does a user's department query name this unit?  A query without 省/市 matches both.

    >>> unit_matches("发改委", "省發展改革委")
    True
    >>> unit_matches("市发改委", "省發展改革委")
    False
    >>> unit_matches("大数据局", "市大数据局")
    True
    >>> unit_matches("人社厅", "省人力资源社会保障厅"), unit_matches("市人社局", "省人力资源社会保障厅")
    (True, False)
    """
    q, u = unit_key(query), unit_key(unit)
    if not q:
        return False
    if q == u:
        return True
    if q[0] in "省市县区" and u[:1] in "省市县区" and q[0] != u[0]:
        return False
    bare = u[1:] if u[:1] in "省市县区" else u
    return q in u or q == bare or abbreviates(q, u) or abbreviates(q, bare)


def abbreviates(short: str, full: str) -> bool:
    """Is ``short`` the usual abbreviation of a unit name: the same first and last character (its
    level or first word, its suffix), the rest of its characters in order, at least two between?

    >>> abbreviates("省人社厅", "省人力资源社会保障厅"), abbreviates("卫健委", "卫生健康委")
    (True, True)
    >>> abbreviates("省数据局", "省大数据局"), abbreviates("省厅", "省人力资源社会保障厅"), abbreviates("省人社局", "省人力资源社会保障厅")
    (False, False, False)
    """
    if len(short) < 3 or len(short) >= len(full) or short[0] != full[0] or short[-1] != full[-1]:
        return False
    if short[0] in "省市县区" and (len(short) < 4 or short[1] != full[1]):
        return False  # 省人社厅: after the level, the first word's character too
    rest = iter(full[1:-1])
    return all(ch in rest for ch in short[1:-1])


@dataclass(frozen=True)
class DutyRow:
    """One clause's duty assignment, for tables (published unit names)."""

    doc_id: str
    clause_id: str
    path: str
    task: str
    lead: tuple[str, ...]
    responsible: tuple[str, ...]
    cooperating: tuple[str, ...]
    role: str = ""  # the queried unit's role in this clause, when looking up by unit


def duty_table(clauses: Iterable[Clause], unit: str = "", task: str = "") -> list[DutyRow]:
    """Clauses with duties, optionally only those naming ``unit`` (alias- and script-insensitive)
    and/or whose heading or text contains every word of ``task``.

    >>> from qa.schema import Clause, Duties
    >>> c = Clause("c1", "d", "d.txt", "二/1", 2, "1.強化食品數位化監管", "", "", "强化食品数字化监管", 0, 1, None,
    ...            Duties(("省市場監管局",), ("省農業農村廳",)))
    >>> [r.role for r in duty_table([c], unit="省市场监督管理局")]
    ['lead']
    >>> duty_table([c], task="药品")
    []
    """
    words = [w for w in re.split(r"[\s,，、]+", match_form(task)) if w]
    rows = []
    for c in clauses:
        if not c.duties:
            continue
        if words and not all(w in c.text_sc or w in match_form(c.heading) for w in words):
            continue
        role = ""
        if unit:
            role = next(
                (
                    r
                    for r in ("lead", "responsible", "cooperating")
                    if any(unit_matches(unit, u) for u in getattr(c.duties, r))
                ),
                "",
            )
            if not role:
                continue
        d = c.duties
        rows.append(DutyRow(c.doc_id, c.id, c.path, c.heading, d.lead, d.responsible, d.cooperating, role))
    return rows
