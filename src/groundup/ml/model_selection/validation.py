"""Cross-validation: cross_validate, cross_val_score, learning_curve, validation_curve.

Each fold fits a fresh ``clone`` of the estimator on the training indices and scores it on
the held-out indices; the spread of fold scores estimates the variance of the estimate.
See docs/notes/evaluation.md.
"""

from __future__ import annotations

import numbers
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import clone, is_classifier

from groundup.ml.metrics.scorer import check_scoring
from groundup.ml.model_selection.split import check_cv, num_samples, safe_index

Scoring = str | Callable[..., float] | None


def resolve_scorers(estimator: Any, scoring: Any) -> tuple[dict[str, Callable[..., float]], bool]:
    """Named scorers for ``scoring`` and whether it was multi-metric (list/tuple/dict).

    See docs/notes/evaluation.md.

    Parameters
    ----------
    estimator : estimator
        The model to be scored.
    scoring : str, callable, list, tuple, dict or None
        Metric specification.

    Returns
    -------
    scorers : dict of name → scorer
    multi : bool
    """
    if isinstance(scoring, (list, tuple, set)):
        return {name: check_scoring(estimator, name) for name in scoring}, True
    if isinstance(scoring, dict):
        return {name: check_scoring(estimator, s) for name, s in scoring.items()}, True
    return {"score": check_scoring(estimator, scoring)}, False


