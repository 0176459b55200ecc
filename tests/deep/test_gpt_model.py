"""GPT proofs: its two attention paths agree, it cannot see the future, the KV cache changes
nothing but the speed, and sampling draws from the distribution it claims."""

import math

import pytest
import torch

from groundup.deep.models import create
from groundup.deep.models.gpt import GPT, GPTConfig, KVCache, sample_next_token


@pytest.fixture(autouse=True)
def _one_thread():
    # tiny tensors: a second intra-op thread only adds barrier waits on a shared 2-core box
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def _model(impl="sdpa", dtype=torch.float64, seed=0, **kw):
    torch.manual_seed(seed)
    cfg = dict(vocab_size=23, block_size=16, n_layer=2, n_head=2, n_embd=16, attn_impl=impl)
    cfg.update(kw)
    return GPT(GPTConfig(**cfg)).to(dtype).eval()


def _idx(rng, b=2, t=10, vocab=23):
    return torch.from_numpy(rng.integers(0, vocab, size=(b, t)))


def test_create_contract_returns_logits_b_t_vocab(rng):
    model = create("gpt", vocab_size=31, n_layer=2, n_head=2, n_embd=16, block_size=8)
    assert isinstance(model, GPT)
    assert model(_idx(rng, 3, 8, 31)).shape == (3, 8, 31)


def test_sdpa_and_written_out_paths_agree(rng):
    fused, manual = _model("sdpa"), _model("manual")
    manual.load_state_dict(fused.state_dict())
    idx = _idx(rng)
    torch.testing.assert_close(manual(idx), fused(idx), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("impl", ["sdpa", "manual"])
def test_changing_a_later_token_never_changes_earlier_logits(rng, impl):
    model = _model(impl)
    idx = _idx(rng, 1, 12)
    base = model(idx)
    for t in range(11):
        changed = idx.clone()
        changed[0, t + 1] = (changed[0, t + 1] + 1) % 23
        out = model(changed)
        torch.testing.assert_close(out[:, : t + 1], base[:, : t + 1], rtol=0, atol=1e-12)
        assert not torch.allclose(out[:, t + 1], base[:, t + 1])


def test_cached_forward_equals_full_forward(rng):
    model = _model()
    idx = _idx(rng, 2, 12)
    full = model(idx)
    cache = KVCache(2)
    parts = [model(idx[:, :5], cache), model(idx[:, 5:6], cache), model(idx[:, 6:], cache)]
    torch.testing.assert_close(torch.cat(parts, 1), full, rtol=1e-10, atol=1e-10)
    assert cache.length == 12


@pytest.mark.parametrize("sampling", [dict(), dict(top_k=5), dict(top_p=0.9, temperature=0.7)])
def test_kv_cache_generation_equals_uncached_token_for_token(rng, sampling):
    model = _model()
    prompt = _idx(rng, 2, 3)
    # 30 new tokens run past block_size 16, so the sliding window is covered as well
    runs = [
        model.generate(
            prompt, 30, use_cache=c, generator=torch.Generator().manual_seed(9), **sampling
        )
        for c in (True, False)
    ]
    assert torch.equal(runs[0], runs[1])
    assert runs[0].shape == (2, 33)


def test_greedy_float32_cache_equals_uncached(rng):
    model = _model(dtype=torch.float32, seed=1)
    prompt = _idx(rng, 1, 4)
    a = model.generate(prompt, 20, temperature=0.0, use_cache=True)
    b = model.generate(prompt, 20, temperature=0.0, use_cache=False)
    assert torch.equal(a, b)


def test_weights_are_tied_and_residual_projections_scaled():
    model = _model(dtype=torch.float32, n_layer=8, n_embd=64, n_head=4, vocab_size=500)
    assert model.lm_head.weight is model.wte.weight
    proj = torch.cat([b.mlp.c_proj.weight.detach().flatten() for b in model.blocks])
    assert abs(float(proj.std()) - 0.02 / math.sqrt(16)) < 0.0005
    assert abs(float(model.wte.weight.detach().std()) - 0.02) < 0.001


def test_sampling_frequencies_follow_the_softmax():
    logits = torch.tensor([[0.0, 1.0, 2.0, -1.0]]).repeat(20000, 1)
    g = torch.Generator().manual_seed(0)
    draws = sample_next_token(logits, temperature=0.5, generator=g).flatten()
    freq = torch.bincount(draws, minlength=4).double() / len(draws)
    expected = torch.softmax(logits[0].double() / 0.5, 0)
    # binomial standard error ≤ 0.0036 at n = 20000: 5 σ
    torch.testing.assert_close(freq, expected, rtol=0, atol=0.018)


def test_top_k_top_p_and_greedy_restrict_the_support():
    logits = torch.log(torch.tensor([[0.5, 0.3, 0.15, 0.05]])).repeat(5000, 1)
    g = torch.Generator().manual_seed(1)
    assert set(sample_next_token(logits, top_k=2, generator=g).unique().tolist()) == {0, 1}
    # nucleus 0.7: 0.5 < 0.7 so token 1 joins; 0.8 ≥ 0.7 so token 2 does not
    assert set(sample_next_token(logits, top_p=0.7, generator=g).unique().tolist()) == {0, 1}
    assert sample_next_token(logits[:1], temperature=0.0).item() == 0


def test_estimate_mfu_is_flops_over_peak():
    model = _model(dtype=torch.float32)
    fpt = 6 * model.num_parameters() + 12 * 2 * 16 * 16
    assert model.flops_per_token() == fpt
    assert math.isclose(model.estimate_mfu(1000, 0.5, 1e9), fpt * 1000 / 0.5 / 1e9)


def test_bad_input_is_refused(rng):
    model = _model()
    with pytest.raises(ValueError, match="block_size"):
        model(_idx(rng, 1, 17))
    with pytest.raises(ValueError, match="B, T"):
        model(torch.zeros(5, dtype=torch.long))
    with pytest.raises(ValueError, match="divisible"):
        GPTConfig(n_embd=10, n_head=3)
    with pytest.raises(ValueError, match="temperature"):
        sample_next_token(torch.zeros(1, 3), temperature=-1)
    with pytest.raises(ValueError, match="top_p"):
        sample_next_token(torch.zeros(1, 3), top_p=0.0)
