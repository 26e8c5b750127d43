"""Duty groups: ``（牵头单位：…；责任单位：…；协同单位：…）`` → lead / responsible / cooperating units.

Units are kept as published (original script).
"""

from __future__ import annotations

import re

from qa.schema import Duties

_ROLE_WORDS = {
    "lead": ("牵头单位", "牽頭單位", "牵头部门", "牽頭部門"),
    "responsible": ("责任单位", "責任單位", "责任部门", "責任部門"),
    "cooperating": ("协同单位", "協同單位", "配合单位", "配合單位", "协同部门", "協同部門"),
}
_ROLE_OF = {w: role for role, words in _ROLE_WORDS.items() for w in words}
_LABEL_RE = re.compile("(" + "|".join(sorted(_ROLE_OF, key=len, reverse=True)) + r")\s*[:：]")
_GROUP_RE = re.compile(r"[（(]\s*((?:" + "|".join(_ROLE_OF) + r")\s*[:：][^（）()]*)[）)]")
_SPLIT_RE = re.compile(r"[、,，;；]")
_ETC_RE = re.compile(r"等(?=(?:省|市|各)?(?:有关|有關|相关|相關|其他|其它)|$)")


def find_duty_groups(text: str) -> list[tuple[int, int, str]]:
    """Spans ``(start, end, inner)`` of every duty parenthesis in ``text``.

    >>> find_duty_groups("推進數據共享。(責任單位:省公安廳)")
    [(7, 18, '責任單位:省公安廳')]
    """
    return [(m.start(), m.end(), m.group(1)) for m in _GROUP_RE.finditer(text)]


_CELL_LABEL_RE = re.compile(r"^[^：:；;]{1,12}[:：]")


def duty_rows_of_table(text: str) -> list[str]:
    """Duty cells of table rows (a division-of-labour table as :mod:`qa.ingest.formats` writes it,
    each cell as ``header：value`` separated by ``；``), as duty-group texts.

    >>> duty_rows_of_table("序号：1；任务：建设平台；牵头单位：市数据资源局；责任单位：市财政局、市经信局")
    ['牵头单位：市数据资源局；责任单位：市财政局、市经信局']
    >>> duty_rows_of_table("推进数据共享（责任单位：市大数据局）")
    []
    """
    out = []
    for line in text.splitlines():
        if _GROUP_RE.search(line) or ("；" not in line and ";" not in line):
            continue  # duty parentheses are read by find_duty_groups; a row has several cells
        cells = [c.strip() for c in re.split(r"[；;]", line)]
        if not all(_CELL_LABEL_RE.match(c) for c in cells if c):
            continue
        duty = [c for c in cells if _LABEL_RE.match(c)]
        if duty:
            out.append("；".join(duty))
    return out


def strip_duty_groups(text: str) -> str:
    """The text without its duty parentheses.

    >>> strip_duty_groups("推进数据共享。（责任单位：市大数据局）")
    '推进数据共享。'
    """
    return _GROUP_RE.sub("", text)


def parse_duty_group(inner: str) -> Duties:
    """Split one duty parenthesis into roles; units are separated by 、 or ，.

    A role label may appear twice (two 责任单位 groups): their units are concatenated.

    >>> d = parse_duty_group("牽頭單位:省發展改革委、省政府辦公廳,責任單位:省統計局,各市政府、雄安新區管委會")
    >>> d.lead
    ('省發展改革委', '省政府辦公廳')
    >>> d.responsible
    ('省統計局', '各市政府', '雄安新區管委會')
    >>> parse_duty_group("责任单位：省政府办公厅、省政务服务管理办公室等有关部门").responsible
    ('省政府办公厅', '省政务服务管理办公室', '有关部门')
    """
    roles: dict[str, list[str]] = {"lead": [], "responsible": [], "cooperating": []}
    labels = list(_LABEL_RE.finditer(inner))
    for i, m in enumerate(labels):
        end = labels[i + 1].start() if i + 1 < len(labels) else len(inner)
        role = _ROLE_OF[m.group(1)]
        for piece in _SPLIT_RE.split(inner[m.end() : end]):
            for unit in _ETC_RE.split(piece.strip(" \u3000。.")):
                unit = unit.strip(" \u3000。.")
                if unit and unit not in roles[role]:
                    roles[role].append(unit)
    return Duties(tuple(roles["lead"]), tuple(roles["responsible"]), tuple(roles["cooperating"]))


def extract_duties(text: str) -> Duties:
    """All duty groups of a clause's own text merged into one record.

    >>> extract_duties("完善法人基礎資料庫。(牽頭單位:省市場監管局,責任單位:省人力資源社會保障廳、省醫療保障局)").lead
    ('省市場監管局',)
    """
    lead: list[str] = []
    resp: list[str] = []
    coop: list[str] = []
    for inner in [g for _s, _e, g in find_duty_groups(text)] + duty_rows_of_table(text):
        d = parse_duty_group(inner)
        for src, dst in ((d.lead, lead), (d.responsible, resp), (d.cooperating, coop)):
            dst.extend(u for u in src if u not in dst)
    return Duties(tuple(lead), tuple(resp), tuple(coop))
