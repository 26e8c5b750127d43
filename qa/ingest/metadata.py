"""Metadata read from the text of an official document; a field the text does not state stays empty.

The elements are those of GB/T 9704-2012 (党政机关公文格式) and of legislative texts:

* 标题 — the title line (``…关于…的意见``, or a legislative title ``工伤保险条例``).  A
  ``关于印发…的通知`` whose attached document follows is titled by that document
  (``广州市临时救助实施细则``); the notice's own title is kept as ``notice_title``;
* 发文字号 — ``国发〔2019〕3号``, or a 公布令 ``中华人民共和国国务院令 第706号`` (→ ``国务院令第706号``);
* 发文机关 — the title's ``X关于`` prefix (joint issuers separated by spaces), else the 落款 line
  above the 成文日期, else the body of a 令 or the congress of a 题注 (``…第二十九次会议通过``);
* 成文日期 — the 落款 date; for a regulation its 公布/通过 date in the header notes (a 修订
  promulgated by a new 令 replaces it);
* 施行日期 — ``本条例自2004年1月1日起施行``, a header note ``2022年1月1日 施行``, or ``自印发之日起``
  (the 版记's ``…印发`` date, else the 成文日期); 有效期 — ``有效期5年`` from the 施行日期, or an end date;
* level and region — from the issuer (else the title), through the complete table of
  administrative divisions that jionlp keeps: a document that names no place in its issuer
  or title is national;
* kind — the longest 文种 (``qa/data/doc_kinds.txt``) the title ends with.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

from qa.data import words
from qa.ingest.clean import SALUTATION_RE, doc_kind, is_legislative_title, is_title_line, title_lines
from qa.ingest.numerals import cn_number, jionlp
from qa.normalize import match_form
from qa.schema import Document

_DOCNO_RE = re.compile(r"^[\u4e00-\u9fff]{1,8}[〔\[［（(]\s*\d{4}\s*[〕\]］）)]\s*\d{1,4}\s*号$")
_DOCNO_ORIG = re.compile(r"[\u4e00-\u9fff]{1,8}[〔\[［（(]\d{4}[〕\]］）)]\d{1,4}[号號]")
#: ``中华人民共和国国务院令第512号``, ``国家市场监督管理总局令第43号`` (a 公布令 and its number)
_DECREE_RE = re.compile(
    r"^[（(]?(?:\d{4}年\d{1,2}月\d{1,2}日)?\s*((?:中华人民共和国)?[\u4e00-\u9fff]{2,20}?令)\s*(第\s*\d+\s*号)"
)
_DATE_RE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_DATE_IN_RE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_PAGE_DATE_RE = re.compile(r"(?:时间|日期|发布时间|印发日期)\s*[：:]\s*(\d{4})[-年/.](\d{1,2})[-月/.](\d{1,2})")
#: a regulation's header note: ``2003年4月27日 中华人民共和国国务院令第375号公布``
_HEADER_NOTE_RE = re.compile(r"^[（(]?(\d{4})年(\d{1,2})月(\d{1,2})日\s*(.*?)(公布|通过|发布|修订|修正|修改)[）)]?$")
_ISSUER_RE = re.compile(r"^[\u4e00-\u9fff]{2,24}(人民政府|委员会|办公厅|办公室|政府)$")
_ISSUER_FIELD_RE = re.compile(r"(?:印发机关|发文机关|发布机关)\s*[：:]\s*([\u4e00-\u9fff]{2,30})")
_CONGRESS_RE = re.compile(
    r"(?:\d{4}年\d{1,2}月\d{1,2}日)?\s*([\u4e00-\u9fff]{2,12}?)第[一二三四五六七八九十]+届(人民代表大会(?:常务委员会)?)第"
)
_BASIS_RE = re.compile(r"^(?:为|为了)?(?:深入)?(?:贯彻|根据|依据|落实)")
#: a regulation's first article states its basis after its purpose (第一条 为了…，根据《…》，制定本条例)
_FIRST_ARTICLE_BASIS_RE = re.compile(r"^第[一1]条[^。]*?(?:根据|依据|贯彻|落实)[^。]*?《")
_CITED_RE = re.compile(r"《([^《》]{4,60})》")
_SELF_KIND_RE = re.compile(r"(?:提出|制定)(?:如下|以下|本)(实施意见|意见|实施方案|方案)")
_ATTACHED_RE = re.compile(r"(?:关于|关於)?(?:印发|转发|颁布|发布)《?(.+?)》?的(?:通知|函)$")
_SIGNATURE_RE = re.compile(r"（?代章）?|（?印章）?")
BYLINE_RE = re.compile(r"^(来源|作者|编辑|责任编辑|原标题)\s*[：:]\s*(.+)$")
_SELF_WORDS = "条例|规定|办法|细则|措施|通知|意见|方案|预案|决定|规则|规划|实施方案"
_EFFECTIVE_RE = re.compile(
    rf"本[\u4e00-\u9fff]{{0,4}}?(?:{_SELF_WORDS})[^。；]{{0,12}}?自(\d{{4}}年\d{{1,2}}月\d{{1,2}}日|印发之日|发布之日|公布之日)(?:起)?(?:施行|实施|执行|生效)"
)
_DECREE_EFFECTIVE_RE = re.compile(r"公布，自(\d{4}年\d{1,2}月\d{1,2}日)起施行")
_ISSUED_ON_RE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日印发$")
_VALID_YEARS_RE = re.compile(r"有效期(?:为)?([0-9一二三四五六七八九十两]{1,2})年")
_VALID_UNTIL_RE = re.compile(r"(?:有效期至|执行期限[^。]{0,20}?至|有效期[^。]{0,20}?至)(\d{4}年\d{1,2}月\d{1,2}日)")
_ITEM_START_RE = re.compile(r"^(?:\d{1,3}[.．、]|[（(][一二三四五六七八九十]{1,3}[）)]|[一二三四五六七八九十]{1,3}、)")
_MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")


def _iso(y: str, m: str, d: str) -> str:
    return f"{int(y):04d}-{int(m):02d}-{int(d):02d}"


def _iso_of(text: str) -> str:
    m = _DATE_IN_RE.search(text)
    return _iso(*m.groups()) if m else ""


def _attached_title(title: str, lines: list[str]) -> str:
    """The title line of the document a 印发 notice attaches, as printed (joined when the page
    breaks it over two lines), or ``""`` when the text does not carry it.  A notice that attaches
    several (``…两个规定的通知``) is titled by the first."""
    m = _ATTACHED_RE.search(match_form(title))
    if not m:
        return ""
    if several := _SEVERAL_RE.search(m.group(1)):
        return _first_attached(lines, several.group(1))
    want = re.sub(r"[《》\s的]", "", m.group(1))  # 《…扩大消费的若干措施》 is cited as …扩大消费若干措施
    forms = [re.sub(r"[《》\s的]", "", match_form(x)) for x in lines]
    for i, f in enumerate(forms[1:], start=1):
        if f == want:
            return lines[i].strip().strip("《》")
        if f and want.startswith(f) and i + 1 < len(forms) and f + forms[i + 1] == want:
            return (lines[i].strip() + lines[i + 1].strip()).strip("《》")
    return ""


_SEVERAL_RE = re.compile(r"(?:两|二|三|四|五|六|七|八|九|十|\d+)个(规定|办法|意见|方案|细则|措施|条例)$")


def _first_attached(lines: list[str], kind: str) -> str:
    """The first title after the notice's 落款 that ends with ``kind`` (two lines joined when the
    page breaks it)."""
    dated = next((i for i, x in enumerate(lines) if _date_line(x)), None)
    if dated is None:
        return ""
    for i in range(dated + 1, len(lines)):
        s = match_form(lines[i]).strip()
        if s.endswith(kind) and len(s) <= 40 and not re.search(r"[。，；：]", s):
            prev = match_form(lines[i - 1]).strip()
            if i - 1 > dated and len(prev) <= 30 and not re.search(r"[。，；：（(]", prev):
                return lines[i - 1].strip() + lines[i].strip()
            return lines[i].strip()
    return ""


def _named_province(lines: list[str]) -> str:
    """The one province a text names in full (``开展2022年安徽省…``), or ``""``."""
    found = {place_of(m.group(0))[1] for x in lines for m in re.finditer(r"[\u4e00-\u9fff]{2,3}省", match_form(x))}
    found.discard("")
    return found.pop() if len(found) == 1 else ""


def _issuers_of_title(title: str) -> list[str]:
    """``北京市住房和城乡建设委员会 北京市财政局关于印发…`` → the issuers before 关于 (關於).

    >>> _issuers_of_title("北京市住房和城乡建设委员会 北京市财政局关于印发《…》的通知"), _issuers_of_title("关于印发…的通知")
    (['北京市住房和城乡建设委员会', '北京市财政局'], [])
    """
    head = re.split("关于|關於", title, maxsplit=1)
    return [x for x in re.split(r"[\s\u3000、，,]+", head[0]) if x] if len(head) == 2 else []


def _date_line(line: str) -> re.Match | None:
    """A line that is only a date, in Arabic or Chinese numerals (``二〇〇五年六月十一日``, read by cn2an).

    >>> _date_line("二〇〇五年六月十一日").groups(), _date_line("2019年1月12日").groups()
    (('2005', '6', '11'), ('2019', '1', '12'))
    """
    s = match_form(line).strip()
    if re.fullmatch(r"[〇零一二三四五六七八九十]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日", s):
        import cn2an

        s = cn2an.transform(s.replace("〇", "零"), "cn2an")
    return _DATE_RE.match(s)


def _signature(lines: list[str]) -> tuple[list[str], str]:
    """The 落款: issuer line(s) directly above the first standalone date line, and that date."""
    for i, line in enumerate(lines):
        m = _date_line(line)
        if not m:
            continue
        above = lines[i - 1].strip() if i else ""
        s = _SIGNATURE_RE.sub("", match_form(above))
        if above and len(s) <= 80 and not re.search(r"[。；：:]", s) and s.endswith(words("unit_suffixes")):
            return [x for x in re.split(r"[\s\u3000]+", _SIGNATURE_RE.sub("", above)) if x], _iso(*m.groups())
        return [], _iso(*m.groups())
    return [], ""


def _decree(lines: list[str]) -> tuple[str, str]:
    """``(文号, issuer)`` of a 公布令: ``中华人民共和国国务院令`` (with ``第706号`` on the next line,
    or in the same line) → ``("国务院令第706号", "国务院")``; a 修订 令 replaces the 公布 one."""
    found = ("", "")
    for i, line in enumerate(lines[:12]):
        s = match_form(line).replace(" ", "")
        if s.endswith("令") and i + 1 < len(lines) and re.fullmatch(r"第\d+号", match_form(lines[i + 1]).strip()):
            s += match_form(lines[i + 1]).strip()
        if (m := _DECREE_RE.search(s)) and (not found[0] or s[m.end() :].startswith("修订")):
            body = re.sub(r"^中华人民共和国", "", m.group(1))
            found = (body + m.group(2).replace(" ", ""), body[:-1])
    return found


def _header_date(lines: list[str]) -> str:
    """A regulation's 公布/通过 date from its header notes; a 修订 by a new 令 replaces it."""
    out = ""
    for line in lines[:8]:
        m = _HEADER_NOTE_RE.match(match_form(line).strip())
        if not m:
            continue
        if not out or (m.group(5) == "修订" and "令" in m.group(4)):
            out = _iso(*m.groups()[:3])
    return out


