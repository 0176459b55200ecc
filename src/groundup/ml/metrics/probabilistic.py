"""Metrics of predicted probabilities: log loss (cross-entropy) and the Brier score.

See docs/notes/evaluation.md.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup._checks import check_same_length
from groundup.ml.metrics._validation import average, column, float_array, pos_label_default, weights


def _one_hot_and_proba(
    y_true: ArrayLike, y_proba: ArrayLike, labels: ArrayLike | None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """One-hot targets (n, k) and probabilities (n, k), a 1-D proba being P(second class)."""
    yt = column(y_true, "y_true")
    p = float_array(y_proba, "y_proba")
    check_same_length(("y_true", yt), ("y_proba", p))
    if p.max() > 1:
        raise ValueError(f"y_prob contains values greater than 1: {p.max()}")
    if p.min() < 0:
        raise ValueError(f"y_prob contains values lower than 0: {p.min()}")
    classes = np.unique(yt) if labels is None else np.unique(np.asarray(labels))
    if classes.size < 2:
        raise ValueError(
            f"y_true contains only one label ({classes.tolist()}). Please provide the list of "
            "all expected class labels explicitly through the labels argument."
        )
    if labels is not None and not np.isin(yt, classes).all():
        raise ValueError(f"y_true contains values not in labels {classes.tolist()}")
    if p.ndim == 1:
        p = p[:, None]
    if p.shape[1] == 1:
        p = np.hstack([1 - p, p])
    if not np.allclose(p.sum(axis=1), 1.0, rtol=np.sqrt(np.finfo(np.float64).eps), atol=0):
        warnings.warn(
            "The y_prob values do not sum to one. Make sure to pass probabilities.",
            UserWarning,
            stacklevel=3,
        )
    if classes.size != p.shape[1]:
        raise ValueError(
            f"y_true and y_prob contain different number of classes: {classes.size} vs "
            f"{p.shape[1]}. Please provide the true labels explicitly through the labels "
            f"argument. Classes found in y_true: {classes.tolist()}"
        )
    return (yt[:, None] == classes[None, :]).astype(np.float64), p


def log_loss(
    y_true: ArrayLike,
    y_proba: ArrayLike,
    *,
    normalize: bool = True,
    sample_weight: ArrayLike | None = None,
    labels: ArrayLike | None = None,
) -> float:
    """Cross-entropy of the true labels under the predicted probabilities.

    L = −(1/n) Σᵢ Σ_k y_ik · log p_ik, with p clipped to [ε, 1 − ε] (ε machine epsilon) so a
    confident mistake costs a large finite amount. See docs/notes/evaluation.md.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Labels.
    y_proba : array-like of shape (n_samples,) or (n_samples, n_classes)
        Probabilities (columns in sorted label order; 1-D means P(positive class)).
    normalize : bool
        Mean (True) or sum (False) over samples.
    sample_weight : array-like, optional
        Per-sample weights.
    labels : array-like, optional
        All class labels, when y_true lacks some.

    Returns
    -------
    float
    """
    y, p = _one_hot_and_proba(y_true, y_proba, labels)
    w = weights(sample_weight, y.shape[0])
    eps = np.finfo(np.float64).eps
    p = np.clip(p, eps, 1 - eps)
    loss = -np.sum(y * np.log(p), axis=1)
    if not normalize:
        return float(loss.sum() if w is None else loss @ w)
    return average(loss, w)


def brier_score_loss(
    y_true: ArrayLike,
    y_proba: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    pos_label: Any = None,
    labels: ArrayLike | None = None,
    scale_by_half: bool | str = "auto",
) -> float:
    """Mean squared difference between predicted probabilities and the one-hot truth.

    BS = (1/n) Σᵢ Σ_k (p_ik − y_ik)²; halved by default for binary input, where it equals
    (1/n) Σᵢ (pᵢ − yᵢ)² for the positive class. See docs/notes/evaluation.md.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Labels.
    y_proba : array-like of shape (n_samples,) or (n_samples, n_classes)
        Probabilities (1-D: of ``pos_label``).
    sample_weight : array-like, optional
        Per-sample weights.
    pos_label : label, optional
        Positive class for 1-D probabilities.
    labels : array-like, optional
        All class labels (multiclass).
    scale_by_half : bool or 'auto'
        Halve the sum ('auto': when there are fewer than 3 columns).

    Returns
    -------
    float
    """
    p = float_array(y_proba, "y_proba")
    yt = column(y_true, "y_true")
    if p.ndim == 1 or p.shape[1] == 1:
        check_same_length(("y_true", yt), ("y_proba", p))
        if p.max() > 1 or p.min() < 0:
            raise ValueError(f"y_prob contains values outside [0, 1]: [{p.min()}, {p.max()}]")
        classes = np.unique(yt)
        if classes.size > 2:
            raise ValueError(f"y_true must be binary for 1-D probabilities, got {classes.tolist()}")
        pos = pos_label_default(classes, pos_label)
        q = p.ravel()
        y = np.stack([yt != pos, yt == pos], axis=1).astype(np.float64)
        probs = np.stack([1 - q, q], axis=1)
    else:
        y, probs = _one_hot_and_proba(yt, p, labels)
    w = weights(sample_weight, y.shape[0])
    score = average(np.sum((y - probs) ** 2, axis=1), w)
    if scale_by_half == "auto":
        scale_by_half = probs.shape[1] < 3
    return 0.5 * score if scale_by_half else score
