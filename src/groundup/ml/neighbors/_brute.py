"""Exhaustive k-nearest-neighbour search, chunked so the distance matrix fits in memory.

See docs/notes/svm.md#nearest-neighbours.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

# rows of queries per block: a block's distance matrix holds CHUNK_ELEMENTS floats at most
CHUNK_ELEMENTS = 2**22


def minkowski_distances(X: NDArray[Any], Y: NDArray[Any], p: float) -> NDArray[Any]:
    """Exact pairwise Minkowski distances d(x, y) = (Σⱼ |xⱼ − yⱼ|^p)^{1/p}.

    p = 2 uses ‖x‖² + ‖y‖² − 2x·y (one matrix product), clipped at 0 against rounding;
    other p broadcast the differences. See docs/notes/svm.md#nearest-neighbours.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    Y : ndarray of shape (m, d)
    p : float >= 1 (np.inf for Chebyshev)

    Returns
    -------
    ndarray of shape (n, m)
    """
    if p == 2:
        sq = (X**2).sum(axis=1)[:, None] + (Y**2).sum(axis=1)[None, :] - 2.0 * (X @ Y.T)
        return np.sqrt(np.maximum(sq, 0.0))
    diff = np.abs(X[:, None, :] - Y[None, :, :])
    if p == 1:
        return diff.sum(axis=2)
    if np.isinf(p):
        return diff.max(axis=2)
    return (diff**p).sum(axis=2) ** (1.0 / p)


def exact_row_distances(Q: NDArray[Any], P: NDArray[Any], p: float) -> NDArray[Any]:
    """Distance from each query Q[i] to each of its candidates P[i, j] (no cancellation).

    Parameters
    ----------
    Q : ndarray of shape (n, d)
    P : ndarray of shape (n, k, d)
    p : float

    Returns
    -------
    ndarray of shape (n, k)
    """
    diff = np.abs(P - Q[:, None, :])
    if p == 2:
        return np.sqrt((diff**2).sum(axis=2))
    if p == 1:
        return diff.sum(axis=2)
    if np.isinf(p):
        return diff.max(axis=2)
    return (diff**p).sum(axis=2) ** (1.0 / p)


def sort_neighbours(
    dist: NDArray[Any], ind: NDArray[np.intp]
) -> tuple[NDArray[Any], NDArray[np.intp]]:
    """Order each row by distance, ties broken by the smaller training index."""
    order = np.lexsort((ind, dist), axis=-1) if dist.ndim == 1 else np.lexsort((ind, dist))
    rows = np.arange(dist.shape[0])[:, None]
    return dist[rows, order], ind[rows, order]


def brute_kneighbors(
    X_fit: NDArray[Any], Q: NDArray[Any], k: int, p: float
) -> tuple[NDArray[Any], NDArray[np.intp]]:
    """The k nearest rows of ``X_fit`` to every row of ``Q`` by exhaustive search.

    Candidates come from the fast distance matrix (``argpartition``, O(n) per row); their
    distances are then recomputed exactly so the reported distances carry no cancellation
    error, and rows are sorted by (distance, index). See docs/notes/svm.md#nearest-neighbours.

    Parameters
    ----------
    X_fit : ndarray of shape (n, d)
    Q : ndarray of shape (m, d)
    k : int, 1 <= k <= n
    p : float

    Returns
    -------
    distances of shape (m, k), indices of shape (m, k)
    """
    n = X_fit.shape[0]
    per_pair = 1 if p == 2 else max(1, X_fit.shape[1])
    step = max(1, CHUNK_ELEMENTS // (n * per_pair))
    dists, inds = [], []
    for start in range(0, Q.shape[0], step):  # blocks of queries bound the memory
        Qb = Q[start : start + step]
        D = minkowski_distances(Qb, X_fit, p)
        idx = (
            np.argpartition(D, k - 1, axis=1)[:, :k]
            if k < n
            else np.tile(np.arange(n), (len(Qb), 1))
        )
        exact = exact_row_distances(Qb, X_fit[idx], p)
        d_sorted, i_sorted = sort_neighbours(exact, idx)
        dists.append(d_sorted)
        inds.append(i_sorted)
    return np.vstack(dists), np.vstack(inds).astype(np.intp)


def brute_radius(
    X_fit: NDArray[Any], Q: NDArray[Any], radius: float, p: float, sort_results: bool
) -> tuple[NDArray[Any], NDArray[Any]]:
    """All rows of ``X_fit`` within ``radius`` of each query (ragged: object arrays).

    See docs/notes/svm.md#nearest-neighbours.

    Parameters
    ----------
    X_fit : ndarray of shape (n, d)
    Q : ndarray of shape (m, d)
    radius : float
    p : float
    sort_results : bool

    Returns
    -------
    distances, indices : object arrays of shape (m,) holding 1-D arrays
    """
    n = X_fit.shape[0]
    per_pair = 1 if p == 2 else max(1, X_fit.shape[1])
    step = max(1, CHUNK_ELEMENTS // (n * per_pair))
    out_d = np.empty(Q.shape[0], dtype=object)
    out_i = np.empty(Q.shape[0], dtype=object)
    for start in range(0, Q.shape[0], step):
        Qb = Q[start : start + step]
        D = minkowski_distances(Qb, X_fit, p)
        rows, cols = np.nonzero(D <= radius * (1 + 1e-12) + 1e-12)
        exact = exact_row_distances(Qb[rows], X_fit[cols][:, None, :], p)[:, 0]
        keep = exact <= radius
        rows, cols, exact = rows[keep], cols[keep], exact[keep]
        if sort_results:
            order = np.lexsort((cols, exact, rows))
        else:
            order = np.lexsort((cols, rows))
        rows, cols, exact = rows[order], cols[order], exact[order]
        bounds = np.searchsorted(rows, np.arange(len(Qb) + 1))
        # the output is ragged, so this loop over queries only slices precomputed arrays
        for r in range(len(Qb)):
            out_d[start + r] = exact[bounds[r] : bounds[r + 1]]
            out_i[start + r] = cols[bounds[r] : bounds[r + 1]].astype(np.intp)
    return out_d, out_i
