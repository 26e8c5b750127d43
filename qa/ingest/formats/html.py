"""``.html``/``.htm`` → text: the main text only.

The page is decoded by its byte-order mark, else its declared charset, else UTF-8 → GB18030.  Page
chrome (script, nav, header, footer, forms, elements whose class/id says
nav/menu/footer/breadcrumb/share/sidebar…) is dropped; the main container is the deepest element
still holding most of the page's (non-link) Chinese text; the page title (``<h1>``, a ``…title…``
element, else ``<title>``) is kept when it sits above that container.  One line per block element
and per ``<br>``-separated line; tables as :func:`qa.ingest.formats.text.table_lines` writes them.
"""

from __future__ import annotations

import re

from qa.errors import InputError
from qa.ingest.clean import is_title_line
from qa.ingest.document import decode_bytes
from qa.ingest.formats.numbering import format_number
from qa.ingest.formats.text import _MARKER_RE, _WS_RE, _grid_rows, _short, cjk_count, squash_line, table_lines

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
    """The document part of a ``<title>``: ``标题_广州市人民政府`` → ``标题``."""
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

    >>> page = ('<html><head><title>关于加强数字政府建设的实施意见_广东省人民政府</title></head><body>'
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
