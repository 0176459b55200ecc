"""Scorers: callables ``scorer(estimator, X, y) -> float`` where greater is better.

A scorer asks the fitted estimator for the response a metric needs (labels, probabilities or
decision values) and applies the metric; losses are negated so model selection can always
maximise. See docs/notes/evaluation.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from groundup.ml.metrics.classification import (
    accuracy_score,
    f1_score,
    precision_score,
    recall_score,
)
from groundup.ml.metrics.cluster import adjusted_rand_score, normalized_mutual_info_score
from groundup.ml.metrics.probabilistic import brier_score_loss, log_loss
from groundup.ml.metrics.ranking import average_precision_score, roc_auc_score
from groundup.ml.metrics.regression import (
    mean_absolute_error,
    mean_squared_error,
    r2_score,
    root_mean_squared_error,
)

_RESPONSES = ("predict", "predict_proba", "decision_function")


class Scorer:
    """A metric bound to the estimator response it consumes, with a sign.

    score = sign · metric(y, response(estimator, X), **kwargs).
    See docs/notes/evaluation.md.
    """

    def __init__(
        self,
        score_func: Callable[..., float],
        sign: int,
        response_method: str | tuple[str, ...],
        kwargs: dict[str, Any],
    ) -> None:
        self._score_func = score_func
        self._sign = sign
        self._response_method = response_method
        self._kwargs = kwargs

    def _response(self, estimator: Any, X: ArrayLike) -> Any:
        methods = (
            (self._response_method,)
            if isinstance(self._response_method, str)
            else self._response_method
        )
        for name in methods:
            if hasattr(estimator, name):
                out = np.asarray(getattr(estimator, name)(X))
                if name == "predict_proba" and out.ndim == 2 and out.shape[1] == 2:
                    # binary metrics score the positive (second) class
                    return out[:, 1]
                return out
        raise AttributeError(f"{type(estimator).__name__} has none of the methods {methods}")

    def __call__(
        self, estimator: Any, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> float:
        kwargs = dict(self._kwargs)
        if sample_weight is not None:
            kwargs["sample_weight"] = sample_weight
        return self._sign * float(self._score_func(y, self._response(estimator, X), **kwargs))

    def __repr__(self) -> str:
        sign = "" if self._sign > 0 else ", greater_is_better=False"
        return f"make_scorer({self._score_func.__name__}{sign}, response_method={self._response_method!r})"


def make_scorer(
    score_func: Callable[..., float],
    *,
    response_method: str | tuple[str, ...] = "predict",
    greater_is_better: bool = True,
    **kwargs: Any,
) -> Scorer:
    """Wrap ``score_func(y_true, response, **kwargs)`` as a scorer (negated for losses).

    See docs/notes/evaluation.md.

    Parameters
    ----------
    score_func : callable
        Metric ``f(y_true, y_response, **kwargs)``.
    response_method : str or tuple of str
        Estimator method(s) producing the response, tried in order.
    greater_is_better : bool
        False for losses: the scorer returns −loss.
    **kwargs
        Extra keyword arguments for ``score_func``.

    Returns
    -------
    Scorer
    """
    methods = (response_method,) if isinstance(response_method, str) else response_method
    if not methods or any(m not in _RESPONSES for m in methods):
        raise ValueError(f"response_method must be among {_RESPONSES}, got {response_method!r}")
    return Scorer(score_func, 1 if greater_is_better else -1, response_method, kwargs)


_SCORERS: dict[str, Scorer] = {
    "accuracy": make_scorer(accuracy_score),
    "f1": make_scorer(f1_score),
    "f1_micro": make_scorer(f1_score, average="micro"),
    "f1_macro": make_scorer(f1_score, average="macro"),
    "f1_weighted": make_scorer(f1_score, average="weighted"),
    "precision": make_scorer(precision_score),
    "precision_macro": make_scorer(precision_score, average="macro"),
    "recall": make_scorer(recall_score),
    "recall_macro": make_scorer(recall_score, average="macro"),
    "roc_auc": make_scorer(roc_auc_score, response_method=("decision_function", "predict_proba")),
    "roc_auc_ovr": make_scorer(roc_auc_score, response_method="predict_proba", multi_class="ovr"),
    "average_precision": make_scorer(
        average_precision_score, response_method=("decision_function", "predict_proba")
    ),
    "neg_log_loss": make_scorer(log_loss, response_method="predict_proba", greater_is_better=False),
    "neg_brier_score": make_scorer(
        brier_score_loss, response_method="predict_proba", greater_is_better=False
    ),
    "r2": make_scorer(r2_score),
    "neg_mean_squared_error": make_scorer(mean_squared_error, greater_is_better=False),
    "neg_root_mean_squared_error": make_scorer(root_mean_squared_error, greater_is_better=False),
    "neg_mean_absolute_error": make_scorer(mean_absolute_error, greater_is_better=False),
    "adjusted_rand_score": make_scorer(adjusted_rand_score),
    "normalized_mutual_info_score": make_scorer(normalized_mutual_info_score),
}


def get_scorer_names() -> list[str]:
    """Names accepted by :func:`get_scorer`, sorted. See docs/notes/evaluation.md.

    Returns
    -------
    list of str
    """
    return sorted(_SCORERS)


def get_scorer(scoring: str | Callable[..., float]) -> Callable[..., float]:
    """Look up a scorer by name (a callable is returned unchanged).

    See docs/notes/evaluation.md.

    Parameters
    ----------
    scoring : str or callable
        A name from :func:`get_scorer_names` or a scorer.

    Returns
    -------
    callable ``scorer(estimator, X, y) -> float``
    """
    if callable(scoring):
        return scoring
    if scoring not in _SCORERS:
        raise ValueError(
            f"{scoring!r} is not a valid scoring value. Use get_scorer_names() to get valid "
            "options."
        )
    return _SCORERS[scoring]


def check_scoring(
    estimator: Any, scoring: str | Callable[..., float] | None
) -> Callable[..., float]:
    """The scorer for ``scoring``; None means the estimator's own ``score`` method.

    See docs/notes/evaluation.md.

    Parameters
    ----------
    estimator : estimator
        The model to be scored.
    scoring : str, callable or None
        Scorer name or callable.

    Returns
    -------
    callable ``scorer(estimator, X, y) -> float``
    """
    if scoring is None:
        if not hasattr(estimator, "score"):
            raise TypeError(f"{estimator!r} has no score method; pass scoring explicitly")
        return _passthrough
    return get_scorer(scoring)


def _passthrough(estimator: Any, X: ArrayLike, y: ArrayLike | None = None) -> float:
    return float(estimator.score(X) if y is None else estimator.score(X, y))
