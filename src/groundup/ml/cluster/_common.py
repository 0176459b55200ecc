"""Private helpers shared by the clustering estimators: distances and connected components."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray


def sq_dists(
    A: NDArray[np.float64], B: NDArray[np.float64], b_sq: NDArray[np.float64] | None = None
) -> NDArray[np.float64]:
    """‖a − b‖² for all pairs by ‖a‖² − 2a·b + ‖b‖² (one GEMM), clipped at 0."""
    bb = (B * B).sum(axis=1) if b_sq is None else b_sq
    d = -2.0 * (A @ B.T)
    d += (A * A).sum(axis=1)[:, None]
    d += bb[None, :]
    return np.maximum(d, 0.0, out=d)


def components(n: int, rows: NDArray[np.intp], cols: NDArray[np.intp]) -> NDArray[np.intp]:
    """Connected components of an undirected graph, each labelled by its smallest vertex.

    Edges are given in both directions. Each round every vertex takes the smallest label
    among its neighbours (one sort-free ``minimum.reduceat`` over the edges grouped by
    row), then pointer jumping (label ← label[label]) shortcuts the chains; the number of
    rounds grows with the log of the component diameter, not with n.
    """
    label = np.arange(n)
    if rows.size == 0:
        return label
    order = np.argsort(rows, kind="stable") if np.any(np.diff(rows) < 0) else None
    if order is not None:
        rows, cols = rows[order], cols[order]
    starts = np.flatnonzero(np.r_[True, np.diff(rows) != 0])
    heads = rows[starts]
    while True:
        old = label
        label = label.copy()
        np.minimum.at(label, heads, np.minimum.reduceat(label[cols], starts))
        # a root adopts the smallest label any of its members found
        np.minimum.at(label, old, label)
        while True:
            jumped = label[label]
            if np.array_equal(jumped, label):
                break
            label = jumped
        if np.array_equal(label, old):
            return label


def check_sample_weight(
    sample_weight: Any, n: int, *, non_negative: bool = True
) -> NDArray[np.float64]:
    """Validated per-sample weights (ones when None); non-negative unless told otherwise."""
    if sample_weight is None:
        return np.ones(n)
    w = np.asarray(sample_weight, dtype=np.float64)
    if w.ndim == 0:
        return np.full(n, float(w))
    if w.shape != (n,):
        raise ValueError(f"sample_weight.shape == {w.shape}, expected ({n},)!")
    if not np.isfinite(w).all():
        raise ValueError("sample_weight contains NaN or infinity")
    if non_negative and (w < 0).any():
        raise ValueError(f"sample_weight must be non-negative, got minimum {w.min()}")
    if not w.any():
        raise ValueError("Sample weights must contain at least one non-zero number.")
    return w
