"""2-D convolution and pooling on (N, C, H, W) arrays, by im2col.

``sliding_window_view`` exposes every receptive field as a strided view without copying;
one reshape lays them out as the rows of a matrix ("im2col"), so the convolution becomes a
single (batched over groups) matrix product:  out = cols @ Wᵀ.  Backward is two more
products, dW = dOutᵀ cols and dcols = dOut W, and "col2im" adds each kernel offset's slice of
dcols back into the input gradient: a loop over the kh·kw kernel offsets, never over
samples or pixels. See docs/notes/backpropagation.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from groundup.autograd.ops._util import lift
from groundup.autograd.tensor import Array, Context, Function, Tensor

__all__ = ["avg_pool2d", "conv2d", "max_pool2d"]

Pair = tuple[int, int]
Padding = tuple[int, int, int, int]  # top, bottom, left, right


def _pair(v: int | tuple[int, ...] | list[int], name: str) -> Pair:
    if isinstance(v, int | np.integer):
        p = (int(v), int(v))
    else:
        vals = tuple(int(i) for i in v)
        if len(vals) != 2:
            raise ValueError(f"{name} must be an int or a pair, got {v!r}")
        p = (vals[0], vals[1])
    return p


def _windows(xp: Array, k: Pair, stride: Pair, dilation: Pair) -> Array:
    """View of shape (N, C, Ho, Wo, kh, kw): every receptive field, without copying."""
    ext = (dilation[0] * (k[0] - 1) + 1, dilation[1] * (k[1] - 1) + 1)
    view = sliding_window_view(xp, ext, axis=(2, 3))
    return view[:, :, :: stride[0], :: stride[1], :: dilation[0], :: dilation[1]]


def _col2im(
    dwin: Array, shape: tuple[int, ...], k: Pair, stride: Pair, dilation: Pair, out_hw: Pair
) -> Array:
    """Adjoint of :func:`_windows`: add every window's gradient back into a padded input."""
    dxp = np.zeros(shape, dtype=dwin.dtype)
    ho, wo = out_hw
    for i in range(k[0]):
        r = i * dilation[0]
        for j in range(k[1]):
            c = j * dilation[1]
            dxp[
                :,
                :,
                r : r + stride[0] * (ho - 1) + 1 : stride[0],
                c : c + stride[1] * (wo - 1) + 1 : stride[1],
            ] += dwin[..., i, j]
    return dxp


def _unpad(a: Array, pad: Padding) -> Array:
    t, b, left, r = pad
    return a[:, :, t : a.shape[2] - b, left : a.shape[3] - r]


class Conv2d(Function):
    """out[n, o] = Σ_c Σ_ij W[o, c, i, j] · x[n, c, s·h + d·i, s·w + d·j] + b[o]  (im2col + GEMM)."""

    @staticmethod
    def forward(
        ctx: Context,
        x: Array,
        w: Array,
        b: Array | None = None,
        stride: Pair = (1, 1),
        padding: Padding = (0, 0, 0, 0),
        dilation: Pair = (1, 1),
        groups: int = 1,
    ) -> Array:
        n, c, _, _ = x.shape
        o, cg, kh, kw = w.shape
        g, og = groups, o // groups
        t, bo, left, r = padding
        xp = np.pad(x, ((0, 0), (0, 0), (t, bo), (left, r))) if any(padding) else x
        win = _windows(xp, (kh, kw), stride, dilation)  # (N, C, Ho, Wo, kh, kw)
        ho, wo = win.shape[2], win.shape[3]
        # (g, N·Ho·Wo, Cg·kh·kw): one row per output pixel, one matrix per group.
        cols = (
            win.reshape(n, g, cg, ho, wo, kh, kw)
            .transpose(1, 0, 3, 4, 2, 5, 6)
            .reshape(g, n * ho * wo, cg * kh * kw)
        )
        wmat = w.reshape(g, og, cg * kh * kw)
        out = np.matmul(cols, wmat.transpose(0, 2, 1))  # (g, N·Ho·Wo, Og)
        out = out.reshape(g, n, ho, wo, og).transpose(1, 0, 4, 2, 3).reshape(n, o, ho, wo)
        if b is not None:
            out = out + b.reshape(1, o, 1, 1)
        ctx.save(cols, wmat)
        ctx.meta = (xp.shape, padding, (kh, kw), stride, dilation, (ho, wo), w.shape, c)
        return out

    @staticmethod
    def backward(ctx: Context, grad: Array) -> tuple[Array | None, Array | None, Array | None]:
        cols, wmat = ctx.saved
        xp_shape, padding, k, stride, dilation, (ho, wo), w_shape, c = ctx.meta
        g, og, ckk = wmat.shape
        n = grad.shape[0]
        nx, nw, nb = (*ctx.needs_input_grad, False)[:3]
        gm = grad.reshape(n, g, og, ho, wo).transpose(1, 0, 3, 4, 2).reshape(g, n * ho * wo, og)
        gx = gw = gb = None
        if nw:
            gw = np.matmul(gm.transpose(0, 2, 1), cols).reshape(w_shape)
        if nb:
            gb = grad.sum(axis=(0, 2, 3))
        if nx:
            dcols = np.matmul(gm, wmat)  # (g, N·Ho·Wo, Cg·kh·kw)
            cg = c // g
            dwin = (
                dcols.reshape(g, n, ho, wo, cg, k[0], k[1])
                .transpose(1, 0, 4, 2, 3, 5, 6)
                .reshape(n, c, ho, wo, k[0], k[1])
            )
            gx = _unpad(_col2im(dwin, xp_shape, k, stride, dilation, (ho, wo)), padding)
        return gx, gw, gb


