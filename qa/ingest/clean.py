"""Cleaners for web-scraped policy text (pure functions, one line at a time).

Three traps of the corpus are handled here: pinyin glosses after characters (``區(qū)``),
GBK mojibake where the ``（二）``-style headings were (``?。ǘ┛傮w目標``), and site chrome
(spam banners, navigation, page footers).  Chrome is recognised by *shape* — contact data,
counters, copyright marks, attachment names, navigation lists, short lines without policy
vocabulary at the edges of the page — not by the exact strings of the five seed files.
"""

from __future__ import annotations

import re
from functools import lru_cache

from qa.data import words
from qa.normalize import match_form

_TONE = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN_RE = re.compile(rf"[(（?□]([a-zü]*[{_TONE}][a-zü]*)[)）]")


def strip_pinyin(line: str) -> str:
    """Remove pinyin glosses (a tone-marked syllable in parentheses) after characters.

    Parentheses with anything else in them are left alone.

    >>> strip_pinyin("各市、縣(市、區(qū))人民政府")
    '各市、縣(市、區)人民政府'
    >>> strip_pinyin("數據資源系統(IRS)(此件公開發布)")
    '數據資源系統(IRS)(此件公開發布)'
    """
    return _PINYIN_RE.sub(lambda m: "□" if m.group(0)[0] in "?□" else "", line)


@lru_cache(maxsize=1)
def _pua_to_gbk() -> dict[str, bytes]:
    """Private-use characters that a GBK decoder produced → their two source bytes."""
    table: dict[str, bytes] = {}
    for codec in ("gb18030", "gbk"):
        for a in range(0x81, 0xFF):
            for b in range(0x40, 0xFF):
                try:
                    ch = bytes([a, b]).decode(codec)
                except UnicodeDecodeError:
                    continue
                if len(ch) == 1 and 0xE000 <= ord(ch) <= 0xF8FF:
                    table.setdefault(ch, bytes([a, b]))
    # GB18030-2000 mapped A989–A995 to the PUA; Python's codec follows the 2005 table.
    for i in range(13):
        table.setdefault(chr(0xE7E7 + i), bytes([0xA9, 0x89 + i]))
    return table


_MOJIBAKE_HINT = re.compile(r"^[\s\u3000]*\?[。ㄒǘㄈㄋù]|[\ue000-\uf8ff]")
_LOST = "□"


def looks_mojibake(line: str) -> bool:
    """True for lines that were GBK bytes decoded one byte out of step.

    >>> looks_mojibake(" ?。ǘ┛傮w目標。到2025年")
    True
    >>> looks_mojibake("  (二)總體目標。到2025年")
    False
    """
    return bool(_MOJIBAKE_HINT.search(line))


def recover_mojibake(line: str) -> str:
    """Re-read a mojibake line as GBK shifted by one byte; lost characters become ``□``.

    The published page lost the first byte of a full-width space, so every later pair was
    read across a character boundary until an ASCII byte re-synchronised the decoder.

    >>> recover_mojibake(" ?。ǘ\ue46a┛傮w目標。到2025年")
    '（二）總體目標。到2025年'
    >>> recover_mojibake(" ?。ㄋ模\ue7ed娀\ue1f4己嗽u價。圍繞")
    '（四）強化考核評價。圍繞'
    """
    body = line.lstrip(" \t\u3000")
    if body.startswith("?"):
        body = body[1:]
    table = _pua_to_gbk()
    raw = b"\xa1" + b"".join(table.get(ch) or ch.encode("gb18030", errors="replace") for ch in body)
    text = raw.decode("gb18030", errors="replace").lstrip("\u3000")
    text = re.sub(r"[\ufffd]+\??|[\ue000-\uf8ff]", _LOST, text)
    return text


def clean_line(line: str) -> str:
    """Full per-line cleaning for display: mojibake recovery, then pinyin removal.

    >>> clean_line(" ?。ㄈ\ue40c\ue7fdI造良好數字生態(tài)。")
    '（三）營造良好數字生態。'
    >>> clean_line("名称：某市人民政府关于做好就业工作的通知"), clean_line("名称：某某协会")
    ('某市人民政府关于做好就业工作的通知', '名称：某某协会')
    """
    if looks_mojibake(line):
        line = recover_mojibake(line)
    line = strip_pinyin(line).strip(" \t\u3000\u00a0")
    label = _TITLE_LABEL_RE.match(line)
    return line[label.end() :] if label and is_title_line(line[label.end() :]) else line


#: the label a site's table of a document's particulars gives its title (名称：关于…的通知)
_TITLE_LABEL_RE = re.compile(r"(?:名称|标题|文件名称|文件标题|公文名称)\s*[：:]\s*")


