"""Regression metrics: mean squared / absolute error and the coefficient of determination.

See docs/notes/evaluation.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup._checks import check_same_length
from groundup.ml.metrics._validation import float_array, weights

_MULTIOUTPUT = ("raw_values", "uniform_average")


def _targets(
    y_true: ArrayLike, y_pred: ArrayLike, sample_weight: ArrayLike | None
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64] | None]:
    """Both targets as (n, n_outputs) float arrays of equal shape, plus the weights."""
    yt = float_array(y_true, "y_true")
    yp = float_array(y_pred, "y_pred")
    check_same_length(("y_true", yt), ("y_pred", yp))
    yt = yt.reshape(yt.shape[0], -1)
    yp = yp.reshape(yp.shape[0], -1)
    if yt.shape[1] != yp.shape[1]:
        raise ValueError(
            f"y_true and y_pred have different number of output ({yt.shape[1]}!={yp.shape[1]})"
        )
    return yt, yp, weights(sample_weight, yt.shape[0])


def _reduce(per_output: NDArray[np.float64], multioutput: Any) -> Any:
    if isinstance(multioutput, str):
        if multioutput not in _MULTIOUTPUT:
            raise ValueError(f"multioutput must be one of {_MULTIOUTPUT}, got {multioutput!r}")
        return per_output if multioutput == "raw_values" else float(np.mean(per_output))
    return float(np.average(per_output, weights=np.asarray(multioutput, dtype=np.float64)))


def mean_squared_error(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    multioutput: Any = "uniform_average",
) -> Any:
    """Mean squared error, MSE = Σᵢ wᵢ (yᵢ − ŷᵢ)² / Σᵢ wᵢ (per output, then averaged).

    See docs/notes/evaluation.md.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets and predictions.
    sample_weight : array-like, optional
        Per-sample weights.
    multioutput : {'raw_values', 'uniform_average'} or array of output weights
        How per-output errors are combined.

    Returns
    -------
    float or ndarray
    """
    yt, yp, w = _targets(y_true, y_pred, sample_weight)
    return _reduce(np.average((yt - yp) ** 2, axis=0, weights=w), multioutput)


def root_mean_squared_error(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    multioutput: Any = "uniform_average",
) -> Any:
    """Root mean squared error, √MSE per output (then averaged across outputs).

    See docs/notes/evaluation.md.

    Parameters
    ----------
    y_true, y_pred, sample_weight, multioutput
        As in :func:`mean_squared_error`.

    Returns
    -------
    float or ndarray
    """
    yt, yp, w = _targets(y_true, y_pred, sample_weight)
    return _reduce(np.sqrt(np.average((yt - yp) ** 2, axis=0, weights=w)), multioutput)


def mean_absolute_error(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    multioutput: Any = "uniform_average",
) -> Any:
    """Mean absolute error, MAE = Σᵢ wᵢ |yᵢ − ŷᵢ| / Σᵢ wᵢ.

    See docs/notes/evaluation.md.

    Parameters
    ----------
    y_true, y_pred, sample_weight, multioutput
        As in :func:`mean_squared_error`.

    Returns
    -------
    float or ndarray
    """
    yt, yp, w = _targets(y_true, y_pred, sample_weight)
    return _reduce(np.average(np.abs(yt - yp), axis=0, weights=w), multioutput)


def r2_score(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    *,
    sample_weight: ArrayLike | None = None,
    multioutput: Any = "uniform_average",
    force_finite: bool = True,
) -> Any:
    """Coefficient of determination, R² = 1 − Σ w(y − ŷ)² / Σ w(y − ȳ)².

    A constant y makes the denominator zero: R² is then 1.0 for a perfect prediction and
    0.0 otherwise (``force_finite``), else NaN / −inf. 'variance_weighted' averages outputs
    weighted by their variance. See docs/notes/evaluation.md.

    Parameters
    ----------
    y_true, y_pred, sample_weight
        As in :func:`mean_squared_error`.
    multioutput : {'raw_values', 'uniform_average', 'variance_weighted'} or array
        How per-output scores are combined.
    force_finite : bool
        Replace the undefined constant-target cases by 1.0 / 0.0.

    Returns
    -------
    float or ndarray
    """
    yt, yp, w = _targets(y_true, y_pred, sample_weight)
    if yt.shape[0] < 2:
        raise ValueError("R^2 score is not well-defined with less than two samples.")
    ww = np.ones(yt.shape[0]) if w is None else w
    num = ww @ (yt - yp) ** 2
    den = ww @ (yt - np.average(yt, axis=0, weights=w)) ** 2
    ok_num, ok_den = num != 0, den != 0
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = 1 - num / den
    if force_finite:
        scores = np.where(ok_den, scores, np.where(ok_num, 0.0, 1.0))
    if isinstance(multioutput, str) and multioutput == "variance_weighted":
        if not ok_den.any():
            return float(scores.mean())
        return float(np.average(scores, weights=den))
    return _reduce(scores, multioutput)
