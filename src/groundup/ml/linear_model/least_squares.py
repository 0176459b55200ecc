"""Ordinary and ridge least squares: LinearRegression and Ridge."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import validate_data

from groundup.ml.linear_model._base import (
    LinearRegressorMixin,
    as_arrays,
    center,
    check_choice,
    check_number,
)
from groundup.optimize import minimize


def _cholesky_solve(A: NDArray[Any], B: NDArray[Any]) -> NDArray[Any]:
    from groundup.linalg import cho_solve, cholesky

    return cho_solve(cholesky(A), B)


def _solve_svd(X: NDArray[Any], Y: NDArray[Any]) -> NDArray[Any]:
    """Minimum-norm least squares w = V Σ⁺ Uᵀ y (also right when X is rank-deficient)."""
    from groundup.linalg import lstsq

    return lstsq(X, Y)[0]


def _solve_qr(X: NDArray[Any], Y: NDArray[Any]) -> NDArray[Any]:
    """X = QR ⇒ R w = Qᵀ y; needs full column rank, else falls back to the SVD."""
    from groundup.linalg import qr, solve_triangular

    n, d = X.shape
    if n < d:
        return _solve_svd(X, Y)
    Q, R = qr(X, mode="reduced")
    diag = np.abs(np.diag(R))
    if diag.min() <= np.finfo(float).eps * max(n, d) * diag.max():
        return _solve_svd(X, Y)
    return solve_triangular(R, Q.T @ Y, lower=False)


def _solve_normal(X: NDArray[Any], Y: NDArray[Any], alpha: float) -> NDArray[Any]:
    """(XᵀX + αI) w = Xᵀy by Cholesky; a singular XᵀX (α = 0) falls back to the SVD."""
    from groundup.linalg import LinAlgError

    G = X.T @ X
    G[np.diag_indices_from(G)] += alpha
    try:
        return _cholesky_solve(G, X.T @ Y)
    except LinAlgError:
        if alpha > 0:
            raise
        return _solve_svd(X, Y)


def _solve_gd(X: NDArray[Any], Y: NDArray[Any], tol: float, max_iter: int) -> NDArray[Any]:
    """Accelerated gradient descent on f(w) = ½n⁻¹‖Xw − y‖², one target at a time.

    In Gram form f(w) = ½wᵀAw − cᵀw + const, A = XᵀX/n, c = Xᵀy/n, so a step costs O(d²)
    whatever n is. With μ, L the extreme eigenvalues of A (groundup's eigh), Nesterov's method
    with step 1/L and momentum β = (√κ − 1)/(√κ + 1), κ = L/μ, needs ~√κ·log(1/tol) steps
    where plain GD needs ~κ·log(1/tol). Runs until max|∇f| <= tol.
    """
    from groundup.linalg import eigh

    n, d = X.shape
    A = X.T @ X / n
    C = X.T @ Y / n
    eig = eigh(A)[0]
    L, mu = float(eig.max()), max(float(eig.min()), 0.0)
    if L == 0.0:
        return np.zeros((d, Y.shape[1]))
    root = np.sqrt(L / mu) if mu > 0 else np.inf
    beta = min((root - 1) / (root + 1), 0.999) if np.isfinite(root) else 0.999
    out = []
    for c in C.T:  # targets are independent problems

        def fun(w: NDArray[Any], c: NDArray[Any] = c) -> tuple[float, NDArray[Any]]:
            Aw = A @ w
            return 0.5 * float(w @ Aw) - float(c @ w), Aw - c

        res = minimize(fun, np.zeros(d), grad=True, method="nesterov", lr=1.0 / L, beta=beta,
                       tol=tol, max_iter=max_iter)  # fmt: skip
        out.append(res.x)
    return np.column_stack(out)


class _LinearPredictor(LinearRegressorMixin, RegressorMixin, BaseEstimator):
    """predict(), the coefficient store and the multi-output tag shared by the least-squares models."""

    def _store(self, W: NDArray[Any], x_mean: Any, y_mean: Any, multi: bool) -> None:
        coef = W.T  # (n_targets, n_features)
        intercept = y_mean - coef @ x_mean
        self.coef_ = coef if multi else coef[0]
        self.intercept_ = intercept if multi else float(np.ravel(intercept)[0])

    def __sklearn_tags__(self) -> Any:
        # both least-squares regressors accept (n_samples, n_targets) y
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


class LinearRegression(_LinearPredictor):
    """Ordinary least squares: w = argmin ‖y − Xw − b‖².

    The intercept is removed by centring (b = ȳ − x̄ᵀw). Solvers on the centred Xc:

        cholesky  XcᵀXc w = Xcᵀyc (normal equations); singular ⇒ falls back to svd
        qr        Xc = QR,  R w = Qᵀyc (better conditioned: cond(R) = cond(Xc), not its square)
        svd       w = V Σ⁺ Uᵀ yc, the minimum-norm solution (rank-deficient safe, as sklearn)
        gd        Nesterov-accelerated gradient descent (step 1/L, momentum from κ(XcᵀXc))
                  until max|∇| <= 1e-10 on ½n⁻¹‖Xc w − yc‖²

    See docs/notes/linear-models.md.

    Parameters
    ----------
    fit_intercept : bool
        Learn an intercept.
    solver : {"cholesky", "qr", "svd", "gd"}
        How to solve the least-squares problem.

    Attributes
    ----------
    coef_ : ndarray (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray (n_targets,)
    n_features_in_ : int
    """

    def __init__(self, fit_intercept: bool = True, solver: str = "cholesky") -> None:
        self.fit_intercept = fit_intercept
        self.solver = solver

    def fit(self, X: ArrayLike, y: ArrayLike) -> LinearRegression:
        """Fit to ``X`` (n_samples, n_features) and ``y`` (n_samples,) or (n_samples, n_targets)."""
        check_choice(self.solver, "solver", ("cholesky", "qr", "svd", "gd"))
        X, y = as_arrays(
            validate_data(self, X, y, dtype=np.float64, y_numeric=True, multi_output=True)
        )
        multi = y.ndim == 2
        Xc, yc, x_mean, y_mean = center(X, y.astype(np.float64), bool(self.fit_intercept))
        Y = yc if multi else yc[:, None]
        if self.solver == "cholesky":
            W = _solve_normal(Xc, Y, 0.0)
        elif self.solver == "qr":
            W = _solve_qr(Xc, Y)
        elif self.solver == "svd":
            W = _solve_svd(Xc, Y)
        else:
            W = _solve_gd(Xc, Y, tol=1e-10, max_iter=100_000)
        self._store(W, x_mean, y_mean, multi)
        return self


class Ridge(_LinearPredictor):
    """Least squares with an L2 penalty: w = argmin ‖y − Xw − b‖² + α‖w‖².

    The intercept is not penalised, so it drops out by centring; then
    (XcᵀXc + αI) w = Xcᵀyc, solved with groundup's Cholesky (SPD for α > 0).
    See docs/notes/linear-models.md.

    Parameters
    ----------
    alpha : float
        Penalty strength (>= 0; 0 is ordinary least squares).
    fit_intercept : bool
        Learn an unpenalised intercept.

    Attributes
    ----------
    coef_ : ndarray (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray (n_targets,)
    n_features_in_ : int
    """

    def __init__(self, alpha: float = 1.0, fit_intercept: bool = True) -> None:
        self.alpha = alpha
        self.fit_intercept = fit_intercept

    def fit(self, X: ArrayLike, y: ArrayLike) -> Ridge:
        """Fit to ``X`` (n_samples, n_features) and ``y`` (n_samples,) or (n_samples, n_targets)."""
        check_number(self.alpha, "alpha", low=0.0)
        X, y = as_arrays(
            validate_data(self, X, y, dtype=np.float64, y_numeric=True, multi_output=True)
        )
        multi = y.ndim == 2
        Xc, yc, x_mean, y_mean = center(X, y.astype(np.float64), bool(self.fit_intercept))
        W = _solve_normal(Xc, yc if multi else yc[:, None], float(self.alpha))
        self._store(W, x_mean, y_mean, multi)
        return self
