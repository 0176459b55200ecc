"""Feature selection against scikit-learn and SciPy."""

import numpy as np
import pytest
import sklearn.feature_selection as skf
from scipy import special, stats
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.utils.estimator_checks import parametrize_with_checks

from groundup.ml import feature_selection as gfs
from groundup.ml.feature_selection._special import betainc, digamma, f_sf

LOADERS = {"wine": load_wine, "breast_cancer": load_breast_cancer, "digits": load_digits}


def test_betainc_matches_scipy(rng):
    a = rng.uniform(0.1, 50, 400)
    b = rng.uniform(0.1, 50, 400)
    x = rng.uniform(0, 1, 400)
    np.testing.assert_allclose(betainc(a, b, x), special.betainc(a, b, x), rtol=1e-11, atol=1e-14)


def test_f_survival_matches_scipy(rng):
    f = np.concatenate([rng.uniform(0, 5, 50), [0.0, 1e-8, 50.0, 400.0, np.inf]])
    for dfn, dfd in [(1, 10), (2, 175), (9, 1787), (4.5, 3.0)]:
        np.testing.assert_allclose(
            f_sf(f, dfn, dfd), stats.f.sf(f, dfn, dfd), rtol=1e-9, atol=1e-300
        )


def test_digamma_matches_scipy(rng):
    x = np.concatenate([rng.uniform(0.01, 20, 200), np.arange(1, 2000, 37.0)])
    np.testing.assert_allclose(digamma(x), special.digamma(x), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dataset", list(LOADERS))
def test_f_classif_matches_sklearn(dataset):
    X, y = LOADERS[dataset](return_X_y=True)
    with np.errstate(all="ignore"), _nowarn():
        F, p = gfs.f_classif(X, y)
        F_ref, p_ref = skf.f_classif(X, y)
    np.testing.assert_allclose(F, F_ref, rtol=1e-10, equal_nan=True)
    np.testing.assert_allclose(p, p_ref, rtol=1e-8, atol=1e-300, equal_nan=True)


class _nowarn:
    """Silence scikit-learn's warning on digits' constant pixels (F is NaN there for both)."""

    def __enter__(self):
        import warnings

        self._ctx = warnings.catch_warnings()
        self._ctx.__enter__()
        warnings.simplefilter("ignore")

    def __exit__(self, *exc):
        self._ctx.__exit__(*exc)


@pytest.mark.parametrize("dataset", list(LOADERS))
def test_mutual_info_matches_sklearn_and_picks_the_same_top_k(dataset):
    X, y = LOADERS[dataset](return_X_y=True)
    ours = gfs.mutual_info_classif(X, y, random_state=0)
    ref = skf.mutual_info_classif(X, y, random_state=0)
    np.testing.assert_allclose(ours, ref, atol=1e-10)
    k = 5
    top_ours = set(np.argsort(-ours, kind="stable")[:k])
    top_ref = set(np.argsort(-ref, kind="stable")[:k])
    assert top_ours == top_ref, f"top-{k} differ: {sorted(top_ours)} vs {sorted(top_ref)}"


def test_mutual_info_discrete_features_match_sklearn(rng):
    X = rng.integers(0, 4, size=(300, 3)).astype(float)
    y = (X[:, 0] + rng.integers(0, 2, 300)) % 3
    ours = gfs.mutual_info_classif(X, y, discrete_features=True, random_state=0)
    ref = skf.mutual_info_classif(X, y, discrete_features=True, random_state=0)
    np.testing.assert_allclose(ours, ref, atol=1e-12)


@pytest.mark.parametrize("k", [1, 5, "all"])
def test_select_k_best_matches_sklearn(k):
    X, y = load_breast_cancer(return_X_y=True)
    ours = gfs.SelectKBest(gfs.f_classif, k=k).fit(X, y)
    ref = skf.SelectKBest(skf.f_classif, k=k).fit(X, y)
    np.testing.assert_array_equal(ours.get_support(), ref.get_support())
    np.testing.assert_array_equal(ours.transform(X), ref.transform(X))
    np.testing.assert_array_equal(
        ours.inverse_transform(ours.transform(X)), ref.inverse_transform(ref.transform(X))
    )
    assert list(ours.get_feature_names_out()) == list(ref.get_feature_names_out())


def test_select_k_best_with_mutual_info_on_wine():
    X, y = load_wine(return_X_y=True)

    def score(X, y):
        return gfs.mutual_info_classif(X, y, random_state=0)

    def ref_score(X, y):
        return skf.mutual_info_classif(X, y, random_state=0)

    ours = gfs.SelectKBest(score, k=4).fit(X, y)
    ref = skf.SelectKBest(ref_score, k=4).fit(X, y)
    np.testing.assert_array_equal(ours.get_support(), ref.get_support())


@pytest.mark.parametrize("threshold", [0.0, 0.5, 20.0])
def test_variance_threshold_matches_sklearn(threshold):
    X = load_digits().data
    ours = gfs.VarianceThreshold(threshold).fit(X)
    ref = skf.VarianceThreshold(threshold).fit(X)
    np.testing.assert_allclose(ours.variances_, ref.variances_, rtol=1e-12)
    np.testing.assert_array_equal(ours.transform(X), ref.transform(X))


def test_variance_threshold_errors_name_the_value():
    with pytest.raises(ValueError, match="variance threshold 100.00000"):
        gfs.VarianceThreshold(100.0).fit(np.eye(3))
    with pytest.raises(ValueError, match="threshold.*-1"):
        gfs.VarianceThreshold(-1).fit(np.eye(3))
    with pytest.raises(ValueError, match="k must be.*-2"):
        gfs.SelectKBest(k=-2).fit(np.eye(3), [0, 1, 1])


def _without_array_api(estimators):
    """scikit-learn's checks minus the array-API ones (skipped there; groundup is NumPy-only)."""
    mark = parametrize_with_checks(estimators)
    params = [p for p in mark.args[1] if "array_api" not in str(p)]
    return pytest.mark.parametrize(mark.args[0], params, ids=mark.kwargs["ids"])


@_without_array_api([gfs.VarianceThreshold(), gfs.SelectKBest(k=1)])
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_score_functions_refuse_bad_input():
    X, y = load_wine(return_X_y=True)
    Xn = X.copy()
    Xn[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        gfs.f_classif(Xn, y)
    with pytest.raises(ValueError, match="NaN"):
        gfs.mutual_info_classif(Xn, y)
    with pytest.raises(ValueError, match="inconsistent numbers of samples.*178.*177"):
        gfs.f_classif(X, y[:-1])
    with pytest.raises(ValueError, match="inconsistent numbers of samples.*178.*177"):
        gfs.mutual_info_classif(X, y[:-1])
    with pytest.raises(ValueError, match="2 classes.*got 1"):
        gfs.f_classif(X, np.zeros(len(X)))
    with pytest.raises(ValueError, match="n_neighbors.*0"):
        gfs.mutual_info_classif(X, y, n_neighbors=0)
    with pytest.raises(ValueError):
        gfs.f_classif(X[:, 0], y)  # 1-D X
