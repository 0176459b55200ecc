"""The training engine: one Trainer for a laptop CPU, a GPU, or many processes under torchrun.

Each optimiser step minimises the mean loss over its samples,
    L(θ) = (1/N) Σᵢ ℓ(f_θ(xᵢ), yᵢ),
whatever way the N samples are cut into micro-batches (gradient accumulation) and processes
(DDP): micro-batch b on process r back-propagates W · Σ_{i∈b} ℓᵢ / N, so after DDP averages
over the W processes and the micro-batches add up, the gradient is exactly ∇L. Then the
gradient norm is clipped, the optimiser (AdamW or SGD) steps, and the warmup + cosine schedule
sets the next learning rate. See docs/notes/training-at-scale.md.
"""

from __future__ import annotations

import contextlib
import math
import random
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn

from groundup.deep.callbacks import Callback
from groundup.deep.checkpoint import (
    atomic_write_bytes,
    latest_checkpoint,
    load_checkpoint,
    save_checkpoint,
)
from groundup.deep.config import TrainConfig, WarmupCosine
from groundup.deep.data import ArrayLoader, Augment, derive_seed
from groundup.deep.state import (
    capture_rng,
    join_optimizer_state,
    restore_rng,
    split_optimizer_state,
)

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def select_device(name: str = "auto") -> torch.device:
    """``"auto"`` picks cuda, then mps, then cpu; any other string is used as given."""
    if name != "auto":
        return torch.device(name)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def seed_everything(seed: int) -> None:
    """Seed Python's, NumPy's and torch's global generators (all devices)."""
    random.seed(seed)
    np.random.seed(seed % 2**32)  # noqa: NPY002 - user code may draw from the global one
    torch.manual_seed(seed)


def _as_tensors(data: tuple[Any, Any], name: str) -> tuple[torch.Tensor, torch.Tensor]:
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(f"{name} must be a pair (X, y), got {type(data).__name__}")
    X, y = (torch.as_tensor(np.asarray(a)) if not isinstance(a, torch.Tensor) else a for a in data)
    if X.is_floating_point() and not torch.isfinite(X).all():
        raise ValueError(f"{name} X contains NaN or infinity")
    if len(X) != len(y):
        raise ValueError(f"{name} X has {len(X)} samples but y has {len(y)}")
    if len(X) == 0:
        raise ValueError(f"{name} is empty")
    if X.dtype == torch.float64:
        X = X.float()  # the models are float32
    if not y.is_floating_point() and y.dtype != torch.int64:
        y = y.long()  # cross-entropy wants int64 class indices
    return X, y


