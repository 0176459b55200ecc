"""GPU check: ResNet and ViT on synthetic 3×32×32 data with bf16 autocast and torch.compile.

Prints training throughput (samples/s) for eager fp32, eager bf16 and compiled bf16, then
round-trips a checkpoint through groundup's safetensors format and checks the weights come
back bit-identical. Without CUDA it says so and exits 0. Run:
``python benchmarks/gpu_vision.py`` (``--quick`` for fewer steps).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from rich.console import Console
from rich.table import Table

from groundup.deep import TrainConfig, Trainer, latest_checkpoint, load_checkpoint
from groundup.deep.models import count_parameters, create

MODELS = {"resnet20": {}, "resnet18": {}, "vit-small": {"image_size": 32, "patch_size": 4}}


def _throughput(model: torch.nn.Module, bf16: bool, steps: int, batch: int) -> float:
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    x = torch.randn(batch, 3, 32, 32, device="cuda")
    y = torch.randint(0, 10, (batch,), device="cuda")

    def step() -> None:
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=bf16):
            loss = F.cross_entropy(model(x).float(), y)
        loss.backward()
        opt.step()

    for _ in range(5):  # warm-up (and compilation)
        step()
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    torch.cuda.synchronize()
    return steps * batch / (time.perf_counter() - start)


def _checkpoint_round_trip(console: Console) -> None:
    g = torch.Generator().manual_seed(0)
    X, y = torch.randn(512, 3, 32, 32, generator=g), torch.randint(0, 10, (512,), generator=g)
    torch.manual_seed(0)
    model = create("resnet20", in_channels=3, num_classes=10)
    cfg = TrainConfig(epochs=1, batch_size=128, precision="bf16", progress=False)
    with tempfile.TemporaryDirectory() as tmp:
        trainer = Trainer(model, cfg, (X, y), run_dir=Path(tmp))
        trainer.fit()
        ckpt = load_checkpoint(latest_checkpoint(Path(tmp) / "checkpoints"))
        live = {k: v.detach().cpu() for k, v in trainer.model.state_dict().items()}
        same = all(torch.equal(live[k], ckpt.tensors["model"][k]) for k in live)
        console.print(
            f"checkpoint round trip on {trainer.device}: {'bit-identical' if same else 'MISMATCH'} "
            f"({len(live)} tensors, optimiser state {len(ckpt.tensors['optimizer'])} tensors)"
        )
        if not same:
            raise SystemExit(1)


def main(quick: bool = False) -> None:
    """Throughput table on CUDA, or a message and a clean exit without it."""
    console = Console()
    if not torch.cuda.is_available():
        console.print("No CUDA device: the GPU vision benchmark needs one; nothing to do.")
        return
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    steps, batch = (20, 256) if quick else (100, 256)
    table = Table(
        title=f"{torch.cuda.get_device_name()} — training samples/s, batch {batch}, 3×32×32"
    )
    for col in (
        "model",
        "parameters",
        "fp32 eager",
        "bf16 eager",
        "bf16 compiled",
        "compiled / fp32",
    ):
        table.add_column(col)
    for name, kw in MODELS.items():
        rates = []
        for bf16, compiled in ((False, False), (True, False), (True, True)):
            torch.manual_seed(0)
            model = create(name, in_channels=3, num_classes=10, **kw).cuda()
            net = torch.compile(model) if compiled else model
            rates.append(_throughput(net, bf16, steps, batch))
        table.add_row(
            name,
            f"{count_parameters(model):,}",
            *(f"{r:,.0f}" for r in rates),
            f"{rates[2] / rates[0]:.2f}×",
        )
    console.print(table)
    _checkpoint_round_trip(console)


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
