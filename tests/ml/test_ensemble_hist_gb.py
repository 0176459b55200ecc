"""Histogram gradient boosting against scikit-learn's HistGradientBoosting*.

scikit-learn's twin runs on one OpenMP thread here (threadpool_limits): on a shared 2-core
machine its default threads spin and make the test slow; results do not depend on threads.
"""

import numpy as np
import pytest
from sklearn import ensemble as ske
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
    make_classification,
)
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split
from threadpoolctl import threadpool_limits

from groundup.ml.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor


@pytest.fixture(autouse=True)
def _one_thread():
    with threadpool_limits(1):
        yield


def test_iris_multiclass_probabilities_equal_sklearn():
    """Same bins, same gradients, same best-first growth: probabilities agree to 1e-6."""
    X, y = load_iris(return_X_y=True)
    Xtr, Xte, ytr, _ = train_test_split(X, y, random_state=0)
    ours = HistGradientBoostingClassifier(max_iter=50).fit(Xtr, ytr)
    ref = ske.HistGradientBoostingClassifier(max_iter=50).fit(Xtr, ytr)
    np.testing.assert_allclose(ours.predict_proba(Xte), ref.predict_proba(Xte), atol=1e-6)
    np.testing.assert_allclose(ours.decision_function(Xte), ref.decision_function(Xte), atol=1e-5)


def test_diabetes_regression_equals_sklearn():
    """Squared-error boosting on diabetes: predictions agree to 1e-5 (relative)."""
    X, y = load_diabetes(return_X_y=True)
    Xtr, Xte, ytr, _ = train_test_split(X, y, random_state=0)
    ours = HistGradientBoostingRegressor(max_iter=50).fit(Xtr, ytr)
    ref = ske.HistGradientBoostingRegressor(max_iter=50).fit(Xtr, ytr)
    np.testing.assert_allclose(ours.predict(Xte), ref.predict(Xte), rtol=1e-5)


@pytest.mark.parametrize("loader", [load_wine, load_breast_cancer])
def test_cv_accuracy_within_1_5_points(loader):
    """Where gains tie (count-only gradients at the first iteration) trees may differ; the
    5-fold (3-fold for breast cancer) accuracy stays within 1.5 points of sklearn's."""
    X, y = loader(return_X_y=True)
    cv = StratifiedKFold(5 if X.shape[0] < 300 else 3, shuffle=True, random_state=0)
    ours = cross_val_score(HistGradientBoostingClassifier(max_iter=50), X, y, cv=cv).mean()
    ref = cross_val_score(ske.HistGradientBoostingClassifier(max_iter=50), X, y, cv=cv).mean()
    assert abs(ours - ref) <= 0.015, f"ours {ours:.4f} vs sklearn {ref:.4f}"


def test_digits_held_out_accuracy_within_1_5_points():
    X, y = load_digits(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, random_state=0, stratify=y)
    ours = HistGradientBoostingClassifier(max_iter=10).fit(Xtr, ytr).score(Xte, yte)
    ref = ske.HistGradientBoostingClassifier(max_iter=10).fit(Xtr, ytr).score(Xte, yte)
    assert abs(ours - ref) <= 0.015, f"ours {ours:.4f} vs sklearn {ref:.4f}"


def test_early_stopping_auto_on_large_data():
    """n > 10 000 turns early stopping on: it stops before max_iter once the validation
    loss stalls, at an accuracy within 1.5 points of sklearn's."""
    X, y = make_classification(n_samples=12000, n_features=10, random_state=0)
    Xtr, Xte, ytr, yte = train_test_split(X, y, random_state=0, train_size=11000)
    ours = HistGradientBoostingClassifier(max_iter=300, random_state=0).fit(Xtr, ytr)
    ref = ske.HistGradientBoostingClassifier(max_iter=300, random_state=0).fit(Xtr, ytr)
    assert ours.do_early_stopping_ and ours.n_iter_ < 300
    assert len(ours.validation_score_) == ours.n_iter_ + 1
    best = int(np.argmax(ours.validation_score_))
    assert ours.n_iter_ - best >= ours.n_iter_no_change  # stopped after a stall of 10
    gap = ours.score(Xte, yte) - ref.score(Xte, yte)
    assert abs(gap) <= 0.015, f"accuracy gap {gap:+.4f}"


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"learning_rate": 0.0}, "learning_rate"),
        ({"max_iter": 0}, "max_iter"),
        ({"max_leaf_nodes": 1}, "max_leaf_nodes"),
        ({"max_bins": 256}, "max_bins"),
        ({"early_stopping": "yes"}, "early_stopping"),
        ({"validation_fraction": 1.0}, "validation_fraction"),
        ({"l2_regularization": -1.0}, "l2_regularization"),
        ({"loss": "hinge"}, "loss"),
    ],
)
def test_invalid_hyper_parameters_are_named(params, word):
    X = np.arange(80.0).reshape(40, 2)
    y = np.arange(40) % 2
    with pytest.raises(ValueError, match=word):
        HistGradientBoostingClassifier(**params).fit(X, y)
