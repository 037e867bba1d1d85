"""Library: the reading list in study-plan order, each paper's state, and ingest buttons."""

from __future__ import annotations

from itertools import groupby

import streamlit as st

from app_pages.session import READ_PAGE, library
from app_pages.widgets import INGEST_HELP, ingest_status, md, shown_errors
from reader import PaperStatus

REQUEST = "library_ingest_request"  # paper ids to ingest on the next run; () = all

STATE_BADGE = {
    "not fetched": ":gray-badge[not fetched]",
    "fetched": ":blue-badge[PDF at hand, not ingested]",
    "ingested": ":orange-badge[ingested, unread]",
    "reading": ":violet-badge[reading]",
    "read": ":green-badge[read]",
}


def main() -> None:
    lib = library()
    st.title("Reading list")
    with shown_errors():
        requested = st.session_state.pop(REQUEST, None)
        if requested is not None:  # set by an Ingest button on the previous run
            lib.start_ingest(requested)  # on a background thread; pages stay usable
        ingest_status(lib)
        statuses = lib.reading_status()
        if not lib.has_index():
            st.info("No index yet: nothing has been ingested. " + INGEST_HELP)
        if not statuses:
            st.warning(
                md(
                    f"The reading list {lib.settings.papers_file} is empty or missing; "
                    "add papers to it (see papers.yaml)."
                )
            )
            return
        _summary(statuses)
        st.button(
            "Ingest all",
            type="primary",
            icon=":material/download:",
            key="ingest_all",
            on_click=_request,
            args=((),),
        )
        for stage, group in groupby(statuses, key=lambda s: s.entry.stage):
            items = list(group)
            weeks = items[0].entry.weeks
            title = f"Stage {stage}" if stage is not None else "Other papers"
            st.subheader(title + (f" · weeks {weeks}" if weeks else ""), anchor=False)
            for status in items:
                _paper_row(status)


def _request(paper_ids: tuple[str, ...]) -> None:
    st.session_state[REQUEST] = paper_ids


def _summary(statuses: list[PaperStatus]) -> None:
    ingested = sum(1 for s in statuses if s.record is not None)
    total = sum(s.sections_total for s in statuses)
    read = sum(s.sections_read for s in statuses)
    a, b, c = st.columns(3)
    a.metric("Papers ingested", f"{ingested} / {len(statuses)}")
    b.metric("Sections read", f"{read} / {total}")
    c.metric("Notes", sum(s.notes for s in statuses))


def _paper_row(status: PaperStatus) -> None:
    entry, record = status.entry, status.record
    title = entry.title or (record.title if record else entry.id)
    with st.container(border=True):
        left, right = st.columns([3, 1])
        with left:
            name = f"**{md(entry.short_name)}** · " if entry.short_name else ""
            st.markdown(f"{name}{md(title)}  {STATE_BADGE.get(status.state, '')}")
            url = record.arxiv_url if record and record.arxiv_url else _arxiv(entry.id)
            st.caption(f"[arXiv {md(entry.id)}]({url})")
            if entry.focus:
                st.markdown("Look for: " + md("; ".join(entry.focus)))
        with right:
            if record is not None:
                done = status.sections_read / max(status.sections_total, 1)
                st.progress(done, text=f"{status.sections_read}/{status.sections_total} sections")
                st.page_link(
                    READ_PAGE,
                    label="Read",
                    icon=":material/menu_book:",
                    query_params={"paper": entry.id},
                )
            else:
                st.button(
                    "Ingest",
                    key=f"ingest_{entry.id}",
                    icon=":material/download:",
                    on_click=_request,
                    args=((entry.id,),),
                )


def _arxiv(paper_id: str) -> str:
    return f"https://arxiv.org/abs/{paper_id}"


main()
