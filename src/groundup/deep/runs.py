"""Train and evaluate named models on bundled datasets: the API behind ``groundup train``.

A run folder holds ``run.json`` (what was trained, with which settings), ``checkpoints/``,
``best.safetensors`` (weights with the best validation loss), ``metrics.csv``,
``curves.png`` and, after :func:`evaluate_run`, ``evaluation.json`` and ``confusion.png``.
Each model has a recipe (input size, optimiser, schedule, augmentation) tuned on the digits
validation split; see docs/notes/training-at-scale.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from groundup.datasets import splits
from groundup.datasets.transforms import Compose, Normalize, RandomAffine, RandomCrop, Transform
from groundup.deep.callbacks import Callback, CSVLogger
from groundup.deep.checkpoint import atomic_write_bytes, latest_checkpoint, load_checkpoint
from groundup.deep.config import TrainConfig
from groundup.deep.models import create
from groundup.deep.train import Trainer, seed_everything

IMAGE_DATASETS = ("digits",)
TABULAR_DATASETS = ("iris", "wine", "breast_cancer", "penguins")


@dataclass(frozen=True)
class Recipe:
    """How a model is trained on digits: input side, TrainConfig fields, augmentation."""

    image_size: int
    config: dict[str, Any]
    model_kwargs: dict[str, Any] = field(default_factory=dict)
    affine: tuple[float, float, float] | None = (10.0, 0.08, 0.08)  # degrees, translate, scale
    crop_padding: int = 0


RECIPES: dict[str, Recipe] = {
    "mlp": Recipe(
        8,
        dict(epochs=40, batch_size=64, lr=2e-3, weight_decay=1e-4, warmup_steps=20),
        dict(hidden=(256, 128), dropout=0.1),
    ),
    "lenet": Recipe(
        16, dict(epochs=30, batch_size=64, lr=3e-3, weight_decay=1e-4, warmup_steps=20)
    ),
    "resnet20": Recipe(
        16, dict(epochs=15, batch_size=64, lr=3e-3, weight_decay=1e-4, warmup_steps=20)
    ),
    "vit-tiny": Recipe(
        16,
        dict(
            epochs=40,
            batch_size=64,
            lr=2e-3,
            weight_decay=0.05,
            warmup_steps=100,
            label_smoothing=0.1,
            grad_clip=1.0,
        ),
        dict(patch_size=4),
    ),
}
DEFAULT_RECIPE = Recipe(
    16, dict(epochs=20, batch_size=64, lr=1e-3, weight_decay=0.01, warmup_steps=20)
)


def _recipe(model: str) -> Recipe:
    return RECIPES.get(model, DEFAULT_RECIPE)


# --------------------------------------------------------------------------------- data
@dataclass
class RunData:
    """Normalised splits plus the training augmentation, ready for the Trainer."""

    train: tuple[torch.Tensor, torch.Tensor]
    val: tuple[torch.Tensor, torch.Tensor]
    test: tuple[torch.Tensor, torch.Tensor]
    augment: Transform | None
    num_classes: int
    class_names: list[str]


def load_run_data(spec: dict[str, Any]) -> RunData:
    """Build the tensors a run trains and evaluates on from its ``run.json`` spec."""
    dataset = spec["dataset"]
    image = dataset in IMAGE_DATASETS
    s = splits(dataset, spec["seed"], image_size=spec["image_size"] if image else None)
    mean, std = np.asarray(spec["norm_mean"]), np.asarray(spec["norm_std"])

    def norm(X: np.ndarray) -> torch.Tensor:
        if image:  # one mean/std for the single grey channel
            return torch.from_numpy(((X - mean[0]) / std[0]).astype(np.float32))
        return torch.from_numpy(((X - mean) / std).astype(np.float32))

    def tensors(
        X: np.ndarray, y: np.ndarray, raw: bool = False
    ) -> tuple[torch.Tensor, torch.Tensor]:
        x = torch.from_numpy(X.astype(np.float32)) if raw else norm(X)
        return x, torch.from_numpy(y.astype(np.int64))

    augment: Transform | None = None
    steps: list[Transform] = []
    if image and spec.get("affine"):
        steps.append(RandomAffine(*spec["affine"]))
    if image and spec.get("crop_padding"):
        steps.append(RandomCrop(spec["crop_padding"]))
    if steps:  # augment raw [0, 1] images (zero = background), then normalise
        augment = Compose([*steps, Normalize([mean[0]], [std[0]])])
    train = tensors(s.X_train, s.y_train, raw=augment is not None)
    return RunData(
        train,
        tensors(s.X_val, s.y_val),
        tensors(s.X_test, s.y_test),
        augment,
        len(s.target_names),
        list(s.target_names),
    )


def _make_spec(
    model: str,
    dataset: str,
    epochs: int | None,
    seed: int,
    overrides: dict[str, Any] | None,
    model_overrides: dict[str, Any] | None,
) -> dict[str, Any]:
    if dataset not in IMAGE_DATASETS + TABULAR_DATASETS:
        raise ValueError(
            f"unknown dataset {dataset!r}; choose one of {', '.join(IMAGE_DATASETS + TABULAR_DATASETS)}"
        )
    if dataset in TABULAR_DATASETS and model != "mlp":
        raise ValueError(f"{dataset!r} is a table: only the 'mlp' model fits it, not {model!r}")
    recipe = _recipe(model)
    config = dict(recipe.config, seed=seed)
    if epochs is not None:
        config["epochs"] = epochs
    config.update(overrides or {})
    TrainConfig.from_dict(config)  # validate now, before any file is written
    image = dataset in IMAGE_DATASETS
    s = splits(dataset, seed, image_size=recipe.image_size if image else None)
    if image:
        mean, std = [float(s.X_train.mean())], [float(s.X_train.std())]
        input_shape = list(s.X_train.shape[1:])
        model_kwargs = dict(
            recipe.model_kwargs, in_channels=input_shape[0], image_size=recipe.image_size
        )
    else:
        mean, std = (
            s.X_train.mean(0).tolist(),
            np.where(s.X_train.std(0) > 0, s.X_train.std(0), 1.0).tolist(),
        )
        input_shape = [s.X_train.shape[1]]
        model_kwargs = dict(recipe.model_kwargs, in_features=input_shape[0])
    model_kwargs["num_classes"] = len(s.target_names)
    model_kwargs.update(model_overrides or {})
    return {
        "model": model,
        "dataset": dataset,
        "seed": seed,
        "image_size": recipe.image_size,
        "input_shape": input_shape,
        "model_kwargs": model_kwargs,
        "norm_mean": mean,
        "norm_std": std,
        "affine": list(recipe.affine) if image and recipe.affine else None,
        "crop_padding": recipe.crop_padding if image else 0,
        "train_config": config,
    }


def build_model(spec: dict[str, Any]) -> torch.nn.Module:
    """The run's model, initialised from its seed."""
    torch.manual_seed(spec["seed"])
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in spec["model_kwargs"].items()}
    return create(spec["model"], **kwargs)


