"""Stochastic gradient descent for linear models: SGDClassifier, SGDRegressor, Perceptron."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_random_state, validate_data

from groundup.ml.linear_model._base import (
    LinearClassifierMixin,
    LinearRegressorMixin,
    as_arrays,
    check_choice,
    check_number,
    encode_classes,
)
from groundup.ml.linear_model._logistic_loss import sigmoid
from groundup.ml.linear_model._sgd_losses import CLASSIFICATION, REGRESSION, Loss


def _optimal_t0(alpha: float, loss: Loss) -> float:
    """Bottou's heuristic start t₀ of the 'optimal' schedule η_t = 1 / (α (t₀ + t))."""
    typw = math.sqrt(1.0 / math.sqrt(alpha))
    dloss = float(loss.grad(np.array([-typw]), np.array([1.0]), 0.1)[0])
    eta0 = typw / max(1.0, dloss)
    return 1.0 / (eta0 * alpha)


def sgd(
    X: NDArray[Any],
    Y: NDArray[Any],
    loss: Loss,
    *,
    penalty: str | None,
    alpha: float,
    epsilon: float,
    fit_intercept: bool,
    learning_rate: str,
    eta0: float,
    power_t: float,
    max_iter: int,
    tol: float | None,
    n_iter_no_change: int,
    shuffle: bool,
    batch_size: int,
    rng: np.random.RandomState,
) -> tuple[NDArray[Any], NDArray[Any], int, int]:
    """Fit K independent linear models (the columns of ``Y``) by SGD, all in one pass.

    A batch B of samples at step t stands in for |B| consecutive per-sample steps:

        η_t = 1/(α(t₀ + t − 1))  (optimal),  η₀  (constant),  η₀ / tᵖ  (invscaling)
        W ← (1 − |B|η_t α) W − η_t Σ_{i∈B} ℓ'(pᵢ, yᵢ) xᵢ,   b ← b − η_t Σ_{i∈B} ℓ'(pᵢ, yᵢ)
        t ← t + |B|

    (batch_size=1 is scikit-learn's plain SGD, update for update). After each epoch a column
    whose mean objective (loss + α/2‖w‖², measured before each step) failed to drop below
    best − tol for ``n_iter_no_change`` epochs in a row is frozen; the run ends when all are.
    Returns (W (d, K), b (K,), epochs of the longest-running column, t).
    See docs/notes/linear-models.md.
    """
    n, d = X.shape
    K = Y.shape[1]
    # the intercept rides along as an unpenalised last row of W against a column of ones,
    # so each batch costs one product forward and one back
    Xa = np.hstack([X, np.ones((n, 1))]) if fit_intercept else X
    W = np.zeros((Xa.shape[1], K))
    coef = W[:d]  # view: the penalised rows
    reg = alpha if penalty == "l2" else 0.0
    t0 = _optimal_t0(alpha, loss) if learning_rate == "optimal" else 0.0
    t = 1
    best = np.full(K, np.inf)
    stall = np.zeros(K, dtype=int)
    active = np.ones(K, dtype=bool)
    epochs = np.zeros(K, dtype=int)
    clip = loss is REGRESSION["squared_error"]  # the one unbounded ℓ': clip as sklearn does
    starts = np.arange(0, n, batch_size)
    sizes = np.minimum(batch_size, n - starts)
    starts_list = starts.tolist()
    P = np.empty((n, K))  # each sample's prediction before its step, for the objective
    norms_sq = np.zeros((starts.size, K))  # ‖w‖² (per column) before each batch's step
    sq = np.empty((d, K))
    Xp, Yp = Xa, Y
    for epoch in range(1, max_iter + 1):
        if shuffle:  # permute once per epoch so every batch is a contiguous view
            order = rng.permutation(n)
            Xp, Yp = Xa[order], Y[order]
        steps = t + starts  # t at the first sample of each batch
        if learning_rate == "optimal":
            etas = 1.0 / (alpha * (t0 + steps - 1.0))
        elif learning_rate == "invscaling":
            etas = eta0 / steps.astype(np.float64) ** power_t
        else:
            etas = np.full(starts.size, eta0)
        shrinks = np.maximum(0.0, 1.0 - sizes * etas * reg).tolist()
        etas_list = etas.tolist()  # Python floats: scalar × array is the cheapest call
        on = None if active.all() else active.astype(np.float64)  # freeze stopped columns
        for i, start in enumerate(starts_list):  # batches, each vectorised over its rows
            stop = start + batch_size
            Xb = Xp[start:stop]
            dl = loss.grad(np.matmul(Xb, W, out=P[start:stop]), Yp[start:stop], epsilon)
            if clip:
                dl = np.minimum(np.maximum(dl, -1e12), 1e12)
            step = etas_list[i] * dl if on is None else etas_list[i] * dl * on
            if reg:  # ‖w‖² before this step, for the objective; then the decay
                np.add.reduce(np.multiply(coef, coef, out=sq), axis=0, out=norms_sq[i])
                if on is None:
                    coef *= shrinks[i]
                else:
                    coef *= 1.0 - (1.0 - shrinks[i]) * on
            W -= Xb.T @ step
        t += n
        objective = loss.value(P, Yp, epsilon).sum(axis=0)
        if reg:
            objective += 0.5 * reg * (sizes @ norms_sq)
        if not np.isfinite(W).all():
            raise ValueError(
                f"SGD diverged at epoch {epoch} (weights are not finite); lower eta0 or alpha"
                " or scale X"
            )
        epochs[active] = epoch
        if tol is not None:
            objective /= n
            stall = np.where(objective > best - tol, stall + 1, 0)
            best = np.minimum(best, objective)
            active &= stall < n_iter_no_change
            if not active.any():
                break
    b = W[d].copy() if fit_intercept else np.zeros(K)
    return W[:d].copy(), b, int(epochs.max()), int(t)


