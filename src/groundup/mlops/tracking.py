"""Experiment tracking on MLflow 3: the embedded sqlite default, a Trainer callback, an estimator wrapper.

The store is ``sqlite:///mlruns.db`` in the current folder with artifacts in ``mlartifacts/``
beside it (both absolute, so a run started from another folder lands in the same place), unless
``MLFLOW_TRACKING_URI`` names another store — a tracking server with a SQL database is how a
team scales. Telemetry is off. The traps this module closes (see docs/notes/ml-system-design.md):

- several processes creating a fresh sqlite store at once race on its schema, so
  :func:`setup_tracking` creates the store and the experiment once, before any fan-out, and
  the Trainer callback logs from rank 0 only (the Trainer calls callbacks on rank 0 only);
- an experiment without an explicit artifact location writes to ``./mlruns`` of whatever
  folder the process happens to be in, so every experiment gets one;
- MLflow's model flavours pickle, so models are logged as plain artifacts instead: ONNX or
  safetensors + JSON for PyTorch, ``.npz`` + JSON for groundup estimators.

Every run records its parameters, per-step metrics, figures, the dataset's content hash and
the git commit of the code.
"""

from __future__ import annotations

import os

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")

import contextlib  # noqa: E402 - telemetry must be off before mlflow is imported
import functools  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator, Mapping  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

import numpy as np  # noqa: E402

if TYPE_CHECKING:
    from mlflow import MlflowClient

    from groundup.deep.train import Trainer

DEFAULT_DB = "mlruns.db"
DEFAULT_ARTIFACTS = "mlartifacts"
DEFAULT_EXPERIMENT = "groundup"


# ============================================================================ the store
def tracking_uri() -> str:
    """``MLFLOW_TRACKING_URI`` if set, else ``sqlite:///<abs cwd>/mlruns.db``.

    See docs/notes/ml-system-design.md.

    Returns
    -------
    str
        The tracking (and registry) URI every groundup process uses.
    """
    env = os.environ.get("MLFLOW_TRACKING_URI", "").strip()
    if env:
        return env
    return f"sqlite:///{(Path.cwd() / DEFAULT_DB).resolve()}"


def artifact_root(uri: str | None = None) -> str | None:
    """The artifact folder for new experiments: ``mlartifacts/`` beside a sqlite file.

    For a server URI (http…) the server decides, so None.

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    uri : str, optional
        Tracking URI; :func:`tracking_uri` by default.

    Returns
    -------
    str or None
        A ``file://`` URI, or None when a server chooses.
    """
    uri = uri or tracking_uri()
    if uri.startswith("sqlite:///"):
        db = Path(uri.removeprefix("sqlite:///"))
        if not db.is_absolute():
            db = Path.cwd() / db
        return (db.resolve().parent / DEFAULT_ARTIFACTS).as_uri()
    return None


def client(uri: str | None = None) -> MlflowClient:
    """An MlflowClient on ``uri`` (default :func:`tracking_uri`) for tracking and registry.

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    uri : str, optional
        Tracking URI; :func:`tracking_uri` by default.

    Returns
    -------
    MlflowClient
    """
    from mlflow import MlflowClient

    uri = uri or tracking_uri()
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def setup_tracking(experiment: str = DEFAULT_EXPERIMENT, uri: str | None = None) -> str:
    """Create the store and ``experiment`` (with an explicit artifact location) once; its id.

    Call this in the parent process before starting workers that log to the same store, so
    they never race to create the schema. Also points the ``mlflow`` fluent API at ``uri``.

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    experiment : str
        Experiment name, created if missing.
    uri : str, optional
        Tracking URI; :func:`tracking_uri` by default.

    Returns
    -------
    str
        The experiment id.
    """
    import mlflow
    from mlflow.exceptions import MlflowException

    uri = uri or tracking_uri()
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    c = client(uri)
    found = c.get_experiment_by_name(experiment)
    if found is not None:
        return str(found.experiment_id)
    try:
        return str(c.create_experiment(experiment, artifact_location=artifact_root(uri)))
    except MlflowException:  # another process created it between the lookup and here
        found = c.get_experiment_by_name(experiment)
        if found is None:
            raise
        return str(found.experiment_id)


