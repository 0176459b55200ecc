"""Stage 4 (language): attention proven against PyTorch, tokenizers, a seq2seq Transformer,
a character GPT against compressors, and word2vec — all on the standard library's own source.

Every number is measured here: our attention beside ``F.scaled_dot_product_attention`` and
``nn.MultiheadAttention`` (float64), BPE compression on held-out files, exact match of a
Transformer reversing digit strings it has never seen, a char-level GPT's held-out bits per
character beside a bigram model, ``zlib -9`` and ``xz -9``, and word2vec's neighbours and
analogies. The quick version uses a slice of the corpus and tiny models; the full one trains
for a few minutes (the 10-minute GPT run is ``groundup train gpt``).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from groundup.journey.registry import JourneyContext, StageReport, Table, stage


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _corpus_slice(quick: bool) -> tuple[str, list[str]]:
    """(training text, held-out files): a slice of each split when quick, else everything."""
    from groundup.datasets.corpus import stdlib_corpus, stdlib_files

    if not quick:
        val = [f.read_bytes().decode("utf-8", "replace") for f in stdlib_files("val")]
        return stdlib_corpus("train"), val
    train = [f.read_bytes().decode("utf-8", "replace")[:8000] for f in stdlib_files("train")[:60]]
    val = [f.read_bytes().decode("utf-8", "replace")[:4000] for f in stdlib_files("val")[:6]]
    return "\n\n".join(train), val


def _attention_parity() -> Table:
    import torch
    import torch.nn.functional as F
    from torch import nn

    from groundup.deep.models.attention import MultiHeadAttention, scaled_dot_product_attention

    g = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(2, 4, 16, 8, generator=g, dtype=torch.float64) for _ in range(3))
    t = Table("Attention vs PyTorch's kernels (float64)", ["check", "max |ours − torch|"])
    for name, causal_flag in [("SDPA, no mask", False), ("SDPA, causal", True)]:
        ours_out = scaled_dot_product_attention(q, k, v, is_causal=causal_flag)
        diff = ours_out - F.scaled_dot_product_attention(q, k, v, is_causal=causal_flag)
        t.add(name, float(diff.abs().max()))
    torch.manual_seed(0)
    ref = nn.MultiheadAttention(32, 4, batch_first=True).double()
    ours = MultiHeadAttention(32, 4).double()
    ours.load_state_dict(ref.state_dict())
    x = torch.randn(3, 10, 32, generator=g, dtype=torch.float64)
    pad = torch.zeros(3, 10, dtype=torch.bool)
    pad[1, 6:] = True
    causal = torch.ones(10, 10, dtype=torch.bool).triu(1)
    a = ours(x, x, x, key_padding_mask=pad, attn_mask=causal)[0]
    b = ref(x, x, x, key_padding_mask=pad, attn_mask=causal, need_weights=False)[0]
    t.add("MultiheadAttention, causal + padding", float((a - b).detach().abs().max()))
    # the causal proof: perturb the future, measure the change in the past
    y = x.clone()
    y[:, 5:] += 1.0
    a2 = ours(y, y, y, attn_mask=causal)[0]
    a1 = ours(x, x, x, attn_mask=causal)[0]
    t.add(
        "causal: change in outputs ≤ t when tokens > t change",
        float((a2 - a1)[:, :5].detach().abs().max()),
    )
    return t


def _tokenizers(train: str, val: list[str], quick: bool) -> tuple[Table, dict[str, float]]:
    from groundup.deep.text import BPETokenizer, CharTokenizer

    t = Table(
        "Tokenizers on held-out standard-library files",
        [
            "tokenizer",
            "vocabulary",
            "train time (s)",
            "bytes/token",
            "chars/token",
            "round-trip exact",
        ],
    )
    text = "\n\n".join(val)
    n_bytes = len(text.encode("utf-8"))
    out: dict[str, float] = {}
    char = CharTokenizer().train(train)
    ids = char.encode(text)
    t.add(
        "char",
        char.vocab_size,
        0.0,
        n_bytes / len(ids),
        len(text) / len(ids),
        char.decode(ids) == text,
    )
    for size in (512,) if quick else (1024, 4096):
        start = time.perf_counter()
        bpe = BPETokenizer().train(train, size)
        seconds = time.perf_counter() - start
        ids = bpe.encode(text)
        exact = bpe.decode(ids) == text
        t.add(
            f"byte-level BPE {size}", size, seconds, n_bytes / len(ids), len(text) / len(ids), exact
        )
        out[f"bpe{size}_bytes_per_token"] = n_bytes / len(ids)
        out[f"bpe{size}_train_s"] = seconds
        out[f"bpe{size}_roundtrip"] = float(exact)
    try:
        import tiktoken  # noqa: F401  (a reference when installed)

        for enc_name in ("gpt2", "cl100k_base"):
            enc = tiktoken.get_encoding(enc_name)
            n = len(enc.encode(text))
            t.add(f"tiktoken {enc_name}", enc.n_vocab, "—", n_bytes / n, len(text) / n, "—")
    except Exception:  # noqa: BLE001 - not installed or its files cannot be fetched offline
        out["tiktoken_missing"] = 1.0
    return t, out


def _reversal(ctx: JourneyContext) -> tuple[Table, str, float]:
    from groundup.deep.models.transformer import train_reversal

    kw: dict[str, Any] = (
        dict(
            max_digits=3,
            steps=150,
            batch_size=64,
            lr=3e-3,
            d_model=32,
            layers=1,
            n_test=300,
            eval_every=75,
        )
        if ctx.quick
        else dict(max_digits=8, steps=800, batch_size=128, lr=2e-3, d_model=64, eval_every=100)
    )
    result = train_reversal(seed=ctx.seed, **kw)
    t = Table(
        "Seq2seq Transformer: reverse a digit string (fresh test strings, greedy decoding)",
        ["digits", "steps", "parameters", "exact match", "train time (s)"],
    )
    params = sum(p.numel() for p in result.model.parameters())
    t.add(f"1–{kw['max_digits']}", result.steps, params, result.exact_match, result.seconds)
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5, 3.2))
    ax.plot([s for s, _ in result.history], [a for _, a in result.history], "o-")
    ax.axhline(0.99, ls="--", color="grey", label="99 %")
    ax.set(xlabel="step", ylabel="exact match (fresh test strings)", ylim=(0, 1.02))
    ax.set_title("Transformer learns digit reversal")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path = ctx.figure_path("stage-4-language-reversal.png")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return t, str(path.relative_to(ctx.reports_dir)), result.exact_match


def _gpt(ctx: JourneyContext, train: str, val: list[str]) -> tuple[Table, str, dict[str, Any], str]:
    import json
    import shutil

    from groundup.deep.lm import generate, train_gpt_run

    config: dict[str, Any]
    if ctx.quick:
        config = {
            "model": dict(n_layer=2, n_head=2, n_embd=48, block_size=48),
            "train": dict(batch_size=16, lr=1e-2, warmup_steps=5, num_threads=1),
            "eval_every": 20,
            "eval_windows": 16,
        }
        budget: dict[str, Any] = dict(max_steps=80)
    else:
        config = {
            "model": dict(n_layer=3, n_head=4, n_embd=128, block_size=64),
            "train": dict(lr=3e-3, warmup_steps=30, precision="bf16"),
            "eval_every": 50,
            "eval_windows": 32,
        }
        budget = dict(max_minutes=2.0)
    with tempfile.TemporaryDirectory() as tmp:
        run = train_gpt_run(
            (train, val),
            "char",
            out=Path(tmp) / "gpt",
            seed=ctx.seed,
            config=config,
            quiet=True,
            **budget,
        )
        result = json.loads((run / "evaluation.json").read_text())
        sample = generate(run, "def ", max_new_tokens=120 if ctx.quick else 300, seed=ctx.seed)
        path = ctx.figure_path("stage-4-language-gpt.png")
        shutil.copy(run / "curve.png", path)
    t = Table(
        "Char-level GPT: held-out bits per character (lower is better)",
        ["model", "bits/char", "note"],
    )
    t.add(
        f"GPT ({result['parameters']:,} params)",
        result["val_bits_per_char"],
        f"{result['steps']} steps, {result['train_minutes']:.1f} min, {result['tokens_per_s']:,.0f} tokens/s",
    )
    t.add("char unigram", result["baseline_unigram"], "frequencies of the training text")
    t.add("char bigram", result["baseline_bigram"], "add-½ smoothing")
    t.add("zlib -9, each file", result["baseline_zlib9_per_file"], "")
    t.add("xz -9, each file", result["baseline_xz9_per_file"], "")
    t.add("xz -9, files concatenated", result["baseline_xz9_concat"], "stretch target")
    return t, str(path.relative_to(ctx.reports_dir)), result, sample


def _word2vec(train: str, quick: bool) -> tuple[list[Table], dict[str, Any]]:
    from groundup.deep.text.word2vec import Word2Vec, tokenize_words

    words = tokenize_words(train)
    model = Word2Vec(
        dim=32 if quick else 64,
        max_vocab=2000 if quick else 8000,
        min_count=3 if quick else 5,
        epochs=2 if quick else 1,
        batch_size=2048 if quick else 8192,
        lr=0.01,
    ).fit(words)
    probes = [
        w
        for w in ("true", "encode", "first", "start", "read", "min", "open", "error")
        if w in model.index_
    ]
    t = Table(
        f"word2vec (skip-gram, negative sampling) on {len(words):,} words, vocabulary {len(model.vocab_):,}",
        ["word", "nearest neighbours (cosine)"],
    )
    for w in probes:
        t.add(w, ", ".join(f"{n} {s:.2f}" for n, s in model.most_similar(w, 5)))
    a = Table(
        "word2vec analogies a : b :: c : ?", ["a : b :: c", "expected", "top 5", "hit@1", "hit@5"]
    )
    hits1 = hits5 = tried = 0
    for q in [
        ("min", "max", "first", "last"),
        ("read", "reader", "write", "writer"),
        ("encode", "decode", "compress", "decompress"),
        ("get", "set", "read", "write"),
        ("open", "close", "start", "stop"),
        ("true", "false", "yes", "no"),
    ]:
        if not all(w in model.index_ for w in q):
            continue
        top = [n for n, _ in model.analogy(*q[:3], k=5)]
        tried += 1
        hits1 += top[0] == q[3]
        hits5 += q[3] in top
        a.add(f"{q[0]} : {q[1]} :: {q[2]}", q[3], ", ".join(top), top[0] == q[3], q[3] in top)
    return [t, a], {"analogies": tried, "hit1": hits1, "hit5": hits5, "seconds": model.seconds_}


@stage(4, "Advanced deep learning", part="language")
def run(ctx: JourneyContext) -> StageReport:
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1 if ctx.quick else threads)
    try:
        ctx.console.print("  language: attention parity")
        tables = [_attention_parity()]
        train, val = _corpus_slice(ctx.quick)
        ctx.console.print("  language: tokenizers")
        tok_table, tok = _tokenizers(train, val, ctx.quick)
        tables.append(tok_table)
        ctx.console.print("  language: seq2seq Transformer (digit reversal)")
        rev_table, rev_fig, exact = _reversal(ctx)
        tables.append(rev_table)
        ctx.console.print("  language: char GPT vs compressors")
        gpt_table, gpt_fig, gpt, sample = _gpt(ctx, train, val)
        tables.append(gpt_table)
        ctx.console.print("  language: word2vec")
        w2v_tables, w2v = _word2vec(train, ctx.quick)
        tables += w2v_tables
    finally:
        torch.set_num_threads(threads)
    notes = [
        f"Seq2seq exact match {exact:.2%}; GPT held-out {gpt['val_bits_per_char']:.3f} bits/char "
        f"vs bigram {gpt['baseline_bigram']:.3f}, zlib -9 {gpt['baseline_zlib9_per_file']:.3f}, "
        f"xz -9 per file {gpt['baseline_xz9_per_file']:.3f}.",
        f"word2vec analogies: {w2v['hit1']}/{w2v['analogies']} right at rank 1, "
        f"{w2v['hit5']}/{w2v['analogies']} in the top 5.",
        "GPT sample (prompt 'def ', temperature 0.8):\n\n```python\ndef " + sample + "\n```",
    ]
    if tok.get("tiktoken_missing"):
        notes.append("tiktoken is not installed here, so its gpt2/cl100k rows are absent.")
    return StageReport(tables=tables, figures=[rev_fig, gpt_fig], notes=notes)