def read_spec(run_dir: Path) -> dict[str, Any]:
    """A run folder's ``run.json``; a clear error if the folder is not a run."""
    path = Path(run_dir) / "run.json"
    if not path.is_file():
        raise FileNotFoundError(f"{run_dir} is not a run folder (no run.json)")
    return json.loads(path.read_text())


# --------------------------------------------------------------------------------- train
def execute(
    run_dir: Path, *, resume: bool, quiet: bool, callbacks: list[Callback] | None = None
) -> Trainer:
    """Train the run described by ``run_dir/run.json`` in this process (DDP-aware)."""
    spec = read_spec(run_dir)
    seed_everything(spec["seed"])
    data = load_run_data(spec)
    cfg = TrainConfig.from_dict(dict(spec["train_config"], progress=not quiet))
    trainer = Trainer(
        build_model(spec),
        cfg,
        data.train,
        data.val,
        run_dir=run_dir,
        augment=data.augment,
        callbacks=[CSVLogger(run_dir / "metrics.csv"), *(callbacks or [])],
    )
    trainer.fit(resume=run_dir if resume else None)
    if trainer.is_main:
        plot_curves(
            trainer.history, run_dir / "curves.png", title=f"{spec['model']} on {spec['dataset']}"
        )
        atomic_write_bytes(
            run_dir / "COMPLETE", json.dumps({"epochs": len(trainer.history)}).encode()
        )
    return trainer


