"""The engine itself: graph traversal, accumulation, grad modes, freed buffers, bad input."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import groundup.autograd as ag


def test_reused_nodes_sum_their_gradients_like_torch(rng):
    a = rng.standard_normal((3, 4))
    x = ag.tensor(a, requires_grad=True)
    y = x * x  # y feeds three consumers, x feeds five
    z = (y * x + y.exp() * x - y / (1 + x * x)).sum()
    z.backward()
    t = torch.tensor(a, requires_grad=True)
    ty = t * t
    (ty * t + ty.exp() * t - ty / (1 + t * t)).sum().backward()
    np.testing.assert_allclose(x.grad, t.grad.numpy(), rtol=1e-12)


def test_diamond_graph_visits_each_node_once(rng):
    x = ag.tensor(rng.standard_normal(5), requires_grad=True)
    h = x
    for _ in range(20):  # 2^20 paths: exponential without memoised traversal
        h = h * 0.5 + h * 0.5
    h.sum().backward()
    np.testing.assert_allclose(x.grad, np.ones(5), rtol=1e-12)


def test_ten_thousand_op_chain_backpropagates_without_recursion():
    x = ag.tensor(np.array([0.3]), requires_grad=True)
    h = x
    for _ in range(10_000):
        h = h * 1.0001
    h.sum().backward()
    np.testing.assert_allclose(x.grad, [1.0001**10_000], rtol=1e-10)


def test_gradients_accumulate_until_zeroed(rng):
    x = ag.tensor(rng.standard_normal(3), requires_grad=True)
    (x * 2).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_allclose(x.grad, np.full(3, 5.0))
    x.zero_grad()
    assert x.grad is None
    (x * 4).sum().backward()
    np.testing.assert_allclose(x.grad, np.full(3, 4.0))


def test_broadcast_gradient_is_summed_back_to_the_input_shape(rng):
    x = ag.tensor(rng.standard_normal((1, 4)), requires_grad=True)
    b = ag.tensor(rng.standard_normal(()), requires_grad=True)
    (x * ag.tensor(np.ones((3, 1))) + b).sum().backward()
    np.testing.assert_allclose(x.grad, np.full((1, 4), 3.0))
    np.testing.assert_allclose(b.grad, 12.0)
    assert x.grad.shape == (1, 4) and b.grad.shape == ()


def test_no_grad_records_nothing_and_detach_cuts_the_graph(rng):
    x = ag.tensor(rng.standard_normal(3), requires_grad=True)
    with ag.no_grad():
        y = x * 2
        assert not ag.is_grad_enabled()
    assert ag.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    z = x.detach() * 2 + x
    assert z.requires_grad
    z.sum().backward()
    np.testing.assert_allclose(x.grad, np.ones(3))


def test_second_backward_through_freed_graph_is_a_clear_error(rng):
    x = ag.tensor(rng.standard_normal(3), requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_retain_graph_allows_a_second_backward(rng):
    x = ag.tensor(rng.standard_normal(3), requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad, 4 * x.data)


def test_backward_errors_name_the_problem(rng):
    x = ag.tensor(rng.standard_normal((2, 3)), requires_grad=True)
    with pytest.raises(RuntimeError, match=r"shape \(2, 3\)"):
        (x * 2).backward()
    with pytest.raises(RuntimeError, match="does not require grad"):
        ag.tensor([1.0, 2.0]).sum().backward()
    with pytest.raises(ValueError, match=r"grad has shape \(3,\).*shape \(2, 3\)"):
        (x * 2).backward(np.ones(3))


def test_non_scalar_backward_with_explicit_grad(rng):
    a = rng.standard_normal((2, 3))
    g = rng.standard_normal((2, 3))
    x = ag.tensor(a, requires_grad=True)
    ag.tanh(x).backward(g)
    np.testing.assert_allclose(x.grad, g * (1 - np.tanh(a) ** 2), rtol=1e-12)


def test_retain_grad_keeps_an_intermediate_gradient(rng):
    x = ag.tensor(rng.standard_normal(3), requires_grad=True)
    h = x * 3
    h.retain_grad()
    (h * h).sum().backward()
    np.testing.assert_allclose(h.grad, 2 * h.data)


def test_shape_mismatch_errors_name_both_shapes():
    a, b = ag.tensor(np.ones((3, 4))), ag.tensor(np.ones((5, 4)))
    with pytest.raises(ValueError, match=r"\(3, 4\) and \(5, 4\)"):
        a + b
    with pytest.raises(ValueError, match=r"\(3, 4\) and \(5, 4\)"):
        a @ b
    with pytest.raises(ValueError, match=r"\(3, 4\).*\(5, 4\)"):
        ag.concat([a, b], axis=1)
    with pytest.raises(ValueError, match=r"\(3, 4\).*\(5,\)"):
        ag.reshape(a, 5)


def test_bad_tensor_construction_is_refused():
    with pytest.raises(ValueError, match="could not be converted"):
        ag.tensor([[1.0, 2.0], [3.0]])
    with pytest.raises(TypeError, match="real numbers"):
        ag.tensor(["a", "b"])
    with pytest.raises(TypeError, match="floating-point"):
        ag.tensor([1, 2], requires_grad=True)


def test_invalid_op_arguments_are_refused():
    x = ag.tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match="axis 2 is out of range"):
        x.sum(axis=2)
    with pytest.raises(ValueError, match="empty"):
        ag.tensor(np.ones((0, 3))).mean()
    with pytest.raises(ValueError, match="min .* must not exceed max"):
        ag.clip(x, 1.0, 0.0)
    with pytest.raises(ValueError, match="dropout probability"):
        ag.dropout(x, 1.5)
    with pytest.raises(ValueError, match="degrees of freedom"):
        ag.var(ag.tensor(np.ones(1)), ddof=1)
    with pytest.raises(ValueError, match=r"4-D .* got shape \(2, 3\)"):
        ag.conv2d(x, ag.tensor(np.ones((1, 1, 1, 1))))
    with pytest.raises(ValueError, match="channels"):
        ag.conv2d(ag.tensor(np.ones((1, 2, 4, 4))), ag.tensor(np.ones((1, 3, 1, 1))))
    with pytest.raises(ValueError, match="larger than the padded input"):
        ag.max_pool2d(ag.tensor(np.ones((1, 1, 2, 2))), 3)
    with pytest.raises(IndexError, match="out of range for 4 embeddings"):
        ag.embedding(np.array([4]), ag.tensor(np.ones((4, 2))))


def test_default_dtype_is_float32_and_float64_is_kept():
    assert ag.tensor([1.0, 2.0]).dtype == np.float32
    assert ag.tensor(np.ones(2)).dtype == np.float64
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = ag.softmax(x * 2.5 + 1.0)  # Python scalars must not upcast
    y.backward(np.ones(2, dtype=np.float32))
    assert y.dtype == np.float32 and x.grad.dtype == np.float32


def test_graph_is_released_after_backward():
    import weakref

    x = ag.tensor(np.ones(4), requires_grad=True)
    h = ag.exp(x * 2)
    ref = weakref.ref(h)
    loss = h.sum()
    del h
    loss.backward()
    del loss
    assert ref() is None  # freed by reference counting alone: the graph holds no cycles


def test_slice_gradients_mix_with_dense_ones_like_torch(rng):
    """Indexing returns sparse gradients; mixed with dense ones on the same node they must add."""
    a = rng.standard_normal((5, 3))
    x = ag.tensor(a, requires_grad=True)
    y = x * 2.0
    z = (
        sum((y[t] * (t + 1)).sum() for t in range(5))
        + y.sum()
        + y[[0, 0, 4]].sum()
        + (y[1:3] ** 2).sum()
    )
    z.backward()
    t = torch.tensor(a, requires_grad=True)
    ty = t * 2.0
    tz = (
        sum((ty[k] * (k + 1)).sum() for k in range(5))
        + ty.sum()
        + ty[[0, 0, 4]].sum()
        + (ty[1:3] ** 2).sum()
    )
    tz.backward()
    np.testing.assert_allclose(x.grad, t.grad.numpy(), rtol=1e-12)
    leaf = ag.tensor(a, requires_grad=True)
    (leaf[0].sum() + leaf[[1, 1]].sum() + leaf.sum()).backward()  # sparse into a leaf
    expected = np.ones((5, 3))
    expected[0] += 1
    expected[1] += 2
    np.testing.assert_allclose(leaf.grad, expected)


def test_numpy_operands_defer_to_tensor_and_asarray_reads_values():
    t = ag.tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = np.array([3.0, 4.0]) * t  # ndarray on the left must still build a graph
    assert isinstance(y, ag.Tensor) and y.requires_grad
    y.sum().backward()
    np.testing.assert_allclose(t.grad, [3.0, 4.0])
    np.testing.assert_array_equal(np.asarray(t), [1.0, 2.0])
