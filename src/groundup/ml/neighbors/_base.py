"""Shared machinery of the neighbour estimators: validation, search dispatch, weights.

See docs/notes/svm.md#nearest-neighbours.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.utils.validation import check_is_fitted, validate_data

from groundup.ml.neighbors._brute import brute_kneighbors, brute_radius
from groundup.ml.neighbors._kd_tree import KDTree

_METRIC_P = {
    "minkowski": None,
    "euclidean": 2.0,
    "l2": 2.0,
    "manhattan": 1.0,
    "l1": 1.0,
    "cityblock": 1.0,
    "chebyshev": np.inf,
}


class NeighborsBase:
    """Fit stores the training set (and a k-d tree); queries dispatch to brute force or the tree."""

    n_neighbors: int | None
    radius: float | None
    algorithm: str
    leaf_size: int
    p: float
    metric: str
    _fit_X: NDArray[Any]
    effective_metric_p_: float

    def _effective_p(self) -> float:
        if self.metric not in _METRIC_P:
            raise ValueError(f"metric must be one of {sorted(_METRIC_P)}, got {self.metric!r}")
        fixed = _METRIC_P[self.metric]
        if fixed is not None:
            return float(fixed)
        if not isinstance(self.p, numbers.Real) or self.p < 1:
            raise ValueError(
                f"p must be a real number >= 1 for the minkowski metric, got {self.p!r}"
            )
        return float(self.p)

    def _fit_neighbors(self, X: NDArray[Any]) -> None:
        if self.algorithm not in ("auto", "brute", "kd_tree"):
            raise ValueError(
                f"algorithm must be 'auto', 'brute' or 'kd_tree', got {self.algorithm!r}"
            )
        if not isinstance(self.leaf_size, numbers.Integral) or self.leaf_size < 1:
            raise ValueError(f"leaf_size must be an int >= 1, got {self.leaf_size!r}")
        if self.n_neighbors is not None and (
            not isinstance(self.n_neighbors, numbers.Integral) or self.n_neighbors < 1
        ):
            raise ValueError(f"n_neighbors must be an int >= 1, got {self.n_neighbors!r}")
        if self.radius is not None and (
            not isinstance(self.radius, numbers.Real) or self.radius < 0
        ):
            raise ValueError(f"radius must be a float >= 0, got {self.radius!r}")
        self.effective_metric_p_ = self._effective_p()
        self._fit_X = X
        self.n_samples_fit_ = X.shape[0]
        algo = self.algorithm
        if algo == "auto":
            # the tree pays off only in few dimensions, for small k (scikit-learn's rule) and —
            # since our brute force is a few large array operations — for large n
            k = self.n_neighbors or 1
            small_k = k < X.shape[0] // 2
            algo = "kd_tree" if X.shape[1] <= 15 and small_k and X.shape[0] > 5000 else "brute"
        self._fit_method = algo
        self._tree = KDTree(X, self.leaf_size) if algo == "kd_tree" else None

    def kneighbors(
        self,
        X: ArrayLike | None = None,
        n_neighbors: int | None = None,
        return_distance: bool = True,
    ) -> Any:
        """The k nearest training points of each query, sorted by (distance, index).

        With ``X=None`` the queries are the training points and each point is not its own
        neighbour. Ties at equal distance go to the smaller training index.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features) or None
        n_neighbors : int or None (default: the estimator's n_neighbors)
        return_distance : bool

        Returns
        -------
        (distances, indices) of shape (n_queries, n_neighbors), or indices alone
        """
        check_is_fitted(self)
        k = self.n_neighbors if n_neighbors is None else n_neighbors
        if not isinstance(k, numbers.Integral) or k < 1:
            raise ValueError(f"Expected n_neighbors > 0, got {k!r}")
        query_is_train = X is None
        if query_is_train:
            Q = self._fit_X
            k_search = k + 1  # one extra: the point itself is dropped below
        else:
            Q = validate_data(self, X, reset=False, dtype=np.float64)  # type: ignore[arg-type]
            k_search = k
        n_fit = self.n_samples_fit_
        if k_search > n_fit:
            raise ValueError(
                f"Expected n_neighbors <= n_samples_fit, but n_neighbors = {k_search}, "
                f"n_samples_fit = {n_fit}, n_samples = {Q.shape[0]}"
            )
        p = self.effective_metric_p_
        if self._tree is not None:
            dist, ind = self._tree.query(Q, k_search, p)
        else:
            dist, ind = brute_kneighbors(self._fit_X, Q, k_search, p)
        if query_is_train:
            # drop each sample from its own list (or the farthest, when duplicates hid it)
            is_self = ind == np.arange(Q.shape[0])[:, None]
            no_self = ~is_self.any(axis=1)
            is_self[no_self, -1] = True
            keep = ~is_self
            dist = dist[keep].reshape(Q.shape[0], k)
            ind = ind[keep].reshape(Q.shape[0], k)
        return (dist, ind) if return_distance else ind

    def radius_neighbors(
        self,
        X: ArrayLike | None = None,
        radius: float | None = None,
        return_distance: bool = True,
        sort_results: bool = False,
    ) -> Any:
        """All training points within ``radius`` of each query (exhaustive, in blocks).

        Parameters
        ----------
        X : array-like or None (the training points, each excluding itself)
        radius : float or None (default: the estimator's radius)
        return_distance : bool
        sort_results : bool

        Returns
        -------
        (distances, indices) as object arrays of 1-D arrays, or indices alone
        """
        check_is_fitted(self)
        r = self.radius if radius is None else radius
        if r is None or r < 0:
            raise ValueError(f"radius must be a float >= 0, got {r!r}")
        query_is_train = X is None
        Q = self._fit_X if query_is_train else validate_data(self, X, reset=False, dtype=np.float64)  # type: ignore[arg-type]
        dist, ind = brute_radius(self._fit_X, Q, float(r), self.effective_metric_p_, sort_results)
        if query_is_train:
            for i in range(Q.shape[0]):  # ragged output: drop the sample itself from its row
                keep = ind[i] != i
                dist[i], ind[i] = dist[i][keep], ind[i][keep]
        return (dist, ind) if return_distance else ind


def neighbour_weights(dist: NDArray[Any], weights: str) -> NDArray[Any] | None:
    """None for uniform weights; 1/d for "distance", where an exact match takes all the weight."""
    if weights == "uniform":
        return None
    with np.errstate(divide="ignore"):
        w = 1.0 / dist
    inf_mask = np.isinf(w)
    inf_row = inf_mask.any(axis=1)
    w[inf_row] = inf_mask[inf_row]
    return w


def check_weights(weights: Any) -> None:
    """Refuse anything but "uniform" and "distance"."""
    if weights not in ("uniform", "distance"):
        raise ValueError(f"weights must be 'uniform' or 'distance', got {weights!r}")
