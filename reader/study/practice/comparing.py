"""What every check suite shares: the failure type, tensor comparison with a hint, seeded inputs.

Imported only in the checker's child process (it imports torch).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch


class Mismatch(Exception):
    """A check failed; the message says what differed and, when it can tell, why."""


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[Any], None]  # gets the learner's symbol; raises Mismatch on failure


def generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def randn(*shape: int, seed: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.randn(*shape, generator=generator(seed), dtype=dtype)


def tolerance(dtype: torch.dtype) -> tuple[float, float]:
    """(rtol, atol) wide enough for another correct order of operations, tight for any mistake."""
    return (1e-9, 1e-10) if dtype == torch.float64 else (1e-4, 1e-5)


def as_tensor(value: Any, what: str) -> torch.Tensor:
    if isinstance(value, tuple) and value and isinstance(value[0], torch.Tensor):
        value = value[0]  # (output, attention weights) is a common and fine return
    if not isinstance(value, torch.Tensor):
        raise Mismatch(f"{what} returned {type(value).__name__}, expected a torch.Tensor")
    return value


def close(got: torch.Tensor, want: torch.Tensor) -> bool:
    if got.shape != want.shape:
        return False
    rtol, atol = tolerance(want.dtype)
    return bool(torch.allclose(got.detach().to(want.dtype), want.detach(), rtol=rtol, atol=atol))


def expect_close(
    got: torch.Tensor,
    want: torch.Tensor,
    what: str,
    known_mistakes: Sequence[tuple[torch.Tensor, str]] = (),
    nan_hint: str = "",
) -> None:
    """Fail unless `got` matches `want`; name the mistake when `got` matches a known wrong one."""
    if got.shape != want.shape:
        raise Mismatch(f"{what}: shape {tuple(got.shape)}, expected {tuple(want.shape)}")
    if not torch.isfinite(got).all():
        hint = f" Hint: {nan_hint}" if nan_hint else ""
        raise Mismatch(f"{what}: the output has nan or inf values.{hint}")
    if close(got, want):
        return
    for wrong, hint in known_mistakes:
        if close(got, wrong):
            raise Mismatch(f"{what}: values differ from the reference. Hint: {hint}")
    gap = (got.detach().to(want.dtype) - want).abs().max().item()
    raise Mismatch(f"{what}: values differ from the reference (largest difference {gap:.3g})")


def expect_shape(got: torch.Tensor, shape: tuple[int, ...], what: str) -> None:
    if tuple(got.shape) != shape:
        raise Mismatch(f"{what}: shape {tuple(got.shape)}, expected {shape}")


def expect_gradients(tensors: dict[str, torch.Tensor], want: dict[str, torch.Tensor]) -> None:
    for name, t in tensors.items():
        if t.grad is None:
            raise Mismatch(
                f"no gradient reached {name}: keep the computation in torch "
                "(no .detach(), .numpy(), .item() or torch.no_grad() on the way)"
            )
        expect_close(t.grad, want[name], f"the gradient of {name}")
