"""Scheduling and the back of interview cards, in process over a stand-in library."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from repo_paths import ROOT

from reader.catalog import load_reading_list
from reader.concepts.glossary import load_glossary
from reader.errors import CatalogError, IndexMissingError
from reader.models import (
    Answer,
    Citation,
    ConceptResult,
    Definition,
    GlossaryEntry,
    PaperRecord,
    ReadingList,
    SearchFilters,
)
from reader.store.progress import ProgressDB
from reader.study.quiz import NOT_IN_LIBRARY, Quiz, QuizError

T0 = dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC)
GLOSSARY = load_glossary()


def record(paper_id: str, short_name: str) -> PaperRecord:
    return PaperRecord(paper_id, 1, short_name, short_name, "0" * 64, 10, 8, 40)


@dataclass
class StandIn:
    """The library as the quiz sees it: papers, a reading list, canned answers and concepts."""

    ingested: tuple[PaperRecord, ...] | None = None  # None: no index at all
    plan: bool = False  # False: no reading list
    answer: Answer | None = None
    definitions: tuple[Definition, ...] = ()
    asked: list[tuple[str, SearchFilters | None]] = field(default_factory=list)

    def papers(self) -> list[PaperRecord]:
        if self.ingested is None:
            raise IndexMissingError("no index; build it with `reader ingest`")
        return list(self.ingested)

    def reading_list(self) -> ReadingList:
        if not self.plan:
            raise CatalogError("papers.yaml: reading list not found")
        return load_reading_list(ROOT / "papers.yaml")

    def ask(self, question: str, filters: SearchFilters | None = None) -> Answer:
        self.asked.append((question, filters))
        assert self.answer is not None
        return self.answer

    def concept(self, term: str) -> ConceptResult:
        glossary = GLOSSARY.lookup(term)
        return ConceptResult(term, bool(self.definitions), None, self.definitions, (), (), glossary)

    def glossary_entry(self, term: str) -> GlossaryEntry | None:
        return GLOSSARY.lookup(term)


def quiz(tmp_path: Path, library: StandIn | None = None) -> Quiz:
    return Quiz(library or StandIn(), ProgressDB(tmp_path / "progress.sqlite"))


def test_a_harder_grade_brings_a_new_card_back_sooner(tmp_path: Path) -> None:
    due = {}
    for rating in ("again", "hard", "good", "easy"):
        due[rating] = quiz(tmp_path / rating).grade("q-former", rating, T0).due
    assert T0 < due["again"] < due["hard"] < due["good"] < due["easy"]
    # A new card graded easy skips the learning steps: days later, not minutes.
    assert due["easy"] - T0 >= dt.timedelta(days=1)
    assert due["good"] - T0 < dt.timedelta(hours=1)


def test_the_same_grades_at_the_same_times_give_the_same_dates(tmp_path: Path) -> None:
    dates = []
    for run in ("one", "two"):
        q = quiz(tmp_path / run)
        q.grade("q-former", "good", T0)
        q.grade("q-former", "good", T0 + dt.timedelta(minutes=10))
        dates.append(q.grade("q-former", "good", T0 + dt.timedelta(days=3)).due)
    assert dates[0] == dates[1] and dates[0] > T0 + dt.timedelta(days=4)


def test_a_grade_is_kept_for_a_new_quiz_over_the_same_file(tmp_path: Path) -> None:
    result = quiz(tmp_path).grade("infonce-derivation", "easy", T0)
    assert result.state == "review" and result.days >= 1
    again = quiz(tmp_path)  # a new process would build exactly this
    (schedule,) = [s for s in again.schedules() if s.card_id == "infonce-derivation"]
    assert (schedule.state, schedule.due) == ("review", result.due)
    assert dict(again.stats(T0).by_rating) == {"again": 0, "hard": 0, "good": 0, "easy": 1}


def test_next_is_the_card_due_earliest_and_new_cards_come_in_deck_order(tmp_path: Path) -> None:
    q = quiz(tmp_path)
    first, second = q.deck[0].id, q.deck[1].id
    assert q.next(T0, with_back=False).card == q.deck[0]
    q.grade(second, "again", T0)  # due in a minute
    q.grade(first, "again", T0 + dt.timedelta(minutes=5))  # due a minute after that
    later = T0 + dt.timedelta(minutes=30)
    # Both are overdue: the one due earlier comes first, before the never-seen cards.
    assert q.next(later, with_back=False).card == q.deck[1]
    q.grade(second, "easy", later)
    assert q.next(later, with_back=False).card == q.deck[0]
    q.grade(first, "easy", later)
    assert q.next(later, with_back=False).card == q.deck[2]  # the first new card
    # A card in its learning step is not due yet: the new card comes before it.
    q.grade(q.deck[2].id, "good", later)
    assert q.next(later, with_back=False).card == q.deck[3]


def test_with_nothing_due_next_says_when_the_next_card_is(tmp_path: Path) -> None:
    q = quiz(tmp_path)
    dues = [q.grade(c.id, "easy", T0).due for c in q.deck]
    result = q.next(T0 + dt.timedelta(hours=1))
    assert (result.card, result.back, result.due_today) == (None, None, 0)
    assert result.next_due == min(dues)
    stats = q.stats(T0)
    assert (stats.total, stats.new, stats.review, stats.due_today) == (
        len(q.deck),
        0,
        len(q.deck),
        0,
    )
    assert stats.reviews == len(q.deck)


def test_due_today_counts_what_falls_due_before_midnight(tmp_path: Path) -> None:
    q = quiz(tmp_path)
    total = len(q.deck)
    q.grade(q.deck[0].id, "easy", T0)  # days away
    q.grade(q.deck[1].id, "good", T0)  # in ten minutes: still today
    assert q.next(T0, with_back=False).due_today == total - 1
    stats = q.stats(T0)
    assert (stats.new, stats.learning, stats.review) == (total - 2, 1, 1)


def test_an_unknown_card_or_rating_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    q = quiz(tmp_path)
    with pytest.raises(QuizError, match="again, hard, good or easy"):
        q.grade("q-former", "perfect", T0)
    with pytest.raises(QuizError, match="did you mean q-former"):
        q.grade("q-formr", "good", T0)
    assert not (tmp_path / "progress.sqlite").exists()
    assert QuizError("x").exit_code != 0


def test_with_no_index_the_back_is_the_glossary_and_says_so(tmp_path: Path) -> None:
    q = quiz(tmp_path)
    back = q.back(q.card("infonce-derivation"))
    assert not back.in_library and back.citations == ()
    assert back.note is not None and back.note.startswith(NOT_IN_LIBRARY)
    assert [g.term for g in back.glossary] == ["InfoNCE", "mutual information", "cross-entropy"]
    assert back.answer == back.glossary[0].definition


def test_a_topic_card_is_answered_by_its_own_paper_only(tmp_path: Path) -> None:
    cited = Citation(
        "2103.00020", "2.3 Selecting an Efficient Pre-Training Method", 4, "q", "[CLIP]"
    )
    answer = Answer("how?", "CLIP predicts the N×N pairings.", False, (cited,), ())
    library = StandIn(ingested=(record("2103.00020", "CLIP"),), answer=answer)
    q = quiz(tmp_path, library)
    back = q.back(q.card("clip-contrastive-loss"))
    assert back.in_library and back.answer == answer.answer and back.citations == (cited,)
    assert library.asked[0][1] == SearchFilters(paper_id="2103.00020")
    # Q-Former's paper (BLIP-2) is not in: the glossary answers, the papers are not asked.
    back = q.back(q.card("q-former"))
    assert not back.in_library and "2301.12597" in (back.note or "")
    assert len(library.asked) == 1


def test_an_abstained_answer_leaves_the_glossary(tmp_path: Path) -> None:
    answer = Answer("how?", "No passage answers this.", True, (), ())
    library = StandIn(ingested=(record("1706.03762", "Transformer"),), answer=answer)
    q = quiz(tmp_path, library)
    back = q.back(q.card("mixed-precision"))
    assert library.asked[0][1] is None  # a general topic: any ingested paper may answer
    assert not back.in_library and back.glossary[0].term == "mixed precision"


def test_a_concept_card_quotes_the_definitions_its_paper_first(tmp_path: Path) -> None:
    other = Definition("1607.06450", "3 Layer normalization", 2, "Another paper's softmax.")
    own = Definition("1706.03762", "3.2.1 Scaled Dot-Product Attention", 4, "We apply a softmax.")
    library = StandIn(
        ingested=(record("1706.03762", "Transformer"), record("1607.06450", "LayerNorm")),
        plan=True,
        definitions=(other, own),
    )
    q = quiz(tmp_path, library)
    back = q.back(q.card("concept:softmax"))
    assert back.in_library and back.answer == own.text
    assert [(c.paper_id, c.page, c.label) for c in back.citations] == [
        ("1706.03762", 4, "[Transformer §3.2.1, p.4]"),
        ("1607.06450", 2, "[LayerNorm §3, p.2]"),
    ]
    assert back.glossary[0].term == "softmax"
