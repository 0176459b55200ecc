"""Label encoding: map class labels to 0 … n_classes − 1 and back.

See docs/notes/svm.md#preprocessing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted, column_or_1d


class LabelEncoder(TransformerMixin, BaseEstimator):
    """Encode target labels as integers 0 … n_classes − 1.

    classes_ = sorted unique labels; y' = i where y = classes_[i], found by binary search
    (``np.searchsorted``). See docs/notes/svm.md#preprocessing.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    """

    def fit(self, y: ArrayLike) -> LabelEncoder:
        """Learn the sorted set of labels in ``y``."""
        yv = column_or_1d(y, warn=True)
        self.classes_ = np.unique(yv)
        return self

    def fit_transform(self, y: ArrayLike) -> NDArray[np.intp]:  # type: ignore[override]
        """Fit, then encode ``y``."""
        yv = column_or_1d(y, warn=True)
        self.classes_, codes = np.unique(yv, return_inverse=True)
        return codes.astype(np.intp)

    def transform(self, y: ArrayLike) -> NDArray[np.intp]:
        """Return the index of each label in ``classes_``."""
        check_is_fitted(self)
        yv = column_or_1d(y, warn=True)
        if yv.size == 0:
            return np.array([], dtype=np.intp)
        idx = np.clip(np.searchsorted(self.classes_, yv), 0, len(self.classes_) - 1)
        unknown = self.classes_[idx] != yv
        if np.any(unknown):
            raise ValueError(f"y contains previously unseen labels: {np.unique(yv[unknown])!r}")
        return idx.astype(np.intp)

    def inverse_transform(self, y: ArrayLike) -> NDArray[Any]:
        """Return ``classes_[y]``."""
        check_is_fitted(self)
        yv = column_or_1d(y, warn=True)
        if yv.size == 0:
            return np.array([], dtype=self.classes_.dtype)
        bad = np.setdiff1d(yv, np.arange(len(self.classes_)))
        if len(bad):
            raise ValueError(f"y contains previously unseen labels: {bad!r}")
        return self.classes_[np.asarray(yv, dtype=np.intp)]

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.target_tags.one_d_labels = True
        return tags
