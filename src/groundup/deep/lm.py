"""Train a GPT on the standard-library corpus and generate from it: the API behind
``groundup train gpt`` and ``groundup generate``.

Held-out quality is measured in bits per character,
    bpc = −(1/N_chars) Σₜ log₂ p(x_{t+1} | x_{t−T+1 … t}),
the cross-entropy of the model on the held-out files (whole files never seen in training),
scored with overlapping windows so that every scored token has at least T/2 tokens of context.
Beside it stand a character bigram model (add-½ smoothing), ``zlib -9`` and ``xz -9`` run on
each held-out file on its own (the fair comparison for a model with a bounded context) and
``xz -9`` on all held-out files concatenated. A run folder holds ``run.json``, the tokenizer
(``tokenizer.json``), ``checkpoints/`` (safetensors + JSON, no pickle), ``metrics.csv`` (the
curve: step, minutes, train loss, held-out bits/char), ``evaluation.json`` and ``curve.png``.
See docs/notes/gpt.md.
"""

from __future__ import annotations

import codecs
import json
import lzma
import math
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from groundup.deep.callbacks import Callback
from groundup.deep.checkpoint import atomic_write_bytes, latest_checkpoint, load_checkpoint
from groundup.deep.config import TrainConfig
from groundup.deep.models.gpt import GPT, GPTConfig
from groundup.deep.text import BPETokenizer, CharTokenizer, Tokenizer, load_tokenizer
from groundup.deep.train import Trainer, seed_everything

__all__ = [
    "DEFAULT_CONFIG",
    "baselines",
    "bits_per_char",
    "generate",
    "load_run_model",
    "train_gpt_run",
]

# A 0.6 M-parameter char model: the shape measured in 10 minutes on 2 shared CPU cores
# (bf16 autocast was 1.7x faster than fp32 there; on a CPU without bf16 units use "fp32").
DEFAULT_CONFIG: dict[str, Any] = {
    "model": dict(n_layer=3, n_head=4, n_embd=128, block_size=64, dropout=0.0),
    "train": dict(
        batch_size=32,
        lr=3e-3,
        weight_decay=0.1,
        warmup_steps=30,
        grad_clip=1.0,
        min_lr_ratio=0.1,
        precision="bf16",
        num_threads=None,
    ),
    "bpe_vocab_size": 1024,
    "eval_every": 50,  # optimiser steps between points of the curve
    "eval_windows": 96,  # evenly spaced held-out windows scored for each point of the curve
    "max_minutes": 10.0,  # when neither max_minutes nor max_steps is given
}


# --------------------------------------------------------------------------------- corpus
def _corpus(name: str | tuple[str, list[str]]) -> tuple[str, list[str]]:
    """(training text, held-out file texts) of a named corpus, or the pair itself."""
    if isinstance(name, tuple):
        train_text, val = name
        if not train_text or not val or not all(isinstance(v, str) for v in val):
            raise ValueError("a custom corpus is (non-empty train text, non-empty list of str)")
        return train_text, list(val)
    if name != "stdlib":
        raise ValueError(f"unknown corpus {name!r}; the one available offline is 'stdlib'")
    from groundup.datasets.corpus import stdlib_corpus, stdlib_files

    train = stdlib_corpus("train")
    val_files = [f.read_bytes().decode("utf-8", errors="replace") for f in stdlib_files("val")]
    return train, val_files


def _encode(tok: Tokenizer, text: str) -> np.ndarray:
    return tok.encode_array(text).astype(np.int64)


