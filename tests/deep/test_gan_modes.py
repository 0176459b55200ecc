"""GAN pieces: the mode counter counts known answers; both GANs train on their data."""

from __future__ import annotations

import math

import pytest
import torch

from groundup.deep.models.gan import (
    DCGANDiscriminator,
    DCGANGenerator,
    MLPDiscriminator,
    MLPGenerator,
    mode_coverage,
    ring_of_gaussians,
    train_gan,
)


@pytest.fixture(autouse=True)
def one_thread():  # type: ignore[no-untyped-def]
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_mode_coverage_of_real_and_collapsed_samples() -> None:
    real = ring_of_gaussians(20_000, generator=torch.Generator().manual_seed(0))
    covered, quality = mode_coverage(real)
    # within 3σ in 2-D: P(χ²₂ < 9) = 1 − e^{−4.5}
    assert covered == 8 and quality == pytest.approx(1 - math.exp(-4.5), abs=0.005)
    collapsed = torch.tensor([[2.0, 0.0]]) + 0.01 * torch.randn(500, 2)
    assert mode_coverage(collapsed) == (1, 1.0)
    with pytest.raises(ValueError, match="shape"):
        mode_coverage(torch.zeros(3, 3))


def test_mlp_gan_moves_onto_the_ring() -> None:
    torch.manual_seed(0)
    G, D = MLPGenerator(), MLPDiscriminator()
    with torch.no_grad():
        before = G(torch.randn(1000, 8)).norm(dim=1)
    train_gan(G, D, lambda n, g: ring_of_gaussians(n, generator=g), steps=600, lr=1e-3)
    with torch.no_grad():
        after = G(torch.randn(1000, 8)).norm(dim=1)
    # untrained samples sit near the origin; after 600 steps ≈ 0.4 lie within 0.3 of r = 2
    on_ring = lambda r: float(((r - 2).abs() < 0.3).float().mean())  # noqa: E731
    assert on_ring(before) < 0.05 and on_ring(after) > 0.25, (on_ring(before), on_ring(after))


def test_dcgan_shapes_and_a_discriminator_that_learns() -> None:
    torch.manual_seed(0)
    G, D = DCGANGenerator(16, 16, 16), DCGANDiscriminator(16, 16)
    z = torch.randn(8, 16)
    img = G(z)
    assert img.shape == (8, 1, 16, 16) and float(img.detach().abs().max()) <= 1
    assert D(img).shape == (8,)
    blobs = torch.zeros(1, 1, 16, 16)
    blobs[..., 4:12, 6:10] = 1.0
    hist = train_gan(
        G, D, lambda n, g: blobs.expand(n, -1, -1, -1) * 2 - 1, steps=30, batch_size=16
    )
    # D's loss starts near 2·log 2 (chance) and falls as it separates real from fake
    assert hist[0][0] > 1.0 and min(h[0] for h in hist[-5:]) < hist[0][0]