def _effective(lines: list[str], issued: str) -> str:
    """The 施行日期 the text states (see the module docstring)."""
    text = "\n".join(match_form(x) for x in lines)
    for line in lines[:8]:
        if m := re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日\s*(?:起)?(?:施行|实施)", match_form(line).strip()):
            return _iso(*m.groups())
    m = _EFFECTIVE_RE.search(text) or _DECREE_EFFECTIVE_RE.search(text)
    if not m:
        return ""
    if m.group(1)[0].isdigit():
        return _iso_of(m.group(1))
    return printed_on(lines) or issued


def printed_on(lines: list[str]) -> str:
    """The 印发日期 of the 版记 (``…秘书处 2021年12月6日印发``, GB/T 9704), ISO, or ``""``: the
    day the document was printed and sent, which can follow its 成文日期 by days.

    >>> printed_on(["广州市临时救助实施细则", "2021年12月1日", "广州市人民政府办公厅秘书处 2021年12月6日印发"])
    '2021-12-06'
    """
    printed = next((mm for x in lines if (mm := _ISSUED_ON_RE.search(match_form(x).strip()))), None)
    return _iso(*printed.groups()) if printed else ""


def _valid_until(lines: list[str], effective: str) -> str:
    """The last day of a term the text gives the whole document (not a single measure's)."""
    for line in lines:
        s = match_form(line)
        if _ITEM_START_RE.match(s):
            continue  # a numbered measure's own term (上述政策执行期限至…) is not the document's
        if not (
            re.search(rf"本[\u4e00-\u9fff]{{0,4}}?(?:{_SELF_WORDS})|上述政策", s) and re.search("有效期|执行期限", s)
        ):
            continue
        if m := _VALID_UNTIL_RE.search(s):
            return _iso_of(m.group(1))
        if (m := _VALID_YEARS_RE.search(s)) and effective:
            n = int(m.group(1)) if m.group(1).isdigit() else cn_number(m.group(1))
            start = date.fromisoformat(effective)
            try:
                end = start.replace(year=start.year + n)
            except ValueError:  # 29 February
                end = start.replace(year=start.year + n, day=28)
            return (end - timedelta(days=1)).isoformat()
    return ""


