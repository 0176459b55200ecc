"""Fixed-step first-order methods: GD, momentum, Nesterov, AdaGrad, RMSProp, Adam.

Each keeps a little state and maps the gradient ``g`` at ``x`` to a step ``Δx``:

    gd        Δx = −η g
    momentum  v ← βv − η g;                   Δx = v
    nesterov  v ← βv + g;                     Δx = −η (g + βv)      (look-ahead, PyTorch form)
    adagrad   G ← G + g²;                     Δx = −η g / (√G + ε)
    rmsprop   s ← ρs + (1−ρ) g²;              Δx = −η g / (√s + ε)
    adam      m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  Δx = −η m̂ / (√v̂ + ε),
              m̂ = m / (1−β₁ᵗ), v̂ = v / (1−β₂ᵗ)

See docs/notes/optimization.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from groundup._checks import check_positive
from groundup.optimize._loop import Callback, finish, grad_norm
from groundup.optimize._objective import Objective
from groundup.optimize._result import OptimizeResult

Step = Callable[[NDArray[Any], int], NDArray[Any]]

DEFAULTS: dict[str, dict[str, float]] = {
    "gd": {"lr": 1e-2},
    "momentum": {"lr": 1e-2, "beta": 0.9},
    "nesterov": {"lr": 1e-2, "beta": 0.9},
    "adagrad": {"lr": 1e-2, "eps": 1e-10},
    "rmsprop": {"lr": 1e-2, "rho": 0.99, "eps": 1e-8},
    "adam": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
}


def _make_step(method: str, n: int, opts: dict[str, float]) -> Step:
    """Return the update rule of ``method`` closed over its state vectors."""
    lr = opts["lr"]
    a = np.zeros(n)  # velocity / accumulated squares / first moment
    b = np.zeros(n)  # second moment (adam only)

    def gd(g: NDArray[Any], t: int) -> NDArray[Any]:
        return -lr * g

    def momentum(g: NDArray[Any], t: int) -> NDArray[Any]:
        a[:] = opts["beta"] * a - lr * g
        return a.copy()

    def nesterov(g: NDArray[Any], t: int) -> NDArray[Any]:
        a[:] = opts["beta"] * a + g
        return -lr * (g + opts["beta"] * a)

    def adagrad(g: NDArray[Any], t: int) -> NDArray[Any]:
        a[:] += g * g
        return -lr * g / (np.sqrt(a) + opts["eps"])

    def rmsprop(g: NDArray[Any], t: int) -> NDArray[Any]:
        rho = opts["rho"]
        a[:] = rho * a + (1 - rho) * g * g
        return -lr * g / (np.sqrt(a) + opts["eps"])

    def adam(g: NDArray[Any], t: int) -> NDArray[Any]:
        b1, b2 = opts["beta1"], opts["beta2"]
        a[:] = b1 * a + (1 - b1) * g
        b[:] = b2 * b + (1 - b2) * g * g
        m_hat = a / (1 - b1**t)
        v_hat = b / (1 - b2**t)
        return -lr * m_hat / (np.sqrt(v_hat) + opts["eps"])

    rules: dict[str, Step] = {
        "gd": gd,
        "momentum": momentum,
        "nesterov": nesterov,
        "adagrad": adagrad,
        "rmsprop": rmsprop,
        "adam": adam,
    }
    return rules[method]


def check_options(method: str, options: dict[str, Any]) -> dict[str, float]:
    """Merge ``options`` over the defaults of ``method``, refusing unknown or invalid ones."""
    defaults = DEFAULTS[method]
    unknown = sorted(set(options) - set(defaults))
    if unknown:
        raise TypeError(
            f"unknown option(s) {unknown} for method {method!r}; allowed: {sorted(defaults)}"
        )
    opts = {**defaults, **options}
    for name, value in opts.items():
        if name in ("beta", "rho", "beta1", "beta2"):
            v = float(value)
            if not 0 <= v < 1:
                raise ValueError(f"{name} must lie in [0, 1), got {value!r}")
            opts[name] = v
        else:
            opts[name] = check_positive(value, name)
    return opts


def first_order(
    method: str,
    obj: Objective,
    x0: NDArray[Any],
    f0: float,
    g0: NDArray[Any],
    tol: float,
    max_iter: int,
    callback: Callback,
    options: dict[str, Any],
) -> OptimizeResult:
    """Run one of the fixed-step methods until max|∇f| <= tol or ``max_iter`` steps."""
    step = _make_step(method, x0.size, check_options(method, options))
    x, f, g = x0.copy(), f0, g0
    history = [f]
    for t in range(1, max_iter + 1):
        if grad_norm(g) <= tol:
            return finish(x, f, g, t - 1, obj.nfev, tol, history)
        x = x + step(g, t)
        f, g = obj(x)
        history.append(f)
        if not (math.isfinite(f) and np.isfinite(g).all()):
            msg = f"diverged at iteration {t}: f or its gradient is not finite (reduce lr)"
            return finish(x, f, g, t, obj.nfev, tol, history, msg)
        if callback is not None and callback(x.copy()) is True:
            return finish(x, f, g, t, obj.nfev, tol, history, "stopped by callback")
    return finish(x, f, g, max_iter, obj.nfev, tol, history)
