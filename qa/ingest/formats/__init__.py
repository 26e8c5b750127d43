"""Source files of any supported format → the plain text that :mod:`qa.ingest` parses.

One line per paragraph, in reading order, so that :func:`qa.ingest.document.document_from_text` and
:func:`qa.ingest.grammar.parse_clauses` treat a ``.docx``, ``.pdf`` or ``.html`` file exactly like the
same text saved as ``.txt``.  Clause character spans index into :attr:`Extracted.text`.

The reader is chosen by the file's suffix, one module a format:

- ``.txt``/``.md``: decoded as is (:func:`qa.ingest.document.decode_bytes`: UTF-8, UTF-8-BOM, GB18030).
- :mod:`qa.ingest.formats.html` (``.html``/``.htm``): decoded by the declared charset, the main
  text only, page chrome dropped, the page title kept when it sits above the main text.
- :mod:`qa.ingest.formats.docx` (``.docx``): body paragraphs and tables in document order, Word
  auto-numbering rendered into the line by :mod:`qa.ingest.formats.numbering` (Chinese counting
  numerals and the other Word ``numFmt`` formats, also HTML ``<ol type>``).
- :mod:`qa.ingest.formats.pdf` (``.pdf``): the text layer per page, running headers/footers and page
  numbers removed, wrapped lines joined back into paragraphs, page starts in :attr:`Extracted.pages`.
- :mod:`qa.ingest.formats.text`: what the readers share — the :class:`Extracted` record, whitespace
  and Chinese-character helpers, tables as lines.

Every failure is an :class:`~qa.errors.InputError` naming the file; no library traceback escapes.
"""

from __future__ import annotations

from pathlib import Path

from qa.errors import InputError
from qa.ingest.document import decode_bytes
from qa.ingest.formats.docx import DocxNumbering, docx_text
from qa.ingest.formats.html import decode_html, html_text, sniff_charset
from qa.ingest.formats.numbering import chinese_count, format_number
from qa.ingest.formats.pdf import display_width, is_page_number, join_wrapped, pdf_extract, strip_running_lines
from qa.ingest.formats.text import Extracted, _short, cjk_count, squash_line, table_lines
from qa.schema import page_of

__all__ = [
    "SUPPORTED_SUFFIXES",
    "DocxNumbering",
    "Extracted",
    "chinese_count",
    "cjk_count",
    "decode_html",
    "display_width",
    "docx_text",
    "extract_bytes",
    "extract_file",
    "format_number",
    "html_text",
    "is_page_number",
    "join_wrapped",
    "page_of",
    "pdf_extract",
    "sniff_charset",
    "squash_line",
    "strip_running_lines",
    "table_lines",
]

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
_FORMAT_OF = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html", ".docx": "docx", ".pdf": "pdf"}


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
