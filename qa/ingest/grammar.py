"""Document → clause tree (pure).

Legislative texts (条例, 规定, 办法… numbered 第N条): ``第N编`` → ``第N章`` → ``第N节`` →
``第N条``; an article's later paragraphs are its 款 (``第十四条/第2款``), its ``（一）`` items
its 项 (a paragraph between two items is the first item's own text, ``第十八条/（一）/¶1``).  An
article or chapter is taken only in sequence (第一条, 第二条, …), so a sentence that starts by
citing ``第五条`` is not read as one.

Plan numbering ranks: ``一、`` (1) → ``（一）``/``(一)`` (2) → ``1.`` (3).  Documents without
``一、`` sections use unnumbered short lines as section headings (``§1``, ``§2``…);
unnumbered paragraphs are ``¶1``, ``¶2``… under their parent; the signature block is
``落款``; an appended official interpretation (``内容解读``) is its own part ``解读/…``.
Every clause keeps ``char_start``/``char_end`` into the raw file: the raw slice is the
clause with its sub-clauses, as published.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from itertools import islice

from qa.ingest.clean import body_bounds, clean_line, is_chrome_line, is_document_element, is_title_line
from qa.ingest.duties import extract_duties, first_unit_leads
from qa.ingest.eligibility import read_eligibility
from qa.ingest.metadata import BYLINE_RE
from qa.ingest.numerals import cn_number, cn_numeral, number_value
from qa.ingest.runin import line_text, text_lines
from qa.normalize import fullwidth_punct, match_form
from qa.schema import Clause, Document

MAX_CLAUSE_CHARS = 500

_NUM1_RE = re.compile(r"^([一二三四五六七八九十]{1,3})、")
_NUM2_RE = re.compile(r"^[（(]([一二三四五六七八九十]{1,3})[）)]")
_NUM3_RE = re.compile(r"^(\d{1,2})[.．、](?!\d)")
#: ``第十四条　职工有下列情形之一的…``, ``第一条为完善…`` (no space), ``第一章　总　则``
_LEGAL_RE = re.compile(r"^第([一二三四五六七八九十百零〇两]{1,6})(编|章|节|条)(?:[\s\u3000]*)(.*)$")
_LEGAL_KIND = {"编": "bian", "章": "chapter", "节": "jie", "条": "article"}
#: decimal section numbers of 预案 and technical plans: ``1 总则``, ``1.2 等级划分``, ``1.2.1 国家级…``
_DEC_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})[ \u3000]+(?=[^\d\s])")
#: a 成文日期 line, in digits or in Chinese numerals
_DATE = (
    r"\d{4}年\d{1,2}月\d{1,2}日|[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日"
)
_SIGN_RE = re.compile(
    rf"^(?:[\u4e00-\u9fff]{{2,24}}(?:人民政府|委员会|办公厅|办公室)|{_DATE}|（[^（）]{{2,12}}）"
    r"|.{0,30}\d{4}年\d{1,2}月\d{1,2}日印发|抄送[：:].*)$"  # 版记: …秘书处 2021年12月6日印发
)
_DATE_LINE_RE = re.compile(rf"^(?:{_DATE})$")
_SENT_END_RE = re.compile(r"[。；！？]")
_SENT_SPLIT_RE = re.compile(r"(?<=[。；！？!?;])")

RANK = {
    "part": -1,
    "sign": 0,
    "section": 0,
    "bian": 0.2,
    "chapter": 0.4,
    "jie": 0.6,
    "article": 0.8,
    "num1": 1,
    "num2": 2,
    "num3": 3,
    "dec1": 1,
    "dec2": 2,
    "dec3": 3,
    "dec4": 3.5,
    "para": 4,
}


@dataclass
class Block:
    """A run of source lines that forms one clause's own text."""

    kind: str
    start: int
    end: int
    text: str
    marker: str = ""
    children: list[Block] = field(default_factory=list)
    short_run: bool = False  # a paragraph made only of short, sentence-less lines so far
    own_end: int = -1  # end of own text when a long clause was split


