"""Histogram gradient boosting (LightGBM-style), scikit-learn's HistGradientBoosting API.

Features are quantile-binned once to uint8; each iteration fits, per output k, a leaf-wise
tree on the loss gradients g and hessians h with Newton leaves w = -ν G/(H + λ):

    F_0 = argmin_c Σ ℓ(y_i, c),   F_m(x) = F_{m-1}(x) + Σ_leaves w_leaf [x ∈ leaf].

Early stopping holds out ``validation_fraction`` of the data — the rows scikit-learn's
``train_test_split`` draws for the same seed — and stops when the validation loss has not
improved by ``tol`` for ``n_iter_no_change`` iterations ('auto': n > 10 000). Gradients are
rounded to float32 as scikit-learn stores them, so fits equal its own to the last bit.
See docs/notes/trees-and-ensembles.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.validation import check_is_fitted, check_random_state, validate_data

from ..tree._builder import TreeArrays
from ..tree._classes import check_classification_targets, fit_weights
from ..tree._params import check_int, check_real
from ._binning import apply_bins, find_thresholds
from ._forest import merge_trees
from ._hist_grower import grow_hist_trees
from ._hist_splitter import HistParams, HistPool
from ._losses import Loss


def _approximate_mode(
    class_counts: NDArray[np.intp], n_draws: int, rng: np.random.RandomState
) -> NDArray[np.intp]:
    """Per-class draws closest to proportional, n_c ≈ n_draws · counts_c / Σ counts.

    Floor every share, then hand the missing draws to the largest remainders, breaking ties
    among equal remainders at random (scikit-learn's ``_approximate_mode``, same draws).
    See docs/notes/trees-and-ensembles.md.
    """
    continuous = class_counts / class_counts.sum() * n_draws
    floored = np.floor(continuous)
    need = int(n_draws - floored.sum())
    remainder = continuous - floored
    for value in np.sort(np.unique(remainder))[::-1]:  # distinct remainders, not samples
        if need <= 0:
            break
        (tied,) = np.where(remainder == value)
        take = min(tied.shape[0], need)
        floored[rng.choice(tied, size=take, replace=False)] += 1
        need -= take
    return floored.astype(np.intp)


def holdout_split(
    y: NDArray[Any], fraction: float, stratify: bool, seed: int
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Training and validation rows, drawn as scikit-learn's ``train_test_split`` draws them.

    n_val = ⌈fraction · n⌉ rows are held out — per class in proportion to its size when
    ``stratify`` — using the same ``RandomState(seed)`` draws in the same order, so a given
    ``random_state`` holds out the same rows as scikit-learn's HistGradientBoosting does.
    See docs/notes/trees-and-ensembles.md.

    Parameters
    ----------
    y : ndarray of shape (n,)
        Targets (class codes when ``stratify``).
    fraction : float
        Share held out, in (0, 1).
    stratify : bool
        Hold out each class in proportion.
    seed : int
        Seed of the ``RandomState`` that draws the split.

    Returns
    -------
    train, val : ndarray of int
        Row indices, each in the (random) order scikit-learn returns them.
    """
    n = y.shape[0]
    n_val = int(np.ceil(fraction * n))
    n_train = n - n_val
    if n_train <= 0:
        raise ValueError(f"validation_fraction={fraction} of {n} samples leaves no training sample")
    rng = np.random.RandomState(seed)
    if not stratify:
        perm = rng.permutation(n)
        return perm[n_val:], perm[:n_val]
    classes, y_idx, counts = np.unique(y, return_inverse=True, return_counts=True)
    if counts.min() < 2:
        raise ValueError(
            "early stopping holds out a stratified validation set, which needs at least 2 "
            f"samples per class; classes {classes[counts < 2].tolist()} have 1"
        )
    if min(n_train, n_val) < classes.shape[0]:
        raise ValueError(
            f"a {n_train}/{n_val} train/validation split cannot hold all "
            f"{classes.shape[0]} classes on both sides; change validation_fraction"
        )
    members = np.split(np.argsort(y_idx, kind="stable"), np.cumsum(counts)[:-1])
    n_tr = _approximate_mode(counts, n_train, rng)
    n_va = _approximate_mode(counts - n_tr, n_val, rng)
    train, val = [], []
    for c in range(classes.shape[0]):  # one shuffle per class
        shuffled = members[c][rng.permutation(counts[c])]
        train.append(shuffled[: n_tr[c]])
        val.append(shuffled[n_tr[c] : n_tr[c] + n_va[c]])
    return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(val))


