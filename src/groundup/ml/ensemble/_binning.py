"""Quantile binning of features into at most 255 uint8 bins (histogram gradient boosting).

Feature f gets thresholds t_1 < … < t_{B-1}: midpoints between consecutive distinct values
when there are at most ``max_bins`` of them, else the (100·j / max_bins)-th percentiles
(averaged inverted CDF, duplicates dropped — scikit-learn 1.9's rule). A
value x falls in bin #{j : t_j < x}, so ``bin(x) <= b  ⟺  x <= t_b``: a split found on bins
is the split x <= t_b on raw values. See docs/notes/trees-and-ensembles.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray


def find_thresholds(
    X: NDArray[np.float64], max_bins: int, subsample: int, rng: np.random.RandomState
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

    Returns
    -------
    list of ndarray
        Sorted thresholds of each feature.
    """
    if X.shape[0] > subsample:
        # with replacement, as scikit-learn: the same law as unit sample weights
        X = X[rng.choice(X.shape[0], subsample, replace=True)]
    cols = np.sort(X, axis=0)
    distinct = 1 + np.count_nonzero(np.diff(cols, axis=0) > 0, axis=0)
    percentiles = np.linspace(0, 100, num=max_bins + 1)[1:-1]
    quant = None
    if np.any(distinct > max_bins):
        quant = np.percentile(cols, percentiles, axis=0, method="averaged_inverted_cdf")
    out = []
    for f in range(X.shape[1]):  # one small step per feature, never per sample
        if distinct[f] <= max_bins:
            values = np.unique(cols[:, f])
            out.append((values[:-1] + values[1:]) * 0.5)
        else:
            assert quant is not None
            out.append(np.unique(quant[:, f]))
    return out


def apply_bins(X: NDArray[Any], thresholds: list[NDArray[np.float64]]) -> NDArray[np.uint8]:
    """Bin codes of X: bin(x) = #{thresholds < x} (binary search per feature column)."""
    out = np.empty(X.shape, dtype=np.uint8)
    for f, t in enumerate(thresholds):
        out[:, f] = np.searchsorted(t, X[:, f], side="left")
    return out
