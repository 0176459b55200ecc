"""K-means clustering (Lloyd's algorithm with k-means++ seeding) and its mini-batch variant.

See docs/notes/clustering.md.
"""

from __future__ import annotations

import numbers
import warnings
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, check_random_state, validate_data

from groundup.ml.cluster._common import check_sample_weight, sq_dists

_FEW_CENTRES = 3  # up to this many centres, distances by matrix–vector products


def kmeans_plusplus(
    X: ArrayLike,
    n_clusters: int,
    *,
    sample_weight: ArrayLike | None = None,
    random_state: Any = None,
    n_local_trials: int | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
    """Greedy k-means++ seeding: sample centres proportionally to D(x)², keep the best trial.

    The first centre is drawn with probability ∝ wᵢ; each next one draws
    ``n_local_trials`` (default 2 + ⌊ln k⌋) candidates with probability ∝ wᵢ·D(xᵢ)², where
    D is the distance to the nearest chosen centre, and keeps the candidate that lowers the
    potential Σ wᵢ D(xᵢ)² most. Same random draws as scikit-learn. See docs/notes/clustering.md.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Data.
    n_clusters : int
        Number of centres.
    sample_weight : array-like, optional
        Per-sample weights.
    random_state : int, RandomState or None
        Seed.
    n_local_trials : int, optional
        Candidates tried per centre.

    Returns
    -------
    centers : ndarray of shape (n_clusters, n_features)
    indices : ndarray of shape (n_clusters,)
    """
    Xa = np.asarray(X, dtype=np.float64)
    rs = check_random_state(random_state)
    w = check_sample_weight(sample_weight, Xa.shape[0])
    return _kmeans_pp(Xa, n_clusters, (Xa * Xa).sum(axis=1), w, rs, n_local_trials)


def _kmeans_pp(
    X: NDArray[np.float64],
    k: int,
    x_sq: NDArray[np.float64],
    w: NDArray[np.float64],
    rs: np.random.RandomState,
    n_local_trials: int | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.intp]]:
    n = X.shape[0]
    trials = 2 + int(np.log(k)) if n_local_trials is None else n_local_trials
    indices = np.full(k, -1, dtype=np.intp)
    indices[0] = rs.choice(n, p=w / w.sum())
    closest = sq_dists(X[indices[:1]], X, x_sq)[0]
    potential = closest @ w
    for c in range(1, k):  # k sequential choices; each is vectorised over samples
        targets = rs.uniform(size=trials) * potential
        cand = np.searchsorted(np.cumsum(w * closest), targets)
        np.clip(cand, None, n - 1, out=cand)
        d = np.minimum(closest, sq_dists(X[cand], X, x_sq))
        pots = d @ w
        best = int(np.argmin(pots))
        potential, closest, indices[c] = pots[best], d[best], cand[best]
    return X[indices].copy(), indices


def _assign(
    X: NDArray[np.float64], centers: NDArray[np.float64], x_sq: NDArray[np.float64]
) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """Nearest centre of each sample and the squared distance to it.

    ‖x‖² is the same for every centre, so the argmin needs only ‖μ‖² − 2x·μ (one pass over
    X); ‖x‖² is added back for the winning centre only.
    """
    k = centers.shape[0]
    if k <= _FEW_CENTRES:
        # A GEMM with one to three columns packs all of X first; k matrix–vector products
        # stream it without the copy, and a running minimum beats argmin over a short axis
        # (together ~1.7× faster at 16,000 × 50, k = 2). A strict > keeps the first of tied
        # centres, as argmin does.
        half_sq = 0.5 * (centers * centers).sum(axis=1)
        best = X @ centers[0]
        best -= half_sq[0]
        labels = np.zeros(X.shape[0], dtype=np.intp)
        for j in range(1, k):
            score = X @ centers[j]
            score -= half_sq[j]
            labels[score > best] = j
            np.maximum(best, score, out=best)
        best *= -2.0  # x·μ − ‖μ‖²/2 maximised ⇔ ‖μ‖² − 2x·μ minimised
    else:
        d = X @ centers.T
        d *= -2.0
        d += (centers * centers).sum(axis=1)[None, :]
        labels = d.argmin(axis=1)
        best = d[np.arange(X.shape[0]), labels]
    best += x_sq
    return labels, np.maximum(best, 0.0, out=best)


