"""Exhaustive hyper-parameter search with cross-validation: ParameterGrid and GridSearchCV.

Every candidate in the grid is scored on the same folds; the candidate with the best mean
test score wins and (with ``refit``) is fit again on all the data. See docs/notes/evaluation.md.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from copy import deepcopy
from itertools import product
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier
from sklearn.utils.validation import check_is_fitted

from groundup.ml.model_selection.split import check_cv, num_samples
from groundup.ml.model_selection.validation import fit_and_score, resolve_scorers


class ParameterGrid:
    """Every combination of the listed values, for a dict or a list of dicts of lists.

    Keys are iterated in sorted order and the last key varies fastest (scikit-learn's order).
    See docs/notes/evaluation.md.

    Parameters
    ----------
    param_grid : dict or list of dict
        Parameter name → non-empty sequence of values.
    """

    def __init__(
        self, param_grid: Mapping[str, Sequence[Any]] | Sequence[Mapping[str, Sequence[Any]]]
    ):
        grids = [param_grid] if isinstance(param_grid, Mapping) else list(param_grid)
        for grid in grids:
            if not isinstance(grid, Mapping):
                raise TypeError(f"Parameter grid is not a dict ({grid!r})")
            for key, values in grid.items():
                if isinstance(values, (str, bytes)) or not isinstance(
                    values, (Sequence, np.ndarray)
                ):
                    raise TypeError(
                        f"Parameter grid for parameter {key!r} needs to be a list or a numpy "
                        f"array, but got {values!r} (of type {type(values).__name__}) instead."
                    )
                if len(values) == 0:
                    raise ValueError(
                        f"Parameter grid for parameter {key!r} need to be a non-empty sequence, got: {values!r}"
                    )
        self.param_grid = grids

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for grid in self.param_grid:
            items = sorted(grid.items())
            if not items:
                yield {}
                continue
            keys, values = zip(*items)
            for combo in product(*values):
                yield dict(zip(keys, combo))

    def __len__(self) -> int:
        return sum(int(np.prod([len(v) for v in g.values()])) if g else 1 for g in self.param_grid)


def _min_rank(means: NDArray[np.float64]) -> NDArray[np.int32]:
    """Rank 1 for the best mean; ties share the smallest rank; NaN ranks last."""
    if np.isnan(means).all():
        return np.ones(means.size, dtype=np.int32)
    filled = np.where(np.isnan(means), np.nanmin(means) - 1, means)
    return (1 + (filled[None, :] > filled[:, None]).sum(axis=1)).astype(np.int32)


def _param_column(candidates: list[dict[str, Any]], name: str) -> np.ma.MaskedArray:
    """Values of one parameter across candidates, masked where a candidate lacks it."""
    col = np.ma.MaskedArray(np.empty(len(candidates), dtype=object), mask=True)
    for i, params in enumerate(candidates):
        if name in params:
            col[i] = params[name]
    return col


class GridSearchCV(MetaEstimatorMixin, BaseEstimator):
    """Cross-validated exhaustive search over a parameter grid.

    For each candidate θ: mean_score(θ) = (1/K) Σₖ s(fit(est_θ, X[Tₖ]), X[Vₖ]); the
    best θ* = argmax mean_score, and with ``refit`` the estimator is fit on all data with θ*.
    See docs/notes/evaluation.md.

    Parameters
    ----------
    estimator : estimator
        The model whose parameters are searched.
    param_grid : dict or list of dict
        Grid (see :class:`ParameterGrid`).
    scoring : str, callable, list, dict or None
        Metric(s); None uses the estimator's ``score``.
    refit : bool or str
        Refit the best candidate on all data (a metric name when scoring is multi-metric).
    cv : int, splitter or iterable
        Folds (default 5, stratified for classifiers).
    return_train_score : bool
        Also record training scores.
    error_score : 'raise' or float
        Score of a candidate whose fit fails.

    Attributes
    ----------
    cv_results_ : dict of arrays
    best_index_, best_params_, best_score_, best_estimator_, refit_time_, n_splits_, scorer_
    """

    def __init__(
        self,
        estimator: Any,
        param_grid: Any,
        *,
        scoring: Any = None,
        refit: bool | str = True,
        cv: Any = None,
        return_train_score: bool = False,
        error_score: Any = np.nan,
    ):
        self.estimator = estimator
        self.param_grid = param_grid
        self.scoring = scoring
        self.refit = refit
        self.cv = cv
        self.return_train_score = return_train_score
        self.error_score = error_score

    def __sklearn_tags__(self) -> Any:
        # the search is whatever its estimator is: classifier or regressor, sparse or not
        tags = super().__sklearn_tags__()
        inner = self.estimator.__sklearn_tags__()
        tags.estimator_type = inner.estimator_type
        tags.classifier_tags = deepcopy(inner.classifier_tags)
        tags.regressor_tags = deepcopy(inner.regressor_tags)
        tags.input_tags.pairwise = inner.input_tags.pairwise
        tags.input_tags.sparse = inner.input_tags.sparse
        return tags

    def fit(self, X: Any, y: Any = None, **fit_params: Any) -> GridSearchCV:
        """Score every candidate on every fold, pick the best, refit it if asked.

        Parameters
        ----------
        X, y : array-likes
            Data and targets.
        **fit_params
            Passed to the estimator's ``fit``.

        Returns
        -------
        self
        """
        if y is not None and num_samples(X) != num_samples(y):
            raise ValueError(
                f"Found input variables with inconsistent numbers of samples: [{num_samples(X)}, {num_samples(y)}]"
            )
        scorers, multi = resolve_scorers(self.estimator, self.scoring)
        if (
            multi
            and self.refit is not False
            and (not isinstance(self.refit, str) or self.refit not in scorers)
        ):
            raise ValueError(
                f"For multi-metric scoring, refit must be False or one of the scorer names "
                f"{sorted(scorers)}; got refit={self.refit!r}"
            )
        candidates = list(ParameterGrid(self.param_grid))
        splitter = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        splits = list(splitter.split(X, y))
        runs = [
            [
                fit_and_score(
                    self.estimator,
                    X,
                    y,
                    scorers,
                    tr,
                    te,
                    parameters=params,
                    return_train_score=self.return_train_score,
                    error_score=self.error_score,
                    fit_params=fit_params,
                )  # fmt: skip
                for tr, te in splits
            ]
            for params in candidates
        ]
        n_failed = sum("failed" in r for row in runs for r in row)
        if n_failed and n_failed == len(candidates) * len(splits):
            raise ValueError(
                f"All the {n_failed} fits failed; the last error was: {runs[-1][-1]['failed']!r}"
            )
        self.cv_results_ = self._results(candidates, runs, scorers, multi)
        self.n_splits_ = len(splits)
        self.multimetric_ = multi
        key = "score" if not multi else (self.refit if isinstance(self.refit, str) else None)
        if self.refit is not False and key is not None:
            self.best_index_ = int(self.cv_results_[f"rank_test_{key}"].argmin())
            self.best_score_ = float(self.cv_results_[f"mean_test_{key}"][self.best_index_])
            self.best_params_ = candidates[self.best_index_]
        self.scorer_ = scorers if multi else scorers["score"]
        if self.refit:
            start = time.perf_counter()
            self.best_estimator_ = clone(self.estimator).set_params(
                **clone(self.best_params_, safe=False)
            )
            self.best_estimator_.fit(X, **fit_params) if y is None else self.best_estimator_.fit(
                X, y, **fit_params
            )
            self.refit_time_ = time.perf_counter() - start
            if hasattr(self.best_estimator_, "n_features_in_"):
                self.n_features_in_ = self.best_estimator_.n_features_in_
            if hasattr(self.best_estimator_, "classes_"):
                self.classes_ = self.best_estimator_.classes_
        return self

    def _results(
        self,
        candidates: list[dict[str, Any]],
        runs: list[list[dict[str, Any]]],
        scorers: dict[str, Any],
        multi: bool,
    ) -> dict[str, Any]:
        """cv_results_: per-split, mean, std and rank of every score, plus timings."""
        res: dict[str, Any] = {}
        for what in ("fit_time", "score_time"):
            t = np.array([[r[what] for r in row] for row in runs])
            res[f"mean_{what}"], res[f"std_{what}"] = t.mean(axis=1), t.std(axis=1)
        names = sorted({k for p in candidates for k in p})
        for name in names:
            res[f"param_{name}"] = _param_column(candidates, name)
        res["params"] = candidates
        for metric in scorers:
            suffix = metric if multi else "score"
            sets = ("test", "train") if self.return_train_score else ("test",)
            for which in sets:
                s = np.array([[r[which][metric] for r in row] for row in runs], dtype=np.float64)
                for k in range(s.shape[1]):
                    res[f"split{k}_{which}_{suffix}"] = s[:, k]
                res[f"mean_{which}_{suffix}"] = s.mean(axis=1)
                res[f"std_{which}_{suffix}"] = s.std(axis=1)
                if which == "test":
                    res[f"rank_test_{suffix}"] = _min_rank(res[f"mean_test_{suffix}"])
        return res

    def _best(self) -> Any:
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_

    # Delegation by properties: hasattr() is False when the best estimator lacks the method,
    # so scorers and pipelines see the same capabilities as on the underlying estimator.
    @property
    def predict(self) -> Any:
        """The best estimator's ``predict``."""
        return self._best().predict

    @property
    def predict_proba(self) -> Any:
        """The best estimator's ``predict_proba``."""
        return self._best().predict_proba

    @property
    def predict_log_proba(self) -> Any:
        """The best estimator's ``predict_log_proba``."""
        return self._best().predict_log_proba

    @property
    def decision_function(self) -> Any:
        """The best estimator's ``decision_function``."""
        return self._best().decision_function

    @property
    def transform(self) -> Any:
        """The best estimator's ``transform``."""
        return self._best().transform

    @property
    def inverse_transform(self) -> Any:
        """The best estimator's ``inverse_transform``."""
        return self._best().inverse_transform

    def score(self, X: Any, y: Any = None) -> float:
        """Score of the refit best estimator by the search's (refit) scorer."""
        best = self._best()
        scorer: Any = self.scorer_[str(self.refit)] if self.multimetric_ else self.scorer_  # type: ignore[index]
        return float(scorer(best, X, y))
