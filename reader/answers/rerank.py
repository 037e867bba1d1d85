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

from reader.errors import ModelError, first_line
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
    from reader.embeddings.base import sentence_transformers_module

    st = sentence_transformers_module(settings)
    try:
        model = st.CrossEncoder(str(path), device="cpu", max_length=settings.embedding_max_tokens)
    except Exception as exc:  # any loader failure becomes one readable line
        raise ModelError(
            f"reranker model {wanted!r} failed to load ({first_line(exc)}); check the folder "
            "holds a cross-encoder (config.json, weights, tokenizer) or unset "
            "READER_RERANKER_MODEL"
        ) from None
    return CrossEncoderReranker(model, str(path.resolve()), settings.embedding_batch_size)
