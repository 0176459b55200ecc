"""Side-by-side timing for the journey: medians of repeats, reported as ratios."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def median_time(fn: Callable[[], Any], *, repeat: int = 5, min_seconds: float = 0.0) -> float:
    """Median wall time of ``fn()`` over ``repeat`` calls (more while under ``min_seconds``)."""
    times: list[float] = []
    total = 0.0
    while len(times) < repeat or (total < min_seconds and len(times) < 100 * repeat):
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        times.append(elapsed)
        total += elapsed
    return statistics.median(times)


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    """Call ``fn`` once; return its result and the wall time in seconds."""
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def ratio(ours: float, reference: float) -> float:
    """ours / reference, guarded against a zero reference time."""
    return ours / max(reference, 1e-12)