@functools.lru_cache(maxsize=8)
def git_commit(folder: str | Path | None = None) -> str | None:
    """The git commit of ``folder`` (default: this package's checkout), or None outside git.

    Read once per process, so every run of one session records the same commit.

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    folder : str or Path, optional
        A folder inside the checkout.

    Returns
    -------
    str or None
        The full commit hash.
    """
    where = Path(folder) if folder is not None else Path(__file__).resolve().parent
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=where,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


# ============================================================================ runs
def _flat_params(params: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in params.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flat_params(value, f"{name}."))
        else:
            text = value if isinstance(value, str) else json.dumps(value, default=repr)
            flat[name] = text[:6000]  # MLflow's param value limit
    return flat


@contextlib.contextmanager
def start_run(
    run_name: str,
    *,
    experiment: str = DEFAULT_EXPERIMENT,
    dataset_hash: str | None = None,
    params: Mapping[str, Any] | None = None,
    tags: Mapping[str, str] | None = None,
    uri: str | None = None,
) -> Iterator[Any]:
    """A tracked MLflow run that records the git commit and the dataset's content hash.

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    run_name : str
        Shown in the run table.
    experiment : str
        Created on first use (see :func:`setup_tracking`).
    dataset_hash : str, optional
        The content hash of the training data (:func:`groundup.mlops.pipeline.dataset_hash`),
        logged as tag and parameter ``dataset_hash``.
    params : mapping, optional
        Parameters to log (nested mappings are flattened with dots).
    tags : mapping, optional
        Extra tags.
    uri : str, optional
        Tracking URI.

    Yields
    ------
    mlflow.ActiveRun
    """
    import mlflow

    experiment_id = setup_tracking(experiment, uri)
    all_tags = {"groundup.git_commit": git_commit() or "unknown"}
    if dataset_hash is not None:
        all_tags["groundup.dataset_hash"] = dataset_hash
    all_tags.update(tags or {})
    with mlflow.start_run(experiment_id=experiment_id, run_name=run_name, tags=all_tags) as run:
        if dataset_hash is not None:
            mlflow.log_param("dataset_hash", dataset_hash)
        if params:
            mlflow.log_params(_flat_params(params))
        yield run


def log_figure(fig: Any, name: str) -> None:
    """Log a matplotlib figure as ``figures/<name>`` of the active run.

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    name : str
        File name under ``figures/`` (``curves.png``).
    """
    import mlflow

    mlflow.log_figure(fig, f"figures/{name}")


def log_model_folder(folder: str | Path, artifact_path: str = "model") -> str:
    """Log a model folder (ONNX / safetensors / npz + JSON) as run artifacts; its artifact URI.

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    folder : str or Path
        A model folder written by ``export_onnx`` / ``save_estimator``.
    artifact_path : str
        Folder name inside the run's artifacts.

    Returns
    -------
    str
        The artifact URI (what ``register_model`` points a version at).
    """
    import mlflow

    mlflow.log_artifacts(str(folder), artifact_path)
    return f"{mlflow.get_artifact_uri()}/{artifact_path}"


def log_torch_model(
    model: Any,
    input_shape: tuple[int, ...],
    *,
    name: str,
    config: Mapping[str, Any] | None = None,
    artifact_path: str = "model",
    onnx: bool = True,
    output_description: dict[str, Any] | None = None,
) -> str:
    """Log a PyTorch model as ``model.onnx`` + ``weights.safetensors`` + ``config.json``.

    Nothing is pickled: the ONNX file serves (see :func:`groundup.mlops.export.load_model`),
    the safetensors weights plus the JSON config rebuild the ``nn.Module`` for more training.

    See docs/notes/ml-system-design.md.

    Returns
    -------
    str
        The artifact URI of the logged folder.
    """
    from safetensors.torch import save_file

    from groundup.mlops.export import export_onnx

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        state = {k: v.detach().cpu().contiguous().clone() for k, v in model.state_dict().items()}
        save_file(state, str(folder / "weights.safetensors"))
        doc: dict[str, Any] = {"name": name, "class": type(model).__name__}
        doc["input_shape"] = list(input_shape)
        doc["config"] = dict(config or {})
        (folder / "config.json").write_text(json.dumps(doc, indent=1, default=repr))
        if onnx:
            export_onnx(
                model,
                folder / "model.onnx",
                input_shape,
                name=name,
                output_description=output_description,
            )
        return log_model_folder(folder, artifact_path)


