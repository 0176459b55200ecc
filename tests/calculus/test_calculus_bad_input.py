"""Calculus routines refuse bad input and non-finite function values with clear errors."""

import numpy as np
import pytest

from groundup.calculus import derivative, gradcheck, gradient, hessian, jacobian

MULTI = {
    "gradient": lambda f, x, **kw: gradient(f, x, **kw),
    "jacobian": lambda f, x, **kw: jacobian(f, x, **kw),
    "hessian": lambda f, x, **kw: hessian(f, x, **kw),
    "gradcheck": lambda f, x, **kw: gradcheck(f, lambda x: 2 * x, x, **kw),
}


def sq(x):
    return float(np.sum(x * x))


@pytest.mark.parametrize("name", sorted(MULTI))
def test_point_validated(name):
    call = MULTI[name]
    with pytest.raises(ValueError, match="x contains NaN or infinity"):
        call(sq, np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="x must be 1-dimensional"):
        call(sq, np.ones((2, 2)))
    with pytest.raises(ValueError, match="x is empty"):
        call(sq, np.empty(0))
    with pytest.raises(TypeError, match="f must be callable"):
        call(3.0, np.ones(2))
    with pytest.raises(ValueError, match="h must be finite and > 0"):
        call(sq, np.ones(2), h=-1e-3)
    with pytest.raises(ValueError, match=r"h has shape \(3,\) but x has shape \(2,\)"):
        call(sq, np.ones(2), h=np.full(3, 1e-3))


@pytest.mark.parametrize("name", sorted(MULTI))
def test_non_finite_function_value_refused(name):
    def f(x):
        return np.log(x[0] - 1.0) + x[1]  # NaN/-inf for x[0] ≤ 1

    with np.errstate(all="ignore"), pytest.raises(ValueError, match="f returned a non-finite"):
        MULTI[name](f, np.array([1.0, 2.0]))


def test_derivative_validates():
    with pytest.raises(ValueError, match="order must be 1 or 2, got 3"):
        derivative(np.sin, 1.0, order=3)
    with pytest.raises(ValueError, match="x contains NaN"):
        derivative(np.sin, np.nan)
    with pytest.raises(TypeError, match="f must be callable"):
        derivative("sin", 1.0)
    with pytest.raises(ValueError, match="h must be finite and > 0"):
        derivative(np.sin, 1.0, h=0.0)
    with (
        pytest.raises(ValueError, match="f returned a non-finite value"),
        np.errstate(all="ignore"),
    ):
        derivative(np.log, 0.0)
    with pytest.raises(ValueError, match="f must act elementwise"):
        derivative(lambda x: np.sum(x), np.ones(3))


def test_function_output_shape_checked():
    with pytest.raises(ValueError, match="f must return a scalar"):
        gradient(lambda x: x, np.ones(3))
    with pytest.raises(ValueError, match="one value per row"):
        gradient(lambda P: 1.0, np.ones(3), vectorized=True)
    with pytest.raises(ValueError, match="different sizes"):
        jacobian(lambda x: np.ones(int(x[0] > 1) + 1), np.ones(2))


def test_gradcheck_validates_grad():
    with pytest.raises(ValueError, match=r"grad\(x\) has shape \(3,\) but x has shape \(2,\)"):
        gradcheck(sq, lambda x: np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match=r"grad\(x\) contains NaN"):
        gradcheck(sq, lambda x: x * np.nan, np.ones(2))
    with pytest.raises(TypeError, match="grad must be callable"):
        gradcheck(sq, None, np.ones(2))
    with pytest.raises(ValueError, match="floor must be finite and > 0"):
        gradcheck(sq, lambda x: 2 * x, np.ones(2), floor=0.0)
