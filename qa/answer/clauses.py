"""What a clause is, by its shape: front or back matter, an overview section, a heading, a numbered part."""

from __future__ import annotations

import re

from qa.answer.limits import OUTLINE_HEADING
from qa.ingest.clean import SALUTATION_RE
from qa.normalize import match_form
from qa.schema import Clause

_TRANSMITTAL_RE = re.compile(r"[^。\n]*(?:印发给你们|现将[^。\n]*印发|请认真(?:贯彻执行|组织实施|抓好落实))[^。\n]*。?")
#: …and the notice's own contact: whom to tell of problems in carrying it out (执行中遇到问题，请径向
#: …反映), which answers “…遇到问题向哪个部门反映？”
_CONTACT_RE = re.compile(r"(?:径向|请向|可向)[^。\n]{2,30}?(?:反映|联系|咨询|报告)")


def is_front_or_back_matter(c: Clause) -> bool:
    """The signature block, or an opening paragraph that only addresses and transmits
    (“各区（县、市）人民政府…：现将《…》印发给你们，请认真贯彻执行。”): not evidence for answers.
    An opening paragraph that also says something (the preamble's 根据《…》) is kept.

    >>> from qa.schema import Clause
    >>> is_front_or_back_matter(Clause("c", "d", "d.txt", "¶2", 1, "", "", "现将《宁波市加快数字政府建设实施方案》印发给你们，请认真贯彻执行。", "", 0, 1, None))
    True
    >>> is_front_or_back_matter(Clause("c", "d", "d.txt", "¶1", 1, "", "", "各市人民政府：\\n根据《国务院关于加强数字政府建设的指导意见》，结合我省实际，提出如下实施意见。", "", 0, 1, None))
    False

    The notice's contact (whom to tell of problems in carrying it out) also says something:

    >>> is_front_or_back_matter(Clause("c", "d", "d.txt", "¶2", 1, "", "", "《广州市临时救助实施细则》已经市人民政府同意，现印发给你们，请认真贯彻执行。执行中遇到问题，请径向市民政局反映。", "", 0, 1, None))
    False
    """
    if c.path.startswith("落款"):
        return True
    if c.level != 1 or not c.path.startswith("¶"):
        return False
    sc = match_form(c.text)
    lines = [x for x in sc.splitlines() if not SALUTATION_RE.match(x.strip())]
    if len(lines) == len(sc.splitlines()) and not _TRANSMITTAL_RE.search(sc):
        return False
    said = [x for x in _TRANSMITTAL_RE.sub("", "\n".join(lines)).splitlines() if re.search(r"[。，；]", x)]
    return len("".join(said)) < 30 and not any(_CONTACT_RE.search(x) for x in said)


_OVERVIEW_RE = re.compile(r"总体要求|总体思路|工作目标|发展目标|主要目标|指导思想|基本原则|内容解读")


def is_overview(c: Clause) -> bool:
    """Is a clause in a document's overview (its goals, principles or its interpretation)?

    >>> from qa.schema import Clause
    >>> is_overview(Clause("c", "d", "d.txt", "一/（二）/¶1", 3, "", "宁波方案 > 一、总体要求 > （二）发展目标 > ¶1", "…", "", 0, 1, None))
    True
    >>> is_overview(Clause("c", "d", "d.txt", "三/（四）/1", 3, "", "宁波方案 > 三、以数字化改革助力政府职能转变 > 1.推动政务服务集成高效", "…", "", 0, 1, None))
    False
    """
    return bool(_OVERVIEW_RE.search(match_form(" > ".join(c.title_path.split(" > ")[1:]))))


def strip_marker(heading: str) -> str:
    return re.sub(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\(\S+?\)|\d+[.．、])", "", heading)


_LEAD_VERBS_RE = re.compile(
    r"^(?:打造|建设|推进|推动|加强|加快|强化|完善|构建|提升|深化|健全|建立|实施|优化|提高|促进|大力|全面|积极)+"
)


def heading_core(c: Clause) -> str:
    """What an item's heading names, without its number, its verb and its full stop:
    ``10.打造民生保障应用。`` → ``民生保障应用``.

    >>> from types import SimpleNamespace as N
    >>> heading_core(N(heading="10.打造民生保障应用。")), heading_core(N(heading="（二）推进重大任务应用"))
    ('民生保障应用', '重大任务应用')
    """
    return _LEAD_VERBS_RE.sub("", match_form(strip_marker(c.heading)).rstrip("。．.；;"))


def short_heading(c: Clause) -> str:
    """A heading as an outline shows it: cut at :data:`OUTLINE_HEADING` characters."""
    return c.heading if len(c.heading) <= OUTLINE_HEADING else c.heading[: OUTLINE_HEADING - 1] + "…"


def is_numbered_part(c: Clause) -> bool:
    """A numbered or titled part (一、, （二）, 3., §2), not a paragraph, byline or interpretation."""
    last = c.path.split("/")[-1]
    return not last.startswith(("¶", "p")) and c.path not in ("落款", "解读") and bool(c.heading.strip())


#: an article's own path segment (第十四条); its 款 and 项 are segments below it
ARTICLE_SEG_RE = re.compile(r"^第[一二三四五六七八九十百零〇两]+条$")


def is_article_provision(c: Clause) -> bool:
    """Is the clause an article (第N条) whose own line states a provision, not a list's lead-in
    (…有下列情形之一的：)?  Its later paragraphs (款) are its children, yet its first one says
    something of its own: “第四条 住房公积金管理中心负责全市住房公积金贷款的审批和管理。”

    >>> from qa.schema import Clause
    >>> is_article_provision(Clause("c", "d", "d.txt", "第一章/第四条", 2, "", "", "第四条管理中心负责贷款的审批。", "", 0, 1, None))
    True
    >>> is_article_provision(Clause("c", "d", "d.txt", "第十四条", 1, "", "", "职工有下列情形之一的，应当认定为工伤：", "", 0, 1, None))
    False
    """
    return bool(ARTICLE_SEG_RE.match(c.path.split("/")[-1])) and not c.text.rstrip().endswith(("：", ":"))


#: an item's title sentence: its number and a short name (“1.完善人口基礎資料庫。”)
ITEM_TITLE_RE = re.compile(r"^\s*(?:\d{1,2}[.．、]|[（(][一二三四五六七八九十\d]{1,3}[）)])[^。，,；;]{2,30}。?$")
