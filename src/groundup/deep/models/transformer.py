"""The encoder–decoder Transformer of "Attention is all you need", built on our own attention.

Encoder layer (post-norm, as in the paper; ``norm_first`` gives pre-norm):
    x ← LN(x + SelfAttn(x)),   x ← LN(x + W₂ ReLU(W₁ x)).
Decoder layer: masked (causal) self-attention, then cross-attention to the encoder output
(memory), then the feed-forward network, each wrapped the same way. The layers use the
parameter names of ``nn.TransformerEncoderLayer`` / ``nn.TransformerDecoderLayer`` /
``nn.Transformer``, so a PyTorch state dict loads into them and the outputs can be compared.
:class:`Seq2SeqTransformer` adds token embeddings scaled by √d, sinusoidal positions and an
output layer, trained with teacher forcing (decoder input = BOS + target, loss on target + EOS)
and decoded greedily. See docs/notes/attention-and-transformers.md.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from groundup.deep.models.attention import MultiHeadAttention, sinusoidal_encoding

__all__ = [
    "Seq2SeqTransformer",
    "Transformer",
    "TransformerDecoderLayer",
    "TransformerEncoderLayer",
    "exact_match",
    "reversal_data",
    "train_reversal",
]

PAD, BOS, EOS, DIGIT0 = 0, 1, 2, 3


def _activation(name: str) -> nn.Module:
    if name not in ("relu", "gelu"):
        raise ValueError(f"activation must be 'relu' or 'gelu', got {name!r}")
    return nn.ReLU() if name == "relu" else nn.GELU()


class TransformerEncoderLayer(nn.Module):
    """Self-attention and feed-forward sub-layers, each with a residual and a LayerNorm."""

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str = "relu",
        norm_first: bool = False,
    ) -> None:
        super().__init__()
        self.self_attn = MultiHeadAttention(d_model, nhead, dropout=dropout)
        self.linear1 = nn.Linear(d_model, dim_feedforward)
        self.dropout = nn.Dropout(dropout)
        self.linear2 = nn.Linear(dim_feedforward, d_model)
        self.norm1, self.norm2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.dropout1, self.dropout2 = nn.Dropout(dropout), nn.Dropout(dropout)
        self.activation = _activation(activation)
        self.norm_first = norm_first

    def _sa(
        self, x: torch.Tensor, mask: torch.Tensor | None, pad: torch.Tensor | None
    ) -> torch.Tensor:
        return self.dropout1(self.self_attn(x, x, x, key_padding_mask=pad, attn_mask=mask)[0])

    def _ff(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))

    def forward(
        self,
        src: torch.Tensor,
        src_mask: torch.Tensor | None = None,
        src_key_padding_mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        x = src
        if self.norm_first:
            x = x + self._sa(self.norm1(x), src_mask, src_key_padding_mask)
            return x + self._ff(self.norm2(x))
        x = self.norm1(x + self._sa(x, src_mask, src_key_padding_mask))
        return self.norm2(x + self._ff(x))


class TransformerDecoderLayer(nn.Module):
    """Masked self-attention, cross-attention to the memory, feed-forward; residual + LN each."""

    def __init__(
        self,
        d_model: int,
        nhead: int,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str = "relu",
        norm_first: bool = False,
    ) -> None:
        super().__init__()
        self.self_attn = MultiHeadAttention(d_model, nhead, dropout=dropout)
        self.multihead_attn = MultiHeadAttention(d_model, nhead, dropout=dropout)
        self.linear1 = nn.Linear(d_model, dim_feedforward)
        self.dropout = nn.Dropout(dropout)
        self.linear2 = nn.Linear(dim_feedforward, d_model)
        self.norm1, self.norm2, self.norm3 = (nn.LayerNorm(d_model) for _ in range(3))
        self.dropout1, self.dropout2, self.dropout3 = (nn.Dropout(dropout) for _ in range(3))
        self.activation = _activation(activation)
        self.norm_first = norm_first

    def _sa(
        self, x: torch.Tensor, mask: torch.Tensor | None, pad: torch.Tensor | None
    ) -> torch.Tensor:
        return self.dropout1(self.self_attn(x, x, x, key_padding_mask=pad, attn_mask=mask)[0])

    def _mha(
        self,
        x: torch.Tensor,
        mem: torch.Tensor,
        mask: torch.Tensor | None,
        pad: torch.Tensor | None,
    ) -> torch.Tensor:
        out = self.multihead_attn(x, mem, mem, key_padding_mask=pad, attn_mask=mask)[0]
        return self.dropout2(out)

    def _ff(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout3(self.linear2(self.dropout(self.activation(self.linear1(x)))))

    def forward(
        self,
        tgt: torch.Tensor,
        memory: torch.Tensor,
        tgt_mask: torch.Tensor | None = None,
        memory_mask: torch.Tensor | None = None,
        tgt_key_padding_mask: torch.Tensor | None = None,
        memory_key_padding_mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        x = tgt
        if self.norm_first:
            x = x + self._sa(self.norm1(x), tgt_mask, tgt_key_padding_mask)
            x = x + self._mha(self.norm2(x), memory, memory_mask, memory_key_padding_mask)
            return x + self._ff(self.norm3(x))
        x = self.norm1(x + self._sa(x, tgt_mask, tgt_key_padding_mask))
        x = self.norm2(x + self._mha(x, memory, memory_mask, memory_key_padding_mask))
        return self.norm3(x + self._ff(x))


class _Stack(nn.Module):
    """``layers`` followed by a final LayerNorm (``nn.TransformerEncoder``'s layout)."""

    def __init__(self, layers: list[nn.Module], d_model: int) -> None:
        super().__init__()
        self.layers = nn.ModuleList(layers)
        self.norm = nn.LayerNorm(d_model)


class Transformer(nn.Module):
    """Encoder–decoder Transformer with ``nn.Transformer``'s parameters (batch first).

    memory = Encoder(src);  out = Decoder(tgt, memory). See
    docs/notes/attention-and-transformers.md.

    Parameters
    ----------
    d_model, nhead, num_encoder_layers, num_decoder_layers, dim_feedforward, dropout
        As in ``nn.Transformer``.
    activation : {"relu", "gelu"}
        Feed-forward non-linearity.
    norm_first : bool
        Pre-norm layers instead of the paper's post-norm.
    """

    def __init__(
        self,
        d_model: int = 512,
        nhead: int = 8,
        num_encoder_layers: int = 6,
        num_decoder_layers: int = 6,
        dim_feedforward: int = 2048,
        dropout: float = 0.1,
        activation: str = "relu",
        norm_first: bool = False,
    ) -> None:
        super().__init__()
        args = (d_model, nhead, dim_feedforward, dropout, activation, norm_first)
        self.encoder = _Stack(
            [TransformerEncoderLayer(*args) for _ in range(num_encoder_layers)], d_model
        )
        self.decoder = _Stack(
            [TransformerDecoderLayer(*args) for _ in range(num_decoder_layers)], d_model
        )
        self.d_model = d_model

    def encode(
        self,
        src: torch.Tensor,
        src_mask: torch.Tensor | None = None,
        src_key_padding_mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """The memory (N, S, E)."""
        x = src
        for layer in self.encoder.layers:
            x = layer(x, src_mask, src_key_padding_mask)
        return self.encoder.norm(x)

    def decode(
        self,
        tgt: torch.Tensor,
        memory: torch.Tensor,
        tgt_mask: torch.Tensor | None = None,
        memory_mask: torch.Tensor | None = None,
        tgt_key_padding_mask: torch.Tensor | None = None,
        memory_key_padding_mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """The decoder output (N, T, E)."""
        x = tgt
        for layer in self.decoder.layers:
            x = layer(
                x, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask
            )
        return self.decoder.norm(x)

    def forward(
        self,
        src: torch.Tensor,
        tgt: torch.Tensor,
        src_mask: torch.Tensor | None = None,
        tgt_mask: torch.Tensor | None = None,
        memory_mask: torch.Tensor | None = None,
        src_key_padding_mask: torch.Tensor | None = None,
        tgt_key_padding_mask: torch.Tensor | None = None,
        memory_key_padding_mask: torch.Tensor | None = None,
    ) -> torch.Tensor:
        """Decoder output for embedded ``src`` (N, S, E) and ``tgt`` (N, T, E)."""
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise ValueError(
                f"src and tgt must have width d_model={self.d_model}, got {src.shape[-1]} and {tgt.shape[-1]}"
            )
        memory = self.encode(src, src_mask, src_key_padding_mask)
        return self.decode(
            tgt, memory, tgt_mask, memory_mask, tgt_key_padding_mask, memory_key_padding_mask
        )


class Seq2SeqTransformer(nn.Module):
    """Token-to-token Transformer: embeddings·√d + sinusoidal positions → Transformer → logits.

    Parameters
    ----------
    src_vocab, tgt_vocab : int
        Vocabulary sizes (id 0 is padding in both).
    d_model, nhead, num_encoder_layers, num_decoder_layers, dim_feedforward, dropout
        The :class:`Transformer`'s shape.
    max_len : int
        Longest sequence.
    """

    pe: torch.Tensor

    def __init__(
        self,
        src_vocab: int,
        tgt_vocab: int,
        d_model: int = 64,
        nhead: int = 4,
        num_encoder_layers: int = 2,
        num_decoder_layers: int = 2,
        dim_feedforward: int = 256,
        dropout: float = 0.0,
        max_len: int = 64,
    ) -> None:
        super().__init__()
        self.src_emb = nn.Embedding(src_vocab, d_model, padding_idx=PAD)
        self.tgt_emb = nn.Embedding(tgt_vocab, d_model, padding_idx=PAD)
        for emb in (self.src_emb, self.tgt_emb):
            # N(0, 1/d): after the √d scale a token vector has unit-size entries, like the
            # sinusoidal positions — N(0, 1) would drown the positions by a factor √d
            nn.init.normal_(emb.weight, std=d_model**-0.5)
            with torch.no_grad():
                emb.weight[PAD].zero_()
        self.register_buffer("pe", sinusoidal_encoding(max_len, d_model), persistent=False)
        self.transformer = Transformer(
            d_model,
            nhead,
            num_encoder_layers,
            num_decoder_layers,
            dim_feedforward,
            dropout,
            norm_first=True,
        )
        self.generator = nn.Linear(d_model, tgt_vocab)
        self.scale = math.sqrt(d_model)

    def _embed(self, emb: nn.Embedding, ids: torch.Tensor) -> torch.Tensor:
        return emb(ids) * self.scale + self.pe[: ids.shape[1]]

    def forward(self, src: torch.Tensor, tgt_in: torch.Tensor) -> torch.Tensor:
        """Logits (N, T, tgt_vocab) of the next target token at each decoder position."""
        t = tgt_in.shape[1]
        causal = torch.ones(t, t, dtype=torch.bool, device=src.device).triu(1)  # True = forbidden
        out = self.transformer(
            self._embed(self.src_emb, src),
            self._embed(self.tgt_emb, tgt_in),
            tgt_mask=causal,
            src_key_padding_mask=src == PAD,
            tgt_key_padding_mask=tgt_in == PAD,
            memory_key_padding_mask=src == PAD,
        )
        return self.generator(out)

    @torch.no_grad()
    def greedy_decode(self, src: torch.Tensor, max_len: int) -> torch.Tensor:
        """Arg-max decoding from BOS for ``max_len`` steps: (N, max_len) tokens (EOS, then PAD)."""
        was = self.training
        self.eval()
        pad = src == PAD
        memory = self.transformer.encode(self._embed(self.src_emb, src), src_key_padding_mask=pad)
        ys = torch.full((src.shape[0], 1), BOS, dtype=torch.long, device=src.device)
        done = torch.zeros(src.shape[0], dtype=torch.bool, device=src.device)
        for _ in range(max_len):
            t = ys.shape[1]
            causal = torch.ones(t, t, dtype=torch.bool, device=src.device).triu(1)
            out = self.transformer.decode(
                self._embed(self.tgt_emb, ys), memory, tgt_mask=causal, memory_key_padding_mask=pad
            )
            nxt = self.generator(out[:, -1]).argmax(-1)
            nxt = torch.where(done, torch.full_like(nxt, PAD), nxt)
            done |= nxt == EOS
            ys = torch.cat((ys, nxt[:, None]), dim=1)
            if bool(done.all()):
                break
        self.train(was)
        out_ids = ys[:, 1:]
        if out_ids.shape[1] < max_len:
            out_ids = F.pad(out_ids, (0, max_len - out_ids.shape[1]), value=PAD)
        return out_ids


# --------------------------------------------------------------------------------- the task
def reversal_data(
    n: int, max_digits: int, rng: np.random.Generator, min_digits: int = 1
) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` random digit strings of ``min_digits … max_digits`` digits and their reversals.

    Returns
    -------
    (torch.Tensor, torch.Tensor)
        src (n, max_digits) digit tokens (3–12) right-padded with 0, and tgt
        (n, max_digits + 1): the reversed digits, EOS, padding.
    """
    if not 1 <= min_digits <= max_digits:
        raise ValueError(f"need 1 <= min_digits <= max_digits, got {min_digits}, {max_digits}")
    lengths = rng.integers(min_digits, max_digits + 1, size=n)
    digits = rng.integers(0, 10, size=(n, max_digits)) + DIGIT0
    cols = np.arange(max_digits)
    src = np.where(cols < lengths[:, None], digits, PAD)
    # reversed: position j holds digit (len − 1 − j); gather with a clipped index, then mask
    rev_idx = np.clip(lengths[:, None] - 1 - cols, 0, max_digits - 1)
    rev = np.where(cols < lengths[:, None], np.take_along_axis(digits, rev_idx, 1), PAD)
    tgt = np.concatenate([rev, np.full((n, 1), PAD)], axis=1)
    tgt[np.arange(n), lengths] = EOS
    return torch.from_numpy(src), torch.from_numpy(tgt)


def exact_match(model: Seq2SeqTransformer, src: torch.Tensor, tgt: torch.Tensor) -> float:
    """Share of sequences whose greedy decoding equals the target exactly (through EOS)."""
    pred = torch.cat(
        [model.greedy_decode(src[i : i + 512], tgt.shape[1]) for i in range(0, len(src), 512)]
    )
    return float((pred == tgt).all(1).double().mean())


@dataclass
class ReversalResult:
    """What :func:`train_reversal` measured."""

    model: Seq2SeqTransformer
    exact_match: float
    steps: int
    seconds: float
    history: list[tuple[int, float]]


def train_reversal(
    max_digits: int = 8,
    steps: int = 1500,
    batch_size: int = 128,
    lr: float = 1e-3,
    seed: int = 0,
    n_test: int = 2000,
    d_model: int = 64,
    layers: int = 2,
    eval_every: int = 250,
) -> ReversalResult:
    """Teach a :class:`Seq2SeqTransformer` to reverse digit strings; exact match on fresh ones.

    Each step draws a fresh batch (so there is no training set to memorise), minimises the
    teacher-forced cross-entropy with AdamW and a linear warmup + cosine schedule, and the
    test set is 2,000 new strings decoded greedily.
    """
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    model = Seq2SeqTransformer(
        13,
        13,
        d_model=d_model,
        nhead=4,
        num_encoder_layers=layers,
        num_decoder_layers=layers,
        dim_feedforward=4 * d_model,
        max_len=max_digits + 2,
    )
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    warm = max(1, steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt,
        lambda s: min(1.0, (s + 1) / warm) * 0.5 * (1 + math.cos(math.pi * min(1.0, s / steps))),
    )
    test_src, test_tgt = reversal_data(n_test, max_digits, np.random.default_rng(seed + 10_000))
    history: list[tuple[int, float]] = []
    start = time.perf_counter()
    model.train()
    for step in range(1, steps + 1):
        src, tgt = reversal_data(batch_size, max_digits, rng)
        tgt_in = torch.cat([torch.full((batch_size, 1), BOS), tgt[:, :-1]], dim=1)
        logits = model(src, tgt_in)
        loss = F.cross_entropy(logits.flatten(0, 1), tgt.flatten(), ignore_index=PAD)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % eval_every == 0 or step == steps:
            history.append((step, exact_match(model, test_src[:500], test_tgt[:500])))
    seconds = time.perf_counter() - start
    return ReversalResult(model, exact_match(model, test_src, test_tgt), steps, seconds, history)
