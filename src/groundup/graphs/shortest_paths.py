"""Single-source shortest paths: Dijkstra (heap), Bellman–Ford (vectorised rounds), paths.

See docs/notes/graphs.md.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import deque

import numpy as np

from groundup.graphs.graph import Graph, GraphError, Node, check_graph

__all__ = ["bellman_ford", "dijkstra", "path_weight", "shortest_path"]


def dijkstra(g: Graph, source: Node) -> tuple[dict[Node, float], dict[Node, Node | None]]:
    """Shortest-path distances from ``source`` with non-negative weights (Dijkstra).

    Pop the closest unsettled node u from a binary heap; its distance d(u) is final because
    every other route is at least as long (weights ≥ 0); relax d(v) ← min(d(v), d(u) + w(u, v)).
    Stale heap entries are skipped lazily: O((V + E) log V). See docs/notes/graphs.md.

    Parameters
    ----------
    g : Graph
    source : node

    Returns
    -------
    dist : dict
        Distance to every node reachable from ``source``.
    pred : dict
        Predecessor on a shortest path (None for the source).

    Raises
    ------
    GraphError
        If any edge weight is negative (the message names the edge).
    """
    check_graph(g, "dijkstra")._require(source)
    for u, nbrs in g.succ.items():
        for v, w in nbrs.items():
            if w < 0:
                raise GraphError(
                    f"dijkstra needs non-negative weights, edge {u!r} -> {v!r} has weight {w!r}"
                    " (use bellman_ford)"
                )
    dist: dict[Node, float] = {source: 0.0}
    pred: dict[Node, Node | None] = {source: None}
    done: set[Node] = set()
    tie = itertools.count()  # nodes need not be comparable: break ties by insertion
    heap: list[tuple[float, int, Node]] = [(0.0, next(tie), source)]
    while heap:
        d, _, u = heapq.heappop(heap)
        if u in done:
            continue
        done.add(u)
        for v, w in g.succ[u].items():
            nd = d + w
            if v not in dist or nd < dist[v]:
                dist[v] = nd
                pred[v] = u
                heapq.heappush(heap, (nd, next(tie), v))
    return dist, pred


def bellman_ford(g: Graph, source: Node) -> tuple[dict[Node, float], dict[Node, Node | None]]:
    """Shortest-path distances from ``source`` allowing negative weights (Bellman–Ford).

    Round k sets d ← min(d, min over edges (d(u) + w(u, v))) for all edges at once (NumPy
    arrays of edge endpoints; only edges out of nodes changed in round k − 1 can help), so
    after k rounds d(v) is at most the shortest path with ≤ k edges; V − 1 rounds suffice
    without a negative cycle, and a change in round V proves one.
    Then the predecessor walk from the changed node, V steps back, lands on the cycle.
    O(V·E) array work. See docs/notes/graphs.md.

    Parameters
    ----------
    g : Graph
    source : node

    Returns
    -------
    dist : dict
        Distance to every node reachable from ``source``.
    pred : dict
        Predecessor on a shortest path (None for the source).

    Raises
    ------
    GraphError
        If a negative cycle is reachable from ``source`` (the message names it).
    """
    check_graph(g, "bellman_ford")._require(source)
    nodes = g.nodes
    index = {u: i for i, u in enumerate(nodes)}
    n = len(nodes)
    edges = g.edges
    if not g.directed:  # an undirected edge is two arcs
        edges = edges + [(v, u, w) for u, v, w in edges if u != v]
    tail = np.array([index[u] for u, _, _ in edges], dtype=np.intp)
    head = np.array([index[v] for _, v, _ in edges], dtype=np.intp)
    weight = np.array([w for _, _, w in edges], dtype=float)
    dist = np.full(n, np.inf)
    dist[index[source]] = 0.0
    pred = np.full(n, -1, dtype=np.intp)
    # only edges out of nodes that changed last round can improve anything this round
    frontier = np.zeros(n, dtype=bool)
    frontier[index[source]] = True
    changed = np.zeros(0, dtype=np.intp)
    for _ in range(n):
        live = np.flatnonzero(frontier[tail])
        if live.size == 0:
            break
        t, h = tail[live], head[live]
        cand = dist[t] + weight[live]
        # the best candidate per head node: sort by (head, candidate), keep each head's first
        order = np.lexsort((cand, h))
        first = np.ones(order.size, dtype=bool)
        first[1:] = h[order][1:] != h[order][:-1]
        best = order[first]
        improve = cand[best] < dist[h[best]]
        changed = h[best][improve]
        if changed.size == 0:
            break
        dist[changed] = cand[best][improve]
        pred[changed] = t[best][improve]
        frontier[:] = False
        frontier[changed] = True
    else:
        if changed.size:  # still improving in round V: a negative cycle
            cycle = " -> ".join(str(nodes[i]) for i in _pred_cycle(pred, changed[0], n))
            raise GraphError(f"graph has a negative cycle reachable from {source!r}: {cycle}")
    reach = np.flatnonzero(np.isfinite(dist))
    dist_out = {nodes[i]: float(dist[i]) for i in reach}
    pred_out: dict[Node, Node | None] = {
        nodes[i]: nodes[pred[i]] if pred[i] >= 0 else None for i in reach
    }
    return dist_out, pred_out


def _pred_cycle(pred: np.ndarray, start: int, n: int) -> list[int]:
    """Walk predecessors n times (onto the cycle), then once round it; return it in edge order."""
    u = int(start)
    for _ in range(n):
        u = int(pred[u])
    loop = [u]
    v = int(pred[u])
    while v != u:
        loop.append(v)
        v = int(pred[v])
    loop.reverse()  # predecessors run against the edges
    return [*loop, loop[0]]


def shortest_path(g: Graph, source: Node, target: Node, weight: bool = True) -> list[Node]:
    """The nodes of a shortest path from ``source`` to ``target``.

    ``weight=True`` minimises total weight (Dijkstra, or Bellman–Ford if any weight is
    negative); ``weight=False`` minimises the number of edges (BFS). The path is read back
    along the predecessor links. See docs/notes/graphs.md.

    Parameters
    ----------
    g : Graph
    source, target : node
    weight : bool
        Use edge weights (True) or count hops (False).

    Returns
    -------
    list
        [source, …, target].

    Raises
    ------
    GraphError
        If ``target`` is not reachable from ``source``.
    """
    check_graph(g, "shortest_path")._require(source)
    g._require(target)
    if weight:
        negative = any(w < 0 for nbrs in g.succ.values() for w in nbrs.values())
        _, pred = bellman_ford(g, source) if negative else dijkstra(g, source)
    else:
        pred = {source: None}
        queue = deque([source])
        while queue and target not in pred:
            u = queue.popleft()
            for v in g.succ[u]:
                if v not in pred:
                    pred[v] = u
                    queue.append(v)
    if target not in pred:
        raise GraphError(f"no path from {source!r} to {target!r}: {target!r} is unreachable")
    path = [target]
    while path[-1] != source:
        prev = pred[path[-1]]
        path.append(prev)
    path.reverse()
    return path


def path_weight(g: Graph, path: list[Node]) -> float:
    """Total weight Σ w(pᵢ, pᵢ₊₁) along ``path`` (summed with math.fsum, exactly rounded).

    See docs/notes/graphs.md.

    Parameters
    ----------
    g : Graph
    path : list
        Consecutive nodes must be joined by edges (KeyError naming the pair otherwise).

    Returns
    -------
    float
    """
    check_graph(g, "path_weight")
    return math.fsum(g.weight(u, v) for u, v in zip(path, path[1:]))
