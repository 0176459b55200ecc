"""Finite-difference derivatives, gradients, Jacobians and Hessians against analytic answers."""

import numpy as np
import pytest

from groundup.calculus import derivative, gradcheck, gradient, hessian, jacobian

EPS = np.finfo(float).eps


@pytest.mark.parametrize(
    ("f", "df", "d2f"),
    [
        (np.sin, np.cos, lambda x: -np.sin(x)),
        (np.exp, np.exp, np.exp),
        (lambda x: 3 * x**3 - 2 * x + 1, lambda x: 9 * x**2 - 2, lambda x: 18 * x),
    ],
    ids=["sin", "exp", "cubic"],
)
def test_derivative_of_known_functions(f, df, d2f, rng):
    x = rng.uniform(-3, 3, size=25)
    # Order 1: error ~ ε^(2/3)·(|f| + |f'''|); order 2: ~ ε^(1/2)·(|f| + |f''''|).
    scale = 1.0 + np.abs(f(x)) + np.abs(df(x)) + np.abs(d2f(x))
    np.testing.assert_array_less(np.abs(derivative(f, x) - df(x)), 10 * EPS ** (2 / 3) * scale)
    np.testing.assert_array_less(
        np.abs(derivative(f, x, order=2) - d2f(x)), 10 * EPS ** (1 / 2) * scale
    )


def test_derivative_scalar_in_scalar_out_and_explicit_step():
    d = derivative(lambda t: t**2, 3.0)
    assert isinstance(d, float)
    np.testing.assert_allclose(d, 6.0, rtol=1e-10)
    # A quadratic has no third derivative: any step is exact up to rounding.
    np.testing.assert_allclose(derivative(lambda t: t**2, 3.0, h=0.5), 6.0, rtol=1e-14)


def test_default_step_beats_naive_steps():
    # The ε^(1/3) step balances truncation and rounding: far smaller or larger is worse.
    x = 1.3
    err = {h: abs(derivative(np.exp, x, h=h) - np.exp(x)) for h in (1e-12, None, 1e-2)}
    assert err[None] < err[1e-12] / 100
    assert err[None] < err[1e-2] / 100


def test_derivative_scales_step_with_x():
    # At x = 1e8 a fixed step of 6e-6 would be below the spacing of doubles (1.5e-8·…).
    x = 1e8
    np.testing.assert_allclose(derivative(np.log, x), 1 / x, rtol=1e-6)


def test_gradient_matches_analytic(rng):
    A = rng.standard_normal((6, 6))
    f = lambda x: np.sum(np.sin(A @ x)) + 0.5 * x @ x  # noqa: E731
    g = lambda x: A.T @ np.cos(A @ x) + x  # noqa: E731
    x = rng.standard_normal(6)
    np.testing.assert_allclose(gradient(f, x), g(x), rtol=1e-8, atol=1e-9)
    fv = lambda P: np.sum(np.sin(P @ A.T), axis=1) + 0.5 * np.sum(P * P, axis=1)  # noqa: E731
    # One call for all 2n points; its rounding differs from f's, so compare to the answer.
    np.testing.assert_allclose(gradient(fv, x, vectorized=True), g(x), rtol=1e-8, atol=1e-9)


def test_jacobian_matches_analytic(rng):
    B = rng.standard_normal((4, 3))

    def f(x):
        return np.tanh(B @ x)

    x = rng.standard_normal(3)
    J = jacobian(f, x)
    assert J.shape == (4, 3)
    np.testing.assert_allclose(J, (1 - np.tanh(B @ x) ** 2)[:, None] * B, rtol=1e-8, atol=1e-10)
    Jv = jacobian(lambda P: np.tanh(P @ B.T), x, vectorized=True)
    np.testing.assert_allclose(Jv, (1 - np.tanh(B @ x) ** 2)[:, None] * B, rtol=1e-8, atol=1e-10)
    # A scalar function's Jacobian is its gradient as a row.
    np.testing.assert_allclose(jacobian(lambda x: x @ x, x), 2 * x[None], rtol=1e-8)


def test_hessian_of_quadratic_is_its_matrix(rng):
    M = rng.standard_normal((5, 5))
    Q = M + M.T
    b = rng.standard_normal(5)
    f = lambda x: 0.5 * x @ Q @ x + b @ x  # noqa: E731
    x = rng.standard_normal(5)
    H = hessian(f, x)
    np.testing.assert_allclose(H, Q, atol=1e-6 * np.abs(Q).max())
    np.testing.assert_array_equal(H, H.T)
    fv = lambda P: 0.5 * np.einsum("ki,ij,kj->k", P, Q, P) + P @ b  # noqa: E731
    np.testing.assert_allclose(hessian(fv, x, vectorized=True), Q, atol=1e-6 * np.abs(Q).max())


def test_hessian_of_non_quadratic_function(rng):
    # f = exp(a·x): H = exp(a·x) a aᵀ.
    a = rng.standard_normal(4)
    x = rng.standard_normal(4) * 0.3
    H = hessian(lambda x: np.exp(a @ x), x)
    np.testing.assert_allclose(H, np.exp(a @ x) * np.outer(a, a), rtol=1e-5, atol=1e-6)


def test_hessian_evaluation_count():
    calls = []

    def f(x):
        calls.append(x.copy())
        return float(x @ x)

    hessian(f, np.ones(4))
    assert len(calls) == 2 * 4**2 + 1  # centre, 2n axis points, 4 per off-diagonal pair
    assert len({tuple(c) for c in calls}) == len(calls)  # no point evaluated twice


def test_gradcheck_small_for_correct_and_large_for_wrong_gradient(rng):
    W = rng.standard_normal((8, 5))
    f = lambda x: np.sum(np.log1p(np.exp(W @ x)))  # noqa: E731
    g = lambda x: W.T @ (1 / (1 + np.exp(-(W @ x))))  # noqa: E731
    x = rng.standard_normal(5)
    assert gradcheck(f, g, x) < 1e-7
    assert gradcheck(f, lambda x: 1.1 * g(x), x) > 0.05
    wrong_sign = lambda x: g(x) * np.array([1, 1, -1, 1, 1])  # noqa: E731
    assert gradcheck(f, wrong_sign, x) > 0.5