# ============================================================================ Trainer
class MLflowCallback:
    """Log a Trainer's run to MLflow: config, per-step learning rate, per-epoch metrics, model.

    It implements :class:`groundup.deep.CallbackProtocol` (all four hooks) without importing
    torch, so this module stays light for processes that only log or list runs. The Trainer
    calls callbacks on rank 0 only, so under DDP one process logs. Without an
    active run, one is started at ``on_train_start`` (and ended at ``on_train_end``).

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    run_name : str
        Name of the run started when none is active.
    input_shape : tuple of int, optional
        Per-example input shape; when given, the model is logged at the end as ONNX +
        safetensors + JSON (``artifact_path``).
    model_name : str
        Name stored with the model.
    dataset_hash : str, optional
        Content hash of the training data.
    experiment : str
        Experiment used when starting a run.
    artifact_path : str
        Folder of the logged model inside the run.
    log_every : int
        Log the per-step metrics every this many optimiser steps.
    onnx : bool
        Also export the model to ONNX (the served form); safetensors + JSON are always logged.
    output_description : dict, optional
        What the model's output means, stored in the ONNX metadata (see ``export_onnx``).
    """

    def __init__(
        self,
        run_name: str = "train",
        *,
        input_shape: tuple[int, ...] | None = None,
        model_name: str = "model",
        dataset_hash: str | None = None,
        experiment: str = DEFAULT_EXPERIMENT,
        artifact_path: str = "model",
        log_every: int = 1,
        onnx: bool = True,
        output_description: dict[str, Any] | None = None,
    ) -> None:
        self.run_name = run_name
        self.input_shape = input_shape
        self.model_name = model_name
        self.dataset_hash = dataset_hash
        self.experiment = experiment
        self.artifact_path = artifact_path
        self.log_every = max(1, int(log_every))
        self.onnx = onnx
        self.output_description = output_description
        self._stack: contextlib.ExitStack | None = None
        self.run_id: str | None = None

    def on_train_start(self, trainer: Trainer) -> None:
        import mlflow

        if mlflow.active_run() is None:
            self._stack = contextlib.ExitStack()
            self._stack.enter_context(
                start_run(self.run_name, experiment=self.experiment, dataset_hash=self.dataset_hash)
            )
        elif self.dataset_hash is not None:
            mlflow.set_tag("groundup.dataset_hash", self.dataset_hash)
        run = mlflow.active_run()
        assert run is not None
        self.run_id = run.info.run_id
        n_params = sum(p.numel() for p in trainer.model.parameters())
        params: dict[str, Any] = {"model": type(trainer.model).__name__, "n_parameters": n_params}
        params.update(trainer.config.to_dict())
        mlflow.log_params(_flat_params(params))

    def on_step_end(self, trainer: Trainer, step: int, logs: dict[str, float]) -> None:
        import mlflow

        if step % self.log_every == 0:
            mlflow.log_metrics({f"step_{k}": float(v) for k, v in logs.items()}, step=step)

    def on_epoch_end(self, trainer: Trainer, metrics: dict[str, float]) -> None:
        import mlflow

        values = {
            k: float(v)
            for k, v in metrics.items()
            if isinstance(v, (int, float)) and k not in ("epoch", "step") and np.isfinite(v)
        }
        mlflow.log_metrics(values, step=int(metrics.get("epoch", len(trainer.history))))

    def on_train_end(self, trainer: Trainer, history: list[dict[str, float]]) -> None:
        try:
            if history:
                fig = _curves_figure(history)
                log_figure(fig, "curves.png")
                _close(fig)
            if self.input_shape is not None:
                log_torch_model(
                    trainer.model,
                    self.input_shape,
                    name=self.model_name,
                    config=trainer.config.to_dict(),
                    artifact_path=self.artifact_path,
                    onnx=self.onnx,
                    output_description=self.output_description,
                )
        finally:
            if self._stack is not None:
                self._stack.close()
                self._stack = None


