"""eigh, svd and power_iteration: parity with numpy.linalg, compared up to sign."""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from groundup.linalg import LinAlgError, eigh, power_iteration, svd

SQUARE = [1, 2, 5, 17, 64]
SHAPES = [(1, 1), (1, 4), (4, 1), (5, 3), (3, 5), (17, 17), (64, 64), (70, 9), (9, 70)]


def _hilbert(n: int = 8) -> np.ndarray:
    i = np.arange(n)
    return 1.0 / (i[:, None] + i[None, :] + 1.0)


def _align(V: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Flip each column of V to point the same way as the matching column of ref."""
    sign = np.sign(np.sum(V * ref, axis=0))
    sign[sign == 0] = 1.0
    return V * sign


@pytest.mark.parametrize("n", SQUARE)
def test_eigh_matches_numpy(n, rng):
    X = rng.standard_normal((n, n))
    A = X + X.T
    w, V = eigh(A)
    wn, Vn = np.linalg.eigh(A)
    scale = np.abs(wn).max()
    np.testing.assert_allclose(w, wn, rtol=1e-8, atol=1e-12 * scale)
    # Random symmetric matrices have well-separated eigenvalues: vectors agree up to sign.
    np.testing.assert_allclose(_align(V, Vn), Vn, atol=1e-8)
    np.testing.assert_allclose(V.T @ V, np.eye(n), atol=1e-13 * n)
    np.testing.assert_allclose((V * w) @ V.T, A, atol=1e-13 * n * scale)


def test_eigh_with_repeated_eigenvalues_compares_projectors(rng):
    Q, _ = np.linalg.qr(rng.standard_normal((12, 12)))
    lam = np.array([-2.0] * 3 + [0.0] * 4 + [1.0, 2.0, 3.0, 5.0, 7.0])
    A = (Q * lam) @ Q.T
    w, V = eigh(A)
    np.testing.assert_allclose(w, np.sort(lam), atol=1e-13)
    # Within an eigenspace the basis is arbitrary; its projector is not.
    for value in (-2.0, 0.0):
        sel = np.abs(w - value) < 1e-8
        ref = np.abs(lam - value) < 1e-8
        np.testing.assert_allclose(V[:, sel] @ V[:, sel].T, Q[:, ref] @ Q[:, ref].T, atol=1e-12)


def test_eigh_hilbert_within_condition_aware_tolerance():
    H = _hilbert(8)
    rtol = 1e-15 * np.linalg.cond(H)
    w, V = eigh(H)
    wn, Vn = np.linalg.eigh(H)
    np.testing.assert_allclose(w, wn, rtol=rtol)
    np.testing.assert_allclose(_align(V, Vn), Vn, atol=rtol)


def test_eigh_uses_lower_triangle_like_numpy(rng):
    X = rng.standard_normal((5, 5))
    A = X + X.T
    A[0, 4] += 1e-12  # asymmetry below the symmetry tolerance: only the lower half is read
    np.testing.assert_allclose(eigh(A)[0], np.linalg.eigh(A)[0], rtol=1e-12)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("full_matrices", [True, False])
def test_svd_matches_numpy(shape, full_matrices, rng):
    A = rng.standard_normal(shape)
    U, S, Vt = svd(A, full_matrices=full_matrices)
    Un, Sn, Vtn = np.linalg.svd(A, full_matrices=full_matrices)
    assert (U.shape, S.shape, Vt.shape) == (Un.shape, Sn.shape, Vtn.shape)
    np.testing.assert_allclose(S, Sn, rtol=1e-8, atol=1e-13 * Sn[0])
    np.testing.assert_allclose(S, svd(A, compute_uv=False), rtol=1e-13)
    k = S.shape[0]
    np.testing.assert_allclose((U[:, :k] * S) @ Vt[:k], A, atol=1e-13 * max(shape))
    np.testing.assert_allclose(U.T @ U, np.eye(U.shape[1]), atol=1e-13 * max(shape))
    np.testing.assert_allclose(Vt @ Vt.T, np.eye(Vt.shape[0]), atol=1e-13 * max(shape))
    # Distinct singular values: the first k singular vectors agree up to sign.
    np.testing.assert_allclose(_align(U[:, :k], Un[:, :k]), Un[:, :k], atol=1e-8)
    np.testing.assert_allclose(_align(Vt[:k].T, Vtn[:k].T), Vtn[:k].T, atol=1e-8)


def test_svd_digits_shape_used_by_pca(rng):
    # PCA calls svd(X, full_matrices=False) on 1797×64 data; check that case against LAPACK.
    X = rng.standard_normal((1797, 64)) @ rng.standard_normal((64, 64))
    U, S, Vt = svd(X, full_matrices=False)
    with threadpool_limits(1):  # multithreaded LAPACK crawls on a busy 2-core machine
        Un, Sn, Vtn = np.linalg.svd(X, full_matrices=False)
    assert U.shape == (1797, 64) and Vt.shape == (64, 64)
    np.testing.assert_allclose(S, Sn, rtol=1e-8)
    np.testing.assert_allclose((U * S) @ Vt, X, atol=1e-12 * Sn[0])
    np.testing.assert_allclose(_align(Vt.T, Vtn.T), Vtn.T, atol=1e-8)


@pytest.mark.parametrize("shape", [(10, 6), (6, 10), (8, 8)])
def test_svd_rank_deficient_gives_orthonormal_bases(shape, rng):
    A = rng.standard_normal((shape[0], 3)) @ rng.standard_normal((3, shape[1]))
    A[:, 0] = 0.0  # exactly zero singular value(s) must still get orthonormal vectors
    U, S, Vt = svd(A)
    Sn = np.linalg.svd(A, compute_uv=False)
    np.testing.assert_allclose(S[:3], Sn[:3], rtol=1e-8)
    np.testing.assert_allclose(S[3:], 0.0, atol=1e-13 * Sn[0])
    k = S.shape[0]
    np.testing.assert_allclose((U[:, :k] * S) @ Vt[:k], A, atol=1e-13)
    np.testing.assert_allclose(U.T @ U, np.eye(shape[0]), atol=1e-13)
    np.testing.assert_allclose(Vt @ Vt.T, np.eye(shape[1]), atol=1e-13)
    # The rank-3 column space is unique: compare projectors.
    Un = np.linalg.svd(A)[0][:, :3]
    np.testing.assert_allclose(U[:, :3] @ U[:, :3].T, Un @ Un.T, atol=1e-10)


def test_svd_zero_matrix():
    U, S, Vt = svd(np.zeros((4, 3)))
    np.testing.assert_array_equal(S, 0.0)
    np.testing.assert_allclose(U.T @ U, np.eye(4), atol=1e-15)
    np.testing.assert_allclose(Vt @ Vt.T, np.eye(3), atol=1e-15)


def test_svd_hilbert_within_condition_aware_tolerance():
    H = _hilbert(8)
    rtol = 1e-15 * np.linalg.cond(H)
    U, S, Vt = svd(H)
    Un, Sn, Vtn = np.linalg.svd(H)
    np.testing.assert_allclose(S, Sn, rtol=rtol)
    np.testing.assert_allclose(_align(U, Un), Un, atol=rtol)


def test_power_iteration_finds_dominant_pair(rng):
    Q, _ = np.linalg.qr(rng.standard_normal((20, 20)))
    lam = np.linspace(1.0, 10.0, 20)
    lam[-1] = -15.0  # dominant in modulus though negative
    A = (Q * lam) @ Q.T
    value, vec = power_iteration(A, rng=0)
    w, V = np.linalg.eigh(A)
    np.testing.assert_allclose(value, -15.0, rtol=1e-12)
    np.testing.assert_allclose(abs(vec @ V[:, 0]), 1.0, atol=1e-9)
    np.testing.assert_allclose(np.sqrt(vec @ vec), 1.0, rtol=1e-14)
    assert vec[np.argmax(np.abs(vec))] > 0
    # Same seed, same answer.
    np.testing.assert_array_equal(power_iteration(A, rng=0)[1], vec)


def test_power_iteration_nonsymmetric_matches_numpy_eig(rng):
    A = rng.random((6, 6))  # positive matrix: Perron root is real, simple and dominant
    value, vec = power_iteration(A, rng=rng)
    w = np.linalg.eigvals(A)
    np.testing.assert_allclose(value, w[np.argmax(np.abs(w))].real, rtol=1e-9)
    np.testing.assert_allclose(A @ vec, value * vec, atol=1e-9)


def test_power_iteration_refuses_tied_dominant_eigenvalues():
    with pytest.raises(LinAlgError, match="did not converge in 50 iterations"):
        power_iteration(np.diag([1.0, -1.0, 0.5]), num_iter=50, rng=0)


def test_svd_on_centred_digits_with_exact_zero_singular_values():
    # Real data, as PCA sees it: centred digits have constant (all-zero) pixel columns, so
    # some singular values are exactly zero and their vectors must come from the complement.
    from sklearn.datasets import load_digits

    X = load_digits().data
    X = X - X.mean(axis=0)
    U, S, Vt = svd(X, full_matrices=False)
    with threadpool_limits(1):
        Un, Sn, Vtn = np.linalg.svd(X, full_matrices=False)
    assert U.shape == (1797, 64)
    np.testing.assert_allclose(S, Sn, rtol=1e-8, atol=1e-12 * Sn[0])
    np.testing.assert_allclose((U * S) @ Vt, X, atol=1e-12 * Sn[0])
    np.testing.assert_allclose(U.T @ U, np.eye(64), atol=1e-12)
    np.testing.assert_allclose(Vt @ Vt.T, np.eye(64), atol=1e-12)
    # The leading principal axes agree with LAPACK's up to sign.
    np.testing.assert_allclose(_align(Vt[:10].T, Vtn[:10].T), Vtn[:10].T, atol=1e-8)


@pytest.mark.parametrize("scale", [1e200, 1e-200])
def test_extreme_scales_neither_overflow_nor_underflow(scale, rng):
    # Squared column norms of 1e±200 entries leave the double range unless scaled first.
    X = rng.standard_normal((7, 4))
    A = X * scale
    np.testing.assert_allclose(
        svd(A, compute_uv=False), np.linalg.svd(X, compute_uv=False) * scale, rtol=1e-12
    )
    U, S, Vt = svd(A, full_matrices=False)
    np.testing.assert_allclose((U * S) @ Vt, A, rtol=0, atol=1e-14 * scale)
    G = X.T @ X
    np.testing.assert_allclose(eigh(G * scale)[0], np.linalg.eigh(G)[0] * scale, rtol=1e-12)


def test_eigh_separates_plus_minus_pairs_and_handles_zero(rng):
    # ±λ share a singular value: an SVD-based eigh must not mix their eigenvectors.
    Q, _ = np.linalg.qr(rng.standard_normal((6, 6)))
    lam = np.array([-3.0, -1.0, 0.0, 1.0, 2.0, 3.0])
    A = (Q * lam) @ Q.T
    w, V = eigh(A)
    np.testing.assert_allclose(w, lam, atol=1e-14 * 3)
    np.testing.assert_allclose(np.abs(np.sum(V * Q, axis=0)), 1.0, atol=1e-12)
    w0, V0 = eigh(np.zeros((3, 3)))
    np.testing.assert_array_equal(w0, 0.0)
    np.testing.assert_allclose(V0.T @ V0, np.eye(3), atol=1e-15)
