"""Property tests: random shapes and entries (hypothesis), each checked against numpy.linalg."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from groundup.linalg import lstsq, qr, solve, svd

dims = st.integers(min_value=1, max_value=12)
seeds = st.integers(min_value=0, max_value=2**32 - 1)
scales = st.sampled_from([1e-8, 1.0, 1e8])


def _matrix(m: int, n: int, seed: int, scale: float) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((m, n)) * scale


@settings(max_examples=40, deadline=None, derandomize=True)
@given(m=dims, n=dims, seed=seeds, scale=scales)
def test_svd_singular_values_and_reconstruction(m, n, seed, scale):
    A = _matrix(m, n, seed, scale)
    U, S, Vt = svd(A, full_matrices=False)
    Sn = np.linalg.svd(A, compute_uv=False)
    np.testing.assert_allclose(S, Sn, rtol=1e-8, atol=1e-13 * Sn[0])
    np.testing.assert_allclose((U * S) @ Vt, A, atol=1e-13 * Sn[0] * max(m, n))
    assert np.all(np.diff(S) <= 0)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(m=dims, n=dims, seed=seeds, scale=scales)
def test_qr_reconstructs_with_orthonormal_q(m, n, seed, scale):
    A = _matrix(m, n, seed, scale)
    Q, R = qr(A, mode="complete")
    np.testing.assert_allclose(Q @ R, A, atol=1e-13 * np.abs(A).max() * max(m, n))
    np.testing.assert_allclose(Q.T @ Q, np.eye(m), atol=1e-13 * m)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(m=dims, n=dims, seed=seeds, scale=scales)
def test_lstsq_matches_numpy(m, n, seed, scale):
    A = _matrix(m, n, seed, scale)
    b = np.random.default_rng(seed + 1).standard_normal(m)
    x, _, rank, _ = lstsq(A, b)
    xn, _, rankn, _ = np.linalg.lstsq(A, b)
    assert rank == rankn
    # Error bound ∝ κ(A)·ε; random matrices of these sizes have κ ≲ 1e4.
    np.testing.assert_allclose(x, xn, rtol=1e-8, atol=1e-10 * np.abs(xn).max())


@settings(max_examples=40, deadline=None, derandomize=True)
@given(n=dims, seed=seeds, scale=scales)
def test_solve_residual_is_backward_stable(n, seed, scale):
    A = _matrix(n, n, seed, scale)
    x_true = np.random.default_rng(seed + 2).standard_normal(n)
    b = A @ x_true
    x = solve(A, b)
    # Backward stability: ‖b − A x‖ ≤ c·n·ε·‖A‖·‖x‖ whatever the conditioning.
    resid = np.abs(b - A @ x).max()
    assert resid <= 1e-14 * n * np.abs(A).max() * np.abs(x).max() * n
