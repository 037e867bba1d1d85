"""Checks for positional encoding, LayerNorm, GELU and CLIP's loss (child process only)."""

from __future__ import annotations

import math
from typing import Any

import torch
import torch.nn.functional as F

from reader.study.practice.comparing import (
    Check,
    Mismatch,
    as_tensor,
    close,
    expect_close,
    expect_gradients,
    expect_shape,
    randn,
)

# ---------------------------------------------------------------- positional encoding


def reference_pe(
    max_len: int, d_model: int, *, swap: bool = False, exponent_step: int = 2
) -> torch.Tensor:
    pos = torch.arange(max_len, dtype=torch.float64).unsqueeze(1)
    even = torch.arange(0, d_model, 2, dtype=torch.float64)  # 2i
    i = even / 2 if exponent_step == 2 else even
    angle = pos / torch.pow(10000.0, exponent_step * i / d_model)
    pe = torch.zeros(max_len, d_model, dtype=torch.float64)
    first, second = (torch.cos, torch.sin) if swap else (torch.sin, torch.cos)
    pe[:, 0::2] = first(angle)
    pe[:, 1::2] = second(angle[:, : d_model // 2])
    return pe


def _pe(f: Any, max_len: int, d_model: int) -> torch.Tensor:
    out = as_tensor(f(max_len, d_model), "positional_encoding")
    if not out.is_floating_point():
        raise Mismatch(f"positional_encoding returned {out.dtype}; return a float tensor")
    return out


def _expect_pe(f: Any, max_len: int, d_model: int) -> None:
    got = _pe(f, max_len, d_model).detach().to(torch.float64)
    what = f"max_len {max_len}, d_model {d_model}"
    expect_shape(got, (max_len, d_model), what)

    # float32 sines of angles up to max_len carry ~1e-5 of rounding; that is a correct answer.
    def near(want: torch.Tensor) -> bool:
        return bool(torch.allclose(got, want, atol=1e-4))

    if near(reference_pe(max_len, d_model)):
        return
    if near(reference_pe(max_len, d_model, swap=True)):
        raise Mismatch(f"{what}: sines go on even dimensions (0, 2, ...), cosines on odd ones")
    if near(reference_pe(max_len, d_model, exponent_step=1)):
        raise Mismatch(f"{what}: the exponent is 2i / d_model, 2i being the even dimension's index")
    gap = (got - reference_pe(max_len, d_model)).abs().max().item()
    raise Mismatch(f"{what}: values differ from the paper's (largest difference {gap:.3g})")


def pe_shape(f: Any) -> None:
    expect_shape(_pe(f, 50, 16), (50, 16), "positional_encoding(50, 16)")


def pe_values(f: Any) -> None:
    _expect_pe(f, 50, 16)


def pe_odd(f: Any) -> None:
    _expect_pe(f, 10, 7)


def pe_first_position(f: Any) -> None:
    row = _pe(f, 1, 6)[0].detach().to(torch.float64)
    want = torch.tensor([0.0, 1.0, 0.0, 1.0, 0.0, 1.0], dtype=torch.float64)
    expect_close(row, want, "position 0 (sin 0 = 0 on even, cos 0 = 1 on odd dimensions)")


POSITIONAL = (
    Check("shape (max_len, d_model), floating point", pe_shape),
    Check("values: sin on even, cos on odd dimensions", pe_values),
    Check("odd d_model", pe_odd),
    Check("position 0 is 0, 1, 0, 1, ...", pe_first_position),
)

# ---------------------------------------------------------------- layer norm


def reference_ln(
    x: torch.Tensor, w: torch.Tensor, b: torch.Tensor, eps: float = 1e-5, *, unbiased: bool = False
) -> torch.Tensor:
    mean = x.mean(-1, keepdim=True)
    var = x.var(-1, keepdim=True, unbiased=unbiased)
    return (x - mean) / torch.sqrt(var + eps) * w + b


def _ln_inputs(
    *shape: int, dtype: torch.dtype = torch.float32
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    return (
        randn(*shape, seed=21, dtype=dtype) * 3 + 1,
        randn(shape[-1], seed=22, dtype=dtype),
        randn(shape[-1], seed=23, dtype=dtype),
    )


def _expect_ln(
    f: Any, x: torch.Tensor, w: torch.Tensor, b: torch.Tensor, eps: float, what: str
) -> None:
    kept = x.clone()
    got = as_tensor(f(x, w, b, eps), "layer_norm")
    if not torch.equal(x, kept):
        raise Mismatch("layer_norm changed its input x in place; compute a new tensor")
    mean_all = x.mean(dim=tuple(range(x.dim() - 1)), keepdim=True)
    var_all = x.var(dim=tuple(range(x.dim() - 1)), keepdim=True, unbiased=False)
    mistakes = [
        (
            reference_ln(x, w, b, eps, unbiased=True),
            "LayerNorm uses the biased variance (unbiased=False)",
        ),
        ((x - mean_all) / torch.sqrt(var_all + eps) * w + b, "normalise over the last dimension"),
        (
            (x - x.mean(-1, keepdim=True)) / (x.std(-1, keepdim=True, unbiased=False) + eps) * w
            + b,
            "eps goes inside the square root: sqrt(var + eps)",
        ),
    ]
    expect_close(got, reference_ln(x, w, b, eps), what, mistakes)


def ln_values(f: Any) -> None:
    _expect_ln(f, *_ln_inputs(2, 5, 8), 1e-5, "x (2, 5, 8)")


def ln_2d(f: Any) -> None:
    _expect_ln(f, *_ln_inputs(4, 6), 1e-5, "x (4, 6)")


def ln_eps(f: Any) -> None:
    x, w, b = _ln_inputs(3, 4)
    _expect_ln(f, x * 0.1, w, b, 0.5, "eps = 0.5 on small values")


def ln_float64(f: Any) -> None:
    x, w, b = _ln_inputs(2, 3, 8, dtype=torch.float64)
    got = as_tensor(f(x, w, b), "layer_norm")
    if got.dtype != torch.float64:
        raise Mismatch(f"float64 inputs gave a {got.dtype} output; keep the inputs' dtype")
    expect_close(got, reference_ln(x, w, b), "float64 inputs, default eps")


def ln_gradients(f: Any) -> None:
    base = _ln_inputs(3, 8, dtype=torch.float64)
    mine = {
        n: t.clone().requires_grad_() for n, t in zip(("x", "weight", "bias"), base, strict=True)
    }
    ref = {
        n: t.clone().requires_grad_() for n, t in zip(("x", "weight", "bias"), base, strict=True)
    }
    g = randn(3, 8, seed=24, dtype=torch.float64)
    (as_tensor(f(*mine.values()), "layer_norm") * g).sum().backward()
    (reference_ln(ref["x"], ref["weight"], ref["bias"]) * g).sum().backward()
    expect_gradients(mine, {n: t.grad for n, t in ref.items() if t.grad is not None})


LAYER_NORM = (
    Check("values over the last dimension", ln_values),
    Check("2-D input", ln_2d),
    Check("eps inside the square root", ln_eps),
    Check("float64 stays float64", ln_float64),
    Check("gradients reach x, weight and bias", ln_gradients),
)

# ---------------------------------------------------------------- GELU


def _tanh_gelu(x: torch.Tensor) -> torch.Tensor:
    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def _exact_gelu(x: torch.Tensor) -> torch.Tensor:
    return x * 0.5 * (1 + torch.erf(x / math.sqrt(2)))


def gelu_shape(f: Any) -> None:
    x = randn(3, 4, 5, seed=31)
    got = as_tensor(f(x), "gelu")
    expect_shape(got, (3, 4, 5), "x (3, 4, 5)")
    if got.dtype != x.dtype:
        raise Mismatch(f"float32 input gave a {got.dtype} output; keep the input's dtype")


def gelu_close(f: Any) -> None:
    x = torch.linspace(-5, 5, 201, dtype=torch.float64)
    got = as_tensor(f(x), "gelu").to(torch.float64)
    if got.shape != x.shape or not bool(torch.allclose(got, _exact_gelu(x), atol=1e-3)):
        mistakes = [
            (torch.relu(x), "that is ReLU; GELU weighs x by Phi(x)"),
            (x * torch.sigmoid(x), "x * sigmoid(x) is SiLU; GELU uses the normal CDF"),
        ]
        expect_close(got, _exact_gelu(x), "x in [-5, 5], to 1e-3", mistakes)


def gelu_exact(f: Any) -> None:
    x = torch.linspace(-5, 5, 201, dtype=torch.float64)
    got = as_tensor(f(x), "gelu").to(torch.float64)
    if close(got, _tanh_gelu(x)) and not close(got, _exact_gelu(x)):
        raise Mismatch(
            "this is the tanh approximation; the exact GELU is x * 0.5 * (1 + erf(x / sqrt(2)))"
        )
    expect_close(got, _exact_gelu(x), "float64, to 1e-9")


def gelu_extremes(f: Any) -> None:
    x = torch.tensor([-1e4, -50.0, 0.0, 50.0, 1e4], dtype=torch.float64)
    expect_close(as_tensor(f(x), "gelu").to(torch.float64), _exact_gelu(x), "x = -1e4 ... 1e4")


def gelu_gradients(f: Any) -> None:
    x = torch.linspace(-3, 3, 13, dtype=torch.float64, requires_grad=True)
    ref = x.detach().clone().requires_grad_()
    tanh_ref = x.detach().clone().requires_grad_()
    as_tensor(f(x), "gelu").sum().backward()
    _exact_gelu(ref).sum().backward()
    _tanh_gelu(tanh_ref).sum().backward()
    assert ref.grad is not None and tanh_ref.grad is not None
    if x.grad is not None and close(x.grad, tanh_ref.grad):
        return  # the tanh form's own check says so; its gradients do flow
    expect_gradients({"x": x}, {"x": ref.grad})


GELU = (
    Check("shape and dtype kept", gelu_shape),
    Check("close to x * Phi(x)", gelu_close),
    Check("exact, not the tanh approximation", gelu_exact),
    Check("large |x|: no nan or inf", gelu_extremes),
    Check("gradients flow", gelu_gradients),
)

# ---------------------------------------------------------------- CLIP loss


def reference_clip(
    img: torch.Tensor,
    txt: torch.Tensor,
    t: float | torch.Tensor,
    *,
    normalise: bool = True,
    direction: str = "both",
    times: bool = False,
) -> torch.Tensor:
    if normalise:
        img, txt = F.normalize(img, dim=-1), F.normalize(txt, dim=-1)
    logits = img @ txt.T * t if times else img @ txt.T / t
    labels = torch.arange(img.shape[0])
    to_text, to_image = F.cross_entropy(logits, labels), F.cross_entropy(logits.T, labels)
    return {"image": to_text, "text": to_image}.get(direction, (to_text + to_image) / 2)


def _clip_inputs(
    n: int, d: int, dtype: torch.dtype = torch.float64
) -> tuple[torch.Tensor, torch.Tensor]:
    return randn(n, d, seed=41, dtype=dtype) * 2, randn(n, d, seed=42, dtype=dtype)


def _expect_clip(f: Any, img: torch.Tensor, txt: torch.Tensor, t: Any, what: str) -> None:
    got = as_tensor(f(img, txt, t), "clip_loss")
    if got.dim() != 0:
        raise Mismatch(f"clip_loss returned shape {tuple(got.shape)}; return a scalar (0-d) loss")
    mistakes = [
        (
            reference_clip(img, txt, t, normalise=False),
            "CLIP uses cosine similarity: L2-normalise both",
        ),
        (
            reference_clip(img, txt, t, direction="image"),
            "symmetric: also the text->image loss, averaged",
        ),
        (
            reference_clip(img, txt, t, direction="text"),
            "symmetric: also the image->text loss, averaged",
        ),
        (reference_clip(img, txt, t, times=True), "divide the logits by the temperature"),
        (reference_clip(img, txt, t) * 2, "average the two directions: (loss_i + loss_t) / 2"),
    ]
    expect_close(got, reference_clip(img, txt, t), what, mistakes)


def clip_values(f: Any) -> None:
    _expect_clip(f, *_clip_inputs(6, 8), 0.07, "N 6, D 8, temperature 0.07")


def clip_tensor_temperature(f: Any) -> None:
    _expect_clip(
        f, *_clip_inputs(4, 5), torch.tensor(0.5, dtype=torch.float64), "a 0-d tensor temperature"
    )


def clip_batch_of_one(f: Any) -> None:
    _expect_clip(f, *_clip_inputs(1, 8), 0.1, "a batch of 1 (a single pair: the loss is 0)")


def clip_float32(f: Any) -> None:
    img, txt = _clip_inputs(5, 16, dtype=torch.float32)
    _expect_clip(f, img, txt, 0.07, "float32 features")


def clip_aligned_is_lower(f: Any) -> None:
    img, _ = _clip_inputs(8, 16)
    aligned = as_tensor(f(img, img + 0.01, 0.07), "clip_loss")
    shuffled = as_tensor(f(img, img.roll(1, 0), 0.07), "clip_loss")
    if not bool(aligned < shuffled):
        raise Mismatch("matched pairs on the diagonal must give a lower loss than shuffled pairs")


def clip_gradients(f: Any) -> None:
    base = _clip_inputs(4, 6)
    mine = {
        n: t.clone().requires_grad_()
        for n, t in zip(("image_features", "text_features"), base, strict=True)
    }
    ref = {
        n: t.clone().requires_grad_()
        for n, t in zip(("image_features", "text_features"), base, strict=True)
    }
    as_tensor(f(*mine.values(), 0.1), "clip_loss").backward()
    reference_clip(ref["image_features"], ref["text_features"], 0.1).backward()
    expect_gradients(mine, {n: t.grad for n, t in ref.items() if t.grad is not None})


CLIP_LOSS = (
    Check("a scalar matching CLIP's symmetric loss", clip_values),
    Check("temperature as a 0-d tensor", clip_tensor_temperature),
    Check("batch of 1", clip_batch_of_one),
    Check("float32 features", clip_float32),
    Check("matched pairs score better than shuffled", clip_aligned_is_lower),
    Check("gradients reach both features", clip_gradients),
)