def train_run(
    model: str,
    dataset: str = "digits",
    epochs: int | None = None,
    seed: int = 0,
    out: Path | None = None,
    resume: Path | None = None,
    nproc: int = 1,
    quiet: bool = False,
    *,
    overrides: dict[str, Any] | None = None,
    model_overrides: dict[str, Any] | None = None,
    callbacks: list[Callback] | None = None,
) -> Path:
    """Train ``model`` on ``dataset`` into a run folder and return the folder.

    Parameters
    ----------
    model : str
        A name from ``groundup.deep.models.list_models()``.
    dataset : str
        "digits" (images) or a table (iris, wine, breast_cancer, penguins; mlp only).
    epochs : int, optional
        Override the recipe's epoch count.
    seed : int
        Seeds the split, the initialisation, the data order and the augmentation.
    out : Path, optional
        Run folder; ``runs/<model>-<dataset>-seed<seed>`` by default.
    resume : Path, optional
        An earlier run folder to continue from its newest checkpoint (its settings are used).
    nproc : int
        Processes; above 1 the run is launched under ``torchrun`` with DDP.
    quiet : bool
        No progress bar.
    overrides : dict, optional
        TrainConfig fields replacing the recipe's (e.g. ``{"batch_size": 32}``).
    model_overrides : dict, optional
        Model arguments replacing the recipe's (e.g. ``{"dropout": 0.0}``).
    callbacks : list of Callback, optional
        Extra Trainer callbacks (single-process runs only; they live in this process).
    """
    if not isinstance(nproc, int) or nproc < 1:
        raise ValueError(f"nproc must be a positive integer, got {nproc!r}")
    if callbacks and nproc > 1:
        raise ValueError("callbacks run in this process; they cannot follow an nproc > 1 run")
    if resume is not None:
        run_dir = Path(resume)
        spec = read_spec(run_dir)
        if (spec["model"], spec["dataset"]) != (model, dataset):
            raise ValueError(
                f"run {run_dir} trained {spec['model']!r} on {spec['dataset']!r}, "
                f"not {model!r} on {dataset!r}"
            )
        planned = spec["train_config"]["epochs"]
        if epochs is not None and epochs != planned:
            raise ValueError(
                f"run {run_dir} was planned for {planned} epochs; resuming cannot change that to "
                f"{epochs} (the learning-rate schedule depends on it)"
            )
        latest_checkpoint(run_dir / "checkpoints")  # a clear error if there is nothing to resume
        (run_dir / "COMPLETE").unlink(missing_ok=True)
    else:
        run_dir = Path(out) if out is not None else Path("runs") / f"{model}-{dataset}-seed{seed}"
        if (run_dir / "run.json").exists():
            raise FileExistsError(
                f"{run_dir} already holds a run; pass resume={run_dir} or another out"
            )
        spec = _make_spec(model, dataset, epochs, seed, overrides, model_overrides)
        run_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(run_dir / "run.json", json.dumps(spec, indent=1).encode())
    if nproc == 1:
        execute(run_dir, resume=resume is not None, quiet=quiet, callbacks=callbacks)
    else:
        _launch(run_dir, nproc, resume=resume is not None, quiet=quiet)
    return run_dir


