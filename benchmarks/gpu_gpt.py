"""GPU check: a GPT-small (124 M) trains on synthetic tokens in bf16 with torch.compile and
flash attention; prints tokens/s and model FLOPs utilisation (MFU) against the bf16 peak.

MFU = (6N + 12·L·T·E) · tokens/s / peak (see ``GPT.estimate_mfu``); the peak is the dense
bf16 figure of the device (H200/H100: ~790 TFLOP/s measured, 989 on the data sheet; override
with ``--peak-tflops``). Also checks that the fused (flash) and the written-out attention give
the same logits on the GPU. Without CUDA it says so and exits 0. Run:
``python benchmarks/gpu_gpt.py`` (``--quick`` for fewer steps).
"""

from __future__ import annotations

import argparse
import sys
import time

import torch
import torch.nn.functional as F
from rich.console import Console
from rich.table import Table

from groundup.deep.models.gpt import GPT, GPT_CONFIGS, GPTConfig

PEAKS_TFLOPS = {"H200": 790.0, "H100": 790.0, "A100": 312.0, "L40S": 362.0, "L4": 121.0}


def _peak(name: str, override: float | None) -> float:
    if override is not None:
        return override * 1e12
    for key, tflops in PEAKS_TFLOPS.items():
        if key in name:
            return tflops * 1e12
    return 312e12  # unknown device: an A100-class guess, printed with the result


def _train_speed(model: GPT, batch: int, steps: int, compile_: bool) -> tuple[float, float, float]:
    """(tokens/s, seconds/step, final loss) of bf16 AdamW steps on synthetic tokens."""
    cfg = model.config
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4, fused=True)
    net = torch.compile(model) if compile_ else model
    g = torch.Generator(device="cuda").manual_seed(0)
    x = torch.randint(0, cfg.vocab_size, (batch, cfg.block_size + 1), device="cuda", generator=g)

    def step() -> torch.Tensor:
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cuda", dtype=torch.bfloat16):
            logits = net(x[:, :-1])
        loss = F.cross_entropy(logits.float().flatten(0, 1), x[:, 1:].flatten())
        loss.backward()
        opt.step()
        return loss

    for _ in range(3):  # warm-up and compilation
        step()
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(steps):
        loss = step()
    torch.cuda.synchronize()
    dt = (time.perf_counter() - start) / steps
    return batch * cfg.block_size / dt, dt, float(loss)


def main(quick: bool = False, peak_tflops: float | None = None) -> None:
    """Print tokens/s and MFU of GPT-small (and GPT-mini) training on the GPU."""
    console = Console()
    if not torch.cuda.is_available():
        console.print("[yellow]gpu_gpt: no CUDA device here — nothing to measure (exit 0).[/]")
        return
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    name = torch.cuda.get_device_name()
    peak = _peak(name, peak_tflops)
    console.print(f"device {name}; bf16 peak taken as {peak / 1e12:.0f} TFLOP/s")

    # flash (SDPA) and written-out attention agree on the GPU too
    torch.manual_seed(0)
    small = GPT(GPTConfig(vocab_size=512, block_size=256, n_layer=2, n_head=4, n_embd=128)).cuda()
    manual = GPT(
        GPTConfig(
            vocab_size=512, block_size=256, n_layer=2, n_head=4, n_embd=128, attn_impl="manual"
        )
    ).cuda()
    manual.load_state_dict(small.state_dict())
    idx = torch.randint(0, 512, (4, 256), device="cuda")
    with torch.no_grad():
        diff = float((small(idx) - manual(idx)).abs().max())
    console.print(f"flash vs written-out attention, fp32 logits: max |diff| = {diff:.2e}")

    table = Table(title="GPT training on synthetic tokens (bf16 autocast, fused AdamW)")
    for col in ("model", "params", "batch×T", "compile", "ms/step", "tokens/s", "MFU"):
        table.add_column(col)
    steps = 10 if quick else 30
    runs = [("gpt-small", 16, True), ("gpt-small", 16, False)]
    if not quick:
        runs.insert(1, ("gpt-small", 32, True))
    for cfg_name, batch, compile_ in runs:
        torch.manual_seed(0)
        shape = GPT_CONFIGS[cfg_name]
        model = GPT(
            GPTConfig(
                vocab_size=50304,  # GPT-2's 50,257 padded to a multiple of 64
                block_size=1024,
                n_layer=shape["n_layer"],
                n_head=shape["n_head"],
                n_embd=shape["n_embd"],
            )
        ).cuda()
        try:
            tps, dt, _ = _train_speed(model, batch, steps, compile_)
        except torch.OutOfMemoryError:
            table.add_row(cfg_name, "", f"{batch}×1024", str(compile_), "OOM", "", "")
            continue
        mfu = model.estimate_mfu(batch * 1024, dt, peak)
        table.add_row(
            cfg_name,
            f"{model.num_parameters() / 1e6:.1f} M",
            f"{batch}×1024",
            str(compile_),
            f"{dt * 1e3:.1f}",
            f"{tps:,.0f}",
            f"{mfu:.1%}",
        )
        del model
        torch.cuda.empty_cache()
    console.print(table)
    console.print("goal: ≥ 40 % MFU for compiled GPT-small")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--peak-tflops", type=float, default=None)
    args = parser.parse_args()
    main(quick=args.quick, peak_tflops=args.peak_tflops)
    sys.exit(0)
