"""Stage 4 (vision): a CNN, a ResNet and a Vision Transformer trained on digits side by side.

Each model trains through :func:`groundup.deep.runs.train_run` with its recipe (upsampled
16×16 inputs, random affine augmentation, warmup + cosine schedule) and is scored on the
held-out test split with the weights of its best validation epoch. scikit-learn's RBF SVC on
the raw 8×8 pixels is printed beside them as the classical reference point.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from rich.progress import Progress

from groundup.journey.registry import JourneyContext, StageReport, Table, stage

MODELS = ("lenet", "resnet20", "vit-tiny")
# quick: a few short epochs with a short warmup (the ViT also takes smaller, faster-learning steps)
QUICK: dict[str, dict[str, Any]] = {
    "lenet": dict(epochs=3, warmup_steps=5),
    "resnet20": dict(epochs=1, warmup_steps=5),
    "vit-tiny": dict(epochs=4, warmup_steps=5, batch_size=32, lr=3e-3, label_smoothing=0.0),
}


def _plt() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _predict(run_dir: Path) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray]:
    """(model, normalised test images, labels, predictions) from a run's best weights."""
    import torch
    from safetensors.torch import load_file

    from groundup.deep.runs import build_model, load_run_data, read_spec

    spec = read_spec(run_dir)
    data = load_run_data(spec)
    model = build_model(spec)
    model.load_state_dict(load_file(run_dir / "best.safetensors"))
    model.eval()
    X, y = data.test
    with torch.no_grad():
        pred = model(X).argmax(1).numpy()
    return model, X.numpy(), y.numpy(), pred


