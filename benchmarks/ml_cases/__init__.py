"""Benchmark cases for the classical-ML suite, one module per estimator family.

Each module ``benchmarks/ml_cases/<family>.py`` defines ``CASES: list[Case]``; ``bench_ml.py``
gathers them all, fits each estimator beside its scikit-learn twin in one process on the
named dataset, and prints one table (metric, fit-time ratio, predict-time ratio).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

DATASETS = ("iris", "wine", "breast_cancer", "digits", "diabetes", "penguins", "synthetic20k")


@dataclass(frozen=True)
class Case:
    """One benchmark row.

    estimator: display name (``"DecisionTreeClassifier"``).
    dataset: one of ``DATASETS`` (``synthetic20k`` is
        ``make_classification(n_samples=20000, n_features=50, random_state=0)``).
    ours / reference: zero-argument factories returning unfitted estimators.
    task: decides the metric — accuracy (classification), R² (regression), adjusted Rand
        against the labels (clustering), or reconstruction / none (transform).
    """

    estimator: str
    dataset: str
    ours: Callable[[], Any]
    reference: Callable[[], Any]
    task: Literal["classification", "regression", "clustering", "transform"]
    scale: bool = field(default=False)  # standardise features first (SVM, kNN, linear models)
