"""Non-negative matrix factorisation. See docs/notes/dimensionality-reduction.md."""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, check_random_state, validate_data

from groundup.ml.decomposition._linalg import thin_svd

_EPS = float(np.finfo(np.float32).eps)  # guards the multiplicative updates' denominators


def nndsvd_init(
    X: NDArray[np.float64], k: int, init: str, rs: np.random.RandomState
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """NNDSVD (Boutsidis & Gallopoulos, 2008): non-negative parts of the top singular pairs.

    For each pair (u_j, v_j), keep whichever of (u⁺, v⁺) and (u⁻, v⁻) has the larger
    ‖u^±‖‖v^±‖ = σ, and scale by √(S_j σ). 'nndsvda' fills the zeros with mean(X),
    'nndsvdar' with small random values. See docs/notes/dimensionality-reduction.md.

    Parameters
    ----------
    X : ndarray of shape (n, d), non-negative
        Data.
    k : int
        Rank.
    init : {'nndsvd', 'nndsvda', 'nndsvdar'}
        Variant.
    rs : RandomState
        Random numbers for 'nndsvdar'.

    Returns
    -------
    W : ndarray of shape (n, k)
    H : ndarray of shape (k, d)
    """
    U, S, Vt = thin_svd(X)
    U, S, Vt = U[:, :k], S[:k], Vt[:k]
    up, un = np.maximum(U, 0), np.abs(np.minimum(U, 0))
    vp, vn = np.maximum(Vt, 0), np.abs(np.minimum(Vt, 0))
    nup, nun = np.linalg.norm(up, axis=0), np.linalg.norm(un, axis=0)
    nvp, nvn = np.linalg.norm(vp, axis=1), np.linalg.norm(vn, axis=1)
    mp, mn = nup * nvp, nun * nvn
    pos = mp > mn
    with np.errstate(divide="ignore", invalid="ignore"):
        u = np.where(pos, up / nup, un / nun)
        v = np.where(pos[:, None], vp / nvp[:, None], vn / nvn[:, None])
    lam = np.sqrt(S * np.where(pos, mp, mn))
    W, H = np.nan_to_num(u * lam), np.nan_to_num(v * lam[:, None])
    # the leading pair is all of one sign (Perron–Frobenius): take absolute values
    W[:, 0], H[0] = np.sqrt(S[0]) * np.abs(U[:, 0]), np.sqrt(S[0]) * np.abs(Vt[0])
    W[W < 1e-6], H[H < 1e-6] = 0.0, 0.0
    if init == "nndsvda":
        avg = X.mean()
        W[W == 0], H[H == 0] = avg, avg
    elif init == "nndsvdar":
        avg = X.mean()
        W[W == 0] = np.abs(avg * rs.standard_normal(size=int((W == 0).sum())) / 100)
        H[H == 0] = np.abs(avg * rs.standard_normal(size=int((H == 0).sum())) / 100)
    return W, H


def _gram(
    X: NDArray[np.float64], Ht: NDArray[np.float64], l1: float, l2: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """HHᵀ (+ l2 on the diagonal) and XHᵀ (− l1): all a W sweep needs to know about H and X."""
    HHt = Ht.T @ Ht
    XHt = X @ Ht
    if l2:
        HHt[np.diag_indices_from(HHt)] += l2
    if l1:
        XHt -= l1
    return HHt, XHt


def _cd_sweep(
    X: NDArray[np.float64],
    W: NDArray[np.float64],
    Ht: NDArray[np.float64],
    l1: float,
    l2: float,
    gram: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None,
) -> float:
    """One coordinate-descent (HALS) sweep over the columns of W in place; returns the violation.

    For column t: W[:, t] ← max(0, W[:, t] − (W (HHᵀ)[:, t] − (XHᵀ)[:, t]) / (HHᵀ)[t, t]),
    exact minimisation of ‖X − WH‖² in that column. Rows are independent, so a whole
    column updates at once — the same result as scikit-learn's element-by-element loop.
    """
    HHt, XHt = _gram(X, Ht, l1, l2) if gram is None else gram
    violation = 0.0
    for t in range(W.shape[1]):  # k columns, each a vectorised update of n rows
        grad = W @ HHt[:, t] - XHt[:, t]
        pg = np.where(W[:, t] == 0, np.minimum(grad, 0.0), grad)
        violation += float(np.abs(pg).sum())
        if HHt[t, t] != 0:
            W[:, t] = np.maximum(W[:, t] - grad / HHt[t, t], 0.0)
    return violation


class NMF(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Non-negative matrix factorisation X ≈ W H with W, H ≥ 0, minimising ½‖X − WH‖²_F.

    'cd' alternates exact coordinate (column) updates of W and H (HALS);
    'mu' uses Lee & Seung's multiplicative updates H ← H ∘ (WᵀX)/(WᵀWH),
    W ← W ∘ (XHᵀ)/(WHHᵀ), which keep non-negativity and never increase the loss.
    Optional L1/L2 penalties scaled like scikit-learn's (alpha_W, alpha_H, l1_ratio).
    See docs/notes/dimensionality-reduction.md.

    Parameters
    ----------
    n_components : int or None
        Rank k (None: n_features).
    init : {'random', 'nndsvd', 'nndsvda', 'nndsvdar'} or None
        Initialisation (None: nndsvda when k ≤ min(n, d), else random).
    solver : {'cd', 'mu'}
        Update rule.
    tol : float
        Convergence tolerance.
    max_iter : int
        Maximum iterations.
    random_state : int, RandomState or None
        Seed.
    alpha_W, alpha_H : float or 'same'
        Regularisation strengths.
    l1_ratio : float
        L1 share of the penalty.
    shuffle : bool
        Random coordinate order for 'cd'.

    Attributes
    ----------
    components_, reconstruction_err_, n_iter_, n_components_, n_features_in_
    """

    def __init__(
        self,
        n_components: int | None = None,
        *,
        init: str | None = None,
        solver: str = "cd",
        tol: float = 1e-4,
        max_iter: int = 200,
        random_state: Any = None,
        alpha_W: float = 0.0,
        alpha_H: float | str = "same",
        l1_ratio: float = 0.0,
        shuffle: bool = False,
    ):
        self.n_components = n_components
        self.init = init
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.random_state = random_state
        self.alpha_W = alpha_W
        self.alpha_H = alpha_H
        self.l1_ratio = l1_ratio
        self.shuffle = shuffle

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        return tags

    def _penalties(self, n: int, d: int) -> tuple[float, float, float, float]:
        aW = float(self.alpha_W)
        aH = aW if self.alpha_H == "same" else float(self.alpha_H)
        r = float(self.l1_ratio)
        return d * aW * r, d * aW * (1 - r), n * aH * r, n * aH * (1 - r)

    def _check(self, X: NDArray[np.float64]) -> int:
        if X.min() < 0:
            raise ValueError(
                f"Negative values in data passed to NMF (input X); minimum is {X.min()}"
            )
        k = X.shape[1] if self.n_components is None else self.n_components
        if not isinstance(k, numbers.Integral) or isinstance(k, bool) or k < 1:
            raise ValueError(
                f"n_components must be None or an integer >= 1, got {self.n_components!r}"
            )
        if self.solver not in ("cd", "mu"):
            raise ValueError(f"solver must be 'cd' or 'mu', got {self.solver!r}")
        if self.init not in (None, "random", "nndsvd", "nndsvda", "nndsvdar"):
            raise ValueError(
                f"init must be None, 'random', 'nndsvd', 'nndsvda' or 'nndsvdar', got {self.init!r}"
            )
        if not isinstance(self.max_iter, numbers.Integral) or self.max_iter < 1:
            raise ValueError(f"max_iter must be an integer >= 1, got {self.max_iter!r}")
        return int(k)

    def fit(self, X: Any, y: Any = None) -> NMF:
        """Factorise X (see :meth:`fit_transform`)."""
        self.fit_transform(X)
        return self

    def fit_transform(self, X: Any, y: Any = None) -> NDArray[np.float64]:
        """Learn H (``components_``) and return W.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), non-negative
            Data.
        y : ignored

        Returns
        -------
        W : ndarray of shape (n_samples, n_components)
        """
        X = validate_data(self, X, dtype=[np.float64, np.float32]).astype(np.float64)
        k = self._check(X)
        n, d = X.shape
        rs = check_random_state(self.random_state)
        init = self.init or ("nndsvda" if k <= min(n, d) else "random")
        if init == "random":
            avg = np.sqrt(X.mean() / k)
            H = np.abs(avg * rs.standard_normal(size=(k, d)))
            W = np.abs(avg * rs.standard_normal(size=(n, k)))
        else:
            if k > min(n, d):
                raise ValueError(
                    f"init = '{init}' can only be used when n_components <= min(n_samples, n_features)"
                )
            W, H = nndsvd_init(X, k, init, rs)
        W, H, n_iter = self._solve(X, W, H, True, rs)
        self.reconstruction_err_ = float(np.linalg.norm(X - W @ H))
        self.n_components_ = k
        self.components_ = H
        self.n_iter_ = n_iter
        self._n_features_out = k
        return W

    def _solve(
        self,
        X: NDArray[np.float64],
        W: NDArray[np.float64],
        H: NDArray[np.float64],
        update_H: bool,
        rs: np.random.RandomState,
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], int]:
        l1W, l2W, l1H, l2H = self._penalties(*X.shape)
        n_iter = 0
        if self.solver == "cd":
            Ht = np.ascontiguousarray(H.T)
            violation_init = 0.0
            # with H fixed (transform) the Gram matrices never change: compute them once
            fixed = None if update_H else _gram(X, Ht, l1W, l2W)
            for it in range(1, self.max_iter + 1):
                n_iter = it
                violation = _cd_sweep(X, W, Ht, l1W, l2W, fixed)
                if update_H:
                    violation += _cd_sweep(X.T, Ht, W, l1H, l2H)
                if it == 1:
                    violation_init = violation
                if violation_init == 0 or violation / violation_init <= self.tol:
                    break
            H = Ht.T
        else:
            err_init = prev = float(np.linalg.norm(X - W @ H))
            HHt, XHt = H @ H.T, X @ H.T  # fixed for transform; refreshed each step in fit
            for it in range(1, self.max_iter + 1):
                n_iter = it
                if update_H and it > 1:
                    HHt, XHt = H @ H.T, X @ H.T
                den = W @ HHt + l1W + l2W * W
                den[den == 0] = _EPS
                W *= XHt / den
                if update_H:
                    den = (W.T @ W) @ H + l1H + l2H * H
                    den[den == 0] = _EPS
                    H *= (W.T @ X) / den
                if self.tol > 0 and it % 10 == 0:
                    err = float(np.linalg.norm(X - W @ H))
                    if (prev - err) / err_init < self.tol:
                        break
                    prev = err
        if n_iter == self.max_iter and self.tol > 0:
            warnings.warn(
                f"Maximum number of iterations {self.max_iter} reached. Increase it to improve convergence.",
                ConvergenceWarning,
                stacklevel=3,
            )
        return W, H, n_iter

    def transform(self, X: Any) -> NDArray[np.float64]:
        """Non-negative codes W for new data with H fixed (same solver)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32]).astype(np.float64)
        if X.min() < 0:
            raise ValueError(
                f"Negative values in data passed to NMF (input X); minimum is {X.min()}"
            )
        k = self.n_components_
        if self.solver == "mu":
            W = np.full((X.shape[0], k), np.sqrt(X.mean() / k))
        else:
            W = np.zeros((X.shape[0], k))
        W, _, _ = self._solve(
            X, W, self.components_.copy(), False, check_random_state(self.random_state)
        )
        return W

    def inverse_transform(self, X: Any) -> NDArray[np.float64]:
        """Reconstruction W H."""
        check_is_fitted(self)
        return np.asarray(X, dtype=np.float64) @ self.components_
