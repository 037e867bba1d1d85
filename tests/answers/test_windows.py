"""Candidate answer windows: stems, answer-type cues, debris and restatements (fast)."""

from __future__ import annotations

import pytest

from reader.answers.answer_types import answer_type
from reader.answers.windows import Question, windows
from reader.models import Hit, SectionRole
from reader.text.stems import match_stem, match_stems


def question(text: str, term: str | None = None) -> Question:
    stems = frozenset(match_stems(text))
    return Question({s: 1.0 for s in stems}, stems, term, answer_type(text), frozenset())


def hit(text: str, role: SectionRole = SectionRole.METHOD) -> Hit:
    return Hit(1, "p", "Paper", "3 Method", role, 3, text, 1.0)


@pytest.mark.parametrize(
    ("a", "b"),
    [("computing", "compute"), ("biases", "bias"), ("normalization", "normalize"),
     ("lacks", "lack"), ("captions", "caption")],
)  # fmt: skip
def test_inflections_match(a: str, b: str) -> None:
    assert match_stem(a) == match_stem(b)


def test_windows_stay_in_budget_and_cover_one_to_three_sentences() -> None:
    text = " ".join(
        f"Sentence number {i} talks about attention heads at length here." for i in range(8)
    )
    found = windows(question("What do attention heads do?"), [hit(text)], 200)
    assert found
    assert all(1 <= len(w.sentences) <= 3 for w in found)
    # Only the last sentence of a window may run past the budget (it is clipped when shown).
    assert all(len(" ".join(w.sentences[:-1])) <= 200 for w in found)


def test_captions_and_cross_references_rank_below_prose() -> None:
    q = question("What does the dropout rate control in the encoder?")
    prose = hit("The dropout rate controls how many encoder units are zeroed during training.")
    caption = hit("Figure 9: Dropout rate in the encoder controls units, with lr=8e-4 and GAP.")
    meta = hit("In Section 4, we mention the dropout rate of the encoder and what it controls.")
    best = windows(q, [caption, meta, prose], 400)[0]
    assert best.hit_index == 2


def test_a_restatement_alone_is_not_the_best_window() -> None:
    q = question("How does the model inject information about the position of tokens?")
    passage = hit(
        "The model must inject information about the position of the tokens. "
        "To this end, we add sinusoidal positional encodings to the input embeddings."
    )
    best = windows(q, [passage], 400)[0]
    assert "sinusoidal positional encodings" in best.text


def test_a_footnote_between_paragraphs_is_never_run_into_prose() -> None:
    text = (
        "Transformers lack inductive biases of CNNs such as locality and equivariance.\n\n"
        "1Code and pre-trained models are available at https://example.org/vit\n\n"
        "However, the picture changes when the models are trained on larger datasets."
    )
    found = windows(question("Which inductive biases do Transformers lack?"), [hit(text)], 400)
    mixed = [w for w in found if len(w.sentences) > 1 and any("1Code" in s for s in w.sentences)]
    assert found and not mixed
    assert "locality" in found[0].text and "1Code" not in found[0].text


def test_every_sentence_of_a_caption_paragraph_is_an_aside() -> None:
    text = (
        "We compare the class token with global average pooling of the patch outputs.\n\n"
        "Figure 9: Comparison of class-token and pooling classifiers. Both work similarly "
        "well for the class token, but require different learning rates."
    )
    found = windows(question("How does the class token compare with pooling?"), [hit(text)], 400)
    prose = "We compare the class token"
    assert not [w for w in found if prose in w.text and "Both work" in w.text]
    best_caption = max(w.lexical for w in found if w.sentences[0].startswith("Both work"))
    best_prose = max(w.lexical for w in found if w.sentences[0].startswith(prose))
    assert best_prose > best_caption


def test_an_answer_never_stops_before_its_list_or_equation() -> None:
    text = (
        "We propose a mixture of encoder-decoder, which can operate in one of three modes:\n\n"
        "(1) Unimodal encoder, which separately encodes image and text.\n\n"
        "The decoder produces unimodal and multimodal representations as\n\n"
        "L = a · Lcon + b · Lcap, (4)\n\n"
        "where a and b are loss weighting hyper-parameters."
    )
    found = windows(question("What is the mixture of encoder-decoder?"), [hit(text)], 400)
    assert found
    assert all(w.sentences[-1].endswith(".") for w in found)
    assert any(w.text.endswith("which separately encodes image and text.") for w in found)
    assert not any(w.text.endswith(("modes:", "as", "(4)")) for w in found)


