"""Benchmark cases: CART decision trees (classification and regression)."""

from sklearn import tree as sk

from groundup.journey.ml_compare import Case
from groundup.ml import tree as ours

CASES: list[Case] = [
    Case(
        "DecisionTreeClassifier",
        "iris",
        lambda: ours.DecisionTreeClassifier(random_state=0),
        lambda: sk.DecisionTreeClassifier(random_state=0),
        "classification",
    ),
    Case(
        "DecisionTreeClassifier",
        "breast_cancer",
        lambda: ours.DecisionTreeClassifier(random_state=0),
        lambda: sk.DecisionTreeClassifier(random_state=0),
        "classification",
    ),
    Case(
        "DecisionTreeClassifier",
        "digits",
        lambda: ours.DecisionTreeClassifier(random_state=0),
        lambda: sk.DecisionTreeClassifier(random_state=0),
        "classification",
    ),
    Case(
        "DecisionTreeClassifier",
        "synthetic20k",
        lambda: ours.DecisionTreeClassifier(max_depth=10, random_state=0),
        lambda: sk.DecisionTreeClassifier(max_depth=10, random_state=0),
        "classification",
    ),
    Case(
        "DecisionTreeRegressor",
        "diabetes",
        lambda: ours.DecisionTreeRegressor(max_depth=5, random_state=0),
        lambda: sk.DecisionTreeRegressor(max_depth=5, random_state=0),
        "regression",
    ),
]
