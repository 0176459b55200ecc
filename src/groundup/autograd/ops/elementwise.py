"""Element-wise arithmetic: + - * / neg pow exp log sqrt abs, maximum minimum where clip.

Each gradient is the local derivative times the incoming gradient, then summed back over
broadcast axes (``unbroadcast``). See docs/notes/backpropagation.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from groundup.autograd.ops._util import binary, lift
from groundup.autograd.tensor import Array, Context, Function, Tensor, unbroadcast

__all__ = [
    "abs",
    "add",
    "cast",
    "clip",
    "div",
    "exp",
    "log",
    "maximum",
    "minimum",
    "mul",
    "neg",
    "pow",
    "sqrt",
    "sub",
    "where",
]


class Add(Function):
    """c = a + b.  da = dc,  db = dc  (each summed over its broadcast axes)."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Array:
        ctx.shapes = (np.shape(a), np.shape(b))
        return np.add(a, b)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> tuple[Array | None, Array | None]:
        sa, sb = ctx.shapes
        na, nb = ctx.needs_input_grad
        return (unbroadcast(grad, sa) if na else None, unbroadcast(grad, sb) if nb else None)


class Sub(Function):
    """c = a - b.  da = dc,  db = -dc."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Array:
        ctx.shapes = (np.shape(a), np.shape(b))
        return np.subtract(a, b)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> tuple[Array | None, Array | None]:
        sa, sb = ctx.shapes
        na, nb = ctx.needs_input_grad
        return (unbroadcast(grad, sa) if na else None, unbroadcast(-grad, sb) if nb else None)


class Mul(Function):
    """c = a * b.  da = dc * b,  db = dc * a."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Array:
        ctx.save(a, b)
        return np.multiply(a, b)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> tuple[Array | None, Array | None]:
        a, b = ctx.saved
        na, nb = ctx.needs_input_grad
        return (
            unbroadcast(grad * b, np.shape(a)) if na else None,
            unbroadcast(grad * a, np.shape(b)) if nb else None,
        )


class Div(Function):
    """c = a / b.  da = dc / b,  db = -dc * a / b²."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Array:
        ctx.save(a, b)
        return np.divide(a, b)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> tuple[Array | None, Array | None]:
        a, b = ctx.saved
        na, nb = ctx.needs_input_grad
        ga = grad / b
        return (
            unbroadcast(ga, np.shape(a)) if na else None,
            unbroadcast(-ga * a / b, np.shape(b)) if nb else None,
        )


class Neg(Function):
    """c = -a.  da = -dc."""

    @staticmethod
    def forward(ctx: Context, a: Array) -> Array:
        return np.negative(a)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        return -grad


class Pow(Function):
    """c = a ** b.  da = dc · b · a^(b-1),  db = dc · c · ln a  (taken as 0 where a = 0)."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Array:
        out = np.power(a, b)
        ctx.save(a, b, out)
        return out

    @staticmethod
    def backward(ctx: Context, grad: Array) -> tuple[Array | None, Array | None]:
        a, b, out = ctx.saved
        na, nb = ctx.needs_input_grad
        ga = gb = None
        if na:
            ga = unbroadcast(grad * b * np.power(a, b - 1), np.shape(a))
        if nb:
            safe = np.where(a == 0, 1, a)
            gb = unbroadcast(grad * out * np.where(a == 0, 0, np.log(safe)), np.shape(b))
        return ga, gb


class Exp(Function):
    """c = eᵃ.  da = dc · c."""

    @staticmethod
    def forward(ctx: Context, a: Array) -> Array:
        out = np.exp(a)
        ctx.save(out)
        return out

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        (out,) = ctx.saved
        return grad * out


class Log(Function):
    """c = ln a.  da = dc / a."""

    @staticmethod
    def forward(ctx: Context, a: Array) -> Array:
        ctx.save(a)
        return np.log(a)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        (a,) = ctx.saved
        return grad / a


class Sqrt(Function):
    """c = √a.  da = dc / (2c)."""

    @staticmethod
    def forward(ctx: Context, a: Array) -> Array:
        out = np.sqrt(a)
        ctx.save(out)
        return out

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        (out,) = ctx.saved
        return grad / (2 * out)


class Abs(Function):
    """c = |a|.  da = dc · sign(a)  (0 at a = 0, as in PyTorch)."""

    @staticmethod
    def forward(ctx: Context, a: Array) -> Array:
        ctx.save(a)
        return np.abs(a)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        (a,) = ctx.saved
        return grad * np.sign(a)


class Cast(Function):
    """c = a as another dtype.  da = dc cast back."""

    @staticmethod
    def forward(ctx: Context, a: Array, dtype: DTypeLike | None = None) -> Array:
        ctx.dtype = a.dtype
        return a.astype(dtype)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        return grad.astype(ctx.dtype)


