"""Truncated SVD (latent semantic analysis): rank-k SVD without centring.

See docs/notes/dimensionality-reduction.md.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, check_random_state, validate_data

from groundup.ml.decomposition._linalg import randomized_svd, svd_flip_v, thin_svd


class TruncatedSVD(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Best rank-k approximation X ≈ Uₖ Sₖ Vₖᵀ of uncentred data (Eckart–Young).

    'randomized' (default) finds the top singular triplets with a randomized range finder
    and power iterations, then an exact SVD (groundup's) of the small projected matrix;
    'exact' computes the full SVD with groundup's SVD and truncates it. The transform is
    X Vₖ. Signs follow scikit-learn (largest entry of each component positive).
    See docs/notes/dimensionality-reduction.md.

    Parameters
    ----------
    n_components : int
        Rank k (< n_features).
    algorithm : {'randomized', 'exact'}
        How the SVD is computed.
    n_iter : int
        Power iterations (randomized).
    n_oversamples : int
        Extra random vectors (randomized).
    random_state : int, RandomState or None
        Seed.

    Attributes
    ----------
    components_, explained_variance_, explained_variance_ratio_, singular_values_,
    n_features_in_
    """

    components_: NDArray[np.float64]

    def __init__(
        self,
        n_components: int = 2,
        *,
        algorithm: str = "randomized",
        n_iter: int = 5,
        n_oversamples: int = 10,
        random_state: Any = None,
    ):
        self.n_components = n_components
        self.algorithm = algorithm
        self.n_iter = n_iter
        self.n_oversamples = n_oversamples
        self.random_state = random_state

    def fit(self, X: Any, y: Any = None) -> TruncatedSVD:
        """Fit the rank-k factorisation (see :meth:`fit_transform`)."""
        self.fit_transform(X)
        return self

    def fit_transform(self, X: Any, y: Any = None) -> NDArray[np.float64]:
        """Fit and return X Vₖ.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.
        y : ignored

        Returns
        -------
        ndarray of shape (n_samples, n_components)
        """
        X = validate_data(self, X, dtype=[np.float64, np.float32], ensure_min_features=2).astype(
            np.float64
        )
        k = self.n_components
        if not isinstance(k, numbers.Integral) or isinstance(k, bool) or not 1 <= k <= X.shape[1]:
            raise ValueError(
                f"n_components({k!r}) must be an integer in [1, n_features={X.shape[1]}]."
            )
        if self.algorithm not in ("randomized", "exact"):
            raise ValueError(f"algorithm must be 'randomized' or 'exact', got {self.algorithm!r}")
        if self.algorithm == "exact":
            U, S, Vt = thin_svd(X)
            U, S, Vt = U[:, :k], S[:k], Vt[:k]
        else:
            rs = check_random_state(self.random_state)
            U, S, Vt = randomized_svd(
                X, int(k), n_oversamples=self.n_oversamples, n_iter=self.n_iter, random_state=rs
            )
        U, Vt = svd_flip_v(U, Vt)
        self.components_ = Vt
        Z = X @ Vt.T if self.algorithm == "randomized" else U * S  # type: ignore[operator]
        self.explained_variance_ = Z.var(axis=0)
        self.explained_variance_ratio_ = self.explained_variance_ / X.var(axis=0).sum()
        self.singular_values_ = S
        self._n_features_out = int(k)
        return Z

    def transform(self, X: Any) -> NDArray[np.float64]:
        """Project X onto the components, X Vₖ."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32]).astype(np.float64)
        return X @ self.components_.T

    def inverse_transform(self, X: Any) -> NDArray[np.float64]:
        """Back to feature space, Z Vₖᵀ (the rank-k approximation of the original)."""
        check_is_fitted(self)
        Z = np.asarray(X, dtype=np.float64)
        return Z @ self.components_
