"""Line searches: backtracking (Armijo) and strong Wolfe (bracket + zoom).

Both search along a descent direction ``p`` from ``x`` for a step ``α`` and return the
objective and gradient at ``x + αp`` so the caller never evaluates them twice.
See docs/notes/optimization.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from numpy.typing import NDArray

from groundup._checks import check_positive

FunGrad = Callable[[NDArray[Any]], tuple[float, NDArray[Any]]]


@dataclass
class LineSearchResult:
    """A step ``alpha`` along ``p``, with ``f`` and ``g`` at ``x + alpha·p``.

    ``success`` is False when the conditions could not be met within the iteration limit; the
    best point found (lowest ``f``) is returned then.
    """

    alpha: float
    f: float
    g: NDArray[Any]
    nfev: int
    success: bool


def _check_direction(g0: NDArray[Any], p: NDArray[Any]) -> float:
    slope = float(g0 @ p)
    if not slope < 0:
        raise ValueError(f"p is not a descent direction: ∇f(x)·p = {slope!r} (must be < 0)")
    return slope


def backtracking(
    fun_grad: FunGrad,
    x: NDArray[Any],
    p: NDArray[Any],
    f0: float,
    g0: NDArray[Any],
    *,
    alpha0: float = 1.0,
    c1: float = 1e-4,
    shrink: float = 0.5,
    max_iter: int = 60,
) -> LineSearchResult:
    """Backtracking line search for the Armijo (sufficient decrease) condition.

    Tries α = α₀, ρα₀, ρ²α₀, … and stops at the first α with

        f(x + αp) <= f(x) + c₁ α ∇f(x)ᵀp.

    See docs/notes/optimization.md.

    Parameters
    ----------
    fun_grad : callable
        ``x -> (f(x), ∇f(x))``.
    x, p : ndarray
        Current point and a descent direction (``∇f(x)ᵀp < 0``).
    f0, g0 : float, ndarray
        ``f(x)`` and ``∇f(x)``.
    alpha0 : float
        First trial step.
    c1 : float
        Sufficient-decrease constant in (0, 1).
    shrink : float
        Factor ρ in (0, 1) applied after each failed trial.
    max_iter : int
        Maximum trials.

    Returns
    -------
    LineSearchResult
    """
    check_positive(alpha0, "alpha0")
    if not 0 < c1 < 1:
        raise ValueError(f"c1 must lie in (0, 1), got {c1!r}")
    if not 0 < shrink < 1:
        raise ValueError(f"shrink must lie in (0, 1), got {shrink!r}")
    slope = _check_direction(g0, p)
    alpha, best = alpha0, None
    for k in range(1, max_iter + 1):
        f, g = fun_grad(x + alpha * p)
        if math.isfinite(f) and f <= f0 + c1 * alpha * slope:
            return LineSearchResult(alpha, f, g, k, True)
        if math.isfinite(f) and (best is None or f < best[1]):
            best = (alpha, f, g)
        alpha *= shrink
    if best is None:
        return LineSearchResult(0.0, f0, g0, max_iter, False)
    return LineSearchResult(best[0], best[1], best[2], max_iter, False)


def _cubic_min(a: float, fa: float, da: float, b: float, fb: float, db: float) -> float | None:
    """Minimiser of the cubic matching f and f' at a and b (Nocedal & Wright eq. 3.59)."""
    d1 = da + db - 3 * (fa - fb) / (a - b)
    disc = d1 * d1 - da * db
    if not math.isfinite(disc) or disc < 0:
        return None
    d2 = math.copysign(math.sqrt(disc), b - a)
    denom = db - da + 2 * d2
    if denom == 0:
        return None
    t = b - (b - a) * (db + d2 - d1) / denom
    return t if math.isfinite(t) else None


def _quadratic_min(a: float, fa: float, da: float, b: float, fb: float) -> float | None:
    """Minimiser of the parabola matching f(a), f'(a) and f(b)."""
    d = b - a
    denom = 2 * (fb - fa - da * d)
    if not math.isfinite(denom) or denom <= 0:
        return None
    return a - da * d * d / denom


