"""Linear models refuse bad input and bad hyper-parameters with errors naming the problem."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

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

ALL = [
    LinearRegression,
    Ridge,
    LogisticRegression,
    Lasso,
    ElasticNet,
    SGDClassifier,
    SGDRegressor,
    Perceptron,
]


def data(rng):
    X = rng.standard_normal((20, 3))
    return X, (X[:, 0] > 0).astype(int)


@pytest.mark.parametrize("cls", ALL)
def test_unfitted_predict_raises(cls, rng):
    with pytest.raises(NotFittedError):
        cls().predict(rng.standard_normal((2, 3)))


@pytest.mark.parametrize("cls", ALL)
def test_nan_and_inf_refused(cls, rng):
    X, y = data(rng)
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        cls().fit(X, y)
    X[3, 1] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        cls().fit(X, y)


@pytest.mark.parametrize("cls", ALL)
def test_wrong_shapes_refused(cls, rng):
    X, y = data(rng)
    with pytest.raises(ValueError, match="Expected 2D array"):
        cls().fit(X[:, 0], y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        cls().fit(X, y[:-1])
    with pytest.raises(ValueError, match="0 sample"):
        cls().fit(X[:0], y[:0])
    model = cls().fit(X, y)
    with pytest.raises(ValueError, match="X has 2 features, but .* is expecting 3 features"):
        model.predict(X[:, :2])


@pytest.mark.parametrize(
    ("model", "match"),
    [
        (LinearRegression(solver="lu"), r"solver must be one of \['cholesky', 'qr', 'svd', 'gd'\]"),
        (Ridge(alpha=-1.0), "alpha must be a finite real number >= 0.0, got -1.0"),
        (LogisticRegression(C=0.0), "C must be a finite real number > 0.0, got 0.0"),
        (LogisticRegression(penalty="l1"), "penalty must be one of .*, got 'l1'"),
        (LogisticRegression(solver="saga"), "solver must be one of .*, got 'saga'"),
        (LogisticRegression(max_iter=-1), "max_iter must be an integer >= 0, got -1"),
        (Lasso(alpha=-0.5), "alpha must be a finite real number >= 0.0, got -0.5"),
        (ElasticNet(l1_ratio=1.5), "l1_ratio must be a finite real number >= 0.0 and <= 1.0"),
        (SGDClassifier(loss="squared_hinge"), "loss must be one of .*, got 'squared_hinge'"),
        (SGDClassifier(learning_rate="adaptive"), "learning_rate must be one of"),
        (SGDClassifier(batch_size=0), "batch_size must be an integer >= 1, got 0"),
        (SGDRegressor(loss="hinge"), "loss must be one of .*, got 'hinge'"),
        (Perceptron(eta0=0.0), "eta0 must be a finite real number > 0.0, got 0.0"),
    ],
)
def test_invalid_hyper_parameters_named(model, match, rng):
    X, y = data(rng)
    with pytest.raises(ValueError, match=match):
        model.fit(X, y)


@pytest.mark.parametrize("cls", [LogisticRegression, SGDClassifier, Perceptron])
def test_single_class_refused(cls, rng):
    X, _ = data(rng)
    with pytest.raises(ValueError, match="class"):
        cls().fit(X, np.zeros(len(X)))


def test_continuous_target_refused_by_classifier(rng):
    X, _ = data(rng)
    with pytest.raises(ValueError, match="Unknown label type"):
        LogisticRegression().fit(X, rng.standard_normal(len(X)))


def test_sgd_divergence_is_reported(rng):
    X, y = data(rng)
    # a step of 1e300 on features of size 1e10 overflows to inf in the first epoch
    with (
        pytest.raises(ValueError, match="diverged at epoch 1"),
        np.errstate(over="ignore", invalid="ignore"),
    ):
        SGDClassifier(learning_rate="constant", eta0=1e300, max_iter=5).fit(1e10 * X, y)
