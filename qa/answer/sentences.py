"""Choosing and cropping the sentences that answer: the best-scoring sentences of the candidates,
one question part at a time, told as items within the answer's length."""

from __future__ import annotations

import re

from qa.answer.candidates import Candidate, is_topic_word, library_codes
from qa.answer.clauses import ITEM_TITLE_RE, is_article_provision, is_overview, strip_marker
from qa.answer.draft import cite
from qa.answer.limits import (
    BARE_HEADING,
    LEAD_IN_CHARS,
    MIN_CROP,
    NEARNESS_WEIGHT,
    OVERVIEW_PENALTY,
    SECOND_SENTENCE,
    SHORT_TAIL,
    THRESHOLD_BONUS,
    TYPED_SENTENCE_COVERAGE,
    TYPED_SENTENCE_FLOOR,
    TYPED_SENTENCE_NEAR,
)
from qa.corpus import Corpus, is_list, is_paragraph, item_lead, paragraph_before
from qa.evidence import (
    adds_to_question,
    clause_cosines,
    context_of,
    for_the_exception,
    is_instruction,
    names_asked_batch,
    siblings_instead,
    supports_asked_place,
    supports_asked_unit,
    supports_codes,
    supports_home_ordinal,
    supports_measure,
    supports_phase,
    supports_type,
    threshold_status,
    year_part,
)
from qa.ingest.duties import strip_duty_groups
from qa.ingest.sentences import cut_outside_parens, split_sentences
from qa.normalize import match_form, to_script
from qa.question.asking import ASKS
from qa.question.query import (
    FIGURE_TYPES,
    Query,
    analyse,
    places_in,
)
from qa.schema import Citation, Clause, Hit
from qa.search.index import Index
from qa.search.retrieve import (
    HAN_RE,
    Weights,
    content_tokens,
    coverage,
)
from qa.search.tokens import tokenize

# --- small pure helpers -------------------------------------------------------------------


def _phrases(sentence: str, marks: str = "，,：:") -> list[str]:
    """A sentence cut after each top-level comma or colon (or other ``marks``; never inside
    parentheses)."""
    return cut_outside_parens(sentence, marks)


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


def best_sentences(
    index: Index, q: Query, cands: list[Candidate], w: Weights, limit: int, max_clauses: int
) -> list[tuple[Candidate, list[str]]]:
    """Pick the answering sentences: the best-scoring ones, grouped by clause."""
    all_toks = content_tokens(index, q)
    # targets and dates live in the overview (总体要求 > 发展目标); measures in the sections after it
    asks_overview = q.wants in FIGURE_TYPES or bool(ASKS["overview"].search(q.sc))
    # a clause less near the question in meaning than the nearest of them scores less
    read = cands[:6] + [c for c in cands[6:12] if threshold_status(q.sc, c.hit.clause.text_sc) is not None]
    near = dict(zip((c.rank for c in read), clause_cosines(index, q.text, [c.hit.clause for c in read]), strict=True))
    nearest = max(near.values(), default=0.0)
    how = {c.rank: (asks_overview, near[c.rank], nearest) for c in read}
    scored = [x for c in read for x in _scored_sentences(index, q, c, w, all_toks, how[c.rank])]
    if not scored and q.wants:
        # an item read with its list's lead-in answers only when no clause's own sentence does
        scored = [x for c in read for x in _scored_sentences(index, q, c, w, all_toks, how[c.rank], lead_ins=True)]
    scored.sort(key=lambda x: (-x[0], x[1], x[2]))
    picked: dict[str, tuple[Candidate, list[int], list[str]]] = {}
    groups: set[int] = set()  # the candidates answered (an item read with its lead-in is one)
    total = 0
    best = scored[0][0] if scored else 0
    for sc, rank, j, c, sents, item in scored:
        if sc < best * (0.55 if q.wants_list else SECOND_SENTENCE) or total >= limit:
            break
        if rank not in groups and (len(groups) >= max_clauses or _another_document(picked, c, q)):
            continue
        groups.add(rank)
        entry = picked.setdefault(c.hit.clause.id, (c, [], sents))
        if j in entry[1]:
            continue
        entry[1].append(j)
        total += len(sents[j])
        if item is not None and item.hit.clause.id not in picked:
            # the lead-in's figure is said of the item: the item follows it
            item_sents = split_sentences(item.hit.clause.text)
            picked[item.hit.clause.id] = (item, [0], item_sents)
            total += len(item_sents[0])
        elif j == 0 and len(sents[j]) <= 24 and j + 1 < len(sents) and j + 1 not in entry[1]:
            entry[1].append(j + 1)  # a heading sentence needs the sentence that explains it
            total += len(sents[j + 1])
        elif j + 1 < len(sents) and j + 1 not in entry[1] and _short_tail(sents[j], sents[j + 1]):
            entry[1].append(j + 1)  # “2023年，启动二期项目建设；” + “2025年全面建成。”
            total += len(sents[j + 1])
    _with_neighbours(list(picked.values()), limit - total)
    return [(c, [sents[j] for j in sorted(js)]) for c, js, sents in picked.values()]


