"""Side-by-side timing for the journey: medians of repeats, reported as ratios."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


def median_time(
    fn: Callable[[], Any], *, repeat: int = 5, min_seconds: float = 0.0, warmup: bool = True
) -> float:
    """Median wall time of ``fn()`` over ``repeat`` calls (more while under ``min_seconds``).

    One untimed call comes first (``warmup``): first calls pay one-off costs (imports, plugin
    discovery, caches) that would otherwise land on whichever side happens to run first.
    Pass ``warmup=False`` when the caller has just made that call itself.
    """
    if warmup:
        fn()
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


@contextmanager
def single_threaded() -> Iterator[None]:
    """Hold BLAS/OpenMP (and torch, if imported) to one thread for fair side-by-side timing.

    On a small shared machine multi-threaded BLAS can make one side 10–50× slower at random
    (oversubscription), which makes ratios meaningless; one thread on both sides is a stable,
    like-for-like comparison.
    """
    import sys

    from threadpoolctl import threadpool_limits

    torch = sys.modules.get("torch")
    previous = torch.get_num_threads() if torch is not None else None
    if torch is not None:
        torch.set_num_threads(1)
    try:
        with threadpool_limits(1):
            yield
    finally:
        if torch is not None and previous is not None:
            torch.set_num_threads(previous)