@stage(4, "Modern deep learning", part="vision")
def run(ctx: JourneyContext) -> StageReport:
    import torch
    from sklearn.svm import SVC

    from groundup.datasets import splits
    from groundup.deep.callbacks import read_metrics_csv
    from groundup.deep.models import count_parameters
    from groundup.deep.runs import evaluate_run, plot_confusion, train_run

    table = Table(
        "Digits (8×8 → 16×16), test split of 360",
        ["model", "parameters", "epochs", "test acc", "test loss", "wall time (s)", "CPU time (s)"],
    )
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp, Progress(console=ctx.console, transient=True) as bar:
        for name in MODELS:
            start, cpu = time.perf_counter(), time.process_time()
            # one thread: small convolutions do not scale, and shared cores punish oversubscription
            overrides: dict[str, Any] = dict(QUICK[name]) if ctx.quick else {}
            run_dir = train_run(
                name,
                "digits",
                seed=ctx.seed,
                out=Path(tmp) / name,
                quiet=True,
                overrides=dict(overrides, num_threads=1),
                callbacks=[_EpochBar(bar, name)],  # type: ignore[list-item]
            )
            seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
            scores = evaluate_run(run_dir)
            model, X, y, pred = _predict(run_dir)
            results[name] = dict(
                scores,
                seconds=seconds,
                history=read_metrics_csv(run_dir / "metrics.csv"),
                model=model,
                X=X,
                y=y,
                pred=pred,
                params=count_parameters(model),
            )
            n_epochs = len(results[name]["history"])
            table.add(
                name,
                results[name]["params"],
                n_epochs,
                scores["accuracy"],
                scores["loss"],
                seconds,
                cpu_seconds,
            )
            ctx.console.print(
                f"  {name}: test accuracy {scores['accuracy']:.2%} in {seconds:.1f} s"
            )
    s = splits("digits", ctx.seed)
    start, cpu = time.perf_counter(), time.process_time()
    svc = SVC().fit(s.X_train, s.y_train)
    table.add(
        "SVC (sklearn, 8×8 pixels)",
        "—",
        "—",
        float(svc.score(s.X_test, s.y_test)),
        "—",
        time.perf_counter() - start,
        time.process_time() - cpu,
    )

    figures = []
    plt = _plt()
    # learning curves
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.6))
    for name, r in results.items():
        h = r["history"]
        ax1.plot([row["epoch"] for row in h], [row["train_loss"] for row in h], label=name)
        ax2.plot([row["epoch"] for row in h], [row["val_acc"] for row in h], label=name)
    ax1.set(xlabel="epoch", ylabel="train loss", yscale="log", title="training loss")
    ax2.set(xlabel="epoch", ylabel="accuracy", title="validation accuracy", ylim=(0.5, 1.0))
    for ax in (ax1, ax2):
        ax.legend()
        ax.grid(alpha=0.3)
    fig.tight_layout()
    figures.append(_save(fig, ctx, "stage-4-curves.png"))
    plt.close(fig)
    # confusion matrix of the weakest model (the strongest is often diagonal)
    worst = min(results, key=lambda n: results[n]["accuracy"])
    path = ctx.figure_path("stage-4-confusion.png")
    plot_confusion(
        np.asarray(results[worst]["confusion"]),
        [str(i) for i in range(10)],
        path,
        title=f"{worst}: test confusion",
    )
    figures.append(str(path.relative_to(ctx.reports_dir)))
    # misclassified test digits, all models
    wrong = [(n, i) for n, r in results.items() for i in np.flatnonzero(r["pred"] != r["y"])][:12]
    fig, axes = plt.subplots(
        1, max(1, len(wrong)), figsize=(1.3 * max(1, len(wrong)), 1.8), squeeze=False
    )
    for ax, (n, i) in zip(axes[0], wrong):
        r = results[n]
        ax.imshow(r["X"][i, 0], cmap="gray_r")
        ax.set_title(f"{n}\n{r['y'][i]}→{r['pred'][i]}", fontsize=7)
    for ax in axes[0]:
        ax.axis("off")
    fig.suptitle(
        "misclassified test digits (true→predicted)" if wrong else "no test digit misclassified"
    )
    fig.tight_layout()
    figures.append(_save(fig, ctx, "stage-4-misclassified.png"))
    plt.close(fig)
    # LeNet's first-layer filters
    w = results["lenet"]["model"].features[0].weight.detach().numpy()[:, 0]
    fig, axes = plt.subplots(1, len(w), figsize=(1.2 * len(w), 1.5))
    for ax, f in zip(axes, w):
        ax.imshow(f, cmap="RdBu_r", vmin=-abs(w).max(), vmax=abs(w).max())
        ax.axis("off")
    fig.suptitle("LeNet conv1 filters (5×5)")
    fig.tight_layout()
    figures.append(_save(fig, ctx, "stage-4-lenet-filters.png"))
    plt.close(fig)
    # ViT: where the CLS token looks in the last block
    vit = results["vit-tiny"]["model"]
    attn = vit.blocks[-1].attn
    attn.keep_attention = True
    images = torch.from_numpy(results["vit-tiny"]["X"][:4])
    with torch.no_grad():
        vit(images)
    attn.keep_attention = False
    grid = vit.image_size // vit.patch_size
    maps = attn.attention[:, :, 0, 1:].mean(1).reshape(-1, grid, grid).numpy()
    fig, axes = plt.subplots(2, 4, figsize=(6.4, 3.4))
    for k in range(4):
        axes[0, k].imshow(images[k, 0].numpy(), cmap="gray_r")
        axes[1, k].imshow(maps[k], cmap="viridis")
        axes[0, k].axis("off")
        axes[1, k].axis("off")
    fig.suptitle("ViT last block: CLS attention over the 4×4 patches")
    fig.tight_layout()
    figures.append(_save(fig, ctx, "stage-4-vit-attention.png"))
    plt.close(fig)

    notes = [
        "Recipes (groundup/deep/runs.py): digits bilinearly upsampled to 16×16, random affine "
        "augmentation (±10°, ±8 % shift and scale), warmup + cosine schedule, all with "
        "AdamW, the ViT with weight decay 0.05, label smoothing 0.1 and gradient clipping "
        "(label smoothing is why its training loss levels off near 0.5, not 0).",
        "Weights are those of the best validation-loss epoch; the test split (20 %, stratified, "
        "seed 0) is never seen in training or model selection.",
        "Training used one torch thread; wall time includes waiting for a shared CPU, CPU time "
        "is this process's own compute (the fairer figure on a busy machine).",
    ]
    if ctx.quick:
        notes.append("Quick run: a few epochs each, far from converged.")
    return StageReport(tables=[table], figures=figures, notes=notes)


class _EpochBar:
    """A Trainer callback (duck-typed: torch stays unimported until the stage runs) advancing
    a rich progress bar by one epoch and showing the validation accuracy."""

    def __init__(self, bar: Progress, name: str) -> None:
        self.bar, self.name = bar, name
        self.task: Any = None

    def on_step_end(self, trainer: Any, step: int, logs: dict[str, float]) -> None:
        pass

    def on_train_start(self, trainer: Any) -> None:
        self.task = self.bar.add_task(self.name, total=trainer.epochs)

    def on_epoch_end(self, trainer: Any, metrics: dict[str, float]) -> None:
        desc = f"{self.name}  val acc {metrics.get('val_acc', float('nan')):.3f}"
        self.bar.update(self.task, advance=1, description=desc)

    def on_train_end(self, trainer: Any, history: list[dict[str, float]]) -> None:
        self.bar.remove_task(self.task)


def _save(fig: Any, ctx: JourneyContext, name: str) -> str:
    path = ctx.figure_path(name)
    fig.savefig(path, dpi=100)
    return str(path.relative_to(ctx.reports_dir))