def _scored_sentences(
    index: Index,
    q: Query,
    c: Candidate,
    w: Weights,
    all_toks: list[str],
    near: tuple[bool, float, float],
    lead_ins: bool = False,
) -> list[tuple]:
    """The sentences of one candidate that may answer, scored: ``(score, rank, j, clause's
    candidate, its sentences, item)``.  With ``lead_ins``, instead of its own sentences, those of
    its list's lead-in when none of its own holds the kind asked; ``item`` is then the candidate,
    else ``None``.  ``near``: whether the question asks for a target (read in the overview), how
    near the clause stands to the question in meaning, and the nearest's nearness."""
    asks_overview, nearness, nearest = near
    if not names_asked_batch(q, f"{c.hit.clause.title_path}\n{c.context}"):
        return []  # the clause, its headings and those above it never name the batch asked
    title = match_form(c.doc.title or c.doc.name)
    toks = [t for t in all_toks if t not in title] or all_toks
    # what the question is about: not the year it names (到 2025 年), which many sentences
    # share, nor Latin noise around it (<script>…) that no document uses
    topic = toks if q.compare else [t for t in toks if is_topic_word(t, w)] or toks
    # “…分别打算怎么做”: the measure, not the goal paragraph that names it
    overview = 0.0 if asks_overview or not is_overview(c.hit.clause) else OVERVIEW_PENALTY
    base = 0.35 * c.cover + 0.25 / (1 + c.rank) - overview - NEARNESS_WEIGHT * (nearest - nearness)
    above = c.context[len(c.hit.clause.text_sc) :]  # the clauses above it, not its other sentences

    def answers(part: str | None, read: str) -> bool:
        """Does ``part`` hold the kind of thing asked, for what is asked (about ``read``)?"""
        if part is None or not (
            supports_type(q, part)
            and adds_to_question(q, part)
            and supports_phase(q, part)
            and supports_asked_unit(q, part)
            and supports_measure(q, part)
            and supports_asked_place(q, part, c.doc)
            and supports_home_ordinal(q, part)
            and supports_codes(q, f"{c.hit.clause.heading}\n{part}", library_codes(index))
            and not siblings_instead(
                q, f"{c.hit.clause.heading}\n{part}", f"{c.doc.title}\n{c.hit.clause.title_path}\n{above}"
            )  # the item's own heading (2. B类护理：…) names what its later sentences speak of
            and not for_the_exception(toks, part)
        ):
            return False  # about other years, or without the kind of thing asked for
        # a figure/date/place sentence must also be about what the question asks
        return not q.wants or _about_asked(coverage(topic, read, w), nearness)

    out = []
    sents = split_sentences(c.hit.clause.text)
    typed = False
    for j, s in enumerate(sents):
        if is_instruction(s):
            continue  # an instruction planted in a document is not an answer
        if len(sents) == 1 and (
            len(strip_marker(s).rstrip("。：:")) <= BARE_HEADING
            or (len(s) <= 40 and index.corpus.children.get(c.hit.clause.id) and not is_article_provision(c.hit.clause))
        ):
            continue  # a section heading alone (“（二）总体目标。”) says nothing: its items do
        part = s if q.compare else year_part(q, s)
        typed = typed or (part is not None and supports_type(q, part))
        if not answers(part, part or ""):
            continue
        sc = coverage(toks, part, w) + base
        if threshold_status(q.sc, part) is not None:
            sc += THRESHOLD_BONUS
        if j == 0 and len(s) <= 24 and len(sents) > 1:  # a bare heading sentence: weaker alone
            sc -= 0.05
        out.append((sc, c.rank, j, c, sents, None))
    if not lead_ins:
        return out
    out = []
    if not typed and (lead := _lead_in(index, c)):
        # an item without the kind of thing asked is read with its list's lead-in, which may
        # state it for every item (有下列行为之一的，…处10万元以下的罚款： / （二）…) when what
        # the question asks of the item (罚多少钱) is in the lead-in's phrase that holds it
        own = c.hit.clause.text
        lead_sents = split_sentences(lead.hit.clause.text)
        for j, s in enumerate(lead_sents):
            part = year_part(q, s)
            if not is_instruction(s) and answers(part, f"{part}\n{own}") and _asked_of_item(q, toks, part, own):
                out.append((coverage(toks, f"{part}\n{own}", w) + base, c.rank, j, lead, lead_sents, c))
    return out


