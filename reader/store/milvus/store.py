"""MilvusStore: the passage store on Milvus (Lite or server); progress stays in local SQLite.

A paper is replaced in steps, since Milvus has no multi-row transactions:
1. its paper row is marked `pending` (readers still see the old version);
2. the new sections and passages are written under the new fingerprint (ids derived from it);
3. the paper row is committed to the new fingerprint (readers switch: every read keeps only the
   rows of a paper's committed fingerprint);
4. the old version's rows are deleted and the mark is cleared.
A crash leaves the mark; the next writable open (any `reader ingest`) deletes the rows of the
version not committed and clears it, so the library is the old paper or the new one.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from reader.errors import IndexMissingError, ModelError, ReaderError
from reader.models import Chunk, PaperRecord, Section
from reader.settings import Settings
from reader.store import schema
from reader.store.lock import IngestLockAccess
from reader.store.milvus import collections as col
from reader.store.milvus.connect import close, connect, is_server, resolve_uri
from reader.store.milvus.reads import REMOVING, MilvusReads

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from reader.embeddings.base import Embedder


class MilvusStore(MilvusReads):
    """One library in Milvus. `MilvusStore.open(settings)` to read, `create=True` to write."""

    ingest_lock = IngestLockAccess()
    engine = "milvus"

    @classmethod
    def open(cls, settings: Settings, *, create: bool = False) -> MilvusStore:
        if not create and not _lite_exists(settings):
            raise IndexMissingError(
                f"no library in {resolve_uri(settings)}; build it with `reader ingest`"
            )
        client = connect(settings)
        try:
            if client.has_collection(col.LIBRARY):
                client.load_collection(col.LIBRARY)  # released after a restart
            else:
                if not create:
                    raise IndexMissingError(
                        f"no library in Milvus at {settings.milvus_uri or settings.index_dir}; "
                        "build it with `reader ingest`"
                    )
                col.create_library(client)
            store = cls(settings, client, writable=create)
            if create:
                store.repair()
        except BaseException:
            close(client)
            raise
        return store

    @staticmethod
    def exists(settings: Settings) -> bool:
        if not _lite_exists(settings):
            return False  # without creating an empty Lite folder
        client = connect(settings)
        try:
            return bool(client.has_collection(col.LIBRARY))
        finally:
            close(client)

    @staticmethod
    def delete_library(settings: Settings) -> None:
        """Drop the library's collections for a rebuild; local progress stays."""
        client = connect(settings)
        try:
            for name in client.list_collections():
                if str(name).startswith(col.PREFIX):
                    client.drop_collection(name)
        finally:
            close(client)

    def close(self) -> None:
        with self._lock:
            self.flush()
            close(self._client)
            self._notes.close()

    def __enter__(self) -> MilvusStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def flush(self) -> None:
        """Seal what was written: every write is durable already (Lite: its WAL), but BM25
        statistics are per segment, and a flush lets Lite compact small segments into one."""
        if self._writable:
            with contextlib.suppress(Exception):
                for name in (col.LIBRARY, self._passages()):
                    if name:
                        self._client.flush(name)

    def set_model_info(self, name: str, dim: int) -> None:
        self._check_writable()
        with self._lock:
            self._set_meta(model_name=name, model_dim=dim)

    # ------------------------------------------------------------ writing

    def replace_paper(
        self,
        record: PaperRecord,
        fingerprint: str,
        sections: Sequence[Section],
        chunks: Sequence[Chunk],
        vectors: NDArray[np.float32],
    ) -> None:
        """Store one paper: the old version or the new one is visible, never a mix."""
        self._check_writable()
        rows = np.ascontiguousarray(vectors, dtype=np.float32)
        if rows.ndim != 2 or rows.shape[0] != len(chunks):
            raise ValueError(f"{len(chunks)} chunks but vectors of shape {rows.shape}")
        if any(c.paper_id != record.id for c in chunks):
            raise ValueError(f"every chunk must belong to paper {record.id}")
        with self._lock:
            meta = self._meta()
            dim = meta.get("model_dim")
            if dim is not None and len(rows) and int(dim) != rows.shape[1]:
                raise ModelError(
                    f"vectors have {rows.shape[1]} dimensions but the index holds {dim}; "
                    f"{schema.REBUILD}"
                )
            passages = self._passages()
            if passages is None:
                width = rows.shape[1] if len(rows) else int(dim or 0)
                if not width:
                    raise ModelError("the first paper has no vectors: its dimension is unknown")
                passages = self._new_passages(width)
            old = {str(r["paper_id"]): r for r in self._paper_rows()}.get(record.id)
            committed = str(old["fingerprint"]) if old else ""
            position = int(old["position"]) if old else self._next_position()
            record = _with_counts(record, len(sections), len(chunks))
            body = json.dumps(col.paper_body(record))
            paper_key = f"p:{record.id}"

            def paper_row(fp: str, pending: str, text: str) -> dict[str, Any]:
                return col.library_row(
                    paper_key, "paper", record.id, fingerprint=fp, position=position,
                    name=pending, body=text,
                )  # fmt: skip

            self._client.upsert(
                col.LIBRARY, [paper_row(committed, fingerprint, old["body"] if old else body)]
            )
            if fingerprint != committed:  # leftovers of an earlier, interrupted attempt
                self._delete_version(
                    passages, record.id, f"fingerprint == {col.literal(fingerprint)}"
                )
            section_rows = [
                row
                for i, s in enumerate(sections)
                for row in col.section_rows(record.id, fingerprint, i, s)
            ]
            for start in range(0, len(section_rows), 100):
                self._client.upsert(col.LIBRARY, section_rows[start : start + 100])
            passage_rows = [
                col.passage_row(
                    col.chunk_id(record.id, fingerprint, c.ordinal), fingerprint, c, rows[i]
                )
                for i, c in enumerate(chunks)
            ]
            for start in range(0, len(passage_rows), 500):
                self._client.upsert(passages, passage_rows[start : start + 500])
            self._client.upsert(col.LIBRARY, [paper_row(fingerprint, fingerprint, body)])  # commit
            self._delete_version(passages, record.id, f"fingerprint != {col.literal(fingerprint)}")
            self._client.upsert(col.LIBRARY, [paper_row(fingerprint, "", body)])
            self._set_meta(
                generation=int(meta.get("generation", 0)) + 1,
                **({"model_dim": rows.shape[1]} if dim is None and len(rows) else {}),
            )

    def remove_paper(self, paper_id: str) -> None:
        self._check_writable()
        with self._lock:
            row = {str(r["paper_id"]): r for r in self._paper_rows()}.get(paper_id)
            if row is None:
                return
            self._client.upsert(
                col.LIBRARY,
                [dict(row, key=f"p:{paper_id}", kind="paper", name=REMOVING, v=[0.0, 0.0])],
            )
            self._delete_version(self._passages(), paper_id, "")
            self._client.delete(col.LIBRARY, ids=[f"p:{paper_id}"])
            self._set_meta(generation=self.generation + 1)

    def repair(self) -> None:
        """Finish what a crashed writer left: keep each paper's committed version only."""
        with self._lock:
            passages = self._passages()
            for name in self._client.list_collections():  # a re-embed killed before its switch
                if str(name).startswith(col.PASSAGES) and str(name) != passages:
                    self._client.drop_collection(name)
            for row in self._paper_rows():
                if not row["name"]:
                    continue
                paper_id, committed = str(row["paper_id"]), str(row["fingerprint"])
                if row["name"] == REMOVING or not committed:
                    self._delete_version(passages, paper_id, "")
                    self._client.delete(col.LIBRARY, ids=[f"p:{paper_id}"])
                    continue
                self._delete_version(passages, paper_id, f"fingerprint != {col.literal(committed)}")
                self._client.upsert(
                    col.LIBRARY,
                    [dict(row, key=f"p:{paper_id}", kind="paper", name="", v=[0.0, 0.0])],
                )

    def reembed_all(self, embedder: Embedder, text_of: Callable[[Chunk], str]) -> None:
        """Recompute every vector into a new collection, then switch to it (one meta write)."""
        self._check_writable()
        with self._lock:
            old = self._passages()
            stored = list(self.iter_chunks())
            committed = {pid: str(r["fingerprint"]) for pid, r in self._committed().items()}
            vectors = np.asarray(embedder.embed([text_of(s.chunk) for s in stored]), np.float32)
            name = self._new_passages(embedder.dim, switch=False)
            rows = [
                col.passage_row(s.id, committed[s.chunk.paper_id], s.chunk, vectors[i])
                for i, s in enumerate(stored)
            ]
            for start in range(0, len(rows), 500):
                self._client.insert(name, rows[start : start + 500])
            self._set_meta(passages=name, model_dim=embedder.dim, generation=self.generation + 1)
            if old is not None:
                self._client.drop_collection(old)

    # ------------------------------------------------------------ internals

    def _check_writable(self) -> None:
        if not self._writable:
            raise ReaderError("the index was opened for reading; open it with create=True to write")

    def _next_position(self) -> int:
        return max((int(r["position"]) for r in self._paper_rows()), default=-1) + 1

    def _new_passages(self, dim: int, *, switch: bool = True) -> str:
        name = f"{col.PASSAGES}_{self.generation + 1}_{dim}"
        with contextlib.suppress(Exception):
            self._client.drop_collection(name)
        col.create_passages(self._client, name, dim)
        if switch:
            self._set_meta(passages=name)
        return name

    def _delete_version(self, passages: str | None, paper_id: str, which: str) -> None:
        """Delete a paper's passages and section rows matching `which` ('' = all)."""
        expr = f"paper_id == {col.literal(paper_id)}" + (f" and {which}" if which else "")
        if passages is not None:
            self._client.delete(passages, filter=expr)
        self._client.delete(col.LIBRARY, filter=f'kind == "section" and {expr}')


def _with_counts(record: PaperRecord, sections: int, chunks: int) -> PaperRecord:
    import dataclasses

    return dataclasses.replace(record, section_count=sections, chunk_count=chunks)


def _lite_exists(settings: Settings) -> bool:
    """False for a Lite path with no data yet (a server URI: ask the server)."""
    uri = resolve_uri(settings)
    return is_server(uri) or Path(uri).is_dir()
