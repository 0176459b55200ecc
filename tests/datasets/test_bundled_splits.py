"""Bundled datasets: splits are disjoint, complete, stratified, seeded; data equals the source."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits

from groundup.datasets import DATASETS, load, splits, stdlib_corpus, stdlib_files, upsample_images


@pytest.mark.parametrize("name", DATASETS)
def test_splits_partition_the_data_70_10_20(name: str) -> None:
    s = splits(name, seed=0)
    n = len(s.y_train) + len(s.y_val) + len(s.y_test)
    assert abs(len(s.y_train) / n - 0.7) < 0.02 and abs(len(s.y_test) / n - 0.2) < 0.02
    rows = np.concatenate([s.X_train, s.X_val, s.X_test])
    # every sample appears exactly once (rows are unique in these datasets up to duplicates)
    assert len(rows) == n and np.isfinite(rows).all()
    assert s.X_train.shape[1] == s.X_test.shape[1] == len(s.feature_names)
    if s.task == "classification":
        full = np.bincount(np.concatenate([s.y_train, s.y_val, s.y_test]))
        test = np.bincount(s.y_test, minlength=len(full))
        np.testing.assert_allclose(test / len(s.y_test), full / n, atol=0.02)  # stratified


def test_digits_splits_are_the_sklearn_rows_in_a_seeded_order() -> None:
    ref = load_digits()
    s = splits("digits", seed=0)
    X = np.concatenate([s.X_train, s.X_val, s.X_test])
    y = np.concatenate([s.y_train, s.y_val, s.y_test])
    order = np.lexsort(np.column_stack([X, y]).T)
    ref_order = np.lexsort(np.column_stack([ref.data, ref.target]).T)
    np.testing.assert_array_equal(X[order], ref.data[ref_order])
    np.testing.assert_array_equal(y[order], ref.target[ref_order])
    again = splits("digits", seed=0)
    np.testing.assert_array_equal(again.X_test, s.X_test)
    other = splits("digits", seed=1)
    assert not np.array_equal(other.y_test, s.y_test)
    X_val, y_val = load("digits", "val", seed=0)
    np.testing.assert_array_equal(X_val, s.X_val)


@pytest.mark.parametrize("size", [8, 16, 32, 13])
def test_upsampling_matches_torch_bilinear(size: int, rng: np.random.Generator) -> None:
    images = rng.random((5, 8, 8))
    ours = upsample_images(images, size)
    ref = F.interpolate(
        torch.from_numpy(images)[:, None], size=(size, size), mode="bilinear", align_corners=False
    )[:, 0].numpy()
    np.testing.assert_allclose(ours, ref, atol=1e-6)


def test_digits_images_are_scaled_channel_first() -> None:
    s = splits("digits", image_size=16)
    assert s.X_train.shape[1:] == (1, 16, 16) and s.X_train.dtype == np.float32
    assert 0.0 <= s.X_train.min() and s.X_train.max() <= 1.0
    flat = splits("digits")
    np.testing.assert_allclose(
        splits("digits", image_size=8).X_test[:, 0].reshape(-1, 64), flat.X_test / 16.0, atol=1e-7
    )


def test_penguins_drop_missing_rows_and_encode_categoricals() -> None:
    s = splits("penguins")
    n = len(s.y_train) + len(s.y_val) + len(s.y_test)
    assert n == 333  # 344 penguins, 11 with a missing value
    island = [i for i, f in enumerate(s.feature_names) if f.startswith("island_")]
    onehot = np.concatenate([s.X_train, s.X_val, s.X_test])[:, island]
    np.testing.assert_array_equal(onehot.sum(1), 1.0)
    assert s.target_names == ["Adelie", "Chinstrap", "Gentoo"]


def test_bad_requests_name_the_problem() -> None:
    with pytest.raises(ValueError, match="unknown dataset 'mnist'"):
        splits("mnist")
    with pytest.raises(
        ValueError, match="image_size applies to the digits images only, not to 'iris'"
    ):
        splits("iris", image_size=16)
    with pytest.raises(ValueError, match="image_size must be an integer >= 8, got 4"):
        splits("digits", image_size=4)
    with pytest.raises(ValueError, match="split must be 'train', 'val' or 'test', got 'dev'"):
        load("iris", "dev")  # type: ignore[arg-type]


def test_stdlib_corpus_holds_out_whole_files(tmp_path) -> None:
    train, val = stdlib_files("train"), stdlib_files("val")
    assert not set(train) & set(val)
    assert abs(len(val) / (len(train) + len(val)) - 0.05) < 0.01
    assert train == sorted(train)
    assert not any("test" in p.parts or "tests" in p.parts for p in train + val)
    # on a small tree: the corpus is exactly the held-out files' text, joined
    for i in range(20):
        (tmp_path / f"m{i:02d}.py").write_text(f"x = {i}\n")
    (tmp_path / "test").mkdir()
    (tmp_path / "test" / "skip.py").write_text("no")
    files = stdlib_files("val", root=tmp_path)
    assert len(files) == 1 and files[0].parent == tmp_path
    assert stdlib_corpus("val", root=tmp_path) == files[0].read_text()
    assert len(stdlib_files("all", root=tmp_path)) == 20


def test_importing_datasets_does_not_import_torch() -> None:
    import subprocess
    import sys

    code = "import sys, groundup.datasets; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"  # the classical-ML stages use it without torch
