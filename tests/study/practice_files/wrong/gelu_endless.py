import torch


def gelu(x: torch.Tensor) -> torch.Tensor:
    while True:
        pass
