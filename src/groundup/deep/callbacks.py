"""Training callbacks: a small protocol and a crash-safe metrics CSV logger.

A callback sees the run at four moments — start, after each optimiser step, after each epoch
(with that epoch's metrics) and at the end. Under DDP only rank 0 calls them.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from groundup.deep.checkpoint import atomic_write_bytes

if TYPE_CHECKING:
    from groundup.deep.train import Trainer


@runtime_checkable
class CallbackProtocol(Protocol):
    """What the Trainer calls; subclass :class:`Callback` to implement only some of them."""

    def on_train_start(self, trainer: Trainer) -> None: ...
    def on_step_end(self, trainer: Trainer, step: int, logs: dict[str, float]) -> None: ...
    def on_epoch_end(self, trainer: Trainer, metrics: dict[str, float]) -> None: ...
    def on_train_end(self, trainer: Trainer, history: list[dict[str, float]]) -> None: ...


class Callback:
    """No-op base class of the callback protocol. Set ``trainer.should_stop`` to stop early."""

    def on_train_start(self, trainer: Trainer) -> None:
        """Called once before the first step (after a resume has restored the state)."""

    def on_step_end(self, trainer: Trainer, step: int, logs: dict[str, float]) -> None:
        """Called after optimiser step ``step`` (1-based) with ``{"lr": …}``."""

    def on_epoch_end(self, trainer: Trainer, metrics: dict[str, float]) -> None:
        """Called after each epoch's evaluation with its metrics row."""

    def on_train_end(self, trainer: Trainer, history: list[dict[str, float]]) -> None:
        """Called once at the end with every epoch's metrics."""


class CSVLogger(Callback):
    """Write one row per epoch to ``path``, rewritten atomically from the run's history.

    Rewriting the whole file from ``trainer.history`` each epoch (a few hundred bytes) means a
    resumed run's CSV holds exactly the epochs of its checkpoint, never a row from beyond it.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def _write(self, history: list[dict[str, Any]]) -> None:
        if not history:
            return
        columns = list(history[0])
        for row in history[1:]:
            columns += [c for c in row if c not in columns]
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(history)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.path, buf.getvalue().encode())

    def on_train_start(self, trainer: Trainer) -> None:
        if trainer.history:
            self._write(trainer.history)
        elif self.path.exists():
            self.path.unlink()  # a fresh run: no stale rows from an older one

    def on_epoch_end(self, trainer: Trainer, metrics: dict[str, float]) -> None:
        self._write(trainer.history)


def read_metrics_csv(path: str | Path) -> list[dict[str, float]]:
    """Rows of a metrics CSV as floats."""
    with open(path, newline="") as fh:
        return [{k: float(v) for k, v in row.items() if v != ""} for row in csv.DictReader(fh)]
