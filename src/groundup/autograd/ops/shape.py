"""Shape and indexing: reshape flatten transpose permute expand squeeze, indexing,
concat stack split, pad.

These move values without changing them, so each gradient moves the incoming gradient back:
reshape it, transpose it by the inverse permutation, sum it over expanded axes, scatter-add it
into the indexed positions (``np.add.at``: an index used twice gets both contributions), or
slice it. See docs/notes/backpropagation.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from groundup.autograd.ops._util import lift, normalize_axes, shape_arg
from groundup.autograd.tensor import Array, Context, Function, SparseGrad, Tensor, unbroadcast

__all__ = [
    "concat",
    "expand",
    "flatten",
    "getitem",
    "pad",
    "permute",
    "reshape",
    "split",
    "squeeze",
    "stack",
    "transpose",
    "unsqueeze",
]


class Reshape(Function):
    """c = a viewed with a new shape.  da = dc reshaped back."""

    @staticmethod
    def forward(ctx: Context, a: Array, shape: tuple[int, ...] = ()) -> Array:
        ctx.shape = a.shape
        return a.reshape(shape)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        return grad.reshape(ctx.shape)


class Permute(Function):
    """c = a with axes permuted.  da = dc permuted by the inverse permutation."""

    @staticmethod
    def forward(ctx: Context, a: Array, axes: tuple[int, ...] = ()) -> Array:
        ctx.inverse = tuple(np.argsort(axes))
        return a.transpose(axes)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        return grad.transpose(ctx.inverse)


class Expand(Function):
    """c = a broadcast to a larger shape.  da = dc summed over the broadcast axes."""

    @staticmethod
    def forward(ctx: Context, a: Array, shape: tuple[int, ...] = ()) -> Array:
        ctx.shape = a.shape
        return np.broadcast_to(a, shape)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        return unbroadcast(grad, ctx.shape)


def _is_basic(index: tuple[Any, ...]) -> bool:
    return all(
        i is None
        or i is Ellipsis
        or isinstance(i, slice)
        or (isinstance(i, int | np.integer) and not isinstance(i, bool))
        for i in index
    )


class GetItem(Function):
    """c = a[index].  da = zeros with dc scattered back (added where an index repeats)."""

    @staticmethod
    def forward(ctx: Context, a: Array, index: tuple[Any, ...] = ()) -> Array:
        ctx.shape, ctx.dtype, ctx.index = a.shape, a.dtype, index
        return a[index]

    @staticmethod
    def backward(ctx: Context, grad: Array) -> SparseGrad:
        # Sparse: the engine adds it into one buffer shared by every slice of the same input.
        return SparseGrad(ctx.shape, ctx.index, grad, _is_basic(ctx.index))


class Concat(Function):
    """c = [a₁, a₂, …] joined along ``axis``.  daᵢ = the slice of dc that came from aᵢ."""

    @staticmethod
    def forward(ctx: Context, *arrays: Array, axis: int = 0) -> Array:
        ctx.bounds = np.cumsum([a.shape[axis] for a in arrays])[:-1]
        ctx.axis = axis
        return np.concatenate(arrays, axis=axis)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> tuple[Array, ...]:
        return tuple(np.split(grad, ctx.bounds, axis=ctx.axis))


class Stack(Function):
    """c = [a₁, a₂, …] stacked along a new ``axis``.  daᵢ = dc taken at position i."""

    @staticmethod
    def forward(ctx: Context, *arrays: Array, axis: int = 0) -> Array:
        ctx.axis = axis
        return np.stack(arrays, axis=axis)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> tuple[Array, ...]:
        return tuple(np.moveaxis(grad, ctx.axis, 0))


class Pad(Function):
    """c = a surrounded by a constant.  da = the interior slice of dc."""

    @staticmethod
    def forward(
        ctx: Context, a: Array, widths: tuple[tuple[int, int], ...] = (), value: float = 0.0
    ) -> Array:
        ctx.inner = tuple(slice(lo, lo + n) for (lo, _), n in zip(widths, a.shape))
        return np.pad(a, widths, mode="constant", constant_values=value)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        return grad[ctx.inner]


def reshape(a: Tensor, *shape: Any) -> Tensor:
    """Give ``a`` a new shape (one entry may be -1); the element count must match.

    c = a with shape ``shape``;  ā = c̄ reshaped back. See docs/notes/backpropagation.md.

    Parameters
    ----------
    a : Tensor
        Input.
    *shape : int or a tuple
        Target shape, as ``reshape(2, 3)`` or ``reshape((2, 3))``.

    Returns
    -------
    Tensor
        A view of the same values.
    """
    a = lift(a)
    target = shape_arg(shape)
    try:
        return Reshape.apply(a, shape=target)
    except ValueError:
        raise ValueError(
            f"reshape: cannot reshape a tensor of shape {a.shape} ({a.size} elements) "
            f"into shape {target}"
        ) from None


def flatten(a: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge axes ``start_dim..end_dim`` into one (as ``torch.flatten``).

    A reshape; ā = c̄ reshaped back. See docs/notes/backpropagation.md.

    Parameters
    ----------
    a : Tensor
        Input.
    start_dim, end_dim : int
        First and last axis merged.

    Returns
    -------
    Tensor
    """
    a = lift(a)
    if a.ndim == 0:
        return reshape(a, 1)
    s, e = normalize_axes(start_dim, a.ndim)[0], normalize_axes(end_dim, a.ndim)[0]
    if s > e:
        raise ValueError(f"flatten: start_dim ({start_dim}) comes after end_dim ({end_dim})")
    return reshape(a, *a.shape[:s], -1, *a.shape[e + 1 :])


