"""Files → :class:`Document`: decoding, cleaning and metadata read from the text itself.

Metadata fields a document does not state stay empty: nothing is guessed.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from qa.errors import InputError
from qa.ingest.clean import body_bounds, clean_line, is_chrome_line
from qa.ingest.metadata import extract_metadata
from qa.ingest.runin import line_text, text_lines
from qa.normalize import detect_script
from qa.schema import Document

TEXT_SUFFIXES = (".txt", ".md")


def decode_bytes(data: bytes, name: str = "<bytes>") -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with its BOM (what Windows Notepad saves as
    “Unicode”), else GB18030; refuse binary junk.

    >>> decode_bytes("数字政府".encode("gb18030"))
    '数字政府'
    >>> decode_bytes("\\ufeff數字政府".encode("utf-8")), decode_bytes("数字政府".encode("utf-16"))
    ('數字政府', '数字政府')
    """
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise InputError(f"{name}: starts as UTF-16 text but is not; convert it to UTF-8 and try again") from None
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


def document_from_text(raw: str, source_file: str) -> Document:
    """Build a :class:`Document` from a file's exact text."""
    lines = [line_text(raw, span) for span in text_lines(raw)]
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


#: What the reader derives from a file's text (the rest of a Document is the library's own).
TEXT_FIELDS = ("title", "issuer", "doc_number", "date", "region", "kind", "script", "clean", "source",
               "addressees", "basis", "author", "level", "effective_date", "valid_until", "notice_title")  # fmt: skip


def reread(doc: Document) -> Document:
    """``doc`` with everything read from its text read again by this version of the reader;
    its id, version, status and history stay."""
    fresh = document_from_text(doc.raw, doc.source_file)
    return replace(doc, title_from="", **{f: getattr(fresh, f) for f in TEXT_FIELDS})


#: The most text one document may hold: five times a whole civil code (民法典, ~110,000 characters).
#: A file past it is a collection or not a document, and would take hours to embed.
MAX_DOCUMENT_CHARS = 500_000


def load_document(path: str | Path) -> Document:
    """Read one file (txt, md, html, docx or pdf: see :mod:`qa.ingest.formats`) into a :class:`Document`.

    For a non-text format ``raw`` is the extracted text: clause spans and citations point into
    it, and a PDF's page starts are kept in ``pages``.
    """
    from qa.ingest.formats import SUPPORTED_SUFFIXES, extract_file

    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path} is a folder: name the files in it")
    if not path.is_file():
        raise InputError(f"no such file: {path}" if not path.exists() else f"{path}: not a regular file")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise InputError(
            f"{path.name}: unsupported format {path.suffix or '(none)'}; use one of {', '.join(SUPPORTED_SUFFIXES)}"
        )
    extracted = extract_file(path)
    if len(extracted.text) > MAX_DOCUMENT_CHARS:
        raise InputError(
            f"{path.name}: {len(extracted.text):,} characters of text, more than one document holds "
            f"(at most {MAX_DOCUMENT_CHARS:,}); add its documents one by one"
        )
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
