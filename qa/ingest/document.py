"""Files → :class:`Document`: decoding, cleaning and metadata read from the text itself.

Metadata fields a document does not state stay empty: nothing is guessed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path

from qa.errors import InputError
from qa.ingest.clean import SALUTATION_RE, body_bounds, clean_line, is_chrome_line, is_title_line
from qa.normalize import detect_script, match_form
from qa.schema import Document

TEXT_SUFFIXES = (".txt", ".md")


def decode_bytes(data: bytes, name: str = "<bytes>") -> str:
    """Decode UTF-8 (with or without BOM), else GB18030; refuse binary junk.

    >>> decode_bytes("数字政府".encode("gb18030"))
    '数字政府'
    >>> decode_bytes("\\ufeff數字政府".encode("utf-8"))
    '數字政府'
    """
    if b"\x00" in data[:4096]:
        raise InputError(f"{name}: looks like a binary file (NUL bytes), not a text document")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        bad = sum(1 for c in text if (ord(c) < 32 and c not in "\r\n\t") or c == "\ufffd")
        if text and bad / len(text) > 0.01:
            raise InputError(f"{name}: contains control characters; is it really a text document?")
        if not text.strip():
            raise InputError(f"{name}: the file is empty")
        return text
    raise InputError(f"{name}: neither UTF-8 nor GB18030 text; convert it to UTF-8 and try again")


def read_text(path: Path) -> str:
    """Read a source file as text (see :func:`decode_bytes`)."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror or e}") from e
    return decode_bytes(data, path.name)


