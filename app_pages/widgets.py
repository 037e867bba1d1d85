"""Small pieces the pages share: safe text, error notices, ingest progress, links to Read."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import streamlit as st

from app_pages.session import READ_PAGE
from reader import IndexMissingError, Library, ReaderError, Section

# Everything Markdown, Streamlit's extensions (:emoji:, :color[...], $math$) or HTML could act on.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:=^%])")
INGEST_HELP = (
    "Build it once from a terminal in the project folder with `make run` (or "
    "`reader ingest --pdf-dir ../shared/papers`), or press **Ingest all** below."
)


def md(text: str) -> str:
    """Text from a PDF made inert for st.markdown: shown as written, never as markup or HTML."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    # Leading spaces would turn a line into a code block.
    return "\n".join(line.strip() for line in escaped.splitlines())


@contextmanager
def shown_errors() -> Iterator[None]:
    """Turn a reader error into a one-line notice on the page instead of a traceback."""
    try:
        yield
    except IndexMissingError:
        no_index_notice()
    except ReaderError as exc:
        st.error(str(exc))


def no_index_notice() -> None:
    st.info("No index yet: your papers have not been ingested. " + INGEST_HELP)


class StreamlitProgress:
    """Shows the ingest pipeline's stages as a progress bar (an `IngestProgress`)."""

    def __init__(self, container: Any) -> None:
        self._container = container
        self._bar: Any = None
        self._done = 0
        self._total = 0

    def start(self, stage: str, total: int) -> None:
        self._done, self._total = 0, total
        if total:
            self._bar = self._container.progress(0.0, text=f"{stage}: 0/{total}")

    def advance(self, stage: str, paper_id: str) -> None:
        self._done += 1
        if self._bar is not None:
            fraction = min(1.0, self._done / max(self._total, 1))
            self._bar.progress(fraction, text=f"{stage}: {paper_id} ({self._done}/{self._total})")

    def finish(self, stage: str) -> None:
        self._bar = None


def ingest_with_progress(lib: Library, only: Sequence[str] = ()) -> None:
    """Run an ingest with live progress, then report each paper's outcome."""
    what = ", ".join(only) if only else "the reading list"
    with st.status(f"Ingesting {what}… (embedding runs on the CPU)", expanded=True) as status:
        try:
            report = lib.ingest(only=only, progress=StreamlitProgress(status))
        except ReaderError as exc:
            status.update(label="Ingest failed", state="error")
            st.error(str(exc))
            return
        for outcome in report.outcomes:
            detail = outcome.message or f"{outcome.pages} pages, {outcome.chunks} passages"
            line = md(f"{outcome.paper_id}: {outcome.status} ({detail})")
            (st.error if outcome.status == "failed" else st.write)(line)
        failed = len(report.failed)
        status.update(
            label=f"Ingest done, {failed} failed" if failed else "Ingest done",
            state="error" if failed else "complete",
            expanded=bool(failed),
        )


def read_link(
    label: str,
    paper_id: str,
    section: str | None = None,
    page: int | None = None,
    quote: str | None = None,
) -> None:
    """A link that opens the Read page at a paper's section and page, the quote highlighted."""
    params = {"paper": paper_id}
    if section:
        params["section"] = section
    if page:
        params["page"] = str(page)
    if quote:
        params["hl"] = " ".join(quote.split())[:400]  # keeps the URL short
    st.page_link(READ_PAGE, label=md(label), icon=":material/menu_book:", query_params=params)


def section_blocks(section: Section, subsections: Sequence[Section]) -> list[tuple[bool, str]]:
    """The section's text as (is_heading, text) blocks: paragraphs, subsection headings apart."""
    headings = {_squash(s.label): s.label for s in subsections}
    headings.update({_squash(s.title): s.label for s in subsections})
    blocks: list[tuple[bool, str]] = []
    for paragraph in re.split(r"\n\s*\n", section.text):
        lines = [line.strip() for line in paragraph.strip().splitlines() if line.strip()]
        body: list[str] = []
        for line in lines:
            heading = headings.get(_squash(line))
            if heading is None:
                body.append(line)
                continue
            if body:
                blocks.append((False, " ".join(body)))
                body = []
            blocks.append((True, heading))
        if body:
            blocks.append((False, " ".join(body)))
    return blocks


def _squash(text: str) -> str:
    return " ".join(text.lower().split())


def quotes(paragraph: str, quote: str | None, run: int = 6) -> bool:
    """Whether the paragraph holds part of the quote: `run` words in a row in common."""
    if not quote:
        return False

    def runs(text: str) -> set[tuple[str, ...]]:
        words = re.findall(r"\w+", text.lower())
        return {tuple(words[i : i + run]) for i in range(max(len(words) - run + 1, 0))}

    return not runs(paragraph).isdisjoint(runs(quote))
