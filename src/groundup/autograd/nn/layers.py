"""Basic layers: Linear, Identity, Flatten, Dropout, Embedding and the activation modules.

Default initialisation is PyTorch's: a Linear/Conv weight ~ U(-1/√fan_in, 1/√fan_in)
(``kaiming_uniform_`` with a = √5), the bias likewise; an Embedding ~ N(0, 1).
See docs/notes/activations.md and docs/notes/regularization.md.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from groundup import autograd as ag
from groundup.autograd.nn import init
from groundup.autograd.nn.module import Module, Parameter, resolve_rng
from groundup.autograd.tensor import Tensor

__all__ = [
    "GELU",
    "Dropout",
    "Embedding",
    "Flatten",
    "Identity",
    "LeakyReLU",
    "Linear",
    "LogSoftmax",
    "ReLU",
    "Sigmoid",
    "Softmax",
    "Softplus",
    "Tanh",
]

Rng = np.random.Generator | int | None


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


class Linear(Module):
    """Fully connected layer y = x Wᵀ + b, W of shape (out_features, in_features).

    See docs/notes/backpropagation.md.

    Parameters
    ----------
    in_features, out_features : int
        Input and output widths.
    bias : bool
        Learn an additive bias.
    rng : Generator or int, optional
        Seed for the initialisation (default: the library-wide generator).
    dtype : numpy dtype
        float32 (default) or float64.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        *,
        rng: Rng = None,
        dtype: DTypeLike = np.float32,
    ) -> None:
        super().__init__()
        self.in_features = _positive_int(in_features, "in_features")
        self.out_features = _positive_int(out_features, "out_features")
        g = resolve_rng(rng)
        self.weight = Parameter(np.zeros((out_features, in_features)), dtype=dtype)
        init.kaiming_uniform_(self.weight, a=math.sqrt(5), rng=g)
        if bias:
            bound = 1 / math.sqrt(in_features)
            self.bias: Parameter | None = Parameter(
                g.uniform(-bound, bound, out_features), dtype=dtype
            )
        else:
            self.register_parameter("bias", None)

    def forward(self, x: Tensor) -> Tensor:
        return ag.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Identity(Module):
    """Returns its input."""

    def forward(self, x: Tensor) -> Tensor:
        return x


class Flatten(Module):
    """Flattens axes ``start_dim..end_dim`` (default: all but the batch axis)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: Tensor) -> Tensor:
        return ag.flatten(x, self.start_dim, self.end_dim)


class Dropout(Module):
    """Inverted dropout in training, identity in evaluation. See docs/notes/regularization.md."""

    def __init__(self, p: float = 0.5, *, rng: Rng = None) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability must lie in [0, 1], got {p}")
        self.p = p
        self.rng = None if rng is None else resolve_rng(rng)

    def forward(self, x: Tensor) -> Tensor:
        return ag.dropout(x, self.p, self.training, rng=self.rng)

    def extra_repr(self) -> str:
        return f"p={self.p}"


class Embedding(Module):
    """A lookup table of ``num_embeddings`` vectors of size ``embedding_dim``, init N(0, 1)."""

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        *,
        rng: Rng = None,
        dtype: DTypeLike = np.float32,
    ) -> None:
        super().__init__()
        self.num_embeddings = _positive_int(num_embeddings, "num_embeddings")
        self.embedding_dim = _positive_int(embedding_dim, "embedding_dim")
        if padding_idx is not None and not -num_embeddings <= padding_idx < num_embeddings:
            raise ValueError(
                f"padding_idx {padding_idx} is out of range for {num_embeddings} embeddings"
            )
        self.padding_idx = padding_idx
        w = resolve_rng(rng).standard_normal((num_embeddings, embedding_dim))
        if padding_idx is not None:
            w[padding_idx] = 0.0
        self.weight = Parameter(w, dtype=dtype)

    def forward(self, idx: Any) -> Tensor:
        return ag.embedding(idx, self.weight, self.padding_idx)


class ReLU(Module):
    """max(x, 0)."""

    def forward(self, x: Tensor) -> Tensor:
        return ag.relu(x)


class Tanh(Module):
    """tanh x."""

    def forward(self, x: Tensor) -> Tensor:
        return ag.tanh(x)


class Sigmoid(Module):
    """1/(1 + e^(-x))."""

    def forward(self, x: Tensor) -> Tensor:
        return ag.sigmoid(x)


class GELU(Module):
    """x·Φ(x) (or its tanh approximation)."""

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, x: Tensor) -> Tensor:
        return ag.gelu(x, self.approximate)


class LeakyReLU(Module):
    """max(x, 0) + negative_slope·min(x, 0)."""

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x: Tensor) -> Tensor:
        return ag.leaky_relu(x, self.negative_slope)


class Softplus(Module):
    """log(1 + e^(βx))/β."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, x: Tensor) -> Tensor:
        return ag.softplus(x, self.beta, self.threshold)


class Softmax(Module):
    """Softmax along ``dim``."""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        return ag.softmax(x, self.dim)


class LogSoftmax(Module):
    """log softmax along ``dim``."""

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        return ag.log_softmax(x, self.dim)
