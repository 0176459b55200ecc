"""Histogram gradient boosting (LightGBM-style), scikit-learn's HistGradientBoosting API.

Features are quantile-binned once to uint8; each iteration fits, per output k, a leaf-wise
tree on the loss gradients g and hessians h with Newton leaves w = -ν G/(H + λ):

    F_0 = argmin_c Σ ℓ(y_i, c),   F_m(x) = F_{m-1}(x) + Σ_leaves w_leaf [x ∈ leaf].

Early stopping holds out ``validation_fraction`` of the data and stops when the validation
loss has not improved by ``tol`` for ``n_iter_no_change`` iterations ('auto': n > 10 000).
See docs/notes/trees-and-ensembles.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from ..tree._builder import TreeArrays, apply
from ..tree._classes import check_classification_targets, fit_weights
from ..tree._params import check_int, check_real, rng_from
from ._binning import apply_bins, find_thresholds
from ._forest import merge_trees
from ._hist_grower import HistParams, grow_hist_tree
from ._losses import Loss


def holdout_split(
    y: NDArray[Any], fraction: float, stratify: bool, rng: np.random.Generator
) -> NDArray[np.bool_]:
    """Mask of validation rows: a random ``fraction`` (per class when ``stratify``)."""
    n = y.shape[0]
    perm = rng.permutation(n)
    if not stratify:
        val = np.zeros(n, dtype=bool)
        val[perm[: int(np.ceil(fraction * n))]] = True
        return val
    order = perm[np.argsort(y[perm], kind="stable")]  # classes together, random within
    classes, counts = np.unique(y, return_counts=True)
    starts = np.cumsum(counts) - counts
    rank = np.arange(n) - np.repeat(starts, counts)
    take = np.repeat(np.maximum(1, np.round(fraction * counts)).astype(np.intp), counts)
    val = np.zeros(n, dtype=bool)
    val[order[rank < take]] = True
    return val


class _BaseHGB(BaseEstimator):
    """Shared boosting loop."""

    def __init__(
        self,
        *,
        learning_rate: float = 0.1,
        max_iter: int = 100,
        max_leaf_nodes: int | None = 31,
        max_depth: int | None = None,
        min_samples_leaf: int = 20,
        l2_regularization: float = 0.0,
        max_bins: int = 255,
        early_stopping: str | bool = "auto",
        validation_fraction: float | None = 0.1,
        n_iter_no_change: int = 10,
        tol: float = 1e-7,
        random_state: Any = None,
    ) -> None:
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.max_leaf_nodes = max_leaf_nodes
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.l2_regularization = l2_regularization
        self.max_bins = max_bins
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.random_state = random_state

    def _check_params(self) -> HistParams:
        check_real(self.learning_rate, "learning_rate", 0.0)
        if self.learning_rate <= 0:
            raise ValueError(f"learning_rate must be > 0, got {self.learning_rate!r}")
        check_int(self.max_iter, "max_iter", 1)
        if self.max_leaf_nodes is not None:
            check_int(self.max_leaf_nodes, "max_leaf_nodes", 2)
        if self.max_depth is not None:
            check_int(self.max_depth, "max_depth", 1)
        check_int(self.max_bins, "max_bins", 2)
        if self.max_bins > 255:
            raise ValueError(f"max_bins must be <= 255, got {self.max_bins!r}")
        if self.early_stopping not in ("auto", True, False):
            raise ValueError(
                f"early_stopping must be 'auto', True or False, got {self.early_stopping!r}"
            )
        if self.validation_fraction is not None:
            check_real(self.validation_fraction, "validation_fraction", 0.0, 1.0)
            if not 0 < self.validation_fraction < 1:
                raise ValueError(
                    f"validation_fraction must be in (0, 1) or None, got {self.validation_fraction!r}"
                )
        check_int(self.n_iter_no_change, "n_iter_no_change", 1)
        check_real(self.tol, "tol", 0.0)
        return HistParams(
            max_leaf_nodes=self.max_leaf_nodes,
            max_depth=self.max_depth,
            min_samples_leaf=check_int(self.min_samples_leaf, "min_samples_leaf", 1),
            l2_regularization=check_real(self.l2_regularization, "l2_regularization", 0.0),
        )

    def _boost(
        self, X: NDArray[np.float64], y: NDArray[Any], sw: NDArray[np.float64], loss: Loss
    ) -> None:
        params = self._check_params()
        rng = rng_from(self.random_state)
        n = X.shape[0]
        early = n > 10_000 if self.early_stopping == "auto" else bool(self.early_stopping)
        val = np.zeros(n, dtype=bool)
        if early and self.validation_fraction is not None:
            val = holdout_split(y, self.validation_fraction, isinstance(self, ClassifierMixin), rng)
        X_tr, y_tr, sw_tr = X[~val], y[~val], sw[~val]
        X_val, y_val, sw_val = X[val], y[val], sw[val]
        # With early stopping but no held-out set, sklearn scores the training data.
        if early and not val.any():
            X_val, y_val, sw_val = X_tr, y_tr, sw_tr
        self._bin_thresholds = find_thresholds(X_tr, self.max_bins, 200_000, rng)
        X_binned = apply_bins(X_tr, self._bin_thresholds)
        # histogram width: the most bins any feature uses (17 for digits, not 256)
        width = max(2, max(t.shape[0] + 1 for t in self._bin_thresholds))
        offsets = (np.arange(X.shape[1], dtype=np.intp) * width)[None, :]
        codes = X_binned.astype(np.intp) + offsets
        root_count = np.bincount(codes.ravel(), minlength=X.shape[1] * width).astype(np.float64)
        K = loss.n_outputs
        self._baseline = loss.baseline(y_tr, sw_tr)
        raw = np.tile(self._baseline, (X_tr.shape[0], 1))
        raw_val = np.tile(self._baseline, (X_val.shape[0], 1))
        weighted = not np.all(sw_tr == 1.0)
        trees: list[TreeArrays] = []
        scores = [-loss.loss(y_val, raw_val, sw_val)] if early else []
        n_iter = 0
        for _ in range(self.max_iter):
            g, h = loss.gradients(y_tr, raw, sw_tr if weighted else None)
            new: list[TreeArrays] = []
            for k in range(K):
                tree, leaves = grow_hist_tree(
                    codes,
                    X_binned,
                    np.ascontiguousarray(g[:, k]),
                    None if h is None else np.ascontiguousarray(h[:, k]),
                    self._bin_thresholds,
                    params,
                    self.learning_rate,
                    width,
                    root_count,
                )
                for idx, value in leaves:  # at most max_leaf_nodes leaves
                    raw[idx, k] += value
                new.append(tree)
            trees.extend(new)
            n_iter += 1
            if early:
                step = merge_trees(new)
                val_leaves = apply(step, X_val)  # (n_val, K): tree k feeds output k
                raw_val += step.value[val_leaves, 0]
                scores.append(-loss.loss(y_val, raw_val, sw_val))
                if self._should_stop(scores):
                    break
        self.n_iter_ = n_iter
        self.n_trees_per_iteration_ = K
        self._predictors = merge_trees(trees)
        self.validation_score_ = np.asarray(scores)
        self.do_early_stopping_ = early

    def _should_stop(self, scores: list[float]) -> bool:
        """No score in the last n_iter_no_change beat the one before them by more than tol."""
        ref_pos = self.n_iter_no_change + 1
        if len(scores) < ref_pos:
            return False
        reference = scores[-ref_pos] + self.tol
        return not any(s > reference for s in scores[-ref_pos + 1 :])

    def _raw_predict(self, X: ArrayLike) -> NDArray[np.float64]:
        check_is_fitted(self)
        Xv = validate_data(self, X, dtype=np.float64, reset=False)
        K = self.n_trees_per_iteration_
        leaves = apply(self._predictors, Xv)
        contrib = self._predictors.value[leaves, 0].reshape(Xv.shape[0], -1, K)
        return self._baseline + contrib.sum(axis=1)


_HGB_PARAMS = """

    Parameters
    ----------
    learning_rate : float
        Shrinkage ν of every leaf value.
    max_iter : int
        Boosting iterations (trees per output).
    max_leaf_nodes, max_depth, min_samples_leaf : tree size limits (leaf-wise growth).
    l2_regularization : float
        λ in the leaf value -G/(H + λ) and in the split gain.
    max_bins : int
        Bins per feature (<= 255).
    early_stopping : 'auto', bool
        'auto' turns it on when n_samples > 10 000.
    validation_fraction, n_iter_no_change, tol : early-stopping rule.
    random_state : int, RandomState or None
        Seeds the validation split and the binning subsample.

    Attributes
    ----------
    n_iter_, n_trees_per_iteration_, validation_score_, n_features_in_
    """


class HistGradientBoostingRegressor(RegressorMixin, _BaseHGB):
    __doc__ = (
        """Histogram gradient boosting for regression (squared error).

    F_m = F_{m-1} + ν f_m, f_m a leaf-wise tree on g = F - y with Newton leaves
    -ν Σg / (n_leaf + λ) grown from 255-bin histograms. See docs/notes/trees-and-ensembles.md."""
        + _HGB_PARAMS
    )

    def __init__(
        self,
        loss: str = "squared_error",
        *,
        learning_rate: float = 0.1,
        max_iter: int = 100,
        max_leaf_nodes: int | None = 31,
        max_depth: int | None = None,
        min_samples_leaf: int = 20,
        l2_regularization: float = 0.0,
        max_bins: int = 255,
        early_stopping: str | bool = "auto",
        validation_fraction: float | None = 0.1,
        n_iter_no_change: int = 10,
        tol: float = 1e-7,
        random_state: Any = None,
    ) -> None:
        self.loss = loss
        super().__init__(
            learning_rate=learning_rate,
            max_iter=max_iter,
            max_leaf_nodes=max_leaf_nodes,
            max_depth=max_depth,
            min_samples_leaf=min_samples_leaf,
            l2_regularization=l2_regularization,
            max_bins=max_bins,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            random_state=random_state,
        )

    def fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> HistGradientBoostingRegressor:
        """Boost on (X, y); returns self."""
        if self.loss != "squared_error":
            raise ValueError(f"loss must be 'squared_error', got {self.loss!r}")
        Xv, yv = validate_data(self, X, y, dtype=np.float64, y_numeric=True)
        sw = fit_weights(sample_weight, Xv)
        self._boost(Xv, np.asarray(yv, dtype=np.float64), sw, Loss("squared_error"))
        return self

    def predict(self, X: ArrayLike) -> NDArray[np.float64]:
        """F_M(x)."""
        return self._raw_predict(X)[:, 0]


class HistGradientBoostingClassifier(ClassifierMixin, _BaseHGB):
    __doc__ = (
        """Histogram gradient boosting for classification (binary or multinomial log-loss).

    Binary: one tree per iteration on g = σ(F) - y, h = σ(F)(1 - σ(F)); K classes: K trees per
    iteration on g_k = p_k - [y = k], h_k = p_k(1 - p_k); leaves -ν G/(H + λ).
    See docs/notes/trees-and-ensembles.md."""
        + _HGB_PARAMS
    )

    def __init__(
        self,
        loss: str = "log_loss",
        *,
        learning_rate: float = 0.1,
        max_iter: int = 100,
        max_leaf_nodes: int | None = 31,
        max_depth: int | None = None,
        min_samples_leaf: int = 20,
        l2_regularization: float = 0.0,
        max_bins: int = 255,
        early_stopping: str | bool = "auto",
        validation_fraction: float | None = 0.1,
        n_iter_no_change: int = 10,
        tol: float = 1e-7,
        random_state: Any = None,
    ) -> None:
        self.loss = loss
        super().__init__(
            learning_rate=learning_rate,
            max_iter=max_iter,
            max_leaf_nodes=max_leaf_nodes,
            max_depth=max_depth,
            min_samples_leaf=min_samples_leaf,
            l2_regularization=l2_regularization,
            max_bins=max_bins,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            random_state=random_state,
        )

    def fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> HistGradientBoostingClassifier:
        """Boost on (X, y); returns self."""
        if self.loss != "log_loss":
            raise ValueError(f"loss must be 'log_loss', got {self.loss!r}")
        Xv, yv = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(yv)
        sw = fit_weights(sample_weight, Xv)
        self.classes_, codes = np.unique(yv, return_inverse=True)
        K = self.classes_.shape[0]
        loss = Loss("binary") if K <= 2 else Loss("multinomial", K)
        self._loss = loss
        self._boost(Xv, codes.astype(np.intp), sw, loss)
        return self

    def decision_function(self, X: ArrayLike) -> NDArray[np.float64]:
        """Raw scores F(x): log-odds (binary, shape (n,)) or per-class scores."""
        raw = self._raw_predict(X)
        return raw[:, 0] if raw.shape[1] == 1 else raw

    def predict_proba(self, X: ArrayLike) -> NDArray[np.float64]:
        """σ(F) (binary) or softmax(F)."""
        raw = self._raw_predict(X)
        if self.classes_.shape[0] == 1:
            return np.ones((raw.shape[0], 1))
        return self._loss.proba(raw)

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """Most probable class."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]
