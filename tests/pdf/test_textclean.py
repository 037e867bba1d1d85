"""Text cleaning: what a reader copies out of a PDF should read like the printed words."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.pdf.textclean import (
    clean_line,
    clean_text,
    compose_formula_accents,
    normalize_for_match,
    wrap_join,
)


def test_ligatures_are_expanded() -> None:
    assert clean_text("e\ufb00ective de\ufb01ne \ufb02ow e\ufb03cient ba\ufb04e") == (
        "effective define flow efficient baffle"
    )


def test_line_end_hyphenation_is_undone_for_split_words() -> None:
    assert clean_text("the acti-\nvation function") == "the activation function"


def test_real_compounds_keep_their_hyphen() -> None:
    text = "we use self-attention everywhere; each self-\nattention layer is cheap"
    assert clean_text(text).endswith("each self-attention layer is cheap")


def test_known_prefix_keeps_hyphen_even_without_evidence() -> None:
    assert clean_text("a multi-\nlayer network of layer norms") == (
        "a multi-layer network of layer norms"
    )


def test_names_and_numbers_keep_hyphen() -> None:
    assert wrap_join("trained GPT-", "3 and ResNet-") == "trained GPT-3 and ResNet-"
    assert wrap_join("a ResNet-", "like model") == "a ResNet-like model"


def test_wrapped_lines_join_with_spaces_and_paragraphs_survive() -> None:
    text = "standard Gaussian cumulative\ndistribution function\n\nNext  paragraph\there."
    assert clean_text(text) == (
        "standard Gaussian cumulative distribution function\n\nNext paragraph here."
    )


def test_invisible_and_odd_whitespace_removed() -> None:
    assert clean_text("zero\u200bwidth\u00a0space\u00adsoft \ufeffBOM\r\nnext") == (
        "zerowidth spacesoft BOM next"
    )


def test_tex_accents_are_composed() -> None:
    assert clean_line("R\u00b4\u0131za Alp G\u00a8uler") == "Ríza Alp Güler"
    # A math letter has no precomposed form: it takes a combining mark (\hat{m}_t, \bar{θ}).
    assert clean_line("estimates \u02c6mt and \u02c6vt, with \u00af\u03b8t") == (
        "estimates m\u0302t and v\u0302t, with \u03b8\u0304t"
    )


def test_a_formulas_accents_follow_their_letter() -> None:
    assert compose_formula_accents("h\u02c6_t = F\u00af_{ij}") == "\u0125_t = F\u0304_{ij}"
    assert compose_formula_accents("x = 2 \u00b7 y") == "x = 2 \u00b7 y"


def test_normalize_for_match() -> None:
    assert normalize_for_match("  Sca\ufb01ed   DOT-Product\nAttention ") == (
        "scafied dot-product attention"
    )


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_clean_text_never_raises_and_is_idempotent(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from("ab-\n \ufb01\u00a8u\u0131.\t\u00ad\u200b"), max_size=12)
    )
)
def test_clean_text_idempotent_on_hyphen_heavy_text(parts: list[str]) -> None:
    text = "".join(parts)
    once = clean_text(text)
    assert clean_text(once) == once
    assert "\ufb01" not in once