def _offset(k: Pair, stride: Pair, out_hw: Pair, i: int, j: int) -> tuple[slice, ...]:
    """Index of the input cells that kernel offset (i, j) reads, one per output pixel."""
    (ho, wo), (sh, sw) = out_hw, stride
    return (
        slice(None),
        slice(None),
        slice(i, i + sh * (ho - 1) + 1, sh),
        slice(j, j + sw * (wo - 1) + 1, sw),
    )


class MaxPool2d(Function):
    """out = max over each window.  dx = dout routed to the (first) arg-max of its window.

    Both passes loop over the kh·kw kernel offsets, each a strided view of the input of the
    output's size: no window array is ever materialised.
    """

    @staticmethod
    def forward(
        ctx: Context, x: Array, kernel: Pair = (2, 2), stride: Pair = (2, 2), padding: Pair = (0, 0)
    ) -> Array:
        ph, pw = padding
        xp = (
            np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
            if ph or pw
            else x
        )
        ho = (xp.shape[2] - kernel[0]) // stride[0] + 1
        wo = (xp.shape[3] - kernel[1]) // stride[1] + 1
        out = xp[_offset(kernel, stride, (ho, wo), 0, 0)].copy()
        for k in range(1, kernel[0] * kernel[1]):
            np.maximum(
                out, xp[_offset(kernel, stride, (ho, wo), k // kernel[1], k % kernel[1])], out=out
            )
        ctx.save(xp, out)  # the arg-max is recovered in backward (branch-free comparisons)
        ctx.meta = (xp.shape, (ph, ph, pw, pw), kernel, stride, (ho, wo))
        return out

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        xp, out = ctx.saved
        xp_shape, padding, k, stride, out_hw = ctx.meta
        dxp = np.zeros(xp_shape, dtype=grad.dtype)
        taken = np.zeros(out.shape, dtype=bool)
        for n in range(k[0] * k[1]):
            where = _offset(k, stride, out_hw, n // k[1], n % k[1])
            hit = xp[where] == out
            hit &= ~taken  # ties: only the first offset holding the maximum, as PyTorch
            taken |= hit
            dxp[where] += grad * hit
        return _unpad(dxp, padding)


class AvgPool2d(Function):
    """out = mean over each window (zero padding counted).  dx = dout/(kh·kw) to every cell."""

    @staticmethod
    def forward(
        ctx: Context, x: Array, kernel: Pair = (2, 2), stride: Pair = (2, 2), padding: Pair = (0, 0)
    ) -> Array:
        ph, pw = padding
        xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw))) if ph or pw else x
        win = _windows(xp, kernel, stride, (1, 1))
        ctx.meta = (xp.shape, (ph, ph, pw, pw), kernel, stride, win.shape[2:4])
        return win.mean(axis=(-2, -1))

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        xp_shape, padding, k, stride, (ho, wo) = ctx.meta
        share = grad / (k[0] * k[1])
        dxp = np.zeros(xp_shape, dtype=grad.dtype)
        for i in range(k[0]):
            for j in range(k[1]):
                dxp[
                    :,
                    :,
                    i : i + stride[0] * (ho - 1) + 1 : stride[0],
                    j : j + stride[1] * (wo - 1) + 1 : stride[1],
                ] += share
        return _unpad(dxp, padding)


def _check_4d(x: Tensor, name: str) -> None:
    if x.ndim != 4:
        raise ValueError(f"{name}: input must be 4-D (N, C, H, W), got shape {x.shape}")


