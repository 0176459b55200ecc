"""LU factorisation with partial pivoting, and the solve / det / inv built on it.

See docs/notes/linear-algebra.md#lu-with-partial-pivoting.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup._checks import as_square_matrix
from groundup.linalg._errors import LinAlgError
from groundup.linalg.triangular import _check_rhs, _trsm

__all__ = ["lu", "lu_factor", "solve", "det", "inv", "LUFactor"]

# Panels up to this many columns are eliminated column by column; wider ones recursively.
_BASE = 16


class LUFactor(NamedTuple):
    """Packed LU factors: ``A[perm] = L @ U`` with L unit lower and U upper in ``lu``.

    ``zero_pivot`` is the first column whose pivot is exactly zero (−1 if none): the matrix
    is singular exactly when it is ≥ 0. ``swaps`` is the parity of ``perm`` (for det).
    """

    lu: NDArray[np.float64]
    perm: NDArray[np.intp]
    zero_pivot: int
    swaps: int


def _rlu(A: NDArray[Any]) -> tuple[NDArray[np.intp], int, int]:
    """Factor the m×n (m ≥ n) view ``A`` in place: A_in[p] = L U packed into A.

    Recursive (Toledo) split by columns: factor the left half, apply its row swaps to the
    right half, U12 = L11⁻¹ A12, Schur complement A22 −= L21 U12, factor it, swap L21.
    Returns the row order p, the first zero-pivot column (−1 if none) and the swap count.
    """
    m, n = A.shape
    if n <= _BASE:
        # Unblocked right-looking elimination of this narrow panel, one column at a time.
        p = np.arange(m)
        swaps, zero = 0, -1
        for j in range(n):
            i = j + int(np.argmax(np.abs(A[j:, j])))
            if i != j:
                A[[j, i]] = A[[i, j]]
                p[[j, i]] = p[[i, j]]
                swaps += 1
            if A[j, j] == 0:
                # Column is zero from the diagonal down: nothing to eliminate, U gets a zero
                # pivot (LAPACK does the same and reports the first one).
                zero = j if zero < 0 else zero
                continue
            A[j + 1 :, j] /= A[j, j]
            A[j + 1 :, j + 1 :] -= A[j + 1 :, j, None] * A[j, None, j + 1 :]
        return p, zero, swaps
    h = n // 2
    p1, z1, s1 = _rlu(A[:, :h])
    A[:, h:] = A[p1, h:]
    A[:h, h:] = _trsm(A[:h, :h], A[:h, h:], lower=True, unit=True)
    A[h:, h:] -= A[h:, :h] @ A[:h, h:]
    p2, z2, s2 = _rlu(A[h:, h:])
    A[h:, :h] = A[h:, :h][p2]
    p = p1.copy()
    p[h:] = p1[h:][p2]
    zero = z1 if z1 >= 0 else (z2 + h if z2 >= 0 else -1)
    return p, zero, s1 + s2


def lu_factor(A: ArrayLike) -> LUFactor:
    """Packed LU factorisation with partial pivoting, A[perm] = L U.

    At step k the row with the largest |a_ik| (i ≥ k) is swapped up, so every multiplier
    l_ik = a_ik / a_kk has |l_ik| ≤ 1 and Gaussian elimination stays backward stable in
    practice. Computed by recursive column blocking (most flops in ``@``).
    See docs/notes/linear-algebra.md#lu-with-partial-pivoting.

    Parameters
    ----------
    A : array_like, shape (n, n)
        Square matrix.

    Returns
    -------
    LUFactor
        ``(lu, perm, zero_pivot, swaps)``; see :class:`LUFactor`.
    """
    M = as_square_matrix(A, "A").copy()
    perm, zero, swaps = _rlu(M)
    return LUFactor(M, perm, zero, swaps)


def lu(A: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """LU factorisation with partial pivoting in SciPy's convention, A = P L U.

    P is a permutation matrix, L unit lower triangular with |l_ij| ≤ 1, U upper triangular.
    Singular matrices factor too (U then has a zero on its diagonal).
    See docs/notes/linear-algebra.md#lu-with-partial-pivoting.

    Parameters
    ----------
    A : array_like, shape (n, n)
        Square matrix.

    Returns
    -------
    P, L, U : ndarray, shape (n, n)
        Permutation, unit lower and upper triangular factors.
    """
    f = lu_factor(A)
    n = f.lu.shape[0]
    L = np.tril(f.lu, -1) + np.eye(n)
    U = np.triu(f.lu)
    # A[perm] = L U  ⇔  A = P L U with P[perm[j], j] = 1.
    P = np.zeros((n, n))
    P[f.perm, np.arange(n)] = 1.0
    return P, L, U


def _lu_solve(f: LUFactor, B: NDArray[Any], func: str) -> NDArray[np.float64]:
    """Solve A X = B from packed factors; refuses a singular factorisation."""
    if f.zero_pivot >= 0:
        raise LinAlgError(f"{func}: matrix is singular (zero pivot in column {f.zero_pivot})")
    B2 = B.reshape(B.shape[0], -1)[f.perm]
    Y = _trsm(f.lu, B2, lower=True, unit=True)
    X = _trsm(f.lu, Y, lower=False, unit=False)
    return X.reshape(B.shape)


def solve(A: ArrayLike, b: ArrayLike) -> NDArray[np.float64]:
    """Solve the square system A x = b by LU with partial pivoting.

    A[perm] = L U, so A x = b ⇔ L y = b[perm] (forward substitution) then U x = y (back
    substitution). See docs/notes/linear-algebra.md#lu-with-partial-pivoting.

    Parameters
    ----------
    A : array_like, shape (n, n)
        Coefficient matrix.
    b : array_like, shape (n,) or (n, k)
        Right-hand side(s).

    Returns
    -------
    x : ndarray, shape of ``b``

    Raises
    ------
    LinAlgError
        If A is exactly singular (a zero pivot appears).
    """
    f = lu_factor(A)
    B = _check_rhs(b, f.lu.shape[0], "solve")
    return _lu_solve(f, B, "solve")


def det(A: ArrayLike) -> float:
    """Determinant from the LU factors: det A = (−1)^s · Π_i u_ii (s = number of row swaps).

    See docs/notes/linear-algebra.md#lu-with-partial-pivoting.

    Parameters
    ----------
    A : array_like, shape (n, n)
        Square matrix.

    Returns
    -------
    float
        The determinant (0.0 for an exactly singular matrix).
    """
    f = lu_factor(A)
    sign = -1.0 if f.swaps % 2 else 1.0
    return float(sign * np.prod(np.diagonal(f.lu)))


def inv(A: ArrayLike) -> NDArray[np.float64]:
    """Matrix inverse by solving A X = I with one LU factorisation.

    See docs/notes/linear-algebra.md#lu-with-partial-pivoting.

    Parameters
    ----------
    A : array_like, shape (n, n)
        Square non-singular matrix.

    Returns
    -------
    ndarray, shape (n, n)
        A⁻¹.

    Raises
    ------
    LinAlgError
        If A is exactly singular.
    """
    f = lu_factor(A)
    return _lu_solve(f, np.eye(f.lu.shape[0]), "inv")
