"""Article lookup: “《工伤保险条例》第十四条是怎么规定的？” is answered by that article of that document.

A question that asks for an article by its number (第十四条, 第14条, 第十四条第二款) and names a
document of the library — by its title, with or without 《》 and the issuer's place, or by a
shortening of it (山东民营经济条例 for 山东省民营经济发展促进条例) — gets the article's text (with
its 款 and 项), cited as the article.  A document not numbered by articles is asked by the
number of its measures when they are numbered once across the whole text (（一）…（二十七）,
1.…53.): 第（二十三）条 is its （二十三）.  A clause may also be asked for by its whole address,
article or part down to 款, 项 and 目 (第二十二条第（一）项, 第四部分第（二）项第9条:
:mod:`qa.answer.address`); the document is then any one, numbered by articles or not.  A number
the document does not have gets a refusal that says how many it has.  A question that names no
document, or a single number of items numbered anew in each part, is left to the other handlers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answer.address import Step, asked_address, follow, in_first_paragraph, segment
from qa.answer.ask import Ask, Draft
from qa.answer.clauses import ARTICLE_SEG_RE
from qa.answer.named import bare, shortened_document, shortening_run, shortens, title_names
from qa.ingest.numerals import cn_numeral, number_value
from qa.ingest.sentences import split_sentences
from qa.normalize import match_form, to_script
from qa.places.regions import doc_places
from qa.question.asking import ASKS
from qa.question.query import DOC_NUMBER_RE, places_in
from qa.schema import Citation, Clause, Document

# the article a question asks for (第十四条, 第14条, 第十四条第二款) is read by qa/question/asking.py "article"
#: how much of a long article the answer shows (its 款 and 项 included): a short answer's length
MAX_ARTICLE_CHARS = 290


@dataclass(frozen=True)
class AskedArticle:
    """The article a question asks for: its number, the 款 (0 for the whole article), and whether
    it was asked as a 项 (第（十）项: a measure, never an article)."""

    number: int
    paragraph: int = 0
    item: bool = False


def asked_article(sc: str) -> AskedArticle | None:
    """The article number a question asks for.

    >>> asked_article("《工伤保险条例》第十四条是怎么规定的？"), asked_article("第14条第2款讲什么")
    (AskedArticle(number=14, paragraph=0, item=False), AskedArticle(number=14, paragraph=2, item=False))
    >>> asked_article("职业教育改革实施方案的第（十二）项措施讲什么？")
    AskedArticle(number=12, paragraph=0, item=True)
    >>> asked_article("宁波方案第三部分讲什么") is None
    True
    """
    m = ASKS["article"].search(sc)
    if not m:
        return None
    n = number_value(m.group(1))
    return AskedArticle(n, number_value(m.group(3)) if m.group(3) else 0, m.group(2) == "项") if n else None


#: fewer numbered items than this are parts of a document, not its measures
MIN_NUMBERED_ITEMS = 5


def articles_of(clauses: list[Clause]) -> dict[int, Clause]:
    """A document's articles (第N条) by number."""
    return {number_value(segment(c)[1:-1]): c for c in clauses if ARTICLE_SEG_RE.match(segment(c))}


def measures_of(clauses: list[Clause]) -> dict[int, Clause]:
    """The measures of a document without articles, by number: the deepest level whose items are
    numbered once each across the whole text, from 1 to n (n ≥ :data:`MIN_NUMBERED_ITEMS`):
    （一）…（二十七） running on through the parts, not begun anew in each."""
    levels: dict[tuple[int, str], list[tuple[int, Clause]]] = {}
    for c in clauses:
        seg = segment(c)
        if n := number_value(seg.strip("（）()")):
            style = "（" if seg.startswith(("（", "(")) else "1" if seg.isdigit() else "一"
            levels.setdefault((c.path.count("/"), style), []).append((n, c))
    for (_depth, _style), items in sorted(levels.items(), reverse=True):
        numbers = [n for n, _c in items]
        if len(numbers) >= MIN_NUMBERED_ITEMS and sorted(numbers) == list(range(1, len(numbers) + 1)):
            return dict(items)
    return {}


def numbered_items(clauses: list[Clause]) -> dict[int, Clause]:
    """The clauses a question may ask for by number: the articles, or else the measures."""
    return articles_of(clauses) or measures_of(clauses)


#: the words just before 第N条 that may name a document (…实施意见第（十七）条, …若干措施的第（十二）条)
_NAME_BEFORE_RE = re.compile(r"([\u4e00-\u9fff]{4,30}?)(?:(?:当中|中|里面?|内)的?|的|，|,)?" + ASKS["article"].pattern)


def _number_key(number: str) -> str:
    """A 文号 without its brackets and spaces (国发〔2019〕3号 and 国发(2019)3号 are one)."""
    return re.sub(r"[^\u4e00-\u9fff\d]", "", match_form(number))


