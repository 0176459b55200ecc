"""Activation functions: tanh, sigmoid, relu, leaky_relu, gelu, softplus (and erf for GELU).

Each is element-wise, so its gradient is ``dc · f'(a)``; where ``f'`` is cheaper from the
output (tanh, sigmoid) the output is what gets saved. See docs/notes/activations.md.
"""

from __future__ import annotations

import math

import numpy as np

from groundup.autograd.ops._util import lift
from groundup.autograd.tensor import Array, Context, Function, Tensor

__all__ = ["erf", "erfc", "gelu", "leaky_relu", "relu", "sigmoid", "softplus", "tanh"]

_SQRT_2 = math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def erf(x: Array) -> Array:
    """The error function erf(x) = 2/√π ∫₀ˣ e^(-t²) dt, element-wise, to ~1e-15.

    NumPy has no erf, and GELU needs an accurate one. For |x| < 2.5 the everywhere-positive
    series erf(x) = 2/√π · e^(-x²) · Σₙ (2x²)ⁿ x / (1·3·…·(2n+1)) (no cancellation); beyond,
    1 - erfc(|x|) from erfc's continued fraction. See docs/notes/activations.md.

    Parameters
    ----------
    x : ndarray
        Points.

    Returns
    -------
    ndarray
        erf(x) in float64.
    """
    x = np.asarray(x, dtype=np.float64)
    return np.where(x >= 0, 1.0 - erfc(x), erfc(-x) - 1.0)


def erfc(x: Array) -> Array:
    """The complementary error function 1 - erf(x), accurate in the far right tail too.

    For x ≥ 2.5 it is the continued fraction e^(-x²)/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x + …)))),
    evaluated bottom-up over 60 levels; elsewhere 1 - series (see :func:`erf`).
    See docs/notes/activations.md.

    Parameters
    ----------
    x : ndarray
        Points.

    Returns
    -------
    ndarray
        erfc(x) in float64, with relative accuracy in the right tail.
    """
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    small = np.abs(x) < 2.5
    if small.any():
        xs = x[small]
        two_x2 = 2.0 * xs * xs
        term = xs.copy()
        total = xs.copy()
        for n in range(1, 60):  # loop over series terms, not over elements
            term = term * two_x2 / (2 * n + 1)
            total += term
        out[small] = 1.0 - 2.0 / math.sqrt(math.pi) * np.exp(-xs * xs) * total
    big = ~small
    if big.any():
        xb = np.abs(x[big])
        t = xb.copy()
        for k in range(60, 0, -1):
            t = xb + (k / 2.0) / t
        tail = np.exp(-xb * xb) / math.sqrt(math.pi) / t
        out[big] = np.where(x[big] > 0, tail, 2.0 - tail)
    return out


class Tanh(Function):
    """c = tanh a.  da = dc · (1 - c²)."""

    @staticmethod
    def forward(ctx: Context, a: Array) -> Array:
        out = np.tanh(a)
        ctx.save(out)
        return out

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        (out,) = ctx.saved
        return grad * (1 - out * out)


def _sigmoid(a: Array) -> Array:
    # e^(-|a|) never overflows; pick the algebraically equal form that divides by ≥ 1.
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1 / (1 + e), e / (1 + e))


class Sigmoid(Function):
    """c = 1/(1 + e^(-a)).  da = dc · c(1 - c)."""

    @staticmethod
    def forward(ctx: Context, a: Array) -> Array:
        out = _sigmoid(a)
        ctx.save(out)
        return out

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        (out,) = ctx.saved
        return grad * out * (1 - out)


class Relu(Function):
    """c = max(a, 0).  da = dc where a > 0 (0 at a = 0, as PyTorch)."""

    @staticmethod
    def forward(ctx: Context, a: Array) -> Array:
        out = np.maximum(a, 0)
        ctx.save(out)
        return out

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        (out,) = ctx.saved
        return grad * (out > 0)


class LeakyRelu(Function):
    """c = a if a > 0 else slope·a.  da = dc or slope·dc."""

    @staticmethod
    def forward(ctx: Context, a: Array, slope: float = 0.01) -> Array:
        pos = a > 0
        ctx.save(pos)
        ctx.slope = slope
        return np.where(pos, a, a * slope)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        (pos,) = ctx.saved
        return np.where(pos, grad, grad * ctx.slope)


