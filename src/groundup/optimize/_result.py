"""The result record every optimiser in :mod:`groundup.optimize` returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from numpy.typing import NDArray


@dataclass
class OptimizeResult:
    """Outcome of :func:`groundup.optimize.minimize`.

    Attributes
    ----------
    x : ndarray
        The final iterate.
    fun : float
        ``f(x)``.
    grad : ndarray
        ``∇f(x)`` at the final iterate.
    nit : int
        Iterations taken.
    nfev : int
        Calls of the objective (a call returning ``(f, g)`` counts once).
    converged : bool
        True when ``max_i |∇f(x)_i| <= tol`` was reached.
    message : str
        Why the run stopped.
    history : list of float
        ``f`` at ``x0`` and after every iteration (``len == nit + 1``).
    """

    x: NDArray[Any]
    fun: float
    grad: NDArray[Any]
    nit: int
    nfev: int
    converged: bool
    message: str
    history: list[float] = field(default_factory=list)
