"""scikit-learn's estimator checks over the from-scratch decision trees."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from groundup.ml.tree import DecisionTreeClassifier, DecisionTreeRegressor


@parametrize_with_checks(
    [DecisionTreeClassifier(random_state=0), DecisionTreeRegressor(random_state=0)]
)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