def _close(fig: Any) -> None:
    import matplotlib.pyplot as plt

    plt.close(fig)


def _curves_figure(history: list[dict[str, Any]]) -> Any:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    epochs = [row.get("epoch", i + 1) for i, row in enumerate(history)]
    keys = [k for k in history[0] if k not in ("epoch", "step") and ("loss" in k or "acc" in k)]
    fig, ax = plt.subplots(figsize=(5, 3.2))
    for key in keys:
        ax.plot(epochs, [row.get(key, np.nan) for row in history], marker="o", label=key)
    ax.set_xlabel("epoch")
    ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


# ============================================================================ estimators
def track_estimator(
    estimator: Any,
    train: tuple[Any, Any],
    test: tuple[Any, Any],
    *,
    run_name: str,
    model_name: str = "estimator",
    dataset_hash: str | None = None,
    experiment: str = DEFAULT_EXPERIMENT,
    artifact_path: str = "model",
    val: tuple[Any, Any] | None = None,
) -> dict[str, Any]:
    """Fit a groundup estimator inside a tracked run and log params, metrics, figure and model.

    Logs ``get_params()``, the fit time, the held-out score (accuracy for classifiers, R² for
    regressors — ``estimator.score``), any per-iteration curve the estimator learned
    (``loss_curve_``, ``validation_score_``, ``train_score_``) as per-step metrics, a confusion
    matrix for classifiers, and the fitted model as ``.npz`` + JSON (no pickle).

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    estimator : estimator
        An unfitted groundup estimator (or Pipeline of them).
    train, test : (X, y) pairs
        Training data and the held-out split.
    run_name, model_name, dataset_hash, experiment, artifact_path
        Run and artifact naming (see :func:`start_run`).
    val : (X, y) pair, optional
        A validation split, scored as ``val_score`` (what model selection should compare,
        keeping the test split for the final report).

    Returns
    -------
    dict
        ``run_id``, ``test_score``, ``val_score`` (None without ``val``), ``fit_seconds``,
        ``artifact_uri`` and the fitted ``estimator``.
    """
    import mlflow

    from groundup.mlops.export import save_estimator

    X_train, y_train = train
    X_test, y_test = test
    params = {"estimator": type(estimator).__name__}
    params.update({k: v for k, v in estimator.get_params(deep=True).items() if _is_plain(v)})
    with start_run(
        run_name, experiment=experiment, dataset_hash=dataset_hash, params=params
    ) as run:
        t0 = time.perf_counter()
        estimator.fit(X_train, y_train)
        fit_seconds = time.perf_counter() - t0
        score = float(estimator.score(X_test, y_test))
        train_score = float(estimator.score(X_train, y_train))
        scores = {"test_score": score, "train_score": train_score, "fit_seconds": fit_seconds}
        if val is not None:
            scores["val_score"] = float(estimator.score(*val))
        mlflow.log_metrics(scores)
        for attr in ("loss_curve_", "validation_score_", "train_score_"):
            curve = getattr(estimator, attr, None)
            if curve is not None and np.ndim(curve) == 1:
                for i, v in enumerate(np.asarray(curve, dtype=float)):
                    if np.isfinite(v):
                        mlflow.log_metric(attr.rstrip("_"), float(v), step=i)
        if getattr(estimator, "classes_", None) is not None:
            fig = _confusion_figure(y_test, estimator.predict(X_test), estimator.classes_)
            log_figure(fig, "confusion.png")
            _close(fig)
        with tempfile.TemporaryDirectory() as tmp:
            extra = {"test_score": score, "dataset_hash": dataset_hash}
            save_estimator(estimator, tmp, name=model_name, extra=extra)
            uri = log_model_folder(tmp, artifact_path)
        return {
            "run_id": run.info.run_id,
            "test_score": score,
            "val_score": scores.get("val_score"),
            "fit_seconds": fit_seconds,
            "artifact_uri": uri,
            "estimator": estimator,
        }


