"""Shared checks for the autograd tests: PyTorch parity and a central-difference gradcheck."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest
import torch

import groundup.autograd as ag

torch.set_num_threads(1)


def numerical_grads(
    f: Callable[[list[np.ndarray]], float],
    arrays: Sequence[np.ndarray],
    rng: np.random.Generator,
    eps: float = 1e-6,
    max_entries: int = 40,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Central differences (f(a + eps·e) - f(a - eps·e)) / 2eps at up to ``max_entries`` entries.

    Returns, per array, the flat indices probed and the numerical partial derivatives there.
    The truncation error is O(eps²·f''') and the rounding error O(1e-16/eps): ~1e-10 here.
    """
    out = []
    for k, a in enumerate(arrays):
        picks = np.arange(a.size)
        if a.size > max_entries:
            picks = rng.choice(a.size, size=max_entries, replace=False)
        vals = np.empty(len(picks))
        for m, flat in enumerate(picks):
            idx = np.unravel_index(flat, a.shape)
            plus = [b.copy() for b in arrays]
            minus = [b.copy() for b in arrays]
            plus[k][idx] += eps
            minus[k][idx] -= eps
            vals[m] = (f(plus) - f(minus)) / (2 * eps)
        out.append((picks, vals))
    return out


def check_parity(
    ours: Callable[..., ag.Tensor],
    theirs: Callable[..., torch.Tensor],
    arrays: Sequence[np.ndarray],
    rng: np.random.Generator,
    *,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    fd: bool = True,
) -> None:
    """Assert forward values and input gradients equal PyTorch's (float64) and finite differences.

    The scalar differentiated is L = Σ out ⊙ R with a random R, so every output entry's
    gradient path is exercised with a different weight.
    """
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    xs = [ag.tensor(a.copy(), requires_grad=True) for a in arrays]
    out = ours(*xs)
    r = rng.standard_normal(out.shape)
    (out * r).sum().backward()
    ts = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
    t_out = theirs(*ts)
    (t_out * torch.tensor(r)).sum().backward()
    np.testing.assert_allclose(out.data, t_out.detach().numpy(), rtol=rtol, atol=atol)
    for k, (x, t) in enumerate(zip(xs, ts)):
        assert x.grad is not None, f"input {k} got no gradient"
        assert t.grad is not None
        np.testing.assert_allclose(
            x.grad, t.grad.numpy(), rtol=rtol, atol=atol, err_msg=f"gradient of input {k}"
        )
    if fd:

        def f(arrs: list[np.ndarray]) -> float:
            return float((ours(*[ag.tensor(a) for a in arrs]).data * r).sum())

        for x, (picks, num) in zip(xs, numerical_grads(f, arrays, rng)):
            assert x.grad is not None
            np.testing.assert_allclose(x.grad.reshape(-1)[picks], num, rtol=1e-5, atol=1e-7)


@pytest.fixture
def parity() -> Callable[..., None]:
    """The :func:`check_parity` assertion."""
    return check_parity


@pytest.fixture
def numgrad() -> Callable[..., Any]:
    """The :func:`numerical_grads` helper."""
    return numerical_grads
