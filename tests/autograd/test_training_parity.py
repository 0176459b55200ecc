"""Training parity: an MLP and a CNN initialised with the same weights as a PyTorch twin,
given the same digits batches, follow the same loss curve for 20 steps (float64, rtol 1e-5)
with SGD-momentum and with Adam."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits

import groundup.autograd as ag
from groundup.autograd import nn, optim
from groundup.autograd.nn import functional as gf


def _mlp_pair():
    ours = nn.Sequential(
        nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 10)
    )
    theirs = torch.nn.Sequential(
        torch.nn.Linear(64, 32),
        torch.nn.ReLU(),
        torch.nn.Linear(32, 32),
        torch.nn.Tanh(),
        torch.nn.Linear(32, 10),
    )
    return ours, theirs


def _cnn_pair():
    ours = nn.Sequential(
        nn.Conv2d(1, 6, 3, padding=1),
        nn.BatchNorm2d(6),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(6 * 4 * 4, 10),
    )
    theirs = torch.nn.Sequential(
        torch.nn.Conv2d(1, 6, 3, padding=1),
        torch.nn.BatchNorm2d(6),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(6 * 4 * 4, 10),
    )
    return ours, theirs


@pytest.mark.parametrize("arch", ["mlp", "cnn"])
@pytest.mark.parametrize(
    ("opt", "kw"), [("SGD", {"lr": 0.05, "momentum": 0.9}), ("Adam", {"lr": 0.01})]
)
def test_same_weights_same_batches_same_loss_curve(arch, opt, kw):
    torch.manual_seed(0)
    ours, theirs = _mlp_pair() if arch == "mlp" else _cnn_pair()
    theirs = theirs.double()
    ours.double().load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    digits = load_digits()
    x = digits.data / 16.0
    x = x if arch == "mlp" else x.reshape(-1, 1, 8, 8)
    y = digits.target
    opt_o = getattr(optim, opt)(ours.parameters(), **kw)
    opt_t = getattr(torch.optim, opt)(theirs.parameters(), **kw)
    order = np.random.default_rng(0).permutation(len(y))
    curve_o, curve_t = [], []
    for step in range(20):
        idx = order[step * 32 : (step + 1) * 32]
        opt_o.zero_grad()
        loss_o = gf.cross_entropy(ours(ag.tensor(x[idx])), y[idx])
        loss_o.backward()
        opt_o.step()
        opt_t.zero_grad()
        loss_t = torch.nn.functional.cross_entropy(
            theirs(torch.tensor(x[idx])), torch.tensor(y[idx])
        )
        loss_t.backward()
        opt_t.step()
        curve_o.append(loss_o.item())
        curve_t.append(loss_t.item())
    np.testing.assert_allclose(curve_o, curve_t, rtol=1e-5)
    assert curve_o[-1] < curve_o[0]  # it actually learned something in 20 steps
    for name, p in theirs.named_parameters():
        np.testing.assert_allclose(
            dict(ours.named_parameters())[name].data,
            p.detach().numpy(),
            rtol=1e-5,
            atol=1e-8,
            err_msg=name,
        )
