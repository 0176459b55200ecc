"""Score-based binary metrics: ROC and precision-recall curves, their areas.

Sorting the scores once in decreasing order turns every threshold into a prefix of the
sorted samples, so the cumulative sums of positives and negatives give the true- and
false-positive counts at every distinct threshold in O(n log n). See docs/notes/evaluation.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup._checks import check_same_length
from groundup.ml.metrics._validation import column, float_array, pos_label_default, weights


def _binary_clf_curve(
    y_true: ArrayLike,
    y_score: ArrayLike,
    pos_label: Any = None,
    sample_weight: ArrayLike | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """False and true positives at each distinct score, taken as a threshold (≥)."""
    yt = column(y_true, "y_true")
    score = float_array(y_score, "y_score", ndim=(1,))
    check_same_length(("y_true", yt), ("y_score", score))
    classes = np.unique(yt)
    if classes.size > 2:
        raise ValueError(f"y_true must be binary for this metric, got classes {classes.tolist()}")
    pos = pos_label_default(classes, pos_label)
    w = weights(sample_weight, yt.shape[0])
    is_pos = (yt == pos).astype(np.float64)
    # mergesort is stable: ties keep their input order, as in scikit-learn
    order = np.argsort(score, kind="mergesort")[::-1]
    score, is_pos = score[order], is_pos[order]
    ww = np.ones_like(score) if w is None else w[order]
    # the last index of each run of equal scores is where that threshold's counts end
    ends = np.r_[np.flatnonzero(np.diff(score)), score.size - 1]
    tps = np.cumsum(is_pos * ww)[ends]
    fps = np.cumsum((1 - is_pos) * ww)[ends] if w is not None else 1.0 + ends - tps
    return fps, tps, score[ends]


def roc_curve(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    pos_label: Any = None,
    sample_weight: ArrayLike | None = None,
    drop_intermediate: bool = True,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Receiver operating characteristic: (FPR, TPR) as the threshold sweeps the scores.

    TPR(t) = #{pos: s ≥ t} / #pos, FPR(t) = #{neg: s ≥ t} / #neg; the curve starts at
    (0, 0) with threshold +inf. ``drop_intermediate`` removes collinear points (where the
    second difference of both counts is zero), as scikit-learn does.
    See docs/notes/evaluation.md.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary labels.
    y_score : array-like of shape (n_samples,)
        Scores, higher meaning more positive.
    pos_label : label, optional
        The positive class (default 1 for {0,1} or {-1,1} labels).
    sample_weight : array-like, optional
        Per-sample weights.
    drop_intermediate : bool
        Drop thresholds that do not change the curve's shape.

    Returns
    -------
    fpr, tpr, thresholds : ndarray
    """
    fps, tps, thr = _binary_clf_curve(y_true, y_score, pos_label, sample_weight)
    if drop_intermediate and fps.size > 2:
        keep = np.flatnonzero(np.r_[True, np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True])
        fps, tps, thr = fps[keep], tps[keep], thr[keep]
    fps, tps, thr = np.r_[0.0, fps], np.r_[0.0, tps], np.r_[np.inf, thr]
    with np.errstate(invalid="ignore", divide="ignore"):
        fpr = fps / fps[-1] if fps[-1] > 0 else np.full_like(fps, np.nan)
        tpr = tps / tps[-1] if tps[-1] > 0 else np.full_like(tps, np.nan)
    return fpr, tpr, thr


