"""The graph type: adjacency dictionaries keyed by any hashable node. See docs/notes/graphs.md."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Iterator
from typing import Any

Node = Hashable
Edge = tuple[Any, Any, float]

__all__ = ["Graph", "GraphError", "Node", "check_graph"]


class GraphError(ValueError):
    """A graph does not meet an algorithm's requirements (a cycle, a negative weight, …)."""


class Graph:
    """A weighted graph, undirected by default, stored as adjacency dicts.

    ``succ[u][v]`` holds the weight of the edge u → v (both directions for an undirected
    graph); a directed graph also keeps ``pred[v][u]`` so in-edges cost O(1). Python dicts keep
    insertion order, so every traversal is deterministic: neighbours come in the order their
    edges were added (the same order networkx uses). Adding an existing edge replaces its
    weight. See docs/notes/graphs.md.

    Parameters
    ----------
    directed : bool
        Whether edges have a direction.
    """

    def __init__(self, directed: bool = False) -> None:
        self.directed = bool(directed)
        self.succ: dict[Node, dict[Node, float]] = {}
        self.pred: dict[Node, dict[Node, float]] = {} if directed else self.succ

    @classmethod
    def from_edges(
        cls, edges: Iterable[tuple[Any, ...]], directed: bool = False, nodes: Iterable[Node] = ()
    ) -> Graph:
        """Build a graph from (u, v) or (u, v, weight) tuples, plus optional isolated nodes.

        Parameters
        ----------
        edges : iterable of tuple
            Each (u, v) (weight 1) or (u, v, weight).
        directed : bool
            Whether edges have a direction.
        nodes : iterable, optional
            Nodes to add first (isolated ones included).

        Returns
        -------
        Graph
        """
        g = cls(directed=directed)
        for n in nodes:
            g.add_node(n)
        for i, e in enumerate(edges):
            if not isinstance(e, tuple) or len(e) not in (2, 3):
                raise ValueError(f"edge {i} must be (u, v) or (u, v, weight), got {e!r}")
            g.add_edge(*e)
        return g

    def add_node(self, u: Node) -> None:
        """Add node ``u`` (a no-op if present). See docs/notes/graphs.md.

        Parameters
        ----------
        u : hashable
            The node.
        """
        try:
            hash(u)
        except TypeError:
            raise TypeError(f"nodes must be hashable, got {u!r}") from None
        if u not in self.succ:
            self.succ[u] = {}
            if self.directed:
                self.pred[u] = {}

    def add_edge(self, u: Node, v: Node, weight: float = 1.0) -> None:
        """Add the edge u–v (u → v if directed), adding missing nodes; re-adding replaces w.

        Stored as succ[u][v] = w and pred[v][u] = w (one dict for an undirected graph, so
        the mirror entry succ[v][u] comes for free). See docs/notes/graphs.md.

        Parameters
        ----------
        u, v : hashable
            Endpoints.
        weight : float
            A finite weight (negative allowed; Dijkstra refuses it later).
        """
        try:
            w = float(weight)
        except (TypeError, ValueError):
            raise TypeError(
                f"weight of edge {u!r} -> {v!r} must be a number, got {weight!r}"
            ) from None
        if not math.isfinite(w):
            raise ValueError(f"weight of edge {u!r} -> {v!r} must be finite, got {weight!r}")
        self.add_node(u)
        self.add_node(v)
        self.succ[u][v] = w
        self.pred[v][u] = w  # for an undirected graph pred is succ: this is the mirror edge

    def _require(self, u: Node) -> None:
        if u not in self.succ:
            raise KeyError(f"node {u!r} is not in the graph")

    @property
    def nodes(self) -> list[Node]:
        """All nodes, in insertion order."""
        return list(self.succ)

    @property
    def edges(self) -> list[Edge]:
        """All edges as (u, v, weight); an undirected edge appears once, as first added."""
        if self.directed:
            return [(u, v, w) for u, nbrs in self.succ.items() for v, w in nbrs.items()]
        seen: set[Node] = set()
        out: list[Edge] = []
        for u, nbrs in self.succ.items():
            seen.add(u)
            out.extend((u, v, w) for v, w in nbrs.items() if v not in seen or v == u)
        return out

    def neighbors(self, u: Node) -> list[Node]:
        """The nodes adjacent to ``u`` (its successors if directed), in insertion order.

        See docs/notes/graphs.md.

        Parameters
        ----------
        u : hashable
            A node of the graph (KeyError naming it otherwise).

        Returns
        -------
        list
        """
        self._require(u)
        return list(self.succ[u])

    def predecessors(self, u: Node) -> list[Node]:
        """The nodes with an edge into ``u`` (the neighbours if undirected).

        Parameters
        ----------
        u : hashable
            A node of the graph.

        Returns
        -------
        list
        """
        self._require(u)
        return list(self.pred[u])

    def weight(self, u: Node, v: Node) -> float:
        """The weight w(u, v) of edge u–v.

        Parameters
        ----------
        u, v : hashable
            Endpoints.

        Returns
        -------
        float

        Raises
        ------
        KeyError
            Naming the missing node or the missing edge.
        """
        self._require(u)
        self._require(v)
        try:
            return self.succ[u][v]
        except KeyError:
            raise KeyError(f"no edge {u!r} -> {v!r}") from None

    def has_edge(self, u: Node, v: Node) -> bool:
        """Whether the edge u–v (u → v if directed) exists."""
        return u in self.succ and v in self.succ[u]

    def number_of_edges(self) -> int:
        """The number of edges (an undirected edge counts once)."""
        return len(self.edges)

    def __contains__(self, u: object) -> bool:
        return u in self.succ

    def __len__(self) -> int:
        return len(self.succ)

    def __iter__(self) -> Iterator[Node]:
        return iter(self.succ)

    def __repr__(self) -> str:
        kind = "directed" if self.directed else "undirected"
        return f"Graph({kind}, {len(self)} nodes, {self.number_of_edges()} edges)"


def check_graph(g: object, caller: str) -> Graph:
    """Return ``g`` if it is a :class:`Graph`, else a TypeError naming ``caller`` and the type."""
    if not isinstance(g, Graph):
        raise TypeError(f"{caller} needs a groundup Graph, got {type(g).__name__}")
    return g
