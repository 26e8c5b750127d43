"""The task a duty question asks about, as character pairs, and how much of it a clause names."""

from __future__ import annotations

import re

HAN_RUN_RE = re.compile(r"[\u4e00-\u9fff]{2,}")
#: What a duty question says around the task it asks about: the asking, the roles, fillers.
_DUTY_WORDS_RE = re.compile(
    r"由?(?:哪个|哪些|哪几个|哪家|什么)(?:部门|单位|机构)|谁来?|归谁|牵头|负责|责任|协同|配合|参与|主管|承担|主抓|落实"
    r"|单位|部门|机构|这项|该项|工作|具体|分别|主要|还有|哪些|哪个|哪家|哪几个|什么|多少个?|几个|是|的|了|在|中|吗|有|要"
)


def task_bigrams(sc: str, names: tuple[str, ...] = ()) -> frozenset[str]:
    """The character pairs of the task a duty question asks about (Simplified match form),
    without its places, the document names ``names`` and the words asking for units.

    >>> sorted(task_bigrams("河北省谁牵头建设数字孪生城市？", ("河北省",)))
    ['城市', '字孪', '孪生', '建设', '数字', '生城', '设数']
    """
    for name in sorted(names, key=len, reverse=True):
        sc = sc.replace(name, " ")
    runs = HAN_RUN_RE.findall(_DUTY_WORDS_RE.sub(" ", sc))
    return frozenset(r[i : i + 2] for r in runs for i in range(len(r) - 1))


def bigram_coverage(pairs: frozenset[str], text: str, rarity: dict[str, float], unseen: float) -> float:
    """Rarity-weighted share of ``pairs`` that occur in ``text``: the task named, not just its words.

    A long clause holds 一体化, 数字, 资源 and 系统 somewhere; only the one that names
    一体化数字资源系统 holds its rare pairs 化数, 字资 and 源系 too.

    >>> rare = {"数字": 0.1, "字资": 3.0, "资源": 1.0, "源系": 3.0, "系统": 1.0}
    >>> round(bigram_coverage(frozenset(rare), "加快建设一体化数字资源系统", rare, 4.0), 2)
    1.0
    >>> round(bigram_coverage(frozenset(rare), "统筹数据资源，建设业务系统，推进数字化", rare, 4.0), 2)
    0.26
    """
    total = sum(rarity.get(p, unseen) for p in pairs)
    found = sum(rarity.get(p, unseen) for p in pairs if p in text)
    return found / total if total else 1.0
