"""What every embedding backend shares: the `Embedder` protocol, row normalisation, quiet
offline loading of hub-backed libraries."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from reader.errors import ModelError
from reader.settings import Settings

if TYPE_CHECKING:
    from numpy.typing import NDArray


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 rows; `name` identifies model and backend."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]: ...


def normalise_rows(vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    """Scale each row to unit length (zero rows stay zero) so inner product is cosine."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(vectors / norms, dtype=np.float32)


def offline_hub() -> None:
    # Before the import: huggingface_hub reads these once, at import time.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"


def sentence_transformers_module(settings: Settings) -> Any:
    """sentence-transformers, imported without hub access unless allowed, loading quietly."""
    if not settings.allow_download:
        offline_hub()
    try:
        import sentence_transformers
    except ImportError as exc:
        raise ModelError(
            f"sentence-transformers cannot be imported ({exc}); reinstall it with "
            "`pip install sentence-transformers`"
        ) from None
    quiet_loading()
    return sentence_transformers


def quiet_loading() -> None:
    """Hide the weight-loading progress bar: it would clutter every CLI command's stderr."""
    try:
        from transformers.utils import logging as hf_logging

        disable: Any = hf_logging.disable_progress_bar
        disable()
    except (ImportError, AttributeError):
        pass