def strong_wolfe(
    fun_grad: FunGrad,
    x: NDArray[Any],
    p: NDArray[Any],
    f0: float,
    g0: NDArray[Any],
    *,
    alpha0: float = 1.0,
    c1: float = 1e-4,
    c2: float = 0.9,
    alpha_max: float = 1e10,
    max_iter: int = 30,
) -> LineSearchResult:
    """Line search for the strong Wolfe conditions (Nocedal & Wright, Algorithms 3.5–3.6).

    Finds α with

        f(x + αp) <= f(x) + c₁ α ∇f(x)ᵀp            (sufficient decrease)
        |∇f(x + αp)ᵀp| <= c₂ |∇f(x)ᵀp|               (curvature)

    by expanding α until a bracket is found, then zooming in with cubic interpolation
    (quadratic, then bisection, as safeguards). See docs/notes/optimization.md.

    Parameters
    ----------
    fun_grad : callable
        ``x -> (f(x), ∇f(x))``.
    x, p : ndarray
        Current point and a descent direction (``∇f(x)ᵀp < 0``).
    f0, g0 : float, ndarray
        ``f(x)`` and ``∇f(x)``.
    alpha0 : float
        First trial step.
    c1, c2 : float
        Constants with 0 < c₁ < c₂ < 1.
    alpha_max : float
        Largest step tried.
    max_iter : int
        Maximum evaluations in total (bracketing and zoom).

    Returns
    -------
    LineSearchResult
    """
    check_positive(alpha0, "alpha0")
    if not 0 < c1 < c2 < 1:
        raise ValueError(f"need 0 < c1 < c2 < 1, got c1={c1!r}, c2={c2!r}")
    slope0 = _check_direction(g0, p)
    nfev = 0
    best: tuple[float, float, NDArray[Any]] = (0.0, f0, g0)

    def phi(alpha: float) -> tuple[float, NDArray[Any], float]:
        nonlocal nfev, best
        nfev += 1
        f, g = fun_grad(x + alpha * p)
        if math.isfinite(f) and f < best[1]:
            best = (alpha, f, g)
        return f, g, float(g @ p)

    # Near a minimiser f(x + αp) − f(x) drowns in rounding long before ∇f does. There the
    # Armijo test is replaced by its exact counterpart for a quadratic model, stated on the
    # slope (Hager & Zhang's approximate Wolfe): φ'(α) <= (2c₁ − 1) φ'(0), with f allowed to
    # rise by no more than the rounding level ε_f.
    eps_f = 1e-12 * (1.0 + abs(f0))

    def armijo_fails(alpha: float, f: float, d: float) -> bool:
        if not math.isfinite(f):
            return True
        if f <= f0 + c1 * alpha * slope0:
            return False
        return not (f <= f0 + eps_f and d <= (2 * c1 - 1) * slope0)

    def curvature_holds(d: float) -> bool:
        return abs(d) <= -c2 * slope0

    def zoom(lo: tuple[float, float, float], hi: tuple[float, float, float]) -> LineSearchResult:
        # Invariant: lo satisfies Armijo with the lowest f so far; the minimiser lies between.
        while nfev < max_iter:
            (a_lo, f_lo, d_lo), (a_hi, f_hi, d_hi) = lo, hi
            width = abs(a_hi - a_lo)
            if width <= 1e-14 * max(1.0, abs(a_lo)):
                break
            left, right = min(a_lo, a_hi), max(a_lo, a_hi)
            a = None
            if math.isfinite(f_hi) and math.isfinite(d_hi):
                a = _cubic_min(a_lo, f_lo, d_lo, a_hi, f_hi, d_hi)
                if a is None or not left + 0.1 * width <= a <= right - 0.1 * width:
                    a = _quadratic_min(a_lo, f_lo, d_lo, a_hi, f_hi)
                    if a is not None and not left + 0.1 * width <= a <= right - 0.1 * width:
                        a = None
            if a is None:
                a = 0.5 * (a_lo + a_hi)
            f, g, d = phi(a)
            if armijo_fails(a, f, d) or f > f_lo + eps_f:
                hi = (a, f, d)
            else:
                if curvature_holds(d):
                    return LineSearchResult(a, f, g, nfev, True)
                if d * (a_hi - a_lo) >= 0:
                    hi = lo
                lo = (a, f, d)
        return LineSearchResult(best[0], best[1], best[2], nfev, False)

    prev = (0.0, f0, slope0)
    alpha = alpha0
    while nfev < max_iter:
        f, g, d = phi(alpha)
        if armijo_fails(alpha, f, d) or (nfev > 1 and f > prev[1] + eps_f):
            return zoom(prev, (alpha, f, d))
        if curvature_holds(d):
            return LineSearchResult(alpha, f, g, nfev, True)
        if d >= 0:
            return zoom((alpha, f, d), prev)
        prev = (alpha, f, d)
        if alpha >= alpha_max:
            break
        alpha = min(2.0 * alpha, alpha_max)
    return LineSearchResult(best[0], best[1], best[2], nfev, False)


LINE_SEARCHES: dict[str, Callable[..., LineSearchResult]] = {
    "armijo": backtracking,
    "wolfe": strong_wolfe,
}


def get_line_search(name: str) -> Callable[..., LineSearchResult]:
    """Look a line search up by name (``"armijo"`` or ``"wolfe"``)."""
    try:
        return LINE_SEARCHES[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown line_search {name!r}; choose one of {sorted(LINE_SEARCHES)}"
        ) from None


__all__ = ["LineSearchResult", "backtracking", "get_line_search", "strong_wolfe"]
