"""政策找人: the clauses that grant a profile something, best first, and none when nothing applies.

The steps: the profile's words (with the policy's words for the identities it names) search the
index as a question would, and titles, headings and grounds for refusal (the items of a
有下列情形之一的，不得… list) are left out; each hit is checked against the profile (its
document's place, whom it is for, each condition the clause or its list sets); those the profile
contradicts are left out; the rest keep the search's order, except that a list's items follow it
(see :func:`items_after_lists`).  When the first hits are all left out, or none of the first
that apply stands near the profile in meaning, nothing applies.  Last, the first ten are ordered by
their nearness in meaning, less a penalty for their place in the search (:func:`by_nearness`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from qa.corpus import Corpus, is_list, item_lead, lead_of
from qa.data import words
from qa.evidence import clause_cosines, speaks_of_itself, threshold_status, thresholds_met
from qa.match.judge import (
    NOT_MET,
    condition_status,
    doc_region,
    identities_named,
    place_applies,
    size_applies,
    who_applies,
)
from qa.match.profile import Profile, read_profile
from qa.schema import Clause, Document, Eligibility
from qa.search.index import Index
from qa.search.retrieve import search

POOL = 30  # hits searched per profile
#: When the first hits searched are all left out (another place, another kind of applicant, a
#: condition not met), what follows them is what the search found next, not what applies: a
#: profile whose first applicable hit was searched at this rank or later gets no matches.
#: Chosen on the tuning profiles (any value from 3 to 23 separates them); on the held-out
#: profiles it empties 6 of 11 uncovered lists and no covered one (eval/ABLATION.md).
FIRST_APPLICABLE_WITHIN = 3
#: …and when none of the first three that apply stands near the profile in meaning (e5 cosine of
#: the profile's words and the clause's stored vector; a cosine does not depend on the library's
#: size), they share words with it, not its situation (护照, 驾驶证换证, 高温补贴…).  0.878: the
#: highest value that empties no covered tuning profile of the three profile sets (0.87 with the
#: first two; eval/ABLATION.md).
NEAR_PROFILE = 0.878
#: The first matches are ordered by how near each stands to the profile (cosine in hundredths) less
#: this much per place in the search's order.  At 1 or 1.5 a tuning set's MRR falls; 2 and 3 lower
#: no tuning set's hit@5 or MRR, and 2 was taken, the smaller, which is also the one that helps the
#: held-out profiles (eval/ABLATION.md).
RANK_PENALTY = 2.0
RERANK_DEPTH = 10
#: …and a clause whose threshold the situation's own quantity of the same thing meets (修了五次
#: against 累计修理超过4次: :mod:`qa.evidence.quantities`) gains this much.  16: of 5, 8, 12, 16 and
#: 20, the largest that lowers no tuning profile set's hit@5 or MRR (20 lowers one's MRR).
QUANTITY_BONUS = 16.0


@dataclass(frozen=True)
class Match:
    clause: Clause
    doc: Document
    score: float
    eligibility: Eligibility
    conditions: tuple[tuple[str, str], ...]  # (text, 符合 | 不符合 | 未说明)
    valid: dict
    why: str
    searched_rank: int = 0  # its place among the hits searched, before any was left out


@dataclass(frozen=True)
class Matches:
    profile: Profile
    matches: tuple[Match, ...]
    message: str
    latency_ms: float = 0.0
    left_out: dict = field(default_factory=dict)  # reason → how many hits it removed


def query_of(profile: Profile) -> str:
    """What the profile searches with: its own words, the fields it gave, the identities' policy words."""
    parts = [profile.text, profile.region.name() if not profile.text else "", profile.industry, profile.size]
    return " ".join(p for p in [*parts, *profile.identities] if p)


#: a provision says something in at least one phrase; a line without any of these marks is a
#: title, an issuer or a heading (广州住房公积金管理中心), which grants nothing
_PHRASE_MARK_RE = re.compile(r"[，。；：！？、,;:!?]")


def candidates(index: Index, profile: Profile) -> list:
    """The provisions a profile's words find, best first (hybrid search, as for a question): no
    title or heading, no ground for refusal (see :func:`withheld`), and no clause on nothing but
    its document's own force (本办法自…起实施，有效期为5年), which grants no one anything."""
    hits = search(index, query_of(profile), k=POOL)
    return [
        h
        for h in hits
        if _PHRASE_MARK_RE.search(h.clause.text_sc)
        and not withheld(index.corpus, h.clause)
        and not speaks_of_itself(h.clause.text_sc)
    ]


