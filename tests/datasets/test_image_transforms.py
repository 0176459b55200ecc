"""Torch batch transforms: exact against per-sample reference code; seeded and shape-keeping."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from groundup.datasets.transforms import Compose, Normalize, RandomAffine, RandomCrop


def test_random_crop_is_a_per_sample_padded_window() -> None:
    x = torch.randn(6, 2, 5, 7, generator=torch.Generator().manual_seed(1))
    out = RandomCrop(2)(x, torch.Generator().manual_seed(3))
    offsets = torch.randint(0, 5, (2, 6), generator=torch.Generator().manual_seed(3))
    padded = F.pad(x, (2, 2, 2, 2))
    for i in range(6):  # the reference: one sample at a time
        r, c = offsets[0, i], offsets[1, i]
        torch.testing.assert_close(out[i], padded[i, :, r : r + 5, c : c + 7], rtol=0, atol=0)


def test_affine_without_motion_is_identity_and_rotation_moves_pixels() -> None:
    x = torch.rand(3, 1, 8, 8)
    same = RandomAffine(degrees=0, translate=0, scale=0)(x, torch.Generator().manual_seed(0))
    torch.testing.assert_close(same, x, atol=1e-6, rtol=0)
    g1, g2 = torch.Generator().manual_seed(5), torch.Generator().manual_seed(5)
    a, b = RandomAffine(15, 0.1, 0.1)(x, g1), RandomAffine(15, 0.1, 0.1)(x, g2)
    assert torch.equal(a, b) and not torch.allclose(a, x, atol=1e-3)


def test_affine_rotation_matches_rotation_matrix_reference() -> None:
    x = torch.rand(2, 1, 6, 6)
    t = RandomAffine(degrees=90, translate=0, scale=0)
    # U(-1, 1) draw of exactly 1 is impossible, so compare against the drawn angle instead
    g = torch.Generator().manual_seed(0)
    u = torch.rand(4, 2, generator=torch.Generator().manual_seed(0), dtype=torch.float64) * 2 - 1
    out = t(x, g)
    theta = u[0] * torch.pi / 2
    mat = torch.zeros(2, 2, 3, dtype=torch.float64)
    mat[:, 0, 0], mat[:, 0, 1], mat[:, 1, 0], mat[:, 1, 1] = (
        theta.cos(),
        -theta.sin(),
        theta.sin(),
        theta.cos(),
    )
    ref = F.grid_sample(
        x, F.affine_grid(mat.float(), [2, 1, 6, 6], align_corners=False), align_corners=False
    )
    torch.testing.assert_close(out, ref)


def test_normalize_and_compose() -> None:
    x = torch.rand(4, 3, 2, 2)
    out = Normalize([0.1, 0.2, 0.3], [1.0, 2.0, 4.0])(x)
    ref = (x - torch.tensor([0.1, 0.2, 0.3])[:, None, None]) / torch.tensor([1.0, 2.0, 4.0])[
        :, None, None
    ]
    torch.testing.assert_close(out, ref)
    chain = Compose([RandomCrop(1), Normalize([0.5] * 3, [0.5] * 3)])
    assert chain(x, torch.Generator().manual_seed(0)).shape == x.shape


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match=r"batch of shape \(n, c, h, w\), got \(3, 8, 8\)"):
        RandomCrop(1)(torch.zeros(3, 8, 8))
    with pytest.raises(ValueError, match="std must be > 0"):
        Normalize([0.0], [0.0])
    with pytest.raises(ValueError, match="Normalize has 3 channels, batch has 1"):
        Normalize([0.0] * 3, [1.0] * 3)(torch.zeros(1, 1, 2, 2))
    with pytest.raises(ValueError, match="padding must be >= 0, got -1"):
        RandomCrop(-1)
