"""scikit-learn's estimator checks for groundup's decomposition and manifold estimators."""

from __future__ import annotations

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks
from threadpoolctl import threadpool_limits

from groundup.ml.decomposition import NMF, PCA, KernelPCA, TruncatedSVD
from groundup.ml.manifold import TSNE

EXPECTED: dict[str, dict[str, str]] = {}


@pytest.fixture(autouse=True)
def _one_thread():
    with threadpool_limits(limits=1):
        yield


@parametrize_with_checks(
    [
        PCA(n_components=2),
        TruncatedSVD(n_components=2, random_state=0),
        NMF(n_components=2, random_state=0),
        KernelPCA(n_components=2, kernel="rbf"),
        TSNE(perplexity=2, max_iter=250, random_state=0),
    ],
    expected_failed_checks=lambda est: EXPECTED.get(type(est).__name__, {}),
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