def withheld(corpus: Corpus, clause: Clause) -> bool:
    """Is the clause an item of a list whose header withholds (有下列情形之一的，不得申请购买…：)?
    Such an item (有住房家庭夫妻离异后单独提出申请…) says who does not get something, which no
    profile is offered as a match."""
    lead = item_lead(corpus, clause)
    return lead is not None and any(w in lead.text_sc for w in words("withholding_words"))


def eligibility_of(corpus: Corpus, clause: Clause) -> Eligibility:
    """A clause's own facts, with the conditions its list's lead-in states (:func:`lead_of`)."""
    own = clause.eligibility
    lead = lead_of(corpus, clause)
    if lead is None or not lead.eligibility.conditions:
        return own
    merged = tuple(dict.fromkeys([*lead.eligibility.conditions, *own.conditions]))
    return Eligibility(own.who or lead.eligibility.who, own.targets, merged, own.benefits, own.periods)


def document_groups(corpus: Corpus) -> Callable[[str], tuple[str, ...]]:
    """The kinds of applicant (个人, 企业…) a document's clauses name, by document id, read once
    per document asked about (:func:`~qa.match.judge.who_applies` reads them for a clause that
    names none)."""
    seen: dict[str, tuple[str, ...]] = {}

    def of(doc_id: str) -> tuple[str, ...]:
        if doc_id not in seen:
            own = (g for c in corpus.clauses_of(doc_id) for g in c.eligibility.who)
            seen[doc_id] = tuple(dict.fromkeys(own))
        return seen[doc_id]

    return of


def context_of(corpus: Corpus, clause: Clause) -> str:
    """The text a clause's conditions are read in: its own, its list's lead-in's and its parent's."""
    parent = corpus.clause_by_id.get(clause.parent_id) if clause.parent_id else None
    lead = lead_of(corpus, clause)
    above = [c.text_sc for c in dict.fromkeys(x for x in (lead, parent) if x is not None)]
    return "\n".join([clause.text_sc, *above])


def items_after_lists(corpus: Corpus, found: list[Match]) -> list[Match]:
    """The matches with a list's items right after it: the items of a matched list header (its
    benefits are in them: 丧葬补助金, 抚恤金… under “其近亲属按照下列规定…领取：”), and the other
    items of the list the first match belongs to (机构护理 beside 居家护理 under one article) that
    the search found among its first :data:`RERANK_DEPTH` hits (an item found only deeper, such as
    the eight items a 三包凭证 must state, would push out the clauses found before it).  Only items
    the search found and the profile does not contradict move; each keeps the search's order
    among them."""
    out: list[Match] = []
    placed: set[str] = set()
    for n, m in enumerate(found):
        if m.clause.id in placed:
            continue
        out.append(m)
        placed.add(m.clause.id)
        lists = {m.clause.id} if is_list(m.clause) else set()
        siblings = ""
        if n == 0 and m.clause.parent_id and is_list(corpus.clause_by_id.get(m.clause.parent_id)):
            lists.add(siblings := m.clause.parent_id)
        for item in found:
            if item.clause.parent_id == siblings and item.searched_rank >= RERANK_DEPTH:
                continue  # another item of the first match's list, found only deep in the search
            if item.clause.id not in placed and item.clause.parent_id in lists:
                out.append(item)
                placed.add(item.clause.id)
    return out


def validity(doc: Document, on: str) -> dict:
    """Whether the document is in force on ``on`` (ISO), with the dates it states."""
    status = doc.effective_status(on)
    if status == "in_force" and doc.valid_until and doc.valid_until < on:
        status = "expired"
    if status == "in_force" and doc.effective_date and doc.effective_date > on:
        status = "not_yet"
    return {
        "status": status,
        "in_force": status == "in_force",
        "effective_date": doc.effective_date,
        "valid_until": doc.valid_until,
    }


