"""Property tests (hypothesis, derandomised): arbitrary small graphs, networkx as the oracle."""

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groundup.graphs import (
    Graph,
    GraphError,
    bellman_ford,
    connected_components,
    dijkstra,
    minimum_spanning_tree,
    topological_sort,
)

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)

edge_lists = st.lists(
    st.tuples(
        st.integers(0, 11),
        st.integers(0, 11),
        st.floats(0.0, 20.0, allow_nan=False).map(lambda w: round(w, 2)),
    ),
    max_size=40,
)


def _pair(edges, directed):
    ours = Graph.from_edges(edges, directed=directed, nodes=range(12))
    ref = nx.DiGraph() if directed else nx.Graph()
    ref.add_nodes_from(range(12))
    ref.add_weighted_edges_from(edges)  # a repeated pair keeps its last weight on both sides
    return ours, ref


@SETTINGS
@given(edge_lists, st.booleans())
def test_distances_and_components(edges, directed):
    ours, ref = _pair(edges, directed)
    want = nx.single_source_dijkstra_path_length(ref, 0)
    assert dijkstra(ours, 0)[0] == pytest.approx(want, rel=1e-12)
    assert bellman_ford(ours, 0)[0] == pytest.approx(want, rel=1e-12)
    comps = nx.weakly_connected_components(ref) if directed else nx.connected_components(ref)
    assert sorted(map(sorted, connected_components(ours))) == sorted(map(sorted, comps))


@SETTINGS
@given(edge_lists)
def test_toposort_iff_acyclic(edges):
    ours, ref = _pair(edges, True)
    if nx.is_directed_acyclic_graph(ref):
        pos = {u: i for i, u in enumerate(topological_sort(ours))}
        assert all(pos[u] < pos[v] for u, v in ref.edges)
    else:
        with pytest.raises(GraphError, match="cycle"):
            topological_sort(ours)


@SETTINGS
@given(edge_lists)
def test_mst_weight(edges):
    ours, ref = _pair(edges, False)
    got = sum(w for _, _, w in minimum_spanning_tree(ours).edges)
    assert got == pytest.approx(nx.minimum_spanning_tree(ref).size(weight="weight"), abs=1e-9)
