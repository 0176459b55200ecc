"""Property test: for random broadcast-compatible shapes, binary-op gradients equal PyTorch's."""

from __future__ import annotations

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import groundup.autograd as ag

OPS = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "div": (lambda a, b: a / (b * b + 1.0), lambda a, b: a / (b * b + 1.0)),
    "maximum": (ag.maximum, torch.maximum),
    "where": (lambda a, b: ag.where(a.data > b.data, a, b * 2.0),
              lambda a, b: torch.where(a > b, a, b * 2.0)),
}  # fmt: skip


@settings(max_examples=60, deadline=None, derandomize=True)  # deterministic in CI
@given(
    shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=3),
    op=st.sampled_from(sorted(OPS)),
    seed=st.integers(0, 2**32 - 1),
)
def test_broadcast_gradients_match_torch_for_any_shapes(shapes, op, seed):
    rng = np.random.default_rng(seed)
    (sa, sb), out_shape = shapes.input_shapes, shapes.result_shape
    a, b = rng.standard_normal(sa), rng.standard_normal(sb)
    r = rng.standard_normal(out_shape)
    ours, theirs = OPS[op]
    xa, xb = ag.tensor(a, requires_grad=True), ag.tensor(b, requires_grad=True)
    (ours(xa, xb) * r).sum().backward()
    ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    (theirs(ta, tb) * torch.tensor(r)).sum().backward()
    assert xa.grad.shape == sa and xb.grad.shape == sb
    np.testing.assert_allclose(xa.grad, ta.grad.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(xb.grad, tb.grad.numpy(), rtol=1e-10, atol=1e-12)
