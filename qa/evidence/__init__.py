"""Evidence checks for answers (pure functions over an index), one module a step.

A clause supports an answer when the years the question names are in it or above it, when
its sentence holds the kind of thing asked for (a figure, a date, a place…) in the unit asked
for, and when the question's entities are there.  Places are checked by :mod:`qa.places.regions`, word
coverage (idf-weighted) by :func:`qa.search.retrieve.coverage`.

- :mod:`.vectors`: how near a question stands to clauses in meaning; a clause with its ancestors;
- :mod:`.nouns`: what a question names (its nouns; a tax, a certificate, a card… by name);
- :mod:`.kinds`: the kind of thing asked for, and whether a sentence holds it;
- :mod:`.contrasts`: what the question names, not its sibling (省属 for 市属, B类 for A类);
- :mod:`.scope`: the place, years, codes, phase or batch, and home the question scopes;
- :mod:`.measures`: the unit and the measure a figure is asked in;
- :mod:`.quantities`: the thresholds a clause sets that a person's own quantities meet (read by
  政策找人's conditions and order, and by an answer's choice of sentence);
- :mod:`.tasks`: the task a duty question asks about;
- :mod:`.instructions`: sentences planted in a document that address a reader or a model
  (prompt injection), never quoted by an answer nor shown to a generator.
"""

from qa.evidence.contrasts import for_the_exception, siblings_instead
from qa.evidence.instructions import is_instruction, without_instructions
from qa.evidence.kinds import adds_to_question, supports_type
from qa.evidence.measures import asked_measure, supports_asked_unit, supports_measure
from qa.evidence.nouns import named_instruments, names_instrument, nouns_of
from qa.evidence.quantities import threshold_status, thresholds_met
from qa.evidence.scope import (
    codes_in,
    names_asked_batch,
    speaks_of_itself,
    supports_asked_place,
    supports_codes,
    supports_doc_years,
    supports_force,
    supports_home_ordinal,
    supports_phase,
    supports_years,
    year_part,
)
from qa.evidence.tasks import bigram_coverage, task_bigrams
from qa.evidence.vectors import cited_cosine, clause_cosines, context_of, dense_z

__all__ = [
    "adds_to_question",
    "asked_measure",
    "bigram_coverage",
    "cited_cosine",
    "clause_cosines",
    "codes_in",
    "context_of",
    "dense_z",
    "for_the_exception",
    "is_instruction",
    "named_instruments",
    "names_asked_batch",
    "names_instrument",
    "nouns_of",
    "siblings_instead",
    "speaks_of_itself",
    "supports_asked_place",
    "supports_asked_unit",
    "supports_codes",
    "supports_doc_years",
    "supports_force",
    "supports_home_ordinal",
    "supports_measure",
    "supports_phase",
    "supports_type",
    "supports_years",
    "task_bigrams",
    "threshold_status",
    "thresholds_met",
    "without_instructions",
    "year_part",
]
