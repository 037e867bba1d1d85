import torch
import torch.nn.functional as F


def clip_loss(image_features, text_features, temperature):
    i = image_features
    t = text_features
    logits = i @ t.T / temperature
    labels = torch.arange(len(i))
    return (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels)) / 2
