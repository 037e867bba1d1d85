import math

import torch
from torch import nn


class MultiHeadAttention(nn.Module):
    def __init__(self, d_model, num_heads):
        super().__init__()
        self.h = 1
        self.w_q = nn.Linear(d_model, d_model)
        self.w_k = nn.Linear(d_model, d_model)
        self.w_v = nn.Linear(d_model, d_model)
        self.w_o = nn.Linear(d_model, d_model)

    def forward(self, query, key, value, mask=None):
        B, Lq, D = query.shape
        Lk = key.shape[1]
        dk = D // self.h
        q = self.w_q(query).view(B, Lq, self.h, dk).transpose(1, 2)
        k = self.w_k(key).view(B, Lk, self.h, dk).transpose(1, 2)
        v = self.w_v(value).view(B, Lk, self.h, dk).transpose(1, 2)
        s = q @ k.transpose(-2, -1) / math.sqrt(dk)
        if mask is not None:
            s = s.masked_fill(~mask[:, None], -1e9)
        out = torch.softmax(s, -1) @ v
        return self.w_o(out.transpose(1, 2).reshape(B, Lq, D))
