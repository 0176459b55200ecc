"""Optimisers with PyTorch's exact update rules, so training trajectories match step for step.

With g = ∇L(θ) (+ λθ for L2 weight decay), step t:
    SGD:     b ← μ b + (1 - τ) g (b₁ = g);  d = g + μ b (Nesterov) or b;  θ ← θ - η d
    Adam:    m ← β₁ m + (1-β₁) g;  v ← β₂ v + (1-β₂) g²;
             θ ← θ - (η / (1-β₁ᵗ)) · m / (√v / √(1-β₂ᵗ) + ε)
    AdamW:   θ ← θ (1 - ηλ), then Adam without the L2 term (decoupled weight decay)
    RMSprop: s ← α s + (1-α) g²;  θ ← θ - η g / (√s + ε)  (optional momentum, centring)
    Adagrad: s ← s + g²;  θ ← θ - η_t g / (√s + ε),  η_t = η / (1 + (t-1)·decay)
See docs/notes/optimizers.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from groundup.autograd.tensor import Tensor

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop"]


def _check_nonneg(value: float, name: str) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")


class Optimizer:
    """Base class: holds ``param_groups`` (dicts of params and hyper-parameters) and ``state``.

    Subclasses define ``_update(p, grad, group, state)``, which changes ``p.data`` in place.
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        items = list(params)
        if not items:
            raise ValueError("optimizer got an empty parameter list")
        groups = items if isinstance(items[0], dict) else [{"params": items}]
        self.defaults = defaults
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[int, dict[str, Any]] = {}
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group: dict[str, Any]) -> None:
        """Add parameters with their own hyper-parameters (missing ones take the defaults)."""
        merged = {**self.defaults, **group}
        merged["params"] = list(group["params"])
        for i, p in enumerate(merged["params"]):
            if not isinstance(p, Tensor):
                raise TypeError(f"parameter {i} is a {type(p).__name__}, not a Tensor")
            if not p.requires_grad:
                raise ValueError(f"parameter {i} (shape {p.shape}) does not require grad")
        self.param_groups.append(merged)

    def zero_grad(self) -> None:
        """Forget every parameter's gradient (set it to None)."""
        for group in self.param_groups:
            for p in group["params"]:
                p.grad = None

    def step(self) -> None:
        """Update every parameter that has a gradient."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                self._update(p, p.grad, group, self.state.setdefault(id(p), {}))

    def _update(
        self, p: Tensor, grad: np.ndarray, group: dict[str, Any], state: dict[str, Any]
    ) -> None:
        raise NotImplementedError

    def state_dict(self) -> dict[str, Any]:
        """Hyper-parameters per group and per-parameter state (arrays copied)."""
        index = {id(p): i for i, p in enumerate(p for g in self.param_groups for p in g["params"])}
        return {
            "state": {
                index[k]: {n: np.copy(v) for n, v in s.items()} for k, s in self.state.items()
            },
            "param_groups": [
                {k: v for k, v in g.items() if k != "params"} for g in self.param_groups
            ],
        }


class SGD(Optimizer):
    """Stochastic gradient descent with optional (Nesterov) momentum and L2 weight decay.

    Parameters
    ----------
    params : iterable of Tensor or of dicts
        What to optimise.
    lr : float
        Learning rate η.
    momentum : float
        μ; 0 disables momentum.
    dampening : float
        τ, scales the new gradient in the momentum buffer.
    weight_decay : float
        λ, adds λθ to the gradient.
    nesterov : bool
        Look-ahead momentum (needs μ > 0 and τ = 0).
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        maximize: bool = False,
    ) -> None:
        for v, n in ((lr, "lr"), (momentum, "momentum"), (weight_decay, "weight_decay")):
            _check_nonneg(v, n)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires momentum > 0 and dampening = 0")
        super().__init__(
            params,
            {
                "lr": lr,
                "momentum": momentum,
                "dampening": dampening,
                "weight_decay": weight_decay,
                "nesterov": nesterov,
                "maximize": maximize,
            },
        )

    def _update(
        self, p: Tensor, grad: np.ndarray, group: dict[str, Any], state: dict[str, Any]
    ) -> None:
        g = -grad if group["maximize"] else grad
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p.data
        mu = group["momentum"]
        if mu:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.array(g, copy=True)
            else:
                buf *= mu
                buf += (1 - group["dampening"]) * g
            g = g + mu * buf if group["nesterov"] else buf
        p.data -= group["lr"] * g


