"""Principal component analysis. See docs/notes/dimensionality-reduction.md."""

from __future__ import annotations

import numbers
from math import lgamma
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, check_random_state, validate_data

from groundup.linalg import cho_solve, cholesky, eigh
from groundup.ml.decomposition._linalg import randomized_svd, svd_flip_v, thin_svd

_SOLVERS = ("auto", "full", "covariance_eigh", "randomized")


def assess_dimension(spectrum: NDArray[np.float64], rank: int, n_samples: int) -> float:
    """Log-evidence of a rank-``rank`` probabilistic PCA model (Minka 2000, Laplace approx.).

    With eigenvalues λ₁ ≥ … ≥ λ_d and v = mean of the discarded ones,
    log p(D | k) ≈ log p(U) − (n/2) Σ_{i≤k} log λᵢ − (n(d−k)/2) log v + ((m+k)/2) log 2π
    − ½ log|A_Z| − (k/2) log n, m = dk − k(k+1)/2, with
    log|A_Z| = Σ_{i≤k} Σ_{j>i} [log((λᵢ − λⱼ)(1/λ̂ⱼ − 1/λ̂ᵢ)) + log n] (λ̂ⱼ = v for j > k).
    See docs/notes/dimensionality-reduction.md.

    Parameters
    ----------
    spectrum : ndarray of shape (d,)
        Covariance eigenvalues, descending.
    rank : int
        Candidate dimension, 1 ≤ rank < d.
    n_samples : int
        Number of samples.

    Returns
    -------
    float
    """
    d = spectrum.shape[0]
    if not 1 <= rank < d:
        raise ValueError(f"the tested rank should be in [1, n_features - 1], got {rank}")
    eps = 1e-15
    if spectrum[rank - 1] < eps:
        return -np.inf  # a numerically zero eigenvalue cannot carry the model
    i = np.arange(1, rank + 1)
    pu = (
        -rank * np.log(2.0)
        + sum(lgamma((d - k + 1) / 2.0) for k in i)
        - np.log(np.pi) * np.sum(d - i + 1) / 2.0
    )
    pl = -np.sum(np.log(spectrum[:rank])) * n_samples / 2.0
    v = max(eps, float(np.sum(spectrum[rank:])) / (d - rank))
    pv = -np.log(v) * n_samples * (d - rank) / 2.0
    m = d * rank - rank * (rank + 1.0) / 2.0
    pp = np.log(2.0 * np.pi) * (m + rank) / 2.0
    hat = spectrum.copy()
    hat[rank:] = v
    ii, jj = np.triu_indices(d, 1)
    keep = ii < rank
    ii, jj = ii[keep], jj[keep]
    pa = float(
        np.sum(
            np.log((spectrum[ii] - spectrum[jj]) * (1.0 / hat[jj] - 1.0 / hat[ii]))
            + np.log(n_samples)
        )
    )
    return float(pu + pl + pv + pp - pa / 2.0 - rank * np.log(n_samples) / 2.0)


