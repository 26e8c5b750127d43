"""Reading a question, before anything is searched: the steps, one module each.

``asking`` (every pattern that reads how a question asks, in one table, each with an example) ·
``query`` (a question → a :class:`~qa.question.query.Query`: its intent, places, years, the kind
of answer it asks for, and a follow-up rewritten to stand alone).  Both are pure: they read the
question's words and the word tables of :mod:`qa.data`, never the library.
"""
