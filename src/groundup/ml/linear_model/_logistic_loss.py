"""The (penalised) logistic and softmax losses with their gradients and Hessians, vectorised.

With ``Xa = [X, 1]`` (the intercept as a last, unpenalised column), ``Z = Xa W`` and the
penalty ``λ = 1 / (C n)`` — i.e. scikit-learn's ``C·Σ loss + ½‖w‖²`` divided by ``C n``:

    binary       f(w) = (1/n) Σᵢ [log(1 + e^{zᵢ}) − yᵢ zᵢ] + (λ/2)‖w‖²,   y ∈ {0, 1}
                 ∇f   = Xaᵀ(σ(z) − y)/n + λw,        ∇²f = Xaᵀ diag(σ(1−σ)) Xa / n + λI
    multinomial  f(W) = (1/n) Σᵢ [logsumexp(Zᵢ) − Z_{i,yᵢ}] + (λ/2)‖W‖²_F
                 ∇f   = Xaᵀ(P − Y)/n + λW,   P = softmax(Z),
                 ∇²f  = (1/n) Σᵢ (diag(Pᵢ) − PᵢPᵢᵀ) ⊗ xᵢxᵢᵀ + λI

(the intercept entries of the λ terms are zero). logsumexp is shifted by the row maximum, so
no exponential overflows. See docs/notes/linear-models.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray


def _penalty_mask(n_rows: int, fit_intercept: bool) -> NDArray[Any]:
    mask = np.ones(n_rows)
    if fit_intercept:
        mask[-1] = 0.0
    return mask


def sigmoid(z: NDArray[Any]) -> NDArray[Any]:
    """σ(z) = 1 / (1 + e^{−z}) without overflow for large |z|."""
    return np.exp(-np.logaddexp(0.0, -z))


def binary_loss_grad(
    w: NDArray[Any], Xa: NDArray[Any], y: NDArray[Any], lam: float, fit_intercept: bool
) -> tuple[float, NDArray[Any]]:
    """Mean binary logistic loss + (λ/2)‖w‖² and its gradient (y in {0, 1})."""
    n = Xa.shape[0]
    z = Xa @ w
    wp = w * _penalty_mask(w.size, fit_intercept)
    loss = float(np.sum(np.logaddexp(0.0, z) - y * z)) / n + 0.5 * lam * float(wp @ wp)
    grad = Xa.T @ (sigmoid(z) - y) / n + lam * wp
    return loss, grad


def binary_hess(w: NDArray[Any], Xa: NDArray[Any], lam: float, fit_intercept: bool) -> NDArray[Any]:
    """Hessian of :func:`binary_loss_grad`: Xaᵀ diag(σ(1−σ)) Xa / n + λ·diag(mask)."""
    p = sigmoid(Xa @ w)
    H = (Xa.T * (p * (1 - p) / Xa.shape[0])) @ Xa
    H[np.diag_indices_from(H)] += lam * _penalty_mask(w.size, fit_intercept)
    return H


def softmax(Z: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any]]:
    """Row-wise (softmax(Z), logsumexp(Z)), shifted by each row's maximum for stability."""
    m = Z.max(axis=1, keepdims=True)
    E = np.exp(Z - m)
    s = E.sum(axis=1, keepdims=True)
    return E / s, (np.log(s) + m).ravel()


def multinomial_loss_grad(
    w: NDArray[Any],
    Xa: NDArray[Any],
    Y: NDArray[Any],
    lam: float,
    fit_intercept: bool,
) -> tuple[float, NDArray[Any]]:
    """Mean softmax cross-entropy + (λ/2)‖W‖²_F and its gradient; ``w`` is W (d+1, K) raveled.

    ``Y`` is the one-hot (n, K) target matrix.
    """
    n, d = Xa.shape
    W = w.reshape(d, Y.shape[1])
    Z = Xa @ W
    P, lse = softmax(Z)
    Wp = W * _penalty_mask(d, fit_intercept)[:, None]
    loss = float(lse.sum() - np.sum(Z * Y)) / n + 0.5 * lam * float(np.sum(Wp * Wp))
    G = Xa.T @ (P - Y) / n + lam * Wp
    if fit_intercept:
        # Adding a constant to every class's intercept leaves the loss unchanged, so the exact
        # gradient has intercept entries summing to zero; removing the rounding residue keeps
        # the iterates from drifting along that flat direction.
        G[-1] -= G[-1].mean()
    return loss, G.ravel()


def multinomial_hess(
    w: NDArray[Any], Xa: NDArray[Any], K: int, lam: float, fit_intercept: bool
) -> NDArray[Any]:
    """Hessian of :func:`multinomial_loss_grad` in the raveled (d+1, K) layout.

    Block (k, l) is Xaᵀ diag(Pₖ(δₖₗ − Pₗ)) Xa / n; built one class row of blocks at a time.
    """
    n, d = Xa.shape
    P, _ = softmax(Xa @ w.reshape(d, K))
    H = np.empty((d, K, d, K))
    eye = np.eye(K)
    for k in range(K):  # K block rows, each one (d × n)·(n × dK) product
        D = P[:, [k]] * (eye[k] - P) / n  # (n, K)
        H[:, k, :, :] = (Xa.T @ (Xa[:, :, None] * D[:, None, :]).reshape(n, d * K)).reshape(d, d, K)
    H2 = H.reshape(d * K, d * K)
    H2[np.diag_indices_from(H2)] += lam * np.repeat(_penalty_mask(d, fit_intercept), K)
    return H2
