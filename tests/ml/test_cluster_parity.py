"""Clustering estimators against their scikit-learn twins on real and synthetic data."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.cluster as skc
from sklearn.datasets import load_digits, load_iris, load_wine, make_blobs, make_moons
from sklearn.exceptions import NotFittedError
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture as SkGaussianMixture
from threadpoolctl import threadpool_limits

from groundup.ml.cluster import (
    DBSCAN,
    AgglomerativeClustering,
    GaussianMixture,
    KMeans,
    MiniBatchKMeans,
    kmeans_plusplus,
)


@pytest.fixture(scope="module", autouse=True)
def _one_thread():
    """sklearn's OpenMP threads fight over the shared cores; one thread keeps timings sane."""
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="module")
def digits():
    return load_digits(return_X_y=True)


@pytest.fixture(scope="module")
def blobs():
    return make_blobs(n_samples=600, centers=5, cluster_std=1.2, random_state=0)


def test_kmeans_plusplus_same_seeds_as_sklearn(digits):
    X = digits[0]
    for seed in (0, 1, 2):
        ours_c, ours_i = kmeans_plusplus(X, 10, random_state=seed)
        ref_c, ref_i = skc.kmeans_plusplus(X, 10, random_state=seed)
        np.testing.assert_array_equal(ours_i, ref_i)
        np.testing.assert_allclose(ours_c, ref_c)


@pytest.mark.parametrize(
    "kw",
    [
        {"n_clusters": 10, "random_state": 0},
        {"n_clusters": 10, "random_state": 3, "n_init": 3},
        {"n_clusters": 10, "init": "random", "n_init": 2, "random_state": 0},
    ],
)
def test_kmeans_matches_sklearn_on_digits(digits, kw):
    X, y = digits
    ours, ref = KMeans(**kw).fit(X), skc.KMeans(**kw).fit(X)
    ari = adjusted_rand_score(ours.labels_, ref.labels_)
    assert ari >= 1 - 1e-12, f"ARI(ours, sklearn) = {ari}"
    assert abs(ours.inertia_ - ref.inertia_) <= 1e-9 * ref.inertia_, (ours.inertia_, ref.inertia_)
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, atol=1e-9)
    assert ours.n_iter_ == ref.n_iter_
    np.testing.assert_array_equal(ours.predict(X[:50]), ref.predict(X[:50]))
    np.testing.assert_allclose(ours.transform(X[:50]), ref.transform(X[:50]), atol=1e-8)
    np.testing.assert_allclose(ours.score(X), ref.score(X), rtol=1e-10)
    gap = abs(adjusted_rand_score(y, ours.labels_) - adjusted_rand_score(y, ref.labels_))
    assert gap <= 0.02, f"ARI against digit labels differs by {gap}"


@pytest.mark.parametrize("k", [2, 3])
def test_kmeans_few_centres_identical_to_sklearn(k, rng):
    """k ≤ 3 takes the matrix–vector distance path; sums are corrected incrementally as
    labels settle. Both must leave the result exactly sklearn's (weighted, several inits)."""
    X = rng.normal(size=(3000, 20)) + np.repeat(rng.normal(scale=2.0, size=(3, 20)), 1000, axis=0)
    w = rng.random(X.shape[0]) + 0.5
    ours = KMeans(k, n_init=3, random_state=0).fit(X, sample_weight=w)
    ref = skc.KMeans(k, n_init=3, random_state=0).fit(X, sample_weight=w)
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, atol=1e-9)
    np.testing.assert_allclose(ours.inertia_, ref.inertia_, rtol=1e-10)
    assert ours.n_iter_ == ref.n_iter_
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))


def test_kmeans_weighted_and_array_init(blobs, rng):
    X, _ = blobs
    w = rng.random(X.shape[0]) + 0.1
    init = X[:4]
    ours = KMeans(4, init=init).fit(X, sample_weight=w)
    ref = skc.KMeans(4, init=init, n_init=1).fit(X, sample_weight=w)
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, atol=1e-9)
    np.testing.assert_allclose(ours.inertia_, ref.inertia_, rtol=1e-10)


