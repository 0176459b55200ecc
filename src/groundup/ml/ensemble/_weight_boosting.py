"""AdaBoost for K classes (SAMME), scikit-learn's AdaBoostClassifier.

Round m fits a weak tree h_m to the weighted sample, measures its weighted error
ε_m = Σ w_i [h_m(x_i) ≠ y_i] / Σ w_i, gives it the say

    α_m = ν (log((1 - ε_m) / ε_m) + log(K - 1)),

and multiplies the weight of every misclassified sample by e^{α_m}. The ensemble votes:
f_k(x) = Σ_m α_m c_mk / Σ_m α_m with c_mk = 1 if h_m(x) = k else -1/(K - 1), and predicts
argmax_k f_k(x). SAMME's log(K - 1)
term keeps a better-than-chance (ε < 1 - 1/K) learner's say positive for K > 2.
See docs/notes/trees-and-ensembles.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from ..tree import DecisionTreeClassifier
from ..tree._builder import TreeArrays, apply, feature_importances, grow, prepare_features
from ..tree._classes import check_classification_targets, fit_weights
from ..tree._params import check_int, check_real, grow_params, rng_from
from ._forest import merge_trees
from ._losses import softmax


class AdaBoostClassifier(ClassifierMixin, BaseEstimator):
    """AdaBoost-SAMME over CART trees (decision stumps by default).

    α_m = ν (log((1 - ε_m)/ε_m) + log(K - 1)); misclassified weights grow by e^{α_m};
    prediction argmax_k Σ_m α_m [h_m(x) = k]. See docs/notes/trees-and-ensembles.md.

    Parameters
    ----------
    estimator : groundup DecisionTreeClassifier or None
        The weak learner's settings (its max_depth, criterion, …); None means a stump
        (max_depth=1).
    n_estimators : int
        Maximum number of rounds (fewer if a learner is perfect or no better than chance).
    learning_rate : float
        ν, scaling every α_m.
    random_state : int, RandomState or None
        Passed to the trees (matters only with max_features).

    Attributes
    ----------
    estimators_ : TreeArrays
        The weak learners as one flat node set.
    estimator_weights_, estimator_errors_, classes_, n_classes_, feature_importances_
    """

    def __init__(
        self,
        estimator: Any = None,
        *,
        n_estimators: int = 50,
        learning_rate: float = 1.0,
        random_state: Any = None,
    ) -> None:
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.random_state = random_state

    def fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> AdaBoostClassifier:
        """Run up to n_estimators boosting rounds on (X, y); returns self."""
        M = check_int(self.n_estimators, "n_estimators", 1)
        lr = check_real(self.learning_rate, "learning_rate", 0.0)
        if lr <= 0:
            raise ValueError(f"learning_rate must be > 0, got {self.learning_rate!r}")
        base = DecisionTreeClassifier(max_depth=1) if self.estimator is None else self.estimator
        if not isinstance(base, DecisionTreeClassifier):
            raise ValueError(
                "estimator must be None or a groundup DecisionTreeClassifier, "
                f"got {type(base).__name__}"
            )
        Xv, yv = validate_data(self, X, y, dtype=np.float32)
        check_classification_targets(yv)
        sw = fit_weights(sample_weight, Xv)
        self.classes_, codes = np.unique(yv, return_inverse=True)
        K = self.n_classes_ = self.classes_.shape[0]
        n, k = Xv.shape
        crit = "entropy" if base.criterion == "log_loss" else base.criterion
        params = grow_params(base, crit, ("gini", "entropy"), n, k, sw, base.splitter)
        rng = rng_from(self.random_state)
        data = prepare_features(Xv)
        w = sw / sw.sum()
        trees: list[TreeArrays] = []
        alphas: list[float] = []
        errors: list[float] = []
        for m in range(M):
            keep = np.flatnonzero(w > 0)
            tree = grow(data, keep, w[keep], codes[keep], np.array([keep.shape[0]]), K, params, rng)
            pred = np.argmax(tree.value[apply(tree, data.X)[:, 0]], axis=1)
            wrong = pred != codes
            err = float(np.average(wrong, weights=w))
            if err <= 0:  # a perfect learner: it alone decides
                trees.append(tree)
                alphas.append(1.0)
                errors.append(0.0)
                break
            if err >= 1.0 - 1.0 / K:  # no better than chance: stop (sklearn's rule)
                if not trees:
                    raise ValueError(
                        "BaseClassifier in AdaBoostClassifier ensemble is worse than random, "
                        f"ensemble can not be fit (weighted error {err:.3f} >= {1 - 1 / K:.3f})"
                    )
                break
            alpha = lr * (np.log((1.0 - err) / err) + np.log(K - 1.0))
            trees.append(tree)
            alphas.append(float(alpha))
            errors.append(err)
            if m < M - 1:
                w = w * np.exp(alpha * wrong * (w > 0))
                w /= w.sum()
        self.estimators_ = merge_trees(trees)
        self.estimator_weights_ = np.asarray(alphas)
        self.estimator_errors_ = np.asarray(errors)
        imp = feature_importances(self.estimators_, k)
        total = self.estimator_weights_.sum()
        self.feature_importances_ = (self.estimator_weights_ @ imp) / total
        return self

    def decision_function(self, X: ArrayLike) -> NDArray[np.float64]:
        """f_k(x) = Σ_m α_m c_mk / Σ_m α_m, c_mk = 1 if h_m(x) = k else -1/(K - 1) (SAMME's
        symmetric coding; binary: f_1 - f_0)."""
        check_is_fitted(self)
        Xv = validate_data(self, X, dtype=np.float32, reset=False)
        tree = self.estimators_
        votes = np.argmax(tree.value[apply(tree, Xv)], axis=2)  # (n, M)
        K = self.n_classes_
        score = np.zeros((Xv.shape[0], K))
        for k in range(K):  # K class columns, each one weighted vote count
            score[:, k] = (votes == k) @ self.estimator_weights_
        total = self.estimator_weights_.sum()
        if K > 1:  # symmetric coding: a vote for another class counts -1/(K-1)
            score = score - (total - score) / (K - 1)
        score /= total
        if K == 2:
            return score[:, 1] - score[:, 0]
        return score

    def predict_proba(self, X: ArrayLike) -> NDArray[np.float64]:
        """softmax(f(x) / (K - 1)) — scikit-learn's SAMME probabilities."""
        d = self.decision_function(X)
        K = self.n_classes_
        if K == 1:
            return np.ones((d.shape[0], 1))
        if K == 2:
            d = np.column_stack([-d, d]) / 2.0
        else:
            d = d / (K - 1)
        return softmax(d)

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """Class with the largest weighted vote."""
        d = self.decision_function(X)
        if self.n_classes_ == 2:
            return self.classes_[(d > 0).astype(np.intp)]
        return self.classes_[np.argmax(d, axis=1)]
