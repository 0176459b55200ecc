"""Cuppen's divide and conquer for the symmetric tridiagonal eigenproblem, batched by level.

The tridiagonal T (padded with decoupled zeros to N = 2^L) is cut into 1×1 leaves; level by
level, every pair of neighbouring blocks is merged at once: all B merges of a level are one
stack of (B, 2s, 2s) arrays, so the whole solve costs O(log n) rounds of array operations.
See docs/notes/linear-algebra.md#divide-and-conquer-eigh.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

_EPS = float(np.finfo(np.float64).eps)
_MAX_ITER = 80  # secular iterations; the rational step needs ~4-8, bisection is the safeguard


def _gather(perm: NDArray[np.intp], *rows: NDArray[Any]) -> list[NDArray[Any]]:
    """Permute each row of every (B, M) array by its row of ``perm``."""
    b = np.arange(perm.shape[0])[:, None]
    return [r[b, perm] for r in rows]


def _gather_columns(Q: NDArray[Any], perm: NDArray[np.intp]) -> NDArray[Any]:
    """Permute the columns of each (M, M) matrix of the stack Q by its row of ``perm``."""
    B, M = perm.shape
    return np.asarray(Q[np.arange(B)[:, None, None], np.arange(M)[None, :, None], perm[:, None, :]])


def _deflate(
    D: NDArray[Any],
    z: NDArray[Any],
    Qb: NDArray[Any],
    real: NDArray[Any],
    rho: NDArray[Any],
    tol: float,
) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any], NDArray[Any], NDArray[Any]]:
    """Deflate D + ρ z zᵀ (rows of a batch); return (D, z, Qb, real, deflated), sorted so each
    row's live poles come first, ascending.

    Rule 1: |ρ z_i| ≤ tol — (d_i, q_i) is already an eigenpair to working accuracy.
    Rule 2: two live poles d_i ≤ d_{i+1} so close that the Givens rotation moving z_i into
    z_{i+1} leaves an off-diagonal |c s (d_{i+1} − d_i)| ≤ tol: rotate q_i, q_{i+1} and
    deflate i. Without it the secular equation's neighbouring poles would nearly coincide.
    """
    defl = np.abs(rho[:, None] * z) <= tol
    perm = np.lexsort((D, defl), axis=-1)
    D, z, defl, real = _gather(perm, D, z, defl, real)
    Qb = _gather_columns(Qb, perm)
    while True:
        live = ~defl
        cand = live[:, :-1] & live[:, 1:]
        if not cand.any():
            break
        t = np.hypot(z[:, :-1], z[:, 1:])
        with np.errstate(divide="ignore", invalid="ignore"):
            c, s = z[:, 1:] / t, z[:, :-1] / t
        hit = cand & (np.abs(c * s * (D[:, 1:] - D[:, :-1])) <= tol)
        if not hit.any():
            break
        # The first pair of each run of hits: disjoint pairs, rotated all at once.
        sel = hit.copy()
        sel[:, 1:] &= ~hit[:, :-1]
        b, i = np.nonzero(sel)
        cc, ss = c[b, i], s[b, i]
        qi, qj = Qb[b, :, i], Qb[b, :, i + 1]
        Qb[b, :, i] = cc[:, None] * qi - ss[:, None] * qj
        Qb[b, :, i + 1] = ss[:, None] * qi + cc[:, None] * qj
        di, dj = D[b, i], D[b, i + 1]
        D[b, i] = cc * cc * di + ss * ss * dj
        D[b, i + 1] = ss * ss * di + cc * cc * dj
        z[b, i + 1] = t[b, i]
        z[b, i] = 0.0
        defl[b, i] = True
        perm = np.lexsort((D, defl), axis=-1)
        D, z, defl, real = _gather(perm, D, z, defl, real)
        Qb = _gather_columns(Qb, perm)
    return D, z, Qb, real, defl


def _secular(
    D: NDArray[Any], w2: NDArray[Any], rho: NDArray[Any], valid: NDArray[Any]
) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
    """Roots of 1 + ρ Σ_k w2_k/(d_k − λ) = 0, one per live pole, all rows and roots at once.

    Root j lies in (d_j, d_{j+1}) (the last in (d_K, d_K + ρ‖z‖²]). It is computed as
    λ_j = o_j + τ_j from the nearer pole o_j, so every λ_j − d_k = τ_j − (d_k − o_j) is
    formed without cancellation. Each step fits the two poles beside the root, ψ and φ
    (the sums over poles left and right of it) by c + s₁/(d_j − x) + s₂/(d_{j+1} − x)
    matching value and slope, solves the quadratic, and falls back to bisection of the
    bracket when the step leaves it. Returns (origin, τ, Δ) with Δ[b, j, k] = d_k − o_j.
    """
    B, M = D.shape
    idx = np.arange(M)
    K = valid.sum(axis=1)
    inv_rho = 1.0 / np.where(rho > 0, rho, 1.0)[:, None]
    span = np.where(rho > 0, rho, 0.0) * w2.sum(axis=1)
    top = np.where(valid, D, -np.inf).max(axis=1, initial=0.0) + span
    far = (top + np.abs(top) + 1.0)[:, None]  # beyond every root: dead slots' harmless pole
    Dp = np.where(valid, D, far)
    last = idx[None, :] == (K - 1)[:, None]
    nxt = np.concatenate([Dp[:, 1:], far], axis=1)
    hi = np.where(last, Dp + span[:, None], nxt)
    hi = np.where(valid, hi, Dp + 1.0)
    mid = 0.5 * (Dp + hi)
    with np.errstate(divide="ignore", invalid="ignore"):
        f_mid = inv_rho + np.sum(w2[:, None, :] / (Dp[:, None, :] - mid[:, :, None]), axis=2)
    use_lo = (f_mid >= 0) | last | ~valid
    origin = np.where(use_lo, Dp, hi)
    Delta = Dp[:, None, :] - origin[:, :, None]
    width = hi - Dp
    a = np.where(use_lo, 0.0, -0.5 * width)
    # The last root can sit exactly on its bound d_K + ρ‖z‖² (always, for K = 1): widen that
    # bound by a few ulps so the root is strictly inside and the rational step is accepted.
    b = np.where(use_lo, np.where(last | ~valid, width * (1.0 + 8.0 * _EPS), 0.5 * width), 0.0)
    tau = 0.5 * (a + b)
    # The two poles beside root j, measured from its origin (one of them is exactly 0).
    dp_pole = Dp - origin
    dq_pole = np.where(last, far, nxt) - origin
    # Iterate on a compact stack of the unconverged roots (one row each: its Δ row, weights,
    # which poles lie left of it), re-packed whenever half of them have converged.
    rows = np.flatnonzero(valid)
    tau_out = tau.reshape(-1)
    cD = Delta.reshape(B * M, M)[rows]
    cW = w2[rows // M]
    cL = (idx[None, :] <= (rows % M)[:, None]).astype(np.float64)
    ci = inv_rho[rows // M, 0]
    ca, cb, ct = a.reshape(-1)[rows], b.reshape(-1)[rows], tau_out[rows]
    cp, cq = dp_pole.reshape(-1)[rows], dq_pole.reshape(-1)[rows]
    done = np.zeros(rows.shape[0], dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for _ in range(_MAX_ITER):
            inv = 1.0 / (cD - ct[:, None])
            terms = cW * inv
            slope = terms * inv
            psi = np.einsum("ij,ij->i", terms, cL)  # poles left of the root: psi ≤ 0
            phi = terms.sum(axis=1) - psi  # poles right of it: phi ≥ 0
            dpsi = np.einsum("ij,ij->i", slope, cL)
            dphi = slope.sum(axis=1) - dpsi
            g = ci + psi + phi
            neg = g < 0
            ca = np.where(neg, ct, ca)
            cb = np.where(neg, cb, ct)
            # Converged when |g| is within the rounding of its own sum (LAPACK dlaed4's test)
            # or the bracket has shrunk to adjacent floating-point numbers.
            done = (np.abs(g) <= 8.0 * _EPS * (ci + phi - psi)) | (
                cb - ca <= 4.0 * _EPS * (np.abs(ca) + np.abs(cb))
            )
            if done.all():
                break
            dp, dq = cp - ct, cq - ct
            s1, s2 = dpsi * dp * dp, dphi * dq * dq
            c = g - s1 / dp - s2 / dq
            bq = c * (dp + dq) + s1 + s2
            cc = g * dp * dq
            root = np.sqrt(np.maximum(bq * bq - 4.0 * c * cc, 0.0))
            step = 2.0 * cc / (bq + np.copysign(root, bq))
            x = ct + step
            ok = (x > ca) & (x < cb)  # False for NaN too: then bisect
            x = np.where(ok, x, 0.5 * (ca + cb))
            ct = np.where(done, ct, x)
            # A rational step this small is below the rounding of τ itself: converged.
            done |= ok & (np.abs(step) <= 2.0 * _EPS * np.abs(x))
            if 2 * int(done.sum()) >= done.shape[0]:
                tau_out[rows] = ct
                keep = ~done
                rows, cD, cW, cL = rows[keep], cD[keep], cW[keep], cL[keep]
                ci, ca, cb, ct, cp, cq = ci[keep], ca[keep], cb[keep], ct[keep], cp[keep], cq[keep]
                if rows.shape[0] == 0:
                    break
    tau_out[rows] = ct
    tau = tau_out.reshape(B, M)
    return origin, tau, Delta


def _merge(
    lam: NDArray[Any],
    Q: NDArray[Any],
    real: NDArray[Any],
    e: NDArray[Any],
    s: int,
    tol: float,
    top: int = 0,
) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
    """Merge every neighbouring pair of size-s blocks into one size-2s block.

    ``top`` > 0 (final merge only) keeps just the ``top`` largest real eigenpairs: their
    vectors alone are formed, halving the largest matrix product when half are wanted.

    With β the coupling of the pair, T = diag(T₁, T₂) + |β| v vᵀ, v = e_last + sign(β) e_first
    (T₁, T₂ already carry the −|β| on their touching diagonal entries), so
    T = Q (D + ρ z zᵀ) Qᵀ with z = (last row of Q₁, sign(β)·first row of Q₂), ρ = |β|.
    """
    M = 2 * s
    N = lam.shape[0]
    B = N // M
    D = lam.reshape(B, M).copy()
    k = np.arange(B) * M + s - 1
    beta = e[k]
    rho = np.abs(beta)
    z = np.empty((B, M))
    z[:, :s] = Q[0::2, -1, :]
    z[:, s:] = np.where(beta < 0, -1.0, 1.0)[:, None] * Q[1::2, 0, :]
    Qb = np.zeros((B, M, M))
    Qb[:, :s, :s] = Q[0::2]
    Qb[:, s:, s:] = Q[1::2]
    D, z, Qb, rl, defl = _deflate(D, z, Qb, real.reshape(B, M), rho, tol)
    valid = ~defl  # live poles are the first K of each row
    if not valid.any():
        if top and B == 1:
            sel = _top_real(D[0], rl[0], top)
            return D[0, sel], Qb[:, :, sel], rl[0, sel]
        return D.reshape(N), Qb, rl.reshape(N)
    w2 = np.where(valid, z * z, 0.0)
    origin, tau, Delta = _secular(D, w2, rho, valid)
    # Gu–Eisenstat: the ẑ for which the computed λ are exact eigenvalues, from Löwner's
    # formula ẑ_i² = (λ_i − d_i)/ρ · Π_{j≠i} (λ_j − d_i)/(d_j − d_i); vectors built from ẑ
    # are orthogonal to working accuracy however close the roots are.
    Lm = tau[:, :, None] - Delta  # Lm[b, j, i] = λ_j − d_i
    both = valid[:, :, None] & valid[:, None, :]
    eye = np.eye(M, dtype=bool)[None]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = Lm / (D[:, :, None] - D[:, None, :])
        ratio = np.where(eye, Lm / np.where(rho > 0, rho, 1.0)[:, None, None], ratio)
    ratio = np.where(both, ratio, 1.0)
    zhat = np.copysign(np.sqrt(np.abs(np.prod(ratio, axis=1))), z)
    lam_new = np.where(valid, origin + tau, D)
    cols = np.arange(M)
    if top and B == 1:
        cols = _top_real(lam_new[0], rl[0], top)
    with np.errstate(divide="ignore", invalid="ignore"):
        # S[b, i, c] = ẑ_i / (d_i − λ_j) for the wanted roots j = cols[c]
        S = -zhat[:, :, None] / np.swapaxes(Lm[:, cols, :], 1, 2)
    vc = valid[:, cols]
    S = np.where(valid[:, :, None] & vc[:, None, :], S, 0.0)
    norms = np.sqrt(np.einsum("bij,bij->bj", S, S))
    S /= np.where(vc, norms, 1.0)[:, None, :]
    S[:, cols, np.arange(cols.shape[0])] += ~vc  # dead slots keep their deflated vector
    if top and B == 1:
        return lam_new[0, cols], Qb @ S, rl[0, cols]
    return lam_new.reshape(N), Qb @ S, rl.reshape(N)


def _top_real(lam: NDArray[Any], real: NDArray[Any], top: int) -> NDArray[np.intp]:
    """Indices of the ``top`` largest entries of lam among the real (non-padding) ones."""
    score = np.where(real, lam, -np.inf)
    return np.argsort(score, kind="stable")[-min(top, int(real.sum())) :]


def _eigh_2x2(
    a: NDArray[Any], b: NDArray[Any], c: NDArray[Any]
) -> tuple[NDArray[Any], NDArray[Any]]:
    """Eigenpairs of the 2×2 blocks [[a, b], [b, c]] by one Jacobi rotation each.

    ζ = (c − a)/2b, t = sign(ζ)/(|ζ| + √(1+ζ²)), cs = 1/√(1+t²), sn = t·cs: the rotation
    [[cs, sn], [−sn, cs]] diagonalises the block into (a − t b, c + t b), exactly orthogonal.
    Returns the eigenvalues interleaved (block i: entries 2i, 2i+1) and the (B, 2, 2) vectors.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        zeta = (c - a) / (b + b)
        t = np.copysign(1.0 / (np.abs(zeta) + np.hypot(1.0, zeta)), zeta)
    t = np.where(b == 0.0, 0.0, t)  # a decoupled block (b = 0) is already diagonal
    cs = 1.0 / np.sqrt(1.0 + t * t)
    sn = t * cs
    lam = np.empty(2 * a.shape[0])
    lam[0::2] = a - t * b
    lam[1::2] = c + t * b
    Q = np.empty((a.shape[0], 2, 2))
    Q[:, 0, 0], Q[:, 0, 1], Q[:, 1, 0], Q[:, 1, 1] = cs, sn, -sn, cs
    return lam, Q


