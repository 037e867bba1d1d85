"""The interview deck: curated topic cards and the reading list's key-concept cards."""

from __future__ import annotations

from pathlib import Path

import pytest
from repo_paths import ROOT

from reader.catalog import load_reading_list
from reader.chinese.segment import has_chinese
from reader.concepts.glossary import load_glossary
from reader.errors import CatalogError
from reader.study.cards import build_deck, concept_cards, load_topic_cards, slug

GLOSSARY = load_glossary()
PLAN = load_reading_list(ROOT / "papers.yaml")


def test_every_curated_card_maps_to_glossary_entries_by_their_own_names() -> None:
    cards = load_topic_cards()
    assert 15 <= len(cards) <= 30
    for card in cards:
        for term in card.concepts:
            entry = GLOSSARY.lookup(term)
            assert entry is not None, f"{card.id}: {term!r} is not in the glossary"
            assert entry.term == term, f"{card.id}: write {entry.term!r}, not the alias {term!r}"


def test_the_plans_interview_topics_have_cards() -> None:
    ids = {c.id for c in load_topic_cards()}
    for topic in (
        "multi-head-attention-by-hand",
        "why-sqrt-dk",
        "positional-encoding",
        "layernorm-vs-batchnorm",
        "infonce-derivation",
        "clip-contrastive-loss",
        "mixed-precision",
        "gradient-clipping",
        "q-former",
        "latent-diffusion",
        "flamingo-gated-cross-attention",
    ):
        assert topic in ids


def test_every_card_asks_in_english_and_in_chinese() -> None:
    deck = build_deck(PLAN, GLOSSARY.lookup)
    assert len({c.id for c in deck}) == len(deck)
    for card in deck:
        assert card.question.endswith("?") and not has_chinese(card.question), card.id
        assert has_chinese(card.question_zh) and card.question_zh.endswith("？"), card.id


def test_key_concepts_become_what_is_cards_once_and_not_twice_beside_a_topic() -> None:
    topics = load_topic_cards()
    concepts = concept_cards(PLAN, GLOSSARY.lookup, topics)
    by_id = {c.id: c for c in concepts}
    # softmax is a key concept of the Transformer.
    softmax = by_id["concept:softmax"]
    assert (softmax.question, softmax.paper_id, softmax.stage) == (
        "What is softmax?",
        "1706.03762",
        1,
    )
    # cross-attention is a key concept of Flamingo and of Latent Diffusion: one card, the first.
    assert by_id["concept:cross-attention"].paper_id == "2204.14198"
    assert by_id["concept:self-attention"].question_zh == "什么是自注意力？"
    # multi-head attention and Q-Former are what topic cards are about: no "What is" card.
    assert "concept:multi-head-attention" not in by_id and "concept:q-former" not in by_id
    # "frozen LLM" (BLIP-2) is the glossary's "frozen language model" (Flamingo): one card.
    assert sum(c.concepts == ("frozen language model",) for c in concepts) == 1


def test_new_cards_come_in_reading_plan_order() -> None:
    deck = build_deck(PLAN, GLOSSARY.lookup)
    stages = [c.stage for c in deck if c.stage is not None]
    assert len(stages) == len(deck) and stages == sorted(stages)  # every card has a stage
    first_stage = [c for c in deck if c.stage == 1]
    kinds = [c.kind for c in first_stage]
    assert kinds == sorted(kinds, key=lambda k: k != "topic")  # topics before concepts
    topic_ids = [c.id for c in first_stage if c.kind == "topic"]
    assert topic_ids == sorted(topic_ids)


def test_without_a_reading_list_the_deck_is_the_curated_topics() -> None:
    assert [c.kind for c in build_deck(None, GLOSSARY.lookup)] == ["topic"] * len(
        load_topic_cards()
    )


def test_a_duplicate_or_unslugged_id_is_refused(tmp_path: Path) -> None:
    card = "  - id: {id}\n    question: Why?\n    question_zh: 为什么？\n    concepts: [softmax]\n"
    twice = tmp_path / "twice.yaml"
    twice.write_text("cards:\n" + card.format(id="a") + card.format(id="a"), encoding="utf-8")
    with pytest.raises(CatalogError, match="used twice"):
        load_topic_cards(twice)
    spaced = tmp_path / "spaced.yaml"
    spaced.write_text("cards:\n" + card.format(id="'Not A Slug'"), encoding="utf-8")
    with pytest.raises(CatalogError, match="slug"):
        load_topic_cards(spaced)


def test_slug() -> None:
    assert slug("Q-Former") == "q-former"
    assert slug("scaled dot-product attention") == "scaled-dot-product-attention"
