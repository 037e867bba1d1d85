"""Interview cards with spaced repetition: FSRS (the `fsrs` package) schedules each card from
the learner's grades, kept in progress.sqlite; the back of a card is looked up when shown."""

from __future__ import annotations

import datetime as dt
import difflib
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

from reader.errors import CatalogError, IndexMissingError, ReaderError
from reader.models import (
    Answer,
    Citation,
    ConceptResult,
    GlossaryEntry,
    PaperRecord,
    ReadingList,
    SearchFilters,
)
from reader.study.cards import build_deck
from reader.study.records import CardBack, CardSchedule, GradeResult, QuizCard, QuizNext, QuizStats

if TYPE_CHECKING:
    import fsrs

    from reader.store.progress import ProgressDB

RATINGS = ("again", "hard", "good", "easy")
NOT_IN_LIBRARY = "not in your library yet"
_STATES = {1: "learning", 2: "review", 3: "relearning"}  # fsrs.State values


class QuizError(ReaderError):
    """An unknown card id or rating: a usage error, nothing recorded."""

    exit_code = 2


class QuizLibrary(Protocol):
    """What the quiz needs of the library (a part of LibraryView)."""

    def papers(self) -> list[PaperRecord]: ...

    def reading_list(self) -> ReadingList: ...

    def ask(self, question: str, filters: SearchFilters | None = None) -> Answer: ...

    def concept(self, term: str) -> ConceptResult: ...

    def glossary_entry(self, term: str) -> GlossaryEntry | None: ...


def local_now(now: dt.datetime | None = None) -> dt.datetime:
    """`now` (default: the clock) as an aware datetime; a naive one is read as local time.
    "Today" is the calendar day of this datetime in its own zone."""
    if now is None:
        return dt.datetime.now().astimezone()
    return now if now.tzinfo is not None else now.astimezone()


