"""Breadth- and depth-first search, connected components, topological sort.

All iterative (no recursion limit), O(V + E). See docs/notes/graphs.md.
"""

from __future__ import annotations

from collections import deque

from groundup.graphs.graph import Graph, GraphError, Node, check_graph

__all__ = ["bfs", "connected_components", "dfs", "find_cycle", "topological_sort"]


def bfs(g: Graph, source: Node) -> list[Node]:
    """Nodes reachable from ``source`` in breadth-first order.

    A FIFO queue visits nodes by increasing hop distance from the source; each node is marked
    when first discovered, so it is enqueued once: O(V + E). Neighbours are taken in insertion
    order. See docs/notes/graphs.md.

    Parameters
    ----------
    g : Graph
    source : node

    Returns
    -------
    list
        Visit order, starting with ``source``.
    """
    check_graph(g, "bfs")._require(source)
    order = [source]
    seen = {source}
    queue = deque([source])
    while queue:
        u = queue.popleft()
        for v in g.succ[u]:
            if v not in seen:
                seen.add(v)
                order.append(v)
                queue.append(v)
    return order


def dfs(g: Graph, source: Node) -> list[Node]:
    """Nodes reachable from ``source`` in depth-first preorder, without recursion.

    A stack of neighbour iterators mirrors the call stack of the recursive algorithm, so the
    order is exactly the recursive preorder (first unvisited neighbour first), at any depth.
    See docs/notes/graphs.md.

    Parameters
    ----------
    g : Graph
    source : node

    Returns
    -------
    list
        Preorder, starting with ``source``.
    """
    check_graph(g, "dfs")._require(source)
    order = [source]
    seen = {source}
    stack = [iter(g.succ[source])]
    while stack:
        for v in stack[-1]:
            if v not in seen:
                seen.add(v)
                order.append(v)
                stack.append(iter(g.succ[v]))
                break
        else:  # this node's neighbours are exhausted: return to its parent
            stack.pop()
    return order


def connected_components(g: Graph) -> list[set[Node]]:
    """The connected components (weakly connected ones for a directed graph).

    BFS from each not-yet-seen node over edges in both directions. See docs/notes/graphs.md.

    Parameters
    ----------
    g : Graph

    Returns
    -------
    list of set
        One set per component, in order of each component's first node.
    """
    check_graph(g, "connected_components")
    seen: set[Node] = set()
    components = []
    for start in g.succ:
        if start in seen:
            continue
        comp = {start}
        queue = deque([start])
        while queue:
            u = queue.popleft()
            for v in (*g.succ[u], *g.pred[u]) if g.directed else g.succ[u]:
                if v not in comp:
                    comp.add(v)
                    queue.append(v)
        seen |= comp
        components.append(comp)
    return components


def find_cycle(g: Graph, among: set[Node] | None = None) -> list[Node] | None:
    """One directed cycle as [a, b, …, a], or None if the (sub)graph is acyclic.

    Every node left over by Kahn's algorithm has a predecessor that is also left over, so
    walking predecessors inside that set must revisit a node; the walk from that node back to
    itself, reversed, is a cycle. With ``among=None`` Kahn is run first.
    See docs/notes/graphs.md.

    Parameters
    ----------
    g : Graph
        A directed graph.
    among : set, optional
        Nodes each having a predecessor inside the set (what Kahn leaves behind).

    Returns
    -------
    list or None

    Raises
    ------
    GraphError
        If ``g`` is undirected.
    """
    if not check_graph(g, "find_cycle").directed:
        raise GraphError("find_cycle looks for directed cycles: it needs a directed graph")
    if among is None:
        order, rest = _kahn(g)
        if not rest:
            return None
        among = rest
    u = next(iter(among))
    position: dict[Node, int] = {}
    walk: list[Node] = []
    while u not in position:
        position[u] = len(walk)
        walk.append(u)
        u = next(p for p in g.pred[u] if p in among)
    loop = walk[position[u] :]  # u ← … each step went to a predecessor
    loop.reverse()
    return [*loop, loop[0]]


def _kahn(g: Graph) -> tuple[list[Node], set[Node]]:
    """Kahn's algorithm: (order of the acyclic part, nodes left on or behind cycles)."""
    indegree = {u: len(g.pred[u]) for u in g.succ}
    queue = deque(u for u, d in indegree.items() if d == 0)
    order = []
    while queue:
        u = queue.popleft()
        order.append(u)
        for v in g.succ[u]:
            indegree[v] -= 1
            if indegree[v] == 0:
                queue.append(v)
    rest = {u for u, d in indegree.items() if d > 0}
    return order, rest


def topological_sort(g: Graph) -> list[Node]:
    """A topological order of a directed acyclic graph (Kahn's algorithm).

    Repeatedly output a node with no remaining in-edges and delete its out-edges; every edge
    u → v then has u before v. If nodes remain, they contain a cycle, reported by name.
    See docs/notes/graphs.md.

    Parameters
    ----------
    g : Graph
        A directed graph.

    Returns
    -------
    list
        All nodes, each edge pointing forward.

    Raises
    ------
    GraphError
        If the graph is undirected or has a cycle (the message names one, "a -> b -> a").
    """
    if not check_graph(g, "topological_sort").directed:
        raise GraphError("topological_sort needs a directed graph")
    order, rest = _kahn(g)
    if rest:
        cycle = find_cycle(g, rest)
        assert cycle is not None
        raise GraphError("graph has a cycle: " + " -> ".join(str(u) for u in cycle))
    return order
