"""Duty annotations → lead / responsible / cooperating units, by a grammar, not a list of units.

The forms, wherever they sit (end of an item, end or middle of a paragraph, a table row):

* labelled — ``（牵头单位：A；责任单位：B、C；协同单位：D）``, ``（牵头责任单位：A；责任单位：B）``,
  ``（负责部门：A、B；适用范围：…）``, ``(責任單位:省公安廳)``;
* by verb — ``（A、B负责）``, ``（A、B等按职责分工负责）``, ``（A牵头，B、C参与）``,
  ``（A会同有关部门负责）``, ``（A指导，B负责落实）``.

A unit name is a run of characters ending with a suffix of ``qa/data/unit_suffixes.txt`` (部, 委,
厅, 局, 办, 署, 院, 行, 中心, 政府…): 人力资源社会保障部, 市场监管总局 and 人民银行 come out whole.
A parenthesis whose first part is not a list of such names before a duty verb (``（技工院校内由
人力资源社会保障行政部门负责）``, ``（以下简称…）``) is not an annotation.  A document that states
``排在第一位的部门为牵头部门`` has the first unit of each ``负责`` annotation as its lead.
Units are kept as published (original script).
"""

from __future__ import annotations

import re

from qa.data import words
from qa.normalize import match_form
from qa.schema import Duties

_ROLE_WORDS = {
    "lead": ("牵头单位", "牽頭單位", "牵头部门", "牽頭部門", "牵头责任单位", "牽頭責任單位"),
    "responsible": ("责任单位", "責任單位", "责任部门", "責任部門", "负责部门", "負責部門", "负责单位", "負責單位"),
    "cooperating": ("协同单位", "協同單位", "配合单位", "配合單位", "协同部门", "協同部門", "参与单位", "參與單位"),
}
_ROLE_OF = {w: role for role, words_ in _ROLE_WORDS.items() for w in words_}
_LABEL_RE = re.compile("(" + "|".join(sorted(_ROLE_OF, key=len, reverse=True)) + r")\s*[:：]")
#: a label that ends the units of the one before it (``；适用范围：…``)
_OTHER_LABEL_RE = re.compile(r"[；;，,]\s*[\u4e00-\u9fff]{2,6}\s*[:：]")
_PAREN_RE = re.compile(r"[（(]((?:[^（）()]|[（(][^（）()]{1,8}[）)])*)[）)]")
_SPLIT_RE = re.compile(r"[、,，;；]")
_ETC_RE = re.compile(r"等(?=(?:省|市|各)?(?:有关|有關|相关|相關|其他|其它)|$)")
#: the verbs of an annotation, longest first, with the role they give the units before them
_VERBS = {
    "按职责分工负责": "responsible",
    "按职责负责": "responsible",
    "分别负责": "responsible",
    "共同负责": "responsible",
    "负责落实": "responsible",
    "牵头负责": "lead",
    "牵头": "lead",
    "负责": "responsible",
    "指导": "lead",
    "参与": "cooperating",
    "配合": "cooperating",
    "协助": "cooperating",
}
_VERB_RE = re.compile("(" + "|".join(sorted(_VERBS, key=len, reverse=True)) + r")$")
_UNIT_SPLIT_RE = re.compile(r"[、和及]")
_UNIT_TAIL_RE = re.compile(r"等(?:有关|相关|其他)?(?:部门|单位|机构)?(?:和单位)?$")
_NOT_A_NAME_RE = re.compile(r"[由对在将把为的是从向按据如应]|以下|简称")
_FIRST_LEADS_RE = re.compile(r"(?:排在|列)第一位的?(?:部门|单位|者)?为牵头")


def is_unit_name(name: str) -> bool:
    """Does ``name`` read as the name of a body (ends with a unit suffix, no verb or particle)?

    >>> [is_unit_name(x) for x in ("人力资源社会保障部", "市场监管总局", "人民银行", "各镇（街道）", "各市、县人民政府")]
    [True, True, True, True, True]
    >>> [is_unit_name(x) for x in ("技工院校内由人力资源社会保障行政部门", "以下简称综保区", "2019年")]
    [False, False, False]
    """
    s = re.sub(r"[（(][^（）()]{1,8}[）)]|、", "", match_form(name)).strip()  # 各镇（街道）, 各市、县人民政府
    if s.endswith("街道") or s.endswith("乡镇"):
        return True
    return (
        2 <= len(s) <= 30
        and bool(re.fullmatch(r"[\u4e00-\u9fff]+", s))
        and s.endswith(words("unit_suffixes"))
        and not _NOT_A_NAME_RE.search(s)
    )


def _units(text: str) -> list[str] | None:
    """The unit names of ``A、B和C等部门`` (the trailing 等… dropped), or None when one is not a name."""
    text = _UNIT_TAIL_RE.sub("", text.strip(" \u3000。."))
    names: list[str] = []
    pending = ""  # 各市、县人民政府 is one body: a short place word joins the name after it
    for piece in (x.strip(" \u3000") for x in text.split("、")):
        if pending:
            piece, pending = f"{pending}、{piece}", ""
        # 县农业农村局和县水利局 is two bodies; 工业和信息化部 is one (工业 names none)
        parts = [x for x in _UNIT_SPLIT_RE.split(piece) if x]
        if len(parts) > 1 and all(is_unit_name(x) for x in parts):
            names += parts
        elif not is_unit_name(piece) and len(piece) <= 3 and piece[:1] in "各省市县区":
            pending = piece
        else:
            names.append(piece)
    if pending or not names or not all(is_unit_name(x) for x in names):
        return None
    return names


