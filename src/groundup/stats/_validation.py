"""Private input checks shared by the distributions, Bayes updates and hypothesis tests.

Thin wrappers over ``groundup._checks`` that add the cases a probability library meets:
evaluation points may be ±inf but never NaN, a seed may be an int or a Generator, a sample
size must be a non-negative integer. See docs/notes/probability.md.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup._checks import as_array, as_vector, check_positive

RNGLike = np.random.Generator | int | None


def points(x: ArrayLike, name: str = "x") -> NDArray[np.float64]:
    """Evaluation points: any shape, ±inf allowed (cdf(inf) = 1), NaN refused."""
    arr = as_array(x, name, allow_empty=True, finite=False)
    if np.isnan(arr).any():
        where = tuple(int(i) for i in np.argwhere(np.isnan(arr))[0])
        raise ValueError(f"{name} contains NaN (at index {where})")
    return arr


def data_vector(data: ArrayLike, name: str = "data") -> NDArray[np.float64]:
    """Data to fit: a non-empty, finite 1-D array."""
    return as_vector(data, name)


def out(result: NDArray[np.float64]) -> Any:
    """A Python float for 0-d results, the array otherwise (mirrors SciPy)."""
    return float(result) if np.ndim(result) == 0 else result


def positive(value: float, name: str) -> float:
    """A finite float > 0 (``ValueError`` naming ``name`` and the value otherwise)."""
    return check_positive(value, name)


def probability(value: float, name: str) -> float:
    """A float in [0, 1]; NaN and non-numbers refused by name."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real number, got {value!r}") from None
    if not 0.0 <= v <= 1.0:  # also False for NaN
        raise ValueError(f"{name} must lie in [0, 1], got {value!r}")
    return v


def count(value: Any, name: str, *, minimum: int = 0) -> int:
    """An integer >= ``minimum`` (floats such as 3.0 are refused: a count is not a measure)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(value)


def generator(rng: RNGLike) -> np.random.Generator:
    """A NumPy Generator from a Generator, an int seed or None (fresh entropy)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be a numpy Generator, an int seed or None, got {rng!r}")


def integer_valued(data: NDArray[np.float64], name: str) -> None:
    """Refuse non-integer observations for a discrete family's fit."""
    frac = data != np.round(data)
    if frac.any():
        raise ValueError(f"{name} must hold integers, got {data[frac][0]!r}")


def xlogy(c: float | NDArray[np.float64], x: NDArray[np.float64]) -> NDArray[np.float64]:
    """c·log(x) with 0·log(0) = 0 (the convention every log-density here relies on)."""
    c_arr = np.broadcast_to(np.asarray(c, dtype=float), np.broadcast_shapes(np.shape(c), x.shape))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(c_arr == 0, 0.0, c_arr * np.log(x))
