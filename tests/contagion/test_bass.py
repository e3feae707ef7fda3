"""Bass on a network and in the mean field against tests/naive.py and exact laws.

Bass is random at every step, so the comparisons are statistical: exact laws where
they are known (the binomial sampler; the first step, a Poisson-binomial on a
network), else the naive reference's mean curve; every tolerance comes from the Monte
Carlo standard error at a fixed significance level, each test running once with a
fixed seed.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import networkx as nx
import numba
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from sim.contagion._common import replicate_states
from sim.contagion._rng import replicate_streams, spawn_states
from sim.contagion.bass import (
    _binomial_batch,
    bass,
    bass_closed_form,
    bass_discrete,
    bass_mean_field,
)
from sim.errors import ValidationError
from sim.network.csr import from_networkx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from naive import naive_bass, naive_bass_mean_field  # noqa: E402

JIT = not numba.config.DISABLE_JIT
ALPHA = 1e-4


def _chi2_pvalue(observed: np.ndarray, expected: np.ndarray) -> float:
    """Goodness of fit, adjacent bins merged until each expects >= 5."""
    obs, exp = [], []
    o_acc = e_acc = 0.0
    for o, e in zip(observed, expected, strict=True):
        o_acc += o
        e_acc += e
        if e_acc >= 5:
            obs.append(o_acc)
            exp.append(e_acc)
            o_acc = e_acc = 0.0
    if e_acc > 0 and obs:
        obs[-1] += o_acc
        exp[-1] += e_acc
    obs, exp = np.array(obs), np.array(exp)
    if len(obs) < 2:
        return 1.0
    return float(stats.chi2.sf(((obs - exp) ** 2 / exp).sum(), len(obs) - 1))


def _draws(N, prob, size, seed=0):
    state = spawn_states(replicate_streams(seed, 1)[1])[0]
    return _binomial_batch(state, N, prob, size)


# ----------------------------------------------------------- binomial sampler
@pytest.mark.parametrize(
    ("N", "prob"),
    [(1, 0.3), (20, 0.05), (200, 0.3), (1000, 0.01), (57, 0.5), (300, 0.8), (40, 0.97)],
)
def test_binomial_sampler_mean_variance_and_law(N, prob):
    size = 40_000 if JIT else 2_000
    x = _draws(N, prob, size, seed=N)
    mean, var = N * prob, N * prob * (1 - prob)
    # Standard errors of the sample mean and of the sample variance (from the fourth
    # central moment of the binomial, mu4 = N p q (1 + 3 (N - 2) p q)).
    mu4 = var * (1 + 3 * (N - 2) * prob * (1 - prob))
    se_mean = np.sqrt(var / size)
    se_var = np.sqrt((mu4 - var**2 * (size - 3) / (size - 1)) / size)
    z = stats.norm.isf(ALPHA / 2)
    assert abs(x.mean() - mean) <= z * se_mean
    assert abs(x.var(ddof=1) - var) <= z * se_var
    observed = np.bincount(x, minlength=N + 1)
    assert observed.size == N + 1  # never above N
    assert _chi2_pvalue(observed, size * stats.binom.pmf(np.arange(N + 1), N, prob)) > ALPHA


def test_binomial_sampler_edge_cases():
    assert (_draws(0, 0.4, 10) == 0).all()
    assert (_draws(25, 0.0, 10) == 0).all()
    assert (_draws(25, 1.0, 10) == 25).all()
    assert (_draws(10**9, 1e-12, 100) <= 2).all()  # mean 1e-3; far from overflow
    if JIT:  # ~1e6 uniform draws per sample: too slow as plain Python
        big = _draws(4 * 10**6, 0.5, 3)
        assert (np.abs(big - 2e6) < 6 * np.sqrt(1e6)).all()


# -------------------------------------------------------------- mean field
def test_mean_field_first_step_is_binomial():
    n, initial, p, q, dt = 400, 40, 0.05, 0.6, 0.5
    R = 10_000 if JIT else 2_000
    res = bass_mean_field(p, q, n, steps=1, dt=dt, initial=initial, replicates=R, seed=3)
    new = res.adopted[:, 1] - initial
    prob = (p + q * initial / n) * dt
    expected = R * stats.binom.pmf(np.arange(n - initial + 1), n - initial, prob)
    assert _chi2_pvalue(np.bincount(new, minlength=n - initial + 1), expected) > ALPHA


def test_mean_field_mean_curve_matches_naive():
    n, p, q, steps = 60, 0.03, 0.4, 15
    rng = random.Random(4)
    Rn = 800 if JIT else 200
    naive = np.array([naive_bass_mean_field(p, q, n, steps, rng) for _ in range(Rn)])
    Rk = 10_000 if JIT else 2_000
    ours = bass_mean_field(p, q, n, steps=steps, replicates=Rk, seed=5).adopted
    se = np.sqrt(ours.var(axis=0, ddof=1) / Rk + naive.var(axis=0, ddof=1) / Rn)[1:]
    z = stats.norm.isf(ALPHA / (2 * steps))  # Bonferroni over the steps
    assert (np.abs(ours.mean(axis=0) - naive.mean(axis=0))[1:] <= z * se).all()


def test_mean_field_degenerate_cases():
    res = bass_mean_field(0.0, 0.5, 100, steps=10, replicates=3, seed=1)
    assert (res.adopted == 0).all() and (res.steps_taken == 0).all()
    res = bass_mean_field(0.0, 0.0, 100, steps=10, initial=30, seed=1)
    assert (res.adopted == 30).all() and res.steps_taken.tolist() == [0]
    res = bass_mean_field(1.0, 0.0, 100, steps=4, seed=1)
    assert res.adopted.tolist() == [[0, 100, 100, 100, 100]] and res.steps_taken.tolist() == [1]
    res = bass_mean_field(0.1, 0.1, 100, steps=5, initial=100, seed=1)
    assert (res.adopted == 100).all()
    final = bass_mean_field(0.1, 0.4, 1000, steps=30, replicates=4, seed=2, record=False)
    full = bass_mean_field(0.1, 0.4, 1000, steps=30, replicates=4, seed=2)
    assert final.counts.shape == (4, 1, 2)
    assert np.array_equal(final.counts[:, 0], full.counts[:, -1])


def test_mean_field_result_is_a_tidy_cascades():
    res = bass_mean_field(0.03, 0.38, 500, steps=8, replicates=2, seed=9, dt=0.5)
    assert res.num_nodes == 500 and res.seed == 9 and res.horizon == 8
    assert res.state_names == ("non_adopter", "adopter")
    ts = res.timeseries
    assert len(ts) == 2 * 9 and (ts["non_adopter"] + ts["adopter"] == 500).all()
    assert res.params["dt"] == 0.5


# ---------------------------------------------------------------- network
def test_network_first_step_is_poisson_binomial():
    """Step 1 from fixed seeds: independent coins with known probabilities."""
    g = nx.gnp_random_graph(40, 0.15, seed=3, directed=True)
    seeds = [0, 1, 2, 3, 4]
    p, q = 0.05, 0.7
    probs = []
    for v in g.nodes:
        if v in seeds:
            continue
        nbrs = list(g.predecessors(v))
        share = sum(u in seeds for u in nbrs) / len(nbrs) if nbrs else 0.0
        probs.append(min(1.0, p + q * share))
    pmf = np.array([1.0])
    for pr in probs:
        pmf = np.convolve(pmf, [1 - pr, pr])
    R = 10_000 if JIT else 2_000
    res = bass(g, p, q, seeds=seeds, steps=1, replicates=R, seed=8)
    new = res.adopted[:, 1] - len(seeds)
    observed = np.bincount(new, minlength=pmf.size)
    assert observed.size == pmf.size
    assert _chi2_pvalue(observed, R * pmf) > ALPHA


@pytest.mark.parametrize("directed", [False, True])
def test_network_mean_curve_matches_naive(directed):
    g = nx.gnp_random_graph(30, 0.12, seed=6, directed=directed)
    g.add_node(30)  # an isolated node: only p
    p, q, steps = 0.02, 0.5, 12
    rng = random.Random(7)
    Rn = 600 if JIT else 100
    naive = np.array([naive_bass(g, p, q, [0], steps, rng) for _ in range(Rn)])
    Rk = 10_000 if JIT else 800
    ours = bass(g, p, q, seeds=[0], steps=steps, replicates=Rk, seed=8).adopted
    se = np.sqrt(ours.var(axis=0, ddof=1) / Rk + naive.var(axis=0, ddof=1) / Rn)[1:]
    z = stats.norm.isf(ALPHA / (2 * steps))
    assert (np.abs(ours.mean(axis=0) - naive.mean(axis=0))[1:] <= z * se).all()


def test_network_special_cases():
    g = nx.complete_graph(10)
    g.add_nodes_from([10, 11])  # isolated: feel only p
    res = bass(g, 0.0, 1.0, seeds=[0], steps=300, replicates=5, seed=1)
    # p = 0: the clique fills up by imitation (each step every non-adopter adopts with
    # probability >= 1/9, so 300 steps suffice but for ~1e-14), the isolated nodes never
    # adopt, and the run stops once nothing else can change.
    assert (res.final_adopted == 10).all() and (res.steps_taken < 300).all()
    res = bass(g, 1.0, 0.0, steps=3, seed=1)
    assert res.adopted[0].tolist() == [0, 12, 12, 12] and res.steps_taken.tolist() == [1]
    res = bass(g, 0.0, 0.0, seeds=[0], steps=5, seed=1)
    assert res.adopted[0].tolist() == [1] * 6 and res.steps_taken.tolist() == [0]
    res = bass(g, 0.0, 0.9, steps=5, seed=1)  # nobody to imitate, no innovation
    assert (res.adopted == 0).all() and res.steps_taken.tolist() == [0]
    path = nx.path_graph(5)
    res = bass(path, 0.0, 1.0, seeds=[0], steps=300, replicates=5, seed=1)
    # Only the node next to the adopted end can adopt: at most one new adopter a step.
    assert (np.diff(res.adopted, axis=1) <= 1).all()
    assert (res.final_adopted == 5).all() and (res.steps_taken < 300).all()


def test_network_stops_when_everybody_adopted():
    g = nx.star_graph(5)
    res = bass(g, 0.5, 0.5, steps=200, replicates=20, seed=2)
    assert (res.final_adopted == 6).all() and (res.steps_taken < 200).all()
    assert res.quiescent.all()


# ------------------------------------------------------------ closed forms
def test_discrete_recursion_and_closed_form():
    f = bass_discrete(0.1, 0.5, 3)
    assert np.allclose(f, [0.0, 0.1, 0.1 + (0.1 + 0.05) * 0.9, 0.235 + (0.1 + 0.5 * 0.235) * 0.765])
    assert np.allclose(bass_discrete(0.2, 0.0, 2, initial=0.5), [0.5, 0.6, 0.68])
    t = np.linspace(0, 30, 301)
    F = bass_closed_form(t, 0.03, 0.38)
    assert F[0] == 0.0 and (np.diff(F) > 0).all() and 0.99 < F[-1] < 1.0
    # It solves F' = (p + q F)(1 - F): central differences, error O(h^2).
    h = t[1] - t[0]
    dF = (F[2:] - F[:-2]) / (2 * h)
    assert np.allclose(dF, (0.03 + 0.38 * F[1:-1]) * (1 - F[1:-1]), atol=1e-3)
    assert isinstance(bass_closed_form(2.0, 0.1, 0.2), float)
    assert (bass_closed_form(t, 0.0, 0.5) == 0).all()
    # q = 0: exponential innovation only, F = 1 - exp(-p t).
    assert np.allclose(bass_closed_form(t, 0.1, 0.0), 1 - np.exp(-0.1 * t))


# ------------------------------------------------------------ reproducibility
def _runs(seed, replicates=6):
    g = nx.gnp_random_graph(60, 0.08, seed=8)
    return [
        bass(g, 0.02, 0.4, seeds=2, steps=15, replicates=replicates, seed=seed).counts,
        bass(g, 0.02, 0.4, steps=15, replicates=replicates, seed=seed).counts,
        bass_mean_field(0.03, 0.4, 1500, steps=15, replicates=replicates, seed=seed).counts,
    ]


def test_same_seed_same_result_and_different_seed_differs():
    a, b, c = _runs(5), _runs(5), _runs(6)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not any(np.array_equal(x, y) for x, y in zip(a, c, strict=True))


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


def test_fast_replicate_states_equal_seedsequence_children():
    """prepare_run's vectorised states are bit-for-bit SeedSequence(seed).spawn(R)[r]."""
    rng = np.random.default_rng(0)
    seeds = [0, 1, 2**32 - 1, 2**32, 2**63 - 1, *map(int, rng.integers(0, 2**63, 10))]
    for seed in seeds:
        for R in (1, 7, 130):
            slow = spawn_states(replicate_streams(seed, R)[1])
            assert np.array_equal(replicate_states(seed, R), slow)


