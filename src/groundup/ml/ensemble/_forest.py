"""Random forests and extremely randomised trees (bagged CART ensembles).

A forest averages T trees, each grown on a bootstrap sample (drawn with replacement, kept as
integer weights) and choosing each split among ``max_features`` random features:

    p̂(k | x) = (1/T) Σ_t p̂_t(k | x)        ŷ(x) = (1/T) Σ_t ŷ_t(x).

Extra trees draw one uniform threshold per candidate feature instead of searching them all,
and by default use the whole sample. All trees of a batch grow together, level by level, in
the same array operations. See docs/notes/trees-and-ensembles.md.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from ..tree._builder import (
    FeatureData,
    TreeArrays,
    apply,
    feature_importances,
    grow,
    prepare_features,
)
from ..tree._classes import check_classification_targets, fit_weights
from ..tree._params import check_int, grow_params

_WORK_PER_BATCH = 750_000  # instance × feature items searched per level per batch (cache-sized)


def merge_trees(parts: list[TreeArrays]) -> TreeArrays:
    """Concatenate separately grown forests into one flat node array set."""
    offsets = np.cumsum([0] + [p.node_count for p in parts])
    tree_offsets = np.cumsum([0] + [p.roots.shape[0] for p in parts])

    def shift(a: NDArray[np.intp], off: int) -> NDArray[np.intp]:
        return np.where(a >= 0, a + off, a)

    return TreeArrays(
        feature=np.concatenate([p.feature for p in parts]),
        threshold=np.concatenate([p.threshold for p in parts]),
        left=np.concatenate([shift(p.left, o) for p, o in zip(parts, offsets)]),
        right=np.concatenate([shift(p.right, o) for p, o in zip(parts, offsets)]),
        value=np.concatenate([p.value for p in parts]),
        impurity=np.concatenate([p.impurity for p in parts]),
        n_node_samples=np.concatenate([p.n_node_samples for p in parts]),
        weighted_n_node_samples=np.concatenate([p.weighted_n_node_samples for p in parts]),
        depth=np.concatenate([p.depth for p in parts]),
        tree=np.concatenate([p.tree + t for p, t in zip(parts, tree_offsets)]),
        roots=np.concatenate([p.roots + o for p, o in zip(parts, offsets)]),
    )


def resolve_n_jobs(n_jobs: Any) -> int:
    """None → 1, -1 → all cores, k → k (sklearn's convention)."""
    if n_jobs is None:
        return 1
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs == 0:
        raise ValueError(f"n_jobs must be None or a non-zero int, got {n_jobs!r}")
    cpus = os.cpu_count() or 1
    return max(1, cpus + 1 + n_jobs) if n_jobs < 0 else n_jobs


class _BaseForest(BaseEstimator):
    """Fit/predict machinery shared by the four forests."""

    _splitter = "best"
    _criteria: tuple[str, ...] = ()

    def __init__(
        self,
        n_estimators: int = 100,
        *,
        criterion: str,
        max_depth: int | None = None,
        min_samples_split: int | float = 2,
        min_samples_leaf: int | float = 1,
        min_weight_fraction_leaf: float = 0.0,
        max_features: int | float | str | None = "sqrt",
        bootstrap: bool = True,
        oob_score: bool = False,
        n_jobs: int | None = None,
        random_state: Any = None,
        max_samples: int | float | None = None,
    ) -> None:
        self.n_estimators = n_estimators
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.bootstrap = bootstrap
        self.oob_score = oob_score
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.max_samples = max_samples

    def _n_draws(self, n: int) -> int:
        if self.max_samples is None:
            return n
        if isinstance(self.max_samples, int) and not isinstance(self.max_samples, bool):
            return check_int(self.max_samples, "max_samples", 1)
        if isinstance(self.max_samples, float) and 0.0 < self.max_samples <= 1.0:
            return max(1, round(self.max_samples * n))
        raise ValueError(
            f"max_samples must be None, an int >= 1 or a float in (0, 1], got {self.max_samples!r}"
        )

    def _fit_forest(
        self, X: NDArray[Any], targets: NDArray[Any], sw: NDArray[np.float64], n_classes: int
    ) -> NDArray[np.bool_] | None:
        """Grow every tree; return the (n_samples, T) in-bag mask when OOB is requested."""
        n, k = X.shape
        T = check_int(self.n_estimators, "n_estimators", 1)
        if self.oob_score and not self.bootstrap:
            raise ValueError("oob_score=True requires bootstrap=True, got bootstrap=False")
        if self.criterion not in self._criteria:
            raise ValueError(f"criterion must be one of {self._criteria}, got {self.criterion!r}")
        crit = "entropy" if self.criterion == "log_loss" else self.criterion
        params = grow_params(self, crit, (crit,), n, k, sw, self._splitter)
        workers = resolve_n_jobs(self.n_jobs)
        draws = self._n_draws(n) if self.bootstrap else n
        seeds = check_random_state(self.random_state).randint(np.iinfo(np.int32).max, size=T)
        weights = np.empty((T, n))
        for t in range(T):  # one bootstrap draw per tree (T small numpy calls, not per sample)
            if self.bootstrap:
                idx = np.random.default_rng(seeds[t]).integers(0, n, draws)
                weights[t] = sw * np.bincount(idx, minlength=n)
            else:
                weights[t] = sw
        data = prepare_features(X)
        per_tree = max(1, int(np.count_nonzero(weights[0]))) * params.max_features
        size = max(1, min(T, _WORK_PER_BATCH // per_tree))
        batches = [range(a, min(T, a + size)) for a in range(0, T, size)]

        def run(batch: range) -> TreeArrays:
            return _grow_batch(
                data,
                weights[batch.start : batch.stop],
                targets,
                n_classes,
                params,
                np.random.default_rng(seeds[batch.start] + 1),
            )

        if workers > 1 and len(batches) > 1:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                parts = list(pool.map(run, batches))
        else:
            parts = [run(b) for b in batches]
        self.trees_ = merge_trees(parts)
        self.n_features_in_ = k
        imp = feature_importances(self.trees_, k)
        grown = np.bincount(self.trees_.tree, minlength=T) > 1
        mean = imp[grown].mean(axis=0) if grown.any() else np.zeros(k)
        self.feature_importances_ = mean / mean.sum() if mean.sum() > 0 else mean
        return (weights > 0).T if self.oob_score else None

    def _tree_outputs(self, X: ArrayLike) -> NDArray[np.float64]:
        """Every tree's leaf value for every sample, shape (n_samples, T, n_outputs)."""
        check_is_fitted(self)
        X32 = validate_data(self, X, dtype=np.float32, reset=False)
        return self.trees_.value[apply(self.trees_, X32)]

    @staticmethod
    def _oob_mean(out: NDArray[np.float64], in_bag: NDArray[np.bool_]) -> NDArray[np.float64]:
        oob = ~in_bag
        counts = oob.sum(axis=1)
        total = np.einsum("nt,nto->no", oob.astype(np.float64), out)
        with np.errstate(invalid="ignore", divide="ignore"):
            return total / counts[:, None]


def _grow_batch(
    data: FeatureData,
    weights: NDArray[np.float64],
    targets: NDArray[Any],
    n_classes: int,
    params: Any,
    rng: np.random.Generator,
) -> TreeArrays:
    """Grow the trees whose per-sample weights are the rows of ``weights`` together."""
    t_idx, s_idx = np.nonzero(weights > 0)
    counts = np.bincount(t_idx, minlength=weights.shape[0])
    return grow(data, s_idx, weights[t_idx, s_idx], targets[s_idx], counts, n_classes, params, rng)


class _ForestClassifier(ClassifierMixin, _BaseForest):
    def fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> _ForestClassifier:
        """Grow the forest on (X, y); returns self."""
        Xv, yv = validate_data(self, X, y, dtype=np.float32)
        check_classification_targets(yv)
        sw = fit_weights(sample_weight, Xv)
        self.classes_, codes = np.unique(yv, return_inverse=True)
        self.n_classes_ = self.classes_.shape[0]
        in_bag = self._fit_forest(Xv, codes.astype(np.intp), sw, self.n_classes_)
        if in_bag is not None:
            proba = self._oob_mean(self._tree_outputs(Xv), in_bag)
            seen = np.isfinite(proba[:, 0])
            self.oob_decision_function_ = proba
            self.oob_score_ = float(np.mean(np.argmax(proba[seen], axis=1) == codes[seen]))
        return self

    def predict_proba(self, X: ArrayLike) -> NDArray[np.float64]:
        """Mean over trees of the leaf class fractions, shape (n_samples, n_classes)."""
        return self._tree_outputs(X).mean(axis=1)

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """Class with the highest mean probability."""
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class _ForestRegressor(RegressorMixin, _BaseForest):
    def fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> _ForestRegressor:
        """Grow the forest on (X, y); returns self."""
        Xv, yv = validate_data(self, X, y, dtype=np.float32, y_numeric=True)
        sw = fit_weights(sample_weight, Xv)
        yv = np.asarray(yv, dtype=np.float64)
        in_bag = self._fit_forest(Xv, yv, sw, 0)
        if in_bag is not None:
            pred = self._oob_mean(self._tree_outputs(Xv), in_bag)[:, 0]
            seen = np.isfinite(pred)
            self.oob_prediction_ = pred
            resid = np.sum((yv[seen] - pred[seen]) ** 2)
            spread = np.sum((yv[seen] - yv[seen].mean()) ** 2)
            self.oob_score_ = float(1.0 - resid / spread) if spread > 0 else 0.0
        return self

    def predict(self, X: ArrayLike) -> NDArray[np.float64]:
        """Mean over trees of the leaf means."""
        return self._tree_outputs(X).mean(axis=1)[:, 0]


_FOREST_DOC = """

    Parameters
    ----------
    n_estimators : int
        Number of trees T.
    criterion, max_depth, min_samples_split, min_samples_leaf, min_weight_fraction_leaf,
    max_features : as for the decision tree.
    bootstrap : bool
        Grow each tree on a bootstrap sample (n draws with replacement, as integer weights).
    oob_score : bool
        Score each sample with the trees that did not draw it (``oob_score_``).
    n_jobs : int or None
        Threads over batches of trees (NumPy releases the GIL in its sorts and gathers).
    random_state : int, RandomState or None
    max_samples : int, float or None
        Bootstrap sample size.

    Attributes
    ----------
    trees_ : TreeArrays
        All trees as one flat node array set (``trees_.roots[t]`` is tree t's root).
    feature_importances_, n_features_in_ (and classes_ for classifiers), oob_score_
    """


class RandomForestClassifier(_ForestClassifier):
    __doc__ = (
        """Random forest classifier: bagged CART trees with random feature subsets.

    p̂(k | x) = (1/T) Σ_t p̂_t(k | x); each tree is grown on a bootstrap sample and each split
    searches ``max_features`` random features. See docs/notes/trees-and-ensembles.md."""
        + _FOREST_DOC
    )
    _criteria = ("gini", "entropy", "log_loss")

    def __init__(
        self,
        n_estimators: int = 100,
        *,
        criterion: str = "gini",
        max_depth: int | None = None,
        min_samples_split: int | float = 2,
        min_samples_leaf: int | float = 1,
        min_weight_fraction_leaf: float = 0.0,
        max_features: int | float | str | None = "sqrt",
        bootstrap: bool = True,
        oob_score: bool = False,
        n_jobs: int | None = None,
        random_state: Any = None,
        max_samples: int | float | None = None,
    ) -> None:
        super().__init__(
            n_estimators,
            criterion=criterion,
            max_depth=max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            min_weight_fraction_leaf=min_weight_fraction_leaf,
            max_features=max_features,
            bootstrap=bootstrap,
            oob_score=oob_score,
            n_jobs=n_jobs,
            random_state=random_state,
            max_samples=max_samples,
        )


class RandomForestRegressor(_ForestRegressor):
    __doc__ = (
        """Random forest regressor: the mean of bagged CART regression trees.

    ŷ(x) = (1/T) Σ_t ŷ_t(x); each tree is grown on a bootstrap sample with squared-error
    splits over ``max_features`` random features. See docs/notes/trees-and-ensembles.md."""
        + _FOREST_DOC
    )
    _criteria = ("squared_error", "friedman_mse")

    def __init__(
        self,
        n_estimators: int = 100,
        *,
        criterion: str = "squared_error",
        max_depth: int | None = None,
        min_samples_split: int | float = 2,
        min_samples_leaf: int | float = 1,
        min_weight_fraction_leaf: float = 0.0,
        max_features: int | float | str | None = 1.0,
        bootstrap: bool = True,
        oob_score: bool = False,
        n_jobs: int | None = None,
        random_state: Any = None,
        max_samples: int | float | None = None,
    ) -> None:
        super().__init__(
            n_estimators,
            criterion=criterion,
            max_depth=max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            min_weight_fraction_leaf=min_weight_fraction_leaf,
            max_features=max_features,
            bootstrap=bootstrap,
            oob_score=oob_score,
            n_jobs=n_jobs,
            random_state=random_state,
            max_samples=max_samples,
        )


class ExtraTreesClassifier(_ForestClassifier):
    __doc__ = (
        """Extremely randomised trees classifier: one random threshold per candidate feature.

    Each split draws, for each of ``max_features`` random features, a threshold uniform in
    [min, max) of the node's values and keeps the best of those; trees use the whole sample
    (bootstrap=False) and are averaged. See docs/notes/trees-and-ensembles.md."""
        + _FOREST_DOC
    )
    _splitter = "random"
    _criteria = ("gini", "entropy", "log_loss")

    def __init__(
        self,
        n_estimators: int = 100,
        *,
        criterion: str = "gini",
        max_depth: int | None = None,
        min_samples_split: int | float = 2,
        min_samples_leaf: int | float = 1,
        min_weight_fraction_leaf: float = 0.0,
        max_features: int | float | str | None = "sqrt",
        bootstrap: bool = False,
        oob_score: bool = False,
        n_jobs: int | None = None,
        random_state: Any = None,
        max_samples: int | float | None = None,
    ) -> None:
        super().__init__(
            n_estimators,
            criterion=criterion,
            max_depth=max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            min_weight_fraction_leaf=min_weight_fraction_leaf,
            max_features=max_features,
            bootstrap=bootstrap,
            oob_score=oob_score,
            n_jobs=n_jobs,
            random_state=random_state,
            max_samples=max_samples,
        )


class ExtraTreesRegressor(_ForestRegressor):
    __doc__ = (
        """Extremely randomised trees regressor: random thresholds, averaged trees.

    As ExtraTreesClassifier with squared-error scores and leaf means.
    See docs/notes/trees-and-ensembles.md."""
        + _FOREST_DOC
    )
    _splitter = "random"
    _criteria = ("squared_error", "friedman_mse")

    def __init__(
        self,
        n_estimators: int = 100,
        *,
        criterion: str = "squared_error",
        max_depth: int | None = None,
        min_samples_split: int | float = 2,
        min_samples_leaf: int | float = 1,
        min_weight_fraction_leaf: float = 0.0,
        max_features: int | float | str | None = 1.0,
        bootstrap: bool = False,
        oob_score: bool = False,
        n_jobs: int | None = None,
        random_state: Any = None,
        max_samples: int | float | None = None,
    ) -> None:
        super().__init__(
            n_estimators,
            criterion=criterion,
            max_depth=max_depth,
            min_samples_split=min_samples_split,
            min_samples_leaf=min_samples_leaf,
            min_weight_fraction_leaf=min_weight_fraction_leaf,
            max_features=max_features,
            bootstrap=bootstrap,
            oob_score=oob_score,
            n_jobs=n_jobs,
            random_state=random_state,
            max_samples=max_samples,
        )
