"""Multinomial logistic regression by full-batch gradient descent on the class-weighted log loss (NumPy only).

Shared by the nets that read a turn's sentence embedding with a linear layer (the crisis paraphrase net, the answer
bank's question net): each class weighs the same in the loss however many examples it has.
"""

from __future__ import annotations

import numpy as np


def fit_softmax(x: np.ndarray, y: np.ndarray, classes: int, steps: int, rate: float,
                l2: float) -> tuple[np.ndarray, np.ndarray]:
    """(weights (d x classes), bias (classes)) for embeddings ``x`` (n x d) and class indices ``y`` (n)."""
    n, d = x.shape
    w, b = np.zeros((d, classes)), np.zeros(classes)
    onehot = np.eye(classes)[y]
    weight = (n / (classes * np.bincount(y, minlength=classes).clip(1)))[y][:, None]
    for _ in range(steps):
        z = x @ w + b
        p = np.exp(z - z.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) * weight / n
        w -= rate * (x.T @ g + l2 * w)
        b -= rate * g.sum(axis=0)
    return w.astype(np.float32), b.astype(np.float32)
