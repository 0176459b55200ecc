"""Normalisation layers: BatchNorm1d, BatchNorm2d (running statistics) and LayerNorm.

BatchNorm normalises each channel over the batch (and spatial axes); LayerNorm normalises
each sample over its last axes. Both then scale and shift: y = γ·x̂ + β.
See docs/notes/backpropagation.md (the batch-norm gradient) and docs/notes/regularization.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from groundup import autograd as ag
from groundup.autograd.nn.module import Module, Parameter
from groundup.autograd.tensor import Tensor

__all__ = ["BatchNorm1d", "BatchNorm2d", "LayerNorm", "layer_norm"]


class _BatchNorm(Module):
    ndims: tuple[int, ...] = ()
    running_mean: Any
    running_var: Any
    num_batches_tracked: Any

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        *,
        dtype: DTypeLike = np.float32,
    ) -> None:
        super().__init__()
        if num_features <= 0:
            raise ValueError(f"num_features must be positive, got {num_features}")
        if eps <= 0:
            raise ValueError(f"eps must be > 0, got {eps}")
        if momentum is not None and not 0.0 <= momentum <= 1.0:
            raise ValueError(f"momentum must lie in [0, 1] (or be None), got {momentum}")
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight: Parameter | None = Parameter(np.ones(num_features), dtype=dtype)
            self.bias: Parameter | None = Parameter(np.zeros(num_features), dtype=dtype)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", np.zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", np.ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", np.zeros((), dtype=np.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim not in self.ndims:
            want = " or ".join(f"{d}-D" for d in self.ndims)
            raise ValueError(f"{type(self).__name__}: expected {want} input, got shape {x.shape}")
        if x.shape[1] != self.num_features:
            raise ValueError(
                f"{type(self).__name__}: input has {x.shape[1]} channels (shape {x.shape}), "
                f"expected {self.num_features}"
            )
        # Batch statistics in training, or always when no running statistics are kept.
        use_batch = self.training or self.running_mean is None
        update = self.training and self.track_running_stats
        momentum = self.momentum if self.momentum is not None else 0.0
        if update:
            self.num_batches_tracked = self.num_batches_tracked + 1
            if self.momentum is None:  # cumulative moving average
                momentum = 1.0 / float(self.num_batches_tracked)
        stats = (self.running_mean, self.running_var) if update or not use_batch else (None, None)
        return ag.batch_norm(
            x,
            stats[0],
            stats[1],
            self.weight,
            self.bias,
            training=use_batch,
            momentum=momentum,
            eps=self.eps,
        )

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}"


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) input over N (and L), per channel C.

    Training: x̂ = (x - μ_B)/√(σ²_B + ε), running ← (1 - m)·running + m·batch statistic.
    Evaluation: the running statistics replace μ_B and σ²_B.
    """

    ndims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) input over N, H, W, per channel C (see BatchNorm1d)."""

    ndims = (4,)


def layer_norm(
    x: Tensor,
    normalized_shape: Sequence[int],
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """Layer normalisation over the trailing ``normalized_shape`` axes.

    y = (x - mean)/√(var + ε)·γ + β, statistics per sample; composed from autograd ops, so
    its gradient follows by the chain rule. See docs/notes/regularization.md.

    Parameters
    ----------
    x : Tensor
        Input ending with ``normalized_shape``.
    normalized_shape : sequence of int
        The trailing shape to normalise over.
    weight, bias : Tensor, optional
        γ and β of that shape.
    eps : float
        Variance floor.

    Returns
    -------
    Tensor
        Same shape as ``x``.
    """
    shape = tuple(normalized_shape)
    if tuple(x.shape[x.ndim - len(shape) :]) != shape:
        raise ValueError(
            f"layer_norm: input of shape {x.shape} does not end with normalized_shape {shape}"
        )
    axes = tuple(range(x.ndim - len(shape), x.ndim))
    mu = x.mean(axis=axes, keepdims=True)
    centred = x - mu
    var = (centred * centred).mean(axis=axes, keepdims=True)
    out = centred / ag.sqrt(var + eps)
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


class LayerNorm(Module):
    """Layer normalisation over the last ``len(normalized_shape)`` axes, γ = 1, β = 0 at start."""

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        *,
        dtype: DTypeLike = np.float32,
    ) -> None:
        super().__init__()
        shape = (
            (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        )
        if any(s <= 0 for s in shape):
            raise ValueError(f"normalized_shape must be positive, got {shape}")
        self.normalized_shape, self.eps = shape, eps
        if elementwise_affine:
            self.weight: Parameter | None = Parameter(np.ones(shape), dtype=dtype)
            self.bias: Parameter | None = Parameter(np.zeros(shape), dtype=dtype) if bias else None
            if not bias:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, x: Tensor) -> Tensor:
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
