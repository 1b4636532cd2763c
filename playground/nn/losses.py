"""Softmax cross-entropy through the backend's fused op (one pass, numerically stable)."""

from __future__ import annotations

import numpy as np

from playground.engine.validate import as_labels


def cross_entropy(be, logits, labels: np.ndarray) -> tuple[float, object]:
    """Mean cross-entropy of ``softmax(logits)`` ``(N, C)`` against integer ``labels`` ``(N,)``.

    Returns the loss as a float and ``dL/dlogits`` as a backend array ``(N, C)``.
    Labels stay a host ``int64`` array, as every backend's ``softmax_cross_entropy`` takes them.
    They are checked here (``0 <= label < C``): the fused backend kernels index ``logits[i, label]``
    unchecked, and this is the path :mod:`playground.nn` takes into them.
    """
    if len(logits.shape) != 2:
        raise ValueError(f"logits must be (N, C), got shape {tuple(logits.shape)}")
    n, c = (int(d) for d in logits.shape)
    y = as_labels(labels, n, c)
    loss, grad = be.softmax_cross_entropy(logits, y)
    return float(loss), grad


class SoftmaxCrossEntropy:
    """Callable form of :func:`cross_entropy` bound to a backend."""

    def __init__(self, be) -> None:
        self.be = be

    def __call__(self, logits, labels):
        return cross_entropy(self.be, logits, labels)

    def __repr__(self) -> str:
        return "SoftmaxCrossEntropy()"
