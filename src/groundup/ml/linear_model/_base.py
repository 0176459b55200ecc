"""Shared pieces of the linear models: centring, parameter checks and the linear predictions."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data


def center(
    X: NDArray[Any], y: NDArray[Any], fit_intercept: bool
) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any], NDArray[Any] | float]:
    """Return ``(Xc, yc, x_mean, y_mean)``; centring lets the intercept drop out of the solve.

    With an unpenalised intercept b, ∂/∂b of the loss is zero at b = ȳ − x̄ᵀw, so
    minimising over w on centred data and setting b afterwards is exact.
    """
    if not fit_intercept:
        return X, y, np.zeros(X.shape[1]), np.zeros(y.shape[1]) if y.ndim == 2 else 0.0
    x_mean = X.mean(axis=0)
    y_mean = y.mean(axis=0)
    return X - x_mean, y - y_mean, x_mean, y_mean


def check_number(
    value: Any,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    integer: bool = False,
) -> None:
    """Raise ``ValueError`` naming ``name`` and ``value`` unless it is a number in range."""
    kind = numbers.Integral if integer else numbers.Real
    ok = isinstance(value, kind) and not isinstance(value, bool) and math.isfinite(value)
    if ok and low is not None:
        ok = value > low if low_open else value >= low
    if ok and high is not None:
        ok = value <= high
    if not ok:
        what = "an integer" if integer else "a finite real number"
        lo = "" if low is None else f" {'>' if low_open else '>='} {low}"
        hi = "" if high is None else f" and <= {high}"
        raise ValueError(f"{name} must be {what}{lo}{hi}, got {value!r}")


def check_choice(value: Any, name: str, choices: tuple[Any, ...]) -> None:
    """Raise ``ValueError`` naming ``name`` and ``value`` unless ``value`` is one of ``choices``."""
    if not any(value is c or (isinstance(value, str) and value == c) for c in choices):
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}")


def spectral_norm_sq(X: NDArray[Any], n_iter: int = 50, seed: int = 0) -> float:
    """λ_max(XᵀX) by power iteration: the Lipschitz constant of ½‖Xw − y‖²'s gradient."""
    v = np.random.default_rng(seed).standard_normal(size=(X.shape[1],))
    lam = 0.0
    for _ in range(n_iter):
        w = X.T @ (X @ v)
        norm = float(np.linalg.norm(w))
        if norm == 0.0:
            return 0.0
        lam, v = norm, w / norm
    return lam


def as_arrays(validated: Any) -> tuple[NDArray[Any], NDArray[Any]]:
    """Type ``validate_data(self, X, y, ...)``'s result as the (X, y) arrays it is."""
    return validated[0], validated[1]


def encode_classes(y: NDArray[Any]) -> tuple[NDArray[Any], NDArray[np.intp]]:
    """Sorted class labels and each sample's code (index into them); refuse fewer than two.

    classes = sorted unique(y), codes[i] = k such that classes[k] = y[i]. Raises ``ValueError``
    naming the single class when there is only one (a classifier needs two to separate).
    """
    check_classification_targets(y)
    classes, codes = np.unique(y, return_inverse=True)
    if classes.size < 2:
        raise ValueError(
            f"The number of classes has to be greater than one; got 1 class ({classes[0]!r})"
        )
    return classes, codes


class LinearClassifierMixin:
    """decision_function() and predict() of a linear classifier with ``coef_`` (K or 1, d).

    s(x) = W x + b, one score per class (one column, positive ⇒ ``classes_[1]``, when binary);
    the prediction is argmaxₖ sₖ(x), or [s(x) > 0] for two classes.
    See docs/notes/linear-models.md.
    """

    classes_: NDArray[Any]
    coef_: NDArray[Any]
    intercept_: NDArray[Any]

    def decision_function(self, X: ArrayLike) -> NDArray[Any]:
        """Scores ``X Wᵀ + b``: shape (n,) for two classes (positive ⇒ ``classes_[1]``), else (n, K).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_classes)
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        scores = X @ self.coef_.T + self.intercept_
        return scores.ravel() if scores.shape[1] == 1 else scores

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """The class with the largest score (positive score ⇒ ``classes_[1]`` for two).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        scores = self.decision_function(X)
        idx = (scores > 0).astype(np.intp) if scores.ndim == 1 else scores.argmax(axis=1)
        return self.classes_[idx]


class LinearRegressorMixin:
    """predict() of a linear regressor: ŷ = X wᵀ + b, shape (n,) or (n, n_targets).

    See docs/notes/linear-models.md.
    """

    coef_: NDArray[Any]
    intercept_: Any

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """Predictions ``X wᵀ + b``: shape (n,) or (n, n_targets).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_targets)
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return X @ self.coef_.T + self.intercept_
