"""Training configuration and the warmup + cosine learning-rate schedule.

Schedule (s = optimiser step, W = warmup steps, T = total steps, r = min_lr_ratio):
    lr(s) = lr · (s + 1) / W                                        for s < W
    lr(s) = lr · (r + (1 − r) · ½ (1 + cos(π (s − W) / (T − W))))   otherwise
See docs/notes/training-at-scale.md.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any, Literal


@dataclass
class TrainConfig:
    """Everything that decides a training run; stored in every checkpoint as JSON.

    Parameters
    ----------
    epochs : int or None
        Passes over the training data (None: run until ``max_steps``).
    max_steps : int or None
        Stop after this many optimiser steps (wins over ``epochs`` when both are set).
    batch_size : int
        Samples per micro-batch across all processes (the global batch under DDP).
    grad_accum : int
        Micro-batches per optimiser step; the effective batch is batch_size · grad_accum.
    optimizer : {"adamw", "sgd"}
        AdamW (decoupled weight decay) or SGD with Nesterov momentum.
    lr, weight_decay, momentum : float
        Peak learning rate, weight decay, SGD momentum.
    warmup_steps : int
        Linear warmup length in optimiser steps.
    schedule : {"cosine", "constant"}
        Decay after warmup.
    min_lr_ratio : float
        Floor of the cosine as a fraction of ``lr``.
    grad_clip : float or None
        Clip the global gradient norm to this value.
    label_smoothing : float
        Cross-entropy label smoothing.
    precision : {"fp32", "bf16", "fp16"}
        bf16 autocast (CPU or a bf16-capable GPU); fp16 autocast with a GradScaler (CUDA only).
    compile : bool
        Wrap the model in ``torch.compile``.
    monitor, mode : str
        Metric watched for early stopping and the best-model file ("val_loss"/"min",
        "val_acc"/"max", …).
    patience : int or None
        Stop after this many epochs without improvement of ``monitor`` (None: never).
    checkpoint_every : int or None
        Also checkpoint every k optimiser steps (epochs always end with a checkpoint).
    keep_checkpoints : int
        How many of the newest checkpoints to keep on disk.
    eval_batch_size : int
        Batch size for evaluation.
    seed : int
        Seeds Python, NumPy and torch, the data order and the augmentation.
    device : str
        "auto" (cuda → mps → cpu) or a torch device string.
    deterministic : bool
        Ask torch for deterministic kernels.
    num_threads : int or None
        torch intra-op threads (None: leave torch's default).
    progress : bool
        Show a rich progress bar.
    """

    epochs: int | None = 10
    max_steps: int | None = None
    batch_size: int = 64
    grad_accum: int = 1
    optimizer: Literal["adamw", "sgd"] = "adamw"
    lr: float = 1e-3
    weight_decay: float = 0.01
    momentum: float = 0.9
    warmup_steps: int = 0
    schedule: Literal["cosine", "constant"] = "cosine"
    min_lr_ratio: float = 0.0
    grad_clip: float | None = None
    label_smoothing: float = 0.0
    precision: Literal["fp32", "bf16", "fp16"] = "fp32"
    compile: bool = False
    monitor: str = "val_loss"
    mode: Literal["min", "max"] = "min"
    patience: int | None = None
    checkpoint_every: int | None = None
    keep_checkpoints: int = 2
    eval_batch_size: int = 512
    seed: int = 0
    device: str = "auto"
    deterministic: bool = True
    num_threads: int | None = None
    progress: bool = True

    def __post_init__(self) -> None:
        if self.epochs is None and self.max_steps is None:
            raise ValueError("set epochs or max_steps (both are None)")
        for name in ("epochs", "max_steps", "patience", "checkpoint_every", "num_threads"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or value < 1):
                raise ValueError(f"{name} must be a positive integer or None, got {value!r}")
        for name in ("batch_size", "grad_accum", "keep_checkpoints", "eval_batch_size"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if not isinstance(self.warmup_steps, int) or self.warmup_steps < 0:
            raise ValueError(f"warmup_steps must be an integer >= 0, got {self.warmup_steps!r}")
        if not (math.isfinite(self.lr) and self.lr > 0):
            raise ValueError(f"lr must be finite and > 0, got {self.lr!r}")
        if not (math.isfinite(self.weight_decay) and self.weight_decay >= 0):
            raise ValueError(f"weight_decay must be finite and >= 0, got {self.weight_decay!r}")
        if not 0.0 <= self.momentum < 1.0:
            raise ValueError(f"momentum must lie in [0, 1), got {self.momentum!r}")
        if not 0.0 <= self.min_lr_ratio <= 1.0:
            raise ValueError(f"min_lr_ratio must lie in [0, 1], got {self.min_lr_ratio!r}")
        if not 0.0 <= self.label_smoothing < 1.0:
            raise ValueError(f"label_smoothing must lie in [0, 1), got {self.label_smoothing!r}")
        if self.grad_clip is not None and not (
            math.isfinite(self.grad_clip) and self.grad_clip > 0
        ):
            raise ValueError(f"grad_clip must be finite and > 0 or None, got {self.grad_clip!r}")
        choices = {
            "optimizer": ("adamw", "sgd"),
            "schedule": ("cosine", "constant"),
            "precision": ("fp32", "bf16", "fp16"),
            "mode": ("min", "max"),
        }
        for name, allowed in choices.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {allowed}, got {getattr(self, name)!r}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict of the fields."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainConfig:
        """Inverse of :meth:`to_dict`; unknown keys are an error naming them."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown TrainConfig field(s) {unknown}")
        return cls(**data)


class WarmupCosine:
    """The learning-rate multiplier lr(s)/lr of the module docstring, as a picklable object.

    A plain object (not a closure) so ``LambdaLR.state_dict`` records its settings.
    """

    def __init__(self, warmup: int, total: int, min_ratio: float = 0.0, cosine: bool = True):
        self.warmup, self.total, self.min_ratio, self.cosine = warmup, total, min_ratio, cosine

    def __call__(self, step: int) -> float:
        if step < self.warmup:
            return (step + 1) / self.warmup
        if not self.cosine:
            return 1.0
        progress = min(1.0, (step - self.warmup) / max(1, self.total - self.warmup))
        return self.min_ratio + (1 - self.min_ratio) * 0.5 * (1 + math.cos(math.pi * progress))
