"""Gradient boosting against scikit-learn's GradientBoosting* on real bundled data."""

import numpy as np
import pytest
from sklearn import ensemble as ske
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris, load_wine
from sklearn.model_selection import StratifiedKFold, cross_val_score, train_test_split

from groundup.ml.ensemble import GradientBoostingClassifier, GradientBoostingRegressor


def test_regressor_stages_identical_to_sklearn():
    """Continuous residuals leave no tied splits: 5 stages predict as sklearn's to 1e-9."""
    X, y = load_diabetes(return_X_y=True)
    Xtr, Xte, ytr, _ = train_test_split(X, y, random_state=0)
    ours = GradientBoostingRegressor(n_estimators=5).fit(Xtr, ytr)
    ref = ske.GradientBoostingRegressor(n_estimators=5, random_state=0).fit(Xtr, ytr)
    np.testing.assert_allclose(ours.predict(Xte), ref.predict(Xte), rtol=1e-9)


def test_regressor_r2_within_0_02():
    X, y = load_diabetes(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, random_state=0)
    ours = GradientBoostingRegressor(random_state=0).fit(Xtr, ytr).score(Xte, yte)
    ref = ske.GradientBoostingRegressor(random_state=0).fit(Xtr, ytr).score(Xte, yte)
    assert abs(ours - ref) <= 0.02, f"R² ours {ours:.4f} vs sklearn {ref:.4f}"


@pytest.mark.parametrize("loader", [load_iris, load_wine, load_breast_cancer])
def test_classifier_cv_accuracy_within_1_5_points(loader):
    """Log-loss boosting with Newton leaves (binary and multinomial): 5-fold (3 for breast
    cancer) accuracy within 1.5 points (the first stage's residuals take few values, so
    splits can tie)."""
    X, y = loader(return_X_y=True)
    cv = StratifiedKFold(5 if X.shape[0] < 300 else 3, shuffle=True, random_state=0)
    ours = cross_val_score(GradientBoostingClassifier(n_estimators=30), X, y, cv=cv).mean()
    ref = cross_val_score(
        ske.GradientBoostingClassifier(n_estimators=30, random_state=0), X, y, cv=cv
    ).mean()
    assert abs(ours - ref) <= 0.015, f"ours {ours:.4f} vs sklearn {ref:.4f}"


def test_digits_held_out_accuracy_within_1_5_points():
    X, y = load_digits(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, random_state=0, stratify=y)
    params = dict(n_estimators=5, max_depth=2)
    ours = GradientBoostingClassifier(**params).fit(Xtr, ytr).score(Xte, yte)
    ref = ske.GradientBoostingClassifier(random_state=0, **params).fit(Xtr, ytr).score(Xte, yte)
    assert abs(ours - ref) <= 0.015, f"ours {ours:.4f} vs sklearn {ref:.4f}"


def test_first_stage_newton_leaves_match_sklearn():
    """One binary stage: leaf values are the Newton step Σr / Σp(1-p); the decision function
    equals sklearn's to 1e-9 where the first split is untied (breast cancer)."""
    X, y = load_breast_cancer(return_X_y=True)
    ours = GradientBoostingClassifier(n_estimators=1, max_depth=1).fit(X, y)
    ref = ske.GradientBoostingClassifier(n_estimators=1, max_depth=1, random_state=0).fit(X, y)
    np.testing.assert_allclose(ours.decision_function(X), ref.decision_function(X), atol=1e-9)


def test_subsample_is_seeded():
    X, y = load_breast_cancer(return_X_y=True)
    a = GradientBoostingClassifier(n_estimators=10, subsample=0.5, random_state=3).fit(X, y)
    b = GradientBoostingClassifier(n_estimators=10, subsample=0.5, random_state=3).fit(X, y)
    c = GradientBoostingClassifier(n_estimators=10, subsample=0.5, random_state=4).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    assert not np.array_equal(a.predict_proba(X), c.predict_proba(X))


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"learning_rate": 0.0}, "learning_rate"),
        ({"n_estimators": 0}, "n_estimators"),
        ({"subsample": 0.0}, "subsample"),
        ({"max_depth": 0}, "max_depth"),
        ({"loss": "exponential"}, "loss"),
    ],
)
def test_invalid_hyper_parameters_are_named(params, word):
    X = np.arange(80.0).reshape(40, 2)
    y = np.arange(40) % 2
    with pytest.raises(ValueError, match=word):
        GradientBoostingClassifier(**params).fit(X, y)