class Maximum(Function):
    """c = max(a, b) element-wise.  The gradient goes to the larger input; ties split it in half."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Array:
        ctx.save(a, b)
        return np.maximum(a, b)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> tuple[Array | None, Array | None]:
        a, b = ctx.saved
        share = np.where(a == b, 0.5, 1.0).astype(grad.dtype)
        na, nb = ctx.needs_input_grad
        return (
            unbroadcast(grad * share * (a >= b), np.shape(a)) if na else None,
            unbroadcast(grad * share * (b >= a), np.shape(b)) if nb else None,
        )


class Minimum(Function):
    """c = min(a, b) element-wise.  The gradient goes to the smaller input; ties split it."""

    @staticmethod
    def forward(ctx: Context, a: Any, b: Any) -> Array:
        ctx.save(a, b)
        return np.minimum(a, b)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> tuple[Array | None, Array | None]:
        a, b = ctx.saved
        share = np.where(a == b, 0.5, 1.0).astype(grad.dtype)
        na, nb = ctx.needs_input_grad
        return (
            unbroadcast(grad * share * (a <= b), np.shape(a)) if na else None,
            unbroadcast(grad * share * (b <= a), np.shape(b)) if nb else None,
        )


class Where(Function):
    """c = cond ? a : b.  da = dc where cond,  db = dc where not cond."""

    @staticmethod
    def forward(ctx: Context, cond: Array, a: Any, b: Any) -> Array:
        ctx.save(cond, np.shape(a), np.shape(b))
        return np.where(cond, a, b)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> tuple[None, Array | None, Array | None]:
        cond, sa, sb = ctx.saved
        _, na, nb = ctx.needs_input_grad
        zero = np.zeros((), dtype=grad.dtype)
        return (
            None,
            unbroadcast(np.where(cond, grad, zero), sa) if na else None,
            unbroadcast(np.where(cond, zero, grad), sb) if nb else None,
        )


class Clip(Function):
    """c = min(max(a, lo), hi).  da = dc where lo ≤ a ≤ hi, else 0 (PyTorch's convention)."""

    @staticmethod
    def forward(ctx: Context, a: Array, lo: float | None = None, hi: float | None = None) -> Array:
        mask = np.ones(a.shape, dtype=bool)
        if lo is not None:
            mask &= a >= lo
        if hi is not None:
            mask &= a <= hi
        ctx.save(mask)
        return np.clip(a, lo, hi)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        (mask,) = ctx.saved
        return grad * mask


def add(a: Any, b: Any) -> Tensor:
    """Element-wise sum a + b, with NumPy broadcasting.

    c = a + b;  ∂c/∂a = ∂c/∂b = 1.
    The gradient is summed back over broadcast axes. See docs/notes/backpropagation.md.

    Parameters
    ----------
    a, b : Tensor, array_like or Python scalar
        Operands; their shapes must broadcast (otherwise an error names both shapes).

    Returns
    -------
    Tensor
        The broadcast result.
    """
    return binary("add", Add.apply, a, b)


def sub(a: Any, b: Any) -> Tensor:
    """Element-wise difference a - b, with NumPy broadcasting.

    c = a - b;  ∂c/∂a = 1, ∂c/∂b = -1.
    The gradient is summed back over broadcast axes. See docs/notes/backpropagation.md.

    Parameters
    ----------
    a, b : Tensor, array_like or Python scalar
        Operands; their shapes must broadcast (otherwise an error names both shapes).

    Returns
    -------
    Tensor
        The broadcast result.
    """
    return binary("sub", Sub.apply, a, b)


def mul(a: Any, b: Any) -> Tensor:
    """Element-wise product a · b, with NumPy broadcasting.

    c = a·b;  ∂c/∂a = b, ∂c/∂b = a.
    The gradient is summed back over broadcast axes. See docs/notes/backpropagation.md.

    Parameters
    ----------
    a, b : Tensor, array_like or Python scalar
        Operands; their shapes must broadcast (otherwise an error names both shapes).

    Returns
    -------
    Tensor
        The broadcast result.
    """
    return binary("mul", Mul.apply, a, b)


def div(a: Any, b: Any) -> Tensor:
    """Element-wise quotient a / b, with NumPy broadcasting.

    c = a/b;  ∂c/∂a = 1/b, ∂c/∂b = -a/b².
    The gradient is summed back over broadcast axes. See docs/notes/backpropagation.md.

    Parameters
    ----------
    a, b : Tensor, array_like or Python scalar
        Operands; their shapes must broadcast (otherwise an error names both shapes).

    Returns
    -------
    Tensor
        The broadcast result.
    """
    return binary("div", Div.apply, a, b)


def pow(a: Any, b: Any) -> Tensor:  # noqa: A001  (mirrors torch.pow)
    """Element-wise power a ** b, with NumPy broadcasting.

    c = aᵇ;  ∂c/∂a = b·aᵇ⁻¹, ∂c/∂b = c·ln a (0 where a = 0).
    The gradient is summed back over broadcast axes. See docs/notes/backpropagation.md.

    Parameters
    ----------
    a, b : Tensor, array_like or Python scalar
        Operands; their shapes must broadcast (otherwise an error names both shapes).

    Returns
    -------
    Tensor
        The broadcast result.
    """
    return binary("pow", Pow.apply, a, b)


def maximum(a: Any, b: Any) -> Tensor:
    """Element-wise maximum of a and b, with NumPy broadcasting.

    c = max(a, b); the gradient goes to the larger input, ties split it (as PyTorch).
    The gradient is summed back over broadcast axes. See docs/notes/backpropagation.md.

    Parameters
    ----------
    a, b : Tensor, array_like or Python scalar
        Operands; their shapes must broadcast (otherwise an error names both shapes).

    Returns
    -------
    Tensor
        The broadcast result.
    """
    return binary("maximum", Maximum.apply, a, b)


def minimum(a: Any, b: Any) -> Tensor:
    """Element-wise minimum of a and b, with NumPy broadcasting.

    c = min(a, b); the gradient goes to the smaller input, ties split it (as PyTorch).
    The gradient is summed back over broadcast axes. See docs/notes/backpropagation.md.

    Parameters
    ----------
    a, b : Tensor, array_like or Python scalar
        Operands; their shapes must broadcast (otherwise an error names both shapes).

    Returns
    -------
    Tensor
        The broadcast result.
    """
    return binary("minimum", Minimum.apply, a, b)


def neg(a: Tensor) -> Tensor:
    """Negation -a, element-wise.

    c = -a;  dc/da = -1.  See docs/notes/backpropagation.md.

    Parameters
    ----------
    a : Tensor or array_like
        Input.

    Returns
    -------
    Tensor
        Same shape as ``a``.
    """
    return Neg.apply(lift(a))


def exp(a: Tensor) -> Tensor:
    """Exponential eᵃ, element-wise.

    c = eᵃ;  dc/da = c.  See docs/notes/backpropagation.md.

    Parameters
    ----------
    a : Tensor or array_like
        Input.

    Returns
    -------
    Tensor
        Same shape as ``a``.
    """
    return Exp.apply(lift(a))


def log(a: Tensor) -> Tensor:
    """Natural logarithm ln a, element-wise.

    c = ln a;  dc/da = 1/a.  See docs/notes/backpropagation.md.

    Parameters
    ----------
    a : Tensor or array_like
        Input.

    Returns
    -------
    Tensor
        Same shape as ``a``.
    """
    return Log.apply(lift(a))


def sqrt(a: Tensor) -> Tensor:
    """Square root √a, element-wise.

    c = √a;  dc/da = 1/(2c).  See docs/notes/backpropagation.md.

    Parameters
    ----------
    a : Tensor or array_like
        Input.

    Returns
    -------
    Tensor
        Same shape as ``a``.
    """
    return Sqrt.apply(lift(a))


def abs(a: Tensor) -> Tensor:  # noqa: A001
    """Absolute value |a|, element-wise.

    c = |a|;  dc/da = sign(a) (0 at a = 0, as PyTorch).  See docs/notes/backpropagation.md.

    Parameters
    ----------
    a : Tensor or array_like
        Input.

    Returns
    -------
    Tensor
        Same shape as ``a``.
    """
    return Abs.apply(lift(a))


def cast(a: Tensor, dtype: DTypeLike) -> Tensor:
    """``a`` converted to another dtype; the gradient is converted back.

    c = a (as ``dtype``);  dc/da = 1. See docs/notes/backpropagation.md.

    Parameters
    ----------
    a : Tensor
        Input.
    dtype : numpy dtype
        Target dtype.

    Returns
    -------
    Tensor
    """
    return Cast.apply(lift(a), dtype=dtype)


def where(cond: Any, a: Any, b: Any) -> Tensor:
    """Select from ``a`` where ``cond`` holds, else from ``b`` (broadcasting).

    c = cond ? a : b;  ∂c/∂a = cond, ∂c/∂b = 1 - cond; ``cond`` gets no gradient.
    See docs/notes/backpropagation.md.

    Parameters
    ----------
    cond : array_like of bool
        Selector.
    a, b : Tensor, array_like or scalar
        Values.

    Returns
    -------
    Tensor
        The broadcast selection.
    """
    c = np.asarray(cond.data if isinstance(cond, Tensor) else cond, dtype=bool)
    a, b = lift(a), lift(b)
    try:
        return Where.apply(c, a, b)
    except ValueError as exc:
        shapes = (c.shape, np.shape(getattr(a, "data", a)), np.shape(getattr(b, "data", b)))
        raise ValueError(f"where: shapes {shapes} cannot be broadcast together ({exc})") from None


def clip(a: Tensor, min: float | None = None, max: float | None = None) -> Tensor:  # noqa: A002
    """Clamp every entry to ``[min, max]`` (``torch.clamp``).

    c = min(max(a, lo), hi);  dc/da = 1 where lo ≤ a ≤ hi, else 0.
    See docs/notes/backpropagation.md.

    Parameters
    ----------
    a : Tensor
        Input.
    min, max : float, optional
        Bounds (at least one; ``min`` ≤ ``max``).

    Returns
    -------
    Tensor
    """
    if min is None and max is None:
        raise ValueError("clip: at least one of min and max must be given")
    if min is not None and max is not None and min > max:
        raise ValueError(f"clip: min ({min}) must not exceed max ({max})")
    return Clip.apply(lift(a), lo=min, hi=max)
