"""Quadratic discriminant analysis: one Gaussian, with its own covariance, per class.

See docs/notes/generative-classifiers.md#qda.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from groundup.ml.discriminant_analysis._covariance import covariance


class QuadraticDiscriminantAnalysis(ClassifierMixin, BaseEstimator):
    """Gaussian class-conditionals N(μ_k, Σ_k); the Bayes boundary is quadratic.

    δ_k(x) = −½ log|Σ_k| − ½ (x − μ_k)ᵀ Σ_k⁻¹ (x − μ_k) + log π_k.
    Each Σ_k = R_k diag(s_k) R_kᵀ is kept as its eigen-decomposition (from the SVD of the
    centred class data for solver "svd", where ``reg_param`` r blends s ← (1 − r)s + r; from
    ``eigh`` of a possibly shrunk covariance for "eigen"), so
    (x − μ)ᵀΣ⁻¹(x − μ) = ‖(x − μ) R s^{−½}‖². See docs/notes/generative-classifiers.md#qda.

    Parameters
    ----------
    solver : "svd" or "eigen"
    shrinkage : None, "auto" or float (eigen solver only)
    priors : array-like or None
    reg_param : float in [0, 1] (svd solver)
    store_covariance : bool
    tol : float
        Eigenvalues below tol mean a rank-deficient class covariance (an error).

    Attributes
    ----------
    means_, priors_, scalings_, rotations_, classes_, covariance_ (if stored)
    """

    def __init__(
        self,
        *,
        solver: str = "svd",
        shrinkage: str | float | None = None,
        priors: ArrayLike | None = None,
        reg_param: float = 0.0,
        store_covariance: bool = False,
        tol: float = 1e-4,
    ):
        self.solver = solver
        self.shrinkage = shrinkage
        self.priors = priors
        self.reg_param = reg_param
        self.store_covariance = store_covariance
        self.tol = tol

    def _class_model(self, Xk: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
        """Eigenvalues s, eigenvectors R and covariance of one class."""
        if self.solver == "svd":
            n = Xk.shape[0]
            _, S, Vt = np.linalg.svd(Xk - Xk.mean(axis=0), full_matrices=False)
            s = (1.0 - self.reg_param) * (S**2 / n) + self.reg_param
            return s, Vt.T, (Vt.T * s) @ Vt
        cov = covariance(Xk, self.shrinkage)
        s, R = np.linalg.eigh(cov)
        order = np.argsort(s)[::-1]
        return s[order], R[:, order], cov

    def fit(self, X: ArrayLike, y: ArrayLike) -> QuadraticDiscriminantAnalysis:
        """Estimate a mean, covariance (as eigen-decomposition) and prior per class."""
        if self.solver not in ("svd", "eigen"):
            raise ValueError(f"solver must be 'svd' or 'eigen', got {self.solver!r}")
        if not 0 <= self.reg_param <= 1:
            raise ValueError(f"reg_param must be in [0, 1], got {self.reg_param!r}")
        if self.solver == "svd" and self.shrinkage is not None:
            raise NotImplementedError("shrinkage not supported with 'svd' solver.")
        Xv, yv = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(yv)
        self.classes_, codes = np.unique(yv, return_inverse=True)
        n, p = Xv.shape
        k = len(self.classes_)
        if k < 2:
            raise ValueError(f"The number of classes has to be greater than one. Got {k} class.")
        counts = np.bincount(codes, minlength=k)
        self.priors_ = (
            counts / n if self.priors is None else np.asarray(self.priors, dtype=np.float64)
        )
        means, scalings, rotations, covs = [], [], [], []
        for j, label in enumerate(self.classes_):  # one decomposition per class
            Xk = Xv[codes == j]
            if len(Xk) == 1:
                raise ValueError(
                    f"y has only 1 sample in class {label}, covariance is ill defined."
                )
            s, R, cov = self._class_model(Xk)
            if np.sum(s > self.tol) < p:
                param = "shrinkage" if self.solver == "eigen" else "reg_param"
                raise np.linalg.LinAlgError(
                    f"The covariance matrix of class {label} is not full rank "
                    f"({len(Xk)} samples, {p} features). Increase the value of `{param}` to "
                    f"reduce the collinearity."
                )
            means.append(Xk.mean(axis=0))
            scalings.append(s)
            rotations.append(R)
            covs.append(cov)
        self.means_ = np.asarray(means)
        self.scalings_ = scalings
        self.rotations_ = rotations
        if self.store_covariance:
            self.covariance_ = covs
        return self

    def _scores(self, X: ArrayLike) -> NDArray[Any]:
        check_is_fitted(self)
        Xv = validate_data(self, X, reset=False, dtype=np.float64)
        norm2 = np.column_stack(
            [
                (((Xv - mu) @ (R * s**-0.5)) ** 2).sum(axis=1)
                for mu, R, s in zip(self.means_, self.rotations_, self.scalings_)
            ]
        )
        logdet = np.array([np.log(s).sum() for s in self.scalings_])
        return -0.5 * (norm2 + logdet) + np.log(self.priors_)

    def decision_function(self, X: ArrayLike) -> NDArray[Any]:
        """δ_k(x) per class (the log-odds of class 1 when binary)."""
        s = self._scores(X)
        return s[:, 1] - s[:, 0] if s.shape[1] == 2 else s

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """The class with the largest discriminant."""
        scores = self._scores(X)
        return self.classes_[scores.argmax(axis=1)]

    def predict_log_proba(self, X: ArrayLike) -> NDArray[Any]:
        """log p(k | x) by log-sum-exp normalisation of the discriminants."""
        s = self._scores(X)
        s = s - s.max(axis=1, keepdims=True)
        return s - np.log(np.exp(s).sum(axis=1, keepdims=True))

    def predict_proba(self, X: ArrayLike) -> NDArray[Any]:
        """p(k | x)."""
        return np.exp(self.predict_log_proba(X))
