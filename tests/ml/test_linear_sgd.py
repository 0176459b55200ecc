"""SGDClassifier, SGDRegressor and Perceptron against scikit-learn.

With ``batch_size=1`` and ``shuffle=False`` our SGD performs scikit-learn's plain-SGD updates
in the same order, so the coefficients agree to rounding; with the vectorised default
(``batch_size=16``, shuffled) held-out accuracy is within 1.5 points (R² within 0.02).
"""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.linear_model as skl
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris, load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from groundup.ml.linear_model import Perceptron, SGDClassifier, SGDRegressor

LOADERS = {
    "iris": load_iris,
    "wine": load_wine,
    "breast_cancer": load_breast_cancer,
    "digits": load_digits,
    "diabetes": load_diabetes,
}


pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(autouse=True, scope="module")
def _single_thread():
    with threadpool_limits(1):
        yield


def split(name):
    X, y = LOADERS[name](return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(
        X, y, test_size=0.3, random_state=0, stratify=None if name == "diabetes" else y
    )
    sc = StandardScaler().fit(Xtr)
    return sc.transform(Xtr), sc.transform(Xte), ytr, yte


@pytest.mark.parametrize(
    ("loss", "learning_rate"),
    [
        ("hinge", "optimal"),
        ("hinge", "constant"),
        ("hinge", "invscaling"),
        ("log_loss", "constant"),
        ("log_loss", "invscaling"),
        ("modified_huber", "constant"),
        ("modified_huber", "invscaling"),
    ],
)
def test_per_sample_sgd_is_sklearns_update_for_update(loss, learning_rate):
    # (log_loss/modified_huber with 'optimal' take steps of ~10: the paths agree at first and
    # then drift apart from rounding differences in scikit-learn's piecewise log-loss formulas)
    X, _, y, _ = split("iris")  # 3 classes: one-vs-rest, each column stopping on its own
    kw = {"loss": loss, "learning_rate": learning_rate, "shuffle": False, "max_iter": 30}
    ref = skl.SGDClassifier(**kw).fit(X, y)
    ours = SGDClassifier(**kw, batch_size=1).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-8, atol=1e-9)
    assert ours.n_iter_ == ref.n_iter_


def test_per_sample_perceptron_and_binary_hinge_match_sklearn():
    X, _, y, _ = split("breast_cancer")
    ref = skl.Perceptron(shuffle=False).fit(X, y)
    ours = Perceptron(shuffle=False, batch_size=1).fit(X, y)
    np.testing.assert_array_equal(ours.coef_, ref.coef_)  # integer-valued steps: exact
    assert ours.n_iter_ == ref.n_iter_
    ref = skl.SGDClassifier(shuffle=False, max_iter=30).fit(X, y)
    ours = SGDClassifier(shuffle=False, max_iter=30, batch_size=1).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-8, atol=1e-9)


@pytest.mark.parametrize("loss", ["squared_error", "huber", "epsilon_insensitive"])
def test_per_sample_sgd_regressor_matches_sklearn(loss):
    X, _, y, _ = split("diabetes")
    kw = {"loss": loss, "shuffle": False, "max_iter": 20}
    ref = skl.SGDRegressor(**kw).fit(X, y)
    ours = SGDRegressor(**kw, batch_size=1).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-8)


SEEDS = range(3)


FACTORIES = {
    "hinge": (lambda s: SGDClassifier(random_state=s), lambda s: skl.SGDClassifier(random_state=s)),
    "log_loss": (
        lambda s: SGDClassifier(loss="log_loss", random_state=s),
        lambda s: skl.SGDClassifier(loss="log_loss", random_state=s),
    ),
    "perceptron": (lambda s: Perceptron(random_state=s), lambda s: skl.Perceptron(random_state=s)),
}


@pytest.mark.parametrize(
    ("loss", "name"),
    [
        ("hinge", "wine"),
        ("hinge", "breast_cancer"),
        ("hinge", "digits"),
        ("log_loss", "wine"),
        ("log_loss", "breast_cancer"),
        ("perceptron", "wine"),
        ("perceptron", "breast_cancer"),
        ("perceptron", "digits"),
    ],
)
def test_minibatch_held_out_accuracy_within_1_5_points(loss, name):
    ours_factory, ref_factory = FACTORIES[loss]
    Xtr, Xte, ytr, yte = split(name)
    ours = np.mean([ours_factory(s).fit(Xtr, ytr).score(Xte, yte) for s in SEEDS])
    ref = np.mean([ref_factory(s).fit(Xtr, ytr).score(Xte, yte) for s in SEEDS])
    diff = 100 * (ours - ref)
    assert abs(diff) <= 1.5, f"{name}: mean held-out accuracy ours − sklearn = {diff:+.2f} pts"


@pytest.mark.parametrize("loss", ["squared_error"])
def test_minibatch_regressor_held_out_r2_within_0_02(loss):
    Xtr, Xte, ytr, yte = split("diabetes")
    ours = np.mean(
        [SGDRegressor(loss=loss, random_state=s).fit(Xtr, ytr).score(Xte, yte) for s in SEEDS]
    )
    ref = np.mean(
        [skl.SGDRegressor(loss=loss, random_state=s).fit(Xtr, ytr).score(Xte, yte) for s in SEEDS]
    )
    assert abs(ours - ref) <= 0.02, f"held-out R² ours − sklearn = {ours - ref:+.4f}"


def test_same_seed_same_numbers_and_probabilities():
    Xtr, Xte, ytr, _ = split("wine")
    a = SGDClassifier(loss="log_loss", random_state=7).fit(Xtr, ytr)
    b = SGDClassifier(loss="log_loss", random_state=7).fit(Xtr, ytr)
    c = SGDClassifier(loss="log_loss", random_state=8).fit(Xtr, ytr)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert not np.array_equal(a.coef_, c.coef_)
    P = a.predict_proba(Xte)
    np.testing.assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)
    assert P.min() >= 0.0 and P.max() <= 1.0
    assert not hasattr(SGDClassifier(loss="hinge"), "predict_proba")
