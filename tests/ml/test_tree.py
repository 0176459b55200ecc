"""Decision trees proven against scikit-learn's CART on real and random data."""

import numpy as np
import pytest
from sklearn import tree as sk
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris, load_wine

from groundup.ml.tree import DecisionTreeClassifier, DecisionTreeRegressor

CLASSIFICATION = {
    "iris": load_iris,
    "wine": load_wine,
    "breast_cancer": load_breast_cancer,
    "digits": load_digits,
}


def _node_members(t, X32):
    """Boolean (n_samples, n_nodes): which training samples pass through each node."""
    n = X32.shape[0]
    member = np.zeros((n, t.node_count), dtype=bool)
    node = np.zeros(n, dtype=np.intp)
    rows = np.arange(n)
    for _ in range(int(t.depth.max()) + 1):
        member[rows, node] = True
        f = t.feature[node]
        inner = f >= 0
        go = X32[rows[inner], f[inner]] <= t.threshold[node[inner]]
        node[inner] = np.where(go, t.left[node[inner]], t.right[node[inner]])
    return member


@pytest.mark.parametrize("name", list(CLASSIFICATION))
def test_shallow_classifier_identical_to_sklearn(name, criterion="gini"):
    """Depth-3 trees on real data: same probabilities on every training sample and the same
    node impurities and sizes (thresholds may differ only between tied splits — iris's root
    separates setosa equally well on petal length or petal width)."""
    X, y = CLASSIFICATION[name](return_X_y=True)
    ours = DecisionTreeClassifier(criterion=criterion, max_depth=3).fit(X, y)
    ref = sk.DecisionTreeClassifier(criterion=criterion, max_depth=3, random_state=0).fit(X, y)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-12)
    np.testing.assert_allclose(
        np.sort(ours.tree_.impurity), np.sort(ref.tree_.impurity), atol=1e-12
    )
    np.testing.assert_array_equal(
        np.sort(ours.tree_.n_node_samples), np.sort(ref.tree_.n_node_samples)
    )
    assert ours.get_depth() == ref.get_depth() and ours.get_n_leaves() == ref.get_n_leaves()


def test_continuous_weighted_data_identical_trees(rng, criterion="gini"):
    """Continuous features and continuous random sample weights, so no two candidate splits
    tie (with unit weights, splits with equal class counts tie exactly and scikit-learn breaks
    the tie by its random feature order): the full trees are identical — thresholds,
    probabilities on new points, importances. (Fully grown weighted trees still differ: a
    pure node's Gini 1 - Σc²/w² rounds to ~3e-16 > eps in sklearn's summation order and it
    keeps splitting; so the trees stop at leaves of 10. Entropy has the same quirk at
    -Σ p log p ≈ 5e-16, so it is proven split by split in the next test.)"""
    X = rng.standard_normal((400, 6))
    y = X[:, 0] + X[:, 1] ** 2 - X[:, 2] * X[:, 3] + 0.3 * rng.standard_normal(400) > 0.5
    X_test = rng.standard_normal((2000, 6))
    sw = rng.uniform(0.5, 1.5, 400)
    ours = DecisionTreeClassifier(criterion=criterion, min_samples_leaf=10)
    ours.fit(X, y, sample_weight=sw)
    ref = sk.DecisionTreeClassifier(criterion=criterion, min_samples_leaf=10, random_state=0)
    ref.fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(ours.predict_proba(X_test), ref.predict_proba(X_test), atol=1e-12)
    assert ours.tree_.node_count == ref.tree_.node_count
    np.testing.assert_array_equal(
        np.sort(ours.tree_.threshold[ours.tree_.feature >= 0]),
        np.sort(ref.tree_.threshold[ref.tree_.feature >= 0]),
    )
    np.testing.assert_allclose(ours.feature_importances_, ref.feature_importances_, atol=1e-12)


