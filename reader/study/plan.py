"""This week's plan: the reading list's `weeks` laid over the plan's start date.

Week 1 is the first 7 days from the start (day 0..6), week 2 the next 7, and so on; before the
start it is week 0. The start lives in progress.sqlite, which no re-ingest or rebuild touches.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from reader.errors import ReaderError
from reader.models import PaperStatus, ReadingList
from reader.settings import Settings
from reader.store.index_store import PROGRESS
from reader.store.progress import ProgressDB
from reader.study.records import PlanPaper, WeekPlan

NO_START = "no plan start date; run reader plan start YYYY-MM-DD"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class PlanError(ReaderError):
    """The plan has no start date, a date is malformed, or no paper has weeks."""


class PlanLibrary(Protocol):
    """What the plan needs of the library (LibraryView, and so the facade, satisfy it)."""

    settings: Settings

    def reading_status(self) -> list[PaperStatus]: ...

    def reading_list(self, path: Path | None = None) -> ReadingList: ...


def parse_date(text: str, what: str = "date") -> dt.date:
    """A YYYY-MM-DD date; PlanError naming the format for anything else."""
    if _DATE.fullmatch(text.strip()):
        with contextlib.suppress(ValueError):
            return dt.date.fromisoformat(text.strip())
    raise PlanError(f"{what} {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-16")


def week_of(start: dt.date, today: dt.date) -> int:
    """The plan's week on `today`: 1 for days 0..6 from `start`, 2 for 7..13...; 0 before."""
    return 0 if today < start else (today - start).days // 7 + 1


def week_range(weeks: str) -> tuple[int, int]:
    """First and last week of a reading-list `weeks` value ("1-2" or "5", see catalog)."""
    first, _, last = weeks.partition("-")
    return int(first), int(last or first)


def build_plan(start: dt.date, today: dt.date, statuses: Iterable[PaperStatus]) -> WeekPlan:
    """This week's and the overdue papers, in plan order; papers without `weeks` are left out."""
    planned = [PlanPaper(s, *week_range(s.entry.weeks)) for s in statuses if s.entry.weeks]
    week = week_of(start, today)
    return WeekPlan(
        start=start,
        today=today,
        week=week,
        total_weeks=max((p.last_week for p in planned), default=0),
        this_week=tuple(p for p in planned if p.first_week <= week <= p.last_week),
        overdue=tuple(p for p in planned if p.last_week < week and p.state != "read"),
    )


def week_plan(library: PlanLibrary, today: dt.date | None = None) -> WeekPlan:
    """Where the learner stands on `today` (default: today's local date)."""
    start = stored_start(library.settings)
    if start is None:
        raise PlanError(NO_START)
    statuses = library.reading_status()
    if not any(s.entry.weeks for s in statuses):
        # reading_status() passes over a broken reading list: load it to say what is wrong.
        path = library.reading_list().path
        raise PlanError(f'{path}: no paper has weeks; give each one e.g. weeks: "1-2"')
    return build_plan(start, today or dt.date.today(), statuses)


def stored_start(settings: Settings) -> dt.date | None:
    """The plan's start as `reader plan start` stored it (None: never set)."""
    with contextlib.closing(ProgressDB(settings.index_dir / PROGRESS)) as db:
        return db.plan_start()


def store_start(settings: Settings, start: dt.date) -> dt.date | None:
    """Store the plan's start, replacing any earlier one; return that earlier one."""
    with contextlib.closing(ProgressDB(settings.index_dir / PROGRESS)) as db:
        return db.set_plan_start(start)
