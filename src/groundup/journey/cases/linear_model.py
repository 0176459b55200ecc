"""Benchmark cases: groundup.ml.linear_model beside scikit-learn's linear models."""

from sklearn import linear_model as sk

from groundup.journey.ml_compare import Case
from groundup.ml import linear_model as ours

CASES: list[Case] = [
    Case("LinearRegression", "diabetes", ours.LinearRegression, sk.LinearRegression, "regression"),
    Case(
        "Ridge",
        "diabetes",
        lambda: ours.Ridge(alpha=1.0),
        lambda: sk.Ridge(alpha=1.0),
        "regression",
    ),
    *(
        Case(
            "LogisticRegression",
            ds,
            lambda: ours.LogisticRegression(max_iter=200),
            lambda: sk.LogisticRegression(max_iter=200),
            "classification",
            scale=True,
        )
        for ds in ("iris", "breast_cancer", "digits", "synthetic20k")
    ),
    Case(
        "Lasso",
        "diabetes",
        lambda: ours.Lasso(alpha=0.1),
        lambda: sk.Lasso(alpha=0.1),
        "regression",
        scale=True,
    ),
    Case(
        "ElasticNet",
        "diabetes",
        lambda: ours.ElasticNet(alpha=0.1, l1_ratio=0.5),
        lambda: sk.ElasticNet(alpha=0.1, l1_ratio=0.5),
        "regression",
        scale=True,
    ),
    *(
        Case(
            "SGDClassifier",
            ds,
            lambda: ours.SGDClassifier(random_state=0),
            lambda: sk.SGDClassifier(random_state=0),
            "classification",
            scale=True,
        )
        for ds in ("breast_cancer", "digits", "synthetic20k")
    ),
    Case(
        "SGDRegressor",
        "diabetes",
        lambda: ours.SGDRegressor(random_state=0),
        lambda: sk.SGDRegressor(random_state=0),
        "regression",
        scale=True,
    ),
    *(
        Case(
            "Perceptron",
            ds,
            lambda: ours.Perceptron(random_state=0),
            lambda: sk.Perceptron(random_state=0),
            "classification",
            scale=True,
        )
        for ds in ("breast_cancer", "digits")
    ),
]
