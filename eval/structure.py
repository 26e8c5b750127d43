"""Hold the parser to the expected-structure records of the corpus (eval/corpus/expected/*.json).

``python -m eval.structure`` prints, per document, which fields differ from the record, and
the totals the document-grammar issue asks for (articles, items, duty groups, documents with
each metadata field filled).  ``tests/test_corpus_structure.py`` asserts the same per document.

The records were written from the texts, not from this parser (see expected/README.md).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent / "corpus"
DOCS = ROOT / "docs"
EXPECTED = ROOT / "expected"
META_FIELDS = ("title", "doc_number", "issuers", "date", "effective_date", "valid_until", "level", "region", "kind")
_ARTICLE_SEG = re.compile(r"^第[一二三四五六七八九十百零〇]+条$")
_CHAPTER_SEG = re.compile(r"^第[一二三四五六七八九十百零〇]+章$")
_NUM1_SEG = re.compile(r"^(?:[一二三四五六七八九十]+|\d{1,2})(?:~\d+)?$")


@dataclass
class Result:
    """One document against its record: the fields that differ, and the structure counts."""

    source_file: str
    wrong: dict[str, tuple[object, object]] = field(default_factory=dict)  # field → (got, expected)
    articles: tuple[int, int] = (0, 0)  # (parsed as article clauses, expected)
    chapters: tuple[int, int] = (0, 0)
    top_items: tuple[int, int] = (0, 0)
    duties: tuple[int, int] = (0, 0)  # (annotations whose units all came out in their roles, expected)
    filled: dict[str, bool] = field(default_factory=dict)


def expected_records() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(EXPECTED.glob("*.json"))]


def _issuers(text: str) -> set[str]:
    return {x for x in re.split(r"[、，,\s]+", text) if x}


def _units(names) -> set[str]:
    return {re.sub(r"\s+", "", n) for n in names}


def run_in(text: str, sep: str = "") -> str:
    """The text as a scrape that lost its line breaks: its lines joined by ``sep``."""
    return sep.join(line.strip() for line in text.splitlines() if line.strip())


#: what a government site prints around a document it publishes, as a page saved as text keeps it
PAGE_HEAD = (
    "首页 > 政务公开 > 政策文件",
    "索引号：000014349/2020-00123    主题分类：综合政务",
    "【字体：大 中 小】 【打印本页】 【关闭窗口】",
    "发布时间：2020-05-06 09:30    浏览次数：1234",
)
PAGE_FOOT = (
    "相关附件：",
    "上一篇：关于开展2020年读书月活动的通知",
    "下一篇：关于做好2020年中考报名工作的通知",
    "【打印本页】 【关闭窗口】",
    "主办单位：本网站    版权所有",
    "网站标识码：1100000001    京ICP备05070000号",
)


def scraped(text: str) -> str:
    """The text as a page of a government site saved as text: the site's breadcrumb, table of
    particulars, buttons and counter above it, and its links and footer below."""
    return "\n".join([*PAGE_HEAD, text.strip("\n"), *PAGE_FOOT]) + "\n"


def wrapped(text: str, width: int = 38) -> str:
    """The text as a fixed-width export gives it: every line broken every ``width`` characters."""
    out = []
    for line in (x.strip() for x in text.splitlines()):
        out += [line[i : i + width] for i in range(0, len(line), width)] or [""]
    return "\n".join(out)


def check(record: dict, layout: Callable[[str], str] | None = None) -> Result:
    """Parse the record's document with the project's own reader and compare; with ``layout``,
    the document as it reads when its text is laid out so (:func:`run_in`, :func:`wrapped`)."""
    from qa.ingest import load_document, parse_clauses
    from qa.ingest.document import document_from_text
    from qa.ingest.grammar import is_bundled_title

    path = DOCS / record["source_file"]
    doc = load_document(path) if layout is None else document_from_text(layout(path.read_text("utf-8")), path.name)
    clauses = parse_clauses(doc)
    res = Result(record["source_file"])
    got = {
        "title": doc.title,
        "doc_number": re.sub(r"\s+", "", doc.doc_number),
        "issuers": _issuers(doc.issuer),
        "date": doc.date,
        "effective_date": doc.effective_date,
        "valid_until": doc.valid_until,
        "level": doc.level,
        "region": doc.region,
        "kind": doc.kind,
    }
    want = {
        "title": record["attached_title"] or record["title"],
        "doc_number": re.sub(r"\s+", "", record["doc_number"]),
        "issuers": set(record["issuers"]),
        **{k: record[k] for k in ("date", "effective_date", "valid_until", "level", "region", "kind")},
    }
    for k in META_FIELDS:
        res.filled[k] = bool(got[k])
        if got[k] != want[k]:
            res.wrong[k] = (got[k], want[k])
    segs = [c.path.split("/") for c in clauses]
    res.articles = (sum(1 for s in segs if _ARTICLE_SEG.match(s[-1])), record["articles"])
    res.chapters = (sum(1 for s in segs if _CHAPTER_SEG.match(s[-1])), record["chapters"])
    # 一、 二、 at the top, also of a document the notice bundles (进一步支持…的规定/一)
    top = [s[-1] for s in segs if _NUM1_SEG.match(s[-1]) and (len(s) == 1 or (len(s) == 2 and is_bundled_title(s[0])))]
    # a plan numbered 1. 2. at its top (no 一、) counts those; otherwise 一、 二、
    res.top_items = (sum(1 for t in top if not t.isdigit()) or len(top), record["top_items"])
    ok = 0
    for item in record["duty_items"]:
        # found also where a fixed-width layout broke it over lines
        found = re.search(r"\s*".join(map(re.escape, item["evidence"])), doc.raw)
        at = found.start() if found else -1
        owners = [c for c in clauses if c.char_start <= at < (c.own_end if c.own_end >= 0 else c.char_end)]
        owner = owners[-1] if owners else None
        if owner is not None and all(
            _units(item[role]) <= _units(getattr(owner.duties, role)) for role in ("lead", "responsible", "cooperating")
        ):
            ok += 1
    res.duties = (ok, len(record["duty_items"]))
    return res


def main() -> int:
    """``python -m eval.structure [--joined SEP | --wrapped N | --scraped]``: the documents as published, with
    their lines joined by SEP (``--joined ''``: one run-in line each), broken every N characters, or
    in a site's page saved as text."""
    layout = None
    if "--joined" in sys.argv:
        sep = sys.argv[sys.argv.index("--joined") + 1]
        layout = lambda text: run_in(text, sep)  # noqa: E731
    elif "--scraped" in sys.argv:
        layout = scraped
    elif "--wrapped" in sys.argv:
        width = int(sys.argv[sys.argv.index("--wrapped") + 1])
        layout = lambda text: wrapped(text, width)  # noqa: E731
    results = [check(r, layout) for r in expected_records()]
    for r in results:
        counts = f"art {r.articles[0]}/{r.articles[1]} ch {r.chapters[0]}/{r.chapters[1]} items {r.top_items[0]}/{r.top_items[1]} duties {r.duties[0]}/{r.duties[1]}"
        print(f"{r.source_file[:34]:34} {counts}")
        for k, (g, w) in r.wrong.items():
            print(f"    {k}: got {g!r} want {w!r}")
    total = {
        k: (sum(getattr(r, k)[0] for r in results), sum(getattr(r, k)[1] for r in results))
        for k in ("articles", "chapters", "top_items", "duties")
    }
    print("\ntotals (parsed / expected):", {k: f"{a}/{b}" for k, (a, b) in total.items()})
    right = {k: sum(k not in r.wrong for r in results) for k in META_FIELDS}
    filled = {k: sum(r.filled[k] for r in results) for k in META_FIELDS}
    print("documents with the field right:", right)
    print("documents with the field filled:", filled)
    return 0


if __name__ == "__main__":
    sys.exit(main())
