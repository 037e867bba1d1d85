"""An exact inner-product FAISS index keyed by chunk id; bytes in and out, no disk I/O."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray


class VectorIndexError(ValueError):
    """Serialized index bytes are damaged or not a FAISS index."""


class VectorIndex:
    """IndexFlatIP inside IndexIDMap2: exact cosine search over normalised rows, ids = chunk ids."""

    def __init__(self, index: Any) -> None:
        self._index = index

    @classmethod
    def empty(cls, dim: int) -> VectorIndex:
        import faiss

        return cls(faiss.IndexIDMap2(faiss.IndexFlatIP(dim)))

    @classmethod
    def build(cls, ids: NDArray[np.int64], vectors: NDArray[np.float32], dim: int) -> VectorIndex:
        index = cls.empty(dim)
        index.add(ids, vectors)
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
        ):
            raise VectorIndexError("not an id-mapped inner-product FAISS index")
        return cls(index)

    def to_bytes(self) -> bytes:
        import faiss

        return bytes(faiss.serialize_index(self._index))

    @property
    def dim(self) -> int:
        return int(self._index.d)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def add(self, ids: NDArray[np.int64], vectors: NDArray[np.float32]) -> None:
        if len(ids) == 0:
            return
        rows = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(ids), self.dim)
        self._index.add_with_ids(rows, np.ascontiguousarray(ids, dtype=np.int64))

    def remove(self, ids: Collection[int]) -> None:
        if not ids:
            return
        import faiss

        self._index.remove_ids(faiss.IDSelectorBatch(np.fromiter(ids, dtype=np.int64)))

    def search(
        self, query: NDArray[np.float32], k: int, allowed_ids: Collection[int] | None = None
    ) -> list[tuple[int, float]]:
        """The k nearest (chunk id, inner product), best first, among `allowed_ids` if given."""
        if k <= 0 or len(self) == 0 or (allowed_ids is not None and not allowed_ids):
            return []
        import faiss

        row = np.ascontiguousarray(query, dtype=np.float32).reshape(1, self.dim)
        k = min(k, len(self) if allowed_ids is None else min(len(self), len(allowed_ids)))
        params = None
        if allowed_ids is not None:
            selector = faiss.IDSelectorBatch(np.fromiter(allowed_ids, dtype=np.int64))
            params = faiss.SearchParameters()
            params.sel = selector  # `selector` stays referenced until the search returns
        scores, ids = self._index.search(row, k, params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if int(i) != -1]


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
