"""Seeded train/validation/test splitting (stratified for classification)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

#: Fractions of the data in each split; the test split takes the rest.
TRAIN_FRACTION = 0.7
VAL_FRACTION = 0.1


def split_indices(
    y: NDArray[Any], *, stratify: bool, seed: int
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """Return (train, val, test) index arrays: 70 % / 10 % / 20 %, fixed by ``seed``.

    With ``stratify`` every class is cut in the same proportions, so a rare class cannot vanish
    from a split; the indices of each split are returned sorted by a second seeded shuffle so
    that consecutive samples are not all of one class.
    """
    rng = np.random.default_rng(seed)
    n = len(y)
    groups = [np.flatnonzero(y == c) for c in np.unique(y)] if stratify else [np.arange(n)]
    parts: list[list[NDArray[np.intp]]] = [[], [], []]
    for idx in groups:  # loop over classes (a handful), not samples
        idx = rng.permutation(idx)
        n_train = int(round(TRAIN_FRACTION * len(idx)))
        n_val = int(round(VAL_FRACTION * len(idx)))
        parts[0].append(idx[:n_train])
        parts[1].append(idx[n_train : n_train + n_val])
        parts[2].append(idx[n_train + n_val :])
    train, val, test = (rng.permutation(np.concatenate(p)) for p in parts)
    return train, val, test
