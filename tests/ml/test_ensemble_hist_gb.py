"""Histogram gradient boosting against scikit-learn's HistGradientBoosting*.

scikit-learn's twin runs on one OpenMP thread here (threadpool_limits): on a shared 2-core
machine its default threads spin and make the test slow; results do not depend on threads.
"""

import numpy as np
import pytest
from sklearn import ensemble as ske
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
    make_classification,
    make_regression,
)
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from groundup.ml.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from groundup.ml.ensemble._binning import find_thresholds
from groundup.ml.ensemble._hist_gb import holdout_split
from groundup.ml.ensemble._hist_splitter import HistParams, best_splits, prefix_sums


@pytest.fixture(autouse=True)
def _one_thread():
    with threadpool_limits(1):
        yield


def test_iris_multiclass_probabilities_equal_sklearn():
    """Same bins, same gradients, same best-first growth: probabilities agree to 1e-6."""
    X, y = load_iris(return_X_y=True)
    Xtr, Xte, ytr, _ = train_test_split(X, y, random_state=0)
    ours = HistGradientBoostingClassifier(max_iter=50).fit(Xtr, ytr)
    ref = ske.HistGradientBoostingClassifier(max_iter=50).fit(Xtr, ytr)
    np.testing.assert_allclose(ours.predict_proba(Xte), ref.predict_proba(Xte), atol=1e-6)
    np.testing.assert_allclose(ours.decision_function(Xte), ref.decision_function(Xte), atol=1e-5)


def test_diabetes_regression_equals_sklearn():
    """Squared-error boosting on diabetes: predictions agree to 1e-5 (relative)."""
    X, y = load_diabetes(return_X_y=True)
    Xtr, Xte, ytr, _ = train_test_split(X, y, random_state=0)
    ours = HistGradientBoostingRegressor(max_iter=50).fit(Xtr, ytr)
    ref = ske.HistGradientBoostingRegressor(max_iter=50).fit(Xtr, ytr)
    np.testing.assert_allclose(ours.predict(Xte), ref.predict(Xte), rtol=1e-5)


@pytest.mark.parametrize(
    ("loader", "max_iter"), [(load_wine, 100), (load_breast_cancer, 100), (load_digits, 20)]
)
def test_held_out_probabilities_equal_sklearn(loader, max_iter):
    """Same trees to the last bit, ties included: digits' first trees are full of pure nodes
    (every split gains rounding noise) and of pixels that split the same samples; wine and
    breast cancer grow whole levels at a time (their leaf budget never binds)."""
    X, y = loader(return_X_y=True)
    Xtr, Xte, ytr, _ = train_test_split(X, y, random_state=0, stratify=y)
    ours = HistGradientBoostingClassifier(max_iter=max_iter).fit(Xtr, ytr)
    ref = ske.HistGradientBoostingClassifier(max_iter=max_iter).fit(Xtr, ytr)
    np.testing.assert_allclose(ours.predict_proba(Xte), ref.predict_proba(Xte), rtol=0, atol=1e-12)


def test_weighted_fits_equal_sklearn(rng):
    """With sample weights scikit-learn bins at weighted percentiles and ignores zero-weight
    rows; so do we, and the weighted trees are then the same (measured ~4e-16)."""
    X, y = load_breast_cancer(return_X_y=True)
    Xtr, Xte, ytr, _ = train_test_split(X, y, random_state=0)
    w = rng.random(len(ytr)) + 0.1
    ours = HistGradientBoostingClassifier(max_iter=30).fit(Xtr, ytr, sample_weight=w)
    ref = ske.HistGradientBoostingClassifier(max_iter=30).fit(Xtr, ytr, sample_weight=w)
    np.testing.assert_allclose(ours.predict_proba(Xte), ref.predict_proba(Xte), rtol=0, atol=1e-12)
    X, y = load_diabetes(return_X_y=True)
    Xtr, Xte, ytr, _ = train_test_split(X, y, random_state=0)
    w = rng.random(len(ytr)) + 0.1
    w[:20] = 0.0
    ours_r = HistGradientBoostingRegressor(max_iter=30).fit(Xtr, ytr, sample_weight=w)
    ref_r = ske.HistGradientBoostingRegressor(max_iter=30).fit(Xtr, ytr, sample_weight=w)
    np.testing.assert_allclose(ours_r.predict(Xte), ref_r.predict(Xte), rtol=1e-12)


def test_weighted_percentiles_are_frequency_weights(rng):
    """Integer weights act as repetitions: the weighted thresholds equal the unweighted
    thresholds of the repeated data; unit weights equal NumPy's averaged inverted CDF."""
    X = rng.normal(size=(400, 3))
    counts = rng.integers(1, 4, size=400)
    weighted = find_thresholds(X, 16, 10**6, np.random.RandomState(0), counts.astype(float))
    repeated = find_thresholds(np.repeat(X, counts, axis=0), 16, 10**6, np.random.RandomState(0))
    unit = find_thresholds(X, 16, 10**6, np.random.RandomState(0), np.ones(400))
    plain = find_thresholds(X, 16, 10**6, np.random.RandomState(0))
    for f in range(3):
        np.testing.assert_array_equal(weighted[f], repeated[f])
        np.testing.assert_array_equal(unit[f], plain[f])
        assert plain[f].shape == (15,)


