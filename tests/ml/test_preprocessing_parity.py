"""Preprocessing transformers against scikit-learn on real and random data."""

import numpy as np
import pytest
import sklearn.impute as ski
import sklearn.preprocessing as skp
from sklearn.datasets import load_diabetes, load_iris, load_wine
from sklearn.exceptions import NotFittedError

from groundup.ml import preprocessing as gp


@pytest.fixture(scope="module")
def wine():
    return load_wine().data


@pytest.mark.parametrize(
    "name, params",
    [
        ("StandardScaler", {}),
        ("StandardScaler", {"with_mean": False}),
        ("StandardScaler", {"with_std": False}),
        ("MinMaxScaler", {}),
        ("MinMaxScaler", {"feature_range": (-2, 3)}),
        ("RobustScaler", {}),
        ("RobustScaler", {"quantile_range": (10.0, 90.0), "unit_variance": True}),
        ("RobustScaler", {"with_centering": False}),
    ],
)
def test_scalers_match_sklearn_on_wine(name, params, wine):
    # a constant column exercises the zero-variance / zero-range rule
    X = np.column_stack([wine, np.full(len(wine), 3.7)])
    ours = getattr(gp, name)(**params).fit(X[:120])
    ref = getattr(skp, name)(**params).fit(X[:120])
    np.testing.assert_allclose(
        ours.transform(X[120:]), ref.transform(X[120:]), rtol=1e-12, atol=1e-12
    )
    Z = ref.transform(X)
    np.testing.assert_allclose(
        ours.inverse_transform(Z), ref.inverse_transform(Z), rtol=1e-12, atol=1e-9
    )
    assert list(ours.get_feature_names_out()) == list(ref.get_feature_names_out())


def test_minmax_clip_matches_sklearn(rng):
    X = rng.standard_normal((50, 4))
    Xt = rng.standard_normal((20, 4)) * 3
    ours = gp.MinMaxScaler(clip=True).fit(X)
    ref = skp.MinMaxScaler(clip=True).fit(X)
    np.testing.assert_allclose(ours.transform(Xt), ref.transform(Xt), atol=1e-14)


def test_minmax_rejects_inverted_range():
    with pytest.raises(ValueError, match=r"feature_range.*\(3, 1\)"):
        gp.MinMaxScaler(feature_range=(3, 1)).fit(np.eye(3))


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"drop": "first"},
        {"drop": "if_binary"},
        {"handle_unknown": "ignore"},
    ],
)
def test_one_hot_matches_sklearn(params, rng):
    X = np.column_stack([rng.integers(0, 4, 60), rng.integers(0, 2, 60), rng.integers(5, 8, 60)])
    ours = gp.OneHotEncoder(**params).fit(X)
    ref = skp.OneHotEncoder(sparse_output=False, **params).fit(X)
    np.testing.assert_array_equal(ours.transform(X), ref.transform(X))
    for a, b in zip(ours.categories_, ref.categories_):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ours.inverse_transform(ours.transform(X)), X)
    assert list(ours.get_feature_names_out(["a", "b", "c"])) == list(
        ref.get_feature_names_out(["a", "b", "c"])
    )


def test_one_hot_strings_and_unknown():
    X = np.array([["red", "S"], ["blue", "M"], ["green", "L"], ["red", "M"]], dtype=object)
    Xt = np.array([["red", "XL"], ["purple", "S"]], dtype=object)
    ours = gp.OneHotEncoder(handle_unknown="ignore").fit(X)
    ref = skp.OneHotEncoder(handle_unknown="ignore", sparse_output=False).fit(X)
    np.testing.assert_array_equal(ours.transform(Xt), ref.transform(Xt))
    inv_ours, inv_ref = (
        ours.inverse_transform(ours.transform(Xt)),
        ref.inverse_transform(ref.transform(Xt)),
    )
    assert inv_ours.tolist() == inv_ref.tolist()
    with pytest.raises(ValueError, match="unknown categories \\['purple'\\] in column 0"):
        gp.OneHotEncoder().fit(X).transform(Xt)


