"""Vector index: exact cosine search by chunk id, filters, and a byte round-trip."""

from __future__ import annotations

import numpy as np
import pytest

from reader.vectorindex import VectorIndex, VectorIndexError, build, deserialize, serialize


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
