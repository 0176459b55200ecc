"""The symmetric eigensolver behind eigh and svd: tridiagonalise, divide and conquer, verify.

See docs/notes/linear-algebra.md#divide-and-conquer-eigh.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from groundup.linalg._divide_conquer import tridiagonal_eigh
from groundup.linalg._jacobi import jacobi_eigh
from groundup.linalg._tridiag import apply_q, tridiagonalize

_EPS = float(np.finfo(np.float64).eps)
# Accept the fast result when its residual and loss of orthogonality are within this many
# n·ε (divide and conquer measures ~1-5 n·ε... in practice well under n·ε); otherwise Jacobi.
_ACCEPT = 64.0
# Up to this size a round-at-a-time Jacobi needs fewer array operations than tridiagonalising
# and merging (measured: 0.26 vs 0.41 ms at n = 4, 0.66 vs 0.92 ms at n = 8, even at n = 16);
# LAPACK's divide and conquer likewise hands small problems to another method.
_JACOBI_MAX = 12


def symmetric_eigen(S: NDArray[Any]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Eigenvalues (ascending) and orthonormal eigenvectors of symmetric S (entries ~1).

    Matrices up to ``_JACOBI_MAX`` go straight to cyclic Jacobi. Larger ones:
    S = Q T Qᵀ by Householder reflections; T = Z Λ Zᵀ by divide and conquer; V = Q Z. The
    result is checked, ‖S V − V Λ‖ ≤ c n ε ‖S‖ and ‖VᵀV − I‖ ≤ c n ε (two matrix products),
    and if either fails — never seen, but cheap to guarantee — Jacobi recomputes it.
    """
    n = S.shape[0]
    if n <= _JACOBI_MAX:
        return _sorted_jacobi(S)
    d, e, V, tau = tridiagonalize(S)
    w, Z = tridiagonal_eigh(d, e)
    X = apply_q(V, tau, Z)
    size = max(float(np.max(np.abs(w))), float(np.finfo(np.float64).tiny))
    resid = float(np.max(np.abs(S @ X - X * w)))
    orth = float(np.max(np.abs(X.T @ X - np.eye(n))))
    if resid <= _ACCEPT * n * _EPS * size and orth <= _ACCEPT * n * _EPS:
        return w, X
    return _sorted_jacobi(S)


def _sorted_jacobi(S: NDArray[Any]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    wj, Vj = jacobi_eigh(S)
    order = np.argsort(wj, kind="stable")
    return wj[order], Vj[:, order]