# --------------------------------------------------------------------------------- metrics
def baselines(train_text: str, val_files: list[str]) -> dict[str, float]:
    """Held-out bits per character of the reference compressors and n-gram models.

    bigram: p(c | b) = (n(b, c) + ½) / (n(b) + ½·V) over the training characters (unseen ones
    mapped to one unknown symbol); zlib/xz per file: 8 · Σ compressed bytes / Σ characters,
    each file compressed on its own; xz concatenated: the files joined by blank lines.

    Parameters
    ----------
    train_text : str
        Training text (for the n-gram counts).
    val_files : list of str
        Held-out files.

    Returns
    -------
    dict
        ``unigram``, ``bigram``, ``zlib9_per_file``, ``xz9_per_file``, ``xz9_concat`` in bits
        per character, and ``n_chars``.
    """
    if not val_files:
        raise ValueError("val_files is empty")
    n_chars = sum(len(f) for f in val_files)
    if n_chars == 0:
        raise ValueError("the held-out files hold no characters")
    tok = CharTokenizer().train(train_text)
    V = tok.vocab_size
    tr = tok.encode_array(train_text).astype(np.int64)
    uni = np.bincount(tr, minlength=V) + 0.5
    big = np.bincount(tr[:-1] * V + tr[1:], minlength=V * V).reshape(V, V) + 0.5
    big_logp = np.log2(big / big.sum(1, keepdims=True))
    uni_logp = np.log2(uni / uni.sum())
    bits_uni = bits_big = 0.0
    for text in val_files:
        ids = tok.encode_array(text).astype(np.int64)
        if len(ids) == 0:
            continue
        bits_uni -= float(uni_logp[ids].sum())
        # each file's first character is scored by the unigram (no left neighbour)
        bits_big -= float(uni_logp[ids[0]] + big_logp[ids[:-1], ids[1:]].sum())
    raw = [f.encode("utf-8", errors="surrogatepass") for f in val_files]
    zl = sum(len(zlib.compress(b, 9)) for b in raw)
    xz = sum(len(lzma.compress(b, preset=9)) for b in raw)
    xz_cat = len(lzma.compress("\n\n".join(val_files).encode("utf-8", "surrogatepass"), preset=9))
    return {
        "unigram": bits_uni / n_chars,
        "bigram": bits_big / n_chars,
        "zlib9_per_file": 8 * zl / n_chars,
        "xz9_per_file": 8 * xz / n_chars,
        "xz9_concat": 8 * xz_cat / (n_chars + 2 * (len(val_files) - 1)),
        "n_chars": float(n_chars),
    }


@torch.no_grad()
def bits_per_char(
    model: GPT,
    ids: np.ndarray,
    n_chars: int,
    *,
    stride: int | None = None,
    batch_size: int = 64,
    max_windows: int | None = None,
) -> float:
    """Held-out bits per character of ``model`` on the token sequence ``ids``.

    Windows of T = block_size tokens start every ``stride`` (T/2 by default) tokens; the first
    window scores all its predictions, every later one only its last ``stride`` — so each
    token is predicted once, after ≥ T − stride tokens of context. bpc = Σ −log₂ p / n_chars.

    Parameters
    ----------
    model : GPT
        The model (evaluated in eval mode).
    ids : np.ndarray
        Token ids of the held-out text.
    n_chars : int
        Characters of that text (= tokens for a char tokenizer).
    stride : int, optional
        Step between windows.
    batch_size : int
        Windows per forward pass.
    max_windows : int, optional
        Score only this many evenly spaced windows (a quick estimate for the curve that
        covers every part of the text); the result is then bits per *token* scaled by the
        tokens/char of the whole text.
    """
    T = model.config.block_size
    stride = T // 2 if stride is None else stride
    if not 0 < stride <= T:
        raise ValueError(f"stride must lie in 1..{T}, got {stride}")
    n = len(ids)
    if n < 2:
        raise ValueError(f"need at least 2 held-out tokens, got {n}")
    span = min(T, n - 1)
    starts = np.arange(0, max(n - 1 - span, 0) + 1, stride)
    if starts[-1] != n - 1 - span:  # make the last window end at the last token
        starts = np.append(starts, n - 1 - span)
    # scored positions of each window: window i scores targets it has not scored before
    first_new = np.concatenate(([0], starts[:-1] + span - starts[1:]))
    first_new = np.clip(first_new, 0, span)
    sample = max_windows is not None and max_windows < len(starts)
    order = np.arange(len(starts))
    if sample:
        assert max_windows is not None
        order = np.unique(np.linspace(0, len(starts) - 1, max_windows).round().astype(np.int64))
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    offsets = np.arange(span + 1)
    nats, scored = 0.0, 0
    try:
        for b in range(0, len(order), batch_size):
            sel = order[b : b + batch_size]
            win = torch.from_numpy(ids[starts[sel, None] + offsets]).to(device)
            logp = F.log_softmax(model(win[:, :-1]).float(), dim=-1)
            tok_logp = logp.gather(-1, win[:, 1:, None]).squeeze(-1)
            keep = (
                torch.arange(span, device=device)[None, :]
                >= torch.from_numpy(first_new[sel]).to(device)[:, None]
            )
            nats -= float(tok_logp[keep].sum())
            scored += int(keep.sum())
    finally:
        model.train(was_training)
    bits_per_token = nats / math.log(2) / scored
    return bits_per_token * (n - 1) / n_chars if sample else nats / math.log(2) / n_chars


