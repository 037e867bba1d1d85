"""A reading list's ingest as the facade runs it: pick the entries, lock, run the stages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from reader.errors import CatalogError
from reader.ingest.pipeline import IngestProgress, IngestRun, SilentProgress
from reader.models import IngestReport, PaperEntry, ReadingList
from reader.settings import Settings

if TYPE_CHECKING:
    from reader.embeddings.base import Embedder
    from reader.ingest.shard import Shard

INGEST_LOCK_WAIT_SECONDS = 5.0


def select_entries(
    reading_list: ReadingList, only: Sequence[str] = (), shard: Shard | None = None
) -> list[PaperEntry]:
    """The entries to ingest, in the list's order: `only` these ids, then this machine's shard."""
    entries = list(reading_list.papers)
    if only:
        unknown = [p for p in only if reading_list.get(p) is None]
        if unknown:
            raise CatalogError(
                f"{', '.join(unknown)} not in {reading_list.path}; add it there first"
            )
        entries = [e for e in entries if e.id in only]
    return shard.select(entries) if shard is not None else entries


def ingest_entries(
    settings: Settings,
    entries: Sequence[PaperEntry],
    load_embedder: Callable[[], Embedder],
    *,
    rebuild: bool = False,
    progress: IngestProgress | None = None,
) -> IngestReport:
    """Fetch, extract, chunk, embed and store `entries` under the ingest lock (one writer)."""
    from reader.fetch.arxiv_client import PaperFetcher
    from reader.ingest.parallel import extract_with
    from reader.store.index_store import IndexStore
    from reader.store.open import delete_store, open_store

    fetcher = PaperFetcher(settings)
    with IndexStore.ingest_lock(settings, INGEST_LOCK_WAIT_SECONDS):
        if rebuild:
            delete_store(settings)
        with open_store(settings, create=True) as store:
            run = IngestRun(
                settings=settings,
                store=store,
                load_embedder=load_embedder,
                fetch=fetcher.fetch,
                extract=partial(extract_with, settings),  # picklable, for workers
                progress=progress or SilentProgress(),
                workers=settings.ingest_workers,
            )
            return run.run(entries)
