"""groundup.stats beside scipy.special / scipy.stats: time ratio and max relative error.

Each row runs ours and SciPy's on the same seeded input in this process (median of repeats,
so ratios hold on a noisy machine) and reports the largest relative difference of ours from
SciPy's (for random procedures — sampling, bootstrap — a difference in moments / endpoints).

    python benchmarks/bench_stats.py [--quick]      or      groundup bench stats
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.special as sp
import scipy.stats as ss
from rich.console import Console
from rich.table import Table

from groundup import stats as gs
from groundup.stats import special as gsp


def _median_time(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def _rel(o: Any, r: Any) -> float:
    o, r = np.asarray(o, dtype=float), np.asarray(r, dtype=float)
    # below ~1e-200 SciPy's own incomplete beta drifts (checked against 30-digit mpmath), so
    # differences there say nothing about ours
    ok = np.isfinite(r) & (np.abs(r) > 1e-200)
    return float(np.max(np.abs(o[ok] - r[ok]) / np.abs(r[ok])))


def _cases(rng: np.random.Generator, n: int) -> list[tuple[str, Any, Any, Callable[..., float]]]:
    """(label, ours, reference, error(ours_out, ref_out)) rows."""
    x = 10 ** rng.uniform(-3, 3, n)
    a = 10 ** rng.uniform(-2, 3, n)
    b = 10 ** rng.uniform(-2, 3, n)
    u = rng.uniform(0, 1, n)
    z = rng.normal(0, 5, n)
    gam = rng.gamma(2.3, 1 / 1.7, 2000)
    bet = rng.beta(2.5, 0.8, 2000)
    tdat = 1.0 + 2.0 * rng.standard_t(4.0, 500)
    s1, s2 = rng.normal(0, 1, 200), rng.normal(0.3, 2, 300)
    boot = rng.normal(1, 2, 100)
    cov = np.array([[2.0, 0.5, 0.3], [0.5, 1.0, 0.2], [0.3, 0.2, 1.5]])
    mvx = rng.normal(size=(n, 3))
    mv_ours, mv_ref = (
        gs.MultivariateNormal(np.zeros(3), cov),
        ss.multivariate_normal(np.zeros(3), cov),
    )

    def moments(o: Any, r: Any) -> float:
        return float(max(abs(o.mean() - r.mean()) / r.std(), abs(o.var() / r.var() - 1)))

    def t_fit_err(o: Any, r: Any) -> float:
        return _rel([o.df, o.loc, o.scale], list(r))

    def ci_err(o: Any, r: Any) -> float:
        return _rel(list(o), [r.confidence_interval.low, r.confidence_interval.high])

    return [
        (f"gammaln ×{n}", lambda: gsp.gammaln(x), lambda: sp.gammaln(x), _rel),
        (f"digamma ×{n}", lambda: gsp.digamma(x), lambda: sp.digamma(x), _rel),
        (f"gammainc ×{n}", lambda: gsp.gammainc(a, x), lambda: sp.gammainc(a, x), _rel),
        (f"betainc ×{n}", lambda: gsp.betainc(a, b, u), lambda: sp.betainc(a, b, u), _rel),
        (f"ndtr ×{n}", lambda: gsp.ndtr(z), lambda: sp.ndtr(z), _rel),
        (
            f"Normal.logpdf ×{n}",
            lambda: gs.Normal(1, 2).logpdf(z),
            lambda: ss.norm(1, 2).logpdf(z),
            _rel,
        ),
        (
            f"StudentT.cdf ×{n}",
            lambda: gs.StudentT(3.5).cdf(z),
            lambda: ss.t(3.5).cdf(z),
            _rel,
        ),
        (
            f"Gamma.cdf ×{n}",
            lambda: gs.Gamma(2.5, 1.3).cdf(x),
            lambda: ss.gamma(2.5, scale=1 / 1.3).cdf(x),
            _rel,
        ),
        (
            f"MultivariateNormal.logpdf ×{n}",
            lambda: mv_ours.logpdf(mvx),
            lambda: mv_ref.logpdf(mvx),
            _rel,
        ),
        (
            "Gamma.fit n=2000",
            lambda: gs.Gamma.fit(gam),
            lambda: ss.gamma.fit(gam, floc=0),
            lambda o, r: _rel([o.shape, o.rate], [r[0], 1 / r[2]]),
        ),
        (
            "Beta.fit n=2000",
            lambda: gs.Beta.fit(bet),
            lambda: ss.beta.fit(bet, floc=0, fscale=1),
            lambda o, r: _rel([o.a, o.b], list(r[:2])),
        ),
        (
            "StudentT.fit (df free) n=500",
            lambda: gs.StudentT.fit(tdat),
            lambda: ss.t.fit(tdat),
            t_fit_err,
        ),
        (
            "ttest_ind (Welch)",
            lambda: gs.ttest_ind(s1, s2),
            lambda: ss.ttest_ind(s1, s2, equal_var=False),
            lambda o, r: _rel([o.statistic, o.pvalue], [r.statistic, r.pvalue]),
        ),
        (
            "bootstrap_ci mean, B=9999, n=100",
            lambda: gs.bootstrap_ci(boot, np.mean, rng=0),
            lambda: ss.bootstrap((boot,), np.mean, method="percentile", rng=0),
            ci_err,
        ),
        (
            f"Gamma(0.7).sample ×{n} (moments)",
            lambda: gs.Gamma(0.7, 1.0).sample(n, rng=0),
            lambda: ss.gamma(0.7).rvs(n, random_state=np.random.default_rng(0)),
            moments,
        ),
        (
            f"Poisson(4.5).sample ×{n} (moments)",
            lambda: gs.Poisson(4.5).sample(n, rng=0),
            lambda: ss.poisson(4.5).rvs(n, random_state=np.random.default_rng(0)),
            moments,
        ),
    ]


def main(quick: bool = False) -> None:
    """Time each stats routine beside SciPy and print ratios (ours / SciPy) in a table."""
    rng = np.random.default_rng(0)
    n = 20_000 if quick else 200_000
    repeat = 3 if quick else 7
    table = Table(title=f"groundup.stats vs SciPy ({'quick' if quick else 'full'})")
    for col in ("case", "ours ms", "scipy ms", "ratio", "max rel. diff"):
        table.add_column(col, justify="left" if col == "case" else "right")
    for label, ours, ref, err in _cases(rng, n):
        t_ours = _median_time(ours, repeat)
        t_ref = _median_time(ref, repeat)
        diff = err(ours(), ref())
        table.add_row(
            label,
            f"{1e3 * t_ours:.2f}",
            f"{1e3 * t_ref:.2f}",
            f"{t_ours / t_ref:.2f}×",
            f"{diff:.1e}",
        )
    Console().print(table)


if __name__ == "__main__":
    main(quick="--quick" in sys.argv[1:])
