"""Crash safety: SIGKILL mid-epoch, resume from the last checkpoint, end bit-identical.

The training script runs in a subprocess; a callback freezes it right after optimiser step
KILL_AT (two steps past the step-8 checkpoint, in the middle of epoch 2) and the test kills it
with SIGKILL — no chance to flush or clean up. The resumed run must end with exactly the
weights, optimiser state and metrics of a run that was never interrupted. Dropout, random-crop
augmentation, gradient clipping and warmup are on so that every piece of restored state
(torch RNG, data order, augmentation draws, schedule) matters.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from groundup.deep import CheckpointError, latest_checkpoint, list_checkpoints, load_checkpoint
from groundup.deep.callbacks import read_metrics_csv

KILL_AT = 9

SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import torch
    from groundup.datasets.transforms import RandomCrop
    from groundup.deep import Callback, CSVLogger, TrainConfig, Trainer
    from groundup.deep.models import create

    run_dir, kill_at, resume = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1"
    g = torch.Generator().manual_seed(0)
    X = torch.randn(200, 1, 8, 8, generator=g)
    y = (X[:, 0, :4].mean((1, 2)) > 0).long() + 2 * (X[:, 0, 4:].mean((1, 2)) > 0).long()
    torch.manual_seed(0)
    model = create("mlp", in_channels=1, image_size=8, num_classes=4, hidden=(32,), dropout=0.2)
    cfg = TrainConfig(epochs=3, batch_size=32, lr=1e-2, warmup_steps=3, grad_clip=1.0,
                      checkpoint_every=4, keep_checkpoints=3, progress=False, num_threads=1,
                      monitor="val_acc", mode="max")

    class Freeze(Callback):
        def on_step_end(self, trainer, step, logs):
            if step == kill_at:
                (run_dir / "FROZEN").write_text(str(step))
                time.sleep(600)

    trainer = Trainer(model, cfg, (X[:160], y[:160]), (X[160:], y[160:]), run_dir=run_dir,
                      callbacks=[CSVLogger(run_dir / "metrics.csv"), Freeze()],
                      augment=RandomCrop(1))
    trainer.fit(resume=run_dir if resume else None)
    """
)


def _run(script: Path, run_dir: Path, kill_at: int = 0, resume: bool = False) -> subprocess.Popen:
    env = dict(os.environ, OMP_NUM_THREADS="1")
    return subprocess.Popen(
        [sys.executable, str(script), str(run_dir), str(kill_at), "1" if resume else "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _finish(proc: subprocess.Popen, timeout: float = 120) -> None:
    out, _ = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, out.decode()[-3000:]


DETERMINISTIC = ["epoch", "step", "lr", "train_loss", "train_acc", "val_loss", "val_acc"]


def test_sigkill_mid_epoch_then_resume_is_bit_identical(tmp_path: Path) -> None:
    script = tmp_path / "train_script.py"
    script.write_text(SCRIPT)
    ref_dir, crash_dir = tmp_path / "reference", tmp_path / "crashed"
    ref_dir.mkdir()
    crash_dir.mkdir()

    reference = _run(script, ref_dir)
    victim = _run(script, crash_dir, kill_at=KILL_AT)
    deadline = time.monotonic() + 120
    while not (crash_dir / "FROZEN").exists():
        assert victim.poll() is None, victim.communicate()[0].decode()[-3000:]
        assert time.monotonic() < deadline, "training never reached the kill point"
        time.sleep(0.05)
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    assert victim.returncode == -signal.SIGKILL
    _finish(reference)

    # the crash happened mid-epoch 2: the newest checkpoint is the step-8 one, not the end
    survivors = [p.name for p in list_checkpoints(crash_dir / "checkpoints")]
    assert survivors[-1] == "step-00000008", survivors
    assert len(read_metrics_csv(crash_dir / "metrics.csv")) == 1  # only epoch 1 finished

    _finish(_run(script, crash_dir, resume=True))

    ref_ckpt = load_checkpoint(latest_checkpoint(ref_dir / "checkpoints"))
    res_ckpt = load_checkpoint(latest_checkpoint(crash_dir / "checkpoints"))
    assert ref_ckpt.path.name == res_ckpt.path.name == "step-00000015"
    for group in ("model", "optimizer"):
        ref, res = ref_ckpt.tensors[group], res_ckpt.tensors[group]
        assert ref.keys() == res.keys()
        for name in ref:
            assert torch.equal(ref[name], res[name]), f"{group}.{name} differs after resume"
    ref_best, res_best = (
        load_file(ref_dir / "best.safetensors"),
        load_file(crash_dir / "best.safetensors"),
    )
    assert all(torch.equal(ref_best[k], res_best[k]) for k in ref_best)

    ref_rows, res_rows = (
        read_metrics_csv(ref_dir / "metrics.csv"),
        read_metrics_csv(crash_dir / "metrics.csv"),
    )
    assert len(ref_rows) == len(res_rows) == 3
    for a, b in zip(ref_rows, res_rows):
        assert [a[c] for c in DETERMINISTIC] == [b[c] for c in DETERMINISTIC]


def test_truncated_checkpoint_is_refused(tmp_path: Path) -> None:
    from groundup.deep import TrainConfig, Trainer
    from groundup.deep.models import create

    g = torch.Generator().manual_seed(0)
    X, y = torch.randn(64, 4, generator=g), torch.randint(0, 2, (64,), generator=g)
    cfg = TrainConfig(epochs=2, batch_size=16, progress=False, num_threads=1)
    Trainer(
        create("mlp", in_features=4, num_classes=2, hidden=(8,)), cfg, (X, y), run_dir=tmp_path
    ).fit()
    ckpt = latest_checkpoint(tmp_path / "checkpoints")
    weights = ckpt / "model.safetensors"
    size = weights.stat().st_size
    with open(weights, "r+b") as fh:
        fh.truncate(size - 10)
    with pytest.raises(
        CheckpointError,
        match=rf"model.safetensors is truncated.*{size - 10} bytes on disk, manifest says {size}",
    ):
        load_checkpoint(ckpt)
    # resuming the run from its folder refuses too, rather than loading half a model
    fresh = Trainer(
        create("mlp", in_features=4, num_classes=2, hidden=(8,)), cfg, (X, y), run_dir=tmp_path
    )
    before = {k: v.clone() for k, v in fresh.model.state_dict().items()}
    with pytest.raises(CheckpointError, match="truncated"):
        fresh.fit(resume=tmp_path)
    assert all(torch.equal(before[k], v) for k, v in fresh.model.state_dict().items())


def test_flipped_byte_and_missing_manifest_are_refused(tmp_path: Path) -> None:
    from groundup.deep import save_checkpoint

    path = save_checkpoint(tmp_path, 3, {"model": {"w": torch.arange(6.0)}}, {"step": 3})
    data = bytearray((path / "model.safetensors").read_bytes())
    data[-1] ^= 0xFF
    (path / "model.safetensors").write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="SHA-256"):
        load_checkpoint(path)
    (path / "manifest.json").unlink()
    with pytest.raises(CheckpointError, match="manifest.json is missing"):
        load_checkpoint(path)
    # a temporary folder left by a crash during a save is never taken for a checkpoint
    (tmp_path / ".tmp-step-00000009-123").mkdir()
    assert [p.name for p in list_checkpoints(tmp_path)] == ["step-00000003"]
