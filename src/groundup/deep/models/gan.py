"""Generative adversarial networks (Goodfellow et al., 2014): DCGAN for digits, an MLP GAN for 2-D.

A generator G maps noise z ~ N(0, I) to samples, a discriminator D scores real against fake;
they play min_G max_D E log σ(D(x)) + E log(1 − σ(D(G(z)))). G is trained on the
non-saturating loss −E log σ(D(G(z))), which has strong gradients where D rejects G's samples.
DCGAN (Radford et al., 2016): transposed convolutions with batch norm and ReLU in G, strided
convolutions with LeakyReLU in D, Adam(2e-4, β₁ = 0.5). The ring of 8 Gaussians shows mode
collapse directly: count the modes that receive samples. See docs/notes/gans.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

__all__ = [
    "DCGANDiscriminator",
    "DCGANGenerator",
    "MLPDiscriminator",
    "MLPGenerator",
    "mode_coverage",
    "ring_of_gaussians",
    "train_gan",
]


class DCGANGenerator(nn.Module):
    """z (N, latent) → images (N, 1, S, S) in [−1, 1]: linear to S/4, two ×2 transposed convs."""

    def __init__(self, latent_dim: int = 32, image_size: int = 16, width: int = 64) -> None:
        super().__init__()
        if image_size % 4:
            raise ValueError(f"image_size must be divisible by 4, got {image_size}")
        s = image_size // 4
        self.latent_dim = latent_dim
        self.net = nn.Sequential(
            nn.Linear(latent_dim, 2 * width * s * s), nn.BatchNorm1d(2 * width * s * s), nn.ReLU(),
            nn.Unflatten(1, (2 * width, s, s)),
            nn.ConvTranspose2d(2 * width, width, 4, 2, 1), nn.BatchNorm2d(width), nn.ReLU(),
            nn.ConvTranspose2d(width, 1, 4, 2, 1), nn.Tanh(),
        )  # fmt: skip

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


class DCGANDiscriminator(nn.Module):
    """Images (N, 1, S, S) → real/fake logit (N,): two stride-2 convs with LeakyReLU(0.2)."""

    def __init__(self, image_size: int = 16, width: int = 64) -> None:
        super().__init__()
        s = image_size // 4
        self.net = nn.Sequential(
            nn.Conv2d(1, width, 4, 2, 1), nn.LeakyReLU(0.2),
            nn.Conv2d(width, 2 * width, 4, 2, 1), nn.BatchNorm2d(2 * width), nn.LeakyReLU(0.2),
            nn.Flatten(), nn.Linear(2 * width * s * s, 1),
        )  # fmt: skip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(1)


class MLPGenerator(nn.Module):
    """z → 2-D point: an MLP with ReLU."""

    def __init__(self, latent_dim: int = 8, hidden: int = 128, dim: int = 2) -> None:
        super().__init__()
        self.latent_dim = latent_dim
        self.net = nn.Sequential(
            nn.Linear(latent_dim, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, dim),
        )  # fmt: skip

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


class MLPDiscriminator(nn.Module):
    """2-D point → logit: an MLP with LeakyReLU."""

    def __init__(self, hidden: int = 128, dim: int = 2) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(dim, hidden), nn.LeakyReLU(0.2), nn.Linear(hidden, hidden),
            nn.LeakyReLU(0.2), nn.Linear(hidden, 1),
        )  # fmt: skip

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(1)


def ring_of_gaussians(
    n: int,
    modes: int = 8,
    radius: float = 2.0,
    std: float = 0.02,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """n points from an equal mixture of ``modes`` Gaussians N(μ_k, std² I) on a circle.

    μ_k = radius·(cos 2πk/modes, sin 2πk/modes).
    """
    if n < 1 or modes < 1 or radius <= 0 or std <= 0:
        raise ValueError(
            f"need n, modes >= 1 and radius, std > 0; got {n}, {modes}, {radius}, {std}"
        )
    k = torch.randint(0, modes, (n,), generator=generator)
    angle = 2 * math.pi * k / modes
    centres = radius * torch.stack([torch.cos(angle), torch.sin(angle)], 1)
    return centres + std * torch.randn(n, 2, generator=generator)


def mode_coverage(
    samples: torch.Tensor,
    modes: int = 8,
    radius: float = 2.0,
    std: float = 0.02,
    min_share: float = 0.01,
) -> tuple[int, float]:
    """Modes covered and the share of high-quality samples (within 3·std of their nearest mode).

    A mode counts as covered when at least ``min_share`` of all samples are high-quality
    samples of it (the convention of Srivastava et al., 2017, VEEGAN).
    """
    if samples.dim() != 2 or samples.shape[1] != 2:
        raise ValueError(f"samples must have shape (n, 2), got {tuple(samples.shape)}")
    angle = 2 * math.pi * torch.arange(modes) / modes
    centres = radius * torch.stack([torch.cos(angle), torch.sin(angle)], 1)
    d = torch.cdist(samples.float(), centres.float())
    dist, nearest = d.min(1)
    good = dist < 3 * std
    counts = torch.bincount(nearest[good], minlength=modes)
    covered = int((counts >= min_share * len(samples)).sum())
    return covered, float(good.float().mean())


def train_gan(
    G: nn.Module,
    D: nn.Module,
    real: Callable[[int, torch.Generator], torch.Tensor],
    steps: int = 2000,
    batch_size: int = 128,
    lr: float = 2e-4,
    betas: tuple[float, float] = (0.5, 0.999),
    seed: int = 0,
) -> list[tuple[float, float]]:
    """Alternate one D step (BCE: real → 1, fake → 0) and one non-saturating G step.

    ``real(n, generator)`` draws a batch of real samples. Returns (D loss, G loss) per step.
    """
    gen = torch.Generator().manual_seed(seed)
    latent = int(G.latent_dim)  # type: ignore[arg-type]
    opt_g = torch.optim.Adam(G.parameters(), lr=lr, betas=betas)
    opt_d = torch.optim.Adam(D.parameters(), lr=lr, betas=betas)
    ones, zeros = torch.ones(batch_size), torch.zeros(batch_size)
    history = []
    G.train()
    D.train()
    for _ in range(steps):
        x = real(batch_size, gen)
        fake = G(torch.randn(batch_size, latent, generator=gen))
        loss_d = F.binary_cross_entropy_with_logits(
            D(x), ones
        ) + F.binary_cross_entropy_with_logits(D(fake.detach()), zeros)
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
        loss_g = F.binary_cross_entropy_with_logits(D(fake), ones)  # −log σ(D(G(z)))
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()
        history.append((float(loss_d.detach()), float(loss_g.detach())))
    G.eval()
    D.eval()
    return history
