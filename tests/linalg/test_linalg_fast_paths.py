"""The fast eigh/svd paths (tridiagonalisation or bidiagonalisation + divide and conquer).

Tests marked with ``no_fallback`` run with the Jacobi fallbacks disabled (they raise), so
what is measured is the divide-and-conquer path itself, against numpy.linalg (LAPACK) and
exact constructions.
"""

import sys

import numpy as np
import pytest

import groundup.linalg._symmetric_eigen as se
from groundup.linalg import eigh, svd
from groundup.linalg._divide_conquer import tridiagonal_eigh
from groundup.linalg._tridiag import apply_q, tridiagonalize

EPS = np.finfo(float).eps


@pytest.fixture
def no_fallback(monkeypatch):
    """Make the Jacobi fallback fail loudly: a test passing under it proves the fast path."""

    def refuse(S, *args):
        raise AssertionError(f"fast path rejected its own result (n={S.shape[0]})")

    monkeypatch.setattr(se, "jacobi_eigh", refuse)
    monkeypatch.setattr(sys.modules["groundup.linalg.svd"], "jacobi_svd", refuse)


def _tri(d, e):
    return np.diag(d) + np.diag(e, 1) + np.diag(e, -1)


def _check_eigen(A, w, V, ortho=1e-12, resid=1e-12):
    """Orthonormal V, small residual, eigenvalues as LAPACK's to O(ε‖A‖)."""
    n = A.shape[0]
    size = max(np.abs(np.linalg.eigvalsh(A)).max(), 1e-300)
    np.testing.assert_allclose(V.T @ V, np.eye(n), rtol=0, atol=ortho)
    np.testing.assert_allclose(A @ V, V * w, rtol=0, atol=resid * size)
    np.testing.assert_allclose(w, np.linalg.eigvalsh(A), rtol=0, atol=100 * n * EPS * size)
    assert np.all(np.diff(w) >= 0)


@pytest.mark.parametrize("n", [1, 2, 3, 8, 17, 64, 100])
def test_tridiagonal_divide_and_conquer_matches_lapack(n, rng):
    # Sizes that are and are not powers of two (the latter are padded with decoupled zeros).
    d, e = rng.standard_normal(n), rng.standard_normal(n - 1)
    w, Z = tridiagonal_eigh(d, e)
    _check_eigen(_tri(d, e), w, Z, ortho=4 * n * EPS, resid=4 * n * EPS)


def test_tridiagonal_with_zero_couplings_splits_exactly(rng):
    # e_k = 0 decouples T into blocks: ρ = 0 at that merge, so everything there deflates.
    d, e = rng.standard_normal(12), rng.standard_normal(11)
    e[[2, 3, 7]] = 0.0
    w, Z = tridiagonal_eigh(d, e)
    _check_eigen(_tri(d, e), w, Z, ortho=1e-14, resid=1e-14)


def test_wilkinson_matrix_near_equal_pairs():
    # W21+: its largest eigenvalues come in pairs agreeing to ~1e-14 or closer — the close-pole
    # deflation (Givens rotation) and Gu–Eisenstat vectors are what keep V orthogonal here.
    n = 21
    d, e = np.abs(np.arange(n) - 10.0), np.ones(n - 1)
    w, Z = tridiagonal_eigh(d, e)
    wn = np.linalg.eigvalsh(_tri(d, e))
    assert np.min(np.diff(wn)[-2:]) < 1e-12  # the fact that makes the matrix hard
    _check_eigen(_tri(d, e), w, Z, ortho=1e-14, resid=1e-14)


def test_householder_tridiagonalisation_is_orthogonal_similarity(rng):
    X = rng.standard_normal((30, 30))
    S = X + X.T
    d, e, V, tau = tridiagonalize(S)
    Q = apply_q(V, tau, np.eye(30))
    np.testing.assert_allclose(Q.T @ Q, np.eye(30), atol=1e-14)
    np.testing.assert_allclose(Q.T @ S @ Q, _tri(d, e), atol=1e-13 * np.abs(S).max())


