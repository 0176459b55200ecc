"""LDA and QDA against scikit-learn: same predictions, probabilities and projections."""

import numpy as np
import pytest
import sklearn.discriminant_analysis as skda
from sklearn.covariance import ledoit_wolf
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine
from sklearn.model_selection import train_test_split
from sklearn.utils.estimator_checks import parametrize_with_checks

from groundup.ml import discriminant_analysis as gda
from groundup.ml.discriminant_analysis._covariance import generalized_eigh, ledoit_wolf_shrinkage

LOADERS = {"iris": load_iris, "wine": load_wine, "breast_cancer": load_breast_cancer}


def _split(name):
    X, y = LOADERS[name](return_X_y=True)
    return train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)


@pytest.mark.parametrize("dataset", list(LOADERS))
@pytest.mark.parametrize(
    "params",
    [
        {"solver": "svd"},
        {"solver": "lsqr"},
        {"solver": "eigen"},
        {"solver": "lsqr", "shrinkage": "auto"},
        {"solver": "eigen", "shrinkage": 0.3},
    ],
)
def test_lda_matches_sklearn(dataset, params):
    Xtr, Xte, ytr, _ = _split(dataset)
    ours = gda.LinearDiscriminantAnalysis(**params).fit(Xtr, ytr)
    ref = skda.LinearDiscriminantAnalysis(**params).fit(Xtr, ytr)
    np.testing.assert_array_equal(ours.predict(Xte), ref.predict(Xte))
    np.testing.assert_allclose(
        ours.coef_, ref.coef_, rtol=1e-6, atol=1e-8 * np.abs(ref.coef_).max()
    )
    np.testing.assert_allclose(ours.predict_proba(Xte), ref.predict_proba(Xte), atol=1e-7)
    if params["solver"] != "lsqr":
        np.testing.assert_allclose(
            ours.explained_variance_ratio_, ref.explained_variance_ratio_, rtol=1e-7
        )
        # Fisher directions are defined up to sign: compare column by column
        Zo, Zr = ours.transform(Xte), ref.transform(Xte)
        signs = np.sign(np.sum(Zo * Zr, axis=0))
        np.testing.assert_allclose(Zo * signs, Zr, rtol=1e-6, atol=1e-8 * np.abs(Zr).max())


def test_lda_transform_n_components_and_names():
    X, y = load_digits(return_X_y=True)
    ours = gda.LinearDiscriminantAnalysis(n_components=3).fit(X, y)
    ref = skda.LinearDiscriminantAnalysis(n_components=3).fit(X, y)
    assert ours.transform(X).shape == ref.transform(X).shape == (len(X), 3)
    assert list(ours.get_feature_names_out()) == list(ref.get_feature_names_out())
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    with pytest.raises(ValueError, match="n_components cannot be larger.*got 10"):
        gda.LinearDiscriminantAnalysis(n_components=10).fit(X, y)
    with pytest.raises(NotImplementedError, match="shrinkage not supported with 'svd'"):
        gda.LinearDiscriminantAnalysis(shrinkage=0.1).fit(X, y)


@pytest.mark.parametrize("dataset", list(LOADERS))
@pytest.mark.parametrize(
    "params",
    [{}, {"reg_param": 0.1}, {"solver": "eigen"}, {"solver": "eigen", "shrinkage": "auto"}],
)
def test_qda_matches_sklearn(dataset, params):
    Xtr, Xte, ytr, _ = _split(dataset)
    try:
        ref = skda.QuadraticDiscriminantAnalysis(**params).fit(Xtr, ytr)
    except np.linalg.LinAlgError:
        # breast_cancer's class covariances are numerically singular: both must refuse
        with pytest.raises(np.linalg.LinAlgError, match="not full rank"):
            gda.QuadraticDiscriminantAnalysis(**params).fit(Xtr, ytr)
        return
    ours = gda.QuadraticDiscriminantAnalysis(**params).fit(Xtr, ytr)
    np.testing.assert_array_equal(ours.predict(Xte), ref.predict(Xte))
    np.testing.assert_allclose(
        ours.predict_log_proba(Xte), ref.predict_log_proba(Xte), rtol=1e-6, atol=1e-6
    )
    np.testing.assert_allclose(
        ours.decision_function(Xte), ref.decision_function(Xte), rtol=1e-6, atol=1e-6
    )


def test_qda_rank_deficient_class_is_refused(rng):
    X = rng.standard_normal((20, 5))
    y = np.repeat([0, 1], 10)
    X[y == 0, 4] = X[y == 0, 3]  # collinear within class 0
    with pytest.raises(np.linalg.LinAlgError, match="class 0 is not full rank"):
        gda.QuadraticDiscriminantAnalysis().fit(X, y)


def test_ledoit_wolf_shrinkage_matches_sklearn(rng):
    X = rng.standard_normal((40, 6)) @ rng.standard_normal((6, 6))
    _, ref_alpha = ledoit_wolf(X)
    assert abs(ledoit_wolf_shrinkage(X) - ref_alpha) < 1e-12


def test_generalized_eigh_matches_scipy(rng):
    from scipy.linalg import eigh

    A = rng.standard_normal((6, 6))
    A = A + A.T
    B = rng.standard_normal((6, 6))
    B = B @ B.T + 6 * np.eye(6)
    w, V = generalized_eigh(A, B)
    w_ref, _ = eigh(A, B)
    np.testing.assert_allclose(w, w_ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(A @ V, B @ V * w, atol=1e-9)
    np.testing.assert_allclose(V.T @ B @ V, np.eye(6), atol=1e-10)


def _without_array_api(estimators):
    """scikit-learn's checks minus the array-API ones (skipped there; groundup is NumPy-only)."""
    mark = parametrize_with_checks(estimators)
    params = [p for p in mark.args[1] if "array_api" not in str(p)]
    return pytest.mark.parametrize(mark.args[0], params, ids=mark.kwargs["ids"])


@_without_array_api(
    [
        gda.LinearDiscriminantAnalysis(),
        gda.LinearDiscriminantAnalysis(solver="eigen", shrinkage="auto"),
        gda.QuadraticDiscriminantAnalysis(),
    ]
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
