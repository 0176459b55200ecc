"""t-SNE against scikit-learn's exact t-SNE on a digits subset (trustworthiness)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.manifold import TSNE as SkTSNE
from sklearn.manifold import trustworthiness
from threadpoolctl import threadpool_limits

from groundup.ml.manifold import TSNE
from groundup.ml.manifold.tsne import (
    _sq_dists,
    conditional_probabilities,
    kl_divergence_and_gradient,
)


@pytest.fixture(scope="module", autouse=True)
def _one_thread():
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="module")
def subset():
    X, y = load_digits(return_X_y=True)
    return X[:250], y[:250]


@pytest.mark.parametrize("init", ["pca", "random"])
def test_trustworthiness_within_002_of_sklearn(subset, init):
    X, _ = subset
    ours = TSNE(init=init, max_iter=500, random_state=0).fit_transform(X)
    ref = SkTSNE(init=init, method="exact", max_iter=500, random_state=0).fit_transform(X)
    t_ours, t_ref = trustworthiness(X, ours, n_neighbors=5), trustworthiness(X, ref, n_neighbors=5)
    assert abs(t_ours - t_ref) <= 0.02, f"trustworthiness ours {t_ours:.4f} vs sklearn {t_ref:.4f}"
    assert t_ours > 0.95


def test_perplexity_calibration_against_sklearn_internals(subset):
    """Each row's conditional distribution has entropy log(perplexity), as sklearn's search finds."""
    from sklearn.manifold._utils import _binary_search_perplexity

    X, _ = subset
    D = _sq_dists(X)
    P = conditional_probabilities(D, 20.0)
    ref = _binary_search_perplexity(D.astype(np.float32), 20.0, 0)
    H = -np.sum(np.where(P > 0, P * np.log(np.where(P > 0, P, 1)), 0), axis=1)
    np.testing.assert_allclose(H, np.log(20.0), atol=2e-5)
    np.testing.assert_allclose(P, ref, atol=1e-5)


def test_gradient_matches_finite_differences_and_sklearn(rng):
    from scipy.spatial.distance import squareform
    from sklearn.manifold._t_sne import _kl_divergence

    n = 12
    P = rng.random((n, n))
    P = P + P.T
    np.fill_diagonal(P, 0)
    P /= P.sum()
    Y = rng.standard_normal((n, 2))
    kl, grad = kl_divergence_and_gradient(Y, P, 1.0)
    ref_kl, ref_grad = _kl_divergence(Y.ravel(), squareform(P, checks=False), 1, n, 2)
    np.testing.assert_allclose(kl, ref_kl, rtol=1e-10)
    np.testing.assert_allclose(grad.ravel(), ref_grad, rtol=1e-10, atol=1e-14)
    h = 1e-6
    num = np.zeros_like(Y)
    for i in range(n):
        for j in range(2):
            E = np.zeros_like(Y)
            E[i, j] = h
            num[i, j] = (
                kl_divergence_and_gradient(Y + E, P, 1.0)[0]
                - kl_divergence_and_gradient(Y - E, P, 1.0)[0]
            ) / (2 * h)
    np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-8)


def test_determinism_and_bad_inputs(subset):
    X = subset[0][:60]
    a = TSNE(perplexity=10, max_iter=250, random_state=3).fit_transform(X)
    b = TSNE(perplexity=10, max_iter=250, random_state=3).fit_transform(X)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(
        ValueError,
        match="perplexity \\(100\\) must be a positive number less than n_samples \\(60\\)",
    ):
        TSNE(perplexity=100).fit(X)
    with pytest.raises(ValueError, match="method must be 'exact'"):
        TSNE(method="barnes_hut").fit(X)
    with pytest.raises(ValueError, match="max_iter should be an integer >= 250"):
        TSNE(max_iter=10).fit(X)
    with pytest.raises(ValueError, match="NaN"):
        TSNE().fit(np.full((5, 2), np.nan))