def _asked_of_item(q: Query, toks: list[str], lead: str, item: str) -> bool:
    """Does a phrase of the lead-in sentence that holds the kind of thing asked also hold a word of
    the question that the item does not (罚 in 罚多少钱: …可以处10万元以下的罚款)?  A span the
    lead-in sets for another thing (停止承接新的专利代理业务6个月至12个月) does not say within
    how many days the item's 变更手续 are due.

    >>> from qa.question.query import analyse
    >>> lead = "有下列行为之一的，由管理专利工作的部门责令限期改正，可以处10万元以下的罚款；情节严重的，停止承接新的业务6个月至12个月："
    >>> item = "（一）合伙人、股东发生变化未办理变更手续；"
    >>> _asked_of_item(analyse("股东变化未办变更手续，最多罚多少钱？"), ["股东", "变化", "变更手续", "罚", "钱"], lead, item)
    True
    >>> _asked_of_item(analyse("股东变化，要在多少日内办变更手续？"), ["股东", "变化", "变更手续", "日内"], lead, item)
    False
    """
    if q.wants == "penalty":
        return True  # 有下列行为之一的，…处…罚款: a list of offences is read for its sanction
    held = match_form("".join(p for p in _phrases(lead, "，,；;：:") if supports_type(q, p)))  # 處…罰款 is 处…罚款
    said = match_form(item)
    return any(t in held and t not in said for t in toks if not t.isdigit())


def _lead_in(index: Index, c: Candidate) -> Candidate | None:
    """The lead-in of the list ``c`` is an item of (:func:`qa.corpus.item_lead`), as a candidate of
    the same rank; ``None`` for a paragraph or a clause in no list."""
    lead = item_lead(index.corpus, c.hit.clause)
    return None if lead is None else _related(index, c, lead)


def _related(index: Index, c: Candidate, clause: Clause) -> Candidate:
    """A clause read with ``c`` (its lead-in, an item, the paragraph before it), as a candidate of
    the same rank, document and coverage."""
    return Candidate(Hit(clause, c.hit.score), c.rank, c.doc, context_of(index, clause), c.cover)


def _another_document(picked: dict, c: Candidate, q: Query) -> bool:
    """Is ``c`` from another document than the answer's first clause, for a question that compares
    nothing?  Two documents' sentences on one question are one right and one look-alike."""
    return bool(picked) and not q.compare and c.doc.id != next(iter(picked.values()))[0].doc.id


def _about_asked(share: float, nearness: float) -> bool:
    """Is a typed sentence about what the question asks: :data:`TYPED_SENTENCE_COVERAGE` of its
    words, or some of them (:data:`TYPED_SENTENCE_FLOOR`) in a clause that stands very near the
    question in meaning (:data:`TYPED_SENTENCE_NEAR`): “我爸是特困人员，住院请了护工…一天最多给多少钱？”
    says much that the clause on 住院照料临时救助标准 does not.

    >>> _about_asked(0.35, 0.5), _about_asked(0.2, 0.95), _about_asked(0.05, 0.95), _about_asked(0.2, 0.9)
    (True, True, False, False)
    """
    return share >= TYPED_SENTENCE_COVERAGE or (share >= TYPED_SENTENCE_FLOOR and nearness >= TYPED_SENTENCE_NEAR)


def _with_neighbours(picked: list[tuple[Candidate, list[int], list[str]]], room: int) -> None:
    """The sentences next to the picked ones in their clause, the following before the preceding,
    while the answer has ``room``: a sentence is read with the words around it (…；其他申请人…).
    An instruction planted in a document ends the run: it is never quoted."""
    for _c, js, sents in picked:
        for step in (1, -1):
            j = max(js) + 1 if step == 1 else min(js) - 1
            while 0 <= j < len(sents) and len(sents[j]) <= room and not is_instruction(sents[j]):
                js.append(j)
                room -= len(sents[j])
                j += step


