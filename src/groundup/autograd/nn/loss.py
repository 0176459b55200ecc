"""Loss functions: mse_loss, l1_loss, cross_entropy, nll_loss, binary_cross_entropy_with_logits.

Cross-entropy of logits z against class y is  ℓ = -log softmax(z)_y = logsumexp(z) - z_y,
whose gradient is softmax(z) - onehot(y): computed through a stable log_softmax, never
through softmax then log. Label smoothing mixes the one-hot target with the uniform one:
ℓ = (1-ε)·(-log p_y) + ε·mean_c(-log p_c). See docs/notes/backpropagation.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from groundup import autograd as ag
from groundup.autograd.nn.module import Module
from groundup.autograd.ops._util import lift
from groundup.autograd.tensor import Tensor

__all__ = [
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "L1Loss",
    "MSELoss",
    "NLLLoss",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "l1_loss",
    "mse_loss",
    "nll_loss",
]

_REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _raw(x: Any) -> np.ndarray:
    return np.asarray(x.data if isinstance(x, Tensor) else x)


def _same_shape_pair(name: str, input: Any, target: Any, reduction: str) -> tuple[Tensor, Tensor]:
    """Input and target of an element-wise loss, checked: lifted to tensors of one shape.

    Also refuses an unknown ``reduction``; a shape mismatch names both shapes.
    """
    _check_reduction(reduction)
    a, b = lift(input), lift(target)
    if a.shape != b.shape:
        raise ValueError(f"{name}: input has shape {a.shape} but target has shape {b.shape}")
    return a, b


def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Mean squared error between ``input`` and ``target`` (same shape).

    L = (1/n) Σ (x - y)²;  ∂L/∂x = 2(x - y)/n. See docs/notes/backpropagation.md.

    Parameters
    ----------
    input : Tensor
        Predictions.
    target : Tensor or array_like
        Targets, same shape (a mismatch is an error naming both shapes).
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    Tensor
    """
    input, target = _same_shape_pair("mse_loss", input, target, reduction)
    diff = input - target
    return _reduce(diff * diff, reduction)


def l1_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:
    """Mean absolute error between ``input`` and ``target`` (same shape).

    L = (1/n) Σ |x - y|;  ∂L/∂x = sign(x - y)/n. See docs/notes/backpropagation.md.

    Parameters
    ----------
    input : Tensor
        Predictions.
    target : Tensor or array_like
        Targets, same shape.
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    Tensor
    """
    input, target = _same_shape_pair("l1_loss", input, target, reduction)
    return _reduce(ag.abs(input - target), reduction)


def _flatten_classes(x: Tensor) -> Tensor:
    """(N, C, d1, …) → (N·d1·…, C); (N, C) unchanged."""
    if x.ndim == 2:
        return x
    perm = (0, *range(2, x.ndim), 1)
    return ag.reshape(ag.permute(x, *perm), -1, x.shape[1])


def _class_targets(name: str, input: Tensor, target: Any, ignore_index: int) -> np.ndarray:
    t = _raw(target)
    if t.dtype.kind not in "iu":
        raise TypeError(f"{name}: class targets must be integers, got dtype {t.dtype}")
    want = (input.shape[0], *input.shape[2:])
    if t.shape != want:
        raise ValueError(
            f"{name}: input of shape {input.shape} needs a target of shape {want}, got {t.shape}"
        )
    c = input.shape[1]
    bad = (t != ignore_index) & ((t < 0) | (t >= c))
    if bad.any():
        raise IndexError(
            f"{name}: target {t[bad][0]} is out of range for {c} classes "
            f"(and is not ignore_index={ignore_index})"
        )
    return t.reshape(-1)


def nll_loss(
    input: Tensor,
    target: Any,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
) -> Tensor:
    """Negative log-likelihood of log-probabilities (N, C[, d…]) at integer class targets.

    ℓᵢ = -w_(yᵢ) · logp_(i, yᵢ); 'mean' divides by the total weight of the non-ignored targets,
    as PyTorch. ∂ℓᵢ/∂logp = -w_(yᵢ) at the target class, 0 elsewhere.
    See docs/notes/backpropagation.md.

    Parameters
    ----------
    input : Tensor
        Log-probabilities, (N, C) or (N, C, d1, …).
    target : array_like of int
        Classes, (N[, d…]); values in [0, C) or ``ignore_index``.
    weight : array_like, optional
        Per-class weights (C,).
    ignore_index : int
        Target value that contributes nothing.
    reduction : {"mean", "sum", "none"}

    Returns
    -------
    Tensor
    """
    return _nll(input, target, weight, ignore_index, reduction, 0.0, "nll_loss")


