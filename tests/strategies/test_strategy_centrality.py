"""Structural strategies against networkx and slow references."""

from __future__ import annotations

import inspect

import networkx as nx
import numpy as np
import pytest

from sim.network import from_networkx
from sim.strategies import centrality, first_pin

from .naive import naive_betweenness


def _graphs():
    g1 = nx.karate_club_graph()
    g2 = nx.convert_node_labels_to_integers(nx.les_miserables_graph())
    g3 = nx.gnp_random_graph(70, 0.06, seed=4, directed=True)
    g4 = nx.gnp_random_graph(40, 0.05, seed=1)  # disconnected, isolated nodes
    return [nx.Graph(g1), nx.Graph(g2), g3, g4]


GRAPHS = _graphs()
IDS = ["karate", "lesmis", "directed", "sparse"]


def _ranked(scores: dict, k: int) -> list:
    """Reference ranking: descending score (to 12 significant digits), then id."""
    top = max(abs(v) for v in scores.values()) or 1.0
    return sorted(scores, key=lambda v: (-round(scores[v] / top, 12), v))[:k]


def _spread_direction(g):
    """networkx measures distances *to* a node and PageRank along arcs: reverse."""
    return g.reverse() if g.is_directed() else g


@pytest.mark.parametrize("g", GRAPHS, ids=IDS)
def test_degree_is_top_out_degree_with_id_ties(g):
    deg = dict(g.out_degree() if g.is_directed() else g.degree())
    want = sorted(deg, key=lambda v: (-deg[v], v))[:10]
    assert first_pin("degree", g, 10) == want


@pytest.mark.parametrize("g", GRAPHS, ids=IDS)
def test_pagerank_matches_networkx(g):
    net = from_networkx(g)
    ref = nx.pagerank(_spread_direction(g), weight=None)
    ours = centrality.pagerank_scores(net)
    assert np.allclose(ours, [ref[v] for v in range(net.num_nodes)], atol=1e-10)
    assert first_pin("pagerank", g, 8) == _ranked(ref, 8)


@pytest.mark.parametrize("g", GRAPHS, ids=IDS)
def test_betweenness_exact_matches_networkx(g):
    net = from_networkx(g)
    ref = nx.betweenness_centrality(g)
    ours = centrality.betweenness_scores(net)
    assert np.allclose(ours, [ref[v] for v in range(net.num_nodes)], atol=1e-12)
    assert first_pin("betweenness", g, 8) == _ranked(ref, 8)


@pytest.mark.parametrize("g", GRAPHS[:3], ids=IDS[:3])
def test_sampled_betweenness_is_the_unbiased_estimate_over_its_sources(g):
    import random

    n = g.number_of_nodes()
    k = 9
    sources = random.Random(5).sample(range(n), k)
    sums = naive_betweenness(g, sources)
    ours = centrality.betweenness_scores(from_networkx(g), k_samples=k, seed=5)
    # A sampled source's sum has k - 1 terms from the n - 1 others; others' have k.
    scale = {v: (n - 1) / ((k - 1) if v in sources else k) / ((n - 1) * (n - 2)) for v in g}
    assert np.allclose(ours, [sums[v] * scale[v] for v in range(n)], atol=1e-12)


def test_sampled_betweenness_agrees_with_networkx_when_it_uses_the_same_estimator():
    rescale = getattr(nx.algorithms.centrality.betweenness, "_rescale", None)
    if rescale is None or "sampled_nodes" not in inspect.signature(rescale).parameters:
        pytest.skip("this networkx scales sampled betweenness differently (n / k)")
    g = nx.karate_club_graph()
    ref = nx.betweenness_centrality(g, k=10, seed=3)
    ours = centrality.betweenness_scores(from_networkx(g), k_samples=10, seed=3)
    assert np.allclose(ours, [ref[v] for v in range(34)], atol=1e-12)


def test_betweenness_samples_by_default_on_large_networks(monkeypatch):
    g = nx.karate_club_graph()
    net = from_networkx(g)
    monkeypatch.setattr(centrality, "EXACT_BETWEENNESS_MAX_NODES", 20)
    monkeypatch.setattr(centrality, "DEFAULT_BETWEENNESS_SAMPLES", 12)
    sampled = centrality.betweenness_scores(net, seed=9)
    assert np.allclose(sampled, centrality.betweenness_scores(net, k_samples=12, seed=9))
    assert not np.allclose(sampled, centrality.betweenness_scores(net, k_samples=34))


@pytest.mark.parametrize("g", GRAPHS, ids=IDS)
def test_k_core_ranks_by_core_number_then_degree(g):
    net = from_networkx(g)
    core = nx.core_number(g)
    assert centrality.core_numbers(net).tolist() == [core[v] for v in range(net.num_nodes)]
    deg = dict(g.out_degree() if g.is_directed() else g.degree())
    want = sorted(g, key=lambda v: (-core[v], -deg[v], v))[:10]
    assert first_pin("k_core", g, 10) == want


@pytest.mark.parametrize("g", GRAPHS, ids=IDS)
def test_closeness_matches_networkx(g):
    net = from_networkx(g)
    ref = nx.closeness_centrality(_spread_direction(g))
    ours = centrality.closeness_scores(net)
    assert np.allclose(ours, [ref[v] for v in range(net.num_nodes)], atol=1e-12)
    assert first_pin("closeness", g, 8) == _ranked(ref, 8)


def test_float_ties_go_to_the_smaller_id():
    # A cycle: every node has the same PageRank, closeness and betweenness, up to
    # floating-point noise that must not decide the order.
    g = nx.cycle_graph(12)
    for name in ("pagerank", "closeness", "betweenness", "degree", "k_core"):
        assert first_pin(name, g, 4) == [0, 1, 2, 3], name