def conv2d(
    x: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] | str = 0,
    dilation: int | tuple[int, int] = 1,
    groups: int = 1,
) -> Tensor:
    """2-D cross-correlation (PyTorch's ``conv2d``): weight is (out, in/groups, kh, kw).

    out[n,o,h,w] = b[o] + Σ_{c,i,j} W[o,c,i,j] · x_pad[n, c, s·h + d·i, s·w + d·j].
    See docs/notes/backpropagation.md.

    Parameters
    ----------
    x : Tensor
        Input of shape (N, C, H, W).
    weight : Tensor
        Kernels of shape (O, C/groups, kh, kw).
    bias : Tensor, optional
        Shape (O,).
    stride, padding, dilation : int or pair
        As in PyTorch; ``padding`` may also be ``"valid"`` or ``"same"`` (stride 1).
    groups : int
        Split channels into independent groups.

    Returns
    -------
    Tensor of shape (N, O, Ho, Wo).
    """
    x = lift(x)
    _check_4d(x, "conv2d")
    if weight.ndim != 4:
        raise ValueError(f"conv2d: weight must be 4-D (O, C/groups, kh, kw), got {weight.shape}")
    s, d = _pair(stride, "stride"), _pair(dilation, "dilation")
    if min(s) < 1 or min(d) < 1 or groups < 1:
        raise ValueError(f"conv2d: stride {s}, dilation {d} and groups {groups} must be >= 1")
    o, cg, kh, kw = weight.shape
    if x.shape[1] != cg * groups or o % groups:
        raise ValueError(
            f"conv2d: input of shape {x.shape} has {x.shape[1]} channels but weight of shape "
            f"{weight.shape} with groups={groups} expects {cg * groups} (and O divisible by groups)"
        )
    if isinstance(padding, str):
        if padding == "valid":
            pad: Padding = (0, 0, 0, 0)
        elif padding == "same":
            if s != (1, 1):
                raise ValueError("conv2d: padding='same' needs stride 1")
            th, tw = d[0] * (kh - 1), d[1] * (kw - 1)
            pad = (th // 2, th - th // 2, tw // 2, tw - tw // 2)
        else:
            raise ValueError(
                f"conv2d: padding must be an int, a pair, 'valid' or 'same', got {padding!r}"
            )
    else:
        ph, pw = _pair(padding, "padding")
        if ph < 0 or pw < 0:
            raise ValueError(f"conv2d: padding must be >= 0, got {(ph, pw)}")
        pad = (ph, ph, pw, pw)
    eh = x.shape[2] + pad[0] + pad[1] - d[0] * (kh - 1)
    ew = x.shape[3] + pad[2] + pad[3] - d[1] * (kw - 1)
    if eh < 1 or ew < 1:
        raise ValueError(
            f"conv2d: kernel {(kh, kw)} (dilation {d}) is larger than the padded input "
            f"{(x.shape[2] + pad[0] + pad[1], x.shape[3] + pad[2] + pad[3])}"
        )
    args: list[Any] = [x, weight] + ([bias] if bias is not None else [])
    return Conv2d.apply(*args, stride=s, padding=pad, dilation=d, groups=groups)


def _pool_args(
    x: Tensor, name: str, kernel_size: Any, stride: Any, padding: Any
) -> tuple[Pair, Pair, Pair]:
    _check_4d(x, name)
    k = _pair(kernel_size, "kernel_size")
    s = k if stride is None else _pair(stride, "stride")
    p = _pair(padding, "padding")
    if min(k) < 1 or min(s) < 1:
        raise ValueError(f"{name}: kernel_size {k} and stride {s} must be >= 1")
    if p[0] > k[0] // 2 or p[1] > k[1] // 2 or min(p) < 0:
        raise ValueError(f"{name}: padding {p} must be between 0 and half the kernel size {k}")
    if x.shape[2] + 2 * p[0] < k[0] or x.shape[3] + 2 * p[1] < k[1]:
        raise ValueError(f"{name}: kernel {k} is larger than the padded input of shape {x.shape}")
    return k, s, p


def max_pool2d(
    x: Tensor,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
    padding: int | tuple[int, int] = 0,
) -> Tensor:
    """Max over each kh×kw window (stride defaults to the kernel size, as PyTorch).

    out[n,c,h,w] = max_(i,j) x_pad[n, c, s·h + i, s·w + j]; the gradient goes to the first
    arg-max of each window. See docs/notes/backpropagation.md.

    Parameters
    ----------
    x : Tensor
        (N, C, H, W).
    kernel_size : int or pair
        Window size.
    stride : int or pair, optional
        Step (default: the kernel size).
    padding : int or pair
        Implicit -inf padding, at most half the kernel.

    Returns
    -------
    Tensor
        (N, C, Ho, Wo).
    """
    x = lift(x)
    k, s, p = _pool_args(x, "max_pool2d", kernel_size, stride, padding)
    return MaxPool2d.apply(x, kernel=k, stride=s, padding=p)


def avg_pool2d(
    x: Tensor,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
    padding: int | tuple[int, int] = 0,
) -> Tensor:
    """Mean over each kh×kw window (zero padding counted, as PyTorch's default).

    out[n,c,h,w] = (1/(kh·kw)) Σ_(i,j) x_pad[n, c, s·h + i, s·w + j]; each input cell receives
    ō/(kh·kw) from every window containing it. See docs/notes/backpropagation.md.

    Parameters
    ----------
    x : Tensor
        (N, C, H, W).
    kernel_size : int or pair
        Window size.
    stride : int or pair, optional
        Step (default: the kernel size).
    padding : int or pair
        Zero padding, at most half the kernel.

    Returns
    -------
    Tensor
        (N, C, Ho, Wo).
    """
    x = lift(x)
    k, s, p = _pool_args(x, "avg_pool2d", kernel_size, stride, padding)
    return AvgPool2d.apply(x, kernel=k, stride=s, padding=p)
