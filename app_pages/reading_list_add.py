"""'Add to reading list' buttons, and a paper's references with the arXiv ids they print."""

from __future__ import annotations

import streamlit as st

from app_pages.i18n import t
from app_pages.widgets import md
from reader import FetchError, Library, ReaderError

OFFLINE_RETRY = "add_offline_retry"  # an id whose arXiv lookup failed: offer the id alone


def add_button(lib: Library, arxiv_id: str, key: str) -> None:
    """A button that appends `arxiv_id` to the reading list, or says it is already there."""
    try:
        listed = lib.study.in_reading_list(arxiv_id)
    except ReaderError as exc:  # an unreadable reading list: say so, add nothing
        st.caption(md(str(exc)))
        return
    if listed:
        st.caption(t("add.listed", paper=arxiv_id))
        return
    if st.session_state.get(OFFLINE_RETRY) == arxiv_id:
        if st.button(t("add.id_alone", paper=arxiv_id), key=f"{key}_offline"):
            _add(lib, arxiv_id, offline=True)
        return
    if st.button(t("add.button", paper=arxiv_id), key=key, icon=":material/playlist_add:"):
        _add(lib, arxiv_id, offline=None)


def _add(lib: Library, arxiv_id: str, offline: bool | None) -> None:
    try:
        added = lib.study.add_to_reading_list(arxiv_id, offline=offline)
    except FetchError as exc:  # arXiv unreachable or unknown id: nothing was written
        st.session_state[OFFLINE_RETRY] = arxiv_id
        st.warning(md(t("add.lookup_failed", error=str(exc))))
        return
    except ReaderError as exc:
        st.error(md(str(exc)))
        return
    st.session_state.pop(OFFLINE_RETRY, None)
    title = f" “{added.title}”" if added.title else ""
    st.success(md(t("add.done", paper=added.id, title=title, path=added.path)))


def references_panel(lib: Library, paper_id: str, expanded: bool) -> None:
    """The paper's reference list; an entry that prints an arXiv id can go onto the list."""
    try:
        found = lib.study.references(paper_id).references
    except ReaderError as exc:
        st.caption(md(str(exc)))
        return
    if not found:
        return
    with_id = [r for r in found if r.arxiv_id]
    label = t("refs.title", count=len(found), with_id=len(with_id))
    with st.expander(label, expanded=expanded):
        if not with_id:
            st.caption(t("refs.none_with_id"))
        for ref in found:
            if ref.arxiv_id:
                st.markdown(md(f"[{ref.number}] {ref.text}"))
                add_button(lib, ref.arxiv_id, key=f"add_ref_{paper_id}_{ref.number}")
