"""Concepts: look a term up; its definition from the papers, then the glossary, labelled."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from app_pages.i18n import language, t
from app_pages.reading_list_add import add_button
from app_pages.session import library
from app_pages.widgets import (
    ingest_status,
    md,
    read_link,
    searched_in_english,
    shown_errors,
    with_chinese_name,
)
from reader import ConceptResult, Library, ReaderError

TERM = "concept_term"
EXAMPLES = 12  # chips suggested before anything is looked up


def main() -> None:
    lib = library()
    st.title(t("concepts.title"))
    with shown_errors():
        st.text_input(t("concepts.look_up"), key=TERM, placeholder=t("concepts.placeholder"))
        term = str(st.session_state.get(TERM, "")).strip()
        if not term:
            _chips(lib, t("concepts.try"), _plan_concepts(lib), "examples")
            return
        if not lib.has_index():
            st.info(t("concepts.glossary_only"))
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


def _chips(lib: Library, label: str, terms: Sequence[str], key: str) -> None:
    """Clickable terms: picking one looks it up (in 中文, shown with their Chinese names)."""
    if not terms:
        return

    def look_up() -> None:
        picked = st.session_state.get(key)
        if picked:
            st.session_state[TERM] = picked
        st.session_state[key] = None

    names = {term: md(with_chinese_name(lib, term)) for term in terms}
    st.pills(label, list(names), key=key, on_change=look_up, format_func=names.__getitem__)


def _card(lib: Library, result: ConceptResult) -> None:
    canonical = result.canonical or result.term
    # "ReLUs → ReLU": the term as typed, then the concept it resolved to.
    heading = result.term if canonical == result.term else f"{result.term} → {canonical}"
    heading += f" ({result.expansion})" if result.expansion else ""
    g = result.glossary
    if language() == "zh" and g is not None and g.zh_names and g.zh_names[0] not in heading:
        heading += f" · {g.zh_names[0]}"  # both names, whichever was typed
    st.header(md(heading), anchor=False)
    if result.query_used:
        searched_in_english(result.query_used, result.unmatched)
    if not result.found:
        st.warning(md(t("concepts.not_found", term=result.term)))
    if result.definitions:
        st.markdown(t("concepts.from_papers"))
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
                st.caption(t("concepts.other_definitions"))
    if g is not None:
        with st.container(border=True):
            st.markdown(t("concepts.glossary"))
            if g.zh_names:
                st.markdown(md(f"{g.term} · {'、'.join(g.zh_names)}"))
            glosses = [g.definition, g.zh_gloss]
            if language() == "zh":
                glosses.reverse()  # the Chinese gloss first
            for gloss in glosses:
                if gloss:
                    st.markdown(md(gloss))
            if g.formula:
                st.code(g.formula, language=None)
            if g.introduced_by:
                st.caption(md(t("concepts.introduced_by", paper=g.introduced_by)))
                _offer_introducing_paper(lib, canonical, g.introduced_by)
    if result.occurrences:
        st.markdown(t("concepts.where"))
        for o in result.occurrences:
            read_link(
                t(
                    "concepts.occurrence",
                    paper=_title(lib, o.paper_id),
                    count=o.count,
                    section=o.first_section,
                    page=o.first_page,
                ),
                o.paper_id,
                o.first_section,
                o.first_page,
                result.query_used or canonical,  # the English the papers use, not the typed term
            )
    _chips(lib, t("concepts.related"), result.related, "related")
    _not_ingested(lib, result)


def _offer_introducing_paper(lib: Library, concept: str, introduced_by: str) -> None:
    """The paper that introduced the concept, when it is an arXiv id not on the reading list."""
    try:
        if lib.study.in_reading_list(introduced_by):
            return
    except ReaderError:  # a citation such as "Cayley (1858)", not an arXiv id
        return
    st.markdown(md(t("concepts.add_intro", concept=concept, paper=introduced_by)))
    add_button(lib, introduced_by, key=f"add_intro_{introduced_by}")


def _not_ingested(lib: Library, result: ConceptResult) -> None:
    """Reading-list papers about the term that are not in the index: offer to ingest them.
    When the papers never use the term, say which of those papers covers it."""
    missing = [ref for ref in result.reading_list if not ref.ingested]
    for ref in missing:
        st.markdown(md(t("concepts.on_list", title=ref.title, paper=ref.paper_id)))
        if st.button(t("ingest.one", paper=ref.paper_id), key=f"ingest_{ref.paper_id}"):
            lib.start_ingest([ref.paper_id])
    if missing and not result.found:
        ref = next((r for r in missing if r.introduces), missing[0])
        key = "concepts.introduced_hint" if ref.introduces else "concepts.key_concept_hint"
        listed = lib.entry(ref.paper_id)
        paper = f"{(listed.short_name if listed else None) or ref.title} ({ref.paper_id})"
        st.info(md(t(key, concept=result.canonical or result.term, paper=paper)))
    ingest_status(lib)


def _title(lib: Library, paper_id: str) -> str:
    try:
        return lib.paper(paper_id).short_name
    except ReaderError:
        return paper_id


main()
