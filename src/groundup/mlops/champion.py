"""The end of the journey: data → tracked training → registry → ONNX → a served answer.

1. **Data**: digits through :func:`groundup.mlops.pipeline.prepare` against a declared schema
   (64 pixels in [0, 16], labels 0–9): validated, content-hashed, split 70/10/20 (stratified).
2. **Training, tracked**: CNN candidates (LeNet, MLP) with the Trainer and
   :class:`~groundup.mlops.tracking.MLflowCallback`; classical candidates (groundup
   estimators behind the fitted feature pipeline) with
   :func:`~groundup.mlops.tracking.track_estimator`. Every run records params, per-step
   metrics, figures, the dataset hash, the git commit and the model (ONNX / safetensors /
   ``.npz`` + JSON — never a pickle).
3. **Registry**: each candidate becomes a version of ``digits-cnn`` or ``digits-classic``;
   :func:`~groundup.mlops.registry.promote_if_better` moves ``@champion`` only when the
   validation accuracy improves.
4. **Serving**: ``models:/digits-cnn@champion`` is loaded (ONNX Runtime) and served
   in-process through the FastAPI app (:func:`groundup.mlops.serve.create_app`), which
   answers a real ``POST /v1/predict`` with held-out digits.

The CNN is exported with its input handling inside the graph: a request carries the raw 8×8
digit (pixels 0–16); the model upsamples it bilinearly, U = A·(X/16)·Aᵀ with the fixed
interpolation matrix A (s×8), normalises z = (U − μ)/σ and runs the network. So a client
needs nothing but the pixels. See docs/notes/ml-system-design.md.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

DIGITS_SIDE = 8
CNN_NAME = "digits-cnn"
CLASSIC_NAME = "digits-classic"
EXPERIMENT = "groundup-journey"


def digits_schema() -> Any:
    """The declared digits schema: ``pixel_r_c`` floats in [0, 16], ``target`` in 0..9.

    See docs/notes/ml-system-design.md.

    Returns
    -------
    Schema
        65 fields: 64 pixels and the target.
    """
    from groundup.mlops.pipeline import Field, Schema

    pixels = tuple(
        Field(f"pixel_{r}_{c}", "float", min=0.0, max=16.0)
        for r in range(DIGITS_SIDE)
        for c in range(DIGITS_SIDE)
    )
    return Schema((*pixels, Field("target", "int", allowed=tuple(range(10)))))


def upsample_matrix(side: int, size: int) -> np.ndarray:
    """Bilinear interpolation matrix A (size × side) with A·X·Aᵀ the upsampled image.

    Output pixel i samples the input at c_i = (i + ½)·side/size − ½ (edges clamped) and
    weighs its two neighbours by their distance — the same map as
    :func:`groundup.datasets.upsample_images`.

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    side : int
        Input side (8 for digits).
    size : int
        Output side.

    Returns
    -------
    ndarray of shape (size, side)
    """
    centres = (np.arange(size) + 0.5) * side / size - 0.5
    lo = np.clip(np.floor(centres).astype(int), 0, side - 1)
    hi = np.clip(lo + 1, 0, side - 1)
    w_hi = np.clip(centres - lo, 0.0, 1.0)
    A = np.zeros((size, side))
    np.add.at(A, (np.arange(size), lo), 1.0 - w_hi)
    np.add.at(A, (np.arange(size), hi), w_hi)
    return A


def digits_model(net_name: str, size: int, mean: float, std: float, seed: int) -> Any:
    """A model taking raw (n, 1, 8, 8) digits: upsample to size×size, normalise, ``net_name``.

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    net_name : str
        A ``groundup.deep.models`` name (``lenet``, ``mlp``).
    size : int
        Side the image is upsampled to before the network.
    mean, std : float
        Normalisation of the upsampled [0, 1] image (from the training split).
    seed : int
        Initialisation seed.

    Returns
    -------
    torch.nn.Module
    """
    import torch
    from torch import nn

    from groundup.deep.models import create

    class RawDigits(nn.Module):
        """U = A·(X/16)·Aᵀ, z = (U − μ)/σ, logits = net(z)."""

        def __init__(self, net: nn.Module) -> None:
            super().__init__()
            A = torch.as_tensor(upsample_matrix(DIGITS_SIDE, size), dtype=torch.float32)
            self.register_buffer("A", A)
            self.register_buffer("At", A.T.contiguous())
            self.mean, self.std = float(mean), float(std)
            self.net = net

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            A, At = cast(torch.Tensor, self.A), cast(torch.Tensor, self.At)
            up = A @ (x / 16.0) @ At
            return cast(torch.Tensor, self.net((up - self.mean) / self.std))

    torch.manual_seed(seed)
    return RawDigits(create(net_name, in_channels=1, num_classes=10, image_size=size))


@dataclass
class ChampionReport:
    """What :func:`run_champion` did: candidates, promotions, the runs and the served answer."""

    dataset_hash: str
    candidates: list[dict[str, Any]] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)
    champions: dict[str, str] = field(default_factory=dict)
    served: list[dict[str, Any]] = field(default_factory=list)
    served_via: str = ""
    model_info: dict[str, Any] = field(default_factory=dict)
    onnx_parity: float = float("nan")
    parity_version: str = ""
    onnx_test_accuracy: float = float("nan")
    tracking_uri: str = ""
    seconds: float = 0.0


def _train_cnn(
    name: str, data: Any, *, epochs: int, seed: int, dataset_hash: str, lr: float
) -> dict[str, Any]:
    import mlflow
    import torch

    from groundup.deep import TrainConfig, Trainer
    from groundup.mlops.tracking import MLflowCallback, start_run

    size = 16 if name == "lenet" else DIGITS_SIDE

    def images(X: np.ndarray) -> np.ndarray:
        return X.reshape(-1, 1, DIGITS_SIDE, DIGITS_SIDE).astype(np.float32)

    X_train = images(data.X_train)
    up = upsample_matrix(DIGITS_SIDE, size)
    scaled = up @ (X_train[:, 0] / 16.0) @ up.T
    model = digits_model(name, size, float(scaled.mean()), float(scaled.std()), seed)
    config = TrainConfig(
        epochs=epochs,
        batch_size=64,
        lr=lr,
        warmup_steps=10,
        progress=False,
        device="cpu",
        seed=seed,
        num_threads=1,  # small convolutions do not scale; shared cores punish oversubscription
    )
    callback = MLflowCallback(
        input_shape=(1, DIGITS_SIDE, DIGITS_SIDE),
        model_name=CNN_NAME,
        experiment=EXPERIMENT,
        output_description={
            "kind": "logits",
            "classes": list(range(10)),
            "meaning": "one score per digit 0-9; the argmax is the predicted digit",
        },
    )
    with start_run(
        f"{CNN_NAME}-{name}",
        experiment=EXPERIMENT,
        dataset_hash=dataset_hash,
        params={"architecture": name, "input": "raw 8x8 pixels 0..16", "image_size": size},
    ) as run:
        trainer = Trainer(
            model,
            config,
            (X_train, data.y_train),
            (images(data.X_val), data.y_val),
            callbacks=[cast(Any, callback)],
        )
        history = trainer.fit()
        test = trainer.evaluate(images(data.X_test), data.y_test)
        mlflow.log_metrics({"test_accuracy": test["accuracy"], "test_loss": test["loss"]})
    model.eval()
    X_test = torch.from_numpy(images(data.X_test))
    with torch.no_grad():
        logits = model(X_test).numpy()
    return {
        "family": CNN_NAME,
        "candidate": name,
        "run_id": run.info.run_id,
        "val_accuracy": float(history[-1]["val_acc"]),
        "test_accuracy": float(test["accuracy"]),
        "torch_logits": logits,
    }


def _classic_candidates(quick: bool) -> list[tuple[str, Any]]:
    from groundup.ml.ensemble import RandomForestClassifier
    from groundup.ml.linear_model import LogisticRegression
    from groundup.ml.naive_bayes import GaussianNB
    from groundup.ml.svm import SVC

    models: list[tuple[str, Any]] = [
        ("gaussian-nb", GaussianNB()),
        ("logistic", LogisticRegression(max_iter=300)),
    ]
    if not quick:
        models += [
            ("random-forest", RandomForestClassifier(n_estimators=100, random_state=0)),
            ("svc-rbf", SVC(C=10.0, gamma="scale")),
        ]
    return models


def _train_classic(name: str, estimator: Any, data: Any) -> dict[str, Any]:
    from sklearn.pipeline import Pipeline

    from groundup.mlops.pipeline import make_features
    from groundup.mlops.tracking import track_estimator

    # the fitted preprocessing is the first step of the saved and served model
    pipe = Pipeline([*make_features("standard").steps, ("model", estimator)])
    out = track_estimator(
        pipe,
        (data.X_train, data.y_train),
        (data.X_test, data.y_test),
        val=(data.X_val, data.y_val),
        run_name=f"{CLASSIC_NAME}-{name}",
        model_name=CLASSIC_NAME,
        dataset_hash=data.dataset_hash,
        experiment=EXPERIMENT,
    )
    return {
        "family": CLASSIC_NAME,
        "candidate": name,
        "run_id": out["run_id"],
        "val_accuracy": float(out["val_score"]),
        "test_accuracy": float(out["test_score"]),
    }


def _serve(model: Any, inputs: np.ndarray) -> tuple[dict[str, Any], dict[str, Any], str]:
    """Answer one real request in-process: through the FastAPI app if present, else directly."""
    try:
        from fastapi.testclient import TestClient

        from groundup.mlops.serve import create_app
    except ImportError:
        preds = model.predict(inputs)
        info = {"name": model.name, "version": model.version, "input_shape": model.input_shape}
        answer = {"predictions": preds.tolist(), "model": info}
        return answer, info, "ONNX Runtime directly (no serving app installed)"
    app = create_app(model)
    with TestClient(app) as client:  # the lifespan (model loading) runs inside the block
        info = client.get("/v1/model").json()
        response = client.post("/v1/predict", json={"inputs": inputs.tolist()})
        if response.status_code != 200:
            raise RuntimeError(f"served request failed: {response.status_code} {response.text}")
        return response.json(), info, "FastAPI app in-process (POST /v1/predict)"


def run_champion(
    *,
    quick: bool = True,
    seed: int = 0,
    n_requests: int = 5,
    log: Any = print,
) -> ChampionReport:
    """Train, track, register, promote, export and serve the digits models.

    See docs/notes/ml-system-design.md.

    Parameters
    ----------
    quick : bool
        A few epochs and two classical candidates (seconds) instead of the full set.
    seed : int
        Split and initialisation seed.
    n_requests : int
        Held-out digits sent in the served request.
    log : callable
        Progress lines go here.

    Returns
    -------
    ChampionReport
    """
    from groundup.mlops.export import load_model
    from groundup.mlops.pipeline import prepare
    from groundup.mlops.registry import promote_if_better, register_model
    from groundup.mlops.tracking import list_runs, setup_tracking, tracking_uri

    start = time.perf_counter()
    uri = tracking_uri()
    setup_tracking(EXPERIMENT)  # create the store once, before anything logs
    data = prepare("digits", digits_schema(), seed=seed, scale="none")
    report = ChampionReport(dataset_hash=data.dataset_hash, tracking_uri=uri)
    log(f"  digits validated ({data.report.n_rows} rows), hash {data.dataset_hash[:12]}")

    epochs = {"mlp": 3, "lenet": 3} if quick else {"mlp": 25, "lenet": 20}
    results = []
    for name, lr in (("mlp", 3e-3), ("lenet", 3e-3)):
        res = _train_cnn(
            name, data, epochs=epochs[name], seed=seed, dataset_hash=data.dataset_hash, lr=lr
        )
        log(f"  {CNN_NAME}/{name}: val {res['val_accuracy']:.3f}, test {res['test_accuracy']:.3f}")
        results.append(res)
    for name, estimator in _classic_candidates(quick):
        res = _train_classic(name, estimator, data)
        log(
            f"  {CLASSIC_NAME}/{name}: val {res['val_accuracy']:.3f}, "
            f"test {res['test_accuracy']:.3f}"
        )
        results.append(res)

    metric = {CNN_NAME: "val_acc", CLASSIC_NAME: "val_score"}
    for res in results:
        version = register_model(res["family"], res["run_id"])
        promo = promote_if_better(res["family"], version, metric[res["family"]])
        res.update(version=version, promoted=promo.promoted, champion=promo.champion_version)
        report.champions[res["family"]] = promo.champion_version
        report.candidates.append({k: v for k, v in res.items() if k != "torch_logits"})

    X_test = data.X_test.reshape(-1, 1, DIGITS_SIDE, DIGITS_SIDE).astype(np.float32)
    # the exported ONNX of this session's best CNN, from the registry, against its PyTorch self
    best = max((r for r in results if r["family"] == CNN_NAME), key=lambda r: r["val_accuracy"])
    exported = load_model(f"models:/{CNN_NAME}/{best['version']}")
    report.onnx_parity = float(np.abs(exported.predict(X_test) - best["torch_logits"]).max())
    report.parity_version = best["version"]
    # serve the champion — possibly a version from an earlier session that this one did not beat
    served = load_model(f"models:/{CNN_NAME}@champion")
    logits = served.predict(X_test)
    report.onnx_test_accuracy = float((logits.argmax(1) == data.y_test).mean())
    answer, info, via = _serve(served, X_test[:n_requests])
    report.model_info, report.served_via = info, via
    classic = load_model(f"models:/{CLASSIC_NAME}@champion")
    classic_pred = classic.predict(data.X_test[:n_requests])
    for i, logit_row in enumerate(answer["predictions"]):
        report.served.append(
            {
                "example": i,
                "true": int(data.y_test[i]),
                f"{CNN_NAME}": int(np.argmax(logit_row)),
                f"{CLASSIC_NAME}": int(classic_pred[i]),
            }
        )
    report.runs = [r for r in list_runs(limit=50) if r["experiment"] == EXPERIMENT][: len(results)]
    report.seconds = time.perf_counter() - start
    return report


__all__ = ["ChampionReport", "digits_model", "digits_schema", "run_champion", "upsample_matrix"]
