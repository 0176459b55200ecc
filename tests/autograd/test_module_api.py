"""Module plumbing (names, state_dict, modes) and initialisers against PyTorch's conventions."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import groundup.autograd as ag
from groundup.autograd import nn


def _twins():
    ours = nn.Sequential(
        nn.Conv2d(1, 4, 3),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(4 * 3 * 3, 10),
    )
    theirs = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3),
        torch.nn.BatchNorm2d(4),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(36, 10),
    )
    return ours, theirs


def test_state_dict_keys_and_shapes_match_torch():
    ours, theirs = _twins()
    ts = theirs.state_dict()
    os_ = ours.state_dict()
    assert list(os_) == list(ts)
    for k in ts:
        assert os_[k].shape == tuple(ts[k].shape), k
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]


def test_load_state_dict_round_trip_and_errors(rng):
    ours, theirs = _twins()
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    np.testing.assert_array_equal(ours[5].weight.data, theirs[5].weight.detach().numpy())
    assert ours[0].weight.dtype == np.float32
    state = ours.state_dict()
    state["5.weight"][:] = 0  # a copy: the model must not change
    assert np.abs(ours[5].weight.data).sum() > 0
    with pytest.raises(KeyError, match=r"missing keys \['5.bias'\]"):
        ours.load_state_dict({k: v for k, v in state.items() if k != "5.bias"})
    with pytest.raises(KeyError, match=r"unexpected keys \['extra'\]"):
        ours.load_state_dict({**state, "extra": np.zeros(1)})
    with pytest.raises(
        ValueError, match=r"'5.weight' has shape \(3, 3\) in the state but \(10, 36\)"
    ):
        ours.load_state_dict({**state, "5.weight": np.zeros((3, 3))})


def test_train_eval_and_zero_grad_reach_every_submodule(rng):
    ours, _ = _twins()
    ours.eval()
    assert all(not m.training for m in ours.modules())
    ours.train()
    assert all(m.training for m in ours.modules())
    loss = ours(ag.tensor(rng.standard_normal((2, 1, 8, 8)))).sum()
    loss.backward()
    assert all(p.grad is not None for p in ours.parameters())
    ours.zero_grad()
    assert all(p.grad is None for p in ours.parameters())
    assert sum(p.size for p in ours.parameters()) == sum(
        p.numel() for p in _twins()[1].parameters()
    )


def test_default_linear_init_has_torchs_bounds_and_is_seeded():
    a, b, c = nn.Linear(400, 300, rng=1), nn.Linear(400, 300, rng=1), nn.Linear(400, 300, rng=2)
    np.testing.assert_array_equal(a.weight.data, b.weight.data)
    assert not np.array_equal(a.weight.data, c.weight.data)
    bound = 1 / math.sqrt(400)
    assert np.abs(a.weight.data).max() <= bound
    assert np.abs(a.weight.data).max() > 0.99 * bound
    ag.manual_seed(3)
    d = nn.Linear(4, 4)
    ag.manual_seed(3)
    e = nn.Linear(4, 4)
    np.testing.assert_array_equal(d.weight.data, e.weight.data)


@pytest.mark.parametrize(
    ("fn", "kw", "std"),
    [
        ("xavier_uniform_", {}, math.sqrt(2 / (200 + 300))),
        ("xavier_normal_", {"gain": 2.0}, 2 * math.sqrt(2 / (200 + 300))),
        ("kaiming_uniform_", {"nonlinearity": "relu"}, math.sqrt(2 / 300)),
        ("kaiming_normal_", {"mode": "fan_out", "nonlinearity": "relu"}, math.sqrt(2 / 200)),
    ],
)
def test_initialisers_have_the_stated_standard_deviation(fn, kw, std):
    w = ag.tensor(np.zeros((200, 300)))
    getattr(nn.init, fn)(w, rng=0, **kw)
    # 60,000 draws: the sample sd is within ~0.6 % of the truth (3 standard errors).
    assert w.data.std() == pytest.approx(std, rel=0.01)
    assert abs(w.data.mean()) < 3 * std / math.sqrt(w.size)
    torch.manual_seed(0)
    t = torch.empty(200, 300)
    getattr(torch.nn.init, fn)(t, **kw)
    assert float(t.std()) == pytest.approx(std, rel=0.01)  # the same formula in PyTorch


def test_calculate_gain_matches_torch():
    for name, param in [
        ("relu", None),
        ("tanh", None),
        ("leaky_relu", 0.2),
        ("sigmoid", None),
        ("selu", None),
    ]:
        assert nn.init.calculate_gain(name, param) == pytest.approx(
            torch.nn.init.calculate_gain(name, param)
        )


def test_layer_bad_input_is_refused():
    with pytest.raises(ValueError, match="in_features must be a positive integer, got 0"):
        nn.Linear(0, 3)
    with pytest.raises(ValueError, match=r"does not match weight of shape \(3, 4\)"):
        nn.Linear(4, 3)(ag.tensor(np.ones((2, 5))))
    with pytest.raises(ValueError, match="divisible by groups"):
        nn.Conv2d(3, 4, 3, groups=2)
    with pytest.raises(ValueError, match=r"input has 2 channels .* expected 3"):
        nn.BatchNorm1d(3)(ag.tensor(np.ones((4, 2))))
    with pytest.raises(ValueError, match=r"expected 4-D input, got shape \(4, 3\)"):
        nn.BatchNorm2d(3)(ag.tensor(np.ones((4, 3))))
    with pytest.raises(ValueError, match="more than one value per channel"):
        nn.BatchNorm1d(3)(ag.tensor(np.ones((1, 3))))
    with pytest.raises(ValueError, match="input has 5 features"):
        nn.LSTM(3, 4)(ag.tensor(np.ones((2, 1, 5))))
    with pytest.raises(ValueError, match="multiple of num_heads"):
        nn.MultiheadAttention(6, 4)
    with pytest.raises(TypeError, match="not a Module"):
        nn.Sequential(nn.ReLU(), lambda x: x)
