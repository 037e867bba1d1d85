"""Each exercise's checks, by exercise name (child process only: importing this imports torch)."""

from __future__ import annotations

from reader.study.practice.attention_suites import ATTENTION, MULTI_HEAD
from reader.study.practice.comparing import Check
from reader.study.practice.function_suites import CLIP_LOSS, GELU, LAYER_NORM, POSITIONAL

SUITES: dict[str, tuple[Check, ...]] = {
    "attention": ATTENTION,
    "multi-head-attention": MULTI_HEAD,
    "positional-encoding": POSITIONAL,
    "layer-norm": LAYER_NORM,
    "gelu": GELU,
    "clip-loss": CLIP_LOSS,
}
