"""Answers from retrieved clauses: extractive by default, with duty answers and honest refusal.

The extractive generator picks *sentences* of the top clauses that answer the question,
each followed by a ``[n]`` marker pointing to its clause.  Duty questions are answered from
the structured duty records.  Refusal is decided by evidence, not by a raw cosine: every
place and year named in the question must be supported by the cited clause, the question's
content words must be covered (idf-weighted), and a duty question needs a clause that
actually assigns units.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, replace
from functools import lru_cache

from qa.article import answer_article, asked_article
from qa.cite import is_instruction
from qa.duties import unit_key, unit_matches
from qa.evidence import (
    bigram_coverage,
    context_of,
    dense_z,
    supports_asked_unit,
    supports_measure,
    supports_phase,
    supports_type,
    supports_years,
    task_bigrams,
    year_part,
)
from qa.index import Index
from qa.ingest.clean import SALUTATION_RE
from qa.ingest.duties import strip_duty_groups
from qa.ingest.metadata import CITED_WITH_NUMBER_RE, cites_untitled
from qa.ingest.numerals import cn_number, cn_numeral
from qa.ingest.sentences import cut_outside_parens, split_sentences
from qa.normalize import detect_script, match_form, to_script
from qa.places import doc_places, supports_places
from qa.query import (
    COLLOQUIAL,
    COMPARE_RE,
    COUNTED_TASKS,
    FILLER,
    META_FIELD_RE,
    PROVINCES,
    Query,
    analyse,
    more_units,
    places_in,
    rewrite_followup,
)
from qa.retrieve import (
    HAN_RE,
    MAX_QUESTION_CHARS,
    RESCORE_POOL,
    Filters,
    Weights,
    check_question,
    content_tokens,
    coverage,
    cut_notice,
    printable,
    search,
    second_stage,
    weights,
)
from qa.schema import Answer, Citation, Clause, Document, Hit
from qa.settings import Settings
from qa.tokens import tokenize

REFUSAL = "资料中未找到相关规定。"
_ROLE_NAMES = {"lead": "牵头单位", "responsible": "责任单位", "cooperating": "协同单位"}
#: Evidence thresholds, calibrated on eval/dev.jsonl + eval/dev2.jsonl (never on test).  Most
#: refusals come from the structural checks (places, years, the kind of answer asked for,
#: a named document that does not state the field); these two only catch questions off
#: every topic of the corpus: little of the question is covered *and* the dense retriever
#: singles out no clause (top-1 z-score among the top 50 cosines).
MIN_COVERAGE = 0.5
#: A duty answer's clause must name the task asked about: this share of the task's character
#: pairs, weighted by rarity (benchmark duty answers score 0.57 and more; a clause that only
#: shares words, 智慧水利…数字孪生流域 for 数字孪生城市, 0.47).
DUTY_TASK_COVERAGE = 0.5
#: Duty answers look this deep into the fused ranking: the clause that names the task wins, even
#: below clauses that share more common words (完善人口基础数据库 above 完善法人基础数据库).
DUTY_CANDIDATES = 8
OFF_TOPIC_COVERAGE = 0.25
OFF_TOPIC_Z = 2.2
#: a clause naming what the question quotes must also cover this share of the question's other
#: words (tuning answers: 0.20 and up; 《…暂行办法》…开放属性 0, “甬有安居”…住房业务 0.06)
NAMED_REST_COVERAGE = 0.1
#: …when the question asks something of it in at least this many words
NAMED_REST_WORDS = 3
#: characters of each document's sentence when listing the documents that mention a term
WHICH_DOCS_QUOTE = 80
#: a heading's name used at most this often in the library names one item (民生保障应用)
ITEM_NAME_USES = 2
#: characters of task text when a reverse-duty answer has one task (dev…dev6a + dev8 reverse
#: duty facts: 0.80 at 110, 0.91 at 160–200, 0.92 at 230)
REVERSE_ONE_TASK_CHARS = 180
#: a reverse-duty answer is told within this many characters (a short answer is ≤ 300)
REVERSE_ANSWER_CHARS = 290
#: A further answer sentence must score this share of the best one (0.85 and 0.9 measured on
#: dev + dev2: no precision gain, fewer facts).
SECOND_SENTENCE = 0.8
TYPED_SENTENCE_COVERAGE = 0.3
#: A list answer (哪些、分别…) may be this many times longer than ``max_answer_chars``.
LIST_FACTOR = 1.4
#: A clause whose whole text is a heading this short is a section title, never an answer.
BARE_HEADING = 12
#: A short clause after a semicolon (“…；2025年全面建成。”) finishes the one before it.
SHORT_TAIL = 20
#: A sentence of an over-long answer keeps at least this many characters around its best phrase.
MIN_CROP = 75


# --- small pure helpers -------------------------------------------------------------------


def _phrases(sentence: str) -> list[str]:
    """A sentence cut after each top-level comma or colon (never inside parentheses)."""
    return cut_outside_parens(sentence, "，,：:")


def crop(sentence: str, toks: list[str], w: Weights, budget: int, q: Query | None = None) -> str:
    """The part of a long sentence around the phrase that best matches the question, within
    ``budget`` characters, marked with … where cut.

    >>> s = "聚焦疫情防控、科技创新等12个方面重大任务，强化经济调节、市场监管等五大职能，建设数字政府综合应用，健全工作运行机制，实现政府履职整体跃升。"
    >>> crop(s, ["重大任务", "职能"], Weights({}, 1.0), 40)
    '聚焦疫情防控、科技创新等12个方面重大任务，强化经济调节、市场监管等五大职能，…'
    >>> crop("建设数字政府。", ["数字政府"], Weights({}, 1.0), 50)
    '建设数字政府。'
    """
    if len(sentence) <= budget:
        return sentence
    parts = _phrases(sentence)
    scores = [sum(w.of(t) for t in toks if t in match_form(p).lower()) for p in parts]
    if q is not None and q.wants:  # the phrase holding the figure/date/place asked for
        scores = [x + (w.unknown if supports_type(q, p) else 0.0) for x, p in zip(scores, parts, strict=True)]
    lo = hi = max(range(len(parts)), key=lambda i: (scores[i], -i))
    size = len(parts[lo])
    while True:
        options = [(scores[i], i == hi + 1, i) for i in (lo - 1, hi + 1) if 0 <= i < len(parts)]
        options = [o for o in options if size + len(parts[o[2]]) <= budget]
        if not options:
            break
        i = max(options)[2]
        size += len(parts[i])
        lo, hi = min(lo, i), max(hi, i)
    text = "".join(parts[lo : hi + 1])
    if len(text) > budget:  # one phrase longer than the budget
        text = text[: budget - 1]
        hi = -1
    return ("…" if lo > 0 else "") + text + ("…" if hi != len(parts) - 1 else "")


def short_name(doc: Document) -> str:
    """A short readable name of a document.

    >>> from qa.schema import Document
    >>> short_name(Document("d", "d.txt", "宁波市人民政府关于印发宁波市加快数字政府建设实施方案的通知", "", "", "", "", "", "simplified", "", ""))
    '宁波市加快数字政府建设实施方案'
    """
    t = doc.title
    if not t:
        return doc.name.replace(" · ", "")
    if m := re.search(r"(?:关于|關於)印發?(?:发)?(.+?)的(?:通知|通告)$", t):
        return m.group(1).strip("《》")
    if m := re.search(r"(?:关于|關於)(.+)$", t):
        region = doc.region or ""
        return (region if region and not m.group(1).startswith(region[:2]) else "") + m.group(1)
    return t


_LEGAL_SEG_RE = re.compile(r"^第[一二三四五六七八九十百零〇两]+[编章节条]$")
_ARTICLE_SEG_RE = re.compile(r"^第[一二三四五六七八九十百零〇两]+条$")
_CLAUSE_SEG_RE = re.compile(r"^第(\d+)款$")


def readable_path(clause: Clause) -> str:
    """Clause path as a reader says it.

    >>> from qa.schema import Clause
    >>> readable_path(Clause("c", "d", "d.txt", "二/（一）/3", 3, "", "", "", "", 0, 0, None))
    '第二部分第（一）项第3条'
    >>> readable_path(Clause("c", "d", "d.txt", "第三章/第十四条/第2款", 3, "", "", "", "", 0, 0, None))
    '第十四条第二款'
    >>> readable_path(Clause("c", "d", "d.txt", "第三章", 1, "", "", "", "", 0, 0, None))
    '第三章'
    """
    out = []
    crumbs = clause.title_path.split(" > ")
    segs = clause.path.split("/")
    has_article = any(_ARTICLE_SEG_RE.match(x) for x in segs)
    for i, seg in enumerate(segs):
        if _LEGAL_SEG_RE.match(seg):  # 第三章/第十四条 reads 第十四条: articles are numbered through
            if not has_article or _ARTICLE_SEG_RE.match(seg):
                out.append(seg)
        elif m := _CLAUSE_SEG_RE.match(seg):
            out.append(f"第{cn_numeral(int(m.group(1)))}款")
        elif seg.startswith("§"):
            out.append(f"“{crumbs[i + 1] if i + 1 < len(crumbs) else seg}”部分")
        elif seg.startswith("¶"):
            out.append(f"第{seg[1:]}段")
        elif seg.startswith("p") and seg[1:].isdigit():
            out.append("（续）")
        elif seg.startswith("（"):
            out.append(f"第{seg}项")
        elif seg.isdigit():
            out.append(f"第{seg}条")
        elif seg == "解读":
            out.append("解读部分")
        elif seg.startswith("落款"):
            out.append("落款")
        else:
            out.append(f"第{seg.split('~')[0]}部分")
    return "".join(out)


# --- the answerer -------------------------------------------------------------------------


@dataclass
class _Candidate:
    hit: Hit
    rank: int
    doc: Document
    context: str
    cover: float


_TRANSMITTAL_RE = re.compile(r"[^。\n]*(?:印发给你们|现将[^。\n]*印发|请认真(?:贯彻执行|组织实施|抓好落实))[^。\n]*。?")


def is_front_or_back_matter(c: Clause) -> bool:
    """The signature block, or an opening paragraph that only addresses and transmits
    (“各区（县、市）人民政府…：现将《…》印发给你们，请认真贯彻执行。”): not evidence for answers.
    An opening paragraph that also says something (the preamble's 根据《…》) is kept.

    >>> from qa.schema import Clause
    >>> is_front_or_back_matter(Clause("c", "d", "d.txt", "¶2", 1, "", "", "现将《宁波市加快数字政府建设实施方案》印发给你们，请认真贯彻执行。", "", 0, 1, None))
    True
    >>> is_front_or_back_matter(Clause("c", "d", "d.txt", "¶1", 1, "", "", "各市人民政府：\\n根据《国务院关于加强数字政府建设的指导意见》，结合我省实际，提出如下实施意见。", "", 0, 1, None))
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
    return len("".join(said)) < 30


_MODAL_RE = re.compile(r"^(?:[不没][会能是要用有]|是不是|能不能|会不会)$")


def _cover_text(c: Clause) -> str:
    """What a clause's coverage of the question is measured on: its title path and its text."""
    return match_form(c.title_path) + "\n" + c.text_sc


def _gate_cover(index: Index, q: Query, cands: list[_Candidate], w: Weights) -> float:
    """Best coverage of the question's words of two or more characters, without 不会/不能…: a
    citizen's one-character verbs and 会不会/能不能 (看、找、别人能不能随便看) weigh like rare words
    and hide the clause that answers (数据加密) from the off-topic gate."""
    toks = [t for t in content_tokens(index, q) if len(t) > 1 and not _MODAL_RE.match(t)]
    return max((coverage(toks, _cover_text(c.hit.clause), w) for c in cands), default=0.0)


def _candidates(index: Index, q: Query, hits: list[Hit], w: Weights) -> list[_Candidate]:
    toks = content_tokens(index, q)
    out = []
    for r, h in enumerate(hits):
        doc = index.corpus.doc_by_id[h.clause.doc_id]
        if not supports_places(q, h.clause, doc):
            continue
        ctx = context_of(index, h.clause)
        if not supports_years(q, ctx):
            continue
        out.append(_Candidate(h, r, doc, ctx, coverage(toks, _cover_text(h.clause), w)))
    return out


def _best_sentences(
    index: Index, q: Query, cands: list[_Candidate], w: Weights, limit: int, max_clauses: int
) -> list[tuple[_Candidate, list[str]]]:
    """Pick the answering sentences: the best-scoring ones, grouped by clause."""
    all_toks = content_tokens(index, q)
    # targets and dates live in the overview (总体要求 > 发展目标); measures in the sections after it
    asks_overview = q.wants in ("time", "quantity", "money") or bool(_ASKS_OVERVIEW_RE.search(q.sc))
    scored = []
    for c in cands[:6]:
        title = match_form(c.doc.title or c.doc.name)
        toks = [t for t in all_toks if t not in title] or all_toks
        # what the question is about: not the year it names (到 2025 年), which many sentences
        # share, nor Latin noise around it (<script>…) that no document uses
        topic = toks if q.compare else [t for t in toks if _is_topic_word(t, w)] or toks
        # “…分别打算怎么做”: the measure, not the goal paragraph that names it
        overview = 0.0 if asks_overview or not is_overview(c.hit.clause) else OVERVIEW_PENALTY
        sents = split_sentences(c.hit.clause.text)
        for j, s in enumerate(sents):
            if is_instruction(s):
                continue  # an instruction planted in a document is not an answer
            if len(sents) == 1 and (
                len(_strip_marker(s).rstrip("。：:")) <= BARE_HEADING
                or (len(s) <= 40 and index.corpus.children.get(c.hit.clause.id))
            ):
                continue  # a section heading alone (“（二）总体目标。”) says nothing: its items do
            part = s if q.compare else year_part(q, s)
            if part is None or not (
                supports_type(q, part)
                and supports_phase(q, part)
                and supports_asked_unit(q, part)
                and supports_measure(q, part)
            ):
                continue  # about other years, or without the kind of thing asked for
            own = coverage(toks, part, w)
            if q.wants and coverage(topic, part, w) < TYPED_SENTENCE_COVERAGE:
                continue  # a figure/date/place sentence must also be about what the question asks
            sc = own + 0.35 * c.cover + 0.25 / (1 + c.rank) - overview
            if j == 0 and len(s) <= 24 and len(sents) > 1:  # a bare heading sentence: weaker alone
                sc -= 0.05
            scored.append((sc, c.rank, j, c, sents))
    scored.sort(key=lambda x: (-x[0], x[1], x[2]))
    picked: dict[int, tuple[_Candidate, list[int], list[str]]] = {}
    total = 0
    best = scored[0][0] if scored else 0
    for sc, rank, j, c, sents in scored:
        if sc < best * (0.55 if q.wants_list else SECOND_SENTENCE) or total >= limit:
            break
        if rank not in picked and len(picked) >= max_clauses:
            continue
        entry = picked.setdefault(rank, (c, [], sents))
        if j in entry[1]:
            continue
        entry[1].append(j)
        total += len(sents[j])
        if j == 0 and len(sents[j]) <= 24 and j + 1 < len(sents) and j + 1 not in entry[1]:
            entry[1].append(j + 1)  # a heading sentence needs the sentence that explains it
            total += len(sents[j + 1])
        elif j + 1 < len(sents) and j + 1 not in entry[1] and _short_tail(sents[j], sents[j + 1]):
            entry[1].append(j + 1)  # “2023年，启动二期项目建设；” + “2025年全面建成。”
            total += len(sents[j + 1])
    return [(c, [sents[j] for j in sorted(js)]) for c, js, sents in picked.values()]


#: An overview clause (总体要求, 发展目标, 内容解读) restates in passing what the later sections
#: set out as measures: its sentences lose this much unless the question asks for targets.
OVERVIEW_PENALTY = 0.2
_OVERVIEW_RE = re.compile(r"总体要求|总体思路|工作目标|发展目标|主要目标|指导思想|基本原则|内容解读")
_ASKS_OVERVIEW_RE = re.compile(r"目标|指标|原则|思路|指导思想|解读|总体|到20\d\d|20\d\d年")


def is_overview(c: Clause) -> bool:
    """Is a clause in a document's overview (its goals, principles or its interpretation)?

    >>> from qa.schema import Clause
    >>> is_overview(Clause("c", "d", "d.txt", "一/（二）/¶1", 3, "", "宁波方案 > 一、总体要求 > （二）发展目标 > ¶1", "…", "", 0, 1, None))
    True
    >>> is_overview(Clause("c", "d", "d.txt", "三/（四）/1", 3, "", "宁波方案 > 三、以数字化改革助力政府职能转变 > 1.推动政务服务集成高效", "…", "", 0, 1, None))
    False
    """
    return bool(_OVERVIEW_RE.search(match_form(" > ".join(c.title_path.split(" > ")[1:]))))


def _short_tail(sentence: str, following: str) -> bool:
    """Does ``following`` finish ``sentence``: a short clause after its semicolon?

    >>> _short_tail("2023年，启动城市大脑二期项目建设；", "2025年全面建成。（责任单位：市大数据局）")
    True
    >>> _short_tail("2023年，启动城市大脑二期项目建设。", "2025年全面建成。")
    False
    """
    return sentence.endswith(("；", ";")) and len(strip_duty_groups(following)) <= SHORT_TAIL


def _is_topic_word(t: str, w: Weights) -> bool:
    return len(t) > 1 and not t.isdigit() and bool(HAN_RE.search(t) or t in w.idf)


def _cite(citations: list[Citation], clause: Clause, sentence: str = "") -> int:
    for c in citations:
        if c.clause.id == clause.id:
            return c.n
    citations.append(Citation(len(citations) + 1, clause, sentence))
    return len(citations)


def sources_line(citations: list[Citation], index: Index, script: str) -> str:
    """The 出处 line: short document name and readable clause path per citation (with the PDF
    page where there is one), then a notice for every cited document retired or to be retired."""
    from qa.library import status_text, today

    parts, retired = [], []
    on = today()
    for c in citations:
        doc = index.corpus.doc_by_id[c.clause.doc_id]
        page = f"（第{c.clause.page}页）" if c.clause.page else ""
        parts.append(f"[{c.n}]《{to_script(short_name(doc), script)}》{readable_path(c.clause)}{page}")
        if doc.status != "in_force" and doc.id not in {d.id for d in retired}:  # also one announced for later
            retired.append(doc)
    line = "出处：" + "；".join(parts)
    for doc in retired:
        line += "\n" + to_script(
            f"注意：{status_text(replace(doc, title=short_name(doc)), on)}，请以现行文件为准。", script
        )
    return line


def _strip_marker(heading: str) -> str:
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
    return _LEAD_VERBS_RE.sub("", match_form(_strip_marker(c.heading)).rstrip("。．.；;"))


def _names_item(index: Index, q: Query, c: Clause) -> bool:
    """Does the question name this item by its heading, a name the documents use at most twice
    (民生保障应用), not a notion they discuss throughout (数字政府综合应用)?"""
    core = heading_core(c)
    if len(core) < 4 or core not in q.sc or c.path in ("文首", "落款") or not _numbered(c):
        return False  # a title line names the document, not an item
    return sum(t.count(core) for t in _doc_texts(index).values()) <= ITEM_NAME_USES


@lru_cache(maxsize=4)
def _pair_rarity(index: Index) -> tuple[dict[str, float], float]:
    """idf of every character pair over the clauses, and the idf of a pair no clause has."""
    df: dict[str, int] = {}
    for c in index.corpus.clauses:
        t = match_form(c.text)
        for p in {t[i : i + 2] for i in range(len(t) - 1)}:
            df[p] = df.get(p, 0) + 1
    n = len(index.corpus.clauses)
    return {p: math.log(n / (1 + k)) for p, k in df.items()}, math.log(n)


def task_pairs(index: Index, q: Query) -> frozenset[str]:
    """The character pairs of the task a duty question asks about, without the question's
    places and the library's document titles."""
    names = [f"{p}{s}" for p in q.places for s in ("省", "市", "")]
    names += [match_form(m) for d in index.corpus.documents for m in (d.title, short_name(d)) if m]
    return task_bigrams(q.sc, tuple(names))


def task_coverage(index: Index, pairs: frozenset[str], clause: Clause) -> float:
    """How much of a duty question's task (:func:`task_pairs`) a clause names, by rarity."""
    rarity, unseen = _pair_rarity(index)
    return bigram_coverage(pairs, match_form(clause.text), rarity, unseen)


def _answer_duty(
    index: Index, q: Query, cands: list[_Candidate], script: str, citations: list[Citation] | None = None
) -> tuple[str, list[Citation]] | None:
    pairs = task_pairs(index, q)
    named = [(task_coverage(index, pairs, c.hit.clause), c) for c in cands[:DUTY_CANDIDATES] if c.hit.clause.duties]
    with_duties = [(t, c) for t, c in named if c.cover >= MIN_COVERAGE and t >= DUTY_TASK_COVERAGE]
    if not with_duties:
        return None
    # the clause that names the task whole (政务云平台建设) before one that shares its words (政务云视频…平台)
    best = max(with_duties, key=lambda x: (round(x[0], 1), x[1].cover, -x[1].rank))[1]
    cl = best.hit.clause
    citations = [] if citations is None else citations
    n = _cite(citations, cl, cl.heading)
    task = to_script(_strip_marker(cl.heading), script)
    roles = [(r, getattr(cl.duties, r)) for r in ("lead", "responsible", "cooperating")]
    parts = [f"{_ROLE_NAMES[r]}：{to_script('、'.join(us), script)}" for r, us in roles if us]
    asked_lead = "牵头" in q.sc
    note = "（该项未列牵头单位）" if asked_lead and not cl.duties.lead else ""
    text = f"“{task}”的{'；'.join(parts)}{note}[{n}]。"
    return text, citations


_DUTY_ASK_RE = re.compile(
    r"[，,]?(?:分别|各自)?(?:由谁|是谁|由哪些|由哪个|归谁|谁来|谁)|[，,]?(?:分别|各自)?的?(?:牵头单位|责任单位)"
)


def duty_tasks(q: Query) -> list[str]:
    """The tasks of a duty question that asks about several (…A和B分别由谁负责？), as questions
    of their own; [] for one task.

    >>> from qa.query import analyse
    >>> duty_tasks(analyse("河北建立人口基础数据库和法人基础数据库分别由谁负责？"))
    ['河北建立人口基础数据库由谁负责？', '河北法人基础数据库由谁负责？']
    >>> duty_tasks(analyse("河北推进智慧城市、数字乡村建设由谁牵头？"))
    []
    """
    if not (q.duty and re.search(r"分别|各自", q.sc)) or not (m := _DUTY_ASK_RE.search(q.sc)):
        return []
    head = q.sc[: m.start()]
    place = next((p for p in q.places if head.startswith(p)), "")
    parts = [p.strip() for p in re.split(r"和|与|以及|、", head[len(place) :].lstrip("省市")) if p.strip()]
    if len(parts) < 2 or any(len(p) < 4 for p in parts):
        return []  # 智慧城市、数字乡村建设: one task with a list inside
    ask = "由谁牵头？" if "牵头" in q.sc else "由谁负责？"
    return [f"{place}{p}{ask}" for p in parts]


def _answer_duties(
    index: Index, tasks: list[str], settings: Settings, script: str
) -> tuple[str, list[Citation]] | None:
    """One duty line per task of “A和B分别由谁负责”, each with its own citation."""
    w = weights(index)
    citations: list[Citation] = []
    lines = []
    for task in tasks:
        tq = analyse(task)
        hits = search(index, task, k=10, retriever=settings.retriever, second_stage=False)
        before = len(citations)
        got = _answer_duty(index, tq, _candidates(index, tq, hits, w), script, citations)
        if got and len(citations) == before:
            continue  # two tasks of one clause (提升公文“一张网”…、推开移动办公): said once
        lines.append(got[0] if got else to_script(f"“{task[:-5]}”：文件未写明牵头或责任单位。", script))
    return ("\n".join(lines), citations) if citations else None


def merge_answers(first: tuple[str, list[Citation]], second: tuple[str, list[Citation]]) -> tuple[str, list[Citation]]:
    """Two answers as one: the second's [n] markers renumbered after the first's citations (a
    clause both cite keeps its first number)."""
    text, citations = first[0], list(first[1])
    renumber = {c.n: _cite(citations, c.clause, c.sentence) for c in second[1]}
    more = re.sub(r"\[(\d+)\]", lambda m: f"[{renumber.get(int(m.group(1)), m.group(1))}]", second[0])
    return f"{text}\n{more}", citations


def _unit_and_scope(index: Index, q: Query) -> tuple[str, list[str]]:
    """The unit a "what does unit Y do" question asks about, as documents write it (宁波市大数据局 →
    市大数据局), and the places whose documents may answer.  A unit named by a place with no
    document of its own (杭州海关) is written whole and may be in any document."""
    unit, scope = q.reverse_unit, list(q.places)
    for p in sorted(q.places, key=len, reverse=True):
        m = re.match(re.escape(p) + r"(省|市|自治区)?", unit)
        if not m:
            continue
        rest = unit[m.end() :]
        inner = places_in(rest)
        if inner and rest.startswith(inner[0]):
            scope = [x for x in scope if x not in inner]  # 雄安新区管委会 names a place but is a unit
        else:
            rest = rest if rest.startswith(("各", "全")) else ("省" if p in PROVINCES else "市") + rest  # 河北各市政府
        unit = rest
        break
    if scope and not _scoped_documents(index, scope):
        return match_form(q.reverse_unit), []
    return unit, scope


def _scoped_documents(index: Index, scope: list[str] | tuple[str, ...]) -> list[Document]:
    """The documents that speak for every place of ``scope`` (all of them for none), in library order."""
    if not scope:
        return list(index.corpus.documents)
    first = _docs_by_place(index).get(scope[0], ())
    return [d for d in first if all(p in doc_places(d) for p in scope[1:])]


@lru_cache(maxsize=4)
def _docs_by_place(index: Index) -> dict[str, tuple[Document, ...]]:
    """The documents of each place (:func:`doc_places`), in library order, once per index."""
    out: dict[str, list[Document]] = {}
    for d in index.corpus.documents:
        for p in doc_places(d):
            out.setdefault(p, []).append(d)
    return {p: tuple(ds) for p, ds in out.items()}


def unit_unlisted(index: Index, q: Query) -> bool:
    """Is the unit a reverse-duty question asks about named nowhere in the documents in scope
    (省公安厅 in 浙江省数字政府系统建设方案)?  Then no document says what it does."""
    unit, scope = _unit_and_scope(index, q)
    if not unit or "各" in unit or unit.startswith("全"):
        return False  # 各区县政府 is written many ways (各区（县、市）政府): a collective is never “not named”
    named = _named_document(index, q)
    texts = _doc_texts(index)
    names = (unit, match_form(q.reverse_unit))  # 宁波通商集团 is written whole, 宁波市大数据局 as 市大数据局
    return not any(n in texts[d.id] for d in ([named] if named else _scoped_documents(index, scope)) for n in names)


def _reverse_units(index: Index, q: Query) -> list[tuple[Clause, str]]:
    """Clauses whose duties name the unit of a "what does unit Y do" question, with Y's role."""
    unit, scope = _unit_and_scope(index, q)
    if not unit_key(unit):
        return []
    out = []
    for c in index.corpus.clauses:
        if not c.duties:
            continue
        doc = index.corpus.doc_by_id[c.doc_id]
        if scope and not all(p in doc_places(doc) for p in scope):
            continue
        for role in ("lead", "responsible", "cooperating"):
            if any(unit_matches(unit, u) or unit_matches(q.reverse_unit, u) for u in getattr(c.duties, role)):
                out.append((c, role))
                break
    return out


_UNIT_PREFIX_RE = re.compile(r"^(?:[\u4e00-\u9fff]{2,3}?(?:省|市|自治区))?(?:省委|市委|委|省|市|区|县)?")
_UNIT_SUFFIX_RE = re.compile(
    r"(?:监督管理局|管理局|监管局|委员会|管委会|办公室|办公厅|服务中心|中心|局|厅|委|办|院|部|署|社|公司|集团)$"
)


def unit_core(unit: str) -> str:
    """What a unit's name says it deals with (河北省档案局 → 档案, 宁波市委机要保密局 → 机要保密).

    >>> unit_core("河北省档案局"), unit_core("宁波市委机要保密局"), unit_core("省商务厅"), unit_core("宁波市口岸办")
    ('档案', '机要保密', '商务', '口岸')
    """
    core = _UNIT_PREFIX_RE.sub("", match_form(unit))
    return _UNIT_SUFFIX_RE.sub("", core)


def _task_summary(c: Clause, toks: list[str], w: Weights, budget: int, core: str = "") -> str:
    """A task as its heading plus the body sentences that best say what it is, within ``budget``
    characters: first those naming the unit's own field (档案局 → 电子档案), then by the
    question's words."""
    head = _strip_marker(c.heading)
    sents = [x for x in split_sentences(strip_duty_groups(c.text)) if _strip_marker(x).rstrip("。") != head]
    own = [t for t in tokenize(core) if len(t) > 1] if core else []
    if toks or own:
        sents.sort(key=lambda x: (-any(t in match_form(x) for t in own), -coverage(toks, x, w) if toks else 0))
    body = ""
    for x in sents:
        if len(head) + len(body) + len(x) > budget:
            if not body:
                body = x[: max(0, budget - len(head) - 1)] + "…"
            break
        body += x
    return f"{head}：{body}" if body else head


#: “…负责哪些任务？哪项是牵头？”: a question about all its tasks that asks which role each is
_ROLE_SUBQUESTION_RE = re.compile(
    r"哪(?:项|些|几项|个)(?:是|为|属于)(?:牵头|责任|协同)|其中|(?:牵头|责任|协同)(?:单位)?还是"
)


def _asked_role(sc: str) -> str:
    """The role a "what does unit Y do" question asks about, if it names one.

    >>> _asked_role("牵头打造什么应用？"), _asked_role("作为责任单位要推进哪些工作？"), _asked_role("参与哪项工作？")
    ('lead', 'responsible', '')
    >>> _asked_role("负责哪些任务？哪项是牵头？"), _asked_role("是牵头单位还是责任单位？")  # the answer says
    ('', '')
    """
    if _ROLE_SUBQUESTION_RE.search(sc):
        return ""
    if "牵头" in sc and not re.search(r"牵头或|或牵头|牵头和|和牵头", sc):
        return "lead"
    if "责任单位" in sc:
        return "responsible"
    if re.search(r"协同|配合", sc):
        return "cooperating"
    return ""


def _answer_reverse(index: Index, q: Query, w: Weights, script: str) -> tuple[str, list[Citation]] | None:
    found = _reverse_units(index, q)
    if not found:
        return None
    rest = q.sc.replace(q.reverse_unit, "")
    asked = _asked_role(rest)
    missing_role = ""
    if asked and any(r == asked for _c, r in found):
        found = [(c, r) for c, r in found if r == asked]  # “…牵头哪项应用”: the tasks it leads
    elif asked:  # “省大数据局牵头哪些应用？”: it leads none; say so before what it does do
        missing_role = f"文件未将其列为任何任务的{_ROLE_NAMES[asked]}；"
    generic = ("负责", "承担", "任务", "数字政府", "建设", "参与", "角色", "扮演", "作用", "身份")
    toks = [t for t in tokenize(rest, index.user_words) if t not in generic]
    scored = sorted(found, key=lambda x: -coverage(toks, x[0].title_path + x[0].text, w)) if toks else found
    specific = (bool(toks) and not q.wants_list and not re.search(r"角色|身份|作用", q.sc)) or (
        re.search(r"哪项|哪一项|什么工作", q.sc) and not _ROLE_SUBQUESTION_RE.search(q.sc)
    )
    chosen = scored[:2] if specific else scored[:6]
    counted = re.search(COUNTED_TASKS, q.sc)  # “…牵头的任务有几项？”: the count first
    more = f"（共{len(found)}项，列出{len(chosen)}项）" if len(found) > len(chosen) else ""
    more = more or (f"（共{len(found)}项）" if counted else "")
    unit = to_script(q.reverse_unit, script)
    core = unit_core(q.reverse_unit)

    def told(budget: int) -> tuple[str, list[Citation]]:
        citations: list[Citation] = []
        lines = []
        for role in ("lead", "responsible", "cooperating"):
            items = [c for c, r in chosen if r == role]
            if not items:
                continue
            tasks = []
            for c in items:
                n = _cite(citations, c, c.heading)
                summary = _task_summary(c, toks, w, budget, core)
                tasks.append(f"{to_script(summary, script)}[{n}]")
            lines.append(f"作为{_ROLE_NAMES[role]}：" + "；".join(tasks))
        return f"{unit}承担的任务{more}：{to_script(missing_role, script)}\n" + "\n".join(lines), citations

    # characters of task text per listed task; a single task may be told at length (its
    # facts are often past its first sentence); headings and labels count towards the whole
    budget = REVERSE_ONE_TASK_CHARS if len(chosen) == 1 else min(110, max(24, 280 // len(chosen)))
    text, citations = told(budget)
    while len(text) > REVERSE_ANSWER_CHARS and budget > 24:
        budget -= 8
        text, citations = told(budget)
    return text, citations


_META_FIELDS = (
    (re.compile(r"主送|发给|印发给|下发给|发送给|发至"), "addressees", "主送单位"),
    (re.compile(r"依据|根据[^，。？]{0,6}哪|上位文件|贯彻落实哪些|落实哪些文件"), "basis", "制定依据"),
    (re.compile(r"文号|发文字号|字号"), "doc_number", "文号"),
    (re.compile(r"作者|谁写"), "author", "作者"),
    (
        re.compile(
            r"发文机关|哪个机关|哪(?:个|家)(?:部门|单位)(?:印发|发布|制定|出台)|由?谁(?:印发|发布|制定|出台)|发布单位|印发单位"
        ),
        "issuer",
        "发文机关",
    ),
    # 施行日期 and 有效期 as the text states them (本条例自2022年1月1日起施行；有效期5年)
    (re.compile(r"施行|生效|开始实行|开始执行|起实施|实施日期|开始实施"), "effective_date", "施行日期"),
    (re.compile(r"有效期|有效到|失效|到期"), "valid_until", "有效期"),
    (re.compile(r"什么时候|何时|哪天|日期|哪一天|哪年"), "date", "印发日期"),
    (re.compile(r"出自|来源|媒体|平台|转载|(?:发表|刊登|刊发|登|发)在哪"), "source", "来源"),
    (re.compile(r"标题|全称|题目|完整名称|是(?:什么|哪个|哪份|哪一份)文件"), "title", "标题"),
    # elements of an official document (GB/T 9704) that the library's documents do not record
    (re.compile(r"抄送"), "cc", "抄送机关"),
    (re.compile(r"签发人|谁签发"), "signer", "签发人"),
    (re.compile(r"密级|保密期限"), "classification", "密级"),
    (re.compile(r"紧急程度"), "urgency", "紧急程度"),
)


def _doc_marks(doc: Document) -> list[str]:
    """The words a question may name a document by: its author, its source, its short title."""
    marks = [doc.author[:3], doc.source, match_form(short_name(doc)) if doc.title else "", match_form(doc.doc_number)]
    return [m for m in marks if m and len(m) >= 3]


def _names_document(sc: str, doc: Document) -> bool:
    """Does a question name this document (its author, its source, or its short title)?"""
    return any(m in sc for m in _doc_marks(doc))


@lru_cache(maxsize=4)
def _library_marks(index: Index) -> tuple[tuple[Document, tuple[str, ...]], ...]:
    """Every document with its :func:`_doc_marks`, once per index."""
    return tuple((d, tuple(_doc_marks(d))) for d in index.corpus.documents)


def _named_documents(index: Index, sc: str) -> list[Document]:
    """The documents a question names (:func:`_names_document`), in library order."""
    return [d for d, marks in _library_marks(index) if any(m in sc for m in marks)]


_META_WORDS_RE = re.compile(
    META_FIELD_RE.pattern
    + r"|文件|意见|方案|通知|文章|评论|网页|这份|该文|此文|那篇|哪篇|是什么|哪个|哪份|谁|签发|写的"
)


def asks_about_content(index: Index, q: Query, w: Weights) -> bool:
    """Does a question that names a document and a field word (“…方案…什么时候…”) ask about
    the document's content rather than its metadata?  It does when, after the words naming
    documents (titles, issuers, 文号) and the field words, two or more corpus words remain
    (“…要求数字政府综合应用在什么时候上线运行” → 综合、应用、上线、运行)."""
    names = "".join(
        match_form(f"{d.title}{short_name(d)}{d.issuer}{d.source}{d.author}{d.doc_number}{d.region}")
        for d in index.corpus.documents
    )
    rest = _META_WORDS_RE.sub(" ", re.sub(r"《[^》]*》", " ", q.sc))
    toks = [t for t in content_tokens(index, replace(q, sc=rest)) if t not in names and w.of(t) < w.unknown]
    return len(toks) >= 2


#: the words of a document's own date: it was issued (印发), not something it plans starts (实行)
_ISSUED_RE = re.compile(r"印发|发布|出台|发文|成文|公布|发表|刊登|刊发|落款|签发|制定|写的|写于")


def content_date(index: Index, q: Query, w: Weights) -> bool:
    """Does a question that names a document ask when something *in* it happens, not when the
    document was issued? (“宁波方案规定…免征关税，这项政策从哪天开始实行？” is not asking for
    the plan's 印发日期.)"""
    asks_date = any(f == "date" and pat.search(q.sc) for pat, f, _l in _META_FIELDS)
    return asks_date and not _ISSUED_RE.search(q.sc) and asks_about_content(index, q, w)


_QUOTES_RE = re.compile(r"[“”\"'‘’「」『』\s]")


@lru_cache(maxsize=4)
def _doc_texts(index: Index) -> dict[str, str]:
    """Each document's text in match form, quotes dropped (“一网统管” is 一网统管), by id."""
    return {d.id: bare(d.clean) for d in index.corpus.documents}


@lru_cache(maxsize=4)
def _corpus_titles(index: Index) -> tuple[str, tuple[frozenset[str], ...]]:
    """All document text (quotes dropped) and the word set of each document's titles."""
    text = "\n".join(_doc_texts(index).values())
    words = tuple(
        frozenset(tokenize(match_form(f"{d.title}{short_name(d)}{d.name}{d.issuer}"), index.user_words))
        for d in index.corpus.documents
    )
    return text, words


@lru_cache(maxsize=4)
def _clause_texts(index: Index) -> str:
    """Every clause's ``text_sc``, one a line, once per index (a place is named in it when it is
    named in a clause)."""
    return "\n".join(c.text_sc for c in index.corpus.clauses)


@lru_cache(maxsize=4)
def _corpus_text_lower(index: Index) -> str:
    """All document text (:func:`_corpus_titles`) lower-cased, once per index."""
    return _corpus_titles(index)[0].lower()


def unknown_titles(index: Index, q: Query) -> list[str]:
    """Titles in 《》 that are neither a document of the library (in full or in other words)
    nor mentioned by one: “《浙江省数字政府建设“十五五”规划》提出了哪些目标？” cannot be answered
    from the library, while a document the library cites (国务院《指导意见》) is known."""
    text = _corpus_titles(index)[0]
    return [title for title, t in _asked_titles(q) if t not in text and not _own_title(index, t)]


def cited_titles(index: Index, q: Query) -> list[str]:
    """Titles in 《》 of documents the library only cites (国务院《关于加强数字政府建设的指导意见》):
    what the library says of one is in the clauses that name it, and nowhere else."""
    text = _corpus_titles(index)[0]
    return [t for _title, t in _asked_titles(q) if t in text and not _own_title(index, t)]


def _asked_titles(q: Query) -> list[tuple[str, str]]:
    """The titles a question writes in 《》, as written and with quotes dropped."""
    return [(title, _QUOTES_RE.sub("", title)) for title in re.findall(r"《([^》]{4,60})》", q.sc)]


def _own_title(index: Index, t: str) -> bool:
    """Is a title (quotes dropped) one of the library's documents, in full or in other words,
    or as another document cites one that does not state its own title?"""
    toks = {x for x in tokenize(t, index.user_words) if len(x) > 1 or HAN_RE.match(x)} - FILLER
    if any(toks <= ws for ws in _corpus_titles(index)[1]):
        return True
    return any((as_cited := cited_as(index, d)) and as_cited[0] == t for d in index.corpus.documents if not d.title)


_QUOTED_NAME_RE = re.compile(r"[“「『\"]([^“”「」『』\"]{2,12})[”」』\"]")
# a quoted phrase that asks or sums up (“几合一”, “三个掌上”, “三感”, “一个码、一个库”) names nothing
_NOT_A_NAME_RE = re.compile(
    r"[、，,；;：:\s]|几|什么|哪|多少|啥|^[一二三四五六七八九十两\d]+(?:[个项大张条类]|[\u4e00-\u9fff]$)"
)


def quoted_names(q: Query) -> list[str]:
    """Names the question quotes, quotes inside them dropped.

    >>> quoted_names(analyse("宁波“甬金通”数智金融应用由谁负责？它和“几合一”有关吗？"))
    ['甬金通']
    """
    names = (m.group(1).strip() for m in _QUOTED_NAME_RE.finditer(q.sc))
    return [_QUOTES_RE.sub("", n) for n in names if not _NOT_A_NAME_RE.search(n)]


def unknown_names(index: Index, q: Query, docs: list[Document] | None = None) -> list[str]:
    """Names the question quotes (an app, a platform, a project: “甬e通”) that no document of
    the library (or of ``docs``) uses: what the documents never name, they say nothing about.

    Quoted phrases that ask or sum up (“几合一”, “三个掌上”, lists with 、) are not names."""
    names = quoted_names(q)
    if not names:
        return []
    texts = _doc_texts(index)
    text = "\n".join(texts[d.id] for d in docs).lower() if docs is not None else _corpus_text_lower(index)
    return [n for n in names if not says_name(n.lower(), text)]


_ASIDE_RE = re.compile(r"[（(][^（）()]{1,10}[）)]")


def bare(text: str) -> str:
    """A text in match form without quotes, as names are compared: “一网统管” is 一网统管."""
    return _QUOTES_RE.sub("", match_form(text))


def says_name(name: str, text: str) -> bool:
    """Does a text (:func:`bare`) say a name, also with an aside inside it or its parts listed?

    >>> says_name("无证件办事之城", "全面打造无证件(证明)办事之城"), says_name("天空地", "集成天、空、地、网")
    (True, True)
    >>> says_name("甬e通", "甬金通")
    False
    """
    if name in text:
        return True
    if ("(" in text or "（" in text) and name in _ASIDE_RE.sub("", text):
        return True
    return "、" in text and name in text.replace("、", "")


_DOC_KIND_RE = r"(?:实施方案|实施意见|行动方案|方案|意见|规划|办法|条例|通知)"
# words that only point at a document (宁波方案, 这份意见), not at what is asked about it
_DOC_WORDS = frozenset(["方案", "实施方案", "意见", "实施意见", "文件", "通知", "规划", "评论", "这份", "那份"])


def _beyond_name(index: Index, q: Query, names: list[str], context: str, w: Weights) -> float:
    """Coverage, by a clause, of what a question asks besides the names it quotes: the name
    brings the clause up, the rest of the question must be in it too."""
    sc, text = q.sc, bare(context)
    for n in names:
        sc, text = sc.replace(n, " "), text.replace(n, " ")
    in_names = {t for n in names for t in tokenize(n, index.user_words)}
    toks = [t for t in content_tokens(index, replace(q, sc=sc)) if t not in in_names and t not in _DOC_WORDS]
    if sum(len(t) > 1 for t in toks) < NAMED_REST_WORDS:
        return 1.0  # ““浙政钉”是干什么的？”: nothing is asked about it but what it is
    return coverage(toks, text, w)


def absent_topic(index: Index, q: Query) -> list[str]:
    """The question's content words when no document of the library has any of them, apart
    from words that point at a document: “宁波方案的附件有什么？” asks about 附件, which the
    library never mentions, so whatever clause matches 方案 does not answer it."""
    toks = [t for t in content_tokens(index, q) if t not in _DOC_WORDS and not t.isdigit()]
    text = _corpus_text_lower(index)
    absent = [t for t in toks if t not in text and not any(a in text for a in COLLOQUIAL.get(t, ()))]
    return absent if toks and len(absent) == len(toks) else []


def owns_document(sc: str, place: str) -> bool:
    """Does the question speak of a document that belongs to ``place`` (“杭州市加快数字政府建设实施方案”,
    “杭州的方案”), rather than mention the place?

    >>> owns_document("杭州市加快数字政府建设实施方案中，城市大脑由哪个部门牵头？", "杭州")
    True
    >>> owns_document("杭州和宁波的方案有什么不同？", "杭州"), owns_document("宁波方案对杭州有什么安排？", "杭州")
    (False, False)
    """
    between = r"(?:省|市|区|县)?[^，,。？?；和与及、]{0,14}?"
    for m in re.finditer(re.escape(place) + between + _DOC_KIND_RE, sc):
        if not places_in(m.group(0)[len(place) :]):
            return True
    return False


def _named_document(index: Index, q: Query) -> Document | None:
    """The one document a question names by its author, source or short title, if exactly one."""
    named = _named_documents(index, q.sc)
    if len(named) != 1 or not set(q.places) <= doc_places(named[0]):
        return None  # none, several, or the question also asks about another place
    return named[0]


def _evidence_first(citations: list[Citation], hits: list[Hit]) -> list[Hit]:
    """The retrieved list of an answer: the clauses it cites first, in citation order, then
    the other search hits. Choosing the answer sentences reranks the hits (a cited clause has
    the sentence that best matches the question); a clause found by the answer's own look-up
    (a unit's duties, a comparison side, a document's metadata) is marked ``answer``."""
    by_id = {h.clause.id: h for h in hits}
    used = [
        replace(h, sources=(*h.sources, "answer"))
        if (h := by_id.get(c.clause.id))
        else Hit(c.clause, 1.0, ("answer",), (("answer", c.n),))
        for c in citations
    ]
    seen = {h.clause.id for h in used}
    return [*used, *(h for h in hits if h.clause.id not in seen)]


@lru_cache(maxsize=4)
def _numbered_citations(index: Index) -> tuple[tuple[str, str, Clause], ...]:
    """Every document the library cites with its 文号 (《…》（国发〔2022〕14号）): title, number and
    the citing clause, read once per index."""
    return tuple(
        (m.group(1), m.group(2), c)
        for c in index.corpus.clauses
        for m in CITED_WITH_NUMBER_RE.finditer(match_form(c.text))
    )


def cited_as(index: Index, doc: Document) -> tuple[str, str, Clause] | None:
    """How another document of the library cites this one, with its 文号: 宁波's plan cites
    《浙江省人民政府关于深化数字政府建设的实施意见》（浙政发〔2022〕20号）, which the 浙江
    document itself (a page without its title block) never states. A document without a title
    is matched by its issuer, its kind and its year."""
    for title, number, c in _numbered_citations(index):
        if c.doc_id == doc.id:
            continue
        if title == match_form(doc.title) if doc.title else cites_untitled(title, number, doc):
            return title, number, c
    return None


def _basis_numbers(index: Index, doc: Document) -> list[tuple[str, Clause]]:
    """The 文号 the document gives for the documents it is based on (《…指导意见》（国发〔2022〕14号）)."""
    titles = [match_form(t) for t in re.findall(r"《([^《》]+)》", doc.basis)]
    out: dict[str, Clause] = {}
    for title, number, c in _numbered_citations(index):
        if c.doc_id == doc.id and title in titles:
            out.setdefault(number, c)
    return list(out.items())


_SELF = r"本[\u4e00-\u9fff]{0,4}?(?:条例|规定|办法|细则|措施|通知|意见|方案|预案|决定)"
#: The clause that states a 施行日期 or 有效期 (本办法自印发之日起施行，有效期3年): the reader may
#: have computed the value (自印发之日, 有效期N年), so it is found by what the clause says.
_STATED_BY = {
    "valid_until": re.compile(_SELF + r"[^。]{0,40}有效期"),
    "effective_date": re.compile(_SELF + r"[^。]{0,14}自[^。]{0,16}(?:施行|实施|执行|生效)"),
}
_TERM_RE = re.compile(r"有效期(?:为)?[0-9一二三四五六七八九十两]{1,2}年")


def _meta_value(doc: Document, field: str) -> str:
    value = getattr(doc, field, "")  # "" for a field no document records (抄送机关)
    if value and field in ("date", "effective_date", "valid_until"):
        y, m, d = value.split("-")
        return f"{int(y)}年{int(m)}月{int(d)}日"
    return value


#: “陈畴镛是谁？”“作者是什么身份？”: the author line (陈畴镛，杭州电子科技大学教授…) answers.
_ASKS_PERSON_RE = re.compile(r"是谁|谁写|什么人|身份|职务|头衔|哪个单位|哪家单位|什么单位|在哪(?:里)?工作|简介|介绍")
#: The words a question may use for a kind of document (Document.kind).
_KIND_WORDS = {"评论": ("评论", "文章"), "实施意见": ("实施意见",), "方案": ("方案",)}


def _kind_words(kind: str) -> tuple[str, ...]:
    """The words for a kind, by its ending: a 实施方案 is called a 方案.

    >>> _kind_words("实施方案"), _kind_words("实施意见"), _kind_words("条例")
    (('方案',), ('实施意见',), ())
    """
    return next((_KIND_WORDS[k] for k in sorted(_KIND_WORDS, key=len, reverse=True) if kind.endswith(k)), ())


def asks_about_author(index: Index, q: Query) -> bool:
    """Does a question ask who a document's author is (by the author's name, or 作者 + 身份…)?

    “陈畴镛是谁？” and “那篇评论文章的作者是什么身份？” do; “陈畴镛文章说首席数据官是谁担任？”
    asks about the article's content, and “…领导小组的组长是谁？” names no author.
    """
    if re.search(r"谁写|作者", q.sc):
        return bool(_ASKS_PERSON_RE.search(q.sc))
    names = [match_form(re.split(r"[,，、]", d.author)[0]) for d in index.corpus.documents if d.author]
    asks = _ASKS_PERSON_RE.pattern
    return any(
        n and re.search(rf"{re.escape(n)}(?:是|的|教授|老师)?(?:{asks})|(?:介绍一下|谁是){re.escape(n)}", q.sc)
        for n in names
    )


def _kind_target(index: Index, q: Query) -> list[Document]:
    """The one document of the kind a question names (那篇评论文章, 河北的实施意见), if just one."""
    docs = [d for d in _scoped_documents(index, q.places) if any(w in q.sc for w in _kind_words(d.kind))]
    return docs if len(docs) == 1 else []


def _answer_meta(
    index: Index, q: Query, cands: list[_Candidate], script: str, fields: list[tuple[str, str]] | None = None
) -> tuple[str, list[Citation]] | None:
    """文号 / date / issuer / author / title of the document the question is about, each cited
    to the clause stating it (“这份文件的标题是什么？由哪个机关印发？” answers both)."""
    if fields is None:
        asked = [(m.start(), f, label) for pat, f, label in _META_FIELDS if (m := pat.search(q.sc))]
        fields = [(f, label) for _at, f, label in sorted(asked)]  # in the order the question asks
        if {f for f, _l in fields} & {"effective_date", "valid_until"}:  # 哪天开始施行: not the 印发日期
            fields = [(f, label) for f, label in fields if f != "date"]
    if not fields:
        return None
    named = re.findall(r"《([^》]+)》", q.sc)
    targets = _named_documents(index, q.sc)
    if not targets and not named:  # a quoted title is matched below: another file may cite its 文号
        targets = _kind_target(index, q)
    pool = [c for c in cands[:5] if not targets or c.doc in targets]
    if targets and not pool:  # the fields are the document's, whichever of its clauses was found
        first = index.corpus.clauses_of(targets[0].id)[0]
        pool = [_Candidate(Hit(first, 0.0, (), ()), 0, targets[0], "", 0.0)]
    asked_fields = fields
    for cand in pool:
        doc = cand.doc
        # a document that states no 施行日期 took effect when it was issued: its 印发日期 answers
        fields = [
            ("date", "印发日期") if f == "effective_date" and not doc.effective_date else (f, lb)
            for f, lb in asked_fields
        ]
        # “…根据国务院哪份文件制定的？文号是什么？” asks for the basis's 文号, not this one's
        asked = {f for f, _l in fields}
        cited = cited_as(index, doc) if asked & {"doc_number", "title"} and "basis" not in asked else None
        if not any(getattr(doc, f, "") or (f == "issuer" and doc.source) or cited for f, _l in fields):
            if targets:
                return "", []  # the document the question names does not state it
            continue
        title = match_form(doc.title)
        if named and not any(n in title or match_form(short_name(doc)) in n for n in named):
            continue  # the question asks about another document it names
        if not named and not targets and not (set(q.places) & doc_places(doc)) and not _states_field(q, doc):
            continue
        citations: list[Citation] = []
        parts = []
        note = ""
        for field, label in fields:
            shown = _meta_value(doc, field)
            if not shown and field == "issuer" and doc.source:
                shown, label = doc.source, "来源"  # a web page names who published it, not an issuer
            if field == "doc_number" and "basis" in asked and (numbered := _basis_numbers(index, doc)):
                # “…根据哪份文件制定的？文号是什么？”: the 文号 of what it was based on
                cl = numbered[0][1]
                n = _cite(citations, cl, numbered[0][0])
                parts.append(f"依据文件的文号：{to_script('、'.join(x for x, _c in numbered), script)}[{n}]")
                continue
            if not shown and cited and field in ("doc_number", "title"):
                # not in the document itself: as another document of the library cites it
                title, number, cl = cited
                shown = number if field == "doc_number" else title
                by = short_name(index.corpus.doc_by_id[cl.doc_id])
                n = _cite(citations, cl, number)
                parts.append(f"{label}：{to_script(shown, script)}[{n}]")
                note = to_script(f"（文件本身未写明，据《{by}》的引用）", script)
                continue
            if not shown:
                parts.append(f"文件未写明{label}")
                continue
            if field in _STATED_BY:  # 有效期至2026年12月5日 is counted from “…施行，有效期5年”
                cl = next((c for c in index.corpus.clauses_of(doc.id) if _STATED_BY[field].search(c.text_sc)), None)
                if field == "valid_until" and cl is not None and (term := _TERM_RE.search(cl.text_sc)):
                    shown = f"{term.group(0)}，至{shown}"  # the term as stated, and its last day
                cl = cl or _stating_clause(index, doc, shown)
            else:
                cl = _stating_clause(index, doc, shown)
            if cl is None:
                continue
            n = _cite(citations, cl, shown)
            parts.append(f"{label}：{to_script(shown, script)}[{n}]")
        if citations:
            return f"《{to_script(short_name(doc), script)}》的" + "；".join(parts) + "。" + note, citations
    return None


_DOC_WORD = r"(?:方案|意见|文件|文章|评论)》?"
#: “宁波方案分几个部分？”“浙江省实施意见的目录”: the document's outline.
_ASKS_PARTS_RE = re.compile(
    _DOC_WORD + r"(?:的|一共|共|总共|正文)*(?:分(?:为|成)?|有|包括|包含)?(?:几|多少|哪几|哪些)个?(?:部分|章节|板块)"
    r"|" + _DOC_WORD + r"的?(?:目录|提纲|大纲|篇章结构|主要内容|要点|概要)"
    r"|(?:总结|概括|介绍)(?:一下)?[^，。？]{0,16}"
    + _DOC_WORD
    + r"|"
    + _DOC_WORD
    + r"(?:都|主要)?(?:讲了|讲的|说了|写了)(?:些)?(?:什么|啥)"
)
#: “宁波方案的主要任务有哪些？”: the items of one section, by the words of its heading.
_ASKS_SECTION_RE = re.compile(
    r"(主要任务|重点任务|保障措施|总体要求|工作目标|主要目标|发展目标|总体思路|基本原则|组织保障)"
    r"(?:都|分别|主要)?(?:有哪些|包括哪些|包括什么|是哪些|有几|有多少|分哪几)"  # 是什么 asks for its content
)
#: “陈畴镛的文章第三部分讲什么？”“最后一部分是什么？”: one part of a document.
_ASKS_NTH_RE = re.compile(
    r"(?:第([一二三四五六七八九十\d]{1,3})|(最后))一?个?(?:部分|小标题|大标题|章节|板块)"
    r"(?:的)?(?:主要)?(?:讲|说|写|谈|是|叫|内容|标题|题目|关于)[^，。？]{0,4}(?:什么|啥|哪)"
)
_OVERVIEW_HEADING_RE = re.compile(r"总体要求|总体思路|工作目标|指导思想")
_COUNT_STATED_RE = re.compile(r"共(?:包括|分为|分成|有|包含)?[0-9一二三四五六七八九十]+个部分")
#: characters of a heading an outline shows, and of a document's own account of its parts
OUTLINE_HEADING = 26
OUTLINE_QUOTE = 240


def _short_heading(c: Clause) -> str:
    """A heading as an outline shows it: cut at :data:`OUTLINE_HEADING` characters."""
    return c.heading if len(c.heading) <= OUTLINE_HEADING else c.heading[: OUTLINE_HEADING - 1] + "…"


def _lead_sentences(sents: list[str], limit: int) -> str:
    """The first sentence and as many following ones as fit in ``limit`` characters.

    >>> _lead_sentences(["第一句。", "第二句很长很长。", "三。"], 10)
    '第一句。'
    """
    said = sents[0]
    for x in sents[1:]:
        if len(said) + len(x) > limit:
            break
        said += x
    return said


def _outline_target(index: Index, q: Query) -> Document | None:
    """The one document an outline question is about: named, of a kind and place, or the only
    document of the place it names."""
    if named := _named_document(index, q):
        return named
    if kind := _kind_target(index, q):
        return kind[0]
    owned = _scoped_documents(index, q.places) if q.places else []
    return owned[0] if len(owned) == 1 else None


def _numbered(c: Clause) -> bool:
    """A numbered or titled part (一、, （二）, 3., §2), not a paragraph, byline or interpretation."""
    last = c.path.split("/")[-1]
    return not last.startswith(("¶", "p")) and c.path not in ("落款", "解读") and bool(c.heading.strip())


def _states_own_parts(index: Index, doc: Document, script: str) -> tuple[str, list[Citation]] | None:
    """The sentences where a document counts its own parts (《实施意见》共包括7个部分，第一部分是…),
    quoted from the clause that says so, as far as an answer's length allows."""
    for c in index.corpus.clauses_of(doc.id):
        if not _COUNT_STATED_RE.search(c.text_sc):
            continue
        sents = split_sentences(c.text)
        start = next(i for i, x in enumerate(sents) if _COUNT_STATED_RE.search(match_form(x)))
        citations: list[Citation] = []
        n = _cite(citations, c, sents[start])
        return to_script(_lead_sentences(sents[start:], OUTLINE_QUOTE), script) + f"[{n}]", citations
    return None


def _answer_outline(index: Index, q: Query, script: str) -> tuple[str, list[Citation]] | None:
    """The parts of a document (分几个部分) or the items of one of its sections (主要任务有哪些),
    read from the clause tree, each heading cited to its clause."""
    asks_parts = _ASKS_PARTS_RE.search(q.sc)
    section = _ASKS_SECTION_RE.search(q.sc)
    nth = _ASKS_NTH_RE.search(q.sc)
    if not (asks_parts or section or nth) or not (doc := _outline_target(index, q)):
        return None
    tops = [c for c in index.corpus.children.get(None, []) if c.doc_id == doc.id and _numbered(c)]
    if nth and not asks_parts:
        return _answer_part(index, doc, tops, nth, script)
    intro = f"《{short_name(doc)}》"
    if section and not asks_parts:
        word = section.group(1)
        found = [c for c in index.corpus.clauses_of(doc.id) if word in match_form(_strip_marker(c.heading))]
        items = [c for c in index.corpus.children.get(found[0].id, []) if _numbered(c)] if found else []
        if found and not items:
            return None  # a section of paragraphs (到2025年…): the fact answer quotes them
        if not found:
            if word not in ("主要任务", "重点任务"):
                return None
            # no section is called so: the tasks are the parts after the overview
            items = [c for c in tops if not _OVERVIEW_HEADING_RE.search(match_form(c.heading))]
            intro += f"没有以“{word}”为题的部分；总体要求之后的{len(items)}个部分是："
        else:
            intro += f"“{_strip_marker(found[0].heading)}”包括{len(items)}项："
    else:
        if stated := _states_own_parts(index, doc, script):
            return stated  # the document says so itself (《实施意见》共包括7个部分…): quote that
        items = tops
        intro += f"正文分为{len(items)}个部分："
    if not items:
        return None
    citations: list[Citation] = []
    shown = []
    for c in items:
        shown.append(f"{_short_heading(c)}[{_cite(citations, c, c.heading)}]")
    return to_script(intro, script) + "；".join(to_script(h, script) for h in shown) + "。", citations


def _answer_part(
    index: Index, doc: Document, tops: list[Clause], nth: re.Match, script: str
) -> tuple[str, list[Citation]] | None:
    """One part of a document by its place (第三部分, 最后一部分): its heading, then its numbered
    items or, for a part of paragraphs, its first sentences."""
    if not tops:
        return None
    i = len(tops) - 1 if nth.group(2) else cn_number(nth.group(1)) - 1
    if not 0 <= i < len(tops):
        return f"《{short_name(doc)}》正文只有{len(tops)}个部分", []
    part = tops[i]
    citations: list[Citation] = []
    text = f"《{short_name(doc)}》第{cn_numeral(i + 1)}部分是“{_strip_marker(part.heading)}”[{_cite(citations, part, part.heading)}]"
    kids = index.corpus.children.get(part.id, [])
    if items := [c for c in kids if _numbered(c)]:
        text += f"，包括{len(items)}项：" + "；".join(
            f"{_short_heading(c)}[{_cite(citations, c, c.heading)}]" for c in items
        )
    else:
        head = _strip_marker(part.heading).rstrip("。")
        for c in (part, *kids):
            sents = [x for x in split_sentences(c.text) if _strip_marker(x).rstrip("。") != head]
            if sents:
                text += f"：{_lead_sentences(sents, OUTLINE_QUOTE // 2)}[{_cite(citations, c, sents[0])}]"
                break
    return to_script(text if re.search(r"。(?:\[\d+\])?$", text) else text + "。", script), citations


#: Questions about the library itself: which file is newest, what files there are.
_ASKS_NEWEST_RE = re.compile(r"哪(?:份|个|篇)(?:文件|文档|政策)?(?:最新|最近|最晚)|最(?:新|近)的(?:文件|一份|是哪)")
_ASKS_OLDEST_RE = re.compile(r"哪(?:份|个|篇)(?:文件|文档|政策)?最早|最早的(?:文件|一份|是哪)")
_ASKS_FILES_RE = re.compile(
    r"(?:文库|资料库|库里|系统里|你们|这里|现在)[^，。？]{0,6}(?:有|收录了?|包括)(?:哪些|几份|多少份?|什么)(?:文件|政策|文档|资料)"
    r"|(?:一共|总共|共)(?:有|收录了?)?(?:几|多少)份(?:文件|政策|文档)"
)


#: “哪个文件提到了“数据官”？”“哪些文件提到城市大脑”: the documents that say it.
_ASKS_WHICH_DOCS_RE = re.compile(
    r"哪(?:个|份|些|几份|几个|一份)(?:文件|文档|政策|材料)[^，。？]{0,4}?(?:提到|提出|说到|讲到|涉及|写到|提及|出现)(?:了|过)?"
    r"[“「]?([^，。？”」]{2,16}?)[”」]?(?:吗|呢)?[？?。]?$"
)


def _answer_which_docs(index: Index, q: Query, script: str) -> tuple[str, list[Citation]] | None:
    """The documents that mention a term, each with the first clause that says it, cited."""
    m = _ASKS_WHICH_DOCS_RE.search(q.sc)
    if not m:
        return None
    term = _QUOTES_RE.sub("", m.group(1)).removesuffix("的")
    citations: list[Citation] = []
    items = []
    for d in index.corpus.documents:
        if not says_name(term, _doc_texts(index)[d.id]):
            continue
        for c in index.corpus.clauses_of(d.id):
            if is_front_or_back_matter(c) or not says_name(term, bare(c.text)):
                continue
            sentence = next((x for x in split_sentences(c.text) if says_name(term, bare(x))), c.text)
            shown = strip_duty_groups(sentence)
            if len(shown) > WHICH_DOCS_QUOTE:  # the part around the term
                at = max(0, match_form(shown).find(term[:2]) - WHICH_DOCS_QUOTE // 3)
                cut = shown[at : at + WHICH_DOCS_QUOTE]
                shown = ("…" if at else "") + cut + ("…" if at + WHICH_DOCS_QUOTE < len(shown) else "")
            items.append(f"《{short_name(d)}》：{shown}[{_cite(citations, c, sentence)}]")
            break
    if not items:
        return f"文件中没有提到“{term}”", []
    return to_script(f"提到“{term}”的文件有{len(items)}份：\n" + "\n".join(items), script), citations


def _answer_library(index: Index, q: Query, script: str) -> tuple[str, list[Citation]] | None:
    """The library's own documents: all of them with their dates, or the newest / oldest."""
    newest, oldest = _ASKS_NEWEST_RE.search(q.sc), _ASKS_OLDEST_RE.search(q.sc)
    if not (newest or oldest or _ASKS_FILES_RE.search(q.sc)):
        return None
    docs = list(index.corpus.documents)
    dated = sorted((d for d in docs if d.date), key=lambda d: d.date)
    citations: list[Citation] = []

    def item(d: Document) -> str:
        shown = _meta_value(d, "date")
        cl = (_stating_clause(index, d, shown) if shown else None) or index.corpus.clauses_of(d.id)[0]
        when = f"（{shown}）" if shown else "（未写明日期）"
        retired = "，已废止" if d.status != "in_force" else ""
        return f"《{short_name(d)}》{when[:-1]}{retired}）[{_cite(citations, cl, shown or cl.heading)}]"

    undated = [d for d in docs if not d.date]
    if (newest or oldest) and dated:
        pick = dated[-1] if newest else dated[0]
        text = f"写明日期的{len(dated)}份文件中，{'最新' if newest else '最早'}的是{item(pick)}"
        if undated:
            text += "；" + "、".join(f"《{short_name(d)}》" for d in undated) + "未写明日期"
        text += "。"
    else:
        text = f"文库共收录{len(docs)}份文件：" + "；".join(item(d) for d in dated + undated) + "。"
    return to_script(text, script), citations


def _stating_clause(index: Index, doc: Document, shown: str) -> Clause | None:
    """The clause that states a metadata value: a labelled field (“印发机关：河北省人民政府”)
    before any clause that merely mentions it."""
    probe = match_form(re.split(r"[,，、]", shown)[0])
    having = [c for c in index.corpus.clauses_of(doc.id) if probe in c.text_sc]
    labelled = re.compile(r"[：:]\s*" + re.escape(probe))
    return next((c for c in having if labelled.search(c.text_sc)), having[0] if having else None)


def _states_field(q: Query, doc: Document) -> bool:
    """Does the question quote one of the document's own metadata values (冀政发〔2023〕3号)?"""
    values = (doc.doc_number, doc.issuer, doc.author)
    return any(v and match_form(v) in q.sc for v in values)


#: Greetings, thanks and “what can you do”: not questions about the documents.
_SMALL_TALK_RE = re.compile(
    r"^(?:你好|您好|嗨|hi|hello|在吗|谢谢|多谢|感谢|再见|你是谁|你能做什么|你会什么|你可以做什么|怎么用|如何使用|帮助|help)"
    r"[呀啊吗呢！!。.？? ]*$",
    re.IGNORECASE,
)
HELP = (
    "我回答文库中政策文件的问题，每句话都注明出处条款。可以这样问："
    "“宁波到2025年要建多少个5G基站？”“河北完善法人基础数据库由谁负责？”"
    "“省公安厅负责哪些任务？”“浙江和河北对数据安全分别有什么要求？”“宁波方案分几个部分？”"
    "文件里没有的内容，我会直接说没有找到。"
)


def is_small_talk(question: str) -> bool:
    """A greeting, thanks or a question about the assistant itself.

    >>> is_small_talk("你好！"), is_small_talk("你能做什么？"), is_small_talk("你好，宁波要建多少个5G基站？")
    (True, True, False)
    """
    return bool(_SMALL_TALK_RE.match(question.strip()))


def _refusal(question: str, hits: list[Hit], started: float, why: str, rewritten: str = "") -> Answer:
    text = REFUSAL if not why else f"{REFUSAL[:-1]}（{why}）。"
    script = detect_script(question)
    notes = (why,) if why else ()
    return Answer(
        question,
        to_script(text, script),
        True,
        (),
        tuple(hits),
        elapsed_ms(started),
        "extractive",
        rewritten,
        notes,
        "refusal",
    )


def elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


#: words that make a clause a question (two of them joined by a comma ask two things)
_ASK_RE = re.compile(r"什么|多少|哪些|哪个|哪里|哪家|哪所|哪一|几|如何|怎么|怎样|是否|谁|何时")


def question_parts(q: Query) -> list[str]:
    """The sub-questions of a question that asks two things, each with the places of the whole.

    >>> from qa.query import analyse
    >>> question_parts(analyse("浙江的科技创新应用聚焦什么目标？要集成哪个“大脑”的子系统？"))
    ['浙江的科技创新应用聚焦什么目标？', '浙江 要集成哪个“大脑”的子系统？']
    >>> question_parts(analyse("宁波城市大脑二期项目什么时候启动，什么时候全面建成？"))
    ['宁波城市大脑二期项目什么时候启动，', '宁波 什么时候全面建成？']
    >>> question_parts(analyse("浙江哪一年印发了《数字化改革总体方案》？它提了什么要求？"))[1]
    '《数字化改革总体方案》 浙江 它提了什么要求？'
    >>> question_parts(analyse("宁波要建多少个5G基站？")), question_parts(analyse("到2025年，宁波要建多少个5G基站？"))
    ([], [])
    """
    parts = [p for p in re.findall(r"[^？?；;]+[？?；;]?", q.sc) if len(HAN_RE.findall(p)) >= 4]
    if len(parts) < 2:
        # “…什么时候启动，什么时候全面建成？”: two questions joined by a comma
        parts = [p for p in re.findall(r"[^，,？?；;]+[，,？?；;]?", q.sc) if len(HAN_RE.findall(p)) >= 4]
        if len(parts) != 2 or not all(_ASK_RE.search(p) for p in parts):
            return []
    parts = [p if places_in(p) or not q.places else f"{''.join(q.places)} {p}" for p in parts]
    # “…《浙江省数字化改革总体方案》？它对数字政府提了什么要求？”: 它 is what the first part names
    named = "".join(re.findall(r"《[^》]+》|“[^”]+”", parts[0]))
    return [parts[0], *(f"{named} {p}" if named and _PRONOUN_RE.match(p) else p for p in parts[1:])]


_PRONOUN_RE = re.compile(r"(?:\S+ )?(?:它们?|其|该|这份|这个|那份|那个)")


def _picked_per_part(
    index: Index, parts: list[str], cands: list[_Candidate], w: Weights, limit: int
) -> list[tuple[_Candidate, list[str]]]:
    """The best sentences for each sub-question, merged by clause in document order."""
    by_rank: dict[int, tuple[_Candidate, set[str]]] = {}
    for part in parts:
        for c, sents in _best_sentences(index, analyse(part), cands, w, limit // len(parts), 1):
            by_rank.setdefault(c.rank, (c, set()))[1].update(sents)
    out = []
    for _rank, (c, chosen) in sorted(by_rank.items()):
        order = split_sentences(c.hit.clause.text)
        out.append((c, [x for x in order if x in chosen]))
    return out


def _answer_fact(index: Index, q: Query, cands: list[_Candidate], w: Weights, script: str, limit: int):
    parts = [] if q.duty else question_parts(q)
    picked = _picked_per_part(index, parts, cands, w, limit) if parts else []
    picked = picked or _best_sentences(index, q, cands, w, limit, 4 if q.wants_list else 2)
    if not picked:
        return None  # nothing of the kind asked for (a figure, a date, a place…) in the evidence
    citations: list[Citation] = []
    items = _items(index, q, picked, w, script, limit, citations, keep_duties=q.duty)
    return "\n".join(items), citations


def _items(
    index: Index,
    q: Query,
    picked: list[tuple[_Candidate, list[str]]],
    w: Weights,
    script: str,
    limit: int,
    citations: list[Citation],
    keep_duties: bool = False,
) -> list[str]:
    """The picked sentences as answer items, one per clause, each ending with its ``[n]``:
    the item's title in front when it fits, long sentences cropped to keep near ``limit``, the
    duty groups dropped unless the question asks about duties."""
    picked = _with_item_titles(picked, limit)
    budget = _crop_budget(picked, limit)
    toks = content_tokens(index, q)
    out = []
    for c, sents in picked:
        n = _cite(citations, c.hit.clause, sents[0])
        body = "".join(
            to_script(crop(s if keep_duties else strip_duty_groups(s), toks, w, budget, q), script) for s in sents
        )
        out.append(f"{body}[{n}]")
    return out


#: an item's title sentence: its number and a short name (“1.完善人口基礎資料庫。”)
_ITEM_TITLE_RE = re.compile(r"^\s*(?:\d{1,2}[.．、]|[（(][一二三四五六七八九十\d]{1,3}[）)])[^。，,；;]{2,30}。?$")


def _with_item_titles(picked: list[tuple[_Candidate, list[str]]], limit: int) -> list[tuple[_Candidate, list[str]]]:
    """Each picked item with its title sentence in front (the task's name: “9.打造生态环境保护综合
    协同管理应用。”) when the whole answer still fits ``limit`` uncut."""
    out, size = [], sum(len(s) for _c, ss in picked for s in ss)
    for c, sents in picked:
        first = split_sentences(c.hit.clause.text)[0]
        if sents[0] != first and _ITEM_TITLE_RE.match(first) and size + len(first) <= limit:
            sents = [first, *sents]
            size += len(first)
        out.append((c, sents))
    return out


def _crop_budget(picked: list[tuple[_Candidate, list[str]]], limit: int) -> int:
    """Characters each picked sentence may keep so that the answer stays near ``limit``
    (no cropping when it already fits)."""
    sents = [s for _c, ss in picked for s in ss]
    if sum(len(s) for s in sents) <= limit:
        return 10**6
    return max(MIN_CROP, limit // max(1, len(sents)))


@dataclass(frozen=True)
class Side:
    """One side of a comparison: how the answer labels it, the documents it is answered from,
    and the words of the question that name it."""

    label: str
    docs: tuple[str, ...]
    mark: str
    #: the author or source naming the side: not a word its documents' clauses use
    byline: str = ""


_MENTION_RE = re.compile(
    r"都(?:提到|提及|提出|写到|讲到|涉及)(?:了|过)?[“\"「]?([^“”\"「」，,。？?]{2,16}?)[”\"」]?(?:吗|没有|了吗|么)?[？?]?$"
)


def mentioned_term(sc: str) -> str:
    """What a “do both mention X?” question asks about (X, quotes dropped), or "".

    >>> mentioned_term("浙江省实施意见和河北省实施意见都提到了“一网统管”吗？")
    '一网统管'
    >>> mentioned_term("浙江省实施意见和宁波方案都提到循证决策,两份文件分别是怎么表述的?")
    ''
    """
    m = _MENTION_RE.search(sc.strip())
    return m.group(1) if m else ""


def compare_sides(index: Index, q: Query) -> list[Side]:
    """The sides a comparison names, in the question's order: a document named by its author,
    source or title (陈畴镛的文章, 浙江省数字政府系统建设方案), or a place (宁波: its documents
    but those named as sides of their own). A place inside a named title is that title's side."""
    found: list[tuple[int, Side]] = []
    spans = []
    for d in index.corpus.documents:
        for m in _doc_marks(d):
            if (i := q.sc.find(m)) >= 0:
                # a title that starts with its place (浙江省数字政府系统建设方案) is labelled by it
                place = next((p for p in q.places if p in m), "")
                label = place or (f"{m}文章" if m == d.author[:3] else m)
                byline = m if m in (d.author[:3], d.source) else ""
                found.append((i, Side(label, (d.id,), place or m, byline)))
                spans.append((i, i + len(m)))
                break
    named = {s.docs[0] for _i, s in found}
    for place in q.places:
        i = q.sc.find(place)
        if any(a <= i < b for a, b in spans):
            continue
        docs = tuple(d.id for d in _docs_by_place(index).get(place, ()))
        found.append((i, Side(place, tuple(d for d in docs if d not in named) or docs, place)))
    return [s for _i, s in sorted(found, key=lambda x: x[0])]


def _side(index: Index, q: Query, side: Side, sides: list[Side], w: Weights, settings: Settings) -> list[_Candidate]:
    """The candidate clauses of one side: the question without the other sides' names, searched
    in this side's documents."""
    if not side.docs:
        return []  # a place the library only mentions (杭州 in 宁波's plan) has no document to answer from
    sub = match_form(q.text)
    for other in sides:
        if other is not side:
            sub = sub.replace(other.mark, "")
    if side.byline:
        sub = sub.replace(side.byline, "")
    sq = replace(analyse(sub), compare=True)
    hits = search(index, sub, k=10, retriever=settings.retriever, filters=Filters(docs=side.docs), second_stage=False)
    return [c for c in _candidates(index, sq, hits, w) if c.cover >= MIN_COVERAGE * 0.6]


def answer(
    question: str,
    index: Index,
    settings: Settings | None = None,
    history: list[str] | None = None,
    filters: Filters | None = None,
) -> Answer:
    """Answer a question from the index (extractive generator).

    A question longer than :data:`~qa.retrieve.MAX_QUESTION_CHARS` is answered from its start
    and the answer says so in ``notes``: notes that start with ⚠️ are for the user.
    """
    ans = _answer(question, index, settings, history, filters)
    notice = cut_notice(question)
    return replace(ans, notes=(notice, *ans.notes)) if notice else ans


def _answer(
    question: str,
    index: Index,
    settings: Settings | None,
    history: list[str] | None,
    filters: Filters | None,
) -> Answer:
    started = time.perf_counter()
    settings = settings or index.settings
    question = check_question(question)
    rewritten = ""
    # only the last turn is read, and no more of it than of a question: the rewritten question
    # is bounded however long the history a caller sends
    last = next((x for x in reversed(history or ()) if isinstance(x, str) and x.strip()), "")
    previous = printable(last[: 2 * MAX_QUESTION_CHARS]).strip()[:MAX_QUESTION_CHARS]
    if previous:
        standalone = rewrite_followup(question, previous)[:MAX_QUESTION_CHARS]
        if standalone != question:
            rewritten = question = standalone
    script = detect_script(question)
    if is_small_talk(question):
        opener = "不客气！" if re.search(r"谢", question) else "再见！" if "再见" in question else "您好！"
        help_text = to_script(opener + HELP, script)
        return Answer(question, help_text, True, (), (), elapsed_ms(started), "extractive", rewritten, (), "help")
    q = analyse(question)
    w = weights(index)
    # “陈畴镛的文章和浙江省实施意见…各…”: a comparison, not a question about one named document
    sides = compare_sides(index, q) if COMPARE_RE.search(q.sc) else []
    about_author = asks_about_author(index, q)  # “陈畴镛是谁？”: the name is what is asked about
    if filters is None and len(sides) < 2 and (named := _named_document(index, q)):
        filters = Filters(docs=(named.id,))  # “据陈畴镛文章，…”: search that document
        for mark in (named.author[:3], named.source) if not about_author else ():
            q = replace(q, sc=q.sc.replace(match_form(mark), " ") if mark else q.sc)  # not evidence
    # the answer stage scores sentences itself, from the fused ranking; the record lists the
    # hits in the second stage's order (after the clauses the answer cites)
    k = max(10, settings.top_k)
    pool = search(
        index, question, k=max(k, RESCORE_POOL), retriever=settings.retriever, filters=filters, second_stage=False
    )
    found = pool[:k]
    hits = second_stage(index, question, pool)[:k] if settings.rescore else found
    limit = int(settings.max_answer_chars * (LIST_FACTOR if q.wants_list else 1))

    if asked_article(q.sc) and (
        article := answer_article(list(index.corpus.documents), index.corpus.by_doc, q.sc, script)
    ):
        if not article[1]:  # “…第九十条”: the regulation has 67
            return _refusal(question, hits, started, article[0], rewritten)
        return _answer_record(question, article, hits, started, rewritten, "article", index, script)
    unknown_places = [p for p in q.places if p not in _docs_by_place(index)]
    mentioned = [p for p in unknown_places if p in _clause_texts(index)]
    if unknown_places and len(mentioned) < len(unknown_places):
        missing = "、".join(p for p in unknown_places if p not in mentioned)
        return _refusal(question, hits, started, f"现有文件不涉及{missing}", rewritten)
    if owners := [p for p in unknown_places if owns_document(q.sc, p)]:
        # “杭州市加快数字政府建设实施方案中…”: that place's own plan is not in the library
        return _refusal(question, hits, started, f"文库中没有{'、'.join(owners)}的这份文件", rewritten)
    if missing_docs := unknown_titles(index, q):
        why = f"文库中没有《{'》《'.join(missing_docs)}》"
        return _refusal(question, hits, started, why, rewritten)
    if missing_names := unknown_names(index, q):
        why = f"文件中没有提到“{'”“'.join(missing_names)}”"
        return _refusal(question, hits, started, why, rewritten)
    place_docs = _scoped_documents(index, list(q.places)) if q.places and len(sides) < 2 else []
    if place_docs and (missing_names := unknown_names(index, q, place_docs)):
        # “河北…“跨省通办”…”: only 宁波's plan says 跨省通办, and the user is told so
        why = f"{'、'.join(q.places)}的文件中没有提到“{'”“'.join(missing_names)}”"
        elsewhere = [d for d in index.corpus.documents if d not in place_docs and not unknown_names(index, q, [d])]
        if elsewhere:
            why += "；" + "".join(f"《{short_name(d)}》" for d in elsewhere) + "提到了"
        return _refusal(question, hits, started, why, rewritten)
    vocab = index.bm25.vocab_dict
    if not (q.meta or about_author) and not any(
        t in vocab and not t.isdigit() and (len(t) > 1 or HAN_RE.match(t)) for t in tokenize(q.sc, index.user_words)
    ):
        return _refusal(question, hits, started, "", rewritten)  # no word of the documents: code, SQL, 吗？, 🙂 …

    result = None
    mode = "fact"
    if q.reverse_unit:
        result = _answer_reverse(index, q, w, script)
        mode = "reverse_duty"
        for unit in more_units(q) if result else ():  # “宁波市发改委和市经信局分别负责什么？”
            place = next((p for p in q.places if q.reverse_unit.startswith(p)), "")
            more = _answer_reverse(index, replace(q, reverse_unit=place + unit), w, script)
            result = merge_answers(result, more or (to_script(f"{place}{unit}：文件中没有它的任务。", script), []))
        if result is None and unit_unlisted(index, q):
            return _refusal(question, hits, started, f"文件中没有{q.reverse_unit}的任务", rewritten)
    cands = _candidates(index, q, found, w)
    if result is None and len(sides) >= 2:
        citations: list[Citation] = []
        lines = []
        cq = replace(q, wants_list=True, compare=True)
        term = mentioned_term(q.sc)
        # “浙江和河北对“一网通办”分别有什么要求？”: a side answers from clauses naming it, and a
        # side whose documents never name it says so
        named = names[0] if not term and len(names := quoted_names(q)) == 1 else ""
        for side in sides:
            label = to_script(side.label, script)
            cands_side = _side(index, q, side, sides, w, settings)
            if term:  # “…都提到了一网统管吗？”: a side that never says it has not mentioned it
                cands_side = [c for c in cands_side if term in match_form(c.hit.clause.text)]
                if not cands_side:
                    lines.append(to_script(f"{label}：文件未提到“{term}”。", script))
                    continue
            if named:
                if not any(says_name(named, _doc_texts(index)[d]) for d in side.docs):
                    lines.append(to_script(f"{label}：文件未提到“{named}”。", script))
                    continue
                cands_side = [c for c in cands_side if says_name(named, bare(c.hit.clause.text))]
            if not cands_side:
                lines.append(f"{label}：{to_script(REFUSAL, script)}")
                continue
            picked = _best_sentences(index, cq, cands_side, w, limit // 2, 1)
            lines += [f"{label}：{item}" for item in _items(index, q, picked, w, script, limit // 2, citations)]
        if citations:
            result, mode = ("\n".join(lines), citations), "compare"
    if result is None and (library := _answer_library(index, q, script)):
        result, mode = library, "meta"
    if result is None and (which := _answer_which_docs(index, q, script)):
        if not which[1]:
            return _refusal(question, hits, started, which[0], rewritten)
        result, mode = which, "meta"
    if result is None and not q.meta and (outline := _answer_outline(index, q, script)):
        if not outline[1]:  # “宁波方案第九部分…”: it has eight
            return _refusal(question, hits, started, outline[0], rewritten)
        result, mode = outline, "outline"
    if result is None and not q.meta and about_author:
        result, mode = _answer_meta(index, q, cands, script, [("author", "作者")]), "meta"
    if result is None and q.meta and not content_date(index, q, w):
        result, mode = _answer_meta(index, q, cands, script), "meta"
        if result == ("", []):
            if not asks_about_content(index, q, w):
                return _refusal(question, hits, started, "文件未写明", rewritten)
            result = None  # “…方案要求…什么时候上线运行”: the content says when, not the metadata
    if result is None and not q.meta and (absent := absent_topic(index, q)):
        return _refusal(question, hits, started, f"文件中没有提到“{'”“'.join(absent)}”", rewritten)
    if result is None:
        best = max((c.cover for c in cands[:5]), default=0.0)
        if best < OFF_TOPIC_COVERAGE and cands:
            best = max(best, _gate_cover(index, q, cands[:5], w))
        if not cands or best == 0.0 or (best < OFF_TOPIC_COVERAGE and dense_z(index, question) < OFF_TOPIC_Z):
            # no word of the question (or its official term) in any of the first clauses: a
            # dense match alone is not evidence (“护照过期了去哪换” → an unrelated clause)
            return _refusal(question, hits, started, "", rewritten)
        substantive = [c for c in cands if not is_front_or_back_matter(c.hit.clause)]
        good = [c for c in substantive if c.cover >= MIN_COVERAGE * 0.8]
        if mentioned and len(mentioned) == len(q.places) and not [c for c in good if c.cover >= MIN_COVERAGE]:
            # the question is only about 温州, which only appears in a list (支持杭州、宁波、温州探索…):
            # a clause that names it must also be about what is asked, or the documents do not say it
            why = f"现有文件只是提到{'、'.join(mentioned)}，未写明相关内容"
            return _refusal(question, hits, started, why, rewritten)
        good = good or substantive[:3]
        if not any(supports_asked_unit(q, c.context) for c in good[:3]):
            return _refusal(question, hits, started, "", rewritten)
        if q.duty and (tasks := duty_tasks(q)):
            result, mode = _answer_duties(index, tasks, settings, script), "duty"
        if q.duty and result is None:
            result, mode = _answer_duty(index, q, good, script), "duty"
            if result is None:  # no annotation: a sentence may say it (国务院专利行政部门负责全国的…工作)
                result = _prose_duty(index, q, good, w, script, limit)
            if result is None and re.search(r"牵头|负责|责任", q.sc) and not q.wants_list:
                return _refusal(question, hits, started, "文件未写明该项工作的牵头或责任单位", rewritten)
        if result is None and (titled := [c for c in good if _names_item(index, q, c.hit.clause)]):
            good = titled  # “民生保障应用要建设哪些核心模块？”: the item it names, not another's 核心模块
        names = quoted_names(q) if result is None else []
        if names:
            # “…“掌上办”比例达到多少？”: the answer is about what the question names, not a figure
            # from a clause that never names it (every quoted name is in its gold clause); a clause
            # under a heading that names it (四、构建“平台+大脑”支撑体系) is about it too
            good = [c for c in good if all(says_name(n, bare(c.context)) for n in names)]
            if not good:
                return _refusal(question, hits, started, "", rewritten)
        cited = cited_titles(index, q) if result is None else []
        if cited:
            # “国务院《关于加强数字政府建设的指导意见》对2025年提出了哪些目标？”: the library only cites
            # it, so only a clause that names it can say what it holds (not 河北's own 2025 goals)
            good = [c for c in good if any(says_name(t, bare(c.context)) for t in cited)]
            if not good:
                why = "、".join(f"《{t}》" for t in cited) + "不在文库中，文库文件只是引用了它"
                return _refusal(question, hits, started, why, rewritten)
        named = [*names, *cited]
        if (
            named
            and max((_beyond_name(index, q, named, c.context, w) for c in good[:3]), default=1.0) < NAMED_REST_COVERAGE
        ):
            # “《…暂行办法》把公共数据分成哪几类开放属性？”: the library names it, and says nothing
            # of what is asked about it (分成、几类、属性)
            why = f"文件只是提到了“{'”“'.join(named)}”，未写明所问内容"
            return _refusal(question, hits, started, why, rewritten)
        if result is None:
            result, mode = _answer_fact(index, q, good, w, script, limit), "fact"
        if result is None:
            return _refusal(question, hits, started, "", rewritten)
    return _answer_record(question, result, hits, started, rewritten, mode, index, script)


@lru_cache(maxsize=1)
def _prose_duty_re() -> re.Pattern:
    """A body (a name ending with a unit suffix) that the sentence gives a task: …部门负责, …局牵头, …会同."""
    from qa.data import words

    suffixes = "|".join(map(re.escape, words("unit_suffixes")))
    return re.compile(
        rf"(?:{suffixes})(?:等有关部门|等部门)?(?:应当|要|依法|按照职责|按职责分工)?(?:负责|牵头|主管|会同|承担|组织实施)"
    )


def _prose_duty(
    index: Index, q: Query, good: list[_Candidate], w: Weights, script: str, limit: int
) -> tuple[str, list[Citation]] | None:
    """A duty question whose clauses carry no duty annotation, answered by the sentence that gives
    the task to a body (regulations say it in prose: 县级以上人民政府人力资源社会保障部门负责…)."""
    result = _answer_fact(index, q, good, w, script, limit)
    if result and _prose_duty_re().search(match_form(result[0])):
        return result
    return None


def _answer_record(
    question: str,
    result: tuple[str, list[Citation]],
    hits: list[Hit],
    started: float,
    rewritten: str,
    mode: str,
    index: Index,
    script: str,
) -> Answer:
    """The Answer of a handler's ``(text, citations)``: the sources line added, cited hits first."""
    text, citations = result
    if citations:
        text = f"{text}\n{sources_line(citations, index, script)}"
    hits = _evidence_first(citations, hits)
    return Answer(
        question, text, False, tuple(citations), tuple(hits), elapsed_ms(started), "extractive", rewritten, (), mode
    )


# --- the JSON contract ----------------------------------------------------------------------


def clause_json(c: Clause) -> dict:
    """A clause as the contract shows it: the span of its own text in the raw file."""
    return {
        "doc_id": c.doc_id,
        "clause_id": c.id,
        "path": c.path,
        "title_path": c.title_path,
        "source_file": c.source_file,
        "char_start": c.char_start,
        "char_end": c.own_end if c.own_end >= 0 else c.char_end,
        "text": c.text,
        **({"page": c.page} if c.page else {}),
    }


def to_record(ans: Answer, qid: str = "") -> dict:
    """The answer record every front end shares (see DESIGN.md)."""
    return {
        "id": qid,
        "question": ans.question,
        "answer": ans.text,
        "refused": ans.refused,
        "citations": [{"n": c.n, **clause_json(c.clause), "sentence": c.sentence} for c in ans.citations],
        "retrieved": [
            {**clause_json(h.clause), "score": round(h.score, 6), "retrievers": list(h.sources)} for h in ans.hits
        ],
        "latency_ms": ans.latency_ms,
        "generator": ans.generator,
        "mode": ans.mode,
        "rewritten": ans.rewritten,
        "notes": list(ans.notes),
    }
