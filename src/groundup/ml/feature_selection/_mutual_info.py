"""Mutual information between each feature and a discrete target.

See docs/notes/svm.md#feature-selection.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.utils.validation import check_random_state

from groundup._checks import as_matrix, check_same_length
from groundup.ml.feature_selection._special import digamma


def _knn_radius_1d(c: NDArray[Any], k: int) -> NDArray[Any]:
    """Distance from each point of a 1-D sample to its k-th nearest other point.

    In one dimension the k nearest neighbours of the point at sorted rank t lie among ranks
    t−k … t+k, so a (n, 2k) window of candidate gaps replaces a tree search.
    """
    order = np.argsort(c, kind="mergesort")
    s = c[order]
    n = len(s)
    offsets = np.concatenate([np.arange(-k, 0), np.arange(1, k + 1)])
    pos = np.arange(n)[:, None] + offsets[None, :]
    valid = (pos >= 0) & (pos < n)
    gaps = np.where(valid, np.abs(s[np.clip(pos, 0, n - 1)] - s[:, None]), np.inf)
    kth = np.partition(gaps, k - 1, axis=1)[:, k - 1]
    out = np.empty(n)
    out[order] = kth
    return out


def _count_within(s: NDArray[Any], c: NDArray[Any], r: NDArray[Any]) -> NDArray[np.intp]:
    """#{j : |s_j − cᵢ| ≤ rᵢ} for sorted s, by binary search plus an exact boundary fix-up.

    c ± r is rounded, and the k-th neighbour sits exactly one ulp outside r by construction,
    so the search bounds are nudged until the comparison |s_j − c| ≤ r itself holds.
    """
    n = len(s)
    lo = np.searchsorted(s, c - r, side="left")
    hi = np.searchsorted(s, c + r, side="right")
    for _ in range(n):  # each pass moves a bound by one element; usually 0–1 passes
        moved = False
        step = (lo > 0) & (np.abs(s[np.maximum(lo - 1, 0)] - c) <= r)
        lo -= step
        back = (lo < n) & (np.abs(s[np.minimum(lo, n - 1)] - c) > r) & (lo < hi)
        lo += back
        grow = (hi < n) & (np.abs(s[np.minimum(hi, n - 1)] - c) <= r)
        hi += grow
        shrink = (hi > 0) & (np.abs(s[np.maximum(hi - 1, 0)] - c) > r) & (hi > lo)
        hi -= shrink
        moved = bool(step.any() or back.any() or grow.any() or shrink.any())
        if not moved:
            break
    return hi - lo


def _mi_continuous_discrete(c: NDArray[Any], d: NDArray[Any], n_neighbors: int) -> float:
    """Ross (2014) kNN estimate of I(c; d) for continuous c and discrete d.

    For each point: r = distance to its k-th neighbour within its own class (k = min(n_neighbors,
    n_class − 1)), m = points of any class within r; then
    I = ψ(n) + ⟨ψ(k)⟩ − ⟨ψ(n_class)⟩ − ⟨ψ(m)⟩ over points whose class has ≥ 2 members.
    """
    n = c.shape[0]
    radius = np.empty(n)
    label_counts = np.empty(n)
    k_all = np.empty(n)
    for label in np.unique(d):  # one 1-D neighbour search per class
        mask = d == label
        count = int(mask.sum())
        if count > 1:
            k = min(n_neighbors, count - 1)
            radius[mask] = np.nextafter(_knn_radius_1d(c[mask], k), 0)
            k_all[mask] = k
        label_counts[mask] = count
    keep = label_counts > 1
    c, radius, k_all, label_counts = c[keep], radius[keep], k_all[keep], label_counts[keep]
    m_all = _count_within(np.sort(c), c, radius)
    n_kept = int(keep.sum())
    mi = (
        digamma(n_kept)
        + digamma(k_all).mean()
        - digamma(label_counts).mean()
        - digamma(m_all.astype(np.float64)).mean()
    )
    return max(0.0, float(mi))


def _mi_discrete_discrete(a: NDArray[Any], b: NDArray[Any]) -> float:
    """Plug-in I(a; b) = Σ p(a, b) log[p(a, b) / (p(a) p(b))] from the contingency table."""
    _, ia = np.unique(a, return_inverse=True)
    _, ib = np.unique(b, return_inverse=True)
    table = np.zeros((ia.max() + 1, ib.max() + 1))
    np.add.at(table, (ia, ib), 1.0)
    p = table / table.sum()
    outer = p.sum(axis=1)[:, None] * p.sum(axis=0)[None, :]
    nz = p > 0
    return max(0.0, float((p[nz] * np.log(p[nz] / outer[nz])).sum()))


def mutual_info_classif(
    X: ArrayLike,
    y: ArrayLike,
    *,
    discrete_features: Any = "auto",
    n_neighbors: int = 3,
    copy: bool = True,
    random_state: Any = None,
) -> NDArray[Any]:
    """Estimated mutual information I(xⱼ; y) (in nats) of every feature with class labels.

    Continuous features use the kNN estimator of Kraskov et al. as adapted by Ross (2014):
    each feature is scaled to unit standard deviation and jittered by 1e-10·max(1, mean|x|)
    Gaussian noise from ``random_state`` (breaking ties exactly as scikit-learn does), then
    I = ψ(n) + ⟨ψ(k)⟩ − ⟨ψ(n_y)⟩ − ⟨ψ(m)⟩. Discrete features use the contingency-table plug-in.
    See docs/notes/svm.md#feature-selection.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    discrete_features : "auto" (all continuous for dense X), bool, or mask/indices
    n_neighbors : int >= 1
    copy : bool (X is always copied here)
    random_state : int, RandomState or None

    Returns
    -------
    ndarray of shape (n_features,), non-negative
    """
    Xv = as_matrix(X, "X").copy()
    yv = np.asarray(y)
    if yv.ndim != 1 or yv.shape[0] != Xv.shape[0]:
        check_same_length(("X", Xv), ("y", np.atleast_1d(yv)))
        raise ValueError(f"y must be 1-D, got shape {yv.shape}")
    if not isinstance(n_neighbors, int | np.integer) or n_neighbors < 1:
        raise ValueError(f"n_neighbors must be an int >= 1, got {n_neighbors!r}")
    n, p = Xv.shape
    if isinstance(discrete_features, str):
        if discrete_features != "auto":
            raise ValueError(
                f"discrete_features must be 'auto', a bool or a mask, got {discrete_features!r}"
            )
        discrete = np.zeros(p, dtype=bool)
    elif isinstance(discrete_features, bool | np.bool_):
        discrete = np.full(p, bool(discrete_features))
    else:
        df = np.asarray(discrete_features)
        discrete = df if df.dtype == bool else np.isin(np.arange(p), df)
    cont = ~discrete
    rng = check_random_state(random_state)
    if cont.any():
        std = Xv[:, cont].std(axis=0)
        std[std < 10 * np.finfo(np.float64).eps] = 1.0
        Xv[:, cont] /= std
        means = np.maximum(1.0, np.abs(Xv[:, cont]).mean(axis=0))
        Xv[:, cont] += 1e-10 * means * rng.standard_normal(size=(n, int(cont.sum())))
    return np.array(
        [
            _mi_discrete_discrete(Xv[:, j], yv)
            if discrete[j]
            else _mi_continuous_discrete(Xv[:, j], yv, int(n_neighbors))
            for j in range(p)  # one estimate per feature
        ]
    )
