"""Dynamic micro-batching, proven on a model that records each call it receives."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from groundup.mlops.serve.batching import DirectRunner, MicroBatcher, QueueFull


class Recorder:
    """predict(x) = 2x after ``delay`` seconds; remembers every batch size it saw."""

    def __init__(self, delay: float = 0.0, fail: bool = False) -> None:
        self.delay = delay
        self.fail = fail
        self.sizes: list[int] = []
        self.lock = threading.Lock()

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        with self.lock:
            self.sizes.append(len(batch))
        time.sleep(self.delay)
        if self.fail:
            raise ValueError("model exploded")
        return 2 * batch


def run(coro_fn, *args):  # type: ignore[no-untyped-def]
    return asyncio.run(coro_fn(*args))


async def _gathered_while_busy(model: Recorder, max_batch_size: int, n: int) -> list[np.ndarray]:
    batcher = MicroBatcher(model, ThreadPoolExecutor(1), max_batch_size=max_batch_size)
    await batcher.start()
    first = asyncio.create_task(batcher.submit(np.array([[-1.0]])))
    await asyncio.sleep(0.05)  # the first call is running now
    rest = [batcher.submit(np.array([[float(i)]])) for i in range(n)]
    results = [await first, *await asyncio.gather(*rest)]
    await batcher.stop()
    return results


def test_requests_arriving_during_a_call_form_the_next_batch() -> None:
    model = Recorder(delay=0.2)
    results = run(_gathered_while_busy, model, 64, 10)
    assert model.sizes == [1, 10]  # one call for the ten, not ten calls
    np.testing.assert_array_equal(np.concatenate(results)[:, 0], 2 * np.arange(-1.0, 10.0))


def test_max_batch_size_splits_the_queue() -> None:
    model = Recorder(delay=0.2)
    results = run(_gathered_while_busy, model, 8, 24)
    assert model.sizes == [1, 8, 8, 8]
    np.testing.assert_array_equal(np.concatenate(results)[:, 0], 2 * np.arange(-1.0, 24.0))


async def _sequential(model: Recorder, n: int, max_wait_ms: float) -> float:
    batcher = MicroBatcher(model, ThreadPoolExecutor(1), max_wait_ms=max_wait_ms)
    await batcher.start()
    start = time.perf_counter()
    for i in range(n):
        out = await batcher.submit(np.full((1, 3), float(i)))
        np.testing.assert_array_equal(out, np.full((1, 3), 2.0 * i))
    elapsed = time.perf_counter() - start
    await batcher.stop()
    return elapsed


def test_a_lone_client_never_waits_for_the_window() -> None:
    """With a 1 s window, 10 sequential requests take far under 1 s: nothing waits for it
    (a fixed window would cost 10 s)."""
    model = Recorder()
    elapsed = run(_sequential, model, 10, 1000.0)
    assert model.sizes == [1] * 10
    assert elapsed < 1.0, elapsed


async def _mixed_sizes(model: Recorder) -> list[np.ndarray]:
    batcher = MicroBatcher(model, ThreadPoolExecutor(1), max_batch_size=16)
    await batcher.start()
    first = asyncio.create_task(batcher.submit(np.zeros((1, 2))))
    await asyncio.sleep(0.05)
    parts = [np.full((n, 2), float(n)) for n in (3, 5, 1)]
    results = await asyncio.gather(*(batcher.submit(p) for p in parts))
    await first
    await batcher.stop()
    return list(results)


def test_multi_example_requests_get_their_own_rows_back() -> None:
    model = Recorder(delay=0.1)
    results = run(_mixed_sizes, model)
    assert model.sizes == [1, 9]
    for n, out in zip((3, 5, 1), results):
        np.testing.assert_array_equal(out, np.full((n, 2), 2.0 * n))


async def _overfill(runner_kind: str) -> tuple[int, list[BaseException | np.ndarray]]:
    model = Recorder(delay=0.2)
    runner: MicroBatcher | DirectRunner
    if runner_kind == "batcher":
        runner = MicroBatcher(model, ThreadPoolExecutor(1), max_queue=2)
    else:
        runner = DirectRunner(model, ThreadPoolExecutor(4), max_queue=2)
    await runner.start()
    first = asyncio.create_task(runner.submit(np.ones((1, 1))))
    await asyncio.sleep(0.05)
    results = await asyncio.gather(
        *(runner.submit(np.ones((1, 1))) for _ in range(4)), return_exceptions=True
    )
    await first
    await runner.stop()
    refused = sum(isinstance(r, QueueFull) for r in results)
    return refused, list(results)


def test_queue_full_refuses_instead_of_growing() -> None:
    refused, results = run(_overfill, "batcher")
    # one running (not queued), two queued, the other two refused
    assert refused == 2
    assert all(isinstance(r, np.ndarray) or isinstance(r, QueueFull) for r in results)
    assert "2 requests already waiting" in str(next(r for r in results if isinstance(r, QueueFull)))


def test_direct_runner_bounds_requests_in_flight() -> None:
    refused, _ = run(_overfill, "direct")
    # the first plus one more in flight reach max_queue=2; the other three are refused
    assert refused == 3


async def _failing(model: Recorder) -> list[BaseException | np.ndarray]:
    batcher = MicroBatcher(model, ThreadPoolExecutor(1))
    await batcher.start()
    results = await asyncio.gather(
        *(batcher.submit(np.ones((1, 1))) for _ in range(3)), return_exceptions=True
    )
    await batcher.stop()
    return list(results)


def test_a_model_error_reaches_every_request_of_its_batch() -> None:
    results = run(_failing, Recorder(fail=True))
    assert all(isinstance(r, ValueError) and "model exploded" in str(r) for r in results)


async def _stop_with_waiting() -> BaseException | np.ndarray:
    batcher = MicroBatcher(Recorder(delay=0.3), ThreadPoolExecutor(1))
    await batcher.start()
    running = asyncio.create_task(batcher.submit(np.ones((1, 1))))
    await asyncio.sleep(0.05)
    waiting = asyncio.create_task(batcher.submit(np.ones((1, 1))))
    await asyncio.sleep(0.01)
    await batcher.stop()
    running.cancel()
    result = await asyncio.gather(waiting, return_exceptions=True)
    return result[0]


def test_stop_fails_waiting_requests_with_a_reason() -> None:
    result = run(_stop_with_waiting)
    assert isinstance(result, RuntimeError) and "shutting down" in str(result)


def test_submit_before_start_is_refused() -> None:
    batcher = MicroBatcher(Recorder(), ThreadPoolExecutor(1))
    with pytest.raises(RuntimeError, match="start"):
        run(batcher.submit, np.ones((1, 1)))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_batch_size": 0}, "max_batch_size must be an integer >= 1, got 0"),
        ({"max_batch_size": 2.5}, "max_batch_size must be an integer >= 1, got 2.5"),
        ({"max_wait_ms": float("nan")}, "max_wait_ms must be finite and >= 0, got nan"),
        ({"max_queue": 0}, "max_queue must be an integer >= 1, got 0"),
    ],
)
def test_bad_limits_are_named(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MicroBatcher(Recorder(), ThreadPoolExecutor(1), **kwargs)  # type: ignore[arg-type]


async def _after_load(model: Recorder) -> list[np.ndarray]:
    batcher = MicroBatcher(model, ThreadPoolExecutor(1), max_wait_ms=3000.0)
    await batcher.start()
    first = asyncio.create_task(batcher.submit(np.zeros((1, 1))))
    await asyncio.sleep(0.05)
    await asyncio.gather(*(batcher.submit(np.ones((1, 1))) for _ in range(3)))  # load seen
    await first
    late = asyncio.create_task(batcher.submit(np.full((1, 1), 5.0)))
    await asyncio.sleep(0.03)  # well inside the hold of ≈ one batch time (0.15 s)
    later = asyncio.create_task(batcher.submit(np.full((1, 1), 7.0)))
    results = [await late, await later]
    await batcher.stop()
    return results


def test_under_load_a_free_runner_holds_about_one_batch_time() -> None:
    """After a batch of several requests, the next lone request waits (≈ the 0.15 s batch
    time, not the 3 s max_wait_ms) and a second one arriving 30 ms later joins it."""
    model = Recorder(delay=0.15)
    start = time.perf_counter()
    results = run(_after_load, model)
    elapsed = time.perf_counter() - start
    assert model.sizes == [1, 3, 2]
    np.testing.assert_array_equal(np.concatenate(results)[:, 0], [10.0, 14.0])
    assert elapsed < 1.5, elapsed  # ~0.6 s: the hold is bounded by the batch time, not 3 s
