"""Leaf-wise (best-first) growth of histogram gradient-boosting trees.

Each round takes open leaves, builds their histograms and finds their best splits
(``_hist_splitter``), and splits them. Best-first order only matters when the
``max_leaf_nodes`` budget runs out. A leaf of n_W samples can make at most
⌊n_W / min_samples_leaf⌋ - 1 more splits below it; once those bounds over all open leaves fit
in the budget, every split that can happen will, so the rest of the tree grows a whole level
per round, in one batch of array operations (from the root for small data). Until then
leaves are split one at a time, best first. See docs/notes/trees-and-ensembles.md."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ..tree._builder import TreeArrays
from ._hist_splitter import HistParams, HistPool, best_splits, histograms, node_value


class _Trees:
    """Trees grown side by side: per-node lists (nodes of every tree, ``tree`` telling which)
    and the rows and pooled histograms of open leaves. The K trees of a multiclass iteration
    grow in lockstep, so each round's array operations serve all of them."""

    def __init__(
        self,
        params: HistParams,
        check_hessian: bool,
        pool: HistPool,
        g: NDArray[np.float64],
        h: NDArray[np.float64] | None,
    ) -> None:
        self.params = params
        self.check_hessian = check_hessian
        self.pool = pool
        self.g, self.h = g, h  # (n, K): tree k fits column k
        self.tree: list[int] = []
        self.depth: list[int] = []
        self.count: list[int] = []
        self.G: list[float] = []
        self.H: list[float] = []
        self.value: list[float] = []
        self.feature: list[int] = []
        self.bin: list[int] = []
        self.gain: list[float] = []
        self.G_left: list[float] = []
        self.H_left: list[float] = []
        self.n_left: list[int] = []
        self.left: list[int] = []
        self.right: list[int] = []
        self.rows: dict[int, NDArray[np.intp]] = {}
        self.slot: dict[int, int] = {}  # open leaf -> its histograms' slot in the pool

    def add(
        self,
        tree: int,
        depth: int,
        count: int,
        G: float,
        H: float,
        value: float,
        rows: NDArray[np.intp],
    ) -> int:
        """A new leaf of tree ``tree`` with sums G, H and (unshrunk) value; returns its id."""
        for lst in (self.G_left, self.H_left, self.gain):
            lst.append(0.0)
        for ilst in (self.feature, self.bin, self.n_left, self.left, self.right):
            ilst.append(-1)
        self.tree.append(tree)
        self.depth.append(depth)
        self.count.append(count)
        self.G.append(G)
        self.H.append(H)
        self.value.append(value)
        i = len(self.depth) - 1
        self.rows[i] = rows
        return i

    def splittable(self, i: int) -> bool:
        """Enough samples for two children, and above the depth limit."""
        p = self.params
        return self.count[i] >= 2 * p.min_samples_leaf and (
            p.max_depth is None or self.depth[i] < p.max_depth
        )

    def max_splits(self, i: int) -> int:
        """An upper bound on the splits the subtree of leaf i can still make."""
        p = self.params
        cap = self.count[i] // p.min_samples_leaf
        if p.max_depth is not None:
            cap = min(cap, 2 ** (p.max_depth - self.depth[i]))
        return cap - 1

    def set_splits(self, ids: list[int], start: int) -> list[int]:
        """Record the best split of the leaves ``ids``, whose histograms fill the pool's
        slots from ``start`` on; returns those with a positive gain (the others' slots are
        freed)."""
        end = start + len(ids)
        s = best_splits(
            self.pool.raw[start:end],
            self.pool.cum[start:end],
            np.array([self.G[i] for i in ids]),
            np.array([self.H[i] for i in ids]),
            np.array([self.value[i] for i in ids]),
            self.params,
            self.check_hessian,
        )
        found, has = [], [False] * len(ids)
        for j, gain, f, b, Gl, Hl, nl in zip(
            s.node.tolist(),
            s.gain.tolist(),
            s.feature.tolist(),
            s.bin.tolist(),
            s.G_left.tolist(),
            s.H_left.tolist(),
            s.n_left.tolist(),
        ):  # bookkeeping per node, at most 2·max_leaf_nodes - 1 per tree
            if gain > 0.0:
                i = ids[j]
                self.gain[i], self.feature[i], self.bin[i] = gain, f, b
                self.G_left[i], self.H_left[i], self.n_left[i] = Gl, Hl, int(nl)
                self.slot[i] = start + j
                found.append(i)
                has[j] = True
        for j in range(len(ids)):
            if not has[j]:
                self.pool.release(start + j)
        return found

    def weights(
        self, rows: NDArray[np.intp], tree: NDArray[np.intp] | int
    ) -> tuple[NDArray[np.float64], NDArray[np.float64] | None]:
        """g and h of samples ``rows`` for the trees ``tree`` (one per row, or one for all)."""
        h = None if self.h is None else self.h[rows, tree]
        return self.g[rows, tree], h

    def grow_roots(
        self, codes: NDArray[np.intp], root_count: NDArray[np.float64] | None
    ) -> list[int]:
        """One root per tree, holding every sample; returns the roots with a split."""
        n, K = self.g.shape
        bins0 = codes[:, 0]  # feature 0's bins (its codes carry no offset)
        p = self.params
        roots = []
        for k in range(K):
            # the root's sums as scikit-learn takes them, from feature 0's histogram; its
            # value is 0
            G0 = float(np.bincount(bins0, self.g[:, k], minlength=p.n_bins).sum())
            H0 = float(n)
            if self.h is not None:
                H0 = float(np.bincount(bins0, self.h[:, k], minlength=p.n_bins).sum())
            root = self.add(k, 0, n, G0, H0, 0.0, np.arange(n))
            if self.splittable(root) and H0 >= p.min_hessian_to_split:
                roots.append(root)
        if not roots:
            return []
        start = self.pool.take(len(roots))
        for j, root in enumerate(roots):  # every sample, no gather: one root at a time
            g, h = (
                self.g[:, self.tree[root]],
                None if self.h is None else self.h[:, self.tree[root]],
            )
            s = slice(start + j, start + j + 1)
            histograms(codes, None, None, g, h, self.pool.raw[s], self.pool.cum[s], root_count)
        return self.set_splits(roots, start)

    def split(self, batch: list[int], XbT: NDArray[np.uint8]) -> None:
        """Split every leaf of ``batch`` at its recorded split (rows routed in one pass)."""
        if len(batch) == 1:
            rows = self.rows.pop(batch[0])
            go_right = XbT[self.feature[batch[0]]][rows] > self.bin[batch[0]]
            lefts, rights = rows[~go_right], rows[go_right]
        else:
            parts = [self.rows.pop(i) for i in batch]
            all_rows = np.concatenate(parts)
            node_of = np.arange(len(batch)).repeat([r.shape[0] for r in parts])
            F = np.array([self.feature[i] for i in batch])[node_of]
            B = np.array([self.bin[i] for i in batch])[node_of]
            go_right = XbT[F, all_rows] > B
            lefts, rights = all_rows[~go_right], all_rows[go_right]
        a = b = 0
        lam = self.params.l2_regularization
        for i in batch:  # children's sums come from the split's prefix sums
            nl, nr = self.n_left[i], self.count[i] - self.n_left[i]
            Gl, Hl = self.G_left[i], self.H_left[i]
            Gr, Hr = self.G[i] - Gl, self.H[i] - Hl
            k, d = self.tree[i], self.depth[i] + 1
            self.left[i] = self.add(k, d, nl, Gl, Hl, node_value(Gl, Hl, lam), lefts[a : a + nl])
            self.right[i] = self.add(k, d, nr, Gr, Hr, node_value(Gr, Hr, lam), rights[b : b + nr])
            a, b = a + nl, b + nr

    def evaluate_children(self, batch: list[int], codes: NDArray[np.intp]) -> list[int]:
        """Best splits of the new children of ``batch``; returns those with a positive gain.

        One bincount counts every smaller child (of every tree); each larger child's
        histograms (and their prefix sums, which are linear) are its parent's minus its
        sibling's.
        """
        pairs = []
        for i in batch:
            lt, rt = self.left[i], self.right[i]
            if self.splittable(lt) or self.splittable(rt):
                pairs.append((i, lt, rt) if self.count[lt] < self.count[rt] else (i, rt, lt))
        if not pairs:
            return []
        # one run of slots: [smaller children that stay leaves | smaller that may split |
        # larger that may split], so the ones to evaluate are one view
        pairs.sort(key=lambda pair: self.splittable(pair[1]))
        n_leafy = sum(not self.splittable(small) for _, small, _ in pairs)
        larges = [(j, p, lg) for j, (p, _, lg) in enumerate(pairs) if self.splittable(lg)]
        q = len(pairs)
        pool = self.pool
        start = pool.take(q + len(larges))
        if q == 1:
            rows, slot = self.rows[pairs[0][1]], None
            g, h = self.weights(rows, self.tree[pairs[0][1]])
        else:
            parts = [self.rows[small] for _, small, _ in pairs]
            rows = np.concatenate(parts)
            sizes = [r.shape[0] for r in parts]
            slot = np.arange(q).repeat(sizes)
            g, h = self.weights(rows, np.array([self.tree[s] for _, s, _ in pairs]).repeat(sizes))
        histograms(
            codes, rows, slot, g, h, pool.raw[start : start + q], pool.cum[start : start + q]
        )
        for j, (small_j, parent, _) in enumerate(larges):
            a, b = self.slot[parent], start + small_j
            np.subtract(pool.raw[a], pool.raw[b], out=pool.raw[start + q + j])
            np.subtract(pool.cum[a], pool.cum[b], out=pool.cum[start + q + j])
        for parent, _, _ in pairs:
            pool.release(self.slot.pop(parent))
        pool.release(start, n_leafy)
        ids = [small for _, small, _ in pairs[n_leafy:]] + [lg for *_, lg in larges]
        return self.set_splits(ids, start + n_leafy)


