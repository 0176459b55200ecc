"""Linear SVM by dual coordinate descent (Hsieh et al. 2008, liblinear's dual solver).

See docs/notes/svm.md#dual-coordinate-descent.
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_random_state, validate_data

from groundup.ml.linear_model._base import LinearClassifierMixin, encode_classes
from groundup.ml.svm._primal import primal_newton

# Newton on the primal solves a (d+1)×(d+1) system per step: worth it up to this many features.
PRIMAL_MAX_FEATURES = 1000
# tol is liblinear's dual tolerance; the primal stopping rule is relative to ‖∇f(0)‖, and
# a tighter value makes the two solvers land on the same optimum to ~1e-6.
PRIMAL_TOL = 1e-4


def dual_cd(
    X: NDArray[Any],
    y: NDArray[Any],
    C: float,
    loss: str,
    tol: float,
    max_iter: int,
    rng: np.random.Generator | np.random.RandomState,
) -> tuple[NDArray[Any], int]:
    """Dual coordinate descent for one binary L2-regularised linear SVM.

    Dual: min_α ½ αᵀ(Q + D)α − 1ᵀα, 0 ≤ αᵢ ≤ U, Q_ij = yᵢyⱼxᵢ·xⱼ, with (D, U) = (0, C) for
    the hinge loss and (1/(2C), ∞) for the squared hinge. Coordinate i moves by the exact
    one-variable minimiser αᵢ ← clip(αᵢ − Gᵢ/(Q_ii + D_ii)), Gᵢ = yᵢ w·xᵢ − 1 + D_ii αᵢ,
    while w = Σ αᵢyᵢxᵢ is kept up to date, so a step costs O(d). Variables stuck at a bound
    with a gradient pushing outward are shrunk (skipped) until the end; stop when the
    projected-gradient spread falls below tol. See docs/notes/svm.md#dual-coordinate-descent.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,) of ±1
    C : float > 0
    loss : "hinge" or "squared_hinge"
    tol : float
    max_iter : int (epochs)
    rng : random generator for the visiting order

    Returns
    -------
    w of shape (d,), number of epochs
    """
    n = X.shape[0]
    diag = 0.0 if loss == "hinge" else 0.5 / C
    upper = C if loss == "hinge" else math.inf
    qd = (np.einsum("ij,ij->i", X, X) + diag).tolist()
    yl = y.tolist()
    rows = list(X)  # row views, fetched once
    alpha = [0.0] * n
    w = np.zeros(X.shape[1])
    active = list(range(n))
    pg_max_old, pg_min_old = math.inf, -math.inf
    it = 0
    while it < max_iter:
        pg_max, pg_min = -math.inf, math.inf
        order = [active[k] for k in rng.permutation(len(active))]
        kept = []
        # the sequential sweep is the algorithm: each step depends on the previous one
        for i in order:
            xi, yi, ai = rows[i], yl[i], alpha[i]
            G = yi * float(w @ xi) - 1.0 + diag * ai
            pg = 0.0
            if ai == 0.0:
                if G > pg_max_old:
                    continue  # shrink: at the lower bound and pushed further down
                if G < 0.0:
                    pg = G
            elif ai == upper:
                if G < pg_min_old:
                    continue  # shrink: at the upper bound and pushed further up
                if G > 0.0:
                    pg = G
            else:
                pg = G
            kept.append(i)
            pg_max, pg_min = max(pg_max, pg), min(pg_min, pg)
            if abs(pg) > 1e-12:
                new = min(max(ai - G / qd[i], 0.0), upper)
                alpha[i] = new
                w += ((new - ai) * yi) * xi
        it += 1
        if pg_max - pg_min <= tol:
            if len(kept) == n:
                break
            active = list(range(n))  # converged on the shrunk set: verify on everything
            pg_max_old, pg_min_old = math.inf, -math.inf
            continue
        active = kept
        pg_max_old = pg_max if pg_max > 0 else math.inf
        pg_min_old = pg_min if pg_min < 0 else -math.inf
    return w, it


class LinearSVC(LinearClassifierMixin, ClassifierMixin, BaseEstimator):
    """Linear support vector classifier, one-vs-rest.

    The squared hinge (default) is trained by generalised Newton on the primal when there are
    at most ``PRIMAL_MAX_FEATURES`` features, otherwise — and always for the hinge — by dual
    coordinate descent.

    min_w ½‖w‖² + C Σᵢ ℓ(yᵢ wᵀx̂ᵢ) with ℓ(m) = max(0, 1 − m) (hinge) or max(0, 1 − m)²
    (squared hinge); x̂ = [x, intercept_scaling], so the bias is regularised too, as in
    liblinear. One binary machine per class against the rest (one machine when binary).
    See docs/notes/svm.md#dual-coordinate-descent.

    Parameters
    ----------
    C : float > 0
    loss : "squared_hinge" or "hinge"
    tol : float
    fit_intercept : bool
    intercept_scaling : float
    max_iter : int (epochs)
    random_state : int, RandomState or None (order in which coordinates are visited)

    Attributes
    ----------
    coef_ (n_machines, n_features), intercept_ (n_machines,), classes_, n_iter_
    """

    coef_: NDArray[Any]
    intercept_: NDArray[Any]
    classes_: NDArray[Any]

    def __init__(
        self,
        *,
        loss: str = "squared_hinge",
        tol: float = 1e-4,
        C: float = 1.0,
        fit_intercept: bool = True,
        intercept_scaling: float = 1.0,
        random_state: Any = None,
        max_iter: int = 1000,
    ):
        self.loss = loss
        self.tol = tol
        self.C = C
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.random_state = random_state
        self.max_iter = max_iter

    def fit(self, X: ArrayLike, y: ArrayLike) -> LinearSVC:
        """Train one dual-CD machine per class (one in the binary case)."""
        if self.loss not in ("hinge", "squared_hinge"):
            raise ValueError(f"loss must be 'hinge' or 'squared_hinge', got {self.loss!r}")
        if not isinstance(self.C, numbers.Real) or self.C <= 0:
            raise ValueError(f"C must be a float > 0, got {self.C!r}")
        if not isinstance(self.max_iter, numbers.Integral) or self.max_iter < 1:
            raise ValueError(f"max_iter must be an int >= 1, got {self.max_iter!r}")
        if not isinstance(self.tol, numbers.Real) or self.tol <= 0:
            raise ValueError(f"tol must be a float > 0, got {self.tol!r}")
        Xv, yv = validate_data(self, X, y, dtype=np.float64)
        self.classes_, codes = encode_classes(yv)
        k = len(self.classes_)
        rng = check_random_state(self.random_state)
        Xh = (
            np.hstack([Xv, np.full((len(Xv), 1), float(self.intercept_scaling))])
            if self.fit_intercept
            else Xv
        )
        targets = [1] if k == 2 else list(range(k))
        # The squared hinge is smooth enough for Newton on the primal: a few vectorised
        # iterations instead of a Python loop over samples. With many features the d×d
        # Newton system gets expensive and dual coordinate descent wins again.
        use_primal = self.loss == "squared_hinge" and Xh.shape[1] <= PRIMAL_MAX_FEATURES
        W, iters = [], []
        for c in targets:  # one-vs-rest
            signs = np.where(codes == c, 1.0, -1.0)
            if use_primal:
                w, it = primal_newton(
                    Xh, signs, float(self.C), PRIMAL_TOL * float(self.tol), int(self.max_iter)
                )
            else:
                w, it = dual_cd(
                    Xh, signs, float(self.C), self.loss, float(self.tol), int(self.max_iter), rng
                )
            W.append(w)
            iters.append(it)
        W_arr = np.array(W)
        self.n_iter_ = max(iters)
        if self.n_iter_ >= self.max_iter:
            warnings.warn(
                "Liblinear failed to converge, increase the number of iterations.",
                ConvergenceWarning,
                stacklevel=2,
            )
        if self.fit_intercept:
            self.coef_ = W_arr[:, :-1]
            self.intercept_ = self.intercept_scaling * W_arr[:, -1]
        else:
            self.coef_ = W_arr
            self.intercept_ = np.zeros(len(W_arr))
        return self
