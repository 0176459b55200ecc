"""BERT pieces: BERT's masking proportions, padding never leaks, the MLM loss sees only the
picked positions, the docstring task is built from the standard library."""

from __future__ import annotations

import pytest
import torch

from groundup.deep.models.bert import (
    BERT,
    CLS,
    MASK,
    PAD,
    BertConfig,
    WordVocab,
    docstring_dataset,
    mask_tokens,
)


@pytest.fixture(autouse=True)
def one_thread():  # type: ignore[no-untyped-def]
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_mask_tokens_follows_bert_proportions() -> None:
    g = torch.Generator().manual_seed(0)
    idx = torch.randint(4, 1000, (400, 250), generator=g)
    idx[:, 0] = CLS
    idx[:, -50:] = PAD
    out, target = mask_tokens(idx, 1000, generator=g)
    picked = target != -100
    real = idx > MASK
    # 15% of real tokens (±0.5%); [CLS] and [PAD] never picked
    assert abs(float(picked[real].float().mean()) - 0.15) < 0.005
    assert not picked[~real].any()
    torch.testing.assert_close(target[picked], idx[picked])
    masked = (out == MASK) & picked
    kept = (out == idx) & picked
    assert abs(float(masked.sum() / picked.sum()) - 0.8) < 0.01
    # kept: the 10% left alone plus the random draws that hit the same token (≈ 0.1%)
    assert abs(float(kept.sum() / picked.sum()) - 0.1) < 0.01
    assert torch.equal(out[~picked], idx[~picked])


def test_padding_does_not_change_the_real_tokens_outputs() -> None:
    torch.manual_seed(0)
    model = BERT(BertConfig(50, n_layer=2, n_head=2, n_embd=16, max_len=12, dropout=0.0), 3).eval()
    a = torch.tensor([[CLS, 5, 9, 17, 23]])
    b = torch.cat([a, torch.full((1, 7), PAD)], dim=1)
    with torch.no_grad():
        torch.testing.assert_close(model.encode(b)[:, :5], model.encode(a), atol=1e-5, rtol=1e-5)
        torch.testing.assert_close(model(b), model(a), atol=1e-5, rtol=1e-5)
    # and the encoder is bidirectional: a later token changes an earlier output
    c = a.clone()
    c[0, 4] = 31
    with torch.no_grad():
        assert not torch.allclose(model.encode(c)[:, 1], model.encode(a)[:, 1])


def test_mlm_loss_is_cross_entropy_on_picked_positions_and_learns() -> None:
    torch.manual_seed(0)
    model = BERT(BertConfig(30, n_layer=1, n_head=2, n_embd=32, max_len=16, dropout=0.0))
    # a deterministic language: token t+1 follows token t, so masked tokens are predictable
    start = torch.randint(4, 14, (256, 1))
    idx = torch.cat([torch.full((256, 1), CLS), start + torch.arange(15)], dim=1)
    g = torch.Generator().manual_seed(0)
    first = float(model.mlm_loss(idx, g).detach())
    # ln(vocab) = ln 30 ≈ 3.4 at the N(0, 0.02) init
    assert abs(first - 3.4) < 0.3, first
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(150):
        loss = model.mlm_loss(idx, g)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert float(loss.detach()) < 1.0, float(loss.detach())


def test_docstring_task_and_vocab() -> None:
    texts, labels, where = docstring_dataset(["json", "email"])
    assert set(labels) == {0, 1} and len(texts) == len(labels) == len(where)
    assert all(("json" in w) == (lab == 0) for w, lab in zip(where, labels, strict=True))
    vocab = WordVocab(texts, 200)
    ids = vocab.encode(["Return the JSON string.", ""], 6)
    assert ids.shape == (2, 6) and ids[0, 0] == CLS and ids[1, 1] == PAD
    with pytest.raises(ValueError, match="idx"):
        BERT(BertConfig(len(vocab), max_len=4)).encode(ids)
