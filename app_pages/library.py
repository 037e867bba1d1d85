"""Library: the reading list in study-plan order, each paper's state, and ingest buttons."""

from __future__ import annotations

from itertools import groupby

import streamlit as st

from app_pages.i18n import t
from app_pages.session import READ_PAGE, library
from app_pages.widgets import ingest_status, md, plan_focus, shown_errors
from reader import PaperStatus

REQUEST = "library_ingest_request"  # paper ids to ingest on the next run; () = all

BADGE_COLOUR = {
    "not fetched": "gray",
    "fetched": "blue",
    "ingested": "orange",
    "reading": "violet",
    "read": "green",
}


def main() -> None:
    lib = library()
    st.title(t("library.title"))
    with shown_errors():
        requested = st.session_state.pop(REQUEST, None)
        if requested is not None:  # set by an Ingest button on the previous run
            lib.start_ingest(requested)  # on a background thread; pages stay usable
        ingest_status(lib)
        statuses = lib.reading_status()
        if not lib.has_index():
            st.info(t("library.no_index") + t("index.help"))
        if not statuses:
            st.warning(md(t("library.empty", path=lib.settings.papers_file)))
            return
        _summary(statuses)
        st.button(
            t("library.ingest_all"),
            type="primary",
            icon=":material/download:",
            key="ingest_all",
            on_click=_request,
            args=((),),
        )
        for stage, group in groupby(statuses, key=lambda s: s.entry.stage):
            items = list(group)
            weeks = items[0].entry.weeks
            title = t("library.stage", stage=stage) if stage is not None else t("library.other")
            st.subheader(title + (t("library.weeks", weeks=weeks) if weeks else ""), anchor=False)
            for status in items:
                _paper_row(status)


def _request(paper_ids: tuple[str, ...]) -> None:
    st.session_state[REQUEST] = paper_ids


def _summary(statuses: list[PaperStatus]) -> None:
    ingested = sum(1 for s in statuses if s.record is not None)
    total = sum(s.sections_total for s in statuses)
    read = sum(s.sections_read for s in statuses)
    a, b, c = st.columns(3)
    a.metric(t("library.papers_ingested"), f"{ingested} / {len(statuses)}")
    b.metric(t("library.sections_read"), f"{read} / {total}")
    c.metric(t("library.notes"), sum(s.notes for s in statuses))


def _paper_row(status: PaperStatus) -> None:
    entry, record = status.entry, status.record
    title = entry.title or (record.title if record else entry.id)
    with st.container(border=True):
        left, right = st.columns([3, 1])
        with left:
            name = f"**{md(entry.short_name)}** · " if entry.short_name else ""
            st.markdown(f"{name}{md(title)}  {_badge(status.state)}")
            url = record.arxiv_url if record and record.arxiv_url else _arxiv(entry.id)
            st.caption(f"[arXiv {md(entry.id)}]({url})")
            focus = plan_focus(entry)
            if focus:
                st.markdown(t("library.look_for") + md("; ".join(focus)))
        with right:
            if record is not None:
                done = status.sections_read / max(status.sections_total, 1)
                read = t(
                    "library.sections_progress",
                    read=status.sections_read,
                    total=status.sections_total,
                )
                st.progress(done, text=read)
                st.page_link(
                    READ_PAGE,
                    label=t("library.read"),
                    icon=":material/menu_book:",
                    query_params={"paper": entry.id},
                )
            else:
                st.button(
                    t("library.ingest"),
                    key=f"ingest_{entry.id}",
                    icon=":material/download:",
                    on_click=_request,
                    args=((entry.id,),),
                )


def _badge(state: str) -> str:
    colour = BADGE_COLOUR.get(state)
    return f":{colour}-badge[{t('state.' + state)}]" if colour else ""


def _arxiv(paper_id: str) -> str:
    return f"https://arxiv.org/abs/{paper_id}"


main()
