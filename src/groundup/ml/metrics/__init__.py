"""Model evaluation metrics with scikit-learn's names and signatures.

Classification (labels, scores, probabilities), regression and clustering metrics, plus
scorers for model selection. See docs/notes/evaluation.md.
"""

from groundup.ml.metrics.classification import (
    accuracy_score,
    classification_report,
    confusion_matrix,
    f1_score,
    fbeta_score,
    precision_recall_fscore_support,
    precision_score,
    recall_score,
)
from groundup.ml.metrics.cluster import (
    adjusted_rand_score,
    mutual_info_score,
    normalized_mutual_info_score,
    pair_confusion_matrix,
    silhouette_samples,
    silhouette_score,
)
from groundup.ml.metrics.probabilistic import brier_score_loss, log_loss
from groundup.ml.metrics.ranking import (
    auc,
    average_precision_score,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)
from groundup.ml.metrics.regression import (
    mean_absolute_error,
    mean_squared_error,
    r2_score,
    root_mean_squared_error,
)
from groundup.ml.metrics.scorer import check_scoring, get_scorer, get_scorer_names, make_scorer

__all__ = [
    "accuracy_score",
    "adjusted_rand_score",
    "auc",
    "average_precision_score",
    "brier_score_loss",
    "check_scoring",
    "classification_report",
    "confusion_matrix",
    "f1_score",
    "fbeta_score",
    "get_scorer",
    "get_scorer_names",
    "log_loss",
    "make_scorer",
    "mean_absolute_error",
    "mean_squared_error",
    "mutual_info_score",
    "normalized_mutual_info_score",
    "pair_confusion_matrix",
    "precision_recall_curve",
    "precision_recall_fscore_support",
    "precision_score",
    "r2_score",
    "recall_score",
    "roc_auc_score",
    "roc_curve",
    "root_mean_squared_error",
    "silhouette_samples",
    "silhouette_score",
]