@pytest.mark.parametrize("subsample", [None, 150])
def test_weighted_thresholds_equal_sklearns_bin_mapper(subsample, rng):
    """Thresholds equal scikit-learn's _BinMapper with weights: weighted percentiles, or a
    subsample drawn with probability ∝ weight (same RandomState draws) and binned unweighted."""
    from sklearn.ensemble._hist_gradient_boosting.binning import _BinMapper

    X = rng.normal(size=(300, 4))
    X[:, 3] = rng.integers(0, 5, size=300)  # few distinct values: midpoints
    w = rng.random(300) * 2
    w[:10] = 0.0
    ref = _BinMapper(n_bins=33, subsample=subsample, random_state=7).fit(X, sample_weight=w)
    ours = find_thresholds(X, 32, subsample or 10**9, np.random.RandomState(7), w)
    for f in range(4):
        np.testing.assert_allclose(ours[f], ref.bin_thresholds_[f], rtol=0, atol=0)


def test_tied_features_split_like_sklearn():
    """A duplicated column offers every split twice with equal gains: sklearn takes the
    first feature, and so must we (gains summed in another order differ in the last bits)."""
    X, y = load_breast_cancer(return_X_y=True)
    X = np.column_stack([X[:, :5], X[:, :5]])
    ours = HistGradientBoostingClassifier(max_iter=20).fit(X, y)
    ref = ske.HistGradientBoostingClassifier(max_iter=20).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), rtol=0, atol=1e-12)


def test_equal_splits_summed_differently_split_like_sklearn(rng):
    """Feature 1 orders samples as feature 0 but bins the negative half coarser, so both
    offer the same splits with sums grouped differently: equal gains up to rounding, and
    sklearn's choice follows its own bin-by-bin sums (the fast prefix sums alone miss it
    on the third of these data sets)."""
    for _ in range(3):
        x = rng.standard_normal(600)
        coarse = np.where(x < 0, np.floor(x * 8) / 8, x)
        X = np.column_stack([x, coarse, rng.standard_normal((600, 2))])
        y = (x + 0.5 * rng.standard_normal(600) > 0).astype(int)
        ours = HistGradientBoostingClassifier(max_iter=30).fit(X, y)
        ref = ske.HistGradientBoostingClassifier(max_iter=30).fit(X, y)
        np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), rtol=0, atol=1e-12)


def test_tiny_data_predicts_the_baseline_like_sklearn():
    """Fewer than 2·min_samples_leaf samples: every tree is a root that predicts 0 (sklearn's
    rule), so the decision is the baseline log-odds, exactly 0 on balanced classes."""
    X = np.arange(60.0).reshape(30, 2)
    y = np.arange(30) % 2
    ours = HistGradientBoostingClassifier(max_iter=5).fit(X, y)
    ref = ske.HistGradientBoostingClassifier(max_iter=5).fit(X, y)
    np.testing.assert_array_equal(ours.decision_function(X), ref.decision_function(X))
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


def test_values_on_bin_thresholds_route_like_sklearn():
    """Prediction walks bin codes; x exactly on a threshold t_b must go left (x <= t_b) as
    sklearn's walk on raw values does: score every feature's thresholds themselves."""
    X, y = load_iris(return_X_y=True)
    ours = HistGradientBoostingClassifier(max_iter=20).fit(X, y)
    ref = ske.HistGradientBoostingClassifier(max_iter=20).fit(X, y)
    cols = ref._bin_mapper.bin_thresholds_
    depth = max(t.shape[0] for t in cols)
    grid = np.column_stack([np.resize(t, depth) for t in cols])
    np.testing.assert_allclose(ours.predict_proba(grid), ref.predict_proba(grid), atol=1e-12)


@pytest.mark.parametrize("stratify", [True, False])
def test_validation_split_is_train_test_splits(stratify, rng):
    """Early stopping holds out exactly the rows (in the order) sklearn's train_test_split
    returns for the same seed; imbalanced odd-sized classes exercise its rounding draws."""
    y = rng.choice(5, 997, p=[0.4, 0.3, 0.15, 0.1, 0.05])
    for seed in (0, 7, 4_000_000_000):
        train, val = holdout_split(y, 0.1, stratify, seed)
        ref_train, ref_val = train_test_split(
            np.arange(997), test_size=0.1, stratify=y if stratify else None, random_state=seed
        )
        np.testing.assert_array_equal(train, ref_train)
        np.testing.assert_array_equal(val, ref_val)


