"""Shared plumbing for the finite-difference routines: validation and batched evaluation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup._checks import as_array, as_vector

EPS = float(np.finfo(np.float64).eps)


def check_callable(f: Any, name: str = "f") -> None:
    """Raise TypeError unless ``f`` is callable."""
    if not callable(f):
        raise TypeError(f"{name} must be callable, got {type(f).__name__}")


def steps(x: NDArray[Any], h: ArrayLike | None, power: float) -> NDArray[np.float64]:
    """Per-coordinate steps: ``h`` if given, else ε^power·max(1, |x|); made exactly representable.

    (x + h) − x is the step the arithmetic actually takes; using it in the denominator
    removes the representation error of h itself.
    """
    if h is None:
        step = EPS**power * np.maximum(1.0, np.abs(x))
    else:
        harr = as_array(h, "h", ndim=(0, x.ndim))
        if harr.ndim and harr.shape != x.shape:
            raise ValueError(f"h has shape {harr.shape} but x has shape {x.shape}")
        if np.any(harr <= 0):
            bad = float(np.min(harr))
            raise ValueError(f"h must be finite and > 0, got {bad!r}")
        step = np.broadcast_to(harr, x.shape).astype(np.float64)
    return (x + step) - x


def point(x: ArrayLike, name: str = "x") -> NDArray[np.float64]:
    """The evaluation point of a multivariate routine: a finite 1-D float vector."""
    return as_vector(x, name)


def evaluate(
    f: Callable[..., Any], P: NDArray[np.float64], vectorized: bool, out_ndim: int
) -> NDArray[np.float64]:
    """f at every row of P, stacked: shape (len(P),) for scalar f, (len(P), m) for vector f.

    With ``vectorized`` f receives all points at once (one call, f(P) → values per row);
    otherwise it is called once per point. Non-finite values raise ValueError naming the point.
    """
    if vectorized:
        raw = np.asarray(f(P), dtype=np.float64)
        if raw.ndim == 0 or raw.shape[0] != P.shape[0]:
            raise ValueError(
                f"vectorized f must return one value per row of its {P.shape} input, "
                f"got shape {raw.shape}"
            )
        vals = raw.reshape(P.shape[0], -1) if out_ndim else raw.reshape(P.shape[0])
    else:
        outs = [np.asarray(f(p), dtype=np.float64) for p in P]
        if out_ndim == 0:
            bad_shape = next((o.shape for o in outs if o.size != 1), None)
            if bad_shape is not None:
                raise ValueError(f"f must return a scalar, got shape {bad_shape}")
            vals = np.array([o.reshape(()) for o in outs])
        else:
            shapes = {o.reshape(-1).shape for o in outs}
            if len(shapes) != 1:
                raise ValueError(f"f returned outputs of different sizes: {sorted(shapes)}")
            vals = np.stack([o.reshape(-1) for o in outs])
    finite = np.isfinite(vals.reshape(P.shape[0], -1)).all(axis=1)
    if not finite.all():
        i = int(np.argmin(finite))
        raise ValueError(f"f returned a non-finite value ({vals[i]!r}) at x = {P[i]!r}")
    return vals
