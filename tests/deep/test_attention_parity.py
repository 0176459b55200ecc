"""Attention proofs: our written-out kernels equal PyTorch's (float64, 1e-6), masks do their job."""

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from groundup.deep.models.attention import (
    LearnedPositionalEmbedding,
    MultiHeadAttention,
    RotaryEmbedding,
    causal_mask,
    scaled_dot_product_attention,
    sinusoidal_encoding,
)

TOL = dict(rtol=1e-6, atol=1e-6)


@pytest.fixture(autouse=True)
def _one_thread():
    # tiny tensors: a second intra-op thread only adds barrier waits on a shared 2-core box
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def _qkv(rng, b=2, h=3, L=5, S=7, d=8):
    g = torch.Generator().manual_seed(int(rng.integers(1 << 30)))
    return (
        torch.randn(b, h, L, d, generator=g, dtype=torch.float64),
        torch.randn(b, h, S, d, generator=g, dtype=torch.float64),
        torch.randn(b, h, S, d, generator=g, dtype=torch.float64),
    )


def test_sdpa_matches_torch_unmasked(rng):
    q, k, v = _qkv(rng)
    torch.testing.assert_close(
        scaled_dot_product_attention(q, k, v), F.scaled_dot_product_attention(q, k, v), **TOL
    )


def test_sdpa_matches_torch_causal(rng):
    q, k, v = _qkv(rng, L=6, S=6)
    ours = scaled_dot_product_attention(q, k, v, is_causal=True)
    torch.testing.assert_close(ours, F.scaled_dot_product_attention(q, k, v, is_causal=True), **TOL)


@pytest.mark.parametrize("kind", ["bool", "float"])
def test_sdpa_matches_torch_with_mask(rng, kind):
    q, k, v = _qkv(rng)
    g = torch.Generator().manual_seed(1)
    mask = torch.rand(2, 1, 5, 7, generator=g) > 0.3
    mask[..., 0] = True  # every query keeps one key (an all-masked row is NaN in both)
    if kind == "float":
        mask = torch.randn(2, 1, 5, 7, generator=g, dtype=torch.float64)
    ours = scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=0.3)
    ref = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=0.3)
    torch.testing.assert_close(ours, ref, **TOL)


def test_sdpa_weights_rows_sum_to_one_and_zero_on_masked(rng):
    q, k, v = _qkv(rng, L=6, S=6)
    _, w = scaled_dot_product_attention(q, k, v, is_causal=True, return_weights=True)
    torch.testing.assert_close(w.sum(-1), torch.ones_like(w.sum(-1)), rtol=0, atol=1e-12)
    assert (w[..., ~causal_mask(6, 6)] == 0).all()


def _pair(rng, e=12, h=3, bias=True):
    torch.manual_seed(int(rng.integers(1 << 30)))
    ref = nn.MultiheadAttention(e, h, bias=bias, batch_first=True).double()
    ours = MultiHeadAttention(e, h, bias=bias).double()
    ours.load_state_dict(ref.state_dict())
    return ours, ref


@pytest.mark.parametrize("bias", [True, False])
def test_mha_matches_nn_multiheadattention_cross(rng, bias):
    ours, ref = _pair(rng, bias=bias)
    g = torch.Generator().manual_seed(2)
    x = torch.randn(2, 5, 12, generator=g, dtype=torch.float64)
    mem = torch.randn(2, 7, 12, generator=g, dtype=torch.float64)
    out, w = ours(x, mem, mem, need_weights=True)
    out_ref, w_ref = ref(x, mem, mem, need_weights=True)
    torch.testing.assert_close(out, out_ref, **TOL)
    torch.testing.assert_close(w, w_ref, **TOL)


def test_mha_matches_with_causal_and_padding_masks(rng):
    ours, ref = _pair(rng)
    g = torch.Generator().manual_seed(3)
    x = torch.randn(3, 6, 12, generator=g, dtype=torch.float64)
    pad = torch.zeros(3, 6, dtype=torch.bool)
    pad[1, 4:] = True  # the second sequence has 4 real tokens, the third 2
    pad[2, 2:] = True
    causal = torch.ones(6, 6, dtype=torch.bool).triu(1)  # True = forbidden, as in nn.MHA
    out, w = ours(x, x, x, key_padding_mask=pad, attn_mask=causal, need_weights=True)
    out_ref, w_ref = ref(x, x, x, key_padding_mask=pad, attn_mask=causal, need_weights=True)
    torch.testing.assert_close(out, out_ref, **TOL)
    torch.testing.assert_close(w, w_ref, **TOL)
    assert (w[1][:, 4:] == 0).all() and (w[2][:, 2:] == 0).all()


