"""Graphs from scratch: a graph type, traversals, components, topological sort, shortest
paths (Dijkstra, Bellman–Ford) and Kruskal's minimum spanning tree.

Only NumPy and the standard library at run time; networkx is the reference in the tests.
See docs/notes/graphs.md.
"""

from groundup.graphs.graph import Graph, GraphError
from groundup.graphs.mst import UnionFind, minimum_spanning_tree
from groundup.graphs.shortest_paths import bellman_ford, dijkstra, path_weight, shortest_path
from groundup.graphs.traversal import (
    bfs,
    connected_components,
    dfs,
    find_cycle,
    topological_sort,
)

__all__ = [
    "Graph",
    "GraphError",
    "UnionFind",
    "bellman_ford",
    "bfs",
    "connected_components",
    "dfs",
    "dijkstra",
    "find_cycle",
    "minimum_spanning_tree",
    "path_weight",
    "shortest_path",
    "topological_sort",
]
