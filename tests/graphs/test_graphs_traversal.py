"""BFS, DFS, components and topological sort against networkx on random graphs."""

import networkx as nx
import pytest

from groundup.graphs import (
    Graph,
    GraphError,
    bfs,
    connected_components,
    dfs,
    find_cycle,
    topological_sort,
)

# (seed, nodes, edges): sparse, medium, dense, and disconnected sparse ones
SIZES = [(0, 10, 12), (1, 40, 80), (2, 60, 600), (3, 200, 150), (4, 300, 1200)]


@pytest.mark.parametrize("seed, n, m", SIZES)
@pytest.mark.parametrize("directed", [False, True])
def test_bfs_and_dfs_orders_equal_networkx(seed, n, m, directed, graph_pair, edge_list):
    ours, ref = graph_pair(edge_list(seed, n, m, directed), n, directed)
    for source in (0, n // 2, n - 1):
        # same neighbour order on both sides, so even the tie-breaking agrees
        assert bfs(ours, source) == [source] + [v for _, v in nx.bfs_edges(ref, source)]
        assert dfs(ours, source) == list(nx.dfs_preorder_nodes(ref, source))


def test_bfs_order_is_by_hop_distance(graph_pair, edge_list):
    ours, ref = graph_pair(edge_list(9, 80, 200, False), 80, False)
    hops = nx.single_source_shortest_path_length(ref, 0)
    order = bfs(ours, 0)
    assert set(order) == set(hops)
    assert [hops[v] for v in order] == sorted(hops[v] for v in order)


def test_dfs_on_a_long_path_needs_no_recursion():
    n = 50_000  # far past Python's recursion limit
    g = Graph.from_edges([(i, i + 1) for i in range(n - 1)])
    assert dfs(g, 0) == list(range(n))


@pytest.mark.parametrize("seed, n, m", SIZES)
@pytest.mark.parametrize("directed", [False, True])
def test_components_equal_networkx(seed, n, m, directed, graph_pair, edge_list):
    ours, ref = graph_pair(edge_list(seed, n, m, directed), n, directed)
    want = nx.weakly_connected_components(ref) if directed else nx.connected_components(ref)
    assert sorted(map(sorted, connected_components(ours))) == sorted(map(sorted, want))


@pytest.mark.parametrize("seed, n, m", SIZES)
def test_topological_order_is_valid(seed, n, m, graph_pair, dag_edges):
    ours, ref = graph_pair(dag_edges(seed, n, m), n, True)
    order = topological_sort(ours)
    assert sorted(order) == sorted(ref.nodes)
    position = {u: i for i, u in enumerate(order)}
    assert all(position[u] < position[v] for u, v in ref.edges)
    assert find_cycle(ours) is None


@pytest.mark.parametrize("seed", range(5))
def test_cycle_is_detected_and_named(seed, graph_pair, dag_edges):
    edges = dag_edges(seed, 30, 60)
    u, v, _ = edges[0]
    # close a cycle through the first edge: any path v ⇝ u plus u → v
    ours, ref = graph_pair(edges, 30, True)
    extra = (v, u, 1.0)
    ours.add_edge(*extra[:2])
    ref.add_edge(*extra[:2])
    with pytest.raises(GraphError, match="graph has a cycle: ") as err:
        topological_sort(ours)
    names = str(err.value).split(": ", 1)[1].split(" -> ")
    cycle = [int(x) for x in names]
    assert cycle[0] == cycle[-1] and len(cycle) >= 3
    assert all(ref.has_edge(a, b) for a, b in zip(cycle, cycle[1:]))
    assert not nx.is_directed_acyclic_graph(ref)


def test_cycle_message_format():
    g = Graph.from_edges([("a", "b"), ("b", "c"), ("c", "a"), ("x", "a")], directed=True)
    with pytest.raises(GraphError, match=r"a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c"):
        topological_sort(g)


def test_bad_input():
    g = Graph.from_edges([(1, 2)])
    with pytest.raises(KeyError, match="node 5"):
        bfs(g, 5)
    with pytest.raises(KeyError, match="node 5"):
        dfs(g, 5)
    with pytest.raises(GraphError, match="directed"):
        topological_sort(g)


def test_self_loop_is_a_cycle():
    g = Graph.from_edges([(1, 2), (2, 2)], directed=True)
    with pytest.raises(GraphError, match="cycle: 2 -> 2"):
        topological_sort(g)
    assert find_cycle(g) == [2, 2]


def test_non_graph_and_undirected_input_is_refused():
    with pytest.raises(TypeError, match="bfs needs a groundup Graph, got dict"):
        bfs({1: [2]}, 1)
    with pytest.raises(TypeError, match="dfs needs a groundup Graph"):
        dfs([], 1)
    with pytest.raises(TypeError, match="connected_components needs a groundup Graph"):
        connected_components(None)
    with pytest.raises(GraphError, match="directed graph"):
        find_cycle(Graph.from_edges([(1, 2), (2, 3), (3, 1)]))
