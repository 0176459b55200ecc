"""Multi-head scaled dot-product attention with PyTorch's parameter layout.

    Attention(Q, K, V) = softmax(Q Kᵀ / √d + M) V,   d = embed_dim / num_heads,

computed per head on slices of the projected Q, K, V; M is -∞ where a mask forbids a key.
``in_proj_weight`` (3E, E) stacks W_q, W_k, W_v as in ``torch.nn.MultiheadAttention``, so
weights copy across. See docs/notes/backpropagation.md.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import DTypeLike

from groundup import autograd as ag
from groundup.autograd.nn import init
from groundup.autograd.nn.layers import Linear
from groundup.autograd.nn.module import Module, Parameter, resolve_rng
from groundup.autograd.tensor import Tensor

__all__ = ["MultiheadAttention", "scaled_dot_product_attention"]

Rng = np.random.Generator | int | None


def scaled_dot_product_attention(
    q: Tensor,
    k: Tensor,
    v: Tensor,
    mask: np.ndarray | None = None,
    dropout_p: float = 0.0,
    training: bool = True,
    rng: np.random.Generator | None = None,
) -> tuple[Tensor, Tensor]:
    """Attention softmax(q kᵀ/√d + mask) v over the last two axes.

    The 1/√d keeps the scores' variance ~1 when q and k have unit-variance entries, so the
    softmax does not saturate. See docs/notes/backpropagation.md.

    Parameters
    ----------
    q, k, v : Tensor
        (..., L, d), (..., S, d), (..., S, d_v).
    mask : ndarray, optional
        Additive mask (0 or -inf) broadcasting against (..., L, S).
    dropout_p : float
        Dropout on the attention weights in training.
    training : bool
        Whether dropout applies.
    rng : Generator, optional
        Dropout's generator.

    Returns
    -------
    (Tensor, Tensor)
        The output (..., L, d_v) and the weights (..., L, S).
    """
    scores = (q @ ag.transpose(k, -2, -1)) * (1.0 / math.sqrt(q.shape[-1]))
    if mask is not None:
        scores = scores + mask.astype(scores.dtype)
    weights = ag.softmax(scores, axis=-1)
    dropped = ag.dropout(weights, dropout_p, training, rng=rng) if dropout_p > 0 else weights
    return dropped @ v, weights


class MultiheadAttention(Module):
    """Multi-head attention (``torch.nn.MultiheadAttention``: same parameters, same outputs).

    Parameters
    ----------
    embed_dim : int
        Model width E (divisible by ``num_heads``).
    num_heads : int
        Number of heads.
    dropout : float
        Dropout on the attention weights in training.
    bias : bool
        Biases on the input and output projections.
    batch_first : bool
        Inputs are (N, L, E) instead of (L, N, E).
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        batch_first: bool = False,
        *,
        rng: Rng = None,
        dtype: DTypeLike = np.float32,
    ) -> None:
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0 or embed_dim % num_heads:
            raise ValueError(
                f"embed_dim ({embed_dim}) must be a positive multiple of num_heads ({num_heads})"
            )
        if not 0.0 <= dropout <= 1.0:
            raise ValueError(f"dropout must lie in [0, 1], got {dropout}")
        self.embed_dim, self.num_heads, self.dropout = embed_dim, num_heads, dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        g = resolve_rng(rng)
        self._rng = g
        self.in_proj_weight = Parameter(np.zeros((3 * embed_dim, embed_dim)), dtype=dtype)
        init.xavier_uniform_(self.in_proj_weight, rng=g)
        if bias:
            self.in_proj_bias: Parameter | None = Parameter(np.zeros(3 * embed_dim), dtype=dtype)
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, rng=g, dtype=dtype)
        if bias:
            assert self.out_proj.bias is not None
            init.zeros_(self.out_proj.bias)

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        key_padding_mask: Any = None,
        need_weights: bool = True,
        attn_mask: Any = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        e, h, d = self.embed_dim, self.num_heads, self.head_dim
        for name, t in (("query", query), ("key", key), ("value", value)):
            if t.ndim not in (2, 3) or t.shape[-1] != e:
                raise ValueError(
                    f"MultiheadAttention: {name} must be (…, {e}), got shape {t.shape}"
                )
        unbatched = query.ndim == 2
        if unbatched:
            query, key, value = (ag.unsqueeze(t, 0) for t in (query, key, value))
        elif not self.batch_first:
            query, key, value = (ag.transpose(t, 0, 1) for t in (query, key, value))
        n, lq, s = query.shape[0], query.shape[1], key.shape[1]
        if key.shape != value.shape:
            raise ValueError(f"MultiheadAttention: key {key.shape} and value {value.shape} differ")
        w, b = self.in_proj_weight, self.in_proj_bias
        q, k, v = (
            ag.linear(t, w[i * e : (i + 1) * e], None if b is None else b[i * e : (i + 1) * e])
            for i, t in enumerate((query, key, value))
        )
        # (N, L, E) → (N, heads, L, d)
        q, k, v = (ag.transpose(ag.reshape(t, n, -1, h, d), 1, 2) for t in (q, k, v))
        mask = self._mask(attn_mask, key_padding_mask, is_causal, n, lq, s)
        out, weights = scaled_dot_product_attention(
            q, k, v, mask, self.dropout, self.training, rng=self._rng
        )
        out = ag.reshape(ag.transpose(out, 1, 2), n, lq, e)
        out = self.out_proj(out)
        if unbatched:
            out = ag.squeeze(out, 0)
        elif not self.batch_first:
            out = ag.transpose(out, 0, 1)
        if not need_weights:
            return out, None
        if average_attn_weights:
            weights = weights.mean(axis=1)
        if unbatched:
            weights = ag.squeeze(weights, 0)
        return out, weights

    @staticmethod
    def _mask(
        attn_mask: Any, key_padding_mask: Any, is_causal: bool, n: int, lq: int, s: int
    ) -> np.ndarray | None:
        """One additive mask (N or 1, 1, L, S): -inf where attention is forbidden."""
        total = np.zeros((1, 1, lq, s))
        used = False
        if is_causal and attn_mask is None:
            attn_mask = np.triu(np.ones((lq, s), dtype=bool), k=1)
        if attn_mask is not None:
            m = np.asarray(attn_mask.data if isinstance(attn_mask, Tensor) else attn_mask)
            if m.shape not in ((lq, s),):
                raise ValueError(f"attn_mask must have shape {(lq, s)}, got {m.shape}")
            total = total + (np.where(m, -np.inf, 0.0) if m.dtype == bool else m)
            used = True
        if key_padding_mask is not None:
            m = np.asarray(
                key_padding_mask.data if isinstance(key_padding_mask, Tensor) else key_padding_mask
            )
            if m.shape != (n, s):
                raise ValueError(f"key_padding_mask must have shape {(n, s)}, got {m.shape}")
            add = np.where(m, -np.inf, 0.0) if m.dtype == bool else m
            total = total + add[:, None, None, :]
            used = True
        return total if used else None