class Adam(Optimizer):
    """Adam: bias-corrected first and second moment estimates (Kingma & Ba), L2 weight decay.

    Parameters
    ----------
    params : iterable
        What to optimise.
    lr : float
        η.
    betas : (float, float)
        β₁, β₂ moment decay rates.
    eps : float
        ε added to the denominator.
    weight_decay : float
        L2 penalty added to the gradient (use AdamW for decoupled decay).
    amsgrad : bool
        Use the running maximum of v (Reddi et al.).
    """

    decoupled = False

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
    ) -> None:
        _check_nonneg(lr, "lr")
        _check_nonneg(eps, "eps")
        _check_nonneg(weight_decay, "weight_decay")
        if not all(0.0 <= b < 1.0 for b in betas):
            raise ValueError(f"betas must lie in [0, 1), got {betas}")
        super().__init__(
            params,
            {
                "lr": lr,
                "betas": tuple(betas),
                "eps": eps,
                "weight_decay": weight_decay,
                "amsgrad": amsgrad,
            },
        )

    def _update(
        self, p: Tensor, grad: np.ndarray, group: dict[str, Any], state: dict[str, Any]
    ) -> None:
        lr, (b1, b2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(p.data)
            state["exp_avg_sq"] = np.zeros_like(p.data)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(p.data)
        state["step"] += 1
        t = state["step"]
        if wd:
            if self.decoupled:
                p.data *= 1 - lr * wd
            else:
                grad = grad + wd * p.data
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m += (1 - b1) * (grad - m)  # PyTorch's lerp form of β₁m + (1-β₁)g
        v *= b2
        v += (1 - b2) * grad * grad
        if group["amsgrad"]:
            np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
            v = state["max_exp_avg_sq"]
        denom = np.sqrt(v) / math.sqrt(1 - b2**t) + eps
        p.data -= (lr / (1 - b1**t)) * m / denom


class AdamW(Adam):
    """Adam with decoupled weight decay θ ← θ(1 - ηλ) (Loshchilov & Hutter); λ defaults to 0.01."""

    decoupled = True

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)


class RMSprop(Optimizer):
    """RMSprop: divide the gradient by a running RMS of recent gradients (Hinton).

    Parameters
    ----------
    lr, alpha, eps, weight_decay, momentum : float
        η, the smoothing constant α, ε, L2 penalty λ, momentum μ.
    centered : bool
        Divide by the running standard deviation instead of the RMS.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        for v, n in (
            (lr, "lr"),
            (alpha, "alpha"),
            (eps, "eps"),
            (weight_decay, "weight_decay"),
            (momentum, "momentum"),
        ):
            _check_nonneg(v, n)
        super().__init__(
            params,
            {
                "lr": lr,
                "alpha": alpha,
                "eps": eps,
                "weight_decay": weight_decay,
                "momentum": momentum,
                "centered": centered,
            },
        )

    def _update(
        self, p: Tensor, grad: np.ndarray, group: dict[str, Any], state: dict[str, Any]
    ) -> None:
        alpha, eps, mu = group["alpha"], group["eps"], group["momentum"]
        if not state:
            state["square_avg"] = np.zeros_like(p.data)
            if mu:
                state["momentum_buffer"] = np.zeros_like(p.data)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(p.data)
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * p.data
        s = state["square_avg"]
        s *= alpha
        s += (1 - alpha) * grad * grad
        if group["centered"]:
            ga = state["grad_avg"]
            ga += (1 - alpha) * (grad - ga)
            avg = np.sqrt(s - ga * ga) + eps
        else:
            avg = np.sqrt(s) + eps
        if mu:
            buf = state["momentum_buffer"]
            buf *= mu
            buf += grad / avg
            p.data -= group["lr"] * buf
        else:
            p.data -= group["lr"] * grad / avg


class Adagrad(Optimizer):
    """Adagrad: per-coordinate step η/√(Σ g²) (Duchi et al.), with optional learning-rate decay."""

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
    ) -> None:
        for v, n in (
            (lr, "lr"),
            (lr_decay, "lr_decay"),
            (weight_decay, "weight_decay"),
            (initial_accumulator_value, "initial_accumulator_value"),
            (eps, "eps"),
        ):
            _check_nonneg(v, n)
        super().__init__(
            params,
            {
                "lr": lr,
                "lr_decay": lr_decay,
                "weight_decay": weight_decay,
                "initial_accumulator_value": initial_accumulator_value,
                "eps": eps,
            },
        )

    def _update(
        self, p: Tensor, grad: np.ndarray, group: dict[str, Any], state: dict[str, Any]
    ) -> None:
        if not state:
            state["step"] = 0
            state["sum"] = np.full_like(p.data, group["initial_accumulator_value"])
        state["step"] += 1
        if group["weight_decay"]:
            grad = grad + group["weight_decay"] * p.data
        clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        state["sum"] += grad * grad
        p.data -= clr * grad / (np.sqrt(state["sum"]) + group["eps"])
