"""Naive Bayes classifiers against scikit-learn: same predictions, probabilities to 1e-8."""

import numpy as np
import pytest
import sklearn.naive_bayes as sknb
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import train_test_split
from sklearn.utils.estimator_checks import parametrize_with_checks

from groundup.ml import naive_bayes as gnb

LOADERS = {
    "iris": load_iris,
    "wine": load_wine,
    "breast_cancer": load_breast_cancer,
    "digits": load_digits,
}


def _split(name):
    X, y = LOADERS[name](return_X_y=True)
    return train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)


@pytest.mark.parametrize("dataset", list(LOADERS))
@pytest.mark.parametrize("var_smoothing", [1e-9, 1e-3])
def test_gaussian_nb_matches_sklearn(dataset, var_smoothing):
    Xtr, Xte, ytr, _ = _split(dataset)
    ours = gnb.GaussianNB(var_smoothing=var_smoothing).fit(Xtr, ytr)
    ref = sknb.GaussianNB(var_smoothing=var_smoothing).fit(Xtr, ytr)
    np.testing.assert_allclose(ours.theta_, ref.theta_, rtol=1e-12)
    np.testing.assert_allclose(ours.var_, ref.var_, rtol=1e-9)
    np.testing.assert_array_equal(ours.predict(Xte), ref.predict(Xte))
    np.testing.assert_allclose(ours.predict_proba(Xte), ref.predict_proba(Xte), atol=1e-8)


@pytest.mark.parametrize("dataset", ["digits", "wine"])
@pytest.mark.parametrize("params", [{"alpha": 1.0}, {"alpha": 0.1, "fit_prior": False}])
def test_multinomial_nb_matches_sklearn(dataset, params):
    Xtr, Xte, ytr, _ = _split(dataset)
    ours = gnb.MultinomialNB(**params).fit(Xtr, ytr)
    ref = sknb.MultinomialNB(**params).fit(Xtr, ytr)
    np.testing.assert_allclose(ours.feature_log_prob_, ref.feature_log_prob_, rtol=1e-12)
    np.testing.assert_array_equal(ours.predict(Xte), ref.predict(Xte))
    np.testing.assert_allclose(ours.predict_proba(Xte), ref.predict_proba(Xte), atol=1e-8)
    np.testing.assert_allclose(
        ours.predict_log_proba(Xte), ref.predict_log_proba(Xte), rtol=1e-9, atol=1e-9
    )


@pytest.mark.parametrize(
    "params", [{}, {"alpha": 0.5, "binarize": 8.0}, {"class_prior": [0.1] * 10}]
)
def test_bernoulli_nb_matches_sklearn_on_digits(params):
    Xtr, Xte, ytr, _ = _split("digits")
    ours = gnb.BernoulliNB(**params).fit(Xtr, ytr)
    ref = sknb.BernoulliNB(**params).fit(Xtr, ytr)
    np.testing.assert_array_equal(ours.predict(Xte), ref.predict(Xte))
    np.testing.assert_allclose(ours.predict_proba(Xte), ref.predict_proba(Xte), atol=1e-8)


def test_gaussian_nb_priors_and_bad_priors():
    X, y = load_iris(return_X_y=True)
    pri = [0.5, 0.3, 0.2]
    np.testing.assert_allclose(
        gnb.GaussianNB(priors=pri).fit(X, y).predict_proba(X),
        sknb.GaussianNB(priors=pri).fit(X, y).predict_proba(X),
        atol=1e-8,
    )
    with pytest.raises(ValueError, match="sum of the priors should be 1, got 1.5"):
        gnb.GaussianNB(priors=[0.5, 0.5, 0.5]).fit(X, y)


def test_bad_input_errors():
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="Negative values"):
        gnb.MultinomialNB().fit(X - 10, y)
    with pytest.raises(ValueError, match=r"alpha must be a float >= 0, got -1"):
        gnb.BernoulliNB(alpha=-1).fit(X, y)
    with pytest.raises(NotFittedError):
        gnb.GaussianNB().predict(X)
    with pytest.raises(ValueError, match="4 features"):
        gnb.GaussianNB().fit(X, y).predict(X[:, :3])
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        gnb.GaussianNB().fit(Xn, y)


def _without_array_api(estimators):
    """scikit-learn's checks minus the array-API ones (skipped there; groundup is NumPy-only)."""
    mark = parametrize_with_checks(estimators)
    params = [p for p in mark.args[1] if "array_api" not in str(p)]
    return pytest.mark.parametrize(mark.args[0], params, ids=mark.kwargs["ids"])


@_without_array_api([gnb.GaussianNB(), gnb.MultinomialNB(), gnb.BernoulliNB()])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
