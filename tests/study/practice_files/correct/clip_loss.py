import torch
import torch.nn.functional as F


def clip_loss(image_features, text_features, temperature):
    i = F.normalize(image_features, dim=-1)
    t = F.normalize(text_features, dim=-1)
    logits = i @ t.T / temperature
    labels = torch.arange(len(i))
    return (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels)) / 2