# --- site chrome -------------------------------------------------------------------------

_CONTACT_RE = re.compile(
    r"(电话|传真|邮箱|电邮|e-?mail|地址|邮编|联系方式)\s*[：:]|\d{3,4}-\d{7,8}|[\w.+-]+@[\w-]+\.[\w.]+|https?://|www\.",
    re.I,
)
_COUNTER_RE = re.compile(r"(阅读|访问|浏览|点击|阅览)(量|数|次数)?\s*[：:]?\s*\d+\s*次?")
_COPYRIGHT_RE = re.compile(r"版权所有|copyright|©|icp备|网站标识码|主办单位[：:]", re.I)
_ATTACH_RE = re.compile(r"\.(pdf|docx?|xlsx?|wps|ofd|zip|rar)\s*$", re.I)
_NAV_WORDS_RE = re.compile(
    r"返回顶部|回到顶部|上一篇|下一篇|打印本页|关闭窗口|分享到|扫一扫|词条|联络我们|联系我们|网站地图"
)
_POLICY_VOCAB = re.compile(
    r"政府|政务|意见|方案|通知|规划|办法|条例|实施|建设|改革|推进|加强|提升|完善|健全|部门|单位|数字|数据|"
    r"服务|治理|监管|发展|目标|任务|措施|要求|领导|机制|体系|工作|保障|解读|[省市县区]"
)
_SENTENCE_END = re.compile(r"[。；;！!？?]")
_NUMBERED_RE = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|第[一二三四五六七八九十百]+[章节条])"
)
#: a site's own lines, at any length: the links to the next and the previous page (上一篇：关于…的通知),
#: a breadcrumb (首页 > 政务公开 > 通知公告, 当前位置：…), a row of buttons (【字体：大 中 小】 【打印本页】)
_SITE_LINE_RE = re.compile(
    r"^(?:上一篇|下一篇|上一条|下一条|相关附件|相关链接|相关文件|附件下载)\s*(?:[：:]|$)"
    r"|^(?:当前位置|您的位置|您现在的位置|所在位置)\s*[：:]"
    r"|^首页\s*(?:>|＞|»|›|→|/)"
    r"|^(?:\s*【[^【】]{1,20}】)+\s*$"
    # the site's table of a document's particulars (its 文号 and 名称 are the document's own, and
    # 公开方式 is an element of its 版记)
    r"|^(?:索引号|主题分类|体裁分类|组配分类|服务对象|公开时限|信息来源|发布机构|生成日期|发布日期|发布时间|有效性|统一编号)\s*[：:]"
)
#: what a page shows in place of a picture or a player: ``图片``, ``视频``, ``image``
_MEDIA_RE = re.compile(r"(?:图片|图像|视频|音频|动图|image|img|video)\s*\d*", re.I)


def is_chrome_line(line: str) -> bool:
    """Page furniture anywhere in the text: counters, copyright, attachment file names,
    navigation words and lists, stray marks.  Contact data is not furniture by itself (a
    citizen's policy may end with its 咨询电话): :func:`body_bounds` drops it only inside a page
    footer.

    >>> is_chrome_line("本文已被阅读 365 次     2023-04-10")
    True
    >>> is_chrome_line("甬政发(2023)16号.pdf"), is_chrome_line("»"), is_chrome_line("图片")
    (True, True, True)
    >>> is_chrome_line("(责任单位:市政务办、市大数据局)"), is_chrome_line("咨询电话：12333"), is_chrome_line("四、政策衔接，三医联动")
    (False, False, False)
    >>> [is_chrome_line(x) for x in ("上一篇：关于开展读书月活动的通知", "首页 > 政务公开 > 通知公告", "【字体：大 中 小】 【打印本页】")]
    [True, True, True]
    >>> is_chrome_line("索引号：000014349/2020-00123 主题分类：综合政务"), is_chrome_line("文号：国发〔2019〕3号")
    (True, False)
    >>> is_chrome_line("公开方式：主动公开")  # the 版记 of a local document
    False
    """
    s = match_form(line)
    if not s or _NUMBERED_RE.match(s.strip()):  # a numbered heading (四、政策衔接，三医联动) is text
        return False
    if _SITE_LINE_RE.search(s.strip()):
        return True
    if len(s) > 80 and _SENTENCE_END.search(s):  # long prose is never furniture
        return False
    return bool(
        _COUNTER_RE.search(s)
        or _COPYRIGHT_RE.search(s)
        or _ATTACH_RE.search(s)
        or (len(s) <= 12 and _NAV_WORDS_RE.search(s))
        or is_nav_list(s)
        or not re.search(r"[\w\u4e00-\u9fff]", s)
        or _MEDIA_RE.fullmatch(s.strip())
    )


