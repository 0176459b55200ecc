"""Losses against torch.nn.functional (float64, rtol 1e-6), gradients included."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from groundup.autograd.nn import functional as gf

W = np.array([0.5, 1.0, 2.0, 1.5])


def _targets(rng, shape, c=4, ignore=False):
    t = rng.integers(0, c, shape)
    if ignore:
        t.reshape(-1)[::3] = -100
    return t


CE_CASES = [
    ((6, 4), {}, False),
    ((6, 4), {"label_smoothing": 0.2}, False),
    ((6, 4), {"weight": W}, True),
    ((6, 4), {"weight": W, "label_smoothing": 0.1}, True),
    ((6, 4), {"ignore_index": -100, "reduction": "sum"}, True),
    ((6, 4), {"reduction": "none", "label_smoothing": 0.3}, True),
    ((2, 4, 3), {}, False),
    ((2, 4, 3, 2), {"weight": W, "label_smoothing": 0.05}, True),
]


@pytest.mark.parametrize(
    ("shape", "kw", "ignore"), CE_CASES, ids=[str(c[1]) + str(c[0]) for c in CE_CASES]
)
def test_cross_entropy_matches_torch(shape, kw, ignore, rng, parity):
    t = _targets(rng, (shape[0], *shape[2:]), ignore=ignore)
    tkw = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    parity(
        lambda x: gf.cross_entropy(x, t, **kw),
        lambda x: F.cross_entropy(x, torch.tensor(t), **tkw),
        [rng.standard_normal(shape)],
        rng,
    )


@pytest.mark.parametrize("kw", [{}, {"label_smoothing": 0.2, "weight": W}])
def test_cross_entropy_with_probability_targets_matches_torch(kw, rng, parity):
    p = rng.dirichlet(np.ones(4), size=5)
    tkw = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    parity(
        lambda x: gf.cross_entropy(x, p, **kw),
        lambda x: F.cross_entropy(x, torch.tensor(p), **tkw),
        [rng.standard_normal((5, 4))],
        rng,
    )


@pytest.mark.parametrize("kw", [{}, {"weight": W}, {"reduction": "sum"}])
def test_nll_loss_matches_torch(kw, rng, parity):
    t = _targets(rng, 6, ignore=True)
    tkw = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    parity(
        lambda x: gf.nll_loss(gf.log_softmax(x, 1), t, **kw),
        lambda x: F.nll_loss(F.log_softmax(x, 1), torch.tensor(t), **tkw),
        [rng.standard_normal((6, 4))],
        rng,
    )


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_regression_losses_match_torch(reduction, rng, parity):
    y = rng.standard_normal((4, 3))
    parity(
        lambda x: gf.mse_loss(x, y, reduction),
        lambda x: F.mse_loss(x, torch.tensor(y), reduction=reduction),
        [rng.standard_normal((4, 3))],
        rng,
    )
    parity(
        lambda x: gf.l1_loss(x, y, reduction),
        lambda x: F.l1_loss(x, torch.tensor(y), reduction=reduction),
        [rng.standard_normal((4, 3))],
        rng,
    )


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"weight": np.array([1.0, 2.0, 0.5])},
        {"pos_weight": np.array([3.0, 1.0, 0.2]), "reduction": "sum"},
    ],
)
def test_bce_with_logits_matches_torch(kw, rng, parity):
    y = rng.uniform(0, 1, (5, 3))
    tkw = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    parity(
        lambda x: gf.binary_cross_entropy_with_logits(x * 10, y, **kw),
        lambda x: F.binary_cross_entropy_with_logits(x * 10, torch.tensor(y), **tkw),
        [rng.standard_normal((5, 3))],
        rng,
    )


def test_cross_entropy_is_stable_for_huge_logits():
    x = np.array([[1000.0, 0.0, -1000.0]])
    loss = gf.cross_entropy(x, np.array([2])).item()
    assert loss == pytest.approx(2000.0, rel=1e-12)


def test_loss_bad_input_is_refused(rng):
    x = rng.standard_normal((4, 3))
    with pytest.raises(IndexError, match="target 3 is out of range for 3 classes"):
        gf.cross_entropy(x, np.array([0, 1, 2, 3]))
    with pytest.raises(ValueError, match=r"target of shape \(4,\), got \(5,\)"):
        gf.cross_entropy(x, np.zeros(5, dtype=int))
    with pytest.raises(TypeError, match="must be integers"):
        gf.nll_loss(x, np.zeros(4, dtype=bool))
    with pytest.raises(ValueError, match=r"input has shape \(4, 3\) but target has shape \(3, 4\)"):
        gf.mse_loss(x, x.T)
    with pytest.raises(ValueError, match="label_smoothing"):
        gf.cross_entropy(x, np.zeros(4, dtype=int), label_smoothing=1.5)
    with pytest.raises(ValueError, match="reduction"):
        gf.mse_loss(x, x, reduction="avg")
