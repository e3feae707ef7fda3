"""Linear threshold and fixed-threshold models against the references in tests/naive.py.

Exact where the model is deterministic (fractional and absolute thresholds; linear
threshold with the thresholds fixed); statistical where it is random (linear
threshold's own threshold draws), with tolerances from the Monte Carlo error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import networkx as nx
import numba
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from sim.contagion._common import prepare_run
from sim.contagion.threshold import _lt_weights, _run_lt, linear_threshold, threshold
from sim.errors import ValidationError
from sim.network.csr import Network, from_networkx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from naive import (  # noqa: E402
    naive_linear_threshold,
    naive_lt_final_size_pmf,
    naive_threshold,
)

JIT = not numba.config.DISABLE_JIT
#: Significance level of every statistical test here (each is run once, fixed seed).
ALPHA = 1e-4

GRAPHS = [
    # (n, edge probability, directed, graph seed)
    (25, 0.12, False, 1),
    (25, 0.12, True, 2),
    (40, 0.06, False, 3),
    (40, 0.10, True, 4),
]


def _graph(n, p, directed, gseed):
    return nx.gnp_random_graph(n, p, seed=gseed, directed=directed)


def _series(res, r=0):
    """Adopter counts of replicate r up to the step it stopped at."""
    return res.adopted[r, : res.steps_taken[r] + 1].tolist()


def _chi2_pvalue(observed: np.ndarray, expected: np.ndarray) -> float:
    """Goodness of fit, bins merged (in order) until each expects >= 5."""
    obs, exp = [], []
    o_acc = e_acc = 0.0
    for o, e in zip(observed, expected, strict=True):
        o_acc += o
        e_acc += e
        if e_acc >= 5:
            obs.append(o_acc)
            exp.append(e_acc)
            o_acc = e_acc = 0.0
    if e_acc > 0:
        obs[-1] += o_acc
        exp[-1] += e_acc
    obs, exp = np.array(obs), np.array(exp)
    if len(obs) < 2:
        return 1.0
    return float(stats.chi2.sf(((obs - exp) ** 2 / exp).sum(), len(obs) - 1))


def _homogeneity_pvalue(table: np.ndarray) -> float:
    """Two-sample chi-square (rows: samples; columns: outcomes), adjacent columns
    merged until every expected cell is >= 5."""
    share = table.sum(axis=1) / table.sum()
    merged, acc = [], np.zeros(table.shape[0])
    for col in table.T:
        acc = acc + col
        if acc.sum() * share.min() >= 5:
            merged.append(acc)
            acc = np.zeros(table.shape[0])
    if acc.sum():
        merged[-1] = merged[-1] + acc
    if len(merged) < 2:
        return 1.0
    return float(stats.chi2_contingency(np.array(merged).T)[1])


# ------------------------------------------------- fixed thresholds: exact
@pytest.mark.parametrize("graph", GRAPHS)
@pytest.mark.parametrize("phi", [0.0, 0.15, 1 / 3, 0.5, 1.0])
def test_fractional_threshold_matches_naive(graph, phi):
    g = _graph(*graph)
    seeds = [0, 5, 11]
    res = threshold(g, seeds, phi=phi, seed=1)
    expected = naive_threshold(g, seeds, phi=phi)
    assert _series(res) == expected
    assert res.steps_taken[0] == len(expected) - 1


@pytest.mark.parametrize("graph", GRAPHS)
@pytest.mark.parametrize("theta", [1, 2, 3])
def test_absolute_threshold_matches_naive(graph, theta):
    g = _graph(*graph)
    seeds = [1, 2, 3, 4, 20]
    res = threshold(g, seeds, theta=theta, seed=1)
    assert _series(res) == naive_threshold(g, seeds, theta=theta)


@pytest.mark.parametrize("graph", GRAPHS)
def test_per_node_thresholds_match_naive(graph):
    g = _graph(*graph)
    rng = np.random.default_rng(graph[3])
    phi = rng.uniform(0, 0.6, g.number_of_nodes())
    theta = rng.integers(1, 4, g.number_of_nodes())
    seeds = [0, 1, 2, 3]
    res = threshold(g, seeds, phi=phi, seed=2)
    assert _series(res) == naive_threshold(g, seeds, phi=dict(enumerate(phi)))
    res = threshold(g, seeds, theta=theta, seed=2)
    assert _series(res) == naive_threshold(g, seeds, theta=dict(enumerate(theta.tolist())))


@pytest.mark.parametrize("graph", GRAPHS)
def test_random_seed_sets_match_naive(graph):
    """Seeds drawn per replicate (prepare_run's sets): every replicate matches."""
    g = _graph(*graph)
    net = from_networkx(g)
    res = threshold(net, 3, phi=0.25, replicates=12, seed=9)
    plan = prepare_run(net, 3, replicates=12, seed=9)
    for r in range(12):
        seeds = plan.seed_nodes[plan.seed_ptr[r] : plan.seed_ptr[r + 1]].tolist()
        assert _series(res, r) == naive_threshold(g, seeds, phi=0.25)


def test_labels_horizon_and_record():
    g = nx.relabel_nodes(nx.path_graph(6), {i: f"p{i}" for i in range(6)})
    res = threshold(g, ["p0"], phi=0.5, steps=3)
    assert res.adopted[0].tolist() == [1, 2, 3, 4]
    assert res.steps_taken.tolist() == [3] and not res.quiescent[0]
    full = threshold(g, ["p0"], phi=0.5)
    assert full.adopted[0].tolist() == naive_threshold(g, ["p0"], phi=0.5) == [1, 2, 3, 4, 5, 6]
    final = threshold(g, ["p0"], phi=0.5, record=False)
    assert final.counts.shape == (1, 1, 2) and final.final_adopted.tolist() == [6]


def test_directed_influence_follows_arcs():
    g = nx.DiGraph([(0, 1), (1, 2), (3, 2)])
    # Node 2 has in-neighbours 1 and 3: with phi = 0.5 node 1 alone suffices.
    assert threshold(g, [0], phi=0.5).adopted[0].tolist() == [1, 2, 3]
    assert threshold(g, [0], phi=0.6).adopted[0].tolist() == [1, 2]
    assert threshold(g, [2], theta=1).final_adopted.tolist() == [1]  # nothing flows back


def test_node_attribute_thresholds():
    g = nx.star_graph(4)
    nx.set_node_attributes(g, {v: (0.1 if v == 0 else 1.0) for v in g}, "phi")
    nx.set_node_attributes(g, {v: 2 for v in g}, "k")
    assert threshold(g, [1], phi="phi").adopted[0].tolist() == [1, 2, 5]
    assert threshold(g, [1], theta="k").final_adopted.tolist() == [1]
    # The hub gets two sources; the other leaves have one neighbour: never two.
    assert threshold(g, [1, 2], theta="k").final_adopted.tolist() == [3]


# ---------------------------------------- linear threshold, thresholds fixed
@pytest.mark.parametrize("graph", GRAPHS)
@pytest.mark.parametrize("weighted", [False, True])
def test_lt_with_given_thresholds_matches_naive(graph, weighted):
    """Both kernels (1/in-degree counters; general weights) propagate exactly."""
    g = _graph(*graph)
    net = from_networkx(g)
    rng = np.random.default_rng(100 + graph[3])
    R = 8
    thresholds = 1.0 - rng.random((R, net.num_nodes))  # U(0, 1]
    weights = wdict = None
    if weighted:
        raw = rng.random(net.num_arcs)
        incoming = np.bincount(net.indices, weights=raw, minlength=net.num_nodes)
        raw = raw / incoming[net.indices] * rng.uniform(0.5, 1.0, net.num_nodes)[net.indices]
        weights = _lt_weights(net, raw)
        src = np.repeat(np.arange(net.num_nodes), net.degree())
        wdict = {(int(u), int(v)): w for u, v, w in zip(src, net.indices, raw, strict=True)}
    plan = prepare_run(net, [0, 7], replicates=R, seed=3)
    counts, steps, _ = _run_lt(net, plan, weights, thresholds)
    for r in range(R):
        expected = naive_linear_threshold(g, [0, 7], dict(enumerate(thresholds[r])), wdict)
        got = (net.num_nodes - counts[r, : steps[r] + 1, 0]).tolist()
        assert got == expected
        assert steps[r] == len(expected) - 1


# ------------------------------------- linear threshold, random: statistical
LIVE_EDGE_GRAPHS = [
    nx.DiGraph([(0, 1), (0, 2), (1, 2), (2, 3), (3, 1), (1, 4), (4, 5), (3, 5), (5, 6), (2, 6)]),
    nx.Graph([(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 5), (5, 3)]),
]


@pytest.mark.parametrize("gi", range(len(LIVE_EDGE_GRAPHS)))
@pytest.mark.parametrize("weighted", [False, True])
def test_lt_final_size_matches_live_edge_distribution(gi, weighted):
    """Kempe et al.'s live-edge equivalence gives the exact final-size law; chi-square."""
    g = LIVE_EDGE_GRAPHS[gi]
    net = from_networkx(g)
    wdict = warr = None
    if weighted:
        src = np.repeat(np.arange(net.num_nodes), net.degree())
        deg_in = net.in_degree()
        warr = 0.9 / deg_in[net.indices] * (1 + 0.1 * (src % 2))
        warr = warr / np.maximum(1.0, np.bincount(net.indices, warr)[net.indices])
        wdict = {(int(u), int(v)): w for u, v, w in zip(src, net.indices, warr, strict=True)}
    pmf = naive_lt_final_size_pmf(g, [0], wdict)
    R = 10_000 if JIT else 2_000
    res = linear_threshold(g, [0], weights=warr, replicates=R, seed=11 + gi, record=False)
    sizes = np.arange(1, net.num_nodes + 1)
    observed = np.bincount(res.final_adopted, minlength=net.num_nodes + 1)[1:]
    expected = R * np.array([pmf.get(int(s), 0.0) for s in sizes])
    assert observed[expected == 0].sum() == 0
    assert _chi2_pvalue(observed, expected) > ALPHA


@pytest.mark.parametrize("directed", [False, True])
def test_lt_final_size_matches_naive_with_python_thresholds(directed):
    """Kernel (its own lazy draws) vs naive (thresholds drawn in Python, U(0, 1]):
    two-sample chi-square on the final sizes and a z-test on their means."""
    g = nx.gnp_random_graph(20, 0.2, seed=5, directed=directed)
    seeds = [0, 1]
    rng = np.random.default_rng(6)
    Rn = 1500 if JIT else 300
    naive_sizes = np.array(
        [
            naive_linear_threshold(g, seeds, dict(enumerate(1.0 - rng.random(20))))[-1]
            for _ in range(Rn)
        ]
    )
    Rk = 10_000 if JIT else 2_000
    kernel_sizes = linear_threshold(g, seeds, replicates=Rk, seed=7, record=False).final_adopted
    se = np.sqrt(kernel_sizes.var(ddof=1) / Rk + naive_sizes.var(ddof=1) / Rn)
    z = stats.norm.isf(ALPHA / 2)
    assert abs(kernel_sizes.mean() - naive_sizes.mean()) <= z * se
    table = np.array(
        [np.bincount(kernel_sizes, minlength=21), np.bincount(naive_sizes, minlength=21)]
    )
    assert _homogeneity_pvalue(table) > ALPHA


def test_lt_weights_by_attribute_equal_array():
    g = nx.DiGraph()
    g.add_edges_from(
        [(0, 1, {"w": 0.5}), (2, 1, {"w": 0.5}), (1, 3, {"w": 0.9}), (0, 3, {"w": 0.1})]
    )
    net = from_networkx(g)
    a = linear_threshold(net, [0], weights="w", replicates=50, seed=4)
    b = linear_threshold(net, [0], weights=net.edge_attrs["w"], replicates=50, seed=4)
    assert np.array_equal(a.counts, b.counts)
    # Weight 1 from a sure parent: the threshold U(0, 1] is always reached.
    sure = nx.DiGraph([(0, 1, {"w": 1.0}), (1, 2, {"w": 1.0})])
    assert (
        linear_threshold(sure, [0], weights="w", replicates=5, seed=1).adopted.tolist()
        == [[1, 2, 3]] * 5
    )


def test_lt_zero_weights_never_activate():
    g = nx.path_graph(5)
    net = from_networkx(g)
    res = linear_threshold(net, [0], weights=np.zeros(net.num_arcs), replicates=20, seed=1)
    assert (res.final_adopted == 1).all() and (res.steps_taken == 0).all()


# ------------------------------------------------------------ reproducibility
def _runs(seed, replicates=6):
    g = nx.gnp_random_graph(60, 0.08, seed=8)
    net = from_networkx(g)
    w = np.full(net.num_arcs, 1.0) / net.in_degree()[net.indices].clip(1)
    return [
        linear_threshold(net, 2, replicates=replicates, seed=seed).counts,
        linear_threshold(net, 2, weights=w, replicates=replicates, seed=seed).counts,
        threshold(net, 2, phi=0.2, replicates=replicates, seed=seed).counts,
    ]


def test_same_seed_same_result_and_different_seed_differs():
    a, b, c = _runs(5), _runs(5), _runs(6)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not all(np.array_equal(x, y) for x, y in zip(a, c, strict=True))


def test_thread_count_does_not_matter():
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = _runs(3, replicates=9)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = _runs(3, replicates=9)
    finally:
        numba.set_num_threads(before)
    assert all(np.array_equal(x, y) for x, y in zip(one, two, strict=True))


def test_replicate_r_does_not_depend_on_replicates():
    small, large = _runs(12, replicates=3), _runs(12, replicates=11)
    for s, lg in zip(small, large, strict=True):
        T = min(s.shape[1], lg.shape[1])
        assert np.array_equal(s[:, :T], lg[:3, :T])


def test_default_weights_in_law_equal_explicit_weights():
    """1/in-degree: the integer-counter kernel and the general kernel give the same mean."""
    g = nx.gnp_random_graph(50, 0.1, seed=2, directed=True)
    net = from_networkx(g)
    w = 1.0 / net.in_degree()[net.indices]
    R = 10_000 if JIT else 1_000
    a = linear_threshold(net, [0, 1, 2], replicates=R, seed=1, record=False).final_adopted
    b = linear_threshold(
        net, [0, 1, 2], weights=w, replicates=R, seed=2, record=False
    ).final_adopted
    se = np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / R)
    assert abs(a.mean() - b.mean()) <= stats.norm.isf(ALPHA / 2) * se


