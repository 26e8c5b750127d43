"""What the question names, measured against the library: places with documents of their own,
titles, quoted names, authors, the document a question points at, and topics no document names."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from qa.answer.limits import NAMED_REST_WORDS
from qa.answer.render import short_name
from qa.ingest.metadata import CITED_WITH_NUMBER_RE, cites_untitled
from qa.normalize import in_simplified, match_form
from qa.places.regions import doc_places
from qa.question.asking import ASKS
from qa.question.query import (
    FILLER,
    Query,
    places_in,
    says_term,
)
from qa.schema import Clause, Document
from qa.search.index import Index
from qa.search.retrieve import (
    HAN_RE,
    Weights,
    content_tokens,
    coverage,
)
from qa.search.tokens import cut, tokenize


def scoped_documents(index: Index, scope: list[str] | tuple[str, ...]) -> list[Document]:
    """The documents that speak for every place of ``scope`` (all of them for none), in library order."""
    if not scope:
        return list(index.corpus.documents)
    first = docs_by_place(index).get(scope[0], ())
    return [d for d in first if all(p in doc_places(d) for p in scope[1:])]


@lru_cache(maxsize=4)
def docs_by_place(index: Index) -> dict[str, tuple[Document, ...]]:
    """The documents of each place (:func:`doc_places`), in library order, once per index."""
    out: dict[str, list[Document]] = {}
    for d in index.corpus.documents:
        for p in doc_places(d):
            out.setdefault(p, []).append(d)
    return {p: tuple(ds) for p, ds in out.items()}


def doc_marks(doc: Document) -> list[str]:
    """The words a question may name a document by: its author, its source, its short title."""
    marks = [doc.author[:3], doc.source, match_form(short_name(doc)) if doc.title else "", match_form(doc.doc_number)]
    return [m for m in marks if m and len(m) >= 3]


def _names_document(sc: str, doc: Document) -> bool:
    """Does a question name this document (its author, its source, or its short title)?"""
    return any(m in sc for m in doc_marks(doc))


@lru_cache(maxsize=4)
def _library_marks(index: Index) -> tuple[tuple[Document, tuple[str, ...]], ...]:
    """Every document with its :func:`doc_marks`, once per index."""
    return tuple((d, tuple(doc_marks(d))) for d in index.corpus.documents)


def named_documents(index: Index, sc: str) -> list[Document]:
    """The documents a question names (:func:`_names_document`), in library order."""
    return [d for d, marks in _library_marks(index) if any(m in sc for m in marks)]


QUOTES_RE = re.compile(r"[“”\"'‘’「」『』\s]")


@lru_cache(maxsize=4)
def doc_texts(index: Index) -> dict[str, str]:
    """Each document's text in match form, quotes dropped (“一网统管” is 一网统管), by id."""
    return {d.id: bare(d.clean) for d in index.corpus.documents}


@lru_cache(maxsize=4)
def _corpus_titles(index: Index) -> tuple[str, tuple[frozenset[str], ...]]:
    """All document text (quotes dropped) and the word set of each document's titles."""
    text = "\n".join(doc_texts(index).values())
    words = tuple(
        frozenset(tokenize(match_form(f"{d.title}{short_name(d)}{d.name}{d.issuer}"), index.user_words))
        for d in index.corpus.documents
    )
    return text, words


@lru_cache(maxsize=4)
def clause_texts(index: Index) -> str:
    """Every clause's ``text_sc``, one a line, once per index (a place is named in it when it is
    named in a clause)."""
    return "\n".join(c.text_sc for c in index.corpus.clauses)


@lru_cache(maxsize=4)
def _corpus_text_lower(index: Index) -> str:
    """All document text (:func:`_corpus_titles`) lower-cased, once per index."""
    return _corpus_titles(index)[0].lower()


def unknown_titles(index: Index, q: Query) -> list[str]:
    """Titles in 《》 that are neither a document of the library (in full or in other words)
    nor mentioned by one: “《江西省数字政府建设“十五五”规划》提出了哪些目标？” cannot be answered
    from the library, while a document the library cites (国务院《指导意见》) is known."""
    text = _corpus_titles(index)[0]
    return [title for title, t in asked_titles(q) if t not in text and not _own_title(index, t)]


