"""Categorical encoders: one-hot and ordinal.

Categories are the sorted unique values of each column (``np.unique``), the same order as
scikit-learn's ``categories="auto"``. See docs/notes/svm.md#preprocessing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted, validate_data


def _as_categories(X: ArrayLike, est: BaseEstimator, reset: bool) -> NDArray[Any]:
    """Validate a 2-D categorical array: numbers stay numbers, anything else becomes object."""
    Xa = validate_data(est, X, dtype=None, reset=reset, ensure_all_finite=True)
    if Xa.dtype.kind not in "biuf":
        Xa = Xa.astype(object)
    return Xa


def _column_codes(
    column: NDArray[Any], cats: NDArray[Any]
) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
    """Index of each value of ``column`` in the sorted ``cats`` and a mask of known values.

    ``searchsorted`` gives the insertion point; a value is known only where the category at
    that point equals it.
    """
    if column.dtype == object or cats.dtype == object:
        column = column.astype(object)
        try:
            idx = np.searchsorted(cats, column)
        except TypeError:  # mixed types that cannot be ordered: fall back to a lookup table
            table = {v: i for i, v in enumerate(cats)}
            idx = np.array([table.get(v, -1) for v in column], dtype=np.intp)
            known = idx >= 0
            return np.where(known, idx, 0), known
    else:
        idx = np.searchsorted(cats, column)
    idx = np.clip(idx, 0, len(cats) - 1)
    known = cats[idx] == column
    return idx.astype(np.intp), np.asarray(known, dtype=bool)


def _fit_categories(X: NDArray[Any], categories: Any) -> list[NDArray[Any]]:
    """Sorted unique values per column, or the user's lists checked against the data."""
    if isinstance(categories, str):
        if categories != "auto":
            raise ValueError(f"categories must be 'auto' or a list of arrays, got {categories!r}")
        return [np.unique(X[:, j]) for j in range(X.shape[1])]
    if len(categories) != X.shape[1]:
        raise ValueError(
            f"Shape mismatch: if categories is an array, it has to be of shape "
            f"(n_features,) = ({X.shape[1]},), got {len(categories)} lists"
        )
    cats = []
    for j, c in enumerate(categories):
        arr = np.asarray(c)
        if arr.dtype.kind not in "biuf":
            arr = arr.astype(object)
        if not np.array_equal(np.sort(arr), arr):
            raise ValueError(f"Unsorted categories are not supported for column {j}")
        cats.append(arr)
    return cats


def _encode_column(
    Xc: NDArray[Any], j: int, cats: NDArray[Any], handle_unknown: str
) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
    """Codes and known-mask of column j (:func:`_column_codes`), refusing unseen categories.

    Under ``handle_unknown="error"`` an unseen value raises, naming it and its column.
    """
    idx, known = _column_codes(Xc[:, j], cats)
    if handle_unknown == "error" and not known.all():
        bad = Xc[~known, j][0]
        raise ValueError(f"Found unknown categories [{bad!r}] in column {j} during transform")
    return idx, known


class _BaseEncoder(TransformerMixin, BaseEstimator):
    """What the categorical encoders share: they take strings and categories as input."""

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.input_tags.categorical = True
        tags.input_tags.string = True
        return tags


