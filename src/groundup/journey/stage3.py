"""Stage 3 journey (autograd part): neural networks from scratch beside their PyTorch twins.

On scikit-learn's digits (1,797 real 8×8 images, a fixed stratified 75/25 split):

1. an MLP and a small CNN trained with ``groundup.autograd``, and the same models (same
   initial weights, same batches) trained in PyTorch — test accuracy and CPU time per epoch;
2. the loss curve of every optimiser on the same MLP;
3. gradient norms per layer of a 20-layer MLP at initialisation: sigmoid vs ReLU, Xavier vs
   Kaiming — vanishing gradients made visible;
4. dropout and weight decay against overfitting when only 150 training images are kept.

Both sides run on one thread (BLAS via threadpoolctl, ``torch.set_num_threads(1)``) so the
time ratio compares implementations, not thread scheduling on a shared machine.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from groundup import autograd as ag
from groundup.autograd import nn, optim
from groundup.autograd.data import DataLoader
from groundup.autograd.nn import functional as gf
from groundup.journey.registry import JourneyContext, StageReport, Table, stage

Data = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


@contextlib.contextmanager
def _one_thread() -> Iterator[None]:
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # NumPy's BLAS then keeps its default threads
        limiter: Any = contextlib.nullcontext()
    else:
        limiter = threadpool_limits(1)
    try:
        with limiter:
            yield
    finally:
        torch.set_num_threads(previous)


def _digits(seed: int) -> Data:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    d = load_digits()
    X = (d.data / 16.0).astype(np.float32)
    Xtr, Xte, ytr, yte = train_test_split(
        X, d.target, test_size=0.25, random_state=seed, stratify=d.target
    )
    return Xtr, Xte, ytr, yte


# --- models, built identically from either library --------------------------------------------
def _mlp(m: Any) -> Any:
    return m.Sequential(
        m.Linear(64, 256), m.ReLU(), m.Linear(256, 128), m.ReLU(), m.Linear(128, 10)
    )


def _cnn(m: Any) -> Any:
    return m.Sequential(
        m.Conv2d(1, 16, 3, padding=1), m.BatchNorm2d(16), m.ReLU(), m.MaxPool2d(2),
        m.Conv2d(16, 32, 3, padding=1), m.BatchNorm2d(32), m.ReLU(), m.MaxPool2d(2),
        m.Flatten(), m.Dropout(0.2), m.Linear(32 * 2 * 2, 10),
    )  # fmt: skip


def _accuracy_ours(model: nn.Module, X: np.ndarray, y: np.ndarray) -> float:
    model.eval()
    with ag.no_grad():
        pred = model(ag.tensor(X)).data.argmax(axis=1)
    model.train()
    return float((pred == y).mean())


def _accuracy_torch(model: Any, X: np.ndarray, y: np.ndarray) -> float:
    import torch

    model.eval()
    with torch.no_grad():
        pred = model(torch.from_numpy(X)).numpy().argmax(axis=1)
    model.train()
    return float((pred == y).mean())


def _train_ours(
    model: nn.Module, X: np.ndarray, y: np.ndarray, epochs: int, lr: float, seed: int
) -> tuple[list[float], float]:
    """AdamW + cosine schedule; returns (mean loss per epoch, CPU seconds per epoch)."""
    opt = optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    sched = optim.CosineAnnealingLR(opt, T_max=epochs)
    loader = DataLoader(X, y, batch_size=64, shuffle=True, seed=seed)
    losses = []
    start = time.process_time()
    for _ in range(epochs):
        total = 0.0
        for xb, yb in loader:
            opt.zero_grad()
            loss = gf.cross_entropy(model(xb), yb.data)
            loss.backward()
            opt.step()
            total += loss.item() * len(yb)
        sched.step()
        losses.append(total / len(y))
    return losses, (time.process_time() - start) / epochs


def _train_torch(
    model: Any, X: np.ndarray, y: np.ndarray, epochs: int, lr: float, seed: int
) -> tuple[list[float], float]:
    """The same loop in PyTorch, fed the same batches (same loader, same seed)."""
    import torch

    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
    loader = DataLoader(X, y, batch_size=64, shuffle=True, seed=seed)
    losses = []
    start = time.process_time()
    for _ in range(epochs):
        total = 0.0
        for xb, yb in loader:
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(
                model(torch.from_numpy(xb.data)), torch.from_numpy(yb.data)
            )
            loss.backward()
            opt.step()
            total += loss.item() * len(yb)
        sched.step()
        losses.append(total / len(y))
    return losses, (time.process_time() - start) / epochs


def _twins(build: Callable[[Any], Any], seed: int) -> tuple[nn.Module, Any]:
    """Our model and a PyTorch model holding exactly the same initial weights."""
    import torch

    ag.manual_seed(seed)
    ours = build(nn)
    theirs = build(torch.nn)
    theirs.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in ours.state_dict().items()})
    return ours, theirs


def _digits_table(ctx: JourneyContext, data: Data, progress: Any) -> tuple[Table, dict[str, Any]]:
    Xtr, Xte, ytr, yte = data
    table = Table(
        "Digits: from-scratch autograd vs PyTorch (same init, same batches, held-out 25%)",
        ["model", "epochs", "ours acc", "torch acc", "ours CPU s/epoch", "torch CPU s/epoch",
         "time ratio", "ours train CPU s"],
    )  # fmt: skip
    curves: dict[str, Any] = {}
    specs = [("MLP 64-256-128-10", _mlp, 8 if ctx.quick else 40, 3e-3, (-1, 64)),
             ("CNN conv16-bn-pool-conv32-bn-pool", _cnn, 3 if ctx.quick else 30, 3e-3, (-1, 1, 8, 8))]  # fmt: skip
    task = progress.add_task("digits: ours vs torch", total=len(specs))
    for name, build, epochs, lr, shape in specs:
        ours, theirs = _twins(build, ctx.seed)
        xtr, xte = Xtr.reshape(shape), Xte.reshape(shape)
        lo, to = _train_ours(ours, xtr, ytr, epochs, lr, ctx.seed)
        lt, tt = _train_torch(theirs, xtr, ytr, epochs, lr, ctx.seed)
        acc_o, acc_t = _accuracy_ours(ours, xte, yte), _accuracy_torch(theirs, xte, yte)
        table.add(name, epochs, acc_o, acc_t, to, tt, to / max(tt, 1e-9), to * epochs)
        curves[name] = (lo, lt)
        progress.advance(task)
    return table, curves


def _optimizer_curves(ctx: JourneyContext, data: Data, progress: Any) -> tuple[Table, str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    Xtr, Xte, ytr, yte = data
    epochs = 3 if ctx.quick else 15
    makers: dict[str, Callable[[Any], optim.Optimizer]] = {
        "SGD": lambda p: optim.SGD(p, lr=0.05),
        "SGD momentum": lambda p: optim.SGD(p, lr=0.05, momentum=0.9),
        "SGD Nesterov": lambda p: optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True),
        "Adagrad": lambda p: optim.Adagrad(p, lr=0.05),
        "RMSprop": lambda p: optim.RMSprop(p, lr=1e-3),
        "Adam": lambda p: optim.Adam(p, lr=1e-3),
        "AdamW": lambda p: optim.AdamW(p, lr=1e-3, weight_decay=1e-2),
    }
    table = Table("Optimisers on the digits MLP", ["optimiser", "final train loss", "test acc"])
    fig, ax = plt.subplots(figsize=(7, 4.5))
    task = progress.add_task("optimisers", total=len(makers))
    for name, make in makers.items():
        ag.manual_seed(ctx.seed)
        model = _mlp(nn)
        opt = make(list(model.parameters()))
        loader = DataLoader(Xtr, ytr, batch_size=64, shuffle=True, seed=ctx.seed)
        curve = []
        for _ in range(epochs):
            for xb, yb in loader:
                opt.zero_grad()
                loss = gf.cross_entropy(model(xb), yb.data)
                loss.backward()
                opt.step()
                curve.append(loss.item())
        smooth = np.convolve(curve, np.ones(5) / 5, mode="valid")
        ax.plot(smooth, label=name, ls="--" if name == "AdamW" else "-")  # AdamW ≈ Adam here
        table.add(name, float(np.mean(curve[-len(loader) :])), _accuracy_ours(model, Xte, yte))
        progress.advance(task)
    ax.set(xlabel="step", ylabel="training loss (5-step mean)", yscale="log",
           title="Every optimiser on the same MLP and batches (digits)")  # fmt: skip
    ax.legend()
    path = ctx.figure_path("stage-3-optimisers.png")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return table, str(path.relative_to(ctx.reports_dir))


def _gradient_flow(ctx: JourneyContext, data: Data) -> tuple[Table, str]:
    """Weight-gradient norm of each layer of a 20-layer, 64-wide MLP at initialisation."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    Xtr, _, ytr, _ = data
    x, y = ag.tensor(Xtr[:256]), ytr[:256]
    depth = 20
    table = Table("Gradient flow in a 20-layer MLP at initialisation",
                  ["activation", "init", "‖∇W‖ layer 1", "‖∇W‖ layer 20", "layer 1 / layer 20"])  # fmt: skip
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for act_name, act in (("sigmoid", nn.Sigmoid), ("relu", nn.ReLU)):
        for init_name in ("xavier", "kaiming"):
            rng = np.random.default_rng(ctx.seed)
            layers: list[nn.Module] = []
            for i in range(depth):
                lin = nn.Linear(64, 10 if i == depth - 1 else 64, rng=rng)
                if init_name == "xavier":
                    nn.init.xavier_normal_(lin.weight, rng=rng)
                else:
                    nn.init.kaiming_normal_(lin.weight, nonlinearity="relu", rng=rng)
                assert lin.bias is not None
                nn.init.zeros_(lin.bias)
                layers += [lin] if i == depth - 1 else [lin, act()]
            model = nn.Sequential(*layers)
            gf.cross_entropy(model(x), y).backward()
            norms = [
                float(np.linalg.norm(np.asarray(m.weight.grad)))
                for m in model
                if isinstance(m, nn.Linear)
            ]
            ax.plot(range(1, depth + 1), norms, marker="o", ms=3, label=f"{act_name} + {init_name}")
            table.add(act_name, init_name, norms[0], norms[-1], norms[0] / norms[-1])
    ax.set(xlabel="layer", ylabel="‖∂L/∂W‖ (Frobenius)", yscale="log",
           title="Sigmoid gradients vanish toward the input; ReLU + Kaiming keeps them level")  # fmt: skip
    ax.legend()
    path = ctx.figure_path("stage-3-gradient-flow.png")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return table, str(path.relative_to(ctx.reports_dir))


