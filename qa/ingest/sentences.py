"""Sentences of a clause (pure): cut at sentence ends outside parentheses, a duty parenthesis
kept with the sentence it follows."""

from __future__ import annotations

from functools import lru_cache

from qa.ingest.duties import strip_duty_groups


def split_sentences(text: str) -> list[str]:
    """Sentences of a clause; never split inside parentheses, and a duty parenthesis stays
    with the sentence it follows.

    >>> split_sentences("1.強化食品數位化監管。充分利用重點食品企業關鍵工序。(責任單位:省市場監管局)")
    ['1.強化食品數位化監管。', '充分利用重點食品企業關鍵工序。(責任單位:省市場監管局)']
    >>> split_sentences("建设应用。（牵头单位：省发展改革委；协同单位：省教育厅）")
    ['建设应用。（牵头单位：省发展改革委；协同单位：省教育厅）']
    """
    return list(_sentences(text))


@lru_cache(maxsize=8192)
def _sentences(text: str) -> tuple[str, ...]:
    """:func:`split_sentences`, once per text: the answer stage reads a clause's sentences for
    every question that retrieves it."""
    merged: list[str] = []
    for s in (x.strip() for x in cut_outside_parens(text, "。；！？!?;\n")):
        if not s:
            continue
        if merged and (not strip_duty_groups(s).strip() or len(s) <= 2):
            merged[-1] += s
        else:
            merged.append(s)
    return tuple(merged)


def cut_outside_parens(text: str, stops: str) -> list[str]:
    """``text`` cut after each character of ``stops`` that is not inside parentheses."""
    out: list[str] = []
    depth, cur = 0, []
    for ch in text:
        cur.append(ch)
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in stops:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out
