"""Layers against their PyTorch twins: same weights (copied by state_dict) → same outputs and
same parameter gradients (float64, rtol 1e-6)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import groundup.autograd as ag
from groundup.autograd import nn

RTOL, ATOL = 1e-6, 1e-9


def _copy(theirs: torch.nn.Module, ours: nn.Module) -> None:
    ours.double()
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})


def _compare_grads(theirs: torch.nn.Module, ours: nn.Module) -> None:
    ours_params = dict(ours.named_parameters())
    t_params = dict(theirs.named_parameters())
    assert set(ours_params) == set(t_params)
    for name, p in t_params.items():
        assert p.grad is not None and ours_params[name].grad is not None, name
        np.testing.assert_allclose(
            ours_params[name].grad, p.grad.numpy(), rtol=RTOL, atol=ATOL, err_msg=name
        )


def _run_pair(theirs, ours, x, rng, to_out=lambda o: o):
    _copy(theirs, ours)
    xo = ag.tensor(x.copy(), requires_grad=True)
    xt = torch.tensor(x.copy(), requires_grad=True)
    out_o, out_t = to_out(ours(xo)), to_out(theirs(xt))
    r = rng.standard_normal(out_t.shape)
    (out_o * r).sum().backward()
    (out_t * torch.tensor(r)).sum().backward()
    np.testing.assert_allclose(out_o.data, out_t.detach().numpy(), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(xo.grad, xt.grad.numpy(), rtol=RTOL, atol=ATOL)
    _compare_grads(theirs, ours)


def test_linear_matches_torch(rng):
    _run_pair(torch.nn.Linear(5, 3).double(), nn.Linear(5, 3), rng.standard_normal((4, 5)), rng)
    _run_pair(
        torch.nn.Linear(5, 3, bias=False).double(),
        nn.Linear(5, 3, bias=False),
        rng.standard_normal((2, 4, 5)),
        rng,
    )


@pytest.mark.parametrize("kw", [{}, {"stride": 2, "padding": 1}, {"groups": 2, "dilation": 2}])
def test_conv2d_layer_matches_torch(kw, rng):
    _run_pair(
        torch.nn.Conv2d(4, 6, 3, **kw).double(),
        nn.Conv2d(4, 6, 3, **kw),
        rng.standard_normal((2, 4, 8, 8)),
        rng,
    )


@pytest.mark.parametrize(
    ("cls", "tcls", "shape"),
    [
        (nn.BatchNorm1d, torch.nn.BatchNorm1d, (8, 3)),
        (nn.BatchNorm1d, torch.nn.BatchNorm1d, (4, 3, 5)),
        (nn.BatchNorm2d, torch.nn.BatchNorm2d, (4, 3, 5, 5)),
    ],
)
def test_batchnorm_running_stats_and_eval_match_torch(cls, tcls, shape, rng):
    theirs, ours = tcls(3, momentum=0.2).double(), cls(3, momentum=0.2)
    _copy(theirs, ours)
    for _ in range(3):  # three training batches update the running statistics
        x = rng.standard_normal(shape) * 2 + 1
        theirs.zero_grad()
        ours.zero_grad()
        _run_pair(theirs, ours, x, rng)
    np.testing.assert_allclose(ours.running_mean, theirs.running_mean.numpy(), rtol=1e-10)
    np.testing.assert_allclose(ours.running_var, theirs.running_var.numpy(), rtol=1e-10)
    assert int(ours.num_batches_tracked) == int(theirs.num_batches_tracked) == 3
    ours.eval()
    theirs.eval()
    x = rng.standard_normal(shape)
    np.testing.assert_allclose(
        ours(ag.tensor(x)).data, theirs(torch.tensor(x)).detach().numpy(), rtol=RTOL, atol=ATOL
    )


def test_layernorm_matches_torch(rng):
    theirs, ours = torch.nn.LayerNorm((3, 4)).double(), nn.LayerNorm((3, 4))
    with torch.no_grad():
        theirs.weight.normal_()
        theirs.bias.normal_()
    _run_pair(theirs, ours, rng.standard_normal((2, 3, 4)), rng)


def test_embedding_layer_matches_torch(rng):
    theirs, ours = torch.nn.Embedding(6, 3).double(), nn.Embedding(6, 3)
    _copy(theirs, ours)
    idx = np.array([[0, 5, 5], [2, 1, 0]])
    out_o, out_t = ours(idx), theirs(torch.tensor(idx))
    r = rng.standard_normal(out_t.shape)
    (out_o * r).sum().backward()
    (out_t * torch.tensor(r)).sum().backward()
    np.testing.assert_allclose(out_o.data, out_t.detach().numpy())
    _compare_grads(theirs, ours)


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize(
    "kw", [{}, {"batch_first": True, "num_layers": 2}, {"bidirectional": True}]
)
def test_recurrent_layers_match_torch(cls, kw, rng):
    theirs = getattr(torch.nn, cls)(3, 4, **kw).double()
    ours = getattr(nn, cls)(3, 4, **kw)
    _copy(theirs, ours)
    x = rng.standard_normal((2, 5, 3) if kw.get("batch_first") else (5, 2, 3))
    xo, xt = ag.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out_o, h_o = ours(xo)
    out_t, h_t = theirs(xt)
    if cls == "LSTM":
        (h_o, c_o), (h_t, c_t) = h_o, h_t
        np.testing.assert_allclose(c_o.data, c_t.detach().numpy(), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(out_o.data, out_t.detach().numpy(), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(h_o.data, h_t.detach().numpy(), rtol=RTOL, atol=ATOL)
    r1, r2 = rng.standard_normal(out_t.shape), rng.standard_normal(h_t.shape)
    ((out_o * r1).sum() + (h_o * r2).sum()).backward()
    ((out_t * torch.tensor(r1)).sum() + (h_t * torch.tensor(r2)).sum()).backward()
    np.testing.assert_allclose(xo.grad, xt.grad.numpy(), rtol=RTOL, atol=ATOL)
    _compare_grads(theirs, ours)


def test_lstm_with_initial_state_matches_torch(rng):
    theirs, ours = torch.nn.LSTM(3, 4).double(), nn.LSTM(3, 4)
    _copy(theirs, ours)
    x, h0, c0 = (
        rng.standard_normal((4, 2, 3)),
        rng.standard_normal((1, 2, 4)),
        rng.standard_normal((1, 2, 4)),
    )
    out_o, _ = ours(ag.tensor(x), (ag.tensor(h0), ag.tensor(c0)))
    out_t, _ = theirs(torch.tensor(x), (torch.tensor(h0), torch.tensor(c0)))
    np.testing.assert_allclose(out_o.data, out_t.detach().numpy(), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("cls", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells_match_torch(cls, rng):
    theirs, ours = getattr(torch.nn, cls)(3, 4).double(), getattr(nn, cls)(3, 4)
    _copy(theirs, ours)
    x = rng.standard_normal((2, 3))
    to_out = (lambda o: o[0] * o[1]) if cls == "LSTMCell" else (lambda o: o)
    _run_pair(theirs, ours, x, rng, to_out)


@pytest.mark.parametrize("batch_first", [False, True])
def test_multihead_attention_matches_torch(batch_first, rng):
    theirs = torch.nn.MultiheadAttention(8, 2, batch_first=batch_first).double()
    ours = nn.MultiheadAttention(8, 2, batch_first=batch_first)
    _copy(theirs, ours)
    shape = (2, 5, 8) if batch_first else (5, 2, 8)
    q, kv = rng.standard_normal(shape), rng.standard_normal((2, 4, 8) if batch_first else (4, 2, 8))
    pad = np.array([[False, False, False, True], [False, True, False, False]])
    qo, ko = ag.tensor(q, requires_grad=True), ag.tensor(kv, requires_grad=True)
    qt, kt = torch.tensor(q, requires_grad=True), torch.tensor(kv, requires_grad=True)
    out_o, w_o = ours(qo, ko, ko, key_padding_mask=pad)
    out_t, w_t = theirs(qt, kt, kt, key_padding_mask=torch.tensor(pad))
    np.testing.assert_allclose(out_o.data, out_t.detach().numpy(), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(w_o.data, w_t.detach().numpy(), rtol=RTOL, atol=ATOL)
    r = rng.standard_normal(out_t.shape)
    (out_o * r).sum().backward()
    (out_t * torch.tensor(r)).sum().backward()
    np.testing.assert_allclose(qo.grad, qt.grad.numpy(), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(ko.grad, kt.grad.numpy(), rtol=RTOL, atol=ATOL)
    _compare_grads(theirs, ours)


def test_causal_self_attention_matches_torch(rng):
    theirs, ours = torch.nn.MultiheadAttention(4, 1).double(), nn.MultiheadAttention(4, 1)
    _copy(theirs, ours)
    x = rng.standard_normal((3, 1, 4))
    mask = np.triu(np.ones((3, 3), dtype=bool), 1)
    out_o, _ = ours(ag.tensor(x), ag.tensor(x), ag.tensor(x), attn_mask=mask)
    out_t, _ = theirs(
        torch.tensor(x), torch.tensor(x), torch.tensor(x), attn_mask=torch.tensor(mask)
    )
    np.testing.assert_allclose(out_o.data, out_t.detach().numpy(), rtol=RTOL, atol=ATOL)


def test_activation_modules_match_functional(rng):
    x = rng.standard_normal((3, 4))
    pairs = [
        (nn.ReLU(), torch.nn.ReLU()),
        (nn.Tanh(), torch.nn.Tanh()),
        (nn.Sigmoid(), torch.nn.Sigmoid()),
        (nn.GELU(), torch.nn.GELU()),
        (nn.LeakyReLU(0.2), torch.nn.LeakyReLU(0.2)),
        (nn.Softplus(2.0), torch.nn.Softplus(2.0)),
        (nn.Softmax(0), torch.nn.Softmax(0)),
        (nn.LogSoftmax(1), torch.nn.LogSoftmax(1)),
    ]
    for ours, theirs in pairs:
        np.testing.assert_allclose(
            ours(ag.tensor(x)).data,
            theirs(torch.tensor(x)).numpy(),
            rtol=1e-10,
            atol=1e-12,
            err_msg=type(ours).__name__,
        )


def test_dropout_module_scales_in_training_and_is_identity_in_eval(rng):
    d = nn.Dropout(0.25, rng=0)
    x = ag.tensor(np.ones((400, 50)))
    y = d(x).data
    assert set(np.unique(y)) == {0.0, 1 / 0.75}
    assert abs((y == 0).mean() - 0.25) < 0.01  # 20,000 Bernoulli draws: sd ≈ 0.003
    d.eval()
    assert d(x) is x
