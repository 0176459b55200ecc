"""Attention written out: scaled dot-product, multi-head, and three position encodings.

Scaled dot-product attention (Vaswani et al., 2017) of queries Q (L×d), keys K (S×d) and
values V (S×d_v):
    A = softmax(Q Kᵀ / √d + M),   out = A V,
where the mask M is 0 where a query may look and −∞ where it may not (a causal mask forbids
key j > query i). Multi-head attention projects x into h heads of width d/h, attends in each,
concatenates and projects back:  MHA(x) = [head₁ … head_h] W_O,  headᵢ = Attn(x W_Qⁱ, x W_Kⁱ,
x W_Vⁱ). Positions enter as a sinusoidal table PE(p, 2i) = sin(p / 10000^{2i/d}),
PE(p, 2i+1) = cos(…), a learned table, or rotary embeddings (RoPE, Su et al., 2021) that
rotate each pair (x₂ᵢ, x₂ᵢ₊₁) of q and k by the angle p·θᵢ, θᵢ = base^{−2i/d}, so that
q_m·k_n depends on m − n only. See docs/notes/attention-and-transformers.md.
"""

from __future__ import annotations

import math
from typing import Literal, overload

import torch
import torch.nn.functional as F
from torch import nn

__all__ = [
    "LearnedPositionalEmbedding",
    "MultiHeadAttention",
    "RotaryEmbedding",
    "causal_mask",
    "scaled_dot_product_attention",
    "sinusoidal_encoding",
]


def causal_mask(n_queries: int, n_keys: int, device: torch.device | None = None) -> torch.Tensor:
    """Boolean (L, S) mask, True where query i may attend key j (j ≤ i, top-left aligned).

    Parameters
    ----------
    n_queries, n_keys : int
        L and S.
    device : torch.device, optional
        Where to build it.

    Returns
    -------
    torch.Tensor
        ``ones(L, S).tril()`` as bool — the convention of ``F.scaled_dot_product_attention``.
    """
    return torch.ones(n_queries, n_keys, dtype=torch.bool, device=device).tril()


@overload
def scaled_dot_product_attention(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    attn_mask: torch.Tensor | None = ...,
    dropout_p: float = ...,
    is_causal: bool = ...,
    scale: float | None = ...,
    return_weights: Literal[False] = ...,
) -> torch.Tensor: ...


@overload
def scaled_dot_product_attention(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    attn_mask: torch.Tensor | None = ...,
    dropout_p: float = ...,
    is_causal: bool = ...,
    scale: float | None = ...,
    *,
    return_weights: Literal[True],
) -> tuple[torch.Tensor, torch.Tensor]: ...


def scaled_dot_product_attention(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    attn_mask: torch.Tensor | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
    return_weights: bool = False,
) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
    """softmax(Q Kᵀ · scale + M) V, written out, with the semantics of PyTorch's fused kernel.

    A = softmax(Q Kᵀ / √d + M) with M = 0 where allowed and −∞ where masked; out = A V.
    See docs/notes/attention-and-transformers.md.

    Parameters
    ----------
    q : torch.Tensor
        Queries (..., L, d).
    k, v : torch.Tensor
        Keys (..., S, d) and values (..., S, d_v).
    attn_mask : torch.Tensor, optional
        Broadcastable to (..., L, S): boolean (True = may attend, as in
        ``F.scaled_dot_product_attention``) or float (added to the scores).
    dropout_p : float
        Dropout on the attention weights (use 0 at evaluation).
    is_causal : bool
        Apply the top-left aligned causal mask; not combined with ``attn_mask``.
    scale : float, optional
        Score scale; 1/√d by default.
    return_weights : bool
        Also return the attention weights A.

    Returns
    -------
    torch.Tensor or (torch.Tensor, torch.Tensor)
        The output (..., L, d_v), and A (..., L, S) if ``return_weights``.
    """
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"q has width {q.shape[-1]} but k has width {k.shape[-1]}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"k has {k.shape[-2]} positions but v has {v.shape[-2]}")
    if is_causal and attn_mask is not None:
        raise ValueError("pass either is_causal=True or attn_mask, not both")
    if not 0.0 <= dropout_p < 1.0:
        raise ValueError(f"dropout_p must lie in [0, 1), got {dropout_p!r}")
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    scores = (q @ k.transpose(-2, -1)) * scale
    if is_causal:
        attn_mask = causal_mask(q.shape[-2], k.shape[-2], q.device)
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            scores = scores.masked_fill(~attn_mask, float("-inf"))
        else:
            scores = scores + attn_mask
    weights = torch.softmax(scores, dim=-1)
    if dropout_p > 0.0:
        weights = F.dropout(weights, dropout_p)
    out = weights @ v
    return (out, weights) if return_weights else out


