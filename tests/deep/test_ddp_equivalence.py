"""DDP: two torchrun processes (gloo, CPU) end where one process on the same global batch ends.

Each rank takes every other sample of a global batch of 64 and DDP averages the two
gradients, which is the gradient of the mean over all 64 — so the runs agree up to float
rounding (summation order). We compare final weights and the logged validation metrics; the
exit code alone is not trusted (gloo can abort while exiting), the COMPLETE marker is.
"""

from __future__ import annotations

from pathlib import Path

import torch

from groundup.deep import latest_checkpoint, load_checkpoint
from groundup.deep.callbacks import read_metrics_csv
from groundup.deep.runs import evaluate_run, read_spec, train_run

# SGD (not Adam) so a rounding difference in the gradient stays the same size in the weights
OVERRIDES = {"optimizer": "sgd", "lr": 0.05, "warmup_steps": 0, "num_threads": 1}
NO_DROPOUT = {"dropout": 0.0}  # per-rank dropout masks cannot match one process's


def test_two_process_ddp_matches_one_process(tmp_path: Path) -> None:
    two = train_run(
        "mlp",
        "digits",
        epochs=2,
        out=tmp_path / "ddp",
        nproc=2,
        quiet=True,
        overrides=OVERRIDES,
        model_overrides=NO_DROPOUT,
    )
    one = train_run(
        "mlp",
        "digits",
        epochs=2,
        out=tmp_path / "single",
        nproc=1,
        quiet=True,
        overrides=OVERRIDES,
        model_overrides=NO_DROPOUT,
    )
    assert (two / "COMPLETE").exists()

    a = load_checkpoint(latest_checkpoint(two / "checkpoints"))
    b = load_checkpoint(latest_checkpoint(one / "checkpoints"))
    assert a.state["world_size"] == 2 and b.state["world_size"] == 1
    assert a.path.name == b.path.name  # same number of optimiser steps
    max_diff = max(
        (a.tensors["model"][k] - b.tensors["model"][k]).abs().max().item()
        for k in b.tensors["model"]
    )
    scale = max(b.tensors["model"][k].abs().max().item() for k in b.tensors["model"])
    print(f"max |w_ddp - w_single| = {max_diff:.2e} (max |w| {scale:.2f})")
    assert max_diff < 1e-5 * scale, (max_diff, scale)
    # the weights moved a lot from initialisation, so agreement is not trivial
    moved = (b.tensors["model"]["net.1.weight"] - _initial_weights(one)).abs().max().item()
    assert moved > 1000 * max_diff

    rows_a, rows_b = read_metrics_csv(two / "metrics.csv"), read_metrics_csv(one / "metrics.csv")
    for ra, rb in zip(rows_a, rows_b, strict=True):
        assert abs(ra["train_loss"] - rb["train_loss"]) < 1e-5
        assert abs(ra["val_loss"] - rb["val_loss"]) < 1e-5  # val all-reduced over the two ranks
        assert ra["val_acc"] == rb["val_acc"]
    assert abs(evaluate_run(two)["accuracy"] - evaluate_run(one)["accuracy"]) < 0.01


def _initial_weights(run_dir: Path) -> torch.Tensor:
    from groundup.deep.runs import build_model

    return build_model(read_spec(run_dir)).state_dict()["net.1.weight"]