class Trainer:
    """Fit a model on in-memory ``(X, y)`` tensors with checkpoints, resume and callbacks.

    Parameters
    ----------
    model : nn.Module
        The model; build and seed it before passing it in.
    config : TrainConfig
        Optimisation, schedule, precision, checkpointing and early stopping settings.
    train_data, val_data : (X, y) pairs
        Tensors or arrays; ``val_data`` feeds the per-epoch evaluation and early stopping.
    run_dir : Path, optional
        Where checkpoints (``checkpoints/``) and the best weights (``best.safetensors``) go;
        without it nothing is written.
    callbacks : sequence of Callback
        Called on rank 0 only.
    augment : callable, optional
        ``augment(x, generator) -> x`` applied to training batches.
    loss_fn : callable, optional
        ``loss_fn(logits, y) -> mean loss``; cross-entropy (with label smoothing) by default.

    Attributes
    ----------
    history : list of dict
        One metrics row per finished epoch.
    should_stop : bool
        Set by a callback (or early stopping) to end training after the current epoch.
    """

    def __init__(
        self,
        model: nn.Module,
        config: TrainConfig,
        train_data: tuple[Any, Any],
        val_data: tuple[Any, Any] | None = None,
        *,
        run_dir: Path | None = None,
        callbacks: Sequence[Callback] = (),
        augment: Augment | None = None,
        loss_fn: LossFn | None = None,
    ) -> None:
        if not isinstance(config, TrainConfig):
            raise TypeError(f"config must be a TrainConfig, got {type(config).__name__}")
        self.config = config
        self.distributed = dist.is_available() and dist.is_initialized()
        self.rank = dist.get_rank() if self.distributed else 0
        self.world_size = dist.get_world_size() if self.distributed else 1
        self.is_main = self.rank == 0
        self.device = select_device(config.device)
        if self.distributed and self.device.type == "cuda":
            self.device = torch.device("cuda", torch.cuda.current_device())
        if config.num_threads is not None:
            torch.set_num_threads(config.num_threads)
        if config.deterministic:
            torch.use_deterministic_algorithms(True, warn_only=True)
            torch.backends.cudnn.benchmark = False
        self.model = model.to(self.device)
        self.train_X, self.train_y = _as_tensors(train_data, "train_data")
        self.val = _as_tensors(val_data, "val_data") if val_data is not None else None
        if config.patience is not None and self.val is None and config.monitor.startswith("val_"):
            raise ValueError(
                f"early stopping (patience={config.patience}) watches {config.monitor!r}, "
                "which needs val_data"
            )
        self.loader = ArrayLoader(
            self.train_X,
            self.train_y,
            config.batch_size,
            shuffle=True,
            seed=config.seed,
            augment=augment,
            rank=self.rank,
            world_size=self.world_size,
        )
        self.run_dir = Path(run_dir) if run_dir is not None else None
        self.callbacks = list(callbacks) if self.is_main else []
        self.loss_fn: LossFn = loss_fn or (
            lambda out, y: F.cross_entropy(out, y, label_smoothing=config.label_smoothing)
        )
        self.history: list[dict[str, Any]] = []
        self.should_stop = False
        self._build()

    # ----------------------------------------------------------------------------- set-up
    def _build(self) -> None:
        cfg = self.config
        params = self.model.parameters()
        if cfg.optimizer == "adamw":
            self.optimizer: torch.optim.Optimizer = torch.optim.AdamW(
                params, lr=cfg.lr, weight_decay=cfg.weight_decay
            )
        else:
            self.optimizer = torch.optim.SGD(
                params,
                lr=cfg.lr,
                momentum=cfg.momentum,
                nesterov=cfg.momentum > 0,
                weight_decay=cfg.weight_decay,
            )
        self.steps_per_epoch = math.ceil(len(self.loader) / cfg.grad_accum)
        if cfg.max_steps is not None:
            self.total_steps = cfg.max_steps
            self.epochs = math.ceil(cfg.max_steps / self.steps_per_epoch)
            if cfg.epochs is not None:
                self.epochs = min(self.epochs, cfg.epochs)
                self.total_steps = min(self.total_steps, self.epochs * self.steps_per_epoch)
        else:
            assert cfg.epochs is not None
            self.epochs = cfg.epochs
            self.total_steps = cfg.epochs * self.steps_per_epoch
        self.lr_factor = WarmupCosine(
            cfg.warmup_steps, self.total_steps, cfg.min_lr_ratio, cfg.schedule == "cosine"
        )
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(self.optimizer, self.lr_factor)
        self.amp_dtype: torch.dtype | None = None
        if cfg.precision == "bf16":
            ok = self.device.type == "cpu" or (
                self.device.type == "cuda" and torch.cuda.is_bf16_supported()
            )
            self.amp_dtype = torch.bfloat16 if ok else None
        elif cfg.precision == "fp16":
            if self.device.type != "cuda":
                raise ValueError(f"precision 'fp16' needs a CUDA device, got {self.device}")
            self.amp_dtype = torch.float16
        self.scaler = torch.amp.GradScaler("cuda", enabled=cfg.precision == "fp16")
        net: nn.Module = self.model
        if self.distributed:
            from torch.nn.parallel import DistributedDataParallel as DDP

            ids = [self.device.index] if self.device.type == "cuda" else None
            net = DDP(self.model, device_ids=ids)
        self.ddp_model = net
        self.net: Callable[..., torch.Tensor] = torch.compile(net) if cfg.compile else net

    def _autocast(self) -> contextlib.AbstractContextManager[Any]:
        if self.amp_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=self.amp_dtype)

    # ----------------------------------------------------------------------------- state
    def state_tensors_and_json(
        self, epoch: int, batch: int, step: int, acc: dict[str, float], es: dict[str, Any]
    ) -> tuple[dict[str, dict[str, torch.Tensor]], dict[str, Any]]:
        """Everything a bit-identical resume needs, split into tensors and JSON."""
        opt_tensors, opt_rest = split_optimizer_state(self.optimizer.state_dict())
        rng_tensors, rng_rest = capture_rng()
        tensors = {"model": self.model.state_dict(), "optimizer": opt_tensors, "rng": rng_tensors}
        state = {
            "config": self.config.to_dict(),
            "epoch": epoch,
            "batch": batch,
            "step": step,
            "epoch_sums": acc,
            "early_stopping": es,
            "history": self.history,
            "optimizer": opt_rest,
            "scheduler": self.scheduler.state_dict(),
            "scaler": self.scaler.state_dict(),
            "rng": rng_rest,
            "world_size": self.world_size,
        }
        return tensors, state

    def _save(
        self, epoch: int, batch: int, step: int, acc: dict[str, float], es: dict[str, Any]
    ) -> None:
        if self.run_dir is None:
            return
        if self.is_main:
            tensors, state = self.state_tensors_and_json(epoch, batch, step, acc, es)
            save_checkpoint(
                self.run_dir / "checkpoints",
                step,
                tensors,
                state,
                keep=self.config.keep_checkpoints,
            )
        if self.distributed:
            dist.barrier()

    def _restore(self, path: Path) -> tuple[int, int, int, dict[str, float], dict[str, Any]]:
        ckpt = load_checkpoint(path)
        s = ckpt.state
        self.model.load_state_dict(ckpt.tensors["model"])
        self.optimizer.load_state_dict(
            join_optimizer_state(ckpt.tensors["optimizer"], s["optimizer"])
        )
        self.scheduler.load_state_dict(s["scheduler"])
        if s["scaler"]:
            self.scaler.load_state_dict(s["scaler"])
        restore_rng(ckpt.tensors["rng"], s["rng"])
        self.history = s["history"]
        return s["epoch"], s["batch"], s["step"], s["epoch_sums"], s["early_stopping"]

    # ----------------------------------------------------------------------------- loop
    def _micro_batches(self, epoch: int, start: int) -> Iterator[list[Any]]:
        """Group the epoch's batches into optimiser steps of ``grad_accum`` micro-batches."""
        group: list[Any] = []
        for batch in self.loader.epoch(epoch, start):
            group.append(batch)
            if len(group) == self.config.grad_accum:
                yield group
                group = []
        if group:
            yield group

    def _train_step(self, group: list[Any], sums: _RunningSums) -> None:
        n_step = sum(b.global_size for b in group)
        self.optimizer.zero_grad(set_to_none=True)
        for i, b in enumerate(group):
            x, y = b.x, b.y
            if x.device != self.device:
                x, y = x.to(self.device, non_blocking=True), y.to(self.device, non_blocking=True)
            last = i == len(group) - 1
            sync = contextlib.nullcontext()
            if self.distributed and not last:
                sync = self.ddp_model.no_sync()  # type: ignore[operator]
            with sync:
                with self._autocast():
                    out = self.net(x)
                    loss = self.loss_fn(out.float(), y)
                # weight so that DDP's mean and the micro-batch sum give the mean over n_step
                weight = len(y) * self.world_size / n_step
                scaled = loss * weight if weight != 1.0 else loss
                self.scaler.scale(scaled).backward()
            sums.add(loss, out, y)
        if self.config.grad_clip is not None:
            self.scaler.unscale_(self.optimizer)
            nn.utils.clip_grad_norm_(self.model.parameters(), self.config.grad_clip)
        self.scaler.step(self.optimizer)
        self.scaler.update()
        self.scheduler.step()

    def _all_reduce(self, values: list[float]) -> list[float]:
        if not self.distributed:
            return values
        t = torch.tensor(
            values,
            dtype=torch.float64,
            device=self.device if dist.get_backend() == "nccl" else "cpu",
        )
        dist.all_reduce(t)
        return t.tolist()

    @torch.no_grad()
    def evaluate(self, X: Any, y: Any) -> dict[str, float]:
        """Mean loss, accuracy and sample count of the model on ``(X, y)``.

        Under DDP each process scores every W-th sample and the sums are all-reduced.
        """
        X, y = _as_tensors((X, y), "evaluation data")
        X, y = X[self.rank :: self.world_size], y[self.rank :: self.world_size]
        was_training = self.model.training
        self.model.eval()
        loss_sum = correct = 0.0
        try:
            for i in range(0, len(X), self.config.eval_batch_size):
                xb = X[i : i + self.config.eval_batch_size].to(self.device)
                yb = y[i : i + self.config.eval_batch_size].to(self.device)
                with self._autocast():
                    out = self.model(xb)
                loss_sum += float(self.loss_fn(out.float(), yb)) * len(yb)
                if out.ndim == 2 and not yb.is_floating_point():
                    correct += float((out.argmax(1) == yb).sum())
        finally:
            self.model.train(was_training)
        loss_sum, correct, n = self._all_reduce([loss_sum, correct, float(len(X))])
        return {"loss": loss_sum / n, "accuracy": correct / n, "n_samples": int(n)}

    def _new_sums(self, start: dict[str, float] | None = None) -> _RunningSums:
        # on an accelerator keep the sums on the device: a step then never waits for the GPU
        return _RunningSums(self.device, self.device.type != "cpu", start)

    def _improved(self, value: float, best: float | None) -> bool:
        if best is None:
            return True
        return value < best if self.config.mode == "min" else value > best

    def fit(self, resume: Path | None = None) -> list[dict[str, Any]]:
        """Train; with ``resume`` (a checkpoint, or a run folder) continue where it stopped.

        Returns the per-epoch metrics history.
        """
        cfg = self.config
        # replicas need different dropout masks: rank r > 0 seeds its global RNGs from (seed, r)
        seed_everything(cfg.seed if self.rank == 0 else derive_seed(cfg.seed, self.rank))
        epoch, start_batch, step = 0, 0, 0
        sums = self._new_sums()
        es: dict[str, Any] = {"best": None, "bad_epochs": 0}
        if resume is not None:
            path = Path(resume)
            if not (path / "manifest.json").exists() and (path / "checkpoints").is_dir():
                path = latest_checkpoint(path / "checkpoints")
            epoch, start_batch, step, saved_sums, es = self._restore(path)
            sums = self._new_sums(saved_sums)
            self.should_stop = bool(es.get("stopped", False))
            if self.rank > 0:  # the checkpoint holds rank 0's generators; keep replicas distinct
                seed_everything(derive_seed(cfg.seed, self.rank, step))
        self.model.train()
        for cb in self.callbacks:
            cb.on_train_start(self)
        progress = _Progress(cfg.progress and self.is_main, self.epochs, self.steps_per_epoch)
        with progress:
            while epoch < self.epochs and step < self.total_steps and not self.should_stop:
                progress.start_epoch(epoch, done=start_batch // cfg.grad_accum)
                t0, n0 = time.perf_counter(), sums.count
                batch = start_batch
                for group in self._micro_batches(epoch, start_batch):
                    self._train_step(group, sums)
                    step += 1
                    batch += len(group)
                    logs = {"lr": float(self.scheduler.get_last_lr()[0])}
                    for cb in self.callbacks:
                        cb.on_step_end(self, step, logs)
                    progress.advance(sums.as_dict, time.perf_counter() - t0, sums.count - n0)
                    if (
                        cfg.checkpoint_every
                        and step % cfg.checkpoint_every == 0
                        and batch < len(self.loader)
                    ):
                        self._save(epoch, batch, step, sums.as_dict(), es)
                    if step >= self.total_steps:
                        break
                elapsed = time.perf_counter() - t0
                loss_sum, correct, count = self._all_reduce(list(sums.as_dict().values()))
                row: dict[str, Any] = {
                    "epoch": epoch + 1,
                    "step": step,
                    "lr": self.scheduler.get_last_lr()[0],
                    "train_loss": loss_sum / count,
                    "train_acc": correct / count,
                }
                if self.val is not None:
                    scores = self.evaluate(*self.val)
                    row["val_loss"], row["val_acc"] = scores["loss"], scores["accuracy"]
                row["epoch_time_s"] = elapsed
                row["samples_per_s"] = (count - n0 * self.world_size) / max(elapsed, 1e-9)
                self.history.append(row)
                if cfg.monitor in row:
                    if self._improved(row[cfg.monitor], es["best"]):
                        es = {"best": row[cfg.monitor], "bad_epochs": 0}
                        self._save_best()
                    else:
                        es["bad_epochs"] += 1
                        if cfg.patience is not None and es["bad_epochs"] >= cfg.patience:
                            self.should_stop = True
                es["stopped"] = self.should_stop
                for cb in self.callbacks:
                    cb.on_epoch_end(self, row)
                progress.end_epoch(row)
                epoch, start_batch = epoch + 1, 0
                sums = self._new_sums()
                self._save(epoch, 0, step, sums.as_dict(), es)
        for cb in self.callbacks:
            cb.on_train_end(self, self.history)
        return self.history

    def _save_best(self) -> None:
        if self.run_dir is None or not self.is_main:
            return
        from safetensors.torch import save as st_save

        weights = {
            k: v.detach().cpu().contiguous().clone() for k, v in self.model.state_dict().items()
        }
        self.run_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.run_dir / "best.safetensors", st_save(weights))


