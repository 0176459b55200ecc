"""The language-model run API end to end on a slice of the real standard-library corpus:
a tiny GPT learns (beats the unigram model), the run folder is complete and loadable
without pickle, generation streams exactly what it returns, and the baselines are right."""

import json
import lzma
import math
import zlib

import numpy as np
import pytest
import torch

from groundup.datasets.corpus import stdlib_files
from groundup.deep.checkpoint import latest_checkpoint
from groundup.deep.lm import baselines, bits_per_char, generate, load_run_model, train_gpt_run
from groundup.deep.models.gpt import GPT, GPTConfig

TINY = {
    "model": dict(n_layer=1, n_head=2, n_embd=32, block_size=32),
    "train": dict(batch_size=16, lr=1e-2, warmup_steps=5, num_threads=1),
    "eval_every": 20,
    "eval_windows": 16,
    "bpe_vocab_size": 300,
}


@pytest.fixture(autouse=True)
def _one_thread():
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


@pytest.fixture(scope="module")
def small_corpus():
    files = stdlib_files("train")
    texts = [f.read_text(errors="replace")[:6000] for f in files[:40]]
    val = [f.read_text(errors="replace")[:3000] for f in stdlib_files("val")[:4]]
    return "\n\n".join(texts), val


@pytest.fixture(scope="module")
def char_run(small_corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("lm") / "run"
    return train_gpt_run(small_corpus, "char", out=out, max_steps=60, config=TINY, quiet=True)


def test_char_run_learns_and_writes_a_complete_folder(char_run):
    for name in ("run.json", "tokenizer.json", "metrics.csv", "evaluation.json", "curve.png"):
        assert (char_run / name).is_file(), name
    result = json.loads((char_run / "evaluation.json").read_text())
    rows = (char_run / "metrics.csv").read_text().splitlines()
    assert rows[0] == "step,minutes,train_loss,val_bits_per_char" and len(rows) == 1 + 4
    first = float(rows[1].split(",")[3])
    # untrained: ~log2(vocab) bits; after 60 steps below the unigram entropy of the text
    assert first > 0.9 * math.log2(
        json.loads((char_run / "run.json").read_text())["model"]["vocab_size"]
    )
    assert result["val_bits_per_char"] < result["baseline_unigram"]
    assert result["steps"] == 60


def test_checkpoint_loads_without_pickle_and_scores_the_same(char_run, small_corpus):
    model, tok = load_run_model(char_run)
    ckpt = latest_checkpoint(char_run / "checkpoints")
    assert {p.suffix for p in ckpt.iterdir()} <= {".safetensors", ".json"}
    val_text = "\n\n".join(small_corpus[1])
    ids = tok.encode_array(val_text).astype(np.int64)
    result = json.loads((char_run / "evaluation.json").read_text())
    assert math.isclose(
        bits_per_char(model, ids, len(val_text)), result["val_bits_per_char"], rel_tol=1e-6
    )


def test_generate_streams_what_it_returns(char_run):
    pieces = []
    text = generate(char_run, "def ", max_new_tokens=25, stream=pieces.append, seed=3)
    assert "".join(pieces) == text and len(text) == 25
    again = generate(char_run, "def ", max_new_tokens=25, seed=3)
    assert again == text


def test_bpe_run_and_generation(small_corpus, tmp_path):
    run = train_gpt_run(
        small_corpus, "bpe", out=tmp_path / "bpe", max_steps=5, config=TINY, quiet=True
    )
    _, tok = load_run_model(run)
    assert tok.vocab_size == 300
    assert isinstance(generate(run, "import ", max_new_tokens=10, seed=0), str)


def test_strided_bits_per_char_equals_one_pass_when_the_text_fits():
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=7, block_size=16, n_layer=1, n_head=1, n_embd=8)).eval()
    ids = np.random.default_rng(0).integers(0, 7, 40)
    with torch.no_grad():
        logp = torch.log_softmax(model(torch.from_numpy(ids[None, :16])), -1)[0]
    exact = -float(logp[torch.arange(15), torch.from_numpy(ids[1:16])].sum()) / math.log(2) / 16
    assert math.isclose(bits_per_char(model, ids[:16], 16), exact, rel_tol=1e-6)
    # longer text: every one of the 39 targets scored exactly once (stride 8 or 16 agree in count)
    a = bits_per_char(model, ids, 40, stride=8)
    b = bits_per_char(model, ids, 40, stride=16)
    assert 0.5 * a < b < 2 * a


def test_baselines_match_direct_computation():
    train = "abcabcabd" * 50
    val = ["abcab", "cabd"]
    ref = baselines(train, val)
    assert math.isclose(
        ref["zlib9_per_file"],
        8 * (len(zlib.compress(b"abcab", 9)) + len(zlib.compress(b"cabd", 9))) / 9,
    )
    assert math.isclose(
        ref["xz9_per_file"], 8 * sum(len(lzma.compress(v.encode(), preset=9)) for v in val) / 9
    )
    # bigram by hand for "cabd": p(c) unigram, then p(a|c), p(b|a), p(d|b), add-1/2 over V=5
    V = 5
    n = {c: train.count(c) for c in "abcd"}
    pair = lambda x, y: sum(train[i : i + 2] == x + y for i in range(len(train) - 1))  # noqa: E731
    cnt = {c: sum(train[i] == c for i in range(len(train) - 1)) for c in "abcd"}
    lp = lambda x, y: math.log2((pair(x, y) + 0.5) / (cnt[x] + 0.5 * V))  # noqa: E731
    uni = lambda c: math.log2((n[c] + 0.5) / (len(train) + 0.5 * V))  # noqa: E731
    bits = -(uni("a") + lp("a", "b") + lp("b", "c") + lp("c", "a") + lp("a", "b"))
    bits += -(uni("c") + lp("c", "a") + lp("a", "b") + lp("b", "d"))
    assert math.isclose(ref["bigram"], bits / 9, rel_tol=1e-9)


def test_bad_arguments_are_refused(tmp_path, small_corpus):
    with pytest.raises(ValueError, match="tokenizer"):
        train_gpt_run(small_corpus, "words", out=tmp_path / "x")
    with pytest.raises(ValueError, match="corpus"):
        train_gpt_run("shakespeare", out=tmp_path / "y", max_steps=1)
    with pytest.raises(ValueError, match="unknown config"):
        train_gpt_run(small_corpus, out=tmp_path / "z", config={"nope": 1})
    with pytest.raises(FileNotFoundError, match="run folder"):
        generate(tmp_path, "x")
