"""Recurrent layers: RNN, LSTM, GRU (sequence layers) and their cells, with PyTorch's layout.

Weights are named and shaped as in PyTorch — ``weight_ih_l0`` (gates·H, in), ``weight_hh_l0``
(gates·H, H), ``bias_ih_l0``, ``bias_hh_l0`` (``_reverse`` for the backward direction) — and
the gates are stacked in PyTorch's order (LSTM: i, f, g, o; GRU: r, z, n), so a state_dict
copies across unchanged. RNN and GRU steps are built from autograd ops, the LSTM step is one
fused node (``ops.nn.LSTMCell``, its gradient derived there); backpropagation through time
is simply backward over the unrolled graph. The input projection W_ih·x of every time step is
one matrix product before the loop. See docs/notes/backpropagation.md.

    RNN:  h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
    LSTM: i, f, g, o = σ, σ, tanh, σ of (W_ih x + b_ih + W_hh h + b_hh);  c' = f c + i g;
          h' = o tanh(c')
    GRU:  r, z = σ(W_i{r,z} x + b_i{r,z} + W_h{r,z} h + b_h{r,z});
          n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn));  h' = (1 - z) n + z h
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from groundup import autograd as ag
from groundup.autograd.nn.module import Module, Parameter, resolve_rng
from groundup.autograd.tensor import Tensor

__all__ = ["GRU", "LSTM", "RNN", "GRUCell", "LSTMCell", "RNNCell"]

Rng = np.random.Generator | int | None
_GATES = {"RNN_TANH": 1, "RNN_RELU": 1, "LSTM": 4, "GRU": 3}


def _step(
    mode: str, xp: Tensor, h: Tensor, c: Tensor | None, w_hh: Tensor, b_hh: Tensor | None
) -> tuple[Tensor, Tensor | None]:
    """One time step given the input projection ``xp`` = W_ih x + b_ih."""
    if mode == "LSTM":  # one fused node (ops.nn.LSTMCell), the equations above
        assert c is not None
        return ag.lstm_cell(xp, h, c, w_hh, b_hh)
    hp = ag.linear(h, w_hh, b_hh)
    size = h.shape[-1]
    if mode == "GRU":
        xr, xz, xn = (xp[..., k * size : (k + 1) * size] for k in range(3))
        hr, hz, hn = (hp[..., k * size : (k + 1) * size] for k in range(3))
        r = ag.sigmoid(xr + hr)
        z = ag.sigmoid(xz + hz)
        n = ag.tanh(xn + r * hn)
        return n + z * (h - n), None  # (1 - z)·n + z·h
    pre = xp + hp
    return (ag.relu(pre) if mode == "RNN_RELU" else ag.tanh(pre)), None


def _uniform(
    rng: np.random.Generator, shape: tuple[int, ...], hidden: int, dtype: DTypeLike
) -> Parameter:
    bound = 1.0 / math.sqrt(hidden)
    return Parameter(rng.uniform(-bound, bound, shape), dtype=dtype)


class _RNNBase(Module):
    mode = "RNN_TANH"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
        *,
        rng: Rng = None,
        dtype: DTypeLike = np.float32,
    ) -> None:
        super().__init__()
        for name, v in (
            ("input_size", input_size),
            ("hidden_size", hidden_size),
            ("num_layers", num_layers),
        ):
            if not isinstance(v, int) or v <= 0:
                raise ValueError(f"{name} must be a positive integer, got {v!r}")
        if not 0.0 <= dropout <= 1.0:
            raise ValueError(f"dropout must lie in [0, 1], got {dropout}")
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, dropout
        self.bidirectional = bidirectional
        self._rng = resolve_rng(rng)
        gates = _GATES[self.mode] * hidden_size
        directions = 2 if bidirectional else 1
        for layer in range(num_layers):
            in_size = input_size if layer == 0 else hidden_size * directions
            for d in range(directions):
                sfx = f"_l{layer}" + ("_reverse" if d else "")
                setattr(
                    self,
                    "weight_ih" + sfx,
                    _uniform(self._rng, (gates, in_size), hidden_size, dtype),
                )
                setattr(
                    self,
                    "weight_hh" + sfx,
                    _uniform(self._rng, (gates, hidden_size), hidden_size, dtype),
                )
                if bias:
                    setattr(
                        self, "bias_ih" + sfx, _uniform(self._rng, (gates,), hidden_size, dtype)
                    )
                    setattr(
                        self, "bias_hh" + sfx, _uniform(self._rng, (gates,), hidden_size, dtype)
                    )

    def _weights(self, layer: int, d: int) -> tuple[Tensor, Tensor, Tensor | None, Tensor | None]:
        sfx = f"_l{layer}" + ("_reverse" if d else "")
        return (
            getattr(self, "weight_ih" + sfx),
            getattr(self, "weight_hh" + sfx),
            getattr(self, "bias_ih" + sfx, None),
            getattr(self, "bias_hh" + sfx, None),
        )

    def forward(self, input: Tensor, hx: Any = None) -> tuple[Tensor, Any]:
        x = input if isinstance(input, Tensor) else ag.tensor(input)
        unbatched = x.ndim == 2
        if x.ndim not in (2, 3):
            raise ValueError(
                f"{type(self).__name__}: input must be 2-D or 3-D, got shape {x.shape}"
            )
        if x.shape[-1] != self.input_size:
            raise ValueError(
                f"{type(self).__name__}: input has {x.shape[-1]} features (shape {x.shape}), "
                f"expected input_size={self.input_size}"
            )
        if unbatched:
            x = ag.unsqueeze(x, 1)
        elif self.batch_first:
            x = ag.transpose(x, 0, 1)  # time-major inside
        steps, batch = x.shape[0], x.shape[1]
        directions = 2 if self.bidirectional else 1
        h0, c0 = self._initial_state(hx, batch, directions, x.dtype, unbatched)
        h_out, c_out = [], []
        for layer in range(self.num_layers):
            outs = []
            for d in range(directions):
                w_ih, w_hh, b_ih, b_hh = self._weights(layer, d)
                k = layer * directions + d
                h, c = h0[k], (c0[k] if c0 is not None else None)
                xp = ag.linear(x, w_ih, b_ih)  # all time steps at once: (L, N, gates·H)
                seq: list[Tensor] = []
                order = range(steps - 1, -1, -1) if d else range(steps)
                for t in order:
                    h, c = _step(self.mode, xp[t], h, c, w_hh, b_hh)
                    seq.append(h)
                if d:
                    seq.reverse()
                outs.append(ag.stack(seq, axis=0))
                h_out.append(h)
                if c is not None:
                    c_out.append(c)
            x = outs[0] if directions == 1 else ag.concat(outs, axis=-1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = ag.dropout(x, self.dropout, rng=self._rng)
        out = x
        h_n = ag.stack(h_out, axis=0)
        c_n = ag.stack(c_out, axis=0) if c_out else None
        if unbatched:
            out = ag.squeeze(out, 1)
            h_n = ag.squeeze(h_n, 1)
            c_n = ag.squeeze(c_n, 1) if c_n is not None else None
        elif self.batch_first:
            out = ag.transpose(out, 0, 1)
        return out, ((h_n, c_n) if self.mode == "LSTM" else h_n)

    def _initial_state(
        self, hx: Any, batch: int, directions: int, dtype: Any, unbatched: bool
    ) -> tuple[Tensor, Tensor | None]:
        shape = (self.num_layers * directions, batch, self.hidden_size)
        lstm = self.mode == "LSTM"
        if hx is None:
            zeros = ag.tensor(np.zeros(shape, dtype=dtype))
            return zeros, (ag.tensor(np.zeros(shape, dtype=dtype)) if lstm else None)
        states = list(hx) if lstm else [hx]
        if lstm and len(states) != 2:
            raise ValueError("LSTM: hx must be a pair (h0, c0)")
        out = []
        for s in states:
            s = s if isinstance(s, Tensor) else ag.tensor(s)
            if unbatched:
                s = ag.unsqueeze(s, 1)
            if s.shape != shape:
                raise ValueError(
                    f"{type(self).__name__}: initial state has shape {s.shape}, expected {shape}"
                )
            out.append(s)
        return out[0], (out[1] if lstm else None)


class RNN(_RNNBase):
    """Elman RNN, h' = tanh (or relu)(W_ih x + b_ih + W_hh h + b_hh), stacked over layers.

    Returns (output (L, N, D·H) — or (N, L, D·H) with ``batch_first`` —, h_n).
    """

    def __init__(self, *args: Any, nonlinearity: str = "tanh", **kwargs: Any) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        object.__setattr__(self, "mode", "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU")
        super().__init__(*args, **kwargs)


class LSTM(_RNNBase):
    """Long short-term memory, gates i, f, g, o (PyTorch's order). Returns (output, (h_n, c_n))."""

    mode = "LSTM"


class GRU(_RNNBase):
    """Gated recurrent unit, gates r, z, n (PyTorch's order). Returns (output, h_n)."""

    mode = "GRU"


class _CellBase(Module):
    mode = "RNN_TANH"

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        *,
        rng: Rng = None,
        dtype: DTypeLike = np.float32,
    ) -> None:
        super().__init__()
        if input_size <= 0 or hidden_size <= 0:
            raise ValueError(
                f"input_size and hidden_size must be positive, got {input_size}, {hidden_size}"
            )
        self.input_size, self.hidden_size = input_size, hidden_size
        g = resolve_rng(rng)
        gates = _GATES[self.mode] * hidden_size
        self.weight_ih = _uniform(g, (gates, input_size), hidden_size, dtype)
        self.weight_hh = _uniform(g, (gates, hidden_size), hidden_size, dtype)
        if bias:
            self.bias_ih: Parameter | None = _uniform(g, (gates,), hidden_size, dtype)
            self.bias_hh: Parameter | None = _uniform(g, (gates,), hidden_size, dtype)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)

    def _prepare(self, input: Any, hx: Any) -> tuple[Tensor, Tensor | None]:
        x = input if isinstance(input, Tensor) else ag.tensor(input)
        if x.ndim not in (1, 2) or x.shape[-1] != self.input_size:
            raise ValueError(
                f"{type(self).__name__}: input must be (N, {self.input_size}) or "
                f"({self.input_size},), got shape {x.shape}"
            )
        return x, hx

    def _zeros(self, x: Tensor) -> Tensor:
        return ag.tensor(np.zeros((*x.shape[:-1], self.hidden_size), dtype=x.dtype))