def _location_parser():
    return jionlp().parse_location


def place_of(text: str) -> tuple[str, str]:
    """``(level, region)`` of a body or title from the table of administrative divisions;
    ``("", "")`` when it names no place.

    >>> place_of("广州市人民政府办公厅"), place_of("北京市人民政府"), place_of("巴中市恩阳区人民政府")
    (('市', '广州市'), ('省', '北京市'), ('县', '四川省巴中市恩阳区'))
    >>> place_of("国务院办公厅"), place_of("山东省人民代表大会常务委员会")
    (('', ''), ('省', '山东省'))
    """
    named = re.sub("中华人民共和国|全国人民代表大会", "", match_form(text))
    if not named:
        return "", ""
    loc = _location_parser()(named[:40], town_village=False, change2new=True)
    prov, city, county = loc.get("province"), loc.get("city"), loc.get("county")
    if county and county in named:
        return "县", f"{prov or ''}{city or ''}{county}"
    if city and city not in _MUNICIPALITIES and (city in named or city[:-1] in named):
        return "市", city
    if prov and (prov in named or prov[:2] in named):
        return "省", prov
    return "", ""


def _title_at(lines: list[str], i: int) -> str:
    """The title that starts at line ``i`` (joined when the page breaks it), or ``""``."""
    n = title_lines(lines, i)
    return "".join(x.strip() for x in lines[i : i + n]).strip("《》 ")


