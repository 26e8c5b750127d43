"""Citation checks for generated answers (pure functions).

A generated sentence is kept only when it cites a passage that was given (``[n]`` with n in
range) and the cited passage supports it: every number and every unit name in the sentence
appears in the passage, and enough of its words do.  Everything else is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.normalize import match_form

_MARK_RE = re.compile(r"\[(\d{1,2})\]")
_NUM_RE = re.compile(r"\d+(?:\.\d+)?%?")
_UNIT_RE = re.compile(r"[省市县区][\u4e00-\u9fff]{1,10}?(?:委员会|管委会|办公厅|办公室|委|厅|局|办|院|中心|集团)")
MIN_OVERLAP = 0.5


@dataclass(frozen=True)
class Checked:
    sentence: str
    cites: tuple[int, ...]
    supported: bool
    reason: str = ""


def split_generated(text: str) -> list[str]:
    """Sentences of a generated answer, keeping each sentence's trailing ``[n]`` markers.

    >>> split_generated("目标是95%[1]。另需建设平台[2]")
    ['目标是95%[1]。', '另需建设平台[2]']
    """
    parts = re.findall(r"[^。！？!?\n]+(?:[。！？!?]|\n|$)(?:\s*\[\d{1,2}\])*", text)
    out = []
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if out and _MARK_RE.fullmatch(p.replace(" ", "")):
            out[-1] += p
        else:
            out.append(p)
    return out


def char_bigrams(text: str) -> set[str]:
    s = re.sub(r"[^\w%]", "", match_form(text))
    return {s[i : i + 2] for i in range(len(s) - 1)}


def support(sentence: str, passage: str) -> tuple[bool, str]:
    """Does ``passage`` support ``sentence``?  Numbers and unit names must appear; bigram overlap ≥ 0.5.

    >>> support("宁波到2025年建成5G基站4万个", "到2025年，累计建成5G基站4万个以上")
    (True, '')
    >>> support("宁波到2030年建成5G基站4万个", "到2025年，累计建成5G基站4万个以上")
    (False, 'number 2030 not in the cited passage')
    """
    s = _MARK_RE.sub("", sentence)
    p = match_form(passage)
    for num in _NUM_RE.findall(s):
        if num not in p:
            return False, f"number {num} not in the cited passage"
    for unit in _UNIT_RE.findall(match_form(s)):
        if unit not in p and unit[1:] not in p:
            return False, f"unit {unit} not in the cited passage"
    grams = char_bigrams(s)
    if not grams:
        return False, "empty sentence"
    overlap = len(grams & char_bigrams(passage)) / len(grams)
    if overlap < MIN_OVERLAP:
        return False, f"only {overlap:.0%} of its wording is in the cited passage"
    return True, ""


def verify(text: str, passages: list[str], attribute: bool = False) -> list[Checked]:
    """Check every sentence of a generated answer against the passages it cites (numbered from 1).

    With ``attribute``, a sentence the model left without a marker is credited to the passage
    that supports it, if one does (then checked like any other); otherwise it is dropped.

    >>> [c.supported for c in verify("目标是95%[1]。还要建设月球基地[1]。无出处的话。", ["掌上执法率的目标是95%"])]
    [True, False, False]
    >>> verify("掌上执法率的目标是95%。", ["掌上执法率的目标是95%"], attribute=True)[0].cites
    (1,)
    """
    out = []
    for sent in split_generated(text):
        cites = tuple(int(n) for n in _MARK_RE.findall(sent))
        if not cites and attribute:
            found = [i for i, p in enumerate(passages, 1) if support(sent, p)[0]]
            if found:
                out.append(Checked(f"{sent.rstrip()}[{found[0]}]", (found[0],), True, "attributed"))
                continue
        if not cites:
            out.append(Checked(sent, (), False, "no citation"))
            continue
        bad = [n for n in cites if not 1 <= n <= len(passages)]
        if bad:
            out.append(Checked(sent, cites, False, f"cites passage {bad[0]}, which was not given"))
            continue
        results = [support(sent, passages[n - 1]) for n in cites]
        ok = any(r[0] for r in results)
        out.append(Checked(sent, cites, ok, "" if ok else results[0][1]))
    return out