class Quiz:
    """The deck, the scheduler and the learner's grades over one library."""

    def __init__(self, library: QuizLibrary, progress: ProgressDB) -> None:
        self.library = library
        self.progress = progress

    @cached_property
    def deck(self) -> tuple[QuizCard, ...]:
        """Every card in the order new ones are shown."""
        try:
            reading_list: ReadingList | None = self.library.reading_list()
        except CatalogError:  # no reading list: the curated topics only
            reading_list = None
        return build_deck(reading_list, self.library.glossary_entry)

    @cached_property
    def _scheduler(self) -> fsrs.Scheduler:
        import fsrs

        # No fuzz: the same grades at the same times give the same due dates.
        return fsrs.Scheduler(enable_fuzzing=False)

    def card(self, card_id: str) -> QuizCard:
        found = next((c for c in self.deck if c.id == card_id), None)
        if found is None:
            close = difflib.get_close_matches(card_id, [c.id for c in self.deck], n=3)
            hint = f"did you mean {', '.join(close)}? " if close else ""
            raise QuizError(
                f"unknown card {card_id!r}; {hint}`reader quiz list` shows all {len(self.deck)}"
            )
        return found

    # ------------------------------------------------------------ scheduling

    def _states(self) -> dict[str, fsrs.Card]:
        import fsrs

        states: dict[str, fsrs.Card] = {}
        for card_id, raw in self.progress.card_states().items():
            try:
                states[card_id] = fsrs.Card.from_json(raw)
            except (ValueError, KeyError, TypeError):
                continue  # an unreadable state counts as new; the next grade replaces it
        return states

    def schedules(self) -> list[CardSchedule]:
        """Each card of the deck with its state and due time, in deck order."""
        states = self._states()
        return [_schedule(c.id, states.get(c.id)) for c in self.deck]

    def next(self, now: dt.datetime | None = None, *, with_back: bool = True) -> QuizNext:
        """The due card due earliest (new cards are due at once, in deck order)."""
        now = local_now(now)
        schedules = self.schedules()
        due = [
            (s.due or now, s.due is None, i)
            for i, s in enumerate(schedules)
            if s.due is None or s.due <= now
        ]
        due_today = _due_by(schedules, _end_of_day(now))
        if not due:
            upcoming = [s.due for s in schedules if s.due is not None]
            return QuizNext(None, None, None, due_today, min(upcoming) if upcoming else None)
        index = min(due)[2]
        card = self.deck[index]
        back = self.back(card) if with_back else None
        return QuizNext(card, back, schedules[index], due_today)

    def grade(self, card_id: str, rating: str, now: dt.datetime | None = None) -> GradeResult:
        """Record a grade (again | hard | good | easy) and schedule the card's next review."""
        import fsrs

        wanted = rating.strip().lower()
        if wanted not in RATINGS:
            raise QuizError(f"unknown rating {rating!r}; grade a card again, hard, good or easy")
        card = self.card(card_id)
        now = local_now(now)
        at = now.astimezone(dt.UTC)
        state = self._states().get(card.id) or fsrs.Card(
            card_id=zlib.crc32(card.id.encode()), due=at
        )
        reviewed, _ = self._scheduler.review_card(state, fsrs.Rating[wanted.title()], at)
        due = reviewed.due.astimezone(dt.UTC)
        self.progress.save_card_review(
            card.id, wanted, at.isoformat(), due.isoformat(), reviewed.to_json()
        )
        days = (due.astimezone(now.tzinfo).date() - now.date()).days
        return GradeResult(card.id, wanted, at, due, days, _STATES.get(int(reviewed.state), "?"))

    def stats(self, now: dt.datetime | None = None) -> QuizStats:
        now = local_now(now)
        schedules = self.schedules()
        states = Counter(s.state for s in schedules)
        ratings = Counter(r for _, r in self.progress.card_ratings())
        return QuizStats(
            total=len(schedules),
            new=states["new"],
            learning=states["learning"] + states["relearning"],
            review=states["review"],
            due_today=_due_by(schedules, _end_of_day(now)),
            reviews=sum(ratings.values()),
            by_rating=tuple((r, ratings[r]) for r in RATINGS),
        )

    # ------------------------------------------------------------ the back of a card

    def back(self, card: QuizCard) -> CardBack:
        """The papers' own answer with its citations, and the glossary's entries; with no paper
        to answer from, the glossary alone and a note saying so."""
        glossary = _entries(card.concepts, self.library.glossary_entry)
        try:
            papers = {p.id: p for p in self.library.papers()}
        except IndexMissingError:
            papers = {}
        ingest = f"ingest {card.paper_id or 'the reading list'} with `reader ingest`"
        if not papers:
            return _glossary_only(glossary, f"{NOT_IN_LIBRARY}: {ingest}")
        if card.kind == "concept":
            return self._concept_back(card, papers, glossary, ingest)
        # A card about a paper is answered by that paper (or one it names as `also`) only:
        # another paper's best passage for "BLIP-2's Q-Former" would be an answer to something else.
        filters = None
        if card.paper_id is not None:
            source = next((p for p in (card.paper_id, *card.also) if p in papers), None)
            if source is None:
                return _glossary_only(glossary, f"{NOT_IN_LIBRARY}: {ingest}")
            filters = SearchFilters(paper_id=source)
        answer = self.library.ask(card.ask or card.question, filters)
        if answer.abstained or not answer.citations or answer.missing_paper is not None:
            return _glossary_only(glossary, f"{NOT_IN_LIBRARY}: {ingest}")
        return CardBack(answer.answer, answer.citations, glossary, True)

    def _concept_back(
        self,
        card: QuizCard,
        papers: dict[str, PaperRecord],
        glossary: tuple[GlossaryEntry, ...],
        ingest: str,
    ) -> CardBack:
        result = self.library.concept(card.concepts[0])
        if result.glossary is not None and result.glossary not in glossary:
            glossary = (result.glossary, *glossary)
        # The card's own paper first, then the others as the lookup ranked them.
        definitions = sorted(result.definitions, key=lambda d: d.paper_id != card.paper_id)[:3]
        if not definitions:
            return _glossary_only(glossary, f"{NOT_IN_LIBRARY}: {ingest}")
        citations = tuple(
            Citation(
                d.paper_id,
                d.section,
                d.page,
                d.text,
                _label(papers, d.paper_id, d.section, d.page),
            )
            for d in definitions
        )
        return CardBack(definitions[0].text, citations, glossary, True)


def _glossary_only(glossary: tuple[GlossaryEntry, ...], note: str) -> CardBack:
    """A back with no paper to quote: the glossary's definition stands in as the answer."""
    answer = glossary[0].definition if glossary else ""
    return CardBack(answer, (), glossary, False, note)


def _label(papers: dict[str, PaperRecord], paper_id: str, section: str, page: int) -> str:
    """`[Transformer §3.2.1, p.4]`, as answers label citations (section number, else title)."""
    record = papers.get(paper_id)
    name = record.short_name if record is not None and record.short_name else paper_id
    number = section.split(" ", 1)[0]
    where = number if any(ch.isdigit() for ch in number) else section
    return f"[{name}{f' §{where}' if where else ''}, p.{page}]"


def _entries(
    terms: Sequence[str], lookup: Callable[[str], GlossaryEntry | None]
) -> tuple[GlossaryEntry, ...]:
    found: list[GlossaryEntry] = []
    for term in terms:
        entry = lookup(term)
        if entry is not None and entry not in found:
            found.append(entry)
    return tuple(found)


def _schedule(card_id: str, state: fsrs.Card | None) -> CardSchedule:
    if state is None:
        return CardSchedule(card_id, "new", None)
    return CardSchedule(card_id, _STATES.get(int(state.state), "learning"), state.due)


def _end_of_day(now: dt.datetime) -> dt.datetime:
    return dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), tzinfo=now.tzinfo)


def _due_by(schedules: Sequence[CardSchedule], end: dt.datetime) -> int:
    return sum(1 for s in schedules if s.due is None or s.due < end)
