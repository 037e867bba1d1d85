"""The index on disk, under settings.index_dir:

- library.sqlite: papers, sections, chunks with their vectors, an FTS5 table, meta (WAL mode);
- vectors.faiss: DERIVED from the SQLite vectors, rebuilt whenever missing, stale or torn;
- progress.sqlite: read marks and notes, never touched by a re-ingest or rebuild;
- ingest.lock: one `reader ingest` at a time.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from reader.errors import (
    IndexLockedError,
    IndexMissingError,
    ModelError,
    PaperNotFoundError,
    QueryError,
    ReaderError,
)
from reader.models import Chunk, PaperRecord, ReadingProgress, Section, SectionRole, StoredChunk
from reader.settings import Settings
from reader.store import schema
from reader.store.lock import IngestLockAccess
from reader.store.progress import ProgressDB
from reader.store.vectors import VectorCache, index_from_rows, remove_stale_temp_files

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from reader.embeddings.base import Embedder
    from reader.store.faiss_index import VectorIndex

LIBRARY = "library.sqlite"
VECTORS = "vectors.faiss"
PROGRESS = "progress.sqlite"
# OperationalError texts that mean trouble with the database rather than with a MATCH query.
_NOT_QUERY_FAULTS = ("locked", "busy", "malformed", "disk i/o", "not a database", "no such table")


class IndexStore:
    """One index directory. `IndexStore.open(settings)` for queries (never writes the library),
    `create=True` to write. Thread-safe: one lock serialises the shared connection."""

    ingest_lock = IngestLockAccess()
    engine = "sqlite"

    def __init__(self, settings: Settings, conn: sqlite3.Connection, writable: bool) -> None:
        self.settings = settings
        self.directory = settings.index_dir
        self._conn = conn
        self._writable = writable
        self._lock = threading.RLock()
        self._notes = ProgressDB(self.directory / PROGRESS)
        self._vectors = VectorCache(self.directory / VECTORS, writable)
        self._identity = _file_identity(self.directory / LIBRARY)

    # ------------------------------------------------------------ open and close

    @classmethod
    def open(cls, settings: Settings, *, create: bool = False) -> IndexStore:
        path = settings.index_dir / LIBRARY
        if not path.is_file() and not create:
            raise IndexMissingError(
                f"no index in {settings.index_dir}; build it with `reader ingest`"
            )
        conn = schema.open_library(path, create=create)
        store = cls(settings, conn, writable=create)
        if create:
            remove_stale_temp_files(settings.index_dir / VECTORS)
            try:
                with store._guard():
                    store._vector_index()  # heal a missing or stale vectors.faiss on disk now
            except BaseException:
                store.close()
                raise
        return store

    @staticmethod
    def exists(settings: Settings) -> bool:
        return (settings.index_dir / LIBRARY).is_file()

    @staticmethod
    def delete_library(settings: Settings) -> None:
        """Remove library.sqlite and vectors.faiss for a rebuild; progress.sqlite stays."""
        for name in (LIBRARY, f"{LIBRARY}-wal", f"{LIBRARY}-shm", f"{LIBRARY}-journal", VECTORS):
            with contextlib.suppress(FileNotFoundError):
                (settings.index_dir / name).unlink()

    def replaced_on_disk(self) -> bool:
        """True once library.sqlite was deleted or rebuilt under this open store (e.g. by
        `reader ingest --rebuild` while the app runs): reopen to see the new library."""
        return _file_identity(self.directory / LIBRARY) != self._identity

    def close(self) -> None:
        with self._lock:
            with contextlib.suppress(ReaderError, OSError):
                self.flush()
            self._conn.close()
            self._notes.close()

    def __enter__(self) -> IndexStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def flush(self) -> None:
        """Write vectors.faiss now if this writer changed vectors (else done at close)."""
        with self._lock, self._guard():
            self._vectors.flush(self._conn)

    # ------------------------------------------------------------ meta

    def model_info(self) -> tuple[str, int] | None:
        with self._lock, self._guard():
            meta = self._meta()
        if "model_name" not in meta or "model_dim" not in meta:
            return None
        return meta["model_name"], int(meta["model_dim"])

    def set_model_info(self, name: str, dim: int) -> None:
        with self._lock, self._guard(), self._write():
            self._set_meta(model_name=name, model_dim=str(dim))

    @property
    def generation(self) -> int:
        """Bumped by every write transaction of the library."""
        with self._lock, self._guard():
            return self._generation()

    # ------------------------------------------------------------ papers and sections

    def papers(self) -> list[PaperRecord]:
        with self._lock, self._guard():
            rows = self._conn.execute("SELECT * FROM papers ORDER BY rowid").fetchall()
        return [schema.paper_from_row(r) for r in rows]

    def paper(self, paper_id: str) -> PaperRecord | None:
        with self._lock, self._guard():
            row = self._conn.execute("SELECT * FROM papers WHERE id = ?", (paper_id,)).fetchone()
        return schema.paper_from_row(row) if row else None

    def paper_fingerprint(self, paper_id: str) -> str | None:
        with self._lock, self._guard():
            row = self._conn.execute(
                "SELECT fingerprint FROM papers WHERE id = ?", (paper_id,)
            ).fetchone()
        return str(row[0]) if row else None

    def replace_paper(
        self,
        record: PaperRecord,
        fingerprint: str,
        sections: Sequence[Section],
        chunks: Sequence[Chunk],
        vectors: NDArray[np.float32],
    ) -> None:
        """Store one paper (record, sections, chunks, vectors) in ONE transaction."""
        rows = np.ascontiguousarray(vectors, dtype="<f4")
        if rows.ndim != 2 or rows.shape[0] != len(chunks):
            raise ValueError(f"{len(chunks)} chunks but vectors of shape {rows.shape}")
        if any(c.paper_id != record.id for c in chunks):
            raise ValueError(f"every chunk must belong to paper {record.id}")
        with self._lock, self._guard():
            dim = self._meta().get("model_dim")
            if dim is not None and len(rows) and int(dim) != rows.shape[1]:
                raise ModelError(
                    f"vectors have {rows.shape[1]} dimensions but the index holds {dim}; "
                    f"{schema.REBUILD}"
                )
            values = schema.paper_row(record, fingerprint, schema.now())
            values.update(section_count=len(sections), chunk_count=len(chunks))
            updates = ", ".join(f"{c} = excluded.{c}" for c in values if c != "id")
            with self._write() as before:
                old_ids = self._delete_paper_rows(record.id)
                self._conn.execute(  # an upsert keeps the paper's place in papers()
                    f"INSERT INTO papers ({', '.join(values)}) "
                    f"VALUES ({', '.join('?' * len(values))}) "
                    f"ON CONFLICT(id) DO UPDATE SET {updates}",
                    tuple(values.values()),
                )
                self._conn.executemany(
                    f"INSERT INTO sections VALUES ({', '.join('?' * 12)})",
                    [schema.section_row(record.id, i, s) for i, s in enumerate(sections)],
                )
                new_ids = [self._insert_chunk(c, rows[i]) for i, c in enumerate(chunks)]
                if dim is None and len(rows):
                    self._set_meta(model_dim=str(rows.shape[1]))
            self._vectors.patched(before, old_ids, np.asarray(new_ids, dtype=np.int64), rows)

    def remove_paper(self, paper_id: str) -> None:
        with self._lock, self._guard():
            with self._write() as before:
                old_ids = self._delete_paper_rows(paper_id)
                self._conn.execute("DELETE FROM papers WHERE id = ?", (paper_id,))
            self._vectors.patched(before, old_ids, np.zeros(0, np.int64), np.zeros((0, 1), "<f4"))

    def sections(self, paper_id: str) -> list[Section]:
        """A paper's sections in reading order, page marks included ([] if unknown)."""
        with self._lock, self._guard():
            rows = self._conn.execute(
                "SELECT * FROM sections WHERE paper_id = ? ORDER BY position", (paper_id,)
            ).fetchall()
        return [schema.section_from_row(r) for r in rows]

    # ------------------------------------------------------------ chunks

    def chunk(self, chunk_id: int) -> StoredChunk:
        found = self.chunks([chunk_id])
        if not found:
            raise PaperNotFoundError(
                f"passage {chunk_id} is not in the index (a re-ingest replaced it); search again"
            )
        return found[0]

    def chunks(self, ids: Sequence[int]) -> list[StoredChunk]:
        """The chunks of `ids`, in that order; ids no longer in the index are skipped."""
        wanted = list(dict.fromkeys(int(i) for i in ids))
        found: dict[int, StoredChunk] = {}
        with self._lock, self._guard():
            for start in range(0, len(wanted), 500):
                batch = wanted[start : start + 500]
                rows = self._conn.execute(
                    f"SELECT {schema.CHUNK_COLUMNS} FROM chunks c JOIN papers p "
                    f"ON p.id = c.paper_id WHERE c.id IN ({', '.join('?' * len(batch))})",
                    batch,
                ).fetchall()
                found.update((r["id"], schema.stored_chunk_from_row(r)) for r in rows)
        return [found[i] for i in wanted if i in found]

    def iter_chunks(self, paper_id: str | None = None) -> Iterator[StoredChunk]:
        """Chunks in reading order, fetched one paper at a time (no lock held between yields)."""
        paper_ids = [paper_id] if paper_id is not None else [p.id for p in self.papers()]
        for pid in paper_ids:
            with self._lock, self._guard():
                rows = self._conn.execute(
                    f"SELECT {schema.CHUNK_COLUMNS} FROM chunks c JOIN papers p "
                    "ON p.id = c.paper_id WHERE c.paper_id = ? ORDER BY c.ordinal",
                    (pid,),
                ).fetchall()
            yield from (schema.stored_chunk_from_row(r) for r in rows)

    # ------------------------------------------------------------ search

    def keyword_search(
        self,
        match_expr: str,
        k: int,
        paper_ids: Collection[str] | None = None,
        role: SectionRole | None = None,
    ) -> list[tuple[int, float]]:
        """BM25 (as -bm25, higher is better) for an already-sanitised FTS5 MATCH expression."""
        if k <= 0 or (paper_ids is not None and not paper_ids) or not match_expr.strip():
            return []
        where, params = schema.chunk_filters(paper_ids, role)
        if where:
            sql = (
                f"SELECT c.id, -{schema.BM25} FROM chunks_fts JOIN chunks c"
                f" ON c.id = chunks_fts.rowid WHERE chunks_fts MATCH ?{where}"
                f" ORDER BY {schema.BM25}, c.id LIMIT ?"
            )
        else:
            # Unfiltered, rank inside FTS5 alone: a join to `chunks` read every matching row
            # (text and vector blob) before the LIMIT, 2-3x the cost of scoring (benchmarks.scale).
            sql = (
                f"SELECT rowid, -{schema.BM25} FROM chunks_fts WHERE chunks_fts MATCH ?"
                f" ORDER BY {schema.BM25}, rowid LIMIT ?"
            )
        with self._lock, self._guard():
            try:
                rows = self._conn.execute(sql, [match_expr, *params, k]).fetchall()
            except sqlite3.OperationalError as exc:
                if any(word in str(exc).lower() for word in _NOT_QUERY_FAULTS):
                    raise  # busy or damaged, not the query's fault: `_guard` words it
                raise QueryError(
                    "the keyword query could not be parsed; rephrase it in plain words"
                ) from None
        return [(int(r[0]), float(r[1])) for r in rows]

    def vector_search(
        self,
        query_vec: NDArray[np.float32],
        k: int,
        paper_ids: Collection[str] | None = None,
        role: SectionRole | None = None,
    ) -> list[tuple[int, float]]:
        """Nearest chunks by cosine similarity (id, score), best first, within the filters."""
        if k <= 0 or (paper_ids is not None and not paper_ids):
            return []
        query = np.asarray(query_vec, dtype=np.float32).reshape(-1)
        with self._lock, self._guard():
            index = self._vector_index()
            if index is None or len(index) == 0:
                return []
            if query.size != index.dim:
                raise ModelError(
                    f"the query embedding has {query.size} dimensions but the index holds "
                    f"{index.dim}; run `reader ingest` to re-embed with the current model"
                )
            allowed: set[int] | None = None
            if paper_ids is not None or role is not None:
                where, params = schema.chunk_filters(paper_ids, role)
                rows = self._conn.execute(f"SELECT c.id FROM chunks c WHERE 1{where}", params)
                allowed = {int(r[0]) for r in rows}
            return index.search(query, k, allowed)

    def reembed_all(self, embedder: Embedder, text_of: Callable[[Chunk], str]) -> None:
        """Recompute every vector with `embedder` (model change); all else stays as it is.

        `text_of` gives the text ingest embeds for a chunk, so old and new vectors agree."""
        stored = list(self.iter_chunks())
        vectors = np.ascontiguousarray(embedder.embed([text_of(s.chunk) for s in stored]), "<f4")
        ids = np.asarray([s.id for s in stored], dtype=np.int64)
        with self._lock, self._guard():
            with self._write():
                if self._conn.execute("SELECT count(*) FROM chunks").fetchone()[0] != len(ids):
                    raise IndexLockedError("the index changed while re-embedding; run it again")
                self._conn.executemany(
                    "UPDATE chunks SET vector = ? WHERE id = ?",
                    [(vectors[i].tobytes(), int(ids[i])) for i in range(len(ids))],
                )
                self._set_meta(model_dim=str(embedder.dim))
            index = index_from_rows(
                [(int(i), v.tobytes()) for i, v in zip(ids, vectors, strict=True)], embedder.dim
            )
            self._vectors.replaced(index, self._generation())

    # ------------------------------------------------------------ progress and notes

    def set_read(self, paper_id: str, section_number: str, read: bool) -> None:
        self._check_section(paper_id, section_number)
        self._notes.save(paper_id, section_number, "read", int(read))

    def set_note(self, paper_id: str, section_number: str, note: str) -> None:
        self._check_section(paper_id, section_number)
        self._notes.save(paper_id, section_number, "note", note)

    def progress(self, paper_id: str | None = None) -> list[ReadingProgress]:
        """Read marks and notes, by paper and then in each paper's reading order."""
        with self._lock, self._guard():
            order = {
                (str(r[0]), str(r[1])): int(r[2])
                for r in self._conn.execute(
                    "SELECT paper_id, number, min(position) FROM sections GROUP BY paper_id, number"
                )
            }
        return self._notes.rows(paper_id, order)

    # ------------------------------------------------------------ internals

    def _guard(self) -> contextlib.AbstractContextManager[None]:
        """Turn SQLite failures into one-line errors that say how to recover."""
        return schema.sqlite_errors(
            self.directory / LIBRARY,
            busy=f"the index in {self.directory} is busy (another process writes it); retry",
            fix=schema.REBUILD,
        )

    @contextlib.contextmanager
    def _write(self) -> Iterator[int]:
        """A write transaction that bumps the generation; yields the generation before it."""
        if not self._writable:
            raise ReaderError("the index was opened for reading; open it with create=True to write")
        with schema.transaction(self._conn):
            before = self._generation()
            yield before
            self._set_meta(generation=str(before + 1))

    def _meta(self) -> dict[str, str]:
        return schema.read_meta(self._conn)

    def _set_meta(self, **values: str) -> None:
        self._conn.executemany(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            list(values.items()),
        )

    def _generation(self) -> int:
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0

    def _check_section(self, paper_id: str, section_number: str) -> None:
        if self.paper(paper_id) is None:
            raise PaperNotFoundError(
                f"paper {paper_id} is not in the index; ingest it with `reader ingest`"
            )
        numbers = {s.number for s in self.sections(paper_id)}
        if numbers and section_number not in numbers:
            raise PaperNotFoundError(
                f"section {section_number!r} is not in {paper_id}; "
                f"list them with `reader sections {paper_id}`"
            )

    def _delete_paper_rows(self, paper_id: str) -> list[int]:
        """Delete a paper's chunks and sections; return the removed chunk ids."""
        sql = "SELECT id FROM chunks WHERE paper_id = ?"
        old = [int(r[0]) for r in self._conn.execute(sql, (paper_id,))]
        # Explicit deletes, not only ON DELETE CASCADE, so the FTS triggers surely fire.
        self._conn.execute("DELETE FROM chunks WHERE paper_id = ?", (paper_id,))
        self._conn.execute("DELETE FROM sections WHERE paper_id = ?", (paper_id,))
        return old

    def _insert_chunk(self, chunk: Chunk, vector: NDArray[np.float32]) -> int:
        cur = self._conn.execute(
            "INSERT INTO chunks (paper_id, ordinal, section_number, section_title, section_role, "
            "page, text, vector) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (chunk.paper_id, chunk.ordinal, chunk.section_number, chunk.section_title,
             chunk.section_role.value, chunk.page, chunk.text, vector.tobytes()),
        )  # fmt: skip
        return int(cur.lastrowid or 0)

    def _vector_index(self) -> VectorIndex | None:
        try:
            return self._vectors.current(self._conn)
        except ValueError as exc:  # vector blobs of mixed sizes
            raise schema.damaged(self.directory / LIBRARY, exc, schema.REBUILD) from None


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino
