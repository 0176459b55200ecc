"""GPT: a decoder-only Transformer language model (Radford et al., 2018/2019), nanoGPT-shaped.

Tokens and positions are embedded, x₀ = E_tok[idx] + E_pos[0:T]; each of L pre-norm blocks does
    x ← x + CausalAttn(LN(x)),   x ← x + MLP(LN(x)),   MLP(x) = W₂ GELU(W₁ x),
and the logits are LN(x_L) E_tokᵀ (the output layer is tied to the token embedding). Training
minimises the next-token cross-entropy −(1/T) Σₜ log p(x_{t+1} | x_{≤t}). Init follows GPT-2:
N(0, 0.02²) everywhere and N(0, (0.02/√(2L))²) for the projections that write into the residual
stream, so its variance does not grow with depth. Generation can keep each layer's keys and
values (a KV cache): step t then costs one token's work instead of t tokens'.
See docs/notes/gpt.md.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from groundup.deep.models.attention import scaled_dot_product_attention

__all__ = [
    "GPT",
    "GPT_CONFIGS",
    "GPTConfig",
    "KVCache",
    "gpt",
    "sample_next_token",
]


@dataclass
class GPTConfig:
    """Shape of a GPT. ``attn_impl`` picks PyTorch's fused SDPA kernel or the written-out one."""

    vocab_size: int = 256
    block_size: int = 128
    n_layer: int = 4
    n_head: int = 4
    n_embd: int = 128
    dropout: float = 0.0
    bias: bool = True
    attn_impl: str = "sdpa"

    def __post_init__(self) -> None:
        for name in ("vocab_size", "block_size", "n_layer", "n_head", "n_embd"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if self.n_embd % self.n_head:
            raise ValueError(f"n_embd {self.n_embd} is not divisible by n_head {self.n_head}")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must lie in [0, 1), got {self.dropout!r}")
        if self.attn_impl not in ("sdpa", "manual"):
            raise ValueError(f"attn_impl must be 'sdpa' or 'manual', got {self.attn_impl!r}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return asdict(self)


# nano → small; "gpt-small" is GPT-2's 124M shape (with a 50,257 vocabulary)
GPT_CONFIGS: dict[str, dict[str, int]] = {
    "gpt-nano": dict(n_layer=3, n_head=3, n_embd=48),
    "gpt-micro": dict(n_layer=4, n_head=4, n_embd=128),
    "gpt-mini": dict(n_layer=6, n_head=6, n_embd=192),
    "gpt-small": dict(n_layer=12, n_head=12, n_embd=768),
}


class KVCache:
    """Per-layer keys and values (B, h, S, d) of the tokens seen so far."""

    def __init__(self, n_layer: int) -> None:
        self.layers: list[tuple[torch.Tensor, torch.Tensor] | None] = [None] * n_layer

    @property
    def length(self) -> int:
        """Tokens held (S)."""
        first = self.layers[0]
        return 0 if first is None else int(first[0].shape[-2])

    def reset(self) -> None:
        """Forget everything."""
        self.layers = [None] * len(self.layers)


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention where position t sees positions ≤ t only (optionally cached)."""

    def __init__(self, cfg: GPTConfig) -> None:
        super().__init__()
        self.n_head, self.n_embd, self.impl = cfg.n_head, cfg.n_embd, cfg.attn_impl
        self.c_attn = nn.Linear(cfg.n_embd, 3 * cfg.n_embd, bias=cfg.bias)
        self.c_proj = nn.Linear(cfg.n_embd, cfg.n_embd, bias=cfg.bias)
        self.dropout = cfg.dropout
        self.resid_dropout = nn.Dropout(cfg.dropout)

    def forward(
        self, x: torch.Tensor, cache: KVCache | None = None, layer: int = 0
    ) -> torch.Tensor:
        b, t, c = x.shape
        q, k, v = self.c_attn(x).view(b, t, 3, self.n_head, c // self.n_head).permute(2, 0, 3, 1, 4)
        past = 0
        if cache is not None:
            prev = cache.layers[layer]
            if prev is not None:
                past = prev[0].shape[-2]
                k, v = torch.cat((prev[0], k), dim=-2), torch.cat((prev[1], v), dim=-2)
            cache.layers[layer] = (k, v)
        p = self.dropout if self.training else 0.0
        # query i (absolute position past + i) may see keys j ≤ past + i: bottom-right aligned;
        # one new token with a cache sees everything, so it needs no mask at all
        mask = None
        causal = past == 0 and t > 1
        if past > 0 and t > 1:
            mask = torch.ones(t, past + t, dtype=torch.bool, device=x.device).tril(past)
        if self.impl == "sdpa":
            y = F.scaled_dot_product_attention(
                q, k, v, attn_mask=mask, dropout_p=p, is_causal=causal
            )
        else:
            y = scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=p, is_causal=causal)
        return self.resid_dropout(self.c_proj(y.transpose(1, 2).reshape(b, t, c)))


class MLP(nn.Module):
    """Position-wise W₂ GELU(W₁ x) with a 4× wider hidden layer."""

    def __init__(self, cfg: GPTConfig) -> None:
        super().__init__()
        self.c_fc = nn.Linear(cfg.n_embd, 4 * cfg.n_embd, bias=cfg.bias)
        self.c_proj = nn.Linear(4 * cfg.n_embd, cfg.n_embd, bias=cfg.bias)
        self.dropout = nn.Dropout(cfg.dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.c_proj(F.gelu(self.c_fc(x))))


class Block(nn.Module):
    """Pre-norm transformer block: x + Attn(LN(x)), then x + MLP(LN(x))."""

    def __init__(self, cfg: GPTConfig) -> None:
        super().__init__()
        self.ln_1 = nn.LayerNorm(cfg.n_embd, bias=cfg.bias)
        self.attn = CausalSelfAttention(cfg)
        self.ln_2 = nn.LayerNorm(cfg.n_embd, bias=cfg.bias)
        self.mlp = MLP(cfg)

    def forward(
        self, x: torch.Tensor, cache: KVCache | None = None, layer: int = 0
    ) -> torch.Tensor:
        x = x + self.attn(self.ln_1(x), cache, layer)
        return x + self.mlp(self.ln_2(x))


def sample_next_token(
    logits: torch.Tensor,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Draw one token per row from softmax(logits / temperature), truncated by top-k / top-p.

    p ∝ exp(zᵢ / τ) over the k largest logits (top-k) and then over the smallest set of tokens
    whose probabilities sum to ≥ p (nucleus, top-p); τ = 0 takes the arg-max.
    See docs/notes/gpt.md.

    Parameters
    ----------
    logits : torch.Tensor
        (B, vocab) scores of the next token.
    temperature : float
        τ ≥ 0.
    top_k : int, optional
        Keep the k most likely tokens.
    top_p : float, optional
        Keep the nucleus of probability mass p ∈ (0, 1].
    generator : torch.Generator, optional
        Source of randomness (same generator, same tokens).

    Returns
    -------
    torch.Tensor
        (B, 1) int64 token ids.
    """
    if not (math.isfinite(temperature) and temperature >= 0):
        raise ValueError(f"temperature must be finite and >= 0, got {temperature!r}")
    if top_k is not None and (not isinstance(top_k, int) or top_k < 1):
        raise ValueError(f"top_k must be a positive integer or None, got {top_k!r}")
    if top_p is not None and not 0.0 < top_p <= 1.0:
        raise ValueError(f"top_p must lie in (0, 1], got {top_p!r}")
    if temperature == 0:
        return logits.argmax(-1, keepdim=True)
    logits = logits / temperature
    if top_k is not None and top_k < logits.shape[-1]:
        kth = torch.topk(logits, top_k, dim=-1).values[..., -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if top_p is not None and top_p < 1.0:
        sorted_logits, order = torch.sort(logits, descending=True, dim=-1)
        probs = torch.softmax(sorted_logits, dim=-1)
        # drop a token when the mass before it already reaches p (the first token always stays)
        drop = probs.cumsum(-1) - probs >= top_p
        sorted_logits = sorted_logits.masked_fill(drop, float("-inf"))
        logits = torch.full_like(logits, float("-inf")).scatter(-1, order, sorted_logits)
    probs = torch.softmax(logits, dim=-1)
    return torch.multinomial(probs, 1, generator=generator)


class GPT(nn.Module):
    """Decoder-only Transformer: ``model(idx)`` maps (B, T) token ids to (B, T, vocab) logits.

    Parameters
    ----------
    config : GPTConfig
        Its shape; see :data:`GPT_CONFIGS` for named sizes.
    """

    def __init__(self, config: GPTConfig) -> None:
        super().__init__()
        self.config = config
        self.wte = nn.Embedding(config.vocab_size, config.n_embd)
        self.wpe = nn.Embedding(config.block_size, config.n_embd)
        self.drop = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(Block(config) for _ in range(config.n_layer))
        self.ln_f = nn.LayerNorm(config.n_embd, bias=config.bias)
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.lm_head.weight = self.wte.weight  # weight tying
        self.apply(self._init_weights)
        residual_std = 0.02 / math.sqrt(2 * config.n_layer)
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, mean=0.0, std=residual_std)

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def num_parameters(self, non_embedding: bool = True) -> int:
        """Parameters (the tied matrix counted once); without the position table by default."""
        n = sum(p.numel() for p in self.parameters())
        return n - self.wpe.weight.numel() if non_embedding else n

    def forward(self, idx: torch.Tensor, cache: KVCache | None = None) -> torch.Tensor:
        """Logits (B, T, vocab) for token ids ``idx`` (B, T); a ``cache`` continues after it."""
        if idx.dim() != 2:
            raise ValueError(f"idx must be (B, T) token ids, got shape {tuple(idx.shape)}")
        if idx.is_floating_point():
            raise TypeError(f"idx must hold integer token ids, got {idx.dtype}")
        past = cache.length if cache is not None else 0
        t = idx.shape[1]
        if past + t > self.config.block_size:
            raise ValueError(
                f"sequence of {past + t} tokens exceeds block_size {self.config.block_size}"
            )
        pos = torch.arange(past, past + t, device=idx.device)
        x = self.drop(self.wte(idx) + self.wpe(pos))
        for i, block in enumerate(self.blocks):
            x = block(x, cache, i)
        return self.lm_head(self.ln_f(x))

    @torch.no_grad()
    def generate_iter(
        self,
        idx: torch.Tensor,
        max_new_tokens: int,
        temperature: float = 1.0,
        top_k: int | None = None,
        top_p: float | None = None,
        use_cache: bool = True,
        generator: torch.Generator | None = None,
    ) -> Iterator[torch.Tensor]:
        """Yield each sampled token (B, 1) in turn; see :meth:`generate`."""
        if idx.dim() != 2 or idx.shape[1] == 0:
            raise ValueError(f"idx must be a non-empty (B, T) prompt, got shape {tuple(idx.shape)}")
        if not isinstance(max_new_tokens, int) or max_new_tokens < 0:
            raise ValueError(f"max_new_tokens must be an integer >= 0, got {max_new_tokens!r}")
        bs = self.config.block_size
        cache = KVCache(self.config.n_layer) if use_cache else None
        fed = 0  # tokens of idx already inside the cache
        for _ in range(max_new_tokens):
            if cache is None:
                logits = self(idx[:, -bs:])
            elif cache.length + idx.shape[1] - fed > bs:
                # the window slides: learned absolute positions shift, so the cache is stale;
                # refill it with the last block_size tokens (exactly the uncached computation)
                cache.reset()
                logits = self(idx[:, -bs:], cache)
            else:
                logits = self(idx[:, fed:], cache)
            fed = idx.shape[1]
            nxt = sample_next_token(logits[:, -1, :], temperature, top_k, top_p, generator)
            idx = torch.cat((idx, nxt), dim=1)
            yield nxt

    @torch.no_grad()
    def generate(
        self,
        idx: torch.Tensor,
        max_new_tokens: int,
        temperature: float = 1.0,
        top_k: int | None = None,
        top_p: float | None = None,
        use_cache: bool = True,
        generator: torch.Generator | None = None,
    ) -> torch.Tensor:
        """Continue the prompt ``idx`` (B, T) by ``max_new_tokens`` sampled tokens.

        Each step samples x_{t+1} ~ p(· | x_{t−block_size+1 … t}) with :func:`sample_next_token`.
        With ``use_cache`` the keys and values of earlier tokens are reused; the tokens are
        exactly those of uncached generation (same ``generator``), only faster.

        Returns
        -------
        torch.Tensor
            (B, T + max_new_tokens): the prompt followed by the new tokens.
        """
        was_training = self.training
        self.eval()
        try:
            new = list(
                self.generate_iter(
                    idx, max_new_tokens, temperature, top_k, top_p, use_cache, generator
                )
            )
        finally:
            self.train(was_training)
        return torch.cat([idx, *new], dim=1)

    def flops_per_token(self, seq_len: int | None = None) -> float:
        """Training FLOPs per token: 6N + 12·L·T·E (forward + backward; PaLM appendix B)."""
        cfg = self.config
        t = cfg.block_size if seq_len is None else seq_len
        return 6.0 * self.num_parameters() + 12.0 * cfg.n_layer * t * cfg.n_embd

    def estimate_mfu(self, tokens_per_iter: int, dt: float, peak_flops: float) -> float:
        """Model FLOPs utilisation: (flops_per_token · tokens_per_iter / dt) / peak_flops.

        Parameters
        ----------
        tokens_per_iter : int
            Tokens processed (forward and backward) per iteration.
        dt : float
            Seconds per iteration.
        peak_flops : float
            The device's peak FLOP/s at the precision used.
        """
        if dt <= 0 or peak_flops <= 0:
            raise ValueError(f"dt and peak_flops must be > 0, got {dt!r}, {peak_flops!r}")
        return self.flops_per_token() * tokens_per_iter / dt / peak_flops


def gpt(
    vocab_size: int,
    n_layer: int = 4,
    n_head: int = 4,
    n_embd: int = 128,
    block_size: int = 128,
    dropout: float = 0.0,
    bias: bool = True,
    attn_impl: str = "sdpa",
) -> GPT:
    """Build a :class:`GPT` from keyword arguments (the registry's ``create("gpt", …)``)."""
    return GPT(
        GPTConfig(
            vocab_size=vocab_size,
            block_size=block_size,
            n_layer=n_layer,
            n_head=n_head,
            n_embd=n_embd,
            dropout=dropout,
            bias=bias,
            attn_impl=attn_impl,
        )
    )
