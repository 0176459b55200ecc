"""Nearest-neighbour search, classification and regression (scikit-learn API).

See docs/notes/svm.md#nearest-neighbours.
"""

from groundup.ml.neighbors._estimators import (
    KNeighborsClassifier,
    KNeighborsRegressor,
    NearestNeighbors,
)
from groundup.ml.neighbors._kd_tree import KDTree

__all__ = ["KDTree", "KNeighborsClassifier", "KNeighborsRegressor", "NearestNeighbors"]
