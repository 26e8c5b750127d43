"""Typed records passed between the stages of the pipeline (frozen dataclasses)."""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Duties:
    """Units a clause assigns work to, in published form (original script)."""

    lead: tuple[str, ...] = ()
    responsible: tuple[str, ...] = ()
    cooperating: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.lead or self.responsible or self.cooperating)

    def all_units(self) -> tuple[str, ...]:
        return self.lead + self.responsible + self.cooperating


@dataclass(frozen=True)
class Condition:
    """A condition a clause sets, as stated; ``kind`` says what it bounds (``age``, ``other``…)
    and ``low``/``high`` the parsed bounds, inclusive, where the text gives numbers."""

    text: str
    kind: str = "other"
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Eligibility:
    """Who a clause grants something to, on what conditions, what, and when (read at index time)."""

    who: tuple[str, ...] = ()  # 个人 | 企业 | 社会组织
    targets: tuple[str, ...] = ()  # the groups named: 特困人员, 职工参保人员, 中小企业
    conditions: tuple[Condition, ...] = ()
    benefits: tuple[str, ...] = ()  # 每人每月1000元, 免交租金
    periods: tuple[tuple[str, str], ...] = ()  # ISO dates (first, last) the clause states

    def __bool__(self) -> bool:
        return bool(self.benefits or self.conditions)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, d: dict | None) -> Eligibility:
        d = d or {}
        return cls(
            tuple(d.get("who", ())),
            tuple(d.get("targets", ())),
            tuple(Condition(**c) for c in d.get("conditions", ())),
            tuple(d.get("benefits", ())),
            tuple(tuple(p) for p in d.get("periods", ())),
        )


def page_of(pages: tuple[int, ...], offset: int) -> int | None:
    """1-based page holding character ``offset`` of a text whose pages start at ``pages``;
    ``None`` when there are no pages.

    >>> page_of((0, 120, 260), 130)
    2
    >>> page_of((0, 120, 260), 0), page_of((0, 120, 260), 9999), page_of((), 5)
    (1, 3, None)
    """
    if not pages:
        return None
    return max(1, bisect.bisect_right(pages, offset))


@dataclass(frozen=True)
class Document:
    """One source file, with metadata read from its text (empty where the text is silent)."""

    id: str
    source_file: str
    title: str
    issuer: str
    doc_number: str
    date: str
    region: str
    kind: str
    script: str  # "traditional" | "simplified"
    raw: str = field(repr=False)
    clean: str = field(repr=False)
    source: str = ""  # "来源" line of a reposted article
    addressees: str = ""  # 主送: the salutation line (各市、县人民政府…)
    basis: str = ""  # higher-level documents the preamble says it implements (《…》、《…》)
    author: str = ""
    level: str = ""  # 国家 | 省 | 市 | 县, from the issuer
    effective_date: str = ""  # 施行日期 the text states (自…起施行)
    valid_until: str = ""  # last day of a stated 有效期
    notice_title: str = ""  # a 印发…的通知's own title, when the attached document is the body
    title_from: str = ""  # where the title came from when the text has none: "cited by <doc id>"
    sha256: str = ""  # of the text as read (raw), so the same text in another encoding is a duplicate
    # --- the living library (see qa/library.py) ---
    format: str = "txt"  # txt | md | html | docx | pdf: raw is the text extracted from it
    pages: tuple[int, ...] = ()  # PDFs: offset in raw where each page starts
    version: int = 1
    status: str = "in_force"  # in_force | superseded | expired
    status_date: str = ""  # ISO date the status took (or takes) effect
    superseded_by: str = ""  # document id of the replacement
    origin: str = "seeds"  # seeds | added (through `policyqa add` or the upload page)
    added_at: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.pages, tuple):  # read back from JSON as a list
            object.__setattr__(self, "pages", tuple(self.pages))

    def page_of(self, offset: int) -> int | None:
        """1-based page of ``raw[offset]`` for PDFs, else None (see :func:`page_of`)."""
        return page_of(self.pages, offset)

    def effective_status(self, today: str) -> str:
        """The status on ``today`` (ISO date): a document set to expire on a later date is still in force.

        >>> d = Document("d", "d.txt", "", "", "", "", "", "", "simplified", "", "", status="expired", status_date="2030-01-01")
        >>> d.effective_status("2026-11-22"), d.effective_status("2030-01-01")
        ('in_force', 'expired')
        """
        if self.status != "in_force" and self.status_date and self.status_date > today:
            return "in_force"
        return self.status

    @property
    def name(self) -> str:
        """Display name: the stated title, else issuer · kind · date, else the file name."""
        if self.title:
            return self.title
        parts = [x for x in (self.issuer or self.source, self.kind, self.date) if x]
        return " · ".join(parts) if parts else self.source_file

    def meta(self) -> dict:
        """Metadata without the texts (for tables and JSON)."""
        d = asdict(self)
        d.pop("raw")
        d.pop("clean")
        d["name"] = self.name
        return d


@dataclass(frozen=True)
class Clause:
    """A numbered or paragraph unit of a document.

    ``raw[char_start:char_end]`` is the clause with everything beneath it, as published.
    ``text`` is the clause's own cleaned text (its heading line and own paragraphs),
    ``text_sc`` the same in Simplified script for matching.
    """

    id: str
    doc_id: str
    source_file: str
    path: str
    level: int
    heading: str
    title_path: str
    text: str
    text_sc: str
    char_start: int
    char_end: int
    parent_id: str | None
    duties: Duties = Duties()
    own_end: int = -1  # end of the clause's own lines in raw (before its children)
    page: int | None = None  # PDFs: the page the clause starts on
    eligibility: Eligibility = Eligibility()  # what the clause grants, to whom (qa/ingest/eligibility.py)

    def to_json(self) -> dict:
        d = asdict(self)
        d["eligibility"] = self.eligibility.to_json()
        d["duties"] = {
            "lead": list(self.duties.lead),
            "responsible": list(self.duties.responsible),
            "cooperating": list(self.duties.cooperating),
        }
        return d

    @classmethod
    def from_json(cls, d: dict) -> Clause:
        d = dict(d)
        du = d.pop("duties", {}) or {}
        eligibility = Eligibility.from_json(d.pop("eligibility", None))
        return cls(
            **d,
            eligibility=eligibility,
            duties=Duties(
                tuple(du.get("lead", ())), tuple(du.get("responsible", ())), tuple(du.get("cooperating", ()))
            ),
        )


@dataclass(frozen=True)
class Hit:
    """A retrieved clause, its fused score and which retrievers found it (with their ranks)."""

    clause: Clause
    score: float
    sources: tuple[str, ...] = ()
    ranks: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Citation:
    n: int
    clause: Clause
    sentence: str = ""  # the supporting sentence, for highlighting


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    refused: bool
    citations: tuple[Citation, ...]
    hits: tuple[Hit, ...]
    latency_ms: float = 0.0
    generator: str = "extractive"
    rewritten: str = ""  # the standalone question, when a follow-up was rewritten
    notes: tuple[str, ...] = ()
    mode: str = "fact"  # fact | duty | reverse_duty | meta | outline | compare | refusal | help