def extract_metadata(lines: list[str]) -> dict[str, str]:
    """Read the metadata fields of a document from its cleaned body lines.

    >>> m = extract_metadata(["宁波市人民政府关于印发宁波市加快数字政府建设实施方案的通知", "甬政发〔2023〕16号",
    ...                       "宁波市人民政府", "2023年4月10日"])
    >>> (m["title"], m["doc_number"], m["issuer"], m["date"], m["region"], m["kind"], m["level"])
    ('宁波市人民政府关于印发宁波市加快数字政府建设实施方案的通知', '甬政发〔2023〕16号', '宁波市人民政府', '2023-04-10', '宁波市', '实施方案', '市')
    >>> m = extract_metadata(["工伤保险条例", "2003年4月27日 中华人民共和国国务院令第375号公布", "第一章 总则",
    ...                       "第六十七条 本条例自2004年1月1日起施行。"])
    >>> (m["title"], m["doc_number"], m["issuer"], m["date"], m["effective_date"], m["level"], m["kind"])
    ('工伤保险条例', '国务院令第375号', '国务院', '2003-04-27', '2004-01-01', '国家', '条例')
    >>> extract_metadata(["专利代理条例", "第一条 为了规范专利代理行为，根据《中华人民共和国专利法》，制定本条例。"])["basis"]
    '《中华人民共和国专利法》'
    >>> extract_metadata(["长春市人民政府关于促进房地产市场平稳健康发展的若干意见", "长府发〔2015〕6 号"])["doc_number"]
    '长府发〔2015〕6号'
    """
    meta = dict.fromkeys(
        ("title", "issuer", "doc_number", "date", "region", "kind", "source", "author", "addressees", "basis"), ""
    )
    meta.update(level="", effective_date="", valid_until="", notice_title="")
    forms = [(line, match_form(line)) for line in lines]
    for i, (line, m) in enumerate(forms):
        if not meta["title"] and (title := _title_at(lines, i)):
            meta["title"] = title
        if not meta["doc_number"]:
            if _DOCNO_RE.match(m):
                meta["doc_number"] = re.sub(r"\s+", "", line)  # 长府发〔2015〕6 号 is 长府发〔2015〕6号
            elif "发文字号" in m and (hit := _DOCNO_ORIG.search(line.replace(" ", ""))):
                meta["doc_number"] = hit.group(0)
        if not meta["date"] and ((dm := _DATE_RE.match(m)) or (dm := _PAGE_DATE_RE.search(m))):
            meta["date"] = _iso(*dm.groups())
        if not meta["issuer"]:
            if _ISSUER_RE.match(m) and not is_title_line(line):
                meta["issuer"] = line.strip()
            elif im := _ISSUER_FIELD_RE.search(m):
                meta["issuer"] = im.group(1)
        if not meta["addressees"] and SALUTATION_RE.match(m):
            meta["addressees"] = line.strip().rstrip(":：")
        if (
            not meta["basis"]
            and (_BASIS_RE.search(m) or _FIRST_ARTICLE_BASIS_RE.search(m))
            and (titles := _CITED_RE.findall(re.split(r"制定本|结合本", line)[0]))
        ):
            meta["basis"] = "、".join(f"《{t}》" for t in dict.fromkeys(titles))
        if bm := BYLINE_RE.match(m):
            key = "source" if bm.group(1) in ("来源",) else "author" if bm.group(1) == "作者" else ""
            if key and not meta[key]:
                meta[key] = line.split(":", 1)[-1].split("：", 1)[-1].strip()
    if not meta["title"] and lines and is_legislative_title(lines[0]):
        meta["title"] = lines[0].strip()
    decree_number, decree_issuer = _decree(lines)
    meta["doc_number"] = meta["doc_number"] or decree_number
    signed_by, signed_on = _signature(lines)
    by_title = _issuers_of_title(meta["title"])
    congress = next((m.group(1) + m.group(2) for _l, f in forms[:8] if (m := _CONGRESS_RE.search(f))), "")
    issuers = by_title or signed_by or ([decree_issuer] if decree_issuer else []) or ([congress] if congress else [])
    if issuers:
        meta["issuer"] = "、".join(issuers) if by_title or signed_by else issuers[0]
    meta["date"] = signed_on or _header_date(lines) or meta["date"]
    meta["effective_date"] = _effective(lines, meta["date"])
    meta["valid_until"] = _valid_until(lines, meta["effective_date"])
    title_sc = match_form(meta["title"])
    meta["level"], meta["region"] = place_of(meta["issuer"]) if meta["issuer"] else ("", "")
    if not meta["region"] and title_sc:
        meta["level"], meta["region"] = place_of(title_sc)
    if not meta["level"] and (lv := re.match(r"[省市县区]", match_form(meta["issuer"]))):
        meta["level"] = {"区": "县"}.get(lv.group(0), lv.group(0))  # 省完善促进消费…联席会议: its own province
        if meta["level"] == "省":
            meta["region"] = _named_province(lines)  # …the one the text names in full
    if not meta["level"] and (meta["issuer"] or meta["title"]):
        meta["level"] = "国家"  # a local document names its place in its issuer or its title
    if attached := _attached_title(meta["title"], lines):
        meta["notice_title"], meta["title"] = meta["title"], attached
    named = _ATTACHED_RE.search(title_sc)
    meta["kind"] = doc_kind(named.group(1) if named else title_sc) if title_sc else ""
    if not meta["kind"]:
        if any("解读" in m and len(m) <= 40 for _l, m in forms) and not title_sc:
            meta["kind"] = "解读"
        elif not title_sc and meta["author"]:
            meta["kind"] = "评论"
        elif km := _SELF_KIND_RE.search("".join(m for _l, m in forms[:6])):
            meta["kind"] = km.group(1)
    return meta


