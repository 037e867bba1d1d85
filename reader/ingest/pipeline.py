"""The ingest pipeline: reading list → fetch → extract → chunk → embed → store, one paper at a time.

Each paper is written in one store transaction, so a crash leaves the index at the last complete
paper and the next run picks up where it stopped. With `workers` > 1 the PDFs are extracted in
that many processes (reader.ingest.parallel) and still chunked, embedded and written here, in
reading-list order: the index is the same as a one-process ingest's.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from reader.errors import FetchError, PdfError, ReaderError
from reader.models import (
    Chunk,
    ExtractedPaper,
    FetchedPaper,
    IngestReport,
    PaperEntry,
    PaperOutcome,
    PaperRecord,
)
from reader.settings import Settings

if TYPE_CHECKING:
    from reader.embeddings.base import Embedder
    from reader.store.base import PassageStore

# Bump when extraction or chunking changes in a way that should re-process unchanged PDFs.
# 2: passages keep paragraph breaks; 3: footnote marks dropped; 4: one sentence splitter;
# 5: words drawn inside figures are kept out of the section text; 6: table numbers end a
# sentence; 7: paragraph blocks mark inline sub- and superscripts (the text is unchanged);
# 8: TeX's extension font read as symbols; 9: rows of sub-figure labels are figure text
PIPELINE_VERSION = "9"


class IngestProgress(Protocol):
    """Receives progress as the pipeline runs (a terminal bar, a Streamlit widget, or nothing)."""

    def start(self, stage: str, total: int) -> None: ...
    def advance(self, stage: str, paper_id: str) -> None: ...
    def finish(self, stage: str) -> None: ...


class SilentProgress:
    def start(self, stage: str, total: int) -> None:
        pass

    def advance(self, stage: str, paper_id: str) -> None:
        pass

    def finish(self, stage: str) -> None:
        pass


@dataclass
class _StageClock:
    seconds: dict[str, float] = field(default_factory=dict)

    def add(self, stage: str, started: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started


def paper_fingerprint(sha256: str, settings: Settings) -> str:
    """What the stored chunks of a paper depend on, apart from the embedding model."""
    knobs = f"{PIPELINE_VERSION}|{sha256}|{settings.chunk_max_chars}|{settings.chunk_min_chars}"
    return hashlib.sha256(knobs.encode()).hexdigest()


def embedder_fingerprint(settings: Settings) -> str:
    """Identifies the vectors without loading the model: a change triggers a re-embed."""
    backend = settings.embedding_backend.strip().lower()
    # The float ONNX export is the same network as torch (cosine > 0.9999 measured on real
    # chunks): its vectors are interchangeable, so switching between the two re-embeds nothing.
    space = "torch" if backend == "onnx" else backend
    return f"{settings.embedding_model}|{space}|{settings.embedding_max_tokens}"


def embedding_text(chunk: Chunk) -> str:
    # The section title carries meaning a passage often leaves implicit ("Positional Encoding").
    return f"{chunk.section_title}. {chunk.text}" if chunk.section_title else chunk.text


def short_name_for(entry: PaperEntry, title: str) -> str:
    """A citation label: the plan's short name, else the part of the title a reader would say."""
    if entry.short_name:
        return entry.short_name
    head = title.split(":", 1)[0].strip()
    if ":" in title and len(head) <= 30:
        return head
    acronym = re.search(r"\(([A-Z][A-Za-z0-9-]{0,14}?[A-Z0-9])s?\)", title)  # "(GELUs)"
    if acronym:
        return acronym.group(1)
    if len(title) <= 40:
        return title
    return " ".join(title.split()[:5]) + "…"


