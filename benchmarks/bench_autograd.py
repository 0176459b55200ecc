"""groundup.autograd beside PyTorch (CPU): time per training step, and memory over many steps.

Each row builds the same model twice — ours and PyTorch's — and times one full training step
(forward, loss, backward, optimiser update) on the same float32 batch, interleaving the two
so that a busy machine slows both alike. Times are CPU seconds (``process_time``) with both
sides on the same number of threads: ``torch.set_num_threads(t)`` and NumPy's BLAS held to
``t`` threads with threadpoolctl. The goals are the issue's: MLP ≤ 1.5×, CNN ≤ 4×, LSTM ≤ 4×.

The memory row runs many steps of a small MLP under tracemalloc and compares the memory held
after the first 10% of steps with the memory held at the end: the graph of every step must be
freed, so the growth should be ~0.

    python benchmarks/bench_autograd.py [--quick]      or      groundup bench autograd
"""

from __future__ import annotations

import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from rich.console import Console
from rich.table import Table

import groundup.autograd as ag
from groundup.autograd import nn, optim
from groundup.autograd.nn import functional as gf


def _cnn(m: Any) -> Any:
    """conv(1→16) → BN → ReLU → pool → conv(16→32) → BN → ReLU → pool → linear, for 28×28."""
    return m.Sequential(
        m.Conv2d(1, 16, 3, padding=1), m.BatchNorm2d(16), m.ReLU(), m.MaxPool2d(2),
        m.Conv2d(16, 32, 3, padding=1), m.BatchNorm2d(32), m.ReLU(), m.MaxPool2d(2),
        m.Flatten(), m.Linear(32 * 7 * 7, 10),
    )  # fmt: skip


def _mlp(m: Any, widths: tuple[int, ...] = (784, 256, 256, 10)) -> Any:
    layers: list[Any] = []
    for a, b in zip(widths[:-1], widths[1:]):
        layers += [m.Linear(a, b), m.ReLU()]
    return m.Sequential(*layers[:-1])


class _LSTMHead:
    """LSTM over the sequence, then a linear classifier on the last hidden state."""

    def __init__(self, m: Any, n_in: int, hidden: int) -> None:
        self.lstm = m.LSTM(n_in, hidden, batch_first=True)
        self.head = m.Linear(hidden, 10)

    def parameters(self) -> list[Any]:
        return [*self.lstm.parameters(), *self.head.parameters()]

    def __call__(self, x: Any) -> Any:
        out, _ = self.lstm(x)
        return self.head(out[:, -1])


def _steps(
    build: Callable[[Any], Any], x: np.ndarray, y: np.ndarray, opt: str
) -> tuple[Callable[[], None], Callable[[], None]]:
    """(our step, torch step) on the same float32 batch with the same architecture."""
    torch.manual_seed(0)
    ours, theirs = build(nn), build(torch.nn)
    opt_o = getattr(optim, opt)(list(ours.parameters()), lr=0.01)
    opt_t = getattr(torch.optim, opt)(list(theirs.parameters()), lr=0.01)
    xo, xt, yt = ag.tensor(x), torch.from_numpy(x), torch.from_numpy(y)

    def ours_step() -> None:
        opt_o.zero_grad()
        gf.cross_entropy(ours(xo), y).backward()
        opt_o.step()

    def torch_step() -> None:
        opt_t.zero_grad()
        torch.nn.functional.cross_entropy(theirs(xt), yt).backward()
        opt_t.step()

    return ours_step, torch_step


def _interleaved(a: Callable[[], None], b: Callable[[], None], repeat: int) -> tuple[float, float]:
    """Median CPU seconds per call of ``a`` and of ``b``, alternating them."""
    a()
    b()  # warm-up: first-call allocations, BLAS initialisation
    ta, tb = [], []
    for _ in range(repeat):
        for fn, out in ((a, ta), (b, tb)):
            start = time.process_time()
            fn()
            out.append(time.process_time() - start)
    return statistics.median(ta), statistics.median(tb)


def memory_growth(steps: int) -> tuple[float, float, float]:
    """Memory held while training a small MLP for ``steps`` steps, under tracemalloc.

    Returns (MiB held after steps//10 steps, MiB held after ``steps``, MiB that one step's
    graph occupies at its peak). A graph that was not freed would add the last figure every
    step; what remains is CPython's free lists filling up (bounded: it plateaus).
    """
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 64)).astype(np.float32)
    y = rng.integers(0, 10, 32)
    model = _mlp(nn, (64, 64, 64, 10))
    opt = optim.Adam(model.parameters(), lr=1e-3)
    tracemalloc.start()
    early = graph = 0.0
    for step in range(1, steps + 1):
        held = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        opt.zero_grad()
        gf.cross_entropy(model(ag.tensor(x)), y).backward()
        opt.step()
        graph = max(graph, (tracemalloc.get_traced_memory()[1] - held) / 2**20)
        if step == steps // 10:
            early = tracemalloc.get_traced_memory()[0] / 2**20
    late = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    return early, late, graph


def run(quick: bool = False, threads: int = 1) -> list[dict[str, Any]]:
    """Measure every row; returns dicts (name, ours_ms, torch_ms, ratio, goal)."""
    torch.set_num_threads(threads)
    rng = np.random.default_rng(0)
    repeat = 3 if quick else 15
    cases = [
        ("MLP 784→256→256→10, batch 128, SGD", _mlp, (128, 784), "SGD", 1.5),
        ("CNN 1×28×28, batch 64, SGD", _cnn, (64, 1, 28, 28), "SGD", 4.0),
        ("LSTM 64→128, 32 steps, batch 32, Adam", lambda m: _LSTMHead(m, 64, 128), (32, 32, 64),
         "Adam", 4.0),
    ]  # fmt: skip
    rows = []
    for name, build, shape, opt, goal in cases:
        x = rng.standard_normal(shape).astype(np.float32)
        y = rng.integers(0, 10, shape[0])
        a, b = _interleaved(*_steps(build, x, y, opt), repeat)
        rows.append({"name": name, "ours_ms": a * 1e3, "torch_ms": b * 1e3, "ratio": a / b,
                     "goal": goal})  # fmt: skip
    return rows


def main(quick: bool = False) -> None:
    """Print the step-time table and the memory check (``quick``: fewer repeats and steps)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # then NumPy's BLAS runs with its default threads
        rows = run(quick)
    else:
        with threadpool_limits(1):
            rows = run(quick)
    table = Table(title="groundup.autograd vs PyTorch CPU: one training step, float32",
                  caption="CPU time per step, 1 thread each side (median of interleaved repeats)")  # fmt: skip
    for col in ("step", "ours (ms)", "torch (ms)", "ratio", "goal", "met"):
        table.add_column(col)
    for r in rows:
        met = "yes" if r["ratio"] <= r["goal"] else "no"
        table.add_row(r["name"], f"{r['ours_ms']:.2f}", f"{r['torch_ms']:.2f}",
                      f"{r['ratio']:.2f}×", f"≤ {r['goal']}×", met)  # fmt: skip
    console = Console()
    console.print(table)
    steps = 200 if quick else 1000
    early, late, graph = memory_growth(steps)
    console.print(
        f"memory (tracemalloc) while training a small MLP: {early:.2f} MiB held after "
        f"{steps // 10} steps, {late:.2f} MiB after {steps} (growth {late - early:+.3f} MiB); "
        f"one step's graph peaks at {graph:.2f} MiB and is freed every step"
    )


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