def parse_verb_annotation(inner: str, first_leads: bool = False) -> Duties | None:
    """``A牵头，B、C参与`` → Duties, or None when the parenthesis is not a duty annotation.

    >>> parse_verb_annotation("海关总署、财政部、税务总局负责")
    Duties(lead=(), responsible=('海关总署', '财政部', '税务总局'), cooperating=())
    >>> parse_verb_annotation("海关总署、财政部、税务总局负责", first_leads=True).lead
    ('海关总署',)
    >>> parse_verb_annotation("农业农村部牵头，工业和信息化部、财政部参与")
    Duties(lead=('农业农村部',), responsible=(), cooperating=('工业和信息化部', '财政部'))
    >>> parse_verb_annotation("商务部会同有关部门负责")
    Duties(lead=(), responsible=('商务部',), cooperating=('有关部门',))
    >>> parse_verb_annotation("技工院校内由人力资源社会保障行政部门负责") is None, parse_verb_annotation("以下简称综保区") is None
    (True, True)
    """
    roles: dict[str, list[str]] = {"lead": [], "responsible": [], "cooperating": []}
    pieces = [x.strip() for x in re.split(r"[，,；;。]", inner) if x.strip()]
    carried = ""  # units before a comma share the verb after it (各地级以上市人民政府，省文物局负责)
    for i, piece in enumerate(pieces):
        if carried:
            piece, carried = f"{carried}、{piece}", ""
        m = _VERB_RE.search(match_form(piece))
        if not m and i + 1 < len(pieces) and _units(piece):
            carried = piece
            continue
        head = piece[: m.start()] if m else ""
        if m and "会同" in head:  # A会同B负责: A does it, B helps
            first, _, second = head.partition("会同")
            units, helpers = _units(first), _units(second)
            if units and helpers:
                roles[_VERBS[m.group(1)]] += units
                roles["cooperating"] += helpers
                continue
        units = _units(head) if m else None
        if units is None:
            if i == 0:
                return None  # the first part must name units: otherwise it is a remark
            break  # a note after the units (排在第一位的部门为牵头部门，下同)
        role = _VERBS[m.group(1)]
        if role == "responsible" and (first_leads or _FIRST_LEADS_RE.search(match_form(inner))):
            roles["lead"].append(units[0])
            units = units[1:]
        roles[role] += units
    if not any(roles.values()):
        return None
    return Duties(*(tuple(dict.fromkeys(roles[r])) for r in ("lead", "responsible", "cooperating")))


def annotations(text: str, first_leads: bool = False) -> list[tuple[int, int, Duties]]:
    """``(start, end, duties)`` of every duty annotation in ``text``, labelled or by verb.

    >>> [(s, e) for s, e, _d in annotations("推進數據共享。(責任單位:省公安廳)")]
    [(7, 18)]
    >>> [d.responsible for _s, _e, d in annotations("加快通关。（海关总署负责）推进改革（详见附件）。")]
    [('海关总署',)]
    """
    out = []
    for m in _PAREN_RE.finditer(text):
        inner = m.group(1).strip()
        labelled = _LABEL_RE.search(inner)
        duties = parse_duty_group(inner) if labelled else parse_verb_annotation(inner, first_leads)
        if duties:
            out.append((m.start(), m.end(), duties))
    return out


def first_unit_leads(text: str) -> bool:
    """Does a document state that the first unit of each annotation leads (``排在第一位的部门为牵头部门，下同``)?"""
    return bool(_FIRST_LEADS_RE.search(match_form(text)))


def find_duty_groups(text: str) -> list[tuple[int, int, str]]:
    """Spans ``(start, end, inner)`` of every duty annotation in ``text``.

    >>> find_duty_groups("推進數據共享。(責任單位:省公安廳)")
    [(7, 18, '責任單位:省公安廳')]
    """
    return [(s, e, text[s + 1 : e - 1]) for s, e, _d in annotations(text)]


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
        if annotations(line) or ("；" not in line and ";" not in line):
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
    spans = annotations(text)
    if not spans:
        return text
    out, at = [], 0
    for start, end, _d in spans:
        out.append(text[at:start])
        at = end
    return "".join(out) + text[at:]


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
        if other := _OTHER_LABEL_RE.search(inner, m.end(), end):
            end = other.start()  # （负责部门：A、B；适用范围：…）
        role = _ROLE_OF[match_form(m.group(1))]
        for piece in _SPLIT_RE.split(inner[m.end() : end]):
            for unit in _ETC_RE.split(re.sub(r"等(?:部门|单位|机构)$", "", piece.strip(" \u3000。."))):
                unit = unit.strip(" \u3000。.")
                if unit and unit not in roles[role]:
                    roles[role].append(unit)
    return Duties(tuple(roles["lead"]), tuple(roles["responsible"]), tuple(roles["cooperating"]))


def extract_duties(text: str, first_leads: bool = False) -> Duties:
    """All duty annotations of a clause's own text merged into one record.

    >>> extract_duties("完善法人基礎資料庫。(牽頭單位:省市場監管局,責任單位:省人力資源社會保障廳、省醫療保障局)").lead
    ('省市場監管局',)
    """
    lead: list[str] = []
    resp: list[str] = []
    coop: list[str] = []
    found = [d for _s, _e, d in annotations(text, first_leads)]
    for d in found + [parse_duty_group(inner) for inner in duty_rows_of_table(text)]:
        for src, dst in ((d.lead, lead), (d.responsible, resp), (d.cooperating, coop)):
            dst.extend(u for u in src if u not in dst)
    return Duties(tuple(lead), tuple(resp), tuple(coop))