def auc(x: ArrayLike, y: ArrayLike) -> float:
    """Area under a curve by the trapezoidal rule, ∫ y dx ≈ Σ (x_{i+1} − x_i)(y_i + y_{i+1})/2.

    ``x`` must be monotonic (increasing or decreasing). See docs/notes/evaluation.md.

    Parameters
    ----------
    x, y : array-like of shape (n,)
        Curve coordinates, n ≥ 2.

    Returns
    -------
    float
    """
    xa = float_array(x, "x", ndim=(1,))
    ya = float_array(y, "y", ndim=(1,))
    check_same_length(("x", xa), ("y", ya))
    if xa.size < 2:
        raise ValueError(f"At least 2 points are needed to compute area under curve, got {xa.size}")
    dx = np.diff(xa)
    direction = 1.0
    if np.any(dx < 0):
        if np.all(dx <= 0):
            direction = -1.0
        else:
            raise ValueError(f"x is neither increasing nor decreasing : {xa}.")
    return float(direction * np.sum(dx * (ya[1:] + ya[:-1]) / 2.0))


def _binary_roc_auc(
    y_true: ArrayLike, y_score: ArrayLike, sample_weight: ArrayLike | None, pos_label: Any = None
) -> float:
    yt = column(y_true, "y_true")
    if np.unique(yt).size != 2:
        raise ValueError(
            "Only one class is present in y_true. ROC AUC score is not defined in that case."
        )
    fpr, tpr, _ = roc_curve(yt, y_score, pos_label=pos_label, sample_weight=sample_weight)
    return auc(fpr, tpr)


def roc_auc_score(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    average: str | None = "macro",
    sample_weight: ArrayLike | None = None,
    multi_class: str = "raise",
    labels: ArrayLike | None = None,
) -> float:
    """Area under the ROC curve: the probability a random positive outscores a random negative.

    Binary: auc(roc_curve(y, s)). Multiclass (``y_score`` of shape (n, k)): 'ovr' averages
    the one-vs-rest AUC of each class's column ('macro', or 'weighted' by prevalence);
    'ovo' averages over class pairs the mean of AUC(a|b) and AUC(b|a) computed on the
    samples of the two classes. See docs/notes/evaluation.md.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Labels.
    y_score : array-like of shape (n_samples,) or (n_samples, n_classes)
        Scores (binary) or class probabilities (multiclass).
    average : {'macro', 'weighted'}
        Multiclass averaging.
    sample_weight : array-like, optional
        Per-sample weights (binary and ovr).
    multi_class : {'raise', 'ovr', 'ovo'}
        Multiclass strategy.
    labels : array-like, optional
        Class order of ``y_score``'s columns (default sorted unique of y_true).

    Returns
    -------
    float
    """
    yt = column(y_true, "y_true")
    score = float_array(y_score, "y_score", ndim=(1, 2))
    check_same_length(("y_true", yt), ("y_score", score))
    if score.ndim == 1 or (score.shape[1] == 2 and np.unique(yt).size <= 2 and labels is None):
        if score.ndim == 2:
            score = score[:, 1]
        return _binary_roc_auc(yt, score, sample_weight)
    if multi_class not in ("ovr", "ovo"):
        raise ValueError("multi_class must be in ('ovo', 'ovr') for multiclass y_score")
    if average not in ("macro", "weighted"):
        raise ValueError(f"average must be 'macro' or 'weighted' for multiclass, got {average!r}")
    classes = np.unique(yt) if labels is None else np.asarray(labels)
    if classes.size != score.shape[1]:
        raise ValueError(
            f"Number of classes in y_true ({classes.size}) not equal to the number of "
            f"columns in 'y_score' ({score.shape[1]})"
        )
    if not np.allclose(score.sum(axis=1), 1.0):
        raise ValueError(
            "Target scores need to be probabilities for multiclass roc_auc, i.e. they should "
            "sum up to 1.0 over classes"
        )
    if multi_class == "ovr":
        onehot = (yt[:, None] == classes[None, :]).astype(np.int64)
        aucs = np.array(
            [_binary_roc_auc(onehot[:, c], score[:, c], sample_weight) for c in range(classes.size)]
        )
        prevalence = (
            onehot.sum(axis=0) if sample_weight is None else np.asarray(sample_weight) @ onehot
        )
        return float(np.average(aucs, weights=prevalence if average == "weighted" else None))
    pair_scores, prevalence = [], []
    for a in range(classes.size):
        for b in range(a + 1, classes.size):
            mask = (yt == classes[a]) | (yt == classes[b])
            ya = yt[mask] == classes[a]
            s_ab = _binary_roc_auc(ya.astype(int), score[mask, a], None)
            s_ba = _binary_roc_auc((~ya).astype(int), score[mask, b], None)
            pair_scores.append((s_ab + s_ba) / 2.0)
            prevalence.append(mask.mean())
    return float(np.average(pair_scores, weights=prevalence if average == "weighted" else None))


