"""Independent cascade, SI and SIR against the references in tests/naive.py.

Exact where the models are deterministic (probability 1 or 0 on every arc, or a
0/1 mix: the cascade is a BFS); statistical where they are random, comparing the
kernels with the slow references (one ``random.Random`` draw per trial, no skipping)
on small graphs. Every statistical check uses a fixed seed and a tolerance from the
Monte Carlo error: means within 4 standard errors of the difference (two-sided
p = 6e-5 for a correct kernel), distributions by a two-sample chi-square at
``ALPHA = 1e-4``.
"""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

import networkx as nx
import numba
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numba import njit
from scipy import stats

from sim.contagion._common import prepare_run
from sim.contagion._rng import replicate_streams, spawn_states
from sim.contagion.cascade import (
    _gap,
    _run_ic,
    _skip_table,
    independent_cascade,
    si,
    sir,
)
from sim.errors import ValidationError
from sim.network.csr import Network, from_networkx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from naive import bfs_layers, naive_ic, naive_si, naive_sir  # noqa: E402

JIT = not numba.config.DISABLE_JIT
heavy = pytest.mark.skipif(not JIT, reason="too slow as pure Python (NUMBA_DISABLE_JIT=1)")
#: Significance level of the distribution tests (each runs once, with a fixed seed).
ALPHA = 1e-4
#: Means must agree within this many standard errors of their difference.
Z = 4.0

GRAPHS = [
    # (n, edge probability, directed, graph seed)
    (30, 0.10, False, 1),
    (30, 0.12, True, 2),
    (60, 0.05, False, 3),
    (60, 0.08, True, 4),
]


def _graph(n, p, directed, gseed):
    return nx.gnp_random_graph(n, p, seed=gseed, directed=directed)


def _arc_probs(g, seed, low=0.0, high=1.0):
    """Random per-arc probabilities as a dict (both directions for a Graph)."""
    rng = random.Random(seed)
    probs = {}
    for u, v in g.edges:
        x = rng.uniform(low, high)
        probs[(u, v)] = x
        if not g.is_directed():
            probs[(v, u)] = x
    return probs


def _aligned(net: Network, probs: dict) -> np.ndarray:
    """A per-arc dict as an array aligned with ``net.indices``."""
    src = np.repeat(np.arange(net.num_nodes), net.degree())
    labels = net.labels.tolist()
    return np.array(
        [probs[(labels[u], labels[v])] for u, v in zip(src, net.indices.tolist(), strict=True)]
    )


def _pad(histories, length):
    """Reference histories (lists of count tuples) carried forward to ``length`` rows."""
    out = np.empty((len(histories), length, len(histories[0][0])), dtype=np.int64)
    for r, h in enumerate(histories):
        rows = np.asarray(h[:length])
        out[r, : len(rows)] = rows
        out[r, len(rows) :] = rows[-1]
    return out


def _extend(counts, length):
    """Kernel counts carried forward to ``length`` rows (at least their own)."""
    extra = max(0, length - counts.shape[1])
    return np.concatenate([counts, np.repeat(counts[:, -1:], extra, axis=1)], axis=1)


def _compare_runs(res, hist, steps, what):
    """Final sizes, steps and mean count curves of a kernel result vs reference runs."""
    n = res.num_nodes
    # Every row is the state after that step (the time series was not capped).
    assert res.counts.shape[1] == res.steps_taken.max() + 1
    final_ref = np.array([n - h[-1][0] for h in hist])
    _assert_same_distribution(res.final_adopted, final_ref, f"{what}: final")
    _assert_same_distribution(res.steps_taken, steps, f"{what}: steps")
    length = max(res.counts.shape[1], max(len(h) for h in hist))
    _assert_means_agree(_extend(res.counts, length), _pad(hist, length), f"{what}: mean curve")


