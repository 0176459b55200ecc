"""Label-based classification metrics: accuracy, confusion matrix, precision/recall/F.

All of them reduce to per-label counts of true positives, predicted positives and actual
positives, computed at once by comparing the label vectors with the label list (an
``(n_samples, n_labels)`` boolean matrix) and summing columns. See docs/notes/evaluation.md.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup.ml.metrics._validation import check_targets, weights

_AVERAGES = (None, "binary", "micro", "macro", "weighted")


def accuracy_score(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    normalize: bool = True,
    sample_weight: ArrayLike | None = None,
) -> float:
    """Fraction (or count) of correct predictions.

    acc = Σᵢ wᵢ·[ŷᵢ = yᵢ] / Σᵢ wᵢ. See docs/notes/evaluation.md.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted labels.
    normalize : bool
        Return the fraction (True) or the (weighted) number of correct predictions.
    sample_weight : array-like of shape (n_samples,), optional
        Per-sample weights.

    Returns
    -------
    float
    """
    _, yt, yp, _ = check_targets(y_true, y_pred)
    w = weights(sample_weight, yt.shape[0])
    hit = (yt == yp).astype(np.float64)
    if not normalize:
        return float(hit.sum() if w is None else hit @ w)
    return float(np.average(hit, weights=w))


def _counts(
    yt: NDArray[Any], yp: NDArray[Any], labels: NDArray[Any], w: NDArray[np.float64] | None
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Per-label (true positives, predicted positives, actual positives)."""
    is_true = yt[:, None] == labels[None, :]
    is_pred = yp[:, None] == labels[None, :]
    ww = np.ones(yt.shape[0]) if w is None else w
    tp = ww @ (is_true & is_pred)
    return tp, ww @ is_pred, ww @ is_true


def confusion_matrix(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    labels: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
    normalize: str | None = None,
) -> NDArray[Any]:
    """Matrix C with C[i, j] = (weighted) number of samples of class i predicted as j.

    Rows are true labels, columns predicted labels, both in the order of ``labels``
    (sorted union by default). normalize='true' divides rows by their sums, 'pred' columns,
    'all' the whole matrix. See docs/notes/evaluation.md.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted labels.
    labels : array-like, optional
        Labels indexing the matrix; samples with other labels are ignored.
    sample_weight : array-like of shape (n_samples,), optional
        Per-sample weights.
    normalize : {'true', 'pred', 'all'} or None
        Normalisation of the counts.

    Returns
    -------
    ndarray of shape (n_labels, n_labels)
    """
    _, yt, yp, present = check_targets(y_true, y_pred)
    if normalize not in (None, "true", "pred", "all"):
        raise ValueError(
            f"normalize must be one of {{'true', 'pred', 'all', None}}, got {normalize!r}"
        )
    w = weights(sample_weight, yt.shape[0])
    if labels is None:
        lab = present
    else:
        lab = np.asarray(labels)
        if lab.size == 0:
            raise ValueError("'labels' should contain at least one label.")
        if not np.isin(yt, lab).any():
            raise ValueError("At least one label specified must be in y_true")
    ti = (yt[:, None] == lab[None, :]).astype(np.float64)
    pi = (yp[:, None] == lab[None, :]).astype(np.float64)
    if w is not None:
        ti *= w[:, None]
    cm = ti.T @ pi
    if w is None or np.asarray(sample_weight).dtype.kind in "iub":
        cm = np.rint(cm).astype(np.int64)  # integer counts stay integers, as in sklearn
    if normalize is None:
        return cm
    cm = cm.astype(np.float64)
    with np.errstate(all="ignore"):
        if normalize == "true":
            cm = cm / cm.sum(axis=1, keepdims=True)
        elif normalize == "pred":
            cm = cm / cm.sum(axis=0, keepdims=True)
        else:
            cm = cm / cm.sum()
    return np.nan_to_num(cm)


def _zero_division_value(zero_division: Any) -> float:
    if isinstance(zero_division, str) and zero_division == "warn":
        return 0.0
    if zero_division in (0, 1) or (isinstance(zero_division, float) and np.isnan(zero_division)):
        return float(zero_division)
    raise ValueError(f"zero_division must be 'warn', 0.0, 1.0 or np.nan, got {zero_division!r}")


def _divide(
    num: NDArray[np.float64], den: NDArray[np.float64], what: str, zero_division: Any
) -> NDArray[np.float64]:
    """num / den with ``zero_division`` where den == 0 (warning when it is 'warn')."""
    value = _zero_division_value(zero_division)
    mask = den == 0
    out = num / np.where(mask, 1.0, den)
    if mask.any():
        out[mask] = value
        if isinstance(zero_division, str):
            warnings.warn(
                f"{what} is ill-defined and being set to 0.0 for labels with no samples; "
                "use zero_division to control this.",
                UserWarning,
                stacklevel=3,
            )
    return out


