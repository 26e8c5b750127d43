"""The lines of a text as its document has them, when a scrape or an export lost its line breaks
(a notice as one run-in paragraph: ``关于…的通知各区人民政府：…一、总体要求（一）…二、…``) or
added its own (a fixed-width export that breaks every line at 38 characters, mid-sentence).

A fixed-width text's broken lines are joined again (:func:`unwrapped`): a full line that ends
without a sentence end runs on, unless the next starts a heading or a head line.

A line of such a text holds the document's own structure in sequence: its title, its
salutation, its numbered headings (``一、`` … ``二、``, ``（一）``, ``1.``, ``第一章``, ``第一条``
…) and its 落款.  :func:`text_lines` gives the ``(start, end)`` spans of the text's lines, with a
run-in line cut where those begin, so the document grammar reads it as it reads a laid-out
file; every span still points into the exact text.  A line is cut only where a heading of the
next number in its own sequence starts after the end of a sentence (or of a heading): a
sentence that cites ``第五条`` or lists ``一是…二是`` stays whole, and a laid-out text, whose
lines hold one heading each, is left as it is.  A run-in line is also cut after a duty annotation
that closes an item (``…氛围。（市卫生健康委…负责）各区、各有关部门要…``): the paragraph after
it is not that item's, and that annotation does not assign it.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter

from qa.data import words
from qa.ingest.clean import SALUTATION_RE, is_legislative_title, is_title_line
from qa.ingest.duties import annotations
from qa.ingest.numerals import cn_number
from qa.normalize import match_form

#: a line shorter than this is never run-in (a heading, or one paragraph of a laid-out text)
MIN_RUN_IN_CHARS = 160

_CN = "一二三四五六七八九十"
_MARK_RE = re.compile(
    rf"第([{_CN}百零〇两]{{1,6}})([编編章节節条條])"  # 1, 2: 第N章 / 第N条
    rf"|(?<![{_CN}])([{_CN}]{{1,3}})、"  # 3: 一、
    rf"|[（(]([{_CN}]{{1,3}})[）)]"  # 4: （一）
    r"|(?<![\d.．])(\d{1,2})[.．](?![\d%])"  # 5: 1.
)
_LEGAL = {"编": "bian", "編": "bian", "章": "chapter", "节": "jie", "節": "jie", "条": "article", "條": "article"}
_ENDS = "。；;：:！!？?）)」”\"'"
_ISSUER = r"[\u4e00-\u9fff]{2,30}(?:人民政府|委员会|委員會|办公厅|辦公廳|办公室|辦公室|局|厅|廳|部|中心|院)[\s\u3000]*"
_DATE = r"(?:\d{4}|[〇零一二三四五六七八九]{4})年[\d一二三四五六七八九十]{1,3}月[\d一二三四五六七八九十]{1,3}日"
_NOTE = r"[（(][^（）()]{2,12}[）)]"
#: a 文号: 国发〔2019〕3号, 沪教委规（2021）2号
_DOC_NUMBER = r"[\u4e00-\u9fff]{1,8}[〔\[［(（]\d{4}[〕\]］)）]\s*\d{1,4}\s*号"
#: a 落款 after a sentence (or a closing note): an issuer and a date (the date alone at the end of the line), and a
#: note such as （此件公开发布）; each is a line of its own
_SIGNATURE_RE = re.compile(
    rf"(?:(?<=[。；;！!）)])|(?<=[。；;！!）)][\s\u3000]))(?:(?P<issuer>{_ISSUER})(?P<date>{_DATE})|(?P<issuer2>{_ISSUER})?(?P<date2>{_DATE})"
    rf"(?=[\s\u3000]*(?:{_NOTE})?[\s\u3000]*$))[\s\u3000]*(?P<note>{_NOTE})?"
)
#: the end of a line of a document's head: its 文号, a 公布令's number, a header note
#: (``…会议通过``, ``…令第43号公布``)
_HEAD_LINE_END_RE = re.compile(
    rf"{_DOC_NUMBER}|令\s*第\s*\d{{1,4}}\s*号(?![\s\u3000]*(?:公布|发布|發布))"
    rf"|(?:公布|通过|通過|修订|修訂|修正|修改|施行)[）)]?(?=[\s\u3000]*(?:{_DATE}|[（(]?\d{{4}}年|第|《))"
)
#: a 印发 notice's title, and the title of the document it attaches
_ATTACHED_RE = re.compile(r"(?:印发|印發|转发|轉發|颁布|頒布|发布|發布)《?([^《》]{4,80}?)》?的(?:通知|函)$")
_PERIOD_RE = re.compile(r"[（(][^（）()。，]{1,20}[）)]")
#: what follows a 文种 inside a longer title (…方案的通知, 《…办法》的通知, 条例和规定)
_INSIDE_TITLE = frozenset("的》〉和与及、")
#: what may follow a title: a space, a 文号, a date, a salutation or the first words of a sentence
_TITLE_TAIL_RE = re.compile(
    r"[\s\u3000]|[\u4e00-\u9fff]{1,8}[〔\[［]\d{4}[〕\]］]|[（(]?(?:\d{4}|[〇零一二三四五六七八九]{4})年|各|为|為|根据|根據"
    r"|按照|经|經|现将|現將|《|第|[\u4e00-\u9fff]{0,20}?令\s*第\s*\d"
)


def _heading_like(text: str) -> bool:
    """Text since the last cut that is a heading (short, no sentence inside): the next
    heading may follow it without a sentence end (``一、总体要求（一）指导思想。``)."""
    s = text.strip(" \u3000")
    return 0 < len(s) <= 30 and not re.search(r"[。；;，,：:！!？?]", s) and not s.startswith(("（", "("))


class _Sequence:
    """The last number taken at each level: a heading is cut only as the next of its level."""

    def __init__(self) -> None:
        self.last: dict[str, int] = {}

    def next_of(self, kind: str, n: int) -> bool:
        if kind in ("chapter", "bian", "jie", "article", "num1"):
            ok = n == self.last.get(kind, 0) + 1 or (kind == "jie" and n == 1)
        else:  # a sub-item list starts again under each heading above it
            ok = n in (1, self.last.get(kind, 0) + 1)
        if ok:
            self.last[kind] = n
        return ok


def _kind_of(m: re.Match) -> tuple[str, int]:
    if m.group(1):
        return _LEGAL[m.group(2)], cn_number(m.group(1))
    if m.group(3):
        return "num1", cn_number(m.group(3))
    if m.group(4):
        return "num2", cn_number(m.group(4))
    return "num3", int(m.group(5))


def _title_end(line: str) -> int:
    """Where the title at the start of a run-in line ends (0: it has none): the first end of a
    文种 where what comes before is a title line and what follows starts a 文号, a date, a
    salutation or the body (``关于…的通知国发〔2019〕3号各省…``, ``工伤保险条例2003年…公布第一章``)."""
    head = line[:120]
    ends = sorted({m.end() for kind in words("doc_kinds") for m in re.finditer(re.escape(kind), head)})
    for end in ends:
        title = line[:end]
        if line[end : end + 1] in _INSIDE_TITLE:
            continue  # 关于印发…方案的通知: the 方案 of a longer title
        if (is_title_line(title) or is_legislative_title(title)) and _TITLE_TAIL_RE.match(line, end):
            return end
    return 0


def _heading_cuts(line: str, start: int) -> list[int]:
    """Where the headings inside a line begin, each the next of its level, and where a heading
    whose number was lost begins (…水平。物业管理区域及设施第九条 …: the heading of 第二章)."""
    cuts: list[int] = []
    tops = 0
    seq, last = _Sequence(), start
    for m in _MARK_RE.finditer(line, start):
        at = m.start()
        if at <= last:
            continue
        before = line[:at].rstrip(" \u3000")
        after_end = not before or before[-1] in _ENDS or len(before) < at  # or a space before it
        kind, n = _kind_of(m)
        first_legal = kind in ("bian", "chapter", "article") and n == 1 and kind not in seq.last
        # the text since the last sentence end (or cut) is a heading
        head_at = max(last, *(line.rfind(c, last, at) + 1 for c in "。；;！!？?"))
        heading = _heading_like(line[head_at:at])
        if not (after_end or first_legal or heading):
            continue  # 3.5倍, 依照第五条: a heading starts after a sentence or a heading
        if seq.next_of(kind, n):
            cuts += [head_at, at] if heading and head_at > last else [at]
            tops += kind not in ("num2", "num3")
            last = at
    return cuts if tops >= 2 else []


def _salutation_end(line: str, at: int) -> int:
    """The end of a salutation (``各区人民政府：``) that starts at ``at``, else 0."""
    rest = line[at:].lstrip(" \u3000")
    colon = re.search(r"[：:]", rest[:64])
    if colon and SALUTATION_RE.match(match_form(rest[: colon.end()])):
        return len(line) - len(rest) + colon.end()
    return 0


def _head_cuts(line: str, start: int, end: int) -> list[int]:
    """Where the lines of a document's head end between its title and its first heading: its
    文号, header notes and salutation."""
    cuts = [m.end() for m in _HEAD_LINE_END_RE.finditer(line, start, end)]
    return cuts + [c for c in (_salutation_end(line, at) for at in [start, *cuts]) if c]


def _attached_cuts(line: str, title_end: int, cuts: set[int]) -> list[int]:
    """Where the title of the document a 印发 notice attaches stands as a line of its own
    (``…（此件公开发布）国家职业教育改革实施方案职业教育与…``): after the end of a sentence, a
    note or a 落款 (in ``cuts``), not inside 《》; a period in brackets after it is its own."""
    m = _ATTACHED_RE.search(line[:title_end])
    if not m:
        return []
    name = m.group(1)
    for at in (i.start() for i in re.finditer(re.escape(name), line[title_end:])):
        at += title_end
        before = line[:at].rstrip(" \u3000")
        if (before and before[-1] in _ENDS) or at in cuts:
            end = at + len(name)
            if tail := _PERIOD_RE.match(line, end):
                end = tail.end()
            return [at, end]
    return []


def _cuts(line: str, title: int) -> list[int]:
    """Offsets inside a line where a new line of the document begins, or none when the line is
    not run-in: it starts with the document's title (which ends at ``title``, else 0) or holds
    two top-level headings (``一、``, ``第一章``, ``第一条`` …) in sequence."""
    heads = _heading_cuts(line, title)
    if not title and not heads:
        return []
    cuts = [title, *heads]
    if title:
        cuts += _head_cuts(line, title, min(heads, default=len(line)))
    for sign in _SIGNATURE_RE.finditer(line, title):
        cuts += [sign.start(g) for g in ("issuer", "date", "issuer2", "date2", "note") if sign.start(g) >= 0]
        cuts.append(sign.end())
    if title:
        cuts += _attached_cuts(line, title, set(cuts))
    cuts += _closing_annotation_cuts(line, title)
    return sorted(c for c in set(cuts) if 0 < c < len(line))


def _closing_annotation_cuts(line: str, start: int) -> list[int]:
    """Where the text after a duty annotation that closes an item begins (…共同营造生育友好氛围。
    （市卫生健康委…按职责分工负责）各区、各有关部门要…): the annotation follows a sentence's end,
    and what comes after it is a paragraph of its own, which that annotation does not assign."""
    cuts = []
    for a, b, _duties in annotations(line[start:]):
        a, b = a + start, b + start
        before = line[:a].rstrip(" \u3000")
        if before and before[-1] in "。；;！!" and _TEXT_AFTER_RE.match(line, b):
            cuts.append(b)
    return cuts


#: text that goes on after an annotation (not a closing mark or the line's end)
_TEXT_AFTER_RE = re.compile(r"[\s\u3000]*[\u4e00-\u9fff“「《]")


def text_lines(raw: str, min_chars: int = MIN_RUN_IN_CHARS) -> list[tuple[int, int]]:
    """``(start, end)`` of every line of ``raw`` (its text: :func:`line_text`): the lines a
    fixed-width export broke joined again (:func:`unwrapped`), and a run-in line (``min_chars``
    or longer) cut where the document's own title, salutation, headings and 落款 begin.

    >>> raw = ("关于做好就业工作的通知各区人民政府：为做好就业工作，通知如下。一、总体要求。稳定就业。"
    ...        "二、主要任务（一）扩大岗位。支持企业。（二）加强培训。某某市人民政府2020年3月5日")
    >>> [raw[s:e] for s, e in text_lines(raw, 0)]  # doctest: +NORMALIZE_WHITESPACE
    ['关于做好就业工作的通知', '各区人民政府：', '为做好就业工作，通知如下。', '一、总体要求。稳定就业。',
     '二、主要任务', '（一）扩大岗位。支持企业。', '（二）加强培训。', '某某市人民政府', '2020年3月5日']
    >>> text_lines("职工有下列情形之一的，应当认定为工伤：（一）在工作时间受到伤害的；（二）患职业病的。", 0)
    [(0, 42)]
    """
    out: list[tuple[int, int]] = []
    titled = False
    for s, e in unwrapped(raw, line_spans(raw)):
        line = raw[s:e]
        run_in = len(line) >= min_chars and "\n" not in line  # a joined line is not run-in
        title = _title_end(line) if run_in and not titled else 0
        cuts = _cuts(line, title) if run_in else []
        titled = titled or is_title_line(line) or bool(cuts and title)
        if not cuts:
            out.append((s, e))
            continue
        bounds = [0, *cuts, len(line)]
        for a, b in itertools.pairwise(bounds):
            seg = line[a:b]
            lead, trail = len(seg) - len(seg.lstrip(" \u3000")), len(seg) - len(seg.rstrip(" \u3000"))
            if b - trail > a + lead:
                out.append((s + a + lead, s + b - trail))
    return out


def line_text(raw: str, span: tuple[int, int]) -> str:
    """The text of a line: a joined line (:func:`unwrapped`) without the breaks inside it."""
    return _BREAK_RE.sub("", raw[span[0] : span[1]])


_BREAK_RE = re.compile(r"[ \t\u3000]*\r?\n[ \t\u3000]*")
_HEADING_START_RE = re.compile(
    rf"^[\s\u3000]*(?:第[{_CN}百零〇两]{{1,6}}[编編章节節条條]|[{_CN}]{{1,3}}、|[（(][{_CN}]{{1,3}}[）)]|\d{{1,2}}[.．、](?!\d))"
)
_SENTENCE_ENDS = "。；;！!？?：:"
#: a text is fixed-width when this share of its lines (10 characters or more) are full…
WRAPPED_SHARE = 0.4


def _wrap_width(raw: str, spans: list[tuple[int, int]]) -> int:
    """The width a fixed-width export broke a text's lines at, or 0: the most common length of
    its lines, when at least :data:`WRAPPED_SHARE` of them are that long (or one or two short of
    it: a Latin letter is half a character wide) and hardly any is longer."""
    lengths = [len(raw[s:e].rstrip()) for s, e in spans]
    lengths = [n for n in lengths if n >= 10]
    if len(lengths) < 20:
        return 0
    width = Counter(n for n in lengths if n >= 20).most_common(1)
    if not width:
        return 0
    w = width[0][0]
    full = sum(w - 2 <= n <= w for n in lengths)
    longer = sum(n > w for n in lengths)
    return w if full >= WRAPPED_SHARE * len(lengths) and longer <= 0.05 * len(lengths) else 0


def _starts_own_line(line: str, before: str) -> bool:
    """Does a line start a line of its own, whatever the one before: a heading, a 文号, a date, a
    salutation, or anything after a whole title (that it does not go on: …措施 / 》的通知)?"""
    s = match_form(line)
    whole_title = is_title_line(before) and not is_title_line(before + line.strip())
    return bool(_HEADING_START_RE.match(line) or _HEAD_LINE_RE.match(s) or whole_title)


#: a line of a document's head or 落款: a 文号, a date, a salutation
_HEAD_LINE_RE = re.compile(rf"{_DOC_NUMBER}|{_DATE}|各[^：]{{2,60}}：$")


def unwrapped(raw: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The lines of a text a fixed-width export broke mid-sentence, joined again: a full line
    (:func:`_wrap_width`) that ends without a sentence end runs on into the next, unless that one
    is blank or starts a heading.  A text that is not fixed-width keeps its lines.

    >>> raw = "\\n".join(["第一条　为了保障职工的合法权益，制定本条例。"] * 19 + ["第二十条　用人单位应当按时足额缴纳工伤保险", "费。"])
    >>> [line_text(raw, sp) for sp in unwrapped(raw, line_spans(raw))][-1]
    '第二十条　用人单位应当按时足额缴纳工伤保险费。'
    """
    width = _wrap_width(raw, spans)
    if not width:
        return spans
    out: list[tuple[int, int]] = []
    pending: tuple[int, int] | None = None
    for s, e in spans:
        line = raw[s:e].rstrip()
        if pending and line.strip() and not _starts_own_line(line, line_text(raw, pending)):
            pending = (pending[0], e)
        else:
            if pending:
                out.append(pending)
            pending = (s, e)
        if not (len(line) >= width - 2 and line[-1:] not in _SENTENCE_ENDS):
            out.append(pending)
            pending = None
    if pending:
        out.append(pending)
    return out


def line_spans(raw: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every physical line in ``raw``, without the line terminator.

    >>> line_spans("一、\\r\\n（一）\\n")
    [(0, 2), (4, 7)]
    """
    spans, pos = [], 0
    for line in raw.splitlines(keepends=True):
        body = line.rstrip("\r\n\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e")
        spans.append((pos, pos + len(body)))
        pos += len(line)
    return spans
