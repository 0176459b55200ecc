"""`groundup serve` and `groundup runs` work from the command line against the real tools."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
from sklearn.datasets import load_iris

from groundup.ml.naive_bayes import GaussianNB
from groundup.mlops.export import save_estimator


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_predictions_equal_to_the_estimator(tmp_path: Path):
    X, y = load_iris(return_X_y=True)
    model = GaussianNB().fit(X, y)
    folder = tmp_path / "iris-nb"
    save_estimator(model, folder, name="iris-nb")
    port = _free_port()
    cmd = [sys.executable, "-m", "groundup.cli", "serve", str(folder), "--port", str(port)]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            time.sleep(0.3)
        else:
            raise AssertionError("server did not become ready within 120 s")
        reply = httpx.post(f"{url}/v1/predict", json={"inputs": X[:5].tolist()}, timeout=10)
        assert reply.status_code == 200, reply.text
        np.testing.assert_array_equal(np.asarray(reply.json()["predictions"]), model.predict(X[:5]))
        bad = httpx.post(f"{url}/v1/predict", json={"inputs": [[1.0, 2.0]]}, timeout=10)
        assert bad.status_code == 422 and "shape" in bad.text
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_runs_lists_an_empty_store_as_json(tmp_path: Path):
    env = os.environ | {
        "MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path / 'store.db'}",
        "MLFLOW_DISABLE_TELEMETRY": "true",
    }
    cmd = [sys.executable, "-m", "groundup.cli", "runs", "--json"]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300, check=False)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []
