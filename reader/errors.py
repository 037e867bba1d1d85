"""One error hierarchy. Every message names the thing and the fix, on one line."""

from __future__ import annotations


class ReaderError(Exception):
    """A user-facing failure: the CLI prints `error: <message>` and exits non-zero."""

    exit_code = 1


class SettingsError(ReaderError):
    """A setting or environment variable is invalid."""


class CatalogError(ReaderError):
    """papers.yaml (or another reading list) is missing or invalid."""


class FetchError(ReaderError):
    """A paper's metadata or PDF could not be fetched from arXiv."""


class PdfError(ReaderError):
    """A PDF cannot be read: damaged, empty, encrypted, not a PDF, or without a text layer."""


class IndexMissingError(ReaderError):
    """No index has been built yet."""


class IndexCorruptError(ReaderError):
    """The index on disk is damaged, foreign, or from another model or layout."""


class IndexLockedError(ReaderError):
    """Another `reader ingest` holds the index."""


class StoreUnavailableError(ReaderError):
    """The configured passage store (e.g. Milvus) cannot be used: not installed or unreachable."""


class PaperNotFoundError(ReaderError):
    """A paper id is not in the index (or a section is not in the paper)."""


class ModelError(ReaderError):
    """The embedding model cannot be loaded."""


class QueryError(ReaderError):
    """A query cannot be answered as given (e.g. empty)."""


class LLMError(ReaderError):
    """The optional generative-answer endpoint failed or answered badly."""


def first_line(exc: BaseException) -> str:
    """An exception from a library as one short line, to quote inside a ReaderError."""
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__
