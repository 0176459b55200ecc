"""Quantile binning of features into at most 255 uint8 bins (histogram gradient boosting).

Feature f gets thresholds t_1 < … < t_{B-1}: midpoints between consecutive distinct values
when there are at most ``max_bins`` of them, else the (100·j / max_bins)-th percentiles
(averaged inverted CDF, duplicates dropped — scikit-learn 1.9's rule). With sample weights the
percentiles are of the weighted distribution (zero-weight rows ignored), and a subsample, when
one is drawn, is drawn with probability ∝ weight and then counted unweighted. A
value x falls in bin #{j : t_j < x}, so ``bin(x) <= b  ⟺  x <= t_b``: a split found on bins
is the split x <= t_b on raw values. See docs/notes/trees-and-ensembles.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray


def find_thresholds(
    X: NDArray[np.float64],
    max_bins: int,
    subsample: int,
    rng: np.random.RandomState,
    sample_weight: NDArray[np.float64] | None = None,
) -> list[NDArray[np.float64]]:
    """Bin thresholds of every feature (scikit-learn's rule), from at most ``subsample`` rows.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    max_bins : int
        At most this many bins per feature (2..255).
    subsample : int
        Rows used to find the percentiles.
    rng : numpy.random.RandomState
        Draws the subsample (scikit-learn's draw from the same seed).
    sample_weight : ndarray of shape (n_samples,), optional
        Weights: the percentiles are those of the weighted distribution.

    Returns
    -------
    list of ndarray
        Sorted thresholds of each feature.
    """
    w = sample_weight
    if X.shape[0] > subsample:
        # with replacement, as scikit-learn: frequency semantics, so unit weights and no
        # weights are the same law; the draw has used the weights, the subsample is unweighted
        p = None if w is None else w / w.sum()
        X = X[rng.choice(X.shape[0], subsample, replace=True, p=p)]
        w = None
    if w is None:
        cols = np.sort(X, axis=0)
    else:
        keep = w != 0  # a zero-weight row neither adds a distinct value nor moves a percentile
        X, w = X[keep], w[keep]
        order = np.argsort(X, axis=0, kind="stable")
        cols = np.take_along_axis(X, order, axis=0)
        w_sorted = w[order]  # each column's weights in that column's sorted order
    distinct = 1 + np.count_nonzero(np.diff(cols, axis=0) > 0, axis=0)
    percentiles = np.linspace(0, 100, num=max_bins + 1)[1:-1]
    quant = None
    if np.any(distinct > max_bins):
        if w is None:
            quant = np.percentile(cols, percentiles, axis=0, method="averaged_inverted_cdf")
        else:
            quant = _weighted_percentiles(cols, w_sorted, percentiles)
    out = []
    for f in range(X.shape[1]):  # one small step per feature, never per sample
        if distinct[f] <= max_bins:
            values = np.unique(cols[:, f])
            out.append((values[:-1] + values[1:]) * 0.5)
        else:
            assert quant is not None
            out.append(np.unique(quant[:, f]))
    return out


def _weighted_percentiles(
    cols: NDArray[np.float64], weights: NDArray[np.float64], percentiles: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Weighted 'averaged inverted CDF' percentiles of each sorted column, (len(p), n_features).

    With C the cumulative weight along the sorted column and r = p/100 · C_total, take the
    first i with C_i >= r; the percentile is x_i, or (x_i + x_{i+1})/2 when r falls on C_i
    (within ε) — NumPy's method for unit weights, scikit-learn's ``_weighted_percentile``
    with ``average=True`` for any positive weights.
    """
    n, F = cols.shape
    cdf = np.cumsum(weights, axis=0)
    out = np.empty((percentiles.shape[0], F))
    eps = np.finfo(np.float64).eps
    for f in range(F):  # one searchsorted per feature, over all percentiles at once
        rank = percentiles / 100.0 * cdf[-1, f]
        i = np.minimum(np.searchsorted(cdf[:, f], rank), n - 1)
        on_step = cdf[i, f] - rank <= eps
        nxt = np.minimum(i + 1, n - 1)
        out[:, f] = np.where(on_step, (cols[i, f] + cols[nxt, f]) / 2, cols[i, f])
    return out


def apply_bins(X: NDArray[Any], thresholds: list[NDArray[np.float64]]) -> NDArray[np.uint8]:
    """Bin codes of X: bin(x) = #{thresholds < x} (binary search per feature column)."""
    out = np.empty(X.shape, dtype=np.uint8)
    for f, t in enumerate(thresholds):
        out[:, f] = np.searchsorted(t, X[:, f], side="left")
    return out
