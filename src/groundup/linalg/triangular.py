"""Triangular solves by recursive blocking (forward and back substitution).

See docs/notes/linear-algebra.md#triangular-systems.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup._checks import as_array, as_square_matrix
from groundup.linalg._errors import LinAlgError

__all__ = ["solve_triangular"]

# Below this size the recursion stops and plain substitution runs row by row; above it the
# work is pushed into matrix products, where BLAS does it far faster than Python can.
_BASE = 16


def _trsm(T: NDArray[Any], B: NDArray[Any], lower: bool, unit: bool) -> NDArray[Any]:
    """Solve T X = B for 2-D B without checks; returns a new array.

    Recursion on the 2×2 block split
        [T11 0; T21 T22] [X1; X2] = [B1; B2]  ⇒  X1 = T11⁻¹B1,  X2 = T22⁻¹(B2 − T21 X1)
    (mirrored for upper), so all but O(n·_BASE²) of the flops are in ``@``.
    """
    n = T.shape[0]
    if n <= _BASE:
        X = np.array(B, dtype=np.float64, copy=True)
        rows = range(n) if lower else range(n - 1, -1, -1)
        for i in rows:
            # Each step is a row operation over all right-hand sides at once.
            if lower:
                if i:
                    X[i] -= T[i, :i] @ X[:i]
            elif i < n - 1:
                X[i] -= T[i, i + 1 :] @ X[i + 1 :]
            if not unit:
                X[i] /= T[i, i]
        return X
    h = n // 2
    X = np.empty_like(B, dtype=np.float64)
    if lower:
        X[:h] = _trsm(T[:h, :h], B[:h], lower, unit)
        X[h:] = _trsm(T[h:, h:], B[h:] - T[h:, :h] @ X[:h], lower, unit)
    else:
        X[h:] = _trsm(T[h:, h:], B[h:], lower, unit)
        X[:h] = _trsm(T[:h, :h], B[:h] - T[:h, h:] @ X[h:], lower, unit)
    return X


def _check_rhs(b: ArrayLike, n: int, func: str) -> NDArray[Any]:
    """Validate a right-hand side for an n×n system: 1-D (n,) or 2-D (n, k)."""
    B = as_array(b, "b", ndim=(1, 2))
    if B.shape[0] != n:
        raise ValueError(f"{func}: b has {B.shape[0]} rows but the matrix is {n}×{n}")
    return B


def solve_triangular(
    T: ArrayLike, b: ArrayLike, lower: bool = True, unit_diagonal: bool = False
) -> NDArray[np.float64]:
    """Solve a triangular system T x = b by forward (lower) or back (upper) substitution.

    Forward substitution: x_i = (b_i − Σ_{j<i} T_ij x_j) / T_ii, i = 1..n (back substitution
    runs i = n..1 over j > i). Only the named triangle of ``T`` is read. Implemented as a
    recursive 2×2 block solve so the bulk of the work is matrix products.
    See docs/notes/linear-algebra.md#triangular-systems.

    Parameters
    ----------
    T : array_like, shape (n, n)
        Triangular matrix; the other triangle is ignored.
    b : array_like, shape (n,) or (n, k)
        Right-hand side(s).
    lower : bool
        Use the lower (True, default) or upper triangle.
    unit_diagonal : bool
        Assume T_ii = 1 without reading the diagonal.

    Returns
    -------
    x : ndarray, shape of ``b``
        The solution.

    Raises
    ------
    LinAlgError
        If a diagonal entry is zero (the matrix is singular).
    """
    A = as_square_matrix(T, "T")
    B = _check_rhs(b, A.shape[0], "solve_triangular")
    if not unit_diagonal:
        zero = np.flatnonzero(np.diagonal(A) == 0)
        if zero.size:
            raise LinAlgError(
                f"solve_triangular: matrix is singular (zero diagonal entry at index {zero[0]})"
            )
    X = _trsm(A, B.reshape(B.shape[0], -1), lower, unit_diagonal)
    return X.reshape(B.shape)
