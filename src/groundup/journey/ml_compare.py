"""Fit a from-scratch estimator beside its scikit-learn twin and measure both.

Used by the stage-2 journey and by ``benchmarks/bench_ml.py``: one code path, so the numbers
in the report and in the benchmark table are measured the same way — the same seeded split of
the same bundled dataset, fit and predict timed in this process (median of repeats; one fit
when it takes seconds), the metric on the held-out split (for randomised estimators, its mean
over ``METRIC_SEEDS`` seeds on both sides).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from groundup.journey._timing import median_time, ratio, single_threaded, timed

DATASETS = ("iris", "wine", "breast_cancer", "digits", "diabetes", "penguins", "synthetic20k")
Task = Literal["classification", "regression", "clustering", "transform"]
#: seeds over which the held-out metric of a randomised estimator is averaged (both sides)
METRIC_SEEDS = 3
#: a first fit at least this long (seconds) is used as the fit time instead of repeats
SLOW_FIT_S = 2.0


@dataclass(frozen=True)
class Case:
    """One comparison row.

    estimator: display name (``"DecisionTreeClassifier"``).
    dataset: one of ``DATASETS`` (``synthetic20k`` is
        ``make_classification(n_samples=20000, n_features=50, random_state=0)``).
    ours / reference: zero-argument factories returning unfitted estimators.
    task: decides the metric — accuracy (classification), R² (regression), adjusted Rand
        against the labels (clustering), or explained variance / reconstruction (transform).
    scale: standardise features first (SVM, kNN, linear models).
    """

    estimator: str
    dataset: str
    ours: Callable[[], Any]
    reference: Callable[[], Any]
    task: Task
    scale: bool = field(default=False)


@dataclass
class Result:
    """What one case measured."""

    case: Case
    ours_metric: float
    ref_metric: float
    metric_name: str
    fit_ratio: float
    predict_ratio: float
    ours_fit_s: float
    ref_fit_s: float

    @property
    def difference(self) -> float:
        """ours − reference, in the metric's units (points of accuracy for classifiers)."""
        return self.ours_metric - self.ref_metric


@cache
def load_split(
    name: str, seed: int = 0
) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any], NDArray[Any]]:
    """(X_train, X_test, y_train, y_test): train+val of groundup.datasets for fitting."""
    if name == "synthetic20k":
        from sklearn.datasets import make_classification

        X, y = make_classification(n_samples=20000, n_features=50, random_state=0)
        cut = 16000
        return X[:cut], X[cut:], y[:cut], y[cut:]
    from groundup.datasets import splits

    s = splits(name, seed=seed)
    X_train = np.concatenate([s.X_train, s.X_val]).astype(np.float64)
    y_train = np.concatenate([s.y_train, s.y_val])
    return X_train, s.X_test.astype(np.float64), y_train, s.y_test


def _standardise(X_train: NDArray[Any], X_test: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any]]:
    mean, std = X_train.mean(0), X_train.std(0)
    std = np.where(std > 0, std, 1.0)
    return (X_train - mean) / std, (X_test - mean) / std


def _metric(task: Task, est: Any, X: NDArray[Any], y: NDArray[Any]) -> tuple[float, str]:
    from sklearn.metrics import accuracy_score, adjusted_rand_score, r2_score

    if task == "classification":
        return float(accuracy_score(y, est.predict(X))), "accuracy"
    if task == "regression":
        return float(r2_score(y, est.predict(X))), "R²"
    if task == "clustering":
        labels = est.labels_ if hasattr(est, "labels_") else est.predict(X)
        return float(adjusted_rand_score(y, labels)), "ARI"
    if hasattr(est, "explained_variance_ratio_"):
        return float(np.sum(est.explained_variance_ratio_)), "explained var."
    if hasattr(est, "reconstruction_err_"):
        return float(est.reconstruction_err_), "recon. error"
    return float("nan"), "—"


def _apply(task: Task, est: Any) -> Callable[[NDArray[Any]], Any] | None:
    if task in ("classification", "regression"):
        return est.predict
    if task == "transform" and hasattr(est, "transform"):
        return est.transform
    if task == "clustering" and hasattr(est, "predict"):
        return est.predict
    return None


def _fit_fresh(factory: Callable[[], Any], fit_args: tuple[Any, ...]) -> Any:
    """A new estimator from ``factory``, fitted — never a refit of a warm instance."""
    return factory().fit(*fit_args)