#: a title cited with its 文号: ``《…实施意见》（浙政发〔2022〕20号）``
CITED_WITH_NUMBER_RE = re.compile(r"《([^《》]{6,60})》[（(]([^（）()]{2,20}号)[）)]")


def cites_untitled(title: str, number: str, doc: Document) -> bool:
    """Is ``《title》（number）`` a citation of ``doc``, a document whose text has no title? Its
    title starts with the document's issuer and ends with its kind, and its 文号 is of its year."""
    issuer, year = match_form(doc.issuer), doc.date[:4]
    return bool(issuer and doc.kind) and title.startswith(issuer) and title.endswith(doc.kind) and year in number


def titles_from_citations(docs: list[Document]) -> list[Document]:
    """A document whose text carries no title takes the title another document of the library
    cites it by — a ``《…》（文号）`` whose title starts with its issuer and ends with its kind, and
    whose 文号 is of its year — and records where the title came from (``title_from``).

    >>> from qa.schema import Document
    >>> bare = Document("jx", "jx.txt", "", "江西省人民政府", "", "2023-03-01", "江西省", "实施意见", "simplified", "", "")
    >>> plan = Document("nc", "nc.txt", "南昌方案", "", "", "", "", "方案", "simplified", "",
    ...                 "贯彻落实《江西省人民政府关于推进养老服务发展的实施意见》（赣府发〔2023〕5号）精神")
    >>> [(d.title, d.title_from) for d in titles_from_citations([bare, plan])][0]
    ('江西省人民政府关于推进养老服务发展的实施意见', 'cited by nc')
    """
    cites = [(m.group(1), m.group(2), d.id) for d in docs for m in CITED_WITH_NUMBER_RE.finditer(match_form(d.clean))]
    out = []
    for d in docs:
        if d.title_from:  # found earlier: found again from the library as it is now (the citing one may be gone)
            d = replace(d, title="", title_from="")
        if d.title or not d.issuer or not d.kind:
            out.append(d)
            continue
        found = next(((t, by) for t, number, by in cites if by != d.id and cites_untitled(t, number, d)), None)
        out.append(replace(d, title=found[0], title_from=f"cited by {found[1]}") if found else d)
    return out
