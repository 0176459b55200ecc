"""Convolutional variational auto-encoder (Kingma & Welling, 2014) for small images.

An encoder q_φ(z | x) = N(μ_φ(x), diag σ_φ²(x)) and a decoder p_θ(x | z) with Bernoulli pixel
means sigmoid(f_θ(z)) are trained together by maximising the evidence lower bound
    ELBO(x) = E_{q(z|x)}[log p_θ(x | z)] − KL(q_φ(z | x) ‖ N(0, I)) ≤ log p_θ(x),
    KL = ½ Σ_j (μ_j² + σ_j² − log σ_j² − 1),
with the reparameterisation z = μ + σ ⊙ ε, ε ~ N(0, I), so gradients pass through the sample.
See docs/notes/vaes.md.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

__all__ = ["ConvVAE", "train_vae"]


class ConvVAE(nn.Module):
    """Conv encoder (S → S/2 → S/4) to (μ, log σ²), and the mirror-image decoder to logits.

    Parameters
    ----------
    image_size : int
        Side S of the square one-channel images (divisible by 4).
    latent_dim : int
        Dimension of z.
    width : int
        Channels of the first convolution (doubled in the second).
    """

    def __init__(self, image_size: int = 16, latent_dim: int = 8, width: int = 32) -> None:
        super().__init__()
        if image_size % 4:
            raise ValueError(f"image_size must be divisible by 4, got {image_size}")
        if latent_dim < 1:
            raise ValueError(f"latent_dim must be >= 1, got {latent_dim}")
        self.image_size, self.latent_dim = image_size, latent_dim
        s, w = image_size // 4, width
        self.enc = nn.Sequential(
            nn.Conv2d(1, w, 4, 2, 1), nn.ReLU(),
            nn.Conv2d(w, 2 * w, 4, 2, 1), nn.ReLU(), nn.Flatten(),
        )  # fmt: skip
        self.to_stats = nn.Linear(2 * w * s * s, 2 * latent_dim)
        self.dec = nn.Sequential(
            nn.Linear(latent_dim, 2 * w * s * s), nn.ReLU(), nn.Unflatten(1, (2 * w, s, s)),
            nn.ConvTranspose2d(2 * w, w, 4, 2, 1), nn.ReLU(),
            nn.ConvTranspose2d(w, 1, 4, 2, 1),
        )  # fmt: skip

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(μ, log σ²) of q(z | x), each (N, latent_dim)."""
        if x.dim() != 4 or x.shape[1:] != (1, self.image_size, self.image_size):
            raise ValueError(
                f"x must have shape (N, 1, {self.image_size}, {self.image_size}), "
                f"got {tuple(x.shape)}"
            )
        mu, logvar = self.to_stats(self.enc(x)).chunk(2, dim=1)
        return mu, logvar

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Pixel logits f_θ(z) (N, 1, S, S); the means are their sigmoid."""
        return self.dec(z)

    def elbo(self, x: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        """One-sample ELBO estimate per image (N,), in nats, for pixel targets x ∈ [0, 1]."""
        mu, logvar = self.encode(x)
        eps = torch.randn(mu.shape, generator=generator, dtype=mu.dtype)
        z = mu + (0.5 * logvar).exp() * eps
        rec = -F.binary_cross_entropy_with_logits(self.decode(z), x, reduction="none")
        kl = 0.5 * (mu**2 + logvar.exp() - logvar - 1).sum(1)
        return rec.flatten(1).sum(1) - kl

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """Mean images sigmoid(f_θ(z)) for z ~ N(0, I), (n, 1, S, S)."""
        z = torch.randn(n, self.latent_dim, generator=generator)
        return torch.sigmoid(self.decode(z))

    @torch.no_grad()
    def interpolate(self, a: torch.Tensor, b: torch.Tensor, steps: int = 8) -> torch.Tensor:
        """Decoded images along the straight line between the posterior means of a and b."""
        za, zb = self.encode(a[None])[0], self.encode(b[None])[0]
        w = torch.linspace(0, 1, steps)[:, None]
        return torch.sigmoid(self.decode((1 - w) * za + w * zb))


def train_vae(
    vae: ConvVAE,
    X: torch.Tensor,
    epochs: int = 30,
    batch_size: int = 64,
    lr: float = 2e-3,
    seed: int = 0,
) -> list[float]:
    """Adam on −ELBO over shuffled minibatches; returns the mean training ELBO per epoch."""
    if len(X) == 0:
        raise ValueError("X is empty")
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(vae.parameters(), lr=lr)
    history = []
    vae.train()
    for _ in range(epochs):
        total = 0.0
        for idx in torch.randperm(len(X), generator=gen).split(batch_size):
            elbo = vae.elbo(X[idx], gen)
            loss = -elbo.mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(elbo.detach().sum())
        history.append(total / len(X))
    vae.eval()
    return history