def fit_and_score(
    estimator: Any,
    X: Any,
    y: Any,
    scorers: dict[str, Callable[..., float]],
    train: NDArray[np.intp],
    test: NDArray[np.intp],
    *,
    parameters: dict[str, Any] | None = None,
    return_train_score: bool = False,
    error_score: Any = np.nan,
    fit_params: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Fit a clone on ``train``, score it on ``test`` (and ``train``); record the times.

    A failed fit records ``error_score`` (or re-raises when it is 'raise').
    See docs/notes/evaluation.md.

    Parameters
    ----------
    estimator : estimator
        Unfitted template (cloned).
    X, y : array-likes
        Data and targets (y may be None).
    scorers : dict of name → scorer
        Metrics.
    train, test : ndarray of int
        Fold indices.
    parameters : dict, optional
        Hyper-parameters set on the clone.
    return_train_score : bool
        Also score the training rows.
    error_score : 'raise' or float
        Score of a failed fit.
    fit_params : dict, optional
        Extra fit arguments.

    Returns
    -------
    dict with 'test' (and 'train') score dicts, 'fit_time', 'score_time', 'estimator'
    (and 'failed', the exception, when the fit failed).
    """
    est = clone(estimator)
    if parameters:
        est.set_params(**clone(parameters, safe=False))
    X_tr, X_te = safe_index(X, train), safe_index(X, test)
    y_tr, y_te = safe_index(y, train), safe_index(y, test)
    start = time.perf_counter()
    try:
        est.fit(X_tr, **(fit_params or {})) if y is None else est.fit(
            X_tr, y_tr, **(fit_params or {})
        )
    except Exception as exc:
        if isinstance(error_score, str) and error_score == "raise":
            raise
        if not isinstance(error_score, numbers.Number):
            raise ValueError("error_score must be 'raise' or numeric") from exc
        warnings.warn(
            f"Estimator fit failed; score set to {error_score}: {exc!r}", UserWarning, stacklevel=2
        )
        nan = {name: float(error_score) for name in scorers}  # type: ignore[arg-type]
        out = {
            "test": nan,
            "fit_time": time.perf_counter() - start,
            "score_time": 0.0,
            "estimator": est,
        }
        if return_train_score:
            out["train"] = dict(nan)
        return out
    fit_time = time.perf_counter() - start
    start = time.perf_counter()
    test_scores = {n: s(est, X_te, y_te) for n, s in scorers.items()}
    score_time = time.perf_counter() - start
    out = {"test": test_scores, "fit_time": fit_time, "score_time": score_time, "estimator": est}
    if return_train_score:
        out["train"] = {n: s(est, X_tr, y_tr) for n, s in scorers.items()}
    return out


def cross_validate(
    estimator: Any,
    X: Any,
    y: Any = None,
    *,
    groups: Any = None,
    scoring: Any = None,
    cv: Any = None,
    return_train_score: bool = False,
    return_estimator: bool = False,
    return_indices: bool = False,
    error_score: Any = np.nan,
    params: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Scores (and fit/score times) of an estimator on each cross-validation fold.

    For folds (Tₖ, Vₖ): scoreₖ = s(fit(clone(est), X[Tₖ], y[Tₖ]), X[Vₖ], y[Vₖ]).
    See docs/notes/evaluation.md.

    Parameters
    ----------
    estimator : estimator
        Unfitted estimator (cloned for every fold).
    X, y : array-likes
        Data and targets.
    groups : array-like, optional
        Passed to the splitter.
    scoring : str, callable, list, dict or None
        Metric(s); None uses ``estimator.score``.
    cv : int, splitter or iterable
        Folds (default 5; stratified for classifiers).
    return_train_score, return_estimator, return_indices : bool
        Extra outputs.
    error_score : 'raise' or float
        Score recorded when a fit fails.
    params : dict, optional
        Fit parameters.

    Returns
    -------
    dict of arrays
        'fit_time', 'score_time', 'test_score' (or 'test_<name>'), optional 'train_*'.
    """
    if y is not None and num_samples(X) != num_samples(y):
        raise ValueError(
            f"Found input variables with inconsistent numbers of samples: [{num_samples(X)}, {num_samples(y)}]"
        )
    splitter = check_cv(cv, y, classifier=is_classifier(estimator))
    scorers, multi = resolve_scorers(estimator, scoring)
    splits = list(splitter.split(X, y, groups))
    results = [
        fit_and_score(
            estimator, X, y, scorers, tr, te,
            return_train_score=return_train_score, error_score=error_score, fit_params=params,
        )
        for tr, te in splits
    ]  # fmt: skip
    out: dict[str, Any] = {
        "fit_time": np.array([r["fit_time"] for r in results]),
        "score_time": np.array([r["score_time"] for r in results]),
    }
    if return_estimator:
        out["estimator"] = [r["estimator"] for r in results]
    if return_indices:
        out["indices"] = {"train": [tr for tr, _ in splits], "test": [te for _, te in splits]}
    for name in scorers:
        key = f"test_{name}" if multi else "test_score"
        out[key] = np.array([r["test"][name] for r in results])
        if return_train_score:
            out[key.replace("test_", "train_")] = np.array([r["train"][name] for r in results])
    return out


def cross_val_score(
    estimator: Any,
    X: Any,
    y: Any = None,
    *,
    groups: Any = None,
    scoring: Scoring = None,
    cv: Any = None,
    error_score: Any = np.nan,
    params: dict[str, Any] | None = None,
) -> NDArray[np.float64]:
    """Test score of each cross-validation fold (see :func:`cross_validate`).

    See docs/notes/evaluation.md.

    Parameters
    ----------
    estimator, X, y, groups, scoring, cv, error_score, params
        As in :func:`cross_validate` (a single metric).

    Returns
    -------
    ndarray of shape (n_splits,)
    """
    if isinstance(scoring, (list, tuple, set, dict)):
        raise ValueError("cross_val_score takes a single metric; use cross_validate for several")
    res = cross_validate(
        estimator,
        X,
        y,
        groups=groups,
        scoring=scoring,
        cv=cv,
        error_score=error_score,
        params=params,
    )
    return np.asarray(res["test_score"])


def _train_sizes_abs(train_sizes: ArrayLike, n_max: int) -> NDArray[np.intp]:
    """Absolute training-set sizes from fractions in (0, 1] or counts in [1, n_max]."""
    sizes = np.asarray(train_sizes)
    if sizes.ndim != 1 or sizes.size == 0:
        raise ValueError(f"train_sizes must be a non-empty 1-D array, got shape {sizes.shape}")
    if sizes.dtype.kind == "f":
        if sizes.min() <= 0 or sizes.max() > 1:
            raise ValueError(
                f"train_sizes has been interpreted as fractions of the maximum number of training "
                f"samples and must be within (0, 1], but is within [{sizes.min()}, {sizes.max()}]."
            )
        out = np.clip((sizes * n_max).astype(np.intp), 1, n_max)
    else:
        if sizes.min() <= 0 or sizes.max() > n_max:
            raise ValueError(
                f"train_sizes has been interpreted as absolute numbers of training samples and "
                f"must be within (0, {n_max}], but is within [{sizes.min()}, {sizes.max()}]."
            )
        out = sizes.astype(np.intp)
    unique = np.unique(out)
    if unique.size != out.size:
        warnings.warn(
            f"Removed duplicate entries from 'train_sizes'. Number of ticks will be less than "
            f"the size of 'train_sizes': {unique.size} instead of {out.size}).",
            RuntimeWarning,
            stacklevel=3,
        )
    return unique


def learning_curve(
    estimator: Any,
    X: Any,
    y: Any,
    *,
    groups: Any = None,
    train_sizes: ArrayLike = (0.1, 0.325, 0.55, 0.775, 1.0),
    cv: Any = None,
    scoring: Scoring = None,
    shuffle: bool = False,
    random_state: Any = None,
    error_score: Any = np.nan,
    return_times: bool = False,
) -> tuple[NDArray[Any], ...]:
    """Train and test scores as the training set grows: the bias/variance picture over n.

    For each fold and each size m, the model is fit on the first m training indices
    (after an optional shuffle) and scored on the fold's full test set.
    See docs/notes/evaluation.md and docs/notes/bias-variance.md.

    Parameters
    ----------
    estimator, X, y, groups, cv, scoring, error_score
        As in :func:`cross_validate`.
    train_sizes : array-like
        Fractions in (0, 1] of the largest training fold, or absolute counts.
    shuffle : bool
        Shuffle each training fold before taking prefixes.
    random_state : int, RandomState or None
        Seed of that shuffle.
    return_times : bool
        Also return fit and score times.

    Returns
    -------
    train_sizes_abs, train_scores, test_scores[, fit_times, score_times]
        Score arrays have shape (n_sizes, n_splits).
    """
    from sklearn.utils.validation import check_random_state

    splitter = check_cv(cv, y, classifier=is_classifier(estimator))
    splits = list(splitter.split(X, y, groups))
    scorer = check_scoring(estimator, scoring)
    sizes = _train_sizes_abs(train_sizes, len(splits[0][0]))
    rng = check_random_state(random_state)
    if shuffle:
        splits = [(rng.permutation(tr), te) for tr, te in splits]
    n_sizes, n_splits = sizes.size, len(splits)
    shape = (n_sizes, n_splits)
    train_s, test_s, fit_t, score_t = (np.empty(shape) for _ in range(4))
    for j, (tr, te) in enumerate(splits):
        for i, m in enumerate(sizes):
            r = fit_and_score(
                estimator, X, y, {"score": scorer}, tr[:m], te,
                return_train_score=True, error_score=error_score,
            )  # fmt: skip
            train_s[i, j], test_s[i, j] = r["train"]["score"], r["test"]["score"]
            fit_t[i, j], score_t[i, j] = r["fit_time"], r["score_time"]
    if return_times:
        return sizes, train_s, test_s, fit_t, score_t
    return sizes, train_s, test_s


def validation_curve(
    estimator: Any,
    X: Any,
    y: Any,
    *,
    param_name: str,
    param_range: Any,
    groups: Any = None,
    cv: Any = None,
    scoring: Scoring = None,
    error_score: Any = np.nan,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Train and test scores across values of one hyper-parameter (complexity vs error).

    See docs/notes/evaluation.md and docs/notes/bias-variance.md.

    Parameters
    ----------
    estimator, X, y, groups, cv, scoring, error_score
        As in :func:`cross_validate`.
    param_name : str
        Hyper-parameter to vary.
    param_range : array-like
        Its values.

    Returns
    -------
    train_scores, test_scores : ndarray of shape (n_values, n_splits)
    """
    splitter = check_cv(cv, y, classifier=is_classifier(estimator))
    splits = list(splitter.split(X, y, groups))
    scorer = check_scoring(estimator, scoring)
    values = list(param_range)
    train_s = np.empty((len(values), len(splits)))
    test_s = np.empty_like(train_s)
    for i, v in enumerate(values):
        for j, (tr, te) in enumerate(splits):
            r = fit_and_score(
                estimator, X, y, {"score": scorer}, tr, te, parameters={param_name: v},
                return_train_score=True, error_score=error_score,
            )  # fmt: skip
            train_s[i, j], test_s[i, j] = r["train"]["score"], r["test"]["score"]
    return train_s, test_s