def line_spans(raw: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every line in ``raw``, without the line terminator.

    >>> line_spans("一、\\r\\n（一）\\n")
    [(0, 2), (4, 7)]
    """
    spans, pos = [], 0
    for line in raw.splitlines(keepends=True):
        body = line.rstrip("\r\n\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e")
        spans.append((pos, pos + len(body)))
        pos += len(line)
    return spans


_DOCNO_RE = re.compile(r"^[\u4e00-\u9fff]{1,8}[〔\[［（(]\s*\d{4}\s*[〕\]］）)]\s*\d{1,4}\s*号$")
_DOCNO_ORIG = re.compile(r"[\u4e00-\u9fff]{1,8}[〔\[［（(]\d{4}[〕\]］）)]\d{1,4}[号號]")
_DATE_RE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_PAGE_DATE_RE = re.compile(r"(?:时间|日期|发布时间|印发日期)\s*[：:]\s*(\d{4})[-年/.](\d{1,2})[-月/.](\d{1,2})")
_ISSUER_RE = re.compile(r"^[\u4e00-\u9fff]{2,24}(人民政府|委员会|办公厅|办公室|政府)$")
_ISSUER_FIELD_RE = re.compile(r"(?:印发机关|发文机关|发布机关)\s*[：:]\s*([\u4e00-\u9fff]{2,30})")
_REGION_RE = re.compile(r"([\u4e00-\u9fff]{2,3}?(?:省|自治区|市))")
_BASIS_RE = re.compile(r"^(?:为|为了)?(?:深入)?(?:贯彻|根据|依据|落实)")
_CITED_RE = re.compile(r"《([^《》]{4,60})》")
_SELF_KIND_RE = re.compile(r"(?:提出|制定)(?:如下|以下|本)(实施意见|意见|实施方案|方案)")
BYLINE_RE = re.compile(r"^(来源|作者|编辑|责任编辑|原标题)\s*[：:]\s*(.+)$")


def _iso(y: str, m: str, d: str) -> str:
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


def extract_metadata(lines: list[str]) -> dict[str, str]:
    """Read title, issuer, 文号, date, region, kind, source and author from cleaned body lines.

    >>> m = extract_metadata(["宁波市人民政府关于印发宁波市加快数字政府建设实施方案的通知", "甬政发〔2023〕16号",
    ...                       "宁波市人民政府", "2023年4月10日"])
    >>> (m["title"], m["doc_number"], m["issuer"], m["date"], m["region"], m["kind"])
    ('宁波市人民政府关于印发宁波市加快数字政府建设实施方案的通知', '甬政发〔2023〕16号', '宁波市人民政府', '2023-04-10', '宁波市', '方案')
    """
    meta = dict.fromkeys(
        ("title", "issuer", "doc_number", "date", "region", "kind", "source", "author", "addressees", "basis"), ""
    )
    forms = [(line, match_form(line)) for line in lines]
    for line, m in forms:
        if not meta["title"] and is_title_line(line):
            meta["title"] = line.strip("《》 ")
        if not meta["doc_number"]:
            if _DOCNO_RE.match(m):
                meta["doc_number"] = line.strip()
            elif "发文字号" in m and (hit := _DOCNO_ORIG.search(line.replace(" ", ""))):
                meta["doc_number"] = hit.group(0)
        if not meta["date"] and ((dm := _DATE_RE.match(m)) or (dm := _PAGE_DATE_RE.search(m))):
            meta["date"] = _iso(*dm.groups())
        if not meta["issuer"]:
            if _ISSUER_RE.match(m) and not is_title_line(line):
                meta["issuer"] = line.strip()
            elif im := _ISSUER_FIELD_RE.search(m):
                meta["issuer"] = im.group(1)
        if not meta["addressees"] and SALUTATION_RE.match(m):
            meta["addressees"] = line.strip().rstrip(":：")
        if not meta["basis"] and _BASIS_RE.search(m) and (titles := _CITED_RE.findall(line)):
            meta["basis"] = "、".join(f"《{t}》" for t in dict.fromkeys(titles))
        if bm := BYLINE_RE.match(m):
            key = "source" if bm.group(1) in ("来源",) else "author" if bm.group(1) == "作者" else ""
            if key and not meta[key]:
                meta[key] = line.split(":", 1)[-1].split("：", 1)[-1].strip()
    title_sc = match_form(meta["title"])
    if region := _REGION_RE.search(title_sc or match_form(meta["issuer"])):
        meta["region"] = region.group(1)
    if any("解读" in m and len(m) <= 40 for _l, m in forms) and not title_sc:
        meta["kind"] = "解读"
    for kind in ("实施意见", "方案", "办法", "规划"):
        if kind in title_sc:
            meta["kind"] = kind
            break
    else:
        if title_sc.endswith("意见"):
            meta["kind"] = "实施意见"
        elif not title_sc and meta["author"]:
            meta["kind"] = "评论"
        elif km := _SELF_KIND_RE.search("".join(m for _l, m in forms[:6])):
            meta["kind"] = "实施意见" if "意见" in km.group(1) else "方案"
    return meta


def document_from_text(raw: str, source_file: str) -> Document:
    """Build a :class:`Document` from a file's exact text."""
    lines = [raw[s:e] for s, e in line_spans(raw)]
    first, last = body_bounds(lines)
    body = [clean_line(x) for x in lines[first:last]]
    body = [x for x in body if x and not is_chrome_line(x)]
    if not body:
        raise InputError(f"{source_file}: no policy text found after removing page furniture")
    meta = extract_metadata(body)
    clean = "\n".join(body)
    return Document(
        id=Path(source_file).stem,
        source_file=source_file,
        script=detect_script(clean),
        raw=raw,
        clean=clean,
        sha256=hashlib.sha256(raw.encode("utf-8")).hexdigest(),
        **meta,
    )


def load_document(path: str | Path) -> Document:
    """Read one file (txt, md, html, docx or pdf: see :mod:`qa.ingest.formats`) into a :class:`Document`.

    For a non-text format ``raw`` is the extracted text: clause spans and citations point into
    it, and a PDF's page starts are kept in ``pages``.
    """
    from qa.ingest.formats import SUPPORTED_SUFFIXES, extract_file

    path = Path(path)
    if not path.is_file():
        raise InputError(f"no such file: {path}")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise InputError(
            f"{path.name}: unsupported format {path.suffix or '(none)'}; use one of {', '.join(SUPPORTED_SUFFIXES)}"
        )
    extracted = extract_file(path)
    doc = document_from_text(extracted.text, path.name)
    return replace(doc, format=extracted.format, pages=extracted.pages)


def load_corpus(folder: str | Path) -> list[Document]:
    """Every document in ``folder`` (any supported format), sorted by file name."""
    from qa.ingest.formats import SUPPORTED_SUFFIXES

    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"corpus folder not found: {folder}")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in SUPPORTED_SUFFIXES and p.is_file())
    if not files:
        raise InputError(f"no documents ({', '.join(SUPPORTED_SUFFIXES)}) in {folder}")
    return [load_document(p) for p in files]
