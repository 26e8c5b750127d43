"""jieba segmentation for BM25, on the Simplified form, with a corpus user dictionary.

Never a regex word split: Chinese has no spaces.  The user dictionary is built from the
corpus itself (unit names from duty groups, quoted terms such as “赣服通”) plus a short
list of policy terms (``qa/data/policy_terms.txt``), so that names stay whole tokens.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import lru_cache

from qa.data import HERE as DATA
from qa.normalize import match_form


def _policy_terms() -> list[str]:
    lines = (DATA / "policy_terms.txt").read_text(encoding="utf-8").splitlines()
    return [x.strip() for x in lines if x.strip() and not x.startswith("#")]


TOKENIZER_ID = "jieba-0.42.1-search+userdict-v1"

#: terms jieba keeps whole, from ``qa/data/policy_terms.txt`` (file order)
POLICY_TERMS: tuple[str, ...] = tuple(_policy_terms())

STOPWORDS = frozenset([
    "的", "了", "和", "与", "及", "或", "等", "在", "是", "对", "为", "以", "于", "把", "被", "将", "从", "向", "由", "其",
    "之", "这", "那", "有", "也", "都", "而", "并", "还", "就", "要", "能", "会", "可", "可以", "吗", "呢", "吧", "啊", "么",
    "什么", "怎么", "怎样", "如何", "哪些", "哪个", "哪", "谁", "多少", "几", "是否", "是不是", "请问", "一下", "我们", "你们", "他们",
    "我", "你", "他", "她", "它", "中", "上", "下", "个", "各", "该", "此", "所", "则", "通过", "进行", "有关", "相关", "方面",
    "工作", "提出", "明确", "一个",
])  # fmt: skip

_KEEP_RE = re.compile(r"[\w+%]")
_QUOTED_RE = re.compile(r"[“\"「『]([^”\"」』]{2,8})[”\"」』]")
_lock = threading.Lock()


def corpus_terms(texts: Iterable[str]) -> list[str]:
    """Terms for the user dictionary found in the corpus: quoted short names.

    >>> corpus_terms(["迭代升级“浙里·甬平安”应用，深化“一网通办”"])
    ['一网通办', '浙里·甬平安']
    """
    found = {m.group(1) for t in texts for m in _QUOTED_RE.finditer(match_form(t))}
    return sorted(t for t in found if not re.search(r"[，。；：、]", t))


@lru_cache(maxsize=8)
def _tokenizer(user_words: tuple[str, ...]):
    import jieba  # lazy: ~1 s to load its dictionary

    jieba.setLogLevel(60)
    tk = jieba.Tokenizer()
    tk.initialize()
    for w in (*POLICY_TERMS, *user_words):
        tk.add_word(match_form(w), freq=20000)
    return tk


@lru_cache(maxsize=1024)
def tagged(text: str) -> tuple[tuple[str, str], ...]:
    """jieba's words of a text with their parts of speech (``n`` noun, ``v`` verb, ``nr`` a
    person's name…), tagged once per text however many checks read them.

    >>> tagged("城市开展试点")
    (('城市', 'ns'), ('开展', 'v'), ('试点', 'n'))
    """
    import jieba.posseg  # lazy: loaded on the first question that needs parts of speech

    return tuple((w, flag) for w, flag in jieba.posseg.cut(text))


def tokenize(text: str, user_words: tuple[str, ...] = ()) -> list[str]:
    """BM25 tokens: jieba search-mode words of the Simplified text, stop-words and punctuation dropped.

    >>> tokenize("在寧波開公司能不能全程網上辦？")
    ['宁波', '开', '公司', '不能', '全程', '网上', '办']
    """
    return list(_tokens(text, tuple(user_words)))


@lru_cache(maxsize=8192)
def _tokens(text: str, user_words: tuple[str, ...]) -> tuple[str, ...]:
    """:func:`tokenize`, once per text: a question and the clauses it reads are tokenized by
    several stages (search, feedback, coverage)."""
    tk = _tokenizer(user_words)
    with _lock:  # jieba's Tokenizer is not thread-safe while it builds its DAG cache
        words = tk.lcut_for_search(match_form(text), HMM=False)
    return tuple(w for w in (x.strip().lower() for x in words) if w and _KEEP_RE.search(w) and w not in STOPWORDS)


def cut(text: str) -> list[str]:
    """jieba's words of a text in precise mode (no overlapping pieces, nothing dropped).

    >>> cut("住房公积金缴存比例")
    ['住房', '公积金', '缴存', '比例']
    """
    tk = _tokenizer(())
    with _lock:
        return tk.lcut(text)