def test_early_stopping_stratified_split_needs_two_per_class():
    X = np.arange(100.0).reshape(50, 2)
    y = np.r_[np.zeros(49), 1]
    with pytest.raises(ValueError, match=r"classes \[1\] have 1"):
        HistGradientBoostingClassifier(early_stopping=True).fit(X, y)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_early_stopping_equals_sklearn(n_classes):
    """n > 10 000 turns early stopping on: the same held-out rows, the same validation loss
    after every iteration (1e-12), so the same stopping iteration and the same model."""
    X, y = make_classification(
        n_samples=11000, n_features=10, n_informative=5, n_classes=n_classes, random_state=0
    )
    Xtr, Xte, ytr, _ = train_test_split(X, y, random_state=0, train_size=10500)
    ours = HistGradientBoostingClassifier(max_iter=300, random_state=0).fit(Xtr, ytr)
    ref = ske.HistGradientBoostingClassifier(max_iter=300, random_state=0).fit(Xtr, ytr)
    assert ours.do_early_stopping_ and ours.n_iter_ < 300
    assert ours.n_iter_ == ref.n_iter_
    np.testing.assert_allclose(ours.validation_score_, ref.validation_score_, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours.predict_proba(Xte), ref.predict_proba(Xte), rtol=0, atol=1e-12)


def test_regression_early_stopping_equals_sklearn():
    X, y = make_regression(n_samples=10500, n_features=8, noise=10.0, random_state=0)
    ours = HistGradientBoostingRegressor(max_iter=60, random_state=1).fit(X, y)
    ref = ske.HistGradientBoostingRegressor(max_iter=60, random_state=1).fit(X, y)
    assert ours.do_early_stopping_ and ours.n_iter_ == ref.n_iter_
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-12, atol=1e-9)


def _scan(raw, G, H, value, msl, mh, lam):
    """scikit-learn's split scan, loop by loop: bins summed in order, first strictly best."""
    best = (-1.0, None, None)
    loss = G * value
    n = int(raw[1, 0].sum())
    for f in range(raw.shape[1]):
        gl = hl = 0.0
        nl = 0
        for b in range(raw.shape[2]):
            gl += raw[0, f, b]
            nl += int(raw[1, f, b])
            hl += raw[2, f, b]
            gr, hr = G - gl, H - hl
            if nl < msl or n - nl < msl or hl < mh or hr < mh:
                continue
            gain = loss - gl * (-gl / (hl + lam + 1e-15)) - gr * (-gr / (hr + lam + 1e-15))
            if gain > best[0] and gain > 0:
                best = (gain, f, b)
    return best


@pytest.mark.parametrize("n_samples", [45, 400])
def test_best_splits_equal_a_sequential_scan(n_samples, rng):
    """The vectorised search (compacted for small nodes, whole grid for large ones) returns
    the scan's split and gain bit for bit, on random nodes with a duplicated feature."""
    k, width, lam = 6, 48, 0.5
    params = HistParams(
        max_leaf_nodes=31, max_depth=None, min_samples_leaf=5, l2_regularization=lam
    )
    raw = np.zeros((4, 3, k, width))
    for node in raw:
        bins = rng.integers(0, 30, (n_samples, k))
        bins[:, 3] = bins[:, 0]  # every split of feature 0 again, with the same gain
        g = rng.standard_normal(n_samples).astype(np.float32).astype(np.float64)
        h = rng.uniform(0.05, 0.25, n_samples).astype(np.float32).astype(np.float64)
        for f in range(k):
            np.add.at(node[0, f], bins[:, f], g)
            np.add.at(node[1, f], bins[:, f], 1.0)
            np.add.at(node[2, f], bins[:, f], h)
    G, H = raw[:, 0, 0].sum(axis=1), raw[:, 2, 0].sum(axis=1)
    value = -G / (H + lam + 1e-15)
    cum = np.empty_like(raw)
    prefix_sums(raw, cum)
    s = best_splits(raw, cum, G, H, value, params)
    for j in range(4):
        gain, f, b = _scan(raw[j], G[j], H[j], value[j], 5, 1e-3, lam)
        i = int(np.flatnonzero(s.node == j)[0])
        assert (s.feature[i], s.bin[i]) == (f, b)
        assert s.gain[i] == gain


@pytest.mark.parametrize("width", [17, 32, 48, 256])
def test_prefix_sums_equal_cumsum(width, rng):
    """Blocked matrix-product prefix sums: counts exact, float sums to 1e-12."""
    a = rng.standard_normal((5, width))
    counts = rng.integers(0, 1000, (5, width)).astype(np.float64)
    out = np.empty_like(a)
    np.testing.assert_allclose(prefix_sums(a, out), np.cumsum(a, axis=1), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(prefix_sums(counts, out), np.cumsum(counts, axis=1))


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"learning_rate": 0.0}, "learning_rate"),
        ({"max_iter": 0}, "max_iter"),
        ({"max_leaf_nodes": 1}, "max_leaf_nodes"),
        ({"max_bins": 256}, "max_bins"),
        ({"early_stopping": "yes"}, "early_stopping"),
        ({"validation_fraction": 1.0}, "validation_fraction"),
        ({"l2_regularization": -1.0}, "l2_regularization"),
        ({"loss": "hinge"}, "loss"),
    ],
)
def test_invalid_hyper_parameters_are_named(params, word):
    X = np.arange(80.0).reshape(40, 2)
    y = np.arange(40) % 2
    with pytest.raises(ValueError, match=word):
        HistGradientBoostingClassifier(**params).fit(X, y)
