"""Feature selection: variance threshold and k-best by ANOVA F or mutual information.

See docs/notes/svm.md#feature-selection.
"""

from groundup.ml.feature_selection._mutual_info import mutual_info_classif
from groundup.ml.feature_selection._univariate import SelectKBest, f_classif
from groundup.ml.feature_selection._variance import VarianceThreshold

__all__ = ["SelectKBest", "VarianceThreshold", "f_classif", "mutual_info_classif"]