# ----------------------------------------------------------------- bad input
def test_bad_inputs_raise_validation_errors():
    g = nx.path_graph(4)
    net = from_networkx(g)
    cases = [
        (lambda: threshold(g, [0]), "phi"),
        (lambda: threshold(g, [0], phi=0.5, theta=1), "phi"),
        (lambda: threshold(g, [0], phi=1.5), "phi"),
        (lambda: threshold(g, [0], phi=-0.1), "phi"),
        (lambda: threshold(g, [0], phi=float("nan")), "phi"),
        (lambda: threshold(g, [0], phi=np.array([0.1, 0.2])), "phi"),
        (lambda: threshold(g, [0], phi=np.array([0.1, 0.2, 2.0, 0.3])), "phi"),
        (lambda: threshold(g, [0], phi="missing"), "phi"),
        (lambda: threshold(g, [0], theta=0), "theta"),
        (lambda: threshold(g, [0], theta=1.5), "theta"),
        (lambda: threshold(g, [0], theta=np.array([1, 2, 0, 1])), "theta"),
        (lambda: threshold(g, [0], theta=np.array([1, 2, 1.5, 1])), "theta"),
        (lambda: threshold(g, [9], phi=0.5), "seeds"),
        (lambda: threshold(g, 5, phi=0.5), "seeds"),
        (lambda: threshold(g, [0], phi=0.5, steps=-1), "steps"),
        (lambda: threshold(g, [0], phi=0.5, replicates=0), "replicates"),
        (lambda: threshold(nx.Graph(), [0], phi=0.5), "network"),
        (lambda: threshold([[0, 1]], [0], phi=0.5), "network"),
        (lambda: linear_threshold(g, [0], weights=np.full(net.num_arcs, 0.6)), "weights"),
        (lambda: linear_threshold(g, [0], weights=np.full(net.num_arcs, -0.1)), "weights"),
        (lambda: linear_threshold(g, [0], weights=np.ones(3)), "weights"),
        (lambda: linear_threshold(g, [0], weights="strength"), "weights"),
        (lambda: linear_threshold(g, [5]), "seeds"),
        (lambda: linear_threshold(g, []), "seeds"),
        (lambda: linear_threshold(g, [0], steps=-2), "steps"),
        (lambda: linear_threshold(g, [0], seed=-1), "seed"),
        (lambda: linear_threshold(nx.DiGraph(), [0]), "network"),
    ]
    for call, key in cases:
        with pytest.raises(ValidationError) as err:
            call()
        assert err.value.key == key, (key, err.value)


