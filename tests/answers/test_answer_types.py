"""What a question asks for, and which sentences carry it (made-up sentences, fast)."""

from __future__ import annotations

import pytest

from reader.answers.answer_types import (
    Kind,
    answer_type,
    is_display_equation,
    is_settings_sentence,
)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many layers does the encoder have?", Kind.QUANTITY),
        ("What fraction of the tokens are masked?", Kind.QUANTITY),
        ("Which β2 does the paper set for Adam?", Kind.QUANTITY),
        ("What is the learning rate?", Kind.QUANTITY),
        ("Which batch size is used for pre-training?", Kind.QUANTITY),
        ("What are the default settings of the optimizer?", Kind.QUANTITY),
        ("How is the attention output computed?", Kind.FORMULA),
        ("What is the update rule of AdaMax?", Kind.FORMULA),
        ("What is the formula of the feed-forward layer?", Kind.FORMULA),
        ("What is the training loss of the captioner?", Kind.FORMULA),
        ("Why is the dot product scaled?", Kind.REASON),
        ("What is the reason for warmup?", Kind.REASON),
        ("How does the model encode position?", Kind.METHOD),
        ("Which inductive biases does it lack?", Kind.INSTANCES),
        ("Which two losses does it combine?", Kind.INSTANCES),
        ("What is GELU?", Kind.OTHER),
    ],
)
def test_question_kinds(question: str, kind: Kind) -> None:
    assert answer_type(question).kind == kind


def test_a_quantity_near_the_asked_noun_beats_a_number_elsewhere() -> None:
    asked = answer_type("How many layers does the encoder have?")
    close = asked.bonus("The encoder is composed of a stack of N = 6 identical layers.")
    far = asked.bonus("In 2017 we trained an encoder whose width we chose by validation on data.")
    none = asked.bonus("The encoder is composed of a stack of identical layers.")
    assert close > far > none == 0.0


def test_a_symbol_with_its_value_is_the_quantity_asked() -> None:
    asked = answer_type("Which β2 does the paper use?")
    assert asked.symbols == {"β2"}
    assert asked.bonus("We used Adam with β1 = 0.9, β2 = 0.98 and ϵ = 10−9.") > asked.bonus(
        "A small β2 matters for sparse gradients, see Section 3."
    )


def test_cross_references_and_citations_are_not_quantities() -> None:
    asked = answer_type("How many heads are used?")
    assert asked.bonus("As shown in Section 3.1 and Table 2, heads attend differently [12].") == 0
    assert asked.bonus("Heads average positions, as described in section 3.2 and Eqn. 4.") == 0
    assert asked.bonus("We choose the optimal value for the heads (0.2).") > 0


@pytest.mark.parametrize(
    ("kind_question", "carrier", "plain"),
    [
        (
            "Why is the dot product scaled?",
            "To counteract this effect, we scale the dot products.",
            "The dot products are scaled in every layer.",
        ),
        (
            "How does the model encode position?",
            "In this work, we use sine and cosine functions of different frequencies.",
            "Position matters for the model.",
        ),
        (
            "How is the shortcut computed?",
            "The shortcut is computed as y = F(x) + x.",
            "The shortcut helps optimisation.",
        ),
        (
            "Which inductive biases does it lack?",
            "It lacks biases such as locality and translation equivariance.",
            "It lacks biases.",
        ),
    ],
)
def test_sentences_that_carry_the_asked_kind_get_a_bonus(
    kind_question: str, carrier: str, plain: str
) -> None:
    asked = answer_type(kind_question)
    assert asked.bonus(carrier) > asked.bonus(plain)


def test_display_equations_and_settings_sentences() -> None:
    assert is_display_equation("FFN(x) = max(0, xW1 + b1)W2 + b2 (2)")
    assert not is_display_equation("A sentence without any math in it at all, for sure.")
    assert is_settings_sentence("We used the Adam optimizer with β1 = 0.9, β2 = 0.98.")
    assert not is_settings_sentence("β1 = 0.9, β2 = 0.98")  # no words around the values
    assert not is_settings_sentence("Smith et al. In Proceedings of NIPS, pp. 1-9, 2017.")


def test_a_stated_reason_outweighs_a_loose_cue() -> None:
    why = answer_type("Why do the encoder and decoder share parameters?")
    stated = why.bonus("The reason is that the differences are best captured by the SA layers.")
    loose = why.bonus("This cannot happen in the decoder.")
    assert stated > loose > why.bonus("The encoder and decoder share all parameters.")


def test_an_instance_is_named_by_a_name_or_two_kinds_not_by_an_adjective() -> None:
    which = answer_type("Which activation function does the model use?")
    assert which.bonus("We use a gelu activation rather than the standard relu.") > 0
    assert which.bonus("We extract the activations from one or more layers.") == 0
    biases = answer_type("Which inductive biases does the model lack?")
    assert biases.bonus("It has much less image-specific inductive bias than CNNs.") == 0
    losses = answer_type("Which losses is the model trained with?")
    assert losses.bonus("It is trained with contrastive loss and captioning loss.") > 0


def test_the_formula_for_the_asked_symbol_beats_other_math() -> None:
    # A PDF prints the typed u_t as "ut": the equation defining it is the answer.
    rule = answer_type("What is the update rule for the norm u_t?")
    assert rule.kind == Kind.FORMULA
    defining = rule.bonus("ut = max(β2 · ut−1, |gt|) (12) with initial value u0 = 0.")
    other = rule.bonus("When (1 − β1) = √1 − β2 we have that |mt/√vt| < 1.")
    assert defining > other > rule.bonus("The norm is simple to compute.")


def test_a_typed_subscript_symbol_is_looked_for_as_printed() -> None:
    asked = answer_type("Which d_k does the model use?")
    assert asked.symbols == {"dk"}
    assert asked.bonus("We use dk = 64 for each head.") > asked.bonus("Heads use 64 units.")


def test_an_upper_case_symbol_is_found_whatever_the_question_case() -> None:
    for typed in (
        "What is the formula of the captioning loss L_Cap?",
        "what is the formula of l_cap?",
    ):
        rule = answer_type(typed)
        assert rule.bonus("LCap = − log Pθ(yt|y<t, x).") > rule.bonus("LCoCa = λ · LCon + 1.")


def test_an_algorithm_update_line_is_a_formula() -> None:
    line = "mt ← β1 · mt−1 + (1 − β1) · gt (Update biased first moment estimate)"
    assert is_display_equation(line)
    assert answer_type("How is the first moment estimate updated?").bonus(line) > 0
