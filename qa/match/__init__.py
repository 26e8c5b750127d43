"""政策找人: match a person's or a firm's situation to the clauses that apply.

The steps, one module each: ``profile`` (free text and form fields → a Profile) · ``judge``
(a clause's place, whom it is for, and each condition against the profile) · ``rank`` (search,
leave out what the profile contradicts, order) · ``subscriptions`` (saved profiles and their
feeds).  The facts matched on are read at index time by :mod:`qa.ingest.eligibility`.
"""

from qa.answer import clause_json
from qa.match.profile import Profile, read_profile
from qa.match.rank import Match, Matches, match


def match_json(m: Match) -> dict:
    """One match as the contract shows it: the clause cited exactly as an answer cites it
    (:func:`qa.answer.clause_json`), with what the match adds."""
    return {
        **clause_json(m.clause),
        "title": m.doc.name,
        "score": round(m.score, 6),
        "benefit": "；".join(m.eligibility.benefits),
        "conditions": [{"text": t, "status": s} for t, s in m.conditions],
        "valid": m.valid,
        "why": m.why,
    }


def to_record(result: Matches) -> dict:
    """The match record every front end shares (``policyqa match --json``, ``POST /api/match``)."""
    return {
        "profile": result.profile.to_json(),
        "matches": [match_json(m) for m in result.matches],
        "message": result.message,
        "latency_ms": result.latency_ms,
        "left_out": result.left_out,
    }


__all__ = ["Match", "Matches", "Profile", "match", "match_json", "read_profile", "to_record"]
