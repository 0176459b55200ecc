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

Pair = tuple[NDArray[Any], NDArray[Any]]
LossFn = Callable[[NDArray[Any], NDArray[Any], float], Pair]


def hinge(p: NDArray[Any], y: NDArray[Any], eps: float) -> Pair:
    z = p * y
    return np.maximum(0.0, 1.0 - z), np.where(z <= 1.0, -y, 0.0)


def perceptron(p: NDArray[Any], y: NDArray[Any], eps: float) -> Pair:
    z = p * y
    return np.maximum(0.0, -z), np.where(z <= 0.0, -y, 0.0)


def log_loss(p: NDArray[Any], y: NDArray[Any], eps: float) -> Pair:
    z = p * y
    return np.logaddexp(0.0, -z), -y * np.exp(-np.logaddexp(0.0, z))


def modified_huber(p: NDArray[Any], y: NDArray[Any], eps: float) -> Pair:
    z = p * y
    loss = np.where(z >= 1.0, 0.0, np.where(z >= -1.0, (1.0 - z) ** 2, -4.0 * z))
    dloss = np.where(z >= 1.0, 0.0, np.where(z >= -1.0, -2.0 * (1.0 - z) * y, -4.0 * y))
    return loss, dloss


def squared_error(p: NDArray[Any], y: NDArray[Any], eps: float) -> Pair:
    r = p - y
    return 0.5 * r * r, r


def huber(p: NDArray[Any], y: NDArray[Any], eps: float) -> Pair:
    r = p - y
    a = np.abs(r)
    return np.where(a <= eps, 0.5 * r * r, eps * a - 0.5 * eps * eps), np.clip(r, -eps, eps)


def epsilon_insensitive(p: NDArray[Any], y: NDArray[Any], eps: float) -> Pair:
    r = p - y
    a = np.abs(r)
    return np.maximum(0.0, a - eps), np.where(a > eps, np.sign(r), 0.0)


CLASSIFICATION: dict[str, LossFn] = {
    "hinge": hinge,
    "log_loss": log_loss,
    "modified_huber": modified_huber,
    "perceptron": perceptron,
}
REGRESSION: dict[str, LossFn] = {
    "squared_error": squared_error,
    "huber": huber,
    "epsilon_insensitive": epsilon_insensitive,
}
