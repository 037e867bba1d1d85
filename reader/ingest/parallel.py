"""Extraction of several papers in worker processes, handed back in reading-list order.

The pool uses the spawn start method (fork is unsafe once ONNX Runtime or torch threads run) and
is owned here, so callers need no `if __name__ == "__main__"` guard: children are started without
re-importing the caller's main script. Embedding and writing stay in the calling process, so
the vectors and chunk ids are those of a one-process ingest.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from reader.errors import PdfError
from reader.models import ExtractedPaper, FetchedPaper
from reader.settings import Settings


@dataclass(frozen=True)
class Unreadable:
    """A paper its worker could not extract: a bad PDF, or the worker process died on it."""

    message: str
    pdf_error: bool  # a PdfError (a cached copy may be dropped), not a crashed worker


def extract_with(settings: Settings, paper: FetchedPaper) -> ExtractedPaper:
    """Module-level (picklable) extraction of one fetched paper."""
    from reader.pdf.extract import extract_paper

    return extract_paper(paper.pdf_path, settings)


def _guarded(
    extract: Callable[[FetchedPaper], ExtractedPaper], paper: FetchedPaper
) -> ExtractedPaper | Unreadable:
    try:
        return extract(paper)
    except PdfError as exc:
        return Unreadable(str(exc), pdf_error=True)


def extract_in_pool(
    papers: Sequence[FetchedPaper],
    extract: Callable[[FetchedPaper], ExtractedPaper],
    workers: int,
) -> Iterator[ExtractedPaper | Unreadable]:
    """`extract(paper)` for each paper in `workers` processes, yielded in the papers' order.

    A paper whose worker dies (a crash inside MuPDF, the OOM killer) is retried alone in a fresh
    process, so only the paper that kills its worker is reported, not its neighbours."""
    done = 0
    with _pool(workers) as pool:
        futures = _submit_all(pool, papers, extract)
        try:
            for future in futures:
                yield future.result()
                done += 1
        except BrokenProcessPool:
            pass
    for paper in papers[done:]:
        yield _alone(paper, extract)


def _alone(
    paper: FetchedPaper, extract: Callable[[FetchedPaper], ExtractedPaper]
) -> ExtractedPaper | Unreadable:
    with _pool(1) as pool:
        (future,) = _submit_all(pool, [paper], extract)
        try:
            return future.result()
        except BrokenProcessPool:
            return Unreadable(
                f"{paper.pdf_path}: the extraction process died on this PDF "
                "(damaged or too large?); ingest it alone with --paper to see the error",
                pdf_error=False,
            )


def _submit_all(
    pool: ProcessPoolExecutor,
    papers: Sequence[FetchedPaper],
    extract: Callable[[FetchedPaper], ExtractedPaper],
) -> list[Future[ExtractedPaper | Unreadable]]:
    # submit() starts the children (on demand, all of them within the first few calls): hiding
    # the main module meanwhile keeps spawn from re-running the caller's script in each child.
    with _main_hidden():
        return [pool.submit(_guarded, extract, paper) for paper in papers]


@contextlib.contextmanager
def _pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def _main_hidden() -> Iterator[None]:
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved: dict[str, Any] = {
        name: main.__dict__.pop(name) for name in ("__file__", "__spec__") if name in vars(main)
    }
    main.__spec__ = None
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)
