"""One-sided cyclic Jacobi applied a whole round at a time (eigh's checked fallback).

A round-robin ("circle method") schedule splits the n(n−1)/2 column pairs of a sweep into
n − 1 rounds of n/2 disjoint pairs. Disjoint rotations commute, so a round is a handful of
array operations. The matrix is stored transposed (columns as contiguous rows) and kept
permuted so each round's pairs are adjacent rows (2i, 2i+1): the 2×2 Gram blocks and the
rotations are then batched 2×2 matrix products, and one row gather moves the next round's
partners together. See docs/notes/linear-algebra.md#jacobi-rotations.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from groundup.linalg._errors import LinAlgError

_EPS = float(np.finfo(np.float64).eps)


def _einsum_rows(a: NDArray[Any], b: NDArray[Any]) -> NDArray[Any]:
    return np.einsum("ij,ij->i", a, b)


# Row-wise dot products: the vecdot ufunc (NumPy ≥ 2) has the least per-call overhead.
_rowdot = getattr(np, "vecdot", _einsum_rows)
_MAX_SWEEPS = 60


@lru_cache(maxsize=64)
def _schedule(n: int) -> tuple[NDArray[np.intp], tuple[NDArray[np.intp], ...]]:
    """For even n: the first round's layout and the gathers from each round to the next.

    Circle method: fix player 0, rotate the rest one place per round; round r pairs the i-th
    player from the front with the i-th from the back. ``steps[r]`` re-orders round r's
    layout into round r+1's, cyclically, so a full sweep of gathers is the identity.
    """
    players = list(range(n))
    layouts = []
    for _ in range(n - 1):
        layouts.append(
            np.array([p for i in range(n // 2) for p in (players[i], players[n - 1 - i])])
        )
        players = [players[0], players[-1], *players[1:-1]]
    steps = []
    for r in range(n - 1):
        cur, nxt = layouts[r], layouts[(r + 1) % (n - 1)]
        where = np.empty(n, dtype=np.intp)
        where[cur] = np.arange(n)
        steps.append(where[nxt])
    return layouts[0], tuple(steps)


def _orthogonal(Bt: NDArray[Any], tol: float, z2: float) -> bool:
    """Whether every pair of (non-negligible) rows of Bt passes the rotation test.

    One Gram product per sweep; it spares the otherwise needed final sweep that only
    confirms no rotation is left (about a tenth of the work).
    """
    G = Bt @ Bt.T
    d = np.diagonal(G).copy()
    live = d > z2
    G = G[np.ix_(live, live)]
    d = d[live]
    off = np.abs(G) > tol * np.sqrt(np.outer(d, d))
    np.fill_diagonal(off, False)
    return not off.any()


def jacobi_svd(
    A: NDArray[Any], compute_v: bool, zero: float = 0.0
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64] | None]:
    """One-sided (Hestenes) Jacobi on the columns of A (m×n); results unsorted.

    Rotate column pairs until all are mutually orthogonal: A V = B with orthogonal V and
    columns b_j = σ_j u_j. Each rotation is the Jacobi rotation of the pair's 2×2 Gram block
    [[α, γ], [γ, β]] = [[‖a_p‖², a_p·a_q], [a_p·a_q, ‖a_q‖²]]:
        ζ = (β − α)/2γ,  t = sign(ζ)/(|ζ| + √(1+ζ²)),  c = 1/√(1+t²),  s = t c,
    so AᵀA is diagonalised without ever being formed. A pair counts as orthogonal when
    |γ| ≤ √m·ε·√(αβ) (LAPACK dgesvj's test). Columns of norm ≤ ``zero`` count as zero and
    are not rotated (the caller replaces their u_j): orthogonalising round-off against
    round-off only burns sweeps. Returns (σ, B, V); V is None unless ``compute_v``.
    """
    m, n = A.shape
    N = n + n % 2  # pad to even with a zero column: γ = 0 with it, so it is never rotated
    first, steps = _schedule(N)
    k = N // 2
    # Wt holds Bᵀ (columns :m) beside Vᵀ (columns m:), so one row rotation updates both.
    Wt = np.zeros((N, m + (N if compute_v else 0)))
    Wt[:n, :m] = A.T
    if compute_v:
        Wt[:, m:] = np.eye(N)
    Wt = Wt[first]
    tol = _EPS * np.sqrt(m)
    z2 = zero * zero
    R = np.empty((k, 2, 2))  # the round's rotations [[c, −s], [s, c]], reused
    Rf = R.reshape(k, 4)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for _sweep in range(_MAX_SWEEPS):
            rotated = False
            for step in steps:
                X, Y = Wt[0::2, :m], Wt[1::2, :m]
                alpha, beta, gamma = _rowdot(X, X), _rowdot(Y, Y), _rowdot(X, Y)
                rotate = np.abs(gamma) > tol * np.sqrt(alpha * beta)
                if z2:
                    rotate &= np.minimum(alpha, beta) > z2
                if rotate.any():
                    zeta = (beta - alpha) / (gamma + gamma)
                    # hypot, not √(1+ζ²): ζ reaches ~1e300 when a column is tiny beside another.
                    t = np.copysign(1.0 / (np.abs(zeta) + np.hypot(1.0, zeta)), zeta)
                    t = np.where(rotate, t, 0.0)
                    # An angle that rounds to zero changes nothing: it is not progress.
                    rotated = rotated or bool(t.any())
                    c = 1.0 / np.sqrt(1.0 + t * t)
                    Rf[:, 0] = c
                    Rf[:, 3] = c
                    np.multiply(t, c, out=Rf[:, 2])
                    np.negative(Rf[:, 2], out=Rf[:, 1])
                    Wt = np.matmul(R, Wt.reshape(k, 2, -1)).reshape(N, -1)
                Wt = Wt[step]
            if not rotated or _orthogonal(Wt[:, :m], tol, z2):
                break
        else:
            raise LinAlgError(f"svd: Jacobi iteration did not converge in {_MAX_SWEEPS} sweeps")
    keep = first < n  # the gathers of a full sweep compose to the identity: layout is `first`
    Bt = Wt[keep, :m]
    sigma = np.sqrt(np.einsum("ij,ij->i", Bt, Bt))
    V = Wt[keep, m : m + n].T if compute_v else None
    return sigma, Bt.T, V


def jacobi_eigh(S: NDArray[Any]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Eigen-decomposition of symmetric S by one-sided Jacobi on a shifted copy; unsorted.

    With μ ≥ max_i Σ_j |s_ij| ≥ ρ(S) (Gershgorin), S + μI is positive semi-definite, so its
    SVD is its eigen-decomposition: S + μI = V diag(λ + μ) Vᵀ — no sign ambiguity, even for
    ±λ pairs. One-sided Jacobi gives the orthogonal V; each eigenvalue is then the Rayleigh
    quotient λ_i = v_iᵀ S v_i of the unshifted matrix (error O(ε‖S‖), like LAPACK's).
    """
    n = S.shape[0]
    mu = float(np.max(np.sum(np.abs(S), axis=1)))
    _, _, V = jacobi_svd(S + mu * np.eye(n), compute_v=True)
    assert V is not None
    w = np.einsum("ij,ij->j", V, S @ V)
    return w, V
