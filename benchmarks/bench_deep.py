"""Training throughput: groundup's Trainer against a hand-written PyTorch loop, same model.

For each model the two loops run the same number of epochs over the same synthetic 16×16
data with the same optimiser (AdamW) and schedule (LambdaLR), and both track the training loss
and accuracy. They alternate five times in one process (order swapped every round); the table
shows median times and the median of the back-to-back ratios (Trainer / plain), which is the
engine's overhead: data order, loss weighting, callbacks, epoch bookkeeping. Times are CPU time
of this process (``time.process_time``) with one torch thread, because benchmarks here share two
cores with other jobs and wall time would measure the neighbours. Run with
``python benchmarks/bench_deep.py`` or ``groundup bench deep``.
"""

from __future__ import annotations

import statistics
import time

import torch
import torch.nn.functional as F
from rich.console import Console
from rich.table import Table

from groundup.deep import TrainConfig, Trainer, WarmupCosine
from groundup.deep.models import count_parameters, create

MODELS = {
    "mlp": dict(image_size=16, hidden=(256, 128)),
    "lenet": dict(image_size=16),
    "resnet20": dict(),
    "vit-tiny": dict(image_size=16, patch_size=4),
}


def _model(name: str) -> torch.nn.Module:
    torch.manual_seed(0)
    return create(name, in_channels=1, num_classes=10, **MODELS[name])


def plain_loop(
    model: torch.nn.Module, X: torch.Tensor, y: torch.Tensor, epochs: int, batch: int
) -> float:
    """The loop people write by hand: shuffle, forward, loss, backward, step, and track the
    training loss and accuracy (which the Trainer reports too)."""
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    steps = epochs * ((len(X) + batch - 1) // batch)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, WarmupCosine(10, steps))
    g = torch.Generator().manual_seed(0)
    start = time.process_time()
    for _ in range(epochs):
        order = torch.randperm(len(X), generator=g)
        running, correct = 0.0, 0
        for i in range(0, len(X), batch):
            idx = order[i : i + batch]
            xb, yb = X[idx], y[idx]
            opt.zero_grad(set_to_none=True)
            out = model(xb)
            loss = F.cross_entropy(out, yb)
            loss.backward()
            opt.step()
            sched.step()
            running += loss.item() * len(idx)
            correct += int((out.argmax(1) == yb).sum())
    return time.process_time() - start


def trainer_loop(
    model: torch.nn.Module, X: torch.Tensor, y: torch.Tensor, epochs: int, batch: int
) -> float:
    """The same work through groundup's Trainer (no validation set, no checkpoints)."""
    cfg = TrainConfig(
        epochs=epochs,
        batch_size=batch,
        lr=1e-3,
        weight_decay=0.01,
        warmup_steps=10,
        progress=False,
        device="cpu",
        deterministic=False,
    )
    trainer = Trainer(model, cfg, (X, y))
    start = time.process_time()
    trainer.fit()
    return time.process_time() - start


def main(quick: bool = False) -> None:
    """Print samples/s of both loops and their ratio for every model."""
    console = Console()
    torch.set_num_threads(1)  # see the module docstring
    threads = torch.get_num_threads()
    n, epochs, batch, repeats = (512, 1, 64, 2) if quick else (2048, 2, 64, 5)
    g = torch.Generator().manual_seed(0)
    X = torch.rand(n, 1, 16, 16, generator=g)
    y = torch.randint(0, 10, (n,), generator=g)
    table = Table(
        title=f"Training throughput on CPU ({threads} thread, {n} samples × {epochs} epoch(s), "
        f"batch {batch}; samples per CPU-second)"
    )
    for col in (
        "model",
        "parameters",
        "plain loop (samples/s)",
        "Trainer (samples/s)",
        "Trainer / plain time (median pair)",
        "overhead per step (µs)",
    ):
        table.add_column(col)
    worst = 0.0
    for name in MODELS:
        # warm-up both paths once: allocator, kernel selection, first-call costs
        plain_loop(_model(name), X[: 4 * batch], y[: 4 * batch], 1, batch)
        trainer_loop(_model(name), X[: 4 * batch], y[: 4 * batch], 1, batch)
        plains, ours_all = [], []
        for r in range(repeats):  # alternate (and swap the order) so noise hits both alike
            for which in ("plain", "ours") if r % 2 == 0 else ("ours", "plain"):
                if which == "plain":
                    plains.append(plain_loop(_model(name), X, y, epochs, batch))
                else:
                    ours_all.append(trainer_loop(_model(name), X, y, epochs, batch))
        # the median of back-to-back pairs resists a busy neighbour better than best-of-each
        ratio = statistics.median(o / p for o, p in zip(ours_all, plains))
        plain, ours = statistics.median(plains), statistics.median(ours_all)
        worst = max(worst, ratio)
        samples = n * epochs
        steps = epochs * ((n + batch - 1) // batch)
        table.add_row(
            name,
            f"{count_parameters(_model(name)):,}",
            f"{samples / plain:,.0f}",
            f"{samples / ours:,.0f}",
            f"{ratio:.3f}",
            f"{1e6 * (ours - plain) / steps:+.0f}",
        )
    console.print(table)
    console.print(f"largest Trainer overhead: {100 * (worst - 1):+.1f} % (target ≤ 5 %)")


if __name__ == "__main__":
    main()
