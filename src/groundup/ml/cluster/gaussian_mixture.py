"""Gaussian mixture model fitted by expectation-maximisation. See docs/notes/clustering.md."""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, DensityMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted, check_random_state, validate_data

from groundup.linalg import LinAlgError, cholesky, solve_triangular
from groundup.ml.cluster.kmeans import KMeans, kmeans_plusplus

_COV_TYPES = ("full", "tied", "diag", "spherical")
_ILL_DEFINED = (
    "Fitting the mixture model failed because some components have ill-defined empirical "
    "covariance (for instance caused by singleton or collapsed samples). Try to decrease the "
    "number of components, increase reg_covar, or scale the input data."
)


def logsumexp(a: NDArray[np.float64], axis: int) -> NDArray[np.float64]:
    """log Σ exp(a) along ``axis``, computed as m + log Σ exp(a − m) with m = max a.

    Shifting by the maximum keeps every exponent ≤ 0, so nothing overflows and the largest
    term is exactly 1. See docs/notes/clustering.md.

    Parameters
    ----------
    a : ndarray
        Log-values.
    axis : int
        Axis reduced.

    Returns
    -------
    ndarray
    """
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    return np.squeeze(m, axis=axis) + np.log(np.sum(np.exp(a - m), axis=axis))


def _gaussian_parameters(
    X: NDArray[np.float64], resp: NDArray[np.float64], reg: float, cov_type: str
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """M-step statistics: component masses n_k, means μ_k and covariances Σ_k (+ reg·I)."""
    nk = resp.sum(axis=0) + 10 * np.finfo(resp.dtype).eps
    means = (resp.T @ X) / nk[:, None]
    d = X.shape[1]
    if cov_type == "full":
        cov = np.empty((means.shape[0], d, d))
        for k in range(means.shape[0]):  # one (d, n) @ (n, d) product per component
            diff = X - means[k]
            cov[k] = (resp[:, k, None] * diff).T @ diff / nk[k]
        cov[:, np.arange(d), np.arange(d)] += reg
    elif cov_type == "tied":
        cov = (X.T @ X - (nk * means.T) @ means) / nk.sum()
        cov[np.arange(d), np.arange(d)] += reg
    else:
        cov = (resp.T @ (X * X)) / nk[:, None] - means**2 + reg
        if cov_type == "spherical":
            cov = cov.mean(axis=1)
    return nk, means, cov


def _precision_cholesky(cov: NDArray[np.float64], cov_type: str) -> NDArray[np.float64]:
    """Upper factor P with Σ⁻¹ = P Pᵀ: P = L⁻ᵀ for Σ = L Lᵀ (or 1/√σ² for diagonal types)."""
    if cov_type in ("diag", "spherical"):
        if np.any(cov <= 0.0):
            raise ValueError(_ILL_DEFINED)
        return 1.0 / np.sqrt(cov)
    mats = cov[None] if cov_type == "tied" else cov
    out = np.empty_like(mats)
    eye = np.eye(mats.shape[1])
    for k, S in enumerate(mats):  # one small factorisation per component
        try:
            L = cholesky(S)
        except (LinAlgError, ValueError):
            raise ValueError(_ILL_DEFINED) from None
        out[k] = solve_triangular(L, eye, lower=True).T
    return out[0] if cov_type == "tied" else out


def _log_gaussian(
    X: NDArray[np.float64],
    means: NDArray[np.float64],
    prec_chol: NDArray[np.float64],
    cov_type: str,
) -> NDArray[np.float64]:
    """log N(xᵢ | μ_k, Σ_k) = −½(d log 2π + ‖(xᵢ − μ_k)ᵀ P_k‖²) + log det P_k, for all i, k."""
    n, d = X.shape
    k = means.shape[0]
    if cov_type == "full":
        log_det = np.log(prec_chol[:, np.arange(d), np.arange(d)]).sum(axis=1)
        # all components in one GEMM: X @ [P_1 … P_k], then subtract each μ_k P_k
        P = np.transpose(prec_chol, (1, 0, 2)).reshape(d, k * d)
        y = (X @ P).reshape(n, k, d) - np.einsum("kd,kde->ke", means, prec_chol)[None]
        maha = (y * y).sum(axis=2)
    elif cov_type == "tied":
        log_det = np.full(k, np.log(np.diag(prec_chol)).sum())
        y = X @ prec_chol
        ym = means @ prec_chol
        maha = (y * y).sum(1)[:, None] - 2 * y @ ym.T + (ym * ym).sum(1)[None, :]
    elif cov_type == "diag":
        log_det = np.log(prec_chol).sum(axis=1)
        p2 = prec_chol**2
        maha = (means**2 * p2).sum(1)[None, :] - 2.0 * X @ (means * p2).T + (X**2) @ p2.T
    else:
        log_det = d * np.log(prec_chol)
        p2 = prec_chol**2
        maha = (
            (means**2).sum(1)[None, :] * p2[None, :]
            - 2 * (X @ means.T) * p2[None, :]
            + np.outer((X * X).sum(1), p2)
        )
    return -0.5 * (d * np.log(2 * np.pi) + maha) + log_det[None, :]


class GaussianMixture(DensityMixin, BaseEstimator):
    """Mixture of K Gaussians, p(x) = Σ_k π_k N(x | μ_k, Σ_k), fitted by EM.

    E-step: responsibilities r_ik = π_k N(xᵢ|μ_k,Σ_k) / Σ_j π_j N(xᵢ|μ_j,Σ_j), computed in log
    space with log-sum-exp. M-step: n_k = Σᵢ r_ik, π_k = n_k/n, μ_k = Σᵢ r_ik xᵢ / n_k,
    Σ_k = Σᵢ r_ik (xᵢ − μ_k)(xᵢ − μ_k)ᵀ / n_k + reg_covar·I. Each iteration cannot lower
    the mean log-likelihood; iteration stops when it changes by less than ``tol``. Initial
    responsibilities come from k-means (or random); the best of ``n_init`` runs is kept.
    See docs/notes/clustering.md.

    Parameters
    ----------
    n_components : int
        Number of components K.
    covariance_type : {'full', 'tied', 'diag', 'spherical'}
        Shape of the covariances.
    tol : float
        Convergence threshold on the change of the mean log-likelihood.
    reg_covar : float
        Added to the covariance diagonals (keeps them positive definite).
    max_iter : int
        EM iterations per run.
    n_init : int
        Number of initialisations.
    init_params : {'kmeans', 'k-means++', 'random', 'random_from_data'}
        How initial responsibilities are chosen.
    weights_init, means_init, precisions_init : array-like or None
        Fixed starting values replacing those from the initial responsibilities.
    random_state : int, RandomState or None
        Seed.

    Attributes
    ----------
    weights_, means_, covariances_, precisions_, precisions_cholesky_, converged_, n_iter_,
    lower_bound_, n_features_in_
    """

    def __init__(
        self,
        n_components: int = 1,
        *,
        covariance_type: str = "full",
        tol: float = 1e-3,
        reg_covar: float = 1e-6,
        max_iter: int = 100,
        n_init: int = 1,
        init_params: str = "kmeans",
        weights_init: Any = None,
        means_init: Any = None,
        precisions_init: Any = None,
        random_state: Any = None,
    ):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.weights_init = weights_init
        self.means_init = means_init
        self.precisions_init = precisions_init
        self.random_state = random_state

    def _check_params(self, n_samples: int) -> None:
        checks = (
            ("n_components", self.n_components, 1),
            ("n_init", self.n_init, 1),
            ("max_iter", self.max_iter, 0),
        )
        for name, value, low in checks:
            if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < low:
                raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
        if self.covariance_type not in _COV_TYPES:
            raise ValueError(
                f"covariance_type must be one of {_COV_TYPES}, got {self.covariance_type!r}"
            )
        if self.init_params not in ("kmeans", "k-means++", "random", "random_from_data"):
            raise ValueError(
                f"init_params must be 'kmeans', 'k-means++', 'random' or 'random_from_data', got {self.init_params!r}"
            )
        for fname, fvalue in (("tol", self.tol), ("reg_covar", self.reg_covar)):
            if not isinstance(fvalue, numbers.Real) or float(fvalue) < 0:
                raise ValueError(f"{fname} must be a float >= 0, got {fvalue!r}")
        if n_samples < self.n_components:
            raise ValueError(
                f"Expected n_samples >= n_components but got n_components = {self.n_components}, "
                f"n_samples = {n_samples}"
            )

    def _initial_resp(
        self, X: NDArray[np.float64], rs: np.random.RandomState
    ) -> NDArray[np.float64]:
        n, k = X.shape[0], self.n_components
        resp = np.zeros((n, k))
        if self.init_params == "kmeans":
            labels = KMeans(n_clusters=k, n_init=1, random_state=rs).fit(X).labels_
            resp[np.arange(n), labels] = 1.0
        elif self.init_params == "random":
            resp = rs.uniform(size=(n, k))
            resp /= resp.sum(axis=1, keepdims=True)
        elif self.init_params == "random_from_data":
            resp[rs.choice(n, size=k, replace=False), np.arange(k)] = 1.0
        else:
            _, idx = kmeans_plusplus(X, k, random_state=rs)
            resp[idx, np.arange(k)] = 1.0
        return resp

    def _initialize(self, X: NDArray[np.float64], rs: np.random.RandomState) -> None:
        """Parameters from the initial responsibilities, overridden by any *_init given."""
        k, d = self.n_components, X.shape[1]
        resp = self._initial_resp(X, rs)
        nk, means, cov = _gaussian_parameters(X, resp, self.reg_covar, self.covariance_type)
        self.weights_ = nk / X.shape[0]
        self.means_ = means
        self.covariances_ = cov
        if self.weights_init is not None:
            w = np.asarray(self.weights_init, dtype=np.float64)
            if w.shape != (k,) or np.any(w < 0) or not np.isclose(w.sum(), 1.0):
                raise ValueError(
                    f"weights_init must be {k} non-negative numbers summing to 1, got {w!r}"
                )
            self.weights_ = w.copy()
        if self.means_init is not None:
            m = np.asarray(self.means_init, dtype=np.float64)
            if m.shape != (k, d):
                raise ValueError(f"means_init must have shape ({k}, {d}), got {m.shape}")
            self.means_ = m.copy()
        if self.precisions_init is None:
            self.precisions_cholesky_ = _precision_cholesky(cov, self.covariance_type)
            return
        prec = np.asarray(self.precisions_init, dtype=np.float64)
        if self.covariance_type in ("diag", "spherical"):
            self.precisions_cholesky_ = np.sqrt(prec)
        else:
            # lower factor L of the precision, Σ⁻¹ = L Lᵀ: the same role as L⁻ᵀ of Σ
            mats = prec[None] if self.covariance_type == "tied" else prec
            chol = np.stack([cholesky(P) for P in mats])
            self.precisions_cholesky_ = chol[0] if self.covariance_type == "tied" else chol

    def _m_step(self, X: NDArray[np.float64], resp: NDArray[np.float64]) -> None:
        nk, self.means_, self.covariances_ = _gaussian_parameters(
            X, resp, self.reg_covar, self.covariance_type
        )
        self.weights_ = nk / nk.sum()
        self.precisions_cholesky_ = _precision_cholesky(self.covariances_, self.covariance_type)

    def _weighted_log_prob(self, X: NDArray[np.float64]) -> NDArray[np.float64]:
        return _log_gaussian(
            X, self.means_, self.precisions_cholesky_, self.covariance_type
        ) + np.log(self.weights_)

    def _e_step(self, X: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        wlp = self._weighted_log_prob(X)
        norm = logsumexp(wlp, axis=1)
        return float(norm.mean()), wlp - norm[:, None]

    def fit(self, X: Any, y: Any = None) -> GaussianMixture:
        """Fit the mixture by EM (see :meth:`fit_predict`).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.
        y : ignored

        Returns
        -------
        self
        """
        self.fit_predict(X, y)
        return self

    def fit_predict(self, X: Any, y: Any = None) -> NDArray[np.intp]:
        """Run EM ``n_init`` times, keep the highest likelihood, return the component labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.
        y : ignored

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        X = validate_data(self, X, dtype=[np.float64, np.float32], ensure_min_samples=2).astype(
            np.float64
        )
        self._check_params(X.shape[0])
        rs = check_random_state(self.random_state)
        best: tuple[Any, ...] | None = None
        best_bound = -np.inf
        self.converged_ = False
        for _ in range(self.n_init):
            self._initialize(X, rs)
            bound, converged, n_iter = -np.inf, False, 0
            for step in range(1, self.max_iter + 1):
                n_iter = step
                prev = bound
                bound, log_resp = self._e_step(X)
                self._m_step(X, np.exp(log_resp))
                if abs(bound - prev) < self.tol:
                    converged = True
                    break
            if bound > best_bound or best is None:
                best_bound = bound
                best = (
                    self.weights_,
                    self.means_,
                    self.covariances_,
                    self.precisions_cholesky_,
                    n_iter,
                )
                self.converged_ = converged
        assert best is not None
        if not self.converged_ and self.max_iter > 0:
            warnings.warn(
                "Best performing initialization did not converge. Try different init parameters, "
                "or increase max_iter, tol, or check for degenerate data.",
                ConvergenceWarning,
                stacklevel=2,
            )
        self.weights_, self.means_, self.covariances_, self.precisions_cholesky_, self.n_iter_ = (
            best
        )
        self.lower_bound_ = best_bound
        P = self.precisions_cholesky_
        if self.covariance_type == "full":
            self.precisions_ = P @ np.transpose(P, (0, 2, 1))
        elif self.covariance_type == "tied":
            self.precisions_ = P @ P.T
        else:
            self.precisions_ = P**2
        return self._e_step(X)[1].argmax(axis=1)

    def _validate(self, X: Any) -> NDArray[np.float64]:
        check_is_fitted(self)
        return validate_data(self, X, reset=False, dtype=[np.float64, np.float32]).astype(
            np.float64
        )

    def score_samples(self, X: Any) -> NDArray[np.float64]:
        """Log density log p(xᵢ) = log Σ_k π_k N(xᵢ | μ_k, Σ_k) of each sample."""
        return logsumexp(self._weighted_log_prob(self._validate(X)), axis=1)

    def score(self, X: Any, y: Any = None) -> float:
        """Mean log-likelihood of X."""
        return float(self.score_samples(X).mean())

    def predict_proba(self, X: Any) -> NDArray[np.float64]:
        """Posterior component probabilities (responsibilities) of each sample."""
        return np.exp(self._e_step(self._validate(X))[1])

    def predict(self, X: Any) -> NDArray[np.intp]:
        """Most probable component of each sample."""
        return self._weighted_log_prob(self._validate(X)).argmax(axis=1)

    def _n_parameters(self) -> int:
        k, d = self.means_.shape
        cov = {"full": k * d * (d + 1) / 2, "diag": k * d, "tied": d * (d + 1) / 2, "spherical": k}
        return int(cov[self.covariance_type] + k * d + k - 1)

    def bic(self, X: Any) -> float:
        """Bayesian information criterion, −2 log L + p log n (lower is better)."""
        n = np.asarray(X).shape[0]
        return float(-2 * self.score(X) * n + self._n_parameters() * np.log(n))

    def aic(self, X: Any) -> float:
        """Akaike information criterion, −2 log L + 2p (lower is better)."""
        n = np.asarray(X).shape[0]
        return float(-2 * self.score(X) * n + 2 * self._n_parameters())

    def sample(self, n_samples: int = 1) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
        """Draw samples: a component by its weight, then a point from its Gaussian.

        Parameters
        ----------
        n_samples : int
            Number of samples.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
        labels : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        if n_samples < 1:
            raise ValueError(f"Invalid value for 'n_samples': {n_samples}. It must be >= 1.")
        rs = check_random_state(self.random_state)
        counts = rs.multinomial(n_samples, self.weights_)
        d = self.means_.shape[1]
        parts = []
        for k, m in enumerate(counts):  # one batch of draws per component
            if self.covariance_type == "full":
                L = cholesky(self.covariances_[k])
            elif self.covariance_type == "tied":
                L = cholesky(self.covariances_)
            elif self.covariance_type == "diag":
                L = np.diag(np.sqrt(self.covariances_[k]))
            else:
                L = np.sqrt(self.covariances_[k]) * np.eye(d)
            parts.append(self.means_[k] + rs.standard_normal((m, d)) @ L.T)
        labels = np.repeat(np.arange(counts.size), counts)
        return np.vstack(parts), labels
