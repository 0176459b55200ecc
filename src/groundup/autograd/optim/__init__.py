"""Optimisers, learning-rate schedules and gradient clipping (``torch.optim`` names).

See docs/notes/optimizers.md.
"""

from groundup.autograd.optim import lr_scheduler
from groundup.autograd.optim.clip import clip_grad_norm_
from groundup.autograd.optim.lr_scheduler import (
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    LinearLR,
    LRScheduler,
    StepLR,
)
from groundup.autograd.optim.optimizer import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop

__all__ = [
    "SGD",
    "Adagrad",
    "Adam",
    "AdamW",
    "CosineAnnealingLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "LinearLR",
    "Optimizer",
    "RMSprop",
    "StepLR",
    "clip_grad_norm_",
    "lr_scheduler",
]
