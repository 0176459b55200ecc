"""CART decision trees for classification and regression (scikit-learn's API).

A node's split is the (feature, threshold) that maximises the weighted impurity decrease

    Δ = w·i(node) - w_L·i(left) - w_R·i(right),

with i the Gini index 1 - Σ_k p_k², the entropy -Σ_k p_k log₂ p_k, or the variance. Thresholds
sit halfway between consecutive distinct feature values. See docs/notes/trees-and-ensembles.md.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from ._builder import TreeArrays, apply, feature_importances, grow, prepare_features
from ._params import grow_params, rng_from


def check_classification_targets(y: NDArray[Any]) -> None:
    """Refuse continuous targets for a classifier, as scikit-learn does."""
    if y.dtype.kind == "f" and np.any(y != np.round(y)):
        raise ValueError(
            "Unknown label type: continuous. Classifiers need discrete class labels; "
            f"got float values such as {y[y != np.round(y)][0]!r}"
        )


def fit_weights(sample_weight: ArrayLike | None, X: NDArray[Any]) -> NDArray[np.float64]:
    """Validated non-negative sample weights with a positive sum."""
    sw = _check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True)
    if not sw.sum() > 0:
        raise ValueError(f"sample_weight must have a positive sum, got {sw.sum()!r}")
    return sw


class _BaseTree(BaseEstimator):
    """Shared fit/apply for both trees; subclasses fix the target encoding."""

    _criteria: tuple[str, ...] = ()
    _n_classes: int = 0

    def __init__(
        self,
        *,
        criterion: str,
        splitter: str = "best",
        max_depth: int | None = None,
        min_samples_split: int | float = 2,
        min_samples_leaf: int | float = 1,
        min_weight_fraction_leaf: float = 0.0,
        max_features: int | float | str | None = None,
        random_state: Any = None,
    ) -> None:
        self.criterion = criterion
        self.splitter = splitter
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.random_state = random_state

    def _grow(
        self, X: NDArray[Any], targets: NDArray[Any], sw: NDArray[np.float64], n_classes: int
    ) -> None:
        n, k = X.shape
        params = grow_params(self, self.criterion, self._criteria, n, k, sw, self.splitter)
        if params.criterion == "log_loss":  # the same impurity under its loss name
            params = replace(params, criterion="entropy")
        self.max_features_ = params.max_features
        data = prepare_features(X)
        keep = np.flatnonzero(sw > 0)  # zero-weight samples take no part (as scikit-learn)
        self.tree_: TreeArrays = grow(
            data,
            keep,
            sw[keep],
            targets[keep],
            np.array([keep.shape[0]]),
            n_classes,
            params,
            rng_from(self.random_state),
        )
        self.feature_importances_ = feature_importances(self.tree_, k)[0]

    def _validate_fit(
        self, X: ArrayLike, y: ArrayLike, *, y_numeric: bool
    ) -> tuple[NDArray[Any], NDArray[Any]]:
        Xv, yv = validate_data(self, X, y, dtype=np.float32, y_numeric=y_numeric)
        return Xv, yv

    def _leaves(self, X: ArrayLike) -> NDArray[np.intp]:
        check_is_fitted(self)
        X32 = validate_data(self, X, dtype=np.float32, reset=False)
        return apply(self.tree_, X32)[:, 0]

    def apply(self, X: ArrayLike) -> NDArray[np.intp]:
        """Index of the leaf each sample lands in."""
        return self._leaves(X)

    def get_depth(self) -> int:
        """Depth of the tree (a lone root has depth 0)."""
        check_is_fitted(self)
        return int(self.tree_.depth.max())

    def get_n_leaves(self) -> int:
        """Number of leaves."""
        check_is_fitted(self)
        return int(np.sum(self.tree_.feature < 0))


class DecisionTreeClassifier(ClassifierMixin, _BaseTree):
    """CART classification tree (Gini or entropy), grown greedily to purity by default.

    Each node takes the split maximising w·i - w_L·i_L - w_R·i_R with i = 1 - Σp_k² (gini)
    or -Σp_k log₂ p_k (entropy); a leaf predicts its weighted class fractions.
    See docs/notes/trees-and-ensembles.md.

    Parameters
    ----------
    criterion : {"gini", "entropy", "log_loss"}
    splitter : {"best", "random"}
        Exact search, or one uniform random threshold per feature (extra trees).
    max_depth, min_samples_split, min_samples_leaf, min_weight_fraction_leaf, max_features,
    random_state : as in scikit-learn.

    Attributes
    ----------
    classes_, n_classes_, n_features_in_, max_features_, tree_, feature_importances_
    """

    _criteria = ("gini", "entropy", "log_loss")

    def __init__(
        self,
        criterion: str = "gini",
        splitter: str = "best",
        max_depth: int | None = None,
        min_samples_split: int | float = 2,
        min_samples_leaf: int | float = 1,
        min_weight_fraction_leaf: float = 0.0,
        max_features: int | float | str | None = None,
        random_state: Any = None,
    ) -> None:
        super().__init__(
            criterion=criterion,
            splitter=splitter,
            max_depth=max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            min_weight_fraction_leaf=min_weight_fraction_leaf,
            max_features=max_features,
            random_state=random_state,
        )

    def fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> DecisionTreeClassifier:
        """Grow the tree on (X, y).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        X, y = self._validate_fit(X, y, y_numeric=False)
        check_classification_targets(y)
        sw = fit_weights(sample_weight, X)
        self.classes_, codes = np.unique(y, return_inverse=True)
        self.n_classes_ = self.classes_.shape[0]
        self._grow(X, codes.astype(np.intp), sw, self.n_classes_)
        return self

    def predict_proba(self, X: ArrayLike) -> NDArray[np.float64]:
        """Class fractions of the leaf each sample reaches, shape (n_samples, n_classes)."""
        leaves = self._leaves(X)
        return self.tree_.value[leaves]

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """Most frequent (weighted) class of each sample's leaf."""
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class DecisionTreeRegressor(RegressorMixin, _BaseTree):
    """CART regression tree: splits minimise the weighted within-node variance.

    Each node takes the split maximising S_L²/w_L + S_R²/w_R (S = Σ w·y), which is the
    largest decrease of Σ w (y - ȳ)²; a leaf predicts its weighted mean.
    See docs/notes/trees-and-ensembles.md.

    Parameters
    ----------
    criterion : {"squared_error", "friedman_mse"}
        Both pick the same splits (Friedman's score is the same decrease rescaled).
    splitter, max_depth, min_samples_split, min_samples_leaf, min_weight_fraction_leaf,
    max_features, random_state : as in scikit-learn.
    """

    _criteria = ("squared_error", "friedman_mse")

    def __init__(
        self,
        criterion: str = "squared_error",
        splitter: str = "best",
        max_depth: int | None = None,
        min_samples_split: int | float = 2,
        min_samples_leaf: int | float = 1,
        min_weight_fraction_leaf: float = 0.0,
        max_features: int | float | str | None = None,
        random_state: Any = None,
    ) -> None:
        super().__init__(
            criterion=criterion,
            splitter=splitter,
            max_depth=max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            min_weight_fraction_leaf=min_weight_fraction_leaf,
            max_features=max_features,
            random_state=random_state,
        )

    def fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> DecisionTreeRegressor:
        """Grow the tree on (X, y); see DecisionTreeClassifier.fit."""
        X, y = self._validate_fit(X, y, y_numeric=True)
        sw = fit_weights(sample_weight, X)
        self._grow(X, np.asarray(y, dtype=np.float64), sw, 0)
        return self

    def predict(self, X: ArrayLike) -> NDArray[np.float64]:
        """Weighted mean target of each sample's leaf."""
        leaves = self._leaves(X)
        return self.tree_.value[leaves, 0]