class RNNCell(_CellBase):
    """One Elman step h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu)."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        bias: bool = True,
        nonlinearity: str = "tanh",
        **kwargs: Any,
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        object.__setattr__(self, "mode", "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU")
        super().__init__(input_size, hidden_size, bias, **kwargs)

    def forward(self, input: Any, hx: Tensor | None = None) -> Tensor:
        x, _ = self._prepare(input, hx)
        h = self._zeros(x) if hx is None else hx
        out, _ = _step(
            self.mode,
            ag.linear(x, self.weight_ih, self.bias_ih),
            h,
            None,
            self.weight_hh,
            self.bias_hh,
        )
        return out


class LSTMCell(_CellBase):
    """One LSTM step; ``hx`` = (h, c); returns (h', c')."""

    mode = "LSTM"

    def forward(self, input: Any, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        x, _ = self._prepare(input, hx)
        h, c = (self._zeros(x), self._zeros(x)) if hx is None else hx
        h2, c2 = _step(
            "LSTM", ag.linear(x, self.weight_ih, self.bias_ih), h, c, self.weight_hh, self.bias_hh
        )
        assert c2 is not None
        return h2, c2


class GRUCell(_CellBase):
    """One GRU step; returns h'."""

    mode = "GRU"

    def forward(self, input: Any, hx: Tensor | None = None) -> Tensor:
        x, _ = self._prepare(input, hx)
        h = self._zeros(x) if hx is None else hx
        out, _ = _step(
            "GRU", ag.linear(x, self.weight_ih, self.bias_ih), h, None, self.weight_hh, self.bias_hh
        )
        return out