class _BaseSGD(BaseEstimator):
    """Hyper-parameter checks and the fitting call shared by the SGD estimators."""

    _losses: dict[str, Loss] = {}

    def _check_params(self) -> None:
        check_choice(self.loss, "loss", tuple(self._losses))
        check_choice(self.penalty, "penalty", ("l2", None))
        check_number(self.alpha, "alpha", low=0.0, low_open=self.learning_rate == "optimal")
        check_number(self.max_iter, "max_iter", low=1, integer=True)
        if self.tol is not None:
            check_number(self.tol, "tol", low=0.0)
        check_choice(self.learning_rate, "learning_rate", ("optimal", "constant", "invscaling"))
        check_number(self.eta0, "eta0", low=0.0, low_open=self.learning_rate != "optimal")
        check_number(self.power_t, "power_t")
        check_number(self.epsilon, "epsilon", low=0.0)
        check_number(self.n_iter_no_change, "n_iter_no_change", low=1, integer=True)
        check_number(self.batch_size, "batch_size", low=1, integer=True)

    def _run(self, X: NDArray[Any], Y: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any]]:
        W, b, epochs, t = sgd(
            X,
            Y,
            self._losses[self.loss],
            penalty=self.penalty,
            alpha=float(self.alpha),
            epsilon=float(self.epsilon),
            fit_intercept=bool(self.fit_intercept),
            learning_rate=self.learning_rate,
            eta0=float(self.eta0),
            power_t=float(self.power_t),
            max_iter=int(self.max_iter),
            tol=None if self.tol is None else float(self.tol),
            n_iter_no_change=int(self.n_iter_no_change),
            shuffle=bool(self.shuffle),
            batch_size=int(self.batch_size),
            rng=check_random_state(self.random_state),
        )
        if self.tol is not None and epochs == self.max_iter:
            warnings.warn(
                f"Maximum number of iteration reached before convergence (max_iter="
                f"{self.max_iter}). Consider increasing max_iter to improve the fit.",
                ConvergenceWarning,
                stacklevel=3,
            )
        self.n_iter_ = epochs
        self.t_ = float(t)
        return W, b


