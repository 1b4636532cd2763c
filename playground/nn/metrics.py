"""Evaluation: accuracy, per-class accuracy, confusion matrix, the most confidently wrong digits."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

N_CLASSES = 10


def confusion_matrix(labels, predictions, n_classes: int = N_CLASSES) -> np.ndarray:
    """``(n_classes, n_classes)`` int64 counts; rows are true labels, columns predictions."""
    y, p = np.asarray(labels, np.int64), np.asarray(predictions, np.int64)
    return np.bincount(y * n_classes + p, minlength=n_classes * n_classes).reshape(
        n_classes, n_classes)


def accuracy(labels, predictions) -> float:
    """Fraction of predictions equal to the labels (0.0 for none)."""
    y, p = np.asarray(labels), np.asarray(predictions)
    return float((y == p).mean()) if y.size else 0.0


def per_class_accuracy(confusion: np.ndarray) -> np.ndarray:
    """Recall of each class from a confusion matrix; NaN for a class with no examples."""
    totals = confusion.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, np.diag(confusion) / np.maximum(totals, 1), np.nan)


def most_confident_wrong(probabilities: np.ndarray, labels, k: int = 10) -> np.ndarray:
    """Indices of up to ``k`` misclassified examples, most confident (highest top prob) first."""
    probs = np.asarray(probabilities)
    y = np.asarray(labels, np.int64)
    pred = probs.argmax(axis=1)
    wrong = np.flatnonzero(pred != y)
    order = np.argsort(-probs[wrong, pred[wrong]], kind="stable")
    return wrong[order[:k]]


@dataclass(frozen=True)
class Evaluation:
    """A model's results on labelled images (host arrays, copies)."""

    accuracy: float
    per_class: np.ndarray
    confusion: np.ndarray
    predictions: np.ndarray
    probabilities: np.ndarray
    labels: np.ndarray

    def most_confident_wrong(self, k: int = 10) -> np.ndarray:
        return most_confident_wrong(self.probabilities, self.labels, k)

    def to_dict(self, k_wrong: int = 10) -> dict:
        """JSON-able summary."""
        return {
            "n": len(self.labels),
            "accuracy": self.accuracy,
            "per_class_accuracy": [None if np.isnan(a) else float(a) for a in self.per_class],
            "confusion": self.confusion.tolist(),
            "most_confident_wrong": self.most_confident_wrong(k_wrong).tolist(),
        }


def evaluate(model, images, labels, batch_size: int = 1000) -> Evaluation:
    """Runs ``model`` over ``images`` ``(N, 28, 28)`` and compares with ``labels`` ``(N,)``."""
    y = np.asarray(labels, np.int64)
    if len(y) != len(images):
        raise ValueError(f"{len(images)} images but {len(y)} labels")
    if y.size and y.min() < 0:
        raise ValueError(f"labels must be >= 0, got {int(y.min())}")
    n_model = int(getattr(model, "n_classes", N_CLASSES))
    probs = model.predict_proba(images, batch_size) if len(y) else np.zeros((0, n_model),
                                                                           np.float32)
    pred = probs.argmax(axis=1)
    # a label the model has no output for is counted, never indexed past the matrix
    cm = confusion_matrix(y, pred, max(n_model, int(y.max(initial=-1)) + 1))
    return Evaluation(accuracy(y, pred), per_class_accuracy(cm), cm, pred, probs, y)
