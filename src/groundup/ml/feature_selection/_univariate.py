"""Univariate scores (ANOVA F) and the k-best selector. See docs/notes/svm.md#feature-selection."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

from groundup._checks import as_matrix, as_vector, check_same_length
from groundup.ml.feature_selection._base import SelectorBase
from groundup.ml.feature_selection._special import f_sf


def f_classif(X: ArrayLike, y: ArrayLike) -> tuple[NDArray[Any], NDArray[Any]]:
    """One-way ANOVA F statistic and p-value of every feature against the class labels.

    F = [Σ_k n_k (x̄_k − x̄)² / (K − 1)] / [Σ_k Σ_{i∈k} (xᵢ − x̄_k)² / (n − K)], p = P(F_{K−1, n−K} > F)
    with the F tail from the regularised incomplete beta function. A constant feature gives
    F = NaN (0/0), as in scikit-learn. See docs/notes/svm.md#feature-selection.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,), class labels

    Returns
    -------
    F : ndarray of shape (n_features,)
    pvalues : ndarray of shape (n_features,)
    """
    Xv = as_matrix(X, "X")
    labels = np.asarray(y)
    if labels.ndim != 1:
        raise ValueError(f"y must be 1-D, got shape {labels.shape}")
    check_same_length(("X", Xv), ("y", as_vector(np.unique(labels, return_inverse=True)[1], "y")))
    classes, codes = np.unique(labels, return_inverse=True)
    n, k = Xv.shape[0], len(classes)
    if k < 2 or n <= k:
        raise ValueError(
            f"f_classif needs at least 2 classes and more samples than classes, got {k} classes, {n} samples"
        )
    Y = np.zeros((n, k))
    Y[np.arange(n), codes] = 1.0
    counts = Y.sum(axis=0)
    means = (Y.T @ Xv) / counts[:, None]
    grand = Xv.mean(axis=0)
    ss_between = counts @ (means - grand) ** 2
    ss_within = ((Xv - means[codes]) ** 2).sum(axis=0)
    dfb, dfw = k - 1, n - k
    with np.errstate(divide="ignore", invalid="ignore"):
        F = (ss_between / dfb) / (ss_within / dfw)
    return F, f_sf(F, dfb, dfw)


class SelectKBest(SelectorBase, BaseEstimator):
    """Keep the k features with the highest univariate score.

    s = score_func(X, y); keep argsort(s)[−k:] (stable order; NaN scores rank lowest).
    See docs/notes/svm.md#feature-selection.

    Parameters
    ----------
    score_func : callable returning scores or (scores, pvalues)
    k : int >= 0 or "all"

    Attributes
    ----------
    scores_, pvalues_ (None if the score function gives none)
    """

    def __init__(self, score_func: Callable[..., Any] = f_classif, *, k: int | str = 10):
        self.score_func = score_func
        self.k = k

    def fit(self, X: ArrayLike, y: ArrayLike) -> SelectKBest:
        """Score every feature."""
        if not callable(self.score_func):
            raise TypeError(f"score_func should be a callable, got {self.score_func!r}")
        if not (
            self.k == "all"
            or (
                isinstance(self.k, int | np.integer)
                and not isinstance(self.k, bool)
                and self.k >= 0
            )
        ):
            raise ValueError(f"k must be a non-negative int or 'all', got {self.k!r}")
        Xv, yv = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(yv)
        result = self.score_func(Xv, yv)
        pvalues: NDArray[Any] | None = None
        if isinstance(result, list | tuple):
            scores, pvalues = np.asarray(result[0]), np.asarray(result[1])
        else:
            scores = np.asarray(result)
        self.scores_, self.pvalues_ = scores, pvalues
        if self.k != "all" and self.k > Xv.shape[1]:  # type: ignore[operator]
            warnings.warn(
                f"k={self.k} is greater than n_features={Xv.shape[1]}. All the features will be returned.",
                UserWarning,
                stacklevel=2,
            )
        return self

    def _get_support_mask(self) -> NDArray[np.bool_]:
        mask = np.zeros(self.scores_.shape, dtype=bool)
        if self.k == "all":
            return ~mask
        if self.k == 0:
            return mask
        scores = np.where(np.isnan(self.scores_), np.finfo(np.float64).min, self.scores_)
        mask[np.argsort(scores, kind="mergesort")[-int(self.k) :]] = True  # type: ignore[call-overload]
        return mask
