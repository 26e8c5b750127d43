"""Which places a document speaks for, and whether a text names a place (pure functions)."""

from __future__ import annotations

import re
import weakref

from qa.data import mapping
from qa.normalize import match_form
from qa.question.query import Query, places_in
from qa.schema import Clause, Document

#: doc_places of every document seen, for as long as the document is loaded: a question asks
#: it of every document of the library (a bounded cache thrashed at a few hundred documents)
_DOC_PLACES: weakref.WeakKeyDictionary[Document, frozenset[str]] = weakref.WeakKeyDictionary()


def doc_places(doc: Document) -> frozenset[str]:
    """The places a document speaks for, by the names they go by (:func:`qa.question.query.places_in`):
    those in its region, title and issuer, or else the places its text names at least three
    times (computed once per loaded document)."""
    try:
        return _DOC_PLACES[doc]
    except KeyError:
        pass
    found = _DOC_PLACES[doc] = _doc_places(doc)
    return found


def _doc_places(doc: Document) -> frozenset[str]:
    own = places_in("\n".join((doc.region, doc.title, doc.issuer)))
    if own:
        # a city document also speaks for its province only when it says so in its title
        return frozenset(own)
    text = match_form(doc.clean)
    return frozenset(p for p in places_in(text) if text.count(p) >= 3)


#: One-character names of places, as policy texts join them in runs (``qa/data/place_abbr.txt``).
PLACE_ABBR: dict[str, str] = {place: chars[0] for place, chars in mapping("place_abbr").items()}
_ABBR_RUN_RE = re.compile("[" + "".join(PLACE_ABBR.values()) + "]{2,4}")


def names_place(place: str, text: str) -> bool:
    """Is a place named in a text, in full or in a run of one-character names?

    >>> names_place("重庆", "推动川渝两地“一卡通”功能互用"), names_place("四川", "川江"), names_place("湖南", "湘鄂赣协同")
    (True, False, True)
    """
    if place in text:
        return True
    abbr = PLACE_ABBR.get(place)
    return bool(abbr) and any(abbr in m.group(0) for m in _ABBR_RUN_RE.finditer(text))


def supports_places(q: Query, clause: Clause, doc: Document) -> bool:
    """Every place the question names is the document's own, or named in the clause."""
    own = doc_places(doc)
    return all(p in own or names_place(p, clause.text_sc) for p in q.places)
