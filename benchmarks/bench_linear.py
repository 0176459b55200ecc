"""groundup.ml.linear_model beside scikit-learn: fit-time ratios and accuracy differences.

LogisticRegression on digits (1797×64, 10 classes; raw pixels and standardised) against
scikit-learn's lbfgs with the same C, max_iter and tol, scored on a held-out quarter;
LinearRegression (each solver), Ridge and Lasso on diabetes. Both sides run in this process
on the same split, each fit timed as the median of repeats, with BLAS/OpenMP pinned to one
thread so the ratio compares algorithms rather than thread scheduling on a shared machine.

    python benchmarks/bench_linear.py [--quick]      or      groundup bench linear
"""

from __future__ import annotations

import statistics
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.table import Table
from sklearn import linear_model as sk
from sklearn.datasets import load_diabetes, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from groundup.ml import linear_model as gu


def _median_fit_time(factory: Callable[[], Any], X: Any, y: Any, repeat: int) -> float:
    factory().fit(X, y)  # warm-up
    times = []
    for _ in range(repeat):
        est = factory()
        start = time.perf_counter()
        est.fit(X, y)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _rows(repeat: int) -> list[tuple[str, str, float, float, float, float, str]]:
    """(model, data, ours s, sklearn s, ours metric, sklearn metric, metric name)."""
    rows = []
    X, y = load_digits(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
    sc = StandardScaler().fit(Xtr)
    digits = {
        "digits (raw)": (Xtr, Xte),
        "digits (std)": (sc.transform(Xtr), sc.transform(Xte)),
    }
    for label, (A, B) in digits.items():
        for solver, ref_solver in (("lbfgs", "lbfgs"), ("newton", "newton-cholesky")):
            if solver == "newton" and label == "digits (raw)":
                continue  # unscaled pixels: Newton's Hessian is near-singular for both

            def ours(s: str = solver) -> Any:
                return gu.LogisticRegression(solver=s)

            def ref(s: str = ref_solver) -> Any:
                return sk.LogisticRegression(solver=s)

            t_o = _median_fit_time(ours, A, ytr, repeat)
            t_r = _median_fit_time(ref, A, ytr, repeat)
            acc_o = ours().fit(A, ytr).score(B, yte)
            acc_r = ref().fit(A, ytr).score(B, yte)
            name = f"LogisticRegression {solver} / {ref_solver}"
            rows.append((name, label, t_o, t_r, acc_o, acc_r, "accuracy"))

    X, y = load_diabetes(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=0)
    regressors: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
        *(
            (
                f"LinearRegression {s}",
                lambda s=s: gu.LinearRegression(solver=s),
                sk.LinearRegression,
            )
            for s in ("cholesky", "qr", "svd", "gd")
        ),
        ("Ridge", gu.Ridge, sk.Ridge),
        ("Lasso alpha=0.1", lambda: gu.Lasso(alpha=0.1), lambda: sk.Lasso(alpha=0.1)),
    ]
    for name, ours_f, ref_f in regressors:
        t_o = _median_fit_time(ours_f, Xtr, ytr, repeat)
        t_r = _median_fit_time(ref_f, Xtr, ytr, repeat)
        r2_o = ours_f().fit(Xtr, ytr).score(Xte, yte)
        r2_r = ref_f().fit(Xtr, ytr).score(Xte, yte)
        rows.append((name, "diabetes", t_o, t_r, r2_o, r2_r, "R²"))
    return rows


def main(quick: bool = False) -> None:
    """Print the table of fit-time ratios (ours / sklearn) and metric differences."""
    console = Console(width=max(Console().width, 120))
    with threadpool_limits(1), warnings.catch_warnings():
        # raw digits do not converge in 100 lbfgs iterations on either side: expected
        warnings.simplefilter("ignore", ConvergenceWarning)
        rows = _rows(repeat=3 if quick else 9)
    table = Table(title="groundup.ml.linear_model vs scikit-learn (fit time: median, 1 thread)")
    for col in ("model", "data", "ours ms", "sklearn ms", "ratio", "ours", "sklearn", "Δ"):
        table.add_column(col, justify="left" if col in ("model", "data") else "right")
    for name, data, t_o, t_r, m_o, m_r, metric in rows:
        ratio = t_o / t_r
        colour = "green" if ratio <= 2 else "yellow" if ratio <= 3 else "red"
        diff = f"{100 * (m_o - m_r):+.2f} pts" if metric == "accuracy" else f"{m_o - m_r:+.1e}"
        table.add_row(
            name,
            data,
            f"{1e3 * t_o:.2f}",
            f"{1e3 * t_r:.2f}",
            f"[{colour}]{ratio:.2f}×[/{colour}]",
            f"{m_o:.4f}",
            f"{m_r:.4f}",
            diff,
        )
    console.print(table)
    console.print(
        "Goals: LogisticRegression on digits ≤ 3× sklearn lbfgs with accuracy ≥ −1 point; "
        "LinearRegression on diabetes ≤ 2×."
    )


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
