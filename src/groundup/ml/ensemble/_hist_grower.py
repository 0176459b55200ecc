"""Leaf-wise (best-first) growth of one histogram gradient-boosting tree.

For a node with gradient and hessian sums G, H (per-sample g_i, h_i of the loss), the best
leaf value is the Newton step w* = -G / (H + λ) and the loss drops by ½ G²/(H + λ). A split
into L and R gains

    gain = G_L²/(H_L + λ) + G_R²/(H_R + λ) - G²/(H + λ),

read for every (feature, bin) at once from cumulative sums of the node's gradient/hessian
histograms. Histograms come from one ``np.bincount`` over (bin + width·feature) codes; only the
smaller child is counted — the larger is parent minus smaller (the subtraction trick).
See docs/notes/trees-and-ensembles.md.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..tree._builder import TreeArrays


@dataclass(frozen=True)
class HistParams:
    """Growth rules of scikit-learn's HistGradientBoosting trees."""

    max_leaf_nodes: int | None
    max_depth: int | None
    min_samples_leaf: int
    l2_regularization: float
    min_hessian_to_split: float = 1e-3


@dataclass
class _Node:
    idx: NDArray[np.intp]
    depth: int
    hist: NDArray[np.float64]  # (3, k, width): gradient, hessian, count
    split: tuple[float, int, int] | None = None  # (gain, feature, bin)
    children: tuple[int, int] | None = None


