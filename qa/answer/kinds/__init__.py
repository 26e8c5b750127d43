"""The kinds of answer: each module has one entry, ``draft(ask) -> Draft | None``."""