def permute(a: Tensor, *axes: Any) -> Tensor:
    """Reorder the axes of ``a`` by a permutation.

    c = aᵀ⁽ᵖ⁾;  ā = c̄ permuted by p⁻¹. See docs/notes/backpropagation.md.

    Parameters
    ----------
    a : Tensor
        Input.
    *axes : int
        A permutation of ``range(a.ndim)``.

    Returns
    -------
    Tensor
    """
    a = lift(a)
    perm = shape_arg(axes)
    if sorted(p % max(a.ndim, 1) for p in perm) != list(range(a.ndim)):
        raise ValueError(f"permute: {perm} is not a permutation of the {a.ndim} axes of {a.shape}")
    return Permute.apply(a, axes=tuple(p % a.ndim for p in perm))


def transpose(a: Tensor, dim0: int = -2, dim1: int = -1) -> Tensor:
    """Swap axes ``dim0`` and ``dim1`` (as ``torch.transpose``).

    A permutation that is its own inverse; ā = c̄ with the same axes swapped back.
    See docs/notes/backpropagation.md.

    Parameters
    ----------
    a : Tensor
        Input.
    dim0, dim1 : int
        The axes to swap (default: the last two).

    Returns
    -------
    Tensor
    """
    a = lift(a)
    perm = list(range(a.ndim))
    i, j = normalize_axes(dim0, a.ndim)[0], normalize_axes(dim1, a.ndim)[0]
    perm[i], perm[j] = perm[j], perm[i]
    return Permute.apply(a, axes=tuple(perm))


def expand(a: Tensor, *shape: Any) -> Tensor:
    """Broadcast ``a`` to a larger shape without copying (-1 keeps a dimension, as torch).

    c = broadcast(a);  ā = c̄ summed over the broadcast axes. See docs/notes/backpropagation.md.

    Parameters
    ----------
    a : Tensor
        Input.
    *shape : int or a tuple
        Target shape.

    Returns
    -------
    Tensor
    """
    a = lift(a)
    target = list(shape_arg(shape))
    lead = len(target) - a.ndim
    if lead < 0:
        raise ValueError(f"expand: shape {tuple(target)} has fewer dimensions than {a.shape}")
    for i, n in enumerate(a.shape):
        if target[lead + i] == -1:
            target[lead + i] = n
    try:
        return Expand.apply(a, shape=tuple(target))
    except ValueError:
        raise ValueError(f"expand: cannot expand shape {a.shape} to {tuple(target)}") from None


def unsqueeze(a: Tensor, axis: int) -> Tensor:
    """Insert a size-1 axis at ``axis`` (a reshape). See docs/notes/backpropagation.md.

    Parameters
    ----------
    a : Tensor
        Input.
    axis : int
        Position of the new axis.

    Returns
    -------
    Tensor
    """
    a = lift(a)
    ax = axis if axis >= 0 else a.ndim + 1 + axis
    return reshape(a, *a.shape[:ax], 1, *a.shape[ax:])


def squeeze(a: Tensor, axis: int | None = None) -> Tensor:
    """Remove size-1 axes, or only ``axis`` if given and of size 1 (a reshape).

    See docs/notes/backpropagation.md.

    Parameters
    ----------
    a : Tensor
        Input.
    axis : int, optional
        The axis to remove.

    Returns
    -------
    Tensor
    """
    a = lift(a)
    if axis is None:
        return reshape(a, *[n for n in a.shape if n != 1])
    ax = normalize_axes(axis, a.ndim)[0]
    if a.shape[ax] != 1:
        return a
    return reshape(a, *a.shape[:ax], *a.shape[ax + 1 :])


def _clean_index(index: Any) -> tuple[Any, ...]:
    items = index if isinstance(index, tuple) else (index,)
    out = []
    for i in items:
        if isinstance(i, Tensor):
            i = i.data
        if isinstance(i, list):
            i = np.asarray(i)
        if isinstance(i, np.ndarray) and i.dtype.kind == "f":
            raise IndexError(f"tensors used as indices must be integer or boolean, got {i.dtype}")
        out.append(i)
    return tuple(out)


