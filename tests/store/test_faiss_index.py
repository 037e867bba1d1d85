"""Vector index: exact cosine search by chunk id, filters, and a byte round-trip."""

from __future__ import annotations

import numpy as np
import pytest

from reader.store.faiss_index import VectorIndex, VectorIndexError, build, deserialize, serialize


def unit_rows(n: int, dim: int, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_nearest_is_itself_and_ids_are_chunk_ids() -> None:
    vectors = unit_rows(200, 32)
    ids = np.arange(1000, 1200, dtype=np.int64)
    index = build(ids, vectors, 32)
    hits = index.search(vectors[17], 5)
    assert hits[0][0] == 1017
    assert hits[0][1] == pytest.approx(1.0, abs=1e-5)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)


def test_filtered_search_only_returns_allowed_ids() -> None:
    vectors = unit_rows(100, 16)
    index = build(np.arange(100, dtype=np.int64), vectors, 16)
    allowed = {3, 50, 77}
    hits = index.search(vectors[10], 10, allowed)
    assert {i for i, _ in hits} == allowed
    assert index.search(vectors[10], 10, set()) == []
    assert index.search(vectors[10], 0) == []


def test_round_trip_bytes_and_removal() -> None:
    vectors = unit_rows(50, 8)
    index = build(np.arange(50, dtype=np.int64), vectors, 8)
    copy = deserialize(serialize(index))
    assert len(copy) == 50 and copy.dim == 8
    assert copy.search(vectors[4], 3) == index.search(vectors[4], 3)
    copy.remove({4})
    assert 4 not in {i for i, _ in copy.search(vectors[4], 50)}
    copy.add(np.array([99], dtype=np.int64), vectors[4:5])
    assert copy.search(vectors[4], 1)[0][0] == 99


def test_empty_index_and_damaged_bytes() -> None:
    assert VectorIndex.empty(8).search(np.ones(8, dtype=np.float32), 3) == []
    data = serialize(build(np.arange(10, dtype=np.int64), unit_rows(10, 8), 8))
    for damaged in (b"", data[: len(data) // 2], b"not faiss" * 20):
        with pytest.raises(VectorIndexError):
            deserialize(damaged)


# ---------------------------------------------------------------- index type by size (HNSW)


def clustered_rows(n: int, dim: int, seed: int = 1) -> np.ndarray:
    """Unit rows around 50 centres: closer to real embeddings than uniform noise."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(50, dim))
    rows = centres[rng.integers(0, 50, n)] + 0.6 * rng.normal(size=(n, dim))
    rows = rows.astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_small_libraries_are_exact_and_large_ones_hnsw_and_say_so() -> None:
    vectors = clustered_rows(600, 32)
    ids = np.arange(600, dtype=np.int64)
    small = VectorIndex.build(ids[:100], vectors[:100], 32, hnsw_min=500)
    large = VectorIndex.build(ids, vectors, 32, hnsw_min=500)
    assert small.kind == "flat" and "exact" in small.describe()
    assert large.kind == "hnsw" and "approximate" in large.describe()
    assert deserialize(serialize(large)).kind == "hnsw"
    assert large.search(vectors[42], 1)[0][0] == 42


def test_hnsw_recall_at_10_against_exact_search() -> None:
    vectors = clustered_rows(2000, 32)
    ids = np.arange(2000, dtype=np.int64)
    exact = VectorIndex.build(ids, vectors, 32, hnsw_min=10**9)
    approx = VectorIndex.build(ids, vectors, 32, hnsw_min=1)
    queries = clustered_rows(100, 32, seed=7)
    found = 0
    for q in queries:
        truth = {i for i, _ in exact.search(q, 10)}
        found += len(truth & {i for i, _ in approx.search(q, 10)})
    assert found / (10 * len(queries)) >= 0.95


def test_hnsw_removal_survives_round_trip_and_filters_stay_exact() -> None:
    vectors = clustered_rows(800, 24)
    index = VectorIndex.build(np.arange(800, dtype=np.int64), vectors, 24, hnsw_min=1)
    index.remove({5, 6, 7})
    assert len(index) == 797
    copy = deserialize(serialize(index))
    assert len(copy) == 797
    for idx in (index, copy):
        assert {5, 6, 7}.isdisjoint(i for i, _ in idx.search(vectors[5], 50))
    allowed = {5, 100, 200, 300}
    hits = copy.search(vectors[100], 10, allowed)
    assert hits[0][0] == 100 and {i for i, _ in hits} == {100, 200, 300}
    copy.add(np.array([5], dtype=np.int64), vectors[5:6])  # a re-ingested chunk comes back
    assert copy.search(vectors[5], 1)[0][0] == 5


def test_flat_index_turns_hnsw_when_it_grows_and_compacts_after_many_removals() -> None:
    vectors = clustered_rows(2000, 16)
    index = VectorIndex.build(np.arange(100, dtype=np.int64), vectors[:100], 16, hnsw_min=1500)
    index.add(np.arange(100, 2000, dtype=np.int64), vectors[100:], hnsw_min=1500)
    assert index.kind == "hnsw" and len(index) == 2000
    index.remove(set(range(0, 1200)))  # more dead nodes than the graph should carry
    assert len(index) == 800 and index.kind == "hnsw"
    assert index.search(vectors[1900], 1)[0][0] == 1900
    assert all(i >= 1200 for i, _ in index.search(vectors[10], 20))
