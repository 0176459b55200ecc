"""Clustering metrics: silhouette (internal) and adjusted Rand / NMI (against true labels).

See docs/notes/evaluation.md and docs/notes/clustering.md.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.utils.validation import check_random_state

from groundup._checks import as_matrix, check_same_length
from groundup.ml.metrics._validation import column

_CHUNK_BYTES = 64 * 2**20  # memory for one block of the distance matrix


def _contingency(labels_true: ArrayLike, labels_pred: ArrayLike) -> NDArray[np.int64]:
    """Table n_ij = #{samples in class i and cluster j}, via one bincount on paired codes."""
    yt, yp = column(labels_true, "labels_true"), column(labels_pred, "labels_pred")
    check_same_length(("labels_true", yt), ("labels_pred", yp))
    _, ti = np.unique(yt, return_inverse=True)
    _, pi = np.unique(yp, return_inverse=True)
    nt, npred = int(ti.max()) + 1, int(pi.max()) + 1
    return np.bincount(ti * npred + pi, minlength=nt * npred).reshape(nt, npred).astype(np.int64)


def pair_confusion_matrix(labels_true: ArrayLike, labels_pred: ArrayLike) -> NDArray[np.int64]:
    """2×2 counts of ordered sample pairs by (same cluster?, same class?).

    With the contingency table n_ij, row sums a_i and column sums b_j:
    C11 = Σ n_ij² − n, C01 = Σ_ij n_ij b_j − Σ n_ij², C10 = Σ_ij n_ij a_i − Σ n_ij²,
    C00 = n² − C01 − C10 − Σ n_ij². See docs/notes/evaluation.md.

    Parameters
    ----------
    labels_true, labels_pred : array-like of shape (n_samples,)
        Two labelings.

    Returns
    -------
    ndarray of shape (2, 2)
    """
    c = _contingency(labels_true, labels_pred)
    n = int(c.sum())
    sq = int((c**2).sum())
    a, b = c.sum(axis=1), c.sum(axis=0)
    out = np.empty((2, 2), dtype=np.int64)
    out[1, 1] = sq - n
    out[0, 1] = int((c @ b).sum()) - sq
    out[1, 0] = int((c.T @ a).sum()) - sq
    out[0, 0] = n * n - out[0, 1] - out[1, 0] - sq
    return out


def adjusted_rand_score(labels_true: ArrayLike, labels_pred: ArrayLike) -> float:
    """Rand index corrected for chance: 1 for identical partitions, ≈0 for random ones.

    From the pair confusion matrix [[tn, fp], [fn, tp]]:
    ARI = 2(tp·tn − fn·fp) / ((tp + fn)(fn + tn) + (tp + fp)(fp + tn)).
    See docs/notes/evaluation.md.

    Parameters
    ----------
    labels_true, labels_pred : array-like of shape (n_samples,)
        Two labelings (the score is symmetric).

    Returns
    -------
    float
    """
    (tn, fp), (fn, tp) = pair_confusion_matrix(labels_true, labels_pred).tolist()
    if fn == 0 and fp == 0:
        return 1.0
    return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))


def _entropy(counts: NDArray[np.int64]) -> float:
    p = counts[counts > 0].astype(np.float64)
    total = p.sum()
    return float(-np.sum((p / total) * (np.log(p) - np.log(total))))


def mutual_info_score(labels_true: ArrayLike, labels_pred: ArrayLike) -> float:
    """Mutual information I(U; V) = Σ_ij (n_ij/n) log(n·n_ij / (a_i b_j)) in nats.

    See docs/notes/evaluation.md.

    Parameters
    ----------
    labels_true, labels_pred : array-like of shape (n_samples,)
        Two labelings.

    Returns
    -------
    float
    """
    return _mutual_info(_contingency(labels_true, labels_pred))


def _mutual_info(c: NDArray[np.int64]) -> float:
    a, b = c.sum(axis=1), c.sum(axis=0)
    if a.size == 1 or b.size == 1:
        return 0.0
    i, j = np.nonzero(c)
    nij = c[i, j].astype(np.float64)
    n = float(c.sum())
    pij = nij / n
    log_outer = -np.log(a[i].astype(np.float64) * b[j]) + np.log(a.sum()) + np.log(b.sum())
    mi = pij * (np.log(nij) - np.log(n)) + pij * log_outer
    mi = np.where(np.abs(mi) < np.finfo(np.float64).eps, 0.0, mi)
    return float(max(mi.sum(), 0.0))


def normalized_mutual_info_score(
    labels_true: ArrayLike, labels_pred: ArrayLike, *, average_method: str = "arithmetic"
) -> float:
    """Mutual information divided by a mean of the two entropies: NMI = I(U;V) / mean(H(U), H(V)).

    'arithmetic' (default) uses (H(U) + H(V))/2; 'geometric', 'min' and 'max' are the other
    means. Two single-cluster labelings score 1. See docs/notes/evaluation.md.

    Parameters
    ----------
    labels_true, labels_pred : array-like of shape (n_samples,)
        Two labelings.
    average_method : {'arithmetic', 'geometric', 'min', 'max'}
        The normaliser.

    Returns
    -------
    float
    """
    means: dict[str, Any] = {
        "arithmetic": lambda u, v: (u + v) / 2,
        "geometric": lambda u, v: np.sqrt(u * v),
        "min": min,
        "max": max,
    }
    if average_method not in means:
        raise ValueError(f"average_method must be one of {sorted(means)}, got {average_method!r}")
    c = _contingency(labels_true, labels_pred)
    if c.shape[0] == c.shape[1] == 1:
        return 1.0
    mi = _mutual_info(c)
    if mi == 0:
        return 0.0
    h_true, h_pred = _entropy(c.sum(axis=1)), _entropy(c.sum(axis=0))
    return float(mi / means[average_method](h_true, h_pred))


