"""Weight initialisers (``nn.init``), seeded: each takes ``rng`` (a Generator or a seed).

Xavier/Glorot keeps activation variance constant through a linear layer in both directions,
Var(W) = 2/(fan_in + fan_out); Kaiming/He compensates for ReLU halving it,
Var(W) = gain²/fan (gain = √2 for ReLU). A uniform U(-a, a) has variance a²/3.
See docs/notes/activations.md.
"""

from __future__ import annotations

import math

import numpy as np

from groundup.autograd.nn.module import resolve_rng
from groundup.autograd.tensor import Tensor

__all__ = [
    "calculate_gain",
    "constant_",
    "fan_in_and_fan_out",
    "kaiming_normal_",
    "kaiming_uniform_",
    "normal_",
    "ones_",
    "uniform_",
    "xavier_normal_",
    "xavier_uniform_",
    "zeros_",
]

Rng = np.random.Generator | int | None


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The factor that keeps activations' variance stable through ``nonlinearity`` (as PyTorch).

    1 for linear/sigmoid/conv, 5/3 for tanh, √2 for ReLU, √(2/(1 + α²)) for leaky ReLU, 3/4
    for SELU. See docs/notes/activations.md.

    Parameters
    ----------
    nonlinearity : str
        Name of the activation.
    param : float, optional
        Negative slope α of leaky ReLU (default 0.01).

    Returns
    -------
    float
    """
    if nonlinearity in ("linear", "identity", "sigmoid", "conv1d", "conv2d"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4.0
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def fan_in_and_fan_out(t: Tensor) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight of shape (out, in, *kernel).

    fan_in = in · Π kernel, fan_out = out · Π kernel. See docs/notes/activations.md.

    Parameters
    ----------
    t : Tensor
        At least 2-D.

    Returns
    -------
    tuple of int
    """
    if t.ndim < 2:
        raise ValueError(f"fan in and fan out need a tensor with >= 2 dimensions, got {t.shape}")
    receptive = int(np.prod(t.shape[2:])) if t.ndim > 2 else 1
    return t.shape[1] * receptive, t.shape[0] * receptive


def _fill(t: Tensor, values: np.ndarray) -> Tensor:
    t.data = values.astype(t.dtype).reshape(t.shape)
    return t


def uniform_(t: Tensor, a: float = 0.0, b: float = 1.0, rng: Rng = None) -> Tensor:
    """Fill ``t`` in place with U(a, b) draws. See docs/notes/activations.md.

    Parameters
    ----------
    t : Tensor
        Filled in place.
    a, b : float
        Bounds.
    rng : Generator or int, optional
        Seed (default: the library-wide generator).

    Returns
    -------
    Tensor
        ``t``.
    """
    return _fill(t, resolve_rng(rng).uniform(a, b, t.shape))


def normal_(t: Tensor, mean: float = 0.0, std: float = 1.0, rng: Rng = None) -> Tensor:
    """Fill ``t`` in place with N(mean, std²) draws. See docs/notes/activations.md.

    Parameters
    ----------
    t : Tensor
        Filled in place.
    mean, std : float
        Moments.
    rng : Generator or int, optional
        Seed.

    Returns
    -------
    Tensor
        ``t``.
    """
    return _fill(t, resolve_rng(rng).normal(mean, std, t.shape))


def constant_(t: Tensor, value: float) -> Tensor:
    """Fill ``t`` in place with ``value``. See docs/notes/activations.md.

    Parameters
    ----------
    t : Tensor
        Filled in place.
    value : float
        The constant.

    Returns
    -------
    Tensor
        ``t``.
    """
    return _fill(t, np.full(t.shape, value))


def zeros_(t: Tensor) -> Tensor:
    return constant_(t, 0.0)


def ones_(t: Tensor) -> Tensor:
    return constant_(t, 1.0)


def xavier_uniform_(t: Tensor, gain: float = 1.0, rng: Rng = None) -> Tensor:
    """Glorot uniform: U(-a, a), a = gain·√(6/(fan_in + fan_out)).

    Var(W) = gain²·2/(fan_in + fan_out) balances forward and backward signal variance.
    See docs/notes/activations.md.

    Parameters
    ----------
    t : Tensor
        Weight, at least 2-D, filled in place.
    gain : float
        Scale for the activation (``calculate_gain``).
    rng : Generator or int, optional
        Seed.

    Returns
    -------
    Tensor
        ``t``.
    """
    fan_in, fan_out = fan_in_and_fan_out(t)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(t, -a, a, rng)


def xavier_normal_(t: Tensor, gain: float = 1.0, rng: Rng = None) -> Tensor:
    """Glorot normal: N(0, σ²), σ = gain·√(2/(fan_in + fan_out)).

    See docs/notes/activations.md.

    Parameters
    ----------
    t : Tensor
        Weight, at least 2-D, filled in place.
    gain : float
        Scale for the activation.
    rng : Generator or int, optional
        Seed.

    Returns
    -------
    Tensor
        ``t``.
    """
    fan_in, fan_out = fan_in_and_fan_out(t)
    return normal_(t, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), rng)


def _kaiming_std(t: Tensor, a: float, mode: str, nonlinearity: str) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = fan_in_and_fan_out(t)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(
    t: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    rng: Rng = None,
) -> Tensor:
    """He uniform: U(-b, b), b = gain·√(3/fan).

    Var(W) = gain²/fan, gain = √2 for ReLU, compensating for ReLU zeroing half its inputs.
    See docs/notes/activations.md.

    Parameters
    ----------
    t : Tensor
        Weight, at least 2-D, filled in place.
    a : float
        Negative slope for ``leaky_relu`` gains.
    mode : {"fan_in", "fan_out"}
        Preserve the forward (fan_in) or backward (fan_out) variance.
    nonlinearity : str
        Activation name for ``calculate_gain``.
    rng : Generator or int, optional
        Seed.

    Returns
    -------
    Tensor
        ``t``.
    """
    bound = math.sqrt(3.0) * _kaiming_std(t, a, mode, nonlinearity)
    return uniform_(t, -bound, bound, rng)


def kaiming_normal_(
    t: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    rng: Rng = None,
) -> Tensor:
    """He normal: N(0, σ²), σ = gain/√fan.

    See docs/notes/activations.md.

    Parameters
    ----------
    t : Tensor
        Weight, at least 2-D, filled in place.
    a : float
        Negative slope for ``leaky_relu`` gains.
    mode : {"fan_in", "fan_out"}
        Which variance to preserve.
    nonlinearity : str
        Activation name for ``calculate_gain``.
    rng : Generator or int, optional
        Seed.

    Returns
    -------
    Tensor
        ``t``.
    """
    return normal_(t, 0.0, _kaiming_std(t, a, mode, nonlinearity), rng)
