"""reader: a paper-reading assistant. The public API is the `Library` facade and its data types."""

from reader.errors import (
    CatalogError,
    FetchError,
    IndexCorruptError,
    IndexLockedError,
    IndexMissingError,
    PaperNotFoundError,
    PdfError,
    QueryError,
    ReaderError,
)
from reader.library import Library
from reader.models import (
    Answer,
    Chunk,
    Citation,
    ConceptResult,
    Hit,
    IngestReport,
    PageImage,
    PaperEntry,
    PaperRecord,
    PaperStatus,
    ReadingList,
    SearchFilters,
    Section,
    SectionRole,
)
from reader.settings import Settings

__all__ = [
    "Answer",
    "CatalogError",
    "Chunk",
    "Citation",
    "ConceptResult",
    "FetchError",
    "Hit",
    "IndexCorruptError",
    "IndexLockedError",
    "IndexMissingError",
    "IngestReport",
    "Library",
    "PageImage",
    "PaperEntry",
    "PaperNotFoundError",
    "PaperRecord",
    "PaperStatus",
    "PdfError",
    "QueryError",
    "ReaderError",
    "ReadingList",
    "SearchFilters",
    "Section",
    "SectionRole",
    "Settings",
]