def predict_leaves(
    X: NDArray[Any],
    feature: NDArray[np.intp],
    split: NDArray[Any],
    child: NDArray[np.intp],
    value: NDArray[np.float64],
    roots: NDArray[np.intp],
) -> NDArray[np.float64]:
    """Leaf value reached by every sample in every tree, shape (n_samples, n_trees).

    A sample goes left at a node when x_f <= split[node]: raw values against thresholds
    t_b, or bin codes against bins b — the same walk, since bin(x) <= b exactly when
    x <= t_b. All (sample, tree) walkers step down one level per iteration and those at a
    leaf (feature < 0) drop out, so the loop runs over depth.
    See docs/notes/trees-and-ensembles.md.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Raw values, or bin codes (uint8).
    feature, split : per node, the split feature (< 0 at a leaf) and threshold or bin.
    child : ndarray of shape (2 · n_nodes,)
        ``child[2·node]`` is the left child, ``child[2·node + 1]`` the right.
    value : per node, the leaf value.
    roots : the root node of every tree.

    Returns
    -------
    ndarray of shape (n_samples, n_trees)
    """
    n, k = X.shape
    T = roots.shape[0]
    flat = np.ascontiguousarray(X).ravel()
    node = np.tile(roots, n)
    base = np.repeat(np.arange(n, dtype=np.intp) * k, T)
    active = np.arange(n * T)
    while active.shape[0]:
        cur = node[active]
        f = feature[cur]
        inner = f >= 0
        if not inner.all():
            active, cur, f = active[inner], cur[inner], f[inner]
            if not active.shape[0]:
                break
        go_right = flat[base[active] + f] > split[cur]
        node[active] = child[2 * cur + go_right]
    return value[node].reshape(n, T)