def _next_batch(open_: list[int], t: _Trees, budget: int) -> list[int]:
    """The open leaves of one tree to split now: all of them when the ``budget`` of splits
    cannot run out (then every split that can happen will, in any order), else the best one.

    Splitting a leaf early is not enough to be safe when the budget binds: its children
    would compete, too early, with leaves that best-first order pops before it.
    """
    if sum(t.max_splits(i) for i in open_) <= budget:
        return open_
    return [min(open_, key=lambda i: (-t.gain[i], i))]


def grow_hist_trees(
    codes: NDArray[np.intp],
    XbT: NDArray[np.uint8],
    g: NDArray[np.float64],
    h: NDArray[np.float64] | None,
    bin_thresholds: list[NDArray[np.float64]],
    params: HistParams,
    shrinkage: float,
    pool: HistPool,
    root_count: NDArray[np.float64] | None = None,
) -> list[tuple[TreeArrays, NDArray[np.uint8], NDArray[np.intp], NDArray[np.float64]]]:
    """Grow one tree per column of gradients ``g`` (hessians ``h``; None: all ones), each
    best leaf first, all in lockstep.

    Parameters
    ----------
    codes : (n, k) intp, ``bin + width·feature`` of every training sample.
    XbT : (k, n) uint8, the bins feature by feature (to route samples at a split).
    g, h : (n, K) per-sample gradients and hessians of the K trees (h None: unit hessians).
    bin_thresholds, params, shrinkage : the binning, growth rules, ν.
    pool : storage for the histograms, (S, k, width) per slot (S = 2 when h is None).
    root_count : the count histogram of all samples (the same every iteration).

    Returns
    -------
    list, per tree, of
        tree : TreeArrays with real-valued thresholds (for raw X) and leaf values
            ``-ν G/(H + λ)``;
        bins : (n_nodes,) uint8, the split bin of every inner node (x goes left when
            bin(x) <= bins[node]);
        rows, values : training samples in leaf order and the value of the leaf each reached.
    """
    n, K = g.shape
    # a child of >= min_samples_leaf samples clears min_hessian_to_split whenever every
    # hessian does on that many samples: then the hessian test can be skipped
    mh, msl = params.min_hessian_to_split, params.min_samples_leaf
    pool.clear()
    t = _Trees(params, h is not None and float(h.min()) * msl < mh, pool, g, h)
    open_: list[list[int]] = [[] for _ in range(K)]  # per tree, leaves waiting to be split
    for root in t.grow_roots(codes, root_count):
        open_[t.tree[root]].append(root)
    max_leaves = params.max_leaf_nodes if params.max_leaf_nodes is not None else n
    n_leaves = [1] * K
    while True:
        batch: list[int] = []
        for k in range(K):
            if open_[k] and n_leaves[k] < max_leaves:
                chosen = _next_batch(open_[k], t, max_leaves - n_leaves[k])
                open_[k] = [] if chosen is open_[k] else [i for i in open_[k] if i != chosen[0]]
                n_leaves[k] += len(chosen)
                batch += chosen
        if not batch:
            break
        t.split(batch, XbT)
        # a tree at its budget keeps its new children as leaves: no histograms for them
        grow = [i for i in batch if n_leaves[t.tree[i]] < max_leaves]
        if grow:
            for i in t.evaluate_children(grow, codes):
                open_[t.tree[i]].append(i)
    return [_finish(t, k, bin_thresholds, shrinkage) for k in range(K)]


