"""Samplers built from uniform and standard-normal draws (the only primitives we borrow).

Marsaglia–Tsang rejection for the gamma family, and table look-up by inverse cdf for discrete
families, both vectorised: rejection loops redraw only the rejected entries, never per sample.
See docs/notes/probability.md ("Sampling").
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray


def standard_gamma(shape: float, n: int, rng: np.random.Generator) -> NDArray[np.float64]:
    """Gamma(shape, 1) draws by Marsaglia & Tsang (2000).

    For a ≥ 1 with d = a − ⅓, c = 1/√(9d): draw z ~ N(0, 1), v = (1 + cz)³ and accept d·v when
    log u < z²/2 + d − dv + d log v (acceptance > 95%). For a < 1 use Gamma(a+1)·U^(1/a).
    """
    boost = shape < 1.0
    a = shape + 1.0 if boost else shape
    d = a - 1.0 / 3.0
    c = 1.0 / np.sqrt(9.0 * d)
    result = np.empty(n)
    pending = np.arange(n)
    while pending.size:
        z = rng.standard_normal(pending.size)
        v = (1.0 + c * z) ** 3
        u = rng.random(pending.size)
        with np.errstate(invalid="ignore", divide="ignore"):
            ok = (v > 0) & (np.log(u) < 0.5 * z * z + d - d * v + d * np.log(v))
        result[pending[ok]] = d * v[ok]
        pending = pending[~ok]
    if boost:
        # U in (0, 1]: 1 − random() avoids 0^(1/a) = 0 for a draw that must be > 0
        result *= (1.0 - rng.random(n)) ** (1.0 / shape)
    return result


def discrete_by_table(
    logpmf: Callable[[NDArray[np.float64]], NDArray[np.float64]],
    lo: int,
    hi: int,
    n: int,
    rng: np.random.Generator,
) -> NDArray[np.int64]:
    """Inverse-cdf sampling on the support window [lo, hi] (the mass outside it is negligible).

    Tabulate P(X = k) on the window, accumulate the cdf, and place each uniform with a binary
    search: X = lo + #{k : F(k) ≤ u}.
    """
    support = np.arange(lo, hi + 1, dtype=float)
    pmf = np.exp(logpmf(support))
    cdf = np.cumsum(pmf)
    cdf /= cdf[-1]  # the window holds all but a negligible sliver of the mass
    idx = np.searchsorted(cdf, rng.random(n), side="right")
    return (lo + np.minimum(idx, len(support) - 1)).astype(np.int64)


def window(mean: float, sd: float, lo: int, hi: float) -> tuple[int, int]:
    """A support window mean ± (40 sd + 10), clipped to [lo, hi]: beyond it the mass is negligible (< 1e-60)."""
    half = 40.0 * sd + 10.0
    return max(lo, int(np.floor(mean - half))), int(min(hi, np.ceil(mean + half)))