def test_replicate_r_does_not_depend_on_replicates():
    for s, lg in zip(_runs(12, replicates=3), _runs(12, replicates=10), strict=True):
        assert np.array_equal(s, lg[:3])


# ----------------------------------------------------------------- bad input
def test_bad_inputs_raise_validation_errors():
    g = nx.path_graph(4)
    cases = [
        (lambda: bass(g, -0.1, 0.2, steps=3), "p"),
        (lambda: bass(g, 1.1, 0.2, steps=3), "p"),
        (lambda: bass(g, 0.1, 1.2, steps=3), "q"),
        (lambda: bass(g, 0.1, float("nan"), steps=3), "q"),
        (lambda: bass(g, "0.1", 0.2, steps=3), "p"),
        (lambda: bass(g, 0.1, 0.2, steps=None), "steps"),
        (lambda: bass(g, 0.1, 0.2, steps=-1), "steps"),
        (lambda: bass(g, 0.1, 0.2, steps=3, seeds=[7]), "seeds"),
        (lambda: bass(g, 0.1, 0.2, steps=3, replicates=0), "replicates"),
        (lambda: bass(nx.Graph(), 0.1, 0.2, steps=3), "network"),
        (lambda: bass_mean_field(0.1, 0.2, 0, steps=3), "n"),
        (lambda: bass_mean_field(0.1, 0.2, 10.5, steps=3), "n"),
        (lambda: bass_mean_field(-0.1, 0.2, 10, steps=3), "p"),
        (lambda: bass_mean_field(0.1, -0.2, 10, steps=3), "q"),
        (lambda: bass_mean_field(0.6, 0.6, 10, steps=3), "dt"),
        (lambda: bass_mean_field(0.1, 0.2, 10, steps=3, dt=0.0), "dt"),
        (lambda: bass_mean_field(0.1, 0.2, 10, steps=3, dt=-1.0), "dt"),
        (lambda: bass_mean_field(0.1, 0.2, 10, steps=-3), "steps"),
        (lambda: bass_mean_field(0.1, 0.2, 10, steps=None), "steps"),
        (lambda: bass_mean_field(0.1, 0.2, 10, steps=3, initial=11), "initial"),
        (lambda: bass_mean_field(0.1, 0.2, 10, steps=3, seed=-5), "seed"),
        (lambda: bass_closed_form(-1.0, 0.1, 0.2), "t"),
        (lambda: bass_closed_form([1.0, np.inf], 0.1, 0.2), "t"),
        (lambda: bass_closed_form(1.0, -0.1, 0.2), "p"),
        (lambda: bass_closed_form(1.0, 0.1, None), "q"),
        (lambda: bass_discrete(0.7, 0.7, 3), "dt"),
        (lambda: bass_discrete(0.1, 0.2, -1), "steps"),
        (lambda: bass_discrete(0.1, 0.2, 3, initial=1.5), "initial"),
    ]
    for call, key in cases:
        with pytest.raises(ValidationError) as err:
            call()
        assert err.value.key == key, (key, err.value)


