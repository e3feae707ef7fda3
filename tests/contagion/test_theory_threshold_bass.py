"""Threshold and Bass models against closed-form theory (slow; CI runs them).

* Mean-field Bass (large n) against the discrete recursion it converges to as
  n -> infinity, and against Bass's closed form F(t) with small dt (Euler's O(dt)).
* Watts (2002): the cascade window of the fractional threshold model on Erdos-Renyi
  graphs, its boundaries computed from Watts' cascade condition.

Every tolerance is derived (Monte Carlo standard error at a fixed significance level
with a Bonferroni correction, plus proven bounds on the deterministic biases), never
tuned; the numbers observed are recorded in docs/validation.md.
"""

from __future__ import annotations

import numba
import numpy as np
import pytest
from scipy import optimize, stats

from sim.contagion.bass import bass_closed_form, bass_discrete, bass_mean_field
from sim.contagion.threshold import threshold
from sim.network.csr import from_edges

#: Large runs (10^5-10^6 people, 10^4-node graphs): far too slow as plain Python.
heavy = pytest.mark.skipif(numba.config.DISABLE_JIT, reason="too slow without JIT")
#: Family-wise significance level of each statistical test below.
ALPHA = 1e-3
#: Bass parameters: Sultan, Farley & Lehmann's (1990) meta-analytic averages.
P, Q = 0.03, 0.38
HORIZON = 20.0


# ----------------------------------------------------------------- Bass
def _f(F):
    return (P + Q * F) * (1.0 - F)


def _euler_first_order(t):
    """Leading term E(t) of Euler's global error, F_dt(t) = F(t) + dt E(t) + O(dt^2).

    E solves E' = f'(F) E - F''/2, E(0) = 0, with f(F) = (p + q F)(1 - F). Since
    F'' = f'(F) F', the flow of E' = f'(F) E is F'(t)/F'(s), and
    E(t) = -(1/2) F'(t) ln(F'(t)/F'(0)) = -(1/2) f(F(t)) ln(f(F(t)) / p).
    """
    F = bass_closed_form(t, P, Q)
    return -0.5 * _f(F) * np.log(_f(F) / P)


def _finite_n_bias_bound(f, var, dt):
    """B_k with 0 <= f_k - E[F_k] <= B_k, f the recursion, F the simulated share.

    One step maps F to g(F) = F + (p + q F)(1 - F) dt in expectation exactly (the
    binomial mean; no clipping since (p + q) dt <= 1), and g is quadratic with
    g'' = -2 q dt, so E[g(F)] = g(E F) - q dt Var F. Hence
    f_{k+1} - E F_{k+1} = g'(xi) (f_k - E F_k) + q dt Var F_k with xi between E F_k
    and f_k; g' = 1 + (q - p - 2 q F) dt is >= 0 and decreasing in F, so by induction
    B_{k+1} = g'(f_k - B_k) B_k + q dt Var F_k (variances: the sample's).
    """
    B = np.zeros_like(f)
    for k in range(len(f) - 1):
        slope = 1.0 + (Q - P - 2.0 * Q * (f[k] - B[k])) * dt
        B[k + 1] = slope * B[k] + Q * dt * var[k]
    return B


def _simulate(n, dt, replicates, seed):
    steps = int(round(HORIZON / dt))
    res = bass_mean_field(P, Q, n, steps=steps, dt=dt, replicates=replicates, seed=seed)
    share = res.adopted / n
    return steps, share.mean(axis=0), share.var(axis=0, ddof=1)


def _checkpoints(steps, dt):
    every = max(1, int(round(1.0 / dt)))  # once per unit of time
    return np.arange(every, steps + 1, every)


def test_euler_error_is_first_order():
    """bass_discrete(dt) - F(t) = dt E(t) + O(dt^2): halving dt quarters the remainder."""
    t = np.linspace(0, HORIZON, 201)
    E = _euler_first_order(t)
    remainders = []
    for dt in (0.01, 0.005, 0.0025):
        every = int(round(0.1 / dt))
        disc = bass_discrete(P, Q, int(round(HORIZON / dt)), dt=dt)[::every]
        err = disc - bass_closed_form(t, P, Q)
        remainders.append(np.abs(err - dt * E).max())
        # The first-order term is the whole error up to a few per cent at these dt.
        assert np.abs(err - dt * E).max() <= 0.05 * dt * np.abs(E).max()
    ratios = np.array(remainders[:-1]) / np.array(remainders[1:])
    assert np.all((ratios > 3.6) & (ratios < 4.4)), ratios  # O(dt^2): halving dt divides by 4


@pytest.mark.slow
@heavy
def test_mean_field_unit_step_follows_discrete_recursion():
    """dt = 1: the simulated mean share against F_{t+1} = F_t + (p + q F_t)(1 - F_t)."""
    n, dt, R = 200_000, 1.0, 400
    steps, mean, var = _simulate(n, dt, R, seed=20)
    f = bass_discrete(P, Q, steps, dt=dt)
    B = _finite_n_bias_bound(f, var, dt)
    k = _checkpoints(steps, dt)
    z = stats.t.isf(ALPHA / (2 * k.size), R - 1)
    se = np.sqrt(var[k] / R)
    assert np.all(np.abs(mean[k] - f[k]) <= z * se + B[k]), np.abs(mean[k] - f[k]) / se