class MultiHeadAttention(nn.Module):
    """Multi-head attention with ``nn.MultiheadAttention``'s parameters and mask conventions.

    MHA(Q, K, V) = concat(head₁, …, head_h) W_O + b_O,  headᵢ = Attn(Q W_Qⁱ, K W_Kⁱ, V W_Vⁱ).
    The three input projections live stacked in ``in_proj_weight`` (3E × E) exactly as in
    PyTorch, so ``load_state_dict(torch_mha.state_dict())`` gives the same function.
    See docs/notes/attention-and-transformers.md.

    Parameters
    ----------
    embed_dim : int
        Model width E.
    num_heads : int
        Heads h; must divide E.
    dropout : float
        Dropout on the attention weights.
    bias : bool
        Biases on the projections.
    batch_first : bool
        Inputs are (N, L, E) if True, else (L, N, E).
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        batch_first: bool = True,
    ) -> None:
        super().__init__()
        if embed_dim <= 0 or num_heads <= 0:
            raise ValueError(f"embed_dim and num_heads must be > 0, got {embed_dim}, {num_heads}")
        if embed_dim % num_heads:
            raise ValueError(f"embed_dim {embed_dim} is not divisible by num_heads {num_heads}")
        self.embed_dim, self.num_heads = embed_dim, num_heads
        self.head_dim = embed_dim // num_heads
        self.dropout, self.batch_first = dropout, batch_first
        self.in_proj_weight = nn.Parameter(torch.empty(3 * embed_dim, embed_dim))
        self.in_proj_bias = nn.Parameter(torch.zeros(3 * embed_dim)) if bias else None
        self.out_proj = nn.Linear(embed_dim, embed_dim, bias=bias)
        nn.init.xavier_uniform_(self.in_proj_weight)
        if self.out_proj.bias is not None:
            nn.init.zeros_(self.out_proj.bias)

    def _heads(self, x: torch.Tensor, which: int) -> torch.Tensor:
        e = self.embed_dim
        w = self.in_proj_weight[which * e : (which + 1) * e]
        b = None if self.in_proj_bias is None else self.in_proj_bias[which * e : (which + 1) * e]
        n, t, _ = x.shape
        return F.linear(x, w, b).view(n, t, self.num_heads, self.head_dim).transpose(1, 2)

    def forward(
        self,
        query: torch.Tensor,
        key: torch.Tensor,
        value: torch.Tensor,
        key_padding_mask: torch.Tensor | None = None,
        need_weights: bool = False,
        attn_mask: torch.Tensor | None = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Attend ``query`` to ``key``/``value``.

        Masks follow ``nn.MultiheadAttention``: ``key_padding_mask`` (N, S) and a boolean
        ``attn_mask`` (L, S) or (N·h, L, S) are True where attention is *forbidden*; a float
        ``attn_mask`` is added to the scores. ``is_causal`` builds the causal mask itself.

        Returns
        -------
        (torch.Tensor, torch.Tensor or None)
            The output like ``query``, and the weights (N, L, S) averaged over heads — or
            (N, h, L, S) — when ``need_weights``.
        """
        if not self.batch_first:
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        if query.shape[-1] != self.embed_dim:
            raise ValueError(f"query has width {query.shape[-1]}, expected {self.embed_dim}")
        n, L, _ = query.shape
        S = key.shape[1]
        q, k, v = self._heads(query, 0), self._heads(key, 1), self._heads(value, 2)
        # one additive float mask of shape (N, h, L, S) or broadcastable to it
        mask: torch.Tensor | None = None
        if is_causal and attn_mask is None:
            attn_mask = ~causal_mask(L, S, query.device)
        if attn_mask is not None:
            m = attn_mask
            if m.dtype == torch.bool:
                m = torch.zeros(m.shape, dtype=q.dtype, device=q.device).masked_fill(m, -math.inf)
            mask = m.view(n, self.num_heads, L, S) if m.dim() == 3 else m
        if key_padding_mask is not None:
            if key_padding_mask.shape != (n, S):
                raise ValueError(
                    f"key_padding_mask has shape {tuple(key_padding_mask.shape)}, expected {(n, S)}"
                )
            pad = key_padding_mask
            if pad.dtype == torch.bool:
                pad = torch.zeros(pad.shape, dtype=q.dtype, device=q.device).masked_fill(
                    pad, -math.inf
                )
            pad = pad.view(n, 1, 1, S)
            mask = pad if mask is None else mask + pad
        p = self.dropout if self.training else 0.0
        out, weights = scaled_dot_product_attention(
            q, k, v, attn_mask=mask, dropout_p=p, return_weights=True
        )
        out = self.out_proj(out.transpose(1, 2).reshape(n, L, self.embed_dim))
        if not self.batch_first:
            out = out.transpose(0, 1)
        if not need_weights:
            return out, None
        return out, weights.mean(1) if average_attn_weights else weights


