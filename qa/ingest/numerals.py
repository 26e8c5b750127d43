"""Chinese numerals ↔ integers, through cn2an (loaded on first use)."""

from __future__ import annotations


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


def cn_numeral(n: int) -> str:
    """Inverse of :func:`cn_number`.

    >>> [cn_numeral(x) for x in (3, 10, 12, 21, 132)]
    ['三', '十', '十二', '二十一', '一百三十二']
    """
    import cn2an

    return cn2an.an2cn(n)
