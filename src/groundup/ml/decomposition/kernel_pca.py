"""Kernel principal component analysis. See docs/notes/dimensionality-reduction.md."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, check_random_state, validate_data

from groundup.linalg import cho_solve, cholesky, eigh
from groundup.ml.decomposition._linalg import flip_columns, randomized_eigsh

_KERNELS = ("linear", "poly", "rbf", "sigmoid", "cosine", "precomputed")


def pairwise_kernel(
    X: NDArray[np.float64],
    Y: NDArray[np.float64],
    kernel: str,
    gamma: float,
    degree: float,
    coef0: float,
) -> NDArray[np.float64]:
    """k(x, y) for all pairs: linear xᵀy, poly (γxᵀy + c)^d, rbf exp(−γ‖x − y‖²),
    sigmoid tanh(γxᵀy + c), cosine xᵀy/(‖x‖‖y‖).

    See docs/notes/dimensionality-reduction.md.

    Parameters
    ----------
    X, Y : ndarray of shape (n, d) and (m, d)
        Points (X is the kernel itself when ``kernel='precomputed'``).
    kernel : str
        Kernel name.
    gamma, degree, coef0 : float
        Kernel parameters.

    Returns
    -------
    ndarray of shape (n, m)
    """
    if kernel == "precomputed":
        return X.copy()
    if kernel == "rbf":
        d = (X * X).sum(1)[:, None] - 2 * X @ Y.T + (Y * Y).sum(1)[None, :]
        return np.exp(-gamma * np.maximum(d, 0.0))
    if kernel == "cosine":
        nx, ny = np.linalg.norm(X, axis=1), np.linalg.norm(Y, axis=1)
        return (X / np.where(nx > 0, nx, 1)[:, None]) @ (Y / np.where(ny > 0, ny, 1)[:, None]).T
    G = X @ Y.T
    if kernel == "linear":
        return G
    if kernel == "poly":
        return (gamma * G + coef0) ** degree
    return np.tanh(gamma * G + coef0)


class KernelPCA(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """PCA in the feature space of a kernel: eigenvectors of the doubly-centred Gram matrix.

    K̃ = K − 1ₙK − K1ₙ + 1ₙK1ₙ (centring in feature space, 1ₙ = 1/n everywhere);
    K̃ = A Λ Aᵀ by groundup's eigh (or subspace iteration for a few components of a large
    K); training projections are A √Λ and a new point's are k̃(x)ᵀ A Λ^{-1/2}. With
    ``fit_inverse_transform`` a kernel ridge regression from projections back to inputs
    gives the pre-images. See docs/notes/dimensionality-reduction.md.

    Parameters
    ----------
    n_components : int or None
        Components kept (None: all non-zero).
    kernel : {'linear', 'poly', 'rbf', 'sigmoid', 'cosine', 'precomputed'}
        Kernel.
    gamma : float or None
        Kernel coefficient (None: 1/n_features).
    degree : float
        Polynomial degree.
    coef0 : float
        Independent term of poly/sigmoid.
    alpha : float
        Ridge penalty of the inverse map.
    fit_inverse_transform : bool
        Learn the inverse map.
    eigen_solver : {'auto', 'dense', 'randomized'}
        'auto': dense unless n > 300 and n_components < 10.
    remove_zero_eig : bool
        Drop zero-eigenvalue components.
    random_state : int, RandomState or None
        Seed for 'randomized'.

    Attributes
    ----------
    eigenvalues_, eigenvectors_, X_fit_, dual_coef_, X_transformed_fit_, gamma_,
    n_features_in_
    """

    def __init__(
        self,
        n_components: int | None = None,
        *,
        kernel: str = "linear",
        gamma: float | None = None,
        degree: float = 3,
        coef0: float = 1,
        alpha: float = 1.0,
        fit_inverse_transform: bool = False,
        eigen_solver: str = "auto",
        remove_zero_eig: bool = False,
        random_state: Any = None,
    ):
        self.n_components = n_components
        self.kernel = kernel
        self.gamma = gamma
        self.degree = degree
        self.coef0 = coef0
        self.alpha = alpha
        self.fit_inverse_transform = fit_inverse_transform
        self.eigen_solver = eigen_solver
        self.remove_zero_eig = remove_zero_eig
        self.random_state = random_state

    def _kernel(self, X: NDArray[np.float64], Y: NDArray[np.float64]) -> NDArray[np.float64]:
        return pairwise_kernel(X, Y, self.kernel, self.gamma_, self.degree, self.coef0)

    def fit(self, X: Any, y: Any = None) -> KernelPCA:
        """Eigendecompose the centred kernel matrix of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or (n, n) kernel if precomputed
            Data.
        y : ignored

        Returns
        -------
        self
        """
        if self.kernel not in _KERNELS:
            raise ValueError(f"kernel must be one of {_KERNELS}, got {self.kernel!r}")
        if self.eigen_solver not in ("auto", "dense", "randomized"):
            raise ValueError(
                f"eigen_solver must be 'auto', 'dense' or 'randomized', got {self.eigen_solver!r}"
            )
        if self.fit_inverse_transform and self.kernel == "precomputed":
            raise ValueError("Cannot fit_inverse_transform with a precomputed kernel.")
        if self.n_components is not None and (
            not isinstance(self.n_components, numbers.Integral) or self.n_components < 1
        ):
            raise ValueError(
                f"n_components must be None or an integer >= 1, got {self.n_components!r}"
            )
        X = validate_data(self, X, dtype=[np.float64, np.float32]).astype(np.float64)
        if self.kernel == "precomputed" and X.shape[0] != X.shape[1]:
            raise ValueError(f"Precomputed kernel must be square, got shape {X.shape}")
        self.gamma_ = 1.0 / X.shape[1] if self.gamma is None else float(self.gamma)
        K = self._kernel(X, X)
        n = K.shape[0]
        self._col_mean = K.mean(axis=0)
        self._all_mean = float(self._col_mean.mean())
        Kc = K - self._col_mean[None, :] - self._col_mean[:, None] + self._all_mean
        k = n if self.n_components is None else min(n, int(self.n_components))
        solver = self.eigen_solver
        if solver == "auto":
            solver = "randomized" if n > 300 and k < 10 else "dense"
        if solver == "dense":
            w, V = eigh(Kc)
            w, V = w[::-1][:k], V[:, ::-1][:, :k]
        else:
            w, V = randomized_eigsh(Kc, k, random_state=check_random_state(self.random_state))
        top = w.max()
        if top < 0:
            raise ValueError(
                f"All eigenvalues are negative (maximum is {top}). Either the matrix is not PSD, or there was an issue while computing the eigendecomposition of the matrix."
            )
        w = np.where(w < 0, 0.0, w)
        w = np.where(w < 1e-12 * top, 0.0, w)  # numerically zero, as scikit-learn treats them
        V = flip_columns(V)
        order = np.argsort(w, kind="stable")[::-1]
        w, V = w[order], V[:, order]
        if self.remove_zero_eig or self.n_components is None:
            V, w = V[:, w > 0], w[w > 0]
        self.eigenvalues_, self.eigenvectors_ = w, V
        self.X_fit_ = X
        self._n_features_out = w.size
        if self.fit_inverse_transform:
            Z = V * np.sqrt(w)
            Kz = pairwise_kernel(Z, Z, self.kernel, self.gamma_, self.degree, self.coef0)
            Kz[np.diag_indices_from(Kz)] += self.alpha
            self.dual_coef_ = cho_solve(cholesky(Kz), X)
            self.X_transformed_fit_ = Z
        return self

    def fit_transform(self, X: Any, y: Any = None) -> NDArray[np.float64]:
        """Fit and return the training projections A √Λ."""
        self.fit(X)
        return self.eigenvectors_ * np.sqrt(self.eigenvalues_)

    def transform(self, X: Any) -> NDArray[np.float64]:
        """Project X: centred kernel against the training data times A Λ^{-1/2}."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32]).astype(np.float64)
        K = self._kernel(X, self.X_fit_)
        Kc = K - self._col_mean[None, :] - K.mean(axis=1, keepdims=True) + self._all_mean
        nz = self.eigenvalues_ > 0
        scaled = np.zeros_like(self.eigenvectors_)
        scaled[:, nz] = self.eigenvectors_[:, nz] / np.sqrt(self.eigenvalues_[nz])
        return Kc @ scaled

    def inverse_transform(self, X: Any) -> NDArray[np.float64]:
        """Approximate pre-images by the learned kernel ridge map (needs fit_inverse_transform)."""
        check_is_fitted(self)
        if not self.fit_inverse_transform:
            raise ValueError(
                "The fit_inverse_transform parameter was not set to True when instantiating and "
                "hence the inverse transform is not available."
            )
        Z = np.asarray(X, dtype=np.float64)
        K = pairwise_kernel(
            Z, self.X_transformed_fit_, self.kernel, self.gamma_, self.degree, self.coef0
        )
        return K @ self.dual_coef_