def named_article_document(
    documents: list[Document], by_doc: dict[str, list[Clause]], sc: str, numbered: bool = True
) -> Document | None:
    """The document numbered by articles or measures (any document, when not ``numbered``) that
    the question names: by one of its :func:`~qa.answer.named.title_names` (the longest wins), or
    else by the one title that the words just before 第N条 shorten."""

    def fits(d: Document) -> bool:
        return not numbered or bool(numbered_items(by_doc.get(d.id, [])))

    asked_places = set(places_in(sc))
    # 广东…若干措施 is not 重庆市提振消费若干措施, whose name without its place the question holds
    documents = [
        d for d in documents if d.title and not (asked_places and (own := doc_places(d)) and not asked_places & own)
    ]
    if asked_numbers := {_number_key(m.group(0)) for m in DOC_NUMBER_RE.finditer(sc)}:
        # 国发〔2019〕3号第三部分…: the document with that 文号
        numbered_as = [d for d in documents if d.doc_number and _number_key(d.doc_number) in asked_numbers]
        if len(numbered_as) == 1 and fits(numbered_as[0]):
            return numbered_as[0]
    best, length, said_bare = None, 0, bare(sc)
    for d in documents:
        for name in title_names(d):
            if name in said_bare and len(name) > length and fits(d):
                best, length = d, len(name)
    if best is None and (m := _NAME_BEFORE_RE.search(sc)):
        said = m.group(1)
        titled = [(d, match_form(d.title).strip("《》")) for d in documents]
        for i in range(len(said) - 3):  # the longest run of those words that shortens a title
            short = [d for d, title in titled if shortens(said[i:], title)]
            if short:
                return short[0] if len(short) == 1 and fits(short[0]) else None
    if best is None and (loose := shortened_document(documents, sc)) and fits(loose):
        return loose  # 国办关于…的指导意见 for 国务院办公厅关于…切实…的指导意见
    return best


def article_of(clauses: list[Clause], asked: AskedArticle) -> Clause | None:
    """The clause of article ``asked`` (or of its 款) among a document's clauses."""
    seg = f"第{cn_numeral(asked.number)}条"
    article = next((c for c in clauses if segment(c) == seg), None)
    if article is None or asked.paragraph <= 1:
        return article
    return next((c for c in clauses if c.path == f"{article.path}/第{asked.paragraph}款"), None)


def article_parts(clause: Clause, clauses: list[Clause]) -> list[Clause]:
    """The article and everything beneath it (its 款 and 项), in document order."""
    return [clause] + [c for c in clauses if c.path.startswith(clause.path + "/")]


def told_within(
    parts: list[Clause], grams: set[str], script: str, first: int = 1, limit: int = MAX_ARTICLE_CHARS
) -> tuple[str, list[Citation]]:
    """An article (or a 项 with what it holds) told within ``limit`` characters, its citations
    numbered from ``first``.

    Whole when it fits, cited as the article.  Otherwise its first sentence and the sentences
    that say what the question asks (the most of its character pairs, a pair that few of the
    article's sentences share counting more), each 款 or 项 cited where its sentences are shown;
    when no sentence says anything the question asks, the article from its start, cited whole.
    … marks what is left out."""
    whole = "\n".join(c.text for c in parts)
    if len(whole) <= limit:
        return to_script(whole, script) + f"[{first}]", [Citation(first, parts[0], parts[0].text)]
    sents = [(i, x) for i, c in enumerate(parts) for x in split_sentences(c.text)]
    forms = [match_form(x) for _i, x in sents]
    spread = {g: sum(1 for f in forms if g in f) for g in grams}
    score = [sum(1 / spread[g] for g in grams if g in f) for f in forms]
    best = max(score[1:], default=0.0)
    if best == 0.0:
        return to_script(whole[: limit - 1], script) + f"…[{first}]", [Citation(first, parts[0], parts[0].text)]
    keep, size = {0}, len(sents[0][1])
    for k in sorted(range(1, len(sents)), key=lambda k: (-score[k], k)):
        if score[k] < best / 2:
            break
        if size + len(sents[k][1]) <= limit:
            keep.add(k)
            size += len(sents[k][1])
    citations: list[Citation] = []
    lines: list[str] = []
    for i, c in enumerate(parts):
        shown = [(k, x) for k, (ci, x) in enumerate(sents) if ci == i and k in keep]
        if shown:
            n = first + len(citations)
            citations.append(Citation(n, c, shown[0][1]))
            gap = "…" if shown[0][0] > 0 and shown[0][0] - 1 not in keep else ""
            lines.append(gap + to_script("".join(x for _k, x in shown), script) + f"[{n}]")
    return "\n".join(lines), citations