def histograms(
    codes: NDArray[np.intp],
    idx: NDArray[np.intp] | None,
    g: NDArray[np.float64],
    h: NDArray[np.float64] | None,
    width: int,
    count: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """Gradient, hessian and count histograms of the samples ``idx``, shape (3, k, width).

    ``codes[i, f] = bin(x_if) + width·f`` (intp, so bincount needs no conversion copy), so
    one bincount fills every feature's histogram. ``h=None`` means unit hessians, whose
    histogram is the count histogram; ``count`` may pass a known count histogram;
    ``idx=None`` means every sample (no gather).
    """
    k = codes.shape[1]
    if idx is None:
        c = codes.ravel()
        g_rows, h_rows = g, h
    else:
        c = codes[idx].ravel()
        g_rows, h_rows = g[idx], (None if h is None else h[idx])
    size = k * width
    out = np.empty((3, size))
    if count is None:
        out[2] = np.bincount(c, minlength=size)
    else:
        out[2] = count
    out[0] = np.bincount(c, weights=np.repeat(g_rows, k), minlength=size)
    if h_rows is None:
        out[1] = out[2]
    else:
        out[1] = np.bincount(c, weights=np.repeat(h_rows, k), minlength=size)
    return out.reshape(3, k, width)


def best_splits(
    hists: NDArray[np.float64], params: HistParams
) -> list[tuple[float, int, int] | None]:
    """(gain, feature, bin) of the best split ``bin <= b`` of each node, or None.

    ``hists`` has shape (n_nodes, 3, k, width); both children of a split are scored in one
    pass of array operations.
    """
    m, _, k, width = hists.shape
    cum = np.cumsum(hists, axis=3)
    tot = cum[:, :, :1, -1:]  # (m, 3, 1, 1): every feature's histogram sums to the node's
    GL, HL, CL = cum[:, 0, :, :-1], cum[:, 1, :, :-1], cum[:, 2, :, :-1]
    Gt, Ht, Ct = tot[:, 0], tot[:, 1], tot[:, 2]
    lam = params.l2_regularization
    msl = params.min_samples_leaf
    mh = params.min_hessian_to_split
    ok = (CL >= msl) & (CL <= Ct - msl) & (HL >= mh) & (HL <= Ht - mh)
    with np.errstate(divide="ignore", invalid="ignore"):
        gain = GL * GL
        gain /= HL + lam
        right = Gt - GL
        right *= right
        right /= (Ht + lam) - HL
        gain += right
        gain -= Gt * Gt / (Ht + lam)
    gain[~ok] = -np.inf
    flat = gain.reshape(m, -1)
    pos = np.argmax(flat, axis=1)
    out: list[tuple[float, int, int] | None] = []
    for j, p in enumerate(pos):  # one entry per node (two at most)
        best = float(flat[j, p])
        f, b = divmod(int(p), width - 1)
        out.append((best, f, b) if best > 0.0 else None)
    return out


def grow_hist_tree(
    codes: NDArray[np.intp],
    X_binned: NDArray[np.uint8],
    g: NDArray[np.float64],
    h: NDArray[np.float64] | None,
    bin_thresholds: list[NDArray[np.float64]],
    params: HistParams,
    shrinkage: float,
    width: int,
    root_count: NDArray[np.float64] | None = None,
) -> tuple[TreeArrays, list[tuple[NDArray[np.intp], float]]]:
    """Grow one tree on gradients ``g`` and hessians ``h`` (None: all ones), best leaf first.

    Returns
    -------
    tree : TreeArrays
        Flat nodes with real-valued thresholds (for raw X) and leaf values ``-ν G/(H + λ)``.
        (``root_count``: the count histogram of all samples, the same every iteration.)
    leaves : list of (indices, value)
        The training samples of each leaf and its value, to update the raw predictions.
    """
    n = X_binned.shape[0]
    lam = params.l2_regularization
    root = _Node(np.arange(n), 0, histograms(codes, None, g, h, width, root_count))
    nodes = [root]
    heap: list[tuple[float, int]] = []

    def consider(ids: list[int]) -> None:
        ready = [
            i
            for i in ids
            if nodes[i].idx.shape[0] >= 2 * params.min_samples_leaf
            and (params.max_depth is None or nodes[i].depth < params.max_depth)
        ]
        if not ready:
            return
        splits = best_splits(np.stack([nodes[i].hist for i in ready]), params)
        for i, split in zip(ready, splits):
            nodes[i].split = split
            if split is not None:
                heapq.heappush(heap, (-split[0], i))

    consider([0])
    n_leaves = 1
    max_leaves = params.max_leaf_nodes if params.max_leaf_nodes is not None else n
    while heap and n_leaves < max_leaves:
        _, i = heapq.heappop(heap)
        node = nodes[i]
        assert node.split is not None
        _, f, b = node.split
        go_left = X_binned[node.idx, f] <= b
        left_idx, right_idx = node.idx[go_left], node.idx[~go_left]
        small, large = (
            (left_idx, right_idx)
            if left_idx.size <= right_idx.size
            else (
                right_idx,
                left_idx,
            )
        )
        small_hist = histograms(codes, small, g, h, width)
        large_hist = node.hist - small_hist
        if small is left_idx:
            lh, rh = small_hist, large_hist
        else:
            lh, rh = large_hist, small_hist
        nodes.append(_Node(left_idx, node.depth + 1, lh))
        nodes.append(_Node(right_idx, node.depth + 1, rh))
        node.children = (len(nodes) - 2, len(nodes) - 1)
        node.hist = np.empty(0)  # free the parent's histogram
        n_leaves += 1
        consider([len(nodes) - 2, len(nodes) - 1])

    m = len(nodes)
    feature = np.full(m, -2, dtype=np.intp)
    threshold = np.full(m, -2.0)
    left = np.full(m, -1, dtype=np.intp)
    right = np.full(m, -1, dtype=np.intp)
    value = np.zeros((m, 1))
    depth = np.array([nd.depth for nd in nodes], dtype=np.intp)
    count = np.array([nd.idx.shape[0] for nd in nodes], dtype=np.intp)
    leaves: list[tuple[NDArray[np.intp], float]] = []
    for i, nd in enumerate(nodes):  # at most 2·max_leaf_nodes - 1 nodes
        if nd.children is not None:
            assert nd.split is not None
            _, f, b = nd.split
            feature[i], threshold[i] = f, bin_thresholds[f][b]
            left[i], right[i] = nd.children
        else:
            G, H = nd.hist[0, 0].sum(), nd.hist[1, 0].sum()
            value[i, 0] = -shrinkage * G / (H + lam + 1e-15)
            leaves.append((nd.idx, float(value[i, 0])))
    tree = TreeArrays(
        feature=feature,
        threshold=threshold,
        left=left,
        right=right,
        value=value,
        impurity=np.zeros(m),
        n_node_samples=count,
        weighted_n_node_samples=count.astype(np.float64),
        depth=depth,
        tree=np.zeros(m, dtype=np.intp),
        roots=np.zeros(1, dtype=np.intp),
    )
    return tree, leaves
