"""PyTorch, used idiomatically: a Trainer with crash-safe checkpoints and DDP, and a model zoo.

- :class:`Trainer` / :class:`TrainConfig` — the training engine (train.py, config.py)
- :mod:`groundup.deep.checkpoint` — atomic safetensors + JSON checkpoints with a manifest
- :mod:`groundup.deep.distributed` — the same Trainer under torchrun (DDP)
- :mod:`groundup.deep.models` — mlp, lenet, resnet*, vit-* behind ``create(name)``
- :mod:`groundup.deep.runs` — ``train_run`` / ``evaluate_run`` for the CLI
"""

from groundup.deep.callbacks import Callback, CallbackProtocol, CSVLogger, read_metrics_csv
from groundup.deep.checkpoint import (
    CheckpointError,
    latest_checkpoint,
    list_checkpoints,
    load_checkpoint,
    save_checkpoint,
)
from groundup.deep.config import TrainConfig, WarmupCosine
from groundup.deep.data import ArrayLoader
from groundup.deep.train import Trainer, seed_everything, select_device

__all__ = [
    "ArrayLoader",
    "CSVLogger",
    "Callback",
    "CallbackProtocol",
    "CheckpointError",
    "TrainConfig",
    "Trainer",
    "WarmupCosine",
    "latest_checkpoint",
    "list_checkpoints",
    "load_checkpoint",
    "read_metrics_csv",
    "save_checkpoint",
    "seed_everything",
    "select_device",
]