def _cluster_sums(
    X: NDArray[np.float64], w: NDArray[np.float64], labels: NDArray[np.intp], k: int
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Weighted sum of the points and total weight of each cluster (one pass over X)."""
    onehot = np.zeros((k, X.shape[0]))
    onehot[labels, np.arange(X.shape[0])] = w
    return onehot @ X, np.asarray(np.bincount(labels, weights=w, minlength=k), dtype=np.float64)


def _move_sums(
    X: NDArray[np.float64],
    w: NDArray[np.float64],
    sums: NDArray[np.float64],
    mass: NDArray[np.float64],
    old: NDArray[np.intp],
    new: NDArray[np.intp],
    moved: NDArray[np.intp],
) -> None:
    """Correct the cluster sums in place for the samples ``moved``, whose label went old → new."""
    delta = np.zeros((sums.shape[0], moved.size))
    cols = np.arange(moved.size)
    delta[new[moved], cols] = w[moved]
    delta[old[moved], cols] = -w[moved]
    sums += delta @ X[moved]
    mass += delta.sum(axis=1)


def _centers(
    X: NDArray[np.float64],
    w: NDArray[np.float64],
    labels: NDArray[np.intp],
    sums: NDArray[np.float64],
    mass: NDArray[np.float64],
    old: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Weighted mean of each cluster; an empty cluster takes the point farthest from its centre.

    ``sums`` and ``mass`` (per-cluster totals) are read, not changed.
    """
    empty = np.flatnonzero(mass == 0)
    if empty.size:
        sums, mass = sums.copy(), mass.copy()
        far = np.argsort(((X - old[labels]) ** 2).sum(axis=1))[::-1][: empty.size]
        for e, i in zip(empty, far):  # a few empty clusters at most
            sums[labels[i]] -= X[i] * w[i]
            mass[labels[i]] -= w[i]
            sums[e], mass[e] = X[i] * w[i], w[i]
    return sums / np.where(mass > 0, mass, 1.0)[:, None]


def _lloyd(
    X: NDArray[np.float64],
    w: NDArray[np.float64],
    centers: NDArray[np.float64],
    x_sq: NDArray[np.float64],
    max_iter: int,
    tol: float,
) -> tuple[NDArray[np.intp], float, NDArray[np.float64], int]:
    """Alternate assignment and mean steps until labels stop changing or centres move < tol.

    The per-cluster sums are carried between iterations and corrected only for the samples
    that changed cluster — after the first iterations a small fraction — so most iterations
    read X once, for the distances. When many samples move they are recomputed from scratch,
    which also bounds the rounding a chain of corrections could gather.
    """
    k = centers.shape[0]
    n = X.shape[0]
    labels_old: NDArray[np.intp] | None = None
    sums = mass = np.zeros(0)
    n_iter = 0
    for step in range(max_iter):
        n_iter = step + 1
        labels, d = _assign(X, centers, x_sq)
        moved = None if labels_old is None else np.flatnonzero(labels != labels_old)
        if moved is not None and moved.size == 0:
            # A stable partition: the centres are already its means (scikit-learn's strict
            # convergence) and d holds the distances to them — no extra pass needed.
            return labels, float(d @ w), centers, n_iter
        if moved is None or moved.size > n // 8:
            sums, mass = _cluster_sums(X, w, labels, k)
        else:
            assert labels_old is not None
            _move_sums(X, w, sums, mass, labels_old, labels, moved)
        new = _centers(X, w, labels, sums, mass, centers)
        shift = float(((new - centers) ** 2).sum())
        centers = new
        if shift <= tol:
            break
        labels_old = labels
    labels, d = _assign(X, centers, x_sq)
    return labels, float(d @ w), centers, n_iter


def _check_init(init: Any, k: int, d: int) -> str | NDArray[np.float64]:
    if isinstance(init, str):
        if init not in ("k-means++", "random"):
            raise ValueError(f"init should be 'k-means++', 'random' or an array, got {init!r}")
        return init
    if callable(init):
        raise ValueError("callable init is not supported; pass an array of centres")
    arr = np.asarray(init, dtype=np.float64)
    if arr.shape != (k, d):
        raise ValueError(
            f"The shape of the initial centers {arr.shape} does not match the number of clusters "
            f"{k} and features {d}."
        )
    return arr


def _check_common(est: Any, n_samples: int) -> None:
    k = est.n_clusters
    if not isinstance(k, numbers.Integral) or isinstance(k, bool) or k < 1:
        raise ValueError(f"n_clusters must be an integer >= 1, got {k!r}")
    if n_samples < int(k):
        raise ValueError(f"n_samples={n_samples} should be >= n_clusters={k}.")
    if not isinstance(est.max_iter, numbers.Integral) or est.max_iter < 1:
        raise ValueError(f"max_iter must be an integer >= 1, got {est.max_iter!r}")
    if not isinstance(est.tol, numbers.Real) or est.tol < 0:
        raise ValueError(f"tol must be a float >= 0, got {est.tol!r}")


class _KMeansBase(ClusterMixin, TransformerMixin, BaseEstimator):
    """predict / transform / score shared by the k-means estimators."""

    cluster_centers_: NDArray[np.float64]

    def _validate_predict(self, X: Any) -> NDArray[np.float64]:
        check_is_fitted(self)
        return validate_data(self, X, reset=False, dtype=[np.float64, np.float32])

    def predict(self, X: Any) -> NDArray[np.intp]:
        """Index of the nearest cluster centre for each sample."""
        Xa = self._validate_predict(X).astype(np.float64, copy=False)
        return _assign(Xa, self.cluster_centers_, (Xa * Xa).sum(axis=1))[0]

    def transform(self, X: Any) -> NDArray[np.float64]:
        """Euclidean distances from each sample to every cluster centre."""
        Xa = self._validate_predict(X).astype(np.float64, copy=False)
        return np.sqrt(sq_dists(Xa, self.cluster_centers_))

    def fit_transform(
        self, X: Any, y: Any = None, sample_weight: Any = None
    ) -> NDArray[np.float64]:
        """Fit, then return the distances to the centres."""
        return self.fit(X, sample_weight=sample_weight).transform(X)

    def fit_predict(self, X: Any, y: Any = None, sample_weight: Any = None) -> NDArray[np.intp]:
        """Fit, then return ``labels_``."""
        return self.fit(X, sample_weight=sample_weight).labels_

    def score(self, X: Any, y: Any = None, sample_weight: Any = None) -> float:
        """Opposite of the (weighted) inertia of X under the fitted centres."""
        Xa = self._validate_predict(X).astype(np.float64, copy=False)
        w = check_sample_weight(sample_weight, Xa.shape[0])
        _, d = _assign(Xa, self.cluster_centers_, (Xa * Xa).sum(axis=1))
        return -float(d @ w)

    def get_feature_names_out(self, input_features: Any = None) -> NDArray[Any]:
        """Output feature names: '<classname>0', '<classname>1', … (one per centre)."""
        check_is_fitted(self)
        prefix = type(self).__name__.lower()
        return np.asarray(
            [f"{prefix}{i}" for i in range(self.cluster_centers_.shape[0])], dtype=object
        )


class KMeans(_KMeansBase):
    """K-means clustering: minimise the inertia Σᵢ wᵢ ‖xᵢ − μ_{c(i)}‖² by Lloyd's algorithm.

    Alternate (1) assign each point to its nearest centre and (2) move each centre to the
    weighted mean of its points; neither step can raise the inertia, so it converges to a
    local minimum. Seeding by greedy k-means++; the best of ``n_init`` runs is kept. Data is
    centred first for accuracy and ``tol`` is relative to the mean feature variance, as in
    scikit-learn. See docs/notes/clustering.md.

    Parameters
    ----------
    n_clusters : int
        Number of clusters k.
    init : {'k-means++', 'random'} or array of shape (k, n_features)
        Seeding.
    n_init : int or 'auto'
        Runs with different seeds ('auto': 1 for k-means++/array, 10 for random).
    max_iter : int
        Maximum Lloyd iterations per run.
    tol : float
        Convergence threshold on the squared centre shift, relative to the data variance.
    random_state : int, RandomState or None
        Seed.

    Attributes
    ----------
    cluster_centers_, labels_, inertia_, n_iter_, n_features_in_
    """

    def __init__(
        self,
        n_clusters: int = 8,
        *,
        init: Any = "k-means++",
        n_init: int | str = "auto",
        max_iter: int = 300,
        tol: float = 1e-4,
        random_state: Any = None,
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.n_init = n_init
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def fit(self, X: Any, y: Any = None, sample_weight: ArrayLike | None = None) -> KMeans:
        """Run k-means ``n_init`` times and keep the lowest-inertia solution.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.
        y : ignored
        sample_weight : array-like of shape (n_samples,), optional
            Per-sample weights.

        Returns
        -------
        self
        """
        X = validate_data(self, X, dtype=[np.float64, np.float32], copy=True).astype(
            np.float64, copy=False
        )
        _check_common(self, X.shape[0])
        init = _check_init(self.init, self.n_clusters, X.shape[1])
        n_init = self.n_init
        if isinstance(n_init, str):
            if n_init != "auto":
                raise ValueError(f"n_init must be 'auto' or an integer >= 1, got {n_init!r}")
            n_init = 10 if isinstance(init, str) and init == "random" else 1
        elif not isinstance(n_init, numbers.Integral) or n_init < 1:
            raise ValueError(f"n_init must be 'auto' or an integer >= 1, got {n_init!r}")
        if not isinstance(init, str) and n_init != 1:
            warnings.warn(
                f"Explicit initial center position passed: performing only one init in KMeans "
                f"instead of n_init={n_init}.",
                RuntimeWarning,
                stacklevel=2,
            )
            n_init = 1
        w = check_sample_weight(sample_weight, X.shape[0])
        rs = check_random_state(self.random_state)
        tol = float(np.mean(np.var(X, axis=0))) * self.tol
        # centring does not change the clustering but makes ‖x‖² − 2x·μ + ‖μ‖² accurate
        mean = X.mean(axis=0)
        X -= mean
        x_sq = (X * X).sum(axis=1)
        best: tuple[Any, ...] | None = None
        for _ in range(int(n_init)):
            if isinstance(init, str) and init == "k-means++":
                centers, _ = _kmeans_pp(X, self.n_clusters, x_sq, w, rs)
            elif isinstance(init, str):
                seeds = rs.choice(X.shape[0], size=self.n_clusters, replace=False, p=w / w.sum())
                centers = X[seeds]
            else:
                centers = init - mean
            labels, inertia, centers, n_iter = _lloyd(X, w, centers, x_sq, self.max_iter, tol)
            if best is None or inertia < best[1]:
                best = (labels, inertia, centers, n_iter)
        assert best is not None
        labels, inertia, centers, n_iter = best
        found = np.unique(labels).size
        if found < self.n_clusters:
            warnings.warn(
                f"Number of distinct clusters ({found}) found smaller than n_clusters "
                f"({self.n_clusters}). Possibly due to duplicate points in X.",
                UserWarning,
                stacklevel=2,
            )
        self.cluster_centers_ = centers + mean
        self.labels_ = labels
        self.inertia_ = inertia
        self.n_iter_ = n_iter
        self._n_features_out = self.n_clusters
        return self


class MiniBatchKMeans(_KMeansBase):
    """K-means on random mini-batches: each centre moves toward its batch points at rate 1/count.

    For a batch B (drawn with probability ∝ sample weight) with assignments c(x):
    μ_c ← μ_c + Σ_{x∈B, c(x)=c} (x − μ_c) / N_c where N_c counts every point the centre
    has absorbed so far (a per-centre learning rate that decays like 1/N_c). Seeded by
    k-means++ on a random subset (best of ``n_init`` on a validation subset); stops early when
    the smoothed batch inertia stops improving.
    See docs/notes/clustering.md.

    Parameters
    ----------
    n_clusters : int
        Number of clusters.
    init : {'k-means++', 'random'} or array
        Seeding.
    max_iter : int
        Passes over the data (in batches).
    batch_size : int
        Samples per batch.
    tol : float
        Early stop when the squared centre shift per batch falls below tol·variance (0: off).
    max_no_improvement : int or None
        Early stop after this many batches without a better smoothed inertia.
    init_size : int, optional
        Samples used for seeding (default 3·batch_size, at least 3k).
    n_init : int or 'auto'
        Number of seedings compared ('auto': 1 for k-means++, 3 for random).
    reassignment_ratio : float
        A centre whose absorbed weight falls below this fraction of the largest is moved
        to a random batch point (checked every ~10·k samples, as in scikit-learn).
    random_state : int, RandomState or None
        Seed.

    Attributes
    ----------
    cluster_centers_, labels_, inertia_, n_iter_, n_steps_, n_features_in_
    """

    labels_: NDArray[np.intp]
    inertia_: float
    n_steps_: int
    _since_reassign: int
    _random_state: np.random.RandomState
    _counts: NDArray[np.float64]
    _n_features_out: int

    def __init__(
        self,
        n_clusters: int = 8,
        *,
        init: Any = "k-means++",
        max_iter: int = 100,
        batch_size: int = 1024,
        tol: float = 0.0,
        max_no_improvement: int | None = 10,
        init_size: int | None = None,
        n_init: int | str = "auto",
        reassignment_ratio: float = 0.01,
        random_state: Any = None,
    ):
        self.n_clusters = n_clusters
        self.init = init
        self.max_iter = max_iter
        self.batch_size = batch_size
        self.reassignment_ratio = reassignment_ratio
        self.tol = tol
        self.max_no_improvement = max_no_improvement
        self.init_size = init_size
        self.n_init = n_init
        self.random_state = random_state

    def _init_size(self, n: int) -> int:
        size = self.init_size if self.init_size is not None else 3 * min(self.batch_size, n)
        if size < self.n_clusters:
            size = 3 * self.n_clusters
        return int(min(size, n))

    def _one_seed(
        self, X: NDArray[np.float64], w: NDArray[np.float64], rs: np.random.RandomState, init: str
    ) -> NDArray[np.float64]:
        """One seeding, on a random subset of ``init_size`` rows when that is smaller than X."""
        n, k = X.shape[0], self.n_clusters
        size = self._init_size(n)
        sub = rs.randint(0, n, size) if size < n else np.arange(n)
        Xs, ws = X[sub], w[sub]
        if init == "k-means++":
            return _kmeans_pp(Xs, k, (Xs * Xs).sum(axis=1), ws, rs)[0]
        return Xs[rs.choice(Xs.shape[0], size=k, replace=False, p=ws / ws.sum())]

    def _seed(
        self, X: NDArray[np.float64], w: NDArray[np.float64], rs: np.random.RandomState
    ) -> NDArray[np.float64]:
        """Best of ``n_init`` seedings by inertia on a random validation subset."""
        init = _check_init(self.init, self.n_clusters, X.shape[1])
        if not isinstance(init, str):
            return init.copy()
        n_init = self.n_init
        if isinstance(n_init, str):
            if n_init != "auto":
                raise ValueError(f"n_init must be 'auto' or an integer >= 1, got {n_init!r}")
            n_init = 3 if init == "random" else 1
        elif not isinstance(n_init, numbers.Integral) or n_init < 1:
            raise ValueError(f"n_init must be 'auto' or an integer >= 1, got {n_init!r}")
        valid = rs.randint(0, X.shape[0], self._init_size(X.shape[0]))
        Xv, wv = X[valid], w[valid]
        best, best_inertia = None, np.inf
        for _ in range(int(n_init)):
            centers = self._one_seed(X, w, rs, init)
            inertia = float(_assign(Xv, centers, (Xv * Xv).sum(axis=1))[1] @ wv)
            if inertia < best_inertia:
                best, best_inertia = centers, inertia
        assert best is not None
        return best

    def _step(
        self,
        Xb: NDArray[np.float64],
        wb: NDArray[np.float64],
        centers: NDArray[np.float64],
        counts: NDArray[np.float64],
        rs: np.random.RandomState,
        reassign: bool,
    ) -> float:
        """One mini-batch update in place; returns the batch inertia (before the update)."""
        labels, d = _assign(Xb, centers, (Xb * Xb).sum(axis=1))
        k = centers.shape[0]
        onehot = np.zeros((Xb.shape[0], k))
        onehot[np.arange(Xb.shape[0]), labels] = wb
        mass = onehot.sum(axis=0)
        hit = mass > 0
        sums = onehot.T @ Xb
        # running mean of everything the centre has absorbed: (N·μ + Σ w x) / (N + Σ w)
        centers[hit] = (centers[hit] * counts[hit, None] + sums[hit]) / (counts[hit] + mass[hit])[
            :, None
        ]
        counts[hit] += mass[hit]
        if reassign and self.reassignment_ratio > 0:
            low = counts < self.reassignment_ratio * counts.max()
            if low.sum() > 0.5 * Xb.shape[0]:  # move at most half a batch of centres
                low[np.argsort(counts)[int(0.5 * Xb.shape[0]) :]] = False
            n_low = int(low.sum())
            if n_low:
                centers[low] = Xb[rs.choice(Xb.shape[0], replace=False, size=n_low)]
            # restart their counts at the smallest healthy count, not at zero
            counts[low] = np.min(counts[~low])
        return float(d @ wb)

    def _due_reassign(self, counts: NDArray[np.float64], batch: int) -> bool:
        """Reassignment runs when a centre is still empty or every ~10·k samples."""
        self._since_reassign += batch
        if (counts == 0).any() or self._since_reassign >= 10 * self.n_clusters:
            self._since_reassign = 0
            return True
        return False

    def fit(self, X: Any, y: Any = None, sample_weight: ArrayLike | None = None) -> MiniBatchKMeans:
        """Seed, then update the centres batch by batch until max_iter passes or early stop.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.
        y : ignored
        sample_weight : array-like, optional
            Per-sample weights.

        Returns
        -------
        self
        """
        X = validate_data(self, X, dtype=[np.float64, np.float32]).astype(np.float64)
        _check_common(self, X.shape[0])
        if not isinstance(self.batch_size, numbers.Integral) or self.batch_size < 1:
            raise ValueError(f"batch_size must be an integer >= 1, got {self.batch_size!r}")
        w = check_sample_weight(sample_weight, X.shape[0])
        rs = check_random_state(self.random_state)
        n = X.shape[0]
        batch = min(self.batch_size, n)
        centers = self._seed(X, w, rs)
        counts = np.zeros(self.n_clusters)
        tol = float(np.mean(np.var(X, axis=0))) * self.tol
        n_steps = (self.max_iter * n) // batch
        ewa, best_ewa, no_improve = None, np.inf, 0
        alpha = min(2.0 * batch / (n + 1), 1.0)
        step = 0
        self._since_reassign = 0
        p_draw, unit = w / w.sum(), np.ones(batch)
        for step in range(n_steps):  # a loop over batches, each one vectorised
            # batches are drawn in proportion to the weights, then count once each (sklearn ≥ 1.7)
            idx = rs.choice(n, batch, p=p_draw, replace=True)
            old = centers.copy() if tol > 0 else centers
            due = self._due_reassign(counts, batch)
            inertia = self._step(X[idx], unit, centers, counts, rs, due) / batch
            if step == 0:
                continue
            ewa = inertia if ewa is None else ewa * (1 - alpha) + inertia * alpha
            if tol > 0 and ((centers - old) ** 2).sum() <= tol:
                break
            if ewa < best_ewa:
                best_ewa, no_improve = ewa, 0
            else:
                no_improve += 1
            if self.max_no_improvement is not None and no_improve >= self.max_no_improvement:
                break
        self.cluster_centers_ = centers
        self._counts = counts
        self.n_steps_ = step + 1
        self.n_iter_ = int(np.ceil(self.n_steps_ * batch / n))
        self.labels_, d = _assign(X, centers, (X * X).sum(axis=1))
        self.inertia_ = float(d @ w)
        self._n_features_out = self.n_clusters
        return self

    def partial_fit(
        self, X: Any, y: Any = None, sample_weight: ArrayLike | None = None
    ) -> MiniBatchKMeans:
        """Update the centres with one mini-batch (seeding from it on the first call).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            One batch.
        y : ignored
        sample_weight : array-like, optional
            Per-sample weights.

        Returns
        -------
        self
        """
        first = not hasattr(self, "cluster_centers_")
        if not hasattr(self, "_random_state"):  # kept across calls, as sklearn does
            self._random_state = check_random_state(self.random_state)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=first).astype(np.float64)
        w = check_sample_weight(sample_weight, X.shape[0])
        if first:
            _check_common(self, X.shape[0])
            init = _check_init(self.init, self.n_clusters, X.shape[1])
            # the first batch is seeded once, without a validation draw (as sklearn does)
            self.cluster_centers_ = (
                init.copy()
                if not isinstance(init, str)
                else self._one_seed(X, w, self._random_state, init)
            )
            self._counts = np.zeros(self.n_clusters)
            self.n_steps_ = 0
            self._since_reassign = 0
            self._n_features_out = self.n_clusters
        due = self._due_reassign(self._counts, X.shape[0])
        self._step(X, w, self.cluster_centers_, self._counts, self._random_state, due)
        self.n_steps_ += 1
        self.labels_, d = _assign(X, self.cluster_centers_, (X * X).sum(axis=1))
        self.inertia_ = float(d @ w)
        return self
