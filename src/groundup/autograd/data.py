"""A seeded mini-batch loader over in-memory arrays (a small ``torch.utils.data.DataLoader``).

Every epoch draws a fresh permutation from one generator seeded once, so a given seed gives
the same sequence of batches run after run. See docs/notes/optimizers.md (mini-batch SGD).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from groundup._checks import check_finite, check_same_length
from groundup.autograd.tensor import Tensor

__all__ = ["DataLoader"]


class DataLoader:
    """Iterate over aligned arrays in mini-batches, optionally shuffled with a seed.

    Yields tuples of Tensors, one per array (float arrays become ``dtype``, integer labels
    stay integer).

    Parameters
    ----------
    *arrays : array_like
        Arrays with the same first dimension (samples).
    batch_size : int
        Samples per batch.
    shuffle : bool
        Reshuffle every epoch.
    drop_last : bool
        Skip a final incomplete batch.
    seed : int or Generator, optional
        Seed of the shuffling.
    dtype : numpy dtype
        Dtype for floating arrays (float32 by default).
    """

    def __init__(
        self,
        *arrays: ArrayLike,
        batch_size: int = 32,
        shuffle: bool = False,
        drop_last: bool = False,
        seed: int | np.random.Generator | None = None,
        dtype: Any = np.float32,
    ) -> None:
        if not arrays:
            raise ValueError("DataLoader needs at least one array")
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        converted = []
        for i, a in enumerate(arrays):
            arr = np.asarray(a)
            if arr.ndim == 0:
                raise ValueError(f"array {i} must have a sample axis, got a scalar")
            if arr.dtype.kind not in "biuf":
                raise TypeError(f"array {i} must be numeric, got dtype {arr.dtype}")
            if arr.dtype.kind == "f":
                arr = arr.astype(dtype, copy=False)
                check_finite(arr, f"array {i}")
            converted.append(arr)
        check_same_length(*((f"array {i}", a) for i, a in enumerate(converted)))
        if len(converted[0]) == 0:
            raise ValueError("DataLoader got empty arrays (0 samples)")
        self.arrays = converted
        self.batch_size, self.shuffle, self.drop_last = batch_size, shuffle, drop_last
        self.rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)

    def __len__(self) -> int:
        n = len(self.arrays[0])
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[tuple[Tensor, ...]]:
        n = len(self.arrays[0])
        order = self.rng.permutation(n) if self.shuffle else np.arange(n)
        for b in range(len(self)):
            idx = order[b * self.batch_size : (b + 1) * self.batch_size]
            yield tuple(Tensor(a[idx]) for a in self.arrays)
