"""The back of interview cards over the real dev corpus: the papers' own cited answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from reader.study.records import QuizCard

if TYPE_CHECKING:
    from reader import Library

pytestmark = pytest.mark.slow


def test_a_topic_card_quotes_its_own_paper(corpus_library: Library) -> None:
    back = corpus_library.study.quiz_back("why-sqrt-dk")
    assert back.in_library and back.note is None
    assert {c.paper_id for c in back.citations} == {"1706.03762"}
    assert any(c.section.startswith("3.2.1") and c.page == 4 for c in back.citations)
    assert "softmax" in back.answer and back.glossary[0].term == "scaled dot-product attention"


def test_a_card_whose_paper_is_missing_is_answered_by_the_one_it_names_as_also(
    corpus_library: Library,
) -> None:
    # CLIP is not in the dev corpus; Contrastive Predictive Coding (which named InfoNCE) is.
    back = corpus_library.study.quiz_back("infonce-derivation")
    assert back.in_library
    assert {c.paper_id for c in back.citations} <= {"1807.03748", "1911.05722"}


def test_a_card_whose_paper_is_missing_falls_back_to_the_glossary(
    corpus_library: Library,
) -> None:
    back = corpus_library.study.quiz_back("q-former")  # BLIP-2 is not in the dev corpus
    assert not back.in_library and back.citations == ()
    assert back.note is not None and "2301.12597" in back.note
    assert back.glossary[0].term == "Q-Former"


def test_a_concept_card_quotes_the_papers_definitions(corpus_library: Library) -> None:
    card = QuizCard(
        "concept:softmax",
        "concept",
        "What is softmax?",
        "什么是softmax？",
        ("softmax",),
        paper_id="1706.03762",
        stage=1,
    )
    back = corpus_library.study.quiz.back(card)
    assert back.in_library and back.citations
    assert back.citations[0].paper_id == "1706.03762"
    assert back.answer == back.citations[0].quote