def cited_titles(index: Index, q: Query) -> list[str]:
    """Titles in 《》 of documents the library only cites (国务院《关于加强数字政府建设的指导意见》):
    what the library says of one is in the clauses that name it, and nowhere else."""
    text = _corpus_titles(index)[0]
    return [t for _title, t in asked_titles(q) if t in text and not _own_title(index, t)]


def asked_titles(q: Query) -> list[tuple[str, str]]:
    """The titles a question writes in 《》, as written and with quotes dropped."""
    return [(title, QUOTES_RE.sub("", title)) for title in re.findall(r"《([^》]{4,60})》", q.sc)]


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

    >>> from qa.question.query import analyse
    >>> quoted_names(analyse("南昌“洪金通”数智金融应用由谁负责？它和“几合一”有关吗？"))
    ['洪金通']
    """
    names = (m.group(1).strip() for m in _QUOTED_NAME_RE.finditer(q.sc))
    return [QUOTES_RE.sub("", n) for n in names if not _NOT_A_NAME_RE.search(n)]


def unknown_names(index: Index, q: Query, docs: list[Document] | None = None) -> list[str]:
    """Names the question quotes (an app, a platform, a project: “甬e通”) that no document of
    the library (or of ``docs``) uses: what the documents never name, they say nothing about.

    Quoted phrases that ask or sum up (“几合一”, “三个掌上”, lists with 、) are not names."""
    names = quoted_names(q)
    if not names:
        return []
    texts = doc_texts(index)
    text = "\n".join(texts[d.id] for d in docs).lower() if docs is not None else _corpus_text_lower(index)
    return [n for n in names if not says_name(n.lower(), text)]


_ASIDE_RE = re.compile(r"[（(][^（）()]{1,10}[）)]")


def bare(text: str) -> str:
    """A text in match form without quotes, as names are compared: “一网统管” is 一网统管."""
    return QUOTES_RE.sub("", match_form(text))


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
# words that only point at a document (南昌方案, 这份意见), not at what is asked about it
_DOC_WORDS = frozenset(["方案", "实施方案", "意见", "实施意见", "文件", "通知", "规划", "评论", "这份", "那份"])


def beyond_name(index: Index, q: Query, names: list[str], context: str, w: Weights) -> float:
    """Coverage, by a clause, of what a question asks besides the names it quotes: the name
    brings the clause up, the rest of the question must be in it too."""
    sc, text = q.sc, bare(context)
    for n in names:
        sc, text = sc.replace(n, " "), text.replace(n, " ")
    in_names = {t for n in names for t in tokenize(n, index.user_words)}
    toks = [t for t in content_tokens(index, replace(q, sc=sc)) if t not in in_names and t not in _DOC_WORDS]
    if sum(len(t) > 1 for t in toks) < NAMED_REST_WORDS:
        return 1.0  # ““赣政通”是干什么的？”: nothing is asked about it but what it is
    return coverage(toks, text, w)


def absent_topic(index: Index, q: Query) -> list[str]:
    """The question's content words when no document of the library has any of them, apart
    from words that point at a document: “南昌方案的附件有什么？” asks about 附件, which the
    library never mentions, so whatever clause matches 方案 does not answer it."""
    toks = [t for t in content_tokens(index, q) if t not in _DOC_WORDS and not t.isdigit()]
    if any(t in index.bm25.vocab_dict for t in toks):
        return []  # a word some clause has (its BM25 token) is in the library: no scan of it all
    text = _corpus_text_lower(index)
    absent = [t for t in toks if not says_term(t, text)]
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


def shortens(name: str, title: str) -> bool:
    """Is ``name`` a shortening of ``title``: its characters in the title's order, of the same
    kind of document (its last two characters), four or more?

    >>> shortens("山东民营经济条例", "山东省民营经济发展促进条例"), shortens("民营经济条例", "民营经济发展促进办法")
    (True, False)
    """
    if len(name) < 4 or name[-2:] != title[-2:]:
        return False
    rest = iter(title)
    return all(ch in rest for ch in name)


#: a run of a question's words names a document loosely when it shortens one of its names (the
#: title, the title without its place, what a 关于印发…的通知 sends) and keeps at least this share
#: of that name's characters
LOOSE_NAME_SHARE = 0.6
#: a title the question quotes (《…》) is the document's when it keeps this share of one of its
#: names: a particle dropped (《广东省进一步提振和扩大消费若干措施》 for …消费的若干措施), not a
#: shortening that another document's title, which the library only cites, could also be
QUOTED_NAME_SHARE = 0.9


def quotes_title(quoted: str, doc: Document) -> bool:
    """Is a title the question quotes this document's, whole, within its title, or with a
    particle or two dropped (:data:`QUOTED_NAME_SHARE`)?

    >>> from qa.schema import Document
    >>> d = Document("d", "d.txt", "广东省进一步提振和扩大消费的若干措施", "", "", "", "广东省", "", "simplified", "", "")
    >>> quotes_title("广东省进一步提振和扩大消费若干措施", d), quotes_title("进一步扩大消费的措施", d)
    (True, False)
    """
    q = bare(quoted)
    if q in bare(doc.title) or ((short := bare(short_name(doc))) and short in q):
        return True
    return any(shortens(q, name) and len(q) >= QUOTED_NAME_SHARE * len(name) for name in title_names(doc))


@lru_cache(maxsize=1024)
def title_names(doc: Document) -> tuple[str, ...]:
    """The names (:func:`bare`) a question may call a document by, whole or shortened, longest
    first: the title, the title without its place, what follows its 关于, the notice that sends
    it (…关于印发…的通知) and what that notice says it sends (广东省进一步提振和扩大消费若干措施,
    where the document's own title says …消费的若干措施).

    >>> from qa.schema import Document
    >>> title_names(Document("d", "d.txt", "国务院关于促进综合保税区高水平开放高质量发展的若干意见", "", "", "", "", "", "simplified", "", ""))
    ('国务院关于促进综合保税区高水平开放高质量发展的若干意见', '促进综合保税区高水平开放高质量发展的若干意见')
    """
    if not doc.title:
        return ()
    title = bare(doc.title).strip("《》")
    names = {title, bare(short_name(doc))}
    if doc.region and title.startswith(bare(doc.region)):
        names.add(title[len(bare(doc.region)) :])
    if m := re.search(r"关于(.+)$", title):
        names.add(m.group(1))
    if notice := bare(doc.notice_title).strip("《》"):  # the notice that sends it, and what it sends
        names.add(notice)
        if m := re.search(r"关于印发(.+?)的通知$", notice):
            names.add(m.group(1).strip("《》"))
    text = in_simplified(doc.clean, doc.script)  # （以下統稱三包）
    names |= {short for name in list(names) for short in abbreviated(name, text)}
    return tuple(sorted((n for n in names if len(n) >= 4), key=lambda n: (-len(n), n)))


#: “家用汽车产品修理、更换、退货（以下统称三包）”: the short form a text defines, and the phrase before it
_DEFINES_RE = re.compile(r"[（(]以下(?:简称|统称|称)[“\"]?([\u4e00-\u9fff]{2,8})[”\"]?[）)]")
_PHRASE_BEFORE_RE = re.compile(r"[\u4e00-\u9fff、]{2,40}$")
#: a phrase of a name is replaced by its short form only when the phrase has this many characters
ABBREVIATED_CHARS = 4


def abbreviated(name: str, text: str) -> set[str]:
    """The name shortened by the short forms its document's text defines for a phrase of it: a
    question calls a document by them (家用汽车三包规定).  The phrase defined may start at any word
    of the run before the bracket; each such tail the name holds is replaced, if it holds every
    character of the short form that the run holds (长期护理保险 for 长护险, not 护理保险).

    >>> sorted(abbreviated("广州市长期护理保险试行办法", "本办法适用于本市行政区域内的长期护理保险（以下简称长护险）。"))
    ['广州市长护险试行办法']
    >>> "家用汽车产品三包责任规定" in abbreviated("家用汽车产品修理更换退货责任规定", "为了明确家用汽车产品修理、更换、退货（以下统称三包）责任")
    True
    """
    out = set()
    for m in _DEFINES_RE.finditer(text):  # the bracket first: a scan of every run of text before it is slow
        if not (before := _PHRASE_BEFORE_RE.search(text, max(0, m.start() - 40), m.start())):
            continue
        phrase, short = bare(before.group(0)).replace("、", ""), bare(m.group(1))
        drawn = {ch for ch in short if ch in phrase}
        at = 0
        for word in cut(phrase):
            tail = phrase[at:]
            if len(tail) >= ABBREVIATED_CHARS and tail in name and short not in name and drawn <= set(tail):
                out.add(name.replace(tail, short, 1))
            at += len(word)
    return out


def shortened_document(documents: list[Document], sc: str) -> Document | None:
    """The one document a question names by shortening one of its names (国务院促进综合保税区…的意见
    for 国务院关于促进综合保税区…的若干意见; 国办关于…的指导意见): a run of the question's words,
    ending as the name ends, whose characters the name holds in order and that keeps
    :data:`LOOSE_NAME_SHARE` of it.  The document whose name is kept the most; none on a tie.

    >>> round(_kept("国务院促进综合保税区高水平开放高质量发展的意见是哪一天印发的", "国务院关于促进综合保税区高水平开放高质量发展的若干意见"), 2)
    0.85
    """
    s = bare(sc)
    asked_places = set(places_in(sc))
    kept: dict[str, tuple[float, Document]] = {}
    for d in documents:
        if not (names := title_names(d)) or (asked_places and (own := doc_places(d)) and not asked_places & own):
            continue
        share = max(_kept(s, name) for name in names)
        if share >= LOOSE_NAME_SHARE:
            kept[d.id] = (share, d)
    ranked = sorted(kept.values(), key=lambda x: -x[0])
    if not ranked or (len(ranked) > 1 and ranked[1][0] == ranked[0][0]):
        return None
    return ranked[0][1]


def _kept(s: str, name: str) -> float:
    """The largest share of ``name`` that a run of ``s`` ending as the name ends shortens."""
    start, end = shortening_run(s, name)
    return (end - start) / len(name)


def shortening_run(s: str, name: str) -> tuple[int, int]:
    """``(start, end)`` of the longest run of ``s`` that shortens ``name`` (:func:`shortens`),
    ``(0, 0)`` when none does.

    >>> shortening_run("广州公积金贷款实施办法第十一条讲的是什么", "广州住房公积金个人住房贷款实施办法")
    (0, 11)
    """
    best = (0, 0)
    for m in re.finditer(re.escape(name[-2:]), s):
        end = m.end()
        for start in range(max(0, end - len(name)), end - 3):
            if shortens(s[start:end], name):
                if end - start > best[1] - best[0]:
                    best = (start, end)
                break
    return best


def named_document(index: Index, q: Query) -> Document | None:
    """The one document a question names by its author, source or short title, if exactly one."""
    named = named_documents(index, q.sc)
    if len(named) != 1 or not set(q.places) <= doc_places(named[0]):
        return None  # none, several, or the question also asks about another place
    return named[0]


@lru_cache(maxsize=4)
def numbered_citations(index: Index) -> tuple[tuple[str, str, Clause], ...]:
    """Every document the library cites with its 文号 (《…》（国发〔2022〕14号）): title, number and
    the citing clause, read once per index."""
    return tuple(
        (m.group(1), m.group(2), c)
        for c in index.corpus.clauses
        for m in CITED_WITH_NUMBER_RE.finditer(match_form(c.text))
    )


def cited_as(index: Index, doc: Document) -> tuple[str, str, Clause] | None:
    """How another document of the library cites this one, with its 文号: a city's plan cites
    its province's 《…实施意见》 with its 文号 (赣府发〔2022〕20号), which the province's
    document itself (a page without its title block) never states. A document without a title
    is matched by its issuer, its kind and its year."""
    for title, number, c in numbered_citations(index):
        if c.doc_id == doc.id:
            continue
        if title == match_form(doc.title) if doc.title else cites_untitled(title, number, doc):
            return title, number, c
    return None


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
        return bool(ASKS["author:person"].search(q.sc))
    names = [match_form(re.split(r"[,，、]", d.author)[0]) for d in index.corpus.documents if d.author]
    asks = ASKS["author:person"].pattern
    return any(
        n and re.search(rf"{re.escape(n)}(?:是|的|教授|老师)?(?:{asks})|(?:介绍一下|谁是){re.escape(n)}", q.sc)
        for n in names
    )


def kind_target(index: Index, q: Query) -> list[Document]:
    """The one document of the kind a question names (那篇评论文章, 江西的实施意见), if just one."""
    docs = [d for d in scoped_documents(index, q.places) if any(w in q.sc for w in _kind_words(d.kind))]
    return docs if len(docs) == 1 else []


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
