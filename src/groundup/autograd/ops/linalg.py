"""Matrix products: ``matmul`` (batched, NumPy/PyTorch semantics) and the fused ``linear``.

C = A B gives dA = dC Bᵀ and dB = Aᵀ dC; batch axes that were broadcast are summed back.
See docs/notes/backpropagation.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from groundup.autograd.ops._util import lift
from groundup.autograd.tensor import Array, Context, Function, Tensor, unbroadcast

__all__ = ["linear", "matmul"]


def _swap(a: Array) -> Array:
    return np.swapaxes(a, -1, -2)


class Matmul(Function):
    """C = A @ B.  dA = dC @ Bᵀ,  dB = Aᵀ @ dC  (1-D operands promoted, batch axes summed)."""

    @staticmethod
    def forward(ctx: Context, a: Array, b: Array) -> Array:
        ctx.save(a, b)
        return np.matmul(a, b)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> tuple[Array | None, Array | None]:
        a, b = ctx.saved
        na, nb = ctx.needs_input_grad
        if a.ndim == 1 and b.ndim == 1:  # inner product: grad is a scalar
            return (grad * b if na else None, grad * a if nb else None)
        # Promote vectors to matrices exactly as matmul did, so one formula covers all cases.
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        g = np.expand_dims(grad, -2) if a.ndim == 1 else grad
        g = np.expand_dims(g, -1) if b.ndim == 1 else g
        ga = unbroadcast(g @ _swap(b2), a2.shape).reshape(a.shape) if na else None
        gb = unbroadcast(_swap(a2) @ g, b2.shape).reshape(b.shape) if nb else None
        return ga, gb


class Linear(Function):
    """y = x Wᵀ + b over the last axis of x.  dx = dy W,  dW = dyᵀ x,  db = Σ dy (batch axes)."""

    @staticmethod
    def forward(ctx: Context, x: Array, w: Array, b: Array | None = None) -> Array:
        ctx.save(x, w)
        out = x @ w.T
        if b is not None:
            out += b
        return out

    @staticmethod
    def backward(ctx: Context, grad: Array) -> tuple[Array | None, Array | None, Array | None]:
        x, w = ctx.saved
        nx, nw, nb = (*ctx.needs_input_grad, False)[:3]
        g2 = grad.reshape(-1, grad.shape[-1])
        gx = grad @ w if nx else None
        gw = g2.T @ x.reshape(-1, x.shape[-1]) if nw else None
        gb = g2.sum(axis=0) if nb else None
        return gx, gw, gb


def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product with NumPy's broadcasting of batch axes (1-D operands promoted).

    C = A B;  Ā = C̄ Bᵀ, B̄ = Aᵀ C̄ (summed over broadcast batch axes).
    See docs/notes/backpropagation.md.

    Parameters
    ----------
    a, b : Tensor or array_like
        Operands with matching inner dimensions.

    Returns
    -------
    Tensor
    """
    a, b = lift(a), lift(b)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(
            f"matmul: operands must be at least 1-D, got shapes {a.shape} and {b.shape}"
        )
    k_a = a.shape[-1]
    k_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if k_a != k_b:
        raise ValueError(
            f"matmul: shapes {a.shape} and {b.shape} are not aligned "
            f"(inner dimensions {k_a} and {k_b} differ)"
        )
    try:
        return Matmul.apply(a, b)
    except ValueError:
        raise ValueError(
            f"matmul: batch shapes of {a.shape} and {b.shape} do not broadcast"
        ) from None


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """Affine map over the last axis, ``weight`` (out, in) as in PyTorch — one fused node.

    y = x Wᵀ + b;  x̄ = ȳ W, W̄ = ȳᵀ x, b̄ = Σ ȳ. See docs/notes/backpropagation.md.

    Parameters
    ----------
    x : Tensor
        Input (..., in).
    weight : Tensor
        (out, in).
    bias : Tensor, optional
        (out,).

    Returns
    -------
    Tensor
        (..., out).
    """
    x = lift(x)
    if x.ndim == 0 or x.shape[-1] != weight.shape[1]:
        raise ValueError(
            f"linear: input of shape {x.shape} does not match weight of shape "
            f"{weight.shape} (expected last axis {weight.shape[1]})"
        )
    if bias is None:
        return Linear.apply(x, weight)
    return Linear.apply(x, weight, bias)
