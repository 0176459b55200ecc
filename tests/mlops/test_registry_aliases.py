"""Registry proofs on the sqlite store: versions, aliases, promotion only on improvement,
load by alias, and two processes logging at once without losing a metric."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import mlflow
import numpy as np
import pytest
from sklearn.datasets import load_digits

from groundup.ml.naive_bayes import GaussianNB
from groundup.ml.tree import DecisionTreeClassifier
from groundup.mlops import registry, tracking
from groundup.mlops.export import load_model, save_estimator


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


def _log_version(name: str, estimator, score: float, X, y, tmp: Path) -> str:
    """Log a fitted estimator with a given held-out score and register it; its version."""
    estimator.fit(X, y)
    with tracking.start_run(f"{name}-{score}", experiment="tests-registry") as run:
        mlflow.log_metric("test_accuracy", score)
        folder = save_estimator(estimator, tmp / f"{name}-{score}", name=name)
        tracking.log_model_folder(folder)
    return registry.register_model(name, run.info.run_id)


def test_versions_aliases_and_promotion_only_on_improvement(store, tmp_path):
    X, y = load_digits(return_X_y=True)
    name = "digits-reg-test"
    v1 = _log_version(name, GaussianNB(), 0.80, X[:500], y[:500], tmp_path)
    v2 = _log_version(
        name, DecisionTreeClassifier(random_state=0), 0.75, X[:500], y[:500], tmp_path
    )
    v3 = _log_version(name, DecisionTreeClassifier(max_depth=4), 0.90, X[:500], y[:500], tmp_path)
    assert (v1, v2, v3) == ("1", "2", "3")

    first = registry.promote_if_better(name, v1, "test_accuracy")
    assert first.promoted and first.champion_value is None  # no champion yet
    assert registry.alias_version(name, "champion") == "1"

    worse = registry.promote_if_better(name, v2, "test_accuracy")
    assert not worse.promoted and worse.champion_version == "1"
    assert (worse.candidate_value, worse.champion_value) == (0.75, 0.80)
    assert registry.alias_version(name, "champion") == "1"
    assert registry.alias_version(name, "challenger") == "2"

    tie = registry.promote_if_better(name, v1, "test_accuracy")
    assert not tie.promoted  # the sitting champion against itself: no change

    better = registry.promote_if_better(name, v3, "test_accuracy")
    assert better.promoted and better.champion_version == "3"
    assert registry.alias_version(name, "champion") == "3"
    assert registry.alias_version(name, "challenger") == "3"

    # "min" mode flips the comparison: the 0.75 version wins on a loss-like reading
    lower = registry.promote_if_better(name, v2, "test_accuracy", mode="min", champion="lowest")
    assert lower.promoted
    assert registry.promote_if_better(name, v3, "test_accuracy", mode="min", champion="lowest")
    assert registry.alias_version(name, "lowest") == "2"
    assert registry.alias_version(name, "no-such-alias") is None
    with pytest.raises(ValueError, match="mode must be 'max' or 'min', got 'best'"):
        registry.promote_if_better(name, v1, "test_accuracy", mode="best")
    with pytest.raises(KeyError, match="no metric 'f1'"):
        registry.promote_if_better(name, v1, "f1")


def test_load_by_alias_serves_the_champion(store, tmp_path):
    X, y = load_digits(return_X_y=True)
    name = "digits-alias-test"
    nb = GaussianNB()
    tree = DecisionTreeClassifier(max_depth=5, random_state=0)
    v1 = _log_version(name, nb, 0.70, X[:600], y[:600], tmp_path)
    v2 = _log_version(name, tree, 0.85, X[:600], y[:600], tmp_path)
    registry.promote_if_better(name, v1, "test_accuracy")
    served = load_model(f"models:/{name}@champion")
    assert (served.name, served.version, served.input_shape) == (name, "1", (64,))
    np.testing.assert_array_equal(served.predict(X[600:]), nb.predict(X[600:]))
    registry.promote_if_better(name, v2, "test_accuracy")
    served = load_model(f"models:/{name}@champion")
    assert served.version == "2"
    np.testing.assert_array_equal(served.predict(X[600:]), tree.predict(X[600:]))
    by_number = load_model(f"models:/{name}/1")
    np.testing.assert_array_equal(by_number.predict(X[600:]), nb.predict(X[600:]))
    with pytest.raises(ValueError, match="does not resolve"):
        load_model(f"models:/{name}@nobody")
    with pytest.raises(ValueError, match="not a registry URI"):
        registry.resolve_model_uri("models:/a/b/c", tmp_path)


_WORKER = textwrap.dedent(
    """
    import sys
    import mlflow
    from groundup.mlops import tracking

    tag, n = sys.argv[1], int(sys.argv[2])
    with tracking.start_run(f"writer-{tag}", experiment="tests-concurrent") as run:
        for step in range(n):
            mlflow.log_metric("value", step * 10 + int(tag), step=step)
        print(run.info.run_id)
    """
)


def test_two_processes_logging_at_once_lose_no_metric(store, tmp_path):
    tracking.setup_tracking("tests-concurrent")  # store and experiment exist before fan-out
    n = 30
    env = dict(os.environ, MLFLOW_TRACKING_URI=store)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(tag), str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=tmp_path,
        )
        for tag in (1, 2)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (_out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err[-2000:]
    c = tracking.client()
    for tag, (out, _) in zip((1, 2), outs, strict=True):
        history = c.get_metric_history(out.strip().splitlines()[-1], "value")
        assert sorted((m.step, m.value) for m in history) == [
            (s, float(s * 10 + tag)) for s in range(n)
        ]