# --------------------------------------------------------------------------------- training
class _Curve(Callback):
    """Every ``every`` steps: the mean training loss since the last point, the held-out bits
    per character on a fixed window subset, and the elapsed minutes; stops at the deadline."""

    def __init__(
        self,
        run_dir: Path,
        model: GPT,
        val_ids: np.ndarray,
        val_chars: int,
        every: int,
        windows: int,
        deadline: float | None,
        start: float,
        losses: list[float],
    ) -> None:
        self.run_dir, self.model, self.val_ids, self.val_chars = run_dir, model, val_ids, val_chars
        self.every, self.windows, self.deadline, self.start = every, windows, deadline, start
        self.losses = losses
        self.rows: list[dict[str, float]] = []

    def point(self, step: int) -> None:
        bpc = bits_per_char(self.model, self.val_ids, self.val_chars, max_windows=self.windows)
        train_loss = float(np.mean(self.losses)) if self.losses else float("nan")
        self.losses.clear()
        self.rows.append(
            {
                "step": step,
                "minutes": (time.perf_counter() - self.start) / 60,
                "train_loss": train_loss,
                "val_bits_per_char": bpc,
            }
        )
        lines = ["step,minutes,train_loss,val_bits_per_char"]
        lines += [
            f"{r['step']:.0f},{r['minutes']:.4f},{r['train_loss']:.5f},{r['val_bits_per_char']:.5f}"
            for r in self.rows
        ]
        atomic_write_bytes(self.run_dir / "metrics.csv", ("\n".join(lines) + "\n").encode())

    def on_step_end(self, trainer: Trainer, step: int, logs: dict[str, float]) -> None:
        now = time.perf_counter()
        late = self.deadline is not None and now > self.deadline
        if step % self.every == 0 or late or step >= trainer.total_steps:
            self.point(step)
            if self.deadline is not None and not late:
                # re-plan on a shared machine: if the steps so far were slower than the probe
                # said, end (and finish the cosine decay) at the step the deadline allows
                per_step = (time.perf_counter() - self.start) / step
                fit = step + int((self.deadline - time.perf_counter()) / per_step)
                if fit < trainer.total_steps:
                    trainer.total_steps = max(step + 1, fit)
                    trainer.lr_factor.total = trainer.total_steps
        if late and step < trainer.total_steps:
            trainer.total_steps = step  # the Trainer ends the epoch (and checkpoints) here


def _merge_config(config: dict[str, Any] | None) -> dict[str, Any]:
    cfg = json.loads(json.dumps(DEFAULT_CONFIG))
    for key, value in (config or {}).items():
        if key not in cfg:
            raise ValueError(f"unknown config key {key!r}; known: {sorted(cfg)}")
        if isinstance(cfg[key], dict):
            if not isinstance(value, dict):
                raise TypeError(f"config[{key!r}] must be a dict, got {type(value).__name__}")
            unknown = (
                set(value) - set(cfg[key]) - ({"bias", "attn_impl"} if key == "model" else set())
            )
            if key == "train":
                unknown -= set(TrainConfig.__dataclass_fields__)
            if unknown:
                raise ValueError(f"unknown config[{key!r}] keys {sorted(unknown)}")
            cfg[key].update(value)
        else:
            cfg[key] = value
    return cfg