def classify(clean: str, has_sections: bool, title: str = "") -> tuple[str, str]:
    """Kind and normalised marker of one cleaned line (a 第N条/章/节/编 line is taken as one only
    in sequence: see :func:`_blocks`).

    >>> classify("第十四条　职工有下列情形之一的，应当认定为工伤：", False)
    ('article', '第十四条')
    >>> classify("第一章 总 则", False)
    ('chapter', '第一章')
    >>> classify("(二)總體目標。到2025年", True)
    ('num2', '（二）')
    >>> classify("12.打造政府效能管理应用。", False)
    ('num3', '12')
    >>> classify("主要任务", False)
    ('section', '')
    >>> classify("2023年4月10日", True)
    ('sign', '')
    """
    m = match_form(clean)
    if g := _LEGAL_RE.match(m):
        return _LEGAL_KIND[g.group(2)], f"第{g.group(1)}{g.group(2)}"
    if g := _DEC_RE.match(clean.strip()):  # the space after the number matters: 3个… is prose
        return f"dec{g.group(1).count('.') + 1}", g.group(1)
    if g := _NUM1_RE.match(m):
        return "num1", g.group(1)
    if g := _NUM2_RE.match(m):
        return "num2", f"（{g.group(1)}）"
    if g := _NUM3_RE.match(m):
        return "num3", str(int(g.group(1)))
    if "解读" in m and len(m) <= 12:
        return "part", ""
    if m in ("目录", "目次"):  # a table of contents heads nothing
        return "para", ""
    if _SIGN_RE.match(m) or BYLINE_RE.match(m):
        return "sign", ""
    short = len(m) <= 30 and not _SENT_END_RE.search(m) and not m.endswith(("：", "，"))
    is_title = is_title_line(clean) or (title and m.strip("《》") == match_form(title))
    if short and not has_sections and not is_title and not m.startswith("——"):
        return "section", ""
    return "para", ""


def _heading(kind: str, text: str) -> str:
    """Short display heading: the first sentence when short, else a prefix.

    >>> _heading("num2", "（一）指導思想。以習近平新時代中國特色社會主義思想為指導")
    '（一）指導思想'
    """
    if kind in ("section", "part", "bian", "chapter", "jie"):
        return re.sub(r"[\s\u3000]+", " ", text)
    if kind == "sign":
        return "落款"
    first = _SENT_SPLIT_RE.split(text, maxsplit=1)[0].rstrip("。；！？!?;")
    return first if len(first) <= 40 else first[:24] + "…"


def _signer_above(block: Block) -> bool:
    """Is a paragraph one short line naming a body (市教育局, 国务院), the issuer of a 落款 whose date follows?"""
    return block.kind == "para" and "\n" not in block.text and is_document_element(block.text) and len(block.text) <= 30


