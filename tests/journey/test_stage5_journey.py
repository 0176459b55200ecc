"""Stage 5's quick journey: every run lands in the store, champions are the best versions,
ONNX matches PyTorch, and the served answer is the champion's own prediction."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from rich.console import Console

from groundup.datasets import upsample_images
from groundup.journey.registry import run_journey
from groundup.mlops import tracking
from groundup.mlops.champion import CLASSIC_NAME, CNN_NAME, EXPERIMENT, upsample_matrix
from groundup.mlops.export import load_model
from groundup.mlops.registry import alias_version, version_metric


def test_upsample_matrix_matches_the_dataset_upsampler(rng):
    images = rng.uniform(0, 1, (4, 8, 8))
    A = upsample_matrix(8, 16)
    np.testing.assert_allclose(A @ images @ A.T, upsample_images(images, 16), atol=1e-6)


def test_stage5_quick_journey(tmp_path: Path, tmp_path_factory, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    # the session's throw-away store (shared with tests/mlops: its schema takes seconds)
    store = tmp_path_factory.getbasetemp() / "mlops-store"
    store.mkdir(exist_ok=True)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{store / 'mlruns.db'}")
    status = run_journey(
        [5], quick=True, reports_dir=tmp_path / "reports", console=Console(quiet=True)
    )
    assert status == {5: "ok"}
    report = (tmp_path / "reports" / "stage-5.md").read_text()

    # every candidate's run is in the store, finished, with the dataset hash and commit
    runs = [r for r in tracking.list_runs(50) if r["experiment"] == EXPERIMENT]
    assert len(runs) == 4 and all(r["status"] == "FINISHED" for r in runs)
    assert len({r["dataset_hash"] for r in runs}) == 1 and runs[0]["dataset_hash"]
    for r in runs:
        assert r["name"] in report and r["run_id"][:8] in report
    assert not (tmp_path / "mlruns").exists()  # artifacts went where the store says

    # each champion is the version with the best validation accuracy
    for name, metric in ((CNN_NAME, "val_acc"), (CLASSIC_NAME, "val_score")):
        values = {v: version_metric(name, v, metric) for v in ("1", "2")}
        best = max(values.values())
        champion = alias_version(name, "champion")
        assert values[champion] == best
        assert values[min(values, key=lambda v: int(v))] <= best

    parity = float(re.search(r"max \|Δlogit\| = ([0-9.]+e[+-][0-9]+)", report).group(1))
    assert parity <= 1e-5

    # the served table shows what the champions themselves predict for the first test digits
    cnn = load_model(f"models:/{CNN_NAME}@champion")
    classic = load_model(f"models:/{CLASSIC_NAME}@champion")
    assert cnn.input_shape == (1, 8, 8) and cnn.version == alias_version(CNN_NAME, "champion")
    assert cnn.output_description["classes"] == list(range(10))
    assert cnn.output_description["shape"] == [10]
    rows = re.findall(r"^\| (\d) \| (\d) \| (\d) \| (\d) \|$", report, re.M)
    assert len(rows) == 5
    X, y = _test_split()
    cnn_pred = cnn.predict(X[:5].reshape(-1, 1, 8, 8).astype(np.float32)).argmax(1)
    classic_pred = classic.predict(X[:5])
    for i, (example, _true, said_cnn, said_classic) in enumerate(rows):
        assert int(example) == i
        assert int(said_cnn) == cnn_pred[i] and int(said_classic) == classic_pred[i]
    served_acc = float(re.search(r"served test accuracy ([0-9]+\.[0-9]+)", report).group(1))
    assert served_acc > 0.85  # quick training; chance is 0.10
    assert [int(r[1]) for r in rows] == y[:5].tolist()


def _test_split() -> tuple[np.ndarray, np.ndarray]:
    """The journey's test split (pipeline split, seed 0), recomputed from the raw data."""
    from groundup.mlops.pipeline import ingest, split

    df = ingest("digits")
    X, y = df.drop(columns="target").to_numpy(np.float64), df["target"].to_numpy()
    _, _, test = split(X, y, seed=0)
    return X[test], y[test]
