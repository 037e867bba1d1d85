"""Hybrid retrieval on a small synthetic library (fast), and on the real corpus (slow)."""

from __future__ import annotations

import pytest
from answers_support import HashEmbedder, MemoryStore, chunk

from reader.answers.paper_names import paper_name_keys
from reader.answers.retrieval import Retriever, rrf_fuse
from reader.errors import QueryError
from reader.models import SectionRole
from reader.settings import Settings
from reader.text.stems import match_stem

TITLES = {
    "p1": "GELU: Gaussian Error Linear Units",
    "p2": "Querying Transformers for Vision",
    "p3": "Cooking at Scale",
}


def library() -> Retriever:
    chunks = [
        chunk("p1", 0, "The GELU nonlinearity weights inputs by their value. GELUs are smooth."),
        chunk(
            "p1",
            1,
            "We evaluate on MNIST and CIFAR with many random seeds.",
            "3",
            "Experiments",
            SectionRole.EXPERIMENTS,
            4,
        ),
        chunk(
            "p2",
            0,
            "The Q-Former bridges a frozen image encoder and a frozen language model.",
            "3",
            "Method",
            SectionRole.METHOD,
            3,
        ),
        chunk(
            "p2",
            1,
            "Learned queries attend to image features through cross-attention.",
            "3.1",
            "Queries",
            SectionRole.METHOD,
            3,
        ),
        chunk("p3", 0, "To bake bread, knead the dough and let it rise before baking."),
    ]
    embedder = HashEmbedder()
    return Retriever(MemoryStore(chunks, TITLES, embedder), embedder, Settings())


def test_rrf_rewards_agreement() -> None:
    fused = rrf_fuse([[1, 2, 3], [3, 2, 9]], 60, [1.0, 1.0])
    assert [cid for cid, _ in fused][:2] in ([2, 3], [3, 2])
    assert fused[-1][0] in (1, 9)


@pytest.mark.parametrize("query", ["Q-Former", "QFormer", "q former", "what is the qformer?"])
def test_spelling_variants_find_the_same_passage(query: str) -> None:
    hits = library().search(query, 2)
    assert hits[0].paper_id == "p2" and "Q-Former" in hits[0].text


def test_plural_acronym_finds_singular() -> None:
    hits = library().search("GELUs", 3)
    assert hits[0].paper_id == "p1"


def test_filters_by_paper_and_role() -> None:
    r = library()
    assert {h.paper_id for h in r.search("image", 5, paper_ids=frozenset({"p1"}))} == {"p1"}
    hits = r.search("frozen encoder queries", 5, role=SectionRole.METHOD)
    assert hits and all(h.section_role is SectionRole.METHOD for h in hits)
    assert r.search("anything", 5, paper_ids=frozenset()) == []


def test_hits_carry_their_citation_fields() -> None:
    hit = library().search("learned queries cross-attention", 1)[0]
    assert (hit.paper_id, hit.section, hit.page) == ("p2", "3.1 Queries", 3)
    assert hit.paper_title == TITLES["p2"]


@pytest.mark.parametrize("query", ["", "   ", "?!", "the of and"])
def test_empty_query_is_a_query_error(query: str) -> None:
    if query.strip(" ?!"):
        assert library().search(query, 3) is not None  # stop words only still searches densely
    else:
        with pytest.raises(QueryError):
            library().search(query, 3)


def test_hostile_fts_syntax_is_searched_as_words() -> None:
    assert library().search('"bread" NEAR(dough) OR * AND -', 3)[0].paper_id == "p3"


def test_paper_names_from_titles() -> None:
    keys = paper_name_keys(library().store.papers())
    assert ("gelu",) in keys["p1"]
    assert any(k == ("querying", "transformer") for k in keys["p2"])
    names = library().names("Why are GELU activations smooth?")
    assert names.named == names.asked == {"p1"} and "gelu" in names.stems


@pytest.mark.slow
def test_real_corpus_finds_the_defining_passage(corpus_library) -> None:  # type: ignore[no-untyped-def]
    hits = corpus_library.search("Why is the dot product scaled by the square root of d_k?", 5)
    assert any(h.paper_id == "1706.03762" and "small gradients" in h.text for h in hits)
    only_bert = corpus_library.search("GELU", 5)
    assert only_bert[0].paper_id == "1606.08415"


def test_what_is_x_prefers_the_passage_that_defines_x() -> None:
    mentions = [
        chunk("p1", i, f"Table {i}: CapFilt results. CapFilt improves CapFilt on CapFilt data.")
        for i in range(6)
    ]
    defining = chunk(
        "p1",
        9,
        "Captioning and Filtering (CapFilt): a dataset bootstrapping method. A filter removes "
        "noisy captions from web texts and synthetic texts before pre-training.",
    )
    embedder = HashEmbedder()
    r = Retriever(MemoryStore([*mentions, defining], TITLES, embedder), embedder, Settings())
    hits = r.search("What is CapFilt?", 3)
    assert "removes noisy captions" in hits[0].text


def test_between_equal_passages_the_abstract_or_introduction_comes_first() -> None:
    text = "Layer normalization computes the mean and variance over the hidden units of a layer."
    chunks = [
        chunk("p1", 0, text, "4", "Experiments", SectionRole.EXPERIMENTS, 5),
        chunk("p1", 1, text, "", "Abstract", SectionRole.ABSTRACT, 1),
        chunk("p1", 2, text, "5", "Related work", SectionRole.RELATED_WORK, 6),
    ]
    embedder = HashEmbedder()
    retriever = Retriever(MemoryStore(chunks, TITLES, embedder), embedder, Settings())
    hits = retriever.search("What does layer normalization compute over the hidden units?", 3)
    assert hits[0].section_role == SectionRole.ABSTRACT
    # A role filter still has the last word.
    only = retriever.search("layer normalization mean", 3, role=SectionRole.EXPERIMENTS)
    assert [h.section_role for h in only] == [SectionRole.EXPERIMENTS]


def test_inside_one_paper_its_own_rare_words_weigh_more() -> None:
    chunks = [chunk("a", i, f"The momentum encoder is updated slowly, step {i}.") for i in range(4)]
    chunks += [chunk("b", 9, "A momentum encoder produces soft labels for the contrastive loss.")]
    chunks += [
        chunk("b", 10 + i, f"Image and text features are aligned, case {i}.") for i in range(3)
    ]
    embedder = HashEmbedder()
    r = Retriever(MemoryStore(chunks, {"a": "A", "b": "B"}, embedder), embedder, Settings())
    library_wide = r.match_weights("how does the momentum encoder align image features")
    in_b = r.match_weights("how does the momentum encoder align image features", paper_id="b")
    # "momentum" is everywhere in paper a, yet in only one passage of b.
    momentum, image = match_stem("momentum"), match_stem("image")
    assert in_b[momentum] > library_wide[momentum]
    assert in_b[momentum] > in_b[image]
