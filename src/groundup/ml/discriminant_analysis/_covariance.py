"""Covariance estimates used by LDA/QDA: empirical, shrunk and Ledoit–Wolf.

See docs/notes/generative-classifiers.md#covariance-shrinkage.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray


def empirical_covariance(X: NDArray[Any]) -> NDArray[Any]:
    """Maximum-likelihood covariance Σ = (X − x̄)ᵀ(X − x̄) / n (ddof 0).

    See docs/notes/generative-classifiers.md#covariance-shrinkage.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)

    Returns
    -------
    ndarray of shape (n_features, n_features)
    """
    Xc = X - X.mean(axis=0)
    return (Xc.T @ Xc) / X.shape[0]


def shrunk_covariance(S: NDArray[Any], shrinkage: float) -> NDArray[Any]:
    """Convex blend with a scaled identity: (1 − α)·S + α·(tr S / p)·I.

    See docs/notes/generative-classifiers.md#covariance-shrinkage.

    Parameters
    ----------
    S : ndarray of shape (p, p)
    shrinkage : float in [0, 1]

    Returns
    -------
    ndarray of shape (p, p)
    """
    mu = np.trace(S) / S.shape[0]
    out = (1.0 - shrinkage) * S
    out.flat[:: S.shape[0] + 1] += shrinkage * mu
    return out


def ledoit_wolf_shrinkage(X: NDArray[Any]) -> float:
    """Ledoit–Wolf optimal shrinkage α = min(β, δ)/δ for the scaled-identity target.

    With centred X, S = XᵀX/n and μ = tr S / p:
        δ = ‖S − μI‖²_F / p,  β = (Σᵢ ‖xᵢxᵢᵀ − S‖²_F / n²) / p  (clipped at δ).
    See docs/notes/generative-classifiers.md#covariance-shrinkage.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)

    Returns
    -------
    float
    """
    n, p = X.shape
    if p == 1:
        return 0.0
    Xc = X - X.mean(axis=0)
    X2 = Xc**2
    trace_terms = X2.sum(axis=0) / n
    mu = trace_terms.sum() / p
    delta_ = ((Xc.T @ Xc) ** 2).sum() / n**2
    beta_ = (X2.T @ X2).sum()
    beta = (beta_ / n - delta_) / (p * n)
    delta = (delta_ - 2.0 * mu * trace_terms.sum() + p * mu**2) / p
    beta = min(beta, delta)
    return 0.0 if beta == 0 else float(beta / delta)


def covariance(X: NDArray[Any], shrinkage: str | float | None) -> NDArray[Any]:
    """Empirical (None), fixed-shrinkage (float) or Ledoit–Wolf ("auto") covariance.

    "auto" applies Ledoit–Wolf to the standardised features and scales back,
    Σ = D·LW(X D⁻¹)·D with D the feature standard deviations, as scikit-learn does.
    See docs/notes/generative-classifiers.md#covariance-shrinkage.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    shrinkage : None, "auto" or float in [0, 1]

    Returns
    -------
    ndarray of shape (n_features, n_features)
    """
    if shrinkage is None:
        return empirical_covariance(X)
    if isinstance(shrinkage, str):
        if shrinkage != "auto":
            raise ValueError(
                f"shrinkage must be None, 'auto' or a float in [0, 1], got {shrinkage!r}"
            )
        std = X.std(axis=0)
        std[std < 10 * np.finfo(np.float64).eps] = 1.0  # constant features stay unscaled
        Z = (X - X.mean(axis=0)) / std
        S = shrunk_covariance(empirical_covariance(Z), ledoit_wolf_shrinkage(Z))
        return std[:, None] * S * std[None, :]
    if not 0 <= shrinkage <= 1:
        raise ValueError(f"shrinkage must be in [0, 1], got {shrinkage!r}")
    return shrunk_covariance(empirical_covariance(X), float(shrinkage))


def generalized_eigh(A: NDArray[Any], B: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any]]:
    """Solve A v = λ B v for symmetric A and symmetric positive-definite B.

    With B = LLᵀ (Cholesky), C = L⁻¹ A L⁻ᵀ is symmetric with the same eigenvalues; its
    eigenvectors w give v = L⁻ᵀ w, normalised so that Vᵀ B V = I (LAPACK's convention).
    See docs/notes/generative-classifiers.md#lda.

    Parameters
    ----------
    A, B : ndarray of shape (p, p)

    Returns
    -------
    eigenvalues (ascending) of shape (p,), eigenvectors of shape (p, p) as columns
    """
    L = np.linalg.cholesky(B)
    Linv = np.linalg.solve(L, np.eye(L.shape[0]))
    C = Linv @ A @ Linv.T
    w, W = np.linalg.eigh((C + C.T) / 2.0)
    return w, Linv.T @ W
