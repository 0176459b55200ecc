"""Level-wise CART growth: one or many trees grown together, one depth level per step.

Every node of the current depth — across every tree being grown — is split in the same
handful of array operations, so the Python loop runs over depth, never over nodes or samples.
See docs/notes/trees-and-ensembles.md.

Vocabulary
----------
sample    a row of X.
instance  one (tree, sample) occurrence with a weight; a forest grows T trees from the same X,
          so an instance array lets all of them share the presorted ranks.
pair      one (node, candidate feature) whose split positions are searched; a pair's instances
          are sorted by the feature value with a single argsort of ``pair * N + rank``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

FEATURE_THRESHOLD = 1e-7  # values closer than this are treated as equal (as scikit-learn)
EPSILON = float(np.finfo(np.float64).eps)  # a node this pure is a leaf
LEAF = -1
UNDEFINED = -2


@dataclass
class FeatureData:
    """X as the builder needs it: float32 rows, a flat transposed copy and dense ranks."""

    X: NDArray[np.float32]  # (N, k)
    XT: NDArray[np.float32]  # (k * N,) — X[s, f] lives at f * N + s
    rank: NDArray[np.int64]  # (k * N,) — dense rank of X[s, f] within column f
    order: NDArray[np.intp]  # (k, N) — samples sorted by column f

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        return int(self.X.shape[1])


def prepare_features(X: NDArray[Any]) -> FeatureData:
    """Cast X to float32 (as scikit-learn's trees do) and presort every column once.

    The dense rank r(s, f) orders samples by X[s, f] with equal values sharing a rank, so
    ``pair * N + r`` sorts any set of (pair, sample) items by pair then feature value.
    """
    X32 = np.ascontiguousarray(X, dtype=np.float32)
    n, k = X32.shape
    XT = np.ascontiguousarray(X32.T)
    order = np.argsort(XT, axis=1, kind="stable")
    sorted_vals = np.take_along_axis(XT, order, axis=1)
    steps = np.zeros((k, n), dtype=np.int64)
    steps[:, 1:] = sorted_vals[:, 1:] > sorted_vals[:, :-1]
    rank = np.empty((k, n), dtype=np.int64)
    np.put_along_axis(rank, order, np.cumsum(steps, axis=1), axis=1)
    return FeatureData(X=X32, XT=XT.ravel(), rank=rank.ravel(), order=order)


@dataclass(frozen=True)
class GrowParams:
    """Resolved stopping rules and split search options (see scikit-learn's DecisionTree)."""

    criterion: str  # "gini" | "entropy" | "squared_error"
    max_depth: int
    min_samples_split: int
    min_samples_leaf: int
    min_weight_leaf: float
    max_features: int
    splitter: str = "best"  # "best" (exact) | "random" (extremely randomised)


@dataclass
class TreeArrays:
    """A forest of binary trees stored as flat node arrays (sklearn's ``tree_`` layout).

    ``value`` holds class fractions (classification) or the weighted mean (regression) of
    each node; ``roots[t]`` is tree t's root and ``tree[i]`` the tree owning node i.
    """

    feature: NDArray[np.intp]
    threshold: NDArray[np.float64]
    left: NDArray[np.intp]
    right: NDArray[np.intp]
    value: NDArray[np.float64]
    impurity: NDArray[np.float64]
    n_node_samples: NDArray[np.intp]
    weighted_n_node_samples: NDArray[np.float64]
    depth: NDArray[np.intp]
    tree: NDArray[np.intp]
    roots: NDArray[np.intp]

    @property
    def node_count(self) -> int:
        return int(self.feature.shape[0])


def _segments(starts: NDArray[np.intp], lengths: NDArray[np.intp]) -> NDArray[np.intp]:
    """Concatenate ``arange(s, s + n)`` for every (s, n) without a Python loop."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.intp)
    ends = np.cumsum(lengths)
    offsets = np.repeat(starts - (ends - lengths), lengths)
    return offsets + np.arange(total)


def _node_impurity(criterion: str, counts: NDArray[Any], wn: NDArray[Any]) -> NDArray[np.float64]:
    """Gini 1 - Σp², entropy -Σp log2 p (from class weights), or nothing for regression."""
    p = counts / wn[:, None]
    if criterion == "gini":
        return 1.0 - np.sum(p * p, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log2(np.where(p > 0, p, 1.0)), 0.0)
    return -np.sum(plogp, axis=1)


def _proxy(
    criterion: str,
    left: NDArray[Any],
    total: NDArray[Any],
    wl: NDArray[Any],
    wr: NDArray[Any],
) -> NDArray[np.float64]:
    """Split score whose argmax is the impurity-optimal split (scikit-learn's proxy).

    gini / squared error: Σ L²/w_L + Σ R²/w_R (class weights, or weighted sums of y);
    entropy: Σ L log(L/w_L) + Σ R log(R/w_R), i.e. -(w_L H_L + w_R H_R).
    ``left`` and ``total`` are class-major, shape (n_classes or 1, n_candidates).
    """
    right = total - left
    acc_l = np.zeros(wl.shape[0])
    acc_r = np.zeros(wl.shape[0])
    for c in range(left.shape[0]):  # a loop over classes, each step over all candidates
        lc, rc = left[c], right[c]
        if criterion == "entropy":  # 0·log(tiny) = 0 for empty classes
            acc_l += lc * np.log(np.maximum(lc, 1e-300) / wl)
            acc_r += rc * np.log(np.maximum(rc, 1e-300) / wr)
        else:
            acc_l += lc * lc
            acc_r += rc * rc
    if criterion == "entropy":
        return acc_l + acc_r
    return acc_l / wl + acc_r / wr


class _Level:
    """Statistics of every node at one depth (instances grouped node by node)."""

    def __init__(
        self,
        inst: NDArray[np.intp],
        counts: NDArray[np.intp],
        tree: NDArray[np.intp],
        inst_sample: NDArray[np.intp],
        inst_w: NDArray[np.float64],
        targets: NDArray[Any],
        n_classes: int,
        criterion: str,
        order: NDArray[np.intp] | None = None,
    ) -> None:
        self.inst, self.counts, self.tree = inst, counts, tree
        # order[f] lists the level's positions sorted by (node, X[:, f]) — kept through the
        # levels by stable partitions when every feature is searched (no sorting per level)
        self.order = order
        nn = counts.shape[0]
        self.starts = np.cumsum(counts) - counts
        node_of = np.repeat(np.arange(nn), counts)
        self.s = inst_sample[inst]
        self.w = inst_w[inst]
        self.wn = np.bincount(node_of, self.w, minlength=nn)
        if n_classes:
            y = targets[inst]
            self.y = y
            tot = np.bincount(node_of * n_classes + y, self.w, minlength=nn * n_classes)
            self.total = tot.reshape(nn, n_classes)
            self.value = self.total / self.wn[:, None]
            self.impurity = _node_impurity(criterion, self.total, self.wn)
        else:
            y = targets[inst]
            self.y = y
            sy = np.bincount(node_of, self.w * y, minlength=nn)
            syy = np.bincount(node_of, self.w * y * y, minlength=nn)
            mean = sy / self.wn
            self.total = sy[:, None]
            self.value = mean[:, None]
            self.impurity = np.maximum(syy / self.wn - mean * mean, 0.0)


def _candidate_pairs(
    lv: _Level,
    nodes: NDArray[np.intp],
    data: FeatureData,
    max_features: int,
    rng: np.random.Generator,
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """(node, feature) pairs to search, following scikit-learn's feature sampling.

    A node visits features in random order and stops after ``max_features`` of them, except
    that it keeps drawing while every feature drawn so far was constant in the node. Constant
    features are dropped: they have no split.
    """
    k = data.n_features
    if max_features >= k:
        pj = np.repeat(nodes, k)
        pf = np.tile(np.arange(k), nodes.shape[0])
        return _drop_constant(lv, pj, pf, data)
    perm = np.argsort(rng.random((nodes.shape[0], k)), axis=1)
    pj = np.repeat(nodes, max_features)
    pf = perm[:, :max_features].ravel()
    pj, pf = _drop_constant(lv, pj, pf, data)
    # Nodes whose drawn features were all constant draw on until a non-constant one.
    empty = np.ones(nodes.shape[0], dtype=bool)
    empty[np.searchsorted(nodes, pj)] = False
    if empty.any():
        rows = np.flatnonzero(empty)
        rest = perm[rows, max_features:]
        ej = np.repeat(nodes[rows], k - max_features)
        ef = rest.ravel()
        kj, kf = _drop_constant(lv, ej, ef, data)
        if kj.shape[0]:
            # kept pairs stay in draw order within a node: the first one is the next drawn
            first = np.ones(kj.shape[0], dtype=bool)
            first[1:] = kj[1:] != kj[:-1]
            pj = np.concatenate([pj, kj[first]])
            pf = np.concatenate([pf, kf[first]])
            by_node = np.argsort(pj, kind="stable")  # pairs node by node, draw order kept
            pj, pf = pj[by_node], pf[by_node]
    return pj, pf


def _drop_constant(
    lv: _Level, pj: NDArray[np.intp], pf: NDArray[np.intp], data: FeatureData
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Keep the pairs whose feature is not constant within the node."""
    if pj.shape[0] == 0:
        return pj, pf
    if lv.order is not None:  # first and last of each sorted block: min and max
        M = lv.order.shape[1]
        first = lv.order.ravel()[pf * M + lv.starts[pj]]
        last = lv.order.ravel()[pf * M + lv.starts[pj] + lv.counts[pj] - 1]
        N = data.n_samples
        lo, hi = data.XT[pf * N + lv.s[first]], data.XT[pf * N + lv.s[last]]
        keep = hi > lo + np.float32(FEATURE_THRESHOLD)
        return pj[keep], pf[keep]
    n = lv.counts[pj]
    ptr = np.cumsum(n) - n
    el = _segments(lv.starts[pj], n)
    x = data.XT[np.repeat(pf, n) * data.n_samples + lv.s[el]]
    lo = np.minimum.reduceat(x, ptr)
    hi = np.maximum.reduceat(x, ptr)
    keep = hi > lo + np.float32(FEATURE_THRESHOLD)
    return pj[keep], pf[keep]


def _best_splits(
    lv: _Level,
    pj: NDArray[np.intp],
    pf: NDArray[np.intp],
    data: FeatureData,
    params: GrowParams,
    n_classes: int,
    rng: np.random.Generator,
) -> tuple[Any, ...]:
    """Best split of every node that has one.

    Returns (nodes, features, thresholds, child, lefts): ``child`` lists, for each split node
    in ascending order, the positions (into the level's instance arrays) of its left then
    right instances, and ``lefts`` how many of them go left.
    """
    N = data.n_samples
    n = lv.counts[pj]
    ptr = np.cumsum(n) - n
    if params.splitter == "best" and lv.order is not None:
        M = lv.order.shape[1]
        el = lv.order.ravel()[_segments(pf * M + lv.starts[pj], n)]
        xs = data.XT[np.repeat(pf * N, n) + lv.s[el]]
        return _exact(lv, pj, pf, n, ptr, el, xs, params, n_classes)
    pair_of = np.repeat(np.arange(pj.shape[0]), n)
    el = _segments(lv.starts[pj], n)
    f_el = np.repeat(pf, n)
    s_el = lv.s[el]
    if params.splitter == "best":
        order = np.argsort(pair_of * N + data.rank[f_el * N + s_el])
        el = el[order]
        xs = data.XT[f_el * N + s_el[order]]
        return _exact(lv, pj, pf, n, ptr, el, xs, params, n_classes)
    xs = data.XT[f_el * N + s_el]
    return _random(lv, pj, pf, n, ptr, pair_of, el, xs, params, n_classes, rng)


def _exact(
    lv: _Level,
    pj: NDArray[np.intp],
    pf: NDArray[np.intp],
    n: NDArray[np.intp],
    ptr: NDArray[np.intp],
    el: NDArray[np.intp],
    xs: NDArray[np.float32],
    params: GrowParams,
    n_classes: int,
) -> tuple[Any, ...]:
    """Cumulative-sum search over every split position of every pair at once."""
    L = el.shape[0]
    valid = np.empty(L, dtype=bool)
    np.greater(xs[1:], xs[:-1] + np.float32(FEATURE_THRESHOLD), out=valid[:-1])
    valid[ptr + n - 1] = False  # a pair's last position leaves nothing on the right
    v = np.flatnonzero(valid)
    pair_v = np.searchsorted(ptr, v, side="right") - 1
    msl = params.min_samples_leaf
    if msl > 1:
        nleft = v - ptr[pair_v] + 1
        ok = (nleft >= msl) & (n[pair_v] - nleft >= msl)
        v, pair_v = v[ok], pair_v[ok]
    # Class weights (or Σ w·y) and weights left of each valid position: cut the sequence
    # into blocks ending at valid positions, total each block with one bincount, then
    # cumulate blocks — O(L + V·C) instead of a cumulative sum over all L·C class counts.
    cut = np.zeros(L, dtype=bool)
    cut[ptr] = True
    cut[v + 1] = True
    blk = np.cumsum(cut) - 1
    nblk = int(blk[-1]) + 1
    w = lv.w[el]
    # class-major block totals (classes × blocks) so each class row is contiguous
    if n_classes:
        bs = np.bincount(lv.y[el] * nblk + blk, w, minlength=nblk * n_classes)
        bs = bs.reshape(n_classes, nblk)
    else:
        bs = np.bincount(blk, w * lv.y[el], minlength=nblk)[None, :]
    cb = np.zeros((bs.shape[0] + 1, nblk + 1))
    np.cumsum(bs, axis=1, out=cb[:-1, 1:])
    np.cumsum(np.bincount(blk, w, minlength=nblk), out=cb[-1, 1:])
    end, first = blk[v] + 1, blk[ptr[pair_v]]
    diff = cb[:, end] - cb[:, first]
    left, wl = diff[:-1], diff[-1]
    node_v = pj[pair_v]
    wr = lv.wn[node_v] - wl
    if params.min_weight_leaf > 0:
        ok = (wl >= params.min_weight_leaf) & (wr >= params.min_weight_leaf)
        v, pair_v, node_v, wl, wr = v[ok], pair_v[ok], node_v[ok], wl[ok], wr[ok]
        left = left[:, ok]
    score = _proxy(params.criterion, left, lv.total[node_v].T, wl, wr)
    best = _first_max_per_node(node_v, score)
    bv = v[best]
    bp = pair_v[best]
    lo = xs[bv].astype(np.float64)
    hi = xs[bv + 1].astype(np.float64)
    thr = lo / 2.0 + hi / 2.0
    thr = np.where((thr == hi) | ~np.isfinite(thr), lo, thr)
    lefts = bv - ptr[bp] + 1
    child = el[_segments(ptr[bp], n[bp])]
    return pj[bp], pf[bp], thr, child, lefts


def _random(
    lv: _Level,
    pj: NDArray[np.intp],
    pf: NDArray[np.intp],
    n: NDArray[np.intp],
    ptr: NDArray[np.intp],
    pair_of: NDArray[np.intp],
    el: NDArray[np.intp],
    xs: NDArray[np.float32],
    params: GrowParams,
    n_classes: int,
    rng: np.random.Generator,
) -> tuple[Any, ...]:
    """Extremely randomised trees: one uniform threshold per pair, scored by bincount."""
    P = pj.shape[0]
    lo = np.minimum.reduceat(xs, ptr).astype(np.float64)
    hi = np.maximum.reduceat(xs, ptr).astype(np.float64)
    thr = lo + (hi - lo) * rng.random(P)
    thr = np.where(thr >= hi, lo, thr)
    go_left = xs <= thr[pair_of]
    w = lv.w[el]
    nleft = np.bincount(pair_of, go_left, minlength=P).astype(np.intp)
    wl = np.bincount(pair_of, w * go_left, minlength=P)
    wr = lv.wn[pj] - wl
    msl = params.min_samples_leaf
    ok = (nleft >= msl) & (n - nleft >= msl) & (nleft > 0) & (nleft < n)
    if params.min_weight_leaf > 0:
        ok &= (wl >= params.min_weight_leaf) & (wr >= params.min_weight_leaf)
    if n_classes:
        left = np.bincount(
            pair_of * n_classes + lv.y[el], w * go_left, minlength=P * n_classes
        ).reshape(P, n_classes)
    else:
        left = np.bincount(pair_of, w * go_left * lv.y[el], minlength=P)[:, None]
    v = np.flatnonzero(ok)
    score = _proxy(params.criterion, left[v].T, lv.total[pj[v]].T, wl[v], wr[v])
    bp = v[_first_max_per_node(pj[v], score)]
    idx = _segments(ptr[bp], n[bp])
    # stable partition of each chosen pair: left instances first, in their original order
    rank_in = np.repeat(np.arange(bp.shape[0]), n[bp]) * 2 + (~go_left[idx])
    child = el[idx[np.argsort(rank_in, kind="stable")]]
    return pj[bp], pf[bp], thr[bp], child, nleft[bp]


def _first_max_per_node(node: NDArray[np.intp], score: NDArray[np.float64]) -> NDArray[np.intp]:
    """Index of the highest score of each node (the first one on ties), nodes ascending.

    ``node`` must be nondecreasing (candidates come pair by pair, pairs node by node), so
    a segmented maximum (reduceat) replaces a sort.
    """
    if node.shape[0] == 0:
        return np.zeros(0, dtype=np.intp)
    head = np.ones(node.shape[0], dtype=bool)
    head[1:] = node[1:] != node[:-1]
    starts = np.flatnonzero(head)
    seg = np.cumsum(head) - 1
    best = np.maximum.reduceat(score, starts)
    hits = np.flatnonzero(score == best[seg])
    first = np.ones(hits.shape[0], dtype=bool)
    first[1:] = seg[hits[1:]] != seg[hits[:-1]]
    return hits[first]


def _root_order(
    data: FeatureData, inst_sample: NDArray[np.intp], tree_counts: NDArray[np.intp]
) -> NDArray[np.intp]:
    """Instances sorted by (tree, X[:, f]) for every f, from the one presort of X."""
    T, N = tree_counts.shape[0], data.n_samples
    inst_of = np.full((T, N), -1, dtype=np.intp)
    inst_of[np.repeat(np.arange(T), tree_counts), inst_sample] = np.arange(inst_sample.shape[0])
    g = inst_of[:, data.order].transpose(1, 0, 2).reshape(data.n_features, T * N)
    return g[g >= 0].reshape(data.n_features, inst_sample.shape[0])


def _partition_order(
    order: NDArray[np.intp],
    child: NDArray[np.intp],
    lefts: NDArray[np.intp],
    rights: NDArray[np.intp],
) -> NDArray[np.intp]:
    """Next level's order: each row stably partitioned into left then right children.

    Within a row, a left element's new position is (left-child start) + (left elements seen
    so far in the row) - (left elements of earlier split nodes); likewise on the right —
    two cumulative sums instead of a sort.
    """
    k, M = order.shape
    M_new = child.shape[0]
    newpos = np.full(M, -1, dtype=np.intp)
    newpos[child] = np.arange(M_new)
    sizes = lefts + rights
    pref_l = np.cumsum(lefts) - lefts
    pref_r = np.cumsum(rights) - rights
    side = np.zeros(M, dtype=np.int8)  # 0: leaf, 1: left, 2: right
    off = np.zeros(M, dtype=np.intp)
    is_left = np.repeat(
        np.tile(np.array([True, False]), sizes.shape[0]), np.column_stack([lefts, rights]).ravel()
    )
    side[child] = np.where(is_left, 1, 2)
    off[child] = np.where(
        is_left, np.repeat(pref_r - 1, sizes), np.repeat(pref_l + lefts - 1, sizes)
    )
    sd = side[order]
    a = sd == 1
    b = sd == 2
    dest = np.where(a, np.cumsum(a, axis=1), np.cumsum(b, axis=1)) + off[order]
    keep = (a | b).ravel()
    # every row keeps exactly M_new entries, so the i-th kept entry lies in row i // M_new
    row_base = (np.arange(k * M_new) // M_new) * M_new
    new_order = np.empty(k * M_new, dtype=np.intp)
    new_order[dest.ravel()[keep] + row_base] = newpos[order.ravel()[keep]]
    new_order = new_order.reshape(k, M_new)
    return new_order


def grow(
    data: FeatureData,
    inst_sample: NDArray[np.intp],
    inst_w: NDArray[np.float64],
    targets: NDArray[Any],
    tree_counts: NDArray[np.intp],
    n_classes: int,
    params: GrowParams,
    rng: np.random.Generator,
) -> TreeArrays:
    """Grow ``len(tree_counts)`` trees level by level and return them as one flat array set.

    Parameters
    ----------
    data : FeatureData
        X prepared by :func:`prepare_features`.
    inst_sample, inst_w, targets : ndarray
        Per instance: its row of X, its weight (> 0) and its target (class code or value).
        Instances are grouped tree by tree.
    tree_counts : ndarray of int
        Number of instances of each tree.
    n_classes : int
        Number of classes, or 0 for regression.
    params : GrowParams
        Stopping rules and split search.
    rng : numpy.random.Generator
        Draws the feature subsets and (random splitter) thresholds.

    Returns
    -------
    TreeArrays
        Nodes numbered level by level; ``roots`` gives each tree's root.
    """
    T = tree_counts.shape[0]
    presorted = params.splitter == "best" and params.max_features >= data.n_features
    lv = _Level(
        np.arange(inst_sample.shape[0]),
        tree_counts.astype(np.intp),
        np.arange(T),
        inst_sample,
        inst_w,
        targets,
        n_classes,
        params.criterion,
        _root_order(data, inst_sample, tree_counts.astype(np.intp)) if presorted else None,
    )
    parts: list[dict[str, NDArray[Any]]] = []
    next_id = T
    depth = 0
    mss = max(params.min_samples_split, 2 * params.min_samples_leaf)
    while True:
        nn = lv.counts.shape[0]
        feat = np.full(nn, UNDEFINED, dtype=np.intp)
        thr_out = np.full(nn, float(UNDEFINED))
        left_id = np.full(nn, LEAF, dtype=np.intp)
        right_id = np.full(nn, LEAF, dtype=np.intp)
        can = (
            (depth < params.max_depth)
            & (lv.counts >= mss)
            & (lv.wn >= 2 * params.min_weight_leaf)
            & (lv.impurity > EPSILON)
        )
        nodes = np.flatnonzero(can)
        split_nodes = np.zeros(0, dtype=np.intp)
        if nodes.shape[0]:
            pj, pf = _candidate_pairs(lv, nodes, data, params.max_features, rng)
            if pj.shape[0]:
                split_nodes, sf, st, child, lefts = _best_splits(
                    lv, pj, pf, data, params, n_classes, rng
                )
        nb = split_nodes.shape[0]
        if nb:
            feat[split_nodes] = sf
            thr_out[split_nodes] = st
            left_id[split_nodes] = next_id + 2 * np.arange(nb)
            right_id[split_nodes] = next_id + 2 * np.arange(nb) + 1
        parts.append(
            dict(
                feature=feat,
                threshold=thr_out,
                left=left_id,
                right=right_id,
                value=lv.value,
                impurity=lv.impurity,
                n=lv.counts,
                wn=lv.wn,
                depth=np.full(nn, depth, dtype=np.intp),
                tree=lv.tree,
            )
        )
        if nb == 0:
            break
        rights = lv.counts[split_nodes] - lefts
        counts = np.empty(2 * nb, dtype=np.intp)
        counts[0::2], counts[1::2] = lefts, rights
        next_id += 2 * nb
        depth += 1
        lv = _Level(
            lv.inst[child],
            counts,
            np.repeat(lv.tree[split_nodes], 2),
            inst_sample,
            inst_w,
            targets,
            n_classes,
            params.criterion,
            None if lv.order is None else _partition_order(lv.order, child, lefts, rights),
        )

    def cat(key: str) -> NDArray[Any]:
        return np.concatenate([p[key] for p in parts])

    return TreeArrays(
        feature=cat("feature"),
        threshold=cat("threshold"),
        left=cat("left"),
        right=cat("right"),
        value=cat("value"),
        impurity=cat("impurity"),
        n_node_samples=cat("n"),
        weighted_n_node_samples=cat("wn"),
        depth=cat("depth"),
        tree=cat("tree"),
        roots=np.arange(T),
    )


def apply(tree: TreeArrays, X: NDArray[np.floating[Any]]) -> NDArray[np.intp]:
    """Leaf reached by every sample in every tree, shape (n_samples, n_trees).

    All (sample, tree) walkers step down one level per iteration; walkers already at a leaf
    drop out, so the loop runs over depth only.
    """
    n = X.shape[0]
    T = tree.roots.shape[0]
    node = np.tile(tree.roots, n)
    sample = np.repeat(np.arange(n), T)
    active = np.arange(n * T)
    while active.shape[0]:
        cur = node[active]
        f = tree.feature[cur]
        inner = f >= 0
        active, cur, f = active[inner], cur[inner], f[inner]
        if not active.shape[0]:
            break
        go_left = X[sample[active], f] <= tree.threshold[cur]
        node[active] = np.where(go_left, tree.left[cur], tree.right[cur])
    return node.reshape(n, T)


def feature_importances(tree: TreeArrays, n_features: int) -> NDArray[np.float64]:
    """Normalised weighted impurity decrease per feature, one row per tree (sklearn's rule).

    importance(f) ∝ Σ over nodes splitting on f of w·i - w_L·i_L - w_R·i_R.
    """
    T = tree.roots.shape[0]
    inner = np.flatnonzero(tree.feature >= 0)
    w, imp = tree.weighted_n_node_samples, tree.impurity
    lft, rgt = tree.left[inner], tree.right[inner]
    dec = w[inner] * imp[inner] - w[lft] * imp[lft] - w[rgt] * imp[rgt]
    out = (
        np.bincount(
            tree.tree[inner] * n_features + tree.feature[inner], dec, minlength=T * n_features
        )
        .reshape(T, n_features)
        .astype(np.float64)
    )
    total = out.sum(axis=1, keepdims=True)
    return np.divide(out, total, out=np.zeros_like(out), where=total > 0)