def answer_article(
    documents: list[Document], by_doc: dict[str, list[Clause]], sc: str, script: str
) -> tuple[str, list[Citation]] | None:
    """``(text, citations)`` for an article question; ``(why, [])`` when the named document has no
    such article; None when the question is not one (see the module docstring)."""
    asked = asked_article(sc)
    if asked is None:
        return None
    address = asked_address(sc)
    chain = len(address.steps) > 1  # 第二十二条第（一）项, 第四部分第（二）项第9条
    # the words before a chain name the document as they would before 第N条
    named = f"{sc[: address.start]}第一条{sc[address.end :]}" if chain else sc
    doc = named_article_document(documents, by_doc, named, numbered=not chain)
    if doc is None:
        return None
    clauses = by_doc[doc.id]
    if chain and (found := follow(clauses, address.steps)) is not None:
        parts = article_parts(found, clauses)
        if address.steps[-1] == Step("款", 1):  # the first 款: the article without its later 款
            parts = [c for c in parts if in_first_paragraph(found, c)]
        return told_within(parts, _question_pairs(sc, doc), script)
    if chain and address.steps[0].kind != "条":
        return to_script(f"《{doc.title}》中没有{sc[address.start : address.end]}", script), []
    articles = articles_of(clauses)
    items, by_article = articles or measures_of(clauses), bool(articles)
    if by_article and asked.item:
        return None  # 第一项 of a document numbered by articles is an article's 项 (asked_item)
    found = article_of(clauses, asked) if by_article else items.get(asked.number)
    if found is None:
        what = f"第{cn_numeral(asked.number)}{'项' if asked.item else '条'}" + (
            f"第{cn_numeral(asked.paragraph)}款" if asked.paragraph else ""
        )
        return to_script(f"《{doc.title}》共{len(items)}条，没有{what}", script), []
    if not by_article:
        return told_within(article_parts(found, clauses), _question_pairs(sc, doc), script)
    if (item := asked_item(found, clauses, sc, doc)) is not None:
        # “…第七条规定家庭购买第几套住房不予贷款？”: the article's lead-in and the 项 that says it,
        # with what the 项 holds (（一）长期失能人员的失能评估费用 is a heading; its standard is beneath)
        lead = _lead(found.text)
        grams, budget = _question_pairs(sc, doc), MAX_ARTICLE_CHARS - len(lead)
        told, cited = told_within(article_parts(item, clauses), grams, script, first=2, limit=budget)
        return f"{to_script(lead, script)}[1]\n{told}", [Citation(1, found, lead), *cited]
    return told_within(article_parts(found, clauses), _question_pairs(sc, doc), script)


def _lead(text: str) -> str:
    """An article's first sentence (up to its colon: ``第七条 有下列情形之一的，不予贷款：``)."""
    m = re.search(r"[：:。；]", text)
    return text[: m.end()] if m else text


def _question_pairs(sc: str, doc: Document) -> set[str]:
    """The character pairs of what a question asks of an article, beyond the document and the
    article it names and the words every such question uses (规定, 什么…)."""
    rest = bare(ASKS["article"].sub(" ", sc))
    for name in title_names(doc):  # whole, or shortened: 广州公积金贷款实施办法 for 广州住房公积金个人住房贷款实施办法
        rest = rest.replace(name, " ")
        start, end = shortening_run(rest, name)
        rest = f"{rest[:start]} {rest[end:]}" if end else rest
    rest = ASKS["article:generic"].sub(" ", re.sub(r"[《》“”？?，。、\s]", " ", rest))
    return {rest[i : i + 2] for i in range(len(rest) - 1) if " " not in rest[i : i + 2]}


def asked_item(article: Clause, clauses: list[Clause], sc: str, doc: Document) -> Clause | None:
    """The one 项 or 款 of an article a question asks about: by its number (第一项), or by the
    words of the question beyond the document and article it names (two or more of them shared
    with that item, and more than with any other item)."""
    children = [c for c in clauses if c.parent_id == article.id]
    if not children:
        return None
    if m := ASKS["article:item"].search(sc):
        n = number_value(m.group(1))
        return next((c for c in children if segment(c) == f"（{cn_numeral(n)}）"), None)
    grams = _question_pairs(sc, doc)
    if not grams:
        return None

    def shared(text: str) -> int:
        form = match_form(text)
        return sum(1 for g in grams if g in form)

    scored = sorted(((shared(c.text), i) for i, c in enumerate(children)), reverse=True)
    best, index = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0
    if best >= 2 and best > runner_up:
        return children[index]
    return None


def draft(ask: Ask) -> Draft | None:
    """“《X条例》第N条是怎么规定的？”: that article, cited whole (a number it does not have is refused)."""
    if not asked_article(ask.q.sc):
        return None
    found = answer_article(list(ask.index.corpus.documents), ask.index.corpus.by_doc, ask.q.sc, ask.script)
    return Draft(*found, "article") if found else None
