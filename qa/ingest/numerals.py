"""Chinese numerals ↔ integers, through cn2an; jionlp's parsers of places, money and dates
(both loaded on first use)."""

from __future__ import annotations

import contextlib
import io
import re
import warnings
from functools import cache


@cache
def jionlp():
    """The jionlp module, imported once and quietly (it greets on stdout on import)."""
    with contextlib.redirect_stdout(io.StringIO()):
        import jionlp

    return jionlp


def in_digits(text: str) -> str:
    """``text`` with its Chinese numerals written in digits (cn2an), for parsing.

    >>> in_digits("年满六十周岁，连续缴存十二个月")
    '年满60周岁，连续缴存12个月'
    """
    if not re.search("[一二三四五六七八九十百千万两〇零]", text):
        return text
    import cn2an

    with warnings.catch_warnings():  # cn2an warns of every numeral-like word it leaves alone (十四五)
        warnings.simplefilter("ignore")
        try:
            return cn2an.transform(text, "cn2an")
        except (ValueError, KeyError, IndexError):
            return text


def cn_number(text: str) -> int:
    """Value of a Chinese numeral, 两 included (0 when it is not one).

    >>> [cn_number(x) for x in ("三", "十", "十二", "二十一", "一百三十二", "一百零五", "两", "")]
    [3, 10, 12, 21, 132, 105, 2, 0]
    """
    if not text:
        return 0
    import cn2an

    try:
        return int(cn2an.cn2an(text.replace("两", "二"), "strict"))
    except (ValueError, KeyError, TypeError):
        return 0


_DIGITS_RE = re.compile(r"^\d+$")
_CN_RE = re.compile(r"^[一二三四五六七八九十百零〇两]+$")


def number_value(numeral: str) -> int:
    """A number written in digits or in Chinese (14, 十四); 0 for anything else (第三条, ¶1).

    >>> [number_value(x) for x in ("14", "十四", "第三条", "¶1", "")]
    [14, 14, 0, 0, 0]
    """
    return int(numeral) if _DIGITS_RE.match(numeral) else cn_number(numeral) if _CN_RE.match(numeral) else 0


def cn_numeral(n: int) -> str:
    """Inverse of :func:`cn_number`.

    >>> [cn_numeral(x) for x in (3, 10, 12, 21, 132)]
    ['三', '十', '十二', '二十一', '一百三十二']
    """
    import cn2an

    return cn2an.an2cn(n)
