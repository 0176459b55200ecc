"""Language-model pieces beside PyTorch's own, timed in one process (ratio = ours / reference).

- attention: our written-out softmax(QKᵀ/√d)V vs ``F.scaled_dot_product_attention``;
  our MultiHeadAttention vs ``nn.MultiheadAttention``; our Transformer vs ``nn.Transformer``
  (forward + backward, float32, equal weights — the max |difference| is printed too);
- GPT: the written-out attention path vs the fused one (a training step), and KV-cached vs
  uncached generation (same tokens, the ratio is the cache's speed-up);
- BPE: training a 4,096-token vocabulary on the standard-library corpus and encoding the
  held-out files (bytes per token); tiktoken's encodings are added when it is installed.

Run: ``python benchmarks/bench_lm.py`` (``--quick`` for smaller shapes and a 1,024-token BPE).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import torch
import torch.nn.functional as F
from rich.console import Console
from rich.table import Table
from torch import nn

from groundup.deep.models.attention import MultiHeadAttention, scaled_dot_product_attention
from groundup.deep.models.gpt import GPT, GPTConfig
from groundup.deep.models.transformer import Transformer


def _best(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _fwd_bwd(model: Callable[..., torch.Tensor], *args: torch.Tensor) -> Callable[[], None]:
    def run() -> None:
        out = model(*args)
        out = out[0] if isinstance(out, tuple) else out
        out.float().square().mean().backward()

    return run


def attention_rows(quick: bool, repeat: int) -> list[tuple[str, str, float, float, float]]:
    """(case, shape, ours s, reference s, max |diff|) for the attention kernels and modules."""
    rows = []
    b, h, t, d = (4, 4, 128, 32) if quick else (8, 8, 256, 64)
    g = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(b, h, t, d, generator=g, requires_grad=True) for _ in range(3))
    for causal in (False, True):
        diff = float(
            (
                scaled_dot_product_attention(q, k, v, is_causal=causal)
                - F.scaled_dot_product_attention(q, k, v, is_causal=causal)
            )
            .detach()
            .abs()
            .max()
        )
        ours = _best(
            _fwd_bwd(
                lambda q, k, v, c=causal: scaled_dot_product_attention(q, k, v, is_causal=c),
                q,
                k,
                v,
            ),
            repeat,
        )
        ref = _best(
            _fwd_bwd(
                lambda q, k, v, c=causal: F.scaled_dot_product_attention(q, k, v, is_causal=c),
                q,
                k,
                v,
            ),
            repeat,
        )
        rows.append((f"SDPA{' causal' if causal else ''}", f"{b}×{h}×{t}×{d}", ours, ref, diff))
    e = h * d
    torch.manual_seed(0)
    ref_mha = nn.MultiheadAttention(e, h, batch_first=True)
    our_mha = MultiHeadAttention(e, h)
    our_mha.load_state_dict(ref_mha.state_dict())
    x = torch.randn(b, t, e, generator=g)
    diff = float(
        (our_mha(x, x, x)[0] - ref_mha(x, x, x, need_weights=False)[0]).detach().abs().max()
    )
    rows.append(
        (
            "MultiheadAttention",
            f"{b}×{t}×{e}",
            _best(_fwd_bwd(lambda x: our_mha(x, x, x), x), repeat),
            _best(_fwd_bwd(lambda x: ref_mha(x, x, x, need_weights=False), x), repeat),
            diff,
        )
    )
    kw = dict(
        d_model=e,
        nhead=h,
        num_encoder_layers=2,
        num_decoder_layers=2,
        dim_feedforward=2 * e,
        dropout=0.0,
    )
    ref_tf = nn.Transformer(**kw, batch_first=True)  # type: ignore[arg-type]
    our_tf = Transformer(**kw)  # type: ignore[arg-type]
    our_tf.load_state_dict(ref_tf.state_dict())
    src, tgt = torch.randn(b, t, e, generator=g), torch.randn(b, t // 2, e, generator=g)
    mask = nn.Transformer.generate_square_subsequent_mask(t // 2)
    diff = float(
        (our_tf(src, tgt, tgt_mask=mask) - ref_tf(src, tgt, tgt_mask=mask)).detach().abs().max()
    )
    rows.append(
        (
            "Transformer 2+2 layers",
            f"{b}×{t}→{t // 2}×{e}",
            _best(_fwd_bwd(lambda s, t_: our_tf(s, t_, tgt_mask=mask), src, tgt), repeat),
            _best(_fwd_bwd(lambda s, t_: ref_tf(s, t_, tgt_mask=mask), src, tgt), repeat),
            diff,
        )
    )
    return rows


def gpt_rows(quick: bool, repeat: int) -> list[tuple[str, str, float, float, float]]:
    """Written-out vs fused attention inside a GPT step; cached vs uncached generation."""
    cfg = dict(vocab_size=170, block_size=128, n_layer=4, n_head=4, n_embd=128)
    torch.manual_seed(0)
    fused = GPT(GPTConfig(**cfg))  # type: ignore[arg-type]
    manual = GPT(GPTConfig(**cfg, attn_impl="manual"))  # type: ignore[arg-type]
    manual.load_state_dict(fused.state_dict())
    batch = 8 if quick else 32
    x = torch.randint(0, 170, (batch, 129))

    def step(model: GPT) -> Callable[[], None]:
        def run() -> None:
            F.cross_entropy(model(x[:, :-1]).flatten(0, 1), x[:, 1:].flatten()).backward()

        return run

    diff = float((manual(x[:, :-1]) - fused(x[:, :-1])).detach().abs().max())
    rows = [
        (
            "GPT step: written-out / fused attention",
            f"4L 128d, {batch}×128",
            _best(step(manual), repeat),
            _best(step(fused), repeat),
            diff,
        )
    ]
    fused.eval()
    prompt = torch.randint(0, 170, (1, 8))
    n_new = 60 if quick else 120

    def gen(cache: bool) -> Callable[[], torch.Tensor]:
        seed = torch.Generator().manual_seed(0)
        return lambda: fused.generate(prompt, n_new, top_k=10, use_cache=cache, generator=seed)

    same = torch.equal(gen(True)(), gen(False)())
    rows.append(
        (
            "generate: KV cache / no cache",
            f"{n_new} tokens",
            _best(gen(True), repeat),
            _best(gen(False), repeat),
            0.0 if same else float("nan"),
        )
    )
    return rows


def bpe_rows(quick: bool) -> list[list[str]]:
    """BPE training time and held-out compression (bytes per token)."""
    from groundup.datasets.corpus import stdlib_corpus
    from groundup.deep.text import BPETokenizer, CharTokenizer

    train, val = stdlib_corpus("train"), stdlib_corpus("val")
    n_bytes = len(val.encode("utf-8"))
    out = []
    char = CharTokenizer().train(train)
    char_ids = char.encode(val)
    char_exact = "yes" if char.decode(char_ids) == val else "no (unseen chars → U+FFFD)"
    out.append(
        ["char", str(char.vocab_size), "—", "—", f"{n_bytes / len(char_ids):.2f}", char_exact]
    )
    for size in (1024,) if quick else (1024, 4096):
        t0 = time.perf_counter()
        tok = BPETokenizer().train(train, size)
        t_train = time.perf_counter() - t0
        t0 = time.perf_counter()
        ids = tok.encode(val)
        t_enc = time.perf_counter() - t0
        exact = "yes" if tok.decode(ids) == val else "NO"
        out.append(
            [
                f"BPE {size}",
                str(size),
                f"{t_train:.1f}",
                f"{n_bytes / 1e6 / t_enc:.2f}",
                f"{n_bytes / len(ids):.2f}",
                exact,
            ]
        )
    try:
        import tiktoken

        for name in ("gpt2", "cl100k_base"):
            enc = tiktoken.get_encoding(name)
            t0 = time.perf_counter()
            n = len(enc.encode(val))
            t_enc = time.perf_counter() - t0
            out.append(
                [
                    f"tiktoken {name}",
                    str(enc.n_vocab),
                    "—",
                    f"{n_bytes / 1e6 / t_enc:.2f}",
                    f"{n_bytes / n:.2f}",
                    "—",
                ]
            )
    except Exception:  # noqa: BLE001 - not installed, or its vocabulary cannot be fetched offline
        out.append(["tiktoken", "not installed", "—", "—", "—", "—"])
    return out


def main(quick: bool = False) -> None:
    """Print the attention, GPT and tokenizer tables."""
    console = Console()
    repeat = 3 if quick else 5
    table = Table(
        title="Attention and GPT: ours / PyTorch (forward + backward, float32, best of runs)"
    )
    for col in ("case", "shape", "ours (ms)", "reference (ms)", "ratio", "max |diff|"):
        table.add_column(col)
    for case, shape, ours, ref, diff in attention_rows(quick, repeat) + gpt_rows(quick, repeat):
        table.add_row(
            case, shape, f"{ours * 1e3:.2f}", f"{ref * 1e3:.2f}", f"{ours / ref:.2f}", f"{diff:.1e}"
        )
    console.print(table)
    tok = Table(title="Tokenizers on the held-out standard-library files")
    for col in (
        "tokenizer",
        "vocabulary",
        "train (s)",
        "encode (MB/s)",
        "bytes/token",
        "round-trip",
    ):
        tok.add_column(col)
    for row in bpe_rows(quick):
        tok.add_row(*row)
    console.print(tok)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    main(quick=parser.parse_args().quick)
