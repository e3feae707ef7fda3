"""Independent cascade against percolation theory on Erdos-Renyi graphs (slow; CI runs them).

On an undirected graph the final set of an independent cascade with probability T
on every edge is the seed's cluster in bond percolation with occupation probability
T (Kempe et al. 2003; Newman 2002). The percolated G(n, c/n) is G(n, cT/n), so with
lambda = cT (n -> infinity):

* lambda < 1: no giant cluster; the mean cluster size of a random vertex is
  ``1 / (1 - lambda)`` (for a general degree sequence, ``1 + T<k> / (1 - T(<k^2> -
  <k>) / <k>)``, which is the same for Poisson degrees). The epidemic threshold is
  ``T_c = <k> / (<k^2> - <k>)`` (= 1/c for Erdos-Renyi).
* lambda > 1: a giant cluster of ``n S`` vertices, ``S = 1 - exp(-lambda S)``; a
  random seed is in it (a large outbreak) with probability S, and otherwise its
  cluster is a cluster of the dual subcritical graph, of mean size
  ``1 / (1 - lambda (1 - S))``.

How the tolerances are derived. The theory is for the random graph ensemble, and a
simulation on one graph measures the conditional mean given that graph, which
differs from the ensemble value by graph-to-graph fluctuations of order sqrt(n)
(the giant cluster's CLT: standard deviation ``sqrt(n S (1 - S)) / (1 - lambda (1 - S))``,
Pittel 1990). Rather than bounding those with asymptotic constants, every check runs
the same Monte Carlo on ``K`` independent graphs and applies a one-sample t-test to
the ``K`` per-graph estimates: their spread measures graph and Monte Carlo error
together, and the t-test is exact for normal per-graph means (each is an average of
hundreds of outbreaks). The finite-n biases left are O(1) vertices in the giant
cluster (from ``E[L1] = nS + O(1)`` and from size-biasing by the seed,
``Var(L1) / E(L1) = O(1)``) and O(1/n) in the small-cluster means, against a
standard error of the mean of tens of vertices and of ~1e-2 respectively: below 0.1
standard error, neglected. Each test is at family-wise level ``ALPHA`` (Bonferroni
over its checks). "Large" means more than n/40 vertices: for the lambdas used, a
finite cluster that size has probability below exp(-60).

References:
    M. E. J. Newman, "Spread of epidemic disease on networks", Phys. Rev. E 66,
    016128 (2002).
    B. Pittel, "On tree census and the giant component in sparse random graphs",
    Random Structures & Algorithms 1(3), 1990.
    D. Kempe, J. Kleinberg, E. Tardos, "Maximizing the spread of influence through a
    social network", KDD 2003.
"""

from __future__ import annotations

import math

import networkx as nx
import numba
import numpy as np
import pytest
from scipy import optimize, stats

from sim.contagion.cascade import independent_cascade
from sim.network.csr import from_networkx

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(numba.config.DISABLE_JIT, reason="large graphs need the compiled kernel"),
]

#: Family-wise significance level of each test.
ALPHA = 1e-3
N = 20_000
MEAN_DEGREE = 4.0
GRAPHS = 20  # K independent Erdos-Renyi graphs
CASCADES = 500  # per graph
LARGE = N // 40


def giant_fraction(lam: float) -> float:
    """The root S > 0 of S = 1 - exp(-lam S) (lam > 1)."""
    return optimize.brentq(lambda s: s - 1.0 + math.exp(-lam * s), 1e-9, 1.0)


@pytest.fixture(scope="module")
def er_graphs():
    """K independent G(n, c/(n-1)) graphs, their degree moments and epidemic thresholds."""
    out = []
    for k in range(GRAPHS):
        g = nx.fast_gnp_random_graph(N, MEAN_DEGREE / (N - 1), seed=1000 + k)
        net = from_networkx(g)
        deg = net.degree().astype(float)
        k1, k2 = deg.mean(), (deg**2).mean()
        out.append((net, k1, k2, k1 / (k2 - k1)))
    return out


def _t_test(values, expected, what, checks):
    """Two-sided one-sample t-test of the per-graph values against theory."""
    values = np.asarray(values, dtype=float)
    expected = np.broadcast_to(np.asarray(expected, dtype=float), values.shape)
    diff = values - expected
    se = diff.std(ddof=1) / math.sqrt(diff.size)
    crit = stats.t.ppf(1.0 - ALPHA / (2 * checks), diff.size - 1)
    print(
        f"{what}: simulated {values.mean():.4f}, theory {expected.mean():.4f}, "
        f"diff {diff.mean():+.4f}, SE {se:.4f}, |t| {abs(diff.mean()) / se:.2f} < {crit:.2f}"
    )
    assert abs(diff.mean()) < crit * se, what


