"""CIFAR-10 / CIFAR-100 in their *binary* distribution (never the pickled one).

A CIFAR-10 record is 1 label byte + 3072 pixel bytes (1024 red, 1024 green, 1024 blue, each
32×32 row-major); a CIFAR-100 record has 2 label bytes (coarse, fine) before the pixels. A file
whose size is not a whole number of records is truncated or not CIFAR, and is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray

__all__ = ["load_cifar", "read_cifar_binary", "write_cifar_binary"]

_PIXELS = 3 * 32 * 32


def _label_bytes(variant: int) -> int:
    if variant not in (10, 100):
        raise ValueError(f"variant must be 10 or 100, got {variant!r}")
    return 1 if variant == 10 else 2


def read_cifar_binary(
    path: str | Path, variant: Literal[10, 100] = 10, *, label: Literal["fine", "coarse"] = "fine"
) -> tuple[NDArray[np.uint8], NDArray[np.int64]]:
    """Read one CIFAR binary file into images ``(n, 3, 32, 32)`` uint8 and labels ``(n,)``.

    Parameters
    ----------
    path : str or Path
        e.g. ``data_batch_1.bin`` (CIFAR-10) or ``train.bin`` (CIFAR-100).
    variant : {10, 100}
        Record layout.
    label : {"fine", "coarse"}
        CIFAR-100 only: which of its two labels to return.
    """
    path = Path(path)
    lb = _label_bytes(variant)
    if label not in ("fine", "coarse"):
        raise ValueError(f"label must be 'fine' or 'coarse', got {label!r}")
    if not path.is_file():
        raise FileNotFoundError(f"CIFAR-{variant} file {path} does not exist")
    raw = np.fromfile(path, np.uint8)
    record = lb + _PIXELS
    if raw.size == 0 or raw.size % record:
        raise ValueError(
            f"{path} is truncated or not a CIFAR-{variant} binary file: {raw.size} bytes is not "
            f"a whole number of {record}-byte records"
        )
    rows = raw.reshape(-1, record)
    labels = rows[:, lb - 1 if label == "fine" else 0].astype(np.int64)
    limit = 20 if (variant == 100 and label == "coarse") else variant
    if labels.max() >= limit:
        raise ValueError(f"{path} holds label {labels.max()}, impossible for CIFAR-{variant}")
    return rows[:, lb:].reshape(-1, 3, 32, 32).copy(), labels


def write_cifar_binary(
    path: str | Path,
    images: NDArray[np.uint8],
    labels: NDArray[np.integer],
    coarse: NDArray[np.integer] | None = None,
) -> Path:
    """Write images ``(n, 3, 32, 32)`` and labels as a CIFAR-10 file (CIFAR-100 if ``coarse``)."""
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[1:] != (3, 32, 32) or images.dtype != np.uint8:
        raise ValueError(
            f"images must be uint8 of shape (n, 3, 32, 32), got {images.dtype} {images.shape}"
        )
    cols = [np.asarray(labels, np.uint8)[:, None]]
    if coarse is not None:
        cols.insert(0, np.asarray(coarse, np.uint8)[:, None])
    rows = np.concatenate(cols + [images.reshape(len(images), -1)], axis=1)
    Path(path).write_bytes(rows.tobytes())
    return Path(path)


def load_cifar(
    root: str | Path, split: Literal["train", "test"] = "train", variant: Literal[10, 100] = 10
) -> tuple[NDArray[np.uint8], NDArray[np.int64]]:
    """Load a CIFAR split from the binary files in ``root`` (or its ``cifar-*-batches-bin`` folder).

    CIFAR-10 train is ``data_batch_1.bin`` … ``data_batch_5.bin``, test ``test_batch.bin``;
    CIFAR-100 is ``train.bin`` / ``test.bin`` (fine labels).
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    _label_bytes(variant)
    root = Path(root)
    sub = root / ("cifar-10-batches-bin" if variant == 10 else "cifar-100-binary")
    base = sub if sub.is_dir() else root
    if variant == 10:
        names = (
            [f"data_batch_{i}.bin" for i in range(1, 6)] if split == "train" else ["test_batch.bin"]
        )
    else:
        names = [f"{split}.bin"]
    for name in names:
        if not (base / name).is_file():
            raise FileNotFoundError(f"expected CIFAR-{variant} file {base / name} — not found")
    parts = [read_cifar_binary(base / n, variant) for n in names]
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
