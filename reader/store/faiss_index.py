"""A FAISS inner-product index keyed by chunk id, exact or approximate by size; bytes in and out.

Below `HNSW_MIN_VECTORS` vectors the index is exact (IndexFlatIP): a library of a few hundred
papers is searched in a millisecond or two. From there on it is HNSW (IndexHNSWFlat), whose
latency stays near a millisecond at a million vectors where flat search takes ~100 ms; its
recall@10 against exact search is measured by `python -m benchmarks.scale` (≥ 0.95 required).
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

HNSW_MIN_VECTORS = 50_000
HNSW_M = 32  # graph degree: recall vs memory (M * 8 bytes of links per vector)
# Build cost vs graph quality. At 1M clustered synthetic vectors efConstruction 40 plateaued at
# recall@10 0.925 whatever the efSearch; 100 gives 1.000 at ef 256 and 512 (build 486 s on 2
# idle cores vs ~430 s for 40 under load; memory unchanged: it is set by M). docs/performance.md
HNSW_EF_CONSTRUCTION = 100
HNSW_EF_SEARCH = 128  # raised to 2k for larger k; recall@10 0.999 at 100k (benchmarks.scale)
HNSW_LARGE = 500_000
HNSW_EF_SEARCH_LARGE = 512
EXACT_FILTER_MAX = 20_000  # a filter this small is scored exactly, never through the graph
# Cosines are ranked after rounding to this many decimals, then by id: float noise between
# CPUs and thread counts (~1e-7) must not swap near-equal neighbours.
COSINE_DECIMALS = 5
TIE_MARGIN = 8  # extra exact candidates so that a tie at the k-th place is broken by id
_REMOVED = -1  # HNSW cannot delete nodes: removed vectors keep their node under this id


class VectorIndexError(ValueError):
    """Serialized index bytes are damaged or not a FAISS index."""


class VectorIndex:
    """IndexIDMap2 over IndexFlatIP or IndexHNSWFlat: cosine search over normalised rows."""

    def __init__(self, index: Any) -> None:
        import faiss

        self._index = index
        self._inner = faiss.downcast_index(index.index)
        self._removed = self._count_removed()

    # ------------------------------------------------------------ construction

    @classmethod
    def empty(cls, dim: int, kind: str = "flat") -> VectorIndex:
        import faiss

        inner: Any
        if kind == "hnsw":
            inner = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            inner.hnsw.efSearch = HNSW_EF_SEARCH
        elif kind == "flat":
            inner = faiss.IndexFlatIP(dim)
        else:
            raise ValueError(f"unknown vector index kind {kind!r}; use 'flat' or 'hnsw'")
        return cls(faiss.IndexIDMap2(inner))  # faiss keeps `inner` alive with the map

    @classmethod
    def build(
        cls,
        ids: NDArray[np.int64],
        vectors: NDArray[np.float32],
        dim: int,
        hnsw_min: int = HNSW_MIN_VECTORS,
    ) -> VectorIndex:
        """An index of the rows, exact below `hnsw_min` rows and HNSW from there on."""
        index = cls.empty(dim, kind_for(len(ids), hnsw_min))
        index.add(ids, vectors, hnsw_min=None)
        return index

    @classmethod
    def from_bytes(cls, data: bytes) -> VectorIndex:
        """Inverse of `to_bytes`; `VectorIndexError` if the bytes are not a usable index."""
        import faiss

        try:
            index = faiss.deserialize_index(np.frombuffer(data, dtype=np.uint8))
        except Exception as exc:  # faiss raises RuntimeError with a C++ trace as text
            raise VectorIndexError(f"not a FAISS index ({type(exc).__name__})") from None
        if (
            not isinstance(index, faiss.IndexIDMap2)
            or index.metric_type != faiss.METRIC_INNER_PRODUCT
            or not isinstance(
                faiss.downcast_index(index.index), faiss.IndexFlatIP | faiss.IndexHNSWFlat
            )
        ):
            raise VectorIndexError("not an id-mapped inner-product flat or HNSW FAISS index")
        return cls(index)

    def to_bytes(self) -> bytes:
        import faiss

        return bytes(faiss.serialize_index(self._index))

    # ------------------------------------------------------------ properties

    @property
    def dim(self) -> int:
        return int(self._index.d)

    @property
    def kind(self) -> str:
        """'flat' (exact) or 'hnsw' (approximate)."""
        import faiss

        return "hnsw" if isinstance(self._inner, faiss.IndexHNSWFlat) else "flat"

    def describe(self) -> str:
        """One line for users: which index, how many vectors, and whether search is exact."""
        if self.kind == "flat":
            return f"flat (exact) index of {len(self)} vectors"
        return (
            f"HNSW (approximate, M={HNSW_M}) index of {len(self)} vectors: "
            f"more than {HNSW_MIN_VECTORS} makes exact search too slow"
        )

    def __len__(self) -> int:
        return int(self._index.ntotal) - self._removed

    # ------------------------------------------------------------ changes

    def add(
        self,
        ids: NDArray[np.int64],
        vectors: NDArray[np.float32],
        hnsw_min: int | None = HNSW_MIN_VECTORS,
    ) -> None:
        """Add rows; a flat index that grows past `hnsw_min` becomes HNSW (None: never)."""
        if len(ids) == 0:
            return
        rows = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(ids), self.dim)
        self._index.add_with_ids(rows, np.ascontiguousarray(ids, dtype=np.int64))
        if hnsw_min is not None and self.kind == "flat" and len(self) >= hnsw_min:
            self._rebuild("hnsw")

    def remove(self, ids: Collection[int]) -> None:
        if not ids:
            return
        import faiss

        wanted = np.fromiter(ids, dtype=np.int64)
        if self.kind == "flat":
            self._index.remove_ids(faiss.IDSelectorBatch(wanted))
            return
        # HNSW keeps the nodes (the graph needs them) under an id that search skips.
        id_map = faiss.vector_to_array(self._index.id_map)
        gone = np.isin(id_map, wanted)
        if not gone.any():
            return
        id_map[gone] = _REMOVED
        faiss.copy_array_to_vector(id_map, self._index.id_map)
        self._index.construct_rev_map()
        self._removed = int(np.count_nonzero(id_map == _REMOVED))
        if self._removed > max(1000, self._index.ntotal // 5):
            self._rebuild("hnsw")  # too many dead nodes slow the search: compact

    # ------------------------------------------------------------ search

    def search(
        self, query: NDArray[np.float32], k: int, allowed_ids: Collection[int] | None = None
    ) -> list[tuple[int, float]]:
        """The k nearest (chunk id, inner product), best first, among `allowed_ids` if given."""
        if k <= 0 or len(self) == 0 or (allowed_ids is not None and not allowed_ids):
            return []
        import faiss

        faiss_any: Any = faiss  # the bundled stubs miss some SWIG classes
        row = np.ascontiguousarray(query, dtype=np.float32).reshape(1, self.dim)
        k = min(k, len(self) if allowed_ids is None else min(len(self), len(allowed_ids)))
        if self.kind == "hnsw" and allowed_ids is not None and len(allowed_ids) <= EXACT_FILTER_MAX:
            # A graph walk under a tight filter finds too few allowed nodes: score them all.
            return self._exact_among(row[0], k, allowed_ids)
        params: Any = None
        if self.kind == "hnsw":
            params = faiss_any.SearchParametersHNSW()
            wide = HNSW_EF_SEARCH_LARGE if len(self) >= HNSW_LARGE else HNSW_EF_SEARCH
            params.efSearch = max(wide, 2 * k)
        selector = self._selector(allowed_ids)
        if selector is not None:
            params = params or faiss.SearchParameters()
            params.sel = selector  # `selector` stays referenced until the search returns
        wide_k = min(k + TIE_MARGIN, len(self))
        with one_thread():
            scores, ids = self._index.search(row, wide_k, params=params)
        found = [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if int(i) >= 0]
        return stable_ranking(found)[:k]

    def _selector(self, allowed_ids: Collection[int] | None) -> Any:
        import faiss

        if allowed_ids is not None:
            return faiss.IDSelectorBatch(np.fromiter(allowed_ids, dtype=np.int64))
        if self._removed:
            return faiss.IDSelectorNot(faiss.IDSelectorBatch(np.array([_REMOVED], np.int64)))
        return None

    def _exact_among(
        self, query: NDArray[np.float32], k: int, allowed_ids: Collection[int]
    ) -> list[tuple[int, float]]:
        present = np.fromiter(allowed_ids, dtype=np.int64)
        try:
            rows = self._index.reconstruct_batch(present)
        except RuntimeError:  # some ids are not in the index: keep those that are
            present = present[np.isin(present, self._live_ids())]
            if present.size == 0:
                return []
            rows = self._index.reconstruct_batch(present)
        scores = rows @ query
        best = np.argsort(-scores, kind="stable")[: k + TIE_MARGIN]
        return stable_ranking([(int(present[i]), float(scores[i])) for i in best])[:k]

    # ------------------------------------------------------------ internals

    def _live_ids(self) -> NDArray[np.int64]:
        import faiss

        id_map = np.asarray(faiss.vector_to_array(self._index.id_map), dtype=np.int64)
        live: NDArray[np.int64] = id_map[id_map != _REMOVED]
        return live

    def _count_removed(self) -> int:
        import faiss

        if not isinstance(self._inner, faiss.IndexHNSWFlat) or self._index.ntotal == 0:
            return 0
        return int(np.count_nonzero(faiss.vector_to_array(self._index.id_map) == _REMOVED))

    def _rebuild(self, kind: str) -> None:
        """Rebuild as `kind` from the live vectors (flat→HNSW growth, or HNSW compaction)."""
        ids = self._live_ids()
        rows = self._index.reconstruct_batch(ids) if ids.size else np.zeros((0, self.dim))
        fresh = VectorIndex.empty(self.dim, kind)
        fresh.add(ids, rows.astype(np.float32), hnsw_min=None)
        self._index, self._inner, self._removed = fresh._index, fresh._inner, 0


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """One query gains nothing from OpenMP threads, and on a busy machine their spin-waiting
    made each search ~10x slower (measured): search single-threaded, then restore."""
    import faiss

    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def kind_for(count: int, hnsw_min: int = HNSW_MIN_VECTORS) -> str:
    """The index type the product uses for `count` vectors."""
    return "hnsw" if count >= hnsw_min else "flat"


def build(ids: NDArray[np.int64], vectors: NDArray[np.float32], dim: int) -> VectorIndex:
    return VectorIndex.build(ids, vectors, dim)


def serialize(index: VectorIndex) -> bytes:
    return index.to_bytes()


def deserialize(data: bytes) -> VectorIndex:
    return VectorIndex.from_bytes(data)


_MAGIC = b"READER-FAISS 1\n"


def pack_stamped(index: VectorIndex, stamp: str) -> bytes:
    """Index bytes behind a header naming the index state they were built from and a checksum."""
    import hashlib

    payload = index.to_bytes()
    digest = hashlib.sha256(payload).hexdigest()
    return _MAGIC + f"{stamp}\n{digest}\n".encode() + payload


def unpack_stamped(data: bytes) -> tuple[str, VectorIndex]:
    """(stamp, index); `VectorIndexError` if the bytes are truncated, altered or foreign."""
    import hashlib

    if not data.startswith(_MAGIC):
        raise VectorIndexError("missing header")
    parts = data[len(_MAGIC) :].split(b"\n", 2)
    if len(parts) != 3:
        raise VectorIndexError("truncated header")
    stamp, digest, payload = parts
    # The checksum catches a torn or truncated write before FAISS parses it.
    if hashlib.sha256(payload).hexdigest().encode() != digest:
        raise VectorIndexError("checksum mismatch")
    return stamp.decode("utf-8", "replace"), VectorIndex.from_bytes(payload)


def stable_ranking(found: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """(id, cosine) best first, by rounded cosine then id."""
    return sorted(found, key=lambda item: (-round(item[1], COSINE_DECIMALS), item[0]))
