"""DBSCAN: density-based clustering with noise. See docs/notes/clustering.md."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.utils.validation import validate_data

from groundup.ml.cluster._common import check_sample_weight, components, sq_dists

_BLOCK_BYTES = 32 * 2**20  # memory for one block of the distance matrix


def _neighbour_pairs(
    X: NDArray[np.float64], eps: float, metric: str
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """All ordered pairs (i, j) with d(xᵢ, xⱼ) ≤ eps (self-pairs included), by row blocks."""
    n = X.shape[0]
    step = max(1, _BLOCK_BYTES // (8 * n))
    x_sq = (X * X).sum(axis=1)
    rows, cols = [], []
    for start in range(0, n, step):  # row blocks bound the memory; each block is one GEMM
        stop = min(start + step, n)
        if metric == "precomputed":
            close = X[start:stop] <= eps
        else:
            d = sq_dists(X[start:stop], X, x_sq)
            close = d <= eps * eps
            # the GEMM expansion can round a pair at exactly eps to either side: recompute
            # those few from coordinate differences, as a tree search does
            margin = 1e-9 * (x_sq[start:stop, None] + x_sq[None, :] + eps * eps)
            r, c = np.nonzero(np.abs(d - eps * eps) <= margin)
            if r.size:
                exact = ((X[r + start] - X[c]) ** 2).sum(axis=1)
                close[r, c] = exact <= eps * eps
            close[np.arange(stop - start), np.arange(start, stop)] = True
        r, c = np.nonzero(close)
        rows.append(r + start)
        cols.append(c)
    return np.concatenate(rows), np.concatenate(cols)


class DBSCAN(ClusterMixin, BaseEstimator):
    """Density-Based Spatial Clustering of Applications with Noise.

    A core point has at least ``min_samples`` (weighted) points within distance ``eps``,
    itself included. Clusters are the connected components of core points linked when
    within eps; a non-core point within eps of a core point joins the first such cluster
    (clusters numbered by their lowest-index core point, as scikit-learn's scan does), and
    the rest are noise (label −1). See docs/notes/clustering.md.

    Parameters
    ----------
    eps : float
        Neighbourhood radius.
    min_samples : int
        Neighbourhood mass (including the point) that makes a point core.
    metric : {'euclidean', 'precomputed'}
        Distance between samples.

    Attributes
    ----------
    labels_, core_sample_indices_, components_, n_features_in_
    """

    labels_: NDArray[np.intp]

    def __init__(self, eps: float = 0.5, *, min_samples: int = 5, metric: str = "euclidean"):
        self.eps = eps
        self.min_samples = min_samples
        self.metric = metric

    def fit(self, X: Any, y: Any = None, sample_weight: ArrayLike | None = None) -> DBSCAN:
        """Find core points, connect them into clusters, attach border points.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or (n, n) distances
            Data.
        y : ignored
        sample_weight : array-like, optional
            Per-sample weights (a point's mass in its neighbours' counts).

        Returns
        -------
        self
        """
        X = validate_data(self, X, dtype=[np.float64, np.float32]).astype(np.float64)
        if not isinstance(self.eps, numbers.Real) or not self.eps > 0:
            raise ValueError(f"eps must be a float > 0, got {self.eps!r}")
        if not isinstance(self.min_samples, numbers.Integral) or self.min_samples < 1:
            raise ValueError(f"min_samples must be an integer >= 1, got {self.min_samples!r}")
        if self.metric not in ("euclidean", "precomputed"):
            raise ValueError(f"metric must be 'euclidean' or 'precomputed', got {self.metric!r}")
        if self.metric == "precomputed" and X.shape[0] != X.shape[1]:
            raise ValueError(f"precomputed distances must be square, got shape {X.shape}")
        n = X.shape[0]
        # like sklearn, a negative weight is allowed: it keeps its neighbours from being core
        w = check_sample_weight(sample_weight, n, non_negative=False)
        rows, cols = _neighbour_pairs(X, float(self.eps), self.metric)
        mass = np.bincount(rows, weights=w[cols], minlength=n)
        core = mass >= self.min_samples
        both = core[rows] & core[cols]
        comp = components(n, rows[both], cols[both])
        labels = np.full(n, -1, dtype=np.intp)
        roots = np.unique(comp[core])
        # clusters are numbered in order of their smallest core index (= their root)
        labels[core] = np.searchsorted(roots, comp[core])
        border = ~core[rows] & core[cols]
        if border.any():
            best = np.full(n, np.iinfo(np.intp).max)
            np.minimum.at(best, rows[border], labels[cols[border]])
            has = best < np.iinfo(np.intp).max
            labels[has] = best[has]
        self.labels_ = labels
        self.core_sample_indices_ = np.flatnonzero(core)
        self.components_ = X[core].copy()  # rows of the distance matrix when precomputed
        return self

    def fit_predict(
        self, X: Any, y: Any = None, sample_weight: ArrayLike | None = None
    ) -> NDArray[np.intp]:
        """Fit and return ``labels_``."""
        return self.fit(X, sample_weight=sample_weight).labels_
