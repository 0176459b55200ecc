"""Gradient boosting with exact CART regression trees (scikit-learn's GradientBoosting*).

Boosting is gradient descent in function space: start from the best constant F_0 and add
trees fitted to the negative gradient r_i = -∂ℓ(y_i, F)/∂F at the current model,

    F_m(x) = F_{m-1}(x) + ν Σ_leaves γ_leaf [x ∈ leaf],

where each leaf takes one Newton step on the loss: γ = Σ w r / Σ w h (h = p(1 - p) for the
log-loss; for K classes scaled by (K - 1)/K as scikit-learn keeps from Friedman's paper; for
squared error γ is the mean residual). ``subsample`` < 1 fits each tree on a random fraction
(stochastic gradient boosting). The K trees of a multiclass stage grow together.
See docs/notes/trees-and-ensembles.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from ..tree._builder import TreeArrays, apply, feature_importances, grow, prepare_features
from ..tree._classes import check_classification_targets, fit_weights
from ..tree._params import check_int, check_real, grow_params, rng_from
from ._forest import merge_trees
from ._losses import Loss


class _BaseGB(BaseEstimator):
    """Shared stage-wise fitting."""

    def __init__(
        self,
        *,
        loss: str,
        learning_rate: float = 0.1,
        n_estimators: int = 100,
        subsample: float = 1.0,
        criterion: str = "friedman_mse",
        min_samples_split: int | float = 2,
        min_samples_leaf: int | float = 1,
        min_weight_fraction_leaf: float = 0.0,
        max_depth: int | None = 3,
        max_features: int | float | str | None = None,
        random_state: Any = None,
    ) -> None:
        self.loss = loss
        self.learning_rate = learning_rate
        self.n_estimators = n_estimators
        self.subsample = subsample
        self.criterion = criterion
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_depth = max_depth
        self.max_features = max_features
        self.random_state = random_state

    def _boost(self, X: NDArray[Any], y: NDArray[Any], sw: NDArray[np.float64], loss: Loss) -> None:
        n, k = X.shape
        M = check_int(self.n_estimators, "n_estimators", 1)
        lr = check_real(self.learning_rate, "learning_rate", 0.0)
        if lr <= 0:
            raise ValueError(f"learning_rate must be > 0, got {self.learning_rate!r}")
        sub = check_real(self.subsample, "subsample", 0.0, 1.0)
        if sub <= 0:
            raise ValueError(f"subsample must be in (0, 1], got {self.subsample!r}")
        params = grow_params(
            self, self.criterion, ("friedman_mse", "squared_error"), n, k, sw, "best"
        )
        rng = rng_from(self.random_state)
        data = prepare_features(X)
        K = loss.n_outputs
        self._init = loss.baseline(y, sw)
        raw = np.tile(self._init, (n, 1))
        trees: list[TreeArrays] = []
        n_draw = max(1, int(sub * n))
        for _ in range(M):
            mask = np.ones(n, dtype=bool)
            if sub < 1.0:
                mask = np.zeros(n, dtype=bool)
                mask[rng.choice(n, n_draw, replace=False)] = True
            g, h = loss.gradients(y, raw, None)
            resid = -g  # the trees fit the negative gradient
            in_bag = np.flatnonzero(mask & (sw > 0))
            s_idx = np.tile(in_bag, K)
            targets = resid[in_bag].T.ravel()  # tree k's targets are output k's residuals
            tree = grow(
                data,
                s_idx,
                np.tile(sw[in_bag], K),
                targets,
                np.full(K, in_bag.shape[0]),
                0,
                params,
                rng,
            )
            leaves = apply(tree, data.X)  # (n, K)
            if loss.kind != "squared_error":
                tree.value = self._newton_leaves(tree, leaves, resid, h, sw * mask, K)
            raw += lr * tree.value[leaves, 0]
            trees.append(tree)
        self.estimators_ = merge_trees(trees)
        self.n_estimators_ = M
        self.n_trees_per_iteration_ = K
        imp = feature_importances(self.estimators_, k)
        grown = np.bincount(self.estimators_.tree, minlength=M * K) > 1
        mean = imp[grown].mean(axis=0) if grown.any() else np.zeros(k)
        self.feature_importances_ = mean / mean.sum() if mean.sum() > 0 else mean

    @staticmethod
    def _newton_leaves(
        tree: TreeArrays,
        leaves: NDArray[np.intp],
        resid: NDArray[np.float64],
        h: NDArray[np.float64] | None,
        w: NDArray[np.float64],
        K: int,
    ) -> NDArray[np.float64]:
        """γ_leaf = Σ w r / Σ w h over the in-bag samples of each leaf (all K trees at once)."""
        assert h is not None
        m = tree.node_count
        scale = (K - 1) / K if K > 1 else 1.0  # Friedman's factor, kept by scikit-learn
        num: NDArray[Any] = scale * np.bincount(
            leaves.ravel(), (w[:, None] * resid).ravel(), minlength=m
        )
        den = np.bincount(leaves.ravel(), (w[:, None] * h).ravel(), minlength=m)
        value = np.where(np.abs(den) < 1e-150, 0.0, num / np.where(den == 0, 1.0, den))
        return value[:, None]

    def _raw_predict(self, X: ArrayLike) -> NDArray[np.float64]:
        check_is_fitted(self)
        Xv = validate_data(self, X, dtype=np.float32, reset=False)
        K = self.n_trees_per_iteration_
        out = self.estimators_.value[apply(self.estimators_, Xv), 0]
        return self._init + self.learning_rate * out.reshape(Xv.shape[0], -1, K).sum(axis=1)


_GB_PARAMS = """

    Parameters
    ----------
    learning_rate : float
        Shrinkage ν.
    n_estimators : int
        Boosting stages M.
    subsample : float
        Fraction of samples (without replacement) each stage's tree sees.
    criterion : {"friedman_mse", "squared_error"}
        Both choose the same splits.
    min_samples_split, min_samples_leaf, min_weight_fraction_leaf, max_depth, max_features,
    random_state : as for the trees.

    Attributes
    ----------
    estimators_ : TreeArrays
        All M·K trees as one flat node set (tree m·K + k is stage m, output k).
    feature_importances_, n_estimators_, n_trees_per_iteration_, n_features_in_
    """


class GradientBoostingRegressor(RegressorMixin, _BaseGB):
    __doc__ = (
        """Gradient boosting for regression with squared error.

    Each stage fits a depth-limited CART tree to the residuals y - F_{m-1}(x) and adds ν times
    its leaf means. See docs/notes/trees-and-ensembles.md."""
        + _GB_PARAMS
    )

    def __init__(
        self,
        *,
        loss: str = "squared_error",
        learning_rate: float = 0.1,
        n_estimators: int = 100,
        subsample: float = 1.0,
        criterion: str = "friedman_mse",
        min_samples_split: int | float = 2,
        min_samples_leaf: int | float = 1,
        min_weight_fraction_leaf: float = 0.0,
        max_depth: int | None = 3,
        max_features: int | float | str | None = None,
        random_state: Any = None,
    ) -> None:
        super().__init__(
            loss=loss,
            learning_rate=learning_rate,
            n_estimators=n_estimators,
            subsample=subsample,
            criterion=criterion,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            min_weight_fraction_leaf=min_weight_fraction_leaf,
            max_depth=max_depth,
            max_features=max_features,
            random_state=random_state,
        )

    def fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> GradientBoostingRegressor:
        """Fit M stages on (X, y); returns self."""
        if self.loss != "squared_error":
            raise ValueError(f"loss must be 'squared_error', got {self.loss!r}")
        Xv, yv = validate_data(self, X, y, dtype=np.float32, y_numeric=True)
        sw = fit_weights(sample_weight, Xv)
        self._boost(Xv, np.asarray(yv, dtype=np.float64), sw, Loss("squared_error"))
        return self

    def predict(self, X: ArrayLike) -> NDArray[np.float64]:
        """F_M(x)."""
        return self._raw_predict(X)[:, 0]


class GradientBoostingClassifier(ClassifierMixin, _BaseGB):
    __doc__ = (
        """Gradient boosting for classification with the (binary or multinomial) log-loss.

    Stage m fits one regression tree per output to r = y - p (p = σ(F) or softmax(F)) and
    sets each leaf to the Newton step Σ w r / Σ w p(1 - p) (× (K - 1)/K for K classes).
    See docs/notes/trees-and-ensembles.md."""
        + _GB_PARAMS
    )

    def __init__(
        self,
        *,
        loss: str = "log_loss",
        learning_rate: float = 0.1,
        n_estimators: int = 100,
        subsample: float = 1.0,
        criterion: str = "friedman_mse",
        min_samples_split: int | float = 2,
        min_samples_leaf: int | float = 1,
        min_weight_fraction_leaf: float = 0.0,
        max_depth: int | None = 3,
        max_features: int | float | str | None = None,
        random_state: Any = None,
    ) -> None:
        super().__init__(
            loss=loss,
            learning_rate=learning_rate,
            n_estimators=n_estimators,
            subsample=subsample,
            criterion=criterion,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            min_weight_fraction_leaf=min_weight_fraction_leaf,
            max_depth=max_depth,
            max_features=max_features,
            random_state=random_state,
        )

    def fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> GradientBoostingClassifier:
        """Fit M stages on (X, y); returns self."""
        if self.loss != "log_loss":
            raise ValueError(f"loss must be 'log_loss', got {self.loss!r}")
        Xv, yv = validate_data(self, X, y, dtype=np.float32)
        check_classification_targets(yv)
        sw = fit_weights(sample_weight, Xv)
        self.classes_, codes = np.unique(yv, return_inverse=True)
        K = self.classes_.shape[0]
        if K < 2:
            raise ValueError(
                f"y needs samples of at least 2 classes; got 1 class ({self.classes_[0]!r})"
            )
        self._loss = Loss("binary") if K == 2 else Loss("multinomial", K)
        self._boost(Xv, codes.astype(np.intp), sw, self._loss)
        return self

    def decision_function(self, X: ArrayLike) -> NDArray[np.float64]:
        """Raw scores F(x): log-odds (binary, shape (n,)) or per-class scores."""
        raw = self._raw_predict(X)
        return raw[:, 0] if raw.shape[1] == 1 else raw

    def predict_proba(self, X: ArrayLike) -> NDArray[np.float64]:
        """σ(F) (binary) or softmax(F)."""
        raw = self._raw_predict(X)
        return self._loss.proba(raw)

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """Most probable class."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]