def _regularisation(ctx: JourneyContext, data: Data, progress: Any) -> tuple[Table, str]:
    """Train a wide MLP on 150 images: plain, dropout, weight decay, both."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    Xtr, Xte, ytr, yte = data
    Xs, ys = Xtr[:150], ytr[:150]
    epochs = 20 if ctx.quick else 150
    configs = {"none": (0.0, 0.0), "dropout 0.5": (0.5, 0.0), "weight decay 0.5 (AdamW)": (0.0, 0.5),
               "dropout + weight decay": (0.5, 0.5)}  # fmt: skip
    table = Table("Regularisation on 150 training images (digits)",
                  ["regulariser", "train acc", "test acc", "train loss", "test loss"])  # fmt: skip
    fig, ax = plt.subplots(figsize=(7, 4.5))
    task = progress.add_task("regularisation", total=len(configs))
    for k, (name, (p, wd)) in enumerate(configs.items()):
        ag.manual_seed(ctx.seed)
        model = nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Dropout(p), nn.Linear(256, 256),
                              nn.ReLU(), nn.Dropout(p), nn.Linear(256, 10))  # fmt: skip
        opt = optim.AdamW(model.parameters(), lr=1e-3, weight_decay=wd)
        loader = DataLoader(Xs, ys, batch_size=50, shuffle=True, seed=ctx.seed)
        test_curve, train_curve = [], []
        for _ in range(epochs):
            for xb, yb in loader:
                opt.zero_grad()
                gf.cross_entropy(model(xb), yb.data).backward()
                opt.step()
            model.eval()
            with ag.no_grad():
                train_curve.append(gf.cross_entropy(model(ag.tensor(Xs)), ys).item())
                test_curve.append(gf.cross_entropy(model(ag.tensor(Xte)), yte).item())
            model.train()
        color = f"C{k}"
        ax.plot(train_curve, color=color, ls="--")
        ax.plot(test_curve, color=color, label=name)
        table.add(name, _accuracy_ours(model, Xs, ys), _accuracy_ours(model, Xte, yte),
                  train_curve[-1], test_curve[-1])  # fmt: skip
        progress.advance(task)
    ax.set(xlabel="epoch", ylabel="cross-entropy (dashed: train, solid: test)", yscale="log",
           title="Overfitting 150 digits, and what dropout and weight decay do to it")  # fmt: skip
    ax.legend()
    path = ctx.figure_path("stage-3-regularisation.png")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return table, str(path.relative_to(ctx.reports_dir))


def _loss_figure(ctx: JourneyContext, curves: dict[str, Any]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(curves), figsize=(10, 4))
    for ax, (name, (ours, theirs)) in zip(np.atleast_1d(axes), curves.items()):
        ax.plot(range(1, len(ours) + 1), ours, label="groundup.autograd")
        ax.plot(range(1, len(theirs) + 1), theirs, ls="--", label="PyTorch")
        ax.set(title=name, xlabel="epoch", ylabel="mean training loss", yscale="log")
        ax.legend()
    path = ctx.figure_path("stage-3-digits-loss.png")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return str(path.relative_to(ctx.reports_dir))


@stage(3, "Deep learning foundations", part="autograd")
def run(ctx: JourneyContext) -> StageReport:
    """Digits MLP/CNN beside PyTorch, optimiser curves, gradient flow, regularisation."""
    from rich.progress import Progress

    data = _digits(ctx.seed)
    with _one_thread(), Progress(console=ctx.console, transient=True) as progress:
        digits, curves = _digits_table(ctx, data, progress)
        opt_table, opt_fig = _optimizer_curves(ctx, data, progress)
        flow_table, flow_fig = _gradient_flow(ctx, data)
        reg_table, reg_fig = _regularisation(ctx, data, progress)
    loss_fig = _loss_figure(ctx, curves)
    notes = [
        "Both sides start from the same weights (copied through state_dict) and see the same "
        "batches; the small accuracy differences come from float32 rounding and dropout masks.",
        "CPU time per epoch on one thread each side (BLAS and torch); ratio = ours / PyTorch.",
        "Gradient flow: with sigmoid the gradient reaching layer 1 is orders of magnitude "
        "smaller than at layer 20 (σ' ≤ 1/4 per layer); ReLU with Kaiming init keeps it level.",
    ]
    return StageReport(
        tables=[digits, opt_table, flow_table, reg_table],
        figures=[loss_fig, opt_fig, flow_fig, reg_fig],
        notes=notes,
    )
