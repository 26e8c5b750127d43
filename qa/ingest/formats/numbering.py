"""List numbering: a counter rendered in a Word ``numFmt`` (also an HTML ``<ol type>``) —
Chinese counting numerals, heavenly stems, letters, Roman and circled numbers."""

from __future__ import annotations

_CN_DIGITS = "零一二三四五六七八九"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_LEGAL = "零壹贰叁肆伍陆柒捌玖"


def chinese_count(n: int, zero: str = "零") -> str:
    """Chinese counting numeral: 1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五.

    >>> [chinese_count(x) for x in (1, 10, 12, 20, 21, 105, 1010)]
    ['一', '十', '十二', '二十', '二十一', '一百零五', '一千零一十']
    """
    if n <= 0:
        return _CN_DIGITS[0] if n == 0 else str(n)
    if n >= 10000:
        return str(n)
    if 10 <= n < 20:
        return "十" + (_CN_DIGITS[n - 10] if n > 10 else "")
    out, pending_zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if pending_zero:
                out.append(zero)
            out.append(_CN_DIGITS[d] + unit)
            pending_zero = False
        elif out:
            pending_zero = True
    return "".join(out)


def _letters(n: int, upper: bool) -> str:
    n = max(1, n)
    ch = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
    return ch.upper() if upper else ch


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                       (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):  # fmt: skip
        d, n = divmod(n, value)
        out.append(sym * d)
    return "".join(out)


def _circled(n: int) -> str:
    if 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if 21 <= n <= 35:
        return chr(0x3251 + n - 21)
    if 36 <= n <= 50:
        return chr(0x32B1 + n - 36)
    return str(n)


def format_number(n: int, fmt: str) -> str:
    """Render counter ``n`` in a Word ``numFmt``; unknown formats fall back to decimal.

    >>> [format_number(3, f) for f in ("decimal", "chineseCounting", "ideographTraditional", "lowerLetter",
    ...                                "upperRoman", "decimalEnclosedCircleChinese", "decimalZero")]
    ['3', '三', '丙', 'c', 'III', '③', '03']
    >>> format_number(11, "chineseCountingThousand"), format_number(11, "japaneseCounting"), format_number(4, "x")
    ('十一', '十一', '4')
    """
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "japaneseDigitalTenThousand",
               "taiwaneseCounting", "taiwaneseCountingThousand", "koreanCounting"):  # fmt: skip
        return chinese_count(n, "〇" if fmt in ("taiwaneseCounting",) else "零")
    if fmt in ("ideographTraditional",):
        return _STEMS[(n - 1) % 10]
    if fmt == "ideographZodiac":
        return _BRANCHES[(n - 1) % 12]
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseLegal"):
        return "".join("〇一二三四五六七八九"[int(d)] for d in str(n)) if n >= 0 else str(n)
    if fmt == "chineseLegalSimplified":
        return "".join(_LEGAL[int(d)] for d in str(n)) if n >= 0 else str(n)
    if fmt in ("lowerLetter", "upperLetter"):
        return _letters(n, fmt == "upperLetter")
    if fmt in ("lowerRoman", "upperRoman"):
        r = _roman(n)
        return r.lower() if fmt == "lowerRoman" else r
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        return _circled(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "decimalFullWidth":
        return "".join(chr(0xFF10 + int(d)) for d in str(n)) if n >= 0 else str(n)
    if fmt == "decimalEnclosedParen":
        return f"({n})"
    if fmt == "decimalEnclosedFullstop":
        return f"{n}."
    if fmt in ("none", "bullet"):
        return ""
    return str(n)
