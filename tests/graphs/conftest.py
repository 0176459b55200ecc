"""Fixtures: random weighted graphs built identically in groundup and networkx (same edge
insertion order, so both iterate neighbours in the same order and even ties agree)."""

import networkx as nx
import numpy as np
import pytest

from groundup.graphs import Graph


def random_edges(seed: int, n: int, m: int, directed: bool, low: float = 0.5, high: float = 10.0):
    gen = np.random.default_rng(seed)
    pairs: dict = {}
    while len(pairs) < m:
        u, v = (int(t) for t in gen.integers(0, n, 2))
        if u == v:
            continue
        key = (u, v) if directed else (min(u, v), max(u, v))
        if key not in pairs:
            pairs[key] = (u, v, float(np.round(gen.uniform(low, high), 3)))
    return list(pairs.values())


def build_pair(edges, n: int, directed: bool):
    ours = Graph.from_edges(edges, directed=directed, nodes=range(n))
    ref = nx.DiGraph() if directed else nx.Graph()
    ref.add_nodes_from(range(n))
    ref.add_weighted_edges_from(edges)
    return ours, ref


def random_dag(seed: int, n: int, m: int):
    """Edges u → v only from lower to higher rank under a random permutation."""
    gen = np.random.default_rng(seed)
    rank = gen.permutation(n)
    edges = [(u, v, w) for u, v, w in random_edges(seed, n, m, directed=False)]
    return [(u, v, w) if rank[u] < rank[v] else (v, u, w) for u, v, w in edges]


@pytest.fixture
def edge_list():
    """random_edges(seed, n, m, directed, low=0.5, high=10.0) -> [(u, v, w), ...]."""
    return random_edges


@pytest.fixture
def dag_edges():
    """random_dag(seed, n, m) -> edges of a random DAG."""
    return random_dag


@pytest.fixture
def graph_pair():
    """build_pair(edges, n, directed) -> (groundup Graph, networkx graph)."""
    return build_pair
