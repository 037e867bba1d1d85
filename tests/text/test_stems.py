"""Matching a question's words as papers print them (fast)."""

from __future__ import annotations

import pytest

from reader.text.stems import as_printed, match_stems, printed_symbols


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("the norm u_t", "the norm ut"),
        ("f_k(x_{t+k}, c_t)", "fk(xt+k, ct)"),
        ("d_k and d_model", "dk and dmodel"),
        ("MoCo's loss", "MoCo loss"),
        ("BLIP’s encoder", "BLIP encoder"),
        ("snake_case_name stays", "snake_case_name stays"),
    ],
)
def test_questions_are_matched_as_printed(typed: str, printed: str) -> None:
    assert as_printed(typed) == printed


def test_a_possessive_asks_for_no_word_s() -> None:
    assert "s" not in match_stems(as_printed("Why is MoCo's queue large?"))


def test_printed_symbols_are_the_subscripted_ones() -> None:
    assert printed_symbols("How is f_k(x_{t+k}, c_t) computed from z?") == {"fk", "xt+k", "ct"}
