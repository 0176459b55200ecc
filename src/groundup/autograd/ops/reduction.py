"""Reductions and normalisers: sum mean max min var logsumexp softmax log_softmax.

A reduction's gradient spreads the output gradient back over the reduced axes: evenly for
``sum``/``mean``, to the arg-max for ``max``/``min`` (ties share), ``2(x - x̄)/(n - ddof)``
for ``var``, the softmax weights for ``logsumexp``. See docs/notes/backpropagation.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from groundup.autograd.ops._util import lift, normalize_axes
from groundup.autograd.tensor import Array, Context, Function, Tensor

__all__ = ["log_softmax", "logsumexp", "max", "mean", "min", "softmax", "sum", "var"]

Axis = int | Sequence[int] | None


def _expand(grad: Array, axes: tuple[int, ...], keepdims: bool) -> Array:
    """Re-insert the reduced axes of ``grad`` (size 1) so it broadcasts against the input."""
    return grad if keepdims else np.expand_dims(grad, axes)


class Sum(Function):
    """c = Σ_axes a.  da = dc broadcast back over the summed axes."""

    @staticmethod
    def forward(
        ctx: Context, a: Array, axes: tuple[int, ...] = (), keepdims: bool = False
    ) -> Array:
        ctx.shape, ctx.axes, ctx.keepdims = a.shape, axes, keepdims
        return a.sum(axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        return np.broadcast_to(_expand(grad, ctx.axes, ctx.keepdims), ctx.shape)


class Mean(Function):
    """c = (1/n) Σ_axes a.  da = dc / n broadcast back."""

    @staticmethod
    def forward(
        ctx: Context, a: Array, axes: tuple[int, ...] = (), keepdims: bool = False
    ) -> Array:
        ctx.shape, ctx.axes, ctx.keepdims = a.shape, axes, keepdims
        ctx.count = int(np.prod([a.shape[i] for i in axes]))
        return a.mean(axis=axes, keepdims=keepdims)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        return np.broadcast_to(_expand(grad, ctx.axes, ctx.keepdims) / ctx.count, ctx.shape)


class _Extreme(Function):
    """Shared max/min: the gradient flows to the extreme entries, split evenly among ties."""

    reducer: Callable[..., Any] = staticmethod(np.max)

    @classmethod
    def forward(  # type: ignore[override]
        cls, ctx: Context, a: Array, axes: tuple[int, ...] = (), keepdims: bool = False
    ) -> Array:
        out = cls.reducer(a, axis=axes, keepdims=True)
        mask = a == out
        ctx.save(mask / mask.sum(axis=axes, keepdims=True))
        ctx.axes, ctx.keepdims = axes, keepdims
        return out if keepdims else np.squeeze(out, axis=axes)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        (share,) = ctx.saved
        return (_expand(grad, ctx.axes, ctx.keepdims) * share).astype(grad.dtype, copy=False)


class Max(_Extreme):
    """c = max_axes a.  da = dc at the arg-max (ties share equally)."""

    reducer = staticmethod(np.max)


class Min(_Extreme):
    """c = min_axes a.  da = dc at the arg-min (ties share equally)."""

    reducer = staticmethod(np.min)


class Var(Function):
    """c = Σ (a - ā)² / (n - ddof).  da = dc · 2(a - ā)/(n - ddof)  (ā's own term sums to 0)."""

    @staticmethod
    def forward(
        ctx: Context, a: Array, axes: tuple[int, ...] = (), keepdims: bool = False, ddof: int = 0
    ) -> Array:
        centred = a - a.mean(axis=axes, keepdims=True)
        n = int(np.prod([a.shape[i] for i in axes]))
        ctx.save(centred)
        ctx.axes, ctx.keepdims, ctx.denom = axes, keepdims, n - ddof
        return (centred * centred).sum(axis=axes, keepdims=keepdims) / (n - ddof)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        (centred,) = ctx.saved
        return _expand(grad, ctx.axes, ctx.keepdims) * (2.0 / ctx.denom) * centred


class LogSumExp(Function):
    """c = log Σ eᵃ = m + log Σ e^(a - m) with m = max a (no overflow).  da = dc · softmax(a)."""

    @staticmethod
    def forward(
        ctx: Context, a: Array, axes: tuple[int, ...] = (), keepdims: bool = False
    ) -> Array:
        m = a.max(axis=axes, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)
        e = np.exp(a - m)
        s = e.sum(axis=axes, keepdims=True)
        ctx.save(e / s)
        ctx.axes, ctx.keepdims = axes, keepdims
        out = np.log(s) + m
        return out if keepdims else np.squeeze(out, axis=axes)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        (p,) = ctx.saved
        return _expand(grad, ctx.axes, ctx.keepdims) * p


class Softmax(Function):
    """s = e^(a - max a) / Σ e^(a - max a).  da = s ⊙ (dc - Σ dc ⊙ s)."""

    @staticmethod
    def forward(ctx: Context, a: Array, axis: int = -1) -> Array:
        e = np.exp(a - a.max(axis=axis, keepdims=True))
        out = e / e.sum(axis=axis, keepdims=True)
        ctx.save(out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        (s,) = ctx.saved
        return s * (grad - (grad * s).sum(axis=ctx.axis, keepdims=True))


class LogSoftmax(Function):
    """c = a - logsumexp(a).  da = dc - softmax(a) · Σ dc."""

    @staticmethod
    def forward(ctx: Context, a: Array, axis: int = -1) -> Array:
        shifted = a - a.max(axis=axis, keepdims=True)
        out = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
        ctx.save(out)
        ctx.axis = axis
        return out

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        (out,) = ctx.saved
        return grad - np.exp(out) * grad.sum(axis=ctx.axis, keepdims=True)


def _reduce(fn: type[Function], name: str, a: Tensor, axis: Axis, keepdims: bool) -> Tensor:
    a = lift(a)
    if a.size == 0:
        raise ValueError(f"{name}: cannot reduce an empty tensor (shape {a.shape})")
    return fn.apply(a, axes=normalize_axes(axis, a.ndim), keepdims=keepdims)


def sum(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Sum over ``axis`` (every axis if None).

    c = Σ_axis a;  ∂c/∂a = 1 (the gradient is broadcast back).
    See docs/notes/backpropagation.md.

    Parameters
    ----------
    a : Tensor
        Input.
    axis : int, tuple of int or None
        Axes to reduce (NumPy's spelling of PyTorch's ``dim``).
    keepdims : bool
        Keep reduced axes with size 1.

    Returns
    -------
    Tensor
        The reduction.
    """
    a = lift(a)
    return Sum.apply(a, axes=normalize_axes(axis, a.ndim), keepdims=keepdims)


def mean(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Arithmetic mean over ``axis`` (every axis if None).

    c = (1/n) Σ_axis a;  ∂c/∂a = 1/n.
    See docs/notes/backpropagation.md.

    Parameters
    ----------
    a : Tensor
        Input.
    axis : int, tuple of int or None
        Axes to reduce (NumPy's spelling of PyTorch's ``dim``).
    keepdims : bool
        Keep reduced axes with size 1.

    Returns
    -------
    Tensor
        The reduction.
    """
    return _reduce(Mean, "mean", a, axis, keepdims)


def max(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Maximum over ``axis`` (like ``torch.amax``).

    c = max_axis a;  the gradient goes to the maximal entries, ties share it equally.
    See docs/notes/backpropagation.md.

    Parameters
    ----------
    a : Tensor
        Input.
    axis : int, tuple of int or None
        Axes to reduce (NumPy's spelling of PyTorch's ``dim``).
    keepdims : bool
        Keep reduced axes with size 1.

    Returns
    -------
    Tensor
        The reduction.
    """
    return _reduce(Max, "max", a, axis, keepdims)


def min(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Minimum over ``axis`` (like ``torch.amin``).

    c = min_axis a;  the gradient goes to the minimal entries, ties share it equally.
    See docs/notes/backpropagation.md.

    Parameters
    ----------
    a : Tensor
        Input.
    axis : int, tuple of int or None
        Axes to reduce (NumPy's spelling of PyTorch's ``dim``).
    keepdims : bool
        Keep reduced axes with size 1.

    Returns
    -------
    Tensor
        The reduction.
    """
    return _reduce(Min, "min", a, axis, keepdims)


def logsumexp(a: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """log Σ exp(a) over ``axis``, computed stably.

    c = m + log Σ e^(a - m), m = max a;  ∂c/∂a = softmax(a).
    See docs/notes/backpropagation.md.

    Parameters
    ----------
    a : Tensor
        Input.
    axis : int, tuple of int or None
        Axes to reduce (NumPy's spelling of PyTorch's ``dim``).
    keepdims : bool
        Keep reduced axes with size 1.

    Returns
    -------
    Tensor
        The reduction.
    """
    return _reduce(LogSumExp, "logsumexp", a, axis, keepdims)


def var(a: Tensor, axis: Axis = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
    """Variance over ``axis`` with NumPy's ``ddof`` (default 0; ``torch.var`` defaults to 1).

    c = Σ (a - ā)² / (n - ddof);  ∂c/∂a = 2(a - ā)/(n - ddof).
    See docs/notes/backpropagation.md.

    Parameters
    ----------
    a : Tensor
        Input.
    axis : int, tuple of int or None
        Axes to reduce.
    keepdims : bool
        Keep reduced axes with size 1.
    ddof : int
        Delta degrees of freedom (PyTorch's ``correction``).

    Returns
    -------
    Tensor
        The variance.
    """
    a = lift(a)
    axes = normalize_axes(axis, a.ndim)
    n = int(np.prod([a.shape[i] for i in axes]))
    if n - ddof <= 0:
        raise ValueError(f"var: {n} values with ddof={ddof} leave no degrees of freedom")
    return Var.apply(a, axes=axes, keepdims=keepdims, ddof=ddof)


def softmax(a: Tensor, axis: int = -1) -> Tensor:
    """Softmax along ``axis``, shifted by the maximum for stability.

    sᵢ = e^(aᵢ) / Σⱼ e^(aⱼ);  ā = s ⊙ (s̄ - Σ s̄ ⊙ s). See docs/notes/backpropagation.md.

    Parameters
    ----------
    a : Tensor
        Logits.
    axis : int
        The axis that sums to one.

    Returns
    -------
    Tensor
        Probabilities, same shape.
    """
    a = lift(a)
    (ax,) = normalize_axes(axis, a.ndim)
    return Softmax.apply(a, axis=ax)


def log_softmax(a: Tensor, axis: int = -1) -> Tensor:
    """Logarithm of the softmax along ``axis``, computed stably.

    c = a - logsumexp(a);  ā = c̄ - softmax(a) Σ c̄. See docs/notes/backpropagation.md.

    Parameters
    ----------
    a : Tensor
        Logits.
    axis : int
        The class axis.

    Returns
    -------
    Tensor
        Log-probabilities, same shape.
    """
    a = lift(a)
    (ax,) = normalize_axes(axis, a.ndim)
    return LogSoftmax.apply(a, axis=ax)
