"""What a question names: its common nouns, and among them the things one holds, pays or
receives by name (a tax, a fee, a certificate, a card…), with where a text names them."""

from __future__ import annotations

import re
from functools import lru_cache

from qa.data import mapping
from qa.question.query import says_term
from qa.search.tokens import tagged

_NAME_FLAGS = ("nr", "nrt", "nrfg", "ns")  # jieba's names of people and places


def nouns_of(sc: str) -> list[str]:
    """The common nouns of a question, two characters or more (jieba's parts of speech; names of
    places and people left out): 医保卡, 押金, 驾驶证 in everyday questions.

    >>> nouns_of("医保卡丢了，补办一张要去哪里？"), nouns_of("我在南昌开了家小饭馆，能申请补贴吗？")
    (['医保卡'], ['饭馆', '补贴'])
    """
    return [w for w, flag in tagged(sc) if flag.startswith("n") and flag not in _NAME_FLAGS and len(w) >= 2]


#: the endings of the names of things one holds, pays or receives, each with the general words
#: for its kind (qa/data/instrument_suffixes.txt), longest first
_KINDS = dict(sorted(mapping("instrument_suffixes").items(), key=lambda kv: -len(kv[0])))
_INSTRUMENT_RE = re.compile("(?:" + "|".join(map(re.escape, _KINDS)) + ")$")


def named_instruments(sc: str) -> list[str]:
    """The things a question names that one holds, pays or receives by name: its nouns that end
    like a tax, a fee, a certificate, an insurance, a card, a voucher or a sum of money.

    >>> named_instruments("在长春买首套房，契税能补贴多少？"), named_instruments("驾驶证快到期了，换证还要体检吗？")
    (['契税'], ['驾驶证'])
    >>> named_instruments("二手车的三包有效期是多长？")
    []
    """
    return [n for n in dict.fromkeys(nouns_of(sc)) if _INSTRUMENT_RE.search(n)]


def names_instrument(name: str, text: str) -> bool:
    """Does a text (match form) name the thing, its official term, or the general word for its
    kind (证件 for 身份证)?

    >>> names_instrument("身份证", "推进无证件（证明）办事"), names_instrument("契税", "首套房贷款最低首付比例为20%")
    (True, False)
    >>> names_instrument("失业金", "领取失业保险金人员"), names_instrument("低保金", "按月发放最低生活保障金")
    (True, True)
    """
    kind = m.group(0) if (m := _INSTRUMENT_RE.search(name)) else ""
    if says_term(name, text) or any(t in text for t in _KINDS.get(kind, ())):
        return True
    return any(len(m.group(1)) <= len(name) + 4 for m in _shortened_re(name).finditer(text))


@lru_cache(maxsize=256)
def _shortened_re(name: str) -> re.Pattern:
    """Where a shortened name (失业金, 低保金) is written out in full (失业保险金, 最低生活保障金): its
    characters in order, from its first to its last (the caller keeps spans at most four longer)."""
    inner = "[\u4e00-\u9fff]{0,4}?".join(map(re.escape, name))
    return re.compile(f"(?=({inner}))")
