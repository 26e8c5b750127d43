"""Source files of any supported format → the plain text that :mod:`qa.ingest` parses.

One line per paragraph, in reading order, so that :func:`qa.ingest.document.document_from_text` and
:func:`qa.ingest.grammar.parse_clauses` treat a ``.docx``, ``.pdf`` or ``.html`` file exactly like the
same text saved as ``.txt``.  Clause character spans index into :attr:`Extracted.text`.

- ``.txt``/``.md``: decoded as is (:func:`qa.ingest.document.decode_bytes`: UTF-8, UTF-8-BOM, GB18030).
- ``.html``/``.htm``: the main text only.  Page chrome (script, nav, header, footer, forms,
  elements whose class/id says nav/menu/footer/breadcrumb/share/sidebar…) is dropped; the main
  container is the deepest element still holding most of the page's (non-link) Chinese text;
  the page title (``<h1>``, a ``…title…`` element, else ``<title>``) is kept when it sits above
  that container.  One line per block element and per ``<br>``-separated line.
- ``.docx``: body paragraphs and tables in document order; Word auto-numbering (``一、``,
  ``（一）``, ``1.``…, kept in ``numbering.xml``, not in the text) is rendered into the line.
- ``.pdf``: text layer per page; running headers/footers and page numbers removed; lines the
  layout wrapped are joined back into paragraphs (also across page breaks) using the line
  geometry pypdf's layout mode computes (its internal API, pinned pypdf version; plain text
  with width estimates when it is unavailable); page start offsets in :attr:`Extracted.pages`.

Tables (HTML and DOCX) become one line for the header row, cells joined by ``｜``, then one
line per body row where every cell carries its header name, pairs joined by ``；``::

    单位｜职责
    单位：省发展改革委；职责：牵头

Every failure is an :class:`~qa.errors.InputError` naming the file; no library traceback escapes.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import logging
import math
import re
import unicodedata
import warnings
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from qa.errors import InputError
from qa.ingest.clean import is_title_line
from qa.ingest.document import decode_bytes
from qa.schema import page_of  # noqa: F401  (part of this module's API)

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
_FORMAT_OF = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html", ".docx": "docx", ".pdf": "pdf"}


@dataclass(frozen=True)
class Extracted:
    """Plain text extracted from one source file.

    ``pages`` (PDFs only) holds the offset in ``text`` where each page starts; ``pages[0] == 0``.
    """

    text: str
    format: str  # "txt" | "md" | "html" | "docx" | "pdf"
    pages: tuple[int, ...] = ()


def extract_bytes(data: bytes, name: str) -> Extracted:
    """Extract the text of a file's bytes; the format is chosen by the suffix of ``name``.

    >>> extract_bytes("一、总体要求\\n".encode("gb18030"), "方案.TXT")
    Extracted(text='一、总体要求\\n', format='txt', pages=())
    >>> html = "<html><body><nav>首页</nav><p>（一）指导思想。坚持以人民为中心。</p></body></html>"
    >>> extract_bytes(html.encode(), "x.html").text
    '（一）指导思想。坚持以人民为中心。'
    >>> extract_bytes(b"x", "x.doc")
    Traceback (most recent call last):
    ...
    qa.errors.InputError: x.doc: unsupported format .doc; supported: .txt, .md, .html, .htm, .docx, .pdf
    """
    suffix = Path(name).suffix.lower()
    fmt = _FORMAT_OF.get(suffix)
    if fmt is None:
        raise InputError(
            f"{name}: unsupported format {suffix or '(no suffix)'}; supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    if not data:
        raise InputError(f"{name}: the file is empty")
    if fmt in ("txt", "md"):
        return Extracted(decode_bytes(data, name), fmt)
    try:
        if fmt == "html":
            return Extracted(html_text(decode_html(data, name), name), fmt)
        if fmt == "docx":
            return Extracted(docx_text(data, name), fmt)
        return pdf_extract(data, name)
    except InputError:
        raise
    except RecursionError as e:
        raise InputError(f"{name}: the {fmt} structure is nested too deeply to read") from e
    except Exception as e:  # a library failure on a malformed file: never a traceback
        raise InputError(f"{name}: cannot read this {fmt} file ({type(e).__name__}: {_short(e)})") from e


def extract_file(path: str | Path) -> Extracted:
    """Read one file and extract its text (see :func:`extract_bytes`)."""
    path = Path(path)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise InputError(
            f"{path.name}: unsupported format {path.suffix or '(no suffix)'}; supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    if not path.is_file():
        raise InputError(f"no such file: {path}")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from e
    return extract_bytes(data, path.name)


def _short(e: Exception) -> str:
    msg = " ".join(str(e).split())
    return (msg[:120] + "…") if len(msg) > 120 else msg or "no detail"


# --- shared helpers ----------------------------------------------------------------------

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


# --- HTML ----------------------------------------------------------------------------------

_CHARSET_RE = re.compile(rb"""<meta[^>]{0,300}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENC_RE = re.compile(rb"""^\s*<\?xml[^>]{0,200}encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_CODEC_ALIASES = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "cp936": "gb18030",
    "euc-cn": "gb18030", "csgb2312": "gb18030", "windows-936": "gb18030", "gb18030": "gb18030",
    "big5": "big5hkscs", "big5-hkscs": "big5hkscs", "x-x-big5": "big5hkscs", "cp950": "big5hkscs",
    "utf8": "utf-8", "utf-8": "utf-8", "unicode": "utf-8",
}  # fmt: skip


def sniff_charset(data: bytes) -> str | None:
    """The Python codec a page declares (``<meta charset>``, http-equiv or an XML declaration).

    GB2312 and GBK pages are read as GB18030 (their superset), Big5 as Big5-HKSCS.

    >>> sniff_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    'gb18030'
    >>> sniff_charset(b"<meta charset='UTF-8'>"), sniff_charset(b"<p>no declaration</p>")
    ('utf-8', None)
    """
    head = data[:8192]
    m = _XML_ENC_RE.search(head) or _CHARSET_RE.search(head)
    if not m:
        return None
    label = m.group(1).decode("ascii", "replace").lower()
    codec = _CODEC_ALIASES.get(label, label)
    try:
        import codecs

        codecs.lookup(codec)
    except LookupError:
        return None
    return codec


def decode_html(data: bytes, name: str = "<html>") -> str:
    """Decode an HTML page: a BOM, else the declared charset, else UTF-8 → GB18030; a page
    with a few undecodable bytes (at most one character in 500 lost) keeps them as U+FFFD.

    >>> decode_html('<meta charset="gbk"><p>數字政府</p>'.encode("gb18030"))
    '<meta charset="gbk"><p>數字政府</p>'
    """
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as e:
                raise InputError(f"{name}: starts with a {codec} byte-order mark but is not {codec} text") from e
    codec = sniff_charset(data)
    if codec and not codec.startswith("utf-16"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass  # the declaration lies (a re-saved page): detect instead
    try:
        return decode_bytes(data, name)
    except InputError:
        if b"\x00" in data[:4096]:
            raise
        # a web page with a few broken bytes: keep it when nearly all of it decodes
        for lenient in dict.fromkeys(c for c in (codec, "utf-8", "gb18030") if c and not c.startswith("utf-16")):
            text = data.decode(lenient, errors="replace")
            if text.count("\ufffd") <= max(8, len(text) // 500):
                return text
        raise


_DROP_TAGS = frozenset(
    {"script", "style", "noscript", "iframe", "template", "svg", "button", "select", "input", "textarea", "object",
     "embed", "canvas", "map", "head", "link", "meta"}
)  # fmt: skip
# page regions dropped unless they hold half the page (ASP.NET sites wrap the whole page in a <form>)
_REGION_TAGS = frozenset({"nav", "header", "footer", "aside", "form"})
_CHROME_WORDS = ("breadcrumb", "crumb", "sidebar", "footer", "share", "menu", "navbar", "navigation", "copyright")
_CHROME_TOKENS = frozenset({"nav", "side", "foot", "bread", "topbar", "toolbar"})
_BLOCK_TAGS = frozenset(
    {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody",
     "tfoot", "tr", "td", "th", "caption", "section", "article", "main", "blockquote", "pre", "address", "center",
     "figure", "figcaption", "hr", "body", "html", "fieldset", "details", "summary", "hgroup"}
)  # fmt: skip
_TITLE_CLASS_RE = re.compile(r"title|biaoti", re.I)


def _is_chrome_attr(el) -> bool:
    """An element whose class or id names page chrome (nav, menu, footer, breadcrumb, share, sidebar)."""
    attrs = f"{el.get('class', '')} {el.get('id', '')}"
    if not attrs.strip():
        return False
    low = attrs.lower()
    if any(w in low for w in _CHROME_WORDS):
        return True
    tokens = re.split(r"[^a-z0-9]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", attrs).lower())
    return any(t in _CHROME_TOKENS for t in tokens)


def _is_hidden(el) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return el.get("hidden") is not None or "display:none" in style or "visibility:hidden" in style


def _weight(text: str | None) -> float:
    """Content weight of a text: Chinese characters count 1, other visible characters 0.25."""
    if not text:
        return 0.0
    cjk = cjk_count(text)
    other = len(_WS_RE.sub("", text)) - cjk
    return cjk + 0.25 * other


def _content_weights(root) -> dict:
    """Non-link content weight of every element's subtree (text inside ``<a>`` does not count)."""
    weights: dict = {}
    in_link: dict = {root: root.tag == "a"}
    elements = list(root.iter())
    for el in elements[1:]:
        parent = el.getparent()
        in_link[el] = in_link.get(parent, False) or el.tag == "a"
    for el in reversed(elements):
        w = 0.0 if in_link[el] or not isinstance(el.tag, str) else _weight(el.text)
        for ch in el:
            w += weights.get(ch, 0.0)
            if not in_link[el]:
                w += _weight(ch.tail)
        weights[el] = w
    return weights


def _paragraph_weights(root, weights: dict) -> dict:
    """Content weight inside ``<p>`` elements, summed up to every ancestor."""
    out: dict = {}
    for p in root.iter("p"):
        w = weights.get(p, 0.0)
        if w:
            out[p] = out.get(p, 0.0) + w
            for anc in p.iterancestors():
                out[anc] = out.get(anc, 0.0) + w
    return out


def _main_container(body, weights: dict):
    """The main content element: walk down from ``<body>`` (or the one ``<article>``/``<main>``
    holding half the page's content) into the child that holds at least 80% of the content,
    or the one that holds all the paragraphs (``<p>``) and a quarter of the content."""
    total = weights.get(body, 0.0)
    paras = _paragraph_weights(body, weights)
    node = body
    for tag in ("article", "main"):
        found = [el for el in body.iter(tag) if weights.get(el, 0.0) >= 0.5 * total]
        if len(found) == 1:
            node = found[0]
            break
    while True:
        here, here_p = weights.get(node, 0.0), paras.get(node, 0.0)
        kids = [ch for ch in node if isinstance(ch.tag, str) and ch.tag not in ("tr", "tbody", "thead", "tfoot")]
        if not kids or here <= 0 or node.tag in ("ul", "ol", "dl", "table"):
            break
        leafy = ("p", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6")
        best = max(kids, key=lambda ch: weights.get(ch, 0.0))
        holder = max(kids, key=lambda ch: paras.get(ch, 0.0))
        if weights.get(best, 0.0) >= 0.8 * here and (best.tag not in leafy or len(kids) == 1):
            node = best
        elif (
            here_p > 0
            and paras.get(holder, 0.0) >= 0.95 * here_p
            and weights.get(holder, 0.0) >= 0.25 * here
            and holder.tag not in leafy
        ):
            node = holder
        else:
            break
    for anc in node.iterancestors():  # a content table: keep the whole table, not one of its cells
        if anc.tag == "table" and not _is_layout_table(anc) and anc.getparent() is not None:
            node = anc.getparent()
    return node


def _title_above(root, container) -> str:
    """The page's title when it sits outside and above the main container: ``<h1>``, else an
    element whose class/id says title, else ``<title>`` (its first part, before a site suffix)."""
    order = {el: i for i, el in enumerate(root.iter())}
    start = order.get(container, 0)
    ancestors = set(container.iterancestors())

    def candidates(match) -> list:
        out = []
        for el in root.iter():
            if not isinstance(el.tag, str) or el is container or el in ancestors or not match(el):
                continue
            if order[el] >= start or container in set(el.iterancestors()):
                continue
            text = squash_line(el.text_content())
            if cjk_count(text) >= 4 and len(text) <= 120:
                out.append(text)
        return out

    found = candidates(lambda el: el.tag == "h1") or candidates(
        lambda el: (
            el.tag in ("div", "p", "span", "h2", "h3", "td", "strong")
            and bool(_TITLE_CLASS_RE.search(f"{el.get('class', '')} {el.get('id', '')}"))
        )
    )
    return found[-1] if found else ""


def _page_title(title: str) -> str:
    """The document part of a ``<title>``: ``标题_宁波市人民政府`` → ``标题``."""
    parts = [p.strip() for p in re.split(r"\s*(?:[_|｜]|--|—|\s-\s)\s*", title) if p.strip()]
    parts = [p for p in parts if cjk_count(p) >= 4]
    return parts[0] if parts else ""


def _is_layout_table(table) -> bool:
    """A table used for page layout (nested tables, one column, or paragraphs of prose in cells)."""
    if table.find(".//table") is not None:
        return True
    rows = _table_rows(table)
    if not rows or max(len(r) for r in rows) < 2:
        return True
    return any(len(squash_line(c.text_content())) > 300 for r in rows for c in r)


def _table_rows(table) -> list[list]:
    """``<tr>`` cells of a table, nested tables excluded."""
    rows = []
    for part in table:
        if not isinstance(part.tag, str):
            continue
        if part.tag == "tr":
            trs = [part]
        elif part.tag in ("thead", "tbody", "tfoot"):
            trs = [x for x in part if x.tag == "tr"]
        else:
            continue
        for tr in trs:
            rows.append([c for c in tr if c.tag in ("td", "th")])
    return rows


def _span(el, attr: str) -> int:
    try:
        return max(1, min(50, int(str(el.get(attr, "1")).strip() or 1)))
    except ValueError:
        return 1


class _LineWriter:
    """Collects inline text and turns it into lines at block boundaries."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.buf: list[str] = []

    def add(self, text: str | None) -> None:
        if text:
            self.buf.append(text)

    def flush(self) -> None:
        if self.buf:
            line = squash_line("".join(self.buf))
            self.buf = []
            if line:
                self.lines.append(line)

    def line(self, text: str) -> None:
        self.flush()
        if text:
            self.lines.append(text)


_OL_TYPES = {"a": "lowerLetter", "A": "upperLetter", "i": "lowerRoman", "I": "upperRoman"}


def _html_cell_text(cell) -> str:
    w = _LineWriter()
    _walk_html(cell, w, pre=False)
    w.flush()
    return " ".join(w.lines)


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


def _html_table(table, w: _LineWriter) -> None:
    grid: list[list[tuple[str, bool]]] = []
    pending: dict[int, tuple[tuple[str, bool], int]] = {}  # column → (cell, rows left) of a rowspan above
    header_rows, counting_header = 0, True
    for cells in _table_rows(table):
        row: dict[int, tuple[str, bool]] = {c: v for c, (v, _left) in pending.items()}
        pending = {c: (v, left - 1) for c, (v, left) in pending.items() if left > 1}
        col = 0
        for cell in cells:
            while col in row:
                col += 1
            text = _html_cell_text(cell)
            cs, rs = _span(cell, "colspan"), _span(cell, "rowspan")
            for k in range(cs):
                row[col + k] = (text, k > 0)
                if rs > 1:
                    pending[col + k] = ((text, k > 0), rs - 1)
            col += cs
        grid.append([row.get(i, ("", False)) for i in range(max(row) + 1)] if row else [])
        if counting_header and cells and all(c.tag == "th" for c in cells):
            header_rows += 1
        else:
            counting_header = False
    caption = table.find("caption")
    if caption is not None:
        w.line(squash_line(caption.text_content()))
    captions, rows, header_rows = _grid_rows(grid, header_rows)
    for line in [*captions, *table_lines(rows, header_rows)]:
        w.line(line)


def _link_heavy(el) -> bool:
    """A block made (almost) only of link text: a list of related links, a pager."""
    total = _weight(el.text_content())
    links = sum(_weight(a.text_content()) for a in el.iter("a"))
    return total > 0 and links >= 0.8 * total


def _walk_html(el, w: _LineWriter, pre: bool, top: bool = False) -> None:
    """Emit ``el``'s text (not its tail) into ``w``; link lists below the top element are left out."""
    tag = el.tag if isinstance(el.tag, str) else ""
    if not top and tag in ("div", "ul", "ol", "dl", "section") and _link_heavy(el):
        return
    if tag == "br":
        w.flush()
        return
    if tag == "table":
        w.flush()
        if _is_layout_table(el):
            for cells in _table_rows(el):
                for cell in cells:
                    _walk_html(cell, w, pre)
                    w.flush()
        else:
            _html_table(el, w)
        return
    block = tag in _BLOCK_TAGS
    pre = pre or tag == "pre"
    if block:
        w.flush()
    if tag == "li" and (parent := el.getparent()) is not None and parent.tag == "ol":
        text = squash_line(el.text_content())
        if text and not _MARKER_RE.match(text):
            items = [x for x in parent if x.tag == "li"]
            try:
                start = int(parent.get("start", "1"))
            except ValueError:
                start = 1
            n = start + items.index(el)
            w.add(format_number(n, _OL_TYPES.get(parent.get("type", "1"), "decimal")) + ".")
    if tag:
        _add_text(el.text, w, pre)
    for ch in el:
        if isinstance(ch.tag, str):
            _walk_html(ch, w, pre)
        _add_text(ch.tail, w, pre)
    if block:
        w.flush()


def _add_text(text: str | None, w: _LineWriter, pre: bool) -> None:
    if not text:
        return
    if not pre:
        w.add(text)
        return
    parts = text.split("\n")
    for i, part in enumerate(parts):
        if i:
            w.flush()
        w.add(part)


def html_text(text: str, name: str = "<html>") -> str:
    """The main text of an HTML page, one line per block (see the module docstring).

    >>> page = ('<html><head><title>关于加强数字政府建设的实施意见_河北省人民政府</title></head><body>'
    ...         '<div class="nav"><a href="/">首页</a> | <a href="/zc">政策</a></div>'
    ...         '<h1>关于加强数字政府建设的实施意见</h1><div id="zoom"><p>一、总体要求</p>'
    ...         '<p>（一）指导思想。<br>坚持以人民为中心。</p></div><footer>版权所有</footer></body></html>')
    >>> print(html_text(page))
    关于加强数字政府建设的实施意见
    一、总体要求
    （一）指导思想。
    坚持以人民为中心。
    """
    import lxml.etree
    import lxml.html

    text = re.sub(r"^\s*<\?xml[^>]*>", "", text.replace("\x00", ""))
    if not text.strip():
        raise InputError(f"{name}: the page is empty")
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as e:
        raise InputError(f"{name}: cannot parse this HTML page ({_short(e)})") from e
    title_el = root.find(".//title")
    page_title = _page_title(squash_line(title_el.text_content())) if title_el is not None else ""
    body = root.find("body")
    if body is None:
        body = root
    # drop comments and processing instructions (keeping their tails), scripts, styles, hidden elements
    for el in list(body.iter()):
        if (not isinstance(el.tag, str) or el.tag in _DROP_TAGS or _is_hidden(el)) and el.getparent() is not None:
            el.drop_tree()
    # then page regions and chrome named by class/id, unless one holds half the page's text
    weights = _content_weights(body)
    total = weights.get(body, 0.0)
    for el in list(body.iter()):
        if el is body or el.getparent() is None or weights.get(el, 0.0) >= 0.5 * total:
            continue
        if el.tag == "header" and any(a.tag in ("article", "main") for a in el.iterancestors()):
            continue  # an article's own header holds its title
        if el.tag in _REGION_TAGS or _is_chrome_attr(el):
            el.drop_tree()
    weights = _content_weights(body)
    if weights.get(body, 0.0) <= 0:
        raise InputError(f"{name}: no main text found in this HTML page")
    container = _main_container(body, weights)
    w = _LineWriter()
    _walk_html(container, w, pre=False, top=True)
    w.flush()
    lines = w.lines
    title = _title_above(body, container)
    if not title and is_title_line(page_title) and not any(page_title in x for x in lines[:5]):
        title = page_title
    if title and not any(title.replace(" ", "") == x.replace(" ", "") for x in lines[:3]):
        lines = [title, *lines]
    if not any(cjk_count(x) or x.strip() for x in lines):
        raise InputError(f"{name}: no main text found in this HTML page")
    return "\n".join(lines)


# --- numbering formats (Word numFmt, HTML <ol type>) -------------------------------------------

_CN_DIGITS = "零一二三四五六七八九"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_LEGAL = "零壹贰叁肆伍陆柒捌玖"


def chinese_count(n: int, zero: str = "零") -> str:
    """Chinese counting numeral: 1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五.

    >>> [chinese_count(x) for x in (1, 10, 12, 20, 21, 105, 1010)]
    ['一', '十', '十二', '二十', '二十一', '一百零五', '一千零一十']
    """
    if n <= 0:
        return _CN_DIGITS[0] if n == 0 else str(n)
    if n >= 10000:
        return str(n)
    if 10 <= n < 20:
        return "十" + (_CN_DIGITS[n - 10] if n > 10 else "")
    out, pending_zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if pending_zero:
                out.append(zero)
            out.append(_CN_DIGITS[d] + unit)
            pending_zero = False
        elif out:
            pending_zero = True
    return "".join(out)


def _letters(n: int, upper: bool) -> str:
    n = max(1, n)
    ch = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
    return ch.upper() if upper else ch


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                       (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):  # fmt: skip
        d, n = divmod(n, value)
        out.append(sym * d)
    return "".join(out)


def _circled(n: int) -> str:
    if 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if 21 <= n <= 35:
        return chr(0x3251 + n - 21)
    if 36 <= n <= 50:
        return chr(0x32B1 + n - 36)
    return str(n)


def format_number(n: int, fmt: str) -> str:
    """Render counter ``n`` in a Word ``numFmt``; unknown formats fall back to decimal.

    >>> [format_number(3, f) for f in ("decimal", "chineseCounting", "ideographTraditional", "lowerLetter",
    ...                                "upperRoman", "decimalEnclosedCircleChinese", "decimalZero")]
    ['3', '三', '丙', 'c', 'III', '③', '03']
    >>> format_number(11, "chineseCountingThousand"), format_number(11, "japaneseCounting"), format_number(4, "x")
    ('十一', '十一', '4')
    """
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "japaneseDigitalTenThousand",
               "taiwaneseCounting", "taiwaneseCountingThousand", "koreanCounting"):  # fmt: skip
        return chinese_count(n, "〇" if fmt in ("taiwaneseCounting",) else "零")
    if fmt in ("ideographTraditional",):
        return _STEMS[(n - 1) % 10]
    if fmt == "ideographZodiac":
        return _BRANCHES[(n - 1) % 12]
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseLegal"):
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(n)) if n >= 0 else str(n)
    if fmt == "chineseLegalSimplified":
        return "".join(_LEGAL[int(d)] for d in str(n)) if n >= 0 else str(n)
    if fmt in ("lowerLetter", "upperLetter"):
        return _letters(n, fmt == "upperLetter")
    if fmt in ("lowerRoman", "upperRoman"):
        r = _roman(n)
        return r.lower() if fmt == "lowerRoman" else r
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        return _circled(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "decimalFullWidth":
        return "".join(chr(0xFF10 + int(d)) for d in str(n)) if n >= 0 else str(n)
    if fmt == "decimalEnclosedParen":
        return f"({n})"
    if fmt == "decimalEnclosedFullstop":
        return f"{n}."
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


# --- DOCX ----------------------------------------------------------------------------------

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


# --- PDF -----------------------------------------------------------------------------------

_PAGENO_RE = re.compile(
    r"^(?:[-—–－_~·•\s]*\d{1,4}[-—–－_~·•\s]*"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，/／]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*[/／]\s*\d{1,4}"
    r"|page\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$",
    re.I,
)
_SENT_FINAL = tuple("。！？；：!?;:")
_UNBREAKABLE_RE = re.compile(r"[\x21-\x7e“”‘’]*")  # a Latin word, number or URL the layout moved down whole
_EDGE = 3  # lines at the top and the bottom of a page that may be a running header/footer