class _RunningSums:
    """Σ loss·n, Σ correct and n over the epoch so far (what the epoch's train metrics need).

    On CPU they are Python floats; on an accelerator loss and correct stay in a float64 device
    tensor, so a step does not wait for the device to report its loss. Both paths do the same
    float64 additions in the same order, so a checkpoint stores the same numbers either way.
    """

    def __init__(self, device: torch.device, on_device: bool, start: dict[str, float] | None):
        self.on_device = on_device
        start = start or {"loss": 0.0, "correct": 0.0, "count": 0.0}
        self.count = float(start["count"])
        self.loss, self.correct = float(start["loss"]), float(start["correct"])
        if on_device:
            self.acc = torch.tensor([self.loss, self.correct], dtype=torch.float64, device=device)

    def add(self, loss: torch.Tensor, out: torch.Tensor, y: torch.Tensor) -> None:
        # detach() and argmax build no graph, so no no_grad() context (its cost shows on tiny steps)
        classify = out.ndim == 2 and not y.is_floating_point()
        if self.on_device:
            self.acc[0] += loss.detach().double() * len(y)
            if classify:
                self.acc[1] += (out.argmax(1) == y).sum()
        else:
            self.loss += float(loss.detach()) * len(y)
            if classify:
                self.correct += float((out.argmax(1) == y).sum())
        self.count += len(y)

    def as_dict(self) -> dict[str, float]:
        if self.on_device:
            self.loss, self.correct = self.acc.tolist()
        return {"loss": self.loss, "correct": self.correct, "count": self.count}


