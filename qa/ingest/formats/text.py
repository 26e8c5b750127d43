"""What the format readers share: the :class:`Extracted` record, a library error's detail,
Chinese-character counting, one line's whitespace, and tables as lines.

Tables (HTML and DOCX) become one line for the header row, cells joined by ``｜``, then one
line per body row where every cell carries its header name, pairs joined by ``；``::

    单位｜职责
    单位：省发展改革委；职责：牵头
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Extracted:
    """Plain text extracted from one source file.

    ``pages`` (PDFs only) holds the offset in ``text`` where each page starts; ``pages[0] == 0``.
    """

    text: str
    format: str  # "txt" | "md" | "html" | "docx" | "pdf"
    pages: tuple[int, ...] = ()


def _short(e: Exception) -> str:
    msg = " ".join(str(e).split())
    return (msg[:120] + "…") if len(msg) > 120 else msg or "no detail"


_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_WS_RE = re.compile(r"\s+")
_ZERO_WIDTH_RE = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
_MARKER_RE = re.compile(
    r"^(?:[一二三四五六七八九十百]{1,3}、|[（(][一二三四五六七八九十百]{1,3}[）)]|\d{1,3}[.．、](?!\d)|[（(]\d{1,3}[）)]"
    r"|第[一二三四五六七八九十百零〇\d]{1,4}[章节節条條]|[\u2460-\u2473])"
)


def cjk_count(text: str) -> int:
    """Number of Chinese characters in ``text``.

    >>> cjk_count("数字政府 2025")
    4
    """
    return len(_CJK_RE.findall(text))


def _is_cjkish(ch: str) -> bool:
    return bool(ch) and (bool(_CJK_RE.match(ch)) or unicodedata.east_asian_width(ch) in ("W", "F"))


def squash_line(text: str) -> str:
    """Collapse whitespace inside one line; a line break between two Chinese characters is dropped.

    Leading and trailing spaces (ASCII, no-break and full-width indentation) are stripped.

    >>> squash_line("\\u3000\\u3000加快推进数字\\n  政府建设，  提升 5G  网络覆盖 ")
    '加快推进数字政府建设， 提升 5G 网络覆盖'
    """

    def repl(m: re.Match) -> str:
        if "\n" in m.group(0) or "\r" in m.group(0):
            a = text[m.start() - 1] if m.start() else ""
            b = text[m.end()] if m.end() < len(text) else ""
            if _is_cjkish(a) and _is_cjkish(b):
                return ""
        return " "

    text = _ZERO_WIDTH_RE.sub("", text)
    return _WS_RE.sub(repl, text).strip()


def table_lines(rows: list[list[str]], header_rows: int = 1) -> list[str]:
    """Render a table as text lines: the header once, then each body row with its header names.

    The header line joins the column names with ``｜``; a body row is ``name：value`` pairs
    joined with ``；``, empty cells left out.  A body row given as one cell (a group row that
    spans the table) is written alone.  A table with one column or no body rows is written
    one row per line, cells joined by ``｜``.

    >>> table_lines([["单位", "职责"], ["省发展改革委", "牵头"], ["省财政厅", ""]])
    ['单位｜职责', '单位：省发展改革委；职责：牵头', '单位：省财政厅']
    >>> table_lines([["任务", "牵头单位"], ["一、数字经济"], ["建设数据库", "省统计局"]])
    ['任务｜牵头单位', '一、数字经济', '任务：建设数据库；牵头单位：省统计局']
    """
    rows = [[squash_line(c) for c in r] for r in rows]
    rows = [r for r in rows if any(r)]
    width = max((len(r) for r in rows), default=0)
    if len(rows) <= header_rows or width < 2 or header_rows < 1:
        return [x for x in ("｜".join(c for c in r if c) for r in rows) if x]
    names = []
    for col in range(width):
        parts = [r[col] for r in rows[:header_rows] if col < len(r) and r[col]]
        names.append("/".join(dict.fromkeys(parts)))
    out = ["｜".join(n for n in names if n)]
    for r in rows[header_rows:]:
        if len(r) == 1:
            out.append(r[0])
            continue
        out.append("；".join(f"{names[i]}：{c}" if names[i] else c for i, c in enumerate(r) if c))
    return [x for x in out if x]


def _grid_rows(grid: list[list[tuple[str, bool]]], header_rows: int) -> tuple[list[str], list[list[str]], int]:
    """A table grid of ``(text, is_span_copy)`` cells → caption lines, rows for :func:`table_lines`
    and the number of header rows.

    Header rows repeat a spanning cell's text over every column it covers; a body row made of
    one cell spanning the table becomes a one-cell group row; other span copies are blanked.
    """
    grid = [r for r in grid if any(t for t, _c in r)]
    width = max((len(r) for r in grid), default=0)
    grid = [r + [("", False)] * (width - len(r)) for r in grid]

    def single(r: list[tuple[str, bool]]) -> bool:
        return width >= 2 and bool(r[0][0]) and all(c for _t, c in r[1:])

    captions = []
    while len(grid) > 2 and single(grid[0]):  # a title row spanning the table, above the header
        captions.append(grid.pop(0)[0][0])
        header_rows = max(0, header_rows - 1)
    header_rows = max(1, header_rows)
    rows = []
    for i, r in enumerate(grid):
        if i < header_rows:
            rows.append([t for t, _c in r])
        elif single(r):
            rows.append([r[0][0]])
        else:
            rows.append(["" if c else t for t, c in r])
    return captions, rows, header_rows
