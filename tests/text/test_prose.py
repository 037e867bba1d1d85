"""Prose checks for definitions: figure labels, formula openings, experiment logs, cut-offs."""

from __future__ import annotations

import pytest

from reader.text.prose import (
    cut_off,
    experiment_log,
    formula_opening,
    label_run,
    subfigure_caption,
)

PROSE = [
    "A memory bank consists of the representations of all samples in the dataset.",
    "Multi-head attention allows the model to attend to different subspaces.",
    "Early artificial neurons utilized binary threshold units (Hopfield, 1982).",
    "Shortcut connections [2, 34, 49] are those skipping one or more layers.",
    "(b) Captioning and Filtering (CapFilt): a new method for learning from noisy pairs.",
]


@pytest.mark.parametrize("sentence", PROSE)
def test_prose_sentences_pass_every_check(sentence: str) -> None:
    assert not label_run(sentence)
    assert not formula_opening(sentence)
    assert not experiment_log(sentence)
    assert not cut_off(sentence)


@pytest.mark.parametrize(
    "labels",
    [
        "contrastive loss contrastive loss gradient gradient gradient q·k q·k encoder q encoder k",
        "queue momentum encoder encoder xquery xkey 0 xkey",
        "Baseline BatchNorm LayerNorm WeightNorm RMSNorm pRMSNorm",
        "Predictions gar gar gar gar zt zt+1 zt+2 zt+3",
    ],
)
def test_figure_labels_are_not_prose(labels: str) -> None:
    assert label_run(labels)


@pytest.mark.parametrize(
    "fragment",
    [
        "p E] + Epos, E ∈ R(P 2·C)×D where the encoder is a stack of layers.",
        "exp(q·k+/τ) Lq = −log of the sum over keys is the loss we use.",
        "= LN(z) is applied to every token of the sequence.",
        "the cost of more compute is what the model pays here.",
        "x is the input of the layer and y is its output.",
    ],
)
def test_formula_or_fragment_openings(fragment: str) -> None:
    assert formula_opening(fragment)


def test_a_lower_case_term_may_open_a_sentence() -> None:
    assert formula_opening("einsum is a notation for tensor products.")
    assert not formula_opening("einsum is a notation for tensor products.", "einsum")


@pytest.mark.parametrize(
    "log",
    [
        "We train the memory bank model for 100 epochs and it achieves 76.5% top-1 accuracy.",
        "Learning rate (Adam): 5e-5, 3e-5, 2e-5 and number of epochs: 2, 3, 4.",
        "As shown in Table 5, BLIP achieves a substantial improvement over prior work.",
        "We use a dropout probability of 0.1 on all layers of the network.",
    ],
)
def test_experiment_logs(log: str) -> None:
    assert experiment_log(log)


def test_a_defining_sentence_with_a_citation_year_is_no_log() -> None:
    assert not experiment_log("Layer normalization (Ba et al., 2016) normalizes each example.")


def test_cut_off_and_subfigure_captions() -> None:
    assert cut_off("But solvers are unable to find solutions that x weight layer relu")
    assert not cut_off("Since it is computed with the error function, we define the GELU as")
    assert subfigure_caption("(b): The key representations are sampled from a memory bank.")
    assert not subfigure_caption("(b) Captioning and Filtering (CapFilt): a new method.")
