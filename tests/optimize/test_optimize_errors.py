"""minimize refuses bad input with messages that name the problem."""

from __future__ import annotations

import numpy as np
import pytest

from groundup.optimize import minimize


def sphere(x):
    return float(x @ x)


def sphere_grad(x):
    return 2 * x


def test_unknown_method():
    with pytest.raises(ValueError, match="unknown method 'sgd-magic'"):
        minimize(sphere, np.ones(2), grad=sphere_grad, method="sgd-magic")


@pytest.mark.parametrize(
    ("x0", "match"),
    [
        (np.array([1.0, np.nan]), "x0 contains NaN"),
        (np.array([1.0, np.inf]), "x0 contains NaN or infinity"),
        (np.ones((2, 2)), "x0 must be 1-dimensional"),
        (np.array([]), "x0 is empty"),
    ],
)
def test_bad_x0(x0, match):
    with pytest.raises(ValueError, match=match):
        minimize(sphere, x0, grad=sphere_grad)


def test_non_finite_objective_at_x0():
    with pytest.raises(ValueError, match=r"fun\(x0\) is not finite \(nan\)"):
        minimize(lambda x: np.nan, np.ones(2), grad=sphere_grad)


def test_newton_needs_hessian():
    with pytest.raises(ValueError, match="needs hess"):
        minimize(sphere, np.ones(2), grad=sphere_grad, method="newton")


def test_wrong_gradient_shape():
    with pytest.raises(ValueError, match="gradient has 3 entries, expected 2"):
        minimize(sphere, np.ones(2), grad=lambda x: np.ones(3))


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"tol": -1.0}, ValueError, "tol must be finite and >= 0"),
        ({"max_iter": -3}, ValueError, "max_iter must be a non-negative integer, got -3"),
        ({"method": "gd", "lr": -0.1}, ValueError, "lr must be finite and > 0, got -0.1"),
        ({"method": "adam", "beta1": 1.0}, ValueError, "beta1 must lie in"),
        ({"method": "adam", "momentum": 0.9}, TypeError, r"unknown option\(s\) \['momentum'\]"),
        ({"method": "lbfgs", "m": 0}, ValueError, "m .* must be a positive integer, got 0"),
        ({"method": "gd", "line_search": "wolfe"}, ValueError, "takes fixed steps"),
        ({"line_search": "exact"}, ValueError, "unknown line_search 'exact'"),
    ],
)
def test_bad_settings(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        minimize(sphere, np.ones(2), grad=sphere_grad, **kwargs)


def test_grad_true_requires_a_pair():
    with pytest.raises(ValueError, match="must return a"):
        minimize(sphere, np.ones(2), grad=True)


def test_max_iter_zero_returns_start():
    res = minimize(sphere, np.ones(2), grad=sphere_grad, max_iter=0)
    assert res.nit == 0 and not res.converged and np.array_equal(res.x, np.ones(2))
