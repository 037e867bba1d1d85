"""Small pieces the pages share: safe text, error notices, ingest progress, links to Read,
equations, figures and tables drawn from the PDF."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import streamlit as st

from app_pages.i18n import language, t, t_or
from app_pages.session import READ_PAGE, library
from reader import (
    Block,
    BlockKind,
    IndexMissingError,
    IngestJobState,
    Library,
    PaperEntry,
    QuotedBlock,
    ReaderError,
)

# Everything Markdown, Streamlit's extensions (:emoji:, :color[...], $math$) or HTML could act on.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:=^%])")
INGEST_POLL_SECONDS = 1.0


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
        st.error(md(t("error.detail", error=str(exc))))


def no_index_notice() -> None:
    st.info(t("index.missing") + t("index.help"))


def ingest_status(lib: Library) -> None:
    """The background ingest: its progress while it runs (redrawn every second), then its
    outcome paper by paper."""
    job = lib.ingest_job()
    if job is None:
        return
    if job.state().running:
        _running_ingest(lib)
    else:
        _ingest_outcome(job.state())


@st.fragment(run_every=INGEST_POLL_SECONDS)
def _running_ingest(lib: Library) -> None:
    job = lib.ingest_job()
    state = job.state() if job is not None else None
    if state is None or not state.running:
        st.rerun(scope="app")  # redraw the whole page with the new index
        return
    # Not a `with` block: leaving one would mark the status complete while the ingest runs.
    box = st.status(md(t("ingest.running", what=_what(state))), state="running", expanded=True)
    if state.stage and state.total:
        stage = t_or(f"ingest.stage.{state.stage}", state.stage)
        done = t("ingest.progress", stage=stage, done=state.done, total=state.total)
        last = t("ingest.last", paper=state.paper_id) if state.paper_id else ""
        box.progress(min(1.0, state.done / state.total), text=md(done + last))
    else:
        box.write(t("ingest.starting"))
    box.caption(t("ingest.meanwhile"))


def _what(state: IngestJobState) -> str:
    return ", ".join(state.paper_ids) if state.paper_ids else t("ingest.reading_list")


def _ingest_outcome(state: IngestJobState) -> None:
    if state.error is not None:
        st.error(md(t("ingest.failed", what=_what(state), error=state.error)))
        return
    if state.report is None:
        return
    failed = len(state.report.failed)
    label = t("ingest.done_failed", failed=failed) if failed else t("ingest.done")
    with st.status(label, state="error" if failed else "complete", expanded=bool(failed)):
        for outcome in state.report.outcomes:
            status = t_or(f"ingest.outcome.{outcome.status}", outcome.status)
            detail = outcome.message or t(
                "ingest.detail", pages=outcome.pages, chunks=outcome.chunks
            )
            line = md(f"{outcome.paper_id}: {status} ({detail})")
            (st.error if outcome.status == "failed" else st.write)(line)


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


def drawn_block(paper_id: str, sha256: str, block: Block) -> None:
    """An equation, figure or table as the PDF draws it, with its number and caption; its
    text (the formula) is shown if the PDF cannot be drawn."""
    key = {BlockKind.EQUATION: "read.equation", BlockKind.FIGURE: "read.figure"}.get(
        block.kind, "read.table"
    )
    label = t(key, number=block.number or "", page=block.page)
    try:
        png = _block_png(paper_id, sha256, block)
    except ReaderError:
        st.markdown(md(f"{label}: {block.text}" if block.kind is BlockKind.EQUATION else label))
        return
    st.image(png, caption=label, width="content")
    if block.caption:
        st.caption(md(block.caption))


@st.cache_data(max_entries=256, show_spinner=False)
def _block_png(paper_id: str, sha256: str, block: Block) -> bytes:
    # One crop per page and box; sha256 in the key: a different PDF renders afresh.
    return library().block_image(paper_id, block).png


def printed_answer(lib: Library, parts: Sequence[QuotedBlock]) -> None:
    """An answer as printed: its sentences, a quoted equation drawn from the PDF."""
    for part in parts:
        if part.block.kind is BlockKind.PARAGRAPH:
            st.markdown(md(part.block.text))
        else:
            drawn_block(part.paper_id, lib.paper(part.paper_id).sha256, part.block)


def quotes(paragraph: str, quote: str | None, run: int = 6) -> bool:
    """Whether the paragraph holds part of the quote: `run` words in a row in common."""
    if not quote:
        return False

    def runs(text: str) -> set[tuple[str, ...]]:
        words = re.findall(r"\w+", text.lower())
        return {tuple(words[i : i + run]) for i in range(max(len(words) - run + 1, 0))}

    return not runs(paragraph).isdisjoint(runs(quote))


def searched_in_english(english: str, unmatched: Sequence[str]) -> None:
    """A query typed in Chinese: the English it ran as, and the words left out."""
    st.caption(md(t("searched.english", english=english)))
    if unmatched:
        st.caption(md(t("searched.unmatched", words="、".join(unmatched))))


def role_name(role: str) -> str:
    """A section role ('related_work') in the reader's language."""
    return t_or(f"role.{role}", role.replace("_", " "))


def plan_focus(entry: PaperEntry) -> tuple[str, ...]:
    """The plan's focus for a paper, in the plan's own Chinese when the app is in 中文."""
    return entry.focus_zh if language() == "zh" and entry.focus_zh else entry.focus


def with_chinese_name(lib: Library, term: str) -> str:
    """In 中文: 'LayerNorm' as 'LayerNorm（层归一化）' when the glossary knows its Chinese name."""
    if language() != "zh":
        return term
    entry = lib.glossary_entry(term)
    return f"{term}（{entry.zh_names[0]}）" if entry is not None and entry.zh_names else term
