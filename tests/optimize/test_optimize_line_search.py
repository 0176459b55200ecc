"""The line searches return steps that satisfy the conditions they promise."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize as so

from groundup.optimize import backtracking, strong_wolfe


def rosen_fg(x):
    return float(so.rosen(x)), so.rosen_der(x)


def start_points(rng, n=25):
    return [rng.uniform(-2, 2, size=4) for _ in range(n)]


@pytest.mark.parametrize("alpha0", [1e-3, 1.0, 50.0])
def test_strong_wolfe_conditions_hold(alpha0, rng):
    c1, c2 = 1e-4, 0.9
    for x in start_points(rng):
        f0, g0 = rosen_fg(x)
        p = -g0
        res = strong_wolfe(rosen_fg, x, p, f0, g0, alpha0=alpha0, c1=c1, c2=c2)
        assert res.success
        f, g = rosen_fg(x + res.alpha * p)
        assert res.f == f and np.array_equal(res.g, g)  # f, g are those at x + αp
        assert f <= f0 + c1 * res.alpha * (g0 @ p)  # sufficient decrease
        assert abs(g @ p) <= c2 * abs(g0 @ p)  # strong curvature


def test_strong_wolfe_tight_curvature(rng):
    # c2 = 0.1 forces a near-exact line search: the zoom phase must do the work
    for x in start_points(rng, 10):
        f0, g0 = rosen_fg(x)
        res = strong_wolfe(rosen_fg, x, -g0, f0, g0, alpha0=1.0, c2=0.1)
        assert res.success
        assert abs(res.g @ -g0) <= 0.1 * abs(g0 @ -g0)
        assert res.f <= f0 + 1e-4 * res.alpha * (g0 @ -g0)


def test_strong_wolfe_agrees_with_scipy_conditions(rng):
    # scipy's line_search also returns a strong-Wolfe step; both satisfy the same inequalities
    x = rng.uniform(-2, 2, size=4)
    f0, g0 = rosen_fg(x)
    ref = so.line_search(so.rosen, so.rosen_der, x, -g0, g0, f0, c1=1e-4, c2=0.9)
    ours = strong_wolfe(rosen_fg, x, -g0, f0, g0)
    assert ref[0] is not None and ours.success
    for alpha in (ref[0], ours.alpha):
        f, g = rosen_fg(x - alpha * g0)
        assert f <= f0 - 1e-4 * alpha * (g0 @ g0) and abs(g @ g0) <= 0.9 * (g0 @ g0)


@pytest.mark.parametrize("alpha0", [1.0, 100.0])
def test_backtracking_armijo_holds_and_is_first_acceptable(alpha0, rng):
    c1, shrink = 1e-4, 0.5
    for x in start_points(rng):
        f0, g0 = rosen_fg(x)
        p = -g0
        res = backtracking(rosen_fg, x, p, f0, g0, alpha0=alpha0, c1=c1, shrink=shrink)
        assert res.success
        assert res.f <= f0 + c1 * res.alpha * (g0 @ p)
        if res.alpha < alpha0:  # the previous trial (α/ρ) must have failed Armijo
            prev = res.alpha / shrink
            assert rosen_fg(x + prev * p)[0] > f0 + c1 * prev * (g0 @ p)


def test_backtracking_handles_non_finite_trials():
    def fg(x):
        f = np.inf if x[0] > 1 else float(x[0] ** 2 - 2 * x[0])
        return f, np.array([2 * x[0] - 2])

    x = np.array([0.0])
    f0, g0 = fg(x)
    res = backtracking(fg, x, np.array([10.0]), f0, g0)
    assert res.success and np.isfinite(res.f) and res.alpha * 10 <= 1


@pytest.mark.parametrize("search", [backtracking, strong_wolfe])
def test_ascent_direction_refused(search):
    x = np.array([1.0, 1.0])
    f0, g0 = 2.0, np.array([2.0, 2.0])
    with pytest.raises(ValueError, match="not a descent direction"):
        search(lambda z: (float(z @ z), 2 * z), x, g0, f0, g0)


def test_invalid_constants_refused():
    x = np.array([1.0])
    fg = lambda z: (float(z @ z), 2 * z)  # noqa: E731
    with pytest.raises(ValueError, match="c1"):
        strong_wolfe(fg, x, -2 * x, 1.0, 2 * x, c1=0.95, c2=0.9)
    with pytest.raises(ValueError, match="shrink"):
        backtracking(fg, x, -2 * x, 1.0, 2 * x, shrink=1.5)