@pytest.mark.parametrize("gap", [1e-6, 1e-10, 1e-14])
def test_eigh_clustered_eigenvalues(gap, rng, no_fallback):
    # Three clusters of five eigenvalues each, spread by `gap`: vectors inside a cluster are
    # ill-determined, but V must stay orthogonal to 1e-12 and A V = V Λ must hold.
    Q, _ = np.linalg.qr(rng.standard_normal((40, 40)))
    lam = np.concatenate(
        [c + gap * np.arange(5) for c in (-1.0, 0.5, 2.0)] + [rng.uniform(-3, 3, 25)]
    )
    A = (Q * lam) @ Q.T
    A = (A + A.T) / 2
    w, V = eigh(A)
    _check_eigen(A, w, V)


def test_eigh_repeated_eigenvalues_identity_plus_rank_one(rng, no_fallback):
    # I + u uᵀ: eigenvalue 1 with multiplicity n − 1 and one eigenvalue 1 + ‖u‖².
    u = rng.standard_normal(50)
    A = np.eye(50) + np.outer(u, u)
    w, V = eigh(A)
    np.testing.assert_allclose(w[:-1], 1.0, atol=1e-13 * w[-1])
    np.testing.assert_allclose(w[-1], 1.0 + u @ u, rtol=1e-13)
    np.testing.assert_allclose(np.abs(V[:, -1] @ u) / np.sqrt(u @ u), 1.0, atol=1e-13)
    _check_eigen(A, w, V)


def test_eigh_graded_matrix(rng, no_fallback):
    # Entries graded over 14 orders of magnitude (A_ij ∝ g_i g_j): eigenvalues too. The
    # tridiagonalisation must not underflow the small tail (it scales before squaring).
    g = 10.0 ** -np.linspace(0, 7, 24)
    X = rng.standard_normal((24, 24))
    A = (X + X.T) * np.outer(g, g)
    w, V = eigh(A)
    _check_eigen(A, w, V)


@pytest.mark.parametrize("n", [64, 200])
def test_eigh_large_random_is_orthogonal_to_1e_12(n, rng, no_fallback):
    X = rng.standard_normal((n, n))
    A = X + X.T
    w, V = eigh(A)
    _check_eigen(A, w, V)


def test_fallback_to_jacobi_when_fast_result_is_wrong(rng, monkeypatch):
    # A broken fast path (random vectors) fails the residual check; Jacobi answers instead.
    def broken(d, e):
        return np.sort(d), np.linalg.qr(rng.standard_normal((d.size, d.size)))[0]

    monkeypatch.setattr(se, "tridiagonal_eigh", broken)
    X = rng.standard_normal((10, 10))
    A = X + X.T
    w, V = eigh(A)
    _check_eigen(A, w, V)


def test_svd_of_orthogonal_matrix_all_singular_values_equal(rng, no_fallback):
    # Q orthogonal: σ = 1 n times, so J = [[0, Q], [Qᵀ, 0]] has ±1 each n-fold; the halves of
    # any +1 eigenvector must still give orthonormal U and V with U Vᵀ = Q.
    Q, _ = np.linalg.qr(rng.standard_normal((30, 30)))
    U, S, Vt = svd(Q)
    np.testing.assert_allclose(S, 1.0, atol=1e-14)
    np.testing.assert_allclose(U.T @ U, np.eye(30), atol=1e-13)
    np.testing.assert_allclose(Vt @ Vt.T, np.eye(30), atol=1e-13)
    np.testing.assert_allclose((U * S) @ Vt, Q, atol=1e-13)


