"""Agglomerative (bottom-up hierarchical) clustering. See docs/notes/clustering.md."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.utils.validation import validate_data

from groundup.ml.cluster._common import sq_dists

_LINKAGES = ("ward", "complete", "average", "single")
_METRICS = ("euclidean", "l2", "manhattan", "l1", "cosine", "precomputed")


def _pairwise(X: NDArray[np.float64], metric: str) -> NDArray[np.float64]:
    """Full (n, n) distance matrix (squared Euclidean for Ward)."""
    if metric == "precomputed":
        if X.shape[0] != X.shape[1]:
            raise ValueError(f"precomputed distances must be square, got shape {X.shape}")
        return X.copy()
    if metric in ("euclidean", "l2", "ward"):
        D = sq_dists(X, X)
        np.fill_diagonal(D, 0.0)
        return D if metric == "ward" else np.sqrt(D)
    if metric == "cosine":
        norms = np.linalg.norm(X, axis=1)
        U = X / np.where(norms > 0, norms, 1.0)[:, None]
        return np.maximum(1.0 - U @ U.T, 0.0)
    n = X.shape[0]
    D = np.empty((n, n))
    step = max(1, 2**22 // max(1, n * X.shape[1]))
    for s in range(0, n, step):  # row blocks keep the (block, n, d) difference tensor small
        D[s : s + step] = np.abs(X[s : s + step, None, :] - X[None, :, :]).sum(axis=2)
    return D


def nn_chain_linkage(
    D: NDArray[np.float64], linkage: str
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.float64]]:
    """Merges (a, b, height) by the nearest-neighbour chain with Lance–Williams updates.

    Follow nearest neighbours from any cluster until two clusters are each other's nearest
    (reciprocal nearest neighbours) and merge them; for the four reducible linkages this
    gives the same hierarchy as merging the global closest pair, in O(n²) time. After a
    merge of i and j into i, the distances to i are updated by Lance–Williams:
    d(k, i∪j) = αᵢ d(k,i) + αⱼ d(k,j) + β d(i,j) + γ |d(k,i) − d(k,j)|.
    ``D`` (a full symmetric matrix, so a cluster's distances are one row view) is
    overwritten; inactive clusters are masked with +inf. Merges are returned in the order
    found (a and b are representative sample indices). See docs/notes/clustering.md.

    Parameters
    ----------
    D : ndarray of shape (n, n)
        Symmetric distances (squared Euclidean for Ward); overwritten.
    linkage : {'ward', 'complete', 'average', 'single'}
        Cluster distance.

    Returns
    -------
    a, b : ndarray of shape (n − 1,)
        Representatives of the merged clusters (a < b; the merge keeps a).
    heights : ndarray of shape (n − 1,)
        Linkage distance of each merge.
    """
    n = D.shape[0]
    np.fill_diagonal(D, np.inf)
    active = np.ones(n, dtype=bool)
    size = np.ones(n)
    a_out = np.empty(n - 1, dtype=np.intp)
    b_out = np.empty(n - 1, dtype=np.intp)
    h_out = np.empty(n - 1)
    chain: list[int] = []
    for step in range(n - 1):  # one merge per step; each step scans rows vectorised
        if not chain:
            chain.append(int(np.argmax(active)))
        while True:
            a = chain[-1]
            row = D[a]
            b = int(np.argmin(row))
            # prefer the previous chain element on ties, so the chain never cycles
            if len(chain) > 1 and row[chain[-2]] == row[b]:
                b = chain[-2]
            if len(chain) > 1 and b == chain[-2]:
                break
            chain.append(b)
        chain.pop()
        chain.pop()
        i, j = min(a, b), max(a, b)
        h = float(D[i, j])
        ni, nj = size[i], size[j]
        dki, dkj = D[i], D[j]
        if linkage == "single":
            new = np.minimum(dki, dkj)
        elif linkage == "complete":
            new = np.maximum(dki, dkj)
        elif linkage == "average":
            new = (ni * dki + nj * dkj) / (ni + nj)
        else:  # ward on squared distances
            new = ((ni + size) * dki + (nj + size) * dkj - size * h) / (ni + nj + size)
        new[~active] = np.inf
        new[i] = np.inf
        active[j] = False
        new[j] = np.inf
        D[i], D[:, i] = new, new
        D[j], D[:, j] = np.inf, np.inf
        size[i] = ni + nj
        a_out[step], b_out[step], h_out[step] = i, j, h
    return a_out, b_out, h_out


def _tree(
    a: NDArray[np.intp], b: NDArray[np.intp], h: NDArray[np.float64], n: int
) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """children_ in scipy/sklearn numbering (leaf ids < n, merge s creates node n + s)."""
    order = np.argsort(h, kind="stable")
    node_of = np.arange(n)  # current tree node of each representative sample
    children = np.empty((n - 1, 2), dtype=np.intp)
    for s, m in enumerate(order):  # n − 1 merges, each O(1)
        x, y = node_of[a[m]], node_of[b[m]]
        children[s] = (min(x, y), max(x, y))
        node_of[a[m]] = n + s
    return children, h[order]


def _cut(children: NDArray[np.intp], n: int, n_merges: int) -> NDArray[np.intp]:
    """Flat labels after the first ``n_merges`` merges, by pointer jumping to each root."""
    parent = np.arange(2 * n - 1)
    parent[children[:n_merges].ravel()] = np.repeat(n + np.arange(n_merges), 2)
    while True:
        up = parent[parent]
        if np.array_equal(up, parent):
            break
        parent = up
    _, labels = np.unique(parent[:n], return_inverse=True)
    return labels.ravel()


class AgglomerativeClustering(ClusterMixin, BaseEstimator):
    """Hierarchical clustering: start from singletons, repeatedly merge the two closest clusters.

    Cluster distance by ``linkage``: single (closest pair), complete (farthest pair),
    average (mean pair distance) or ward (increase of within-cluster variance,
    Δ = nᵢnⱼ/(nᵢ+nⱼ)·‖μᵢ − μⱼ‖²). The merge tree is built with the nearest-neighbour chain
    and Lance–Williams updates on a full distance matrix (O(n²) memory), then cut at
    ``n_clusters`` clusters or at ``distance_threshold``. See docs/notes/clustering.md.

    Parameters
    ----------
    n_clusters : int or None
        Number of clusters (None with ``distance_threshold``).
    metric : {'euclidean', 'manhattan', 'cosine', 'precomputed'}
        Sample distance (ward needs euclidean).
    linkage : {'ward', 'complete', 'average', 'single'}
        Cluster distance.
    distance_threshold : float or None
        Merge only below this height (n_clusters must be None).
    compute_distances : bool
        Store merge heights in ``distances_``.

    Attributes
    ----------
    labels_, n_clusters_, n_leaves_, n_connected_components_, children_, distances_
    """

    def __init__(
        self,
        n_clusters: int | None = 2,
        *,
        metric: str = "euclidean",
        linkage: str = "ward",
        distance_threshold: float | None = None,
        compute_distances: bool = False,
    ):
        self.n_clusters = n_clusters
        self.metric = metric
        self.linkage = linkage
        self.distance_threshold = distance_threshold
        self.compute_distances = compute_distances

    def fit(self, X: Any, y: Any = None) -> AgglomerativeClustering:
        """Build the merge tree and cut it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or (n, n) distances
            Data.
        y : ignored

        Returns
        -------
        self
        """
        X = validate_data(self, X, dtype=[np.float64, np.float32], ensure_min_samples=2).astype(
            np.float64
        )
        if self.linkage not in _LINKAGES:
            raise ValueError(f"linkage must be one of {_LINKAGES}, got {self.linkage!r}")
        if self.metric not in _METRICS:
            raise ValueError(f"metric must be one of {_METRICS}, got {self.metric!r}")
        if self.linkage == "ward" and self.metric not in ("euclidean", "l2"):
            raise ValueError(
                f"{self.metric} was provided as metric. Ward can only work with euclidean distances."
            )
        if (self.n_clusters is None) == (self.distance_threshold is None):
            raise ValueError(
                "Exactly one of n_clusters and distance_threshold has to be set, and the other needs to be None."
            )
        n = X.shape[0]
        if self.n_clusters is not None:
            k = self.n_clusters
            if not isinstance(k, numbers.Integral) or isinstance(k, bool) or k < 1:
                raise ValueError(f"n_clusters must be an integer >= 1, got {k!r}")
            if k > n:
                raise ValueError(
                    f"Cannot extract more clusters than samples: {k} clusters were given for a tree with {n} leaves."
                )
        metric = "ward" if self.linkage == "ward" else self.metric
        D = _pairwise(X, metric)
        a, b, h = nn_chain_linkage(D, self.linkage)
        if self.linkage == "ward":
            h = np.sqrt(np.maximum(h, 0.0))  # heights reported as distances, like sklearn
        children, heights = _tree(a, b, h, n)
        if self.distance_threshold is not None:
            n_merges = int(np.sum(heights < self.distance_threshold))
        else:
            n_merges = n - int(self.n_clusters or 0)
        self.children_ = children
        self.labels_ = _cut(children, n, n_merges)
        self.n_clusters_ = n - n_merges
        self.n_leaves_ = n
        self.n_connected_components_ = 1
        if self.compute_distances or self.distance_threshold is not None:
            self.distances_ = heights
        return self

    def fit_predict(self, X: Any, y: Any = None) -> NDArray[np.intp]:
        """Fit and return ``labels_``."""
        return self.fit(X).labels_