def test_thresholds_of_the_graphs(er_graphs):
    """T_c = <k>/(<k^2> - <k>) is 1/c for Erdos-Renyi, up to sampling of the degrees."""
    tc = np.array([x[3] for x in er_graphs])
    # <k^2> - <k> = c^2 (1 + O(1/sqrt(n c))): 1/c within a few per mille at n = 20,000.
    assert np.all(np.abs(tc * MEAN_DEGREE - 1.0) < 0.02)


def test_subcritical_outbreaks_stay_small(er_graphs):
    """T = 0.6 T_c: mean outbreak size 1 + T<k>/(1 - T(<k^2>-<k>)/<k>), no giant."""
    means, theory, biggest = [], [], 0
    for k, (net, k1, k2, tc) in enumerate(er_graphs):
        T = 0.6 * tc
        res = independent_cascade(net, 1, p=T, replicates=CASCADES, seed=k, record=False)
        size = res.final_adopted
        means.append(size.mean())
        theory.append(1.0 + T * k1 / (1.0 - T * (k2 - k1) / k1))
        biggest = max(biggest, int(size.max()))
    print(f"subcritical: largest outbreak {biggest} of {N}")
    # The cluster-size tail at lambda = 0.6 is ~exp(-0.11 s): nothing near n/40.
    assert biggest < LARGE
    _t_test(means, theory, "subcritical mean outbreak size", checks=1)


def _welch_z(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    se = math.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    return (a.mean() - b.mean()) / se


def test_ic_is_bond_percolation_on_the_same_graph(er_graphs):
    """Kempe et al.'s equivalence, on one fixed graph: the cascade from a random seed
    is distributed as the seed's cluster after keeping each edge with probability T
    (clusters by scipy's connected_components, an independent code path). No
    ensemble or finite-size question arises, so only Monte Carlo error is allowed:
    two-sample tests at family-wise level ALPHA over 4 checks."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    net = er_graphs[0][0]
    T = 1.6 / MEAN_DEGREE
    samples = 3000
    src = np.repeat(np.arange(N), net.degree())
    once = src < net.indices  # each undirected edge once
    u, v = src[once], net.indices[once].astype(np.int64)
    rng = np.random.default_rng(7)
    perc = np.empty(samples, dtype=np.int64)
    for i in range(samples):
        keep = rng.random(u.size) < T
        graph = coo_matrix((np.ones(keep.sum()), (u[keep], v[keep])), shape=(N, N))
        labels = connected_components(graph, directed=False)[1]
        perc[i] = np.count_nonzero(labels == labels[rng.integers(N)])
    ic = independent_cascade(net, 1, p=T, replicates=samples, seed=3, record=False).final_adopted
    z_crit = stats.norm.ppf(1.0 - ALPHA / (2 * 4))
    big_ic, big_perc = ic > LARGE, perc > LARGE
    checks = {
        "P(large)": _welch_z(big_ic, big_perc),
        "mean large size": _welch_z(ic[big_ic], perc[big_perc]),
        "mean small size": _welch_z(ic[~big_ic], perc[~big_perc]),
    }
    for what, z in checks.items():
        print(f"IC vs percolation, {what}: z = {z:+.2f} (|z| < {z_crit:.2f})")
        assert abs(z) < z_crit, what
    # Small-outbreak size distribution: two-sample chi-square, sizes 1..9 and >= 10.
    table = np.array(
        [np.bincount(np.minimum(x[x <= LARGE], 10), minlength=11)[1:] for x in (ic, perc)]
    )
    p = stats.chi2_contingency(table)[1]
    print(f"IC vs percolation, small-size distribution: chi-square p = {p:.3f}")
    assert p > ALPHA / 4


@pytest.mark.parametrize("ratio", [1.6, 2.5])
def test_supercritical_giant_outbreaks(er_graphs, ratio):
    """T = ratio * T_c (T_c = 1/c): large outbreaks of n S, probability S, and small
    outbreaks of mean 1 / (1 - lambda (1 - S))."""
    T = ratio / MEAN_DEGREE
    lam = MEAN_DEGREE * T
    S = giant_fraction(lam)
    share, large_mean, small_mean = [], [], []
    for k, (net, *_rest) in enumerate(er_graphs):
        res = independent_cascade(net, 1, p=T, replicates=CASCADES, seed=100 + k, record=False)
        size = res.final_adopted
        large = size > LARGE
        share.append(large.mean())
        large_mean.append(size[large].mean() / N)
        small_mean.append(size[~large].mean())
    print(f"T = {ratio} T_c: lambda = {lam}, S = {S:.5f}")
    _t_test(large_mean, S, f"T={ratio}T_c large-outbreak size / n", checks=3)
    _t_test(share, S, f"T={ratio}T_c large-outbreak probability", checks=3)
    _t_test(small_mean, 1.0 / (1.0 - lam * (1.0 - S)), f"T={ratio}T_c small-outbreak mean", 3)
