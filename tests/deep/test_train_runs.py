"""The run API: a run folder with checkpoints, metrics, figures; evaluation on the test split."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from groundup.datasets import splits
from groundup.deep.callbacks import read_metrics_csv
from groundup.deep.runs import build_model, evaluate_run, read_spec, train_run

FAST = {"num_threads": 1}


def test_train_then_evaluate_lenet_on_digits(tmp_path: Path) -> None:
    run = train_run("lenet", "digits", epochs=6, out=tmp_path / "run", quiet=True, overrides=FAST)
    for name in ("run.json", "metrics.csv", "curves.png", "best.safetensors", "COMPLETE"):
        assert (run / name).is_file(), name
    rows = read_metrics_csv(run / "metrics.csv")
    assert [r["epoch"] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[-1]["train_loss"] < rows[0]["train_loss"]
    result = evaluate_run(run)
    assert (run / "confusion.png").is_file() and (run / "evaluation.json").is_file()
    s = splits("digits", 0)
    assert result["n_samples"] == len(s.y_test) == 360
    confusion = np.asarray(result["confusion"])
    assert confusion.sum() == 360 and np.isclose(np.trace(confusion) / 360, result["accuracy"])
    np.testing.assert_array_equal(confusion.sum(1), np.bincount(s.y_test))  # rows are true classes
    print("lenet 6 epochs test accuracy", result["accuracy"])
    assert result["accuracy"] > 0.9  # six epochs already learn most digits
    # evaluation recomputed by hand from the saved best weights agrees
    model = build_model(read_spec(run))
    model.load_state_dict(load_file(run / "best.safetensors"))
    spec = read_spec(run)
    x = torch.from_numpy(
        (
            (splits("digits", 0, image_size=16).X_test - spec["norm_mean"][0]) / spec["norm_std"][0]
        ).astype(np.float32)
    )
    with torch.no_grad():
        acc = (model.eval()(x).argmax(1).numpy() == s.y_test).mean()
    assert acc == result["accuracy"]


def test_tabular_mlp_and_resume_of_a_finished_run(tmp_path: Path) -> None:
    run = train_run("mlp", "iris", epochs=5, out=tmp_path / "iris", quiet=True, overrides=FAST)
    spec = read_spec(run)
    assert spec["model_kwargs"]["in_features"] == 4 and spec["model_kwargs"]["num_classes"] == 3
    before = (run / "metrics.csv").read_text()
    ckpts = sorted(p.name for p in (run / "checkpoints").iterdir())
    assert train_run("mlp", "iris", resume=run, quiet=True) == run  # nothing left to do
    assert (run / "metrics.csv").read_text() == before
    assert sorted(p.name for p in (run / "checkpoints").iterdir()) == ckpts
    assert json.loads((run / "COMPLETE").read_text())["epochs"] == 5
    assert evaluate_run(run)["n_samples"] == 30


def test_bad_requests_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown dataset 'cifar'"):
        train_run("mlp", "cifar", out=tmp_path / "a")
    with pytest.raises(
        ValueError, match="'iris' is a table: only the 'mlp' model fits it, not 'lenet'"
    ):
        train_run("lenet", "iris", out=tmp_path / "b")
    with pytest.raises(ValueError, match="lr must be finite and > 0, got -1"):
        train_run("mlp", "digits", out=tmp_path / "c", overrides={"lr": -1})
    assert not (tmp_path / "c").exists()  # nothing written for a refused run
    with pytest.raises(FileNotFoundError, match="is not a run folder"):
        evaluate_run(tmp_path)
    with pytest.raises(ValueError, match="nproc must be a positive integer, got 0"):
        train_run("mlp", out=tmp_path / "d", nproc=0)
    run = train_run("mlp", "wine", epochs=1, out=tmp_path / "wine", quiet=True, overrides=FAST)
    with pytest.raises(FileExistsError, match="already holds a run"):
        train_run("mlp", "wine", out=run)
    with pytest.raises(ValueError, match="trained 'mlp' on 'wine', not 'mlp' on 'iris'"):
        train_run("mlp", "iris", resume=run)
    with pytest.raises(ValueError, match="planned for 1 epochs; resuming cannot change that to 5"):
        train_run("mlp", "wine", epochs=5, resume=run)


def test_resume_through_the_run_api_replays_the_lost_epoch_exactly(tmp_path: Path) -> None:
    from groundup.deep import latest_checkpoint, list_checkpoints, load_checkpoint

    run = train_run("mlp", "digits", epochs=3, out=tmp_path / "r", quiet=True, overrides=FAST)
    final = load_checkpoint(latest_checkpoint(run / "checkpoints"))
    # lose the last epoch's checkpoint, as if the machine died before it was written
    previous, newest = list_checkpoints(run / "checkpoints")[-2:]
    shutil.rmtree(newest)
    (run / "COMPLETE").unlink()
    assert load_checkpoint(previous).state["epoch"] == 2
    train_run("mlp", "digits", resume=run, quiet=True)
    again = load_checkpoint(latest_checkpoint(run / "checkpoints"))
    assert again.path.name == final.path.name
    for k, v in final.tensors["model"].items():
        assert torch.equal(v, again.tensors["model"][k]), k
    assert len(read_metrics_csv(run / "metrics.csv")) == 3
