"""Model selection: data splitting, cross-validation, grid search, learning curves and the
bias-variance decomposition. See docs/notes/evaluation.md and docs/notes/bias-variance.md.
"""

from groundup.ml.model_selection.bias_variance import bias_variance_decomposition
from groundup.ml.model_selection.search import GridSearchCV, ParameterGrid
from groundup.ml.model_selection.split import KFold, StratifiedKFold, check_cv, train_test_split
from groundup.ml.model_selection.validation import (
    cross_val_score,
    cross_validate,
    learning_curve,
    validation_curve,
)

__all__ = [
    "GridSearchCV",
    "KFold",
    "ParameterGrid",
    "StratifiedKFold",
    "bias_variance_decomposition",
    "check_cv",
    "cross_val_score",
    "cross_validate",
    "learning_curve",
    "train_test_split",
    "validation_curve",
]
