"""Sentence splitting on the prose of scientific papers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reader.text.sentences import is_prose, sentences, split_sentences


def test_abbreviations_citations_and_figures_do_not_end_sentences() -> None:
    text = (
        "Transformers (Vaswani et al. 2017) use attention, e.g. self-attention over tokens. "
        "As shown in Fig. 2 and Eq. 3, the loss drops to 0.5 after 3.2 epochs. "
        "Dr. Smith and J. Doe disagree."
    )
    assert sentences(text) == [
        "Transformers (Vaswani et al. 2017) use attention, e.g. self-attention over tokens.",
        "As shown in Fig. 2 and Eq. 3, the loss drops to 0.5 after 3.2 epochs.",
        "Dr. Smith and J. Doe disagree.",
    ]


def test_paragraph_breaks_and_line_wraps() -> None:
    text = "First line of a sentence\nthat wraps. Second one!\n\nA new paragraph without a stop"
    assert sentences(text) == [
        "First line of a sentence that wraps.",
        "Second one!",
        "A new paragraph without a stop",
    ]


def test_equations_stay_with_their_sentence() -> None:
    text = "We define GELU(x) = xΦ(x) = x · 1/2 [1 + erf(x/√2)]. We can approximate it."
    assert len(sentences(text)) == 2
    assert sentences(text)[0].startswith("We define GELU(x)")


def test_lowercase_after_period_is_not_a_new_sentence() -> None:
    assert len(sentences("The value is approx. equal to one. It holds.")) == 2
    assert len(sentences("See i.e. the appendix for details.")) == 1


def test_offsets_point_into_the_source() -> None:
    text = "  Alpha beta gamma.   Delta epsilon zeta?  "
    spans = split_sentences(text)
    assert [text[s.start : s.end] for s in spans] == ["Alpha beta gamma.", "Delta epsilon zeta?"]


@given(st.text(max_size=300))
def test_never_loses_words(text: str) -> None:
    words = " ".join(s.text for s in split_sentences(text)).split()
    assert words == text.split()


def test_is_prose_rejects_tables_and_references() -> None:
    assert is_prose("The model attends to all positions in the previous layer.")
    assert not is_prose("12.3 45.6 78.9 10.1 11.2 13.4 15.6")
    assert not is_prose("A. Vaswani. Attention. arXiv preprint arXiv:1706.03762, 2017.")
    assert not is_prose("Too short.")


def test_a_table_run_into_the_next_sentence_is_cut_off() -> None:
    # A table without ruling lines: its numbers run straight into the prose after it.
    text = (
        "τ 0.07 0.1 0.2 0.3 w/ MLP 62.9 64.9 66.2 65.7 Using the default τ = 0.07, the MLP "
        "head improves from 60.6% to 62.9%. We use 4 8 16 32 heads in turn."
    )
    found = sentences(text)
    assert found[0] == "τ 0.07 0.1 0.2 0.3 w/ MLP 62.9 64.9 66.2 65.7"
    assert found[1].startswith("Using the default τ = 0.07")
    assert is_prose(found[1]) and not is_prose(found[0])
    assert found[2] == "We use 4 8 16 32 heads in turn."  # numbers, then lower case: prose


@given(st.lists(st.sampled_from(["1.5", "20", "Using", "the", "Table", "x.", "\n\n"]), max_size=40))
def test_table_cuts_never_lose_words(tokens: list[str]) -> None:
    text = " ".join(tokens)
    spans = split_sentences(text)
    assert " ".join(s.text for s in spans).split() == text.split()
    assert all(text[s.start : s.end].split() == s.text.split() for s in spans)
