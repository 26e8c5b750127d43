"""``.docx`` → text: body paragraphs and tables in document order.

Word auto-numbering (``一、``, ``（一）``, ``1.``…, kept in ``numbering.xml``, not in the text) is
rendered into the line (:class:`DocxNumbering`); deleted, hidden, text-box and fallback content is
left out; tables as :func:`qa.ingest.formats.text.table_lines` writes them.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from qa.errors import InputError
from qa.ingest.formats.numbering import format_number
from qa.ingest.formats.text import _grid_rows, _short, table_lines

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_SKIP_SUBTREES = frozenset(
    {_W + "del", _W + "moveFrom", _W + "txbxContent", _MC + "Fallback", _W + "instrText", _W + "delText",
     _W + "rPr", _W + "pPr", _W + "footnoteReference", _W + "endnoteReference", _W + "commentReference"}
)  # fmt: skip


def _wval(el, tag: str) -> str | None:
    """``w:val`` of child ``tag`` of ``el`` (``None`` when absent)."""
    if el is None:
        return None
    ch = el.find(_W + tag)
    return None if ch is None else ch.get(_W + "val")


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


@dataclass
class _Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 0
    restart: int | None = None  # w:lvlRestart: None = after any higher level, 0 = never
    legal: bool = False
    style: str | None = None

    @classmethod
    def parse(cls, lvl) -> _Level:
        restart = _wval(lvl, "lvlRestart")
        return cls(
            fmt=_wval(lvl, "numFmt") or "decimal",
            text=_wval(lvl, "lvlText") if _wval(lvl, "lvlText") is not None else "",
            start=_int(_wval(lvl, "start"), 0),
            restart=_int(restart, 1) if restart is not None else None,
            legal=lvl.find(_W + "isLgl") is not None and (_wval(lvl, "isLgl") or "true") not in ("0", "false"),
            style=_wval(lvl, "pStyle"),
        )


class DocxNumbering:
    """Word list numbering (``numbering.xml``): renders each numbered paragraph's marker.

    Counters are kept per abstract list (lists sharing an abstract definition continue each
    other, as in Word) and restarted by a ``startOverride`` the first time its list is used;
    deeper levels restart when a higher level is used unless ``lvlRestart`` says otherwise.
    """

    def __init__(self, numbering_el, styles_el) -> None:
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.abstract_style_link: dict[str, str] = {}
        self.nums: dict[str, tuple[str, dict[int, int], dict[int, _Level]]] = {}
        self.styles: dict[str, tuple[str | None, str | None, str | None]] = {}  # id → (basedOn, numId, ilvl)
        self.default_style: str | None = None
        self.counters: dict[str, dict[int, int]] = {}  # abstract list id → level → current value
        self.restart_at: dict[tuple[str, int], int] = {}  # a startOverride waiting for its first use
        self.seen_nums: set[str] = set()
        if numbering_el is not None:
            for an in numbering_el.findall(_W + "abstractNum"):
                aid = an.get(_W + "abstractNumId") or ""
                self.abstract[aid] = {
                    _int(lvl.get(_W + "ilvl"), 0): _Level.parse(lvl) for lvl in an.findall(_W + "lvl")
                }
                if link := _wval(an, "numStyleLink"):
                    self.abstract_style_link[aid] = link
            for num in numbering_el.findall(_W + "num"):
                overrides: dict[int, int] = {}
                levels: dict[int, _Level] = {}
                for ov in num.findall(_W + "lvlOverride"):
                    ilvl = _int(ov.get(_W + "ilvl"), 0)
                    if (s := _wval(ov, "startOverride")) is not None:
                        overrides[ilvl] = _int(s, 1)
                    if (lvl := ov.find(_W + "lvl")) is not None:
                        levels[ilvl] = _Level.parse(lvl)
                self.nums[num.get(_W + "numId") or ""] = (_wval(num, "abstractNumId") or "", overrides, levels)
        if styles_el is not None:
            for st in styles_el.findall(_W + "style"):
                if st.get(_W + "type") not in ("paragraph", "numbering"):
                    continue
                sid = st.get(_W + "styleId") or ""
                numpr = st.find(f"{_W}pPr/{_W}numPr")
                self.styles[sid] = (_wval(st, "basedOn"), _wval(numpr, "numId"), _wval(numpr, "ilvl"))
                if st.get(_W + "default") in ("1", "true") and st.get(_W + "type") == "paragraph":
                    self.default_style = sid

    def _style_numbering(self, style_id: str | None) -> tuple[str | None, str | None]:
        seen: set[str] = set()
        while style_id and style_id not in seen and style_id in self.styles:
            seen.add(style_id)
            based, num_id, ilvl = self.styles[style_id]
            if num_id is not None:
                return num_id, ilvl
            style_id = based
        return None, None

    def _abstract_id(self, num_id: str) -> str | None:
        entry = self.nums.get(num_id)
        if entry is None:
            return None
        aid = entry[0]
        if aid in self.abstract_style_link:  # a list style: follow it to the definition it links
            linked, _ = self._style_numbering(self.abstract_style_link[aid])
            if linked and linked in self.nums and self.nums[linked][0] != aid:
                return self.nums[linked][0]
        return aid

    def marker(self, p) -> str:
        """The rendered number of paragraph element ``p`` (``""`` when it is not numbered)."""
        ppr = p.find(_W + "pPr")
        numpr = ppr.find(_W + "numPr") if ppr is not None else None
        num_id, ilvl_s = _wval(numpr, "numId"), _wval(numpr, "ilvl")
        style_id = _wval(ppr, "pStyle") or self.default_style
        if num_id is None:
            s_num, s_ilvl = self._style_numbering(style_id)
            num_id = s_num
            ilvl_s = ilvl_s if ilvl_s is not None else s_ilvl
        if not num_id or num_id == "0" or num_id not in self.nums:
            return ""
        aid = self._abstract_id(num_id)
        if aid is None or aid not in self.abstract:
            return ""
        levels = {**self.abstract[aid], **self.nums[num_id][2]}
        if ilvl_s is None:  # the level linked to the paragraph's style, else the first
            ilvl_s = next((str(i) for i, lv in levels.items() if lv.style and lv.style == style_id), "0")
        ilvl = max(0, min(8, _int(ilvl_s, 0)))
        level = levels.get(ilvl)
        if level is None:
            return ""
        counters = self.counters.setdefault(aid, {})
        if num_id not in self.seen_nums:  # a list that restarts numbering ("restart at …")
            self.seen_nums.add(num_id)
            for lvl_i, start in self.nums[num_id][1].items():
                counters.pop(lvl_i, None)
                self.restart_at[(aid, lvl_i)] = start
        for deeper in [i for i in counters if i > ilvl]:
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart != 0 and ilvl < restart):
                del counters[deeper]
        if ilvl in counters:
            counters[ilvl] += 1
        else:
            counters[ilvl] = self.restart_at.pop((aid, ilvl), level.start)
        if level.fmt in ("bullet", "none"):
            return ""

        def repl(m: re.Match) -> str:
            i = int(m.group(1)) - 1
            lv = levels.get(i)
            value = counters.get(i, self.restart_at.get((aid, i), lv.start if lv else 1))
            fmt = "decimal" if level.legal and i < ilvl else (lv.fmt if lv else "decimal")
            return format_number(value, fmt)

        return re.sub(r"%([1-9])", repl, level.text)


def _docx_run_text(el, out: list[str]) -> None:
    """Visible text of a paragraph subtree in order: runs, tabs and breaks; deleted, hidden,
    text-box and fallback content left out."""
    for ch in el:
        tag = ch.tag
        if not isinstance(tag, str) or tag in _SKIP_SUBTREES:
            continue
        if tag == _W + "r":
            rpr = ch.find(_W + "rPr")
            vanish = rpr.find(_W + "vanish") if rpr is not None else None
            if vanish is not None and vanish.get(_W + "val") not in ("0", "false"):
                continue
        if tag == _W + "t":
            out.append(ch.text or "")
        elif tag in (_W + "tab", _W + "ptab"):
            out.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            out.append("\n")
        elif tag == _W + "noBreakHyphen":
            out.append("-")
        else:
            _docx_run_text(ch, out)


def _docx_paragraph(p, numbering: DocxNumbering) -> list[str]:
    parts: list[str] = []
    _docx_run_text(p, parts)
    marker = numbering.marker(p)
    lines = [re.sub(r"[ \t\u00a0]+", " ", x).strip(" \u3000") for x in "".join(parts).split("\n")]
    lines = [x for x in lines if x]
    if marker and lines:
        sep = "" if re.search(r"[、.．)）:：\]】〕]$", marker) else " "
        lines[0] = marker + sep + lines[0]
    return lines


def _docx_blocks(parent, numbering: DocxNumbering, out: list[str]) -> None:
    for ch in parent:
        tag = ch.tag
        if tag == _W + "p":
            out.extend(_docx_paragraph(ch, numbering))
        elif tag == _W + "tbl":
            _docx_table(ch, numbering, out)
        elif tag in (_W + "sdt", _W + "customXml", _W + "sdtContent", _W + "ins"):
            _docx_blocks(ch.find(_W + "sdtContent") if tag == _W + "sdt" else ch, numbering, out)


def _docx_table(tbl, numbering: DocxNumbering, out: list[str]) -> None:
    grid: list[list[tuple[str, bool]]] = []
    header_rows, counting_header = 0, True
    above: dict[int, tuple[str, bool]] = {}
    long_cell = False
    for tr in tbl.iter(_W + "tr"):
        if next(tr.iterancestors(_W + "tbl")) is not tbl:
            continue  # a nested table's row: its text is part of the cell
        trpr = tr.find(_W + "trPr")
        row: list[tuple[str, bool]] = [("", False)] * _int(_wval(trpr, "gridBefore"), 0)
        for tc in tr.iter(_W + "tc"):
            if next(tc.iterancestors(_W + "tr")) is not tr:
                continue
            tcpr = tc.find(_W + "tcPr")
            span = max(1, _int(_wval(tcpr, "gridSpan"), 1))
            vmerge = tcpr.find(_W + "vMerge") if tcpr is not None else None
            col = len(row)
            if vmerge is not None and vmerge.get(_W + "val") in (None, "continue"):
                cells = [above.get(col + k, ("", k > 0)) for k in range(span)]
            else:
                lines: list[str] = []
                _docx_blocks(tc, numbering, lines)
                text = " ".join(lines)
                long_cell = long_cell or len(text) > 300
                cells = [(text, k > 0) for k in range(span)]
            for k, cell in enumerate(cells):
                above[col + k] = cell
            row.extend(cells)
        grid.append(row)
        if counting_header and trpr is not None and trpr.find(_W + "tblHeader") is not None:
            header_rows += 1
        else:
            counting_header = False
    width = max((len(r) for r in grid), default=0)
    if width < 2 or long_cell:  # a layout table (text box, one column, prose in cells): cells as paragraphs
        for r in grid:
            out.extend(t for t, copy in r if t and not copy)
        return
    captions, rows, header_rows = _grid_rows(grid, header_rows)
    out.extend([*captions, *table_lines(rows, header_rows)])


def docx_text(data: bytes, name: str = "<docx>") -> str:
    """Text of a Word ``.docx`` file: paragraphs (with their list numbers) and tables in order."""
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise InputError(f"{name}: an old binary Word (.doc) or encrypted file, not .docx; save it as .docx first")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(f"{name}: not a valid .docx file (not a ZIP package); is it corrupt?")
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:
        raise InputError(f"{name}: not a readable .docx file ({type(e).__name__}: {_short(e)})") from e
    part = document.part
    numbering_el = styles_el = None
    try:
        numbering_el = part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        numbering_el = None
    try:
        styles_el = part.styles.element if hasattr(part.styles, "element") else part.styles._element
    except (KeyError, NotImplementedError, AttributeError):
        styles_el = None
    numbering = DocxNumbering(numbering_el, styles_el)
    lines: list[str] = []
    _docx_blocks(document.element.body, numbering, lines)
    if not lines:
        raise InputError(f"{name}: the document has no text")
    return "\n".join(lines)