def _nanaverage(a: NDArray[np.float64], w: NDArray[np.float64] | None) -> float:
    """Weighted mean ignoring NaN (a NaN comes only from zero_division=np.nan)."""
    keep = ~np.isnan(a)
    if not keep.any():
        return float("nan")
    if w is None:
        return float(np.mean(a[keep]))
    if w[keep].sum() == 0:
        return float(np.mean(a[keep]))
    return float(np.average(a[keep], weights=w[keep]))


def precision_recall_fscore_support(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    beta: float = 1.0,
    labels: ArrayLike | None = None,
    pos_label: Any = 1,
    average: str | None = None,
    sample_weight: ArrayLike | None = None,
    zero_division: Any = "warn",
) -> tuple[Any, Any, Any, Any]:
    """Per-label or averaged precision, recall, F-beta and support.

    With per-label counts tp, fp, fn: P = tp/(tp+fp), R = tp/(tp+fn),
    F_β = (1+β²)·tp / ((1+β²)·tp + β²·fn + fp). 'micro' pools the counts, 'macro' averages
    the per-label scores, 'weighted' averages them weighted by support, 'binary' reports
    ``pos_label`` only. See docs/notes/evaluation.md.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted labels.
    beta : float
        Weight of recall relative to precision (β ≥ 0).
    labels : array-like, optional
        Labels to report (default: sorted union of both vectors).
    pos_label : label
        The positive class when ``average='binary'``.
    average : {'binary', 'micro', 'macro', 'weighted'} or None
        Averaging; None returns per-label arrays.
    sample_weight : array-like of shape (n_samples,), optional
        Per-sample weights.
    zero_division : {'warn', 0.0, 1.0, np.nan}
        Value for a ratio whose denominator is zero.

    Returns
    -------
    precision, recall, fbeta, support
        Floats (support None) when averaged, arrays otherwise.
    """
    if average not in _AVERAGES:
        raise ValueError(f"average has to be one of {_AVERAGES}, got {average!r}")
    if not np.isfinite(beta) and not np.isposinf(beta) or beta < 0:
        raise ValueError(f"beta must be >= 0, got {beta!r}")
    _zero_division_value(zero_division)
    kind, yt, yp, present = check_targets(y_true, y_pred)
    w = weights(sample_weight, yt.shape[0])
    if average == "binary":
        if kind != "binary":
            raise ValueError(
                f"Target is {kind} but average='binary'. Please choose another average "
                "setting, one of [None, 'micro', 'macro', 'weighted']."
            )
        if pos_label not in present and present.size >= 2:
            raise ValueError(
                f"pos_label={pos_label!r} is not a valid label. It should be one of "
                f"{present.tolist()}"
            )
        lab = np.asarray([pos_label])
    elif labels is None:
        lab = present
    else:
        lab = np.asarray(labels)
    tp, pred, true = _counts(yt, yp, lab, w)
    if average == "micro":
        tp, pred, true = tp.sum(keepdims=True), pred.sum(keepdims=True), true.sum(keepdims=True)
    precision = _divide(tp, pred, "Precision", zero_division)
    recall = _divide(tp, true, "Recall", zero_division)
    if np.isposinf(beta):
        fscore = recall
    elif beta == 0:
        fscore = precision
    else:
        b2 = float(beta) ** 2
        fscore = _divide((1 + b2) * tp, b2 * true + pred, "F-score", zero_division)
    if average is None:
        support = true if w is not None else true.astype(np.int64)
        return precision, recall, fscore, support
    avg_w = true if average == "weighted" else None
    return (
        _nanaverage(precision, avg_w),
        _nanaverage(recall, avg_w),
        _nanaverage(fscore, avg_w),
        None,
    )


def _one_score(index: int, y_true: ArrayLike, y_pred: ArrayLike, **kwargs: Any) -> Any:
    return precision_recall_fscore_support(y_true, y_pred, **kwargs)[index]


def precision_score(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    labels: ArrayLike | None = None,
    pos_label: Any = 1,
    average: str | None = "binary",
    sample_weight: ArrayLike | None = None,
    zero_division: Any = "warn",
) -> Any:
    """Precision tp / (tp + fp): the fraction of predicted positives that are right.

    See :func:`precision_recall_fscore_support` and docs/notes/evaluation.md.

    Parameters
    ----------
    y_true, y_pred, labels, pos_label, average, sample_weight, zero_division
        As in :func:`precision_recall_fscore_support`.

    Returns
    -------
    float or ndarray
    """
    return _one_score(
        0, y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division,
    )  # fmt: skip


def recall_score(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    labels: ArrayLike | None = None,
    pos_label: Any = 1,
    average: str | None = "binary",
    sample_weight: ArrayLike | None = None,
    zero_division: Any = "warn",
) -> Any:
    """Recall tp / (tp + fn): the fraction of actual positives that are found.

    See :func:`precision_recall_fscore_support` and docs/notes/evaluation.md.

    Parameters
    ----------
    y_true, y_pred, labels, pos_label, average, sample_weight, zero_division
        As in :func:`precision_recall_fscore_support`.

    Returns
    -------
    float or ndarray
    """
    return _one_score(
        1, y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division,
    )  # fmt: skip


