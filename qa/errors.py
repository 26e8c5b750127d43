"""One small exception tree: every error the library raises on purpose is a PolicyQAError.

The CLI and the UI turn these into a clear message (and exit code 2) instead of a traceback.
"""

from __future__ import annotations


class PolicyQAError(Exception):
    """Base of every error PolicyQA raises on purpose."""


class ConfigError(PolicyQAError):
    """A setting, argument or environment variable is invalid."""


class InputError(PolicyQAError):
    """User input (a file, a question, a document id) cannot be used as given."""


class IndexStateError(PolicyQAError):
    """An index on disk is missing, stale, corrupt or built with other settings."""


class ModelError(PolicyQAError):
    """A model (encoder or generator) cannot be found, assembled or loaded."""


class BackendError(PolicyQAError):
    """A generator backend (local LLM, HTTP endpoint) failed while answering."""


class AccessDenied(PolicyQAError):
    """A staff-only action (changing the library, reading the question log) without the staff token."""


class Busy(PolicyQAError):
    """The library is being changed by another request or process; try again shortly."""
