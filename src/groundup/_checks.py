"""Shared input validation for the from-scratch layers.

Every public function of linalg, calculus, stats, graphs and optimize funnels its array
arguments through these helpers so that bad input is refused the same way everywhere: with a
``ValueError`` (or ``TypeError``) whose message names the argument and the problem, before
NumPy can fail somewhere deep inside with an unhelpful message — or, worse, return NaN.

Estimators in ``groundup.ml`` use scikit-learn's ``validate_data``/``check_is_fitted`` instead,
so that their errors are exactly the ones scikit-learn's own estimator checks expect.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "as_array",
    "as_matrix",
    "as_square_matrix",
    "as_vector",
    "check_finite",
    "check_positive",
    "check_probability",
    "check_same_length",
]


def check_finite(a: NDArray[Any], name: str) -> None:
    """Raise ``ValueError`` if ``a`` holds NaN or ±inf, naming the first offending index."""
    if a.dtype.kind in "fc" and not np.isfinite(a).all():
        bad = np.argwhere(~np.isfinite(a))[0]
        where = tuple(int(i) for i in bad)
        value = a[where] if a.ndim else a
        raise ValueError(f"{name} contains NaN or infinity ({value!r} at index {where})")


def as_array(
    a: ArrayLike,
    name: str = "array",
    *,
    ndim: int | Sequence[int] | None = None,
    allow_empty: bool = False,
    finite: bool = True,
    dtype: Any = np.float64,
) -> NDArray[Any]:
    """Convert ``a`` to an ndarray of ``dtype`` and check rank, emptiness and finiteness.

    Parameters
    ----------
    a : array_like
        The input.
    name : str
        Argument name used in error messages.
    ndim : int or sequence of int, optional
        Allowed number(s) of dimensions.
    allow_empty : bool
        If False (default) an array with no elements is refused.
    finite : bool
        If True (default) NaN and infinity are refused.
    dtype : numpy dtype
        Target dtype; complex input is refused when it is a real dtype.
    """
    try:
        arr = np.asarray(a)
    except (ValueError, TypeError) as exc:  # ragged nested lists
        raise ValueError(f"{name} could not be converted to an array: {exc}") from None
    if arr.dtype == object:
        raise TypeError(f"{name} must be numeric, got an object array (ragged or mixed input?)")
    if arr.dtype.kind == "c" and np.dtype(dtype).kind != "c":
        raise TypeError(f"{name} must be real, got complex dtype {arr.dtype}")
    if arr.dtype.kind not in "biufc":
        raise TypeError(f"{name} must be numeric, got dtype {arr.dtype}")
    arr = arr.astype(dtype, copy=False)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(d) for d in allowed)
            raise ValueError(f"{name} must be {want}-dimensional, got shape {arr.shape}")
    if not allow_empty and arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape})")
    if finite:
        check_finite(arr, name)
    return arr


def as_vector(a: ArrayLike, name: str = "x", **kwargs: Any) -> NDArray[Any]:
    """A 1-D float array (see :func:`as_array`)."""
    return as_array(a, name, ndim=1, **kwargs)


def as_matrix(a: ArrayLike, name: str = "A", **kwargs: Any) -> NDArray[Any]:
    """A 2-D float array (see :func:`as_array`)."""
    return as_array(a, name, ndim=2, **kwargs)


def as_square_matrix(a: ArrayLike, name: str = "A", **kwargs: Any) -> NDArray[Any]:
    """A 2-D square float array; a non-square one is a ``ValueError`` naming its shape."""
    arr = as_matrix(a, name, **kwargs)
    if arr.shape[0] != arr.shape[1]:
        raise ValueError(f"{name} must be square, got shape {arr.shape}")
    return arr


def check_same_length(*pairs: tuple[str, NDArray[Any]]) -> None:
    """Raise ``ValueError`` unless every array has the same first dimension."""
    lengths = {name: arr.shape[0] for name, arr in pairs}
    if len(set(lengths.values())) > 1:
        desc = ", ".join(f"{n} has {k}" for n, k in lengths.items())
        raise ValueError(f"inconsistent numbers of samples: {desc}")


def check_positive(value: float, name: str, *, strict: bool = True) -> float:
    """Return ``value`` as float if it is finite and > 0 (>= 0 if not ``strict``)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real number, got {value!r}") from None
    if not np.isfinite(v) or (v <= 0 if strict else v < 0):
        bound = "> 0" if strict else ">= 0"
        raise ValueError(f"{name} must be finite and {bound}, got {value!r}")
    return v


def check_probability(value: float, name: str) -> float:
    """Return ``value`` as float if it lies in [0, 1]."""
    v = float(value)
    if not 0.0 <= v <= 1.0:
        raise ValueError(f"{name} must lie in [0, 1], got {value!r}")
    return v
