"""Classical ML beside scikit-learn: one table of metric, fit-time and predict-time ratios.

Every case of every estimator family (src/groundup/journey/cases/) is fitted on the same seeded
split of a bundled dataset (or make_classification(20000, 50)) by ours and by scikit-learn in
this process; times are medians of repeats, so the ratios hold on a noisy machine.

    python benchmarks/bench_ml.py [--quick]      or      groundup bench ml
"""

from __future__ import annotations

import sys

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from groundup.journey.ml_compare import Result, compare_all, gather_cases, summary


def main(quick: bool = False) -> None:
    console = Console()
    cases = gather_cases()
    if quick:
        cases = [c for c in cases if c.dataset != "synthetic20k"]
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("fitting", total=len(cases))

        def step(label: str) -> None:
            bar.update(task, advance=1, description=label)

        results = compare_all(cases, repeat=1 if quick else 3, progress=step)
    table = Table(title="groundup vs scikit-learn (same process; ratio = ours / sklearn)")
    for col in (
        "estimator",
        "dataset",
        "metric",
        "ours",
        "sklearn",
        "Δ",
        "fit ratio",
        "predict ratio",
    ):
        table.add_column(
            col, justify="right" if col not in ("estimator", "dataset", "metric") else "left"
        )
    for case, r in results:
        if isinstance(r, Result):
            table.add_row(
                case.estimator,
                case.dataset,
                r.metric_name,
                f"{r.ours_metric:.4f}",
                f"{r.ref_metric:.4f}",
                f"{r.difference:+.4f}",
                f"{r.fit_ratio:.2f}×",
                f"{r.predict_ratio:.2f}×",
            )
        else:
            table.add_row(
                case.estimator,
                case.dataset,
                "error",
                f"[red]{type(r).__name__}: {r}[/]",
                "",
                "",
                "",
                "",
            )
    console.print(table)
    s = summary(results)
    console.print(
        f"{s['n']} cases: median fit-time ratio {s['median_fit_ratio']:.2f}×, "
        f"worst {s['max_fit_ratio']:.2f}× (goals: median ≤ 3×, none beyond 10×)"
    )


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