def test_mha_per_head_weights_and_sequence_first(rng):
    ours, ref = _pair(rng)
    ours.batch_first = ref.batch_first = False
    x = torch.randn(5, 2, 12, generator=torch.Generator().manual_seed(4), dtype=torch.float64)
    out, w = ours(x, x, x, need_weights=True, average_attn_weights=False)
    out_ref, w_ref = ref(x, x, x, need_weights=True, average_attn_weights=False)
    torch.testing.assert_close(out, out_ref, **TOL)
    torch.testing.assert_close(w, w_ref, **TOL)


def test_causal_attention_never_sees_the_future(rng):
    """Changing token t+1 … T never changes the output at positions ≤ t."""
    ours, _ = _pair(rng)
    g = torch.Generator().manual_seed(5)
    x = torch.randn(1, 8, 12, generator=g, dtype=torch.float64)
    base, _ = ours(x, x, x, is_causal=True)
    for t in range(7):
        y = x.clone()
        y[:, t + 1 :] = torch.randn(1, 7 - t, 12, generator=g, dtype=torch.float64)
        out, _ = ours(y, y, y, is_causal=True)
        torch.testing.assert_close(out[:, : t + 1], base[:, : t + 1], rtol=0, atol=1e-12)
        assert not torch.allclose(out[:, t + 1 :], base[:, t + 1 :])  # the future did change


def test_sinusoidal_table_matches_the_formula():
    pe = sinusoidal_encoding(50, 16).double()
    p, i = 37, 5
    assert math.isclose(pe[p, 2 * i], math.sin(p / 10000 ** (2 * i / 16)), abs_tol=1e-6)
    assert math.isclose(pe[p, 2 * i + 1], math.cos(p / 10000 ** (2 * i / 16)), abs_tol=1e-6)


def test_learned_positions_add_the_table_row_at_the_offset():
    emb = LearnedPositionalEmbedding(10, 4)
    x = torch.zeros(1, 3, 4)
    torch.testing.assert_close(emb(x, offset=2)[0], emb.weight[2:5].detach())
    with pytest.raises(ValueError, match="exceed"):
        emb(x, offset=8)


def test_rope_equals_complex_rotation(rng):
    """RoPE = multiplying each pair x₂ᵢ + i·x₂ᵢ₊₁ by e^{i·p·θᵢ} (the LLaMA reference form)."""
    rope = RotaryEmbedding(8)
    x = torch.randn(2, 3, 6, 8, generator=torch.Generator().manual_seed(6), dtype=torch.float64)
    theta = 10000.0 ** (-torch.arange(0, 8, 2, dtype=torch.float64) / 8)
    angles = torch.arange(4, 10, dtype=torch.float64)[:, None] * theta
    ref = torch.view_as_real(
        torch.view_as_complex(x.reshape(2, 3, 6, 4, 2))
        * torch.polar(torch.ones_like(angles), angles)
    ).flatten(-2)
    torch.testing.assert_close(rope(x, offset=4), ref, rtol=1e-12, atol=1e-12)


def test_rope_scores_depend_only_on_relative_position(rng):
    rope = RotaryEmbedding(16)
    g = torch.Generator().manual_seed(7)
    q, k = (
        torch.randn(16, generator=g, dtype=torch.float64),
        torch.randn(16, generator=g, dtype=torch.float64),
    )

    def score(m, n):
        qm = rope(q.view(1, 1, 16).expand(1, m + 1, 16).contiguous())[0, m]
        kn = rope(k.view(1, 1, 16).expand(1, n + 1, 16).contiguous())[0, n]
        return float(qm @ kn)

    assert math.isclose(score(3, 1), score(12, 10), rel_tol=1e-10)
    assert math.isclose(score(0, 0), float(q @ k), rel_tol=1e-12)
    assert not math.isclose(score(3, 1), score(3, 2), rel_tol=1e-3)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="not divisible"):
        MultiHeadAttention(10, 3)
    q = torch.zeros(1, 2, 4)
    with pytest.raises(ValueError, match="width"):
        scaled_dot_product_attention(q, torch.zeros(1, 2, 5), torch.zeros(1, 2, 5))
    with pytest.raises(ValueError, match="either"):
        scaled_dot_product_attention(
            q, q, q, attn_mask=torch.ones(2, 2, dtype=torch.bool), is_causal=True
        )
    with pytest.raises(ValueError, match="even"):
        RotaryEmbedding(5)
    with pytest.raises(ValueError, match="even"):
        sinusoidal_encoding(4, 3)