def _blocks(doc: Document) -> list[Block]:
    """Cleaned body lines → blocks, short unnumbered lines merged, lost numerals inferred."""
    raw = doc.raw
    spans = text_lines(raw)
    lines = [line_text(raw, span) for span in spans]
    first, last = body_bounds(lines)
    cleaned = []
    for i in range(first, last):
        c = clean_line(lines[i])
        if not c or is_chrome_line(c):
            continue
        s, e = spans[i]
        s += len(lines[i]) - len(lines[i].lstrip(" \t\u3000\u00a0"))
        e -= len(lines[i]) - len(lines[i].rstrip(" \t\u3000\u00a0"))
        cleaned.append((s, e, fullwidth_punct(c), lines[i]))
    has_sections = any(_NUM1_RE.match(match_form(c)) for _s, _e, c, _r in cleaned)
    has_articles = any(match_form(c).startswith("第一条") for _s, _e, c, _r in cleaned)
    has_decimal = sum(1 for _s, _e, c, _r in cleaned if (g := _DEC_RE.match(c.strip())) and "." in g.group(1)) >= 3
    last_dec = 0
    last = {"bian": 0, "chapter": 0, "jie": 0, "article": 0}  # the last number of each level taken
    blocks: list[Block] = []
    for s, e, c, rawline in cleaned:
        kind, marker = classify(c, has_sections or has_decimal, doc.title)
        if kind in last:
            n = cn_number(marker[1:-1])
            # an article follows the last one; a heading (编/章/节) is a short line numbered past
            # the last (a damaged heading may have lost its label: 第三章 … 第五章)
            heading_ok = kind != "article" and n > last[kind] and len(c) <= 40 and not _SENT_END_RE.search(c)
            if n == last[kind] + 1 or heading_ok or (kind == "jie" and n == 1):
                last[kind] = n
                if kind == "chapter":
                    last["jie"] = 0
            else:  # out of sequence: a sentence that starts by citing an article
                kind, marker = "para", ""
        elif kind.startswith("dec") and not has_decimal:
            kind, marker = "para", ""
        elif kind == "dec1":
            n = int(marker)
            if n == 1 and last_dec > 1:  # numbering starts again: what came before was a table of contents
                for b in blocks:
                    if b.kind.startswith("dec"):
                        b.kind, b.marker = "para", ""
            elif n != last_dec + 1:
                kind, marker = "para", ""
            last_dec = n if kind == "dec1" else last_dec
        elif has_articles and kind == "section":
            kind = "para"  # a legislative text's headings are its 章 and 节
        if has_articles and kind == "para":  # each paragraph of an article is a 款 of its own
            blocks.append(Block(kind, s, e, c))
            continue
        if kind == "para" and rawline.lstrip(" \u3000").startswith("?") and blocks:
            # a mojibake heading whose numeral was lost: number it after its previous sibling
            prev = next((b for b in reversed(blocks) if b.kind in ("num1", "num2")), None)
            if prev is not None and prev.kind == "num2":
                kind, marker = "num2", f"（{cn_numeral(_item_number(prev) + 1)}）"
        prev = blocks[-1] if blocks else None
        if kind == "sign" and _DATE_LINE_RE.match(match_form(c)) and prev is not None and _signer_above(prev):
            prev.kind = "sign"  # 市教育局 / 2020年4月10日: the issuer above the 成文日期 signs too
        short = len(c) <= 40 and not _SENT_END_RE.search(c)
        if prev is not None and kind == "para" and prev.kind == "para" and prev.short_run and "\n" not in prev.text:
            prev.end, prev.text, prev.short_run = e, prev.text + "\n" + c, short
            continue
        if (
            prev is not None
            and kind == prev.kind
            and kind in ("para", "sign")
            and (kind == "sign" or (prev.short_run and short))
        ):
            prev.end, prev.text = e, prev.text + "\n" + c
            continue
        blocks.append(Block(kind, s, e, c, marker, short_run=kind == "para" and short))
    return _bundled_parts(blocks, raw)


#: the title of a document a notice bundles with another (…两个规定的通知): a short line that
#: names a kind of document
_BUNDLED_TITLE_RE = re.compile(r"^[^。；：，,]{4,40}(?:规定|办法|细则|方案|意见|措施|条例|计划|规划|指引|准则)$")


def is_bundled_title(text: str) -> bool:
    """Is a line (or a clause path's segment, without its ``~2``) the title of a bundled document?

    >>> is_bundled_title("进一步支持文化企业发展的规定"), is_bundled_title("一"), is_bundled_title("解读")
    (True, False, False)
    """
    return bool(_BUNDLED_TITLE_RE.match(match_form(text.split("~")[0])))


def _bundled_parts(blocks: list[Block], raw: str) -> list[Block]:
    """A notice that bundles documents (…转制为企业和进一步支持文化企业发展两个规定的通知) starts
    its sections again at ``一、`` under the next document's title: that title, the last paragraph
    line before the new ``一、`` that names a kind of document, becomes a part of its own, and
    what follows it nests under it (``进一步支持文化企业发展的规定/一/（一）``)."""
    out: list[Block] = []
    seen_num1 = False
    for b in blocks:
        if b.kind == "num1" and b.marker == "一" and seen_num1:
            for k in range(len(out) - 1, max(-1, len(out) - 3), -1):
                p = out[k]
                if p.kind != "para":
                    continue
                lines = p.text.split("\n")
                if not is_bundled_title(lines[0]):
                    continue
                title_end = p.start + len(lines[0])
                part = Block("part", p.start, title_end, lines[0], marker=lines[0])
                rest = [part]
                if len(lines) > 1:
                    body_start = raw.find(lines[1][:8], title_end)
                    body_start = body_start if title_end <= body_start < p.end else title_end
                    rest.append(Block("para", body_start, p.end, "\n".join(lines[1:])))
                out[k : k + 1] = rest
                break
        seen_num1 = seen_num1 or b.kind == "num1"
        out.append(b)
    return out