def match(index: Index, text: str, fields: dict | None = None, k: int = 10, in_force_only: bool = False) -> Matches:
    """The clauses that apply to a profile (free text and optional fields), best first."""
    started = time.perf_counter()
    profile = read_profile(text, fields)
    corpus = index.corpus
    today = date.today().isoformat()
    left_out: dict[str, int] = {}
    found: list[Match] = []
    groups = document_groups(corpus)
    for pos, hit in enumerate(candidates(index, profile)):
        c = hit.clause
        doc = corpus.doc_by_id[c.doc_id]
        elig = eligibility_of(corpus, c)
        context = context_of(corpus, c)
        place = doc_region(doc.region) if doc.level != "国家" else None
        statuses = tuple((cond.text, condition_status(cond, profile, context, place)) for cond in elig.conditions)
        valid = validity(doc, today)
        reason = (
            "another place" if not place_applies(doc, profile)
            else "for others" if not who_applies(elig, c.text_sc, profile, groups(doc.id))
            or not size_applies(elig.targets, profile)
            else "a condition not met" if any(s == NOT_MET for _t, s in statuses)
            or threshold_status(profile.text, c.text_sc) is False
            else ""
        )  # fmt: skip
        if reason:
            left_out[reason] = left_out.get(reason, 0) + 1
            continue
        named = identities_named(c.text_sc + c.title_path, profile)
        found.append(Match(c, doc, hit.score, elig, statuses, valid, _why(elig, named, doc, profile), pos))
    near = nearness(index, profile.text or query_of(profile))
    near(found[:RERANK_DEPTH])  # read the first matches' vectors at once
    if not found or found[0].searched_rank >= FIRST_APPLICABLE_WITHIN or max(near(found[:3])) < NEAR_PROFILE:
        found = []
    found = items_after_lists(corpus, found)
    if in_force_only:  # a switch of the reader's, after relevance was judged on every document
        left_out["not in force"] = sum(not m.valid["in_force"] for m in found)
        found = [m for m in found if m.valid["in_force"]]
    kept = tuple(by_nearness(found, near, profile.text)[:k])
    message = (
        f"{len(kept)} 条可能适用的条款"
        if kept
        else "没有找到适用于这一情况的政策条款：文件库中的文件没有为这一情况规定待遇或服务。"
    )
    if left_out.get("not in force"):
        message += f"（另有 {left_out['not in force']} 条出自已失效的文件，未列出）"
    return Matches(profile, kept, message, round((time.perf_counter() - started) * 1000, 1), left_out)


def nearness(index: Index, text: str) -> Callable[[list[Match]], list[float]]:
    """Each match's cosine to ``text`` (the person's own words, or the fields' when there are
    none), read from the stored vectors once per clause however often it is asked."""
    seen: dict[str, float] = {}

    def of(matches: list[Match]) -> list[float]:
        if missing := [m.clause for m in matches if m.clause.id not in seen]:
            seen.update(zip((c.id for c in missing), clause_cosines(index, text, missing), strict=True))
        return [seen[m.clause.id] for m in matches]

    return of


def by_nearness(found: list[Match], near: Callable[[list[Match]], list[float]], situation: str = "") -> list[Match]:
    """The first :data:`RERANK_DEPTH` matches reordered by nearness in meaning, each keeping
    :data:`RANK_PENALTY` per place of its search rank: the search finds the document, the meaning
    of the situation picks its clause, and a threshold the situation meets picks among clauses
    alike (:data:`QUANTITY_BONUS`)."""
    head = found[:RERANK_DEPTH]
    cos = near(head)
    met = [QUANTITY_BONUS if situation and thresholds_met(situation, m.clause.text_sc) else 0.0 for m in head]
    order = sorted(range(len(head)), key=lambda i: -(100 * cos[i] - RANK_PENALTY * i + met[i]))
    return [head[i] for i in order] + found[RERANK_DEPTH:]


def _why(elig: Eligibility, named: tuple[str, ...], doc: Document, profile: Profile) -> str:
    """One line on why a clause matched: whom it is for, the identities it shares, its place."""
    parts = []
    if elig.targets:
        parts.append("面向" + "、".join(elig.targets[:3]))
    if named:
        parts.append("涉及所述情况：" + "、".join(named[:3]))
    if profile.region and doc.region:
        parts.append(f"适用地区{doc.region}")
    return "；".join(parts) or "条款内容与所述情况相关"
