"""Dijkstra, Bellman–Ford, shortest paths and Kruskal's MST against networkx."""

import networkx as nx
import numpy as np
import pytest

from groundup.graphs import (
    Graph,
    GraphError,
    UnionFind,
    bellman_ford,
    dijkstra,
    minimum_spanning_tree,
    path_weight,
    shortest_path,
)

# (seed, nodes, edges): sparse, medium, dense, and disconnected sparse ones
SIZES = [(0, 10, 12), (1, 40, 80), (2, 60, 600), (3, 200, 150), (4, 300, 1200)]


def _assert_same_distances(ours, want):
    assert set(ours) == set(want)
    keys = list(want)
    np.testing.assert_allclose([ours[k] for k in keys], [want[k] for k in keys], rtol=1e-12)


def _assert_pred_tree_is_shortest(g, dist, pred):
    # each predecessor link is a tight edge: dist[v] = dist[u] + w(u, v)
    for v, u in pred.items():
        if u is not None:
            assert dist[v] == pytest.approx(dist[u] + g.weight(u, v), rel=1e-12)


@pytest.mark.parametrize("seed, n, m", SIZES)
@pytest.mark.parametrize("directed", [False, True])
def test_dijkstra_and_bellman_ford_equal_networkx(seed, n, m, directed, graph_pair, edge_list):
    ours, ref = graph_pair(edge_list(seed, n, m, directed), n, directed)
    for source in (0, n - 1):
        want = nx.single_source_dijkstra_path_length(ref, source)
        for algo in (dijkstra, bellman_ford):
            dist, pred = algo(ours, source)
            _assert_same_distances(dist, want)
            _assert_pred_tree_is_shortest(ours, dist, pred)


@pytest.mark.parametrize("seed, n, m", SIZES)
def test_bellman_ford_with_negative_weights_equals_networkx(seed, n, m, graph_pair, dag_edges):
    # a DAG cannot hold a cycle, so any weights are allowed
    edges = [(u, v, w - 6.0) for u, v, w in dag_edges(seed, n, m)]
    ours, ref = graph_pair(edges, n, True)
    for source in range(0, n, max(1, n // 4)):
        dist, pred = bellman_ford(ours, source)
        _assert_same_distances(dist, nx.single_source_bellman_ford_path_length(ref, source))
        _assert_pred_tree_is_shortest(ours, dist, pred)


@pytest.mark.parametrize("seed", range(6))
def test_negative_cycle_is_reported_by_name(seed, graph_pair, edge_list):
    edges = edge_list(seed, 25, 70, directed=True, low=1.0, high=5.0)
    a, b, c = (int(x) for x in np.random.default_rng(seed).choice(25, 3, replace=False))
    ours, ref = graph_pair(edges, 25, True)
    for u, v, w in ((a, b, 1.0), (b, c, 1.0), (c, a, -5.0)):  # a → b → c → a weighs −3
        ours.add_edge(u, v, w)
        ref.add_edge(u, v, weight=w)
    assert nx.negative_edge_cycle(ref)
    with pytest.raises(GraphError, match="negative cycle") as err:
        bellman_ford(ours, a)
    cycle = [int(x) for x in str(err.value).split(": ", 1)[1].split(" -> ")]
    assert cycle[0] == cycle[-1] and len(cycle) >= 2
    assert sum(ref[u][v]["weight"] for u, v in zip(cycle, cycle[1:])) < 0


@pytest.mark.parametrize("seed, n, m", SIZES)
@pytest.mark.parametrize("directed", [False, True])
def test_shortest_path_lengths_equal_networkx(seed, n, m, directed, graph_pair, edge_list):
    ours, ref = graph_pair(edge_list(seed, n, m, directed), n, directed)
    lengths = nx.single_source_dijkstra_path_length(ref, 0)
    hops = nx.single_source_shortest_path_length(ref, 0)
    for target in list(lengths)[:: max(1, len(lengths) // 10)]:
        path = shortest_path(ours, 0, target)
        assert path[0] == 0 and path[-1] == target
        assert path_weight(ours, path) == pytest.approx(lengths[target], rel=1e-12)
        assert len(shortest_path(ours, 0, target, weight=False)) - 1 == hops[target]


def test_shortest_path_uses_bellman_ford_for_negative_weights():
    g = Graph.from_edges(
        [("s", "a", 4.0), ("s", "b", 1.0), ("a", "t", -3.0), ("b", "t", 1.0)], directed=True
    )
    assert shortest_path(g, "s", "t") == ["s", "a", "t"]


@pytest.mark.parametrize("seed, n, m", SIZES)
def test_mst_weight_equals_networkx(seed, n, m, graph_pair, edge_list):
    ours, ref = graph_pair(edge_list(seed, n, m, False), n, False)
    tree = minimum_spanning_tree(ours)
    want = nx.minimum_spanning_tree(ref, algorithm="kruskal")
    assert sum(w for _, _, w in tree.edges) == pytest.approx(want.size(weight="weight"), rel=1e-12)
    # a spanning forest: same nodes, V − (number of components) edges, same components
    assert sorted(tree.nodes) == sorted(ref.nodes)
    assert tree.number_of_edges() == n - nx.number_connected_components(ref)


def test_union_find_merges_and_compresses():
    uf = UnionFind()
    for i in range(8):
        uf.add(i)
    assert uf.union(0, 1) and uf.union(2, 3) and uf.union(1, 3)
    assert not uf.union(0, 2)
    assert uf.find(0) == uf.find(3) != uf.find(4)
    root = uf.find(3)
    assert all(uf.parent[i] == root for i in (0, 1, 2, 3))  # paths compressed to the root


def test_bad_input():
    g = Graph.from_edges([(1, 2, -1.0), (2, 3, 1.0)], directed=True)
    with pytest.raises(GraphError, match="edge 1 -> 2 has weight -1.0"):
        dijkstra(g, 1)
    with pytest.raises(KeyError, match="node 9"):
        dijkstra(g, 9)
    with pytest.raises(KeyError, match="node 9"):
        bellman_ford(g, 9)
    with pytest.raises(GraphError, match="no path from 3 to 1"):
        shortest_path(g, 3, 1)
    with pytest.raises(KeyError, match="node 7"):
        shortest_path(g, 1, 7)
    with pytest.raises(GraphError, match="undirected"):
        minimum_spanning_tree(g)


def test_edge_cases_small_graphs():
    lonely = Graph.from_edges([], directed=True, nodes=["x", "y"])
    assert bellman_ford(lonely, "x") == ({"x": 0.0}, {"x": None})
    assert dijkstra(lonely, "x") == ({"x": 0.0}, {"x": None})
    assert shortest_path(lonely, "x", "x") == ["x"]
    assert minimum_spanning_tree(Graph.from_edges([], nodes=[1, 2])).number_of_edges() == 0
    loop = Graph.from_edges([("a", "b", 1.0), ("b", "b", -1.0)], directed=True)
    with pytest.raises(GraphError, match="negative cycle reachable from 'a': b -> b"):
        bellman_ford(loop, "a")


@pytest.mark.parametrize(
    "call, args",
    [
        (dijkstra, (0,)),
        (bellman_ford, (0,)),
        (shortest_path, (0, 1)),
        (path_weight, ([0, 1],)),
        (minimum_spanning_tree, ()),
    ],
)
def test_non_graph_input_is_refused(call, args):
    with pytest.raises(TypeError, match="needs a groundup Graph, got Graph"):
        call(nx.Graph(), *args)
