"""Fused neural-network ops: dropout, batch_norm, embedding, binary_cross_entropy_with_logits.

Each could be written from smaller ops; fusing them keeps one node (and one saved buffer)
instead of five, and the hand-derived gradients are the ones derived in
docs/notes/backpropagation.md and docs/notes/regularization.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from groundup.autograd.ops._util import lift
from groundup.autograd.tensor import Array, Context, Function, Tensor, default_rng

__all__ = [
    "batch_norm",
    "binary_cross_entropy_with_logits_elementwise",
    "dropout",
    "embedding",
    "lstm_cell",
]


class Dropout(Function):
    """y = x · m / (1 - p) with m ~ Bernoulli(1 - p).  dx = dy · m / (1 - p)."""

    @staticmethod
    def forward(ctx: Context, x: Array, p: float = 0.5, rng: Any = None) -> Array:
        keep = rng.random(x.shape) >= p
        scale = (keep / (1.0 - p)).astype(x.dtype)
        ctx.save(scale)
        return x * scale

    @staticmethod
    def backward(ctx: Context, grad: Array) -> Array:
        (scale,) = ctx.saved
        return grad * scale


def dropout(
    x: Tensor, p: float = 0.5, training: bool = True, rng: np.random.Generator | None = None
) -> Tensor:
    """Inverted dropout: zero each entry with probability ``p``, scale the rest by 1/(1-p).

    y = x ⊙ m/(1-p), m ~ Bernoulli(1-p), so E[y] = x;  x̄ = ȳ ⊙ m/(1-p). Evaluation
    (``training=False``) is the identity. See docs/notes/regularization.md.

    Parameters
    ----------
    x : Tensor
        Input.
    p : float
        Drop probability in [0, 1].
    training : bool
        Apply the mask (else return ``x``).
    rng : Generator, optional
        Source of the mask (default: the library-wide generator, see ``manual_seed``).

    Returns
    -------
    Tensor
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability must lie in [0, 1], got {p}")
    x = lift(x)
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * 0.0
    return Dropout.apply(x, p=p, rng=rng if rng is not None else default_rng())


class BatchNorm(Function):
    """y = γ x̂ + β, x̂ = (x - μ)/√(σ² + ε) with μ, σ² over every axis but the channel axis 1.

    Training (batch statistics, m values per channel):
        dx = (1/√(σ²+ε)) · (dx̂ - mean(dx̂) - x̂ · mean(dx̂ ⊙ x̂)),  dx̂ = dy ⊙ γ.
    Evaluation (running statistics are constants): dx = dy ⊙ γ / √(σ²+ε).
    dγ = Σ dy ⊙ x̂,  dβ = Σ dy.

    Internally the input is viewed as (N, C, L) so every per-channel reduction is one
    contiguous sum (or einsum) instead of a strided reduction over several axes.
    """

    @staticmethod
    def forward(
        ctx: Context,
        x: Array,
        gamma: Array | None,
        beta: Array | None,
        running_mean: Array | None = None,
        running_var: Array | None = None,
        training: bool = True,
        momentum: float = 0.1,
        eps: float = 1e-5,
    ) -> Array:
        n, c = x.shape[:2]
        x3 = x.reshape(n, c, -1)
        m = n * x3.shape[2]
        if training:
            mean = x3.sum(axis=(0, 2)) / m
            xhat = x3 - mean[:, None]
            var = np.einsum("ncl,ncl->c", xhat, xhat) / m
            if running_mean is not None and running_var is not None:
                # Running variance uses the unbiased estimate, as in PyTorch.
                running_mean *= 1 - momentum
                running_mean += momentum * mean
                running_var *= 1 - momentum
                running_var += momentum * var * (m / max(m - 1, 1))
        else:
            assert running_mean is not None and running_var is not None
            xhat = x3 - running_mean.astype(x.dtype)[:, None]
            var = running_var
        inv_std = (1.0 / np.sqrt(var + eps)).astype(x.dtype)[:, None]
        xhat *= inv_std  # in place: xhat was the centred copy
        ctx.save(xhat, inv_std, gamma)
        ctx.training, ctx.shape = training, x.shape
        out = xhat * gamma[:, None] if gamma is not None else xhat.copy()
        if beta is not None:
            out += beta[:, None]
        return out.reshape(x.shape)

    @staticmethod
    def backward(ctx: Context, grad: Array) -> tuple[Array | None, Array | None, Array | None]:
        xhat, inv_std, gamma = ctx.saved
        nx, ng, nb = ctx.needs_input_grad[:3]
        g3 = grad.reshape(xhat.shape)
        m = xhat.shape[0] * xhat.shape[2]
        gg = np.einsum("ncl,ncl->c", g3, xhat) if (ng or (nx and ctx.training)) else None
        gb = g3.sum(axis=(0, 2)) if (nb or (nx and ctx.training)) else None
        gx = None
        if nx:
            scale = inv_std if gamma is None else inv_std * gamma[:, None]
            if ctx.training:
                # With dx̂ = γ·dy: mean(dx̂) = γ·Σdy/m and mean(dx̂ ⊙ x̂) = γ·Σ(dy ⊙ x̂)/m.
                assert gg is not None and gb is not None
                gx = g3 - xhat * (gg / m)[:, None]
                gx -= (gb / m)[:, None]
                gx *= scale
            else:
                gx = g3 * scale
            gx = gx.reshape(ctx.shape)
        return gx, (gg if ng else None), (gb if nb else None)


