"""The CSR representation rules, checked against networkx as the reference."""

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.errors import ValidationError
from sim.network import Network, from_edges, from_networkx, to_networkx
from sim.network.csr import _first_of_each_key


def rows(net: Network) -> list[list[int]]:
    return [net.neighbors(u).tolist() for u in range(net.num_nodes)]


def test_self_loops_dropped_and_counted_out():
    net = from_edges(np.array([0, 1, 1]), np.array([0, 1, 2]))
    assert net.num_nodes == 3
    assert net.num_edges == 1
    assert rows(net) == [[], [2], [1]]


def test_multi_edges_merged_keeping_first_weight_on_both_arcs():
    # 0-1 listed as "0 1" then "1 0": both arcs keep the first line's weight.
    net = from_edges(
        np.array([0, 1, 1, 2]), np.array([1, 0, 2, 1]), weights=np.array([0.1, 0.9, 0.3, 0.7])
    )
    assert net.num_edges == 2
    assert rows(net) == [[1], [0, 2], [1]]
    assert net.weights.tolist() == [0.1, 0.1, 0.3, 0.3]


def test_multi_edges_directed_keep_first_edge_attr():
    net = from_edges(
        np.array([0, 0, 1]),
        np.array([1, 1, 0]),
        directed=True,
        edge_attrs={"kind": np.array(["a", "b", "c"])},
    )
    assert net.num_arcs == 2
    assert net.edge_attrs["kind"].tolist() == ["a", "c"]


def test_first_of_each_key_branches_agree():
    """The packed-sort and the argsort branches pick the same first edge."""
    rng = np.random.default_rng(5)
    key = rng.integers(0, 40, 500)
    edge = rng.permutation(500)
    small = _first_of_each_key(key, edge, True)
    big = _first_of_each_key(key << 50, edge, True)  # too wide to pack: argsort branch
    assert np.array_equal(small[0] << 50, big[0])
    assert np.array_equal(small[1], big[1])
    expected = [edge[key == k].min() for k in np.unique(key)]
    assert small[1].tolist() == expected


def test_isolated_nodes_kept():
    net = from_edges(np.array([0]), np.array([1]), num_nodes=4)
    assert net.num_nodes == 4
    assert net.degree().tolist() == [1, 1, 0, 0]
    assert net.neighbors(3).size == 0


def test_empty_network():
    net = from_edges(np.array([], dtype=np.int64), np.array([], dtype=np.int64))
    assert (net.num_nodes, net.num_edges) == (0, 0)


def test_directed_vs_undirected():
    src, dst = np.array([0, 1]), np.array([1, 2])
    und = from_edges(src, dst)
    dire = from_edges(src, dst, directed=True)
    assert (und.num_edges, und.num_arcs) == (2, 4)
    assert (dire.num_edges, dire.num_arcs) == (2, 2)
    assert rows(dire) == [[1], [2], []]
    assert dire.in_degree().tolist() == [0, 1, 1]
    assert und.in_degree().tolist() == und.degree().tolist() == [1, 2, 1]


def test_rows_sorted_ascending():
    net = from_edges(np.array([0, 0, 0]), np.array([3, 1, 2]))
    assert net.neighbors(0).tolist() == [1, 2, 3]


def test_reverse_directed_moves_weights_with_arcs():
    net = from_edges(
        np.array([0, 0, 2]), np.array([1, 2, 1]), directed=True, weights=np.array([0.1, 0.2, 0.3])
    )
    rev = net.reverse()
    assert rows(rev) == [[], [0, 2], [0]]
    assert rev.weights.tolist() == [0.1, 0.3, 0.2]
    assert rev.reverse() is net
    assert net.reverse() is rev  # cached


def test_reverse_undirected_is_itself():
    net = from_edges(np.array([0]), np.array([1]))
    assert net.reverse() is net


def test_labels_round_trip():
    g = nx.Graph([("ann", "bob"), ("bob", "cat")])
    g.add_node("dan")
    net = from_networkx(g)
    assert net.labels.tolist() == ["ann", "bob", "cat", "dan"]
    assert net.ids(["cat", "ann"]).tolist() == [2, 0]
    assert net.label_of([3, 1]) == ["dan", "bob"]
    with pytest.raises(ValidationError, match="'eve' is not in the network"):
        net.ids(["eve"])
    back = to_networkx(net)
    assert set(back.nodes) == set(g.nodes)
    assert {frozenset(e) for e in back.edges} == {frozenset(e) for e in g.edges}


def test_integer_labels_stay_int64():
    net = from_networkx(nx.relabel_nodes(nx.path_graph(3), {0: 10, 1: 20, 2: 30}))
    assert net.labels.dtype == np.int64
    assert net.ids([30]).tolist() == [2]


def test_attributes_kept_through_networkx():
    g = nx.DiGraph()
    g.add_node("a", community=1, role="seed")
    g.add_node("b", community=2)
    g.add_edge("a", "b", p=0.3, kind="friend")
    g.add_edge("b", "a", p=0.6)
    net = from_networkx(g, weight="p")
    assert net.directed
    assert net.node_attrs["community"].tolist() == [1, 2]
    assert net.node_attrs["role"].tolist() == ["seed", None]
    assert net.weights.tolist() == [0.3, 0.6]
    assert net.edge_attrs["kind"].tolist() == ["friend", None]
    back = to_networkx(net)
    assert back.is_directed()
    assert back.nodes["a"] == {"community": 1, "role": "seed"}
    assert back.nodes["b"] == {"community": 2}
    assert back.edges["a", "b"] == {"p": 0.3, "kind": "friend", "weight": 0.3}
    assert back.edges["b", "a"] == {"p": 0.6, "weight": 0.6}


def test_from_networkx_bad_weight():
    g = nx.Graph([(0, 1, {"w": "x"}), (1, 2, {})])
    with pytest.raises(ValidationError, match="no 'p' attribute"):
        from_networkx(g, weight="p")
    with pytest.raises(ValidationError, match="must be numeric"):
        from_networkx(nx.Graph([(0, 1, {"w": "x"})]), weight="w")


@pytest.mark.parametrize(
    ("src", "dst", "kw", "match"),
    [
        ([0, 1], [1], {}, "equal length"),
        ([-1], [0], {}, "non-negative"),
        ([0], [5], {"num_nodes": 3}, "edge endpoint 5 >= num_nodes=3"),
        ([0], [1], {"labels": ["a"]}, "1 labels for 2 nodes"),
        ([0], [1], {"weights": [0.1, 0.2]}, "weights must align"),
    ],
)
def test_from_edges_bad_input(src, dst, kw, match):
    with pytest.raises(ValidationError, match=match):
        from_edges(np.array(src), np.array(dst), **kw)


edge_lists = st.integers(1, 25).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=80),
    )
)


@settings(max_examples=60, deadline=None)
@given(edge_lists, st.booleans())
def test_from_edges_matches_networkx_simple_graph(case, directed):
    n, edges = case
    src = np.array([u for u, _ in edges], dtype=np.int64)
    dst = np.array([v for _, v in edges], dtype=np.int64)
    net = from_edges(src, dst, num_nodes=n, directed=directed)
    g = nx.DiGraph() if directed else nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(edges)
    g.remove_edges_from(list(nx.selfloop_edges(g)))
    assert net.num_nodes == g.number_of_nodes()
    assert net.num_edges == g.number_of_edges()
    for u in range(n):
        assert net.neighbors(u).tolist() == sorted(g.successors(u) if directed else g[u])
    if directed:
        rev = net.reverse()
        for u in range(n):
            assert rev.neighbors(u).tolist() == sorted(g.predecessors(u))
