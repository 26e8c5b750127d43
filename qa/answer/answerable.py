"""The refusal policy, in one place: what a question must name, and what the evidence must state,
before anything is answered.

The router runs :func:`names_known` before every kind but the article lookup, :func:`on_topic`
before the kinds that answer from the content (duty, fact), and passes every draft through
:func:`review`.  The fact kind takes its evidence from :func:`stated_evidence`.
"""

from __future__ import annotations

from qa.answer.ask import Ask, Draft
from qa.answer.candidates import Candidate, gate_cover, is_topic_word, names_item
from qa.answer.limits import (
    ASKED_TOPIC_COVERAGE,
    CITED_NEAR_COSINE,
    MIN_COVERAGE,
    NAMED_REST_COVERAGE,
    OFF_TOPIC_COVERAGE,
    OFF_TOPIC_Z,
)
from qa.answer.named import (
    absent_topic,
    asked_titles,
    bare,
    beyond_name,
    cited_titles,
    clause_texts,
    docs_by_place,
    owns_document,
    quoted_names,
    says_name,
    scoped_documents,
    unknown_names,
    unknown_titles,
)
from qa.answer.render import short_name
from qa.evidence import (
    cited_cosine,
    context_of,
    dense_z,
    named_instruments,
    names_instrument,
    nouns_of,
    supports_asked_unit,
    supports_force,
)
from qa.normalize import match_form
from qa.question.query import DOC_NUMBER_RE, says_term
from qa.schema import Clause
from qa.search.retrieve import HAN_RE, content_tokens, coverage
from qa.search.tokens import tokenize


def mentioned_places(ask: Ask) -> list[str]:
    """The places the question names that have no document of their own, but that some clause
    mentions (支持南昌、九江…探索: the place is in a list, not the subject of a document)."""
    unknown = [p for p in ask.q.places if p not in docs_by_place(ask.index)]
    return [p for p in unknown if p in clause_texts(ask.index)]


def names_known(ask: Ask) -> Draft | None:
    """A refusal when the question names what the library does not hold: a place no document
    is for or mentions, a place's own document, a title, or a quoted name; or no word of the
    documents at all (code, SQL, 吗？, 🙂 …)."""
    index, q = ask.index, ask.q
    unknown = [p for p in q.places if p not in docs_by_place(index)]
    mentioned = mentioned_places(ask)
    if len(mentioned) < len(unknown):
        return Draft.refusal(f"现有文件不涉及{'、'.join(p for p in unknown if p not in mentioned)}")
    if owners := [p for p in unknown if owns_document(q.sc, p)]:
        # “某市加快数字政府建设实施方案中…”: that place's own plan is not in the library
        return Draft.refusal(f"文库中没有{'、'.join(owners)}的这份文件")
    if missing := unknown_titles(index, q):
        return Draft.refusal(f"文库中没有《{'》《'.join(missing)}》")
    if missing := unknown_names(index, q):
        return Draft.refusal(f"文件中没有提到“{'”“'.join(missing)}”")
    place_docs = scoped_documents(index, list(q.places)) if q.places and len(ask.sides) < 2 else []
    if place_docs and (missing := unknown_names(index, q, place_docs)):
        # a name only another place's document says: the user is told which one does
        why = f"{'、'.join(q.places)}的文件中没有提到“{'”“'.join(missing)}”"
        elsewhere = [d for d in index.corpus.documents if d not in place_docs and not unknown_names(index, q, [d])]
        if elsewhere:
            why += "；" + "".join(f"《{short_name(d)}》" for d in elsewhere) + "提到了"
        return Draft.refusal(why)
    vocab = index.bm25.vocab_dict
    if not (q.meta or ask.about_author) and not any(
        t in vocab and not t.isdigit() and (len(t) > 1 or HAN_RE.match(t)) for t in tokenize(q.sc, index.user_words)
    ):
        return Draft.refusal()
    return None


def on_topic(ask: Ask) -> Draft | None:
    """A refusal when the first clauses are not about what is asked: a topic no document names,
    no word of the question in them (a dense match alone is not evidence: “护照过期了去哪换”), a
    place that is only mentioned in a list, or not the kind of unit asked for (亩, 户, 个…)."""
    index, q, cands = ask.index, ask.q, ask.cands
    if not q.meta and (absent := absent_topic(index, q)):
        return Draft.refusal(f"文件中没有提到“{'”“'.join(absent)}”")
    best = max((c.cover for c in cands[:5]), default=0.0)
    if best < OFF_TOPIC_COVERAGE and cands:
        best = max(best, gate_cover(index, q, cands[:5], ask.w))
    if not cands or best == 0.0 or (best < OFF_TOPIC_COVERAGE and dense_z(index, ask.question) < OFF_TOPIC_Z):
        return Draft.refusal()
    mentioned = mentioned_places(ask)
    if mentioned and len(mentioned) == len(q.places) and not [c for c in ask.good if c.cover >= MIN_COVERAGE]:
        # the question is only about a place that only appears in a list: a clause that names it
        # must also be about what is asked, or the documents do not say it
        return Draft.refusal(f"现有文件只是提到{'、'.join(mentioned)}，未写明相关内容")
    if not any(supports_asked_unit(q, c.context) for c in ask.good[:3]):
        return Draft.refusal()
    return None