@pytest.mark.slow
@heavy
def test_mean_field_small_dt_follows_closed_form():
    """dt = 0.02, time t = k dt: the simulated mean share against Bass's F(t).

    mean - F(t) = (mean - f_k) + (f_k - F(t)): the first part is Monte Carlo error
    plus the finite-n bias bound B_k (previous test), the second is Euler's
    discretisation error of the recursion, which test_euler_error_is_first_order
    shows to be dt E(t) to within 5 per cent at dt <= 0.01 (O(dt); at most 1.5e-3 here);
    the tolerance uses the discretisation error itself, |f_k - F(t_k)|.
    """
    n, dt, R = 1_000_000, 0.02, 100
    steps, mean, var = _simulate(n, dt, R, seed=21)
    f = bass_discrete(P, Q, steps, dt=dt)
    B = _finite_n_bias_bound(f, var, dt)
    k = _checkpoints(steps, dt)
    F = bass_closed_form(k * dt, P, Q)
    z = stats.t.isf(ALPHA / (2 * k.size), R - 1)
    se = np.sqrt(var[k] / R)
    discretisation = np.abs(f[k] - F)
    assert discretisation.max() <= 1.05 * dt * np.abs(_euler_first_order(k * dt)).max()
    assert np.all(np.abs(mean[k] - F) <= z * se + B[k] + discretisation)
    # The O(dt) allowance is needed: Monte Carlo error alone does not cover it (the
    # simulation resolves Euler's bias, so a wrong curve could not hide in it).
    assert np.any(np.abs(mean[k] - F) > z * se + B[k])


# ---------------------------------------------------------- Watts window
PHI = 0.18
N_WATTS = 10_000


def _cascade_condition(z):
    """Watts (2002), eq. (3) for Poisson degrees with one threshold phi.

    A node of degree k is vulnerable (one active neighbour suffices) when
    k <= 1/phi; global cascades need sum_k k (k - 1) P(k) rho_k > z. With
    P(k) = e^-z z^k / k!, sum_{k <= K} k (k - 1) P(k) = z^2 P(Poisson(z) <= K - 2), so
    the condition is z P(Poisson(z) <= K - 2) > 1, K = floor(1 / phi).
    """
    K = int(np.floor(1.0 / PHI))
    return z * stats.poisson.cdf(K - 2, z) - 1.0


def _window():
    zs = np.linspace(0.01, 20, 2000)
    v = _cascade_condition(zs)
    return [
        optimize.brentq(_cascade_condition, zs[i], zs[i + 1])
        for i in range(zs.size - 1)
        if v[i] * v[i + 1] < 0
    ]


def _gnp(n, z, rng):
    """An Erdos-Renyi G(n, p = z / (n - 1)) graph: m ~ Binomial(n(n-1)/2, p) edges,
    a uniform m-subset of the pairs (distinct pairs drawn with replacement, then a
    uniform subset of them: the set of pairs seen is exchangeable)."""
    pairs = n * (n - 1) // 2
    m = int(rng.binomial(pairs, z / (n - 1)))
    keys = np.empty(0, dtype=np.int64)
    while keys.size < m:
        u = rng.integers(0, n, 2 * m + 16)
        v = rng.integers(0, n, 2 * m + 16)
        ok = u != v
        lo, hi = np.minimum(u[ok], v[ok]), np.maximum(u[ok], v[ok])
        keys = np.unique(np.concatenate([keys, lo * n + hi]))
    keys = rng.choice(keys, size=m, replace=False)
    return from_edges(keys // n, keys % n, num_nodes=n)


def _global_cascades(z, graphs=10, per_graph=40, seed=0):
    """How many of graphs * per_graph single-seed cascades reach > 50% of nodes."""
    rng = np.random.default_rng([seed, int(z * 100)])
    hits = sizes = 0
    for gi in range(graphs):
        net = _gnp(N_WATTS, z, rng)
        res = threshold(net, 1, phi=PHI, replicates=per_graph, seed=1000 * seed + gi, record=False)
        big = res.final_adopted > N_WATTS / 2
        hits += int(big.sum())
        sizes += int(res.final_adopted[big].sum())
    return hits, graphs * per_graph, (sizes / hits / N_WATTS if hits else 0.0)


def test_watts_window_boundaries():
    lower, upper = _window()
    # Lower boundary: z slightly above 1 (the giant component appears at z = 1).
    assert 1.0 < lower < 1.05 and 5.7 < upper < 5.8


@pytest.mark.slow
@heavy
@pytest.mark.parametrize("z", [2.0, 3.0, 4.0, 5.0])
def test_watts_global_cascades_inside_window(z):
    lower, upper = _window()
    assert lower < z < upper and _cascade_condition(z) > 0
    hits, total, _ = _global_cascades(z)
    # Reject "global cascades are negligible (frequency <= 5%)" at level ALPHA.
    assert hits > stats.binom.isf(ALPHA, total, 0.05)


@pytest.mark.slow
@heavy
@pytest.mark.parametrize("z", [0.5, 8.0, 12.0])
def test_watts_no_global_cascades_outside_window(z):
    lower, upper = _window()
    assert (z < lower or z > upper) and _cascade_condition(z) < 0
    hits, total, _ = _global_cascades(z)
    # "Essentially never": the data must not reject frequency <= 1% at level ALPHA.
    assert hits <= stats.binom.isf(ALPHA, total, 0.01)
