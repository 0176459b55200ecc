"""Denoising diffusion (DDPM, Ho et al., 2020) with ε-prediction, the paper's sampler and DDIM.

Forward process with variances β_1…β_T, α_t = 1 − β_t, ᾱ_t = Π_{s≤t} α_s:
    q(x_t | x_0) = N(√ᾱ_t x_0, (1 − ᾱ_t) I)   ⇒   x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε.
The network ε_θ(x_t, t) is trained on the simple loss E‖ε − ε_θ(x_t, t)‖². The paper's
ancestral sampler (Algorithm 2) steps
    x_{t−1} = (x_t − β_t/√(1 − ᾱ_t) · ε_θ) / √α_t + σ_t z,   σ_t² = β_t,
and DDIM (Song et al., 2021, η = 0) jumps along a sub-sequence τ deterministically:
    x̂_0 = (x_t − √(1 − ᾱ_t) ε_θ)/√ᾱ_t,   x_{t'} = √ᾱ_{t'} x̂_0 + √(1 − ᾱ_{t'}) ε_θ.
Schedules: linear β from 1e-4 to 0.02, or cosine ᾱ_t = f(t)/f(0), f(t) = cos²((t/T + s)/(1 + s)·π/2)
(Nichol & Dhariwal, 2021). Classifier-free guidance (Ho & Salimans, 2022) trains one network
with the label dropped to a null class with probability p and samples with
ε̃ = (1 + w) ε_θ(x, y) − w ε_θ(x, ∅). Training can keep an exponential moving average of
the weights for sampling (``train_diffusion(..., ema_decay=d)``). See docs/notes/diffusion.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal

import torch
import torch.nn.functional as F
from torch import nn

__all__ = [
    "DDPM",
    "ConvDenoiser",
    "MLPDenoiser",
    "cosine_betas",
    "linear_betas",
    "timestep_embedding",
    "train_diffusion",
]


def linear_betas(steps: int, beta_1: float = 1e-4, beta_T: float = 0.02) -> torch.Tensor:
    """The paper's linear variance schedule, rescaled so that β_T·T is the same for any T."""
    if steps < 1:
        raise ValueError(f"steps must be >= 1, got {steps}")
    scale = 1000.0 / steps
    return torch.linspace(beta_1 * scale, beta_T * scale, steps, dtype=torch.float64).clamp(
        max=0.999
    )


def cosine_betas(steps: int, s: float = 0.008, max_beta: float = 0.999) -> torch.Tensor:
    """Cosine schedule: β_t = 1 − ᾱ_t/ᾱ_{t−1} with ᾱ from f(t) = cos²((t/T + s)/(1 + s)·π/2)."""
    if steps < 1:
        raise ValueError(f"steps must be >= 1, got {steps}")
    t = torch.arange(steps + 1, dtype=torch.float64) / steps
    f = torch.cos((t + s) / (1 + s) * math.pi / 2) ** 2
    return (1 - f[1:] / f[:-1]).clamp(max=max_beta)


def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal embedding of integer steps t (N,) → (N, dim), as in the Transformer."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, device=t.device) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat([torch.sin(args), torch.cos(args)], dim=-1)


