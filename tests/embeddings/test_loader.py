"""The bundled embedding model, loaded offline: normalised, meaningful, order-preserving."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from repo_paths import PAPERS

from reader.embeddings.loader import Embedder, load_embedder
from reader.errors import ModelError
from reader.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return load_embedder(Settings(embedding_batch_size=4, embedding_backend="torch"))


def test_bundled_model_loads_offline(embedder: Embedder) -> None:
    assert embedder.dim == 384
    assert "all-MiniLM-L6-v2" in embedder.name and "torch" in embedder.name


def test_rows_are_normalised_float32(embedder: Embedder) -> None:
    vectors = embedder.embed(["attention is all you need", "residual learning", "x"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.embed([]).shape == (0, 384)


def test_similar_sentences_score_higher(embedder: Embedder) -> None:
    a, b, c = embedder.embed(
        [
            "The optimizer adapts the learning rate of each parameter.",
            "Adam uses per-parameter adaptive step sizes.",
            "The museum opens at nine on Sundays.",
        ]
    )
    assert float(a @ b) > float(a @ c) + 0.2


def test_order_preserved_after_length_sorting(embedder: Embedder) -> None:
    texts = [
        "short",
        "a considerably longer sentence about convolutional networks " * 5,
        "medium length text on layer normalization",
        "tiny",
        "another long passage about contrastive predictive coding and negatives " * 3,
    ]
    together = embedder.embed(texts)
    alone = np.vstack([embedder.embed([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-4)


def test_missing_model_and_unknown_backend_give_model_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="READER_ALLOW_DOWNLOAD"):
        load_embedder(Settings(embedding_model="no-such-org/no-such-model"))
    with pytest.raises(ModelError, match="READER_EMBEDDING_BACKEND"):
        load_embedder(Settings(embedding_backend="tensorflow"))
    with pytest.raises(ModelError, match="failed to load"):
        load_embedder(Settings(embedding_model=str(tmp_path), embedding_backend="torch"))


@pytest.mark.skipif(not (PAPERS / "1706.03762.pdf").exists(), reason="test papers absent")
def test_real_paper_chunked_embedded_stored_and_found(embedder: Embedder, tmp_path: Path) -> None:
    from reader.ingest.chunking import chunk_sections
    from reader.models import PaperRecord
    from reader.pdf.extract import extract_paper
    from reader.store.index_store import IndexStore

    settings = Settings(index_dir=tmp_path / "index")
    paper = extract_paper(PAPERS / "1706.03762.pdf", settings)
    chunks = chunk_sections("1706.03762", paper.sections, settings)
    assert 20 < len(chunks) < 200
    assert all(c.section_title.lower() != "references" for c in chunks)
    vectors = embedder.embed([f"{c.section_title}. {c.text}" for c in chunks])
    record = PaperRecord("1706.03762", 5, "Attention Is All You Need", "Transformer", "x", 15, 0, 0)
    with IndexStore.open(settings, create=True) as store:
        store.set_model_info(embedder.name, embedder.dim)
        store.replace_paper(record, "fp", paper.sections, chunks, vectors)
    with IndexStore.open(settings) as store:
        query = embedder.embed(["why are dot products divided by the square root of d_k"])[0]
        top = store.chunks([i for i, _ in store.vector_search(query, 3)])
        assert any("Scaled Dot-Product" in c.chunk.section_title for c in top)
        assert all(1 <= c.chunk.page <= 15 for c in top)
        keyword = store.keyword_search("sinusoid*", 3)
        assert "Positional Encoding" in store.chunk(keyword[0][0]).chunk.section_title
