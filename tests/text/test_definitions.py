"""Definition sentences: prose that defines the term, the introducing paper first."""

from __future__ import annotations

from answers_support import chunk

from reader.models import SectionRole, StoredChunk
from reader.text.definitions import (
    WEAK,
    Candidate,
    defines,
    definition_candidates,
    rank_definitions,
)


def stored(paper: str, ordinal: int, text: str, title: str = "Method") -> StoredChunk:
    c = chunk(paper, ordinal, text, "3", title, SectionRole.METHOD, 2)
    return StoredChunk(ordinal, c, "A paper")


def texts(chunks: list[StoredChunk], term: str = "memory bank") -> list[str]:
    return [c.definition.text for c in definition_candidates(chunks, [term], 420)]


def test_figure_labels_captions_formulas_and_logs_are_rejected() -> None:
    chunks = [
        stored(
            "p1",
            0,
            "contrastive loss contrastive loss gradient gradient gradient q·k q·k encoder q "
            "encoder k xq xk (a) end-to-end (b) memory bank q k sampling momentum encoder",
        ),
        stored(
            "p1",
            1,
            "Figure 2. Conceptual comparison of three mechanisms. (b): The keys are sampled "
            "from a memory bank [61].",
        ),
        stored("p1", 2, "p E] + Epos, E ∈ R(P 2·C)×D where the memory bank is M."),
        stored(
            "p1",
            3,
            "We train the memory bank model for 100 epochs and it achieves 76.5% top-1 "
            "accuracy (Table 3).",
        ),
    ]
    assert texts(chunks) == []


def test_a_defining_sentence_is_kept_without_the_formula_after_it() -> None:
    chunks = [
        stored(
            "p1",
            0,
            "A memory bank consists of the representations of all samples in the dataset. "
            "M = {v_i} ∈ R^(N×d) + b_q · k.",
        )
    ]
    (found,) = definition_candidates(chunks, ["memory bank"], 420)
    assert found.cue > WEAK
    assert found.definition.text == (
        "A memory bank consists of the representations of all samples in the dataset."
    )


def test_sentences_that_only_use_the_term_come_after_defining_ones() -> None:
    chunks = [
        stored("p1", 0, "We sample the keys from the memory bank in every iteration."),
        stored("p1", 1, "The memory bank approach was proposed by Wu et al. in 2018 for this."),
    ]
    found = definition_candidates(chunks, ["memory bank"], 420)
    assert [c.cue > WEAK for c in found] == [True, False]


def test_introducing_paper_first_then_by_score() -> None:
    chunks = [
        # A later paper, in a section named after the term: the higher score.
        stored("p2", 0, "A memory bank is a store of features for every sample.", "Memory bank"),
        stored("p1", 0, "We propose a memory bank that keeps one feature per image."),
    ]
    candidates = definition_candidates(chunks, ["memory bank"], 420)
    assert candidates[0].definition.paper_id == "p2"
    ranked = rank_definitions(candidates, "p1", 5)
    assert [d.paper_id for d in ranked] == ["p1", "p2"]
    # An introducer with nothing that defines the term does not jump ahead.
    weak_only = [c for c in candidates if c.definition.paper_id == "p2"] + [
        Candidate(0.2, WEAK, candidates[1].definition, "x")
    ]
    assert rank_definitions(weak_only, "p1", 5)[0].paper_id == "p2"


def test_defining_phrases() -> None:
    chunks = [
        stored(
            "p1",
            0,
            "Self-attention, sometimes called intra-attention, is an attention mechanism "
            "relating different positions of a single sequence.",
        ),
        stored("p1", 1, 'We call our particular attention "Scaled Dot-Product Attention".'),
    ]
    assert texts(chunks, "self-attention") and texts(chunks, "scaled dot-product attention")
    assert defines(
        "We call our particular attention “Scaled Dot-Product Attention”.",
        "scaled dot-product attention",
    )


def test_the_term_named_as_a_word_is_defined() -> None:
    chunks = [
        stored(
            "p1",
            0,
            "Methods involve two aspects: pretext tasks and losses. The term “pretext” implies "
            "that the task being solved is not of genuine interest.",
            "Related Work",
        )
    ]
    (found,) = [c for c in definition_candidates(chunks, ["pretext task"], 420) if c.cue > WEAK]
    assert found.sentence.startswith("The term “pretext” implies")


def test_a_parenthesis_after_a_phrase_is_an_aside_not_an_expansion() -> None:
    chunks = [stored("p1", 0, "Accuracy of the pretext task (dash curve) quickly increases.")]
    assert all(c.cue <= WEAK for c in definition_candidates(chunks, ["pretext task"], 420))
    named = [stored("p1", 0, "We rely on GELU (Gaussian Error Linear Unit) in every layer.")]
    assert definition_candidates(named, ["GELU"], 420)[0].cue > WEAK


def test_a_paper_says_what_the_term_is_before_naming_it_again() -> None:
    naming = [
        "In this work we propose an approach which we call Predictive Coding here.",
        "Next, we introduce the architecture of Predictive Coding (PC) in detail.",
        "We apply the resulting model, Predictive Coding (PC), to several data modalities.",
    ]
    describing = "Predictive Coding is a new method that combines prediction with a loss."
    chunks = [stored("p1", i, t, "Introduction") for i, t in enumerate(naming)]
    chunks.append(stored("p1", 9, describing, "Related Work"))
    candidates = definition_candidates(chunks, ["Predictive Coding", "PC"], 420)
    assert describing not in [c.sentence for c in candidates[:2]]  # a weaker cue ...
    ranked = rank_definitions(candidates, "p1", 5)
    assert ranked[1].text == describing  # ... yet shown second, among the paper's three
    assert len(ranked) == 3


def test_a_run_in_heading_defines_by_the_paragraph_it_opens() -> None:
    body = (
        "Task #2: Next Sentence Prediction (NSP) Many downstream tasks are based on the "
        "relationship between two sentences. We pre-train for a binarized next sentence "
        "prediction task that can be generated from any corpus."
    )
    found = definition_candidates([stored("p1", 0, body)], ["NSP", "next sentence prediction"], 420)
    assert found[0].cue > WEAK and found[0].describes
    assert "binarized next sentence prediction task" in found[0].definition.text
