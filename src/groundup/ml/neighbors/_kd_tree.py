"""A k-d tree built on arrays, queried for a whole batch of points at once.

See docs/notes/svm.md#nearest-neighbours.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from groundup.ml.neighbors._brute import exact_row_distances, sort_neighbours


def _box_distance(
    Q: NDArray[Any], lower: NDArray[Any], upper: NDArray[Any], p: float
) -> NDArray[Any]:
    """Lower bound on the distance from each query to anything inside each box.

    gap_j = max(lower_j − q_j, 0, q_j − upper_j); the bound is ‖gap‖_p.
    Shapes: Q (m, d), lower/upper (L, d) → (m, L).
    """
    q = Q[:, None, :]
    gap = np.maximum(np.maximum(lower[None, :, :] - q, q - upper[None, :, :]), 0.0)
    if p == 2:
        return np.sqrt(np.einsum("mld,mld->ml", gap, gap))
    if p == 1:
        return gap.sum(axis=2)
    if np.isinf(p):
        return gap.max(axis=2)
    return (gap**p).sum(axis=2) ** (1.0 / p)


class KDTree:
    """A k-d tree whose leaves are buckets of at most ``leaf_size`` points.

    Build: a node splits its points at the median of its widest dimension (``argpartition``,
    O(n) per level) until at most leaf_size remain, so the depth is ⌈log₂(n / leaf_size)⌉ and
    every leaf keeps its bounding box. Query (all queries at once): each query ranks the leaves
    by the box lower bound ‖gap‖_p; in round r every still-active query scans its r-th nearest
    leaf, merging the leaf's points into its current k best, and a query retires as soon as its
    k-th distance is below the bound of the next leaf — no unvisited leaf can then hold a
    closer point. Each round is a handful of array operations over all active queries.
    See docs/notes/svm.md#nearest-neighbours.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    leaf_size : int >= 1
    """

    def __init__(self, X: NDArray[Any], leaf_size: int = 30):
        self.data = X
        n = X.shape[0]
        perm = np.arange(n)
        leaves: list[tuple[int, int]] = []
        stack = [(0, n)]
        while stack:  # iterative build: loops over nodes (≈ 2n / leaf_size), not points
            s, e = stack.pop()
            if e - s <= leaf_size:
                leaves.append((s, e))
                continue
            pts = X[perm[s:e]]
            dim = int(np.argmax(pts.max(axis=0) - pts.min(axis=0)))
            mid = (e - s) // 2
            part = np.argpartition(pts[:, dim], mid)
            perm[s:e] = perm[s:e][part]
            stack.append((s + mid, e))
            stack.append((s, s + mid))
        leaves.sort()
        starts = np.array([s for s, _ in leaves], dtype=np.intp)
        sizes = np.array([e - s for s, e in leaves], dtype=np.intp)
        Xp = X[perm]
        # bounding boxes of all leaves in two segmented reductions
        self.lower = np.minimum.reduceat(Xp, starts, axis=0)
        self.upper = np.maximum.reduceat(Xp, starts, axis=0)
        # leaf membership as a padded (n_leaves, max_size) table, -1 marking padding
        offsets = np.arange(sizes.max())
        slot = starts[:, None] + offsets[None, :]
        self.leaf_index = np.where(
            offsets[None, :] < sizes[:, None], perm[np.minimum(slot, n - 1)], -1
        )

    def query(
        self, Q: NDArray[Any], k: int, p: float = 2.0, chunk: int = 512
    ) -> tuple[NDArray[Any], NDArray[np.intp]]:
        """Distances and indices of the k nearest points to each query, sorted by (distance, index).

        Parameters
        ----------
        Q : ndarray of shape (m, d)
        k : int, 1 <= k <= n
        p : float
        chunk : int
            Queries processed together (bounds the memory of the bound matrix).

        Returns
        -------
        distances of shape (m, k), indices of shape (m, k)
        """
        out_d = np.empty((Q.shape[0], k))
        out_i = np.empty((Q.shape[0], k), dtype=np.intp)
        for start in range(0, Q.shape[0], chunk):
            d, i = self._query_block(Q[start : start + chunk], k, p)
            out_d[start : start + chunk] = d
            out_i[start : start + chunk] = i
        return out_d, out_i

    def _query_block(
        self, Q: NDArray[Any], k: int, p: float
    ) -> tuple[NDArray[Any], NDArray[np.intp]]:
        m, n_leaves = Q.shape[0], self.lower.shape[0]
        bound = _box_distance(Q, self.lower, self.upper, p)
        order = np.argsort(bound, axis=1)
        best_d = np.full((m, k), np.inf)
        best_i = np.full((m, k), np.iinfo(np.intp).max, dtype=np.intp)
        active = np.arange(m)
        for r in range(n_leaves):  # rounds: the r-th nearest leaf of every active query
            leaf = order[active, r]
            # retire queries whose k-th best is closer than anything left to visit
            alive = best_d[active, k - 1] >= bound[active, leaf]
            active, leaf = active[alive], leaf[alive]
            if active.size == 0:
                break
            cand = self.leaf_index[leaf]
            valid = cand >= 0
            dist = exact_row_distances(Q[active], self.data[np.where(valid, cand, 0)], p)
            dist[~valid] = np.inf
            cand = np.where(valid, cand, np.iinfo(np.intp).max)
            all_d = np.hstack([best_d[active], dist])
            all_i = np.hstack([best_i[active], cand])
            all_d, all_i = sort_neighbours(all_d, all_i)
            best_d[active], best_i[active] = all_d[:, :k], all_i[:, :k]
        return best_d, best_i
