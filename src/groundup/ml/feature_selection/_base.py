"""What every feature selector shares: a boolean support mask and what follows from it.

See docs/notes/svm.md#feature-selection.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import TransformerMixin
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted, validate_data


class SelectorBase(TransformerMixin):
    """transform = keep the columns where ``_get_support_mask()`` is True."""

    def _get_support_mask(self) -> NDArray[np.bool_]:
        raise NotImplementedError

    def _validate_for_transform(self, X: ArrayLike) -> NDArray[Any]:
        return validate_data(self, X, reset=False, dtype=np.float64)  # type: ignore[arg-type]

    def get_support(self, indices: bool = False) -> NDArray[Any]:
        """Mask (or indices) of the selected features."""
        check_is_fitted(self)
        mask = self._get_support_mask()
        return np.flatnonzero(mask) if indices else mask

    def transform(self, X: ArrayLike) -> NDArray[Any]:
        """X restricted to the selected features."""
        check_is_fitted(self)
        Xv = self._validate_for_transform(X)
        return Xv[:, self._get_support_mask()]

    def inverse_transform(self, X: ArrayLike) -> NDArray[Any]:
        """Put the selected columns back in place, zeros elsewhere."""
        check_is_fitted(self)
        mask = self._get_support_mask()
        Xv = np.asarray(X, dtype=np.float64)
        if Xv.ndim == 1:
            Xv = Xv[None, :]
        if Xv.shape[1] != mask.sum():
            raise ValueError(
                f"X has {Xv.shape[1]} features, expected {int(mask.sum())} selected features"
            )
        out = np.zeros((Xv.shape[0], mask.size))
        out[:, mask] = Xv
        return out

    def get_feature_names_out(self, input_features: Any = None) -> NDArray[Any]:
        """Names of the selected input features."""
        check_is_fitted(self)
        names = np.asarray(_check_feature_names_in(self, input_features), dtype=object)
        return names[self._get_support_mask()]
