"""``.pdf`` → text: the text layer per page.

Running headers/footers and page numbers are removed; lines the layout wrapped are joined back
into paragraphs (also across page breaks) using the line geometry pypdf's layout mode computes
(its internal API, pinned pypdf version; plain text with width estimates when it is unavailable);
page start offsets in :attr:`qa.ingest.formats.text.Extracted.pages`.
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
from collections import Counter
from dataclasses import dataclass

from qa.errors import InputError
from qa.ingest.formats.text import _MARKER_RE, Extracted, _short, cjk_count

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

    >>> pages = [["广州市人民政府文件", "一、总体要求", "- 1 -"], ["广州市人民政府文件", "（一）指导思想。", "- 2 -"],
    ...          ["广州市人民政府文件", "（二）发展目标。", "- 3 -"]]
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
