"""Wrap a user objective into one ``x -> (f, g)`` call that counts evaluations and checks shapes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from groundup.calculus import gradient

GradSpec = Callable[[NDArray[Any]], Any] | bool | None


class Objective:
    """``x -> (f(x), ∇f(x))`` for the three ways a gradient can be supplied.

    ``grad`` callable: ``f = fun(x)``, ``g = grad(x)``; ``grad is True``: ``fun`` returns
    ``(f, g)`` (lets a model share work between the two); ``grad is None``: central differences.
    """

    def __init__(self, fun: Callable[..., Any], grad: GradSpec, n: int) -> None:
        if not callable(fun):
            raise TypeError(f"fun must be callable, got {type(fun).__name__}")
        if not (grad is None or grad is True or callable(grad)):
            raise TypeError(f"grad must be a callable, True or None, got {grad!r}")
        self.fun = fun
        self.grad = grad
        self.n = n
        self.nfev = 0

    def _counted(self, x: NDArray[Any]) -> Any:
        self.nfev += 1
        return self.fun(x)

    def __call__(self, x: NDArray[Any]) -> tuple[float, NDArray[Any]]:
        self.nfev += 1
        if self.grad is True:
            out = self.fun(x)
            if not (isinstance(out, tuple) and len(out) == 2):
                raise ValueError("with grad=True, fun must return a (value, gradient) tuple")
            f, g = out
        elif self.grad is None:
            f = self.fun(x)
            g = gradient(self._counted, x)  # central differences, 2n calls
        else:
            f, g = self.fun(x), self.grad(x)
        g = np.asarray(g, dtype=np.float64).reshape(-1)
        if g.shape != (self.n,):
            raise ValueError(f"gradient has {g.size} entries, expected {self.n}")
        return float(f), g
