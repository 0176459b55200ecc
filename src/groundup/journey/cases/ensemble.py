"""Benchmark cases: forests, extra trees, AdaBoost, gradient and histogram boosting."""

from sklearn import ensemble as sk

from groundup.journey.ml_compare import Case
from groundup.ml import ensemble as ours

CASES: list[Case] = [
    Case(
        "RandomForestClassifier",
        "breast_cancer",
        lambda: ours.RandomForestClassifier(random_state=0),
        lambda: sk.RandomForestClassifier(random_state=0),
        "classification",
    ),
    Case(
        "RandomForestClassifier",
        "digits",
        lambda: ours.RandomForestClassifier(random_state=0),
        lambda: sk.RandomForestClassifier(random_state=0),
        "classification",
    ),
    Case(
        "RandomForestClassifier",
        "synthetic20k",
        lambda: ours.RandomForestClassifier(n_estimators=30, random_state=0),
        lambda: sk.RandomForestClassifier(n_estimators=30, random_state=0),
        "classification",
    ),
    Case(
        "RandomForestRegressor",
        "diabetes",
        lambda: ours.RandomForestRegressor(random_state=0),
        lambda: sk.RandomForestRegressor(random_state=0),
        "regression",
    ),
    Case(
        "ExtraTreesClassifier",
        "digits",
        lambda: ours.ExtraTreesClassifier(random_state=0),
        lambda: sk.ExtraTreesClassifier(random_state=0),
        "classification",
    ),
    Case(
        "ExtraTreesRegressor",
        "diabetes",
        lambda: ours.ExtraTreesRegressor(random_state=0),
        lambda: sk.ExtraTreesRegressor(random_state=0),
        "regression",
    ),
    Case(
        "AdaBoostClassifier",
        "breast_cancer",
        lambda: ours.AdaBoostClassifier(random_state=0),
        lambda: sk.AdaBoostClassifier(random_state=0),
        "classification",
    ),
    Case(
        "AdaBoostClassifier",
        "digits",
        lambda: ours.AdaBoostClassifier(random_state=0),
        lambda: sk.AdaBoostClassifier(random_state=0),
        "classification",
    ),
    Case(
        "GradientBoostingClassifier",
        "breast_cancer",
        lambda: ours.GradientBoostingClassifier(random_state=0),
        lambda: sk.GradientBoostingClassifier(random_state=0),
        "classification",
    ),
    Case(
        "GradientBoostingClassifier",
        "digits",
        lambda: ours.GradientBoostingClassifier(n_estimators=20, random_state=0),
        lambda: sk.GradientBoostingClassifier(n_estimators=20, random_state=0),
        "classification",
    ),
    Case(
        "GradientBoostingRegressor",
        "diabetes",
        lambda: ours.GradientBoostingRegressor(random_state=0),
        lambda: sk.GradientBoostingRegressor(random_state=0),
        "regression",
    ),
    Case(
        "HistGradientBoostingClassifier",
        "breast_cancer",
        lambda: ours.HistGradientBoostingClassifier(random_state=0),
        lambda: sk.HistGradientBoostingClassifier(random_state=0),
        "classification",
    ),
    Case(
        "HistGradientBoostingClassifier",
        "digits",
        lambda: ours.HistGradientBoostingClassifier(random_state=0),
        lambda: sk.HistGradientBoostingClassifier(random_state=0),
        "classification",
    ),
    Case(
        "HistGradientBoostingClassifier",
        "synthetic20k",
        lambda: ours.HistGradientBoostingClassifier(random_state=0),
        lambda: sk.HistGradientBoostingClassifier(random_state=0),
        "classification",
    ),
    # Goal: our histogram boosting fits faster than sklearn's exact-split boosting at equal
    # or better accuracy, on a task big enough for histograms to pay (sklearn's GB takes tens
    # of seconds on it). The name is no wider than the other rows'; the breast_cancer twin
    # keeps the row in the quick journey, which skips synthetic20k.
    Case(
        "HistGB vs sklearn GB",
        "synthetic20k",
        lambda: ours.HistGradientBoostingClassifier(random_state=0),
        lambda: sk.GradientBoostingClassifier(random_state=0),
        "classification",
    ),
    Case(
        "HistGB vs sklearn GB",
        "breast_cancer",
        lambda: ours.HistGradientBoostingClassifier(random_state=0),
        lambda: sk.GradientBoostingClassifier(random_state=0),
        "classification",
    ),
    Case(
        "HistGradientBoostingRegressor",
        "diabetes",
        lambda: ours.HistGradientBoostingRegressor(random_state=0),
        lambda: sk.HistGradientBoostingRegressor(random_state=0),
        "regression",
    ),
]