def _nll(
    logp: Tensor,
    target: Any,
    weight: Any,
    ignore_index: int,
    reduction: str,
    smoothing: float,
    name: str,
) -> Tensor:
    _check_reduction(reduction)
    logp = lift(logp)
    if logp.ndim < 2:
        raise ValueError(f"{name}: input must be (N, C) or (N, C, d…), got shape {logp.shape}")
    t = _class_targets(name, logp, target, ignore_index)
    flat = _flatten_classes(logp)
    c = flat.shape[1]
    w = np.ones(c, dtype=flat.dtype) if weight is None else _raw(weight).astype(flat.dtype)
    if w.shape != (c,):
        raise ValueError(f"{name}: weight must have shape ({c},), got {w.shape}")
    valid = t != ignore_index
    safe = np.where(valid, t, 0)
    wt = w[safe] * valid  # per-sample weight, 0 where ignored
    picked = flat[np.arange(len(t)), safe]
    loss = -(picked * wt)
    if smoothing > 0.0:
        smooth = -((flat * w).sum(axis=1) * valid.astype(flat.dtype))
        loss = loss * (1.0 - smoothing) + smooth * (smoothing / c)
    if reduction == "mean":
        return loss.sum() / wt.sum()
    if reduction == "sum":
        return loss.sum()
    return ag.reshape(loss, logp.shape[0], *logp.shape[2:])


def cross_entropy(
    input: Tensor,
    target: Any,
    weight: Any = None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Softmax cross-entropy of logits (N, C[, d…]) against class indices or class probabilities.

    ℓᵢ = -Σ_c w_c · qᵢc · log softmax(zᵢ)_c with q the (smoothed) target distribution;
    'mean' divides by the summed weight of non-ignored targets (index targets) or by N
    (probability targets), as PyTorch. See docs/notes/backpropagation.md.

    Parameters
    ----------
    input : Tensor
        Logits, shape (N, C) or (N, C, d1, …).
    target : array_like
        Integer classes of shape (N[, d…]) — or probabilities of the input's shape.
    weight : array_like, optional
        Per-class weights (C,).
    ignore_index : int
        Target value that contributes nothing (index targets only).
    reduction : {"mean", "sum", "none"}
    label_smoothing : float in [0, 1]
    """
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must lie in [0, 1], got {label_smoothing}")
    _check_reduction(reduction)
    input = lift(input)
    if input.ndim < 2:
        raise ValueError(f"cross_entropy: input must be (N, C) or (N, C, d…), got {input.shape}")
    logp = ag.log_softmax(input, axis=1)
    t = _raw(target)
    if t.dtype.kind == "f":  # class probabilities
        if t.shape != input.shape:
            raise ValueError(
                f"cross_entropy: probability targets must match the input's shape {input.shape}, "
                f"got {t.shape}"
            )
        c = input.shape[1]
        q = t * (1 - label_smoothing) + label_smoothing / c
        if weight is not None:
            shape = [1] * input.ndim
            shape[1] = c
            q = q * _raw(weight).reshape(shape)
        per = -(logp * q.astype(logp.dtype)).sum(axis=1)
        if reduction == "mean":
            return per.sum() / input.shape[0]
        return _reduce(per, reduction)
    return _nll(logp, t, weight, ignore_index, reduction, label_smoothing, "cross_entropy")


def binary_cross_entropy_with_logits(
    input: Tensor,
    target: Any,
    weight: Any = None,
    reduction: str = "mean",
    pos_weight: Any = None,
) -> Tensor:
    """Logistic loss of logits x against targets y ∈ [0, 1], computed stably:

    ℓ = (1 - y)·x + (1 + (p - 1)·y)·log(1 + e^(-x)), p = pos_weight.
    See docs/notes/backpropagation.md.
    """
    input, target = _same_shape_pair("binary_cross_entropy_with_logits", input, target, reduction)
    loss = ag.binary_cross_entropy_with_logits_elementwise(input, target, pos_weight)
    if weight is not None:
        loss = loss * lift(weight)
    return _reduce(loss, reduction)


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        _check_reduction(reduction)
        self.reduction = reduction


class MSELoss(_Loss):
    """Module form of :func:`mse_loss`."""

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return mse_loss(input, target, self.reduction)


class L1Loss(_Loss):
    """Module form of :func:`l1_loss`."""

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return l1_loss(input, target, self.reduction)


class CrossEntropyLoss(_Loss):
    """Module form of :func:`cross_entropy`."""

    def __init__(
        self,
        weight: Any = None,
        ignore_index: int = -100,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(reduction)
        self.weight, self.ignore_index, self.label_smoothing = weight, ignore_index, label_smoothing

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return cross_entropy(
            input, target, self.weight, self.ignore_index, self.reduction, self.label_smoothing
        )


class NLLLoss(_Loss):
    """Module form of :func:`nll_loss`."""

    def __init__(
        self, weight: Any = None, ignore_index: int = -100, reduction: str = "mean"
    ) -> None:
        super().__init__(reduction)
        self.weight, self.ignore_index = weight, ignore_index

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return nll_loss(input, target, self.weight, self.ignore_index, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Module form of :func:`binary_cross_entropy_with_logits`."""

    def __init__(self, weight: Any = None, reduction: str = "mean", pos_weight: Any = None) -> None:
        super().__init__(reduction)
        self.weight, self.pos_weight = weight, pos_weight

    def forward(self, input: Tensor, target: Any) -> Tensor:
        return binary_cross_entropy_with_logits(
            input, target, self.weight, self.reduction, self.pos_weight
        )
