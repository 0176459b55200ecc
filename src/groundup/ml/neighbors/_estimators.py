"""k-nearest-neighbour classifier, regressor and the unsupervised neighbour search.

See docs/notes/svm.md#nearest-neighbours.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from groundup.ml.neighbors._base import NeighborsBase, check_weights, neighbour_weights


class NearestNeighbors(NeighborsBase, BaseEstimator):
    """Unsupervised neighbour search: k nearest (``kneighbors``) or within a radius.

    d(x, y) = (Σⱼ |xⱼ − yⱼ|^p)^{1/p}; brute force by blocks of the distance matrix or a k-d tree
    (median splits, batch queries pruned by leaf bounding boxes).
    See docs/notes/svm.md#nearest-neighbours.

    Parameters
    ----------
    n_neighbors : int
    radius : float
    algorithm : "auto", "brute" or "kd_tree"
    leaf_size : int
    metric : "minkowski", "euclidean", "manhattan" or "chebyshev"
    p : float >= 1 (minkowski)
    """

    def __init__(
        self,
        *,
        n_neighbors: int = 5,
        radius: float = 1.0,
        algorithm: str = "auto",
        leaf_size: int = 30,
        metric: str = "minkowski",
        p: float = 2,
    ):
        self.n_neighbors = n_neighbors
        self.radius = radius
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.metric = metric
        self.p = p

    def fit(self, X: ArrayLike, y: Any = None) -> NearestNeighbors:
        """Store the training points (and build the tree)."""
        self._fit_neighbors(validate_data(self, X, dtype=np.float64))
        return self


class _KNeighborsEstimator(NeighborsBase):
    """The hyper-parameters shared by the k-neighbours classifier and regressor.

    Both search the k nearest training points (no radius) and weight them by ``weights``;
    they differ only in how the neighbours' targets are combined.
    See docs/notes/svm.md#nearest-neighbours.
    """

    def __init__(
        self,
        n_neighbors: int = 5,
        *,
        weights: str = "uniform",
        algorithm: str = "auto",
        leaf_size: int = 30,
        p: float = 2,
        metric: str = "minkowski",
    ):
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.algorithm = algorithm
        self.leaf_size = leaf_size
        self.p = p
        self.metric = metric

    radius = None


class KNeighborsClassifier(_KNeighborsEstimator, ClassifierMixin, BaseEstimator):
    """Vote among the k nearest training points.

    p(c | x) = Σ_{i∈N_k(x)} wᵢ [yᵢ = c] / Σ wᵢ with wᵢ = 1 (uniform) or 1/d(x, xᵢ) (distance);
    the prediction is the class of largest p, ties to the smallest label.
    See docs/notes/svm.md#nearest-neighbours.

    Parameters
    ----------
    n_neighbors : int
    weights : "uniform" or "distance"
    algorithm : "auto", "brute" or "kd_tree"
    leaf_size : int
    p : float >= 1
    metric : str

    Attributes
    ----------
    classes_, n_samples_fit_, effective_metric_p_
    """

    def fit(self, X: ArrayLike, y: ArrayLike) -> KNeighborsClassifier:
        """Store the training points and their class codes."""
        check_weights(self.weights)
        Xv, yv = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(yv)
        self.classes_, self._y = np.unique(yv, return_inverse=True)
        self._fit_neighbors(Xv)
        return self

    def predict_proba(self, X: ArrayLike) -> NDArray[Any]:
        """Weighted class frequencies among the k neighbours."""
        check_is_fitted(self)
        dist, ind = self.kneighbors(X)
        w = neighbour_weights(dist, self.weights)
        labels = self._y[ind]
        n_classes = len(self.classes_)
        proba = np.zeros((labels.shape[0], n_classes))
        rows = np.repeat(np.arange(labels.shape[0]), labels.shape[1])
        np.add.at(proba, (rows, labels.ravel()), 1.0 if w is None else w.ravel())
        total = proba.sum(axis=1, keepdims=True)
        total[total == 0] = 1.0
        return proba / total

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """The class with the largest (weighted) vote."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


class KNeighborsRegressor(_KNeighborsEstimator, RegressorMixin, BaseEstimator):
    """Average the targets of the k nearest training points.

    ŷ(x) = Σ_{i∈N_k(x)} wᵢ yᵢ / Σ wᵢ, wᵢ = 1 or 1/d(x, xᵢ). Multi-output targets work column
    by column. See docs/notes/svm.md#nearest-neighbours.

    Parameters
    ----------
    n_neighbors : int
    weights : "uniform" or "distance"
    algorithm : "auto", "brute" or "kd_tree"
    leaf_size : int
    p : float >= 1
    metric : str
    """

    def fit(self, X: ArrayLike, y: ArrayLike) -> KNeighborsRegressor:
        """Store the training points and targets."""
        check_weights(self.weights)
        Xv, yv = validate_data(self, X, y, dtype=np.float64, multi_output=True, y_numeric=True)
        self._y = yv
        self._fit_neighbors(Xv)
        return self

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """The (weighted) mean target of the k neighbours."""
        check_is_fitted(self)
        dist, ind = self.kneighbors(X)
        w = neighbour_weights(dist, self.weights)
        Y = self._y[ind]  # (n_queries, k) or (n_queries, k, n_outputs)
        if w is None:
            return Y.mean(axis=1)
        if Y.ndim == 3:
            return (Y * w[:, :, None]).sum(axis=1) / w.sum(axis=1)[:, None]
        return (Y * w).sum(axis=1) / w.sum(axis=1)

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
