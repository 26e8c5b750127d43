"""Answers from retrieved clauses (see :mod:`qa.answer.route`)."""

from qa.answer.render import REFUSAL, clause_json, elapsed_ms, readable_path, short_name, sources_line, to_record
from qa.answer.route import answer

__all__ = ["REFUSAL", "answer", "clause_json", "elapsed_ms", "readable_path", "short_name", "sources_line", "to_record"]
