"""Real data that ships inside installed packages, as ready, seeded train/val/test splits.

scikit-learn bundles iris, wine, breast_cancer, digits and diabetes; palmerpenguins bundles the
344 Palmer penguins. Nothing here downloads. See docs/notes/convolution.md for how the 8×8
digits are upsampled for the convolutional models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from groundup.datasets._split import split_indices

Task = Literal["classification", "regression"]
Split = Literal["train", "val", "test"]

__all__ = ["DATASETS", "Splits", "load", "splits", "upsample_images"]


@dataclass(frozen=True)
class Splits:
    """A dataset cut into train / validation / test arrays.

    Unpacks like a tuple: ``X_train, y_train, X_val, y_val, X_test, y_test = splits("iris")``.
    """

    X_train: NDArray[Any]
    y_train: NDArray[Any]
    X_val: NDArray[Any]
    y_val: NDArray[Any]
    X_test: NDArray[Any]
    y_test: NDArray[Any]
    task: Task = "classification"
    feature_names: list[str] = field(default_factory=list)
    target_names: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[NDArray[Any]]:
        yield from (self.X_train, self.y_train, self.X_val, self.y_val, self.X_test, self.y_test)

    def split(self, name: Split) -> tuple[NDArray[Any], NDArray[Any]]:
        """The (X, y) pair of split ``name`` ("train", "val" or "test")."""
        if name not in ("train", "val", "test"):
            raise ValueError(f"split must be 'train', 'val' or 'test', got {name!r}")
        return getattr(self, f"X_{name}"), getattr(self, f"y_{name}")


@dataclass(frozen=True)
class _Raw:
    X: NDArray[Any]
    y: NDArray[Any]
    task: Task
    feature_names: list[str]
    target_names: list[str]


def _sklearn(loader: Callable[..., Any], task: Task) -> Callable[[], _Raw]:
    def load() -> _Raw:
        bunch = loader()
        names = (
            [str(n) for n in getattr(bunch, "target_names", [])] if task == "classification" else []
        )
        y = bunch.target.astype(np.int64 if task == "classification" else np.float64)
        return _Raw(
            bunch.data.astype(np.float64), y, task, [str(f) for f in bunch.feature_names], names
        )

    return load


def _penguins() -> _Raw:
    """Palmer penguins: species from 4 measurements, one-hot island and a 0/1 sex column.

    Rows with any missing value are dropped (344 → 333).
    """
    from palmerpenguins import load_penguins  # optional dependency, imported when asked for

    df = load_penguins().dropna().reset_index(drop=True)
    species = sorted(df["species"].unique())
    islands = sorted(df["island"].unique())
    numeric = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
    X = np.column_stack(
        [df[numeric].to_numpy(np.float64)]
        + [(df["island"] == isl).to_numpy(np.float64) for isl in islands]
        + [(df["sex"] == "male").to_numpy(np.float64)]
    )
    y = df["species"].map({s: i for i, s in enumerate(species)}).to_numpy(np.int64)
    names = numeric + [f"island_{isl}" for isl in islands] + ["sex_male"]
    return _Raw(X, y, "classification", names, [str(s) for s in species])


def _loaders() -> dict[str, Callable[[], _Raw]]:
    from sklearn import datasets as skd

    return {
        "digits": _sklearn(skd.load_digits, "classification"),
        "iris": _sklearn(skd.load_iris, "classification"),
        "wine": _sklearn(skd.load_wine, "classification"),
        "breast_cancer": _sklearn(skd.load_breast_cancer, "classification"),
        "diabetes": _sklearn(skd.load_diabetes, "regression"),
        "penguins": _penguins,
    }


DATASETS: tuple[str, ...] = ("digits", "iris", "wine", "breast_cancer", "diabetes", "penguins")


def upsample_images(images: NDArray[Any], size: int) -> NDArray[np.float32]:
    """Bilinear resize of a batch of square images ``(n, h, h)`` to ``(n, size, size)``.

    Separable linear interpolation: out = A · img · Aᵀ with A the (size × h) matrix whose row i
    holds the weights of the two source pixels nearest to the centre of target pixel i
    (half-pixel centres, as in ``align_corners=False``). See docs/notes/convolution.md.
    """
    if images.ndim != 3 or images.shape[1] != images.shape[2]:
        raise ValueError(f"images must have shape (n, h, h), got {images.shape}")
    if size < 1:
        raise ValueError(f"size must be >= 1, got {size}")
    h = images.shape[1]
    centres = (np.arange(size) + 0.5) * h / size - 0.5
    lo = np.clip(np.floor(centres).astype(int), 0, h - 1)
    hi = np.clip(lo + 1, 0, h - 1)
    w_hi = np.clip(centres - lo, 0.0, 1.0)
    A = np.zeros((size, h))
    np.add.at(A, (np.arange(size), lo), 1.0 - w_hi)
    np.add.at(A, (np.arange(size), hi), w_hi)
    return np.einsum("ij,njk,lk->nil", A, images, A).astype(np.float32)


def splits(name: str, seed: int = 0, *, image_size: int | None = None) -> Splits:
    """Load bundled dataset ``name`` and cut it 70 / 10 / 20 into train / val / test.

    The cut is stratified by class for classification data and fixed by ``seed``, so every
    caller with the same seed sees the same test set.

    Parameters
    ----------
    name : str
        One of ``DATASETS``: digits, iris, wine, breast_cancer, diabetes, penguins.
    seed : int
        Seed of the split.
    image_size : int, optional
        Digits only. ``None`` gives scikit-learn's flat ``(n, 64)`` float64 features (0..16).
        An integer gives float32 images ``(n, 1, s, s)`` scaled to [0, 1], bilinearly
        upsampled from 8×8 when ``s > 8`` (16 and 32 suit the convolutional models).

    Returns
    -------
    Splits
        The six arrays plus the task, feature names and class names.
    """
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    if image_size is not None and name != "digits":
        raise ValueError(f"image_size applies to the digits images only, not to {name!r}")
    raw = _loaders()[name]()
    X = raw.X
    if image_size is not None:
        if not isinstance(image_size, int) or image_size < 8:
            raise ValueError(f"image_size must be an integer >= 8, got {image_size!r}")
        images = X.reshape(-1, 8, 8) / 16.0
        X = (upsample_images(images, image_size) if image_size != 8 else images.astype(np.float32))[
            :, None
        ]
    tr, va, te = split_indices(raw.y, stratify=raw.task == "classification", seed=seed)
    return Splits(
        X[tr],
        raw.y[tr],
        X[va],
        raw.y[va],
        X[te],
        raw.y[te],
        task=raw.task,
        feature_names=raw.feature_names,
        target_names=raw.target_names,
    )


def load(
    name: str, split: Split = "train", seed: int = 0, *, image_size: int | None = None
) -> tuple[NDArray[Any], NDArray[Any]]:
    """The ``(X, y)`` arrays of one split of bundled dataset ``name`` (see :func:`splits`)."""
    return splits(name, seed, image_size=image_size).split(split)
