"""Feature scalers: standardisation, min-max and median/IQR scaling.

See docs/notes/svm.md#preprocessing (scaling matters for every distance- and kernel-based
estimator in this family).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

_EPS = np.finfo(np.float64).eps


def _constant_features(var: NDArray[Any], mean: NDArray[Any], n: int) -> NDArray[Any]:
    """Features whose variance is within the rounding error of the two-pass algorithm.

    A variance below ``n·eps·var + (n·mean·eps)²`` (Chan, Golub & LeVeque's error bound)
    cannot be told apart from zero, so dividing by its square root would only amplify noise.
    """
    return var <= n * _EPS * var + (n * mean * _EPS) ** 2


def _safe_scale(scale: NDArray[Any], constant: NDArray[Any] | None = None) -> NDArray[Any]:
    """Replace (near-)zero scales by 1 so constant features pass through unscaled."""
    scale = np.array(scale, dtype=np.float64, copy=True)
    if constant is None:
        constant = scale < 10 * _EPS
    scale[constant] = 1.0
    return scale


class StandardScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Standardise features to zero mean and unit variance.

    z = (x − μ) / σ with μ the column mean and σ the population standard deviation
    (ddof 0). A constant column (σ indistinguishable from 0) keeps σ = 1, as in
    scikit-learn, so it maps to 0 instead of NaN. See docs/notes/svm.md#preprocessing.

    Parameters
    ----------
    copy : bool
        Kept for API parity; the transform always returns a new array.
    with_mean : bool
        Subtract the mean.
    with_std : bool
        Divide by the standard deviation.

    Attributes
    ----------
    mean_, var_, scale_ : ndarray of shape (n_features,) or None
    n_samples_seen_ : int
    """

    def __init__(self, *, copy: bool = True, with_mean: bool = True, with_std: bool = True):
        self.copy = copy
        self.with_mean = with_mean
        self.with_std = with_std

    def fit(self, X: ArrayLike, y: Any = None) -> StandardScaler:
        """Learn the column means and standard deviations of ``X``."""
        Xv = validate_data(self, X, dtype=np.float64)
        n = Xv.shape[0]
        self.n_samples_seen_ = n
        mean = Xv.mean(axis=0)
        var = Xv.var(axis=0)
        scale = _safe_scale(np.sqrt(var), _constant_features(var, mean, n))
        self.var_: NDArray[Any] | None = var if self.with_std else None
        self.scale_: NDArray[Any] | None = scale if self.with_std else None
        self.mean_: NDArray[Any] | None = mean if self.with_mean else None
        return self

    def transform(self, X: ArrayLike, copy: bool | None = None) -> NDArray[Any]:
        """Return (X − mean_) / scale_."""
        check_is_fitted(self, "n_samples_seen_")
        Xv = validate_data(self, X, reset=False, dtype=np.float64, copy=True)
        if self.with_mean:
            Xv -= self.mean_
        if self.with_std:
            Xv /= self.scale_
        return Xv

    def inverse_transform(self, X: ArrayLike, copy: bool | None = None) -> NDArray[Any]:
        """Return X · scale_ + mean_."""
        check_is_fitted(self, "n_samples_seen_")
        Xv = validate_data(self, X, reset=False, dtype=np.float64, copy=True)
        if self.with_std:
            Xv *= self.scale_
        if self.with_mean:
            Xv += self.mean_
        return Xv


class MinMaxScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Scale each feature linearly onto ``feature_range``.

    x' = a + (x − min) · (b − a) / (max − min) for feature_range (a, b); a constant column
    (max = min) has its range treated as 1. See docs/notes/svm.md#preprocessing.

    Parameters
    ----------
    feature_range : tuple (min, max)
        Target interval; min must be < max.
    copy : bool
        Kept for API parity.
    clip : bool
        Clip transformed values of unseen data to ``feature_range``.

    Attributes
    ----------
    data_min_, data_max_, data_range_, scale_, min_ : ndarray of shape (n_features,)
    """

    def __init__(
        self, feature_range: tuple[float, float] = (0, 1), *, copy: bool = True, clip: bool = False
    ):
        self.feature_range = feature_range
        self.copy = copy
        self.clip = clip

    def fit(self, X: ArrayLike, y: Any = None) -> MinMaxScaler:
        """Learn the per-feature minimum and maximum of ``X``."""
        lo, hi = self.feature_range
        if lo >= hi:
            raise ValueError(
                f"feature_range: minimum of desired feature range must be smaller than "
                f"maximum, got {self.feature_range!r}"
            )
        Xv = validate_data(self, X, dtype=np.float64)
        self.n_samples_seen_ = Xv.shape[0]
        self.data_min_ = Xv.min(axis=0)
        self.data_max_ = Xv.max(axis=0)
        self.data_range_ = self.data_max_ - self.data_min_
        self.scale_ = (hi - lo) / _safe_scale(self.data_range_)
        self.min_ = lo - self.data_min_ * self.scale_
        return self

    def transform(self, X: ArrayLike) -> NDArray[Any]:
        """Return X · scale_ + min_ (clipped to feature_range if ``clip``)."""
        check_is_fitted(self, "scale_")
        Xv = validate_data(self, X, reset=False, dtype=np.float64, copy=True)
        Xv *= self.scale_
        Xv += self.min_
        if self.clip:
            np.clip(Xv, self.feature_range[0], self.feature_range[1], out=Xv)
        return Xv

    def inverse_transform(self, X: ArrayLike) -> NDArray[Any]:
        """Return (X − min_) / scale_."""
        check_is_fitted(self, "scale_")
        Xv = validate_data(self, X, reset=False, dtype=np.float64, copy=True)
        return (Xv - self.min_) / self.scale_


class RobustScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Centre on the median and scale by the inter-quantile range.

    x' = (x − median) / (q_hi − q_lo), with quantiles by linear interpolation (NumPy's
    default, as scikit-learn). Outliers barely move either statistic.
    With ``unit_variance`` the range is further divided by the same quantile range of a
    standard normal, so normal data ends with variance 1. See docs/notes/svm.md#preprocessing.

    Parameters
    ----------
    with_centering, with_scaling : bool
    quantile_range : tuple (q_min, q_max), 0 <= q_min < q_max <= 100
    copy : bool
    unit_variance : bool

    Attributes
    ----------
    center_, scale_ : ndarray of shape (n_features,) or None
    """

    def __init__(
        self,
        *,
        with_centering: bool = True,
        with_scaling: bool = True,
        quantile_range: tuple[float, float] = (25.0, 75.0),
        copy: bool = True,
        unit_variance: bool = False,
    ):
        self.with_centering = with_centering
        self.with_scaling = with_scaling
        self.quantile_range = quantile_range
        self.copy = copy
        self.unit_variance = unit_variance

    def fit(self, X: ArrayLike, y: Any = None) -> RobustScaler:
        """Learn the medians and inter-quantile ranges of ``X``."""
        q_min, q_max = self.quantile_range
        if not 0 <= q_min <= q_max <= 100:
            raise ValueError(
                f"quantile_range must satisfy 0 <= q_min <= q_max <= 100, got {self.quantile_range!r}"
            )
        Xv = validate_data(self, X, dtype=np.float64)
        self.center_ = np.median(Xv, axis=0) if self.with_centering else None
        self.scale_: NDArray[Any] | None = None
        if self.with_scaling:
            lo, hi = np.percentile(Xv, [q_min, q_max], axis=0)
            scale = _safe_scale(hi - lo)
            if self.unit_variance:
                scale = scale / (_normal_ppf(q_max / 100.0) - _normal_ppf(q_min / 100.0))
            self.scale_ = scale
        return self

    def transform(self, X: ArrayLike) -> NDArray[Any]:
        """Return (X − center_) / scale_."""
        check_is_fitted(self, ["center_", "scale_"], all_or_any=any)
        Xv = validate_data(self, X, reset=False, dtype=np.float64, copy=True)
        if self.with_centering:
            Xv -= self.center_
        if self.with_scaling:
            Xv /= self.scale_
        return Xv

    def inverse_transform(self, X: ArrayLike) -> NDArray[Any]:
        """Return X · scale_ + center_."""
        check_is_fitted(self, ["center_", "scale_"], all_or_any=any)
        Xv = validate_data(self, X, reset=False, dtype=np.float64, copy=True)
        if self.with_scaling:
            Xv *= self.scale_
        if self.with_centering:
            Xv += self.center_
        return Xv


def _normal_ppf(p: float) -> float:
    """Standard normal quantile by bisection on 0.5·erfc(−x/√2) (p in (0, 1))."""
    import math

    if p <= 0.0:
        return -math.inf
    if p >= 1.0:
        return math.inf
    lo, hi = -40.0, 40.0
    for _ in range(200):  # bisection to machine precision; called twice per fit
        mid = 0.5 * (lo + hi)
        if 0.5 * math.erfc(-mid / math.sqrt(2.0)) < p:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)
