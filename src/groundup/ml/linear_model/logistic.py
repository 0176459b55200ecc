"""Logistic regression: binary (sigmoid) and multinomial (softmax), L2-penalised."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import validate_data

from groundup.ml.linear_model._base import (
    LinearClassifierMixin,
    as_arrays,
    check_choice,
    check_number,
    spectral_norm_sq,
)
from groundup.ml.linear_model._logistic_loss import (
    binary_hess,
    binary_loss_grad,
    multinomial_hess,
    multinomial_loss_grad,
    sigmoid,
    softmax,
)
from groundup.optimize import minimize


class LogisticRegression(LinearClassifierMixin, ClassifierMixin, BaseEstimator):
    """Logistic regression with an L2 penalty; softmax (multinomial) for more than two classes.

    Minimises scikit-learn's objective ``C·Σᵢ ℓᵢ + ½‖W‖²`` (intercept unpenalised), solved in
    its equivalent per-sample form

        f(W) = (1/n) Σᵢ ℓᵢ(W) + ‖W‖² / (2Cn),
        ℓᵢ = log(1 + e^{zᵢ}) − yᵢzᵢ  (binary),   ℓᵢ = logsumexp(Zᵢ) − Z_{i,yᵢ}  (multinomial),

    with groundup's L-BFGS, damped Newton or plain gradient descent; ``tol`` bounds
    max|∇f| exactly as scikit-learn's lbfgs ``gtol``. See docs/notes/linear-models.md.

    Parameters
    ----------
    penalty : {"l2", None}
        ``None`` removes the penalty (C = ∞).
    C : float
        Inverse regularisation strength (> 0).
    fit_intercept : bool
        Learn an unpenalised intercept.
    solver : {"lbfgs", "newton", "gd"}
        Optimiser from :mod:`groundup.optimize`; ``gd`` uses the step 1/L with L the gradient's
        Lipschitz bound.
    max_iter : int
        Optimiser iterations.
    tol : float
        Stop when max|∇f| <= tol.

    Attributes
    ----------
    classes_ : ndarray (n_classes,)
    coef_ : ndarray (1, n_features) for two classes, else (n_classes, n_features)
    intercept_ : ndarray (1,) or (n_classes,)
    n_iter_ : ndarray (1,)
    n_features_in_ : int
    """

    def __init__(
        self,
        penalty: str | None = "l2",
        C: float = 1.0,
        fit_intercept: bool = True,
        solver: str = "lbfgs",
        max_iter: int = 100,
        tol: float = 1e-4,
    ) -> None:
        self.penalty = penalty
        self.C = C
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol

    def _check_params(self) -> None:
        check_choice(self.penalty, "penalty", ("l2", None))
        check_number(self.C, "C", low=0.0, low_open=True)
        check_choice(self.solver, "solver", ("lbfgs", "newton", "gd"))
        check_number(self.max_iter, "max_iter", low=0, integer=True)
        check_number(self.tol, "tol", low=0.0)

    def fit(self, X: ArrayLike, y: ArrayLike) -> LogisticRegression:
        """Fit the model to ``X`` (n_samples, n_features) and class labels ``y``."""
        self._check_params()
        X, y = as_arrays(validate_data(self, X, y, dtype=np.float64))
        check_classification_targets(y)
        self.classes_, y_idx = np.unique(y, return_inverse=True)
        K = self.classes_.size
        if K < 2:
            raise ValueError(
                "This solver needs samples of at least 2 classes in the data, but the data "
                f"contains only one class: {self.classes_[0]!r}"
            )
        n, d = X.shape
        Xa = np.hstack([X, np.ones((n, 1))]) if self.fit_intercept else X
        lam = 0.0 if self.penalty is None else 1.0 / (self.C * n)
        fi = bool(self.fit_intercept)
        if K == 2:
            y01 = y_idx.astype(np.float64)
            w0 = np.zeros(Xa.shape[1])

            def fun(w: NDArray[Any]) -> tuple[float, NDArray[Any]]:
                return binary_loss_grad(w, Xa, y01, lam, fi)

            def hess(w: NDArray[Any]) -> NDArray[Any]:
                return binary_hess(w, Xa, lam, fi)

            curvature = 0.25
        else:
            Y = np.zeros((n, K))
            Y[np.arange(n), y_idx] = 1.0
            w0 = np.zeros(Xa.shape[1] * K)

            def fun(w: NDArray[Any]) -> tuple[float, NDArray[Any]]:
                return multinomial_loss_grad(w, Xa, Y, lam, fi)

            def hess(w: NDArray[Any]) -> NDArray[Any]:
                H = multinomial_hess(w, Xa, K, lam, fi)
                if fi:
                    # H is singular along u = (all intercepts +1), where the loss is flat and
                    # the gradient is 0; H + uuᵀ/K is SPD with the same Newton step on u⊥.
                    H[-K:, -K:] += 1.0 / K
                return H

            curvature = 0.5
        options: dict[str, Any] = {}
        method = {"lbfgs": "lbfgs", "newton": "newton", "gd": "gd"}[self.solver]
        if method == "gd":  # step 1/L: L = c·λ_max(XaᵀXa)/n + λ bounds ∇²f
            options["lr"] = 1.0 / (curvature * spectral_norm_sq(Xa) / n + lam)
        res = minimize(
            fun,
            w0,
            grad=True,
            method=method,
            hess=hess if method == "newton" else None,
            tol=float(self.tol),
            max_iter=int(self.max_iter),
            **options,
        )
        if not res.converged:
            warnings.warn(
                f"LogisticRegression ({self.solver}) did not converge in max_iter="
                f"{self.max_iter} iterations: {res.message}. Increase max_iter or scale X.",
                ConvergenceWarning,
                stacklevel=2,
            )
        W = res.x.reshape(Xa.shape[1], -1).T  # (1 or K, d[+1])
        self.coef_ = W[:, :d].copy()
        self.intercept_ = W[:, d].copy() if fi else np.zeros(W.shape[0])
        self.n_iter_ = np.array([res.nit])
        return self

    def predict_proba(self, X: ArrayLike) -> NDArray[Any]:
        """Class probabilities: σ(score) for two classes, softmax(scores) otherwise."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            p = sigmoid(scores)
            return np.column_stack([1 - p, p])
        return softmax(scores)[0]

    def predict_log_proba(self, X: ArrayLike) -> NDArray[Any]:
        """log of :meth:`predict_proba`, computed stably (log σ(s) = −log(1 + e^{−s}))."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return np.column_stack([-np.logaddexp(0, scores), -np.logaddexp(0, -scores)])
        _, lse = softmax(scores)
        return scores - lse[:, None]
