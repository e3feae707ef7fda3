"""Degree discount, CELF and RIS/IMM against slow references on small graphs."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from sim.contagion.spread import live_edge_worlds, single_node_spread, world_spread
from sim.network import from_networkx
from sim.strategies import first_pin, influence
from sim.strategies._ris import RRSampler, max_coverage

from .naive import naive_degree_discount, naive_greedy, naive_max_coverage


@pytest.mark.parametrize("p", [0.01, 0.05, 0.3])
@pytest.mark.parametrize(
    "g",
    [nx.karate_club_graph(), nx.convert_node_labels_to_integers(nx.les_miserables_graph())],
    ids=["karate", "lesmis"],
)
def test_degree_discount_matches_the_papers_algorithm(g, p):
    g = nx.Graph(g)
    assert first_pin("degree_discount", g, 12, p=p) == naive_degree_discount(g, 12, p)


def test_degree_discount_differs_from_degree_where_hubs_cluster():
    # Two adjacent hubs with shared leaves, and a separate smaller hub: degree takes
    # both clustered hubs, degree discount the second one elsewhere.
    g = nx.Graph()
    g.add_edges_from((0, v) for v in range(2, 12))
    g.add_edges_from((1, v) for v in range(2, 11))
    g.add_edge(0, 1)
    g.add_edges_from((20, v) for v in range(21, 29))
    assert first_pin("degree", g, 2) == [0, 1]
    assert first_pin("degree_discount", g, 2, p=0.5) == [0, 20]


def _world_adjacency(worlds):
    out = []
    for r in range(worlds.worlds):
        src, dst = worlds.world_arcs(r)
        adj: dict[int, list[int]] = {}
        for u, v in zip(src.tolist(), dst.tolist(), strict=True):
            adj.setdefault(u, []).append(v)
        out.append(adj)
    return out


@pytest.mark.parametrize(
    ("g", "p"),
    [
        (nx.karate_club_graph(), 0.15),
        (nx.gnp_random_graph(40, 0.08, seed=3, directed=True), 0.3),
        (nx.convert_node_labels_to_integers(nx.les_miserables_graph()), 0.1),
    ],
    ids=["karate", "directed", "lesmis"],
)
def test_celf_returns_plain_greedys_seeds_on_the_same_worlds(g, p):
    net = from_networkx(nx.Graph(g) if not g.is_directed() else g)
    worlds = live_edge_worlds(net.indptr, net.indices, p, 30, 11)
    adjacency = _world_adjacency(worlds)
    want = naive_greedy(adjacency, range(net.num_nodes), 6)
    assert influence._celf_on_worlds(worlds, 6).tolist() == want
    assert influence.celf(net, 6, p=p, replicates=30, seed=11).tolist() == want


def test_celf_with_per_arc_probabilities():
    g = nx.karate_club_graph()
    net = from_networkx(g)
    probs = np.random.default_rng(1).uniform(0.0, 0.4, net.num_arcs)  # asymmetric
    worlds = live_edge_worlds(net.indptr, net.indices, probs, 25, 2)
    want = naive_greedy(_world_adjacency(worlds), range(34), 5)
    assert influence.celf(net, 5, p=probs, replicates=25, seed=2).tolist() == want


def test_world_spread_is_the_kernel_count_of_reachable_nodes():
    net = from_networkx(nx.karate_club_graph())
    worlds = live_edge_worlds(net.indptr, net.indices, 0.2, 40, 5)
    adjacency = _world_adjacency(worlds)
    sets = [np.array([0]), np.array([0, 33]), np.array([5, 6, 16])]
    want = [sum(len(_reach(adj, s.tolist())) for adj in adjacency) for s in sets]
    assert world_spread(worlds, sets).tolist() == want
    single = single_node_spread(worlds).tolist()
    assert single == [sum(len(_reach(adj, [v])) for adj in adjacency) for v in range(34)]


def _reach(adj, sources):
    from .naive import reach

    return reach(adj, sources)


# Directed triangle with known spreads: 0 -> 1 (0.3), 1 -> 2 (0.6), 0 -> 2 (0.1).
# sigma({0}) = 1 + 0.3 + (1 - 0.9 * (1 - 0.3 * 0.6)), sigma({1}) = 1.6, sigma({2}) = 1.
_TRI = nx.DiGraph()
_TRI.add_edge(0, 1, p=0.3)
_TRI.add_edge(1, 2, p=0.6)
_TRI.add_edge(0, 2, p=0.1)
_TRI_SIGMA = [1.0 + 0.3 + (1.0 - 0.9 * 0.82), 1.6, 1.0]


def test_live_edge_worlds_estimate_the_exact_spread():
    net = from_networkx(_TRI)
    probs = net.edge_attrs["p"].astype(float)
    R = 40_000
    worlds = live_edge_worlds(net.indptr, net.indices, probs, R, 8)
    est = single_node_spread(worlds) / R
    # Spread - 1 counts at most two other nodes: its standard deviation is <= 1.
    se = 1.0 / math.sqrt(R)
    assert np.all(np.abs(est - _TRI_SIGMA) < 4 * se)


def test_rr_sets_estimate_the_exact_spread():
    # n * P(u in a random RR set) = sigma({u}) (Borgs et al. 2014, Observation 3.2).
    net = from_networkx(_TRI)
    probs = net.edge_attrs["p"].astype(float)
    rindptr, rindices, rprobs = influence._reversed(net, probs)
    sampler = RRSampler(rindptr, rindices, rprobs, 4)
    sampler.extend_to(60_000)
    theta = sampler.num_sets
    counts = np.bincount(sampler.set_nodes, minlength=3)
    freq = counts / theta
    se = np.sqrt(freq * (1 - freq) / theta)
    assert np.all(np.abs(3 * freq - _TRI_SIGMA) < 4 * 3 * se + 1e-12)


def test_rr_sets_with_one_probability_use_the_reversed_arcs():
    # Directed path 0 -> 1 -> 2 -> 3, p = 0.5: sigma({0}) = 1 + .5 + .25 + .125.
    net = from_networkx(nx.DiGraph([(0, 1), (1, 2), (2, 3)]))
    rindptr, rindices, rprobs = influence._reversed(net, 0.5)
    sampler = RRSampler(rindptr, rindices, rprobs, 9)
    sampler.extend_to(60_000)
    freq = np.bincount(sampler.set_nodes, minlength=4) / sampler.num_sets
    se = np.sqrt(freq * (1 - freq) / sampler.num_sets)
    exact = np.array([1.875, 1.75, 1.5, 1.0])
    assert np.all(np.abs(4 * freq - exact) < 4 * 4 * se + 1e-12)
    sets = [
        set(sampler.set_nodes[a:b].tolist())
        for a, b in zip(sampler.set_ptr[:-1], sampler.set_ptr[1:], strict=True)
    ]
    # An RR set is the root and a contiguous run of its ancestors on the path.
    for s in sets[:2000]:
        assert s == set(range(min(s), max(s) + 1))


def test_ris_with_fixed_theta_is_greedy_coverage_of_those_sets():
    g = nx.karate_club_graph()
    net = from_networkx(g)
    theta = 3000
    res = influence.ris_select(net, 6, p=0.1, theta=theta, seed=5)
    rindptr, rindices, rprobs = influence._reversed(net, 0.1)
    sampler = RRSampler(rindptr, rindices, rprobs, influence._sub_seed(5, 1))
    sampler.extend_to(theta)
    ptr = sampler.set_ptr[: theta + 1]
    sets = [set(sampler.set_nodes[a:b].tolist()) for a, b in zip(ptr[:-1], ptr[1:], strict=True)]
    want = naive_max_coverage(sets, range(34), 6)
    assert res.seeds.tolist() == want
    covered = sum(1 for s in sets if s & set(want))
    assert res.spread == pytest.approx(34 * covered / theta)
    assert res.sets == theta


def test_max_coverage_ties_and_exhausted_sets():
    # Sets {0, 1}, {1}, {2}: node 1 covers 2, then 0 and 2 tie (0 covers nothing new,
    # 2 covers one): 2; then nothing is left and the smallest unpicked id comes.
    ptr = np.array([0, 2, 3, 4])
    nodes = np.array([0, 1, 1, 2], dtype=np.int32)
    picked, gains = max_coverage(ptr, nodes, 5, 4)
    assert picked.tolist() == [1, 2, 0, 3]
    assert gains.tolist() == [2, 1, 0, 0]


def test_imm_sample_size_follows_the_paper():
    net = from_networkx(nx.karate_club_graph())
    eps, ell, k, n = 0.3, 1.0, 3, 34
    res = influence.ris_select(net, k, p=0.1, epsilon=eps, ell=ell, seed=2)
    ell2 = ell * (1 + math.log(2) / math.log(n))
    log_cnk = math.log(math.comb(n, k))
    alpha = math.sqrt(ell2 * math.log(n) + math.log(2))
    beta = math.sqrt((1 - 1 / math.e) * (log_cnk + ell2 * math.log(n) + math.log(2)))
    lam_star = 2 * n * ((1 - 1 / math.e) * alpha + beta) ** 2 / eps**2
    assert 1.0 <= res.lower_bound <= res.spread * 1.5  # LB is a lower bound of OPT
    assert res.sets >= lam_star / res.lower_bound
    assert res.sets < lam_star / res.lower_bound + 256  # whole blocks of 256 sets
    assert 1.0 <= res.spread <= n


def test_ris_finds_the_obvious_seeds():
    # Three stars of 30, 20 and 10 leaves, and isolated nodes: the hubs, biggest first.
    g = nx.disjoint_union_all([nx.star_graph(30), nx.star_graph(20), nx.star_graph(10)])
    g.add_nodes_from(range(100, 140))
    assert first_pin("ris", g, 3, p=0.3, seed=1) == [0, 31, 52]
    assert first_pin("celf", g, 3, p=0.3, replicates=200, seed=1) == [0, 31, 52]
    assert first_pin("degree_discount", g, 3, p=0.3) == [0, 31, 52]


def test_probability_extremes():
    g = nx.path_graph(6)
    # p = 0: every node spreads to itself only; ties go to the smallest ids.
    assert first_pin("celf", g, 2, p=0.0, replicates=10, seed=1) == [0, 1]
    # RIS: each RR set is its root alone, so it picks the roots drawn most often.
    net = from_networkx(g)
    res = influence.ris_select(net, 2, p=0.0, theta=600, seed=1)
    sampler = RRSampler(net.indptr, net.indices, 0.0, influence._sub_seed(1, 1))
    sampler.extend_to(600)
    assert np.all(np.diff(sampler.set_ptr) == 1)
    counts = np.bincount(sampler.set_nodes[:600], minlength=6)
    assert res.seeds.tolist() == sorted(range(6), key=lambda v: (-counts[v], v))[:2]
    # p = 1: one seed reaches everyone; the rest add nothing.
    assert first_pin("celf", g, 2, p=1.0, replicates=10, seed=1) == [0, 1]
    assert first_pin("ris", g, 1, p=1.0, seed=1) == [0]