def precision_recall_curve(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    pos_label: Any = None,
    sample_weight: ArrayLike | None = None,
    drop_intermediate: bool = False,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Precision and recall as the threshold sweeps the scores, ending at (recall 0, precision 1).

    P(t) = TP(t) / (TP(t) + FP(t)), R(t) = TP(t) / #pos, thresholds increasing.
    See docs/notes/evaluation.md.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary labels.
    y_score : array-like of shape (n_samples,)
        Scores.
    pos_label : label, optional
        The positive class.
    sample_weight : array-like, optional
        Per-sample weights.
    drop_intermediate : bool
        Drop thresholds where the true-positive count does not change.

    Returns
    -------
    precision, recall, thresholds : ndarray
    """
    fps, tps, thr = _binary_clf_curve(y_true, y_score, pos_label, sample_weight)
    if drop_intermediate and fps.size > 2:
        keep = np.flatnonzero(np.r_[True, np.logical_or(np.diff(tps[:-1]), np.diff(tps[1:])), True])
        fps, tps, thr = fps[keep], tps[keep], thr[keep]
    ps = tps + fps
    precision = np.divide(tps, ps, out=np.zeros_like(tps), where=ps != 0)
    recall = np.ones_like(tps) if tps[-1] == 0 else tps / tps[-1]
    return np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0], thr[::-1]


def average_precision_score(
    y_true: ArrayLike,
    y_score: ArrayLike,
    *,
    average: str | None = "macro",
    pos_label: Any = 1,
    sample_weight: ArrayLike | None = None,
) -> float:
    """Average precision: AP = Σₙ (Rₙ − Rₙ₋₁)·Pₙ, precision weighted by recall gained.

    Binary labels with 1-D scores; for 2-D scores of k classes, the one-vs-rest APs are
    averaged ('macro'). See docs/notes/evaluation.md.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Labels.
    y_score : array-like of shape (n_samples,) or (n_samples, n_classes)
        Scores.
    average : {'macro'} or None
        Multiclass averaging (None returns per-class APs).
    pos_label : label
        The positive class (binary).
    sample_weight : array-like, optional
        Per-sample weights.

    Returns
    -------
    float
    """
    yt = column(y_true, "y_true")
    score = float_array(y_score, "y_score", ndim=(1, 2))

    def binary_ap(labels: NDArray[Any], s: NDArray[np.float64], pos: Any) -> float:
        p, r, _ = precision_recall_curve(labels, s, pos_label=pos, sample_weight=sample_weight)
        return float(-np.sum(np.diff(r) * p[:-1]))

    if score.ndim == 1:
        classes = np.unique(yt)
        if classes.size > 2:
            raise ValueError("multiclass average precision needs y_score of shape (n, n_classes)")
        if classes.size == 2 and pos_label not in classes:
            raise ValueError(f"pos_label={pos_label!r} is not a valid label: {classes.tolist()}")
        return binary_ap(yt, score, pos_label)
    classes = np.unique(yt)
    if classes.size != score.shape[1]:
        raise ValueError(f"y_score has {score.shape[1]} columns for {classes.size} classes")
    aps = np.array(
        [binary_ap((yt == c).astype(int), score[:, i], 1) for i, c in enumerate(classes)]
    )
    if average is None:
        return aps  # type: ignore[return-value]
    if average != "macro":
        raise ValueError(f"average must be 'macro' or None, got {average!r}")
    return float(np.mean(aps))
