"""Ask: a question answered from the papers' own sentences, each citation a link into Read."""

from __future__ import annotations

import streamlit as st

from app_pages.session import library
from app_pages.widgets import md, no_index_notice, read_link, shown_errors
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
            _show(answer)


def _question_form(lib: Library) -> tuple[SearchFilters, str | None]:
    papers = {p.id: p for p in lib.papers()}
    with st.form("ask_form", border=False):
        question = st.text_input(
            "Your question",
            key="ask_question",
            placeholder="e.g. How does the Transformer inject information about position?",
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


def _show(answer: Answer) -> None:
    st.subheader(md(answer.question), anchor=False)
    if answer.abstained:
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
    if answer.hits:
        st.markdown("**Supporting passages**" if not answer.abstained else "**Nearest passages**")
        for hit in answer.hits:
            title = f"{hit.paper_title} §{hit.section}, p.{hit.page}"
            with st.expander(md(title), expanded=False):
                st.markdown(md(hit.text))
                st.caption(f"score {hit.score:.3f}")
                read_link("Open in Read", hit.paper_id, hit.section, hit.page, hit.text)


main()
