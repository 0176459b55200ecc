"""Minimum spanning tree by Kruskal's algorithm with a union–find. See docs/notes/graphs.md."""

from __future__ import annotations

from groundup.graphs.graph import Graph, GraphError, Node, check_graph

__all__ = ["UnionFind", "minimum_spanning_tree"]


class UnionFind:
    """Disjoint sets with path compression and union by rank.

    ``find`` returns a set's root, pointing every node it passes straight at the root; ``union``
    hangs the shallower tree under the deeper. Together: amortised O(α(n)) per operation,
    where α is the inverse Ackermann function (≤ 4 for any real n). See docs/notes/graphs.md.
    """

    def __init__(self) -> None:
        self.parent: dict[Node, Node] = {}
        self.rank: dict[Node, int] = {}

    def add(self, x: Node) -> None:
        """Make ``x`` a singleton set (a no-op if already present)."""
        if x not in self.parent:
            self.parent[x] = x
            self.rank[x] = 0

    def find(self, x: Node) -> Node:
        """The root of ``x``'s set; compresses the path (iteratively: no recursion limit)."""
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: Node, b: Node) -> bool:
        """Merge the sets of ``a`` and ``b``; False if they were already one set."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if self.rank[ra] < self.rank[rb]:
            ra, rb = rb, ra
        self.parent[rb] = ra
        if self.rank[ra] == self.rank[rb]:
            self.rank[ra] += 1
        return True


def minimum_spanning_tree(g: Graph) -> Graph:
    """A minimum spanning tree (a forest if ``g`` is disconnected) by Kruskal's algorithm.

    Scan edges by increasing weight and keep each one that joins two different components
    (the cut property makes it safe); a union–find answers "same component?" in near-constant
    time, so sorting dominates: O(E log E). Ties keep insertion order. See docs/notes/graphs.md.

    Parameters
    ----------
    g : Graph
        An undirected graph.

    Returns
    -------
    Graph
        Undirected, with every node of ``g`` and the chosen edges.

    Raises
    ------
    GraphError
        If ``g`` is directed.
    """
    if check_graph(g, "minimum_spanning_tree").directed:
        raise GraphError("minimum_spanning_tree needs an undirected graph (got a directed one)")
    sets = UnionFind()
    tree = Graph(directed=False)
    for u in g.nodes:
        sets.add(u)
        tree.add_node(u)
    for u, v, w in sorted(g.edges, key=lambda e: e[2]):
        if sets.union(u, v):
            tree.add_edge(u, v, w)
    return tree