class MLPDenoiser(nn.Module):
    """ε_θ(x, t) for low-dimensional data: an MLP on [x, embed(t)] with SiLU activations."""

    def __init__(self, dim: int = 2, hidden: int = 128, depth: int = 3, emb_dim: int = 32) -> None:
        super().__init__()
        self.emb_dim = emb_dim
        layers: list[nn.Module] = []
        width = dim + emb_dim
        for _ in range(depth):
            layers += [nn.Linear(width, hidden), nn.SiLU()]
            width = hidden
        self.net = nn.Sequential(*layers, nn.Linear(hidden, dim))

    def forward(
        self, x: torch.Tensor, t: torch.Tensor, y: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Predicted noise like ``x``; ``y`` is accepted for the common interface and ignored."""
        return self.net(torch.cat([x, timestep_embedding(t, self.emb_dim)], dim=-1))


class _ResBlock(nn.Module):
    """GroupNorm → SiLU → conv, plus the (time, class) embedding, twice, with a skip."""

    def __init__(self, c_in: int, c_out: int, emb_dim: int) -> None:
        super().__init__()
        self.norm1 = nn.GroupNorm(8, c_in)
        self.conv1 = nn.Conv2d(c_in, c_out, 3, padding=1)
        self.emb = nn.Linear(emb_dim, c_out)
        self.norm2 = nn.GroupNorm(8, c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1)
        self.skip = nn.Conv2d(c_in, c_out, 1) if c_in != c_out else nn.Identity()

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x))) + self.emb(emb)[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return self.skip(x) + h


class ConvDenoiser(nn.Module):
    """A small U-Net ε_θ(x, t, y) for images: two resolutions down and back, with skips.

    The step t enters through a sinusoidal embedding and an MLP, the class y through a
    learned embedding (index ``num_classes`` is the null label used by classifier-free
    guidance); their sum is added inside every residual block.

    Parameters
    ----------
    channels : int
        Image channels.
    width : int
        Channels at full resolution (doubled after the first downsampling).
    num_classes : int
        Classes for conditioning; 0 makes the model unconditional.
    """

    def __init__(self, channels: int = 1, width: int = 32, num_classes: int = 10) -> None:
        super().__init__()
        e = 4 * width
        self.width, self.num_classes = width, num_classes
        self.time = nn.Sequential(nn.Linear(width, e), nn.SiLU(), nn.Linear(e, e))
        self.label = nn.Embedding(num_classes + 1, e) if num_classes else None
        w2 = 2 * width
        self.inp = nn.Conv2d(channels, width, 3, padding=1)
        self.down1 = _ResBlock(width, width, e)
        self.pool1 = nn.Conv2d(width, width, 3, stride=2, padding=1)
        self.down2 = _ResBlock(width, w2, e)
        self.pool2 = nn.Conv2d(w2, w2, 3, stride=2, padding=1)
        self.mid = _ResBlock(w2, w2, e)
        self.up2 = nn.ConvTranspose2d(w2, w2, 4, stride=2, padding=1)
        self.dec2 = _ResBlock(2 * w2, w2, e)
        self.up1 = nn.ConvTranspose2d(w2, width, 4, stride=2, padding=1)
        self.dec1 = _ResBlock(2 * width, width, e)
        self.out = nn.Sequential(
            nn.GroupNorm(8, width), nn.SiLU(), nn.Conv2d(width, channels, 3, padding=1)
        )

    def forward(
        self, x: torch.Tensor, t: torch.Tensor, y: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Predicted noise like ``x`` (N, C, S, S), S divisible by 4."""
        emb = self.time(timestep_embedding(t, self.width))
        if self.label is not None:
            if y is None:
                y = torch.full((x.shape[0],), self.num_classes, dtype=torch.long, device=x.device)
            emb = emb + self.label(y)
        h1 = self.down1(self.inp(x), emb)
        h2 = self.down2(self.pool1(h1), emb)
        h = self.mid(self.pool2(h2), emb)
        h = self.dec2(torch.cat([self.up2(h), h2], 1), emb)
        h = self.dec1(torch.cat([self.up1(h), h1], 1), emb)
        return self.out(h)


Denoiser = Callable[..., torch.Tensor]


class DDPM(nn.Module):
    """A denoiser with its noise schedule: training loss, ancestral and DDIM samplers.

    Parameters
    ----------
    model : nn.Module
        ε_θ(x, t, y).
    steps : int
        Diffusion steps T.
    schedule : {"linear", "cosine"}
        Variance schedule.
    p_uncond : float
        Probability of replacing the label by the null class in training (CFG).
    num_classes : int
        Classes (the null label is ``num_classes``); 0 for unconditional data.
    """

    def __init__(
        self,
        model: nn.Module,
        steps: int = 1000,
        schedule: Literal["linear", "cosine"] = "linear",
        p_uncond: float = 0.1,
        num_classes: int = 0,
    ) -> None:
        super().__init__()
        if schedule not in ("linear", "cosine"):
            raise ValueError(f"schedule must be 'linear' or 'cosine', got {schedule!r}")
        if not 0.0 <= p_uncond < 1.0:
            raise ValueError(f"p_uncond must lie in [0, 1), got {p_uncond}")
        self.model, self.steps, self.schedule = model, steps, schedule
        self.p_uncond, self.num_classes = p_uncond, num_classes
        betas = linear_betas(steps) if schedule == "linear" else cosine_betas(steps)
        alpha_bar = torch.cumprod(1 - betas, 0)
        # float64 tables, cast at use: 1 − ᾱ_t near t = 1 loses digits in float32
        self.betas: torch.Tensor
        self.alpha_bar: torch.Tensor
        self.register_buffer("betas", betas, persistent=False)
        self.register_buffer("alpha_bar", alpha_bar, persistent=False)

    def _at(self, table: torch.Tensor, t: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return table[t].to(x.dtype).view(-1, *([1] * (x.dim() - 1)))

    def q_sample(self, x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        """x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε (t indexes 0…T−1 for steps 1…T)."""
        ab = self._at(self.alpha_bar, t, x0)
        return ab.sqrt() * x0 + (1 - ab).sqrt() * noise

    def loss(
        self,
        x0: torch.Tensor,
        y: torch.Tensor | None = None,
        generator: torch.Generator | None = None,
    ) -> torch.Tensor:
        """The simple loss ‖ε − ε_θ(x_t, t, y)‖² averaged over a batch, t ~ U{1…T}."""
        n = x0.shape[0]
        t = torch.randint(0, self.steps, (n,), generator=generator, device=x0.device)
        noise = torch.randn(x0.shape, generator=generator, device=x0.device, dtype=x0.dtype)
        if y is not None and self.p_uncond > 0:
            drop = torch.rand(n, generator=generator, device=x0.device) < self.p_uncond
            y = torch.where(drop, torch.full_like(y, self.num_classes), y)
        return F.mse_loss(self.model(self.q_sample(x0, t, noise), t, y), noise)

    def _eps(
        self, x: torch.Tensor, t: torch.Tensor, y: torch.Tensor | None, w: float
    ) -> torch.Tensor:
        if y is None or w == 0.0:
            return self.model(x, t, y)
        null = torch.full_like(y, self.num_classes)
        both = self.model(torch.cat([x, x]), torch.cat([t, t]), torch.cat([y, null]))
        cond, uncond = both.chunk(2)
        return (1 + w) * cond - w * uncond

    @torch.no_grad()
    def sample(
        self,
        shape: tuple[int, ...],
        y: torch.Tensor | None = None,
        guidance: float = 0.0,
        generator: torch.Generator | None = None,
    ) -> torch.Tensor:
        """The paper's ancestral sampler (Algorithm 2, σ_t² = β_t) from x_T ~ N(0, I)."""
        x = torch.randn(shape, generator=generator)
        for i in reversed(range(self.steps)):
            t = torch.full((shape[0],), i, dtype=torch.long)
            eps = self._eps(x, t, y, guidance)
            beta, ab = self._at(self.betas, t, x), self._at(self.alpha_bar, t, x)
            x = (x - beta / (1 - ab).sqrt() * eps) / (1 - beta).sqrt()
            if i > 0:
                x = x + beta.sqrt() * torch.randn(shape, generator=generator)
        return x

    @torch.no_grad()
    def ddim_sample(
        self,
        shape: tuple[int, ...],
        n_steps: int = 50,
        y: torch.Tensor | None = None,
        guidance: float = 0.0,
        generator: torch.Generator | None = None,
        clip: float | None = None,
    ) -> torch.Tensor:
        """Deterministic DDIM (η = 0) along ``n_steps`` evenly spaced steps of the T.

        ``clip`` bounds the x̂_0 estimate to [−clip, clip] (images: 1): where ᾱ_t ≈ 0 (the
        cosine schedule's last step) x̂_0 divides the ε error by √ᾱ_t ≈ 0.
        """
        if not 1 <= n_steps <= self.steps:
            raise ValueError(f"n_steps must lie in [1, {self.steps}], got {n_steps}")
        taus = torch.linspace(self.steps - 1, 0, n_steps).round().long().tolist()
        x = torch.randn(shape, generator=generator)
        for k, i in enumerate(taus):
            t = torch.full((shape[0],), i, dtype=torch.long)
            eps = self._eps(x, t, y, guidance)
            ab = self._at(self.alpha_bar, t, x)
            x0 = (x - (1 - ab).sqrt() * eps) / ab.sqrt()
            if clip is not None:
                x0 = x0.clamp(-clip, clip)
                eps = (x - ab.sqrt() * x0) / (1 - ab).sqrt()
            if k + 1 == len(taus):
                return x0
            ab_next = self._at(self.alpha_bar, torch.full_like(t, taus[k + 1]), x)
            x = ab_next.sqrt() * x0 + (1 - ab_next).sqrt() * eps
        return x


def train_diffusion(
    ddpm: DDPM,
    X: torch.Tensor,
    y: torch.Tensor | None = None,
    steps: int = 1000,
    batch_size: int = 128,
    lr: float = 2e-3,
    seed: int = 0,
    progress: Callable[[int, float], None] | None = None,
    ema_decay: float | None = None,
) -> list[float]:
    """Adam on the simple loss over random minibatches of (X, y), cosine-decayed lr.

    With ``ema_decay`` = d the weights used for sampling are an exponential moving average
    of the iterates (Ho et al., 2020, used d = 0.9999), updated after optimiser step n as

        θ̄ ← δ_n θ̄ + (1 − δ_n) θ_n,   δ_n = min(d, (1 + n)/(10 + n)),   θ̄ starts at θ_0,

    the warm-up of TensorFlow's ``ExponentialMovingAverage(num_updates=n)``: without it the
    random initial weights keep a share d^N of the average (5% after 3,000 steps at 0.999).
    The average is copied into ``ddpm.model`` at the end. See docs/notes/diffusion.md.

    Parameters
    ----------
    ddpm : DDPM
        The model to train in place.
    X, y : torch.Tensor
        Training data (N, ...) and, for conditional models, labels (N,).
    steps, batch_size, lr, seed : int, int, float, int
        Adam steps, minibatch size, peak learning rate, seed of the minibatch/noise draws.
    progress : callable, optional
        ``progress(step, loss)`` is called after each step (with the raw, not averaged, weights).
    ema_decay : float in [0, 1), optional
        Decay of the weight average; None trains without one.

    Returns
    -------
    list of float
        The per-step losses.
    """
    if len(X) == 0:
        raise ValueError("X is empty")
    if ema_decay is not None and not 0.0 <= ema_decay < 1.0:
        raise ValueError(f"ema_decay must lie in [0, 1), got {ema_decay}")
    gen = torch.Generator().manual_seed(seed)
    params = list(ddpm.model.parameters())
    opt = torch.optim.Adam(params, lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, max(steps, 1))
    average = None if ema_decay is None else [p.detach().clone() for p in params]
    ddpm.train()
    losses = []
    for step in range(steps):
        idx = torch.randint(0, len(X), (min(batch_size, len(X)),), generator=gen)
        loss = ddpm.loss(X[idx], None if y is None else y[idx], generator=gen)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if average is not None:
            decay = min(ema_decay or 0.0, (1 + step) / (10 + step))
            with torch.no_grad():
                for a, p in zip(average, params, strict=True):
                    a.lerp_(p, 1 - decay)  # a + (1 − δ)(p − a) = δ a + (1 − δ) p
        losses.append(float(loss.detach()))
        if progress is not None:
            progress(step, losses[-1])
    if average is not None:
        with torch.no_grad():
            for a, p in zip(average, params, strict=True):
                p.copy_(a)
    ddpm.eval()
    return losses