def _item_number(b: Block) -> int:
    """The number of an item's marker (``（三）`` → 3, ``12`` → 12)."""
    return number_value(b.marker.strip("（）、"))


def _item_goes_on(item: Block, blocks: list[Block], start: int) -> bool:
    """Does the list that ``item`` is in go on with the next number, from ``blocks[start]`` on, before
    anything of a higher rank (the next article, a shallower item) closes it?  A paragraph between
    第十八条's ``（一）长期失能人员的失能评估费用`` and ``（二）…`` is the first item's own text."""
    for b in islice(blocks, start, None):
        if b.kind == item.kind:
            return _item_number(b) == _item_number(item) + 1
        if b.kind not in ("para", "sign") and RANK[b.kind] < RANK[item.kind]:
            return False
    return False


def _items_own_paragraphs(item: Block, siblings: list[Block]) -> bool:
    """Does an item of the same list before ``item`` hold paragraphs of its own?"""
    return any(s is not item and s.kind == item.kind and any(c.kind == "para" for c in s.children) for s in siblings)


def _tree(blocks: list[Block], legal: bool = False) -> list[Block]:
    """Nest blocks by rank; paragraphs and signatures are leaves.  In a legislative text a
    paragraph after an article's items is the article's next 款, not part of the last item,
    unless the items go on after it (it is then the item's own text), or the list's items hold
    paragraphs of their own (the last one's are its own too)."""
    roots: list[Block] = []
    stack: list[tuple[int, Block]] = []

    def item_ends(i: int) -> bool:  # does a paragraph at blocks[i] close the item open above it?
        item = stack[-1][1]
        siblings = stack[-2][1].children if len(stack) > 1 else roots
        return not (_item_goes_on(item, blocks, i + 1) or _items_own_paragraphs(item, siblings))

    for i, b in enumerate(blocks):
        r = RANK[b.kind]
        if b.kind == "part":
            stack = []
        elif b.kind == "sign":
            stack = [x for x in stack if x[0] < 0]
        else:
            while stack and (
                stack[-1][0] >= r
                or (legal and b.kind == "para" and stack[-1][1].kind.startswith("num") and item_ends(i))
            ):
                stack.pop()
        (stack[-1][1].children if stack else roots).append(b)
        if b.kind not in ("para", "sign"):
            stack.append((r, b))
    return roots


def _absorb_lone_paragraphs(nodes: list[Block]) -> None:
    """A heading-only numbered clause with exactly one paragraph beneath it becomes one clause.

    ``（一）建设数字政府综合应用`` followed by a single paragraph reads as one clause.
    """
    for b in nodes:
        _absorb_lone_paragraphs(b.children)
        if (
            b.kind.startswith("num")
            and len(b.children) == 1
            and b.children[0].kind == "para"
            and not b.children[0].children
            and not _SENT_END_RE.search(b.text)
        ):
            child = b.children.pop()
            b.end, b.text = child.end, b.text + "\n" + child.text


