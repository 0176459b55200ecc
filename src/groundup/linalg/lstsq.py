"""Least squares, pseudo-inverse and numerical rank, all from the SVD.

See docs/notes/linear-algebra.md#least-squares-and-the-pseudo-inverse.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup._checks import as_array, as_matrix, check_positive
from groundup.linalg.svd import svd

__all__ = ["lstsq", "pinv", "matrix_rank"]

_EPS = float(np.finfo(np.float64).eps)


def _cutoff(rcond: float | None, shape: tuple[int, ...], name: str) -> float:
    """Relative cut-off: ``rcond`` if given (≥ 0), else ε·max(m, n) as NumPy's lstsq."""
    if rcond is None:
        return _EPS * max(shape)
    return check_positive(rcond, name, strict=False)


def _thin_svd(M: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
    U, S, Vt = svd(M, full_matrices=False)  # type: ignore[misc]
    return U, S, Vt


def lstsq(
    A: ArrayLike, b: ArrayLike, rcond: float | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64], int, NDArray[np.float64]]:
    """Minimum-norm least-squares solution of A x ≈ b (NumPy's ``lstsq`` semantics).

    With the thin SVD A = U Σ Vᵀ, x = V Σ⁺ Uᵀ b where Σ⁺ inverts the singular values
    σ_i > rcond·σ_max and zeroes the rest; x minimises ‖A x − b‖₂ and, among minimisers,
    ‖x‖₂ (the components along null-space directions V_i are zero).
    See docs/notes/linear-algebra.md#least-squares-and-the-pseudo-inverse.

    Parameters
    ----------
    A : array_like, shape (m, n)
        Coefficient matrix.
    b : array_like, shape (m,) or (m, k)
        Right-hand side(s).
    rcond : float, optional
        Relative cut-off for small singular values; default ε·max(m, n).

    Returns
    -------
    x : ndarray, shape (n,) or (n, k)
        The solution.
    residuals : ndarray, shape (1,) or (k,), or (0,)
        Squared residual norms ‖A x − b‖², empty unless rank == n < m.
    rank : int
        Effective rank (number of singular values above the cut-off).
    s : ndarray, shape (min(m, n),)
        Singular values of A, descending.
    """
    M = as_matrix(A, "A")
    B = as_array(b, "b", ndim=(1, 2))
    if B.shape[0] != M.shape[0]:
        raise ValueError(f"lstsq: b has {B.shape[0]} rows but A has {M.shape[0]} (shape {M.shape})")
    cut = _cutoff(rcond, M.shape, "rcond")
    U, S, Vt = _thin_svd(M)
    large = S > cut * S[0]
    rank = int(large.sum())
    inv_s = np.divide(1.0, S, out=np.zeros_like(S), where=large)
    B2 = B.reshape(B.shape[0], -1)
    X = Vt.T @ (inv_s[:, None] * (U.T @ B2))
    m, n = M.shape
    if rank == n and m > n:
        residuals = np.sum((M @ X - B2) ** 2, axis=0)
    else:
        residuals = np.empty(0)
    return X.reshape((n,) + B.shape[1:]), residuals, rank, S


def pinv(A: ArrayLike, rcond: float | None = None) -> NDArray[np.float64]:
    """Moore–Penrose pseudo-inverse A⁺ = V Σ⁺ Uᵀ from the thin SVD.

    A⁺ is the unique matrix with A A⁺ A = A, A⁺ A A⁺ = A⁺ and A A⁺, A⁺ A symmetric; x = A⁺b
    is the minimum-norm least-squares solution. Singular values σ_i ≤ rcond·σ_max count as 0.
    See docs/notes/linear-algebra.md#least-squares-and-the-pseudo-inverse.

    Parameters
    ----------
    A : array_like, shape (m, n)
        Matrix to pseudo-invert.
    rcond : float, optional
        Relative cut-off. Default ε·max(m, n) (NumPy's ``pinv(rtol=None)``; NumPy's own
        default is a fixed 1e-15, which keeps round-off singular values of rank-deficient
        input and so returns huge entries).

    Returns
    -------
    ndarray, shape (n, m)
        A⁺.
    """
    M = as_matrix(A, "A")
    cut = _cutoff(rcond, M.shape, "rcond")
    U, S, Vt = _thin_svd(M)
    large = S > cut * S[0]
    inv_s = np.divide(1.0, S, out=np.zeros_like(S), where=large)
    return (Vt.T * inv_s) @ U.T


def matrix_rank(A: ArrayLike, tol: float | None = None) -> int:
    """Numerical rank: the number of singular values above a threshold.

    rank = #{i : σ_i > tol}, with default tol = σ_max·max(m, n)·ε (NumPy's default, the
    size of round-off in computing σ). See docs/notes/linear-algebra.md#numerical-rank.

    Parameters
    ----------
    A : array_like, shape (m, n)
        Matrix.
    tol : float, optional
        Absolute threshold; default σ_max·max(m, n)·ε.

    Returns
    -------
    int
        The rank.
    """
    M = as_matrix(A, "A")
    S = svd(M, compute_uv=False)
    assert isinstance(S, np.ndarray)
    threshold = (
        S[0] * max(M.shape) * _EPS if tol is None else check_positive(tol, "tol", strict=False)
    )
    return int(np.count_nonzero(S > threshold))
