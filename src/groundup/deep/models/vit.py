"""Vision Transformer (Dosovitskiy et al., 2020) sized for small images (8×8 … 32×32).

An image is cut into p×p patches, each linearly embedded (a conv with kernel = stride = p);
a learned CLS token is prepended and a learned position embedding added:
    z₀ = [x_cls; x¹E; …; xᴺE] + E_pos.
Pre-norm blocks follow, z ← z + MSA(LN(z)), z ← z + MLP(LN(z)), with
    MSA: softmax(Q Kᵀ / √d_h) V per head,
and the class logits are a linear map of LN(z_L[CLS]). See docs/notes/vision-transformers.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass(frozen=True)
class ViTConfig:
    """Hyper-parameters of a ViT; the named configs are ``VIT_CONFIGS``."""

    dim: int = 64
    depth: int = 4
    heads: int = 4
    mlp_ratio: float = 2.0
    dropout: float = 0.0


VIT_CONFIGS = {
    "vit-tiny": ViTConfig(dim=64, depth=4, heads=4, mlp_ratio=2.0),
    "vit-small": ViTConfig(dim=128, depth=6, heads=4, mlp_ratio=2.0),
}


class PatchEmbedding(nn.Module):
    """Split into p×p patches and project each to ``dim``: (n, c, h, w) → (n, h·w/p², dim)."""

    def __init__(self, in_channels: int, dim: int, patch_size: int) -> None:
        super().__init__()
        self.proj = nn.Conv2d(in_channels, dim, patch_size, stride=patch_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x).flatten(2).transpose(1, 2)


class Attention(nn.Module):
    """Multi-head self-attention; keeps the last attention map when ``keep_attention`` is set."""

    def __init__(self, dim: int, heads: int, dropout: float = 0.0) -> None:
        super().__init__()
        if dim % heads:
            raise ValueError(f"dim {dim} is not divisible by heads {heads}")
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.dropout = dropout
        self.keep_attention = False
        self.attention: torch.Tensor | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, t, d = x.shape
        q, k, v = self.qkv(x).view(n, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        if self.keep_attention:  # explicit softmax(QKᵀ/√d_h) so the map can be looked at
            att = torch.softmax(q @ k.transpose(-2, -1) / (d // self.heads) ** 0.5, dim=-1)
            self.attention = att.detach()
            out = att @ v
        else:  # fused kernel: same maths, less memory
            p = self.dropout if self.training else 0.0
            out = F.scaled_dot_product_attention(q, k, v, dropout_p=p)
        return self.proj(out.transpose(1, 2).reshape(n, t, d))


class Block(nn.Module):
    """Pre-norm transformer block: x + MSA(LN(x)), then x + MLP(LN(x))."""

    def __init__(self, cfg: ViTConfig) -> None:
        super().__init__()
        hidden = int(cfg.dim * cfg.mlp_ratio)
        self.ln_1 = nn.LayerNorm(cfg.dim)
        self.attn = Attention(cfg.dim, cfg.heads, cfg.dropout)
        self.ln_2 = nn.LayerNorm(cfg.dim)
        self.mlp = nn.Sequential(
            nn.Linear(cfg.dim, hidden),
            nn.GELU(),
            nn.Dropout(cfg.dropout),
            nn.Linear(hidden, cfg.dim),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class ViT(nn.Module):
    """Vision Transformer classifier.

    Parameters
    ----------
    in_channels, num_classes : int
        Input channels and output logits.
    image_size : int
        Side of the square input.
    patch_size : int
        Side of a patch; must divide ``image_size``.
    config : ViTConfig
        Width, depth, heads, MLP ratio, dropout.
    """

    def __init__(
        self,
        in_channels: int = 3,
        num_classes: int = 10,
        image_size: int = 32,
        patch_size: int = 4,
        config: ViTConfig | None = None,
    ) -> None:
        super().__init__()
        cfg = config or ViTConfig()
        if in_channels < 1 or num_classes < 1:
            raise ValueError(
                f"in_channels and num_classes must be >= 1, got {in_channels}, {num_classes}"
            )
        if patch_size < 1 or image_size % patch_size:
            raise ValueError(f"patch_size {patch_size} must divide image_size {image_size}")
        self.image_size, self.patch_size = image_size, patch_size
        n_patches = (image_size // patch_size) ** 2
        self.patch = PatchEmbedding(in_channels, cfg.dim, patch_size)
        self.cls = nn.Parameter(torch.zeros(1, 1, cfg.dim))
        self.pos = nn.Parameter(torch.zeros(1, n_patches + 1, cfg.dim))
        self.drop = nn.Dropout(cfg.dropout)
        self.blocks = nn.Sequential(*(Block(cfg) for _ in range(cfg.depth)))
        self.ln_f = nn.LayerNorm(cfg.dim)
        self.head = nn.Linear(cfg.dim, num_classes)
        self._init_weights()

    def _init_weights(self) -> None:
        # small truncated-normal init (std 0.02) as in ViT/BERT; default init trains worse
        nn.init.trunc_normal_(self.pos, std=0.02)
        nn.init.trunc_normal_(self.cls, std=0.02)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                nn.init.zeros_(m.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-1] != self.image_size or x.shape[-2] != self.image_size:
            raise ValueError(
                f"ViT was built for {self.image_size}×{self.image_size} images, got {tuple(x.shape[-2:])}"
            )
        z = self.patch(x)
        z = torch.cat([self.cls.expand(len(z), -1, -1), z], dim=1) + self.pos
        z = self.blocks(self.drop(z))
        return self.head(self.ln_f(z[:, 0]))


def vit(
    name: str = "vit-tiny",
    in_channels: int = 3,
    num_classes: int = 10,
    image_size: int = 32,
    patch_size: int | None = None,
    dropout: float = 0.0,
) -> ViT:
    """A named ViT config; ``patch_size`` defaults to image_size / 4 (a 4×4 grid of patches)."""
    if name not in VIT_CONFIGS:
        raise ValueError(f"unknown ViT config {name!r}; choose one of {', '.join(VIT_CONFIGS)}")
    base = VIT_CONFIGS[name]
    cfg = ViTConfig(base.dim, base.depth, base.heads, base.mlp_ratio, dropout)
    p = patch_size if patch_size is not None else max(1, image_size // 4)
    return ViT(in_channels, num_classes, image_size, p, cfg)
