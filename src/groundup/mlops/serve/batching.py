"""Dynamic micro-batching: concurrent requests gathered into one model call, off the event loop.

Many small requests cost far more as many model calls than as one: a call has a fixed price
(framework dispatch, thread wake-ups, small GEMMs that cannot fill the cores) plus a per-row
price. With c requests waiting and a fixed cost a, per-row cost b,

    unbatched: c · (a + b)        batched: a + c · b,

so at high load batching approaches a c-fold saving of the fixed part.

The waiting is what hurts at low load: a fixed 5 ms window took one client from ~780 to ~120
requests/s (docs/notes/serving-and-batching.md). So the window here adapts:

- the model runs in a single executor thread; whenever it is free and requests are waiting,
  they are taken at once, up to ``max_batch_size`` examples — requests that arrive while a
  batch runs form the next batch by themselves ("continuous" batching);
- only when the last batch held more than one request (so there *is* concurrent load) does a
  free runner hold for more, and then for at most ``min(max_wait_ms, t̂)`` after the oldest
  request arrived, where t̂ is the moving average of the model's batch time;
- a lone client therefore never waits: its request is dispatched the moment it arrives;
- at most ``max_queue`` requests wait; the next one is refused (:class:`QueueFull`, answered
  503 with ``Retry-After``) instead of letting latency grow without bound.

:class:`DirectRunner` is the same interface without batching (one model call per request,
threads from a pool) — the "off" switch the benchmark compares against.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field

import numpy as np

Predict = Callable[[np.ndarray], np.ndarray]
Hook = Callable[[int], None]


class QueueFull(Exception):
    """The request queue is at ``max_queue``; the caller should retry after ``retry_after`` s."""

    def __init__(self, depth: int, retry_after: int = 1) -> None:
        super().__init__(f"server overloaded: {depth} requests already waiting")
        self.depth = depth
        self.retry_after = retry_after


@dataclass
class _Pending:
    batch: np.ndarray
    future: asyncio.Future[np.ndarray]
    arrived: float = field(default_factory=time.perf_counter)


def check_batching_limits(max_batch_size: int, max_wait_ms: float, max_queue: int) -> None:
    """Refuse limits that cannot work, naming the value (ValueError)."""
    if not isinstance(max_batch_size, int) or max_batch_size < 1:
        raise ValueError(f"max_batch_size must be an integer >= 1, got {max_batch_size!r}")
    if not np.isfinite(max_wait_ms) or max_wait_ms < 0:
        raise ValueError(f"max_wait_ms must be finite and >= 0, got {max_wait_ms!r}")
    if not isinstance(max_queue, int) or max_queue < 1:
        raise ValueError(f"max_queue must be an integer >= 1, got {max_queue!r}")


class MicroBatcher:
    """Gather concurrent :meth:`submit` calls into batched ``predict`` calls.

    c waiting requests cost one call a + c·b instead of c·(a + b); the hold before a call
    adapts — none for a lone client, at most min(max_wait_ms, t̂) under load (module doc,
    docs/notes/serving-and-batching.md).

    Parameters
    ----------
    predict : callable
        ``predict(batch) -> outputs`` with one output row per input row; called in ``executor``.
    executor : concurrent.futures.Executor
        Where the model runs (a single thread: one batch at a time, the next one gathering).
    max_batch_size : int
        Most examples per model call; a single larger request runs alone.
    max_wait_ms : float
        Upper bound on how long a free runner holds a batch open under load.
    max_queue : int
        Most requests waiting; beyond it :meth:`submit` raises :class:`QueueFull`.
    on_batch, on_queue : callable, optional
        Called with each batch's size and with the queue depth whenever it changes (metrics).
    """

    def __init__(
        self,
        predict: Predict,
        executor: Executor,
        *,
        max_batch_size: int = 64,
        max_wait_ms: float = 2.0,
        max_queue: int = 1024,
        on_batch: Hook | None = None,
        on_queue: Hook | None = None,
    ) -> None:
        check_batching_limits(max_batch_size, max_wait_ms, max_queue)
        self.predict = predict
        self.executor = executor
        self.max_batch_size = max_batch_size
        self.max_wait = max_wait_ms / 1000.0
        self.max_queue = max_queue
        self.on_batch = on_batch or (lambda n: None)
        self.on_queue = on_queue or (lambda n: None)
        self._pending: deque[_Pending] = deque()
        self._queued_examples = 0
        self._wakeup: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._batch_time = 0.0  # moving average of one model call, seconds
        self._last_requests = 0  # requests in the previous batch: > 1 means concurrent load

    async def start(self) -> None:
        """Start the gathering task on the running event loop."""
        self._wakeup = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        """Stop gathering; requests still waiting fail with ``RuntimeError``."""
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        while self._pending:
            item = self._pending.popleft()
            if not item.future.done():
                item.future.set_exception(RuntimeError("the server is shutting down"))
        self._queued_examples = 0
        self.on_queue(0)

    @property
    def depth(self) -> int:
        """Requests waiting now."""
        return len(self._pending)

    async def submit(self, batch: np.ndarray) -> np.ndarray:
        """Queue ``batch`` (n examples) and return its n output rows once its batch has run."""
        if self._wakeup is None:
            raise RuntimeError("MicroBatcher.start() has not been awaited")
        if len(self._pending) >= self.max_queue:
            raise QueueFull(len(self._pending))
        future: asyncio.Future[np.ndarray] = asyncio.get_running_loop().create_future()
        self._pending.append(_Pending(batch, future))
        self._queued_examples += len(batch)
        self.on_queue(len(self._pending))
        self._wakeup.set()
        return await future

    async def _hold(self) -> None:
        """Under load, keep a free runner waiting a little for a fuller batch."""
        assert self._wakeup is not None
        if self._last_requests <= 1 or self.max_wait == 0:
            return  # a lone client: dispatch at once
        deadline = self._pending[0].arrived + min(self.max_wait, self._batch_time)
        while self._queued_examples < self.max_batch_size:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return
            self._wakeup.clear()
            try:
                await asyncio.wait_for(self._wakeup.wait(), remaining)
            except asyncio.TimeoutError:
                return

    def _take(self) -> list[_Pending]:
        """Whole requests from the front, up to ``max_batch_size`` examples (at least one)."""
        taken = [self._pending.popleft()]
        size = len(taken[0].batch)
        while self._pending and size + len(self._pending[0].batch) <= self.max_batch_size:
            item = self._pending.popleft()
            size += len(item.batch)
            taken.append(item)
        self._queued_examples -= size
        self.on_queue(len(self._pending))
        return [t for t in taken if not t.future.done()]  # drop requests whose client left

    async def _run(self) -> None:
        assert self._wakeup is not None
        loop = asyncio.get_running_loop()
        while True:
            await self._wakeup.wait()
            self._wakeup.clear()
            while self._pending:
                await self._hold()
                taken = self._take()
                if not taken:
                    continue
                self._last_requests = len(taken)
                inputs = (
                    taken[0].batch
                    if len(taken) == 1
                    else np.concatenate([t.batch for t in taken], axis=0)
                )
                self.on_batch(len(inputs))
                start = time.perf_counter()
                try:
                    outputs = await loop.run_in_executor(self.executor, self.predict, inputs)
                except Exception as exc:  # the model failed: every request of the batch learns why
                    for t in taken:
                        if not t.future.done():
                            t.future.set_exception(exc)
                    continue
                elapsed = time.perf_counter() - start
                self._batch_time = (
                    elapsed if self._batch_time == 0 else (0.8 * self._batch_time + 0.2 * elapsed)
                )
                offset = 0
                for t in taken:
                    n = len(t.batch)
                    if not t.future.done():
                        t.future.set_result(outputs[offset : offset + n])
                    offset += n


class DirectRunner:
    """One model call per request in a thread pool: batching switched off, same interface.

    Each of c concurrent requests pays the model's fixed cost a: c·(a + b) in all — the
    baseline the benchmark compares against (docs/notes/serving-and-batching.md).

    At most ``max_queue`` requests are in flight; beyond that :meth:`submit` raises
    :class:`QueueFull` like the batcher does.
    """

    def __init__(
        self,
        predict: Predict,
        executor: Executor,
        *,
        max_queue: int = 1024,
        on_batch: Hook | None = None,
        on_queue: Hook | None = None,
    ) -> None:
        check_batching_limits(1, 0.0, max_queue)
        self.predict = predict
        self.executor = executor
        self.max_queue = max_queue
        self.on_batch = on_batch or (lambda n: None)
        self.on_queue = on_queue or (lambda n: None)
        self._in_flight = 0

    async def start(self) -> None:
        """Nothing to start; present for symmetry with :class:`MicroBatcher`."""

    async def stop(self) -> None:
        """Nothing to stop."""

    @property
    def depth(self) -> int:
        """Requests in flight now."""
        return self._in_flight

    async def submit(self, batch: np.ndarray) -> np.ndarray:
        """Run ``predict(batch)`` in the executor and return its output."""
        if self._in_flight >= self.max_queue:
            raise QueueFull(self._in_flight)
        self._in_flight += 1
        self.on_queue(self._in_flight)
        try:
            self.on_batch(len(batch))
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self.executor, self.predict, batch)
        finally:
            self._in_flight -= 1
            self.on_queue(self._in_flight)


__all__ = ["DirectRunner", "MicroBatcher", "QueueFull", "check_batching_limits"]
