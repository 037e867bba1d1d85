"""The papers' own reference markers leave quoted text; intervals and bracketed words stay."""

from __future__ import annotations

import pytest

from reader.text.markers import strip_reference_markers


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("as shown in [3, 4].", "as shown in."),
        ("The Transformer [12–14] is", "The Transformer is"),
        ("set [1][2] apart", "set apart"),
        ("layer normalization [Ba et al., 2016] works", "layer normalization works"),
        ("curvature [Amari, 1998; Pascanu and Bengio, 2013].", "curvature."),
        ("the [class] token and [MASK] tokens", "the [class] token and [MASK] tokens"),
        ("values in [0, 1], x ∈ [1, 5]", "values in [0, 1], x ∈ [1, 5]"),
        ("in the range [2, 8]", "in the range [2, 8]"),
    ],
)  # fmt: skip
def test_reference_markers_go_and_the_rest_stays(text: str, plain: str) -> None:
    assert strip_reference_markers(text) == plain
