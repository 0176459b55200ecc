"""The Graph type: construction, nodes/edges/neighbours, and bad input."""

import pytest

from groundup.graphs import Graph


def test_undirected_edges_are_symmetric_and_listed_once():
    g = Graph.from_edges([("a", "b", 2.0), ("b", "c"), ("c", "c", 0.5)])
    assert g.nodes == ["a", "b", "c"]
    assert g.edges == [("a", "b", 2.0), ("b", "c", 1.0), ("c", "c", 0.5)]
    assert g.neighbors("b") == ["a", "c"]
    assert g.weight("b", "a") == 2.0 and g.has_edge("b", "a")
    assert g.number_of_edges() == 3 and len(g) == 3 and "a" in g


def test_directed_edges_keep_direction():
    g = Graph.from_edges([(1, 2), (2, 3), (3, 1, 4.0)], directed=True)
    assert g.neighbors(1) == [2] and g.predecessors(1) == [3]
    assert not g.has_edge(2, 1)
    assert g.edges == [(1, 2, 1.0), (2, 3, 1.0), (3, 1, 4.0)]


def test_any_hashable_is_a_node_and_readding_replaces_weight():
    g = Graph()
    g.add_edge((0, 1), frozenset({2}), 1.5)
    g.add_edge((0, 1), frozenset({2}), 3.0)
    g.add_node("isolated")
    assert g.weight(frozenset({2}), (0, 1)) == 3.0
    assert g.number_of_edges() == 1 and len(g) == 3


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: Graph().neighbors("x"), KeyError, "node 'x' is not in the graph"),
        (lambda: Graph.from_edges([(1, 2)]).weight(1, 3), KeyError, "node 3"),
        (lambda: Graph.from_edges([(1, 2), (3, 4)]).weight(1, 3), KeyError, "no edge 1 -> 3"),
        (lambda: Graph().add_node([1, 2]), TypeError, "hashable"),
        (lambda: Graph().add_edge(1, 2, float("nan")), ValueError, "finite"),
        (lambda: Graph().add_edge(1, 2, "heavy"), TypeError, "number"),
        (lambda: Graph.from_edges([(1, 2, 3, 4)]), ValueError, "edge 0"),
    ],
)
def test_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