class OneHotEncoder(_BaseEncoder):
    """Encode each categorical column as a block of 0/1 indicator columns.

    Column j with categories c₁ < … < c_k becomes k columns, e_i = [x_j = c_i]; with
    ``drop`` one column per feature is removed (the first, or the first of binary features)
    so the blocks are not collinear. Output is a dense ndarray: unlike scikit-learn the
    default is ``sparse_output=False`` (groundup has no sparse matrices).
    See docs/notes/svm.md#preprocessing.

    Parameters
    ----------
    categories : "auto" or list of array-like
    drop : None, "first" or "if_binary"
    sparse_output : bool
        Must be False; kept so the signature matches scikit-learn's.
    dtype : numpy dtype of the output
    handle_unknown : "error" or "ignore"
        With "ignore" an unseen category encodes as an all-zero block.

    Attributes
    ----------
    categories_ : list of ndarray
    drop_idx_ : ndarray of shape (n_features,) or None
    """

    def __init__(
        self,
        *,
        categories: Any = "auto",
        drop: str | None = None,
        sparse_output: bool = False,
        dtype: Any = np.float64,
        handle_unknown: str = "error",
    ):
        self.categories = categories
        self.drop = drop
        self.sparse_output = sparse_output
        self.dtype = dtype
        self.handle_unknown = handle_unknown

    def fit(self, X: ArrayLike, y: Any = None) -> OneHotEncoder:
        """Learn the categories of each column."""
        if self.handle_unknown not in ("error", "ignore"):
            raise ValueError(
                f"handle_unknown must be 'error' or 'ignore', got {self.handle_unknown!r}"
            )
        if self.drop not in (None, "first", "if_binary"):
            raise ValueError(f"drop must be None, 'first' or 'if_binary', got {self.drop!r}")
        if self.sparse_output:
            raise ValueError("sparse_output=True is not supported: groundup returns dense arrays")
        Xc = _as_categories(X, self, reset=True)
        self.categories_ = _fit_categories(Xc, self.categories)
        if self.drop is None:
            self.drop_idx_ = None
        else:
            sizes = np.array([len(c) for c in self.categories_])
            drop = np.zeros(len(sizes), dtype=object)
            if self.drop == "if_binary":
                drop[:] = None
                drop[sizes == 2] = 0
            self.drop_idx_ = drop
        return self

    def _kept(self, j: int) -> NDArray[np.bool_]:
        """Mask of the category columns of feature j that survive ``drop``."""
        keep = np.ones(len(self.categories_[j]), dtype=bool)
        if self.drop_idx_ is not None and self.drop_idx_[j] is not None:
            keep[self.drop_idx_[j]] = False
        return keep

    def transform(self, X: ArrayLike) -> NDArray[Any]:
        """Return the indicator matrix of ``X``."""
        check_is_fitted(self)
        Xc = _as_categories(X, self, reset=False)
        blocks = []
        for j, cats in enumerate(self.categories_):
            idx, known = _encode_column(Xc, j, cats, self.handle_unknown)
            block = np.zeros((Xc.shape[0], len(cats)), dtype=self.dtype)
            rows = np.flatnonzero(known)
            block[rows, idx[known]] = 1
            blocks.append(block[:, self._kept(j)])
        return np.hstack(blocks) if blocks else np.zeros((Xc.shape[0], 0), dtype=self.dtype)

    def inverse_transform(self, X: ArrayLike) -> NDArray[Any]:
        """Map indicator rows back to categories (None for an all-zero, unknown block)."""
        check_is_fitted(self)
        Xv = np.asarray(X, dtype=np.float64)
        widths = [int(self._kept(j).sum()) for j in range(len(self.categories_))]
        if Xv.ndim != 2 or Xv.shape[1] != sum(widths):
            raise ValueError(
                f"Shape of the passed X data is not correct. Expected {sum(widths)} columns, "
                f"got {Xv.shape[1] if Xv.ndim == 2 else Xv.shape}."
            )
        numeric = all(c.dtype.kind in "biuf" for c in self.categories_)
        out = np.empty((Xv.shape[0], len(widths)), dtype=object)
        start = 0
        for j, w in enumerate(widths):
            block = Xv[:, start : start + w]
            start += w
            cats = self.categories_[j][self._kept(j)]
            col = np.empty(Xv.shape[0], dtype=object)
            col[:] = cats[block.argmax(axis=1)] if w else None
            empty = block.sum(axis=1) == 0
            if self.drop_idx_ is not None and self.drop_idx_[j] is not None:
                col[empty] = self.categories_[j][self.drop_idx_[j]]
            else:
                col[empty] = None
            out[:, j] = col
        if numeric and not any(v is None for v in out.ravel()):
            return out.astype(np.result_type(*self.categories_))
        return out

    def get_feature_names_out(self, input_features: Any = None) -> NDArray[Any]:
        """Names ``<feature>_<category>`` for every output column."""
        check_is_fitted(self)
        names = _check_feature_names_in(self, input_features)
        out = [
            f"{names[j]}_{c}"
            for j, cats in enumerate(self.categories_)
            for c in cats[self._kept(j)]
        ]
        return np.asarray(out, dtype=object)


