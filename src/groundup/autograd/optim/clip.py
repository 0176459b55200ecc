"""Gradient clipping by global norm (``torch.nn.utils.clip_grad_norm_``).

    n = ‖(g₁, …, g_k)‖_p  (the norm of all gradients taken together);
    every gᵢ ← gᵢ · min(1, max_norm / (n + 1e-6)).
See docs/notes/optimizers.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from groundup.autograd.tensor import Tensor

__all__ = ["clip_grad_norm_"]


def clip_grad_norm_(
    parameters: Iterable[Tensor] | Tensor,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> float:
    """Scale gradients in place so their joint ``norm_type``-norm is at most ``max_norm``.

    Parameters
    ----------
    parameters : Tensor or iterable of Tensor
        Tensors whose ``.grad`` is clipped (those without a gradient are skipped).
    max_norm : float
        Largest allowed norm.
    norm_type : float
        p of the p-norm; ``inf`` for the largest absolute entry.
    error_if_nonfinite : bool
        Raise if the total norm is NaN or infinite.

    Returns
    -------
    float
        The total norm before clipping.
    """
    if max_norm < 0 or not math.isfinite(max_norm):
        raise ValueError(f"max_norm must be finite and >= 0, got {max_norm}")
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return 0.0
    if norm_type == math.inf:
        total = max(float(np.max(np.abs(g))) for g in grads)
    else:
        total = float(
            sum(float(np.sum(np.abs(g) ** norm_type)) for g in grads) ** (1.0 / norm_type)
        )
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"the total norm of order {norm_type} of the gradients is {total}")
    coef = min(1.0, max_norm / (total + 1e-6))
    for g in grads:
        g *= coef
    return total
