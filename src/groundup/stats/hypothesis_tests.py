"""Classical hypothesis tests: one- and two-sample t tests and Pearson's chi-squared test.

Each returns the statistic, its p-value and the degrees of freedom; p-values come from our own
incomplete beta/gamma functions. See docs/notes/probability.md ("Hypothesis tests").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from groundup._checks import as_vector
from groundup.stats._validation import count
from groundup.stats.special import betainc, gammaincc

__all__ = ["TestResult", "chisquare", "ttest_1samp", "ttest_ind"]

Alternative = Literal["two-sided", "less", "greater"]


@dataclass(frozen=True)
class TestResult:
    """The outcome of a test: ``statistic``, ``pvalue`` and the reference distribution's ``df``."""

    __test__ = False  # not a pytest test class, whatever its name

    statistic: float
    pvalue: float
    df: float


def _t_pvalue(t: float, df: float, alternative: Alternative) -> float:
    """P-value of a t statistic: the t tail is ½ I_{ν/(ν+t²)}(ν/2, ½)."""
    tail = 0.5 * float(betainc(0.5 * df, 0.5, df / (df + t * t)))  # P(T > |t|)
    if alternative == "two-sided":
        return min(1.0, 2.0 * tail)
    upper = tail if t >= 0 else 1.0 - tail  # P(T > t)
    if alternative == "greater":
        return upper
    if alternative == "less":
        return 1.0 - upper if t >= 0 else tail
    raise ValueError(f"alternative must be 'two-sided', 'less' or 'greater', got {alternative!r}")


def _sample(x: ArrayLike, name: str) -> np.ndarray:
    arr = as_vector(x, name)
    if arr.size < 2:
        raise ValueError(f"{name} needs at least 2 observations for a t test, got {arr.size}")
    return arr


def ttest_1samp(
    data: ArrayLike, popmean: float = 0.0, alternative: Alternative = "two-sided"
) -> TestResult:
    """One-sample t test of H₀: E[X] = μ₀.

    t = (x̄ − μ₀) / (s/√n) with s² = Σ(xᵢ − x̄)²/(n − 1), which under H₀ (normal data) follows
    Student's t with n − 1 degrees of freedom; two-sided p = I_{ν/(ν+t²)}(ν/2, ½).
    See docs/notes/probability.md.

    Parameters
    ----------
    data : array_like
        Sample, 1-D, at least 2 finite values, not all equal.
    popmean : float
        μ₀.
    alternative : {"two-sided", "less", "greater"}
        The alternative hypothesis.

    Returns
    -------
    TestResult
    """
    x = _sample(data, "data")
    mu0 = float(popmean)
    if not np.isfinite(mu0):
        raise ValueError(f"popmean must be finite, got {popmean!r}")
    n = x.size
    sd = float(x.std(ddof=1))
    if sd == 0.0:
        raise ValueError(f"data has zero variance (all {n} values equal {x[0]!r}): t undefined")
    t = (float(x.mean()) - mu0) / (sd / np.sqrt(n))
    return TestResult(float(t), _t_pvalue(t, n - 1.0, alternative), n - 1.0)


def ttest_ind(
    a: ArrayLike,
    b: ArrayLike,
    equal_var: bool = False,
    alternative: Alternative = "two-sided",
) -> TestResult:
    """Two-sample t test of H₀: E[A] = E[B]; Welch's test by default.

    Welch: t = (ā − b̄)/√(s²ₐ/nₐ + s²ᵦ/nᵦ), with Welch–Satterthwaite
    ν = (s²ₐ/nₐ + s²ᵦ/nᵦ)² / ((s²ₐ/nₐ)²/(nₐ−1) + (s²ᵦ/nᵦ)²/(nᵦ−1)).
    Student (``equal_var=True``): pooled s²ₚ = ((nₐ−1)s²ₐ + (nᵦ−1)s²ᵦ)/(nₐ+nᵦ−2),
    t = (ā − b̄)/(sₚ√(1/nₐ + 1/nᵦ)), ν = nₐ + nᵦ − 2. See docs/notes/probability.md.

    Parameters
    ----------
    a, b : array_like
        The two samples, each 1-D with at least 2 finite values.
    equal_var : bool
        Assume equal variances (pooled Student test) instead of Welch's.
    alternative : {"two-sided", "less", "greater"}
        The alternative hypothesis (about E[A] − E[B]).

    Returns
    -------
    TestResult
    """
    xa, xb = _sample(a, "a"), _sample(b, "b")
    na, nb = xa.size, xb.size
    va, vb = float(xa.var(ddof=1)), float(xb.var(ddof=1))
    if va == 0.0 and vb == 0.0:
        raise ValueError("both samples have zero variance: t undefined")
    if equal_var:
        df = na + nb - 2.0
        pooled = ((na - 1) * va + (nb - 1) * vb) / df
        se = np.sqrt(pooled * (1.0 / na + 1.0 / nb))
    else:
        qa, qb = va / na, vb / nb
        se = np.sqrt(qa + qb)
        df = (qa + qb) ** 2 / (qa * qa / (na - 1) + qb * qb / (nb - 1))
    t = (float(xa.mean()) - float(xb.mean())) / float(se)
    return TestResult(t, _t_pvalue(t, float(df), alternative), float(df))


def chisquare(observed: ArrayLike, expected: ArrayLike | None = None, ddof: int = 0) -> TestResult:
    """Pearson's chi-squared goodness-of-fit test.

    X² = Σ (Oᵢ − Eᵢ)² / Eᵢ, which under H₀ is approximately χ² with k − 1 − ddof degrees of
    freedom; p = Q((k − 1 − ddof)/2, X²/2). ``expected`` defaults to equal frequencies and must
    have the same total as ``observed``. See docs/notes/probability.md.

    Parameters
    ----------
    observed : array_like
        Observed counts, 1-D, >= 0.
    expected : array_like, optional
        Expected counts, > 0, same length and (within 1e-8 relative) same sum.
    ddof : int
        Extra degrees of freedom lost to fitted parameters.

    Returns
    -------
    TestResult
    """
    obs = as_vector(observed, "observed")
    if (obs < 0).any():
        raise ValueError(f"observed counts must be >= 0, got {obs[obs < 0][0]!r}")
    k = obs.size
    if expected is None:
        exp = np.full(k, obs.mean())
    else:
        exp = as_vector(expected, "expected")
        if exp.size != k:
            raise ValueError(f"observed has {k} categories but expected has {exp.size}")
    if (exp <= 0).any():
        raise ValueError(f"expected counts must be > 0, got {exp[exp <= 0][0]!r}")
    total_o, total_e = float(obs.sum()), float(exp.sum())
    if abs(total_o - total_e) > 1e-8 * max(total_o, total_e):
        raise ValueError(
            f"observed and expected must have the same total, got {total_o!r} and {total_e!r}"
        )
    ddof = count(ddof, "ddof")
    df = k - 1 - ddof
    if df < 1:
        raise ValueError(f"need k - 1 - ddof >= 1 degrees of freedom, got k={k}, ddof={ddof}")
    stat = float(np.sum((obs - exp) ** 2 / exp))
    return TestResult(stat, float(gammaincc(0.5 * df, 0.5 * stat)), float(df))
