"""Gradient parity of every op with PyTorch (float64, rtol 1e-6) and with finite differences.

Each case is (ops under test, our function, PyTorch's function, input shapes, input domain);
every case runs over several shapes including broadcasting and keepdims variants.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import groundup.autograd as ag


@dataclass(frozen=True)
class Case:
    name: str
    ours: Callable[..., Any]
    theirs: Callable[..., Any]
    shapes: list[tuple[tuple[int, ...], ...]]
    domain: str = "normal"  # normal | positive | away (|x| ≥ 0.2, no kinks hit)


def _data(shape: tuple[int, ...], domain: str, rng: np.random.Generator) -> np.ndarray:
    if domain == "positive":
        return rng.uniform(0.5, 2.0, shape)
    if domain == "away":
        return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.2, 2.0, shape)
    return rng.standard_normal(shape)


BINARY_SHAPES = [
    ((3, 4), (3, 4)),
    ((3, 4), (4,)),
    ((2, 1, 4), (3, 1)),
    ((3, 1), (1, 4)),
    ((), (2, 3)),
]
UNARY_SHAPES = [((5,),), ((3, 4),), ((2, 3, 4),)]
IDX = np.array([2, 0, 2, 1])  # repeats: scatter-add must sum
MASK = np.array([True, False, True])
POS_W = np.array([0.5, 2.0, 3.0])

CASES = [
    Case("add", lambda a, b: a + b, lambda a, b: a + b, BINARY_SHAPES),
    Case("sub", lambda a, b: a - b, lambda a, b: a - b, BINARY_SHAPES),
    Case("mul", lambda a, b: a * b, lambda a, b: a * b, BINARY_SHAPES),
    Case("div", lambda a, b: a / b, lambda a, b: a / b, BINARY_SHAPES, "positive"),
    Case("pow", lambda a, b: a**b, lambda a, b: a**b, BINARY_SHAPES, "positive"),
    Case(
        "pow_scalar",
        lambda a: a**3 + a**2.5 + 2.0**a,
        lambda a: a**3 + a**2.5 + 2.0**a,
        UNARY_SHAPES,
        "positive",
    ),
    Case(
        "scalar_ops",
        lambda a: (3.0 - a) * 2.0 / (1.5 + a) - 1.0 / a,
        lambda a: (3.0 - a) * 2.0 / (1.5 + a) - 1.0 / a,
        UNARY_SHAPES,
        "positive",
    ),
    Case("neg", lambda a: -a, lambda a: -a, UNARY_SHAPES),
    Case("exp", ag.exp, torch.exp, UNARY_SHAPES),
    Case("log", ag.log, torch.log, UNARY_SHAPES, "positive"),
    Case("sqrt", ag.sqrt, torch.sqrt, UNARY_SHAPES, "positive"),
    Case("abs", ag.abs, torch.abs, UNARY_SHAPES, "away"),
    Case("tanh", ag.tanh, torch.tanh, UNARY_SHAPES),
    Case("sigmoid", ag.sigmoid, torch.sigmoid, UNARY_SHAPES),
    Case("relu", ag.relu, torch.relu, UNARY_SHAPES, "away"),
    Case(
        "leaky_relu",
        lambda a: ag.leaky_relu(a, 0.1),
        lambda a: F.leaky_relu(a, 0.1),
        UNARY_SHAPES,
        "away",
    ),
    Case("gelu", ag.gelu, F.gelu, UNARY_SHAPES),
    Case(
        "gelu_tanh",
        lambda a: ag.gelu(a, "tanh"),
        lambda a: F.gelu(a, approximate="tanh"),
        UNARY_SHAPES,
    ),
    Case(
        "softplus",
        lambda a: ag.softplus(3 * a, beta=2.0, threshold=5.0),
        lambda a: F.softplus(3 * a, beta=2.0, threshold=5.0),
        UNARY_SHAPES,
        "away",
    ),
    Case("maximum", ag.maximum, torch.maximum, BINARY_SHAPES),
    Case("minimum", ag.minimum, torch.minimum, BINARY_SHAPES),
    Case(
        "where",
        lambda a, b: ag.where(a.data > 0, a, b),
        lambda a, b: torch.where(a > 0, a, b),
        BINARY_SHAPES[:4],
    ),
    Case(
        "clip",
        lambda a: ag.clip(a * 2, -0.5, 0.7),
        lambda a: torch.clamp(a * 2, -0.5, 0.7),
        UNARY_SHAPES,
        "away",
    ),
    Case("sum", lambda a: a.sum(), torch.sum, UNARY_SHAPES),
    Case(
        "sum_axis",
        lambda a: a.sum(axis=0) * a.sum(axis=-1, keepdims=True).sum(),
        lambda a: a.sum(dim=0) * a.sum(dim=-1, keepdim=True).sum(),
        [((3, 4),), ((2, 3, 4),)],
    ),
    Case(
        "sum_axes",
        lambda a: a.sum(axis=(0, 2), keepdims=True),
        lambda a: a.sum(dim=(0, 2), keepdim=True),
        [((2, 3, 4),), ((1, 2, 3),)],
    ),
    Case("mean", lambda a: a.mean(axis=-1), lambda a: a.mean(dim=-1), UNARY_SHAPES),
    Case(
        "mean_keep",
        lambda a: a.mean(axis=(0, 1), keepdims=True),
        lambda a: a.mean(dim=(0, 1), keepdim=True),
        [((3, 4),), ((2, 3, 4),)],
    ),
    Case("max", lambda a: a.max(axis=1), lambda a: a.amax(dim=1), [((3, 4),), ((2, 3, 4),)]),
    Case("max_all", lambda a: a.max(), torch.max, UNARY_SHAPES),
    Case(
        "min",
        lambda a: a.min(axis=0, keepdims=True),
        lambda a: a.amin(dim=0, keepdim=True),
        UNARY_SHAPES,
    ),
    Case("var", lambda a: a.var(axis=-1), lambda a: a.var(dim=-1, correction=0), UNARY_SHAPES),
    Case(
        "var_ddof",
        lambda a: a.var(axis=(0, 1), keepdims=True, ddof=1),
        lambda a: a.var(dim=(0, 1), keepdim=True, correction=1),
        [((3, 4),), ((2, 3, 4),)],
    ),
    Case(
        "logsumexp",
        lambda a: ag.logsumexp(a * 30, axis=-1),
        lambda a: torch.logsumexp(a * 30, dim=-1),
        UNARY_SHAPES,
    ),
    Case(
        "logsumexp_keep",
        lambda a: ag.logsumexp(a, axis=(0, 1), keepdims=True),
        lambda a: torch.logsumexp(a, dim=(0, 1), keepdim=True),
        [((3, 4),), ((2, 3, 4),)],
    ),
    Case(
        "softmax",
        lambda a: ag.softmax(a, axis=-1),
        lambda a: torch.softmax(a, dim=-1),
        UNARY_SHAPES,
    ),
    Case(
        "softmax_axis0",
        lambda a: ag.softmax(a * 50, axis=0),
        lambda a: torch.softmax(a * 50, dim=0),
        UNARY_SHAPES,
    ),
    Case(
        "log_softmax",
        lambda a: ag.log_softmax(a, axis=1),
        lambda a: torch.log_softmax(a, dim=1),
        [((3, 4),), ((2, 3, 4),)],
    ),
    Case(
        "reshape",
        lambda a: a.reshape(-1, 2) * 1.0,
        lambda a: a.reshape(-1, 2) * 1.0,
        [((3, 4),), ((2, 3, 4),)],
    ),
    Case("flatten", lambda a: a.flatten(1), lambda a: a.flatten(1), [((3, 4),), ((2, 3, 4),)]),
    Case(
        "transpose",
        lambda a: a.transpose(0, -1),
        lambda a: a.transpose(0, -1),
        [((3, 4),), ((2, 3, 4),)],
    ),
    Case("permute", lambda a: a.permute(2, 0, 1), lambda a: a.permute(2, 0, 1), [((2, 3, 4),)]),
    Case("T", lambda a: a.T @ a, lambda a: a.T @ a, [((3, 4),)]),
    Case(
        "expand",
        lambda a: a.expand(2, 3, 4),
        lambda a: a.expand(2, 3, 4),
        [((3, 1),), ((1, 4),), ((3, 4),)],
    ),
    Case(
        "unsqueeze_squeeze",
        lambda a: a.unsqueeze(1).squeeze(),
        lambda a: a.unsqueeze(1).squeeze(),
        [((3, 4),)],
    ),
    Case("getitem_basic", lambda a: a[1:, ::2], lambda a: a[1:, ::2], [((3, 4),), ((3, 5, 2),)]),
    Case("getitem_int", lambda a: a[-1, 1], lambda a: a[-1, 1], [((3, 4),)]),
    Case("getitem_array", lambda a: a[IDX], lambda a: a[torch.tensor(IDX)], [((3,),), ((3, 4),)]),
    Case(
        "getitem_pairs",
        lambda a: a[IDX, IDX[::-1].copy()],
        lambda a: a[torch.tensor(IDX), torch.tensor(IDX[::-1].copy())],
        [((3, 4),)],
    ),
    Case(
        "getitem_mixed",
        lambda a: a[:, IDX],
        lambda a: a[:, torch.tensor(IDX)],
        [((2, 3),), ((2, 3, 4),)],
    ),
    Case("getitem_bool", lambda a: a[MASK], lambda a: a[torch.tensor(MASK)], [((3,),), ((3, 2),)]),
    Case(
        "concat",
        lambda a, b: ag.concat([a, b, a], axis=0),
        lambda a, b: torch.cat([a, b, a], 0),
        [((2, 3), (4, 3)), ((1, 2, 2), (2, 2, 2))],
    ),
    Case(
        "concat_last",
        lambda a, b: ag.concat([a, b], axis=-1),
        lambda a, b: torch.cat([a, b], -1),
        [((2, 3), (2, 1))],
    ),
    Case(
        "stack",
        lambda a, b: ag.stack([a, b], axis=1),
        lambda a, b: torch.stack([a, b], 1),
        [((2, 3), (2, 3)), ((4,), (4,))],
    ),
    Case(
        "split",
        lambda a: ag.split(a, 2, axis=1)[1] * ag.split(a, [1, 3], axis=1)[0],
        lambda a: torch.split(a, 2, 1)[1] * torch.split(a, [1, 3], 1)[0],
        [((3, 4),)],
    ),
    Case(
        "pad",
        lambda a: ag.pad(a, (1, 2), value=0.5),
        lambda a: F.pad(a, (1, 2), value=0.5),
        [((3, 4),), ((2, 3, 4),)],
    ),
    Case(
        "pad_2d",
        lambda a: ag.pad(a, (1, 0, 2, 1)),
        lambda a: F.pad(a, (1, 0, 2, 1)),
        [((2, 3, 4),)],
    ),
    Case(
        "matmul",
        lambda a, b: a @ b,
        lambda a, b: a @ b,
        [
            ((3, 4), (4, 5)),
            ((2, 3, 4), (4, 5)),
            ((2, 3, 4), (2, 4, 5)),
            ((2, 1, 3, 4), (3, 4, 2)),
            ((4,), (4,)),
            ((4,), (2, 4, 3)),
            ((2, 3, 4), (4,)),
        ],
    ),
    Case(
        "linear",
        lambda x, w, b: ag.linear(x, w, b),
        F.linear,
        [((5, 3), (4, 3), (4,)), ((2, 5, 3), (4, 3), (4,))],
    ),
    Case("linear_nobias", lambda x, w: ag.linear(x, w), F.linear, [((5, 3), (4, 3))]),
    Case(
        "embedding",
        lambda w: ag.embedding(np.array([[1, 3], [3, 0]]), w),
        lambda w: F.embedding(torch.tensor([[1, 3], [3, 0]]), w),
        [((4, 3),), ((5, 1),)],
    ),
    Case(
        "bce_logits",
        lambda x, y: ag.binary_cross_entropy_with_logits_elementwise(x * 5, y),
        lambda x, y: F.binary_cross_entropy_with_logits(x * 5, y, reduction="none"),
        [((6,), (6,)), ((2, 3), (2, 3))],
    ),
    Case(
        "bce_logits_posw",
        lambda x, y: ag.binary_cross_entropy_with_logits_elementwise(x, y, POS_W),
        lambda x, y: F.binary_cross_entropy_with_logits(
            x, y, pos_weight=torch.tensor(POS_W), reduction="none"
        ),
        [((4, 3), (4, 3))],
    ),
]

CONV_CASES = [
    # (x shape, w shape, kwargs)
    ((2, 3, 6, 6), (4, 3, 3, 3), {}),
    ((2, 3, 7, 6), (4, 3, 3, 2), {"stride": 2, "padding": 1}),
    ((1, 2, 7, 7), (3, 2, 3, 3), {"dilation": 2, "padding": (2, 1)}),
    ((2, 4, 5, 5), (6, 2, 3, 3), {"groups": 2, "padding": 1}),
    ((1, 4, 5, 5), (4, 1, 3, 3), {"groups": 4, "stride": (1, 2)}),
    ((1, 2, 5, 6), (3, 2, 2, 3), {"padding": "same"}),
    ((2, 1, 4, 4), (2, 1, 1, 1), {}),
]

POOL_CASES = [
    ((2, 3, 6, 6), {"kernel_size": 2}),
    ((1, 2, 7, 5), {"kernel_size": 3, "stride": 2, "padding": 1}),
    ((1, 2, 5, 6), {"kernel_size": (2, 3), "stride": 1}),
]


@pytest.mark.parametrize(
    ("case", "shapes"),
    [(c, s) for c in CASES for s in c.shapes],
    ids=[f"{c.name}-{s}" for c in CASES for s in c.shapes],
)
def test_op_gradient_matches_torch_and_finite_differences(case, shapes, rng, parity):
    arrays = [_data(s, case.domain, rng) for s in shapes]
    if case.name.startswith("bce"):
        arrays[1] = rng.uniform(0, 1, shapes[1])  # targets are probabilities
    parity(case.ours, case.theirs, arrays, rng)


@pytest.mark.filterwarnings("ignore:Using padding='same'")  # torch's note about its own copy
@pytest.mark.parametrize(("xs", "ws", "kw"), CONV_CASES, ids=[str(c[2]) for c in CONV_CASES])
def test_conv2d_gradient_matches_torch(xs, ws, kw, rng, parity):
    arrays = [rng.standard_normal(xs), rng.standard_normal(ws), rng.standard_normal(ws[0])]
    parity(
        lambda x, w, b: ag.conv2d(x, w, b, **kw),
        lambda x, w, b: F.conv2d(x, w, b, **kw),
        arrays,
        rng,
    )


def test_conv2d_without_bias(rng, parity):
    parity(
        lambda x, w: ag.conv2d(x, w, stride=2),
        lambda x, w: F.conv2d(x, w, stride=2),
        [rng.standard_normal((2, 2, 5, 5)), rng.standard_normal((3, 2, 3, 3))],
        rng,
    )


@pytest.mark.parametrize(("xs", "kw"), POOL_CASES, ids=[str(c[1]) for c in POOL_CASES])
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pool2d_gradient_matches_torch(xs, kw, kind, rng, parity):
    ours = ag.max_pool2d if kind == "max" else ag.avg_pool2d
    theirs = F.max_pool2d if kind == "max" else F.avg_pool2d
    parity(lambda x: ours(x, **kw), lambda x: theirs(x, **kw), [rng.standard_normal(xs)], rng)


def test_max_pool_ties_go_to_the_first_maximum_like_torch(parity, rng):
    x = np.zeros((1, 1, 4, 4))  # every window is a tie (ReLU-dead activations look like this)
    out = ag.max_pool2d(ag.tensor(x, requires_grad=True), 2)
    t = torch.tensor(x, requires_grad=True)
    xs = ag.tensor(x, requires_grad=True)
    ag.max_pool2d(xs, 2).sum().backward()
    F.max_pool2d(t, 2).sum().backward()
    np.testing.assert_array_equal(xs.grad, t.grad.numpy())
    assert out.shape == (1, 1, 2, 2)


@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5), (3, 2, 4, 4)])
@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_gradient_matches_torch(shape, training, rng, parity):
    c = shape[1]
    rm, rv = rng.standard_normal(c), rng.uniform(0.5, 2, c)

    def ours(x, w, b):
        return ag.batch_norm(x, rm.copy(), rv.copy(), w, b, training=training, eps=1e-3)

    def theirs(x, w, b):
        return F.batch_norm(
            x, torch.tensor(rm), torch.tensor(rv), w, b, training=training, eps=1e-3
        )

    parity(
        ours,
        theirs,
        [rng.standard_normal(shape), rng.standard_normal(c), rng.standard_normal(c)],
        rng,
    )


def test_embedding_padding_row_gets_no_gradient_like_torch(rng, parity):
    idx = np.array([[1, 3], [3, 0]])
    parity(
        lambda w: ag.embedding(idx, w, padding_idx=3),
        lambda w: F.embedding(torch.tensor(idx), w, padding_idx=3),
        [rng.standard_normal((4, 3))],
        rng,
        fd=False,
    )  # padding_idx freezes a row on purpose


def test_dropout_gradient_is_the_mask_and_passes_gradcheck(rng, parity):
    def ours(x):
        return ag.dropout(x, 0.3, rng=np.random.default_rng(5))

    mask = ag.dropout(ag.tensor(np.ones((4, 5))), 0.3, rng=np.random.default_rng(5)).data
    assert set(np.unique(mask)) <= {0.0, 1 / 0.7}
    parity(ours, lambda x: x * torch.tensor(mask), [rng.standard_normal((4, 5))], rng)


def test_erf_matches_math_erf():
    import math

    xs = np.linspace(-7, 7, 2001)
    np.testing.assert_allclose(ag.erf(xs), [math.erf(v) for v in xs], rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(ag.erfc(xs), [math.erfc(v) for v in xs], rtol=1e-11, atol=0)


def test_case_count_covers_every_op():
    """Guard that the table stays broad: every public op appears in at least one case."""
    n = sum(len(c.shapes) for c in CASES) + len(CONV_CASES) + 1 + 2 * len(POOL_CASES) + 6 + 1
    names = {c.name.split("_")[0] for c in CASES}
    for op in [
        "add",
        "sub",
        "mul",
        "div",
        "pow",
        "neg",
        "exp",
        "log",
        "sqrt",
        "abs",
        "tanh",
        "sigmoid",
        "relu",
        "leaky",
        "gelu",
        "softplus",
        "maximum",
        "minimum",
        "where",
        "clip",
        "sum",
        "mean",
        "max",
        "min",
        "var",
        "logsumexp",
        "softmax",
        "log",
        "reshape",
        "flatten",
        "transpose",
        "permute",
        "expand",
        "getitem",
        "concat",
        "stack",
        "split",
        "pad",
        "matmul",
        "linear",
        "embedding",
        "bce",
    ]:
        assert op in names, op
    assert n >= 150


def _torch_lstm_cell(xp, h, c, w, b):
    i, f, g, o = (xp + h @ w.T + b).chunk(4, dim=-1)
    c2 = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.stack([torch.sigmoid(o) * torch.tanh(c2), c2])


@pytest.mark.parametrize("batch", [(2,), (3, 2)])
def test_fused_lstm_cell_matches_torch_composite(batch, rng, parity):
    shapes = [(*batch, 12), (*batch, 3), (*batch, 3), (12, 3), (12,)]
    parity(lambda *a: ag.stack(list(ag.lstm_cell(*a))), _torch_lstm_cell,
           [rng.standard_normal(s) for s in shapes], rng)  # fmt: skip
