"""Newton solvers for the score equations that have no closed form.

Gamma shape, chi-squared degrees of freedom and the two beta shapes all reduce to equations in
digamma; Newton with the trigamma derivative converges in a handful of steps from the
starting points below. See docs/notes/probability.md ("Maximum likelihood").
"""

from __future__ import annotations

import numpy as np

from groundup.stats.special import digamma, trigamma

_MAXITER = 100
_RTOL = 1e-14


def gamma_shape(s: float) -> float:
    """Solve log a − ψ(a) = s (s = log x̄ − mean log x > 0) for the gamma shape a.

    Start from Minka's approximation a₀ = (3 − s + √((s − 3)² + 24 s)) / (12 s); the function is
    decreasing and convex, so Newton a ← a − (log a − ψ(a) − s)/(1/a − ψ₁(a)) converges
    monotonically.
    """
    a = (3.0 - s + np.sqrt((s - 3.0) ** 2 + 24.0 * s)) / (12.0 * s)
    for _ in range(_MAXITER):
        f = np.log(a) - digamma(a) - s
        step = f / (1.0 / a - trigamma(a))
        a_new = a - step
        if a_new <= 0:  # stay in the domain; halving never overshoots the root
            a_new = a / 2.0
        if abs(a_new - a) <= _RTOL * a:
            return float(a_new)
        a = a_new
    return float(a)


def inverse_digamma(c: float) -> float:
    """Solve ψ(u) = c for u > 0 by Newton from Minka's start (exp(c) + ½, or −1/(c + γ))."""
    euler_gamma = 0.5772156649015329
    u = np.exp(c) + 0.5 if c >= -2.22 else -1.0 / (c + euler_gamma)
    for _ in range(_MAXITER):
        u_new = u - (digamma(u) - c) / trigamma(u)
        if u_new <= 0:
            u_new = u / 2.0
        if abs(u_new - u) <= _RTOL * u:
            return float(u_new)
        u = u_new
    return float(u)


def beta_shapes(g1: float, g2: float, a: float, b: float) -> tuple[float, float]:
    """Solve ψ(a) − ψ(a+b) = g1, ψ(b) − ψ(a+b) = g2 (g1 = mean log x, g2 = mean log(1 − x)).

    Two-dimensional Newton with Jacobian [[ψ₁(a) − ψ₁(a+b), −ψ₁(a+b)], [−ψ₁(a+b), ψ₁(b) −
    ψ₁(a+b)]], the negative Fisher information: the log-likelihood is concave (an exponential
    family), so Newton from the method-of-moments start converges; steps are halved only to keep
    a and b positive.
    """
    for _ in range(_MAXITER):
        ab = a + b
        f = np.array([digamma(a) - digamma(ab) - g1, digamma(b) - digamma(ab) - g2])
        t = trigamma(ab)
        jac = np.array([[trigamma(a) - t, -t], [-t, trigamma(b) - t]])
        da, db = np.linalg.solve(jac, f)
        step = 1.0
        while a - step * da <= 0 or b - step * db <= 0:
            step /= 2.0
        a_new, b_new = a - step * da, b - step * db
        if abs(a_new - a) <= _RTOL * a and abs(b_new - b) <= _RTOL * b:
            return float(a_new), float(b_new)
        a, b = a_new, b_new
    return float(a), float(b)
