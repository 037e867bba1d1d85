"""The reading side of MilvusStore: papers, sections, passages, searches, local progress.

Every read keeps only the rows of a paper's committed fingerprint, so a reader sees one
version of each paper even while a writer replaces it (see store.py)."""

from __future__ import annotations

import json
import threading
from collections.abc import Collection, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from reader.errors import ModelError, PaperNotFoundError
from reader.models import PaperRecord, ReadingProgress, Section, SectionRole, StoredChunk
from reader.settings import Settings
from reader.store.index_store import PROGRESS
from reader.store.milvus import collections as col

if TYPE_CHECKING:
    from numpy.typing import NDArray

REMOVING = "-"  # the pending mark of a paper being removed
SCORE_DECIMALS = 5  # scores ranked after rounding, then by id, as the FAISS index does
TIE_MARGIN = 8


class MilvusReads:
    """Queries of one library in Milvus (MilvusStore adds opening and writing)."""

    def __init__(self, settings: Settings, client: Any, writable: bool) -> None:
        from reader.store.progress import ProgressDB

        self.settings = settings
        self._client = client
        self._writable = writable
        self._lock = threading.RLock()
        self._notes = ProgressDB(settings.index_dir / PROGRESS)
        self._loaded: set[str] = set()

    # ------------------------------------------------------------ meta

    def _meta(self) -> dict[str, Any]:
        rows = self._client.get(col.LIBRARY, ids=[col.META_KEY], output_fields=["body"])
        return dict(json.loads(rows[0]["body"])) if rows else {}

    def _set_meta(self, **values: Any) -> None:
        meta = self._meta() | values
        self._client.upsert(
            col.LIBRARY, [col.library_row(col.META_KEY, "meta", body=json.dumps(meta))]
        )

    def model_info(self) -> tuple[str, int] | None:
        meta = self._meta()
        if "model_name" not in meta or "model_dim" not in meta:
            return None
        return str(meta["model_name"]), int(meta["model_dim"])

    @property
    def generation(self) -> int:
        return int(self._meta().get("generation", 0))

    def _passages(self) -> str | None:
        """The live passages collection (None before the first vectors)."""
        name = self._meta().get("passages")
        if not name:
            return None
        if name not in self._loaded:  # a collection is released after a restart
            self._client.load_collection(name)
            self._loaded.add(str(name))
        return str(name)

    # ------------------------------------------------------------ papers and sections

    def _paper_rows(self) -> list[dict[str, Any]]:
        return list(
            self._client.query(
                col.LIBRARY,
                filter='kind == "paper"',
                output_fields=["paper_id", "fingerprint", "position", "name", "body"],
                limit=col.QUERY_LIMIT,
            )
        )

    def _committed(self) -> dict[str, dict[str, Any]]:
        """Paper rows by id, only papers with a committed version."""
        return {
            str(r["paper_id"]): r
            for r in self._paper_rows()
            if r["fingerprint"] and r["name"] != REMOVING
        }

    def papers(self) -> list[PaperRecord]:
        rows = sorted(self._committed().values(), key=lambda r: int(r["position"]))
        return [col.paper_from_body(json.loads(r["body"])) for r in rows]

    def paper(self, paper_id: str) -> PaperRecord | None:
        row = self._committed().get(paper_id)
        return col.paper_from_body(json.loads(row["body"])) if row else None

    def paper_fingerprint(self, paper_id: str) -> str | None:
        row = self._committed().get(paper_id)
        return str(row["fingerprint"]) if row else None

    def sections(self, paper_id: str) -> list[Section]:
        fingerprint = self.paper_fingerprint(paper_id)
        if fingerprint is None:
            return []
        rows = self._client.query(
            col.LIBRARY,
            filter=f'kind == "section" and paper_id == {col.literal(paper_id)} '
            f"and fingerprint == {col.literal(fingerprint)}",
            output_fields=["position", "body"],
            limit=col.QUERY_LIMIT,
        )
        return col.sections_from_rows(list(rows))

    # ------------------------------------------------------------ chunks and search

    def chunk(self, chunk_id: int) -> StoredChunk:
        found = self.chunks([chunk_id])
        if not found:
            raise PaperNotFoundError(
                f"passage {chunk_id} is not in the index (a re-ingest replaced it); search again"
            )
        return found[0]

    def chunks(self, ids: Sequence[int]) -> list[StoredChunk]:
        """The chunks of `ids`, in that order; ids no longer in the library are skipped."""
        wanted = list(dict.fromkeys(int(i) for i in ids))
        passages = self._passages()
        if not wanted or passages is None:
            return []
        live = self._committed()
        found: dict[int, StoredChunk] = {}
        for start in range(0, len(wanted), 1000):
            rows = self._client.get(
                passages, ids=wanted[start : start + 1000], output_fields=col.PASSAGE_FIELDS
            )
            for r in rows:
                paper = live.get(str(r["paper_id"]))
                if paper is not None and paper["fingerprint"] == r["fingerprint"]:
                    title = json.loads(paper["body"])["title"]
                    found[int(r["id"])] = col.stored_chunk(r, str(title))
        return [found[i] for i in wanted if i in found]

    def iter_chunks(self, paper_id: str | None = None) -> Iterator[StoredChunk]:
        """Chunks in reading order, one paper at a time."""
        passages = self._passages()
        if passages is None:
            return
        live = self._committed()
        order = [p.id for p in self.papers()] if paper_id is None else [paper_id]
        for pid in order:
            paper = live.get(pid)
            if paper is None:
                continue
            title = str(json.loads(paper["body"])["title"])
            rows = self._client.query(
                passages,
                filter=f"paper_id == {col.literal(pid)} and "
                f"fingerprint == {col.literal(str(paper['fingerprint']))}",
                output_fields=col.PASSAGE_FIELDS,
                limit=col.QUERY_LIMIT,
            )
            yield from (
                col.stored_chunk(r, title) for r in sorted(rows, key=lambda r: int(r["ordinal"]))
            )

    def keyword_search(
        self,
        match_expr: str,
        k: int,
        paper_ids: Collection[str] | None = None,
        role: SectionRole | None = None,
    ) -> list[tuple[int, float]]:
        """BM25 over the stemmed words of an FTS5 MATCH expression, higher is better."""
        words = col.query_terms(match_expr)
        if k <= 0 or (paper_ids is not None and not paper_ids) or not words:
            return []
        return self._search(words, "sparse", k, paper_ids, role)

    def vector_search(
        self,
        query_vec: NDArray[np.float32],
        k: int,
        paper_ids: Collection[str] | None = None,
        role: SectionRole | None = None,
    ) -> list[tuple[int, float]]:
        """Nearest chunks by cosine similarity (exact: FLAT), best first, within the filters."""
        if k <= 0 or (paper_ids is not None and not paper_ids):
            return []
        query = np.asarray(query_vec, dtype=np.float32).reshape(-1)
        info = self.model_info()
        dim = int(self._meta().get("model_dim", 0)) if info is None else info[1]
        if dim and query.size != dim:
            raise ModelError(
                f"the query embedding has {query.size} dimensions but the index holds "
                f"{dim}; run `reader ingest` to re-embed with the current model"
            )
        return self._search([float(x) for x in query], "dense", k, paper_ids, role)

    def _search(
        self,
        data: Any,
        field: str,
        k: int,
        paper_ids: Collection[str] | None,
        role: SectionRole | None,
    ) -> list[tuple[int, float]]:
        passages = self._passages()
        if passages is None:
            return []
        live = {pid: str(r["fingerprint"]) for pid, r in self._committed().items()}
        clauses = []
        if paper_ids is not None:
            clauses.append(f"paper_id in {json.dumps(sorted(paper_ids))}")
        if role is not None:
            clauses.append(f"role == {col.literal(role.value)}")
        # A few more than k: rows of an uncommitted version are dropped, and a tie at the
        # k-th place is broken by id, not by the engine's order.
        limit = min(k + TIE_MARGIN, col.QUERY_LIMIT)
        result = self._client.search(
            passages,
            data=[data],
            anns_field=field,
            limit=limit,
            filter=" and ".join(clauses),
            output_fields=["paper_id", "fingerprint"],
        )
        hits = []
        for hit in result[0]:
            entity = hit["entity"]
            if live.get(str(entity["paper_id"])) == entity["fingerprint"]:
                # Lite returns BM25 scores negated; a score is never negative, so abs() is
                # "higher is better" on Lite and on a server alike.
                score = abs(float(hit["distance"])) if field == "sparse" else float(hit["distance"])
                hits.append((int(hit["id"]), score))
        hits.sort(key=lambda h: (-round(h[1], SCORE_DECIMALS), h[0]))
        return hits[:k]

    # ------------------------------------------------------------ progress and notes

    def set_read(self, paper_id: str, section_number: str, read: bool) -> None:
        self._check_section(paper_id, section_number)
        self._notes.save(paper_id, section_number, "read", int(read))

    def set_note(self, paper_id: str, section_number: str, note: str) -> None:
        self._check_section(paper_id, section_number)
        self._notes.save(paper_id, section_number, "note", note)

    def progress(self, paper_id: str | None = None) -> list[ReadingProgress]:
        order: dict[tuple[str, str], int] = {}
        for pid in [paper_id] if paper_id else [p.id for p in self.papers()]:
            for position, section in enumerate(self.sections(pid)):
                order.setdefault((pid, section.number), position)
        return self._notes.rows(paper_id, order)

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
