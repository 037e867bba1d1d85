"""Ask: a question answered from the papers' own sentences, each citation a link into Read."""

from __future__ import annotations

import streamlit as st

from app_pages.i18n import t
from app_pages.session import library
from app_pages.widgets import (
    ingest_status,
    md,
    no_index_notice,
    printed_answer,
    read_link,
    role_name,
    searched_in_english,
    shown_errors,
)
from reader import Answer, Library, SearchFilters, SectionRole

ANSWER = "ask_answer"  # the last answer, so other clicks on the page do not ask again
ANY = ""


def main() -> None:
    lib = library()
    st.title(t("ask.title"))
    with shown_errors():
        if not lib.has_index():
            no_index_notice()
            return
        filters, question = _question_form(lib)
        if question is not None:
            if not question.strip():
                st.warning(t("ask.empty"))
            else:
                with st.spinner(t("ask.searching")):
                    st.session_state[ANSWER] = lib.ask(question, filters)
        answer: Answer | None = st.session_state.get(ANSWER)
        if answer is not None:
            _show(lib, answer)


def _question_form(lib: Library) -> tuple[SearchFilters, str | None]:
    papers = {p.id: p for p in lib.papers()}
    with st.form("ask_form", border=False):
        question = st.text_input(
            t("ask.question"), key="ask_question", placeholder=t("ask.placeholder")
        )
        left, right = st.columns(2)
        # Labels made now, in this run's language: Streamlit may format options later.
        paper_names: dict[str, str] = {ANY: t("ask.all_papers")}
        paper_names |= {pid: f"{p.short_name} — {p.title}" for pid, p in papers.items()}
        paper_id = left.selectbox(
            t("ask.only_paper"),
            list(paper_names),
            key="ask_paper",
            format_func=paper_names.__getitem__,
        )
        role_names: dict[str, str] = {ANY: t("ask.any_section")}
        role_names |= {r.value: role_name(r.value).capitalize() for r in SectionRole}
        role = right.selectbox(
            t("ask.only_role"), list(role_names), key="ask_role", format_func=role_names.__getitem__
        )
        asked = st.form_submit_button(t("ask.button"), type="primary", icon=":material/search:")
    filters = SearchFilters(
        paper_id=paper_id or None, section_role=SectionRole(role) if role else None
    )
    return filters, (question if asked else None)


def llm_not_used(answer: Answer) -> None:
    """Why the configured language model did not write this answer (nothing when none is)."""
    generation = answer.generation
    if generation is not None and not generation.used:
        st.caption(md(t("ask.llm_not_used", reason=generation.reason or "")))


def _show(lib: Library, answer: Answer) -> None:
    st.subheader(md(answer.question), anchor=False)
    if answer.query_used:
        searched_in_english(answer.query_used, answer.unmatched)
    missing = answer.missing_paper
    if missing is not None:
        st.warning(md(t("ask.not_ingested", title=missing.title, paper=missing.id)))
        if st.button(
            t("ingest.one", paper=missing.id), key=f"ask_ingest_{missing.id}", type="primary"
        ):
            lib.start_ingest([missing.id])
        ingest_status(lib)
    elif answer.abstained:
        st.warning(t("ask.not_found"))
        llm_not_used(answer)
    else:
        with st.container(border=True):
            if answer.printed:
                printed_answer(lib, answer.printed)
            else:
                st.markdown(md(answer.answer))
            st.caption(t("ask.generated") if answer.generated else t("ask.quoted"))
            llm_not_used(answer)
    if answer.citations and not answer.abstained:
        st.markdown(t("ask.sources"))
        shown: set[str] = set()
        for c in answer.citations:
            if c.label not in shown:  # one link per place, even when two sentences share it
                shown.add(c.label)
                read_link(c.label, c.paper_id, c.section, c.page, c.quote)
    if len(answer.options) > 1:
        with st.expander(t("ask.other_answers"), expanded=False):
            for option in answer.options[1:]:
                if option.printed:
                    printed_answer(lib, option.printed)
                else:
                    st.markdown(md(option.answer))
                first = option.citations[0] if option.citations else None
                if first is not None:
                    read_link(first.label, first.paper_id, first.section, first.page, first.quote)
    if answer.hits:
        if missing is not None:
            title = t("ask.from_other_papers")
        else:
            title = t("ask.supporting") if not answer.abstained else t("ask.nearest")
        st.markdown(title)
        for hit in answer.hits:
            title = f"{hit.paper_title} §{hit.section}, p.{hit.page}"
            with st.expander(md(title), expanded=False):
                st.markdown(md(hit.text))
                st.caption(t("ask.score", score=f"{hit.score:.3f}"))
                read_link(t("ask.open_in_read"), hit.paper_id, hit.section, hit.page, hit.text)


main()