class SGDClassifier(LinearClassifierMixin, ClassifierMixin, _BaseSGD):
    """Linear classifier trained by stochastic gradient descent (one-vs-rest for K > 2).

    Minimises (1/n) Σᵢ ℓ(yᵢ(wᵀxᵢ + b)) + (α/2)‖w‖² with y ∈ {−1, +1} per class, using the
    updates of :func:`sgd` over shuffled mini-batches. Losses: hinge (linear SVM), log_loss
    (logistic regression), modified_huber, perceptron. See docs/notes/linear-models.md.

    Parameters
    ----------
    loss : {"hinge", "log_loss", "modified_huber", "perceptron"}
    penalty : {"l2", None}
    alpha : float
        L2 strength; also sets the 'optimal' learning rate.
    fit_intercept : bool
    max_iter : int
        Maximum epochs.
    tol : float or None
        Stop when an epoch's summed loss has not improved by tol·n for ``n_iter_no_change``
        epochs; None runs all epochs.
    shuffle : bool
        Reshuffle the samples every epoch.
    random_state : int, RandomState or None
    learning_rate : {"optimal", "constant", "invscaling"}
    eta0 : float
        Initial step for 'constant' and 'invscaling'.
    power_t : float
        Exponent of 'invscaling'.
    n_iter_no_change : int
    epsilon : float
        Unused by the classification losses (kept for API symmetry).
    batch_size : int
        Samples per vectorised step (1 is classical per-sample SGD).

    Attributes
    ----------
    classes_, coef_ (1 or K, n_features), intercept_, n_iter_, t_, n_features_in_
    """

    _losses = CLASSIFICATION

    def __init__(
        self,
        loss: str = "hinge",
        penalty: str | None = "l2",
        alpha: float = 1e-4,
        fit_intercept: bool = True,
        max_iter: int = 1000,
        tol: float | None = 1e-3,
        shuffle: bool = True,
        random_state: Any = None,
        learning_rate: str = "optimal",
        eta0: float = 0.01,
        power_t: float = 0.5,
        n_iter_no_change: int = 5,
        epsilon: float = 0.1,
        batch_size: int = 16,
    ) -> None:
        self.loss = loss
        self.penalty = penalty
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.random_state = random_state
        self.learning_rate = learning_rate
        self.eta0 = eta0
        self.power_t = power_t
        self.n_iter_no_change = n_iter_no_change
        self.epsilon = epsilon
        self.batch_size = batch_size

    def fit(self, X: ArrayLike, y: ArrayLike) -> SGDClassifier:
        """Fit to ``X`` (n_samples, n_features) and class labels ``y``."""
        self._check_params()
        X, y = as_arrays(validate_data(self, X, y, dtype=np.float64))
        self.classes_, y_idx = encode_classes(y)
        K = self.classes_.size
        if K == 2:
            Y = np.where(y_idx == 1, 1.0, -1.0)[:, None]
        else:
            Y = np.where(y_idx[:, None] == np.arange(K), 1.0, -1.0)
        W, b = self._run(X, Y)
        self.coef_ = W.T.copy()
        self.intercept_ = b.copy()
        return self

    def _has_proba(self) -> bool:
        return self.loss in ("log_loss", "modified_huber")

    @available_if(_has_proba)
    def predict_proba(self, X: ArrayLike) -> NDArray[Any]:
        """Probabilities: σ(score) for log_loss, (clip(score, −1, 1) + 1)/2 for modified_huber.

        For K > 2 the one-vs-rest probabilities are normalised to sum to one.
        """
        scores = self.decision_function(X)
        S = scores[:, None] if scores.ndim == 1 else scores
        P = sigmoid(S) if self.loss == "log_loss" else (np.clip(S, -1.0, 1.0) + 1.0) / 2.0
        if scores.ndim == 1:
            return np.column_stack([1 - P[:, 0], P[:, 0]])
        total = P.sum(axis=1, keepdims=True)
        # all classes at probability 0 (modified_huber): fall back to uniform
        return np.where(total > 0, P / np.where(total > 0, total, 1.0), 1.0 / P.shape[1])

    @available_if(_has_proba)
    def predict_log_proba(self, X: ArrayLike) -> NDArray[Any]:
        """log of :meth:`predict_proba`."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))


class Perceptron(SGDClassifier):
    """Rosenblatt's perceptron: SGD on ℓ = max(0, −y·p) with a constant step η₀ = 1.

    On a misclassified sample (y·p <= 0): w ← w + η₀ y x, b ← b + η₀ y.
    See docs/notes/linear-models.md.

    Parameters
    ----------
    penalty : {None, "l2"}
    alpha : float
    fit_intercept : bool
    max_iter : int
    tol : float or None
    shuffle : bool
    eta0 : float
    random_state : int, RandomState or None
    n_iter_no_change : int
    batch_size : int
    """

    def __init__(
        self,
        penalty: str | None = None,
        alpha: float = 1e-4,
        fit_intercept: bool = True,
        max_iter: int = 1000,
        tol: float | None = 1e-3,
        shuffle: bool = True,
        eta0: float = 1.0,
        random_state: Any = 0,
        n_iter_no_change: int = 5,
        batch_size: int = 16,
    ) -> None:
        super().__init__(
            loss="perceptron",
            penalty=penalty,
            alpha=alpha,
            fit_intercept=fit_intercept,
            max_iter=max_iter,
            tol=tol,
            shuffle=shuffle,
            random_state=random_state,
            learning_rate="constant",
            eta0=eta0,
            n_iter_no_change=n_iter_no_change,
            batch_size=batch_size,
        )


class SGDRegressor(LinearRegressorMixin, RegressorMixin, _BaseSGD):
    """Linear regression trained by stochastic gradient descent.

    Minimises (1/n) Σᵢ ℓ(wᵀxᵢ + b − yᵢ) + (α/2)‖w‖² with the updates of :func:`sgd`;
    losses squared_error, huber and epsilon_insensitive. See docs/notes/linear-models.md.

    Parameters
    ----------
    loss : {"squared_error", "huber", "epsilon_insensitive"}
    penalty : {"l2", None}
    alpha : float
    fit_intercept : bool
    max_iter : int
    tol : float or None
    shuffle : bool
    epsilon : float
        Width of the huber / epsilon-insensitive zone.
    random_state : int, RandomState or None
    learning_rate : {"invscaling", "constant", "optimal"}
    eta0 : float
    power_t : float
    n_iter_no_change : int
    batch_size : int

    Attributes
    ----------
    coef_ (n_features,), intercept_ (1,), n_iter_, t_, n_features_in_
    """

    _losses = REGRESSION

    def __init__(
        self,
        loss: str = "squared_error",
        penalty: str | None = "l2",
        alpha: float = 1e-4,
        fit_intercept: bool = True,
        max_iter: int = 1000,
        tol: float | None = 1e-3,
        shuffle: bool = True,
        epsilon: float = 0.1,
        random_state: Any = None,
        learning_rate: str = "invscaling",
        eta0: float = 0.01,
        power_t: float = 0.25,
        n_iter_no_change: int = 5,
        batch_size: int = 16,
    ) -> None:
        self.loss = loss
        self.penalty = penalty
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.epsilon = epsilon
        self.random_state = random_state
        self.learning_rate = learning_rate
        self.eta0 = eta0
        self.power_t = power_t
        self.n_iter_no_change = n_iter_no_change
        self.batch_size = batch_size

    def fit(self, X: ArrayLike, y: ArrayLike) -> SGDRegressor:
        """Fit to ``X`` (n_samples, n_features) and ``y`` (n_samples,)."""
        self._check_params()
        X, y = as_arrays(validate_data(self, X, y, dtype=np.float64, y_numeric=True))
        W, b = self._run(X, y.astype(np.float64)[:, None])
        self.coef_ = W[:, 0].copy()
        self.intercept_ = b.copy()
        return self
