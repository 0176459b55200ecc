"""Linear discriminant analysis: Gaussian classes with one shared covariance.

See docs/notes/generative-classifiers.md#lda.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from groundup.ml.discriminant_analysis._covariance import covariance, generalized_eigh


def _class_means(X: NDArray[Any], codes: NDArray[np.intp], n_classes: int) -> NDArray[Any]:
    """Per-class means by a segmented sum over the class-sorted rows (no thin GEMM)."""
    order = np.argsort(codes, kind="stable")
    counts = np.bincount(codes, minlength=n_classes)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return np.add.reduceat(X[order], starts, axis=0) / counts[:, None]


def _softmax(z: NDArray[Any]) -> NDArray[Any]:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class LinearDiscriminantAnalysis(
    ClassNamePrefixFeaturesOutMixin, ClassifierMixin, TransformerMixin, BaseEstimator
):
    """Gaussian class-conditionals N(μ_k, Σ) with a shared covariance; Bayes rule is linear.

    δ_k(x) = xᵀΣ⁻¹μ_k − ½ μ_kᵀΣ⁻¹μ_k + log π_k, predicted class argmax_k δ_k(x).
    Σ is the prior-weighted within-class covariance. Solvers: "svd" (never forms Σ: whitens the
    centred data by SVD, then the class means, also giving the Fisher projection used by
    ``transform``), "lsqr" (solves Σ W = Mᵀ), "eigen" (generalised eigenproblem
    S_b v = λ S_w v, also for ``transform``). "lsqr"/"eigen" accept ``shrinkage``.
    See docs/notes/generative-classifiers.md#lda.

    Parameters
    ----------
    solver : "svd", "lsqr" or "eigen"
    shrinkage : None, "auto" or float in [0, 1]
    priors : array-like of shape (n_classes,) or None
    n_components : int or None, at most min(n_classes − 1, n_features)
    store_covariance : bool
    tol : float
        Singular values below tol are treated as zero (svd solver).

    Attributes
    ----------
    coef_, intercept_, means_, priors_, scalings_, xbar_, explained_variance_ratio_, classes_
    """

    def __init__(
        self,
        solver: str = "svd",
        shrinkage: str | float | None = None,
        priors: ArrayLike | None = None,
        n_components: int | None = None,
        store_covariance: bool = False,
        tol: float = 1e-4,
    ):
        self.solver = solver
        self.shrinkage = shrinkage
        self.priors = priors
        self.n_components = n_components
        self.store_covariance = store_covariance
        self.tol = tol

    def fit(self, X: ArrayLike, y: ArrayLike) -> LinearDiscriminantAnalysis:
        """Estimate means, priors and the shared covariance; build the linear rule."""
        if self.solver not in ("svd", "lsqr", "eigen"):
            raise ValueError(f"solver must be 'svd', 'lsqr' or 'eigen', got {self.solver!r}")
        Xv, yv = validate_data(self, X, y, ensure_min_samples=2, dtype=np.float64)
        check_classification_targets(yv)
        self.classes_, codes = np.unique(yv, return_inverse=True)
        n, p = Xv.shape
        k = len(self.classes_)
        if n == k:
            raise ValueError("The number of samples must be more than the number of classes.")
        if self.priors is None:
            self.priors_ = np.bincount(codes, minlength=k) / n
        else:
            self.priors_ = np.asarray(self.priors, dtype=np.float64)
        if (self.priors_ < 0).any():
            raise ValueError(f"priors must be non-negative, got {self.priors_!r}")
        if abs(self.priors_.sum() - 1.0) > 1e-5:
            warnings.warn("The priors do not sum to 1. Renormalizing", UserWarning, stacklevel=2)
            self.priors_ = self.priors_ / self.priors_.sum()
        max_components = min(k - 1, p)
        if self.n_components is not None and self.n_components > max_components:
            raise ValueError(
                f"n_components cannot be larger than min(n_features, n_classes - 1) = "
                f"{max_components}, got {self.n_components}"
            )
        self._max_components = max_components if self.n_components is None else self.n_components
        self.means_ = _class_means(Xv, codes, k)
        if self.solver == "svd":
            if self.shrinkage is not None:
                raise NotImplementedError("shrinkage not supported with 'svd' solver.")
            self._solve_svd(Xv, codes)
        else:
            self.covariance_ = self._within_cov(Xv, codes)
            if self.solver == "lsqr":
                self.coef_ = np.linalg.lstsq(self.covariance_, self.means_.T, rcond=None)[0].T
                self.intercept_ = -0.5 * np.einsum("kp,kp->k", self.means_, self.coef_) + np.log(
                    self.priors_
                )
            else:
                self._solve_eigen(Xv)
        if k == 2:  # binary: one score, the log-odds of class 1 against class 0
            self.coef_ = (self.coef_[1] - self.coef_[0])[None, :]
            self.intercept_ = np.atleast_1d(self.intercept_[1] - self.intercept_[0])
        self._n_features_out = self._max_components
        return self

    def _within_cov(self, X: NDArray[Any], codes: NDArray[np.intp]) -> NDArray[Any]:
        """Σ_w = Σ_k π_k Σ_k (each class covariance possibly shrunk)."""
        return sum(  # type: ignore[return-value]
            self.priors_[j] * covariance(X[codes == j], self.shrinkage)
            for j in range(len(self.classes_))
        )

    def _solve_eigen(self, X: NDArray[Any]) -> None:
        Sw = self.covariance_
        Sb = covariance(X, self.shrinkage) - Sw  # total = within + between
        evals, evecs = generalized_eigh(Sb, Sw)
        order = np.argsort(evals)[::-1]
        total = evals.sum()
        # a single class has no between-class scatter: every ratio is 0, not 0/0
        ratio = evals[order] / total if total != 0 else np.zeros_like(evals)
        self.explained_variance_ratio_ = ratio[: self._max_components]
        self.scalings_ = evecs[:, order]
        self.coef_ = (self.means_ @ self.scalings_) @ self.scalings_.T
        self.intercept_ = -0.5 * np.einsum("kp,kp->k", self.means_, self.coef_) + np.log(
            self.priors_
        )

    def _solve_svd(self, X: NDArray[Any], codes: NDArray[np.intp]) -> None:
        n, _ = X.shape
        k = len(self.classes_)
        if self.store_covariance:
            self.covariance_ = self._within_cov(X, codes)
        self.xbar_ = self.priors_ @ self.means_
        Xc = X - self.means_[codes]
        std = Xc.std(axis=0)
        std[std == 0] = 1.0
        # whitening: the SVD of the scaled within-class residuals gives Σ_w^{-1/2} directly
        _, S, Vt = np.linalg.svd(np.sqrt(1.0 / n) * (Xc / std), full_matrices=False)
        rank = int(np.sum(S > self.tol))
        scalings = (Vt[:rank] / std).T / S[:rank]
        # between-class scatter in the whitened space; its right singular vectors are the
        # Fisher directions
        fac = 1.0 if k == 1 else 1.0 / (k - 1)
        M = (np.sqrt(n * self.priors_ * fac) * (self.means_ - self.xbar_).T).T @ scalings
        _, S2, Vt2 = np.linalg.svd(M, full_matrices=False)
        self.explained_variance_ratio_ = (
            (S2**2 / np.sum(S2**2))[: self._max_components] if self._max_components else np.empty(0)
        )
        rank2 = int(np.sum(S2 > self.tol * S2[0]))
        self.scalings_ = scalings @ Vt2.T[:, :rank2]
        coef = (self.means_ - self.xbar_) @ self.scalings_
        self.intercept_ = -0.5 * np.sum(coef**2, axis=1) + np.log(self.priors_)
        self.coef_ = coef @ self.scalings_.T
        self.intercept_ -= self.coef_ @ self.xbar_

    def transform(self, X: ArrayLike) -> NDArray[Any]:
        """Project onto the Fisher discriminant directions (svd and eigen solvers)."""
        if self.solver == "lsqr":
            raise NotImplementedError(
                "transform not implemented for 'lsqr' solver (use 'svd' or 'eigen')."
            )
        check_is_fitted(self)
        Xv = validate_data(self, X, reset=False, dtype=np.float64)
        if self.solver == "svd":
            Z = (Xv - self.xbar_) @ self.scalings_
        else:
            Z = Xv @ self.scalings_
        return Z[:, : self._max_components]

    def decision_function(self, X: ArrayLike) -> NDArray[Any]:
        """δ(x) = coef_ x + intercept_ (one column, the log-odds, when binary)."""
        check_is_fitted(self)
        Xv = validate_data(self, X, reset=False, dtype=np.float64)
        scores = Xv @ self.coef_.T + self.intercept_
        return scores[:, 0] if len(self.classes_) == 2 else scores

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """The class with the largest discriminant."""
        scores = self.decision_function(X)
        idx = (scores > 0).astype(np.intp) if scores.ndim == 1 else scores.argmax(axis=1)
        return self.classes_[idx]

    def predict_proba(self, X: ArrayLike) -> NDArray[Any]:
        """Posterior p(k | x): softmax of the discriminants (logistic when binary)."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            p1 = 1.0 / (1.0 + np.exp(-scores))
            return np.column_stack([1.0 - p1, p1])
        return _softmax(scores)

    def predict_log_proba(self, X: ArrayLike) -> NDArray[Any]:
        """log p(k | x), with underflowed probabilities mapped to the smallest float."""
        p = self.predict_proba(X)
        p[p == 0.0] += np.finfo(p.dtype).tiny
        return np.log(p)
