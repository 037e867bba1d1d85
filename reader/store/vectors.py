"""vectors.faiss: the FAISS index DERIVED from the vectors in library.sqlite.

The file is stamped with the library state (index id + generation) it was built from and written
atomically; a missing, torn, foreign or stale file is rebuilt from SQLite, so no data is lost.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from reader.store import schema

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from reader.store.faiss_index import VectorIndex


class VectorCache:
    """The in-memory FAISS index of one store, keyed by the library generation it reflects."""

    def __init__(self, path: Path, writable: bool) -> None:
        self.path = path
        self.writable = writable
        self.index: VectorIndex | None = None
        self.generation = -1
        self.dirty = False  # newer than the file: written by `flush`

    def current(self, conn: sqlite3.Connection) -> VectorIndex | None:
        """The index for the library's current generation (None: no vectors, no known dim).

        Raises ValueError if the stored vectors are inconsistent.
        """
        with schema.transaction(conn, "DEFERRED"):  # generation and vectors from one snapshot
            meta = schema.read_meta(conn)
            generation = int(meta.get("generation", "0"))
            if self.index is not None and self.generation == generation:
                return self.index
            stamp = f"{meta.get('index_id')}:{generation}"
            index = read_vectors_file(self.path, stamp)
            rebuilt = index is None
            if index is None:
                rows = conn.execute("SELECT id, vector FROM chunks ORDER BY id").fetchall()
                dim = int(meta["model_dim"]) if "model_dim" in meta else None
                index = index_from_rows([(int(r[0]), bytes(r[1])) for r in rows], dim)
        if rebuilt and index is not None and self.writable:
            write_vectors_file(self.path, index, stamp)  # heal on disk; readers never write
        self.index, self.generation, self.dirty = index, generation, False
        return index

    def patched(
        self, before: int, old_ids: Sequence[int], ids: NDArray[np.int64], rows: NDArray[np.float32]
    ) -> None:
        """After a write moved the library from generation `before` to `before + 1`."""
        if self.generation != before or (self.index is None and rows.shape[0] == 0):
            self.index, self.generation = None, -1  # reload lazily from SQLite
            return
        if self.index is None:  # the first vectors of an empty library
            from reader.store.faiss_index import VectorIndex

            self.index = VectorIndex.empty(rows.shape[1])
        self.index.remove(old_ids)
        self.index.add(ids, rows)
        self.generation, self.dirty = before + 1, True

    def replaced(self, index: VectorIndex | None, generation: int) -> None:
        self.index, self.generation, self.dirty = index, generation, True

    def flush(self, conn: sqlite3.Connection) -> None:
        """Bring the file up to date with the library (writers only)."""
        if not self.writable:
            return
        meta = schema.read_meta(conn)
        generation = int(meta.get("generation", "0"))
        if self.dirty and self.index is not None and self.generation == generation:
            write_vectors_file(self.path, self.index, f"{meta.get('index_id')}:{generation}")
            self.dirty = False
        else:
            self.current(conn)  # checks the file's stamp; rebuilds and writes it if stale


def remove_stale_temp_files(path: Path, older_than_seconds: float = 60.0) -> None:
    """Delete temp files a killed writer left behind (young ones may be another's live write)."""
    import time

    for tmp in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            if time.time() - tmp.stat().st_mtime > older_than_seconds:
                tmp.unlink()


def read_vectors_file(path: Path, stamp: str) -> VectorIndex | None:
    """The index in `path` if it was built from the library state `stamp`, else None."""
    from reader.store.faiss_index import VectorIndexError, unpack_stamped

    try:
        found, index = unpack_stamped(path.read_bytes())
    except (OSError, VectorIndexError):
        return None  # missing, torn or foreign: the SQLite vectors are the truth
    return index if found == stamp else None


def write_vectors_file(path: Path, index: VectorIndex, stamp: str) -> None:
    """Write to a temp file, fsync, then rename: readers see the old file or the new one."""
    from reader.store.faiss_index import pack_stamped

    data = pack_stamped(index, stamp)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)  # mkstemp makes it private; the library file is readable too
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def index_from_rows(rows: Sequence[tuple[int, bytes]], dim: int | None) -> VectorIndex | None:
    """Build the index from (chunk id, float32 blob) rows; None when empty with no known dim.

    Raises ValueError when the blobs are not equal-sized float32 vectors.
    """
    from reader.store.faiss_index import VectorIndex

    if not rows:
        return VectorIndex.empty(dim) if dim else None
    size = len(rows[0][1])
    if size == 0 or size % 4 or any(len(blob) != size for _, blob in rows):
        raise ValueError("stored vectors have inconsistent sizes")
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    vectors = np.frombuffer(b"".join(blob for _, blob in rows), dtype="<f4")
    return VectorIndex.build(ids, vectors.reshape(len(rows), -1).astype(np.float32), size // 4)