def _short_tail(sentence: str, following: str) -> bool:
    """Does ``following`` finish ``sentence``: a short clause after its semicolon?

    >>> _short_tail("2023年，启动城市大脑二期项目建设；", "2025年全面建成。（责任单位：市大数据局）")
    True
    >>> _short_tail("2023年，启动城市大脑二期项目建设。", "2025年全面建成。")
    False
    """
    return sentence.endswith(("；", ";")) and len(strip_duty_groups(following)) <= SHORT_TAIL


def task_summary(c: Clause, toks: list[str], w: Weights, budget: int, core: str = "") -> str:
    """A task as its heading plus the body sentences that best say what it is, within ``budget``
    characters: first those naming the unit's own field (档案局 → 电子档案), then by the
    question's words."""
    head = strip_marker(c.heading)
    sents = [x for x in split_sentences(strip_duty_groups(c.text)) if strip_marker(x).rstrip("。") != head]
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


def lead_sentences(sents: list[str], limit: int) -> str:
    """The first sentence and as many following ones as fit in ``limit`` characters.

    >>> lead_sentences(["第一句。", "第二句很长很长。", "三。"], 10)
    '第一句。'
    """
    said = sents[0]
    for x in sents[1:]:
        if len(said) + len(x) > limit:
            break
        said += x
    return said


def question_parts(q: Query) -> list[str]:
    """The sub-questions of a question that asks two things, each with the places of the whole.

    >>> from qa.question.query import analyse
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
        if len(parts) != 2 or not all(ASKS["two-questions"].search(p) for p in parts):
            return []
    parts = [p if places_in(p) or not q.places else f"{''.join(q.places)} {p}" for p in parts]
    # “…《江西省数字化改革总体方案》？它对数字政府提了什么要求？”: 它 is what the first part names
    named = "".join(re.findall(r"《[^》]+》|“[^”]+”", parts[0]))
    return [parts[0], *(f"{named} {p}" if named and _PRONOUN_RE.match(p) else p for p in parts[1:])]


_PRONOUN_RE = re.compile(r"(?:\S+ )?(?:它们?|其|该|这份|这个|那份|那个)")


def picked_per_part(
    index: Index, parts: list[str], cands: list[Candidate], w: Weights, limit: int
) -> list[tuple[Candidate, list[str]]]:
    """The best sentences for each sub-question, merged by clause in the candidates' order (a
    list's lead-in before its item)."""
    by_clause: dict[str, tuple[Candidate, set[str]]] = {}
    for part in parts:
        for c, sents in best_sentences(index, analyse(part), cands, w, limit // len(parts), 1):
            by_clause.setdefault(c.hit.clause.id, (c, set()))[1].update(sents)
    out = []
    for c, chosen in sorted(by_clause.values(), key=lambda e: (e[0].rank, e[0].hit.clause.char_start)):
        order = split_sentences(c.hit.clause.text)
        out.append((c, [x for x in order if x in chosen]))
    return out


def item_lines(
    index: Index,
    q: Query,
    picked: list[tuple[Candidate, list[str]]],
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
    leads = {} if q.wants else _lead_ins(index, picked, limit)
    toks = content_tokens(index, q)
    out = []
    for c, sents in picked:
        n = cite(citations, c.hit.clause, sents[0])
        body = "".join(
            to_script(crop(s if keep_duties else strip_duty_groups(s), toks, w, budget, q), script) for s in sents
        )
        lead = to_script(leads.get(c.hit.clause.id, "") or year_lead(q, body, c.context), script)
        out.append(f"{lead}{body}[{n}]")
    return out


def with_list_items(
    index: Index, picked: list[tuple[Candidate, list[str]]], limit: int
) -> list[tuple[Candidate, list[str]]]:
    """The picked clauses, each list header (…有下列情形之一的，不予…：) quoted to its colon followed by
    its items' first sentences, when none of them is picked and the answer still fits ``limit``."""
    quoted = {c.hit.clause.id for c, _s in picked}
    size = sum(len(x) for _c, ss in picked for x in ss)
    out = []
    for c, sents in picked:
        out.append((c, sents))
        kids = [k for k in index.corpus.children.get(c.hit.clause.id, ()) if not is_paragraph(k)]
        if not (is_list(c.hit.clause) and sents[-1] == split_sentences(c.hit.clause.text)[-1]) or any(
            k.id in quoted for k in kids
        ):
            continue
        for k in kids:
            first = split_sentences(k.text)[0]
            if size + len(first) > limit:
                break
            out.append((_related(index, c, k), [first]))
            size += len(first)
    return out


def with_prior_paragraph(
    index: Index, picked: list[tuple[Candidate, list[str]]], limit: int
) -> list[tuple[Candidate, list[str]]]:
    """The picked paragraphs that refer to the one before them (前款规定的…, 依照前款…), each after
    that paragraph's first sentence, cited, when it is not quoted and the answer runs at most
    :data:`LEAD_IN_CHARS` over ``limit``."""
    corpus = index.corpus
    quoted = {c.hit.clause.id for c, _s in picked}
    size = sum(len(x) for _c, ss in picked for x in ss)
    out = []
    for c, sents in picked:
        prior = _prior_paragraph(corpus, c.hit.clause) if "前款" in c.hit.clause.text_sc else None
        if prior is not None and prior.id not in quoted:
            first = split_sentences(prior.text)[0]
            if size + len(first) <= limit + LEAD_IN_CHARS:
                out.append((_related(index, c, prior), [first]))
                quoted.add(prior.id)
                size += len(first)
        out.append((c, sents))
    return out


def _prior_paragraph(corpus: Corpus, clause: Clause) -> Clause | None:
    """The paragraph a 款 follows: the paragraph before it, or its article's own text."""
    if not is_paragraph(clause) or not clause.parent_id:
        return None
    return paragraph_before(corpus, clause) or corpus.clause_by_id[clause.parent_id]


def _lead_ins(index: Index, picked: list[tuple[Candidate, list[str]]], limit: int) -> dict[str, str]:
    """The lead-in sentence to read each picked item with (申请贷款时，有以下情况之一的，不予贷款： before
    （四）…与父母…之间买卖住房的): the first item of a list, when the lead-in is short, not quoted
    itself, and the answer runs at most :data:`LEAD_IN_CHARS` over ``limit``."""
    quoted = {c.hit.clause.id for c, _s in picked}
    size = sum(len(s) for _c, ss in picked for s in ss)
    out: dict[str, str] = {}
    for c, _sents in picked:
        lead = _lead_in(index, c)
        if lead is None or lead.hit.clause.id in quoted:
            continue
        said = split_sentences(lead.hit.clause.text)[-1]
        if len(said) <= LEAD_IN_CHARS and size + len(said) <= limit + LEAD_IN_CHARS:
            out[c.hit.clause.id] = said
            quoted.add(lead.hit.clause.id)
            size += len(said)
    return out


_YEAR_LEAD_RE = r"(?:到|至|截至|截止|在|于)?{}年(?:底|末|前|内)?"


def year_lead(q: Query, said: str, context: str) -> str:
    """The words that say the year a question asks about (到2025年，), when the answer's sentences
    do not and their clause or a heading above it does: a target is told with its year.

    >>> from qa.question.query import analyse
    >>> q = analyse("江西到2025年政务大数据体系要达到什么程度？")
    >>> year_lead(q, "政务大数据体系初步建成。", "（二）主要目标。到2025年，政务大数据体系初步建成。")
    '到2025年，'
    >>> year_lead(q, "到2025年，体系初步建成。", "到2025年，体系初步建成。"), year_lead(q, "体系初步建成。", "体系初步建成。")
    ('', '')
    """
    years = [y for y in q.years if y not in said]
    if not years or len(years) < len(q.years):
        return ""
    m = re.search(_YEAR_LEAD_RE.format(years[0]), context)
    return f"{m.group(0)}，" if m else ""


def _with_item_titles(picked: list[tuple[Candidate, list[str]]], limit: int) -> list[tuple[Candidate, list[str]]]:
    """Each picked item with its title sentence in front (the task's name: “9.打造生态环境保护综合
    协同管理应用。”) when the whole answer still fits ``limit`` uncut."""
    out, size = [], sum(len(s) for _c, ss in picked for s in ss)
    for c, sents in picked:
        first = split_sentences(c.hit.clause.text)[0]
        if sents[0] != first and ITEM_TITLE_RE.match(first) and size + len(first) <= limit:
            sents = [first, *sents]
            size += len(first)
        out.append((c, sents))
    return out


def _crop_budget(picked: list[tuple[Candidate, list[str]]], limit: int) -> int:
    """Characters each picked sentence may keep so that the answer stays near ``limit``
    (no cropping when it already fits)."""
    sents = [s for _c, ss in picked for s in ss]
    if sum(len(s) for s in sents) <= limit:
        return 10**6
    return max(MIN_CROP, limit // max(1, len(sents)))
