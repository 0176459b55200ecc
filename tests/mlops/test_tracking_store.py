"""Tracking proofs on a throw-away sqlite store: what is logged is what was computed.

Every test points ``MLFLOW_TRACKING_URI`` at a store under ``tmp_path``; the repo's
``mlruns.db`` is never touched.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import mlflow
import numpy as np
import pytest
import torch
from safetensors.torch import load_file
from sklearn.datasets import load_digits

from groundup.deep import TrainConfig, Trainer
from groundup.deep.models import create
from groundup.ml.linear_model import LogisticRegression
from groundup.mlops import tracking
from groundup.mlops.export import load_model
from groundup.mlops.pipeline import dataset_hash


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    # one sqlite store per test session (its schema takes seconds to create), under tmp
    root = tmp_path_factory.getbasetemp() / "mlops-store"
    root.mkdir(exist_ok=True)
    uri = f"sqlite:///{root / 'mlruns.db'}"
    old = os.environ.get("MLFLOW_TRACKING_URI")
    os.environ["MLFLOW_TRACKING_URI"] = uri
    tracking.setup_tracking("tests")
    yield uri
    if old is None:
        os.environ.pop("MLFLOW_TRACKING_URI", None)
    else:
        os.environ["MLFLOW_TRACKING_URI"] = old


def test_default_store_is_absolute_sqlite_in_cwd(monkeypatch, tmp_path: Path):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.chdir(tmp_path)
    assert tracking.tracking_uri() == f"sqlite:///{tmp_path.resolve() / 'mlruns.db'}"
    assert tracking.artifact_root() == (tmp_path.resolve() / "mlartifacts").as_uri()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://tracking.example:5000")
    assert tracking.tracking_uri() == "http://tracking.example:5000"
    assert tracking.artifact_root() is None  # a server chooses its own
    assert os.environ["MLFLOW_DISABLE_TELEMETRY"] == "true"


def test_ui_command_points_at_the_same_store(store):
    argv = tracking.ui_command(5055)
    assert argv[1:4] == ["-m", "mlflow", "ui"]
    assert argv[argv.index("--backend-store-uri") + 1] == store
    root = argv[argv.index("--default-artifact-root") + 1]
    assert root == (Path(store.removeprefix("sqlite:///")).parent / "mlartifacts").as_uri()
    assert argv[-4:] == ["--port", "5055", "--workers", "1"]
    assert tracking.ui_env()["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] == "false"
    with pytest.raises(ValueError, match="port must lie in 1..65535, got 0"):
        tracking.ui_command(0)


def test_trainer_callback_logs_every_epoch_step_and_the_model(store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # artifacts must not follow the working directory
    X, y = load_digits(return_X_y=True)
    X = (X / 16.0).astype(np.float32).reshape(-1, 1, 8, 8)
    tr, va = (X[:400], y[:400]), (X[400:600], y[400:600])
    torch.manual_seed(0)
    model = create("mlp", in_channels=1, num_classes=10, image_size=8, hidden=(32,))
    cfg = TrainConfig(epochs=3, batch_size=64, lr=3e-3, progress=False, device="cpu")
    h = dataset_hash(X[:400], y[:400])
    cb = tracking.MLflowCallback(
        "mlp-test",
        input_shape=(1, 8, 8),
        model_name="mlp",
        dataset_hash=h,
        experiment="tests",
        onnx=False,  # ONNX parity is proven in test_export_roundtrip; here: the weights
    )
    trainer = Trainer(model, cfg, tr, va, callbacks=[cb])
    history = trainer.fit()
    c = tracking.client()
    run = c.get_run(cb.run_id)
    assert run.info.status == "FINISHED"
    assert run.data.tags["groundup.dataset_hash"] == h
    assert run.data.tags["groundup.git_commit"] == (tracking.git_commit() or "unknown")
    assert run.data.params["lr"] == "0.003" and run.data.params["model"] == "MLP"
    val_loss = c.get_metric_history(cb.run_id, "val_loss")
    assert [m.step for m in val_loss] == [1, 2, 3]
    np.testing.assert_allclose([m.value for m in val_loss], [r["val_loss"] for r in history])
    lr = c.get_metric_history(cb.run_id, "step_lr")
    assert len(lr) == trainer.total_steps == 3 * 7
    names = {a.path for a in c.list_artifacts(cb.run_id, "model")}
    assert names == {"model/weights.safetensors", "model/config.json"}
    assert {a.path for a in c.list_artifacts(cb.run_id, "figures")} == {"figures/curves.png"}
    assert not (tmp_path / "mlruns").exists()
    local = mlflow.artifacts.download_artifacts(
        artifact_uri=f"{run.info.artifact_uri}/model", dst_path=str(tmp_path / "dl")
    )
    rebuilt = create("mlp", in_channels=1, num_classes=10, image_size=8, hidden=(32,)).eval()
    rebuilt.load_state_dict(load_file(str(Path(local) / "weights.safetensors")))
    config = json.loads((Path(local) / "config.json").read_text())
    assert config["input_shape"] == [1, 8, 8] and config["config"]["epochs"] == 3
    model.eval()
    x = torch.from_numpy(X[600:650])
    with torch.no_grad():
        torch.testing.assert_close(rebuilt(x), model(x), rtol=0, atol=0)


def test_estimator_wrapper_logs_score_curve_and_a_rebuildable_model(store, tmp_path):
    X, y = load_digits(return_X_y=True)
    est = LogisticRegression(max_iter=100)
    out = tracking.track_estimator(
        est,
        (X[:500], y[:500]),
        (X[500:800], y[500:800]),
        run_name="logreg",
        model_name="digits-classic",
        dataset_hash="abc123",
        experiment="tests",
    )
    c = tracking.client()
    run = c.get_run(out["run_id"])
    assert run.data.metrics["test_score"] == pytest.approx(est.score(X[500:800], y[500:800]))
    assert run.data.params["max_iter"] == "100" and run.data.params["dataset_hash"] == "abc123"
    assert {a.path for a in c.list_artifacts(out["run_id"], "figures")} == {"figures/confusion.png"}
    local = mlflow.artifacts.download_artifacts(
        artifact_uri=out["artifact_uri"], dst_path=str(tmp_path)
    )
    served = load_model(local)
    assert served.name == "digits-classic"
    np.testing.assert_array_equal(served.predict(X[800:]), est.predict(X[800:]))


def test_list_runs_newest_first_with_metrics(store):
    for i in range(3):
        with tracking.start_run(f"listed-{i}", experiment="tests-list", params={"i": i}):
            mlflow.log_metric("score", float(i))
    rows = tracking.list_runs(limit=2)
    assert [r["name"] for r in rows] == ["listed-2", "listed-1"]
    assert rows[0]["metrics"] == {"score": 2.0} and rows[0]["experiment"] == "tests-list"
    assert rows[0]["status"] == "FINISHED"
    with pytest.raises(ValueError, match="limit must be >= 1, got 0"):
        tracking.list_runs(0)
