"""The reply check: a sentence is used only when it cites passages that say what it says, in
any of the forms small models write ("[1, 2]", "[1][2]", "[P2]"), after an opener or not."""

from __future__ import annotations

import pytest

from reader.errors import LLMError
from reader.generation import build_messages, check_reply
from reader.generation.citations import cited_numbers
from reader.models import Hit, SectionRole

HITS = [
    Hit(
        1,
        "1706.03762",
        "Attention",
        "3.2.1 Scaled",
        SectionRole.METHOD,
        4,
        "We scale the dot products by the square root of the key dimension [3]. Large dot "
        "products push the softmax into regions with extremely small gradients [5, 6].",
        1.0,
    ),
    Hit(
        2,
        "1810.04805",
        "BERT",
        "3.1 Pre-training",
        SectionRole.METHOD,
        4,
        "We mask 15% of all WordPiece tokens in each sequence at random, and the [MASK] token "
        "is used 80% of the time.",
        0.9,
    ),
    Hit(
        3,
        "2010.11929",
        "ViT",
        "3.1 Vision Transformer",
        SectionRole.METHOD,
        3,
        "We prepend a learnable embedding to the sequence of embedded patches, the [class] token.",
        0.8,
    ),
]
LABELS = ["[Transformer §3.2.1, p.4]", "[BERT §3.1, p.4]", "[ViT §3.1, p.3]"]


def test_the_prompt_numbers_passages_and_drops_the_papers_reference_markers() -> None:
    prompt = build_messages("Why scale?", HITS)[-1]["content"]
    assert "[1] (Attention, 3.2.1 Scaled, p.4)" in prompt
    assert "key dimension." in prompt and "[3]" not in prompt.split("[3] (ViT")[0]
    assert "[5, 6]" not in prompt
    assert "[MASK] token" in prompt and "[class] token" in prompt  # words, not references


@pytest.mark.parametrize(
    ("group", "numbers"),
    [("1", [1]), ("1, 2", [1, 2]), ("1;3", [1, 3]), ("1-3", [1, 2, 3]), ("P2", [2]),
     ("Passage 3", [3]), ("1 and 2", [1, 2])],
)  # fmt: skip
def test_citation_forms(group: str, numbers: list[int]) -> None:
    assert cited_numbers(group) == numbers


def test_a_faithful_reply_shows_the_passages_labels_and_quotes() -> None:
    checked = check_reply(
        "Sure! Here is the answer: Dot products are scaled by the square root of the key "
        "dimension [1]. Large dot products give small gradients, and BERT masks 15% of "
        "WordPiece tokens [1, 2].",
        HITS,
        LABELS,
    )
    assert checked.text == (
        "Dot products are scaled by the square root of the key dimension "
        "[Transformer §3.2.1, p.4]. Large dot products give small gradients, and BERT masks "
        "15% of WordPiece tokens [Transformer §3.2.1, p.4] [BERT §3.1, p.4]."
    )
    assert [c.label for c in checked.citations] == [LABELS[0], LABELS[1]]
    assert checked.citations[0].quote == (
        "We scale the dot products by the square root of the key dimension."
    )


def test_a_bracketed_word_of_the_passages_is_no_stray_citation() -> None:
    checked = check_reply(
        "ViT prepends a learnable embedding, the [class] token [3].", HITS, LABELS
    )
    assert checked.citations[0].paper_id == "2010.11929"


def test_a_marker_opening_the_next_sentence_belongs_to_the_one_before() -> None:
    checked = check_reply(
        "The dot products are scaled by the square root of the key dimension. [1] "
        "BERT masks 15% of WordPiece tokens [2].",
        HITS,
        LABELS,
    )
    assert len(checked.citations) == 2


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("An uncited claim about tokens. BERT masks 15% of WordPiece tokens [2].", "cites no"),
        ("BERT masks 15% of WordPiece tokens [7].", "3 were sent"),
        ("BERT masks 15% of WordPiece tokens [Vaswani 2017] [2].", "no passage"),
        # Copied from passage 1, credited to passage 3: the words are not passage 3's.
        ("Large dot products push the softmax into regions with small gradients [3].", "[3]"),
        ("The moon is made of green cheese [1].", "not what passage"),
        ("NOT FOUND", "no answer"),
        ("", "no answer"),
        ("Sure!", "nothing"),
    ],
)
def test_unfaithful_replies_are_refused_with_the_reason(reply: str, reason: str) -> None:
    with pytest.raises(LLMError, match=reason.replace("[", r"\[").replace("]", r"\]")):
        check_reply(reply, HITS, LABELS)
