"""Benchmark cases: k-nearest neighbours, brute force and k-d tree (standardised features)."""

from sklearn import neighbors as sk

from groundup.journey.ml_compare import Case
from groundup.ml import neighbors as ours

CASES: list[Case] = [
    Case(
        "KNeighborsClassifier",
        "iris",
        lambda: ours.KNeighborsClassifier(algorithm="kd_tree"),
        lambda: sk.KNeighborsClassifier(algorithm="kd_tree"),
        "classification",
        scale=True,
    ),
    Case(
        "KNeighborsClassifier",
        "digits",
        lambda: ours.KNeighborsClassifier(algorithm="brute"),
        lambda: sk.KNeighborsClassifier(algorithm="brute"),
        "classification",
        scale=True,
    ),
    Case(
        "KNeighborsClassifier",
        "synthetic20k",
        lambda: ours.KNeighborsClassifier(weights="distance"),
        lambda: sk.KNeighborsClassifier(weights="distance"),
        "classification",
        scale=True,
    ),
    Case(
        "KNeighborsRegressor",
        "diabetes",
        lambda: ours.KNeighborsRegressor(n_neighbors=10, weights="distance"),
        lambda: sk.KNeighborsRegressor(n_neighbors=10, weights="distance"),
        "regression",
        scale=True,
    ),
]
