"""scikit-learn's estimator checks for SVC, SVR and LinearSVC."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from groundup.ml.svm import SVC, SVR, LinearSVC


def _without_array_api(estimators):
    """scikit-learn's checks minus the array-API ones (skipped there; groundup is NumPy-only)."""
    mark = parametrize_with_checks(estimators)
    params = [p for p in mark.args[1] if "array_api" not in str(p)]
    return pytest.mark.parametrize(mark.args[0], params, ids=mark.kwargs["ids"])


@_without_array_api([SVC(), SVC(kernel="linear"), SVR(), LinearSVC(max_iter=50)])
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
