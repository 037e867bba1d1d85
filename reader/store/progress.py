"""progress.sqlite: read marks and notes, apart from the library so a rebuild never loses them."""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import threading
from collections.abc import Mapping
from pathlib import Path

from reader.errors import ReaderError, first_line
from reader.models import ReadingProgress
from reader.store import schema

_COLUMNS = frozenset({"read", "note"})
_PLAN_START_SQL = "SELECT value FROM plan_state WHERE key = 'start'"


class ProgressDB:
    """The learner's marks and notes; the file is created on the first write only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.RLock()

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def save(self, paper_id: str, section_number: str, column: str, value: object) -> None:
        """Set `read` or `note` of one section, keeping the other column."""
        if column not in _COLUMNS:
            raise ValueError(f"unknown progress column {column!r}")
        with self._lock, self._guard():
            conn = self._connection(create=True)
            assert conn is not None
            with schema.transaction(conn):
                conn.execute(
                    f"INSERT INTO progress (paper_id, section_number, {column}, updated_at) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT(paper_id, section_number) DO UPDATE SET "
                    f"{column} = excluded.{column}, updated_at = excluded.updated_at",
                    (paper_id, section_number, value, schema.now()),
                )

    def rows(
        self, paper_id: str | None, order: Mapping[tuple[str, str], int]
    ) -> list[ReadingProgress]:
        """Marks and notes by paper, then by `order` (reading position of each section)."""
        with self._lock, self._guard():
            conn = self._connection(create=False)
            if conn is None:
                return []
            sql = "SELECT * FROM progress" + (" WHERE paper_id = ?" if paper_id else "")
            rows = conn.execute(sql, (paper_id,) if paper_id else ()).fetchall()
        items = [
            ReadingProgress(
                r["paper_id"], r["section_number"], bool(r["read"]), r["note"], r["updated_at"]
            )
            for r in rows
        ]
        last = len(order) + 1  # sections no longer in the library sort after the known ones
        items.sort(
            key=lambda p: (
                p.paper_id,
                order.get((p.paper_id, p.section_number), last),
                p.section_number,
            )
        )
        return items

    def plan_start(self) -> dt.date | None:
        """The study plan's first day, or None when none was ever set."""
        with self._lock, self._guard():
            conn = self._connection(create=False)
            if conn is None:
                return None
            row = conn.execute(_PLAN_START_SQL).fetchone()
        if row is None:
            return None
        try:
            return dt.date.fromisoformat(row[0])
        except (TypeError, ValueError) as exc:
            raise schema.damaged(
                self.path, exc, "set the start again with `reader plan start YYYY-MM-DD`"
            ) from None

    def set_plan_start(self, start: dt.date) -> dt.date | None:
        """Store the plan's first day; return the one it replaces (None: there was none)."""
        with self._lock, self._guard():
            conn = self._connection(create=True)
            assert conn is not None
            with schema.transaction(conn):
                row = conn.execute(_PLAN_START_SQL).fetchone()
                conn.execute(
                    "INSERT INTO plan_state (key, value, updated_at) VALUES ('start', ?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value, "
                    "updated_at = excluded.updated_at",
                    (start.isoformat(), schema.now()),
                )
        try:
            return dt.date.fromisoformat(row[0]) if row is not None else None
        except (TypeError, ValueError):  # a damaged old value, now overwritten
            return None

    def card_states(self) -> dict[str, str]:
        """Each graded interview card's scheduler state (fsrs Card JSON) by card id."""
        with self._lock, self._guard():
            conn = self._connection(create=False)
            if conn is None:
                return {}
            rows = conn.execute("SELECT card_id, state FROM card_state").fetchall()
        return {str(r["card_id"]): str(r["state"]) for r in rows}

    def save_card_review(
        self, card_id: str, rating: str, reviewed_at: str, due: str, state: str
    ) -> None:
        """Log one grade and keep the card's new scheduler state, both or neither."""
        with self._lock, self._guard():
            conn = self._connection(create=True)
            assert conn is not None
            with schema.transaction(conn):
                conn.execute(
                    "INSERT INTO card_reviews (card_id, rating, reviewed_at, due) "
                    "VALUES (?, ?, ?, ?)",
                    (card_id, rating, reviewed_at, due),
                )
                conn.execute(
                    "INSERT INTO card_state (card_id, state, due, updated_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(card_id) DO UPDATE SET state = excluded.state, "
                    "due = excluded.due, updated_at = excluded.updated_at",
                    (card_id, state, due, schema.now()),
                )

    def card_ratings(self) -> list[tuple[str, str]]:
        """Every grade given, oldest first, as (card id, rating)."""
        with self._lock, self._guard():
            conn = self._connection(create=False)
            if conn is None:
                return []
            rows = conn.execute("SELECT card_id, rating FROM card_reviews ORDER BY id").fetchall()
        return [(str(r["card_id"]), str(r["rating"])) for r in rows]

    def _make_folder(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ReaderError(
                f"cannot create {self.path.parent} ({first_line(exc)}); "
                "make it writable or set READER_INDEX_DIR to another folder"
            ) from None

    def _connection(self, *, create: bool) -> sqlite3.Connection | None:
        if self._conn is None:
            if not create and not self.path.is_file():
                return None
            if create:  # the plan's start may be set before any index exists
                self._make_folder()
            conn = schema.connect(self.path, readonly=False)
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute(schema.PROGRESS_SCHEMA)
                conn.execute(schema.PLAN_STATE_SCHEMA)
                conn.execute(schema.CARD_STATE_SCHEMA)
                conn.execute(schema.CARD_REVIEWS_SCHEMA)
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _guard(self) -> contextlib.AbstractContextManager[None]:
        return schema.sqlite_errors(
            self.path,
            busy=f"{self.path} is busy; retry in a moment",
            fix="move it aside to start afresh (its notes are lost)",
        )
