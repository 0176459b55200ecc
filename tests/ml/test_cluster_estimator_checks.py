"""scikit-learn's estimator checks for every groundup clustering estimator."""

from __future__ import annotations

import pytest
import sklearn.cluster
from sklearn.utils.estimator_checks import (
    check_sample_weight_equivalence_on_dense_data,
    parametrize_with_checks,
)

from groundup.ml.cluster import (
    DBSCAN,
    AgglomerativeClustering,
    GaussianMixture,
    KMeans,
    MiniBatchKMeans,
)

# scikit-learn's own KMeans and MiniBatchKMeans fail this check too (verified in
# test_sklearn_twins_fail_the_same_checks below): a weight of 2 is not the same as a
# repeated sample for k-means++ seeding, which draws different random candidates.
_WEIGHT_REASON = (
    "sklearn's twin fails it too: seeding draws differ between weighted and repeated samples"
)
EXPECTED: dict[str, dict[str, str]] = {
    "KMeans": {"check_sample_weight_equivalence_on_dense_data": _WEIGHT_REASON},
    "MiniBatchKMeans": {"check_sample_weight_equivalence_on_dense_data": _WEIGHT_REASON},
}


@parametrize_with_checks(
    [
        KMeans(n_clusters=3, random_state=0, max_iter=50),
        MiniBatchKMeans(n_clusters=3, random_state=0, max_iter=20, batch_size=64),
        DBSCAN(),
        GaussianMixture(n_components=2, random_state=0, max_iter=30),
        AgglomerativeClustering(n_clusters=3),
    ],
    expected_failed_checks=lambda est: EXPECTED.get(type(est).__name__, {}),
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sklearn_twins_fail_the_same_checks(name):
    twin = getattr(sklearn.cluster, name)(n_clusters=3, random_state=0)
    with pytest.raises(AssertionError, match="Not equal to tolerance"):
        check_sample_weight_equivalence_on_dense_data(name, twin)
