"""In-memory batching whose order is a pure function of (seed, epoch) — so a run can resume.

Each epoch's permutation comes from a generator seeded with (seed, epoch); each batch's
augmentation from one seeded with (seed, epoch, batch). A resumed run therefore replays the
same batches in the same order with the same random crops by skipping the batches already
done, with no sampler state to save. Under DDP the *global* batch is built (and augmented)
identically on every rank and rank r keeps rows r, r + W, r + 2W, … — the same split that
``torch.utils.data.DistributedSampler`` makes — so W processes see exactly the samples one
process would, whatever W is. See docs/notes/training-at-scale.md.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import torch

Augment = Callable[[torch.Tensor, torch.Generator], torch.Tensor]


def derive_seed(*parts: int) -> int:
    """A 63-bit seed mixed from integers by NumPy's SeedSequence (well spread, deterministic)."""
    state = np.random.SeedSequence([int(p) for p in parts]).generate_state(2, np.uint32)
    return (int(state[0]) << 31) ^ int(state[1])


def generator(*parts: int) -> torch.Generator:
    """A CPU torch.Generator seeded by :func:`derive_seed` of ``parts``."""
    return torch.Generator().manual_seed(derive_seed(*parts))


@dataclass
class Batch:
    """One process's share of a global batch: inputs, targets, and the global batch size."""

    index: int
    x: torch.Tensor
    y: torch.Tensor
    global_size: int


class ArrayLoader:
    """Batches of in-memory tensors in a (seed, epoch)-determined order.

    Parameters
    ----------
    X, y : torch.Tensor
        Inputs and targets with equal first dimension.
    batch_size : int
        Global batch size (all processes together).
    shuffle : bool
        Permute each epoch (training) or keep the order (evaluation).
    seed : int
        Seed of the permutations and the augmentation.
    augment : callable, optional
        ``augment(x_batch, generator) -> x_batch`` applied to training batches.
    rank, world_size : int
        This process's place under DDP (0 and 1 when alone).
    """

    def __init__(
        self,
        X: torch.Tensor,
        y: torch.Tensor,
        batch_size: int,
        *,
        shuffle: bool = True,
        seed: int = 0,
        augment: Augment | None = None,
        rank: int = 0,
        world_size: int = 1,
    ) -> None:
        if len(X) != len(y):
            raise ValueError(f"X has {len(X)} samples but y has {len(y)}")
        if len(X) == 0:
            raise ValueError("the dataset is empty")
        if batch_size < world_size:
            raise ValueError(f"batch_size {batch_size} is smaller than the {world_size} processes")
        if not 0 <= rank < world_size:
            raise ValueError(f"rank {rank} is outside 0..{world_size - 1}")
        self.X, self.y = X, y
        self.batch_size, self.shuffle, self.seed = batch_size, shuffle, seed
        self.augment, self.rank, self.world_size = augment, rank, world_size

    def __len__(self) -> int:
        return math.ceil(len(self.X) / self.batch_size)

    def batch_sizes(self) -> list[int]:
        """Global size of each batch of an epoch (the last one may be short)."""
        n, b = len(self.X), self.batch_size
        return [min(b, n - i * b) for i in range(len(self))]

    def epoch(self, epoch: int, start: int = 0) -> Iterator[Batch]:
        """Yield this process's share of batches ``start, start+1, …`` of ``epoch``."""
        n = len(self.X)
        if self.shuffle:
            order = torch.randperm(n, generator=generator(self.seed, epoch))
        else:
            order = torch.arange(n)
        for i in range(start, len(self)):
            idx = order[i * self.batch_size : (i + 1) * self.batch_size]
            x = self.X[idx]
            if self.augment is not None:
                x = self.augment(x, generator(self.seed, epoch, i))
            y = self.y[idx]
            if self.world_size > 1:  # strided share: the DistributedSampler split of the batch
                x, y = x[self.rank :: self.world_size], y[self.rank :: self.world_size]
            yield Batch(i, x, y, len(idx))
