"""One object the facade hands out for the study companion (`Library.study`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from reader.models import (
    Answer,
    ConceptResult,
    GlossaryEntry,
    PaperRecord,
    PaperStatus,
    ReadingList,
    SearchFilters,
    Section,
)
from reader.settings import Settings

if TYPE_CHECKING:
    import datetime as dt

    from reader.study.practice.checker import CheckReport
    from reader.study.practice.exercises import Exercise
    from reader.study.quiz import Quiz
    from reader.study.records import (
        AddedPaper,
        CardBack,
        GradeResult,
        PaperReferences,
        QuizCard,
        QuizNext,
        QuizStats,
        WeekPlan,
    )


class LibraryView(Protocol):
    """What the study companion needs of the library (the facade satisfies it)."""

    settings: Settings

    def papers(self) -> list[PaperRecord]: ...

    def sections(self, paper_id: str) -> list[Section]: ...

    def reading_list(self, path: Path | None = None) -> ReadingList: ...

    def ask(self, question: str, filters: SearchFilters | None = None) -> Answer: ...

    def concept(self, term: str) -> ConceptResult: ...

    def glossary_entry(self, term: str) -> GlossaryEntry | None: ...

    def reading_status(self) -> list[PaperStatus]: ...


class StudyCompanion:
    """Practice, quiz, plan and references over one library; cheap to build, loads lazily."""

    def __init__(self, library: LibraryView) -> None:
        self.library = library
        self.settings = library.settings
        self._quiz: Quiz | None = None

    # ------------------------------------------------------------ this week's plan

    def plan(self, today: dt.date | None = None) -> WeekPlan:
        """This week's papers and the overdue ones on `today` (default: today's local date)."""
        from reader.study.plan import week_plan

        return week_plan(self.library, today)

    def plan_start(self) -> dt.date | None:
        """The plan's first day as `reader plan start` stored it (None: never set)."""
        from reader.study.plan import stored_start

        return stored_start(self.settings)

    def set_plan_start(self, start: dt.date) -> dt.date | None:
        """Store the plan's first day in progress.sqlite; return the start it replaces."""
        from reader.study.plan import store_start

        return store_start(self.settings, start)

    # ------------------------------------------------------------ interview cards

    @property
    def quiz(self) -> Quiz:
        """The interview deck and its schedule (built once, on first use)."""
        if self._quiz is None:
            from reader.store.index_store import PROGRESS
            from reader.store.progress import ProgressDB
            from reader.study.quiz import Quiz

            self._quiz = Quiz(self.library, ProgressDB(self.settings.index_dir / PROGRESS))
        return self._quiz

    def quiz_next(self, now: dt.datetime | None = None, *, with_back: bool = True) -> QuizNext:
        """The card to review now, its back (unless `with_back` is False) and how many are due
        by the end of today; `card` is None when none is due (`next_due` says when)."""
        return self.quiz.next(now, with_back=with_back)

    def quiz_grade(self, card_id: str, rating: str, now: dt.datetime | None = None) -> GradeResult:
        """Record again | hard | good | easy for a card; QuizError (nothing stored) otherwise."""
        return self.quiz.grade(card_id, rating, now)

    def quiz_stats(self, now: dt.datetime | None = None) -> QuizStats:
        return self.quiz.stats(now)

    def quiz_cards(self) -> tuple[QuizCard, ...]:
        """Every card, in the order new ones are shown."""
        return self.quiz.deck

    def quiz_back(self, card_id: str) -> CardBack:
        """The back of one card: the papers' answer with citations, and the glossary."""
        quiz = self.quiz
        return quiz.back(quiz.card(card_id))

    # ------------------------------------------------------------ code exercises

    def exercises(self) -> tuple[Exercise, ...]:
        from reader.study.practice.exercises import EXERCISES

        return EXERCISES

    def exercise(self, name: str) -> Exercise:
        """The exercise called `name`; ExerciseNotFoundError (exit 2) lists the names."""
        from reader.study.practice.exercises import exercise

        return exercise(name)

    def start_exercise(self, name: str, directory: Path) -> Path:
        """Write the exercise's starter file into `directory`; never overwrite a file."""
        from reader.study.practice.starter import write_starter

        return write_starter(self.exercise(name), directory)

    def starter_text(self, name: str) -> str:
        from reader.study.practice.starter import starter_text

        return starter_text(self.exercise(name))

    def check_exercise(self, name: str, file: Path) -> CheckReport:
        """Run the learner's file against the reference in a child process, time-limited."""
        from reader.study.practice.checker import check_file

        return check_file(self.exercise(name), file, self.settings.practice_time_limit_seconds)

    def exercise_section(self, name: str) -> Section | None:
        """The paper section an exercise comes from, when that paper is ingested."""
        ex = self.exercise(name)
        if ex.paper_id not in {p.id for p in self.library.papers()}:
            return None
        return next(
            (s for s in self.library.sections(ex.paper_id) if s.number == ex.section_number), None
        )

    # ------------------------------------------------------------ references and `reader add`

    def references(self, paper_id: str) -> PaperReferences:
        """The entries of a paper's References section: number, text, title, arXiv id."""
        from reader.study.records import PaperReferences
        from reader.study.references import paper_references

        found = paper_references(self.library.sections(paper_id))
        return PaperReferences(paper_id=paper_id, references=tuple(found))

    def in_reading_list(self, arxiv_id: str) -> bool:
        """Whether the reading list already has this paper (any version); CatalogError if the
        id is not an arXiv id or the list cannot be read."""
        from reader.catalog import validate_arxiv_id

        paper_id = validate_arxiv_id(arxiv_id)
        return any(entry.id == paper_id for entry in self.library.reading_list().papers)

    def add_to_reading_list(
        self,
        arxiv_id: str,
        stage: int | None = None,
        papers_file: Path | None = None,
        *,
        offline: bool | None = None,
    ) -> AddedPaper:
        """Append a paper to the reading list, the file's comments and layout kept: its title
        and newest (or given) version from arXiv, or the id alone when offline (default:
        settings.offline). CatalogError (file unchanged) for a bad or duplicate id or an
        unreadable list; FetchError (file unchanged) when arXiv cannot be asked or has no
        such paper."""
        from reader.study.reading_list_edit import add_paper

        lookup = None
        if not (self.settings.offline if offline is None else offline):
            from reader.fetch.arxiv_client import PaperFetcher

            lookup = PaperFetcher(self.settings).metadata
        path = papers_file if papers_file is not None else self.settings.papers_file
        return add_paper(path, arxiv_id, stage=stage, lookup=lookup)
