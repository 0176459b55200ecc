"""Trainer mechanics against a hand-written PyTorch loop and known schedule values."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from groundup.deep import Callback, TrainConfig, Trainer, WarmupCosine
from groundup.deep.data import ArrayLoader
from groundup.deep.models import create


def _data(n: int = 96) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    X = torch.randn(n, 6, generator=g)
    return X, (X[:, 0] + X[:, 1] > 0).long()


def _model() -> torch.nn.Module:
    torch.manual_seed(0)
    return create("mlp", in_features=6, num_classes=2, hidden=(16,))


def test_trainer_equals_a_plain_pytorch_loop() -> None:
    X, y = _data()
    cfg = TrainConfig(
        epochs=3,
        batch_size=32,
        lr=0.05,
        optimizer="sgd",
        momentum=0.9,
        weight_decay=0.0,
        schedule="constant",
        progress=False,
        num_threads=1,
        seed=0,
    )
    trainer = Trainer(_model(), cfg, (X, y))
    trainer.fit()
    # reference: the same batches (same permutations), plain SGD with Nesterov momentum
    model = _model()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True)
    loader = ArrayLoader(X, y, 32, seed=0)
    for epoch in range(3):
        for b in loader.epoch(epoch):
            opt.zero_grad()
            F.cross_entropy(model(b.x), b.y).backward()
            opt.step()
    for k, v in model.state_dict().items():
        assert torch.equal(v, trainer.model.state_dict()[k]), k


def test_gradient_accumulation_equals_the_big_batch() -> None:
    X, y = _data(100)  # 100 = 3 full batches of 32 + a short one: weights must follow sizes
    base = dict(
        epochs=2,
        lr=0.1,
        optimizer="sgd",
        momentum=0.0,
        weight_decay=0.0,
        schedule="constant",
        progress=False,
        num_threads=1,
    )
    big = Trainer(_model(), TrainConfig(batch_size=64, **base), (X, y))
    small = Trainer(_model(), TrainConfig(batch_size=32, grad_accum=2, **base), (X, y))
    # the same samples per step: 32+32 = 64 and 32+4 = 36; check the permutation agrees
    big.fit()
    small.fit()
    for k, v in big.model.state_dict().items():
        torch.testing.assert_close(small.model.state_dict()[k], v, atol=1e-6, rtol=1e-5)
    assert big.history[-1]["step"] == small.history[-1]["step"] == 4


def test_warmup_cosine_schedule_values() -> None:
    f = WarmupCosine(warmup=4, total=14, min_ratio=0.1)
    assert [f(s) for s in range(4)] == [0.25, 0.5, 0.75, 1.0]
    assert f(4) == 1.0 and math.isclose(f(9), 0.1 + 0.9 * 0.5) and math.isclose(f(14), 0.1)
    X, y = _data()
    cfg = TrainConfig(
        epochs=2, batch_size=32, lr=0.2, warmup_steps=2, progress=False, num_threads=1
    )
    lrs: list[float] = []

    class Spy(Callback):
        def on_step_end(self, trainer, step, logs):
            lrs.append(logs["lr"])

    Trainer(_model(), cfg, (X, y), callbacks=[Spy()]).fit()
    # 6 steps; the lr after step s is the one step s+1 will use
    expected = [0.2 * WarmupCosine(2, 6)(s) for s in range(1, 7)]
    assert lrs == pytest.approx(expected, abs=1e-12)


def test_early_stopping_and_max_steps() -> None:
    X, y = _data()
    cfg = TrainConfig(
        epochs=50,
        batch_size=32,
        lr=1e-6,
        patience=2,
        monitor="val_acc",
        mode="max",
        progress=False,
        num_threads=1,
    )
    trainer = Trainer(_model(), cfg, (X, y), (X, y))
    history = trainer.fit()
    # lr 1e-6 cannot change accuracy: epoch 1 is best, two more epochs and it stops
    assert len(history) == 3 and trainer.should_stop
    capped = Trainer(
        _model(), TrainConfig(max_steps=5, epochs=None, batch_size=32, progress=False), (X, y)
    )
    assert capped.fit()[-1]["step"] == 5


def test_bf16_autocast_trains_like_fp32() -> None:
    X, y = _data(256)
    histories, dtypes = {}, {}
    for precision in ("fp32", "bf16"):
        cfg = TrainConfig(
            epochs=20, batch_size=64, lr=1e-2, precision=precision, progress=False, num_threads=1
        )
        trainer = Trainer(_model(), cfg, (X, y), (X, y))
        seen: list[torch.dtype] = []
        trainer.model.net[1].register_forward_hook(lambda m, i, o, seen=seen: seen.append(o.dtype))
        histories[precision], dtypes[precision] = trainer.fit(), set(seen)
    assert dtypes == {"fp32": {torch.float32}, "bf16": {torch.bfloat16}}  # training and eval
    a, b = histories["fp32"][-1], histories["bf16"][-1]
    assert b["val_acc"] > 0.95 and abs(a["val_acc"] - b["val_acc"]) <= 0.02
    assert abs(a["train_loss"] - b["train_loss"]) < 0.02 * a["train_loss"]


def test_bad_configuration_and_data_are_refused() -> None:
    with pytest.raises(ValueError, match="set epochs or max_steps"):
        TrainConfig(epochs=None)
    with pytest.raises(ValueError, match="optimizer must be one of .* got 'adam'"):
        TrainConfig(optimizer="adam")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got 0"):
        TrainConfig(batch_size=0)
    with pytest.raises(ValueError, match="unknown TrainConfig field"):
        TrainConfig.from_dict({"epochs": 1, "learning_rate": 0.1})
    X, y = _data()
    with pytest.raises(ValueError, match="train_data X has 96 samples but y has 95"):
        Trainer(_model(), TrainConfig(progress=False), (X, y[:-1]))
    X[3, 2] = float("nan")
    with pytest.raises(ValueError, match="train_data X contains NaN"):
        Trainer(_model(), TrainConfig(progress=False), (X, y))
    with pytest.raises(ValueError, match="watches 'val_loss', which needs val_data"):
        Trainer(_model(), TrainConfig(patience=3, progress=False), _data())
    with pytest.raises(ValueError, match="precision 'fp16' needs a CUDA device"):
        Trainer(_model(), TrainConfig(precision="fp16", device="cpu", progress=False), _data())


def test_progress_bar_and_csv_logger_do_not_change_training(tmp_path, capsys) -> None:
    from groundup.deep import CallbackProtocol, CSVLogger, read_metrics_csv

    X, y = _data()
    runs = []
    for progress in (False, True):
        cfg = TrainConfig(epochs=2, batch_size=32, progress=progress, num_threads=1)
        logger = CSVLogger(tmp_path / f"m{progress}.csv")
        assert isinstance(logger, CallbackProtocol)
        runs.append(Trainer(_model(), cfg, (X, y), (X, y), callbacks=[logger]).fit())
    assert "epoch 2/2" in capsys.readouterr().out
    keys = ["train_loss", "train_acc", "val_loss", "val_acc"]
    assert [[r[k] for k in keys] for r in runs[0]] == [[r[k] for k in keys] for r in runs[1]]
    rows = read_metrics_csv(tmp_path / "mTrue.csv")
    assert [r["val_loss"] for r in rows] == [r["val_loss"] for r in runs[1]]


def test_summary_lists_layers_and_totals(capsys) -> None:
    from groundup.deep.models import count_parameters, summary

    model = create("lenet", in_channels=1, image_size=16)
    s = summary(model, (1, 1, 16, 16))
    printed = capsys.readouterr().out
    assert f"total parameters {count_parameters(model):,}" in printed
    shapes = {name: shape for name, _, shape, _ in s.rows}
    assert shapes["features.0"] == (1, 6, 16, 16) and shapes["features.5"] == (1, 16, 2, 2)
    assert sum(p for *_, p in s.rows) == count_parameters(model) == s.total_params


def test_device_side_metric_sums_equal_the_float_path(monkeypatch) -> None:
    # the accelerator path (sums kept in a float64 tensor) forced on CPU: same numbers exactly
    from groundup.deep.train import _RunningSums

    X, y = _data(100)
    cfg = TrainConfig(epochs=2, batch_size=32, progress=False, num_threads=1)
    floats = Trainer(_model(), cfg, (X, y)).fit()
    monkeypatch.setattr(
        Trainer, "_new_sums", lambda self, start=None: _RunningSums(self.device, True, start)
    )
    tensors = Trainer(_model(), cfg, (X, y)).fit()
    keys = ("train_loss", "train_acc")
    assert [[r[k] for k in keys] for r in floats] == [[r[k] for k in keys] for r in tensors]
