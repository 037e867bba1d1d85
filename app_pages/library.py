"""Library: this week of the study plan, the reading list in plan order, each paper's state,
and ingest buttons."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

import streamlit as st

from app_pages.i18n import t
from app_pages.session import PRACTICE_PAGE, READ_PAGE, library
from app_pages.widgets import ingest_status, md, plan_focus, role_name, shown_errors
from reader import Library, PaperStatus, ReaderError

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
        _this_week(lib)
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


def _this_week(lib: Library) -> None:
    """ "Week N": what to read now, what is overdue, cards due, and this stage's exercises."""
    study = lib.study
    if study.plan_start() is None:
        with st.container(border=True):
            st.markdown(t("week.no_start"))
            left, right = st.columns([2, 1], vertical_alignment="bottom")
            start = left.date_input(t("week.start_on"), value=dt.date.today(), key="plan_start")
            if right.button(t("week.start"), key="plan_start_button", icon=":material/flag:"):
                study.set_plan_start(start)
                st.rerun()
        return
    try:
        plan = study.plan()
    except ReaderError as exc:  # e.g. no paper has weeks: the list is still worth showing
        st.warning(md(str(exc)))
        return
    if not plan.started:
        title = t("week.before", start=plan.start.isoformat())
    elif plan.over:
        title = t("week.over", week=plan.week, total=plan.total_weeks)
    else:
        title = t("week.title", week=plan.week, total=plan.total_weeks)
    st.subheader(title, anchor=False)
    now, late, cards = st.columns([2, 2, 1])
    with now:
        st.markdown(t("week.to_read"))
        for paper in plan.this_week:
            _plan_line(paper.id, paper.title, paper.state, paper.status.entry.read_first)
        if not plan.this_week:
            st.caption(t("week.nothing_now"))
    with late:
        st.markdown(t("week.overdue"))
        for paper in plan.overdue:
            _plan_line(paper.id, paper.title, paper.state, paper.status.entry.read_first)
        if not plan.overdue:
            st.caption(t("week.nothing_overdue"))
    with cards:
        try:
            due = study.quiz_stats().due_today
        except ReaderError:
            due = 0
        st.metric(t("week.cards_due"), due)
        stages = {p.status.entry.stage for p in plan.this_week}
        exercises = [e for e in study.exercises() if e.stage in stages]
        if exercises:
            st.markdown(t("week.exercises") + ", ".join(f"`{e.name}`" for e in exercises))
        st.page_link(PRACTICE_PAGE, label=t("week.practice"), icon=":material/code:")


def _plan_line(paper_id: str, title: str, state: str, read_first: tuple[str, ...]) -> None:
    first = (
        t("week.read_first", sections=", ".join(role_name(r) for r in read_first))
        if read_first
        else ""
    )
    st.page_link(
        READ_PAGE,
        label=f"{title} · {t('state.' + state)}{first}",
        icon=":material/menu_book:",
        query_params={"paper": paper_id},
    )


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