def compare(case: Case, *, repeat: int = 3, seed: int = 0) -> Result:
    """Fit and time ``case``'s two estimators on its dataset; score both on the test split."""
    X_train, X_test, y_train, y_test = load_split(case.dataset, seed)
    if case.scale:
        X_train, X_test = _standardise(X_train, X_test)
    # clustering is scored on the data it was fitted on (labels_), like the literature does
    X_eval, y_eval = (X_train, y_train) if case.task == "clustering" else (X_test, y_test)
    fit_args = (X_train,) if case.task in ("clustering", "transform") else (X_train, y_train)

    fitted: dict[str, Any] = {}
    fit_times: dict[str, float] = {}
    metrics: dict[str, float] = {}
    name = ""
    for side, factory in (("ours", case.ours), ("ref", case.reference)):
        # kept, and the timing's warm-up call
        fitted[side], first = timed(partial(_fit_fresh, factory, fit_args))
        # A fit of seconds is its own stable measurement (one-off costs and timer noise are
        # well under 1% of it): repeating it would only add minutes (sklearn's exact
        # GradientBoosting on synthetic20k takes ~25 s a fit).
        fit_times[side] = (
            first
            if first >= SLOW_FIT_S
            else median_time(partial(_fit_fresh, factory, fit_args), repeat=repeat, warmup=False)
        )
        # A randomised estimator is judged by its expected held-out metric, estimated over
        # METRIC_SEEDS seeds on both sides: one draw of a forest on 89 test samples moves by
        # ±0.015 R², as much as the margin being checked.
        runs = [fitted[side]]
        if "random_state" in fitted[side].get_params():
            for s in range(1, METRIC_SEEDS):
                runs.append(factory().set_params(random_state=s).fit(*fit_args))
        scores = [_metric(case.task, est, X_eval, y_eval) for est in runs]
        metrics[side] = float(np.mean([v for v, _ in scores]))
        name = scores[0][1]
    ours_metric, ref_metric = metrics["ours"], metrics["ref"]
    apply_ours, apply_ref = _apply(case.task, fitted["ours"]), _apply(case.task, fitted["ref"])
    if apply_ours is not None and apply_ref is not None:
        predict_ratio = ratio(
            median_time(lambda: apply_ours(X_eval), repeat=repeat),
            median_time(lambda: apply_ref(X_eval), repeat=repeat),
        )
    else:
        predict_ratio = float("nan")
    return Result(
        case=case,
        ours_metric=ours_metric,
        ref_metric=ref_metric,
        metric_name=name,
        fit_ratio=ratio(fit_times["ours"], fit_times["ref"]),
        predict_ratio=predict_ratio,
        ours_fit_s=fit_times["ours"],
        ref_fit_s=fit_times["ref"],
    )


def compare_all(
    cases: Iterable[Case],
    *,
    repeat: int = 3,
    progress: Callable[[str], None] | None = None,
) -> list[tuple[Case, Result | Exception]]:
    """Run every case; a case that raises is recorded with its exception, not hidden."""
    out: list[tuple[Case, Result | Exception]] = []
    with single_threaded():  # like for like: one BLAS thread on both sides
        for case in cases:
            if progress is not None:
                progress(f"{case.estimator} on {case.dataset}")
            try:
                out.append((case, compare(case, repeat=repeat)))
            except Exception as exc:  # noqa: BLE001 - reported in the table as an error row
                out.append((case, exc))
    return out


def summary(results: list[tuple[Case, Result | Exception]]) -> dict[str, float]:
    """Median and worst fit-time ratio over the cases that ran."""
    ratios = [r.fit_ratio for _, r in results if isinstance(r, Result)]
    if not ratios:
        return {"median_fit_ratio": float("nan"), "max_fit_ratio": float("nan"), "n": 0}
    return {
        "median_fit_ratio": statistics.median(ratios),
        "max_fit_ratio": max(ratios),
        "n": len(ratios),
    }


def gather_cases() -> list[Case]:
    """Every case of every estimator family in ``groundup.journey.cases``."""
    import importlib
    import pkgutil

    import groundup.journey.cases as pkg

    cases: list[Case] = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"groundup.journey.cases.{info.name}")
        cases.extend(getattr(module, "CASES", []))
    return cases
