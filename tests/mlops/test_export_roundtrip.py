"""Export proofs: ONNX Runtime equals PyTorch (1e-5, any batch size); estimators round-trip exactly.

Nothing is unpickled: a pickle is refused at load whatever its file name.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.datasets import load_digits
from sklearn.pipeline import make_pipeline

from groundup.deep.models import create
from groundup.ml.ensemble import RandomForestClassifier
from groundup.ml.linear_model import LogisticRegression, Ridge
from groundup.ml.naive_bayes import GaussianNB
from groundup.ml.neighbors import KNeighborsClassifier
from groundup.ml.preprocessing import StandardScaler
from groundup.ml.svm import SVC
from groundup.ml.tree import DecisionTreeRegressor
from groundup.mlops.export import (
    ModelLoadError,
    export_onnx,
    load_estimator,
    load_model,
    save_estimator,
)


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    X, y = load_digits(return_X_y=True)
    return X, y


@pytest.mark.parametrize(
    ("name", "shape"), [("mlp", (1, 8, 8)), ("lenet", (1, 16, 16)), ("resnet20", (3, 16, 16))]
)
def test_onnx_runtime_matches_pytorch(name: str, shape: tuple[int, ...], tmp_path: Path, rng):
    torch.manual_seed(0)
    model = create(name, in_channels=shape[0], num_classes=10, image_size=shape[1])
    if name == "resnet20":
        # non-trivial batch-norm statistics, so eval-mode export is really exercised
        model.train()
        with torch.no_grad():
            model(torch.as_tensor(rng.standard_normal((32, *shape)), dtype=torch.float32))
    path = export_onnx(model, tmp_path / "m", shape, name=name, version="3")
    loaded = load_model(path.parent)
    assert (loaded.name, loaded.version, loaded.input_shape) == (name, "3", shape)
    assert loaded.output_description["shape"] == [10]
    model.eval()
    for n in (1, 7, 33):  # the batch axis is dynamic
        x = rng.standard_normal((n, *shape)).astype(np.float32)
        with torch.no_grad():
            ref = model(torch.from_numpy(x)).numpy()
        out = loaded.predict(x)
        assert out.shape == (n, 10)
        np.testing.assert_allclose(out, ref, atol=1e-5, rtol=1e-5)


def _estimators() -> list[object]:
    return [
        make_pipeline(StandardScaler(), LogisticRegression(max_iter=200)),
        RandomForestClassifier(n_estimators=8, random_state=0),
        KNeighborsClassifier(n_neighbors=3, algorithm="kd_tree"),
        SVC(kernel="rbf", gamma=0.001),
        GaussianNB(),
    ]


@pytest.mark.parametrize("estimator", _estimators(), ids=lambda e: type(e).__name__)
def test_estimator_round_trip_is_exact(estimator, digits, tmp_path: Path):
    X, y = digits
    estimator.fit(X[:600], y[:600])
    save_estimator(estimator, tmp_path / "est", name="digits-classic", version="1")
    loaded = load_model(tmp_path / "est")
    assert (loaded.name, loaded.version, loaded.input_shape) == ("digits-classic", "1", (64,))
    assert loaded.output_description["classes"] == list(range(10))
    np.testing.assert_array_equal(loaded.predict(X[600:]), estimator.predict(X[600:]))
    rebuilt, _ = load_estimator(tmp_path / "est")
    assert type(rebuilt) is type(estimator)
    np.testing.assert_array_equal(rebuilt.predict(X[600:]), estimator.predict(X[600:]))


@pytest.mark.parametrize("estimator", [Ridge(alpha=0.5), DecisionTreeRegressor(max_depth=6)])
def test_regressor_round_trip_is_exact(estimator, rng, tmp_path: Path):
    X = rng.standard_normal((200, 5))
    y = X @ rng.standard_normal(5) + 0.1 * rng.standard_normal(200)
    estimator.fit(X, y)
    save_estimator(estimator, tmp_path, name="reg")
    loaded = load_model(tmp_path / "estimator.json")
    assert loaded.output_description["kind"] == "value"
    np.testing.assert_array_equal(loaded.predict(X), estimator.predict(X))


def test_loaded_model_refuses_bad_batches(digits, tmp_path: Path):
    X, y = digits
    save_estimator(GaussianNB().fit(X, y), tmp_path)
    loaded = load_model(tmp_path)
    with pytest.raises(ValueError, match=r"shape \[3, 63\]; expected \[n, 64\]"):
        loaded.predict(X[:3, :63])
    with pytest.raises(ValueError, match="empty"):
        loaded.predict(X[:0])
    bad = X[:2].copy()
    bad[1, 5] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        loaded.predict(bad)
    with pytest.raises(ValueError, match="numeric"):
        loaded.predict(np.array([["a"] * 64]))


def test_pickles_are_refused_whatever_their_name(digits, tmp_path: Path):
    X, y = digits
    estimator = GaussianNB().fit(X, y)
    blob = pickle.dumps(estimator)
    for name in ("model.pkl", "model.pt", "model.onnx"):
        (tmp_path / name).write_bytes(blob)
        with pytest.raises(ModelLoadError, match=r"refusing|not a valid ONNX"):
            load_model(tmp_path / name)
    # an .npz holding a pickled object array is refused by allow_pickle=False
    folder = tmp_path / "evil"
    save_estimator(estimator, folder)
    np.savez(folder / "estimator.npz", a0=np.array([estimator], dtype=object))
    with pytest.raises(ModelLoadError, match="pickled"):
        load_model(folder)
    with pytest.raises(ModelLoadError, match="no model"):
        load_model(tmp_path / "missing")


def test_archive_cannot_name_foreign_classes(digits, tmp_path: Path):
    X, y = digits
    save_estimator(GaussianNB().fit(X, y), tmp_path)
    doc = (tmp_path / "estimator.json").read_text()
    (tmp_path / "estimator.json").write_text(
        doc.replace("groundup.ml.naive_bayes._naive_bayes:GaussianNB", "os:system")
    )
    with pytest.raises(ModelLoadError, match="not a groundup class"):
        load_model(tmp_path)


def test_unfitted_estimator_cannot_be_saved(tmp_path: Path):
    with pytest.raises(ValueError, match="fit it before saving"):
        save_estimator(GaussianNB(), tmp_path)