def is_contact_line(line: str) -> bool:
    """Contact data: a phone, fax, e-mail, address or web address.

    >>> is_contact_line("邮箱:zjgz1993@126.com"), is_contact_line("咨询电话：12333"), is_contact_line("一、总体要求")
    (True, True, False)
    """
    return bool(_CONTACT_RE.search(line))


_ELEMENT_RE = re.compile(
    r"^\d{4}年\d{1,2}月\d{1,2}日$"  # 成文日期
    r"|^[（(]此件.{1,12}[）)]$"  # 附注: （此件公开发布）
    r"|^(?:抄送|主送)[：:]"  # 版记
    r"|\d{4}年\d{1,2}月\d{1,2}日印发$"
)


def is_document_element(line: str) -> bool:
    """An element of the 公文 format at the end of a document (GB/T 9704): the 成文日期, an
    附注, the 版记 lines, or a 发文机关署名 (a short line naming a body): never page furniture.

    >>> [is_document_element(x) for x in ("国务院", "2019年1月12日", "（此件公开发布）", "抄送：省委办公厅。", "返回顶部")]
    [True, True, True, True, False]
    """
    s = match_form(line).strip()
    if _ELEMENT_RE.search(s):
        return True
    signer = re.sub(r"[（(]?(?:代章|印章)[）)]?$", "", s)
    return (
        2 <= len(signer) <= 60
        and bool(re.fullmatch(r"[\u4e00-\u9fff\s]+", signer))
        and signer.endswith(words("unit_suffixes"))
        and not _NAV_WORDS_RE.search(signer)
    )


def is_nav_list(line: str) -> bool:
    """A line made only of short items separated by commas: a navigation bar.

    >>> is_nav_list("意見全文,內容解讀,")
    True
    >>> is_nav_list("各市、縣人民政府,省政府直屬各單位:")
    False
    """
    s = line.strip()
    if not re.search(r"[,，|｜/]", s) or _SENTENCE_END.search(s) or s.endswith((":", "：")):
        return False
    items = [x for x in re.split(r"[,，|｜/]", s) if x.strip()]
    return len(items) >= 2 and all(len(x.strip()) <= 6 for x in items)


def is_banner_line(line: str) -> bool:
    """A short line with no policy vocabulary: a banner, breadcrumb or spam title at the page edge.

    >>> is_banner_line("金沙js77999特色(中国)官方网站-2024App Store")
    True
    >>> is_banner_line("行业动态")
    True
    >>> is_banner_line("浙江省人民政府")
    False
    """
    s = match_form(line)
    return len(s) <= 40 and not _SENTENCE_END.search(s) and not _POLICY_VOCAB.search(s)


_LEGAL_START_RE = re.compile(r"^第[一1](?:编|章|节|条)")

#: a note in brackets after a title: its period, 试行, 征求意见稿, its 文号
_BRACKET_TAIL = r"[（(][^（）()]{1,24}[）)]"
_PERIOD_TAIL_RE = re.compile(rf"{_BRACKET_TAIL}$")


@lru_cache(maxsize=1)
def _title_re() -> re.Pattern:
    """``关于…<文种>`` (the kinds of ``qa/data/doc_kinds.txt``) or a title in 《》."""
    kinds = "|".join(map(re.escape, words("doc_kinds")))
    return re.compile(rf"(关于|印发).{{2,60}}({kinds})》?(?:{_BRACKET_TAIL})?$|^《[^》]{{4,60}}》$")


def doc_kind(title: str) -> str:
    """The longest 文种 (``qa/data/doc_kinds.txt``) a title ends with, after any period in brackets.

    >>> doc_kind("北京市加快建设具有全球影响力的人工智能创新策源地实施方案（2023-2025年）")
    '实施方案'
    >>> doc_kind("广州市公共租赁住房管理办法"), doc_kind("巴中市恩阳区进一步扎实稳住经济增长若干政策措施")
    ('办法', '措施')
    """
    t = _PERIOD_TAIL_RE.sub("", match_form(title).strip("《》 "))
    return next((k for k in words("doc_kinds") if t.endswith(k)), "")


def is_legislative_title(line: str) -> bool:
    """A title line without 关于: short, no punctuation, ending with a 文种.

    >>> is_legislative_title("工伤保险条例"), is_legislative_title("第一章 总则"), is_legislative_title("（三）完善保障措施")
    (True, False, False)
    """
    s = match_form(line).strip()
    return (
        4 <= len(s) <= 60
        and not re.search(r"[。，；：:,;、]|^第|^[（(]|^[一二三四五六七八九十]+、|^\d", s)
        and bool(doc_kind(s))
    )


