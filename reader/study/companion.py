"""One object the facade hands out for the study companion (`Library.study`)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from reader.models import (
    Answer,
    ConceptResult,
    PaperRecord,
    ReadingList,
    SearchFilters,
    Section,
)
from reader.settings import Settings


class LibraryView(Protocol):
    """What the study companion needs of the library (the facade satisfies it)."""

    settings: Settings

    def papers(self) -> list[PaperRecord]: ...

    def sections(self, paper_id: str) -> list[Section]: ...

    def reading_list(self, path: Path | None = None) -> ReadingList: ...

    def ask(self, question: str, filters: SearchFilters | None = None) -> Answer: ...

    def concept(self, term: str) -> ConceptResult: ...


class StudyCompanion:
    """Practice, quiz, plan and references over one library; cheap to build, loads lazily."""

    def __init__(self, library: LibraryView) -> None:
        self.library = library
        self.settings = library.settings