def fbeta_score(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    beta: float,
    labels: ArrayLike | None = None,
    pos_label: Any = 1,
    average: str | None = "binary",
    sample_weight: ArrayLike | None = None,
    zero_division: Any = "warn",
) -> Any:
    """F-beta: (1+β²)·P·R / (β²·P + R), recall weighted β times as much as precision.

    See :func:`precision_recall_fscore_support` and docs/notes/evaluation.md.

    Parameters
    ----------
    y_true, y_pred, beta, labels, pos_label, average, sample_weight, zero_division
        As in :func:`precision_recall_fscore_support`.

    Returns
    -------
    float or ndarray
    """
    return _one_score(
        2, y_true, y_pred, beta=beta, labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division,
    )  # fmt: skip


def f1_score(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    labels: ArrayLike | None = None,
    pos_label: Any = 1,
    average: str | None = "binary",
    sample_weight: ArrayLike | None = None,
    zero_division: Any = "warn",
) -> Any:
    """F1: the harmonic mean of precision and recall, 2·tp / (2·tp + fp + fn).

    See :func:`precision_recall_fscore_support` and docs/notes/evaluation.md.

    Parameters
    ----------
    y_true, y_pred, labels, pos_label, average, sample_weight, zero_division
        As in :func:`precision_recall_fscore_support`.

    Returns
    -------
    float or ndarray
    """
    return fbeta_score(
        y_true, y_pred, beta=1.0, labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division,
    )  # fmt: skip


def classification_report(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    labels: ArrayLike | None = None,
    target_names: list[str] | None = None,
    sample_weight: ArrayLike | None = None,
    digits: int = 2,
    output_dict: bool = False,
    zero_division: Any = "warn",
) -> str | dict[str, Any]:
    """Text (or dict) table of per-label precision, recall, F1 and support, plus averages.

    Rows as in :func:`precision_recall_fscore_support` (average=None); then 'accuracy' (the
    micro average when every label is reported), 'macro avg' and 'weighted avg'.
    See docs/notes/evaluation.md.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        True and predicted labels.
    labels : array-like, optional
        Labels to report.
    target_names : list of str, optional
        Display names matching ``labels``.
    sample_weight : array-like, optional
        Per-sample weights.
    digits : int
        Digits printed for floats (text output).
    output_dict : bool
        Return a nested dict instead of a string.
    zero_division : {'warn', 0.0, 1.0, np.nan}
        Value for undefined ratios.

    Returns
    -------
    str or dict
    """
    _, yt, yp, present = check_targets(y_true, y_pred)
    lab = present if labels is None else np.asarray(labels)
    micro_is_accuracy = labels is None or set(lab.tolist()) >= set(present.tolist())
    if target_names is not None and len(lab) != len(target_names):
        if labels is not None:
            warnings.warn(
                f"labels size, {len(lab)}, does not match size of target_names, "
                f"{len(target_names)}",
                stacklevel=2,
            )
        else:
            raise ValueError(
                f"Number of classes, {len(lab)}, does not match size of target_names, "
                f"{len(target_names)}. Try specifying the labels parameter"
            )
    names = [str(n) for n in (target_names if target_names is not None else lab)]
    headers = ["precision", "recall", "f1-score", "support"]
    common = {"labels": lab, "sample_weight": sample_weight, "zero_division": zero_division}
    p, r, f, s = precision_recall_fscore_support(yt, yp, average=None, **common)
    rows = list(zip(names, p, r, f, s))
    width = max(max(len(n) for n in names), len("weighted avg"), digits)
    row_fmt = "{:>{width}s} " + " {:>9.{digits}f}" * 3 + " {:>9}\n"
    report: dict[str, Any] = {}
    text = ("{:>{width}s} " + " {:>9}" * 4).format("", *headers, width=width) + "\n\n"
    for row in rows:
        report[row[0]] = dict(zip(headers, [float(v) for v in row[1:]]))
        text += row_fmt.format(*row, width=width, digits=digits)
    text += "\n"
    for avg in ("micro", "macro", "weighted"):
        heading = "accuracy" if avg == "micro" and micro_is_accuracy else f"{avg} avg"
        ap, ar, af, _ = precision_recall_fscore_support(yt, yp, average=avg, **common)
        values = [ap, ar, af, np.sum(s)]
        report[heading] = dict(zip(headers, [float(v) for v in values]))
        if heading == "accuracy":
            fmt = "{:>{width}s} " + " {:>9.{digits}}" * 2 + " {:>9.{digits}f}" + " {:>9}\n"
            text += fmt.format(heading, "", "", *values[2:], width=width, digits=digits)
        else:
            text += row_fmt.format(heading, *values, width=width, digits=digits)
    if output_dict:
        if "accuracy" in report:
            report["accuracy"] = report["accuracy"]["precision"]
        return report
    return text