def test_weight_sum_tolerance():
    g = nx.DiGraph([(0, 2), (1, 2)])
    net = from_networkx(g)
    linear_threshold(net, [0], weights=np.array([0.5, 0.5 + 5e-10]), seed=1)  # within 1e-9
    with pytest.raises(ValidationError, match="sum to"):
        linear_threshold(net, [0], weights=np.array([0.5, 0.5 + 1e-6]), seed=1)


# ------------------------------------------------------------ properties
@st.composite
def graphs_and_seeds(draw):
    n = draw(st.integers(2, 14))
    directed = draw(st.booleans())
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=40))
    g = nx.DiGraph() if directed else nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from((u, v) for u, v in pairs if u != v)
    seeds = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True))
    return g, seeds


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    gs=graphs_and_seeds(),
    phi1=st.floats(0, 1),
    phi2=st.floats(0, 1),
    theta=st.integers(1, 4),
    seed=st.integers(0, 2**32),
)
def test_invariants(gs, phi1, phi2, theta, seed):
    g, seeds = gs
    n = g.number_of_nodes()
    lo, hi = sorted([phi1, phi2])
    runs = {
        "lo": threshold(g, seeds, phi=lo, seed=seed),
        "hi": threshold(g, seeds, phi=hi, seed=seed),
        "theta": threshold(g, seeds, theta=theta, seed=seed),
        "lt": linear_threshold(g, seeds, replicates=3, seed=seed),
    }
    for res in runs.values():
        assert (res.counts.sum(axis=2) == n).all()
        assert (np.diff(res.adopted, axis=1) >= 0).all()
        assert (res.adopted[:, 0] == len(seeds)).all()
        assert (res.steps_taken <= n - len(seeds)).all()
    # A lower fractional threshold never activates fewer nodes (monotone in phi).
    assert runs["lo"].final_adopted[0] >= runs["hi"].final_adopted[0]
    assert _series(runs["lo"]) == naive_threshold(g, seeds, phi=lo)
    assert _series(runs["theta"]) == naive_threshold(g, seeds, theta=theta)


def test_network_input_is_not_modified():
    g = nx.gnp_random_graph(30, 0.1, seed=1)
    net = from_networkx(g)
    before = (net.indptr.copy(), net.indices.copy())
    linear_threshold(net, 3, replicates=5, seed=1)
    threshold(net, 3, phi=0.3, replicates=5, seed=1)
    assert isinstance(net, Network)
    assert np.array_equal(before[0], net.indptr) and np.array_equal(before[1], net.indices)
