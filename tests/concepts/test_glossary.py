"""The project's glossary: complete for the study plan, accurate formulas, clean lookups."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.concepts.glossary import load_glossary
from reader.errors import CatalogError

STUDY_PLAN = [
    "einsum",
    "SVD",
    "KL divergence",
    "autograd",
    "LayerNorm",
    "GELU",
    "multi-head attention",
    "scaled dot-product attention",
    "positional encoding",
    "CLIP",
    "contrastive loss",
    "InfoNCE",
    "temperature",
    "cross-entropy",
    "zero-shot",
    "Perceiver Resampler",
    "gated cross-attention",
    "Q-Former",
    "ITC",
    "ITM",
    "ITG",
    "latent diffusion",
    "VAE",
    "U-Net",
    "classifier-free guidance",
    "cross-attention conditioning",
    "softmax",
    "residual connection",
    "mixed precision",
    "gradient clipping",
    "ONNX",
    "TorchScript",
    "Adam",
    "MLM",
    "ViT patches",
]


@pytest.mark.parametrize("term", STUDY_PLAN)
def test_every_study_plan_concept_has_an_entry(term: str) -> None:
    entry = load_glossary().lookup(term)
    assert entry is not None, term
    assert len(entry.definition) > 60 and entry.related


@pytest.mark.parametrize(
    ("spelling", "term"),
    [
        ("layer normalization", "LayerNorm"),
        ("qformer", "Q-Former"),
        ("Q Former", "Q-Former"),
        ("GELUs", "GELU"),
        ("masked language model", "MLM"),
        ("Kullback-Leibler divergence", "KL divergence"),
    ],
)
def test_lookup_by_alias_and_spelling(spelling: str, term: str) -> None:
    entry = load_glossary().lookup(spelling)
    assert entry is not None and entry.term == term


def test_introducers_of_reading_list_concepts() -> None:
    g = load_glossary()
    expected = {
        "Q-Former": "2301.12597",
        "Perceiver Resampler": "2204.14198",
        "multi-head attention": "1706.03762",
        "latent diffusion": "2112.10752",
        "CLIP": "2103.00020",
        "GELU": "1606.08415",
    }
    for term, paper in expected.items():
        entry = g.lookup(term)
        assert entry is not None and entry.introduced_by == paper


def test_formulas_where_there_is_one() -> None:
    g = load_glossary()
    for term, piece in [
        ("scaled dot-product attention", "√d_k"),
        ("softmax", "exp"),
        ("KL divergence", "log"),
        ("GELU", "Φ"),
        ("gradient clipping", "min"),
    ]:
        entry = g.lookup(term)
        assert entry is not None and entry.formula and piece in entry.formula


def test_unknown_terms_are_none() -> None:
    assert load_glossary().lookup("sourdough") is None
    assert load_glossary().lookup("  ") is None


def test_bad_files_are_catalog_errors(tmp_path: Path) -> None:
    bad = tmp_path / "g.yaml"
    bad.write_text("entries: [ {term: x", encoding="utf-8")
    with pytest.raises(CatalogError, match="not valid YAML"):
        load_glossary(bad)
    bad.write_text("entries:\n  - term: x\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="definition"):
        load_glossary(bad)
    with pytest.raises(CatalogError, match="cannot read"):
        load_glossary(tmp_path / "missing.yaml")