def sinusoidal_encoding(n_positions: int, dim: int) -> torch.Tensor:
    """The fixed sinusoidal position table of "Attention is all you need".

    PE(p, 2i) = sin(p / 10000^{2i/d}),  PE(p, 2i+1) = cos(p / 10000^{2i/d}).
    See docs/notes/attention-and-transformers.md.

    Parameters
    ----------
    n_positions : int
        Rows (positions 0 … n−1).
    dim : int
        Width d (even).

    Returns
    -------
    torch.Tensor
        (n_positions, dim) float32 table.
    """
    if n_positions <= 0 or dim <= 0 or dim % 2:
        raise ValueError(f"need n_positions > 0 and an even dim > 0, got {n_positions}, {dim}")
    pos = torch.arange(n_positions, dtype=torch.float64)[:, None]
    freq = torch.exp(-math.log(10000.0) * torch.arange(0, dim, 2, dtype=torch.float64) / dim)
    table = torch.empty(n_positions, dim, dtype=torch.float64)
    table[:, 0::2] = torch.sin(pos * freq)
    table[:, 1::2] = torch.cos(pos * freq)
    return table.float()


class LearnedPositionalEmbedding(nn.Module):
    """A learned table E_pos (n_positions × dim) added to token embeddings: x_p + E_pos[p + offset].

    See docs/notes/attention-and-transformers.md.
    """

    def __init__(self, n_positions: int, dim: int) -> None:
        super().__init__()
        self.n_positions = n_positions
        self.weight = nn.Parameter(torch.randn(n_positions, dim) * 0.02)

    def forward(self, x: torch.Tensor, offset: int = 0) -> torch.Tensor:
        t = x.shape[-2]
        if offset + t > self.n_positions:
            raise ValueError(
                f"positions {offset}..{offset + t - 1} exceed the table of {self.n_positions}"
            )
        return x + self.weight[offset : offset + t]


class RotaryEmbedding(nn.Module):
    """Rotary position embedding (RoPE): rotate pairs (x₂ᵢ, x₂ᵢ₊₁) by the angle p·θᵢ.

    (x₂ᵢ, x₂ᵢ₊₁) ↦ (x₂ᵢ cos pθᵢ − x₂ᵢ₊₁ sin pθᵢ,  x₂ᵢ sin pθᵢ + x₂ᵢ₊₁ cos pθᵢ),
    θᵢ = base^{−2i/d} — multiplication of the complex number x₂ᵢ + i·x₂ᵢ₊₁ by e^{i p θᵢ}, so
    ⟨R_m q, R_n k⟩ depends on m − n only. See docs/notes/attention-and-transformers.md.

    Parameters
    ----------
    head_dim : int
        Width d of each head (even).
    max_positions : int
        Positions accepted (0 … max_positions − 1).
    base : float
        Frequency base.
    """

    def __init__(self, head_dim: int, max_positions: int = 4096, base: float = 10000.0) -> None:
        super().__init__()
        if head_dim <= 0 or head_dim % 2:
            raise ValueError(f"head_dim must be even and > 0, got {head_dim}")
        self.head_dim, self.max_positions, self.base = head_dim, max_positions, base

    def forward(self, x: torch.Tensor, offset: int = 0) -> torch.Tensor:
        """Rotate ``x`` (..., T, head_dim) as positions ``offset … offset + T − 1``."""
        t = x.shape[-2]
        if offset + t > self.max_positions:
            raise ValueError(f"positions up to {offset + t - 1} exceed {self.max_positions - 1}")
        # angles in float64 whatever the model dtype, so float64 checks are exact to 1e-15
        d = self.head_dim
        theta = self.base ** (-torch.arange(0, d, 2, dtype=torch.float64, device=x.device) / d)
        pos = torch.arange(offset, offset + t, dtype=torch.float64, device=x.device)
        angles = pos[:, None] * theta
        cos, sin = angles.cos().to(x.dtype), angles.sin().to(x.dtype)
        even, odd = x[..., 0::2], x[..., 1::2]
        return torch.stack((even * cos - odd * sin, even * sin + odd * cos), dim=-1).flatten(-2)
