"""groundup.optimize.minimize against scipy.optimize.minimize and known minimisers."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize as so
from scipy.special import expit
from sklearn.datasets import load_breast_cancer

from groundup.optimize import minimize


def quadratic(cond: float, n: int, rng: np.random.Generator):
    """f(x) = ½xᵀAx − bᵀx with cond(A) = cond; minimiser A⁻¹b."""
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    A = Q @ np.diag(np.logspace(0, np.log10(cond), n)) @ Q.T
    b = rng.standard_normal(n)

    def fun(x):
        return 0.5 * x @ A @ x - b @ x

    def grad(x):
        return A @ x - b

    return fun, grad, (lambda x: A), np.linalg.solve(A, b)


def logistic_problem():
    """Penalised logistic loss Σ log(1 + exp(−yᵢ xᵢᵀw)) + ½‖w‖² on standardised breast_cancer."""
    X, y = load_breast_cancer(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    X = np.hstack([X, np.ones((X.shape[0], 1))])
    s = 2.0 * y - 1.0

    def fun(w):
        z = s * (X @ w)
        return np.logaddexp(0.0, -z).sum() + 0.5 * w @ w

    def grad(w):
        z = s * (X @ w)
        return -X.T @ (s * expit(-z)) + w

    def hess(w):
        p = expit(X @ w)
        return (X.T * (p * (1 - p))) @ X + np.eye(X.shape[1])

    return fun, grad, hess, X.shape[1]


def rosenbrock_hess(x):
    return so.rosen_hess(x)


@pytest.mark.parametrize("method", ["bfgs", "lbfgs", "newton"])
@pytest.mark.parametrize("n", [2, 10])
def test_rosenbrock_matches_scipy(method, n):
    x0 = np.full(n, -1.2) if n == 2 else np.zeros(n)
    if n == 2:
        x0[1] = 1.0
    ref = so.minimize(so.rosen, x0, jac=so.rosen_der, method="BFGS", options={"gtol": 1e-10})
    ours = minimize(so.rosen, x0, grad=so.rosen_der, method=method, hess=rosenbrock_hess, tol=1e-9)
    assert ours.converged, ours.message
    np.testing.assert_allclose(ours.x, ref.x, atol=1e-6)
    np.testing.assert_allclose(ours.x, np.ones(n), atol=1e-6)  # the known minimiser
    assert ours.fun <= ref.fun + 1e-12
    assert len(ours.history) == ours.nit + 1 and ours.history[0] == so.rosen(x0)


@pytest.mark.parametrize("method", ["bfgs", "lbfgs", "newton"])
def test_ill_conditioned_quadratic(method, rng):
    fun, grad, hess, x_star = quadratic(1e4, 20, rng)
    x0 = np.zeros(20)
    ref = so.minimize(fun, x0, jac=grad, method="BFGS", options={"gtol": 1e-11})
    ours = minimize(fun, x0, grad=grad, method=method, hess=hess, tol=1e-7, max_iter=5000)
    assert ours.converged, ours.message
    # ‖x − x*‖₂ <= ‖A⁻¹‖·‖∇f‖₂ <= √n·tol ≈ 4.5e-7 (smallest eigenvalue 1)
    np.testing.assert_allclose(ours.x, x_star, atol=1e-6)
    np.testing.assert_allclose(ours.x, ref.x, atol=1e-6)


@pytest.mark.parametrize("method", ["bfgs", "lbfgs", "newton"])
def test_logistic_loss_breast_cancer(method):
    fun, grad, hess, n = logistic_problem()
    x0 = np.zeros(n)
    ref = so.minimize(fun, x0, jac=grad, hess=hess, method="trust-exact", options={"gtol": 1e-10})
    ours = minimize(fun, x0, grad=grad, method=method, hess=hess, tol=1e-7)
    assert ours.converged, ours.message
    # the Hessian is >= I, so ‖w − w*‖₂ <= ‖∇f‖₂ <= √31·tol ≈ 5.6e-7
    np.testing.assert_allclose(ours.x, ref.x, atol=1e-6)
    assert ours.fun <= ref.fun + 1e-9


def test_grad_true_and_numerical_gradient_agree(rng):
    fun, grad, _, x_star = quadratic(10.0, 5, rng)
    shared = minimize(lambda x: (fun(x), grad(x)), np.zeros(5), grad=True, tol=1e-10)
    numeric = minimize(fun, np.zeros(5), grad=None, tol=1e-7)
    np.testing.assert_allclose(shared.x, x_star, atol=1e-9)
    np.testing.assert_allclose(numeric.x, x_star, atol=1e-6)
    assert numeric.nfev > shared.nfev  # central differences cost extra calls


@pytest.mark.parametrize(
    ("method", "options"),
    [
        ("gd", {"lr": 0.09}),
        ("momentum", {"lr": 0.02, "beta": 0.7}),
        ("nesterov", {"lr": 0.02, "beta": 0.7}),
        ("adagrad", {"lr": 0.5}),
        ("rmsprop", {"lr": 0.01, "rho": 0.99}),
        ("adam", {"lr": 0.01}),
    ],
)
def test_first_order_methods_reach_minimiser(method, options, rng):
    fun, grad, _, x_star = quadratic(10.0, 5, rng)  # eigenvalues 1 … 10
    res = minimize(fun, np.zeros(5), grad=grad, method=method, tol=1e-8, max_iter=20_000, **options)
    assert res.converged, f"{method}: {res.message}"
    np.testing.assert_allclose(res.x, x_star, atol=1e-7)
    assert res.history[-1] < res.history[0]


def test_gd_step_is_minus_lr_times_gradient(rng):
    fun, grad, _, _ = quadratic(10.0, 5, rng)
    x0 = rng.standard_normal(5)
    res = minimize(fun, x0, grad=grad, method="gd", lr=0.05, max_iter=1, tol=0.0)
    np.testing.assert_allclose(res.x, x0 - 0.05 * grad(x0), rtol=1e-15)
    assert res.nit == 1 and not res.converged


def test_adam_first_step_matches_torch(rng):
    import torch

    fun, grad, _, _ = quadratic(10.0, 5, rng)
    x0 = rng.standard_normal(5)
    ours = minimize(fun, x0, grad=grad, method="adam", lr=0.1, max_iter=5, tol=0.0)
    p = torch.tensor(x0, requires_grad=True)
    opt = torch.optim.Adam([p], lr=0.1)
    for _ in range(5):
        opt.zero_grad()
        p.grad = torch.tensor(grad(p.detach().numpy()))
        opt.step()
    np.testing.assert_allclose(ours.x, p.detach().numpy(), rtol=1e-12)


def test_callback_can_stop(rng):
    fun, grad, _, _ = quadratic(10.0, 5, rng)
    seen = []
    res = minimize(fun, np.zeros(5), grad=grad, callback=lambda x: seen.append(x) or len(seen) == 2)
    assert res.nit == 2 and len(seen) == 2 and res.message == "stopped by callback"


def test_divergence_is_reported(rng):
    fun, grad, _, _ = quadratic(10.0, 5, rng)
    with np.errstate(over="ignore", invalid="ignore"):
        res = minimize(fun, np.ones(5), grad=grad, method="gd", lr=10.0, max_iter=10_000)
    assert not res.converged and "diverged" in res.message
