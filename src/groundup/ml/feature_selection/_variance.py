"""Drop low-variance features. See docs/notes/svm.md#feature-selection."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator
from sklearn.utils.validation import validate_data

from groundup.ml.feature_selection._base import SelectorBase


class VarianceThreshold(SelectorBase, BaseEstimator):
    """Keep the features whose variance exceeds ``threshold``.

    Var(xⱼ) = mean((xⱼ − x̄ⱼ)²), ignoring NaN; with threshold 0 the peak-to-peak range is used
    as well, so a constant column is dropped even when rounding makes its variance 1e-33.
    See docs/notes/svm.md#feature-selection.

    Parameters
    ----------
    threshold : float >= 0

    Attributes
    ----------
    variances_ : ndarray of shape (n_features,)
    """

    def __init__(self, threshold: float = 0.0):
        self.threshold = threshold

    def fit(self, X: ArrayLike, y: Any = None) -> VarianceThreshold:
        """Compute each feature's variance."""
        if not isinstance(self.threshold, int | float | np.number) or self.threshold < 0:
            raise ValueError(f"threshold must be a float >= 0, got {self.threshold!r}")
        Xv = validate_data(self, X, dtype=np.float64, ensure_all_finite="allow-nan")
        with np.errstate(all="ignore"):
            variances = np.nanvar(Xv, axis=0)
            if self.threshold == 0:
                ptp = np.nanmax(Xv, axis=0) - np.nanmin(Xv, axis=0)
                variances = np.nanmin(np.vstack([variances, ptp]), axis=0)
        self.variances_ = variances
        if np.all(~np.isfinite(variances) | (variances <= self.threshold)):
            msg = f"No feature in X meets the variance threshold {self.threshold:.5f}"
            if Xv.shape[0] == 1:
                msg += " (X contains only one sample)"
            raise ValueError(msg)
        return self

    def _validate_for_transform(self, X: ArrayLike) -> NDArray[Any]:
        return validate_data(self, X, reset=False, dtype=np.float64, ensure_all_finite="allow-nan")

    def _get_support_mask(self) -> NDArray[np.bool_]:
        return self.variances_ > self.threshold

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
