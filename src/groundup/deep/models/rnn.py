"""Recurrent networks written out: RNN, LSTM and GRU cells, sequence layers and language models.

Vanilla RNN:  h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh).
LSTM (Hochreiter & Schmidhuber, 1997), gates stacked i, f, g, o as in PyTorch:
    [i, f, g, o] = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh,
    c_t = σ(f) ⊙ c_{t-1} + σ(i) ⊙ tanh(g),   h_t = σ(o) ⊙ tanh(c_t).
GRU (Cho et al., 2014), gates stacked r, z, n:
    r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz),
    n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),  h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}.
Parameters carry ``nn.RNN``/``nn.LSTM``/``nn.GRU``'s names and shapes (``weight_ih_l0`` …), so
``ours.load_state_dict(torch_layer.state_dict())`` gives the same function.
See docs/notes/rnn-lstm.md.
"""

from __future__ import annotations

import math
from typing import Literal, cast

import torch
from torch import nn

__all__ = [
    "CELLS",
    "GRUCell",
    "LSTMCell",
    "RNNCell",
    "Recurrent",
    "RecurrentLM",
    "SequenceRegressor",
    "adding_problem",
    "fit_adding",
]

Kind = Literal["rnn", "lstm", "gru"]


class _Cell(nn.Module):
    """Shared parameters of a cell: W_ih (G·H × D), W_hh (G·H × H) and two biases."""

    gates = 1

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        if input_size <= 0 or hidden_size <= 0:
            raise ValueError(
                f"input_size and hidden_size must be > 0, got {input_size}, {hidden_size}"
            )
        self.input_size, self.hidden_size = input_size, hidden_size
        g = self.gates * hidden_size
        self.weight_ih = nn.Parameter(torch.empty(g, input_size))
        self.weight_hh = nn.Parameter(torch.empty(g, hidden_size))
        self.bias_ih = nn.Parameter(torch.empty(g))
        self.bias_hh = nn.Parameter(torch.empty(g))
        # PyTorch's init: U(-1/√H, 1/√H) for every parameter
        bound = 1.0 / math.sqrt(hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def project(self, x: torch.Tensor) -> torch.Tensor:
        """W_ih x + b_ih for a whole sequence at once (one GEMM instead of T)."""
        return x @ self.weight_ih.T + self.bias_ih

    def step(self, xp: torch.Tensor, state: tuple[torch.Tensor, ...]) -> tuple[torch.Tensor, ...]:
        """One step from the projected input ``xp`` and the state; defined by each cell."""
        raise NotImplementedError


class RNNCell(_Cell):
    """Elman cell: h' = tanh(W_ih x + b_ih + W_hh h + b_hh)."""

    gates = 1

    def step(self, xp: torch.Tensor, state: tuple[torch.Tensor, ...]) -> tuple[torch.Tensor, ...]:
        """One step from the projected input ``xp`` = W_ih x + b_ih and the state (h,)."""
        (h,) = state
        return (torch.tanh(xp + h @ self.weight_hh.T + self.bias_hh),)


class LSTMCell(_Cell):
    """LSTM cell: c' = σ(f)c + σ(i)tanh(g), h' = σ(o)tanh(c'); state (h, c)."""

    gates = 4

    def step(self, xp: torch.Tensor, state: tuple[torch.Tensor, ...]) -> tuple[torch.Tensor, ...]:
        """One step from the projected input and the state (h, c)."""
        h, c = state
        i, f, g, o = (xp + h @ self.weight_hh.T + self.bias_hh).chunk(4, dim=-1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        return torch.sigmoid(o) * torch.tanh(c), c


class GRUCell(_Cell):
    """GRU cell: h' = (1 − z) n + z h with the reset gate inside n's recurrent term."""

    gates = 3

    def step(self, xp: torch.Tensor, state: tuple[torch.Tensor, ...]) -> tuple[torch.Tensor, ...]:
        """One step from the projected input and the state (h,)."""
        (h,) = state
        xr, xz, xn = xp.chunk(3, dim=-1)
        hr, hz, hn = (h @ self.weight_hh.T + self.bias_hh).chunk(3, dim=-1)
        r, z = torch.sigmoid(xr + hr), torch.sigmoid(xz + hz)
        n = torch.tanh(xn + r * hn)
        return ((1 - z) * n + z * h,)


CELLS: dict[str, type[_Cell]] = {"rnn": RNNCell, "lstm": LSTMCell, "gru": GRUCell}


class Recurrent(nn.Module):
    """A stack of recurrent layers run over a batch-first sequence, like ``nn.LSTM``.

    Layer ℓ reads the hidden sequence of layer ℓ − 1. Parameters are named like PyTorch's
    (``weight_ih_l{ℓ}``, ``weight_hh_l{ℓ}``, ``bias_ih_l{ℓ}``, ``bias_hh_l{ℓ}``).

    Parameters
    ----------
    kind : {"rnn", "lstm", "gru"}
        Cell type.
    input_size, hidden_size : int
        Widths D and H.
    num_layers : int
        Stacked layers.
    """

    def __init__(self, kind: Kind, input_size: int, hidden_size: int, num_layers: int = 1) -> None:
        super().__init__()
        if kind not in CELLS:
            raise ValueError(f"kind must be one of {sorted(CELLS)}, got {kind!r}")
        if num_layers < 1:
            raise ValueError(f"num_layers must be >= 1, got {num_layers}")
        self.kind, self.hidden_size, self.num_layers = kind, hidden_size, num_layers
        self.cells = nn.ModuleList(
            CELLS[kind](input_size if i == 0 else hidden_size, hidden_size)
            for i in range(num_layers)
        )

    # PyTorch's flat names map onto our cells so state dicts load either way
    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):  # type: ignore[no-untyped-def]
        for i in range(self.num_layers):
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                flat = f"{prefix}{name}_l{i}"
                if flat in state_dict:
                    state_dict[f"{prefix}cells.{i}.{name}"] = state_dict.pop(flat)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def forward(
        self, x: torch.Tensor, state: tuple[torch.Tensor, ...] | None = None
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        """Run the stack over ``x`` (N, T, D).

        Returns
        -------
        (torch.Tensor, tuple of torch.Tensor)
            The top layer's hidden sequence (N, T, H), and the final state: ``(h_n,)`` or
            ``(h_n, c_n)`` for the LSTM, each (num_layers, N, H) as in PyTorch.
        """
        if x.dim() != 3:
            raise ValueError(f"x must have shape (N, T, D), got {tuple(x.shape)}")
        if x.shape[-1] != self.cells[0].input_size:
            raise ValueError(f"x has width {x.shape[-1]}, expected {self.cells[0].input_size}")
        n = x.shape[0]
        n_state = 2 if self.kind == "lstm" else 1
        if state is None:
            zeros = x.new_zeros(self.num_layers, n, self.hidden_size)
            state = tuple(zeros for _ in range(n_state))
        finals: list[tuple[torch.Tensor, ...]] = []
        for i, cell in enumerate(cast(list[_Cell], list(self.cells))):
            xp = cell.project(x)  # (N, T, G·H): the input half of every step in one GEMM
            s = tuple(part[i] for part in state)
            outs = []
            for t in range(x.shape[1]):  # time is sequential; the batch is vectorised
                s = cell.step(xp[:, t], s)
                outs.append(s[0])
            x = torch.stack(outs, dim=1)
            finals.append(s)
        return x, tuple(torch.stack([f[k] for f in finals]) for k in range(n_state))


class RecurrentLM(nn.Module):
    """Token language model: embedding → recurrent stack → linear head (logits per step).

    p(x_{t+1} | x_{≤t}) = softmax(W h_t + b), trained by cross-entropy on the next token.

    Parameters
    ----------
    vocab_size : int
        Tokens (characters or words).
    kind : {"rnn", "lstm", "gru"}
        Cell type.
    embed_dim, hidden_size, num_layers : int
        Sizes.
    """

    def __init__(
        self,
        vocab_size: int,
        kind: Kind = "lstm",
        embed_dim: int = 64,
        hidden_size: int = 128,
        num_layers: int = 1,
    ) -> None:
        super().__init__()
        if vocab_size < 2:
            raise ValueError(f"vocab_size must be >= 2, got {vocab_size}")
        self.embed = nn.Embedding(vocab_size, embed_dim)
        self.rnn = Recurrent(kind, embed_dim, hidden_size, num_layers)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(
        self, idx: torch.Tensor, state: tuple[torch.Tensor, ...] | None = None
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, ...]]:
        """Logits (N, T, vocab) for token ids ``idx`` (N, T), and the final state."""
        h, state = self.rnn(self.embed(idx), state)
        return self.head(h), state

    @torch.no_grad()
    def generate(
        self, idx: torch.Tensor, max_new_tokens: int, temperature: float = 1.0, seed: int = 0
    ) -> torch.Tensor:
        """Sample ``max_new_tokens`` continuing ``idx`` (N, T), carrying the state (O(1)/token)."""
        if temperature <= 0:
            raise ValueError(f"temperature must be > 0, got {temperature}")
        gen = torch.Generator().manual_seed(seed)
        logits, state = self(idx)
        out = [idx]
        for _ in range(max_new_tokens):
            probs = torch.softmax(logits[:, -1] / temperature, dim=-1)
            nxt = torch.multinomial(probs, 1, generator=gen)
            out.append(nxt)
            logits, state = self(nxt, state)
        return torch.cat(out, dim=1)


class SequenceRegressor(nn.Module):
    """Recurrent stack reading a sequence and regressing one number from its last state."""

    def __init__(self, kind: Kind, input_size: int = 2, hidden_size: int = 64) -> None:
        super().__init__()
        self.rnn = Recurrent(kind, input_size, hidden_size)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """ŷ (N,) from the last hidden state of ``x`` (N, T, D)."""
        h, _ = self.rnn(x)
        return self.head(h[:, -1]).squeeze(-1)


def adding_problem(
    n: int, length: int, generator: torch.Generator | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """The adding problem (Hochreiter & Schmidhuber, 1997): sum the two marked numbers.

    Each sequence holds pairs (u_t, m_t) with u_t ~ U(0, 1) and exactly two markers m_t = 1,
    one in each half; the target is y = Σ_t u_t m_t. Predicting the mean E[y] = 1 scores
    MSE Var(y) = 2·(1/12) = 1/6, the baseline a model must beat to show it carries memory.

    Parameters
    ----------
    n : int
        Sequences.
    length : int
        Steps T (>= 2).
    generator : torch.Generator, optional
        Seeded source of randomness.

    Returns
    -------
    (torch.Tensor, torch.Tensor)
        Inputs (n, T, 2) float32 and targets (n,).
    """
    if n < 1 or length < 2:
        raise ValueError(f"need n >= 1 and length >= 2, got n={n}, length={length}")
    u = torch.rand(n, length, generator=generator)
    half = length // 2
    first = torch.randint(0, half, (n,), generator=generator)
    second = torch.randint(half, length, (n,), generator=generator)
    m = torch.zeros(n, length)
    rows = torch.arange(n)
    m[rows, first] = 1.0
    m[rows, second] = 1.0
    return torch.stack([u, m], dim=-1), (u * m).sum(1)


def fit_adding(
    kind: Kind,
    length: int,
    steps: int = 300,
    batch_size: int = 64,
    hidden_size: int = 64,
    lr: float = 3e-3,
    n_test: int = 1000,
    seed: int = 0,
) -> tuple[float, list[float]]:
    """Train a :class:`SequenceRegressor` on fresh adding-problem batches; test MSE and curve.

    Adam on the squared error, gradient norm clipped at 1 (long products of Jacobians make
    the RNN's gradients spike). Returns (test MSE on ``n_test`` new sequences, train losses).
    """
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    model = SequenceRegressor(kind, 2, hidden_size)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        x, y = adding_problem(batch_size, length, gen)
        loss = ((model(x) - y) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(float(loss.detach()))
    x, y = adding_problem(n_test, length, gen)
    with torch.no_grad():
        mse = float(((model(x) - y) ** 2).mean())
    return mse, losses