def _homogeneity_pvalue(a: np.ndarray, b: np.ndarray) -> float:
    """Two-sample chi-square on integer samples, adjacent values merged until every
    expected cell is >= 5."""
    values = np.union1d(a, b)
    table = np.array([[np.sum(x == v) for v in values] for x in (a, b)], dtype=float)
    share = table.sum(axis=1) / table.sum()
    merged, acc = [], np.zeros(2)
    for col in table.T:
        acc = acc + col
        if acc.sum() * share.min() >= 5:
            merged.append(acc)
            acc = np.zeros(2)
    if acc.sum():
        if merged:
            merged[-1] = merged[-1] + acc
        else:
            merged.append(acc)
    if len(merged) < 2:
        return 1.0
    return float(stats.chi2_contingency(np.array(merged).T)[1])


def _assert_means_agree(a: np.ndarray, b: np.ndarray, what: str) -> None:
    """|mean(a) - mean(b)| < Z standard errors of the difference (elementwise over
    the trailing axes)."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    diff = a.mean(axis=0) - b.mean(axis=0)
    se = np.sqrt(a.var(axis=0, ddof=1) / len(a) + b.var(axis=0, ddof=1) / len(b))
    # A step where both samples are constant must agree exactly.
    bad = np.where(se > 0, np.abs(diff) >= Z * se, diff != 0)
    assert not bad.any(), f"{what}: diff {diff[bad]} vs SE {se[bad]}"


def _assert_same_distribution(a: np.ndarray, b: np.ndarray, what: str) -> None:
    _assert_means_agree(a, b, what)
    p = _homogeneity_pvalue(np.asarray(a), np.asarray(b))
    assert p > ALPHA, f"{what}: chi-square p = {p:.2e}"


def _reference(run, R, seed):
    """R histories and step counts of a reference simulation ``run(rng)``."""
    rng = random.Random(seed)
    out = [run(rng) for _ in range(R)]
    return [h for h, _ in out], np.array([t for _, t in out])


# --------------------------------------------------------------- exact: BFS
@pytest.mark.parametrize("graph", GRAPHS)
@pytest.mark.parametrize("as_array", [False, True])
def test_ic_p1_is_bfs(graph, as_array):
    g = _graph(*graph)
    net = from_networkx(g)
    seeds = [0, 7]
    p = np.ones(net.num_arcs) if as_array else 1.0
    res = independent_cascade(net, seeds, p=p, replicates=3, seed=5)
    dist = bfs_layers(g, seeds)
    depth = max(dist.values())
    layers = np.bincount(list(dist.values()))
    assert (res.final_adopted == len(dist)).all()
    assert (res.steps_taken == depth).all()
    for r in range(3):
        assert res.counts[r, :, 1].tolist() == layers.tolist()
        assert res.adopted[r].tolist() == np.cumsum(layers).tolist()
    ref, steps = naive_ic(g, seeds, 1.0, random.Random(0))
    assert res.counts[0].tolist() == [list(x) for x in ref]
    assert steps == depth


@pytest.mark.parametrize("graph", GRAPHS)
def test_ic_p0_only_seeds(graph):
    g = _graph(*graph)
    res = independent_cascade(g, [3, 4, 5], p=0.0, replicates=4, seed=1)
    assert (res.final_adopted == 3).all()
    assert (res.steps_taken == 0).all()
    assert res.counts.shape == (4, 1, 3)


@pytest.mark.parametrize("graph", GRAPHS)
def test_zero_one_per_arc_probabilities_are_bfs_on_kept_arcs(graph):
    """A 0/1 mix of per-arc probabilities (the per-arc path, and the arc filter of
    SI/SIR): exactly a BFS over the arcs of probability 1."""
    g = _graph(*graph)
    net = from_networkx(g)
    rng = random.Random(graph[3])
    probs = {arc: float(rng.random() < 0.6) for arc in _arc_probs(g, 0)}
    if not g.is_directed():
        probs.update({(v, u): probs[(u, v)] for u, v in g.edges})
    kept = nx.DiGraph([arc for arc, x in probs.items() if x == 1.0])
    kept.add_nodes_from(g)
    seeds = [0, 1]
    dist = bfs_layers(kept, seeds)
    layers = np.bincount(list(dist.values()))
    arr = _aligned(net, probs)

    ic = independent_cascade(net, seeds, p=arr, replicates=2, seed=3)
    assert (ic.final_adopted == len(dist)).all()
    assert (ic.steps_taken == len(layers) - 1).all()
    assert ic.counts[1, :, 1].tolist() == layers.tolist()

    res = si(net, seeds, beta=arr, replicates=2, seed=3)
    assert res.counts[1, :, 1].tolist() == np.cumsum(layers).tolist()
    assert (res.steps_taken == len(layers) - 1).all()

    res = sir(net, seeds, beta=arr, gamma=1.0, replicates=2, seed=3)
    assert res.counts[0, :-1, 1].tolist() == layers.tolist()
    assert res.counts[0, -1].tolist() == [net.num_nodes - len(dist), 0, len(dist)]
    assert (res.steps_taken == len(layers)).all()


@pytest.mark.parametrize("graph", GRAPHS)
def test_si_beta1_is_bfs_layers(graph):
    g = _graph(*graph)
    seeds = [2]
    dist = bfs_layers(g, seeds)
    cum = np.cumsum(np.bincount(list(dist.values())))
    res = si(g, seeds, beta=1.0, replicates=2, seed=1)
    assert res.counts[0, :, 1].tolist() == cum.tolist()
    assert (res.counts.sum(axis=2) == g.number_of_nodes()).all()
    assert (res.steps_taken == len(cum) - 1).all()
    ref, steps = naive_si(g, seeds, 1.0, random.Random(0))
    assert res.counts[1].tolist() == [list(x) for x in ref]
    assert steps == res.steps_taken[1]


@pytest.mark.parametrize("graph", GRAPHS)
def test_sir_beta1_gamma1_is_ic_p1(graph):
    g = _graph(*graph)
    seeds = [0, 9]
    dist = bfs_layers(g, seeds)
    layers = np.bincount(list(dist.values()))
    res = sir(g, seeds, beta=1.0, gamma=1.0, seed=4)
    ic = independent_cascade(g, seeds, p=1.0, seed=4)
    # SIR takes one more step: the last generation's recovery.
    assert res.counts[0, :-1].tolist() == ic.counts[0].tolist()
    assert res.counts[0, -1].tolist() == [g.number_of_nodes() - len(dist), 0, len(dist)]
    assert res.steps_taken[0] == ic.steps_taken[0] + 1 == len(layers)
    ref, steps = naive_sir(g, seeds, 1.0, 1.0, random.Random(0))
    assert res.counts[0].tolist() == [list(x) for x in ref]


def test_sir_gamma0_is_si_and_stops():
    """Nobody recovers: SIR is SI, and stops when no infected node can infect anyone
    (here: an isolated part of the graph stays susceptible)."""
    g = nx.disjoint_union(nx.cycle_graph(7), nx.path_graph(3))
    res = sir(g, [0], beta=1.0, gamma=0.0, seed=1)
    ref = si(g, [0], beta=1.0, seed=1)
    assert res.counts[0, :, :2].tolist() == ref.counts[0].tolist()
    assert res.final_adopted.tolist() == [7]
    assert res.steps_taken.tolist() == [3]
    res = sir(g, [0], beta=0.0, gamma=0.0, seed=1)
    assert res.steps_taken.tolist() == [0]


def test_si_zero_beta_and_sir_zero_beta():
    g = nx.cycle_graph(6)
    assert si(g, [0], beta=0.0, seed=1).steps_taken.tolist() == [0]
    res = sir(g, [0], beta=0.0, gamma=1.0, seed=1)
    assert res.counts[0].tolist() == [[5, 1, 0], [5, 0, 1]]


def test_horizon_record_labels_and_directed_chain():
    g = nx.DiGraph([("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")])
    res = independent_cascade(g, ["b"], p=1.0, steps=2, seed=1)
    assert res.counts[0].tolist() == [[4, 1, 0], [3, 1, 1], [2, 1, 2]]
    assert res.steps_taken.tolist() == [2]
    assert not res.quiescent[0]
    full = independent_cascade(g, ["b"], p=1.0, seed=1)
    assert full.steps_taken.tolist() == [3]  # b -> c -> d -> e; a is upstream
    assert full.quiescent[0]
    final = independent_cascade(g, ["b"], p=1.0, seed=1, record=False)
    assert final.counts.shape == (1, 1, 3)
    assert final.counts[0, 0].tolist() == full.counts[0, -1].tolist()
    assert si(g, "a", beta=1.0, steps=0, seed=1).counts.tolist() == [[[4, 1]]]
    ts = full.timeseries
    assert ts["cumulative_adopted"].tolist() == [1, 2, 3, 4]
    assert full.params == {"p": 1.0}


def test_time_series_longer_than_the_network():
    """SI and SIR can run for more steps than there are nodes: every step is kept."""
    g = nx.path_graph(3)
    res = sir(g, [0], beta=0.0, gamma=0.05, replicates=20, seed=2)
    assert res.steps_taken.max() > 3
    assert res.counts.shape[1] == res.steps_taken.max() + 1
    for r in range(20):
        T = res.steps_taken[r]
        assert (res.counts[r, :T, 1] == 1).all()
        assert res.counts[r, T].tolist() == [2, 0, 1]
    res = si(g, [0], beta=0.05, replicates=20, seed=2)
    assert res.counts.shape[1] == res.steps_taken.max() + 1 > 4
    assert (res.final_adopted == 3).all()


def test_edge_attribute_probabilities():
    g = nx.path_graph(4)
    nx.set_edge_attributes(g, {(0, 1): 1.0, (1, 2): 1.0, (2, 3): 0.0}, "trust")
    res = independent_cascade(g, [0], p="trust", replicates=3, seed=1)
    assert res.final_adopted.tolist() == [3, 3, 3]
    assert res.params == {"p": "trust"}
    net = from_networkx(g, weight="trust")
    assert si(net, [3], beta="weight", seed=1).final_adopted.tolist() == [1]


def test_random_seed_sets_per_replicate():
    """An int k draws k distinct seeds per replicate (prepare_run's sets)."""
    g = _graph(60, 0.05, False, 3)
    net = from_networkx(g)
    res = independent_cascade(net, 4, p=1.0, replicates=6, seed=11)
    plan = prepare_run(net, 4, replicates=6, seed=11)
    for r in range(6):
        seeds = plan.seed_nodes[plan.seed_ptr[r] : plan.seed_ptr[r + 1]].tolist()
        assert res.counts[r, 0, 1] == 4
        assert res.final_adopted[r] == len(bfs_layers(g, seeds))


# ------------------------------------------------------------ random gaps
@njit
def _draw_gaps(state, table_p, table_alias, inv, count):
    out = np.empty(count, dtype=np.int64)
    for i in range(count):
        out[i] = _gap(state, table_p, table_alias, inv)
    return out


@pytest.mark.parametrize("p", [0.9, 0.5, 0.12, 0.01, 1e-3, 1e-7])
def test_skip_table_is_the_geometric_law(p):
    """The alias table encodes P(G = j) = (1 - p)^j p and the tail exactly."""
    keep, alias, inv = _skip_table(p)
    assert keep.dtype == np.uint64 and keep.max() <= 2**53
    prob = keep.astype(float) / 2.0**53
    m = prob.size
    assert m & (m - 1) == 0 and 2 <= m <= 1024
    implied = prob / m
    np.add.at(implied, alias, (1.0 - prob) / m)
    j = np.arange(m - 1)
    expected = np.append(p * (1 - p) ** j, (1 - p) ** (m - 1))
    np.testing.assert_allclose(implied, expected, rtol=1e-9, atol=1e-15)
    assert inv == pytest.approx(1.0 / math.log1p(-p))


@pytest.mark.parametrize("p", [0.9, 0.12, 0.01, 1e-4])
def test_gap_draws_are_geometric(p):
    """Chi-square goodness of fit of the gaps (table and tail) to Geometric(p)."""
    count = 200_000 if JIT else 5_000
    prob, alias, inv = _skip_table(p)
    state = spawn_states(replicate_streams(3, 1)[1])[0]
    gaps = _draw_gaps(state, prob, alias, inv, count)
    assert gaps.min() >= 0
    # Bins [edges[i], edges[i+1]) at the geometric's 2.5% quantiles (and 0..3), the
    # last one open: this covers the table's outcomes and its tail.
    quantiles = np.floor(np.log1p(-np.linspace(0, 1, 41)[:-1]) / math.log1p(-p))
    edges = np.union1d(quantiles, np.arange(4)).astype(np.int64)
    survival = np.append((1.0 - p) ** edges.astype(float), 0.0)
    expected = -np.diff(survival) * count
    observed = np.bincount(np.searchsorted(edges, gaps, side="right") - 1, minlength=edges.size)
    keep = expected > 0
    assert observed[~keep].sum() == 0
    chi2 = ((observed[keep] - expected[keep]) ** 2 / expected[keep]).sum()
    assert stats.chi2.sf(chi2, keep.sum() - 1) > ALPHA
    mean, sd = (1 - p) / p, math.sqrt(1 - p) / p
    assert abs(gaps.mean() - mean) < Z * sd / math.sqrt(count)


# ---------------------------------------------------- statistical vs naive
def _ic_vs_naive(g, seeds, p, p_ref, R, seed):
    res = independent_cascade(g, seeds, p=p, replicates=R, seed=seed)
    hist, steps = _reference(lambda rng: naive_ic(g, seeds, p_ref, rng), R, seed)
    _compare_runs(res, hist, steps, "ic")


@pytest.mark.parametrize("graph", GRAPHS[:2])
def test_ic_uniform_p_matches_naive(graph):
    g = _graph(*graph)
    _ic_vs_naive(g, [0, 1], 0.3, 0.3, R=4000, seed=graph[3])


@pytest.mark.parametrize("graph", GRAPHS[:2])
def test_ic_per_arc_p_matches_naive(graph):
    g = _graph(*graph)
    probs = _arc_probs(g, graph[3], 0.0, 0.7)
    _ic_vs_naive(g, [0, 1], _aligned(from_networkx(g), probs), probs, R=4000, seed=graph[3])


@pytest.mark.parametrize("graph", GRAPHS[:2])
def test_sir_matches_naive(graph):
    g = _graph(*graph)
    seeds = [0, 1]
    R = 3000
    res = sir(g, seeds, beta=0.2, gamma=0.4, replicates=R, seed=graph[3])
    hist, steps = _reference(lambda rng: naive_sir(g, seeds, 0.2, 0.4, rng), R, graph[3])
    _compare_runs(res, hist, steps, "sir")


@pytest.mark.parametrize("graph", GRAPHS[:2])
def test_si_matches_naive(graph):
    """SI on a horizon (left alone it reaches everything reachable)."""
    g = _graph(*graph)
    seeds = [0]
    R, T = 3000, 6
    res = si(g, seeds, beta=0.15, replicates=R, steps=T, seed=graph[3])
    hist, _ = _reference(lambda rng: naive_si(g, seeds, 0.15, rng, steps=T), R, graph[3])
    ref = _pad(hist, T + 1)
    for t in (2, 4, 6):
        _assert_same_distribution(res.counts[:, t, 1], ref[:, t, 1], f"infected at {t}")
    _assert_means_agree(res.counts, ref, "mean curve (S, I)")


@pytest.mark.slow
@heavy
@pytest.mark.parametrize("graph", GRAPHS)
@pytest.mark.parametrize("p", [0.05, 0.2, 0.5, 0.85])
def test_ic_uniform_p_matches_naive_slow(graph, p):
    g = _graph(*graph)
    _ic_vs_naive(g, [0, 1, 2], p, p, R=6000, seed=17 + graph[3])


@pytest.mark.slow
@heavy
@pytest.mark.parametrize("graph", GRAPHS[2:])
def test_ic_per_arc_p_matches_naive_slow(graph):
    g = _graph(*graph)
    probs = _arc_probs(g, graph[3], 0.0, 0.6)
    _ic_vs_naive(g, [0, 1], _aligned(from_networkx(g), probs), probs, R=6000, seed=graph[3])


@pytest.mark.slow
@heavy
@pytest.mark.parametrize("graph", GRAPHS)
@pytest.mark.parametrize(("beta", "gamma", "per_arc"), [(0.1, 0.2, False), (0.3, 0.7, True)])
def test_sir_matches_naive_slow(graph, beta, gamma, per_arc):
    g = _graph(*graph)
    seeds = [0, 1]
    R = 5000
    beta_ref = _arc_probs(g, 5, 0.0, 2 * beta) if per_arc else beta
    beta_arg = _aligned(from_networkx(g), beta_ref) if per_arc else beta
    res = sir(g, seeds, beta=beta_arg, gamma=gamma, replicates=R, seed=graph[3])
    hist, steps = _reference(lambda rng: naive_sir(g, seeds, beta_ref, gamma, rng), R, 1)
    _compare_runs(res, hist, steps, "sir")


@pytest.mark.slow
@heavy
@pytest.mark.parametrize("graph", GRAPHS)
def test_si_per_arc_matches_naive_slow(graph):
    g = _graph(*graph)
    seeds = [0]
    R, T = 5000, 8
    beta_ref = _arc_probs(g, 8, 0.0, 0.4)
    res = si(g, seeds, beta=_aligned(from_networkx(g), beta_ref), replicates=R, steps=T, seed=3)
    hist, _ = _reference(lambda rng: naive_si(g, seeds, beta_ref, rng, steps=T), R, 3)
    ref = _pad(hist, T + 1)
    _assert_means_agree(res.counts, ref, "mean curve (S, I)")
    _assert_same_distribution(res.counts[:, T, 1], ref[:, T, 1], "infected at T")


@pytest.mark.parametrize("graph", GRAPHS)
def test_ic_equals_sir_with_gamma_one(graph):
    """IC(p) and SIR(beta = p, gamma = 1) are the same process (two kernels)."""
    g = _graph(*graph)
    R = 6000
    ic = independent_cascade(g, [0, 1], p=0.25, replicates=R, seed=1)
    s = sir(g, [0, 1], beta=0.25, gamma=1.0, replicates=R, seed=2)
    _assert_same_distribution(ic.final_adopted, s.final_adopted, "final")
    _assert_same_distribution(ic.steps_taken + 1, s.steps_taken, "steps")
    T = min(ic.counts.shape[1], s.counts.shape[1])
    _assert_means_agree(ic.adopted[:, :T], s.adopted[:, :T], "mean adopted curve")


def test_small_statistical_check_runs_without_jit():
    """A small IC check with the skip path (also run as pure Python)."""
    g = nx.karate_club_graph()
    R = 600
    res = independent_cascade(g, [0], p=0.15, replicates=R, seed=8)
    hist, steps = _reference(lambda rng: naive_ic(g, [0], 0.15, rng), R, 8)
    _compare_runs(res, hist, steps, "ic")


# --------------------------------------------------------- reproducibility
def _runs(**kw):
    g = _graph(60, 0.08, True, 4)
    probs = _aligned(from_networkx(g), _arc_probs(g, 1, 0.0, 0.5))
    return [
        independent_cascade(g, 3, p=0.3, **kw),
        independent_cascade(g, [0, 5], p=probs, **kw),
        si(g, 2, beta=0.1, steps=5, **kw),
        sir(g, [0], beta=0.3, gamma=0.3, **kw),
        sir(g, 2, beta=probs, gamma=0.5, **kw),
    ]


def _same(a, b):
    return np.array_equal(a.counts, b.counts) and np.array_equal(a.steps_taken, b.steps_taken)


def test_same_seed_same_result_and_other_seed_differs():
    a = _runs(replicates=20, seed=12)
    b = _runs(replicates=20, seed=12)
    c = _runs(replicates=20, seed=13)
    for x, y, z in zip(a, b, c, strict=True):
        assert _same(x, y)
        assert x.seed == 12
        assert not _same(x, z)


def test_replicate_does_not_depend_on_replicate_count():
    small = _runs(replicates=5, seed=3)
    big = _runs(replicates=10, seed=3)
    for s, b in zip(small, big, strict=True):
        T = min(s.counts.shape[1], b.counts.shape[1])
        assert np.array_equal(s.counts[:, :T], b.counts[:5, :T])
        assert np.array_equal(s.steps_taken, b.steps_taken[:5])


_SCRIPT = """
import hashlib, sys
sys.path.insert(0, {tests!r})
from contagion.test_cascade import _runs
h = hashlib.sha256()
for res in _runs(replicates=6, seed=31):
    h.update(res.counts.tobytes())
    h.update(res.steps_taken.tobytes())
print(h.hexdigest())
"""


@pytest.mark.skipif(not JIT, reason="compares the compiled kernels with pure Python")
def test_pure_python_kernels_match_compiled_bit_for_bit():
    """NUMBA_DISABLE_JIT=1 runs the same kernels as plain Python: same numbers."""
    import hashlib
    import os
    import subprocess

    h = hashlib.sha256()
    for res in _runs(replicates=6, seed=31):
        h.update(res.counts.tobytes())
        h.update(res.steps_taken.tobytes())
    script = _SCRIPT.format(tests=str(Path(__file__).resolve().parents[1]))
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == h.hexdigest()


@pytest.mark.skipif(not JIT, reason="threads only exist when compiled")
def test_thread_count_does_not_change_results():
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = _runs(replicates=40, seed=21)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = _runs(replicates=40, seed=21)
    finally:
        numba.set_num_threads(before)
    for a, b in zip(one, two, strict=True):
        assert _same(a, b)


def test_arcs_examined_counts_tries():
    """The benchmark's work measure: arcs out of every node that tried."""
    g = _graph(60, 0.05, False, 3)
    net = from_networkx(g)
    res, arcs = _run_ic(net, [0, 1], 1.0, replicates=2, seed=1)
    reached = bfs_layers(g, [0, 1])
    assert arcs.tolist() == [sum(g.degree(v) for v in reached)] * 2
    res, arcs = _run_ic(net, [0, 1], 0.3, replicates=50, seed=1)
    assert (arcs <= 2 * g.number_of_edges()).all() and (arcs > 0).all()


# ------------------------------------------------------------- bad input
def _bad_cases():
    g = nx.path_graph(5)
    return [
        (independent_cascade, (g, [0]), {"p": 1.5}, "p"),
        (independent_cascade, (g, [0]), {"p": -0.1}, "p"),
        (independent_cascade, (g, [0]), {"p": float("nan")}, "p"),
        (independent_cascade, (g, [0]), {"p": float("inf")}, "p"),
        (independent_cascade, (g, [0]), {"p": True}, "p"),
        (independent_cascade, (g, [0]), {"p": None}, "p"),
        (independent_cascade, (g, [0]), {"p": 1j}, "p"),
        (independent_cascade, (g, [0]), {"p": "trust"}, "p"),
        (independent_cascade, (g, [0]), {"p": np.full(3, 0.5)}, "p"),
        (independent_cascade, (g, [0]), {"p": np.full(8, np.nan)}, "p"),
        (independent_cascade, (g, [0]), {"p": np.full(8, 2.0)}, "p"),
        (independent_cascade, (g, [9]), {}, "seeds"),
        (independent_cascade, (g, ["x"]), {}, "seeds"),
        (independent_cascade, (g, []), {}, "seeds"),
        (independent_cascade, (g, 0), {}, "seeds"),
        (independent_cascade, (g, -2), {}, "seeds"),
        (independent_cascade, (g, 6), {}, "seeds"),
        (independent_cascade, (g, 2.5), {}, "seeds"),
        (independent_cascade, (g, None), {}, "seeds"),
        (independent_cascade, (nx.Graph(), 1), {}, "network"),
        (independent_cascade, ("graph", 1), {}, "network"),
        (independent_cascade, (g, [0]), {"steps": -1}, "steps"),
        (independent_cascade, (g, [0]), {"steps": 1.5}, "steps"),
        (independent_cascade, (g, [0]), {"replicates": 0}, "replicates"),
        (independent_cascade, (g, [0]), {"seed": -3}, "seed"),
        (si, (g, [0], 1.01), {}, "beta"),
        (si, (g, [0], float("nan")), {}, "beta"),
        (si, (g, [0], None), {}, "beta"),
        (si, (g, [0], np.zeros(2)), {}, "beta"),
        (sir, (g, [0], 0.5, 1.5), {}, "gamma"),
        (sir, (g, [0], 0.5, None), {}, "gamma"),
        (sir, (g, [0], 0.5, float("nan")), {}, "gamma"),
        (sir, (g, [0], -0.5, 0.5), {}, "beta"),
        (sir, (g, [10], 0.5, 0.5), {}, "seeds"),
    ]


@pytest.mark.parametrize(("fn", "args", "kwargs", "key"), _bad_cases())
def test_bad_input_names_the_parameter(fn, args, kwargs, key):
    with pytest.raises(ValidationError) as info:
        fn(*args, **kwargs)
    assert info.value.key == key


# ------------------------------------------------------------ properties
@st.composite
def _cases(draw):
    n = draw(st.integers(1, 12))
    directed = draw(st.booleans())
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    edges = draw(st.lists(pairs, max_size=3 * n))
    g = nx.DiGraph() if directed else nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(edges)
    seeds = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True))
    p = draw(st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0.0, 1.0)))
    gamma = draw(st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0.0, 1.0)))
    steps = draw(st.one_of(st.none(), st.integers(0, 6)))
    model = draw(st.sampled_from(["ic", "si", "sir"]))
    return g, seeds, p, gamma, steps, model, draw(st.integers(0, 2**32))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_cases())
