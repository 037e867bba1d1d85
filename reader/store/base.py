"""PassageStore: what the library, ingest and retrieval need of a store, whatever the engine."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

from reader.models import Chunk, PaperRecord, ReadingProgress, Section, SectionRole, StoredChunk

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from reader.embeddings.base import Embedder


class PassageStore(Protocol):
    """Papers, sections and passages (with vectors and keyword search) plus local progress.

    IndexStore (SQLite + FAISS) and MilvusStore satisfy it."""

    engine: str  # "sqlite" or "milvus"

    def close(self) -> None: ...

    def flush(self) -> None: ...

    def __enter__(self) -> PassageStore: ...

    def __exit__(self, *exc: object) -> None: ...

    def model_info(self) -> tuple[str, int] | None: ...

    def set_model_info(self, name: str, dim: int) -> None: ...

    def papers(self) -> list[PaperRecord]: ...

    def paper(self, paper_id: str) -> PaperRecord | None: ...

    def paper_fingerprint(self, paper_id: str) -> str | None: ...

    def replace_paper(
        self,
        record: PaperRecord,
        fingerprint: str,
        sections: Sequence[Section],
        chunks: Sequence[Chunk],
        vectors: NDArray[np.float32],
    ) -> None: ...

    def remove_paper(self, paper_id: str) -> None: ...

    def sections(self, paper_id: str) -> list[Section]: ...

    def chunk(self, chunk_id: int) -> StoredChunk: ...

    def chunks(self, ids: Sequence[int]) -> list[StoredChunk]: ...

    def iter_chunks(self, paper_id: str | None = None) -> Iterator[StoredChunk]: ...

    def keyword_search(
        self,
        match_expr: str,
        k: int,
        paper_ids: Collection[str] | None = None,
        role: SectionRole | None = None,
    ) -> list[tuple[int, float]]: ...

    def vector_search(
        self,
        query_vec: NDArray[np.float32],
        k: int,
        paper_ids: Collection[str] | None = None,
        role: SectionRole | None = None,
    ) -> list[tuple[int, float]]: ...

    def reembed_all(self, embedder: Embedder, text_of: Callable[[Chunk], str]) -> None: ...

    def set_read(self, paper_id: str, section_number: str, read: bool) -> None: ...

    def set_note(self, paper_id: str, section_number: str, note: str) -> None: ...

    def progress(self, paper_id: str | None = None) -> list[ReadingProgress]: ...
