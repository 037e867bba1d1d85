"""Chunking: passages stay inside one section, respect the size limit, keep sentences whole."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from reader.ingest.chunking import chunk_sections, normalise
from reader.models import PageMark, Section, SectionRole
from reader.settings import Settings
from reader.text.sentences import split_sentences

SETTINGS = Settings()


def sentence(i: int, words: int = 12) -> str:
    return f"Sentence {i} says " + " ".join(f"word{i}x{j}" for j in range(words)) + "."


def make_section(
    text: str,
    *,
    number: str = "1",
    title: str = "Intro",
    role: SectionRole = SectionRole.INTRODUCTION,
    body_end: int | None = None,
    marks: tuple[PageMark, ...] = (),
    page_start: int = 1,
    level: int = 1,
) -> Section:
    return Section(
        number=number,
        title=title,
        level=level,
        role=role,
        page_start=page_start,
        page_end=max([page_start, *(m.page for m in marks)]),
        text=text,
        body_end=len(text) if body_end is None else body_end,
        marks=marks,
    )


def test_long_section_is_split_under_the_limit_with_whole_sentences() -> None:
    sentences = [sentence(i) for i in range(60)]
    section = make_section(" ".join(sentences))
    chunks = chunk_sections("p1", [section], SETTINGS)
    assert len(chunks) > 3
    for chunk in chunks:
        assert len(chunk.text) <= SETTINGS.chunk_max_chars * 4 // 3
        assert chunk.text.startswith("Sentence ") and chunk.text.endswith(".")
    # Every sentence appears exactly once, intact, in order.
    joined = " ".join(c.text for c in chunks)
    assert joined == " ".join(sentences)
    assert all(c.section_role is SectionRole.INTRODUCTION for c in chunks)
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))


def test_only_the_tail_may_exceed_the_limit_and_short_tail_is_merged() -> None:
    body = " ".join(sentence(i) for i in range(10)) + " Tiny end."
    chunks = chunk_sections("p", [make_section(body)], SETTINGS)
    assert chunks[-1].text.endswith("Tiny end.")
    assert len(chunks[-1].text) > len("Tiny end.")  # merged into its neighbour
    assert all(len(c.text) <= SETTINGS.chunk_max_chars for c in chunks[:-1])


def test_never_across_sections_and_subsection_text_not_duplicated() -> None:
    parent_body = "The parent has its own text. It is short."
    child_text = "The child section text lives here. Only once."
    parent = make_section(
        parent_body + "\n3.1 Child\n" + child_text,
        number="3",
        title="Method",
        role=SectionRole.METHOD,
        body_end=len(parent_body),
    )
    child = make_section(child_text, number="3.1", title="Child", role=SectionRole.METHOD, level=2)
    chunks = chunk_sections("p", [parent, child], SETTINGS)
    assert [(c.section_number, c.text) for c in chunks] == [
        ("3", parent_body),
        ("3.1", child_text),
    ]


def test_pages_follow_marks() -> None:
    first = " ".join(sentence(i) for i in range(8))
    second = " ".join(sentence(i) for i in range(100, 108))
    text = first + " " + second
    section = make_section(text, marks=(PageMark(0, 4), PageMark(len(first) + 1, 5)), page_start=4)
    chunks = chunk_sections("p", [section], SETTINGS)
    for chunk in chunks:
        start = text.index(chunk.text[:40])
        assert chunk.page == (4 if start <= len(first) else 5)
    assert {c.page for c in chunks} == {4, 5}


def test_references_are_not_chunked() -> None:
    refs = make_section(
        "[1] A. Author. A paper. 2017.", number="", title="References", role=SectionRole.REFERENCES
    )
    body = make_section("Real content here.")
    chunks = chunk_sections("p", [body, refs], SETTINGS)
    assert [c.text for c in chunks] == ["Real content here."]


def test_whitespace_is_normalised_and_empty_sections_skipped() -> None:
    section = make_section("Line one\nwraps   here. Same one.\n\n  Next\tparagraph\u00ad.  ")
    empty = make_section("   \n ", number="2")
    chunks = chunk_sections("p", [section, empty], SETTINGS)
    assert [c.text for c in chunks] == ["Line one wraps here. Same one.\n\nNext paragraph."]


def test_a_footnote_between_paragraphs_stays_a_paragraph_of_its_own() -> None:
    body = (
        "Transformers lack some inductive biases of CNNs.\n\n"
        "1Code is available online\n\n"
        "However, the picture changes with larger datasets."
    )
    [only] = chunk_sections("p", [make_section(body)], SETTINGS)
    assert only.text.split("\n\n") == [
        "Transformers lack some inductive biases of CNNs.",
        "1Code is available online",
        "However, the picture changes with larger datasets.",
    ]


def test_giant_sentence_is_cut_at_spaces() -> None:
    words = " ".join(f"token{i}" for i in range(600))
    chunks = chunk_sections("p", [make_section(words)], SETTINGS)
    assert len(chunks) > 2
    assert all(len(c.text) <= SETTINGS.chunk_max_chars * 4 // 3 for c in chunks)
    assert " ".join(c.text for c in chunks) == words


def test_passages_are_cut_where_the_answerer_cuts_sentences() -> None:
    """One splitter: a passage boundary never falls inside a sentence the answerer quotes."""
    unit = "Models use layers, heads, etc. The width is fixed, e.g. 512, in all runs."
    body = " ".join([unit] * 8 + ["See A. Vaswani et al. for details, Fig. 3 and Eq. 2."] * 3)
    limit = len(unit) * 3 // 2
    chunks = chunk_sections("p", [make_section(body)], SETTINGS.replace(chunk_max_chars=limit))
    assert len(chunks) >= 4
    quoted = {s.text for s in split_sentences(body)}
    for c in chunks:
        assert {s.text for s in split_sentences(c.text)} <= quoted


@hsettings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from("abc XYZ.!?\n,"), min_size=0, max_size=300),
        min_size=1,
        max_size=4,
    ),
    st.integers(min_value=60, max_value=400),
)
def test_no_text_lost_or_duplicated(bodies: list[str], max_chars: int) -> None:
    sections = [make_section(b, number=str(i)) for i, b in enumerate(bodies)]
    settings = SETTINGS.replace(chunk_max_chars=max_chars, chunk_min_chars=max_chars // 4)
    chunks = chunk_sections("p", sections, settings)
    for i, body in enumerate(bodies):
        mine = [c.text for c in chunks if c.section_number == str(i)]
        # Spaces may differ only where a giant word was hard-cut; characters never do.
        assert "".join("".join(t.split()) for t in mine) == normalise(body).replace(" ", "")
        assert all(len(t) <= max_chars * 4 // 3 for t in mine)
    # Inside a passage: single spaces, and a blank line between paragraphs.
    assert all(re.fullmatch(r"\S+(?:(?: |\n\n)\S+)*", c.text) for c in chunks)


def test_a_caption_paragraph_is_never_cut_between_two_passages() -> None:
    prose = " ".join(sentence(i) for i in range(6))
    caption = (
        "Figure 1: Model overview. We split an image into fixed-size patches and embed them. "
        "In order to perform classification, we add an extra learnable token."
    )
    body = f"{prose}\n\n{caption}\n\n{prose}"
    limit = len(prose) + len(caption) // 2  # the caption cannot follow the prose in full
    chunks = chunk_sections("p", [make_section(body)], SETTINGS.replace(chunk_max_chars=limit))
    holding = [c.text for c in chunks if "extra learnable token" in c.text]
    assert len(holding) == 1 and "Figure 1: Model overview." in holding[0]