def test_invariants(case):
    g, seeds, p, gamma, steps, model, seed = case
    n = g.number_of_nodes()
    kw = {"replicates": 3, "steps": steps, "seed": seed}
    if model == "ic":
        res = independent_cascade(g, seeds, p=p, **kw)
    else:
        # Left alone (steps=None), SI/SIR with a tiny beta or gamma run about
        # 1/beta or 1/gamma steps: that is the model, not a property under test.
        if steps is None:
            p = p if p == 0 else max(p, 0.01)
            gamma = gamma if gamma == 0 else max(gamma, 0.01)
        if model == "si":
            res = si(g, seeds, beta=p, **kw)
        else:
            res = sir(g, seeds, beta=p, gamma=gamma, **kw)
    counts = res.counts
    assert (counts >= 0).all()
    assert (counts.sum(axis=2) == n).all()
    assert (counts[:, 0, 1] == len(seeds)).all()
    assert (counts[:, 0, 0] == n - len(seeds)).all()
    adopted = res.adopted
    assert (np.diff(adopted, axis=1) >= 0).all()
    if model == "sir":
        assert (np.diff(counts[:, :, 2], axis=1) >= 0).all()
    reach = len(bfs_layers(g, seeds))
    assert (res.final_adopted <= reach).all()
    if steps is not None:
        assert counts.shape[1] == steps + 1
        assert (res.steps_taken <= steps).all()
    if p == 1.0 and steps is None:
        assert (res.final_adopted == reach).all()
    if p == 0.0:
        assert (res.final_adopted == len(seeds)).all()
    if model == "sir" and steps is None and gamma > 0:
        assert (counts[:, -1, 1] == 0).all()
