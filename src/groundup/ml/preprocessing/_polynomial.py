"""Polynomial and interaction features.

See docs/notes/svm.md#preprocessing.
"""

from __future__ import annotations

from itertools import chain, combinations, combinations_with_replacement
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted, validate_data


class PolynomialFeatures(TransformerMixin, BaseEstimator):
    """Every monomial of the features up to a given degree.

    For x ∈ ℝᵈ the output holds ∏ⱼ xⱼ^{pⱼ} for each exponent vector p with
    min_degree ≤ Σ pⱼ ≤ max_degree (only pⱼ ∈ {0, 1} with ``interaction_only``), ordered by
    degree and then lexicographically as ``itertools.combinations_with_replacement`` —
    scikit-learn's order. See docs/notes/svm.md#preprocessing.

    Parameters
    ----------
    degree : int or tuple (min_degree, max_degree)
    interaction_only : bool
    include_bias : bool
        Prepend the constant column 1 (degree 0).
    order : "C" or "F"
        Memory layout of the output.

    Attributes
    ----------
    powers_ : ndarray of shape (n_output_features, n_features)
    n_output_features_ : int
    """

    def __init__(
        self,
        degree: int | tuple[int, int] = 2,
        *,
        interaction_only: bool = False,
        include_bias: bool = True,
        order: str = "C",
    ):
        self.degree = degree
        self.interaction_only = interaction_only
        self.include_bias = include_bias
        self.order = order

    def _degrees(self) -> tuple[int, int]:
        d = self.degree
        if isinstance(d, int | np.integer) and not isinstance(d, bool):
            if d < 0:
                raise ValueError(f"degree must be a non-negative int, got {d}")
            return 0, int(d)
        if isinstance(d, tuple) and len(d) == 2:
            lo, hi = d
            if (
                isinstance(lo, int | np.integer)
                and isinstance(hi, int | np.integer)
                and 0 <= lo <= hi
            ):
                return int(lo), int(hi)
        raise ValueError(
            f"degree must be a non-negative int or tuple (min_degree, max_degree) with "
            f"0 <= min_degree <= max_degree, got {d!r}"
        )

    def _combinations(self, n_features: int) -> list[tuple[int, ...]]:
        lo, hi = self._degrees()
        comb = combinations if self.interaction_only else combinations_with_replacement
        start = max(1, lo)
        combos = list(chain.from_iterable(comb(range(n_features), k) for k in range(start, hi + 1)))
        if self.include_bias:
            combos.insert(0, ())
        return combos

    def fit(self, X: ArrayLike, y: Any = None) -> PolynomialFeatures:
        """Enumerate the monomials for the number of features of ``X``."""
        if self.order not in ("C", "F"):
            raise ValueError(f"order must be 'C' or 'F', got {self.order!r}")
        Xv = validate_data(self, X, dtype=np.float64)
        lo, hi = self._degrees()
        if hi == 0 and not self.include_bias:
            raise ValueError(
                "Setting degree to zero and include_bias to False would result in an empty output array."
            )
        combos = self._combinations(Xv.shape[1])
        powers = np.zeros((len(combos), Xv.shape[1]), dtype=np.int64)
        for row, c in enumerate(combos):  # loop over output columns, not samples
            np.add.at(powers[row], list(c), 1)
        self.powers_ = powers
        self._combos = combos
        self.n_output_features_ = len(combos)
        return self

    def transform(self, X: ArrayLike) -> NDArray[Any]:
        """Return the monomials of ``X``, one column per row of ``powers_``."""
        check_is_fitted(self)
        Xv = validate_data(self, X, reset=False, dtype=np.float64)
        out = np.empty(
            (Xv.shape[0], self.n_output_features_),
            dtype=np.float64,
            order="F" if self.order == "F" else "C",
        )
        for col, c in enumerate(self._combos):
            out[:, col] = np.prod(Xv[:, list(c)], axis=1) if c else 1.0
        return out

    def get_feature_names_out(self, input_features: Any = None) -> NDArray[Any]:
        """Names like ``1``, ``x0``, ``x0^2``, ``x0 x1``."""
        check_is_fitted(self)
        names = _check_feature_names_in(self, input_features)
        out = []
        for row in self.powers_:
            terms = [f"{names[j]}^{p}" if p > 1 else str(names[j]) for j, p in enumerate(row) if p]
            out.append(" ".join(terms) if terms else "1")
        return np.asarray(out, dtype=object)
