"""Histograms and split search for histogram gradient boosting.

For a node with gradient and hessian sums G, H (per-sample g_i, h_i of the loss), the best
leaf value is the Newton step w* = -G / (H + λ) and the loss drops by ½ G²/(H + λ). A split
into L and R gains

    gain = G_L²/(H_L + λ) + G_R²/(H_R + λ) - G²/(H + λ),

scored for every (feature, bin) at once from prefix sums of the node's histograms: G_L at
bin b is Σ_{j ≤ b} G_j. Histograms come from one ``np.bincount`` over (bin + width·feature)
codes of the smaller child only; the larger child's histograms — and their prefix sums,
which are linear — are the parent's minus the smaller's. The winner is then re-summed bin by
bin, as scikit-learn's scan sums it, and nodes whose best candidates tie within rounding are
rescanned that way, so the tree is scikit-learn's to the last bit.
See docs/notes/trees-and-ensembles.md."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

# Scores this close (relative) may be a tie blurred by rounding: such a node is rescanned
# with scikit-learn's exact sums.
_TIE = 1e-9


@dataclass(frozen=True)
class HistParams:
    """Growth rules of scikit-learn's HistGradientBoosting trees."""

    max_leaf_nodes: int | None
    max_depth: int | None
    min_samples_leaf: int
    l2_regularization: float
    min_hessian_to_split: float = 1e-3
    n_bins: int = 256  # length of scikit-learn's per-feature histogram (max_bins + 1)


@dataclass
class Splits:
    """Best split of the batch's nodes ``node`` (those with any candidate): gain, feature,
    bin, and the left child's sums G, H and count, all as scikit-learn's scan sums them."""

    node: NDArray[np.intp]
    gain: NDArray[np.float64]
    feature: NDArray[np.intp]
    bin: NDArray[np.intp]
    G_left: NDArray[np.float64]
    H_left: NDArray[np.float64]
    n_left: NDArray[np.float64]


def histograms(
    codes: NDArray[np.intp],
    rows: NDArray[np.intp] | None,
    slot: NDArray[np.intp] | None,
    g: NDArray[np.float64],
    h: NDArray[np.float64] | None,
    raw: NDArray[np.float64],
    cum: NDArray[np.float64],
    count: NDArray[np.float64] | None = None,
) -> None:
    """Histograms of n nodes into ``raw`` and their prefix sums into ``cum``, (n, S, k, width).

    Rows of the stats axis: gradient, count and (unless ``h`` is None, unit hessians whose
    histogram is the count's) hessian; ``g``, ``h`` are the weights of ``rows`` (row i in
    node ``slot[i]``). ``codes[i, f] = bin(x_if) + width·f``, so one bincount over
    ``codes[rows] + size·slot`` fills every feature of every node, summing each bin in row
    order as scikit-learn does; ``rows=None`` means all samples in one node (no gather),
    ``count`` a known count histogram of it.
    """
    n_slots, S, k, width = raw.shape
    size = k * width
    if rows is None:
        c = codes.ravel()
    else:
        c2 = codes[rows]
        if slot is not None:
            c2 += (slot * size)[:, None]
        c = c2.ravel()
    length = n_slots * size
    shape = (n_slots, k, width)
    raw[:, 0] = np.bincount(c, g.repeat(k), minlength=length).reshape(shape)
    raw[:, 1] = (np.bincount(c, minlength=length) if count is None else count).reshape(shape)
    if h is not None:
        raw[:, 2] = np.bincount(c, h.repeat(k), minlength=length).reshape(shape)
    prefix_sums(raw, cum)


@lru_cache(maxsize=8)
def _ones_upper(size: int, strict: bool = False) -> NDArray[np.float64]:
    """U with U[i, j] = 1 for i <= j (i < j when strict): ``a @ U`` is a's prefix sums."""
    return np.triu(np.ones((size, size)), 1 if strict else 0)


def prefix_sums(a: NDArray[np.float64], out: NDArray[np.float64]) -> NDArray[np.float64]:
    """Prefix sums along the last axis, as matrix products (several times faster than
    ``np.cumsum``, whose scalar loop is bound by the latency of each addition).

    Widths up to 32 take one product with a triangular matrix of ones; wider ones (a
    multiple of 16) are cut in blocks of 16: prefix sums within each block, then each
    block shifted by the sum of the blocks before it. Integer counts stay exact; other
    sums may differ from sequential ones in the last bits. ``out``: C-contiguous, not ``a``.
    """
    width = a.shape[-1]
    if width <= 32:
        np.matmul(a.reshape(-1, width), _ones_upper(width), out=out.reshape(-1, width))
        return out
    n_blocks = width // 16
    np.matmul(a.reshape(-1, 16), _ones_upper(16), out=out.reshape(-1, 16))
    within = out.reshape(-1, n_blocks, 16)
    within += (within[:, :, -1] @ _ones_upper(n_blocks, strict=True))[:, :, None]
    return out


