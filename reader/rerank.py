"""An optional cross-encoder that re-scores candidate answers by reading question and text together.

A bi-encoder (the index's model) embeds the question and each sentence apart, so it prefers a
sentence that restates the question to the one that answers it. A cross-encoder does not, but
none ships with a PyPI package that works offline, so this is off unless `reranker_model`
names a local sentence-transformers CrossEncoder folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from reader.errors import ModelError
from reader.settings import Settings

if TYPE_CHECKING:
    from numpy.typing import NDArray


class Reranker(Protocol):
    """Scores (question, text) pairs: higher means the text answers the question better."""

    name: str

    def score(self, question: str, texts: Sequence[str]) -> NDArray[np.float32]: ...


class CrossEncoderReranker:
    """A sentence-transformers CrossEncoder on CPU."""

    def __init__(self, model: Any, name: str, batch_size: int) -> None:
        self._model = model
        self.name = name
        self._batch_size = max(1, batch_size)

    def score(self, question: str, texts: Sequence[str]) -> NDArray[np.float32]:
        if not texts:
            return np.zeros(0, dtype=np.float32)
        scores = self._model.predict(
            [(question, t) for t in texts], batch_size=self._batch_size, show_progress_bar=False
        )
        return np.asarray(scores, dtype=np.float32).reshape(len(texts))


def load_reranker(settings: Settings) -> Reranker | None:
    """The configured cross-encoder, or None when none is configured."""
    wanted = (settings.reranker_model or "").strip()
    if not wanted:
        return None
    path = Path(wanted).expanduser()
    if not path.is_dir():
        raise ModelError(
            f"reranker model {wanted!r} is not a folder; point READER_RERANKER_MODEL at a local "
            "cross-encoder folder or unset it"
        )
    from reader.embeddings import offline, quiet_loading

    if not settings.allow_download:
        offline()
    try:
        from sentence_transformers import CrossEncoder
    except ImportError as exc:
        raise ModelError(
            f"sentence-transformers cannot be imported ({exc}); reinstall it with "
            "`pip install sentence-transformers`"
        ) from None
    quiet_loading()
    try:
        model = CrossEncoder(str(path), device="cpu", max_length=settings.embedding_max_tokens)
    except Exception as exc:  # any loader failure becomes one readable line
        detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise ModelError(
            f"reranker model {wanted!r} failed to load ({detail}); check the folder holds a "
            "cross-encoder (config.json, weights, tokenizer) or unset READER_RERANKER_MODEL"
        ) from None
    return CrossEncoderReranker(model, str(path.resolve()), settings.embedding_batch_size)