def _as_float32(a: NDArray[np.float64]) -> NDArray[np.float64]:
    """``a`` rounded to float32, scikit-learn's gradient dtype (kept as float64 for sums)."""
    return a.astype(np.float32).astype(np.float64)


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
            n_bins=self.max_bins + 1,
        )

    def _boost(
        self, X: NDArray[np.float64], y: NDArray[Any], sw: NDArray[np.float64], loss: Loss
    ) -> None:
        params = self._check_params()
        # scikit-learn draws one seed and gives it to both the validation split and the
        # binning subsample; drawing it the same way holds out the same rows.
        seed = int(
            check_random_state(self.random_state).randint(np.iinfo(np.uint32).max, dtype="u8")
        )
        n = X.shape[0]
        early = n > 10_000 if self.early_stopping == "auto" else bool(self.early_stopping)
        if early and self.validation_fraction is not None:
            tr, va = holdout_split(
                y, self.validation_fraction, isinstance(self, ClassifierMixin), seed
            )
            X_tr, y_tr, sw_tr = X[tr], y[tr], sw[tr]
            X_val, y_val, sw_val = X[va], y[va], sw[va]
        else:
            # With early stopping but no held-out set, sklearn scores the training data.
            X_tr, y_tr, sw_tr = X, y, sw
            X_val, y_val, sw_val = X, y, sw
        # scikit-learn bins at weighted percentiles when weights are given (unit weights give
        # the unweighted ones, so "no weights" and all-ones agree)
        weighted = not np.all(sw_tr == 1.0)
        self._bin_thresholds = find_thresholds(
            X_tr, self.max_bins, 200_000, np.random.RandomState(seed), sw_tr if weighted else None
        )
        X_binned = apply_bins(X_tr, self._bin_thresholds)
        XbT = np.ascontiguousarray(X_binned.T)  # feature-major: a split reads one row
        # histogram width: the most bins any feature uses (17 for digits, not 256), past 32
        # rounded up to a multiple of 16 for the blocked prefix sums
        width = max(2, max(t.shape[0] + 1 for t in self._bin_thresholds))
        if width > 32:
            width = -(-width // 16) * 16
        offsets = (np.arange(X.shape[1], dtype=np.intp) * width)[None, :]
        codes = X_binned.astype(np.intp) + offsets
        root_count = np.bincount(codes.ravel(), minlength=X.shape[1] * width).astype(np.float64)
        Xb_val = apply_bins(X_val, self._bin_thresholds) if early else None
        K = loss.n_outputs
        self._baseline = loss.baseline(y_tr, sw_tr)
        raw = np.tile(self._baseline, (X_tr.shape[0], 1))
        # histogram storage reused by every tree: (gradient, count[, hessian]) × k × width;
        # unweighted squared error has unit hessians, whose histogram is the count's
        n_stats = 2 if loss.kind == "squared_error" and not weighted else 3
        pool = HistPool((n_stats, X.shape[1], width), 16 * loss.n_outputs)  # grows on demand
        raw_val = np.tile(self._baseline, (X_val.shape[0], 1)) if early else None
        trees: list[TreeArrays] = []
        tree_bins: list[NDArray[np.uint8]] = []
        scores = [-loss.loss(y_val, raw_val, sw_val)] if raw_val is not None else []
        n_iter = 0
        for _ in range(self.max_iter):
            g, h = loss.gradients(y_tr, raw, sw_tr if weighted else None)
            g, h = _as_float32(g), (None if h is None else _as_float32(h))
            grown = grow_hist_trees(
                codes, XbT, g, h, self._bin_thresholds, params, self.learning_rate, pool, root_count
            )
            for k, (tree, bins, rows, values) in enumerate(grown):  # tree k fits output k
                raw[rows, k] += values
                trees.append(tree)
                tree_bins.append(bins)
            n_iter += 1
            if raw_val is not None and Xb_val is not None:
                # this iteration's K trees on the binned validation rows: tree k feeds output k
                step = _Predictor(trees[-K:], tree_bins[-K:])
                raw_val += step.leaf_values(Xb_val, binned=True)
                scores.append(-loss.loss(y_val, raw_val, sw_val))
                if self._should_stop(scores):
                    break
        self.n_iter_ = n_iter
        self.n_trees_per_iteration_ = K
        self._predictor = _Predictor(trees, tree_bins)
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
        # raw values against thresholds: the same walk as on bins, without binning X
        contrib = self._predictor.leaf_values(Xv).reshape(Xv.shape[0], -1, K)
        return self._baseline + contrib.sum(axis=1)


class _Predictor:
    """Trees flattened for prediction (see ``predict_leaves``)."""

    def __init__(self, trees: list[TreeArrays], bins: list[NDArray[np.uint8]]) -> None:
        merged = merge_trees(trees)
        self.feature = merged.feature
        self.threshold = merged.threshold
        self.bins = np.concatenate(bins)
        self.child = np.stack([merged.left, merged.right], axis=1).ravel()
        self.value = merged.value[:, 0]
        self.roots = merged.roots

    def leaf_values(self, X: NDArray[Any], binned: bool = False) -> NDArray[np.float64]:
        """(n_samples, n_trees) leaf values of raw samples, or of bin codes (``binned``)."""
        split = self.bins if binned else self.threshold
        return predict_leaves(X, self.feature, split, self.child, self.value, self.roots)


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