# ------------------------------------------------------------ properties
@st.composite
def graphs(draw):
    n = draw(st.integers(1, 14))
    directed = draw(st.booleans())
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=40))
    g = nx.DiGraph() if directed else nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from((u, v) for u, v in pairs if u != v)
    seeds = draw(st.lists(st.integers(0, n - 1), max_size=n, unique=True))
    return g, seeds


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    gs=graphs(),
    p=st.floats(0, 1),
    q=st.floats(0, 1),
    steps=st.integers(0, 12),
    seed=st.integers(0, 2**32),
)
def test_invariants(gs, p, q, steps, seed):
    g, seeds = gs
    n = g.number_of_nodes()
    res = bass(g, p, q, seeds=seeds or None, steps=steps, replicates=3, seed=seed)
    assert res.counts.shape == (3, steps + 1, 2)
    assert (res.counts.sum(axis=2) == n).all()
    assert (np.diff(res.adopted, axis=1) >= 0).all()
    assert (res.adopted[:, 0] == len(seeds)).all()
    assert (res.steps_taken <= steps).all()
    net = from_networkx(g)
    if p == 0 and not (net.in_degree()[net.indices] > 0).any():
        assert (res.final_adopted == len(seeds)).all()
    mf = bass_mean_field(p / 2, q / 2, n, steps=steps, initial=len(seeds), seed=seed)
    assert (mf.counts.sum(axis=2) == n).all() and (np.diff(mf.adopted, axis=1) >= 0).all()
    assert mf.adopted[0, 0] == len(seeds)
