"""Keyword search ranks inside FTS5 (no join when unfiltered): the same top passages as before."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from reader.models import Chunk, PaperRecord, SectionRole
from reader.settings import Settings
from reader.store.index_store import IndexStore

FILLER = "we report results on the benchmark with the usual training setup and data"
PASSAGES = {
    "p0": [
        "softmax attention with scaled dot products over keys and queries, attention again",
        FILLER,
        "layer normalization keeps activations stable across the residual stream",
    ],
    "p1": [
        FILLER,
        "attention heads attend to tokens; multi head attention concatenates the heads",
        "the optimizer uses momentum and an adaptive learning rate",
    ],
    "p2": [
        "contrastive loss pulls positive pairs together and pushes negatives apart",
        "a single mention of attention in a long sentence about " + FILLER,
        FILLER,
    ],
}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[IndexStore]:
    with IndexStore.open(Settings(index_dir=tmp_path / "index"), create=True) as opened:
        opened.set_model_info("test-model", 8)
        rng = np.random.default_rng(0)
        for paper_id, texts in PASSAGES.items():
            chunks = [
                Chunk(paper_id, "1", "Method", SectionRole.METHOD, 1, i, text)
                for i, text in enumerate(texts)
            ]
            rows = rng.normal(size=(len(texts), 8)).astype(np.float32)
            rows /= np.linalg.norm(rows, axis=1, keepdims=True)
            record = PaperRecord(paper_id, 1, f"Paper {paper_id}", paper_id, "x", 1, 1, len(texts))
            opened.replace_paper(record, f"fp-{paper_id}", [], chunks, rows)
        yield opened


def texts_of(store: IndexStore, hits: list[tuple[int, float]]) -> list[str]:
    by_id = {s.id: s.chunk.text for s in store.chunks([i for i, _ in hits])}
    return [by_id[i] for i, _ in hits]


def test_the_passage_with_the_query_words_most_often_ranks_first(store: IndexStore) -> None:
    top = texts_of(store, store.keyword_search('"attention" OR "heads"', 3))
    assert top[0].startswith("attention heads attend")
    assert top[1].startswith("softmax attention")
    assert top[2].startswith("a single mention")


def test_unfiltered_and_filtered_searches_rank_alike(store: IndexStore) -> None:
    expr = '"attention" OR "momentum" OR "contrastive" OR "normalization"'
    everything = store.keyword_search(expr, 10)
    all_papers = store.keyword_search(expr, 10, paper_ids=list(PASSAGES))
    assert everything == all_papers
    assert len(everything) == 6  # every passage with a query word, none without
    one = store.keyword_search(expr, 10, paper_ids=["p1"])
    assert [i for i, _ in one] == [i for i, _ in everything if i in {i for i, _ in one}]
    assert sorted(texts_of(store, one)) == sorted(PASSAGES["p1"][1:])


def test_a_removed_paper_is_not_found_any_more(store: IndexStore) -> None:
    store.remove_paper("p1")
    found = texts_of(store, store.keyword_search('"heads"', 5))
    assert found == []
    assert len(store.keyword_search('"attention"', 5)) == 2