def getitem(a: Tensor, index: Any) -> Tensor:
    """``a[index]`` with NumPy semantics: basic slicing, integer and boolean arrays.

    c = a[idx];  ā = 0 except ā[idx] += c̄ (added where an index repeats, ``np.add.at``); the
    engine keeps this gradient sparse. See docs/notes/backpropagation.md.

    Parameters
    ----------
    a : Tensor
        Input.
    index : int, slice, array, Tensor, None, Ellipsis or a tuple of them
        The index; float arrays are refused.

    Returns
    -------
    Tensor
    """
    a = lift(a)
    return GetItem.apply(a, index=_clean_index(index))


def concat(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis (``torch.cat``); other axes must agree.

    c = [a₁ | a₂ | …];  āᵢ = the slice of c̄ that came from aᵢ. See docs/notes/backpropagation.md.

    Parameters
    ----------
    tensors : sequence of Tensor
        At least one.
    axis : int
        The joining axis.

    Returns
    -------
    Tensor
    """
    ts = [lift(t) for t in tensors]
    if not ts:
        raise ValueError("concat: need at least one tensor")
    ax = normalize_axes(axis, ts[0].ndim)[0]
    for t in ts[1:]:
        if t.ndim != ts[0].ndim or any(
            m != n for k, (m, n) in enumerate(zip(t.shape, ts[0].shape)) if k != ax
        ):
            raise ValueError(
                f"concat: shapes {ts[0].shape} and {t.shape} differ outside axis {axis}"
            )
    return Concat.apply(*ts, axis=ax)


cat = concat


def stack(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    """Stack equal-shaped tensors along a new axis.

    āᵢ = c̄ taken at position i of the new axis. See docs/notes/backpropagation.md.

    Parameters
    ----------
    tensors : sequence of Tensor
        Same shapes.
    axis : int
        Position of the new axis.

    Returns
    -------
    Tensor
    """
    ts = [lift(t) for t in tensors]
    if not ts:
        raise ValueError("stack: need at least one tensor")
    for t in ts[1:]:
        if t.shape != ts[0].shape:
            raise ValueError(f"stack: shapes {ts[0].shape} and {t.shape} differ")
    ax = axis if axis >= 0 else ts[0].ndim + 1 + axis
    return Stack.apply(*ts, axis=ax)


def split(a: Tensor, split_size_or_sections: int | Sequence[int], axis: int = 0) -> list[Tensor]:
    """Split along ``axis`` into chunks of one size or of given sizes (``torch.split``).

    Each chunk is a slice, so its gradient is scattered back sparsely.
    See docs/notes/backpropagation.md.

    Parameters
    ----------
    a : Tensor
        Input.
    split_size_or_sections : int or sequence of int
        Chunk size (the last may be smaller), or the sizes (summing to the axis length).
    axis : int
        The axis to split.

    Returns
    -------
    list of Tensor
    """
    a = lift(a)
    ax = normalize_axes(axis, a.ndim)[0]
    n = a.shape[ax]
    if isinstance(split_size_or_sections, int):
        if split_size_or_sections <= 0:
            raise ValueError(f"split: chunk size must be > 0, got {split_size_or_sections}")
        sizes = [split_size_or_sections] * (n // split_size_or_sections)
        if n % split_size_or_sections:
            sizes.append(n % split_size_or_sections)
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise ValueError(f"split: sizes {sizes} sum to {sum(sizes)}, but axis {axis} has {n}")
    out, start = [], 0
    for size in sizes:
        index = (slice(None),) * ax + (slice(start, start + size),)
        out.append(GetItem.apply(a, index=index))
        start += size
    return out


def pad(a: Tensor, pad: Sequence[int], value: float = 0.0) -> Tensor:
    """Constant padding, PyTorch's convention: ``pad = (before, after)`` pairs from the last axis back.

    c = a surrounded by ``value``;  ā = the interior of c̄. See docs/notes/backpropagation.md.

    Parameters
    ----------
    a : Tensor
        Input.
    pad : sequence of int
        (left, right[, top, bottom, …]) widths, all ≥ 0.
    value : float
        Fill value.

    Returns
    -------
    Tensor
    """
    a = lift(a)
    if len(pad) % 2 or len(pad) // 2 > a.ndim:
        raise ValueError(f"pad: {tuple(pad)} must hold one (before, after) pair per trailing axis")
    if any(p < 0 for p in pad):
        raise ValueError(f"pad: widths must be >= 0, got {tuple(pad)}")
    widths = [(0, 0)] * a.ndim
    for k in range(len(pad) // 2):
        widths[a.ndim - 1 - k] = (int(pad[2 * k]), int(pad[2 * k + 1]))
    return Pad.apply(a, widths=tuple(widths), value=value)
