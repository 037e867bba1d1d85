"""Read: a paper section by section, its PDF page beside the text, progress and notes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from app_pages.i18n import language, t
from app_pages.reading_list_add import references_panel
from app_pages.session import library
from app_pages.widgets import (
    drawn_block,
    md,
    no_index_notice,
    plan_focus,
    quotes,
    role_name,
    shown_errors,
    with_chinese_name,
)
from reader import BlockKind, Library, PaperRecord, ReaderError, ReadingList, Section

# Session keys. Widgets have their own ("w_…") keys, which Streamlit drops when another page is
# shown, so the choice is also kept under a plain key and survives a visit to Ask.
PAPER, SECTION, PAGE, HIGHLIGHT = "read_paper", "read_section", "read_page", "read_hl"
APPLIED, PENDING = "read_applied_link", "read_pending_link"
SCROLLED = "read_scrolled_to"  # the citation whose passage the text pane was last scrolled to
CITED_KEY = "cited_passage"  # the container of the cited paragraph (CSS class st-key-…)
PAGES_SEARCHED = 3  # a cited passage is looked for on its page and the next two
PAGE_ZOOM = 2.0  # crisp at the width of half a wide screen


def main() -> None:
    lib = library()
    with shown_errors():
        if not lib.has_index():
            no_index_notice()
            return
        papers = _in_plan_order(lib)
        if not papers:
            no_index_notice()
            return
        _take_link([p.id for p in papers])
        paper = _pick_paper(papers)
        sections = lib.sections(paper.id)
        section = _pick_section(lib, paper, sections)
        text_col, side_col = st.columns([1, 1], gap="large")
        with side_col:
            _plan_focus(lib, paper.id)
            page = _pick_page(paper, section)
            _page_view(paper, section, page)
        with text_col:
            _section_text(paper, section, st.session_state.get(HIGHLIGHT))
            _progress_and_notes(lib, paper, section)
            _neighbours(sections, section)
            references_panel(lib, paper.id, expanded=section.role == "references")
        _write_link(paper.id, section, page)


def _in_plan_order(lib: Library) -> list[PaperRecord]:
    try:
        plan: ReadingList | None = lib.reading_list()
    except ReaderError:
        plan = None
    order = {e.id: i for i, e in enumerate(plan.papers)} if plan else {}
    return sorted(lib.papers(), key=lambda p: (order.get(p.id, len(order)), p.id))


def _take_link(paper_ids: Sequence[str]) -> None:
    """A new ?paper=…&section=…&page=…&hl=… link (from Ask or Concepts) moves the reader there."""
    params = st.query_params.to_dict()
    if params == st.session_state.get(APPLIED) or params.get("paper") not in paper_ids:
        return
    st.session_state[APPLIED] = params
    st.session_state[PAPER] = params["paper"]
    st.session_state.pop("w_paper", None)
    st.session_state[PENDING] = params


def _pick_paper(papers: Sequence[PaperRecord]) -> PaperRecord:
    by_id = {p.id: p for p in papers}
    if st.session_state.get(PAPER) not in by_id:
        st.session_state[PAPER] = papers[0].id
    st.session_state.setdefault("w_paper", st.session_state[PAPER])
    chosen = st.sidebar.selectbox(
        t("read.paper"),
        list(by_id),
        key="w_paper",
        format_func=lambda pid: f"{by_id[pid].short_name} — {by_id[pid].title}",
    )
    if chosen != st.session_state[PAPER]:  # another paper: start it at its first section
        st.session_state[PAPER] = chosen
        for key in (SECTION, PAGE, HIGHLIGHT, "w_page"):
            st.session_state.pop(key, None)
    return by_id[chosen]


def _pick_section(lib: Library, paper: PaperRecord, sections: Sequence[Section]) -> Section:
    by_key = {s.key: s for s in sections}
    done = {p.section_number for p in lib.progress(paper.id) if p.read}
    pending = st.session_state.pop(PENDING, None)
    if pending is not None:
        found = _resolve(sections, pending.get("section", ""), _int(pending.get("page")))
        if found is not None:
            quote = pending.get("hl") or None
            page = _int(pending.get("page")) or found.page_start
            st.session_state[SECTION] = found.key
            st.session_state[PAGE] = _page_with(paper, quote, page) if quote else page
            st.session_state[HIGHLIGHT] = quote
            st.session_state.pop("w_page", None)
    if st.session_state.get(SECTION) not in by_key:
        # Opens on the plan's first sections (Introduction, then Method), the first unread one.
        first = lib.read(paper.id)
        unread = [s for s in first if s.key not in done]
        st.session_state[SECTION] = (unread or first)[0].key
    starred = {s.key for s in lib.read(paper.id)}

    def label(key: str) -> str:
        s = by_key[key]
        mark = "✓ " if key in done else ("★ " if key in starred else "")
        return "\u2003" * (s.level - 1) + mark + md(s.label)

    # No widget key: the labels change as sections are marked read, which makes Streamlit see a
    # new widget; the index from our own state keeps the choice across that.
    keys = list(by_key)
    key = st.sidebar.radio(
        t("read.sections"),
        keys,
        index=keys.index(st.session_state[SECTION]),
        format_func=label,
    )
    if key != st.session_state[SECTION]:
        st.session_state[SECTION] = key
        st.session_state[PAGE] = by_key[key].page_start
        st.session_state[HIGHLIGHT] = None
        st.session_state.pop("w_page", None)
    return by_key[key]


def _resolve(sections: Sequence[Section], wanted: str, page: int | None) -> Section | None:
    """The section a link names: by key, label, number or title; else the one holding the page."""
    text = " ".join(wanted.split()).lower()
    number = text.split(" ", 1)[0].lstrip("§").rstrip(".")
    matchers: list[Callable[[Section], bool]] = [
        lambda s: s.key.lower() == text,
        lambda s: s.label.lower() == text,
        lambda s: bool(s.number) and s.number.lower() == number,
        lambda s: s.title.lower() == text,
    ]
    for match in matchers:
        found = [s for s in sections if match(s)]
        if text and found:
            return found[0]
    if page is not None:
        holding = [s for s in sections if s.page_start <= page <= s.page_end]
        return max(holding, key=lambda s: s.level) if holding else None
    return None


def _page_with(paper: PaperRecord, quote: str, page: int) -> int:
    """The page where a cited passage is found: a passage starting at the foot of its page
    mostly lies on the next one."""
    for candidate in range(page, min(page + PAGES_SEARCHED, paper.page_count + 1)):
        try:
            if _page_png(paper.id, paper.sha256, candidate, quote)[1]:
                return candidate
        except ReaderError:
            break
    return page


def _pick_page(paper: PaperRecord, section: Section) -> int:
    page = min(max(st.session_state.get(PAGE) or section.page_start, 1), paper.page_count)
    st.session_state.setdefault("w_page", page)
    chosen = int(
        st.number_input(
            t("read.pdf_page", count=paper.page_count),
            1,
            max(paper.page_count, 1),
            step=1,
            key="w_page",
        )
    )
    if chosen != page:
        st.session_state[HIGHLIGHT] = None  # a cited passage belongs to its own page
    st.session_state[PAGE] = chosen
    return chosen


def _section_text(paper: PaperRecord, section: Section, cited: str | None) -> None:
    pages = f"p.{section.page_start}" + (
        f"–{section.page_end}" if section.page_end != section.page_start else ""
    )
    st.header(md(section.label), anchor=False)
    st.caption(md(f"{role_name(section.role.value)} · {pages}"))
    shown_cited = False
    footnotes_open = False
    with st.container(height=640, border=False):
        for item in library().reading_order(paper.id, section):
            if isinstance(item, str):
                st.subheader(md(item), anchor=False)
                footnotes_open = False
            elif item.kind is BlockKind.FOOTNOTE:
                if not footnotes_open:
                    st.caption(t("read.footnotes"))
                    footnotes_open = True
                st.caption(md(item.text))
            elif item.kind is not BlockKind.PARAGRAPH:
                drawn_block(paper.id, paper.sha256, item)
            elif quotes(item.text, cited) and not shown_cited:
                with st.container(key=CITED_KEY):
                    st.markdown(f":orange-background[{md(item.text)}]")  # the cited passage
                shown_cited = True
            elif quotes(item.text, cited):
                st.markdown(f":orange-background[{md(item.text)}]")
            else:
                st.markdown(md(item.text))
        if not section.text.strip():
            st.caption(t("read.no_text"))
    place = (st.session_state.get(PAPER), section.key, cited)
    if shown_cited and st.session_state.get(SCROLLED) != place:
        # Once per citation followed: later reruns (marking read, a note) keep the reader's place.
        st.session_state[SCROLLED] = place
        _scroll_into_view(CITED_KEY)


def _scroll_into_view(key: str) -> None:
    """Scroll the text pane to the element with this container key. A static script: no text
    from a PDF goes into it."""
    import streamlit.components.v1 as components

    script = f"""<script>
    let tries = 0;
    const go = () => {{
      const el = window.parent.document.querySelector(".st-key-{key}");
      if (el) {{ el.scrollIntoView({{block: "center"}}); }}
      else if (tries++ < 20) {{ setTimeout(go, 100); }}
    }};
    go();
    </script>"""
    components.html(script, height=0)


def _progress_and_notes(lib: Library, paper: PaperRecord, section: Section) -> None:
    saved = {p.section_number: p for p in lib.progress(paper.id)}.get(section.key)
    read_key = f"w_read_{paper.id}_{section.key}"
    note_key = f"w_note_{paper.id}_{section.key}"
    st.session_state.setdefault(read_key, bool(saved and saved.read))
    st.session_state.setdefault(note_key, saved.note if saved else "")

    def toggle_read() -> None:
        lib.mark_read(paper.id, section.key, bool(st.session_state[read_key]))

    def save_note() -> None:
        lib.save_note(paper.id, section.key, str(st.session_state[note_key]))
        st.toast(t("read.note_saved"))

    st.toggle(t("read.mark_read"), key=read_key, on_change=toggle_read)
    # Saved when the box loses focus; the button is there for those who look for one.
    st.text_area(
        t("read.notes"),
        key=note_key,
        height=110,
        placeholder=t("read.notes_placeholder"),
        on_change=save_note,
    )
    st.button(t("read.save_note"), icon=":material/save:", on_click=save_note, key="save_note")
    if saved and saved.note:
        st.caption(md(t("read.last_saved", when=saved.updated_at)))


def _neighbours(sections: Sequence[Section], section: Section) -> None:
    """Previous and next section at this depth or above (a parent's text holds its children)."""
    index = sections.index(section)
    before = [s for s in sections[:index] if s.level <= section.level]
    after = [s for s in sections[index + 1 :] if s.level <= section.level]
    left, right = st.columns(2)
    if before and left.button(md(f"← {before[-1].label}"), key="prev_section"):
        _go(before[-1])
    if after and right.button(md(f"{after[0].label} →"), key="next_section"):
        _go(after[0])


def _go(target: Section) -> None:
    st.session_state[SECTION] = target.key
    st.session_state[PAGE] = target.page_start
    st.session_state[HIGHLIGHT] = None
    st.session_state.pop("w_page", None)
    st.rerun()


def _plan_focus(lib: Library, paper_id: str) -> None:
    entry = lib.entry(paper_id)
    if entry is None or not (entry.focus or entry.key_concepts):
        return
    chinese = language() == "zh"
    with st.container(border=True):
        where = (
            t("read.stage_weeks", stage=entry.stage, weeks=entry.weeks)
            if entry.stage
            else t("read.study_plan")
        )
        st.markdown(t("read.look_for", where=md(where)))
        for item in plan_focus(entry):
            st.markdown(f"- {md(item)}")
        if entry.key_concepts:
            names = [with_chinese_name(lib, c) for c in entry.key_concepts]
            joined = "、".join(names) if chinese else ", ".join(names)
            st.caption(md(t("read.key_concepts", concepts=joined)))


def _page_view(paper: PaperRecord, section: Section, page: int) -> None:
    cited = st.session_state.get(HIGHLIGHT)
    highlight = cited or _own_text_on_page(section, page)
    # A cited passage is shown in close-up first; the whole page is one switch away.
    focus = bool(cited) and not st.toggle(t("read.whole_page"), key="w_whole_page")
    try:
        png, marked = _page_png(paper.id, paper.sha256, page, highlight, focus)
    except ReaderError as exc:
        st.info(md(t("error.detail", error=str(exc))))
        return
    caption = t("read.page_caption", page=page, count=paper.page_count)
    if marked:
        caption += t("read.highlighted_cited") if cited else t("read.highlighted_section")
    if cited and not marked:
        caption += t("read.cited_elsewhere")
    st.image(png, caption=caption, width="stretch")
    if paper.arxiv_url:
        st.link_button(t("read.on_arxiv"), paper.arxiv_url, icon=":material/open_in_new:")


@st.cache_data(max_entries=64, show_spinner=False)
def _page_png(
    paper_id: str, sha256: str, page: int, highlight: str | None, focus: bool = False
) -> tuple[bytes, int]:
    # sha256 is part of the cache key: a re-ingested, different PDF renders afresh.
    image = library().page_image(paper_id, page, highlight, zoom=PAGE_ZOOM, focus=focus)
    return image.png, image.highlighted


def _own_text_on_page(section: Section, page: int) -> str | None:
    """The part of the section's own text (subsections excluded) that lies on `page`."""
    start = 0 if page == section.page_start else None
    end = section.body_end
    for mark in section.marks:
        if mark.page == page:
            start = mark.offset
        elif mark.page > page and start is not None:
            end = min(end, mark.offset)
            break
    heading = section.label if page == section.page_start else ""
    if start is None or start >= end:
        return heading or None
    return f"{heading}\n{section.text[start:end]}"


def _write_link(paper_id: str, section: Section, page: int) -> None:
    """Keep the address bar on what is shown, so a reload or a bookmark comes back here."""
    params = {"paper": paper_id, "section": section.key, "page": str(page)}
    if st.session_state.get(HIGHLIGHT):
        params["hl"] = st.session_state[HIGHLIGHT]
    if st.query_params.to_dict() != params:
        st.query_params.from_dict(params)
    st.session_state[APPLIED] = params


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


main()
