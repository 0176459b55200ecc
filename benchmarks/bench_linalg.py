"""groundup.linalg beside numpy.linalg (LAPACK): time ratio and max error in one table.

Each row times ours and NumPy's on the same seeded matrix in this process (median of
repeats, so ratios hold on a noisy machine) and reports the largest error of ours against
NumPy's result — on singular values / eigenvalues directly, on vectors up to sign via the
reconstruction ‖U S Vᵀ − A‖ / ‖A‖ and orthogonality.

    python benchmarks/bench_linalg.py [--quick]      or      groundup bench linalg
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from groundup import linalg as gl


def _median_time(fn: Callable[[], Any], repeat: int) -> float:
    """Median CPU seconds of ``fn`` (process time: with BLAS on one thread it is what each side
    costs, and unlike wall time it does not count waiting for a busy machine's cores)."""
    fn()  # warm-up (first-call allocation, caches)
    times = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return float(np.median(times))


def _cases(rng: np.random.Generator, sizes: list[int]) -> list[tuple[str, Any, Any, Any]]:
    """(label, ours, reference, error(ours_out, ref_out)) rows."""
    rows: list[tuple[str, Any, Any, Any]] = []
    for n in sizes:
        X = rng.standard_normal((n, n))
        S = X + X.T
        P = X @ X.T + n * np.eye(n)
        b = rng.standard_normal((n, 4))

        def svd_err(o: Any, r: Any, A: np.ndarray = X) -> float:
            U, s, Vt = o
            rec = np.abs((U[:, : s.size] * s) @ Vt[: s.size] - A).max() / r[1][0]
            return float(max(np.abs(s - r[1]).max() / r[1][0], rec))

        def eigh_err(o: Any, r: Any, A: np.ndarray = S) -> float:
            w, V = o
            scale = np.abs(r[0]).max()
            rec = np.abs((V * w) @ V.T - A).max() / scale
            return float(max(np.abs(w - r[0]).max() / scale, rec))

        def qr_err(o: Any, r: Any, A: np.ndarray = X) -> float:
            Q, R = o
            return float(
                max(
                    np.abs(np.abs(R) - np.abs(r[1])).max() / np.abs(r[1]).max(),
                    np.abs(Q.T @ Q - np.eye(Q.shape[1])).max(),
                )
            )

        def rel(o: Any, r: Any) -> float:
            return float(np.abs(o - r).max() / np.abs(r).max())

        rows += [
            (f"svd {n}×{n}", lambda A=X: gl.svd(A), lambda A=X: np.linalg.svd(A), svd_err),
            (f"eigh {n}×{n}", lambda A=S: gl.eigh(A), lambda A=S: np.linalg.eigh(A), eigh_err),
            (f"qr {n}×{n}", lambda A=X: gl.qr(A), lambda A=X: np.linalg.qr(A), qr_err),
            (
                f"cholesky {n}×{n}",
                lambda A=P: gl.cholesky(A),
                lambda A=P: np.linalg.cholesky(A),
                rel,
            ),
            (
                f"solve {n}×{n}, 4 rhs",
                lambda A=X, B=b: gl.solve(A, B),
                lambda A=X, B=b: np.linalg.solve(A, B),
                rel,
            ),
        ]
    # The case PCA runs on digits: thin SVD of a 1797×64 data matrix.
    D = rng.standard_normal((1797, 64)) @ rng.standard_normal((64, 64))
    try:
        from sklearn.datasets import load_digits

        D = load_digits().data
        D = D - D.mean(axis=0)
        label = "svd digits 1797×64 thin"
    except Exception:  # sklearn missing: same shape, random data
        label = "svd 1797×64 thin (random)"

    def digits_err(o: Any, r: Any, A: np.ndarray = D) -> float:
        U, s, Vt = o
        rec = np.abs((U * s) @ Vt - A).max() / r[1][0]
        return float(max(np.abs(s - r[1]).max() / r[1][0], rec))

    rows.append(
        (
            label,
            lambda A=D: gl.svd(A, full_matrices=False),
            lambda A=D: np.linalg.svd(A, full_matrices=False),
            digits_err,
        )
    )
    # PCA's default solver on digits (n ≥ 10·d): eigh of the 64×64 covariance matrix.
    C = D.T @ D / (D.shape[0] - 1)

    def cov_err(o: Any, r: Any, A: np.ndarray = C) -> float:
        w, V = o
        scale = np.abs(r[0]).max()
        return float(max(np.abs(w - r[0]).max(), np.abs((V * w) @ V.T - A).max()) / scale)

    rows.append(
        (
            "eigh 64×64 covariance (PCA)" + ("" if "digits" in label else " (random)"),
            lambda A=C: gl.eigh(A),
            lambda A=C: np.linalg.eigh(A),
            cov_err,
        )
    )
    return rows


def main(quick: bool = False) -> None:
    """Print the comparison table (``quick``: n = 64 only, fewer repeats).

    BLAS is held to one thread for both sides (threadpoolctl, when installed): on a small
    shared machine a multithreaded LAPACK call oversubscribes the cores and its time swings
    by 10-50×, which would make the ratios meaningless.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # ratios then include BLAS threading on both sides
        _run(quick, "BLAS threads: library default")
        return
    with threadpool_limits(1):
        _run(quick, "BLAS threads: 1 (both sides)")


def _run(quick: bool, threads: str) -> None:
    console = Console()
    rng = np.random.default_rng(0)
    sizes = [64] if quick else [64, 256]
    repeat = 3 if quick else 7
    table = Table(
        title="groundup.linalg vs numpy.linalg (same process; ratio = ours / numpy)",
        caption=threads,
    )
    for col in ("operation", "ours (CPU ms)", "numpy (CPU ms)", "time ratio", "max rel. error"):
        table.add_column(col, justify="left" if col == "operation" else "right")
    ratios = []
    for label, ours, ref, err in _cases(rng, sizes):
        t_ours = _median_time(ours, repeat if "256" not in label else max(2, repeat // 2))
        t_ref = _median_time(ref, repeat)
        e = err(ours(), ref())
        ratios.append(t_ours / t_ref)
        style = "green" if e < 1e-8 else "red"
        table.add_row(
            label,
            f"{1e3 * t_ours:.2f}",
            f"{1e3 * t_ref:.2f}",
            f"{t_ours / t_ref:.1f}×",
            f"[{style}]{e:.1e}[/]",
        )
    console.print(table)
    console.print(
        f"median time ratio {np.median(ratios):.1f}×, worst {max(ratios):.1f}× "
        "(LAPACK is blocked Fortran; ours is NumPy array code driven from Python)"
    )


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