def _launch(run_dir: Path, nproc: int, *, resume: bool, quiet: bool) -> None:
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        f"--nproc-per-node={nproc}",
        "-m",
        "groundup.deep.distributed",
        "--run-dir",
        str(run_dir),
    ]
    cmd += ["--resume"] if resume else []
    cmd += ["--quiet"] if quiet else []
    env = dict(os.environ, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"))
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    # gloo sometimes aborts while tearing down after a finished run: trust the result marker
    if not (run_dir / "COMPLETE").exists():
        raise RuntimeError(
            f"distributed training failed (exit code {proc.returncode}):\n{(proc.stdout + proc.stderr)[-4000:]}"
        )


# --------------------------------------------------------------------------------- evaluate
def evaluate_run(run_dir: Path) -> dict[str, Any]:
    """Score a finished run on its test split; write ``evaluation.json`` and ``confusion.png``.

    The weights are the run's best by validation loss (``best.safetensors``), else its newest
    checkpoint.

    Returns
    -------
    dict
        ``accuracy``, ``loss``, ``n_samples``, ``weights`` (file used) and ``confusion``
        (rows: true class, columns: predicted).
    """
    from safetensors.torch import load_file

    run_dir = Path(run_dir)
    spec = read_spec(run_dir)
    data = load_run_data(spec)
    model = build_model(spec)
    best = run_dir / "best.safetensors"
    if best.is_file():
        model.load_state_dict(load_file(best))
        source = best
    else:
        ckpt = load_checkpoint(latest_checkpoint(run_dir / "checkpoints"))
        model.load_state_dict(ckpt.tensors["model"])
        source = ckpt.path
    model.eval()
    X, y = data.test
    with torch.no_grad():
        logits = torch.cat([model(X[i : i + 512]) for i in range(0, len(X), 512)])
    loss = float(torch.nn.functional.cross_entropy(logits, y))
    pred = logits.argmax(1).numpy()
    k = data.num_classes
    confusion = np.bincount(y.numpy() * k + pred, minlength=k * k).reshape(k, k)
    result = {
        "accuracy": float((pred == y.numpy()).mean()),
        "loss": loss,
        "n_samples": int(len(y)),
        "weights": str(source),
        "confusion": confusion.tolist(),
    }
    atomic_write_bytes(run_dir / "evaluation.json", json.dumps(result, indent=1).encode())
    plot_confusion(
        confusion,
        data.class_names,
        run_dir / "confusion.png",
        title=f"{spec['model']} on {spec['dataset']} test: {result['accuracy']:.2%}",
    )
    return result


# --------------------------------------------------------------------------------- figures
def plot_curves(history: list[dict[str, Any]], path: Path, title: str = "") -> Path:
    """Loss (train, val) and validation accuracy against epoch."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = [r["epoch"] for r in history]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
    ax1.plot(epochs, [r["train_loss"] for r in history], label="train")
    if history and "val_loss" in history[0]:
        ax1.plot(epochs, [r["val_loss"] for r in history], label="val")
        ax2.plot(epochs, [r["val_acc"] for r in history], label="val")
    ax2.plot(epochs, [r["train_acc"] for r in history], label="train")
    ax1.set(xlabel="epoch", ylabel="loss", yscale="log")
    ax2.set(xlabel="epoch", ylabel="accuracy")
    for ax in (ax1, ax2):
        ax.legend()
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def plot_confusion(confusion: np.ndarray, names: list[str], path: Path, title: str = "") -> Path:
    """A confusion-matrix heat map with counts."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    k = len(confusion)
    fig, ax = plt.subplots(figsize=(0.45 * k + 2.5, 0.45 * k + 2))
    ax.imshow(confusion, cmap="Blues")
    for i in range(k):
        for j in range(k):
            if confusion[i, j]:
                ax.text(
                    j,
                    i,
                    str(confusion[i, j]),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if confusion[i, j] > confusion.max() / 2 else "black",
                )
    ax.set(
        xticks=range(k),
        yticks=range(k),
        xticklabels=names,
        yticklabels=names,
        xlabel="predicted",
        ylabel="true",
        title=title,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
