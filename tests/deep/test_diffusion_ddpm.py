"""DDPM: schedules equal their formulas, the samplers invert the forward process exactly when
given the optimal ε (Gaussian data, closed form), CFG combines as stated, models train."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from groundup.deep.models.diffusion import (
    DDPM,
    ConvDenoiser,
    MLPDenoiser,
    cosine_betas,
    linear_betas,
    train_diffusion,
)

MU, SD = 1.5, 0.5  # 1-D Gaussian data N(MU, SD²)


@pytest.fixture(autouse=True)
def one_thread():  # type: ignore[no-untyped-def]
    # small sequential kernels: extra threads only add contention on a shared 2-core machine
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


class OracleEps(nn.Module):
    """E[ε | x_t] for x_0 ~ N(MU, SD²): √(1−ᾱ)(x_t − √ᾱ MU) / (ᾱ SD² + 1 − ᾱ)."""

    def __init__(self, alpha_bar: torch.Tensor) -> None:
        super().__init__()
        self.alpha_bar = alpha_bar

    def forward(self, x: torch.Tensor, t: torch.Tensor, y: torch.Tensor | None = None):  # type: ignore[no-untyped-def]
        ab = self.alpha_bar[t].to(x.dtype).view(-1, 1)
        return (1 - ab).sqrt() * (x - ab.sqrt() * MU) / (ab * SD**2 + 1 - ab)


def test_linear_schedule_is_the_papers() -> None:
    b = linear_betas(1000).numpy()
    np.testing.assert_allclose(b, np.linspace(1e-4, 0.02, 1000), rtol=1e-12)


def test_cosine_schedule_gives_the_cosine_alpha_bar() -> None:
    T, s = 400, 0.008
    ab = torch.cumprod(1 - cosine_betas(T), 0).numpy()
    f = np.cos((np.arange(T + 1) / T + s) / (1 + s) * np.pi / 2) ** 2
    # the last step is clipped at β = 0.999, as in Nichol & Dhariwal
    np.testing.assert_allclose(ab[:-1], (f / f[0])[1:-1], rtol=1e-10)


def test_q_sample_has_the_forward_marginal(rng: np.random.Generator) -> None:
    ddpm = DDPM(MLPDenoiser(1), steps=100)
    x0 = torch.full((200_000, 1), 2.0)
    t = torch.full((200_000,), 60)
    xt = ddpm.q_sample(x0, t, torch.randn(x0.shape, generator=torch.Generator().manual_seed(0)))
    ab = float(ddpm.alpha_bar[60])
    assert abs(float(xt.mean()) - math.sqrt(ab) * 2.0) < 0.01
    assert abs(float(xt.var()) - (1 - ab)) < 0.01


@pytest.mark.parametrize("schedule", ["linear", "cosine"])
def test_ancestral_sampler_recovers_the_data_law_with_the_optimal_eps(schedule: str) -> None:
    ddpm = DDPM(MLPDenoiser(1), steps=200, schedule=schedule)  # type: ignore[arg-type]
    ddpm.model = OracleEps(ddpm.alpha_bar)
    x = ddpm.sample((20_000, 1), generator=torch.Generator().manual_seed(0)).double()
    # a wrong coefficient anywhere in Algorithm 2 moves these by far more than 0.02
    assert abs(float(x.mean()) - MU) < 0.02, float(x.mean())
    assert abs(float(x.std()) - SD) < 0.02, float(x.std())


@pytest.mark.parametrize("schedule", ["linear", "cosine"])
def test_ddim_maps_noise_to_the_data_law_with_the_optimal_eps(schedule: str) -> None:
    ddpm = DDPM(MLPDenoiser(1), steps=1000, schedule=schedule)  # type: ignore[arg-type]
    ddpm.model = OracleEps(ddpm.alpha_bar)
    x = ddpm.ddim_sample((20_000, 1), 100, generator=torch.Generator().manual_seed(0)).double()
    # DDIM (η = 0) is a discretised probability-flow ODE: 100 steps land within 0.03
    assert abs(float(x.mean()) - MU) < 0.03, float(x.mean())
    assert abs(float(x.std()) - SD) < 0.03, float(x.std())


class Affine(nn.Module):
    def forward(self, x: torch.Tensor, t: torch.Tensor, y: torch.Tensor | None = None):  # type: ignore[no-untyped-def]
        return x * 0 + y.float().view(-1, 1)  # type: ignore[union-attr]


def test_classifier_free_guidance_combination() -> None:
    ddpm = DDPM(Affine(), steps=10, num_classes=10)
    x = torch.zeros(3, 1)
    y = torch.tensor([2, 4, 7])
    eps = ddpm._eps(x, torch.zeros(3, dtype=torch.long), y, 2.0)
    # (1 + w)·ε(y) − w·ε(∅) with ε(y) = y and the null label 10
    torch.testing.assert_close(eps.squeeze(1), 3.0 * y.float() - 2.0 * 10)


def test_conv_denoiser_is_conditional_and_trains() -> None:
    torch.manual_seed(0)
    net = ConvDenoiser(1, 16, num_classes=10)
    x = torch.randn(4, 1, 8, 8)
    t = torch.tensor([0, 5, 50, 99])
    a, b = net(x, t, torch.tensor([1, 1, 1, 1])), net(x, t, torch.tensor([2, 2, 2, 2]))
    assert a.shape == x.shape and not torch.allclose(a, b)
    ddpm = DDPM(net, steps=100, num_classes=10)
    X = torch.rand(64, 1, 8, 8) * 2 - 1
    losses = train_diffusion(ddpm, X, torch.randint(0, 10, (64,)), steps=40, batch_size=32)
    # ε-prediction starts at the noise variance (≈ 1) and must fall well below it
    assert np.mean(losses[:5]) > 0.6 and np.mean(losses[-5:]) < 0.6 * np.mean(losses[:5])


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="schedule"):
        DDPM(MLPDenoiser(2), schedule="quadratic")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="p_uncond"):
        DDPM(MLPDenoiser(2), p_uncond=1.0)
    with pytest.raises(ValueError, match="n_steps"):
        DDPM(MLPDenoiser(2), steps=10).ddim_sample((2, 2), 11)
    with pytest.raises(ValueError, match="steps"):
        linear_betas(0)
    with pytest.raises(ValueError, match="ema_decay"):
        train_diffusion(DDPM(MLPDenoiser(2), steps=10), torch.randn(8, 2), steps=1, ema_decay=1.0)


def test_ema_is_the_warmed_up_exponential_average_of_the_iterates() -> None:
    torch.manual_seed(0)
    ddpm = DDPM(MLPDenoiser(2, 16, 2), steps=50)
    params = list(ddpm.model.parameters())
    iterates = [[p.detach().double().clone() for p in params]]  # θ_0, then θ_1 … θ_N
    X = torch.randn(64, 2)
    d = 0.2

    def record(step: int, loss: float) -> None:  # progress sees the raw weights
        iterates.append([p.detach().double().clone() for p in params])

    train_diffusion(ddpm, X, steps=5, batch_size=16, progress=record, ema_decay=d)
    # by hand: θ̄ = θ_0; after step n, δ = min(d, (1 + n)/(10 + n)), θ̄ = δ θ̄ + (1 − δ) θ_{n+1}
    avg = iterates[0]
    for n in range(5):
        delta = min(d, (1 + n) / (10 + n))
        avg = [delta * a + (1 - delta) * p for a, p in zip(avg, iterates[n + 1], strict=True)]
    for got, want in zip(params, avg, strict=True):
        torch.testing.assert_close(got.detach().double(), want, rtol=0, atol=1e-6)
    # and the check can tell it from the last iterate (returning θ_N would fail it)
    gap = max(float((a - last).abs().max()) for a, last in zip(avg, iterates[-1], strict=True))
    assert gap > 1e-5, gap
