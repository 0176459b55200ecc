"""AdaBoost-SAMME against scikit-learn's AdaBoostClassifier on real bundled data."""

import numpy as np
import pytest
from sklearn import ensemble as ske
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine
from sklearn.model_selection import train_test_split

from groundup.ml.ensemble import AdaBoostClassifier
from groundup.ml.tree import DecisionTreeClassifier


@pytest.mark.parametrize("loader", [load_iris, load_wine, load_breast_cancer, load_digits])
def test_held_out_accuracy_within_1_5_points(loader):
    X, y = loader(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, random_state=0, stratify=y)
    ours = AdaBoostClassifier(n_estimators=30, random_state=0).fit(Xtr, ytr).score(Xte, yte)
    ref = ske.AdaBoostClassifier(n_estimators=30, random_state=0).fit(Xtr, ytr).score(Xte, yte)
    assert abs(ours - ref) <= 0.015, f"ours {ours:.4f} vs sklearn {ref:.4f}"


def test_samme_weights_and_errors_match_sklearn():
    """Breast cancer stumps have unique best splits for the first rounds: the same weighted
    errors ε_m and says α_m as sklearn's to 1e-10."""
    X, y = load_breast_cancer(return_X_y=True)
    ours = AdaBoostClassifier(n_estimators=5).fit(X, y)
    ref = ske.AdaBoostClassifier(n_estimators=5, random_state=0).fit(X, y)
    np.testing.assert_allclose(ours.estimator_errors_, ref.estimator_errors_, rtol=1e-10)
    np.testing.assert_allclose(ours.estimator_weights_, ref.estimator_weights_, rtol=1e-10)
    np.testing.assert_allclose(ours.decision_function(X), ref.decision_function(X), atol=1e-10)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-10)


def test_multiclass_probabilities_match_sklearn_on_iris():
    """K = 3: f_k / (K - 1) through a softmax equals sklearn's probabilities (10 rounds)."""
    X, y = load_iris(return_X_y=True)
    ours = AdaBoostClassifier(n_estimators=10).fit(X, y)
    ref = ske.AdaBoostClassifier(n_estimators=10, random_state=0).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-10)


def test_deeper_weak_learner_is_used():
    X, y = load_digits(return_X_y=True)
    stumps = AdaBoostClassifier(n_estimators=5).fit(X, y)
    deeper = AdaBoostClassifier(DecisionTreeClassifier(max_depth=3), n_estimators=5).fit(X, y)
    assert stumps.estimators_.depth.max() == 1
    assert deeper.estimators_.depth.max() == 3
    assert deeper.score(X, y) > stumps.score(X, y)


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"n_estimators": 0}, "n_estimators"),
        ({"learning_rate": -1.0}, "learning_rate"),
        ({"estimator": "stump"}, "estimator"),
    ],
)
def test_invalid_hyper_parameters_are_named(params, word):
    X = np.arange(80.0).reshape(40, 2)
    y = np.arange(40) % 2
    with pytest.raises(ValueError, match=word):
        AdaBoostClassifier(**params).fit(X, y)