def node_value(G: float, H: float, lam: float) -> float:
    """Newton leaf value -G/(H + λ) (scikit-learn adds 1e-15 to the denominator)."""
    return -G / (H + lam + 1e-15)


def best_splits(
    raw: NDArray[np.float64],
    cum: NDArray[np.float64],
    G: NDArray[np.float64],
    H: NDArray[np.float64],
    value: NDArray[np.float64],
    params: HistParams,
    check_hessian: bool = True,
) -> Splits:
    """Best split ``bin <= b`` of each of m nodes, scikit-learn's choice to the last bit.

    ``raw``, ``cum``: the nodes' histograms and their prefix sums, (m, S, k, width);
    ``G``, ``H``, ``value``: each node's sums and value (0 at the root; the node's loss is
    G·value), kept as scikit-learn keeps them. A candidate (feature, bin) must leave each
    child ``min_samples_leaf`` samples and (``check_hessian``; the caller may skip it when
    every hessian·min_samples_leaf clears it) ``min_hessian_to_split`` hessian.

    Every candidate is scored from the fast prefix sums — on the compacted list when few
    remain (small nodes), else on the whole grid. The winner's sums are then recomputed
    sequentially from ``raw`` (scikit-learn's scan order), and a node whose best gains are
    within rounding of each other (two splits of equal gain, or a pure node where every
    gain is ~0) is rescanned with those exact sums, so ties and zero-gain splits go
    exactly as in scikit-learn: the first (feature, bin) of strictly largest gain.
    """
    m, S, k, width = cum.shape
    grid = k * width
    v = cum.reshape(m, S, grid)
    GL, CL, HL = v[:, 0], v[:, 1], v[:, S - 1]  # unit hessians (S = 2): H is the count
    cand = _candidates(CL, HL, H, params, S == 3 and check_hessian)
    loss = G * value
    lam = params.l2_regularization
    if 3 * np.count_nonzero(cand) >= cand.size:
        node, first, last = _best_dense(GL, HL, G, H, cand, lam)
    else:
        node, first, last = _best_compact(GL, HL, G, H, cand.ravel().nonzero()[0], lam)
    # several distinct splits within rounding of the best: rescan those nodes exactly (the
    # band's ends are the same split when it only spans empty bins of one feature)
    tie = (first // width != last // width) | (CL[node, first] != CL[node, last])
    if tie.any():
        t = node[tie]
        exact = np.cumsum(raw[t], axis=-1).reshape(t.shape[0], S, grid)
        ok = _candidates(exact[:, 1], exact[:, S - 1], H[t], params, S == 3 and check_hessian)
        with np.errstate(divide="ignore", invalid="ignore"):
            gx = _split_gains(
                exact[:, 0], exact[:, S - 1], G[t, None], H[t, None], loss[t, None], lam
            )
        np.copyto(gx, -np.inf, where=~ok)
        first[tie] = gx.argmax(axis=1)
        if not np.isfinite(gx.max(axis=1)).all():  # the exact hessians refused them all
            keep = ~tie
            keep[tie] = np.isfinite(gx.max(axis=1))
            node, first = node[keep], first[keep]
    f, b = np.divmod(first, width)
    # the winner's left sums summed sequentially, bin by bin, as scikit-learn's scan does
    sums = np.cumsum(raw[node, :, f, :], axis=-1)[np.arange(node.shape[0]), :, b]
    GLx, CLx, HLx = sums[:, 0], sums[:, 1], sums[:, S - 1]
    gain = _split_gains(GLx, HLx, G[node], H[node], loss[node], lam)
    return Splits(node, gain, f, b, GLx, HLx, CLx)


def _candidates(
    CL: NDArray[np.float64],
    HL: NDArray[np.float64],
    H: NDArray[np.float64],
    params: HistParams,
    check_hessian: bool,
) -> NDArray[np.bool_]:
    """Splits leaving each child ``min_samples_leaf`` samples (and min hessian), (m, grid).

    The last bin of each feature is scored too (it leaves the right child empty, so it is
    refused): whole rows keep every array op on contiguous memory.
    """
    msl = params.min_samples_leaf
    cand = CL >= msl
    cand &= CL <= CL[:, -1:] - msl  # the last prefix sum is the node's count
    if check_hessian:
        mh = params.min_hessian_to_split
        cand &= HL >= mh
        cand &= HL <= H[:, None] - mh
    return cand


def _best_dense(
    GL: NDArray[np.float64],
    HL: NDArray[np.float64],
    G: NDArray[np.float64],
    H: NDArray[np.float64],
    cand: NDArray[np.bool_],
    lam: float,
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """(nodes with a candidate, first and last grid position scoring within rounding of
    the best), scoring the whole (m, grid)."""
    m, grid = GL.shape
    with np.errstate(divide="ignore", invalid="ignore"):  # refused ones may divide by 0
        score = _scores(GL, HL, G[:, None], H[:, None], lam)
    np.copyto(score, -np.inf, where=~cand)
    top = score.max(axis=1, keepdims=True)
    near = score >= top * (1 - _TIE)  # scores are >= 0; -inf marks a node without any
    first = near.argmax(axis=1)
    last = first.copy()
    several = np.count_nonzero(near, axis=1) > 1
    if several.any():
        last[several] = grid - 1 - near[several, ::-1].argmax(axis=1)
    node = np.isfinite(top[:, 0]).nonzero()[0]
    return node, first[node], last[node]


def _best_compact(
    GL: NDArray[np.float64],
    HL: NDArray[np.float64],
    G: NDArray[np.float64],
    H: NDArray[np.float64],
    at: NDArray[np.intp],
    lam: float,
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.intp]]:
    """As ``_best_dense``, scoring only the candidates ``at`` (flat positions, node-major)."""
    m, grid = GL.shape
    bounds = at.searchsorted(np.arange(m + 1) * grid)  # node j's: at[bounds[j]:bounds[j+1]]
    counts = bounds[1:] - bounds[:-1]
    node = counts.nonzero()[0]
    starts, counts = bounds[node], counts[node]
    rows, pos = np.divmod(at, grid)
    # every candidate leaves H_L, H_R >= min_hessian_to_split > 0: no division by zero
    score = _scores(
        GL[rows, pos], HL[rows, pos], G[node].repeat(counts), H[node].repeat(counts), lam
    )
    if not score.shape[0]:
        return node, pos, pos
    top = np.maximum.reduceat(score, starts)
    near = (score >= (top * (1 - _TIE)).repeat(counts)).nonzero()[0]
    first = near[near.searchsorted(starts)]
    last = near[near.searchsorted(starts + counts) - 1]
    return node, pos[first], pos[last]


def _scores(
    GL: NDArray[np.float64],
    HL: NDArray[np.float64],
    G: NDArray[np.float64],
    H: NDArray[np.float64],
    lam: float,
) -> NDArray[np.float64]:
    """G_L²/(H_L + λ) + G_R²/(H_R + λ), G_R = G - G_L, H_R = H - H_L (broadcasting): the
    gain less the node's own term, to rank a node's candidates."""
    score = np.square(GL)
    score /= HL + lam if lam else HL
    right = G - GL
    np.square(right, out=right)
    right /= (H + lam) - HL
    score += right
    return score


def _split_gains(
    GL: NDArray[np.float64],
    HL: NDArray[np.float64],
    G: NDArray[np.float64],
    H: NDArray[np.float64],
    loss: NDArray[np.float64],
    lam: float,
) -> NDArray[np.float64]:
    """G_L²/(H_L + λ) + G_R²/(H_R + λ) + loss, G_R = G - G_L, H_R = H - H_L (broadcasting).

    ``loss`` is the node's -G²/(H + λ) (0 at the root, as scikit-learn's). Evaluated in
    scikit-learn's order of operations — G_L·(G_L/(H_L + λ + 1e-15)) — because where a
    split gains nothing (a pure node: all gradients equal) the result is rounding noise,
    and only the same arithmetic makes the same call.
    """
    den = HL + lam
    den += 1e-15
    gain = np.divide(GL, den, out=den)
    gain *= GL
    gain += loss
    right = G - GL
    den = np.subtract(H, HL)
    if lam:
        den += lam
    den += 1e-15
    np.divide(right, den, out=den)
    den *= right
    gain += den
    return gain


class HistPool:
    """Slots for the histograms (and prefix sums) of open leaves, reused tree after tree.

    A round's nodes take a contiguous run of slots, so they are one array view. Allocating
    fresh arrays of this size every round cost page faults: a quarter of a small fit.
    """

    def __init__(self, shape: tuple[int, int, int], capacity: int) -> None:
        self.raw = np.empty((capacity, *shape))
        self.cum = np.empty((capacity, *shape))
        self.free = [True] * capacity

    def take(self, n: int) -> int:
        """First slot of a run of ``n`` free slots (growing the pool if none is free)."""
        run = 0
        for i, is_free in enumerate(self.free):  # a few dozen slots
            run = run + 1 if is_free else 0
            if run == n:
                start = i - n + 1
                self.free[start : i + 1] = [False] * n
                return start
        start = len(self.free)
        extra = max(n, start)
        grow = np.empty((extra, *self.raw.shape[1:]))
        self.raw = np.concatenate([self.raw, grow])
        self.cum = np.concatenate([self.cum, grow])
        self.free += [False] * n + [True] * (extra - n)
        return start

    def release(self, start: int, n: int = 1) -> None:
        """Free ``n`` slots from ``start``."""
        self.free[start : start + n] = [True] * n

    def clear(self) -> None:
        """Free every slot (a new tree)."""
        self.free = [True] * len(self.free)