def _finish(
    t: _Trees, k: int, bin_thresholds: list[NDArray[np.float64]], shrinkage: float
) -> tuple[TreeArrays, NDArray[np.uint8], NDArray[np.intp], NDArray[np.float64]]:
    """Flat arrays of tree ``k``, and each training sample's leaf value."""
    ids = np.flatnonzero(np.array(t.tree) == k)
    m = ids.shape[0]
    local = np.full(len(t.tree), -1, dtype=np.intp)
    local[ids] = np.arange(m)
    left_global = np.array(t.left, dtype=np.intp)[ids]
    inner = left_global >= 0
    left = np.where(inner, local[left_global], -1)
    right = np.where(inner, local[np.array(t.right, dtype=np.intp)[ids]], -1)
    feature = np.where(inner, np.array(t.feature, dtype=np.intp)[ids], -2)
    bins = np.where(inner, np.array(t.bin)[ids], 0).astype(np.uint8)
    threshold = np.full(m, -2.0)
    threshold[inner] = [bin_thresholds[f][b] for f, b in zip(feature[inner], bins[inner])]
    count = np.array(t.count, dtype=np.intp)[ids]
    # scikit-learn's root has value 0, so a tree that cannot split predicts 0 (its G is ~0
    # at the baseline anyway; a rounding-sized value would flip ties of predict)
    value = np.where(inner, 0.0, np.array(t.value)[ids] * shrinkage)
    leaf_ids = ids[~inner]
    rows = np.concatenate([t.rows[i] for i in leaf_ids.tolist()])
    values = np.repeat(value[~inner], count[~inner])
    tree = TreeArrays(
        feature=feature,
        threshold=threshold,
        left=left,
        right=right,
        value=value[:, None],
        impurity=np.zeros(m),
        n_node_samples=count,
        weighted_n_node_samples=count.astype(np.float64),
        depth=np.array(t.depth, dtype=np.intp)[ids],
        tree=np.zeros(m, dtype=np.intp),
        roots=np.zeros(1, dtype=np.intp),
    )
    return tree, bins, rows, values
