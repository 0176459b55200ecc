"""Per-sample losses of the SGD models and their derivatives dℓ/dp, vectorised over arrays.

For classification y ∈ {−1, +1} and z = y·p (the margin):

    hinge           ℓ = max(0, 1 − z)              dℓ/dp = −y if z <= 1 else 0
    perceptron      ℓ = max(0, −z)                 dℓ/dp = −y if z <= 0 else 0
    log_loss        ℓ = log(1 + e^{−z})            dℓ/dp = −y σ(−z)
    modified_huber  ℓ = max(0, 1 − z)² (z >= −1),  −4z (z < −1)

For regression, r = p − y:

    squared_error          ℓ = ½ r²                       dℓ/dp = r
    huber                  ℓ = ½r² (|r| <= ε), ε|r| − ½ε²  dℓ/dp = clip(r, −ε, ε)
    epsilon_insensitive    ℓ = max(0, |r| − ε)             dℓ/dp = sign(r)·[|r| > ε]

See docs/notes/linear-models.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

Array = NDArray[Any]
LossFn = Callable[[Array, Array, float], Array]


class Loss:
    """A per-sample loss: ``value(p, y, ε)`` and its derivative ``grad(p, y, ε)`` = dℓ/dp."""

    def __init__(self, value: LossFn, grad: LossFn) -> None:
        self.value = value
        self.grad = grad


def _margin_grad(threshold: float) -> LossFn:
    def grad(p: Array, y: Array, eps: float) -> Array:
        return np.where(p * y <= threshold, -y, 0.0)

    return grad


def _log_value(p: Array, y: Array, eps: float) -> Array:
    return np.logaddexp(0.0, -p * y)


def _log_grad(p: Array, y: Array, eps: float) -> Array:
    return -y * np.exp(-np.logaddexp(0.0, p * y))


def _mh_value(p: Array, y: Array, eps: float) -> Array:
    z = p * y
    return np.where(z >= 1.0, 0.0, np.where(z >= -1.0, (1.0 - z) ** 2, -4.0 * z))


def _mh_grad(p: Array, y: Array, eps: float) -> Array:
    z = p * y
    return np.where(z >= 1.0, 0.0, np.where(z >= -1.0, -2.0 * (1.0 - z) * y, -4.0 * y))


def _huber_value(p: Array, y: Array, eps: float) -> Array:
    a = np.abs(p - y)
    return np.where(a <= eps, 0.5 * a * a, eps * a - 0.5 * eps * eps)


def _eps_value(p: Array, y: Array, eps: float) -> Array:
    return np.maximum(0.0, np.abs(p - y) - eps)


def _eps_grad(p: Array, y: Array, eps: float) -> Array:
    r = p - y
    return np.where(np.abs(r) > eps, np.sign(r), 0.0)


hinge = Loss(lambda p, y, eps: np.maximum(0.0, 1.0 - p * y), _margin_grad(1.0))
perceptron = Loss(lambda p, y, eps: np.maximum(0.0, -p * y), _margin_grad(0.0))
log_loss = Loss(_log_value, _log_grad)
modified_huber = Loss(_mh_value, _mh_grad)
squared_error = Loss(lambda p, y, eps: 0.5 * (p - y) ** 2, lambda p, y, eps: p - y)
huber = Loss(_huber_value, lambda p, y, eps: np.clip(p - y, -eps, eps))
epsilon_insensitive = Loss(_eps_value, _eps_grad)

CLASSIFICATION: dict[str, Loss] = {
    "hinge": hinge,
    "log_loss": log_loss,
    "modified_huber": modified_huber,
    "perceptron": perceptron,
}
REGRESSION: dict[str, Loss] = {
    "squared_error": squared_error,
    "huber": huber,
    "epsilon_insensitive": epsilon_insensitive,
}