class OrdinalEncoder(_BaseEncoder):
    """Encode each categorical column as the integer rank of its category.

    x' = i where x = c_i among the sorted categories c₀ < c₁ < …; unseen categories raise, or
    map to ``unknown_value`` with ``handle_unknown="use_encoded_value"``.
    See docs/notes/svm.md#preprocessing.

    Parameters
    ----------
    categories : "auto" or list of array-like
    dtype : numpy dtype of the output
    handle_unknown : "error" or "use_encoded_value"
    unknown_value : int or np.nan, required with "use_encoded_value"

    Attributes
    ----------
    categories_ : list of ndarray
    """

    def __init__(
        self,
        *,
        categories: Any = "auto",
        dtype: Any = np.float64,
        handle_unknown: str = "error",
        unknown_value: float | None = None,
    ):
        self.categories = categories
        self.dtype = dtype
        self.handle_unknown = handle_unknown
        self.unknown_value = unknown_value

    def fit(self, X: ArrayLike, y: Any = None) -> OrdinalEncoder:
        """Learn the categories of each column."""
        if self.handle_unknown not in ("error", "use_encoded_value"):
            raise ValueError(
                f"handle_unknown must be 'error' or 'use_encoded_value', got {self.handle_unknown!r}"
            )
        if self.handle_unknown == "use_encoded_value":
            uv = self.unknown_value
            if uv is None or not (isinstance(uv, int | np.integer) or np.isnan(uv)):
                raise ValueError(
                    f"unknown_value must be an integer or np.nan when handle_unknown is "
                    f"'use_encoded_value', got {uv!r}"
                )
        elif self.unknown_value is not None:
            raise TypeError(
                f"unknown_value should only be set when handle_unknown is 'use_encoded_value', "
                f"got {self.unknown_value!r}"
            )
        Xc = _as_categories(X, self, reset=True)
        self.categories_ = _fit_categories(Xc, self.categories)
        if self.handle_unknown == "use_encoded_value" and not np.isnan(float(self.unknown_value)):  # type: ignore[arg-type]
            n_min = min(len(c) for c in self.categories_)
            if 0 <= int(self.unknown_value) < n_min:  # type: ignore[arg-type]
                raise ValueError(
                    f"The used value for unknown_value {self.unknown_value} is one of the values "
                    f"already used for encoding the seen categories."
                )
        return self

    def transform(self, X: ArrayLike) -> NDArray[Any]:
        """Return the category indices of ``X``."""
        check_is_fitted(self)
        Xc = _as_categories(X, self, reset=False)
        out = np.empty(Xc.shape, dtype=self.dtype)
        for j, cats in enumerate(self.categories_):
            idx, known = _encode_column(Xc, j, cats, self.handle_unknown)
            if known.all():
                out[:, j] = idx
            else:  # handle_unknown="use_encoded_value"
                out[:, j] = np.where(known, idx, float(self.unknown_value))  # type: ignore[arg-type]
        return out

    def inverse_transform(self, X: ArrayLike) -> NDArray[Any]:
        """Map category indices back to categories (None for the unknown value)."""
        check_is_fitted(self)
        Xv = np.asarray(X, dtype=np.float64)
        if Xv.ndim != 2 or Xv.shape[1] != len(self.categories_):
            raise ValueError(
                f"Shape of the passed X data is not correct. Expected {len(self.categories_)} "
                f"columns, got {Xv.shape[1] if Xv.ndim == 2 else Xv.shape}."
            )
        out = np.empty(Xv.shape, dtype=object)
        any_unknown = False
        for j, cats in enumerate(self.categories_):
            col = Xv[:, j]
            known = np.isfinite(col) & (col >= 0) & (col < len(cats))
            any_unknown |= not known.all()
            out[known, j] = cats[col[known].astype(np.intp)]
            out[~known, j] = None
        if not any_unknown and all(c.dtype.kind in "biuf" for c in self.categories_):
            return out.astype(np.result_type(*self.categories_))
        return out

    def get_feature_names_out(self, input_features: Any = None) -> NDArray[Any]:
        """The input feature names (one output column per input column)."""
        check_is_fitted(self)
        return np.asarray(_check_feature_names_in(self, input_features), dtype=object)
