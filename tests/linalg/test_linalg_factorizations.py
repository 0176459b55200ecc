"""LU, Cholesky, QR, triangular solves, solve/det/inv: parity with NumPy/SciPy and identities."""

import numpy as np
import pytest
import scipy.linalg

from groundup.linalg import (
    cho_solve,
    cholesky,
    det,
    inv,
    lu,
    lu_factor,
    qr,
    solve,
    solve_triangular,
)

SQUARE = [1, 2, 5, 17, 64]
SHAPES = [(1, 1), (5, 3), (3, 5), (17, 17), (64, 64), (70, 9), (9, 70)]


def _spd(n: int, rng: np.random.Generator) -> np.ndarray:
    X = rng.standard_normal((n, n))
    return X @ X.T + n * np.eye(n)


def _hilbert(n: int = 8) -> np.ndarray:
    i = np.arange(n)
    return 1.0 / (i[:, None] + i[None, :] + 1.0)


@pytest.mark.parametrize("n", SQUARE)
def test_lu_matches_scipy_and_reconstructs(n, rng):
    A = rng.standard_normal((n, n))
    P, L, U = lu(A)
    Ps, Ls, Us = scipy.linalg.lu(A)
    # Same pivoting rule (largest |entry|) on distinct random values gives the same factors.
    np.testing.assert_array_equal(P, Ps)
    np.testing.assert_allclose(L, Ls, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(U, Us, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(P @ L @ U, A, atol=1e-13 * n)
    assert np.all(np.abs(np.tril(L, -1)) <= 1.0)  # partial pivoting bounds the multipliers


def test_lu_of_singular_matrix_still_factors(rng):
    A = rng.standard_normal((6, 6))
    A[:, 3] = A[:, 1] + 2 * A[:, 0]
    P, L, U = lu(A)
    np.testing.assert_allclose(P @ L @ U, A, atol=1e-13)
    assert lu_factor(np.zeros((3, 3))).zero_pivot == 0


@pytest.mark.parametrize("n", SQUARE)
@pytest.mark.parametrize("k", [None, 3])
def test_solve_matches_numpy(n, k, rng):
    A = rng.standard_normal((n, n)) + n * np.eye(n)
    b = rng.standard_normal(n if k is None else (n, k))
    x = solve(A, b)
    assert x.shape == b.shape
    np.testing.assert_allclose(x, np.linalg.solve(A, b), rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("n", SQUARE)
def test_det_and_inv_match_numpy(n, rng):
    A = rng.standard_normal((n, n))
    np.testing.assert_allclose(det(A), np.linalg.det(A), rtol=1e-8)
    np.testing.assert_allclose(inv(A), np.linalg.inv(A), rtol=1e-8, atol=1e-10)


def test_det_sign_of_permutation_and_singular():
    assert det([[0.0, 1.0], [1.0, 0.0]]) == -1.0
    assert det([[1.0, 2.0], [2.0, 4.0]]) == 0.0


def test_hilbert_solve_inv_det_within_condition_aware_tolerance():
    H = _hilbert(8)
    kappa = np.linalg.cond(H)  # ≈ 1.5e10
    rtol = 1e-15 * kappa
    b = H @ np.ones(8)
    np.testing.assert_allclose(solve(H, b), np.linalg.solve(H, b), rtol=rtol)
    np.testing.assert_allclose(solve(H, b), np.ones(8), rtol=rtol)
    np.testing.assert_allclose(inv(H), np.linalg.inv(H), rtol=rtol)
    np.testing.assert_allclose(det(H), np.linalg.det(H), rtol=rtol)
    np.testing.assert_allclose(cholesky(H), np.linalg.cholesky(H), rtol=rtol, atol=1e-15)


@pytest.mark.parametrize("n", SQUARE)
def test_cholesky_matches_numpy_and_reconstructs(n, rng):
    A = _spd(n, rng)
    L = cholesky(A)
    np.testing.assert_allclose(L, np.linalg.cholesky(A), rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(L @ L.T, A, rtol=1e-12, atol=1e-12 * n)
    np.testing.assert_array_equal(np.triu(L, 1), 0.0)


@pytest.mark.parametrize("n", SQUARE)
def test_cho_solve_matches_numpy_solve(n, rng):
    A = _spd(n, rng)
    b = rng.standard_normal((n, 2))
    np.testing.assert_allclose(cho_solve(cholesky(A), b), np.linalg.solve(A, b), rtol=1e-8)
    np.testing.assert_allclose(
        cho_solve(cholesky(A), b[:, 0]), np.linalg.solve(A, b[:, 0]), rtol=1e-8
    )


@pytest.mark.parametrize("n", SQUARE)
@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("unit", [True, False])
def test_solve_triangular_matches_scipy(n, lower, unit, rng):
    T = rng.standard_normal((n, n)) + 3 * np.eye(n) * np.sign(rng.standard_normal(n))
    b = rng.standard_normal((n, 3))
    ours = solve_triangular(T, b, lower=lower, unit_diagonal=unit)
    ref = scipy.linalg.solve_triangular(T, b, lower=lower, unit_diagonal=unit)
    np.testing.assert_allclose(ours, ref, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("mode", ["reduced", "complete"])
def test_qr_matches_numpy_and_is_orthonormal(shape, mode, rng):
    A = rng.standard_normal(shape)
    Q, R = qr(A, mode=mode)
    Qn, Rn = np.linalg.qr(A, mode=mode)
    assert Q.shape == Qn.shape and R.shape == Rn.shape
    np.testing.assert_allclose(Q @ R, A, atol=1e-13 * max(shape))
    np.testing.assert_allclose(Q.T @ Q, np.eye(Q.shape[1]), atol=1e-13 * max(shape))
    np.testing.assert_array_equal(np.tril(R, -1), 0.0)
    # Householder QR is unique up to the sign of each R row / Q column: compare after fixing it.
    k = min(shape)
    sign = np.sign(np.diagonal(R)[:k]) * np.sign(np.diagonal(Rn)[:k])
    np.testing.assert_allclose(R[:k] * sign[:, None], Rn[:k], rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(Q[:, :k] * sign, Qn[:, :k], rtol=1e-8, atol=1e-12)


def test_qr_of_rank_deficient_matrix_still_reconstructs(rng):
    A = rng.standard_normal((8, 3)) @ rng.standard_normal((3, 6))
    A[:, 0] = 0.0  # a zero column needs no reflection (τ = 0)
    Q, R = qr(A, mode="complete")
    np.testing.assert_allclose(Q @ R, A, atol=1e-13)
    np.testing.assert_allclose(Q.T @ Q, np.eye(8), atol=1e-14)


@pytest.mark.parametrize("scale", [1e200, 1e-200])
def test_qr_at_extreme_scales(scale, rng):
    X = rng.standard_normal((7, 4))
    Q, R = qr(X * scale)
    np.testing.assert_allclose(Q.T @ Q, np.eye(4), atol=1e-14)
    np.testing.assert_allclose(np.abs(R), np.abs(np.linalg.qr(X)[1]) * scale, rtol=1e-12)
