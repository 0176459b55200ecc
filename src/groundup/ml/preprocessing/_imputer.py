"""Univariate imputation of missing values.

See docs/notes/svm.md#preprocessing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted, validate_data

_STRATEGIES = ("mean", "median", "most_frequent", "constant")


def _missing_mask(X: NDArray[Any], missing_values: Any) -> NDArray[np.bool_]:
    """Where X equals ``missing_values`` (NaN compares by ``isnan``, None by identity)."""
    if missing_values is None:
        return np.frompyfunc(lambda v: v is None, 1, 1)(X).astype(bool)
    if isinstance(missing_values, float) and np.isnan(missing_values):
        if X.dtype.kind == "f":
            return np.isnan(X)
        return np.frompyfunc(lambda v: isinstance(v, float) and v != v, 1, 1)(X).astype(bool)
    return np.asarray(X == missing_values, dtype=bool)


def _most_frequent(col: NDArray[Any]) -> Any:
    """Mode of a column; ties go to the smallest value, as in scikit-learn."""
    values, counts = np.unique(col, return_counts=True)
    return values[np.argmax(counts)]  # unique is sorted, argmax picks the first maximum


class SimpleImputer(TransformerMixin, BaseEstimator):
    """Replace missing values by a per-column statistic.

    For column j with observed values O_j the fill value is mean(O_j), median(O_j), the most
    frequent value (smallest among ties) or ``fill_value``. A column with no observed value is
    dropped unless ``keep_empty_features`` (then it is filled with 0, or ``fill_value``).
    With ``add_indicator`` a 0/1 column per feature that had missing values in fit is
    appended, which makes ``inverse_transform`` possible. See docs/notes/svm.md#preprocessing.

    Parameters
    ----------
    missing_values : float, int, str or None
    strategy : "mean", "median", "most_frequent" or "constant"
    fill_value : scalar, used with "constant" (default 0, or "missing_value" for strings)
    copy : bool
    add_indicator : bool
    keep_empty_features : bool

    Attributes
    ----------
    statistics_ : ndarray of shape (n_features,)
    indicator_features_ : ndarray of int or None
    """

    def __init__(
        self,
        *,
        missing_values: Any = np.nan,
        strategy: str = "mean",
        fill_value: Any = None,
        copy: bool = True,
        add_indicator: bool = False,
        keep_empty_features: bool = False,
    ):
        self.missing_values = missing_values
        self.strategy = strategy
        self.fill_value = fill_value
        self.copy = copy
        self.add_indicator = add_indicator
        self.keep_empty_features = keep_empty_features

    def _validate(self, X: ArrayLike, reset: bool) -> NDArray[Any]:
        numeric_strategy = self.strategy in ("mean", "median")
        mv = self.missing_values
        allow_nan = isinstance(mv, float) and np.isnan(mv)
        Xa = validate_data(
            self,
            X,
            reset=reset,
            dtype=np.float64 if numeric_strategy else None,
            ensure_all_finite="allow-nan" if allow_nan or mv is None else True,
        )
        if Xa.dtype.kind not in "biuf":
            if numeric_strategy:
                raise ValueError(f"Cannot use {self.strategy} strategy with non-numeric data")
            Xa = Xa.astype(object)
        elif Xa.dtype.kind in "iub":
            Xa = Xa.astype(np.float64)
        return Xa

    def fit(self, X: ArrayLike, y: Any = None) -> SimpleImputer:
        """Compute the fill value of every column."""
        if self.strategy not in _STRATEGIES:
            raise ValueError(f"strategy must be one of {_STRATEGIES}, got {self.strategy!r}")
        Xa = self._validate(X, reset=True)
        mask = _missing_mask(Xa, self.missing_values)
        n_obs = (~mask).sum(axis=0)
        if self.strategy in ("mean", "median"):
            Xn = np.where(mask, np.nan, Xa)
            reduce = np.nanmean if self.strategy == "mean" else np.nanmedian
            stats = np.full(Xa.shape[1], np.nan)
            seen = n_obs > 0  # an all-missing column keeps NaN (and a RuntimeWarning is avoided)
            stats[seen] = reduce(Xn[:, seen], axis=0)
        elif self.strategy == "most_frequent":
            stats = np.empty(Xa.shape[1], dtype=Xa.dtype)
            for j in range(Xa.shape[1]):  # per column: the mode needs its own unique()
                obs = Xa[~mask[:, j], j]
                stats[j] = _most_frequent(obs) if obs.size else np.nan
        else:
            fill = self.fill_value
            if fill is None:
                fill = 0 if Xa.dtype.kind in "biuf" else "missing_value"
            if Xa.dtype.kind == "f" and not isinstance(fill, int | float | np.number):
                raise ValueError(
                    f"fill_value={fill!r} is invalid. Expected a numerical value when imputing numerical data"
                )
            stats = np.full(Xa.shape[1], fill, dtype=Xa.dtype if Xa.dtype.kind == "f" else object)
        empty = n_obs == 0
        if self.strategy != "constant" and self.keep_empty_features:
            stats = stats.copy()
            stats[empty] = 0
        elif self.strategy == "constant" and not self.keep_empty_features and empty.any():
            stats = stats.astype(object)  # scikit-learn marks the dropped columns with NaN
            stats[empty] = np.nan
        self.statistics_ = stats
        self._empty = empty
        self.indicator_features_ = np.flatnonzero(mask.any(axis=0)) if self.add_indicator else None
        return self

    def transform(self, X: ArrayLike) -> NDArray[Any]:
        """Fill the missing entries of ``X`` (dropping columns that were empty in fit)."""
        check_is_fitted(self)
        Xa = self._validate(X, reset=False)
        mask = _missing_mask(Xa, self.missing_values)
        keep = ~self._empty if not self.keep_empty_features else np.ones_like(self._empty)
        fill = self.statistics_[keep]
        if Xa.dtype.kind == "f":
            fill = fill.astype(np.float64)
        out = np.where(mask[:, keep], fill[None, :], Xa[:, keep])
        if self.add_indicator:
            ind = mask[:, self.indicator_features_].astype(out.dtype)
            out = np.hstack([out, ind])
        return out

    def inverse_transform(self, X: ArrayLike) -> NDArray[Any]:
        """Put ``missing_values`` back where the indicator columns say (needs add_indicator)."""
        check_is_fitted(self)
        if not self.add_indicator:
            raise ValueError(
                f"'inverse_transform' works only when 'SimpleImputer' is instantiated with "
                f"'add_indicator=True'. Got 'add_indicator={self.add_indicator}' instead."
            )
        Xv = np.asarray(X)
        keep = ~self._empty if not self.keep_empty_features else np.ones_like(self._empty)
        n_kept = int(keep.sum())
        cols = np.asarray(self.indicator_features_)
        n_ind = len(cols)
        if Xv.ndim != 2 or Xv.shape[1] != n_kept + n_ind:
            raise ValueError(f"X must have {n_kept + n_ind} columns, got shape {Xv.shape}")
        imputed, ind = Xv[:, :n_kept], Xv[:, n_kept:].astype(bool)
        dtype = Xv.dtype if Xv.dtype.kind == "f" else object
        out = np.full((Xv.shape[0], keep.size), self.missing_values, dtype=dtype)
        out[:, keep] = imputed
        sub = out[:, cols]
        sub[ind] = self.missing_values
        out[:, cols] = sub
        return out

    def get_feature_names_out(self, input_features: Any = None) -> NDArray[Any]:
        """Input names of the kept columns, then ``missingindicator_<name>`` columns."""
        check_is_fitted(self)
        names = np.asarray(_check_feature_names_in(self, input_features), dtype=object)
        keep = ~self._empty if not self.keep_empty_features else np.ones_like(self._empty)
        out = list(names[keep])
        if self.add_indicator:
            out += [f"missingindicator_{n}" for n in names[self.indicator_features_]]
        return np.asarray(out, dtype=object)

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = self.strategy in ("most_frequent", "constant")
        return tags