class PCA(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Principal component analysis: project centred data onto its top right singular vectors.

    With Xc = X − mean = U S Vᵀ (groundup's SVD), the principal axes are the rows of Vᵀ,
    the variance along axis i is Sᵢ²/(n − 1) and the projection is Xc V = U S.
    'covariance_eigh' gets the same axes from the eigenvectors of XcᵀXc/(n − 1) (fast when
    n ≫ d); 'randomized' uses a randomized range finder. Signs follow scikit-learn: the
    largest-magnitude entry of each component is positive. ``whiten`` divides the
    projections by √variance. See docs/notes/dimensionality-reduction.md.

    Parameters
    ----------
    n_components : int, float in (0, 1), 'mle' or None
        Components kept: a count, the variance fraction to reach, Minka's MLE of the
        dimension (:func:`assess_dimension`), or all.
    whiten : bool
        Scale projections to unit variance.
    svd_solver : {'auto', 'full', 'covariance_eigh', 'randomized'}
        Decomposition used ('auto': covariance_eigh when n ≥ 10·d and d ≤ 1000, else full).
    iterated_power : int
        Power iterations for 'randomized'.
    n_oversamples : int
        Extra random vectors for 'randomized'.
    random_state : int, RandomState or None
        Seed for 'randomized'.

    Attributes
    ----------
    components_, explained_variance_, explained_variance_ratio_, singular_values_, mean_,
    n_components_, noise_variance_, n_samples_, n_features_in_
    """

    def __init__(
        self,
        n_components: int | float | None = None,
        *,
        whiten: bool = False,
        svd_solver: str = "auto",
        iterated_power: int = 7,
        n_oversamples: int = 10,
        random_state: Any = None,
    ):
        self.n_components = n_components
        self.whiten = whiten
        self.svd_solver = svd_solver
        self.iterated_power = iterated_power
        self.n_oversamples = n_oversamples
        self.random_state = random_state

    def fit(self, X: Any, y: Any = None) -> PCA:
        """Compute the principal axes of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.
        y : ignored

        Returns
        -------
        self
        """
        self._fit(X)
        return self

    def fit_transform(self, X: Any, y: Any = None) -> NDArray[np.float64]:
        """Fit and return the projections U S (whitened: U √(n − 1))."""
        U, S = self._fit(X)
        k = self.n_components_
        if U is None:
            return self.transform(X)
        out = U[:, :k] * (np.sqrt(self.n_samples_ - 1) if self.whiten else S[:k])
        return out

    def _fit(self, X: Any) -> tuple[NDArray[np.float64] | None, NDArray[np.float64]]:
        X = validate_data(self, X, dtype=[np.float64, np.float32], ensure_min_samples=2).astype(
            np.float64
        )
        n, d = X.shape
        if self.svd_solver not in _SOLVERS:
            raise ValueError(f"svd_solver must be one of {_SOLVERS}, got {self.svd_solver!r}")
        nc = self.n_components
        k_req: float | str
        if isinstance(nc, str) and nc == "mle":
            if n < d:
                raise ValueError("n_components='mle' is only supported if n_samples >= n_features")
            k_req = "mle"
        elif nc is None:
            k_req = min(n, d)
        elif isinstance(nc, numbers.Integral) and not isinstance(nc, bool):
            if not 0 <= nc <= min(n, d):
                raise ValueError(
                    f"n_components={nc} must be between 0 and min(n_samples, n_features)={min(n, d)} "
                    f"with svd_solver={self.svd_solver!r}"
                )
            k_req = int(nc)
        elif isinstance(nc, numbers.Real) and 0 < nc < 1:
            k_req = float(nc)
        else:
            raise ValueError(
                f"n_components must be None, an int in [0, {min(n, d)}] or a float in (0, 1), got {nc!r}"
            )
        solver = self.svd_solver
        if solver == "auto":
            solver = "covariance_eigh" if d <= 1000 and n >= 10 * d else "full"
        if solver == "randomized" and k_req == "mle":
            raise ValueError(
                "n_components='mle' needs the full spectrum: use svd_solver 'full' or 'covariance_eigh'"
            )
        if solver == "randomized" and not (isinstance(k_req, int) and 1 <= k_req < min(n, d)):
            raise ValueError(
                f"svd_solver='randomized' needs an integer 1 <= n_components < {min(n, d)}, got {nc!r}"
            )
        self.mean_ = X.mean(axis=0)
        Xc = X - self.mean_
        U: NDArray[np.float64] | None
        if solver == "full":
            U, S, Vt = thin_svd(Xc)
            U, Vt = svd_flip_v(U, Vt)
            var = S**2 / (n - 1)
            total = var.sum()
        elif solver == "covariance_eigh":
            w, V = eigh(Xc.T @ Xc / (n - 1))
            var = np.maximum(w[::-1], 0.0)
            U, Vt = svd_flip_v(None, V[:, ::-1].T)
            S = np.sqrt(var * (n - 1))
            total = var.sum()
        else:
            rs = check_random_state(self.random_state)
            U, S, Vt = randomized_svd(
                Xc,
                int(k_req),
                n_oversamples=self.n_oversamples,
                n_iter=self.iterated_power,
                random_state=rs,
            )
            U, Vt = svd_flip_v(U, Vt)
            var = S**2 / (n - 1)
            total = float(np.var(Xc, axis=0, ddof=1).sum())
        ratio = var / total if total > 0 else np.zeros_like(var)
        if k_req == "mle":
            evidence = [-np.inf] + [assess_dimension(var, r, n) for r in range(1, var.size)]
            k = int(np.argmax(evidence))
        elif isinstance(k_req, float):
            k = int(np.searchsorted(np.cumsum(ratio), k_req, side="right") + 1)
            k = min(k, var.size)
        else:
            k = int(k_req)
        if solver == "randomized":
            self.noise_variance_ = (
                (total - var.sum()) / max(min(n, d) - k, 1) if k < min(n, d) else 0.0
            )
        else:
            self.noise_variance_ = float(var[k:].mean()) if k < min(n, d) else 0.0
        self.n_samples_ = n
        self.n_components_ = k
        self.components_ = Vt[:k].copy()
        self.explained_variance_ = var[:k].copy()
        self.explained_variance_ratio_ = ratio[:k].copy()
        self.singular_values_ = S[:k].copy()
        self._n_features_out = k
        return U, S

    def transform(self, X: Any) -> NDArray[np.float64]:
        """Project X onto the principal axes, (X − mean) Vₖ (whitened: divided by √variance)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32]).astype(np.float64)
        Z = (X - self.mean_) @ self.components_.T
        if self.whiten:
            Z /= np.sqrt(np.where(self.explained_variance_ > 0, self.explained_variance_, 1.0))
        return Z

    def inverse_transform(self, X: Any) -> NDArray[np.float64]:
        """Map projections back to feature space, Z Vₖᵀ + mean (undoing the whitening)."""
        check_is_fitted(self)
        Z = np.asarray(X, dtype=np.float64)
        if Z.ndim != 2 or Z.shape[1] != self.n_components_:
            raise ValueError(f"X must have shape (n, {self.n_components_}), got {Z.shape}")
        if self.whiten:
            Z = Z * np.sqrt(self.explained_variance_)
        return Z @ self.components_ + self.mean_

    def get_covariance(self) -> NDArray[np.float64]:
        """Model covariance Vₖᵀ diag(var − σ²) Vₖ + σ² I (probabilistic PCA)."""
        check_is_fitted(self)
        var = np.maximum(self.explained_variance_ - self.noise_variance_, 0.0)
        cov = (self.components_.T * var) @ self.components_
        cov[np.diag_indices_from(cov)] += self.noise_variance_
        return cov

    def get_precision(self) -> NDArray[np.float64]:
        """Inverse of :meth:`get_covariance`, by groundup's Cholesky factorisation."""
        cov = self.get_covariance()
        return cho_solve(cholesky(cov), np.eye(cov.shape[0]))

    def score_samples(self, X: Any) -> NDArray[np.float64]:
        """Log-likelihood of each sample under probabilistic PCA, N(mean, get_covariance()).

        log p(x) = −½ (x − μ)ᵀ Σ⁻¹ (x − μ) − ½ (d log 2π + log det Σ), with
        Σ = Vₖᵀ diag(λ − σ²) Vₖ + σ² I (Tipping & Bishop 1999).
        See docs/notes/dimensionality-reduction.md.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.

        Returns
        -------
        ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32]).astype(np.float64)
        cov = self.get_covariance()
        L = cholesky(cov)
        Xr = X - self.mean_
        maha = (Xr * cho_solve(L, Xr.T).T).sum(axis=1)
        log_det = 2.0 * np.log(np.diag(L)).sum()
        return -0.5 * maha - 0.5 * (X.shape[1] * np.log(2 * np.pi) + log_det)

    def score(self, X: Any, y: Any = None) -> float:
        """Mean probabilistic-PCA log-likelihood of X (higher is better; usable by GridSearchCV)."""
        return float(self.score_samples(X).mean())