def test_svd_graded_singular_values(rng, no_fallback):
    # σ from 1 down to 1e-12: each agrees with LAPACK to O(ε σ₁) (absolute, as for any
    # backward-stable SVD), vectors stay orthonormal, and A is reconstructed.
    m, n = 40, 25
    Ua, _ = np.linalg.qr(rng.standard_normal((m, n)))
    Va, _ = np.linalg.qr(rng.standard_normal((n, n)))
    s = 10.0 ** -np.linspace(0, 12, n)
    A = (Ua * s) @ Va.T
    U, S, Vt = svd(A, full_matrices=False)
    np.testing.assert_allclose(S, np.linalg.svd(A, compute_uv=False), rtol=0, atol=50 * EPS)
    np.testing.assert_allclose(U.T @ U, np.eye(n), atol=1e-12)
    np.testing.assert_allclose(Vt @ Vt.T, np.eye(n), atol=1e-12)
    np.testing.assert_allclose((U * S) @ Vt, A, atol=1e-14)
    # Well-separated leading singular vectors agree with the construction up to sign.
    np.testing.assert_allclose(np.abs(np.sum(Vt[:5].T * Va[:, :5], axis=0)), 1.0, atol=1e-10)


@pytest.mark.parametrize("shape", [(1, 1), (5, 3), (3, 5), (64, 64), (200, 30)])
def test_svd_fast_path_random(shape, rng, no_fallback):
    A = rng.standard_normal(shape)
    U, S, Vt = svd(A)
    np.testing.assert_allclose(S, np.linalg.svd(A, compute_uv=False), rtol=1e-12)
    np.testing.assert_allclose(U.T @ U, np.eye(shape[0]), atol=1e-13)
    np.testing.assert_allclose(Vt @ Vt.T, np.eye(shape[1]), atol=1e-13)
    k = min(shape)
    np.testing.assert_allclose((U[:, :k] * S) @ Vt[:k], A, atol=1e-13)


def test_svd_fast_path_centred_digits_with_zero_columns(no_fallback):
    # PCA's input: constant pixels give exactly zero singular values.
    from sklearn.datasets import load_digits

    X = load_digits().data
    X = X - X.mean(axis=0)
    U, S, Vt = svd(X, full_matrices=False)
    Sn = np.linalg.svd(X, compute_uv=False)
    np.testing.assert_allclose(S, Sn, rtol=1e-10, atol=1e-12 * Sn[0])
    np.testing.assert_allclose(U.T @ U, np.eye(64), atol=1e-13)
    np.testing.assert_allclose(Vt @ Vt.T, np.eye(64), atol=1e-13)
    np.testing.assert_allclose((U * S) @ Vt, X, atol=1e-12 * Sn[0])


def test_svd_fallback_to_jacobi_when_fast_result_is_wrong(rng, monkeypatch):
    mod = sys.modules["groundup.linalg.svd"]
    monkeypatch.setattr(
        mod, "_svd_square", lambda R: (np.ones(R.shape[0]),) + (np.eye(R.shape[0]),) * 2
    )
    A = rng.standard_normal((9, 6))
    U, S, Vt = svd(A)
    np.testing.assert_allclose(S, np.linalg.svd(A, compute_uv=False), rtol=1e-12)
    np.testing.assert_allclose((U[:, :6] * S) @ Vt, A, atol=1e-13)
    np.testing.assert_allclose(U.T @ U, np.eye(9), atol=1e-13)


@pytest.mark.parametrize("n, top", [(2, 1), (9, 4), (64, 32), (100, 7)])
def test_tridiagonal_top_eigenpairs_only(n, top, rng):
    # The SVD asks only for the n largest of J's 2n eigenpairs; the last `top` returned must
    # be exactly the largest eigenpairs, orthonormal, with small residuals.
    d, e = rng.standard_normal(n), rng.standard_normal(n - 1)
    T = _tri(d, e)
    w, Z = tridiagonal_eigh(d, e, top=top)
    w, Z = w[-top:], Z[:, -top:]
    wn = np.linalg.eigvalsh(T)
    np.testing.assert_allclose(w, wn[-top:], rtol=0, atol=100 * n * EPS * np.abs(wn).max())
    np.testing.assert_allclose(Z.T @ Z, np.eye(top), atol=4 * n * EPS)
    np.testing.assert_allclose(T @ Z, Z * w, atol=4 * n * EPS * np.abs(wn).max())
