"""Lasso and ElasticNet by cyclic coordinate descent with soft-thresholding."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import validate_data

from groundup.ml.linear_model._base import LinearRegressorMixin, as_arrays, center, check_number


def soft_threshold(z: float, t: float) -> float:
    """S(z, t) = sign(z)·max(|z| − t, 0), the proximal map of t|·| (docs/notes/linear-models.md)."""
    return z - t if z > t else z + t if z < -t else 0.0


def duality_gap(X: NDArray[Any], y: NDArray[Any], w: NDArray[Any], l1: float, l2: float) -> float:
    """Gap between P(w) = ½‖y − Xw‖² + l1‖w‖₁ + (l2/2)‖w‖² and its dual at a feasible point.

    The dual point is the residual r = y − Xw scaled into the feasible set
    ‖Xᵀθ − l2·w‖_∞ <= l1; the gap is >= 0 and 0 exactly at the optimum.
    See docs/notes/linear-models.md.
    """
    r = y - X @ w
    xta = X.T @ r - l2 * w
    dual_norm = float(np.max(np.abs(xta))) if xta.size else 0.0
    r2 = float(r @ r)
    if dual_norm > l1:
        const = l1 / dual_norm
        gap = 0.5 * r2 * (1 + const * const)
    else:
        const = 1.0
        gap = r2
    w2 = float(w @ w)
    return gap + l1 * float(np.abs(w).sum()) - const * float(r @ y) + 0.5 * l2 * (1 + const**2) * w2


def enet_coordinate_descent(
    X: NDArray[Any], y: NDArray[Any], l1: float, l2: float, max_iter: int, tol: float
) -> tuple[NDArray[Any], float, int]:
    """Minimise ½‖y − Xw‖² + l1‖w‖₁ + (l2/2)‖w‖² by cyclic coordinate descent.

    Each coordinate is solved exactly holding the others fixed:

        w_j ← S(X_jᵀ r + ‖X_j‖² w_j, l1) / (‖X_j‖² + l2),   r = y − Xw.

    Works on the Gram matrix G = XᵀX and q = Xᵀy (O(d) per update, no pass over the samples):
    X_jᵀ r = q_j − G_j·w. Stops when a sweep moves no coefficient by more than tol·max|w|
    and the duality gap is <= tol·‖y‖² (scikit-learn's rule). Returns (w, gap, sweeps).
    See docs/notes/linear-models.md.
    """
    d = X.shape[1]
    G = X.T @ X  # symmetric: row j is column j
    # Xᵀr at w = 0, kept current as w changes. For few features plain Python lists beat
    # NumPy's per-call overhead on length-d vectors; past that, one array op per update.
    small = d <= 32
    grad: Any = (X.T @ y).tolist() if small else X.T @ y
    rows: Any = G.tolist() if small else G
    norms = np.diag(G).tolist()
    w = [0.0] * d
    gap_tol = tol * float(y @ y)
    gap = np.inf
    for sweep in range(1, max_iter + 1):
        w_max = d_max = 0.0
        for j in range(d):  # coordinates are sequential by definition: each uses the last
            nj = norms[j]
            if nj == 0.0:
                continue
            old = w[j]
            new = soft_threshold(float(grad[j]) + nj * old, l1) / (nj + l2)
            if new != old:
                delta = new - old
                if small:
                    grad = [g - delta * h for g, h in zip(grad, rows[j])]
                else:
                    grad -= delta * rows[j]
                w[j] = new
            d_max = max(d_max, abs(new - old))
            w_max = max(w_max, abs(new))
        if w_max == 0.0 or d_max <= tol * w_max or sweep == max_iter:
            gap = duality_gap(X, y, np.array(w), l1, l2)
            if gap <= gap_tol:
                return np.array(w), gap, sweep
    return np.array(w), gap, max_iter


class ElasticNet(LinearRegressorMixin, RegressorMixin, BaseEstimator):
    """Linear regression with combined L1 and L2 penalties (scikit-learn's objective).

        min_w  1/(2n) ‖y − Xw − b‖² + α·ρ‖w‖₁ + α(1 − ρ)/2 ‖w‖²,     ρ = l1_ratio

    solved by coordinate descent with soft-thresholding on centred data (the intercept is
    unpenalised). See docs/notes/linear-models.md.

    Parameters
    ----------
    alpha : float
        Overall penalty strength (>= 0).
    l1_ratio : float
        Share ρ of the L1 penalty, in [0, 1].
    fit_intercept : bool
        Learn an unpenalised intercept.
    max_iter : int
        Maximum coordinate sweeps.
    tol : float
        Duality-gap tolerance relative to ‖y‖²/n.

    Attributes
    ----------
    coef_ : ndarray (n_features,)
    intercept_ : float
    n_iter_ : int
    dual_gap_ : float
        Final duality gap of the 1/(2n)-scaled objective.
    n_features_in_ : int
    """

    def __init__(
        self,
        alpha: float = 1.0,
        l1_ratio: float = 0.5,
        fit_intercept: bool = True,
        max_iter: int = 1000,
        tol: float = 1e-4,
    ) -> None:
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol

    def fit(self, X: ArrayLike, y: ArrayLike) -> ElasticNet:
        """Fit to ``X`` (n_samples, n_features) and ``y`` (n_samples,)."""
        check_number(self.alpha, "alpha", low=0.0)
        check_number(self.l1_ratio, "l1_ratio", low=0.0, high=1.0)
        check_number(self.max_iter, "max_iter", low=1, integer=True)
        check_number(self.tol, "tol", low=0.0)
        X, y = as_arrays(validate_data(self, X, y, dtype=np.float64, y_numeric=True))
        n = X.shape[0]
        Xc, yc, x_mean, y_mean = center(X, y.astype(np.float64), bool(self.fit_intercept))
        # scale the 1/(2n) objective by n: ½‖r‖² + nαρ‖w‖₁ + nα(1−ρ)/2‖w‖²
        l1 = n * self.alpha * self.l1_ratio
        l2 = n * self.alpha * (1.0 - self.l1_ratio)
        w, gap, sweeps = enet_coordinate_descent(
            Xc, yc, l1, l2, int(self.max_iter), float(self.tol)
        )
        if gap > self.tol * float(yc @ yc):
            warnings.warn(
                f"{type(self).__name__} did not converge in max_iter={self.max_iter} sweeps "
                f"(duality gap {gap / n:.3g} > tol·‖y‖²/n = {self.tol * float(yc @ yc) / n:.3g})."
                " Increase max_iter or alpha.",
                ConvergenceWarning,
                stacklevel=2,
            )
        self.coef_ = w
        self.intercept_ = float(y_mean - x_mean @ w)
        self.n_iter_ = sweeps
        self.dual_gap_ = gap / n
        return self


class Lasso(ElasticNet):
    """Linear regression with an L1 penalty: min 1/(2n)‖y − Xw − b‖² + α‖w‖₁.

    ElasticNet with ρ = 1; coordinate descent with soft-thresholding drives coefficients to
    exactly zero. See docs/notes/linear-models.md.

    Parameters
    ----------
    alpha : float
        Penalty strength (>= 0).
    fit_intercept : bool
        Learn an unpenalised intercept.
    max_iter : int
        Maximum coordinate sweeps.
    tol : float
        Duality-gap tolerance relative to ‖y‖²/n.
    """

    def __init__(
        self,
        alpha: float = 1.0,
        fit_intercept: bool = True,
        max_iter: int = 1000,
        tol: float = 1e-4,
    ) -> None:
        super().__init__(
            alpha=alpha, l1_ratio=1.0, fit_intercept=fit_intercept, max_iter=max_iter, tol=tol
        )
