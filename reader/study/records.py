"""Frozen dataclasses of the study stage, passed between its modules, the CLI and the app."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reader.models import Citation, GlossaryEntry, PaperStatus

# ---------------------------------------------------------------- interview cards (quiz)


@dataclass(frozen=True)
class QuizCard:
    """The front of an interview card: a question in English and Chinese."""

    id: str  # a topic's slug ("infonce-derivation") or "concept:<slug>"
    kind: str  # "topic" (the curated deck) | "concept" (a paper's key concept)
    question: str
    question_zh: str
    concepts: tuple[str, ...]  # glossary terms the card is about, the main one first
    paper_id: str | None = None  # the reading-list paper whose answer it wants
    stage: int | None = None  # reading-plan stage: new cards of earlier stages come first
    ask: str | None = None  # what a topic card asks the library (default: `question`)
    also: tuple[str, ...] = ()  # other papers whose answer will do, when `paper_id` is not in


@dataclass(frozen=True)
class CardBack:
    """The back: the papers' own answer with its citations, and the glossary's entries."""

    # The papers' answer; with none in the library, the glossary's definition (not a quote).
    answer: str
    citations: tuple[Citation, ...]
    glossary: tuple[GlossaryEntry, ...]
    in_library: bool  # False: no paper answers; `answer` is the glossary's (see `note`)
    note: str | None = None  # e.g. "not in your library yet: ingest 2103.00020 ..."


@dataclass(frozen=True)
class CardSchedule:
    """Where a card stands with the scheduler."""

    card_id: str
    state: str  # new | learning | review | relearning
    due: dt.datetime | None  # None: a new card, due at once


@dataclass(frozen=True)
class QuizNext:
    """The card to review now (None: none due) and how many are due by the end of today."""

    card: QuizCard | None
    back: CardBack | None
    schedule: CardSchedule | None
    due_today: int
    next_due: dt.datetime | None = None  # with no card due: when the next one is


@dataclass(frozen=True)
class GradeResult:
    """A grade recorded, and when the card is due next."""

    card_id: str
    rating: str
    reviewed_at: dt.datetime
    due: dt.datetime
    days: int  # calendar days from the review's day to the due day (0: later today)
    state: str


@dataclass(frozen=True)
class QuizStats:
    total: int
    new: int
    learning: int  # learning and relearning
    review: int
    due_today: int
    reviews: int  # grades given
    by_rating: tuple[tuple[str, int], ...]  # (again|hard|good|easy, count), in that order


# ---------------------------------------------------------------- this week's plan


@dataclass(frozen=True)
class PlanPaper:
    """A paper of the study plan: its reading-list entry and state, and the weeks it is due."""

    status: PaperStatus  # entry (read_first, focus, focus_zh...), record, state
    first_week: int
    last_week: int

    @property
    def id(self) -> str:
        return self.status.entry.id

    @property
    def title(self) -> str:
        entry, record = self.status.entry, self.status.record
        return entry.title or (record.title if record else entry.id)

    @property
    def state(self) -> str:
        """PaperStatus.state: 'not fetched', 'fetched', 'ingested', 'reading' or 'read'."""
        return self.status.state


@dataclass(frozen=True)
class WeekPlan:
    """Where the learner stands in the study plan on `today`."""

    start: dt.date
    today: dt.date
    week: int  # 1 = the first 7 days from `start`, 2 the next 7...; 0 before `start`
    total_weeks: int  # the last week any paper is planned for
    this_week: tuple[PlanPaper, ...]  # planned for a range that holds `week`
    overdue: tuple[PlanPaper, ...]  # planned for weeks before `week` and not read yet

    @property
    def started(self) -> bool:
        return self.week >= 1

    @property
    def over(self) -> bool:
        return self.week > self.total_weeks

    @property
    def end(self) -> dt.date:
        """The plan's last day."""
        return self.start + dt.timedelta(weeks=self.total_weeks, days=-1)


# ---------------------------------------------------------------- references and `reader add`


@dataclass(frozen=True)
class Reference:
    """One entry of a paper's reference list, as printed."""

    number: int  # the printed number, or the 1-based position in an author-year list
    text: str  # the entry's words, its number marker left out
    title: str | None  # read off the entry; None when it cannot be told
    arxiv_id: str | None  # the arXiv id it prints, without version; None if it prints none


@dataclass(frozen=True)
class PaperReferences:
    """A paper's reference list."""

    paper_id: str
    references: tuple[Reference, ...]


@dataclass(frozen=True)
class AddedPaper:
    """What `reader add` appended to the reading list."""

    path: str  # the reading list written
    id: str
    version: int | None
    title: str | None
    stage: int | None
    from_arxiv: bool  # False: offline, the id alone