def tridiagonal_eigh(
    d: NDArray[Any], e: NDArray[Any], top: int = 0
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Eigenvalues (ascending) and orthonormal eigenvectors of the symmetric tridiagonal
    matrix with diagonal d (n) and off-diagonal e (n − 1). ``top`` > 0 asks only for the
    ``top`` largest eigenpairs (more may be returned for tiny n; take the last ``top``)."""
    n = d.shape[0]
    norm = float(np.max(np.abs(d))) + (2.0 * float(np.max(np.abs(e))) if n > 1 else 0.0)
    if n == 1 or norm == 0.0:
        order = np.argsort(d, kind="stable")
        return d[order].copy(), np.eye(n)[:, order]
    N = 1 << (n - 1).bit_length()
    dd = np.zeros(N)
    dd[:n] = d
    ee = np.zeros(N)  # ee[k] couples k and k+1; zero past the matrix, so pads stay decoupled
    ee[: n - 1] = e
    ae = np.abs(ee)
    # Each leaf carries the −|β| of every cut at its ends. The first level's blocks are 2×2
    # and are diagonalised in closed form; the cuts between them start the merging.
    lam = dd - ae - np.concatenate([[0.0], ae[:-1]])
    lam[0::2] += ae[0::2]
    lam[1::2] += ae[0::2]
    lam, Q = _eigh_2x2(lam[0::2], ee[0::2], lam[1::2])
    real = np.arange(N) < n
    tol = 8.0 * _EPS * norm
    s = 2
    while s < N:
        lam, Q, real = _merge(lam, Q, real, ee, s, tol, top if 2 * s == N else 0)
        s *= 2
    w = lam[real]
    Z = Q[0][:n][:, real]
    order = np.argsort(w, kind="stable")
    return w[order], Z[:, order]
