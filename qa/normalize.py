"""Script, term and punctuation normalisation (pure functions).

The corpus mixes Simplified and Traditional documents; 001 was machine-converted with
Taiwan terms.  Matching happens on a Simplified form; display keeps the original.

OpenCC's phrase-level ``tw2sp`` profile was measured on 000/001 and rewrites ~20 ordinary
mainland words (建立→创建 ×40, 效能→性能, 指標→指针, 整合→集成, 核心→内核, 線上→在线…), so
the character-level ``t2s`` profile is used and the Taiwan *terms* are mapped by a small,
tested table instead (:data:`TW_TERMS`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: Taiwan terms introduced by machine conversion → mainland term (see DESIGN.md).
TW_TERMS: dict[str, str] = {
    "網際網路": "互联网",
    "网际网路": "互联网",
    "數位": "数字",
    "数位": "数字",
    "智慧型": "智能",
    "套用": "应用",
    "資料庫": "数据库",
    "资料库": "数据库",
    "巨觀": "宏观",
    "巨观": "宏观",
    "最佳化": "优化",
    "網路": "网络",
    "网路": "网络",
    "回響": "响应",
    "回响": "响应",
}

_TW_RE = re.compile("|".join(sorted(map(re.escape, TW_TERMS), key=len, reverse=True)))


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # lazy: only needed when text is converted

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def detect_script(text: str) -> str:
    """Return ``"traditional"`` when the text is mostly Traditional, else ``"simplified"``.

    >>> detect_script("推進政務服務標準化規範化便利化改革")
    'traditional'
    >>> detect_script("推进政务服务标准化规范化便利化改革")
    'simplified'
    """
    han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not han:
        return "simplified"
    sc = _t2s().convert("".join(han))
    changed = sum(1 for a, b in zip(han, sc, strict=False) if a != b)
    return "traditional" if changed >= max(1, 0.04 * len(han)) else "simplified"


def to_simplified(text: str) -> str:
    """Simplified form for matching: Taiwan terms mapped first, then characters by OpenCC t2s.

    >>> to_simplified("建立全省巨觀經濟發展基礎資料庫")
    '建立全省宏观经济发展基础数据库'
    >>> to_simplified("持續最佳化利企便民數位化服務")
    '持续优化利企便民数字化服务'
    """
    if not text:
        return text
    text = _TW_RE.sub(lambda m: TW_TERMS[m.group(0)], no_surrogates(text))
    return _t2s().convert(text)


def in_simplified(text: str, script: str) -> str:
    """A document's text in Simplified form, for reading it with patterns written in Simplified:
    as it is when the document (``script``) is Simplified already, converted otherwise.

    >>> in_simplified("同時廢止", "traditional"), in_simplified("同时废止", "simplified")
    ('同时废止', '同时废止')
    """
    return text if script == "simplified" else to_simplified(text)


def no_surrogates(text: str) -> str:
    """Lone surrogates (undecodable bytes of a command line, ``\\ud800`` in JSON) become ``?``:
    OpenCC and SQLite need UTF-8.

    >>> no_surrogates("宁波" + chr(0xDCFF))
    '宁波?'
    """
    return text.encode("utf-8", "replace").decode("utf-8") if any("\ud800" <= c <= "\udfff" for c in text) else text


def to_traditional(text: str) -> str:
    """Traditional form of a Simplified answer (for questions asked in Traditional).

    >>> to_traditional("数字政府")
    '數字政府'
    """
    return _s2t().convert(no_surrogates(text)) if text else text


def to_script(text: str, script: str) -> str:
    """Convert ``text`` into ``script`` (``"simplified"`` or ``"traditional"``)."""
    return to_traditional(text) if script == "traditional" else to_simplified(text)


_FW_PUNCT = str.maketrans({"(": "（", ")": "）", ":": "：", ";": "；", ",": "，", "?": "？", "!": "！"})


def fullwidth_punct(text: str) -> str:
    """ASCII punctuation between Chinese text → full-width forms (000/001 use ASCII ones).

    Digits and Latin text keep their ASCII punctuation: ``2.5`` and ``5G`` are untouched.

    >>> fullwidth_punct("(一)指導思想。以習近平新時代中國特色社會主義思想為指導,全面貫徹")
    '（一）指導思想。以習近平新時代中國特色社會主義思想為指導，全面貫徹'
    """
    out = []
    for i, ch in enumerate(text):
        if ch in "(),:;?!":
            prev = text[i - 1] if i else ""
            nxt = text[i + 1] if i + 1 < len(text) else ""
            latin = (prev.isascii() and prev.isalnum()) and (nxt.isascii() and nxt.isalnum())
            if not latin:
                ch = ch.translate(_FW_PUNCT)
        out.append(ch)
    return "".join(out)


_SPACE_RE = re.compile(r"[ \t\u3000\u00a0]+")


def squash_spaces(text: str) -> str:
    """Drop layout spaces between Chinese characters; keep one between Latin words.

    >>> squash_spaces("　　浙江省人民政府 ")
    '浙江省人民政府'
    >>> squash_spaces("App Store")
    'App Store'
    """
    text = unicodedata.normalize("NFC", text).strip(" \t\u3000\u00a0\r\n")

    def repl(m: re.Match) -> str:
        a = text[m.start() - 1] if m.start() else ""
        b = text[m.end()] if m.end() < len(text) else ""
        return " " if (a.isascii() and a.isalnum() and b.isascii() and b.isalnum()) else ""

    return _SPACE_RE.sub(repl, text)


def match_form(text: str) -> str:
    """The canonical form used for lexical matching: Simplified, full-width punctuation, no spaces.

    Texts up to a clause's length are cached: answers ask for the same titles, headings and
    clause texts again and again (a whole document is converted when asked, not kept).

    >>> match_form("(責任單位:省公安廳)")
    '（责任单位：省公安厅）'
    """
    return _match_form_cached(text) if len(text) <= _CACHED_CHARS else _match_form(text)


_CACHED_CHARS = 2000


def _match_form(text: str) -> str:
    return to_simplified(fullwidth_punct(squash_spaces(text)))


_match_form_cached = lru_cache(maxsize=1 << 15)(_match_form)
