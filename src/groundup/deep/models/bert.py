"""A small BERT: bidirectional Transformer encoder, masked-LM pretraining, classification head.

Encoder (Devlin et al., 2019, pre-norm): token + learned position embeddings, then blocks
    x ← x + MHA(LN(x), padding mask),   x ← x + MLP(LN(x)),
with no causal mask, so every token sees both sides. Masked-language-model pretraining picks
15% of the real tokens; 80% of those become [MASK], 10% a random token and 10% stay, and the
loss is the cross-entropy on the picked positions only:
    L_MLM = −(1/|M|) Σ_{i∈M} log p_θ(x_i | x̃),
with the output layer tied to the token embedding. Fine-tuning reads the final [CLS] vector
into a linear classifier. The task data come from the standard library: which package a
docstring belongs to. See docs/notes/bert.md.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from groundup.deep.models.attention import MultiHeadAttention

__all__ = [
    "BERT",
    "BertConfig",
    "WordVocab",
    "docstring_dataset",
    "mask_tokens",
]

PAD, CLS, MASK, UNK = 0, 1, 2, 3
_WORD = re.compile(r"[a-z_][a-z0-9_]*|[0-9]+|[^\sa-z0-9_]")


class WordVocab:
    """Lower-cased word/punctuation tokens; the ``size − 4`` most frequent kept, others [UNK]."""

    def __init__(self, texts: Iterable[str], size: int = 5000) -> None:
        if size <= 4:
            raise ValueError(f"size must be > 4, got {size}")
        counts = Counter(w for t in texts for w in _WORD.findall(t.lower()))
        words = [w for w, _ in counts.most_common(size - 4)]
        self.itos = ["[PAD]", "[CLS]", "[MASK]", "[UNK]", *words]
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, texts: Sequence[str], length: int) -> torch.Tensor:
        """Ids (N, length): [CLS] then the words, cut to ``length`` and padded with [PAD]."""
        out = torch.full((len(texts), length), PAD, dtype=torch.long)
        for i, t in enumerate(texts):
            ids = [CLS] + [self.stoi.get(w, UNK) for w in _WORD.findall(t.lower())]
            ids = ids[:length]
            out[i, : len(ids)] = torch.tensor(ids)
        return out


@dataclass
class BertConfig:
    """Sizes of the encoder."""

    vocab_size: int
    n_layer: int = 2
    n_head: int = 4
    n_embd: int = 128
    max_len: int = 128
    dropout: float = 0.1


class _Block(nn.Module):
    """Pre-norm encoder block: x + MHA(LN(x)), then x + MLP(LN(x))."""

    def __init__(self, cfg: BertConfig) -> None:
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(cfg.n_embd), nn.LayerNorm(cfg.n_embd)
        self.attn = MultiHeadAttention(cfg.n_embd, cfg.n_head, dropout=cfg.dropout)
        self.mlp = nn.Sequential(
            nn.Linear(cfg.n_embd, 4 * cfg.n_embd), nn.GELU(), nn.Linear(4 * cfg.n_embd, cfg.n_embd),
            nn.Dropout(cfg.dropout),
        )  # fmt: skip

    def forward(self, x: torch.Tensor, pad: torch.Tensor) -> torch.Tensor:
        h = self.ln1(x)
        x = x + self.attn(h, h, h, key_padding_mask=pad)[0]
        return x + self.mlp(self.ln2(x))


class BERT(nn.Module):
    """Encoder with a tied masked-LM head and an optional classification head.

    Parameters
    ----------
    cfg : BertConfig
        Sizes.
    num_classes : int
        Classes of the [CLS] classifier (0: none).
    """

    def __init__(self, cfg: BertConfig, num_classes: int = 0) -> None:
        super().__init__()
        self.cfg = cfg
        self.tok = nn.Embedding(cfg.vocab_size, cfg.n_embd)
        self.pos = nn.Embedding(cfg.max_len, cfg.n_embd)
        self.drop = nn.Dropout(cfg.dropout)
        self.blocks = nn.ModuleList(_Block(cfg) for _ in range(cfg.n_layer))
        self.ln = nn.LayerNorm(cfg.n_embd)
        self.mlm_bias = nn.Parameter(torch.zeros(cfg.vocab_size))
        self.classifier = nn.Linear(cfg.n_embd, num_classes) if num_classes else None
        for m in self.modules():  # GPT-2/BERT init: N(0, 0.02) keeps the tied logits small
            if isinstance(m, nn.Linear | nn.Embedding):
                nn.init.normal_(m.weight, std=0.02)
            if isinstance(m, nn.Linear) and m.bias is not None:
                nn.init.zeros_(m.bias)
        for blk in self.blocks:
            nn.init.normal_(blk.attn.in_proj_weight, std=0.02)  # type: ignore[union-attr, arg-type]

    def encode(self, idx: torch.Tensor) -> torch.Tensor:
        """Hidden states (N, T, C) of token ids (N, T); [PAD] keys are masked out."""
        if idx.dim() != 2 or idx.shape[1] > self.cfg.max_len:
            raise ValueError(
                f"idx must be (N, T) with T <= {self.cfg.max_len}, got {tuple(idx.shape)}"
            )
        pad = idx == PAD
        x = self.drop(self.tok(idx) + self.pos(torch.arange(idx.shape[1], device=idx.device)))
        for blk in self.blocks:
            x = blk(x, pad)
        return self.ln(x)

    def mlm_logits(self, idx: torch.Tensor) -> torch.Tensor:
        """Token logits (N, T, vocab) through the tied output layer."""
        return self.encode(idx) @ self.tok.weight.T + self.mlm_bias

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        """Class logits (N, num_classes) from the [CLS] position."""
        if self.classifier is None:
            raise RuntimeError("this BERT has no classification head (num_classes=0)")
        return self.classifier(self.encode(idx)[:, 0])

    def mlm_loss(self, idx: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        """Cross-entropy on the positions :func:`mask_tokens` picked."""
        inp, target = mask_tokens(idx, self.cfg.vocab_size, generator=generator)
        picked = target != -100
        # the vocabulary projection only where a loss is taken: ~15% of the positions
        h = self.encode(inp)[picked]
        return F.cross_entropy(h @ self.tok.weight.T + self.mlm_bias, target[picked])


def mask_tokens(
    idx: torch.Tensor, vocab_size: int, p: float = 0.15, generator: torch.Generator | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """BERT's corruption: pick p of the real tokens; 80% → [MASK], 10% → random, 10% kept.

    Returns (corrupted ids, targets) with target −100 (ignored) where nothing was picked.
    [PAD] and [CLS] are never picked.
    """
    real = idx > MASK
    picked = (torch.rand(idx.shape, generator=generator) < p) & real
    u = torch.rand(idx.shape, generator=generator)
    rand_tok = torch.randint(UNK + 1, vocab_size, idx.shape, generator=generator)
    out = torch.where(picked & (u < 0.8), torch.full_like(idx, MASK), idx)
    out = torch.where(picked & (u >= 0.8) & (u < 0.9), rand_tok, out)
    return out, torch.where(picked, idx, torch.full_like(idx, -100))


def docstring_dataset(
    packages: Sequence[str], min_words: int = 5
) -> tuple[list[str], list[int], list[str]]:
    """Docstrings of modules, classes and functions in standard-library ``packages``.

    Returns (texts, labels, module paths): label k means the docstring lives in
    ``packages[k]``; the module path lets callers split by file.
    """
    from groundup.datasets import stdlib_files

    texts, labels, where = [], [], []
    for f in stdlib_files("all"):
        parts = f.parts
        hits = [k for k, p in enumerate(packages) if p in parts[-4:-1]]
        if not hits:
            continue
        try:
            tree = ast.parse(f.read_bytes().decode("utf-8", errors="replace"))
        except SyntaxError:
            continue
        nodes = [tree] + [
            n for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        ]  # fmt: skip
        for node in nodes:
            doc = ast.get_docstring(node)  # type: ignore[arg-type]
            if doc and len(doc.split()) >= min_words:
                texts.append(doc)
                labels.append(hits[0])
                where.append(str(f))
    return texts, labels, where
