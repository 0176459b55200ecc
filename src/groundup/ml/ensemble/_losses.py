"""Losses of gradient boosting: baseline, per-sample gradient and hessian, mean value.

Boosting fits F_m = F_{m-1} + ν f_m where each tree f_m follows the negative gradient
-∂ℓ/∂F of the loss at F_{m-1}; Newton leaves need the hessian ∂²ℓ/∂F² too.

    squared error   ℓ = ½ (y - F)²              g = F - y          h = 1
    binary log-loss ℓ = log(1 + e^F) - y F      g = σ(F) - y       h = σ(F)(1 - σ(F))
    multinomial     ℓ = log Σ_k e^{F_k} - F_y   g_k = p_k - [y=k]  h_k = p_k (1 - p_k)

See docs/notes/trees-and-ensembles.md.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

_EPS = float(np.finfo(np.float64).eps)


def sigmoid(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """σ(z) = 1 / (1 + e^{-z}), computed without overflow."""
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def softmax(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """Row-wise softmax with the max subtracted first."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class Loss:
    """One loss: ``n_outputs`` raw scores per sample (K for multinomial, else 1)."""

    def __init__(self, kind: str, n_classes: int = 0) -> None:
        self.kind = kind
        self.n_outputs = n_classes if kind == "multinomial" else 1

    def baseline(self, y: NDArray, sw: NDArray[np.float64]) -> NDArray[np.float64]:
        """Best constant raw score: weighted mean, log-odds, or centred log-priors."""
        if self.kind == "squared_error":
            return np.array([np.average(y, weights=sw)])
        if self.kind == "binary":
            p = np.clip(np.average(y, weights=sw), _EPS, 1 - _EPS)
            return np.array([np.log(p / (1 - p))])
        p = np.bincount(y, sw, minlength=self.n_outputs) / sw.sum()
        logp = np.log(np.clip(p, _EPS, 1 - _EPS))
        return logp - logp.mean()

    def gradients(
        self, y: NDArray, raw: NDArray[np.float64], sw: NDArray[np.float64] | None
    ) -> tuple[NDArray[np.float64], NDArray[np.float64] | None]:
        """g, h of shape (n, n_outputs); h is None for unit hessians (unweighted squared)."""
        if self.kind == "squared_error":
            g = raw - y[:, None]
            if sw is None:
                return g, None
            return g * sw[:, None], np.repeat(sw[:, None], 1, axis=1)
        if self.kind == "binary":
            p = sigmoid(raw)
            g, h = p - y[:, None], p * (1 - p)
        else:
            p = softmax(raw)
            g = p.copy()
            g[np.arange(y.shape[0]), y] -= 1.0
            h = p * (1 - p)
        if sw is not None:
            g, h = g * sw[:, None], h * sw[:, None]
        return g, h

    def loss(self, y: NDArray, raw: NDArray[np.float64], sw: NDArray[np.float64]) -> float:
        """Weighted mean loss (scikit-learn's half squared error / log-loss)."""
        if self.kind == "squared_error":
            per = 0.5 * (y - raw[:, 0]) ** 2
        elif self.kind == "binary":
            z = raw[:, 0]
            per = np.logaddexp(0.0, z) - y * z
        else:
            m = raw.max(axis=1)
            lse = m + np.log(np.exp(raw - m[:, None]).sum(axis=1))
            per = lse - raw[np.arange(y.shape[0]), y]
        return float(np.average(per, weights=sw))

    def proba(self, raw: NDArray[np.float64]) -> NDArray[np.float64]:
        """Class probabilities from raw scores."""
        if self.kind == "binary":
            p = sigmoid(raw[:, 0])
            return np.column_stack([1 - p, p])
        return softmax(raw)
