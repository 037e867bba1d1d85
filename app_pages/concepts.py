"""Concepts: look a term up; its definition from the papers, then the glossary, labelled."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from app_pages.session import library
from app_pages.widgets import ingest_status, md, read_link, searched_in_english, shown_errors
from reader import ConceptResult, Library, ReaderError

TERM = "concept_term"
EXAMPLES = 12  # chips suggested before anything is looked up


def main() -> None:
    lib = library()
    st.title("Concepts")
    with shown_errors():
        st.text_input(
            "Look up a term", key=TERM, placeholder="e.g. GELU, InfoNCE, LayerNorm, 位置编码"
        )
        term = str(st.session_state.get(TERM, "")).strip()
        if not term:
            _chips("Try one of your study plan's key concepts", _plan_concepts(lib), "examples")
            return
        if not lib.has_index():
            st.info("No papers are ingested yet, so only the glossary can answer.")
        result = lib.concept(term)
        _card(lib, result)


def _plan_concepts(lib: Library) -> list[str]:
    try:
        plan = lib.reading_list()
    except ReaderError:
        return []
    seen: dict[str, None] = {}
    for entry in plan.papers:
        for concept in entry.key_concepts:
            seen.setdefault(concept, None)
    return list(seen)[:EXAMPLES]


def _chips(label: str, terms: Sequence[str], key: str) -> None:
    """Clickable terms: picking one looks it up."""
    if not terms:
        return

    def look_up() -> None:
        picked = st.session_state.get(key)
        if picked:
            st.session_state[TERM] = picked
        st.session_state[key] = None

    st.pills(label, list(terms), key=key, on_change=look_up, format_func=md)


def _card(lib: Library, result: ConceptResult) -> None:
    canonical = result.canonical or result.term
    # "ReLUs → ReLU": the term as typed, then the concept it resolved to.
    heading = result.term if canonical == result.term else f"{result.term} → {canonical}"
    heading += f" ({result.expansion})" if result.expansion else ""
    st.header(md(heading), anchor=False)
    if result.query_used:
        searched_in_english(result.query_used, result.unmatched)
    if not result.found:
        st.warning(md(f"“{result.term}” is not found in the papers of your library."))
    if result.definitions:
        st.markdown("**From the papers** (quoted)")
        for i, d in enumerate(result.definitions[:3]):
            with st.container(border=True):
                st.markdown(f"> {md(d.text)}")
                read_link(
                    f"{_title(lib, d.paper_id)} §{d.section}, p.{d.page}",
                    d.paper_id,
                    d.section,
                    d.page,
                    d.text,
                )
            if i == 0 and len(result.definitions) > 1:
                st.caption("Other passages that define it:")
    if result.glossary is not None:
        g = result.glossary
        with st.container(border=True):
            st.markdown("**Glossary** · written for this project, not a quote from a paper")
            if g.zh_names:
                st.markdown(md(f"{g.term} · {'、'.join(g.zh_names)}"))
            st.markdown(md(g.definition))
            if g.zh_gloss:
                st.markdown(md(g.zh_gloss))
            if g.formula:
                st.code(g.formula, language=None)
            if g.introduced_by:
                st.caption(md(f"Introduced by {g.introduced_by}"))
    if result.occurrences:
        st.markdown("**Where it occurs**")
        for o in result.occurrences:
            read_link(
                f"{_title(lib, o.paper_id)}: {o.count}×, first in §{o.first_section}, "
                f"p.{o.first_page}",
                o.paper_id,
                o.first_section,
                o.first_page,
                result.query_used or canonical,  # the English the papers use, not the typed term
            )
    _chips("Related concepts", result.related, "related")
    _not_ingested(lib, result)
    if result.hint:
        st.info(md(result.hint))


def _not_ingested(lib: Library, result: ConceptResult) -> None:
    """Reading-list papers about the term that are not in the index: offer to ingest them."""
    for ref in result.reading_list:
        if ref.ingested:
            continue
        st.markdown(md(f"“{ref.title}” ({ref.paper_id}) is on your reading list, not ingested."))
        if st.button(f"Ingest {ref.paper_id}", key=f"ingest_{ref.paper_id}"):
            lib.start_ingest([ref.paper_id])
    ingest_status(lib)


def _title(lib: Library, paper_id: str) -> str:
    try:
        return lib.paper(paper_id).short_name
    except ReaderError:
        return paper_id


main()
