"""Parity on real graphs bundled with networkx (Les Misérables co-occurrences, karate club)."""

import networkx as nx
import pytest

from groundup.graphs import (
    Graph,
    bellman_ford,
    bfs,
    connected_components,
    dfs,
    dijkstra,
    minimum_spanning_tree,
    path_weight,
    shortest_path,
)


def _ours(ref: nx.Graph) -> Graph:
    return Graph.from_edges(
        [(u, v, float(d.get("weight", 1.0))) for u, v, d in ref.edges(data=True)], nodes=ref.nodes
    )


@pytest.mark.parametrize("make", [nx.les_miserables_graph, nx.karate_club_graph])
def test_real_graphs_match_networkx(make):
    ref = make()
    g = _ours(ref)
    source = next(iter(ref.nodes))
    assert set(bfs(g, source)) == set(nx.node_connected_component(ref, source))
    assert set(dfs(g, source)) == set(nx.node_connected_component(ref, source))
    assert len(connected_components(g)) == nx.number_connected_components(ref)
    want = nx.single_source_dijkstra_path_length(ref, source)
    for algo in (dijkstra, bellman_ford):
        dist, _ = algo(g, source)
        assert dist == pytest.approx(want, rel=1e-12)
    for target in list(ref.nodes)[::7]:
        assert path_weight(g, shortest_path(g, source, target)) == pytest.approx(want[target])
    mst = minimum_spanning_tree(g)
    assert sum(w for _, _, w in mst.edges) == pytest.approx(
        nx.minimum_spanning_tree(ref).size(weight="weight"), rel=1e-12
    )
