"""Optimisers, schedulers, clipping and the DataLoader against PyTorch's (same trajectories)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import groundup.autograd as ag
from groundup.autograd import optim
from groundup.autograd.data import DataLoader

OPTIMIZERS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"lr": 0.05, "momentum": 0.5, "dampening": 0.3}),
    ("Adam", {"lr": 0.05}),
    ("Adam", {"lr": 0.02, "betas": (0.8, 0.99), "weight_decay": 0.1, "amsgrad": True}),
    ("AdamW", {"lr": 0.05, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True, "weight_decay": 0.01}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.1}),
]


def _loss(w1, w2, x, y, lib):
    h = lib.tanh(x @ w1)
    return ((h @ w2 - y) ** 2).mean()


@pytest.mark.parametrize(("name", "kw"), OPTIMIZERS, ids=[f"{n}{k}" for n, k in OPTIMIZERS])
def test_optimizer_trajectory_matches_torch(name, kw, rng):
    x, y = rng.standard_normal((16, 5)), rng.standard_normal((16, 2))
    w1, w2 = rng.standard_normal((5, 4)), rng.standard_normal((4, 2))
    ours = [ag.tensor(w1.copy(), requires_grad=True), ag.tensor(w2.copy(), requires_grad=True)]
    theirs = [
        torch.tensor(w1.copy(), requires_grad=True),
        torch.tensor(w2.copy(), requires_grad=True),
    ]
    opt_o = getattr(optim, name)(ours, **kw)
    opt_t = getattr(torch.optim, name)(theirs, **kw)
    xo, yo, xt, yt = ag.tensor(x), ag.tensor(y), torch.tensor(x), torch.tensor(y)
    for _ in range(25):
        opt_o.zero_grad()
        opt_t.zero_grad()
        lo = _loss(*ours, xo, yo, ag)
        lt = _loss(*theirs, xt, yt, torch)
        lo.backward()
        lt.backward()
        opt_o.step()
        opt_t.step()
        assert lo.item() == pytest.approx(lt.item(), rel=1e-9)
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o.data, t.detach().numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    ("name", "kw"),
    [
        ("StepLR", {"step_size": 3, "gamma": 0.5}),
        ("ExponentialLR", {"gamma": 0.9}),
        ("CosineAnnealingLR", {"T_max": 10, "eta_min": 0.001}),
        ("LinearLR", {"start_factor": 0.1, "total_iters": 4}),
    ],
)
def test_schedulers_match_torch(name, kw):
    p = ag.tensor(np.zeros(1), requires_grad=True)
    tp = torch.zeros(1, requires_grad=True)
    opt_o, opt_t = optim.SGD([p], lr=0.1), torch.optim.SGD([tp], lr=0.1)
    s_o = getattr(optim, name)(opt_o, **kw)
    s_t = getattr(torch.optim.lr_scheduler, name)(opt_t, **kw)
    for _ in range(12):
        assert s_o.get_last_lr()[0] == pytest.approx(s_t.get_last_lr()[0], rel=1e-10, abs=1e-15)
        opt_t.step()
        s_o.step()
        s_t.step()


@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm_matches_torch(norm_type, max_norm, rng):
    grads = [rng.standard_normal((3, 4)), rng.standard_normal(5)]
    ours = [ag.tensor(np.zeros_like(g), requires_grad=True) for g in grads]
    theirs = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for o, t, g in zip(ours, theirs, grads):
        o.grad, t.grad = g.copy(), torch.tensor(g)
    n_o = optim.clip_grad_norm_(ours, max_norm, norm_type)
    n_t = torch.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type)
    assert n_o == pytest.approx(float(n_t), rel=1e-12)
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o.grad, t.grad.numpy(), rtol=1e-12)


def test_optimizer_bad_hyperparameters_are_refused():
    p = [ag.tensor(np.zeros(2), requires_grad=True)]
    with pytest.raises(ValueError, match="lr must be a finite number >= 0, got -0.1"):
        optim.SGD(p, lr=-0.1)
    with pytest.raises(ValueError, match="Nesterov"):
        optim.SGD(p, lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="betas"):
        optim.Adam(p, betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.Adam([])
    with pytest.raises(ValueError, match="does not require grad"):
        optim.Adam([ag.tensor(np.zeros(2))])


def test_dataloader_is_seeded_covers_every_sample_and_validates(rng):
    x, y = rng.standard_normal((10, 3)), np.arange(10)
    a = [b[1].data.tolist() for b in DataLoader(x, y, batch_size=4, shuffle=True, seed=7)]
    b = [b[1].data.tolist() for b in DataLoader(x, y, batch_size=4, shuffle=True, seed=7)]
    assert a == b and [len(v) for v in a] == [4, 4, 2]
    assert sorted(sum(a, [])) == list(range(10))
    loader = DataLoader(x, y, batch_size=4, shuffle=True, seed=7, drop_last=True)
    epochs = [[v for batch in loader for v in batch[1].data.tolist()] for _ in range(2)]
    assert len(loader) == 2 and epochs[0] != epochs[1]  # reshuffled every epoch
    xb, yb = next(iter(DataLoader(x, y, batch_size=3)))
    assert xb.dtype == np.float32 and yb.data.dtype.kind == "i"
    with pytest.raises(ValueError, match="array 0 has 10, array 1 has 9"):
        DataLoader(x, y[:9])
    with pytest.raises(ValueError, match="NaN or infinity"):
        DataLoader(np.array([[np.nan]]), np.array([0]))
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got 0"):
        DataLoader(x, batch_size=0)