@dataclass
class IngestRun:
    """One `reader ingest`: owns the timings and outcomes while it runs."""

    settings: Settings
    store: PassageStore
    load_embedder: Callable[[], Embedder]
    fetch: Callable[[PaperEntry], FetchedPaper]
    extract: Callable[[FetchedPaper], ExtractedPaper]
    progress: IngestProgress = field(default_factory=SilentProgress)
    workers: int = 1  # extraction processes; `extract` must then be picklable (module-level)
    clock: _StageClock = field(default_factory=_StageClock)

    def run(self, entries: Sequence[PaperEntry]) -> IngestReport:
        self._sync_model()
        outcomes: list[PaperOutcome] = []
        fetched: list[FetchedPaper] = []
        self.progress.start("fetch", len(entries))
        for entry in entries:
            started = time.perf_counter()
            try:
                fetched.append(self.fetch(entry))
            except FetchError as exc:
                outcomes.append(PaperOutcome(entry.id, "failed", str(exc)))
            self.clock.add("fetch", started)
            self.progress.advance("fetch", entry.id)
        self.progress.finish("fetch")

        by_id = {e.id: e for e in entries}
        todo = [p for p in fetched if not self._unchanged(p)]
        outcomes += [
            PaperOutcome(p.meta.id, "unchanged", pages=self._pages(p.meta.id))
            for p in fetched
            if p not in todo
        ]
        # Extract everything first, so each stage has its own progress bar; writes stay one
        # transaction per paper in the embed stage.
        readable: list[tuple[FetchedPaper, ExtractedPaper]] = []
        self.progress.start("extract", len(todo))
        for paper, result in zip(todo, self._extract_all(todo), strict=True):
            if isinstance(result, PaperOutcome):
                outcomes.append(result)
            else:
                readable.append((paper, result))
            self.progress.advance("extract", paper.meta.id)
        self.progress.finish("extract")
        self.progress.start("embed", len(readable))
        for paper, extracted in readable:
            outcomes.append(self._store_one(by_id[paper.meta.id], paper, extracted))
            self.progress.advance("embed", paper.meta.id)
        self.progress.finish("embed")
        order = {e.id: i for i, e in enumerate(entries)}
        outcomes.sort(key=lambda o: order.get(o.paper_id, len(order)))
        return IngestReport(tuple(outcomes), dict(self.clock.seconds))

    def _sync_model(self) -> None:
        """A changed embedding model re-embeds every stored chunk; text and notes stay."""
        wanted = embedder_fingerprint(self.settings)
        info = self.store.model_info()
        if info is not None and info[0] == wanted:
            return
        if not self.store.papers():
            return  # the first paper sets the model info
        embedder = self.load_embedder()
        started = time.perf_counter()
        self.store.reembed_all(embedder, embedding_text)
        self.store.set_model_info(wanted, embedder.dim)
        self.clock.add("embed", started)

    def _unchanged(self, paper: FetchedPaper) -> bool:
        stored = self.store.paper_fingerprint(paper.meta.id)
        return stored == paper_fingerprint(paper.sha256, self.settings)

    def _forget_cached(self, paper: FetchedPaper, message: str) -> str:
        """A downloaded copy that cannot be read would fail every later run: drop it."""
        cache = self.settings.pdf_cache_dir.resolve()
        if paper.pdf_path.resolve().parent != cache:
            return message  # the user's own file: never delete it
        paper.pdf_path.unlink(missing_ok=True)
        return f"{message} (the cached copy was removed; the next ingest downloads it again)"

    def _pages(self, paper_id: str) -> int:
        record = self.store.paper(paper_id)
        return record.page_count if record else 0

    def _extract_all(
        self, papers: Sequence[FetchedPaper]
    ) -> Iterator[ExtractedPaper | PaperOutcome]:
        """Each paper's extraction (or failure) in order; in `workers` processes if above 1.

        With workers, "extract" time is the wall-clock time of the whole stage."""
        if self.workers <= 1 or len(papers) <= 1:
            yield from (self._extract_one(paper) for paper in papers)
            return
        from reader.ingest.parallel import Unreadable, extract_in_pool

        started = time.perf_counter()
        try:
            workers = min(self.workers, len(papers))
            results = extract_in_pool(papers, self.extract, workers)
            for paper, result in zip(papers, results, strict=True):
                if not isinstance(result, Unreadable):
                    yield result
                elif result.pdf_error:
                    yield PaperOutcome(
                        paper.meta.id, "failed", self._forget_cached(paper, result.message)
                    )
                else:
                    yield PaperOutcome(paper.meta.id, "failed", result.message)
        finally:
            self.clock.add("extract", started)

    def _extract_one(self, paper: FetchedPaper) -> ExtractedPaper | PaperOutcome:
        started = time.perf_counter()
        try:
            return self.extract(paper)
        except PdfError as exc:
            return PaperOutcome(paper.meta.id, "failed", self._forget_cached(paper, str(exc)))
        finally:
            self.clock.add("extract", started)

    def _store_one(
        self, entry: PaperEntry, paper: FetchedPaper, extracted: ExtractedPaper
    ) -> PaperOutcome:
        """Chunk, embed and write one paper (one transaction)."""
        from reader.ingest.chunking import chunk_sections

        started = time.perf_counter()
        chunks = chunk_sections(entry.id, extracted.sections, self.settings)
        self.clock.add("chunk", started)
        if not chunks:
            return PaperOutcome(entry.id, "failed", f"{paper.pdf_path}: no readable text found")

        embedder = self.load_embedder()
        started = time.perf_counter()
        vectors = embedder.embed([embedding_text(c) for c in chunks])
        self.clock.add("embed", started)

        title = paper.meta.title or extracted.title or entry.title or entry.id
        record = PaperRecord(
            id=entry.id,
            version=paper.meta.version,
            title=title,
            short_name=short_name_for(entry, title),
            sha256=paper.sha256,
            page_count=extracted.page_count,
            section_count=len(extracted.sections),
            chunk_count=len(chunks),
            authors=paper.meta.authors,
            published=paper.meta.published,
            arxiv_url=paper.meta.arxiv_url,
            pdf_path=str(paper.pdf_path.resolve()),
        )
        started = time.perf_counter()
        try:
            if self.store.model_info() is None:
                self.store.set_model_info(embedder_fingerprint(self.settings), embedder.dim)
            fingerprint = paper_fingerprint(paper.sha256, self.settings)
            self.store.replace_paper(record, fingerprint, extracted.sections, chunks, vectors)
        except ReaderError as exc:
            return PaperOutcome(entry.id, "failed", str(exc))
        finally:
            self.clock.add("write", started)
        return PaperOutcome(entry.id, "ingested", pages=extracted.page_count, chunks=len(chunks))
