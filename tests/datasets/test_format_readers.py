"""Readers: IDX and CIFAR-binary round trips on files the test writes; damage is refused."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from groundup.datasets import (
    load_cifar,
    load_image_folder,
    load_mnist,
    read_cifar_binary,
    read_idx,
    read_table,
    write_cifar_binary,
    write_idx,
)


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
@pytest.mark.parametrize("compress", [False, True])
def test_idx_round_trip(tmp_path: Path, rng: np.random.Generator, dtype, compress: bool) -> None:
    arr = (rng.standard_normal((4, 3, 5)) * 50).astype(dtype)
    path = write_idx(tmp_path / "a.idx", arr, compress=compress)
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype).newbyteorder("=") and back.shape == arr.shape
    np.testing.assert_array_equal(back, arr)


def test_idx_header_bytes_follow_the_spec(tmp_path: Path) -> None:
    path = write_idx(tmp_path / "l.idx", np.array([7, 2, 1], np.uint8))
    assert path.read_bytes() == bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1])


def test_mnist_files_load_and_damage_is_refused(tmp_path: Path, rng: np.random.Generator) -> None:
    images = rng.integers(0, 256, (6, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, 6).astype(np.uint8)
    write_idx(tmp_path / "t10k-images-idx3-ubyte.gz", images)
    write_idx(tmp_path / "t10k-labels-idx1-ubyte", labels)
    X, y = load_mnist(tmp_path, "test")
    np.testing.assert_array_equal(X[:, 0], images)
    np.testing.assert_array_equal(y, labels)
    with pytest.raises(FileNotFoundError, match="train-images-idx3-ubyte"):
        load_mnist(tmp_path, "train")
    raw = gzip.decompress((tmp_path / "t10k-images-idx3-ubyte.gz").read_bytes())
    (tmp_path / "cut.idx").write_bytes(raw[:-100])
    with pytest.raises(
        ValueError, match=r"truncated: header shape \(6, 28, 28\) needs 4720 bytes, file has 4620"
    ):
        read_idx(tmp_path / "cut.idx")
    (tmp_path / "cut.gz").write_bytes((tmp_path / "t10k-images-idx3-ubyte.gz").read_bytes()[:50])
    with pytest.raises(ValueError, match="corrupt or truncated gzip"):
        read_idx(tmp_path / "cut.gz")
    (tmp_path / "junk").write_bytes(b"PK\x03\x04 not idx")
    with pytest.raises(ValueError, match="not an IDX file"):
        read_idx(tmp_path / "junk")


def test_cifar10_round_trip_and_layout(tmp_path: Path, rng: np.random.Generator) -> None:
    images = rng.integers(0, 256, (5, 3, 32, 32), dtype=np.uint8)
    labels = rng.integers(0, 10, 5)
    path = write_cifar_binary(tmp_path / "test_batch.bin", images, labels)
    raw = path.read_bytes()
    # record 0: label byte, then 1024 red bytes (row-major), green, blue
    assert raw[0] == labels[0] and raw[1:1025] == images[0, 0].tobytes()
    X, y = read_cifar_binary(path)
    np.testing.assert_array_equal(X, images)
    np.testing.assert_array_equal(y, labels)
    X2, y2 = load_cifar(tmp_path, "test")
    np.testing.assert_array_equal(X2, images)
    with pytest.raises(FileNotFoundError, match="data_batch_1.bin"):
        load_cifar(tmp_path, "train")
    (tmp_path / "cut.bin").write_bytes(raw[:-7])
    with pytest.raises(ValueError, match="truncated or not a CIFAR-10 binary file: 15358 bytes"):
        read_cifar_binary(tmp_path / "cut.bin")


def test_cifar100_coarse_and_fine_labels(tmp_path: Path, rng: np.random.Generator) -> None:
    images = rng.integers(0, 256, (4, 3, 32, 32), dtype=np.uint8)
    fine, coarse = rng.integers(0, 100, 4), rng.integers(0, 20, 4)
    path = write_cifar_binary(tmp_path / "train.bin", images, fine, coarse=coarse)
    X, y = read_cifar_binary(path, 100)
    np.testing.assert_array_equal(X, images)
    np.testing.assert_array_equal(y, fine)
    np.testing.assert_array_equal(read_cifar_binary(path, 100, label="coarse")[1], coarse)
    with pytest.raises(ValueError, match="not a CIFAR-10 binary"):
        read_cifar_binary(path, 10)  # 3074-byte records are not 3073-byte ones


def test_image_folder(tmp_path: Path, rng: np.random.Generator) -> None:
    from PIL import Image

    truth = {}
    for cls in ("cat", "dog"):
        (tmp_path / cls).mkdir()
        for i in range(2):
            img = rng.integers(0, 256, (6, 5, 3), dtype=np.uint8)
            Image.fromarray(img).save(tmp_path / cls / f"{i}.png")
            truth[(cls, i)] = img
    X, y, classes = load_image_folder(tmp_path)
    assert classes == ["cat", "dog"] and y.tolist() == [0, 0, 1, 1]
    assert X.shape == (4, 3, 6, 5)
    np.testing.assert_allclose(X[2].transpose(1, 2, 0), truth[("dog", 0)] / 255.0, atol=1e-7)
    (tmp_path / "dog" / "2.png").write_bytes(b"\x89PNG broken")
    with pytest.raises(ValueError, match="cannot read image .*2.png"):
        load_image_folder(tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_image_folder(tmp_path / "nope")


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_tables(tmp_path: Path, suffix: str) -> None:
    import pandas as pd

    df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "colour": ["red", "blue", "red"], "y": [0, 1, 0]})
    path = tmp_path / f"t{suffix}"
    df.to_csv(path, index=False) if suffix == ".csv" else df.to_parquet(path)
    X, y, names = read_table(path, target="y")
    assert names == ["a", "colour_blue", "colour_red"]
    np.testing.assert_array_equal(X, [[1, 0, 1], [2, 1, 0], [3, 0, 1]])
    np.testing.assert_array_equal(y, [0, 1, 0])
    with pytest.raises(ValueError, match="target column 'label' not in"):
        read_table(path, target="label")
    df.loc[1, "a"] = None
    df.to_csv(tmp_path / "m.csv", index=False)
    with pytest.raises(ValueError, match=r"missing values in column\(s\) \['a'\]"):
        read_table(tmp_path / "m.csv", target="y")