@pytest.mark.parametrize("criterion", ["gini", "entropy"])
@pytest.mark.parametrize("name", ["iris", "wine", "breast_cancer", "digits"])
def test_every_split_reaches_sklearns_best_impurity_decrease(name, criterion):
    """Fully grown trees (ties possible): at each node our chosen split's impurity decrease
    equals the decrease of scikit-learn's best split (a depth-1 sklearn tree on the node's
    samples), to 1e-12 relative; the training predictions are the same."""
    X, y = CLASSIFICATION[name](return_X_y=True)
    ours = DecisionTreeClassifier(criterion=criterion).fit(X, y)
    ref = sk.DecisionTreeClassifier(criterion=criterion, random_state=0).fit(X, y)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    t = ours.tree_
    member = _node_members(t, X.astype(np.float32))
    inner = np.flatnonzero(t.feature >= 0)
    w = t.weighted_n_node_samples
    ours_dec = w[inner] * t.impurity[inner] - (
        w[t.left[inner]] * t.impurity[t.left[inner]]
        + w[t.right[inner]] * t.impurity[t.right[inner]]
    )
    for i, node in enumerate(inner[:120]):  # enough nodes to cover every depth of digits
        idx = member[:, node]
        stump = sk.DecisionTreeClassifier(criterion=criterion, max_depth=1, random_state=0)
        stump.fit(X[idx], y[idx])
        s = stump.tree_
        best = s.weighted_n_node_samples[0] * s.impurity[0] - (
            s.weighted_n_node_samples[1] * s.impurity[1]
            + s.weighted_n_node_samples[2] * s.impurity[2]
        )
        assert ours_dec[i] == pytest.approx(best, rel=1e-12, abs=1e-12), (
            f"node {node}: our decrease {ours_dec[i]!r} vs sklearn best {best!r}"
        )


def test_regressor_identical_to_sklearn_on_diabetes():
    """Depth-5 regression tree on diabetes: same predictions to 1e-9 (importances may differ
    where two features cut a small node into the same two sample sets)."""
    X, y = load_diabetes(return_X_y=True)
    ours = DecisionTreeRegressor(max_depth=5).fit(X, y)
    ref = sk.DecisionTreeRegressor(max_depth=5, random_state=0).fit(X, y)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-9)
    assert ours.score(X, y) == pytest.approx(ref.score(X, y), abs=1e-12)


def test_regressor_full_tree_on_continuous_data(rng):
    """min_samples_leaf=5 regression tree on random data: predictions equal to 1e-9."""
    X = rng.standard_normal((400, 5))
    y = X[:, 0] + np.sin(3 * X[:, 1]) + 0.1 * rng.standard_normal(400)
    X_test = rng.standard_normal((1000, 5))
    ours = DecisionTreeRegressor(min_samples_leaf=5).fit(X, y)
    ref = sk.DecisionTreeRegressor(min_samples_leaf=5, random_state=0).fit(X, y)
    np.testing.assert_allclose(ours.predict(X_test), ref.predict(X_test), rtol=1e-9)


def test_sample_weight_matches_sklearn(rng):
    """Weighted depth-4 tree: identical probabilities to sklearn's with the same weights."""
    X = rng.standard_normal((300, 4))
    y = (X[:, 0] - X[:, 1] > 0).astype(int) + (X[:, 2] > 1)
    sw = rng.uniform(0.1, 3.0, 300)
    ours = DecisionTreeClassifier(max_depth=4).fit(X, y, sample_weight=sw)
    ref = sk.DecisionTreeClassifier(max_depth=4, random_state=0).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-12)


def test_max_features_is_seeded(rng):
    """Same random_state, same tree; max_features='sqrt' trees still fit the training data."""
    X, y = load_digits(return_X_y=True)
    a = DecisionTreeClassifier(max_features="sqrt", random_state=3).fit(X, y)
    b = DecisionTreeClassifier(max_features="sqrt", random_state=3).fit(X, y)
    c = DecisionTreeClassifier(max_features="sqrt", random_state=4).fit(X, y)
    np.testing.assert_array_equal(a.tree_.threshold, b.tree_.threshold)
    assert a.tree_.node_count != c.tree_.node_count or not np.array_equal(
        a.tree_.feature, c.tree_.feature
    )
    assert a.score(X, y) == 1.0  # grown to purity: digits has no duplicate conflicting rows


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"max_depth": 0}, "max_depth"),
        ({"min_samples_split": 1}, "min_samples_split"),
        ({"min_samples_leaf": 0}, "min_samples_leaf"),
        ({"max_features": "cube"}, "max_features"),
        ({"criterion": "mse"}, "criterion"),
        ({"min_weight_fraction_leaf": 0.7}, "min_weight_fraction_leaf"),
    ],
)
def test_invalid_hyper_parameters_are_named(params, word):
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10) % 2
    with pytest.raises(ValueError, match=word):
        DecisionTreeClassifier(**params).fit(X, y)


def test_continuous_targets_refused_by_classifier():
    with pytest.raises(ValueError, match="Unknown label type"):
        DecisionTreeClassifier().fit(np.ones((4, 2)), [0.5, 1.5, 2.5, 0.1])
