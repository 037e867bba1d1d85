"""progress.sqlite: read marks and notes, apart from the library so a rebuild never loses them."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Mapping
from pathlib import Path

from reader.models import ReadingProgress
from reader.store import schema

_COLUMNS = frozenset({"read", "note"})


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

    def _connection(self, *, create: bool) -> sqlite3.Connection | None:
        if self._conn is None:
            if not create and not self.path.is_file():
                return None
            conn = schema.connect(self.path, readonly=False)
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute(schema.PROGRESS_SCHEMA)
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
