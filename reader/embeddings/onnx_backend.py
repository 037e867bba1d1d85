"""Sentence embeddings on ONNX Runtime: the model exported locally once, queried without torch.

The export (torch + transformers, a few seconds) happens the first time, into
`<model_cache_dir>/<name>.onnx` (default `<index_dir>/models`), atomically. Afterwards a process
needs only onnxruntime and tokenizers: the model loads in well under a second, which is what
makes a cold `reader search` fast. Mean pooling and L2 normalisation are part of the exported
graph, exactly as sentence-transformers computes them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from reader.errors import ModelError, first_line
from reader.settings import Settings

if TYPE_CHECKING:
    from numpy.typing import NDArray

ONNX_BACKENDS = ("onnx", "onnx-int8")
# Bump when the exported graph changes, so stale cached files are not reused.
EXPORT_VERSION = "1"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OUTPUT = "embedding"
# Activations after GELU have outliers that 8-bit dynamic quantisation handles badly: the
# matrix products fed by them stay float (cosine to float ≥ 0.99 instead of ~0.985).
_OUTLIER_OPS = frozenset({"Gelu", "BiasGelu", "FastGelu"})

_exported: dict[str, Path] = {}  # file name -> a file this process already wrote
_export_lock = threading.RLock()  # re-entered: int8 exports the float model first


class OnnxEmbedder:
    """A mean-pooled, normalised sentence encoder run by ONNX Runtime on CPU."""

    def __init__(self, session: Any, tokenizer: Any, name: str, dim: int, batch_size: int) -> None:
        self._session = session
        self._tokenizer = tokenizer
        self._wants_types = any(i.name == "token_type_ids" for i in session.get_inputs())
        self.name = name
        self.dim = dim
        self._batch_size = max(1, batch_size)

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        from reader.embeddings.base import normalise_rows

        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return rows
        encodings = [e.ids for e in self._tokenizer.encode_batch(list(texts))]
        # Longest first, each batch padded only to its own longest: no padding waste.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i]), reverse=True)
        for start in range(0, len(order), self._batch_size):
            batch = order[start : start + self._batch_size]
            width = len(encodings[batch[0]])
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                ids[row, : len(encodings[i])] = encodings[i]
                mask[row, : len(encodings[i])] = 1
            feeds = {"input_ids": ids, "attention_mask": mask}
            if self._wants_types:
                feeds["token_type_ids"] = np.zeros_like(ids)
            rows[np.asarray(batch)] = self._session.run([OUTPUT], feeds)[0]
        return normalise_rows(rows)


def load_onnx_embedder(settings: Settings, model_dir: Path, label: str) -> OnnxEmbedder:
    """Export (once) and load `model_dir` for the configured ONNX backend."""
    backend = settings.embedding_backend.strip().lower()
    if backend not in ONNX_BACKENDS:
        raise ModelError(f"{backend!r} is not an ONNX backend; use one of {ONNX_BACKENDS}")
    config = _model_config(model_dir)
    _check_mean_pooling(model_dir)
    max_tokens = min(settings.embedding_max_tokens, int(config.get("max_position_embeddings", 512)))
    path = ensure_onnx_model(settings, model_dir, label, quantized=backend == "onnx-int8")
    try:
        import onnxruntime as ort
        from tokenizers import Tokenizer
    except ImportError as exc:
        raise ModelError(
            f"the onnx backend needs onnxruntime and tokenizers ({exc}); "
            "`pip install onnxruntime tokenizers` or set READER_EMBEDDING_BACKEND=torch"
        ) from None
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.no_padding()  # the file pads every text to 128: batches pad themselves
    tokenizer.enable_truncation(max_length=max_tokens)
    options = ort.SessionOptions()
    if settings.embedding_threads > 0:
        options.intra_op_num_threads = settings.embedding_threads
    try:
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # a damaged cache file: export again next time
        with contextlib.suppress(OSError):
            path.unlink()
        raise ModelError(
            f"the exported model {path} failed to load ({first_line(exc)}); "
            "it was deleted, run the command again to re-export it"
        ) from None
    dim = int(config.get("hidden_size", 0)) or int(session.get_outputs()[0].shape[-1])
    name = f"{label}|{backend}|max{max_tokens}"
    return OnnxEmbedder(session, tokenizer, name, dim, settings.embedding_batch_size)


def ensure_onnx_model(settings: Settings, model_dir: Path, label: str, quantized: bool) -> Path:
    """The cached ONNX file of `model_dir`, exported (and quantised) first if missing."""
    cache = settings.model_cache_dir or settings.index_dir / "models"
    stem = f"{_slug(label)}-{_model_digest(model_dir)}"
    target = cache / (f"{stem}.int8.onnx" if quantized else f"{stem}.onnx")
    if target.exists():
        return target
    with _export_lock:
        if target.exists():
            return target
        try:
            cache.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ModelError(
                f"cannot create the model cache {cache} ({exc.strerror}); "
                "set READER_MODEL_CACHE_DIR to a writable folder"
            ) from None
        known = _exported.get(target.name)
        if known is not None and known.exists():
            _atomic_write(target, lambda tmp: shutil.copyfile(known, tmp))
        elif quantized:
            full = ensure_onnx_model(settings, model_dir, label, quantized=False)
            _atomic_write(target, lambda tmp: quantize_onnx(full, tmp))
        else:
            _atomic_write(target, lambda tmp: export_onnx(model_dir, tmp))
        _exported[target.name] = target
    return target


def export_onnx(model_dir: Path, target: Path) -> None:
    """Export a BERT-like sentence-transformers folder to one ONNX graph with pooling inside."""
    try:
        import torch
        from transformers import AutoModel
    except ImportError as exc:
        raise ModelError(
            f"exporting the model to ONNX needs torch and transformers ({exc}); "
            "install them or set READER_EMBEDDING_BACKEND=torch"
        ) from None
    try:
        import onnx  # noqa: F401 - torch.onnx.export needs it; fail with our message first
    except ImportError:
        raise ModelError(
            "exporting the model to ONNX needs the onnx package; `pip install onnx` "
            "or set READER_EMBEDDING_BACKEND=torch"
        ) from None

    class Pooled(torch.nn.Module):  # type: ignore[misc]
        def __init__(self, encoder: Any) -> None:
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            out = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(out.dtype)
            mean = (out * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2.0, dim=1)

    from reader.embeddings.base import quiet_loading

    quiet_loading()
    try:
        # Eager attention exports as plain ops that ONNX Runtime fuses into its Attention kernel.
        encoder = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()
        sample = torch.ones((2, 8), dtype=torch.long)
        axes = {name: {0: "batch", 1: "tokens"} for name in INPUTS}
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Pooled(encoder),
                (sample, sample, torch.zeros_like(sample)),
                str(target),
                dynamo=False,
                input_names=list(INPUTS),
                output_names=[OUTPUT],
                dynamic_axes={**axes, OUTPUT: {0: "batch"}},
                opset_version=17,
            )
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(
            f"exporting {model_dir} to ONNX failed ({first_line(exc)}); "
            "set READER_EMBEDDING_BACKEND=torch"
        ) from None
    _fuse(
        target,
        int(getattr(encoder.config, "num_attention_heads", 0)),
        int(getattr(encoder.config, "hidden_size", 0)),
    )


def quantize_onnx(source: Path, target: Path) -> None:
    """8-bit dynamic quantisation of the weights; GELU-fed matrix products stay float."""
    try:
        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise ModelError(
            f"int8 quantisation needs onnx and onnxruntime ({exc}); "
            "`pip install onnx onnxruntime` or set READER_EMBEDDING_BACKEND=onnx"
        ) from None
    graph = onnx.load(str(source)).graph
    producers = {out: node.op_type for node in graph.node for out in node.output}
    keep_float = [
        node.name
        for node in graph.node
        if node.op_type == "MatMul" and producers.get(node.input[0]) in _OUTLIER_OPS
    ]
    with warnings.catch_warnings(), _quiet_stderr_logging():
        warnings.simplefilter("ignore")
        quantize_dynamic(
            str(source),
            str(target),
            per_channel=True,
            weight_type=QuantType.QInt8,
            nodes_to_exclude=keep_float,
            # Fused kernels (Attention, SkipLayerNorm) hide types from shape inference.
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )


def _fuse(path: Path, heads: int, hidden: int) -> None:
    """Fuse attention, GELU and layer norms in place (about 5% faster; exact same outputs)."""
    if heads <= 0 or hidden <= 0:
        return
    try:
        from onnxruntime.transformers import optimizer

        with warnings.catch_warnings(), _quiet_stderr_logging():
            warnings.simplefilter("ignore")
            model = optimizer.optimize_model(
                str(path), model_type="bert", num_heads=heads, hidden_size=hidden
            )
            model.save_model_to_file(str(path))
    except Exception:  # the unfused graph is correct, just a little slower
        return


@contextlib.contextmanager
def _quiet_stderr_logging() -> Any:
    """The optimizer and quantizer log at WARNING level; a CLI user needs none of it."""
    import logging

    root = logging.getLogger()
    before = root.level
    root.setLevel(logging.ERROR)
    try:
        yield
    finally:
        root.setLevel(before)


def _atomic_write(target: Path, write: Any) -> None:
    """Call `write(tmp)` for a temp path beside `target`, then rename: never a torn file."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _model_config(model_dir: Path) -> dict[str, Any]:
    if not (model_dir / "tokenizer.json").is_file():
        raise ModelError(
            f"{model_dir} has no tokenizer.json, which the onnx backend needs; "
            "set READER_EMBEDDING_BACKEND=torch"
        )
    try:
        config: dict[str, Any] = json.loads((model_dir / "config.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(
            f"{model_dir}/config.json cannot be read ({exc}); point READER_EMBEDDING_MODEL "
            "at a sentence-transformers folder"
        ) from None
    return config


def _check_mean_pooling(model_dir: Path) -> None:
    pooling = model_dir / "1_Pooling" / "config.json"
    if not pooling.is_file():
        return  # sentence-transformers' default for a bare encoder is mean pooling too
    modes = json.loads(pooling.read_text("utf-8"))
    if not modes.get("pooling_mode_mean_tokens", False):
        raise ModelError(
            f"{model_dir} does not use mean pooling, which is all the onnx backend computes; "
            "set READER_EMBEDDING_BACKEND=torch"
        )


def _model_digest(model_dir: Path) -> str:
    """Short hash of the folder's file names and sizes plus the export recipe: cheap to compute,
    and different for another model or a changed one."""
    parts = [EXPORT_VERSION]
    for path in sorted(model_dir.rglob("*")):
        if path.is_file():
            parts.append(f"{path.relative_to(model_dir)}:{path.stat().st_size}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


def _slug(label: str) -> str:
    tail = label.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1].split(":")[-1]
    return re.sub(r"[^A-Za-z0-9._-]+", "-", tail).strip("-.") or "model"
