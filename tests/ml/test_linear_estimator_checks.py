"""scikit-learn's estimator checks over every linear model."""

from __future__ import annotations

from sklearn.utils.estimator_checks import parametrize_with_checks

from groundup.ml.linear_model import (
    ElasticNet,
    Lasso,
    LinearRegression,
    LogisticRegression,
    Perceptron,
    Ridge,
    SGDClassifier,
    SGDRegressor,
)

ESTIMATORS = [
    LinearRegression(),
    LinearRegression(solver="qr"),
    Ridge(),
    LogisticRegression(),
    LogisticRegression(solver="newton"),
    Lasso(),
    ElasticNet(),
    SGDClassifier(random_state=0),
    SGDRegressor(random_state=0),
    Perceptron(),
]

EXPECTED_FAILURES: dict = {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=lambda est: EXPECTED_FAILURES)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