class _Progress:
    """A rich progress bar (loss, accuracy, samples/s) per epoch, then one summary line per epoch.

    The bar is transient; the epoch lines stay, so a log reads like a table.
    """

    def __init__(self, enabled: bool, epochs: int, steps_per_epoch: int) -> None:
        self.enabled, self.epochs, self.total = enabled, epochs, steps_per_epoch
        self.bar: Any = None
        self.task: Any = None
        self.tick = 0

    def __enter__(self) -> _Progress:
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(bar_width=24),
                MofNCompleteColumn(),
                TextColumn("{task.fields[stats]}"),
                transient=True,
            )
            self.bar.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)

    def start_epoch(self, epoch: int, done: int) -> None:
        if self.bar is not None:
            self.task = self.bar.add_task(
                f"epoch {epoch + 1}/{self.epochs}", total=self.total, completed=done, stats=""
            )

    def advance(
        self, get_sums: Callable[[], dict[str, float]], elapsed: float, samples: float
    ) -> None:
        if self.bar is None:
            return
        self.tick += 1
        stats = None
        if self.tick % 10 == 0:  # formatting every step would cost more than it shows
            sums = get_sums()
            stats = (
                f"loss {sums['loss'] / max(sums['count'], 1):.4f} "
                f"acc {sums['correct'] / max(sums['count'], 1):.3f} "
                f"{samples / max(elapsed, 1e-9):,.0f}/s"
            )
        self.bar.update(self.task, advance=1, **({"stats": stats} if stats else {}))

    def end_epoch(self, row: dict[str, Any]) -> None:
        if self.bar is not None:
            self.bar.remove_task(self.task)
            stats = "  ".join(
                f"{k} {v:.4f}" for k, v in row.items() if k.startswith(("train_", "val_"))
            )
            self.bar.console.print(
                f"epoch {row['epoch']}/{self.epochs}  {stats}  {row['samples_per_s']:,.0f} samples/s",
                highlight=False,
            )
