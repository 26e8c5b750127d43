"""Definition questions (“本条例所称X是指什么？”“什么是X？”): the sentence of a document the
search found that defines the term (本规定所称X，是指…; X，指…; X是指…), cited."""

from __future__ import annotations

import re

from qa.answer.ask import Ask, Draft
from qa.answer.candidates import Candidate
from qa.answer.sentences import item_lines
from qa.ingest.sentences import split_sentences
from qa.normalize import match_form
from qa.question.asking import ASKS
from qa.schema import Citation, Clause, Hit

#: documents read for a definition: those of the first candidates, in their order
DEFINITION_DOCUMENTS = 3
#: an item's number before a defined term (（一）, 1., 第三条)
_ITEM_MARK = r"(?:第[一二三四五六七八九十百零\d]+条\s*|[（(][一二三四五六七八九十\d]+[)）]\s*|\d+[.．、]\s*)?"


def asked_term(sc: str) -> str:
    """The term a definition question asks about, or ``""``.

    >>> asked_term("汽车三包规定所称的家用汽车产品指哪些车？"), asked_term("特困人员是指哪些人？"), asked_term("什么是延续护理？")
    ('家用汽车产品', '特困人员', '延续护理')
    >>> asked_term("上海市社会救助条例里特困人员是指什么人？"), asked_term("长护险能报多少钱？")
    ('特困人员', '')
    """
    m = ASKS["definition"].search(sc)
    if not m:
        return ""
    term = next(g for g in m.groups() if g)
    # the document it is asked of is no part of the term: 上海市社会救助条例里特困人员
    return re.split(r"(?:条例|规定|办法|细则|意见|方案|通知|措施|文件)(?:里面?|中|内|上)?", term)[-1].strip('“”"的')


def defines(term: str, sentence: str) -> bool:
    """Does a sentence define the term (本规定所称家用汽车产品，是指…; 特困人员，是指…; X指…)?

    >>> defines("家用汽车产品", "家用汽车产品，指消费者为生活消费需要而购买和使用的乘用车和皮卡车。")
    True
    >>> defines("家用汽车产品", "家用汽车产品符合本规定规定的更换条件的，销售者应当更换。")
    False
    """
    t = rf"“?{re.escape(term)}”?\s*[，,：:]?\s*(?:是指|系指|指|包括)"
    return bool(re.search(rf"^{_ITEM_MARK}(?:本[\u4e00-\u9fff]{{0,8}}?所称)?{t}|所称{t}", match_form(sentence).strip()))


def draft(ask: Ask) -> Draft | None:
    """The sentence that defines the term asked about, in the first documents the search found;
    None when none does (the question is answered as any other)."""
    if not (term := asked_term(ask.q.sc)) or len(term) < 2:
        return None
    index = ask.index
    docs = list(dict.fromkeys(c.doc.id for c in ask.cands))[:DEFINITION_DOCUMENTS]
    for doc_id in docs:
        for clause in index.corpus.clauses_of(doc_id):
            if said := [s for s in split_sentences(clause.text) if defines(term, s)]:
                return _cited(ask, clause, said[:1])
    return None


def _cited(ask: Ask, clause: Clause, sentences: list[str]) -> Draft:
    """The defining sentence cited, with the items of its list when it introduces one
    (特困人员，是指同时符合下列条件的…：)."""
    corpus = ask.index.corpus
    picked = [(clause, sentences)]
    if sentences[-1].rstrip().endswith(("：", ":")):
        picked += [(item, [item.text]) for item in corpus.children.get(clause.id, ())]
    citations: list[Citation] = []
    cands = [(Candidate(Hit(c, 0.0), 0, corpus.doc_by_id[c.doc_id], c.text_sc, 1.0), said) for c, said in picked]
    lines = item_lines(ask.index, ask.q, cands, ask.w, ask.script, ask.limit, citations)
    return Draft("\n".join(lines), citations, "definition")