def batch_norm(
    x: Tensor,
    running_mean: Array | None,
    running_var: Array | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Batch normalisation over every axis but axis 1 (channels), as ``torch.nn.functional``.

    y = γ (x - μ)/√(σ² + ε) + β with batch statistics in training (updating the running ones in
    place: r ← (1 - momentum)·r + momentum·batch, unbiased variance), running ones in
    evaluation. See docs/notes/backpropagation.md for the gradient.

    Parameters
    ----------
    x : Tensor
        (N, C, ...).
    running_mean, running_var : ndarray or None
        (C,) running statistics (updated in training; required in evaluation).
    weight, bias : Tensor, optional
        γ and β, shape (C,).
    training : bool
        Use (and update with) batch statistics.
    momentum, eps : float
        Running-average rate and variance floor.

    Returns
    -------
    Tensor
        Same shape as ``x``.
    """
    x = lift(x)
    if x.ndim < 2:
        raise ValueError(f"batch_norm: input must be at least 2-D (N, C, ...), got {x.shape}")
    if training and x.size // x.shape[1] < 2:
        raise ValueError(
            f"batch_norm: need more than one value per channel in training, got input {x.shape}"
        )
    if not training and (running_mean is None or running_var is None):
        raise ValueError("batch_norm: evaluation needs running_mean and running_var")
    return BatchNorm.apply(
        x,
        weight,
        bias,
        running_mean=running_mean,
        running_var=running_var,
        training=training,
        momentum=momentum,
        eps=eps,
    )


class Embedding(Function):
    """y = W[idx].  dW = Σ of dy rows scattered back to their indices (np.add.at)."""

    @staticmethod
    def forward(ctx: Context, weight: Array, idx: Array, padding_idx: int | None = None) -> Array:
        ctx.save(idx)
        ctx.shape, ctx.padding_idx = weight.shape, padding_idx
        return weight[idx]

    @staticmethod
    def backward(ctx: Context, grad: Array) -> tuple[Array, None]:
        (idx,) = ctx.saved
        gw = np.zeros(ctx.shape, dtype=grad.dtype)
        np.add.at(gw, idx.reshape(-1), grad.reshape(-1, ctx.shape[1]))
        if ctx.padding_idx is not None:
            gw[ctx.padding_idx] = 0
        return gw, None


def embedding(idx: Any, weight: Tensor, padding_idx: int | None = None) -> Tensor:
    """Rows of ``weight`` picked by integer indices (a lookup table).

    y = W[idx];  W̄ = Σ of ȳ rows scattered to their indices; ``padding_idx``'s row gets
    none. See docs/notes/backpropagation.md.

    Parameters
    ----------
    idx : array_like of int
        Indices in [0, num_embeddings).
    weight : Tensor
        (num_embeddings, dim).
    padding_idx : int, optional
        A row that is never updated.

    Returns
    -------
    Tensor
        (*idx.shape, dim).
    """
    ids = np.asarray(idx.data if isinstance(idx, Tensor) else idx)
    if ids.dtype.kind not in "iu":
        raise TypeError(f"embedding: indices must be integers, got dtype {ids.dtype}")
    n = weight.shape[0]
    if ids.size and (ids.min() < 0 or ids.max() >= n):
        bad = ids.min() if ids.min() < 0 else ids.max()
        raise IndexError(f"embedding: index {bad} is out of range for {n} embeddings")
    if padding_idx is not None and padding_idx < 0:
        padding_idx += n
    return Embedding.apply(weight, ids, padding_idx=padding_idx)


class BCEWithLogits(Function):
    """ℓ = (1 - y)·x + w₊(y)·softplus(-x),  w₊ = 1 + (pos_weight - 1)·y  (stable for any x).

    dℓ/dx = (1 - y) - w₊·σ(-x);  dℓ/dy = -x + (pos_weight - 1)·softplus(-x).
    """

    @staticmethod
    def forward(ctx: Context, x: Array, y: Array, pos_weight: Array | None = None) -> Array:
        # softplus(-x) = log(1 + e^(-|x|)) + max(-x, 0), never overflowing.
        e = np.exp(-np.abs(x))
        sp = np.log1p(e) + np.maximum(-x, 0)
        pw = 1.0 if pos_weight is None else pos_weight
        lw = 1 + (pw - 1) * y
        sig_neg = np.where(x >= 0, e / (1 + e), 1 / (1 + e))  # σ(-x)
        ctx.save(x, y, sp, lw, sig_neg, pw)
        return (1 - y) * x + lw * sp

    @staticmethod
    def backward(ctx: Context, grad: Array) -> tuple[Array | None, Array | None, None]:
        x, y, sp, lw, sig_neg, pw = ctx.saved
        nx, ny = ctx.needs_input_grad[:2]
        gx = grad * ((1 - y) - lw * sig_neg) if nx else None
        gy = grad * (-x + (pw - 1) * sp) if ny else None
        return gx, gy, None


def binary_cross_entropy_with_logits_elementwise(
    x: Tensor, y: Tensor, pos_weight: Tensor | None = None
) -> Tensor:
    """Per-element logistic loss of logits x against targets y ∈ [0, 1] (unreduced).

    ℓ = (1 - y)·x + (1 + (p - 1)·y)·log(1 + e⁻ˣ) computed without overflow;
    ∂ℓ/∂x = (1 - y) - w₊σ(-x). See docs/notes/backpropagation.md.

    Parameters
    ----------
    x : Tensor
        Logits.
    y : Tensor
        Targets, same shape.
    pos_weight : Tensor, optional
        p, weight of the positive class (broadcast).

    Returns
    -------
    Tensor
        Same shape as ``x``.
    """
    args: list[Any] = [lift(x), lift(y)]
    if pos_weight is not None:
        args.append(lift(pos_weight))
    return BCEWithLogits.apply(*args)


def _sig(z: Array) -> Array:
    # σ(z) = (1 + tanh(z/2))/2: one transcendental, no branch, no overflow. Its relative
    # accuracy fades only where σ < ~1e-8, harmless for gates (absolute error ~1e-16).
    out = np.tanh(z * 0.5)
    out += 1
    out *= 0.5
    return out


class LSTMCell(Function):
    """One LSTM step from the input projection xp = W_ih x + b_ih, as a single node.

    a = xp + h W_hhᵀ + b_hh = [aᵢ, a_f, a_g, a_o];  i, f, o = σ(·), g = tanh(a_g);
    c' = f ⊙ c + i ⊙ g;  h' = o ⊙ tanh(c').  Output: h' and c' stacked, shape (2, …, H).

    Backward, with c̄_tot = c̄' + h̄' ⊙ o ⊙ (1 - tanh² c'):
    ō = h̄' ⊙ tanh c',  ī = c̄_tot ⊙ g,  ḡ = c̄_tot ⊙ i,  f̄ = c̄_tot ⊙ c,  c̄ = c̄_tot ⊙ f;
    ā = [ī·i(1-i), f̄·f(1-f), ḡ·(1-g²), ō·o(1-o)];  x̄p = ā,  h̄ = ā W_hh,  W̄_hh = āᵀ h.
    """

    @staticmethod
    def forward(
        ctx: Context, xp: Array, h: Array, c: Array, w_hh: Array, b_hh: Array | None = None
    ) -> Array:
        a = xp + h @ w_hh.T
        if b_hh is not None:
            a += b_hh
        size = h.shape[-1]
        i = _sig(a[..., :size])
        f = _sig(a[..., size : 2 * size])
        g = np.tanh(a[..., 2 * size : 3 * size])
        o = _sig(a[..., 3 * size :])
        c2 = f * c + i * g
        tc = np.tanh(c2)
        ctx.save(h, c, w_hh, i, f, g, o, tc)
        return np.stack([o * tc, c2])

    @staticmethod
    def backward(ctx: Context, grad: Array) -> tuple[Array | None, ...]:
        h, c, w_hh, i, f, g, o, tc = ctx.saved
        dh2, dc2 = grad[0], grad[1]
        dc_tot = dc2 + dh2 * o * (1 - tc * tc)
        da = np.concatenate(
            [
                dc_tot * g * i * (1 - i),
                dc_tot * c * f * (1 - f),
                dc_tot * i * (1 - g * g),
                dh2 * tc * o * (1 - o),
            ],
            axis=-1,
        )
        n_xp, n_h, n_c, n_w, n_b = (*ctx.needs_input_grad, False)[:5]
        da2 = da.reshape(-1, da.shape[-1])
        return (
            da if n_xp else None,
            da @ w_hh if n_h else None,
            dc_tot * f if n_c else None,
            da2.T @ h.reshape(-1, h.shape[-1]) if n_w else None,
            da2.sum(axis=0) if n_b else None,
        )


def lstm_cell(
    xp: Tensor, h: Tensor, c: Tensor, w_hh: Tensor, b_hh: Tensor | None = None
) -> tuple[Tensor, Tensor]:
    """One fused LSTM step (gates i, f, g, o in PyTorch's order); returns (h', c').

    c' = σ(a_f) ⊙ c + σ(aᵢ) ⊙ tanh(a_g),  h' = σ(a_o) ⊙ tanh(c'),  a = xp + W_hh h + b_hh.
    One node instead of fifteen, with the gradient derived in the class docstring and in
    docs/notes/backpropagation.md.

    Parameters
    ----------
    xp : Tensor
        Input projection W_ih x + b_ih, shape (..., 4H).
    h, c : Tensor
        Previous hidden and cell state, (..., H).
    w_hh : Tensor
        (4H, H).
    b_hh : Tensor, optional
        (4H,).

    Returns
    -------
    (Tensor, Tensor)
        h' and c'.
    """
    args: list[Any] = [xp, h, c, w_hh] + ([b_hh] if b_hh is not None else [])
    both = LSTMCell.apply(*args)
    return both[0], both[1]
