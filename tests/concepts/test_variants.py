"""Variant resolution: plurals, case, hyphens and spaces, expansions and acronyms → `canonical`."""

from __future__ import annotations

import pytest
from answers_support import HashEmbedder, MemoryStore, chunk

from reader.concepts.glossary import load_glossary
from reader.concepts.lookup import ConceptFinder
from reader.concepts.variants import (
    bare_uses,
    preferred_spelling,
    singular_candidates,
    singular_terms,
)
from reader.models import SectionRole
from reader.settings import Settings

TITLES = {"2001.00001": "Made-up Networks", "2001.00002": "Made-up Pre-training"}


def finder() -> ConceptFinder:
    chunks = [
        chunk(
            "2001.00001",
            0,
            "Deep networks often use ReLU activations. The ReLU keeps positive inputs and "
            "zeroes negative ones. We compare ReLUs with sigmoid units.",
            "",
            "Abstract",
            SectionRole.ABSTRACT,
        ),
        chunk(
            "2001.00001",
            1,
            "The self-attention layer relates all positions. We stack self-attention blocks, "
            "and self-attention is cheap. We apply LayerNorm after each block, and LayerNorm "
            "normalizes the features of one example.",
        ),
        chunk(
            "2001.00001",
            2,
            "We add positional encodings to the embeddings. Each positional encoding is a sine "
            "of the position. A memory bank stores one key per image.",
        ),
        chunk(
            "2001.00002",
            0,
            "We pre-train with a masked language model (MLM) objective. The MLM predicts "
            "masked tokens, and the MLM loss is a cross-entropy.",
        ),
    ]
    store = MemoryStore(chunks, TITLES, HashEmbedder())
    return ConceptFinder(store, Settings(), load_glossary(), None)


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("ReLUs", "ReLU"),  # plural acronym
        ("relu", "ReLU"),  # case
        ("self attention", "self-attention"),  # space for a hyphen
        ("Self-Attention", "self-attention"),  # title case
        ("layernorm", "LayerNorm"),  # camel case written together
        ("layer norm", "LayerNorm"),  # ... and apart
        ("positional encodings", "positional encoding"),  # plural noun
        ("memory bank", "memory bank"),  # nothing to change
        ("sourdough starters", "sourdough starters"),  # nothing known: left alone
    ],
)
def test_variants_resolve_to_the_papers_spelling(typed: str, canonical: str) -> None:
    r = finder().lookup(typed)
    assert r.term == typed and r.canonical == canonical


def test_expansion_resolves_to_the_acronym_a_paper_defines() -> None:
    for typed in ("masked language model", "masked language models", "Masked-Language Model"):
        r = finder().lookup(typed)
        assert r.canonical == "MLM" and r.expansion == "masked language model"
        assert {o.paper_id for o in r.occurrences} == {"2001.00002"}


def test_acronym_keeps_its_name_and_gets_its_expansion() -> None:
    r = finder().lookup("MLM")
    assert r.canonical == "MLM" and r.expansion == "masked language model"
    assert r.occurrences[0].count >= 4  # the acronym and the written-out form


def test_expansion_known_to_the_glossary_resolves_to_its_acronym() -> None:
    # No paper spells ReLU out here: the glossary knows "rectified linear unit" is ReLU.
    r = finder().lookup("Rectified Linear Unit")
    assert r.canonical == "ReLU" and r.found and r.expansion is None
    assert {o.paper_id for o in r.occurrences} == {"2001.00001"}


def test_a_term_in_no_paper_takes_the_glossary_spelling() -> None:
    r = finder().lookup("Q Former")
    assert not r.found and r.canonical == "Q-Former"


def test_singulars() -> None:
    assert singular_candidates("GELUs") == ["GELU"]
    assert singular_candidates("ReLU’s") == ["ReLU"]
    assert singular_candidates("encodings") == ["encoding"]
    assert singular_candidates("queries") == ["query", "querie"]
    assert singular_candidates("approaches") == ["approach", "approache"]
    for word in ("loss", "bias", "corpus", "analysis", "Adam", "ViT"):
        assert singular_candidates(word) == [word]
    assert singular_terms("multi-head attentions") == ["multi-head attention"]


def test_spelling_evidence() -> None:
    texts = ["Caches help. The cache is small.", "We use LayerNorm, and LayerNorm is fast."]
    assert bare_uses("cache", texts) == 1 and bare_uses("cach", texts) == 0
    assert preferred_spelling("layer norm", texts) == "LayerNorm"
    # One use of another spelling is no evidence (a figure label, a typo).
    assert preferred_spelling("CLS token", ["the cls-token is pooled"]) is None
    # A capital that only opens a sentence does not count.
    assert (
        preferred_spelling("dropout", ["Dropout helps. We use dropout and dropout."]) == "dropout"
    )