class Gelu(Function):
    """c = a·Φ(a) with Φ the normal CDF.  da = dc · (Φ(a) + a·φ(a)).

    ``approximate="tanh"``: c = ½a(1 + tanh u), u = √(2/π)(a + 0.044715a³).
    """

    @staticmethod
    def forward(ctx: Context, a: Array, approximate: str = "none") -> Array:
        ctx.approximate = approximate
        if approximate == "tanh":
            t = np.tanh(_SQRT_2_OVER_PI * (a + 0.044715 * a**3))
            ctx.save(a, t)
            return 0.5 * a * (1 + t)
        cdf = (0.5 * erfc(-a / _SQRT_2)).astype(a.dtype)
        ctx.save(a, cdf)
        return a * cdf

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        a, s = ctx.saved
        if ctx.approximate == "tanh":
            du = _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * a * a)
            return grad * (0.5 * (1 + s) + 0.5 * a * (1 - s * s) * du)
        pdf = _INV_SQRT_2PI * np.exp(-0.5 * a * a)
        return grad * (s + a * pdf)


class Softplus(Function):
    """c = log(1 + e^(βa))/β (c = a once βa > threshold).  da = dc · σ(βa)."""

    @staticmethod
    def forward(ctx: Context, a: Array, beta: float = 1.0, threshold: float = 20.0) -> Array:
        z = a * beta
        linear = z > threshold
        ctx.save(z, linear)
        return np.where(linear, a, np.log1p(np.exp(np.minimum(z, threshold))) / beta)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        z, linear = ctx.saved
        return np.where(linear, grad, grad * _sigmoid(z))


def tanh(a: Tensor) -> Tensor:
    """Hyperbolic tangent, element-wise.

    c = tanh a;  dc/da = 1 - c². See docs/notes/activations.md.

    Parameters
    ----------
    a : Tensor
        Input.

    Returns
    -------
    Tensor
        Values in (-1, 1), same shape.
    """
    return Tanh.apply(lift(a))


def sigmoid(a: Tensor) -> Tensor:
    """Logistic sigmoid, element-wise, computed without overflow.

    σ(a) = 1/(1 + e⁻ᵃ);  dσ/da = σ(1 - σ). See docs/notes/activations.md.

    Parameters
    ----------
    a : Tensor
        Input.

    Returns
    -------
    Tensor
        Values in (0, 1), same shape.
    """
    return Sigmoid.apply(lift(a))


def relu(a: Tensor) -> Tensor:
    """Rectified linear unit, element-wise.

    c = max(a, 0);  dc/da = 1 where a > 0, else 0. See docs/notes/activations.md.

    Parameters
    ----------
    a : Tensor
        Input.

    Returns
    -------
    Tensor
        Same shape.
    """
    return Relu.apply(lift(a))


def leaky_relu(a: Tensor, negative_slope: float = 0.01) -> Tensor:
    """Leaky ReLU, element-wise.

    c = a if a > 0 else α·a;  dc/da = 1 or α. See docs/notes/activations.md.

    Parameters
    ----------
    a : Tensor
        Input.
    negative_slope : float
        α, the slope for negative inputs.

    Returns
    -------
    Tensor
        Same shape.
    """
    return LeakyRelu.apply(lift(a), slope=negative_slope)


def gelu(a: Tensor, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit, element-wise (exact, or the tanh approximation).

    c = a·Φ(a), Φ the standard normal CDF;  dc/da = Φ(a) + a·φ(a).
    See docs/notes/activations.md.

    Parameters
    ----------
    a : Tensor
        Input.
    approximate : {"none", "tanh"}
        ``"tanh"``: ½a(1 + tanh(√(2/π)(a + 0.044715a³))), as PyTorch.

    Returns
    -------
    Tensor
        Same shape.
    """
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return Gelu.apply(lift(a), approximate=approximate)


def softplus(a: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """Softplus, a smooth ReLU, element-wise (linear above ``threshold``, as PyTorch).

    c = log(1 + e^(βa))/β;  dc/da = σ(βa). See docs/notes/activations.md.

    Parameters
    ----------
    a : Tensor
        Input.
    beta : float
        β > 0, the sharpness.
    threshold : float
        Above βa > threshold the function is the identity.

    Returns
    -------
    Tensor
        Same shape.
    """
    if beta <= 0:
        raise ValueError(f"softplus: beta must be > 0, got {beta}")
    return Softplus.apply(lift(a), beta=beta, threshold=threshold)
