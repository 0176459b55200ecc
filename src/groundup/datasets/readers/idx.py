"""MNIST / Fashion-MNIST IDX files (plain or gzip), read and written with NumPy.

IDX layout: two zero bytes, a type code (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
0x0D float32, 0x0E float64), the number of dimensions d, then d big-endian uint32 sizes and the
data, big-endian, row-major. The reader checks the byte count against the header, so a
truncated download is an error, never a silently short array.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

__all__ = ["load_mnist", "read_idx", "write_idx"]

_CODES: dict[int, np.dtype[Any]] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def _read_bytes(path: Path) -> bytes:
    if not path.is_file():
        raise FileNotFoundError(f"IDX file {path} does not exist")
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":  # gzip magic: decompress whatever the file name says
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise ValueError(f"{path} is a corrupt or truncated gzip file: {exc}") from None
    return raw


def read_idx(path: str | Path) -> NDArray[Any]:
    """Read an IDX file (optionally gzip-compressed) into an array of its stored type and shape.

    Parameters
    ----------
    path : str or Path
        The file, e.g. ``train-images-idx3-ubyte.gz``.

    Returns
    -------
    ndarray
        Native-endian array of shape given by the header.
    """
    path = Path(path)
    raw = _read_bytes(path)
    if len(raw) < 4 or raw[:2] != b"\x00\x00" or raw[2] not in _CODES:
        raise ValueError(f"{path} is not an IDX file (bad magic number {raw[:4]!r})")
    dtype, ndim = _CODES[raw[2]], raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{path} is truncated: header needs {header} bytes, file has {len(raw)}")
    shape = tuple(int(s) for s in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) != expected:
        what = "truncated" if len(raw) < expected else "longer than its header says"
        raise ValueError(
            f"{path} is {what}: header shape {shape} needs {expected} bytes, file has {len(raw)}"
        )
    data = np.frombuffer(raw, dtype, offset=header).reshape(shape)
    return data.astype(dtype.newbyteorder("="))


def write_idx(path: str | Path, array: NDArray[Any], *, compress: bool | None = None) -> Path:
    """Write ``array`` as an IDX file (gzip when ``compress`` or when the name ends in .gz)."""
    path = Path(path)
    arr = np.asarray(array)
    codes = {dt.newbyteorder("=").str[1:]: code for code, dt in _CODES.items()}
    key = arr.dtype.newbyteorder("=").str[1:]
    if key not in codes:
        raise TypeError(
            f"IDX cannot store dtype {arr.dtype}; use uint8, int8, int16, int32, float32 or float64"
        )
    code = codes[key]
    header = bytes([0, 0, code, arr.ndim]) + np.asarray(arr.shape, ">u4").tobytes()
    payload = header + np.ascontiguousarray(arr, _CODES[code]).tobytes()
    if compress or (compress is None and path.suffix == ".gz"):
        payload = gzip.compress(payload)
    path.write_bytes(payload)
    return path


def _find(root: Path, stem: str) -> Path:
    for name in (stem, stem + ".gz"):
        if (root / name).is_file():
            return root / name
    raise FileNotFoundError(f"expected MNIST file {root / stem} (or {stem}.gz) — not found")


def load_mnist(
    root: str | Path, split: Literal["train", "test"] = "train"
) -> tuple[NDArray[np.uint8], NDArray[np.int64]]:
    """Load MNIST or Fashion-MNIST from the four standard IDX files in ``root``.

    Parameters
    ----------
    root : str or Path
        Folder holding ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
        ``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte`` (each optionally ``.gz``).
    split : {"train", "test"}
        Which pair of files.

    Returns
    -------
    images : ndarray of uint8, shape (n, 1, 28, 28)
    labels : ndarray of int64, shape (n,)
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    root = Path(root)
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(_find(root, f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(_find(root, f"{prefix}-labels-idx1-ubyte"))
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise ValueError(
            f"MNIST {split} files disagree: images shape {images.shape}, labels shape {labels.shape}"
        )
    return images[:, None].astype(np.uint8), labels.astype(np.int64)
