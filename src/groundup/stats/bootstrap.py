"""The percentile bootstrap confidence interval, with vectorised resampling.

See docs/notes/probability.md ("Bootstrap").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from groundup._checks import as_vector
from groundup.stats._validation import RNGLike, count, generator

__all__ = ["ConfidenceInterval", "bootstrap_ci"]

_CHUNK_ELEMENTS = 1 << 22  # resample in blocks of ~32 MB so memory stays flat for big B·n


class ConfidenceInterval(NamedTuple):
    """A two-sided interval [low, high]."""

    low: float
    high: float


def _apply(statistic: Callable[..., Any], block: NDArray[np.float64]) -> NDArray[np.float64]:
    """statistic over each row; one vectorised call when it accepts ``axis`` (np.mean does)."""
    try:
        values = np.asarray(statistic(block, axis=-1), dtype=float)
    except TypeError:  # a plain callable without ``axis``: fall back to row by row
        values = np.array([statistic(row) for row in block], dtype=float)
    if values.shape != (block.shape[0],):
        raise ValueError(
            f"statistic must reduce each resample to one number, got shape {values.shape}"
        )
    return values


def bootstrap_ci(
    data: ArrayLike,
    statistic: Callable[..., Any] = np.mean,
    n_resamples: int = 9999,
    confidence_level: float = 0.95,
    rng: RNGLike = None,
) -> ConfidenceInterval:
    """Percentile bootstrap confidence interval for ``statistic(data)``.

    Draw B resamples x*⁽ᵇ⁾ of size n with replacement (all index draws at once, as a B×n
    integer array), compute θ*⁽ᵇ⁾ = statistic(x*⁽ᵇ⁾), and report the α/2 and 1 − α/2 empirical
    quantiles of θ*, α = 1 − confidence_level. See docs/notes/probability.md.

    Parameters
    ----------
    data : array_like
        The sample, 1-D, finite, at least 2 values.
    statistic : callable
        Maps a 1-D sample to a number; if it accepts ``axis`` it is called once per block.
    n_resamples : int
        B, >= 1.
    confidence_level : float
        In (0, 1).
    rng : Generator, int or None
        Source of randomness (same seed, same interval).

    Returns
    -------
    ConfidenceInterval
        (low, high).
    """
    x = as_vector(data, "data")
    if x.size < 2:
        raise ValueError(f"data needs at least 2 observations to bootstrap, got {x.size}")
    if not callable(statistic):
        raise TypeError(f"statistic must be callable, got {statistic!r}")
    b = count(n_resamples, "n_resamples", minimum=1)
    level = float(confidence_level)
    if not 0.0 < level < 1.0:
        raise ValueError(f"confidence_level must lie in (0, 1), got {confidence_level!r}")
    gen = generator(rng)
    n = x.size
    per_block = max(1, _CHUNK_ELEMENTS // n)
    thetas = np.concatenate(
        [
            _apply(statistic, x[gen.integers(0, n, size=(min(per_block, b - start), n))])
            for start in range(0, b, per_block)
        ]
    )
    alpha = 1.0 - level
    low, high = np.percentile(thetas, [100.0 * alpha / 2.0, 100.0 * (1.0 - alpha / 2.0)])
    return ConfidenceInterval(float(low), float(high))