def test_a_formula_question_quotes_the_display_equation_after_its_lead_in() -> None:
    text = (
        "Each layer contains a fully connected feed-forward network, applied to each position "
        "separately. This consists of two linear transformations with a ReLU in between.\n\n"
        "FFN(x) = max(0, xW1 + b1)W2 + b2 (2)\n\n"
        "While the linear transformations are the same across positions, they use different "
        "parameters from layer to layer."
    )
    found = windows(question("How is the feed-forward network computed?"), [hit(text)], 600)
    assert "FFN(x) = max(0, xW1 + b1)W2 + b2 (2)" in found[0].text
    assert not found[0].text.startswith("FFN")  # never opens with the bare equation
    other = windows(question("What does the feed-forward network do?"), [hit(text)], 600)
    assert all("FFN(x)" not in w.text for w in other)  # not a formula question: prose only


def test_a_settings_sentence_mostly_symbols_answers_a_quantity_question() -> None:
    text = (
        "We used the Adam optimizer with β1 = 0.9, β2 = 0.98 and ϵ = 10−9. "
        "We varied the learning rate over the course of training, according to a formula."
    )
    found = windows(question("Which β2 does the Transformer use?"), [hit(text)], 400)
    assert found[0].text.startswith("We used the Adam optimizer")


def test_section_title_words_count_toward_coverage() -> None:
    text = "The rule is remarkably simple and recursive, with an initial value of zero."
    inside = Hit(1, "p", "Paper", "7.1 AdaMax", SectionRole.METHOD, 3, text, 1)
    elsewhere = Hit(2, "p", "Paper", "2 Setup", SectionRole.METHOD, 3, text, 1)
    q = question("What is the rule of AdaMax?")
    assert windows(q, [inside], 300)[0].coverage > windows(q, [elsewhere], 300)[0].coverage


def test_why_prefers_the_claim_with_the_reason_that_follows_it() -> None:
    text = (
        "In order to pre-train efficiently, the text encoder and text decoder share all "
        "parameters except for the self-attention layers. The reason is that the differences "
        "between the encoding and decoding tasks are best captured by the SA layers."
    )
    q = question("Why do the text encoder and decoder share all parameters except self-attention?")
    assert "The reason is that" in windows(q, [hit(text)], 600)[0].text


def test_a_short_form_the_passages_define_says_its_long_form() -> None:
    q = question("How does the image-text contrastive loss use a momentum encoder?")
    defining = hit("Image-Text Contrastive Loss (ITC) activates the unimodal encoder.")
    using = hit("We follow the ITC loss, where a momentum encoder produces the features.")
    by_text = {w.text: w for w in windows(q, [defining, using], 400)}
    used = by_text["We follow the ITC loss, where a momentum encoder produces the features."]
    assert (
        used.coverage
        > by_text["Image-Text Contrastive Loss (ITC) activates the unimodal encoder."].coverage
    )
    # Without the passage that defines ITC, the short form says nothing of the question.
    (alone,) = windows(q, [using], 400)
    assert alone.coverage < used.coverage


def test_a_section_about_a_variant_of_the_named_method_ranks_below_the_method() -> None:
    text = "Good default settings for the tested problems are α = 0.001 and β1 = 0.9."
    stems = frozenset(match_stems("What are the default settings of Adam?"))
    q = Question(
        {s: 1.0 for s in stems - {"adam"}},
        stems,
        None,
        answer_type("What are the default settings of Adam?"),
        frozenset({"p"}),
        frozenset({"adam"}),
    )
    variant = Hit(1, "p", "Paper", "7.1 AdaMax", SectionRole.METHOD, 8, text, 1.0)
    method = Hit(2, "p", "Paper", "2 Algorithm", SectionRole.METHOD, 2, text, 1.0)
    best = windows(q, [variant, method], 400)[0]
    assert best.hit_index == 1  # though the variant's passage was retrieved first
    asked = Question(q.weights, q.stems | {"adamax"}, None, q.answer_type, q.named, q.names)
    assert windows(asked, [variant, method], 400)[0].hit_index == 0


@pytest.mark.parametrize(
    "section", ["9 Acknowledgments", "Acknowledgements", "Author Contributions"]
)
def test_thanks_and_contributions_are_not_answers(section: str) -> None:
    q = question("What does the name Adam stand for?")
    thanks = Hit(1, "p", "Paper", section, SectionRole.OTHER, 10,
                 "We thank Ivo and Tom for coining the name Adam.", 1.0)  # fmt: skip
    intro = Hit(2, "p", "Paper", "1 Introduction", SectionRole.INTRODUCTION, 1,
                "The name Adam is derived from adaptive moment estimation.", 1.0)  # fmt: skip
    assert windows(q, [thanks, intro], 400)[0].hit_index == 1  # though thanks came first