def _time_steps(model: GPT, tcfg: TrainConfig, vocab: int, n: int = 3) -> float:
    """Seconds per optimiser step of ``model`` (measured on a throwaway copy)."""
    import copy

    probe = copy.deepcopy(model)
    opt = torch.optim.AdamW(probe.parameters(), lr=1e-4)
    T = model.config.block_size
    x = torch.randint(0, vocab, (tcfg.batch_size, T + 1))
    times = []
    autocast = torch.autocast("cpu", dtype=torch.bfloat16, enabled=tcfg.precision == "bf16")
    for _ in range(n + 1):
        t0 = time.perf_counter()
        with autocast:
            out = probe(x[:, :-1])
        loss = F.cross_entropy(out.float().flatten(0, 1), x[:, 1:].flatten())
        opt.zero_grad()
        loss.backward()
        opt.step()
        times.append(time.perf_counter() - t0)
    return float(np.median(times[1:]))  # the first step pays one-off allocation costs


def train_gpt_run(
    corpus: str | tuple[str, list[str]] = "stdlib",
    tokenizer: str = "char",
    out: Path | None = None,
    max_minutes: float | None = None,
    max_steps: int | None = None,
    seed: int = 0,
    config: dict[str, Any] | None = None,
    quiet: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Train a GPT language model on ``corpus`` into a run folder and return the folder.

    The step budget is ``max_steps``, or what fits into ``max_minutes`` at the measured speed
    (so the learning-rate schedule completes), whichever is smaller; a deadline callback
    stops training at ``max_minutes`` in any case. Training windows of block_size + 1 tokens
    are drawn at seeded random offsets of the training text. See docs/notes/gpt.md.

    Parameters
    ----------
    corpus : str or (str, list of str)
        "stdlib" (the Python standard library's source; ~5 % of files held out), or a custom
        (training text, held-out file texts) pair.
    tokenizer : {"char", "bpe"}
        Character tokens or byte-level BPE (``config["bpe_vocab_size"]`` tokens).
    out : Path, optional
        Run folder; ``runs/gpt-<corpus>-<tokenizer>-seed<seed>`` by default.
    max_minutes : float, optional
        Wall-clock budget of training (tokenizer and final evaluation not included).
    max_steps : int, optional
        Optimiser steps.
    seed : int
        Seeds initialisation and data order (the held-out split is fixed).
    config : dict, optional
        Overrides of :data:`DEFAULT_CONFIG` (``{"model": {...}, "train": {...}, ...}``).
    quiet : bool
        No progress output.
    progress : callable, optional
        Receives one-line status messages (printed when not quiet and none is given).

    Returns
    -------
    Path
        The run folder.
    """
    if tokenizer not in ("char", "bpe"):
        raise ValueError(f"tokenizer must be 'char' or 'bpe', got {tokenizer!r}")
    if max_minutes is not None and not (math.isfinite(max_minutes) and max_minutes > 0):
        raise ValueError(f"max_minutes must be finite and > 0, got {max_minutes!r}")
    if max_steps is not None and (not isinstance(max_steps, int) or max_steps < 1):
        raise ValueError(f"max_steps must be a positive integer, got {max_steps!r}")
    cfg = _merge_config(config)
    if max_minutes is None and max_steps is None:
        max_minutes = float(cfg["max_minutes"])
    say = progress or ((lambda m: None) if quiet else print)
    name = corpus if isinstance(corpus, str) else "custom"
    run_dir = Path(out) if out is not None else Path("runs") / f"gpt-{name}-{tokenizer}-seed{seed}"
    if (run_dir / "run.json").exists():
        raise FileExistsError(f"{run_dir} already holds a run; pass another out")
    run_dir.mkdir(parents=True, exist_ok=True)

    train_text, val_files = _corpus(corpus)
    val_text = "\n\n".join(val_files)
    t0 = time.perf_counter()
    tok: Tokenizer
    if tokenizer == "char":
        tok = CharTokenizer().train(train_text)
    else:
        tok = BPETokenizer().train(train_text, int(cfg["bpe_vocab_size"]))
    tok.save(run_dir / "tokenizer.json")
    train_ids, val_ids = _encode(tok, train_text), _encode(tok, val_text)
    say(
        f"tokenizer {tokenizer}: {tok.vocab_size} tokens, {len(train_ids):,} training tokens, "
        f"{len(val_text) / len(val_ids):.2f} chars/token held out ({time.perf_counter() - t0:.1f} s)"
    )

    seed_everything(seed)
    model_cfg = GPTConfig(vocab_size=tok.vocab_size, **cfg["model"])
    model = GPT(model_cfg)
    tcfg_fields = dict(cfg["train"], seed=seed, epochs=None, max_steps=1, progress=not quiet)
    threads = tcfg_fields.get("num_threads")
    if threads is not None:
        torch.set_num_threads(int(threads))
    steps = max_steps
    start = time.perf_counter()
    deadline = None if max_minutes is None else start + 60 * max_minutes
    if max_minutes is not None:
        step_s = _time_steps(model, TrainConfig(**tcfg_fields), tok.vocab_size)
        every, windows = int(cfg["eval_every"]), int(cfg["eval_windows"])
        eval_s = step_s * windows / tcfg_fields["batch_size"] / 2  # forward only ≈ ⅓ of a step
        budget = 60 * max_minutes - (time.perf_counter() - start)
        fit = int(budget / (step_s * (1 + 1 / every) + eval_s / every))
        steps = max(1, fit if steps is None else min(steps, fit))
        say(f"{step_s:.3f} s/step measured: {steps} steps fit into {max_minutes:g} minutes")
    assert steps is not None
    tcfg = TrainConfig(**dict(tcfg_fields, max_steps=steps, checkpoint_every=max(steps // 4, 1)))

    T, B = model_cfg.block_size, tcfg.batch_size
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, len(train_ids) - T - 1, size=steps * B)
    windows_ = train_ids[starts[:, None] + np.arange(T + 1)]
    X, Y = torch.from_numpy(windows_[:, :-1]), torch.from_numpy(windows_[:, 1:])
    vstarts = np.random.default_rng(seed + 1).integers(0, len(val_ids) - T - 1, size=B)
    vwin = val_ids[vstarts[:, None] + np.arange(T + 1)]
    val_data = (torch.from_numpy(vwin[:, :-1]), torch.from_numpy(vwin[:, 1:]))

    losses: list[float] = []

    def loss_fn(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        loss = F.cross_entropy(logits.flatten(0, 1), y.flatten())
        if logits.requires_grad:  # training batches feed the curve's train loss
            losses.append(float(loss.detach()))
        return loss

    spec = {
        "kind": "gpt-lm",
        "corpus": name,
        "tokenizer": tokenizer,
        "seed": seed,
        "model": model_cfg.to_dict(),
        "train_config": tcfg.to_dict(),
        "config": cfg,
    }
    atomic_write_bytes(run_dir / "run.json", json.dumps(spec, indent=1).encode())
    curve = _Curve(
        run_dir,
        model,
        val_ids,
        len(val_text),
        int(cfg["eval_every"]),
        int(cfg["eval_windows"]),
        deadline,
        start,
        losses,
    )
    trainer = Trainer(
        model, tcfg, (X, Y), val_data, run_dir=run_dir, callbacks=[curve], loss_fn=loss_fn
    )
    curve.point(0)
    trainer.fit()
    train_seconds = time.perf_counter() - start
    done = curve.rows[-1]["step"] if curve.rows else steps
    say(f"trained {done:.0f} steps in {train_seconds / 60:.2f} min; scoring held-out text")

    t1 = time.perf_counter()
    bpc = bits_per_char(model, val_ids, len(val_text))
    ref = baselines(train_text, val_files)
    result = {
        "val_bits_per_char": bpc,
        **{f"baseline_{k}": v for k, v in ref.items() if k != "n_chars"},
        "n_val_chars": len(val_text),
        "n_val_tokens": len(val_ids),
        "n_train_tokens": len(train_ids),
        "unknown_val_tokens": int((val_ids == 0).sum()) if tokenizer == "char" else 0,
        "steps": int(done),
        "tokens_seen": int(done) * B * T,
        "train_minutes": train_seconds / 60,
        "tokens_per_s": int(done) * B * T / train_seconds,
        "parameters": model.num_parameters(),
        "eval_seconds": time.perf_counter() - t1,
    }
    atomic_write_bytes(run_dir / "evaluation.json", json.dumps(result, indent=1).encode())
    plot_lm_curve(curve.rows, result, run_dir / "curve.png")
    atomic_write_bytes(run_dir / "COMPLETE", b"{}")
    say(
        f"held-out bits/char {bpc:.3f}  (bigram {ref['bigram']:.3f}, zlib -9 "
        f"{ref['zlib9_per_file']:.3f}, xz -9 per file {ref['xz9_per_file']:.3f}, "
        f"xz -9 concatenated {ref['xz9_concat']:.3f})"
    )
    return run_dir


def plot_lm_curve(rows: list[dict[str, float]], result: dict[str, Any], path: Path) -> Path:
    """Held-out bits/char against training minutes, with the baselines as horizontal lines."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(
        [r["minutes"] for r in rows],
        [r["val_bits_per_char"] for r in rows],
        "o-",
        ms=3,
        label="GPT (held-out sample)",
    )
    names = {
        "baseline_bigram": "char bigram",
        "baseline_zlib9_per_file": "zlib -9 per file",
        "baseline_xz9_per_file": "xz -9 per file",
        "baseline_xz9_concat": "xz -9 concatenated",
    }
    for (key, label), style in zip(names.items(), ["--", ":", "-.", (0, (1, 3))]):
        if key in result:
            ax.axhline(result[key], ls=style, color="grey", label=f"{label} {result[key]:.2f}")
    ax.axhline(
        result["val_bits_per_char"],
        color="C1",
        lw=0.8,
        label=f"GPT final (all held-out) {result['val_bits_per_char']:.2f}",
    )
    ax.set(
        xlabel="training minutes",
        ylabel="held-out bits per character",
        ylim=(1.0, max(5.0, result.get("baseline_bigram", 3.5) + 0.5)),
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


# --------------------------------------------------------------------------------- generation
def load_run_model(run_dir: Path) -> tuple[GPT, Tokenizer]:
    """The GPT of a run folder (newest checkpoint, verified, no pickle) and its tokenizer."""
    run_dir = Path(run_dir)
    path = run_dir / "run.json"
    if not path.is_file():
        raise FileNotFoundError(f"{run_dir} is not a run folder (no run.json)")
    spec = json.loads(path.read_text())
    if spec.get("kind") != "gpt-lm":
        raise ValueError(f"{run_dir} is not a GPT language-model run (kind {spec.get('kind')!r})")
    model = GPT(GPTConfig(**spec["model"]))
    ckpt = load_checkpoint(latest_checkpoint(run_dir / "checkpoints"))
    model.load_state_dict(ckpt.tensors["model"])
    model.eval()
    return model, load_tokenizer(run_dir / "tokenizer.json")


def generate(
    run_dir: Path,
    prompt: str,
    max_new_tokens: int = 200,
    temperature: float = 0.8,
    top_k: int | None = None,
    top_p: float | None = None,
    stream: Callable[[str], None] | None = None,
    seed: int | None = None,
) -> str:
    """Continue ``prompt`` with a trained run's GPT; return the new text.

    Each new token is decoded as it comes (an incremental UTF-8 decoder holds back a
    character split across BPE tokens) and passed to ``stream``.

    Parameters
    ----------
    run_dir : Path
        A folder written by :func:`train_gpt_run`.
    prompt : str
        The text to continue (empty: start after a newline).
    max_new_tokens : int
        Tokens to sample.
    temperature, top_k, top_p
        Sampling settings (see :func:`groundup.deep.models.gpt.sample_next_token`).
    stream : callable, optional
        Receives each decoded piece of text.
    seed : int, optional
        Seed of the sampling (fresh randomness when None).
    """
    model, tok = load_run_model(run_dir)
    ids = tok.encode(prompt if prompt else "\n")
    idx = torch.tensor([ids], dtype=torch.long)
    gen = torch.Generator()
    if seed is not None:
        gen.manual_seed(seed)
    else:
        gen.seed()
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pieces: list[str] = []
    for nxt in model.generate_iter(idx, max_new_tokens, temperature, top_k, top_p, generator=gen):
        t = int(nxt[0, 0])
        if isinstance(tok, BPETokenizer):
            piece = decoder.decode(tok.decode_bytes([t]))
        else:
            piece = tok.decode([t])
        if piece:
            pieces.append(piece)
            if stream is not None:
                stream(piece)
    tail = decoder.decode(b"", final=True) if isinstance(tok, BPETokenizer) else ""
    if tail:
        pieces.append(tail)
        if stream is not None:
            stream(tail)
    return "".join(pieces)