def test_ordinal_matches_sklearn():
    X = np.array([["b", "x"], ["a", "y"], ["c", "x"], ["a", "z"]], dtype=object)
    Xt = np.array([["c", "q"], ["a", "y"]], dtype=object)
    kw = {"handle_unknown": "use_encoded_value", "unknown_value": -1}
    ours = gp.OrdinalEncoder(**kw).fit(X)
    ref = skp.OrdinalEncoder(**kw).fit(X)
    np.testing.assert_array_equal(ours.transform(Xt), ref.transform(Xt))
    assert (
        ours.inverse_transform(ours.transform(Xt)).tolist()
        == ref.inverse_transform(ref.transform(Xt)).tolist()
    )
    with pytest.raises(ValueError, match="unknown_value"):
        gp.OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=1).fit(X)


def test_label_encoder_matches_sklearn():
    y = np.array(["cat", "dog", "ant", "dog", "cat"])
    ours, ref = gp.LabelEncoder(), skp.LabelEncoder()
    np.testing.assert_array_equal(ours.fit_transform(y), ref.fit_transform(y))
    np.testing.assert_array_equal(
        ours.fit(y).transform(["dog", "ant"]), ref.transform(["dog", "ant"])
    )
    np.testing.assert_array_equal(ours.inverse_transform([2, 0]), ref.inverse_transform([2, 0]))
    with pytest.raises(ValueError, match="unseen labels.*'eel'"):
        ours.transform(["eel"])
    with pytest.raises(NotFittedError):
        gp.LabelEncoder().transform(y)


@pytest.mark.parametrize(
    "params",
    [
        {"degree": 2},
        {"degree": 3, "interaction_only": True},
        {"degree": 3, "include_bias": False},
        {"degree": (2, 3)},
    ],
)
def test_polynomial_features_match_sklearn(params, rng):
    X = rng.standard_normal((30, 4))
    ours = gp.PolynomialFeatures(**params).fit(X)
    ref = skp.PolynomialFeatures(**params).fit(X)
    np.testing.assert_array_equal(ours.powers_, ref.powers_)
    np.testing.assert_allclose(ours.transform(X), ref.transform(X), rtol=1e-13)
    assert list(ours.get_feature_names_out()) == list(ref.get_feature_names_out())


def test_polynomial_rejects_negative_degree():
    with pytest.raises(ValueError, match="degree.*-1"):
        gp.PolynomialFeatures(degree=-1).fit(np.eye(2))


@pytest.mark.filterwarnings("ignore:Skipping features without any observed values")
@pytest.mark.parametrize("strategy", ["mean", "median", "most_frequent", "constant"])
@pytest.mark.parametrize("add_indicator", [False, True])
def test_simple_imputer_matches_sklearn(strategy, add_indicator, rng):
    X = load_diabetes().data[:80].round(2)
    X[rng.random(X.shape) < 0.15] = np.nan
    X[:, 3] = np.nan  # an all-missing column is dropped, as in scikit-learn
    kw = {"strategy": strategy, "add_indicator": add_indicator}
    if strategy == "constant":
        kw["fill_value"] = -7.5
    ours = gp.SimpleImputer(**kw).fit(X[:60])
    ref = ski.SimpleImputer(**kw).fit(X[:60])
    np.testing.assert_allclose(
        ours.statistics_.astype(float), ref.statistics_.astype(float), rtol=1e-12, equal_nan=True
    )
    np.testing.assert_allclose(ours.transform(X[60:]), ref.transform(X[60:]), rtol=1e-12)
    assert list(ours.get_feature_names_out()) == list(ref.get_feature_names_out())
    if add_indicator:
        Z = ref.transform(X)
        np.testing.assert_allclose(
            ours.inverse_transform(Z), ref.inverse_transform(Z), equal_nan=True
        )


def test_simple_imputer_strings_most_frequent():
    X = np.array([["a", None], ["b", "y"], ["a", "y"], [None, "x"]], dtype=object)
    ours = gp.SimpleImputer(strategy="most_frequent", missing_values=None).fit(X)
    ref = ski.SimpleImputer(strategy="most_frequent", missing_values=None).fit(X)
    assert ours.transform(X).tolist() == ref.transform(X).tolist()


def test_invalid_strategy_named():
    with pytest.raises(ValueError, match="strategy.*'mode'"):
        gp.SimpleImputer(strategy="mode").fit(np.eye(2))


def test_standard_scaler_pipeline_on_iris():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    X, y = load_iris(return_X_y=True)
    ours = make_pipeline(gp.StandardScaler(), LogisticRegression()).fit(X, y)
    ref = make_pipeline(skp.StandardScaler(), LogisticRegression()).fit(X, y)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