def _sq_dists(A: NDArray[np.float64], B: NDArray[np.float64]) -> NDArray[np.float64]:
    """‖a − b‖² by the expansion ‖a‖² + ‖b‖² − 2a·b (one GEMM), clipped at 0."""
    d = (A * A).sum(axis=1)[:, None] - 2.0 * (A @ B.T) + (B * B).sum(axis=1)[None, :]
    return np.maximum(d, 0.0, out=d)


def silhouette_samples(X: ArrayLike, labels: ArrayLike, *, metric: str = "euclidean") -> Any:
    """Silhouette coefficient of each sample, s = (b − a) / max(a, b).

    a = mean distance to the other members of its own cluster, b = smallest mean distance
    to the members of another cluster; s = 0 for a sample alone in its cluster. Distances
    are computed in row blocks (bounded memory) and summed per cluster with one matrix
    product against the one-hot cluster indicator. See docs/notes/clustering.md.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features), or (n, n) distances if metric='precomputed'
        Data.
    labels : array-like of shape (n_samples,)
        Cluster labels.
    metric : {'euclidean', 'sqeuclidean', 'precomputed'}
        Distance.

    Returns
    -------
    ndarray of shape (n_samples,)
    """
    Xa = as_matrix(X, "X")
    lab = column(labels, "labels")
    check_same_length(("X", Xa), ("labels", lab))
    if metric not in ("euclidean", "sqeuclidean", "precomputed"):
        raise ValueError(
            f"metric must be 'euclidean', 'sqeuclidean' or 'precomputed', got {metric!r}"
        )
    if metric == "precomputed":
        if Xa.shape[0] != Xa.shape[1]:
            raise ValueError(f"precomputed distances must be square, got shape {Xa.shape}")
        diag = np.abs(np.diag(Xa))
        if np.any(diag > 1e-12 * max(1.0, float(np.abs(Xa).max()))):
            raise ValueError(
                "The precomputed distance matrix contains non-zero elements on the diagonal "
                f"(largest {diag.max()!r}). Use np.fill_diagonal(X, 0)."
            )
    n = Xa.shape[0]
    _, codes = np.unique(lab, return_inverse=True)
    k = int(codes.max()) + 1
    if not 2 <= k <= n - 1:
        raise ValueError(
            f"Number of labels is {k}. Valid values are 2 to n_samples - 1 (inclusive)"
        )
    onehot = np.zeros((n, k))
    onehot[np.arange(n), codes] = 1.0
    sizes = onehot.sum(axis=0)
    sums = np.empty((n, k))
    step = max(1, _CHUNK_BYTES // (8 * n))
    for start in range(0, n, step):  # blocks of rows: memory stays O(step·n)
        stop = min(start + step, n)
        if metric == "precomputed":
            D = Xa[start:stop]
        else:
            D = _sq_dists(Xa[start:stop], Xa)
            # a point's distance to itself is exactly zero; rounding in the expansion is not
            D[np.arange(stop - start), np.arange(start, stop)] = 0.0
            if metric == "euclidean":
                D = np.sqrt(D, out=D)
        sums[start:stop] = D @ onehot
    own = sizes[codes] - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        a = sums[np.arange(n), codes] / own
        means = sums / sizes[None, :]
    means[np.arange(n), codes] = np.inf
    b = means.min(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = (b - a) / np.maximum(a, b)
    return np.nan_to_num(np.where(own > 0, s, 0.0))


def silhouette_score(
    X: ArrayLike,
    labels: ArrayLike,
    *,
    metric: str = "euclidean",
    sample_size: int | None = None,
    random_state: Any = None,
) -> float:
    """Mean silhouette coefficient over all samples (or a random subset of ``sample_size``).

    See :func:`silhouette_samples` and docs/notes/clustering.md.

    Parameters
    ----------
    X, labels, metric
        As in :func:`silhouette_samples`.
    sample_size : int, optional
        Score a random subset of this many samples.
    random_state : int or Generator, optional
        Seed for the subset.

    Returns
    -------
    float
    """
    if sample_size is not None:
        Xa, lab = as_matrix(X, "X"), column(labels, "labels")
        idx = check_random_state(random_state).permutation(Xa.shape[0])[:sample_size]
        if metric == "precomputed":
            return float(np.mean(silhouette_samples(Xa[idx][:, idx], lab[idx], metric=metric)))
        return float(np.mean(silhouette_samples(Xa[idx], lab[idx], metric=metric)))
    return float(np.mean(silhouette_samples(X, labels, metric=metric)))
