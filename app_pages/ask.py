"""Ask: a question answered from the papers' own sentences, each citation a link into Read."""

from __future__ import annotations

import streamlit as st

from app_pages.session import library
from app_pages.widgets import (
    ingest_status,
    md,
    no_index_notice,
    read_link,
    searched_in_english,
    shown_errors,
)
from reader import Answer, Library, SearchFilters, SectionRole

ANSWER = "ask_answer"  # the last answer, so other clicks on the page do not ask again
ANY = ""


def main() -> None:
    lib = library()
    st.title("Ask")
    with shown_errors():
        if not lib.has_index():
            no_index_notice()
            return
        filters, question = _question_form(lib)
        if question is not None:
            if not question.strip():
                st.warning("Type a question first, e.g. “Why is attention scaled by √d_k?”")
            else:
                with st.spinner("Searching your papers…"):
                    st.session_state[ANSWER] = lib.ask(question, filters)
        answer: Answer | None = st.session_state.get(ANSWER)
        if answer is not None:
            _show(lib, answer)


def _question_form(lib: Library) -> tuple[SearchFilters, str | None]:
    papers = {p.id: p for p in lib.papers()}
    with st.form("ask_form", border=False):
        question = st.text_input(
            "Your question",
            key="ask_question",
            placeholder=(
                "e.g. How does the Transformer inject information about position? "
                "或：什么是多头注意力？"
            ),
        )
        left, right = st.columns(2)
        paper_id = left.selectbox(
            "Only in paper",
            [ANY, *papers],
            key="ask_paper",
            format_func=lambda pid: (
                f"{papers[pid].short_name} — {papers[pid].title}" if pid else "All papers"
            ),
        )
        role = right.selectbox(
            "Only in sections of kind",
            [ANY, *(r.value for r in SectionRole)],
            key="ask_role",
            format_func=lambda r: r.replace("_", " ").capitalize() if r else "Any section",
        )
        asked = st.form_submit_button("Ask", type="primary", icon=":material/search:")
    filters = SearchFilters(
        paper_id=paper_id or None, section_role=SectionRole(role) if role else None
    )
    return filters, (question if asked else None)


def _show(lib: Library, answer: Answer) -> None:
    st.subheader(md(answer.question), anchor=False)
    if answer.query_used:
        searched_in_english(answer.query_used, answer.unmatched)
    missing = answer.missing_paper
    if missing is not None:
        st.warning(
            md(
                f"“{missing.title}” ({missing.id}) is on your reading list but not ingested yet, "
                "so it cannot answer this."
            )
        )
        if st.button(f"Ingest {missing.id}", key=f"ask_ingest_{missing.id}", type="primary"):
            lib.start_ingest([missing.id])
        ingest_status(lib)
    elif answer.abstained:
        st.warning(md(answer.answer))
    else:
        with st.container(border=True):
            st.markdown(md(answer.answer))
            if answer.generated:
                st.caption("Written by the language model from the cited passages only.")
            else:
                st.caption("The papers' own sentences, quoted.")
    if answer.citations and not answer.abstained:
        st.markdown("**Sources** (open the section in Read, the passage highlighted)")
        shown: set[str] = set()
        for c in answer.citations:
            if c.label not in shown:  # one link per place, even when two sentences share it
                shown.add(c.label)
                read_link(c.label, c.paper_id, c.section, c.page, c.quote)
    if len(answer.options) > 1:
        with st.expander("Other answers from your papers", expanded=False):
            for option in answer.options[1:]:
                st.markdown(md(option.answer))
                first = option.citations[0] if option.citations else None
                if first is not None:
                    read_link(first.label, first.paper_id, first.section, first.page, first.quote)
    if answer.hits:
        if missing is not None:
            title = "**From other papers** (not an answer about this one)"
        else:
            title = "**Supporting passages**" if not answer.abstained else "**Nearest passages**"
        st.markdown(title)
        for hit in answer.hits:
            title = f"{hit.paper_title} §{hit.section}, p.{hit.page}"
            with st.expander(md(title), expanded=False):
                st.markdown(md(hit.text))
                st.caption(f"score {hit.score:.3f}")
                read_link("Open in Read", hit.paper_id, hit.section, hit.page, hit.text)


main()
