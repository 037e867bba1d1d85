"""Checks for `attention` and `multi-head-attention` against a reference (child process only)."""

from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from reader.study.practice.comparing import (
    Check,
    Mismatch,
    as_tensor,
    expect_close,
    expect_gradients,
    expect_shape,
    generator,
    randn,
)

MASK_HINT = "True means 'may attend': fill the False positions with -inf before the softmax"


def reference_attention(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    mask: torch.Tensor | None = None,
    *,
    scale: float | None = None,
    softmax_dim: int = -1,
) -> torch.Tensor:
    scores = q @ k.transpose(-2, -1) / (math.sqrt(q.shape[-1]) if scale is None else scale)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=softmax_dim) @ v


def random_mask(*shape: int, seed: int) -> torch.Tensor:
    """A bool mask where every query may attend to some keys and not to others."""
    mask = torch.rand(*shape, generator=generator(seed)) > 0.4
    mask[..., 0] = True
    mask[..., -1] = False  # so an inverted mask is a wrong answer, not a row of nan
    return mask


def _qkv(
    lead: tuple[int, ...], lq: int, lk: int, dk: int, dv: int, dtype: torch.dtype = torch.float32
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    return (
        randn(*lead, lq, dk, seed=1, dtype=dtype),
        randn(*lead, lk, dk, seed=2, dtype=dtype),
        randn(*lead, lk, dv, seed=3, dtype=dtype),
    )


def _attention_mistakes(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor | None
) -> list[tuple[torch.Tensor, str]]:
    d_k = q.shape[-1]
    found = [
        (reference_attention(q, k, v, mask, scale=1.0), "divide the scores by sqrt(d_k)"),
        (reference_attention(q, k, v, mask, scale=float(d_k)), "divide by sqrt(d_k), not d_k"),
    ]
    if mask is None:
        found.append(
            (
                reference_attention(q, k, v, softmax_dim=-2),
                "the softmax runs over the keys (the last dimension of the scores)",
            )
        )
    else:
        found.append((reference_attention(q, k, v), "the mask was ignored"))
        if bool((~mask).any(-1).all()):
            found.append((reference_attention(q, k, v, ~mask), MASK_HINT))
    return found


def _check_attention(
    f: Any, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor | None, what: str
) -> None:
    out = as_tensor(
        f(q, k, v) if mask is None else f(q, k, v, mask), "scaled_dot_product_attention"
    )
    want = reference_attention(q, k, v, mask)
    nan_hint = MASK_HINT if mask is not None else ""
    expect_close(out, want, what, _attention_mistakes(q, k, v, mask), nan_hint)


def attention_shape(f: Any) -> None:
    q, k, v = _qkv((2,), 3, 5, 4, 6)
    out = as_tensor(f(q, k, v), "scaled_dot_product_attention")
    expect_shape(out, (2, 3, 6), "q (2, 3, 4), k (2, 5, 4), v (2, 5, 6)")


def attention_values(f: Any) -> None:
    _check_attention(f, *_qkv((2,), 3, 5, 8, 6), None, "softmax(QK^T / sqrt(d_k)) V")


def attention_heads(f: Any) -> None:
    _check_attention(f, *_qkv((2, 4), 5, 7, 8, 3), None, "(batch, heads, L, d) inputs")


def attention_mask(f: Any) -> None:
    q, k, v = _qkv((2,), 4, 6, 8, 5)
    mask = random_mask(2, 4, 6, seed=4)
    _check_attention(f, q, k, v, mask, "a (B, Lq, Lk) bool mask")


def attention_mask_broadcast(f: Any) -> None:
    q, k, v = _qkv((3, 2), 4, 4, 8, 5)
    causal = torch.ones(4, 4, dtype=torch.bool).tril()  # the decoder's mask, shared by the batch
    _check_attention(f, q, k, v, causal, "a causal (Lq, Lk) mask broadcast over the batch")


def attention_batch_of_one(f: Any) -> None:
    _check_attention(f, *_qkv((1,), 1, 1, 4, 4), None, "a batch of 1 with Lq = Lk = 1")


def attention_float64(f: Any) -> None:
    q, k, v = _qkv((2,), 3, 5, 8, 6, dtype=torch.float64)
    out = as_tensor(f(q, k, v), "scaled_dot_product_attention")
    if out.dtype != torch.float64:
        raise Mismatch(f"float64 inputs gave a {out.dtype} output; keep the inputs' dtype")
    expect_close(out, reference_attention(q, k, v), "float64 inputs")


def attention_gradients(f: Any) -> None:
    base = _qkv((2,), 3, 5, 8, 6, dtype=torch.float64)
    mine = {n: t.clone().requires_grad_() for n, t in zip("qkv", base, strict=True)}
    ref = {n: t.clone().requires_grad_() for n, t in zip("qkv", base, strict=True)}
    weights = randn(2, 3, 6, seed=9, dtype=torch.float64)
    (as_tensor(f(*mine.values()), "scaled_dot_product_attention") * weights).sum().backward()
    (reference_attention(*ref.values()) * weights).sum().backward()
    expect_gradients(mine, {n: t.grad for n, t in ref.items() if t.grad is not None})


ATTENTION = (
    Check("output shape (..., Lq, d_v)", attention_shape),
    Check("values: softmax(QK^T / sqrt(d_k)) V", attention_values),
    Check("extra leading dimensions (batch, heads)", attention_heads),
    Check("bool mask, True = may attend", attention_mask),
    Check("mask broadcast over the batch (causal)", attention_mask_broadcast),
    Check("batch of 1", attention_batch_of_one),
    Check("float64 stays float64", attention_float64),
    Check("gradients flow to q, k and v", attention_gradients),
)


# ---------------------------------------------------------------- multi-head attention


def reference_mha(
    m: Any,
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    mask: torch.Tensor | None,
    heads: int,
    *,
    scale_by_model: bool = False,
) -> torch.Tensor:
    """The paper's multi-head attention with the learner's own four projections."""
    b, lq, d = query.shape
    lk = key.shape[1]

    def split(x: torch.Tensor, length: int) -> torch.Tensor:
        return x.view(b, length, heads, d // heads).transpose(1, 2)

    q = split(m.w_q(query), lq)
    k = split(m.w_k(key), lk)
    v = split(m.w_v(value), lk)
    head_mask = None if mask is None else mask.unsqueeze(1)
    scale = math.sqrt(d) if scale_by_model else None
    out = reference_attention(q, k, v, head_mask, scale=scale)
    result: torch.Tensor = m.w_o(out.transpose(1, 2).reshape(b, lq, d))
    return result


def _build(cls: Any, d_model: int, heads: int) -> nn.Module:
    torch.manual_seed(0)
    m = cls(d_model, heads)
    if not isinstance(m, nn.Module):
        raise Mismatch("MultiHeadAttention must subclass torch.nn.Module")
    for name in ("w_q", "w_k", "w_v", "w_o"):
        layer = getattr(m, name, None)
        if not isinstance(layer, nn.Linear):
            raise Mismatch(f"MultiHeadAttention({d_model}, {heads}) has no nn.Linear {name}")
        if (layer.in_features, layer.out_features) != (d_model, d_model):
            raise Mismatch(
                f"{name} is nn.Linear({layer.in_features}, {layer.out_features}); "
                f"expected nn.Linear({d_model}, {d_model}) (all heads in one projection)"
            )
    return m


def _check_mha(
    cls: Any, d_model: int, heads: int, b: int, lq: int, lk: int, masked: bool, what: str
) -> None:
    m = _build(cls, d_model, heads)
    query = randn(b, lq, d_model, seed=11)
    key = query if lq == lk else randn(b, lk, d_model, seed=12)
    value = key if lq == lk else randn(b, lk, d_model, seed=13)
    mask = random_mask(b, lq, lk, seed=14) if masked else None
    with torch.no_grad():
        got = as_tensor(
            m(query, key, value) if mask is None else m(query, key, value, mask),
            "MultiHeadAttention.forward",
        )
        want = reference_mha(m, query, key, value, mask, heads)
        mistakes = [
            (reference_mha(m, query, key, value, mask, 1), f"split d_model into {heads} heads"),
            (
                reference_mha(m, query, key, value, mask, heads, scale_by_model=True),
                "scale each head by sqrt(d_k) with d_k = d_model / num_heads",
            ),
        ]
        if mask is not None:
            mistakes.append(
                (reference_mha(m, query, key, value, None, heads), "the mask was ignored")
            )
    expect_close(got, want, what, mistakes)


def mha_projections(cls: Any) -> None:
    _build(cls, 16, 4)


def mha_self(cls: Any) -> None:
    _check_mha(cls, 16, 4, 2, 5, 5, False, "self-attention, d_model 16, 4 heads")


def mha_cross(cls: Any) -> None:
    _check_mha(cls, 16, 4, 2, 3, 7, False, "cross-attention, Lq 3, Lk 7")


def mha_mask(cls: Any) -> None:
    _check_mha(cls, 16, 2, 2, 4, 6, True, "a (B, Lq, Lk) bool mask")


def mha_other_heads(cls: Any) -> None:
    _check_mha(cls, 12, 3, 2, 4, 4, False, "d_model 12, 3 heads")


def mha_batch_of_one(cls: Any) -> None:
    _check_mha(cls, 8, 2, 1, 1, 1, False, "a batch of 1 with L = 1")


def mha_gradients(cls: Any) -> None:
    m = _build(cls, 16, 4)
    x = randn(2, 5, 16, seed=15)
    as_tensor(m(x, x, x), "MultiHeadAttention.forward").pow(2).sum().backward()
    for name in ("w_q", "w_k", "w_v", "w_o"):
        grad = getattr(m, name).weight.grad
        if grad is None or not bool(grad.abs().sum() > 0):
            raise Mismatch(f"no gradient reached {name}.weight: is {name} used in forward?")


MULTI_HEAD = (
    Check("w_q, w_k, w_v, w_o are nn.Linear(d_model, d_model)", mha_projections),
    Check("self-attention matches the paper", mha_self),
    Check("cross-attention (Lq != Lk)", mha_cross),
    Check("bool mask, True = may attend", mha_mask),
    Check("another head count", mha_other_heads),
    Check("batch of 1", mha_batch_of_one),
    Check("gradients reach all four projections", mha_gradients),
)