def _is_plain(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


def _confusion_figure(y_true: Any, y_pred: Any, classes: Any) -> Any:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    classes = np.asarray(classes)
    t = np.searchsorted(classes, np.asarray(y_true))
    p = np.searchsorted(classes, np.asarray(y_pred))
    k = len(classes)
    counts = np.bincount(t * k + p, minlength=k * k).reshape(k, k)
    fig, ax = plt.subplots(figsize=(4, 4))
    ax.imshow(counts, cmap="Blues")
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_xticks(range(k), [str(c) for c in classes], fontsize=6)
    ax.set_yticks(range(k), [str(c) for c in classes], fontsize=6)
    fig.tight_layout()
    return fig


# ============================================================================ CLI helpers
def list_runs(limit: int = 20, *, uri: str | None = None) -> list[dict[str, Any]]:
    """The ``limit`` most recent runs of every experiment in the store, newest first.

    Each row: ``run_id``, ``experiment``, ``name``, ``status``, ``start`` (ISO time, UTC),
    ``duration_s``, ``dataset_hash``, ``git_commit`` and ``metrics`` (latest value of each).

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    limit : int
        Most rows returned (>= 1).
    uri : str, optional
        Tracking URI; :func:`tracking_uri` by default.

    Returns
    -------
    list of dict
        One row per run.
    """
    if limit < 1:
        raise ValueError(f"limit must be >= 1, got {limit}")
    c = client(uri)
    experiments = {e.experiment_id: e.name for e in c.search_experiments()}
    if not experiments:
        return []
    runs = c.search_runs(
        list(experiments), max_results=int(limit), order_by=["attributes.start_time DESC"]
    )
    rows = []
    for r in runs:
        info, data = r.info, r.data
        end = info.end_time or info.start_time
        rows.append(
            {
                "run_id": info.run_id,
                "experiment": experiments.get(info.experiment_id, info.experiment_id),
                "name": info.run_name,
                "status": info.status,
                "start": datetime.fromtimestamp(info.start_time / 1000, UTC).isoformat(
                    timespec="seconds"
                ),
                "duration_s": (end - info.start_time) / 1000,
                "dataset_hash": data.tags.get("groundup.dataset_hash"),
                "git_commit": data.tags.get("groundup.git_commit"),
                "metrics": dict(data.metrics),
            }
        )
    return rows


def ui_command(port: int = 5000, *, host: str = "127.0.0.1", uri: str | None = None) -> list[str]:
    """The argv that starts the MLflow UI on the same store (and artifact folder).

    One worker: the UI reads a local store for one person. Run it with :func:`ui_env`, which
    also switches off MLflow 3's background job runner (a process tree of task consumers that
    a local UI does not need and that outlives a terminated parent).

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    port : int
        TCP port (1..65535).
    host : str
        Interface to bind; loopback by default.
    uri : str, optional
        Tracking URI; :func:`tracking_uri` by default.

    Returns
    -------
    list of str
        ``[python, -m, mlflow, ui, --backend-store-uri, …]``.
    """
    if not 0 < int(port) < 65536:
        raise ValueError(f"port must lie in 1..65535, got {port}")
    uri = uri or tracking_uri()
    argv = [sys.executable, "-m", "mlflow", "ui", "--backend-store-uri", uri]
    root = artifact_root(uri)
    if root is not None:
        argv += ["--default-artifact-root", root]
    return argv + ["--host", host, "--port", str(int(port)), "--workers", "1"]


def ui_env() -> dict[str, str]:
    """The environment for :func:`ui_command`: this one, telemetry and job execution off.

    See docs/notes/ml-system-design.md.

    Returns
    -------
    dict
        A copy of ``os.environ`` with the three switches set.
    """
    env = dict(os.environ)
    env.update(
        MLFLOW_DISABLE_TELEMETRY="true",
        DO_NOT_TRACK="true",
        MLFLOW_SERVER_ENABLE_JOB_EXECUTION="false",
    )
    return env


__all__ = [
    "MLflowCallback",
    "artifact_root",
    "client",
    "git_commit",
    "list_runs",
    "log_figure",
    "log_model_folder",
    "log_torch_model",
    "setup_tracking",
    "start_run",
    "track_estimator",
    "tracking_uri",
    "ui_command",
    "ui_env",
]
