"""Kernel functions for the SVMs: linear, polynomial, RBF and sigmoid.

See docs/notes/svm.md#kernels.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

KERNELS = ("linear", "poly", "rbf", "sigmoid")


def resolve_gamma(gamma: Any, X: NDArray[Any]) -> float:
    """γ for the RBF/poly/sigmoid kernels: "scale" = 1/(d·Var X), "auto" = 1/d, or a float > 0."""
    if isinstance(gamma, str):
        if gamma == "scale":
            var = X.var()
            return 1.0 / (X.shape[1] * var) if var != 0 else 1.0
        if gamma == "auto":
            return 1.0 / X.shape[1]
        raise ValueError(f"gamma must be 'scale', 'auto' or a float > 0, got {gamma!r}")
    if not isinstance(gamma, int | float | np.number) or gamma <= 0:
        raise ValueError(f"gamma must be 'scale', 'auto' or a float > 0, got {gamma!r}")
    return float(gamma)


def kernel_matrix(
    A: NDArray[Any], B: NDArray[Any], kernel: str, gamma: float, degree: int, coef0: float
) -> NDArray[Any]:
    """Gram matrix K_ij = k(a_i, b_j).

    linear: a·b;  poly: (γ a·b + c₀)^degree;  rbf: exp(−γ‖a − b‖²) with
    ‖a − b‖² = ‖a‖² + ‖b‖² − 2a·b;  sigmoid: tanh(γ a·b + c₀). See docs/notes/svm.md#kernels.

    Parameters
    ----------
    A : ndarray of shape (n, d)
    B : ndarray of shape (m, d)
    kernel : "linear", "poly", "rbf" or "sigmoid"
    gamma, degree, coef0 : kernel parameters

    Returns
    -------
    ndarray of shape (n, m)
    """
    G = A @ B.T
    if kernel == "linear":
        return G
    if kernel == "poly":
        return (gamma * G + coef0) ** degree
    if kernel == "sigmoid":
        return np.tanh(gamma * G + coef0)
    # in place on the Gram matrix: ‖a‖² + ‖b‖² − 2a·b, clipped at 0, times −γ, exponentiated
    G *= -2.0
    G += np.einsum("ij,ij->i", A, A)[:, None]
    G += np.einsum("ij,ij->i", B, B)[None, :]
    np.maximum(G, 0.0, out=G)
    G *= -gamma
    return np.exp(G, out=G)


class KernelRows:
    """Rows of K(X, X) computed on demand and kept in a least-recently-used cache.

    For data too large for the whole Gram matrix (n² floats), SMO only ever needs two rows
    per iteration; libsvm's kernel cache works the same way. ``K[i]`` returns row i and
    ``K.diagonal()`` the diagonal k(xᵢ, xᵢ) without forming anything else.
    See docs/notes/svm.md#kernels.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    kernel, gamma, degree, coef0 : kernel parameters
    cache_bytes : int
        Memory for cached rows.
    """

    def __init__(
        self,
        X: NDArray[Any],
        kernel: str,
        gamma: float,
        degree: int,
        coef0: float,
        cache_bytes: int = 2**28,
    ):
        from collections import OrderedDict

        self.X = X
        self.params = (kernel, gamma, degree, coef0)
        self.capacity = max(2, cache_bytes // (8 * max(1, X.shape[0])))
        self._cache: OrderedDict[int, NDArray[Any]] = OrderedDict()
        self.shape = (X.shape[0], X.shape[0])

    def __getitem__(self, i: int) -> NDArray[Any]:
        row = self._cache.get(i)
        if row is None:
            row = kernel_matrix(self.X[i : i + 1], self.X, *self.params)[0]
            self._cache[i] = row
            if len(self._cache) > self.capacity:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(i)
        return row

    def diagonal(self) -> NDArray[Any]:
        """k(xᵢ, xᵢ) for every i."""
        kernel, gamma, degree, coef0 = self.params
        sq = np.einsum("ij,ij->i", self.X, self.X)
        if kernel == "rbf":
            return np.ones(self.X.shape[0])
        if kernel == "linear":
            return sq
        if kernel == "poly":
            return (gamma * sq + coef0) ** degree
        return np.tanh(gamma * sq + coef0)
