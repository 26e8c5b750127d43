"""The parsed corpus: documents and their clauses, with the lookups every front end needs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from qa.errors import InputError
from qa.ingest import load_corpus
from qa.ingest.grammar import parse_clauses
from qa.ingest.metadata import titles_from_citations
from qa.schema import Clause, Document

PARSER_VERSION = "grammar-v7"  # the reader of qa/ingest: a change re-reads a library's texts


@dataclass(frozen=True)
class Corpus:
    documents: tuple[Document, ...]
    clauses: tuple[Clause, ...]

    @classmethod
    def from_folder(cls, folder: str | Path) -> Corpus:
        docs = load_corpus(folder)
        return cls.from_documents(docs)

    @classmethod
    def from_documents(cls, docs: list[Document]) -> Corpus:
        docs = titles_from_citations(docs)
        clauses = [c for d in docs for c in parse_clauses(d)]
        return cls.assemble(docs, clauses)

    @classmethod
    def assemble(cls, docs: list[Document], clauses: list[Clause]) -> Corpus:
        """A corpus from documents and their already parsed clauses, in a canonical order.

        Documents are ordered by id and clauses by document, then as parsed: a library changed
        step by step and one built at once hold the same rows in the same order.
        """
        docs = sorted(docs, key=lambda d: d.id)
        rank = {d.id: i for i, d in enumerate(docs)}
        if missing := {c.doc_id for c in clauses} - set(rank):
            raise InputError(f"clauses of unknown documents: {sorted(missing)}")
        ordered = sorted(enumerate(clauses), key=lambda ic: (rank[ic[1].doc_id], ic[0]))
        return cls(tuple(docs), tuple(c for _i, c in ordered))

    @cached_property
    def doc_by_id(self) -> dict[str, Document]:
        return {d.id: d for d in self.documents}

    @cached_property
    def clause_by_id(self) -> dict[str, Clause]:
        return {c.id: c for c in self.clauses}

    @cached_property
    def children(self) -> dict[str | None, list[Clause]]:
        out: dict[str | None, list[Clause]] = {}
        for c in self.clauses:
            out.setdefault(c.parent_id, []).append(c)
        return out

    def document(self, key: str) -> Document:
        """A document by id, file name, or unique id prefix (``001``).

        Raises :class:`InputError` listing the known ids when nothing or several match, and
        for no key at all (``""`` would be a prefix of every id).
        """
        if not isinstance(key, str) or not key.strip():
            raise InputError("请先选择一份文件（no document named）")
        if key in self.doc_by_id:
            return self.doc_by_id[key]
        found = [d for d in self.documents if d.source_file == key or d.id.startswith(key)]
        if len(found) == 1:
            return found[0]
        known = ", ".join(d.id for d in self.documents)
        why = "matches several documents" if found else "is not a known document"
        raise InputError(f"{key[:100]!r} {why}; known: {known}")

    def clause_at(self, doc_id: str, path: str) -> Clause | None:
        return next((c for c in self.clauses if c.doc_id == doc_id and c.path == path), None)

    @cached_property
    def by_doc(self) -> dict[str, list[Clause]]:
        """Each document's clauses in reading order, by id."""
        out: dict[str, list[Clause]] = {d.id: [] for d in self.documents}
        for c in self.clauses:
            out[c.doc_id].append(c)
        return out

    def clauses_of(self, doc_id: str) -> list[Clause]:
        return list(self.by_doc.get(doc_id, ()))

    def is_heading_only(self, c: Clause) -> bool:
        """A container whose own text is only its heading (``二、全面提升…``): not worth indexing."""
        return bool(self.children.get(c.id)) and len(c.text) <= 40 and "。" not in c.text

    @cached_property
    def hash(self) -> str:
        return documents_hash(self.documents)


def documents_hash(docs) -> str:
    """Corpus identity: parser version and every file's name and content hash (no parsing needed)."""
    h = hashlib.sha256(PARSER_VERSION.encode())
    for d in sorted(docs, key=lambda d: d.source_file):
        h.update(f"{d.source_file}\0{d.sha256}\n".encode())
    return h.hexdigest()


# --- lists: an item, the clause that introduces it ------------------------------------------


def is_paragraph(clause: Clause) -> bool:
    """Is the clause a paragraph (第2款, ¶3), not a numbered item?"""
    own = clause.path.rsplit("/", 1)[-1]
    return own.endswith("款") or own.startswith("¶")


def lead_of(corpus: Corpus, clause: Clause) -> Clause | None:
    """The clause that introduces the list an item belongs to: its parent when the parent ends
    with ：, else the paragraph just before the item's list under the same parent (第二十七条…。 /
    下列停止发放住房租赁补贴情形应当在通知书中列明： / （一）… (二)…)."""
    parent = corpus.clause_by_id.get(clause.parent_id) if clause.parent_id else None
    if parent is None or is_list(parent):
        return parent
    before = paragraph_before(corpus, clause)
    return before if is_list(before) else None


def item_lead(corpus: Corpus, clause: Clause) -> Clause | None:
    """:func:`lead_of` for a numbered item; ``None`` for a paragraph (a paragraph after a list is no
    item of it)."""
    return None if is_paragraph(clause) else lead_of(corpus, clause)


def paragraph_before(corpus: Corpus, clause: Clause) -> Clause | None:
    """The paragraph (款, ¶) nearest before a clause under the same parent, or ``None``."""
    before = None
    for sibling in corpus.children.get(clause.parent_id, ()) if clause.parent_id else ():
        if sibling.id == clause.id:
            return before
        if is_paragraph(sibling):
            before = sibling
    return None


def is_list(clause: Clause | None) -> bool:
    """A clause that introduces a list (…按照下列规定领取…：): what it grants is in its items."""
    return clause is not None and clause.text_sc.rstrip().endswith(("：", ":"))
