import torch


def scale(x: torch.Tensor) -> torch.Tensor:
    return x.no_such_method()


def gelu(x: torch.Tensor) -> torch.Tensor:
    return scale(x)