@pytest.mark.parametrize(
    "kw",
    [
        {"n_clusters": 10, "random_state": 0},
        {"n_clusters": 10, "random_state": 1, "batch_size": 256},
        {"n_clusters": 10, "random_state": 2, "batch_size": 200, "init": "random"},
        {"n_clusters": 10, "random_state": 3, "batch_size": 100, "tol": 1e-3},
    ],
)
def test_minibatch_kmeans_identical_to_sklearn(digits, kw):
    """Same seeding, batch draws, count-based updates and reassignments as sklearn: the
    same centres (to rounding) for the same random_state."""
    X, y = digits
    ours, ref = MiniBatchKMeans(**kw).fit(X), skc.MiniBatchKMeans(**kw).fit(X)
    assert ours.n_steps_ == ref.n_steps_ and ours.n_iter_ == ref.n_iter_
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, atol=1e-9)
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    np.testing.assert_allclose(ours.inertia_, ref.inertia_, rtol=1e-10)
    gap = abs(adjusted_rand_score(y, ours.labels_) - adjusted_rand_score(y, ref.labels_))
    assert gap <= 0.02, f"ARI against digit labels differs by {gap}"


def test_minibatch_kmeans_weights_and_blobs(blobs, rng):
    X, y = blobs
    w = rng.random(X.shape[0]) + 0.5
    ours = MiniBatchKMeans(5, random_state=0, batch_size=128).fit(X, sample_weight=w)
    ref = skc.MiniBatchKMeans(5, random_state=0, batch_size=128).fit(X, sample_weight=w)
    np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, atol=1e-9)
    gap = abs(adjusted_rand_score(y, ours.labels_) - adjusted_rand_score(y, ref.labels_))
    assert gap <= 0.02, f"blobs: ARI gap to sklearn {gap:.4f}"


def test_minibatch_partial_fit_identical_to_sklearn(blobs, rng):
    X, _ = blobs
    w = rng.random(X.shape[0]) + 0.5
    for seed in range(2):
        ours, ref = MiniBatchKMeans(5, random_state=seed), skc.MiniBatchKMeans(5, random_state=seed)
        for start in range(0, 600, 100):
            ours.partial_fit(X[start : start + 100], sample_weight=w[start : start + 100])
            ref.partial_fit(X[start : start + 100], sample_weight=w[start : start + 100])
        np.testing.assert_allclose(ours.cluster_centers_, ref.cluster_centers_, atol=1e-9)
        assert ours.n_steps_ == ref.n_steps_ == 6


@pytest.mark.parametrize(
    "data,eps,min_samples",
    [
        ("digits", 20.0, 5),
        ("digits", 23.0, 10),
        ("moons", 0.12, 5),
        ("blobs", 0.8, 8),
        # iris is recorded to 0.1 cm: many pairs lie exactly eps apart
        ("iris", 0.5, 5),
        ("iris", 0.3, 4),
    ],
)
def test_dbscan_labels_equal_sklearn(digits, blobs, data, eps, min_samples):
    X = {
        "digits": digits[0],
        "blobs": blobs[0],
        "moons": make_moons(400, noise=0.08, random_state=0)[0],
        "iris": load_iris().data,
    }[data]
    ours = DBSCAN(eps=eps, min_samples=min_samples).fit(X)
    ref = skc.DBSCAN(eps=eps, min_samples=min_samples).fit(X)
    np.testing.assert_array_equal(ours.core_sample_indices_, ref.core_sample_indices_)
    np.testing.assert_array_equal(
        ours.labels_, ref.labels_
    )  # same numbering, border points included
    assert len(np.unique(ours.labels_)) > 2  # the case is not trivial


def test_dbscan_weights_and_precomputed(blobs, rng):
    X = blobs[0][:200]
    w = rng.integers(-1, 4, 200)  # negative weights are allowed, as in sklearn
    ours = DBSCAN(eps=0.6, min_samples=6).fit(X, sample_weight=w)
    ref = skc.DBSCAN(eps=0.6, min_samples=6).fit(X, sample_weight=w)
    np.testing.assert_array_equal(ours.labels_, ref.labels_)
    D = np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1))
    ours_pre, ref_pre = (
        DBSCAN(eps=0.6, metric="precomputed").fit(D),
        skc.DBSCAN(eps=0.6, metric="precomputed").fit(D),
    )
    np.testing.assert_array_equal(ours_pre.labels_, ref_pre.labels_)
    np.testing.assert_array_equal(ours_pre.components_, ref_pre.components_)


