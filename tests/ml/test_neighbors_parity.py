"""Neighbour search and kNN estimators against scikit-learn (brute force and k-d tree)."""

import numpy as np
import pytest
import sklearn.neighbors as skn
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris, load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from groundup.ml import neighbors as gn

LOADERS = {
    "iris": load_iris,
    "wine": load_wine,
    "breast_cancer": load_breast_cancer,
    "digits": load_digits,
}


def _split(loader):
    X, y = loader(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=0)
    sc = StandardScaler().fit(Xtr)
    return sc.transform(Xtr), sc.transform(Xte), ytr, yte


@pytest.mark.parametrize("dataset", list(LOADERS))
@pytest.mark.parametrize("algorithm", ["brute", "kd_tree"])
@pytest.mark.parametrize("weights", ["uniform", "distance"])
def test_knn_classifier_matches_sklearn(dataset, algorithm, weights):
    Xtr, Xte, ytr, _ = _split(LOADERS[dataset])
    kw = {"n_neighbors": 5, "weights": weights, "algorithm": algorithm}
    ours = gn.KNeighborsClassifier(**kw).fit(Xtr, ytr)
    ref = skn.KNeighborsClassifier(**kw).fit(Xtr, ytr)
    np.testing.assert_array_equal(ours.predict(Xte), ref.predict(Xte))
    np.testing.assert_allclose(ours.predict_proba(Xte), ref.predict_proba(Xte), atol=1e-12)


@pytest.mark.parametrize("algorithm", ["brute", "kd_tree"])
@pytest.mark.parametrize("weights", ["uniform", "distance"])
@pytest.mark.parametrize("p", [1, 2, 3])
def test_knn_regressor_matches_sklearn_on_diabetes(algorithm, weights, p):
    Xtr, Xte, ytr, _ = _split(load_diabetes)
    kw = {"n_neighbors": 7, "weights": weights, "algorithm": algorithm, "p": p}
    ours = gn.KNeighborsRegressor(**kw).fit(Xtr, ytr)
    ref = skn.KNeighborsRegressor(**kw).fit(Xtr, ytr)
    np.testing.assert_allclose(ours.predict(Xte), ref.predict(Xte), rtol=1e-10)


@pytest.mark.parametrize("algorithm", ["brute", "kd_tree"])
@pytest.mark.parametrize("shape", [(300, 2), (500, 6), (200, 20)])
def test_kneighbors_distances_and_indices_match_sklearn(algorithm, shape, rng):
    X = rng.standard_normal(shape)
    Q = rng.standard_normal((97, shape[1]))
    ours = gn.NearestNeighbors(n_neighbors=8, algorithm=algorithm, leaf_size=10).fit(X)
    ref = skn.NearestNeighbors(n_neighbors=8, algorithm="brute").fit(X)
    d_o, i_o = ours.kneighbors(Q)
    d_r, i_r = ref.kneighbors(Q)
    np.testing.assert_array_equal(i_o, i_r)
    np.testing.assert_allclose(d_o, d_r, rtol=1e-10, atol=1e-12)
    # queries = training set: each point is not its own neighbour
    d_o, i_o = ours.kneighbors(n_neighbors=3)
    d_r, i_r = ref.kneighbors(n_neighbors=3)
    np.testing.assert_array_equal(i_o, i_r)
    np.testing.assert_allclose(d_o, d_r, rtol=1e-10, atol=1e-12)


def test_radius_neighbors_match_sklearn(rng):
    X = rng.standard_normal((200, 3))
    Q = rng.standard_normal((40, 3))
    ours = gn.NearestNeighbors(radius=0.8).fit(X)
    ref = skn.NearestNeighbors(radius=0.8).fit(X)
    d_o, i_o = ours.radius_neighbors(Q, sort_results=True)
    d_r, i_r = ref.radius_neighbors(Q, sort_results=True)
    for a, b, c, d in zip(d_o, d_r, i_o, i_r):
        np.testing.assert_array_equal(c, d)
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    i_o = ours.radius_neighbors(return_distance=False)
    i_r = ref.radius_neighbors(return_distance=False)
    for c, d in zip(i_o, i_r):
        np.testing.assert_array_equal(np.sort(c), np.sort(d))


def test_kd_tree_leaves_partition_the_data(rng):
    X = rng.standard_normal((1000, 3))
    tree = gn.KDTree(X, leaf_size=16)
    members = tree.leaf_index[tree.leaf_index >= 0]
    np.testing.assert_array_equal(np.sort(members), np.arange(1000))
    assert (tree.leaf_index >= 0).sum(axis=1).max() <= 16
    # every point lies inside its leaf's bounding box
    for j, row in enumerate(tree.leaf_index):
        pts = X[row[row >= 0]]
        assert np.all(pts >= tree.lower[j]) and np.all(pts <= tree.upper[j])


def test_bad_parameters_are_named():
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="weights.*'gaussian'"):
        gn.KNeighborsClassifier(weights="gaussian").fit(X, y)
    with pytest.raises(ValueError, match="algorithm.*'ball_tree'"):
        gn.KNeighborsClassifier(algorithm="ball_tree").fit(X, y)
    with pytest.raises(ValueError, match="n_neighbors <= n_samples_fit.*= 200"):
        gn.KNeighborsClassifier(n_neighbors=200).fit(X, y).predict(X)
    with pytest.raises(ValueError, match="p must be.*0.5"):
        gn.KNeighborsRegressor(p=0.5).fit(X, y)


def _without_array_api(estimators):
    """scikit-learn's checks minus the array-API ones (skipped there; groundup is NumPy-only)."""
    mark = parametrize_with_checks(estimators)
    params = [p for p in mark.args[1] if "array_api" not in str(p)]
    return pytest.mark.parametrize(mark.args[0], params, ids=mark.kwargs["ids"])


@_without_array_api(
    [
        gn.KNeighborsClassifier(n_neighbors=2),
        gn.KNeighborsClassifier(algorithm="kd_tree", weights="distance"),
        gn.KNeighborsRegressor(n_neighbors=2),
        gn.NearestNeighbors(),
    ]
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
