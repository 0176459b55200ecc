"""t-distributed stochastic neighbour embedding (exact gradient). See
docs/notes/dimensionality-reduction.md."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_random_state, validate_data

from groundup.ml.decomposition import PCA

_EPS = float(np.finfo(np.float64).eps)
_EXPLORATION_ITERS = 250  # iterations with early exaggeration and momentum 0.5
_CHECK_EVERY = 50  # iterations between convergence checks


def _sq_dists(X: NDArray[np.float64]) -> NDArray[np.float64]:
    d = (X * X).sum(1)[:, None] - 2 * X @ X.T + (X * X).sum(1)[None, :]
    np.fill_diagonal(d, 0.0)
    return np.maximum(d, 0.0)


def conditional_probabilities(
    D: NDArray[np.float64], perplexity: float, n_steps: int = 100
) -> NDArray[np.float64]:
    """Row-wise p_{j|i} ∝ exp(−β_i D_ij) with β_i bisected so that H(P_i) = log(perplexity).

    All rows are searched at once: each step evaluates every row's entropy
    H_i = log Σ_j e^{−β_i D_ij} + β_i Σ_j p_{j|i} D_ij (nats) and moves each unconverged β_i
    (doubling/halving until bracketed, then bisecting), stopping a row at |ΔH| ≤ 1e-5.
    See docs/notes/dimensionality-reduction.md.

    Parameters
    ----------
    D : ndarray of shape (n, n)
        Squared distances.
    perplexity : float
        Target perplexity.
    n_steps : int
        Maximum bisection steps.

    Returns
    -------
    ndarray of shape (n, n)
        Row-stochastic conditional probabilities, zero diagonal.
    """
    n = D.shape[0]
    target = np.log(perplexity)
    beta = np.ones(n)
    lo, hi = np.full(n, -np.inf), np.full(n, np.inf)
    active = np.ones(n, dtype=bool)
    off = ~np.eye(n, dtype=bool)
    P = np.zeros_like(D)
    for _ in range(n_steps):  # bisection steps; every row advances in the same array operation
        rows = np.flatnonzero(active)
        if rows.size == 0:
            break
        Pr = np.exp(-D[rows] * beta[rows, None]) * off[rows]
        s = Pr.sum(axis=1)
        s[s == 0.0] = 1e-8
        Pr /= s[:, None]
        P[rows] = Pr
        diff = np.log(s) + beta[rows] * (D[rows] * Pr).sum(axis=1) - target
        done = np.abs(diff) <= 1e-5
        up = (diff > 0) & ~done  # entropy too high: sharpen (raise β)
        down = (diff <= 0) & ~done
        r_up, r_down = rows[up], rows[down]
        lo[r_up] = beta[r_up]
        beta[r_up] = np.where(np.isinf(hi[r_up]), beta[r_up] * 2.0, (beta[r_up] + hi[r_up]) / 2.0)
        hi[r_down] = beta[r_down]
        beta[r_down] = np.where(
            np.isinf(lo[r_down]), beta[r_down] / 2.0, (beta[r_down] + lo[r_down]) / 2.0
        )
        active[rows[done]] = False
    return P


def kl_divergence_and_gradient(
    Y: NDArray[np.float64], P: NDArray[np.float64], dof: float, compute_error: bool = True
) -> tuple[float, NDArray[np.float64]]:
    """KL(P‖Q) and its gradient for the Student-t embedding similarities.

    q_ij = w_ij / Σ_{k≠l} w_kl with w_ij = (1 + ‖y_i − y_j‖²/ν)^{−(ν+1)/2};
    ∂KL/∂y_i = (2(ν+1)/ν) Σ_j (p_ij − q_ij) w_ij^{2/(ν+1)} (y_i − y_j)  (ν = 1: 4 Σ (p − q) w (y_i − y_j)).
    See docs/notes/dimensionality-reduction.md.

    Parameters
    ----------
    Y : ndarray of shape (n, k)
        Embedding.
    P : ndarray of shape (n, n)
        Joint input probabilities (zero diagonal).
    dof : float
        Degrees of freedom ν.
    compute_error : bool
        Also compute the KL divergence (NaN otherwise).

    Returns
    -------
    kl : float
    grad : ndarray of shape (n, k)
    """
    sq = (Y * Y).sum(axis=1)
    w = Y @ Y.T  # in-place passes below: at n = 1000 each n×n pass costs about a millisecond
    w *= -2.0
    w += sq[:, None]
    w += sq[None, :]
    np.maximum(w, 0.0, out=w)
    if dof != 1.0:
        w /= dof
    w += 1.0
    if dof == 1.0:
        np.reciprocal(w, out=w)
    else:
        w **= (dof + 1.0) / -2.0
    np.fill_diagonal(w, 0.0)
    Q = w * (1.0 / w.sum())
    np.maximum(Q, _EPS, out=Q)
    kl = np.nan
    if compute_error:  # the logs cost as much as the gradient: only when checked
        off = ~np.eye(P.shape[0], dtype=bool)
        kl = float(np.sum(P[off] * np.log(np.maximum(P[off], _EPS) / Q[off])))
    np.subtract(P, Q, out=Q)
    Q *= w  # now (p − q)·w, zero on the diagonal because w is
    grad = Q.sum(axis=1)[:, None] * Y - Q @ Y
    grad *= 2.0 * (dof + 1.0) / dof
    return kl, grad


class TSNE(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """t-SNE: an embedding whose Student-t neighbour probabilities match Gaussian ones in X.

    P: symmetrised conditional Gaussians, p_ij = (p_{j|i} + p_{i|j}) / 2n, each p_{·|i} with
    the requested perplexity. Q: Student-t similarities of the embedding. The embedding
    minimises KL(P‖Q) by gradient descent with per-parameter gains, momentum 0.5 for the
    first 250 iterations (with P multiplied by ``early_exaggeration``) and 0.8 after. Exact
    O(n²) gradient — meant for n up to a few thousand. See docs/notes/dimensionality-reduction.md.

    Parameters
    ----------
    n_components : int
        Embedding dimension.
    perplexity : float
        Effective number of neighbours (< n_samples).
    early_exaggeration : float
        Factor on P during the exploration phase.
    learning_rate : float or 'auto'
        Step size ('auto': max(n / early_exaggeration / 4, 50)).
    max_iter : int
        Total iterations (≥ 250).
    n_iter_without_progress : int
        Stop after this many iterations without a lower KL (checked every 50).
    min_grad_norm : float
        Stop when the gradient norm falls below this.
    init : {'pca', 'random'} or array
        Initial embedding (scaled to std 1e-4).
    method : {'exact'}
        Gradient computation.
    random_state : int, RandomState or None
        Seed.

    Attributes
    ----------
    embedding_, kl_divergence_, n_iter_, learning_rate_, n_features_in_
    """

    learning_rate_: float

    def __init__(
        self,
        n_components: int = 2,
        *,
        perplexity: float = 30.0,
        early_exaggeration: float = 12.0,
        learning_rate: float | str = "auto",
        max_iter: int = 1000,
        n_iter_without_progress: int = 300,
        min_grad_norm: float = 1e-7,
        init: Any = "pca",
        method: str = "exact",
        random_state: Any = None,
    ):
        self.n_components = n_components
        self.perplexity = perplexity
        self.early_exaggeration = early_exaggeration
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.n_iter_without_progress = n_iter_without_progress
        self.min_grad_norm = min_grad_norm
        self.init = init
        self.method = method
        self.random_state = random_state

    def fit(self, X: Any, y: Any = None) -> TSNE:
        """Compute the embedding (see :meth:`fit_transform`)."""
        self.fit_transform(X)
        return self

    def fit_transform(self, X: Any, y: Any = None) -> NDArray[np.float64]:
        """Embed X and return the embedding.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.
        y : ignored

        Returns
        -------
        ndarray of shape (n_samples, n_components)
        """
        X = validate_data(self, X, dtype=[np.float64, np.float32], ensure_min_samples=2).astype(
            np.float64
        )
        n = X.shape[0]
        if self.method != "exact":
            raise ValueError(
                f"method must be 'exact' (the only one implemented), got {self.method!r}"
            )
        if not isinstance(self.perplexity, numbers.Real) or not 0 < self.perplexity < n:
            raise ValueError(
                f"perplexity ({self.perplexity!r}) must be a positive number less than n_samples ({n})"
            )
        if not isinstance(self.max_iter, numbers.Integral) or self.max_iter < _EXPLORATION_ITERS:
            raise ValueError(
                f"max_iter should be an integer >= {_EXPLORATION_ITERS}, got {self.max_iter!r}"
            )
        if not isinstance(self.n_components, numbers.Integral) or self.n_components < 1:
            raise ValueError(f"n_components must be an integer >= 1, got {self.n_components!r}")
        if self.early_exaggeration < 1:
            raise ValueError(
                f"early_exaggeration must be at least 1, but is {self.early_exaggeration}"
            )
        if isinstance(self.learning_rate, str):
            if self.learning_rate != "auto":
                raise ValueError(
                    f"learning_rate must be 'auto' or a positive float, got {self.learning_rate!r}"
                )
            self.learning_rate_ = max(n / self.early_exaggeration / 4, 50.0)
        else:
            if not self.learning_rate > 0:
                raise ValueError(
                    f"learning_rate must be 'auto' or a positive float, got {self.learning_rate!r}"
                )
            self.learning_rate_ = float(self.learning_rate)
        rs = check_random_state(self.random_state)
        cond = conditional_probabilities(_sq_dists(X), float(self.perplexity))
        P = cond + cond.T
        P = np.maximum(P / max(P.sum(), _EPS), _EPS)
        np.fill_diagonal(P, 0.0)
        k = int(self.n_components)
        if isinstance(self.init, str) and self.init == "pca":
            if k > X.shape[1]:
                raise ValueError(
                    f"init='pca' needs n_components <= n_features ({X.shape[1]}), got {k}"
                )
            Y = PCA(n_components=k, random_state=rs).fit_transform(X)
            Y = Y / np.std(Y[:, 0]) * 1e-4
        elif isinstance(self.init, str) and self.init == "random":
            Y = 1e-4 * rs.standard_normal(size=(n, k))
        elif isinstance(self.init, str):
            raise ValueError(f"init must be 'pca', 'random' or an array, got {self.init!r}")
        else:
            Y = np.array(self.init, dtype=np.float64)
            if Y.shape != (n, k):
                raise ValueError(f"init array must have shape ({n}, {k}), got {Y.shape}")
        dof = max(k - 1, 1)
        Y, _, it = self._descend(
            Y, P * self.early_exaggeration, dof, 0, _EXPLORATION_ITERS, 0.5, _EXPLORATION_ITERS
        )
        Y, kl, it = self._descend(
            Y, P, dof, it + 1, int(self.max_iter), 0.8, int(self.n_iter_without_progress)
        )
        self.embedding_ = Y
        self.kl_divergence_ = kl
        self.n_iter_ = it
        self._n_features_out = k
        return Y

    def _descend(
        self,
        Y: NDArray[np.float64],
        P: NDArray[np.float64],
        dof: float,
        start: int,
        stop: int,
        momentum: float,
        patience: int,
    ) -> tuple[NDArray[np.float64], float, int]:
        """Gradient descent with momentum and delta-bar-delta gains (+0.2 / ×0.8, floor 0.01)."""
        Y = Y.copy()
        update = np.zeros_like(Y)
        gains = np.ones_like(Y)
        best, best_it, kl, i = np.inf, start, np.inf, start
        for i in range(start, stop):  # iterations are sequential; each is a few n×n array ops
            check = (i + 1) % _CHECK_EVERY == 0
            kl, grad = kl_divergence_and_gradient(Y, P, dof, compute_error=check or i == stop - 1)
            same = update * grad < 0.0
            gains = np.where(same, gains + 0.2, gains * 0.8)
            np.clip(gains, 0.01, None, out=gains)
            grad *= gains
            update = momentum * update - self.learning_rate_ * grad
            Y += update
            if check:
                if kl < best:
                    best, best_it = kl, i
                elif i - best_it > patience:
                    break
                if np.linalg.norm(grad) <= self.min_grad_norm:
                    break
        return Y, kl, i
