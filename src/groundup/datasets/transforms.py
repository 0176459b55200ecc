"""Batch image transforms in plain torch: normalise, random crop with padding, random affine.

Each transform maps a batch ``(n, c, h, w)`` to a batch of the same shape and draws its random
numbers from the ``torch.Generator`` it is given — never from the global RNG — so training can
derive one generator per (seed, epoch, step) and resume bit-identically. Per-sample random
parameters are drawn as vectors; no Python loop runs over samples.
See docs/notes/convolution.md (data augmentation).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F

__all__ = ["Compose", "Normalize", "RandomAffine", "RandomCrop", "Transform"]


def _check_batch(x: torch.Tensor) -> None:
    if x.ndim != 4:
        raise ValueError(f"transforms expect a batch of shape (n, c, h, w), got {tuple(x.shape)}")


class Transform:
    """Base class: ``transform(x, generator) -> x'`` on a batch."""

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        raise NotImplementedError


class Normalize(Transform):
    """Per-channel standardisation x' = (x − mean_c) / std_c."""

    def __init__(self, mean: Sequence[float], std: Sequence[float]) -> None:
        if len(mean) != len(std):
            raise ValueError(f"mean has {len(mean)} channels but std has {len(std)}")
        if any(s <= 0 for s in std):
            raise ValueError(f"std must be > 0 for every channel, got {list(std)}")
        self.mean = torch.tensor(mean, dtype=torch.float32).view(1, -1, 1, 1)
        self.std = torch.tensor(std, dtype=torch.float32).view(1, -1, 1, 1)

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        _check_batch(x)
        if x.shape[1] != self.mean.shape[1]:
            raise ValueError(f"Normalize has {self.mean.shape[1]} channels, batch has {x.shape[1]}")
        return (x - self.mean.to(x)) / self.std.to(x)


class RandomCrop(Transform):
    """Zero-pad by ``padding`` on each side, then cut an h×w window at a random offset per sample.

    Equivalent to a random translation by up to ±padding pixels with zero fill.
    """

    def __init__(self, padding: int) -> None:
        if padding < 0:
            raise ValueError(f"padding must be >= 0, got {padding}")
        self.padding = padding

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        _check_batch(x)
        p = self.padding
        if p == 0:
            return x
        n, c, h, w = x.shape
        padded = F.pad(x, (p, p, p, p))
        offsets = torch.randint(0, 2 * p + 1, (2, n), generator=generator)
        rows = (offsets[0, :, None] + torch.arange(h)).to(x.device)  # (n, h)
        cols = (offsets[1, :, None] + torch.arange(w)).to(x.device)  # (n, w)
        batch = torch.arange(n, device=x.device)[:, None, None]
        # advanced indexing gathers each sample's own window: result (n, h, w, c)
        out = padded.permute(0, 2, 3, 1)[batch, rows[:, :, None], cols[:, None, :]]
        return out.permute(0, 3, 1, 2).contiguous()


class RandomAffine(Transform):
    """Random small rotation, scaling and translation per sample (bilinear, zero fill).

    Sample θ ~ U(−degrees, degrees), s ~ U(1 − scale, 1 + scale), t ~ U(−translate, translate)²
    (fractions of the image size; 2·t in normalised [−1, 1] coordinates), and resample x at A·p + t with A = R(θ)/s through
    ``affine_grid``/``grid_sample`` in normalised coordinates.
    """

    def __init__(self, degrees: float = 10.0, translate: float = 0.1, scale: float = 0.1) -> None:
        if degrees < 0 or translate < 0 or not 0 <= scale < 1:
            raise ValueError(
                f"need degrees >= 0, translate >= 0, 0 <= scale < 1; got {degrees}, {translate}, {scale}"
            )
        self.degrees, self.translate, self.scale = degrees, translate, scale

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        _check_batch(x)
        n = x.shape[0]
        u = torch.rand(4, n, generator=generator, dtype=torch.float64) * 2 - 1  # U(-1, 1)
        theta = u[0] * math.radians(self.degrees)
        s = 1 + u[1] * self.scale
        cos, sin = torch.cos(theta) / s, torch.sin(theta) / s
        mat = torch.stack(
            [
                torch.stack([cos, -sin, u[2] * 2 * self.translate], dim=1),
                torch.stack([sin, cos, u[3] * 2 * self.translate], dim=1),
            ],
            dim=1,
        ).to(device=x.device, dtype=x.dtype)
        grid = F.affine_grid(mat, list(x.shape), align_corners=False)
        return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


class Compose(Transform):
    """Apply transforms in order, all drawing from the same generator."""

    def __init__(self, transforms: Sequence[Transform]) -> None:
        self.transforms = list(transforms)

    def __call__(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        for t in self.transforms:
            x = t(x, generator)
        return x
