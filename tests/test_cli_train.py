"""`groundup train` and `groundup evaluate` work end to end from the command line."""

import json
import os
import subprocess
import sys
from pathlib import Path


def _groundup(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "groundup.cli", *args]
    env = os.environ | {"COLUMNS": "400"}  # rich wraps error panels at the terminal width
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False, env=env)


def test_train_then_evaluate_an_mlp_on_digits(tmp_path: Path):
    out = tmp_path / "mlp-run"
    trained = _groundup(
        "train", "mlp", "--dataset", "digits", "--epochs", "2", "--out", str(out), "--quiet"
    )
    assert trained.returncode == 0, trained.stderr
    assert trained.stdout.strip().splitlines()[-1] == str(out)  # the run folder is the last line
    assert (out / "metrics.csv").exists() and (out / "curves.png").exists()

    evaluated = _groundup("evaluate", str(out), "--json")
    assert evaluated.returncode == 0, evaluated.stderr
    result = json.loads(evaluated.stdout)
    assert result["n_samples"] == 360  # 20% of the 1,797 digits
    assert result["accuracy"] > 0.5, result["accuracy"]  # two epochs: far above chance (0.1)
    assert result["loss"] > 0
    assert (out / "confusion.png").exists()


def test_bad_arguments_are_refused_with_a_message(tmp_path: Path):
    unknown = _groundup("train", "no-such-model", "--out", str(tmp_path / "x"))
    assert unknown.returncode != 0 and "unknown model 'no-such-model'" in unknown.stderr
    missing = _groundup("evaluate", str(tmp_path / "nowhere"))
    assert missing.returncode != 0 and "is not a run folder" in missing.stderr


def test_generate_refuses_a_missing_run_and_a_bad_temperature(tmp_path: Path):
    missing = _groundup("generate", str(tmp_path / "nowhere"), "--prompt", "x")
    assert missing.returncode != 0 and "is not a run folder" in missing.stderr
    bad = _groundup("generate", str(tmp_path), "--temperature", "0")
    assert bad.returncode != 0 and "--temperature must be > 0" in bad.stderr
