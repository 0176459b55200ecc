"""Symmetric eigen-decomposition (tridiagonal divide and conquer) and power iteration.

See docs/notes/linear-algebra.md#divide-and-conquer-eigh and #power-iteration.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup._checks import as_square_matrix, check_positive
from groundup.linalg._errors import LinAlgError
from groundup.linalg._scale import pow2_scale
from groundup.linalg._symmetric import check_symmetric
from groundup.linalg._symmetric_eigen import symmetric_eigen

__all__ = ["eigh", "power_iteration"]


def eigh(A: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Eigenvalues and eigenvectors of a real symmetric matrix, A = V diag(w) Vᵀ.

    Householder reflections reduce A to tridiagonal T = QᵀAQ; Cuppen's divide and conquer
    splits T = diag(T₁, T₂) + ρ v vᵀ, solves the halves, and gets T's eigenvalues as the
    roots of the secular equation 1 + ρ Σ z_k²/(d_k − λ) = 0 (z = Q_blockᵀ v), all merges
    of a level and all roots at once; eigenvectors (d − λ_j I)⁻¹ ẑ use Gu–Eisenstat's ẑ so
    they are orthogonal to working accuracy. V = Q Z. Eigenvalues are accurate to O(ε‖A‖);
    a final residual check falls back to cyclic Jacobi should it ever fail.
    See docs/notes/linear-algebra.md#divide-and-conquer-eigh.

    Parameters
    ----------
    A : array_like, shape (n, n)
        Symmetric matrix (the lower triangle is used, as NumPy does).

    Returns
    -------
    w : ndarray, shape (n,)
        Eigenvalues in ascending order.
    V : ndarray, shape (n, n)
        Orthonormal eigenvectors; column i belongs to w[i] (sign arbitrary).

    Raises
    ------
    LinAlgError
        If A is not symmetric, or (never seen in practice) the Jacobi fallback fails to
        converge.
    """
    M = as_square_matrix(A, "A")
    check_symmetric(M, "eigh")
    n = M.shape[0]
    if n == 1:
        return M[0].copy(), np.ones((1, 1))
    scale = pow2_scale(M)  # work on entries ~1; eigenvalues scale back exactly
    S = (np.tril(M) + np.tril(M, -1).T) / scale
    w, V = symmetric_eigen(S)
    return w * scale, V


def power_iteration(
    A: ArrayLike,
    num_iter: int = 1000,
    tol: float = 1e-10,
    rng: np.random.Generator | int | None = None,
) -> tuple[float, NDArray[np.float64]]:
    """Dominant eigenpair (largest |λ|) by power iteration, x ← A x / ‖A x‖.

    Writing x₀ = Σ c_i v_i, A^k x₀ = Σ c_i λ_i^k v_i is dominated by v₁ at rate |λ₂/λ₁|^k.
    The eigenvalue is the Rayleigh quotient λ = xᵀA x (for unit x); iteration stops when
    the residual ‖A x − λ x‖ ≤ tol·|λ|. See docs/notes/linear-algebra.md#power-iteration.

    Parameters
    ----------
    A : array_like, shape (n, n)
        Square matrix whose dominant eigenvalue is real and unique in modulus.
    num_iter : int
        Maximum number of iterations.
    tol : float
        Relative residual at which to stop.
    rng : numpy Generator, int seed or None
        Source of the random start vector.

    Returns
    -------
    eigenvalue : float
        λ₁.
    vector : ndarray, shape (n,)
        Unit eigenvector (sign chosen so its largest-magnitude entry is positive).

    Raises
    ------
    LinAlgError
        If the residual has not reached ``tol`` after ``num_iter`` iterations (typically
        because two eigenvalues share the largest modulus, e.g. λ and −λ).
    """
    M = as_square_matrix(A, "A")
    if isinstance(num_iter, bool) or not isinstance(num_iter, (int, np.integer)) or num_iter < 1:
        raise ValueError(f"num_iter must be a positive integer, got {num_iter!r}")
    check_positive(tol, "tol")
    x: NDArray[np.float64] = np.random.default_rng(rng).standard_normal((M.shape[0],))
    x /= np.sqrt(x @ x)
    lam, resid = 0.0, np.inf
    for _ in range(int(num_iter)):
        y = M @ x
        lam = float(x @ y)
        resid = float(np.sqrt(np.sum((y - lam * x) ** 2)))
        if resid <= tol * abs(lam) or not y.any():
            break
        x = y / np.sqrt(y @ y)
    else:
        raise LinAlgError(
            f"power_iteration: did not converge in {num_iter} iterations (relative residual "
            f"{resid / max(abs(lam), np.finfo(float).tiny):.2e} > tol {tol:.1e}); the dominant "
            "eigenvalue may not be unique in modulus"
        )
    # Fix the sign so the result is reproducible whatever the start vector.
    if x[np.argmax(np.abs(x))] < 0:
        x = -x
    return lam, x
