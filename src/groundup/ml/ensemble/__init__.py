"""Tree ensembles from scratch: forests, extra trees, AdaBoost, gradient boosting.

See docs/notes/trees-and-ensembles.md.
"""

from ._forest import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)

__all__ = [
    "ExtraTreesClassifier",
    "ExtraTreesRegressor",
    "RandomForestClassifier",
    "RandomForestRegressor",
]