SALUTATION_RE = re.compile(r"^各.{2,60}[：:]$")


def is_title_line(line: str) -> bool:
    """A document title line.

    >>> is_title_line("宁波市人民政府关于印发宁波市加快数字政府建设实施方案的通知")
    True
    >>> is_title_line("《浙江省数字政府系统建设方案》")
    True
    """
    return bool(_title_re().search(match_form(line)))


def title_lines(lines: list[str], i: int) -> int:
    """How many lines the title that starts at line ``i`` takes (0: none starts there): one,
    or two or three short lines without a sentence end that the page broke a title over, none
    of the later ones a title alone.

    >>> title_lines(["关于做好2020年高校毕业生", "就业创业工作的通知", "各区人民政府："], 0)
    2
    >>> title_lines(["关于做好2020年高校毕业生就业创业工作的通知"], 0), title_lines(["就业工作", "各区人民政府："], 0)
    (1, 0)
    """
    if is_title_line(lines[i]):
        return 1
    parts = [lines[i].strip()]
    for nxt in lines[i + 1 : i + 3]:
        nxt = nxt.strip()
        if not (0 < len(parts[-1]) <= 40 and 0 < len(nxt) <= 40) or _BROKEN_TITLE_STOP.search(parts[-1] + nxt):
            return 0
        if is_title_line(nxt):
            return 0
        parts.append(nxt)
        if is_title_line("".join(parts)):
            return len(parts)
    return 0


_BROKEN_TITLE_STOP = re.compile(r"[。；;！!？?：:，,]|[〔\[［]\d{4}")


def starts_document(line: str) -> bool:
    """Where the policy text begins: a title, a salutation, or a first line of real prose.

    >>> starts_document("各区(县、市)人民政府,市直及部省属驻甬各单位:")
    True
    >>> starts_document("政策法规")
    False
    """
    s = match_form(line)
    return bool(
        is_title_line(line)
        or SALUTATION_RE.search(s)
        or (len(s) >= 50 and _SENTENCE_END.search(s) and _POLICY_VOCAB.search(s))
    )


def _is_header_furniture(line: str) -> bool:
    """Short, sentence-less lines above the title: banners, breadcrumbs, section names."""
    s = match_form(line)
    return not s or is_chrome_line(line) or (len(s) <= 40 and not _SENTENCE_END.search(s))


def body_bounds(lines: list[str]) -> tuple[int, int]:
    """Index range ``[first, last)`` of the policy body among ``lines``.

    Leading lines before the document starts are dropped when they are banners or
    furniture; trailing banners and furniture (nav words, contact data) are dropped too.

    >>> body_bounds(["开运体育官网", "", "市政府文件", "关于加强数字政府建设的实施意见", "一、总体要求", "返回顶部"])
    (3, 5)
    >>> body_bounds(["工伤保险条例", "2003年4月27日 国务院令第375号公布", "第一章 总则", "第一条 为了保障因工作遭受事故伤害或者患职业病的职工获得医疗救治和经济补偿，制定本条例。"])
    (0, 4)
    """
    n = len(lines)
    start = next((i for i, line in enumerate(lines) if starts_document(line) or title_lines(lines, i)), None)
    # a legislative text's first chapter or article has its title, 公布令 and 题注 above it:
    # those are the document's, not page furniture
    legal = start is not None and _LEGAL_START_RE.match(match_form(lines[start].strip(" \u3000")))
    titled = start is not None and any(is_legislative_title(x) for x in lines[:start])
    if start is not None and not legal and not titled and all(_is_header_furniture(x) for x in lines[:start]):
        first = start
    else:
        first = 0
        while (
            first < n
            and not is_legislative_title(lines[first])
            and (not lines[first].strip() or is_banner_line(lines[first]) or is_chrome_line(lines[first]))
        ):
            first += 1
    # the page footer: from the end, a run of furniture; contact lines belong to it only when it
    # holds furniture proper (a counter, a copyright mark, navigation) — a policy's own closing
    # 咨询电话 stays — and a 落款, 附注 or 版记 line ends it
    last, keep, hard = n, 0, False
    while last > first:
        s = lines[last - 1].strip()
        if s and is_document_element(s):
            break
        if s and is_contact_line(s) and len(s) <= 80:
            keep = keep or last  # the end of the last contact line
        elif s and not (is_chrome_line(s) or is_banner_line(s)):
            break
        elif s and is_chrome_line(s):
            hard = True
        last -= 1
    return first, (last if hard or not keep else keep)
