"""Private decompositions built on groundup.linalg: sign convention, randomized SVD/eigsh.

See docs/notes/dimensionality-reduction.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from groundup.linalg import eigh, qr, svd


def svd_flip_v(
    U: NDArray[np.float64] | None, Vt: NDArray[np.float64]
) -> tuple[NDArray[np.float64] | None, NDArray[np.float64]]:
    """Make the largest-magnitude entry of each row of Vt positive (scikit-learn's convention)."""
    rows = np.arange(Vt.shape[0])
    signs = np.sign(Vt[rows, np.argmax(np.abs(Vt), axis=1)])
    signs[signs == 0] = 1.0
    return (None if U is None else U * signs[None, :]), Vt * signs[:, None]


def flip_columns(V: NDArray[np.float64]) -> NDArray[np.float64]:
    """Make the largest-magnitude entry of each column of V positive (u-based convention)."""
    cols = np.arange(V.shape[1])
    signs = np.sign(V[np.argmax(np.abs(V), axis=0), cols])
    signs[signs == 0] = 1.0
    return V * signs[None, :]


def thin_svd(
    A: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Economy SVD A = U diag(S) Vt by groundup's one-sided Jacobi."""
    U, S, Vt = svd(A, full_matrices=False)  # type: ignore[misc]
    return U, S, Vt


def _orth(Y: NDArray[np.float64]) -> NDArray[np.float64]:
    """Orthonormal basis of range(Y) by groundup's Householder QR."""
    Q, _ = qr(Y, mode="reduced")  # type: ignore[misc]
    return Q


def randomized_svd(
    A: NDArray[np.float64],
    n_components: int,
    *,
    n_oversamples: int = 10,
    n_iter: int = 5,
    random_state: np.random.RandomState,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Top singular triplets by a randomized range finder (Halko, Martinsson & Tropp, 2011).

    Y = A Ω with Gaussian Ω (n_features × (k + p)); ``n_iter`` power iterations
    Q ← orth(A orth(Aᵀ Q)) sharpen the spectrum; then B = Qᵀ A is small and its exact SVD
    B = Ũ S Vt gives A ≈ (Q Ũ) S Vt.
    """
    m, n = A.shape
    size = min(n_components + n_oversamples, m, n)
    Q = _orth(A @ random_state.normal(size=(n, size)))
    for _ in range(n_iter):
        Q = _orth(A @ _orth(A.T @ Q))
    Ub, S, Vt = thin_svd(Q.T @ A)
    return (Q @ Ub)[:, :n_components], S[:n_components], Vt[:n_components]


def randomized_eigsh(
    K: NDArray[np.float64],
    n_components: int,
    *,
    n_oversamples: int = 10,
    max_iter: int = 200,
    tol: float = 1e-13,
    random_state: Any,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Largest eigenpairs of a symmetric PSD matrix by subspace iteration + Rayleigh–Ritz.

    Q ← orth(K Q) repeatedly; the Ritz values (eigenvalues of QᵀKQ) converge to the top
    eigenvalues at rate (λ_{m+1}/λ_i)^t. Iterates until they change by less than ``tol``
    (relative to the largest) for the ``n_components`` wanted ones. Returns (eigenvalues,
    eigenvectors), descending.
    """
    n = K.shape[0]
    size = min(n_components + n_oversamples, n)
    Q = _orth(K @ random_state.normal(size=(n, size)))
    prev = np.full(size, np.inf)
    w = prev
    V = Q
    for _ in range(max_iter):
        KQ = K @ Q
        w, V = eigh(Q.T @ KQ)
        top = w[-n_components:]  # only the wanted values; the oversampled ones converge slowly
        if np.all(np.abs(top - prev[-n_components:]) <= tol * max(abs(w[-1]), 1e-300)):
            break
        prev = w
        Q = _orth(KQ)
    order = np.argsort(w)[::-1][:n_components]
    return w[order], (Q @ V)[:, order]
