"""Files → documents and their clauses, by the conventions of Chinese official documents.

The steps, one module each: ``formats`` (txt/md/html/docx/pdf → text; a package, one module a
format) · ``clean`` (page chrome by shape, mojibake, pinyin glosses) · ``document`` (decoding, the
Document record) · ``metadata`` (title, 文号, issuer, dates, level, region, kind, read from the
text) · ``grammar`` (公文 and legislative structure → the clause tree) · ``duties`` (duty
annotations → units by role) · ``numerals`` (Chinese numerals, by cn2an) · ``sentences`` (a
clause's sentences, for the answer stage).
"""

from qa.ingest.document import document_from_text, load_corpus, load_document, read_text
from qa.ingest.grammar import parse_clauses

__all__ = ["document_from_text", "load_corpus", "load_document", "parse_clauses", "read_text"]
