"""lstsq, pinv, matrix_rank, norm, cond: parity with numpy.linalg, incl. rank-deficient input."""

import numpy as np
import pytest

from groundup.linalg import cond, lstsq, matrix_rank, norm, pinv

SHAPES = [(1, 1), (5, 3), (3, 5), (17, 17), (64, 64), (70, 9), (9, 70)]


def _rank_deficient(m: int, n: int, r: int, rng: np.random.Generator) -> np.ndarray:
    return rng.standard_normal((m, r)) @ rng.standard_normal((r, n))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("k", [None, 2])
def test_lstsq_matches_numpy(shape, k, rng):
    A = rng.standard_normal(shape)
    b = rng.standard_normal(shape[0] if k is None else (shape[0], k))
    x, res, rank, s = lstsq(A, b)
    xn, resn, rankn, sn = np.linalg.lstsq(A, b)
    assert x.shape == xn.shape and res.shape == resn.shape and rank == rankn
    np.testing.assert_allclose(x, xn, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(res, resn, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(s, sn, rtol=1e-8)


@pytest.mark.parametrize("shape", [(12, 8), (8, 12), (10, 10)])
def test_lstsq_rank_deficient_gives_minimum_norm_solution(shape, rng):
    A = _rank_deficient(*shape, r=4, rng=rng)
    b = rng.standard_normal(shape[0])
    x, res, rank, _ = lstsq(A, b, rcond=1e-10)
    xn, resn, rankn, _ = np.linalg.lstsq(A, b, rcond=1e-10)
    assert rank == rankn == 4
    assert res.shape == resn.shape == (0,)  # NumPy reports no residuals when rank < n
    np.testing.assert_allclose(x, xn, rtol=1e-8, atol=1e-12)
    # Minimum norm: x has no component in the null space of A.
    null = np.linalg.svd(A)[2][4:]
    np.testing.assert_allclose(null @ x, 0.0, atol=1e-12)


@pytest.mark.parametrize("shape", SHAPES)
def test_pinv_matches_numpy(shape, rng):
    A = rng.standard_normal(shape)
    P = pinv(A)
    np.testing.assert_allclose(P, np.linalg.pinv(A, rtol=None), rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(A @ P @ A, A, atol=1e-12 * max(shape))  # Penrose condition


@pytest.mark.parametrize("shape", [(12, 8), (8, 12), (10, 10)])
def test_pinv_and_rank_on_rank_deficient_matrices(shape, rng):
    A = _rank_deficient(*shape, r=3, rng=rng)
    np.testing.assert_allclose(pinv(A), np.linalg.pinv(A, rtol=None), rtol=1e-8, atol=1e-12)
    assert matrix_rank(A) == np.linalg.matrix_rank(A) == 3
    assert matrix_rank(A, tol=1e3) == np.linalg.matrix_rank(A, tol=1e3)
    assert matrix_rank(np.zeros(shape)) == 0


def test_hilbert_pinv_within_condition_aware_tolerance():
    i = np.arange(8)
    H = 1.0 / (i[:, None] + i[None, :] + 1.0)
    rtol = 1e-15 * np.linalg.cond(H)
    np.testing.assert_allclose(pinv(H), np.linalg.pinv(H, rtol=None), rtol=rtol, atol=rtol)
    assert matrix_rank(H) == np.linalg.matrix_rank(H) == 8


@pytest.mark.parametrize("ord", [None, 1, 2, 3, 0.5, 0, np.inf, -np.inf, -1])
def test_vector_norms_match_numpy(ord, rng):
    x = rng.standard_normal(11)
    np.testing.assert_allclose(norm(x, ord), np.linalg.norm(x, ord), rtol=1e-12)
    X = rng.standard_normal((4, 6))
    for axis in (0, 1, -1):
        np.testing.assert_allclose(
            norm(X, ord, axis=axis), np.linalg.norm(X, ord, axis=axis), rtol=1e-12
        )


@pytest.mark.parametrize("ord", [None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf])
@pytest.mark.parametrize("shape", [(1, 1), (4, 6), (6, 4)])
def test_matrix_norms_match_numpy(ord, shape, rng):
    A = rng.standard_normal(shape)
    np.testing.assert_allclose(norm(A, ord), np.linalg.norm(A, ord), rtol=1e-10)
    np.testing.assert_allclose(
        norm(A, ord, axis=(1, 0)), np.linalg.norm(A, ord, axis=(1, 0)), rtol=1e-10
    )


@pytest.mark.parametrize("p", [None, 2, -2, 1, -1, np.inf, "fro", "nuc"])
def test_cond_matches_numpy(p, rng):
    A = rng.standard_normal((6, 6))
    np.testing.assert_allclose(cond(A, p), np.linalg.cond(A, p), rtol=1e-8)


def test_cond_of_singular_and_hilbert():
    assert cond(np.array([[1.0, 2.0], [2.0, 4.0]]), 1) == np.inf
    i = np.arange(8)
    H = 1.0 / (i[:, None] + i[None, :] + 1.0)
    kappa = np.linalg.cond(H)
    np.testing.assert_allclose(cond(H), kappa, rtol=1e-15 * kappa)