def is_page_number(line: str) -> bool:
    """A page-number line.

    >>> [is_page_number(x) for x in ("- 3 -", "第3页", "第 3 页 共 10 页", "3", "3/10", "—12—", "2023年")]
    [True, True, True, True, True, True, False]
    """
    return bool(_PAGENO_RE.match(line.strip()))


@dataclass
class _PdfLine:
    """One rendered line of a PDF page, with its geometry in points (``measured``) or, when only
    the text is known, an estimate in em from its characters."""

    text: str
    left: float = 0.0  # x of the first character
    right: float = 0.0  # x after the last character
    size: float = 1.0  # font height
    page: int = 0
    measured: bool = True
    y: float = 0.0  # baseline height on the page (measured lines only)


def _furniture_key(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


def strip_running_lines(pages: list[list[str]]) -> list[list[bool]]:
    """Which lines of each page are content (``True``) and which are running headers, footers
    or page numbers (``False``).

    A line within the first or last three lines of its page is furniture when it is a page
    number or when the same line (digits masked) sits at that edge on most pages.

    >>> pages = [["宁波市人民政府文件", "一、总体要求", "- 1 -"], ["宁波市人民政府文件", "（一）指导思想。", "- 2 -"],
    ...          ["宁波市人民政府文件", "（二）发展目标。", "- 3 -"]]
    >>> strip_running_lines(pages)
    [[False, True, False], [False, True, False], [False, True, False]]
    """
    n = len(pages)
    need = max(2, math.ceil(0.6 * n))
    top: Counter = Counter()
    bottom: Counter = Counter()
    for lines in pages:
        keyed = [_furniture_key(x) for x in lines if x.strip()]
        top.update(set(keyed[:_EDGE]))
        bottom.update(set(keyed[-_EDGE:]))
    keep: list[list[bool]] = []
    for lines in pages:
        flags = [bool(x.strip()) for x in lines]
        idx = [i for i, x in enumerate(lines) if x.strip()]
        for order, counts in ((idx, top), (idx[::-1], bottom)):
            for i in order[:_EDGE]:
                if not flags[i] and lines[i].strip():
                    continue  # already taken by the other edge
                if is_page_number(lines[i]) or (n >= 2 and counts[_furniture_key(lines[i])] >= need):
                    flags[i] = False
                else:
                    break
        keep.append(flags)
    return keep


def display_width(text: str) -> float:
    """Width of a line in em: Chinese characters and full-width forms 1, others ½.

    >>> display_width("2025年（一）")
    6.0
    """
    return sum(1.0 if unicodedata.east_asian_width(c) in ("W", "F", "A") else 0.5 for c in text)


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class _Geometry:
    """What the joiner needs to know of the layout: each page's left edge and the width of a
    full line (at least 60% of the page width)."""

    def __init__(self, lines: list[_PdfLine], page_width: float = 0.0) -> None:
        lefts: dict[int, float] = {}
        for x in lines:
            lefts[x.page] = min(lefts.get(x.page, x.left), x.left)
        self.left = lefts
        self.widths = {
            True: self._full_width([x for x in lines if x.measured], 0.6 * page_width),
            False: self._full_width([x for x in lines if not x.measured], 15.0),
        }

    def _full_width(self, lines: list[_PdfLine], floor: float) -> float:
        """The right margin: the most common line end among long lines (wrapped lines end there,
        justified or not), else the median of the widest tenth of the lines."""
        ends = sorted(((x.right - self.left[x.page], x.size) for x in lines), reverse=True)
        if not ends:
            return floor
        unit = 0.5 * sorted(size for _e, size in ends)[len(ends) // 2] or 1.0
        bins = Counter(round(e / unit) for e, _s in ends if e >= floor)
        if bins:
            best, count = max(bins.items(), key=lambda kv: (kv[1], kv[0]))
            if count >= 3:
                return max(floor, max(e for e, _s in ends if round(e / unit) == best))
        top = ends[: max(2, math.ceil(0.1 * len(ends)))]
        return max(floor, top[len(top) // 2][0])

    def full(self, x: _PdfLine, after: str = "") -> bool:
        """(Nearly) full width: starts near the left margin (at most a first-line indent in) and
        ends within three characters of the right margin, or within the Latin word that opens
        the line ``after`` (word wrap); a right-aligned line is not full."""
        slack = 3 + 0.6 * len(_UNBREAKABLE_RE.match(after).group(0))
        return self.indent(x) <= 4 and x.right - self.left[x.page] >= self.widths[x.measured] - slack * x.size

    def indent(self, x: _PdfLine) -> float:
        """Indentation in characters."""
        return (x.left - self.left[x.page]) / x.size if x.size else 0.0

    def centred(self, x: _PdfLine) -> bool:
        gap_left = x.left - self.left[x.page]
        gap_right = self.widths[x.measured] - (x.right - self.left[x.page])
        return gap_left > 2.5 * x.size and gap_right > -x.size and abs(gap_left - gap_right) < 2 * x.size


def _gap(a: _PdfLine, b: _PdfLine) -> float | None:
    """Distance between two consecutive lines of one page, in line heights (``None`` when unknown)."""
    if a.page != b.page or not (a.measured and b.measured) or abs(a.size - b.size) > 0.15 * max(a.size, b.size):
        return None
    return (a.y - b.y) / max(a.size, b.size)


class _Signals:
    """Which layout cue marks a new paragraph in this document: first-line indentation,
    extra space between paragraphs, or neither (then punctuation decides)."""

    def __init__(self, lines: list[_PdfLine], geo: _Geometry) -> None:
        pairs = list(itertools.pairwise(lines))
        ends = [(a, b) for a, b in pairs if not geo.full(a)]  # a short line ends its paragraph
        conts = [(a, b) for a, b in pairs if geo.full(a) and not a.text.endswith(_SENT_FINAL)]  # wrapped
        self.by_indent = self._separates(
            [geo.indent(b) >= 1.5 for _a, b in ends], [geo.indent(b) < 1.5 for _a, b in conts]
        )
        gaps = sorted(g for a, b in pairs if (g := _gap(a, b)) is not None and g > 0)
        self.pitch = gaps[len(gaps) // 4] if gaps else 0.0  # the line distance inside paragraphs
        self.by_spacing = self.pitch > 0 and self._separates(
            [g > 1.2 * self.pitch for a, b in ends if (g := _gap(a, b)) is not None],
            [g <= 1.1 * self.pitch for a, b in conts if (g := _gap(a, b)) is not None],
        )

    @staticmethod
    def _separates(after_end: list[bool], after_wrap: list[bool]) -> bool:
        """A cue is informative when it is mostly there after paragraph ends and mostly absent
        after wrapped lines."""
        return (
            len(after_end) >= 3
            and sum(after_end) >= 0.6 * len(after_end)
            and (not after_wrap or sum(after_wrap) >= 0.7 * len(after_wrap))
        )


def _continues(a: _PdfLine, b: _PdfLine, geo: _Geometry, cues: _Signals) -> bool:
    """Does line ``b`` continue the paragraph of line ``a`` (a line the layout wrapped)?"""
    if not geo.full(a, b.text) or abs(a.size - b.size) > 0.15 * max(a.size, b.size) or _MARKER_RE.match(b.text):
        return False
    if cues.by_indent and not geo.centred(b):
        return geo.indent(b) < 1.5
    if cues.by_spacing and (gap := _gap(a, b)) is not None:
        return gap <= 1.1 * cues.pitch
    return not a.text.endswith(_SENT_FINAL)


def join_wrapped(lines: list[_PdfLine], n_pages: int, page_width: float = 0.0) -> tuple[str, tuple[int, ...]]:
    """Join lines the layout wrapped back into paragraphs; also returns each page's start offset.

    A line continues into the next (also across a page break) when it is (nearly) full width,
    both have the same font size and the next does not start with a clause marker (一、 （一）
    1. (1) 第一条…).  Then the document's own paragraph cue decides: where paragraphs start
    indented (公文 style), an indented next line starts a new paragraph and a flush one goes on;
    where paragraphs are set apart by extra space, a next line at the normal line distance goes
    on; otherwise (and across a page break without indentation) a line ending in 。！？；： ends
    its paragraph.  Short lines (titles, 文号, dates, signatures) stay lines of their own.

    >>> rows = [_PdfLine("为深入贯彻落实《国务院关于加强数字政府建设的指导意见》精神，加快推进", 24, 451, 12),
    ...         _PdfLine("我市数字政府建设，特制定本方案。", 0, 192, 12), _PdfLine("一、总体要求", 24, 96, 12, 1)]
    >>> join_wrapped(rows, 2, page_width=595)
    ('为深入贯彻落实《国务院关于加强数字政府建设的指导意见》精神，加快推进我市数字政府建设，特制定本方案。\\n一、总体要求', (0, 51))
    """
    geo = _Geometry(lines, page_width)
    cues = _Signals(lines, geo)
    out: list[str] = []
    pages = [0] * n_pages
    seen_page = -1
    pos = 0
    for i, line in enumerate(lines):
        if i and _continues(lines[i - 1], line, geo, cues):
            sep = " " if _latin(lines[i - 1].text[-1:]) and _latin(line.text[:1]) else ""
        else:
            sep = "\n" if out else ""
        out.append(sep)
        pos += len(sep)
        while seen_page < line.page:
            seen_page += 1
            pages[seen_page] = pos
        out.append(line.text)
        pos += len(line.text)
    while seen_page < n_pages - 1:
        seen_page += 1
        pages[seen_page] = pos
    return "".join(out), tuple(pages)


_KANGXI_RE = re.compile(r"[\u2e80-\u2fdf]")


def _fix_text(text: str) -> str:
    """Kangxi radicals (⼀ ⼈ …, a common PDF font artefact) → the ordinary characters; no NULs."""
    text = text.replace("\x00", "")
    return _KANGXI_RE.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), text)


def _geometric_lines(page, page_no: int) -> list[_PdfLine] | None:
    """Lines of a page with their positions, from pypdf's layout-mode text operations.

    These are pypdf internals (pinned version): ``None`` when they are missing or fail, and the
    caller falls back to plain text without geometry.
    """
    try:
        from pypdf._text_extraction import _layout_mode
        from pypdf.generic import ContentStream

        contents = page.get("/Contents")
        if contents is None:
            return []
        ops = iter(ContentStream(contents.get_object(), page.pdf, "bytes").operations)
        groups = _layout_mode.text_show_operations(ops, page._layout_mode_fonts(), True)
        rows = _layout_mode.y_coordinate_groups(groups) if groups else {}
    except Exception:
        return None
    lines = []
    for row in rows.values():
        parts = sorted((g for g in row if g["text"].strip()), key=lambda g: g["tx"])
        if not parts:
            continue
        size = max(g["font_height"] for g in parts) or 1.0
        text, end = "", None
        for g in parts:
            if end is not None and g["tx"] - end > 0.3 * size and not text.endswith(" "):
                text += " "
            text += g["text"]
            end = g["displaced_tx"]
        body = re.sub(r"[ \t\u00a0\u3000]+", " ", _fix_text(text).replace("\n", " ")).strip()
        if body:
            left = parts[0]["tx"] + (len(text) - len(text.lstrip())) * 0.5 * size
            right = max(g["displaced_tx"] for g in parts)
            lines.append(_PdfLine(body, left, right, size, page_no, y=parts[0]["ty"] * parts[0]["flip_sort"]))
    return lines


def _plain_lines(page, page_no: int) -> list[_PdfLine]:
    """Lines of pypdf's plain text, with widths estimated from the characters (no positions)."""
    lines = []
    for raw in _fix_text(page.extract_text() or "").splitlines():
        body = re.sub(r"[ \t\u00a0\u3000]+", " ", raw).strip()
        if body:
            lines.append(_PdfLine(body, 0.0, display_width(body), 1.0, page_no, measured=False))
    return lines


def _page_lines(page, page_no: int) -> list[_PdfLine]:
    """A page's lines: with geometry when it covers the plain text, else plain text alone."""
    plain = _plain_lines(page, page_no)
    geometric = _geometric_lines(page, page_no)
    if geometric is None:
        return plain
    count = sum(len(re.sub(r"\s", "", x.text)) for x in plain)
    if sum(len(re.sub(r"\s", "", x.text)) for x in geometric) < 0.9 * count:
        return plain  # text the layout pass does not see (form XObjects, odd fonts)
    return geometric


@contextlib.contextmanager
def _quiet_pypdf():
    """pypdf logs the damage it works around ("EOF marker not found", odd font encodings):
    keep that off the user's terminal while extracting; real failures still raise."""
    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        log.setLevel(level)


def pdf_extract(data: bytes, name: str = "<pdf>") -> Extracted:
    """Text of a PDF's text layer with page furniture removed and wrapped lines re-joined."""
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise InputError(f"{name}: not a PDF file (no %PDF header); is it corrupt?")
    with _quiet_pypdf():
        return _pdf_extract(data, name)


def _pdf_extract(data: bytes, name: str) -> Extracted:
    import pypdf
    import pypdf.errors

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
    except Exception as e:
        raise InputError(f"{name}: not a readable PDF file ({type(e).__name__}: {_short(e)})") from e
    if encrypted:
        try:
            ok = reader.decrypt("")
        except Exception as e:
            raise InputError(f"{name}: the PDF is encrypted and cannot be opened ({_short(e)})") from e
        if not ok:
            raise InputError(f"{name}: the PDF is password-protected; save an unprotected copy first")
    try:
        n_pages = len(reader.pages)
    except Exception as e:
        raise InputError(f"{name}: not a readable PDF file ({type(e).__name__}: {_short(e)})") from e
    if n_pages == 0:
        raise InputError(f"{name}: the PDF has no pages")
    per_page: list[list[_PdfLine]] = []
    for i in range(n_pages):
        try:
            per_page.append(_page_lines(reader.pages[i], i))
        except pypdf.errors.FileNotDecryptedError as e:
            raise InputError(f"{name}: the PDF is encrypted and cannot be opened") from e
        except Exception as e:
            raise InputError(f"{name}: cannot read the text of page {i + 1} ({type(e).__name__}: {_short(e)})") from e
    keep = strip_running_lines([[x.text for x in p] for p in per_page])
    lines = [x for page, flags in zip(per_page, keep, strict=True) for x, k in zip(page, flags, strict=True) if k]
    if sum(cjk_count(x.text) + len(re.findall(r"[A-Za-z]", x.text)) for x in lines) < 2:
        raise InputError(
            f"{name}: the PDF has {n_pages} page(s) but no text layer; it looks scanned and needs OCR first"
        )
    try:
        widths = sorted(float(reader.pages[i].mediabox.width) for i in range(n_pages))
        page_width = widths[len(widths) // 2]
    except Exception:
        page_width = 0.0
    text, pages = join_wrapped(lines, n_pages, page_width)
    return Extracted(text, "pdf", pages)