def stated_evidence(ask: Ask) -> list[Candidate] | Draft:
    """The clauses a fact answer may quote, or a refusal: a clause must say the item, the quoted
    name and the cited title the question names, and something of what is asked about them."""
    index, q = ask.index, ask.q
    good = [c for c in ask.good if names_item(index, q, c.hit.clause)] or ask.good
    # a clause on nothing but its document's own force (本办法自…起实施，有效期5年) answers only
    # a question on it
    if not (good := [c for c in good if supports_force(q, c.hit.clause.text_sc)]):
        return Draft.refusal()
    if names := quoted_names(q):
        # “…“某某办”比例达到多少？”: the answer is about what the question names, not a figure
        # from a clause that never names it; a clause under a heading, or in a document titled,
        # that names it is about it too
        good = [c for c in good if all(says_name(n, bare(f"{c.hit.clause.title_path}\n{c.context}")) for n in names)]
        if not good:
            return Draft.refusal()
    if cited := cited_titles(index, q):
        # a document the library only cites: only a clause that names it can say what it holds
        good = [c for c in good if any(says_name(t, bare(c.context)) for t in cited)]
        if not good:
            return Draft.refusal("、".join(f"《{t}》" for t in cited) + "不在文库中，文库文件只是引用了它")
    named = [*names, *cited]
    if named and max((beyond_name(index, q, named, c.context, ask.w) for c in good[:3]), default=1.0) < (
        NAMED_REST_COVERAGE
    ):
        # “《…暂行办法》把公共数据分成哪几类开放属性？”: the library names it, and says nothing
        # of what is asked about it (分成、几类、属性)
        return Draft.refusal(f"文件只是提到了“{'”“'.join(named)}”，未写明所问内容")
    return good


def review(ask: Ask, draft: Draft) -> Draft:
    """Every draft passes here before it is shown: a draft that cites no clause, or says
    nothing, is a refusal (its text, if any, says why)."""
    if not draft.citations or not draft.text.strip():
        return Draft.refusal(draft.text if not draft.citations else "")
    return draft


def speaks_to(ask: Ask, clauses: list[Clause]) -> bool:
    """Does one of the clauses an answer cites say something of what the question asks about: at
    least :data:`ASKED_TOPIC_COVERAGE` of its words, leaving out the words that only name the
    document (its title, a 文号, a title in 《》)?  A question no document answers (医保卡丢了去
    哪补办) finds a clause that shares little more than the document's own words."""
    q, w = ask.q, ask.w
    named = "".join(m.group(0) for m in DOC_NUMBER_RE.finditer(q.sc)) + "".join(t for t, _b in asked_titles(q))
    words = [t for t in content_tokens(ask.index, q) if is_topic_word(t, w) and t not in named]
    for c in clauses:
        title = match_form(ask.index.corpus.doc_by_id[c.doc_id].title or c.doc_id)
        toks = [t for t in words if t not in title]
        if not toks or coverage(toks, match_form(f"{c.title_path}\n{c.text}"), w) >= ASKED_TOPIC_COVERAGE:
            return True
    return False


def names_what_is_held(ask: Ask, clauses: list[Clause]) -> bool:
    """Does a cited clause (with its headings, the clauses above it and its document's title) name
    each tax, fee, certificate, card… the question names?  “在长春买首套房，契税能补贴多少？” finds
    a clause on 首套房 loans that never says 契税."""
    held = named_instruments(ask.q.sc)
    if not held:
        return True
    corpus = ask.index.corpus
    texts = [bare(f"{corpus.doc_by_id[c.doc_id].title}\n{c.title_path}\n{context_of(ask.index, c)}") for c in clauses]
    return all(any(names_instrument(n, t) for t in texts) for n in held)


def near_in_meaning(ask: Ask, clauses: list[Clause]) -> bool:
    """Does a cited clause (with its title path) name one of the question's nouns, or an official
    term for it, or else stand near the question in meaning (:data:`CITED_NEAR_COSINE`)?  “医保卡丢了，
    补办一张要去哪里？” finds “消费者遗失三包凭证的，可以向销售者申请补办”: 补办 is shared, 医保卡 is not,
    and the two are far apart."""
    nouns = nouns_of(ask.q.sc)
    texts = [match_form(f"{c.title_path}\n{c.text}") for c in clauses]
    if not nouns or any(says_term(n, t) for n in nouns for t in texts):
        return True
    return cited_cosine(ask.index, ask.question, clauses) >= CITED_NEAR_COSINE