@pytest.mark.parametrize("cov", ["full", "tied", "diag", "spherical"])
@pytest.mark.parametrize("init", ["kmeans", "random"])
def test_gaussian_mixture_matches_sklearn(cov, init):
    X = load_wine().data[:, :5]
    kw = {
        "n_components": 3,
        "covariance_type": cov,
        "init_params": init,
        "random_state": 0,
        "n_init": 2,
    }
    ours, ref = GaussianMixture(**kw).fit(X), SkGaussianMixture(**kw).fit(X)
    assert abs(ours.lower_bound_ - ref.lower_bound_) <= 1e-9, (ours.lower_bound_, ref.lower_bound_)
    np.testing.assert_allclose(ours.weights_, ref.weights_, atol=1e-8)
    np.testing.assert_allclose(ours.means_, ref.means_, rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(ours.covariances_, ref.covariances_, rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(ours.precisions_, ref.precisions_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-7)
    np.testing.assert_allclose(ours.score_samples(X), ref.score_samples(X), rtol=1e-9)
    np.testing.assert_allclose([ours.bic(X), ours.aic(X)], [ref.bic(X), ref.aic(X)], rtol=1e-10)
    assert ours.n_iter_ == ref.n_iter_ and ours.converged_ == ref.converged_


def test_gaussian_mixture_clusters_digits_like_sklearn(digits):
    X, y = digits
    kw = {"n_components": 10, "covariance_type": "diag", "reg_covar": 1e-2, "random_state": 0}
    ours, ref = GaussianMixture(**kw).fit(X), SkGaussianMixture(**kw).fit(X)
    gap = abs(adjusted_rand_score(y, ours.predict(X)) - adjusted_rand_score(y, ref.predict(X)))
    assert gap <= 0.02, f"ARI gap {gap}"
    Xs, labels = ours.sample(500)
    assert Xs.shape == (500, 64) and np.bincount(labels, minlength=10).sum() == 500


@pytest.mark.parametrize("linkage", ["ward", "complete", "average", "single"])
def test_agglomerative_matches_sklearn(digits, blobs, linkage, rng):
    # tiny jitter removes exact distance ties (digits has integer pixels)
    X = digits[0][:500] + rng.normal(0, 1e-6, (500, 64))
    for data, k in ((X, 10), (blobs[0], 5)):
        ours = AgglomerativeClustering(k, linkage=linkage, compute_distances=True).fit(data)
        ref = skc.AgglomerativeClustering(k, linkage=linkage, compute_distances=True).fit(data)
        ari = adjusted_rand_score(ours.labels_, ref.labels_)
        assert ari >= 1 - 1e-12, f"{linkage}: ARI(ours, sklearn) = {ari}"
        np.testing.assert_allclose(ours.distances_, ref.distances_, rtol=1e-9)
    yb = blobs[1]
    thr = AgglomerativeClustering(None, linkage=linkage, distance_threshold=5.0).fit(blobs[0])
    ref = skc.AgglomerativeClustering(None, linkage=linkage, distance_threshold=5.0).fit(blobs[0])
    assert thr.n_clusters_ == ref.n_clusters_
    assert adjusted_rand_score(thr.labels_, ref.labels_) >= 1 - 1e-12
    assert yb.shape[0] == thr.labels_.shape[0]


def test_agglomerative_other_metrics(rng):
    X = rng.standard_normal((120, 4))
    for metric in ("manhattan", "cosine"):
        ours = AgglomerativeClustering(4, metric=metric, linkage="average").fit(X)
        ref = skc.AgglomerativeClustering(4, metric=metric, linkage="average").fit(X)
        assert adjusted_rand_score(ours.labels_, ref.labels_) >= 1 - 1e-12


def test_clustering_ari_on_iris_within_002_of_sklearn():
    X, y = load_iris(return_X_y=True)
    pairs = [
        (KMeans(3, random_state=0), skc.KMeans(3, random_state=0)),
        (GaussianMixture(3, random_state=0), SkGaussianMixture(3, random_state=0)),
        (AgglomerativeClustering(3), skc.AgglomerativeClustering(3)),
        (DBSCAN(eps=0.5, min_samples=5), skc.DBSCAN(eps=0.5, min_samples=5)),
    ]
    for ours, ref in pairs:
        a, b = (
            adjusted_rand_score(y, ours.fit_predict(X)),
            adjusted_rand_score(y, ref.fit_predict(X)),
        )
        assert abs(a - b) <= 0.02, f"{type(ours).__name__}: ours {a:.4f} vs sklearn {b:.4f}"


def test_bad_inputs_are_refused(blobs):
    X = blobs[0]
    with pytest.raises(NotFittedError):
        KMeans(3).predict(X)
    with pytest.raises(NotFittedError):
        GaussianMixture(2).predict(X)
    with pytest.raises(ValueError, match="NaN"):
        KMeans(3).fit(np.where(np.eye(10, 2) > 0, np.nan, 1.0))
    with pytest.raises(ValueError, match="n_samples=2 should be >= n_clusters=3"):
        KMeans(3).fit(X[:2])
    with pytest.raises(ValueError, match="features"):
        KMeans(3, random_state=0).fit(X).predict(X[:, :1])
    with pytest.raises(ValueError, match="n_clusters must be an integer >= 1, got 0"):
        KMeans(0).fit(X)
    with pytest.raises(ValueError, match="init should be 'k-means\\+\\+', 'random' or an array"):
        KMeans(3, init="kmeans").fit(X)
    with pytest.raises(ValueError, match="eps must be a float > 0, got -1"):
        DBSCAN(eps=-1).fit(X)
    with pytest.raises(ValueError, match="covariance_type must be one of"):
        GaussianMixture(2, covariance_type="round").fit(X)
    with pytest.raises(ValueError, match="Ward can only work with euclidean"):
        AgglomerativeClustering(2, metric="cosine").fit(X)
    with pytest.raises(ValueError, match="Exactly one of n_clusters and distance_threshold"):
        AgglomerativeClustering(2, distance_threshold=1.0).fit(X)
    with pytest.raises(ValueError, match="ill-defined empirical covariance"):
        GaussianMixture(2, reg_covar=0.0, random_state=0).fit(np.repeat(X[:3], 5, axis=0))


def test_dbscan_blocks_give_the_same_labels(digits, monkeypatch):
    """Distance blocks of a few rows (forced) find the same neighbourhoods as one block."""
    import groundup.ml.cluster.dbscan as gdb

    X = digits[0][:400]
    whole = DBSCAN(eps=20.0, min_samples=4).fit(X).labels_
    monkeypatch.setattr(gdb, "_BLOCK_BYTES", 8 * 400 * 7)  # 7 rows per block
    np.testing.assert_array_equal(DBSCAN(eps=20.0, min_samples=4).fit(X).labels_, whole)
    np.testing.assert_array_equal(whole, skc.DBSCAN(eps=20.0, min_samples=4).fit(X).labels_)


@pytest.mark.parametrize("linkage", ["ward", "complete", "average", "single"])
def test_agglomerative_on_full_digits_within_002_of_sklearn(digits, linkage):
    """All 1,797 raw digits (integer pixels, so distance ties exist): the ARI against the
    true digit labels is within 0.02 of scikit-learn's."""
    X, y = digits
    ours = AgglomerativeClustering(10, linkage=linkage).fit(X)
    ref = skc.AgglomerativeClustering(10, linkage=linkage).fit(X)
    a, b = adjusted_rand_score(y, ours.labels_), adjusted_rand_score(y, ref.labels_)
    agreement = adjusted_rand_score(ours.labels_, ref.labels_)
    assert abs(a - b) <= 0.02, (
        f"{linkage}: ARI ours {a:.4f} vs sklearn {b:.4f} (agreement {agreement:.4f})"
    )


@pytest.mark.parametrize("cov", ["full", "diag"])
def test_gaussian_mixture_explicit_initial_values(cov, rng):
    X = load_wine().data[:, :4]
    means = X[rng.choice(len(X), 3, replace=False)]
    weights = np.array([0.2, 0.3, 0.5])
    d = X.shape[1]
    prec = (
        np.stack([np.eye(d) / X.var(0).mean()] * 3) if cov == "full" else np.ones((3, d)) / X.var(0)
    )
    kw = {
        "covariance_type": cov,
        "means_init": means,
        "weights_init": weights,
        "precisions_init": prec,
    }
    ours, ref = GaussianMixture(3, **kw).fit(X), SkGaussianMixture(3, **kw).fit(X)
    assert abs(ours.lower_bound_ - ref.lower_bound_) <= 1e-9
    np.testing.assert_allclose(ours.means_, ref.means_, rtol=1e-7, atol=1e-8)
    assert ours.n_iter_ == ref.n_iter_
