"""scikit-learn's estimator checks for every groundup preprocessing transformer."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from groundup.ml.preprocessing import (
    LabelEncoder,
    MinMaxScaler,
    OneHotEncoder,
    OrdinalEncoder,
    PolynomialFeatures,
    RobustScaler,
    SimpleImputer,
    StandardScaler,
)

ESTIMATORS = [
    StandardScaler(),
    StandardScaler(with_mean=False),
    MinMaxScaler(),
    RobustScaler(),
    OneHotEncoder(handle_unknown="ignore"),
    OrdinalEncoder(),
    LabelEncoder(),
    PolynomialFeatures(),
    SimpleImputer(),
    SimpleImputer(strategy="most_frequent"),
]


def _without_array_api(estimators):
    """All of scikit-learn's checks except the array-API ones.

    groundup is NumPy-only and claims no array-API support; scikit-learn itself only skips
    those checks (SCIPY_ARRAY_API unset), and a skip proves nothing, so they are not collected.
    """
    mark = parametrize_with_checks(estimators)
    params = [p for p in mark.args[1] if "array_api" not in str(p)]
    return pytest.mark.parametrize(mark.args[0], params, ids=mark.kwargs["ids"])


@_without_array_api(ESTIMATORS)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