def _split_long(doc: Document, b: Block) -> None:
    """Over-long own text → the clause keeps its first chunk; the rest become ``p2``, ``p3``… children."""
    own_end = b.children[0].start if b.children else b.end
    if len(b.text) <= MAX_CLAUSE_CHARS or "\n" in b.text:
        return
    raw = doc.raw[b.start : own_end]
    pieces = [p for p in _SENT_SPLIT_RE.split(raw) if p]
    chunks: list[tuple[int, int]] = []
    pos = b.start
    cur_start, cur_len = pos, 0
    for p in pieces:
        if cur_len and cur_len + len(p) > MAX_CLAUSE_CHARS * 0.6:
            chunks.append((cur_start, pos))
            cur_start, cur_len = pos, 0
        pos += len(p)
        cur_len += len(p)
    chunks.append((cur_start, pos))
    if len(chunks) < 2:
        return
    b.text = fullwidth_punct(clean_line(doc.raw[chunks[0][0] : chunks[0][1]]))
    parts = [
        Block("part_of", s, e, fullwidth_punct(clean_line(doc.raw[s:e])), f"p{i}")
        for i, (s, e) in enumerate(chunks[1:], start=2)
    ]
    b.children[:0] = parts
    b.own_end = chunks[0][1]


def _span_end(b: Block) -> int:
    return max([b.end] + [_span_end(c) for c in b.children])


def clause_id(doc_id: str, path: str) -> str:
    """Stable id from document id and clause path (survives re-indexing and reordering).

    >>> clause_id("001_a7d205057cfc02ba", "二/（二）/2")
    'c-8477fe933ddf1b86'
    """
    return "c-" + hashlib.sha1(f"{doc_id}|{path}".encode()).hexdigest()[:16]


def parse_clauses(doc: Document) -> list[Clause]:
    """The document's clauses in reading order (parents before their children).

    >>> from qa.ingest.document import document_from_text
    >>> d = document_from_text("一、总体要求\\n（一）指导思想。坚持以人民为中心。\\n（二）主要目标。到2025年基本建成。\\n", "x.txt")
    >>> [(c.path, c.heading) for c in parse_clauses(d)]
    [('一', '一、总体要求'), ('一/（一）', '（一）指导思想'), ('一/（二）', '（二）主要目标')]
    """
    blocks = _blocks(doc)
    roots = _tree(blocks, legal=any(b.kind == "article" for b in blocks))
    _absorb_lone_paragraphs(roots)
    out: list[Clause] = []
    seen: set[str] = set()
    first_leads = first_unit_leads(doc.clean)  # 排在第一位的部门为牵头部门，下同

    def visit(nodes: list[Block], parent: Clause | None, prefix: str, crumbs: list[str]) -> None:
        counters = {"para": 0, "section": 0, "sign": 0}
        for b in nodes:
            _split_long(doc, b)
            if b.kind == "para" and parent is not None and parent.path.rsplit("/", 1)[-1].endswith("条"):
                counters["para"] += 1
                seg = f"第{counters['para'] + 1}款"  # the article's own line is its first 款
            elif b.kind in counters:
                counters[b.kind] += 1
                seg = {"para": "¶", "section": "§", "sign": "落款"}[b.kind]
                seg = seg + str(counters[b.kind]) if b.kind != "sign" or counters["sign"] > 1 else seg
            elif b.kind == "part":
                seg = b.marker or "解读"  # a bundled document by its title; an interpretation
            else:
                seg = b.marker
            path = f"{prefix}/{seg}" if prefix else seg
            base, k = path, 2
            while path in seen:
                path, k = f"{base}~{k}", k + 1
            seen.add(path)
            heading = _heading(b.kind, b.text.split("\n")[0] if b.kind != "sign" else b.text)
            if b.kind == "part_of":
                heading = f"{crumbs[-1]}（续{b.marker[1:]}）" if crumbs else b.marker
            own_end = b.own_end if b.own_end >= 0 else b.children[0].start if b.children else b.end
            clause = Clause(
                id=clause_id(doc.id, path),
                doc_id=doc.id,
                source_file=doc.source_file,
                path=path,
                level=path.count("/") + 1,
                heading=heading,
                title_path=" > ".join([doc.name, *crumbs, heading]),
                text=b.text,
                text_sc=match_form(b.text),
                char_start=b.start,
                char_end=_span_end(b),
                parent_id=parent.id if parent else None,
                duties=extract_duties(b.text, first_leads),
                own_end=own_end,
                page=doc.page_of(b.start),
                eligibility=read_eligibility(b.text),
            )
            out.append(clause)
            visit(b.children, clause, path, [*crumbs, heading])

    visit(roots, None, "", [])
    return out
