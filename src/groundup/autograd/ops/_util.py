"""Small helpers shared by the op modules: lifting inputs to tensors, normalising axes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from groundup.autograd.tensor import Tensor

__all__ = ["binary", "lift", "normalize_axes", "shape_arg"]


def lift(x: Any) -> Any:
    """Tensors stay; Python scalars stay raw (NumPy keeps the tensor's dtype); arrays are wrapped."""
    if isinstance(x, Tensor) or isinstance(x, int | float) and not isinstance(x, bool):
        return x
    return Tensor(np.asarray(x))


def binary(name: str, fn: Callable[..., Tensor], a: Any, b: Any) -> Tensor:
    """Apply a broadcasting binary op, turning NumPy's broadcast error into one naming both shapes."""
    a, b = lift(a), lift(b)
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        a = Tensor(np.asarray(a))
    try:
        return fn(a, b)
    except ValueError as exc:
        if "broadcast" not in str(exc):
            raise
        sa, sb = np.shape(getattr(a, "data", a)), np.shape(getattr(b, "data", b))
        raise ValueError(f"{name}: shapes {sa} and {sb} cannot be broadcast together") from None


def normalize_axes(axis: int | Sequence[int] | None, ndim: int) -> tuple[int, ...]:
    """Axes as a sorted tuple of non-negative ints (all axes for ``None``), range-checked."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int | np.integer) else tuple(axis)
    out = []
    for a in axes:
        if not -ndim <= a < max(ndim, 1):
            raise ValueError(f"axis {a} is out of range for a tensor with {ndim} dimensions")
        out.append(int(a) % max(ndim, 1))
    return tuple(sorted(set(out)))


def shape_arg(shape: tuple[Any, ...]) -> tuple[int, ...]:
    """Accept both ``f(2, 3)`` and ``f((2, 3))`` spellings of a shape."""
    if len(shape) == 1 and isinstance(shape[0], tuple | list):
        return tuple(int(s) for s in shape[0])
    return tuple(int(s) for s in shape)
