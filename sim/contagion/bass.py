"""Bass diffusion: on a network, in the mean field, and its closed forms.

The Bass (1969) model splits adoption into innovation (a rate ``p``, independent of
others) and imitation (a rate ``q`` times the share of adopters one sees).

* :func:`bass`: on a network, each non-adopter adopts at each step with
  probability ``min(1, p + q * s_v)``, ``s_v`` the share of its in-neighbours that had
  adopted at the start of the step (synchronous updates).
* :func:`bass_mean_field`: the complete graph without building it; each step the
  ``n - A`` non-adopters adopt with probability ``(p + q A / n) dt``, so the number
  of new adopters is ``Binomial(n - A, (p + q A / n) dt)``, drawn exactly.
* :func:`bass_closed_form` and :func:`bass_discrete`: the deterministic curves the
  mean field converges to (as ``n -> infinity``, then ``dt -> 0``), used to validate
  the simulators and to calibrate ``p`` and ``q``.

References:
    F. M. Bass, "A new product growth for model consumer durables", Management
    Science 15(5): 215-227, 1969.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Sequence

import numba
import numpy as np
from numba import njit, prange

from sim.contagion._common import (
    Cascades,
    as_network,
    check_int,
    check_nonnegative,
    check_probability,
    fresh_seed,
    prepare_run,
    replicate_states,
)
from sim.contagion._rng import uniform, uniform_open
from sim.errors import ValidationError

__all__ = ["bass", "bass_closed_form", "bass_discrete", "bass_mean_field"]

BASS_STATES = ("non_adopter", "adopter")


# --------------------------------------------------------------------- kernels
@njit(inline="always", cache=True)
def _write_row(counts, r, t, n, adopters):
    tb = counts.shape[1]
    row = t if t < tb else tb - 1
    counts[r, row, 0] = n - adopters
    counts[r, row, 1] = adopters


@njit(cache=True)
def _binomial(state, N, prob):
    """An exact ``Binomial(N, prob)`` draw from the xoshiro stream ``state``.

    Counts the successes among N Bernoulli trials by jumping from one success to
    the next with geometric skips (``floor(log U / log(1 - p))`` failures, U in
    (0, 1]), counting failures instead when ``prob > 1/2``: about
    ``N min(prob, 1 - prob) + 1`` uniform draws.
    """
    if N <= 0 or prob <= 0.0:
        return 0
    if prob >= 1.0:
        return N
    flip = prob > 0.5
    pp = 1.0 - prob if flip else prob
    log1m = math.log1p(-pp)
    k = 0
    pos = -1.0
    limit = float(N)
    while True:
        pos += math.floor(math.log(uniform_open(state)) / log1m) + 1.0
        if pos >= limit:
            break
        k += 1
    return N - k if flip else k


@njit(cache=True)
def _binomial_batch(state, N, prob, size):
    """``size`` successive draws of :func:`_binomial` (for tests)."""
    out = np.empty(size, dtype=np.int64)
    for i in range(size):
        out[i] = _binomial(state, N, prob)
    return out


@njit(cache=True)
def _bass_run(
    indptr, indices, inv_indeg, p, q, seed_ptr, seed_nodes, states, max_steps, r_lo, r_hi,
    adopted, seen, pool, new, counts, steps_out,
):  # fmt: skip
    """Replicates ``r_lo .. r_hi - 1`` of Bass on a network, one after the other.

    ``inv_indeg[v]`` is ``1 / in_degree(v)`` (0 with none). Workspace (length n):
    ``adopted`` (uint8), ``seen[v]`` adopted in-neighbours (int32), ``pool`` the
    non-adopters (swap-removal) and ``new`` this step's adopters (int32). ``exposed``
    counts non-adopters with ``seen > 0``, so that with ``p == 0`` the run stops when
    no one can adopt any more.
    """
    n = indptr.shape[0] - 1
    for r in range(r_lo, r_hi):
        state = states[r]
        adopted[:] = 0
        seen[:] = 0
        for i in range(seed_ptr[r], seed_ptr[r + 1]):
            adopted[seed_nodes[i]] = 1
        adopters = seed_ptr[r + 1] - seed_ptr[r]
        m = 0
        exposed = 0
        for v in range(n):
            if adopted[v] == 0:
                pool[m] = v
                m += 1
        for i in range(seed_ptr[r], seed_ptr[r + 1]):
            u = seed_nodes[i]
            for a in range(indptr[u], indptr[u + 1]):
                w = indices[a]
                if adopted[w] == 0:
                    if seen[w] == 0:
                        exposed += 1
                    seen[w] += 1
        t = 0
        _write_row(counts, r, 0, n, adopters)
        while t < max_steps:
            if m == 0 or (p == 0.0 and (q == 0.0 or exposed == 0)):
                break
            t += 1
            k = 0
            i = 0
            while i < m:
                v = pool[i]
                if uniform(state) < p + q * seen[v] * inv_indeg[v]:
                    new[k] = v
                    k += 1
                    m -= 1
                    pool[i] = pool[m]
                else:
                    i += 1
            for j in range(k):
                u = new[j]
                adopted[u] = 1
                if seen[u] > 0:
                    exposed -= 1
                for a in range(indptr[u], indptr[u + 1]):
                    w = indices[a]
                    if adopted[w] == 0:
                        if seen[w] == 0:
                            exposed += 1
                        seen[w] += 1
            adopters += k
            _write_row(counts, r, t, n, adopters)
        steps_out[r] = t


@njit(parallel=True, cache=True)
def _bass_kernel(
    indptr, indices, inv_indeg, p, q, seed_ptr, seed_nodes, states, max_steps, nchunks,
    counts, steps_out,
):  # fmt: skip
    """All R replicates of :func:`_bass_run` in ``nchunks`` parallel chunks (each
    with its own workspace; replicate ``r`` only draws from ``states[r]``)."""
    R = seed_ptr.shape[0] - 1
    n = indptr.shape[0] - 1
    nchunks = max(1, min(R, nchunks))
    for c in prange(nchunks):
        _bass_run(
            indptr, indices, inv_indeg, p, q, seed_ptr, seed_nodes, states, max_steps,
            c * R // nchunks, (c + 1) * R // nchunks,
            np.zeros(n, dtype=np.uint8), np.zeros(n, dtype=np.int32),
            np.empty(n, dtype=np.int32), np.empty(n, dtype=np.int32), counts, steps_out,
        )  # fmt: skip


@njit(cache=True)
def _mean_field_run(n, p, q, dt, initial, states, max_steps, r_lo, r_hi, counts, steps_out):
    """Mean-field Bass, replicates ``r_lo .. r_hi - 1``:
    ``A += Binomial(n - A, min(1, (p + q A / n) dt))`` per step.

    Every row of ``counts`` is written (the final state carried forward).
    """
    tb = counts.shape[1]
    for r in range(r_lo, r_hi):
        state = states[r]
        adopters = initial
        t = 0
        _write_row(counts, r, 0, n, adopters)
        while t < max_steps:
            if adopters == n or (p == 0.0 and (adopters == 0 or q == 0.0)):
                break
            prob = min(1.0, (p + q * adopters / n) * dt)
            adopters += _binomial(state, n - adopters, prob)
            t += 1
            _write_row(counts, r, t, n, adopters)
        steps_out[r] = t
        for row in range(t + 1, tb):
            counts[r, row, 0] = n - adopters
            counts[r, row, 1] = adopters


@njit(parallel=True, cache=True)
def _mean_field_kernel(n, p, q, dt, initial, states, max_steps, counts, steps_out):
    """All R replicates of :func:`_mean_field_run`, in parallel over ``prange(R)``."""
    for r in prange(states.shape[0]):
        _mean_field_run(n, p, q, dt, initial, states, max_steps, r, r + 1, counts, steps_out)


def _serial(R: int) -> bool:
    """Run in the calling thread when parallelism cannot help (no thread wake-up)."""
    return R == 1 or numba.get_num_threads() == 1


# --------------------------------------------------------------------- public
def _check_steps(steps) -> int:
    if steps is None:
        raise ValidationError(
            "Bass never stops by itself: give a horizon (steps >= 0)", key="steps"
        )
    return check_int(steps, "steps", minimum=0)


def bass(
    network,
    p: float,
    q: float,
    *,
    seeds: int | Sequence[Hashable] | None = None,
    replicates: int = 1,
    steps: int,
    seed: int | None = None,
    record: bool = True,
) -> Cascades:
    """Bass diffusion on a network, synchronous steps.

    At each step every non-adopter ``v`` adopts with probability
    ``min(1, p + q * a_v / d_v)``, where ``d_v`` is its in-degree (its number of
    neighbours on an undirected network) and ``a_v`` how many of them had adopted
    at the start of the step. Nodes with no in-neighbours feel only ``p``.

    Args:
        network: A :class:`~sim.network.Network` or a networkx graph.
        p: Innovation probability per step, in [0, 1].
        q: Imitation probability per step when every neighbour has adopted, in [0, 1]
            (it multiplies a share, so ``q > 1`` would only saturate the probability).
        seeds: Initial adopters: ``None`` (nobody; adoption starts from ``p``), an int
            k (k random nodes per replicate) or a sequence of node labels.
        replicates: Number of replicates R >= 1.
        steps: Horizon (required: Bass only stops when everybody has adopted).
        seed: Master seed (int >= 0) or ``None`` for a fresh one (recorded).
        record: Keep the per-step counts (else only the final state).

    Returns:
        :class:`~sim.contagion._common.Cascades` with states ``("non_adopter", "adopter")``.

    Raises:
        ValidationError: ``p`` or ``q`` outside [0, 1], no or negative ``steps``, bad
            network, seeds or run options.

    Examples:
        >>> import networkx as nx
        >>> g = nx.complete_graph(20)
        >>> res = bass(g, 0.05, 0.5, steps=30, replicates=4, seed=3)
        >>> res.counts.shape
        (4, 31, 2)
        >>> bool((res.counts.sum(axis=2) == 20).all())
        True
        >>> bass(g, 1.0, 0.0, steps=5, seed=0).adopted[0].tolist()  # all at once
        [0, 20, 20, 20, 20, 20]

    Notes:
        Cost per replicate: O(T (n - A) + m): one uniform draw per non-adopter and
        step, plus one pass over the out-arcs of each adopter. Replicate ``r`` draws
        only from its own stream, so results do not depend on the number of threads.
        The run stops early once everybody has adopted, or when ``p == 0`` and no
        non-adopter has an adopted neighbour.

    References:
        F. M. Bass, "A new product growth for model consumer durables", Management
        Science 15(5): 215-227, 1969.
    """
    p = check_probability(p, "p")
    q = check_probability(q, "q")
    steps = _check_steps(steps)
    net = as_network(network)
    plan = prepare_run(
        net, seeds, replicates=replicates, steps=steps, seed=seed, record=record,
        allow_no_seeds=True,
    )  # fmt: skip
    indeg = net.in_degree().astype(np.float64)
    inv = np.zeros(net.num_nodes, dtype=np.float64)
    np.divide(1.0, indeg, out=inv, where=indeg > 0)
    R = plan.seed_ptr.shape[0] - 1
    counts = np.zeros((R, plan.record, 2), dtype=np.int64)
    steps_out = np.zeros(R, dtype=np.int64)
    args = (
        net.indptr, net.indices, inv, p, q, plan.seed_ptr, plan.seed_nodes, plan.states,
        plan.max_steps,
    )  # fmt: skip
    if _serial(R):
        n = net.num_nodes
        work = [np.zeros(n, dtype=np.uint8), np.zeros(n, dtype=np.int32)]
        work += [np.empty(n, dtype=np.int32), np.empty(n, dtype=np.int32)]
        _bass_run(*args, 0, R, *work, counts, steps_out)
    else:
        with numba.parallel_chunksize(1):  # chunks handed out one at a time
            _bass_kernel(*args, 4 * numba.get_num_threads(), counts, steps_out)
    return Cascades.from_kernel("bass", BASS_STATES, counts, steps_out, net, plan, {"p": p, "q": q})


def bass_mean_field(
    p: float,
    q: float,
    n: int,
    *,
    steps: int,
    dt: float = 1.0,
    replicates: int = 1,
    seed: int | None = None,
    initial: int = 0,
    record: bool = True,
) -> Cascades:
    """Stochastic mean-field Bass model (the complete graph, never built).

    With ``A`` adopters among ``n`` people, each of the ``n - A`` non-adopters adopts
    in a step of length ``dt`` with probability ``(p + q A / n) dt``, independently:
    the new adopters are ``Binomial(n - A, (p + q A / n) dt)``. Step ``t`` is time
    ``t dt``. As ``n -> infinity`` the adopted share follows :func:`bass_discrete`,
    and as ``dt -> 0`` too, :func:`bass_closed_form`.

    Args:
        p: Innovation rate per unit time, >= 0.
        q: Imitation rate per unit time, >= 0.
        n: Population size, >= 1.
        steps: Number of steps T (required).
        dt: Step length > 0, with ``(p + q) dt <= 1`` so that every probability is
            at most 1.
        replicates: Number of replicates R >= 1.
        seed: Master seed (int >= 0) or ``None`` for a fresh one (recorded).
        initial: Adopters at time 0, in [0, n].
        record: Keep the per-step counts (else only the final state).

    Returns:
        :class:`~sim.contagion._common.Cascades` with ``num_nodes = n`` and states
        ``("non_adopter", "adopter")``.

    Raises:
        ValidationError: ``p`` or ``q`` negative or not finite, ``dt <= 0``,
            ``(p + q) dt > 1``, ``n < 1``, ``initial`` outside [0, n], bad ``steps``,
            ``replicates`` or ``seed``.

    Examples:
        >>> res = bass_mean_field(0.03, 0.38, 10_000, steps=20, replicates=3, seed=1)
        >>> res.counts.shape, bool((res.counts.sum(axis=2) == 10_000).all())
        ((3, 21, 2), True)
        >>> bool((np.diff(res.adopted, axis=1) >= 0).all())
        True
        >>> bass_mean_field(1.0, 0.0, 50, steps=2, seed=0).adopted.tolist()
        [[0, 50, 50]]

    Notes:
        The binomial draws are exact, from the replicate's own xoshiro256** stream
        (not numba's per-thread ``np.random``), so results do not depend on the
        number of threads. Cost per replicate: O(T + number of adoptions), since the
        sampler jumps between successes (or failures, whichever are rarer).

    References:
        F. M. Bass, "A new product growth for model consumer durables", Management
        Science 15(5): 215-227, 1969.
    """
    p = check_nonnegative(p, "p")
    q = check_nonnegative(q, "q")
    n = check_int(n, "n", minimum=1)
    steps = _check_steps(steps)
    dt = check_nonnegative(dt, "dt")
    if dt == 0.0:
        raise ValidationError("must be > 0, got 0", key="dt")
    if (p + q) * dt > 1.0 + 1e-12:
        raise ValidationError(
            f"(p + q) * dt must be <= 1 (a probability per step), got {(p + q) * dt:.6g}",
            key="dt",
        )
    initial = check_int(initial, "initial", minimum=0, maximum=n)
    replicates = check_int(replicates, "replicates", minimum=1)
    seed = fresh_seed() if seed is None else check_int(seed, "seed", minimum=0)
    states = replicate_states(seed, replicates)
    counts = np.zeros((replicates, steps + 1 if record else 1, 2), dtype=np.int64)
    steps_out = np.zeros(replicates, dtype=np.int64)
    if _serial(replicates):
        _mean_field_run(n, p, q, dt, initial, states, steps, 0, replicates, counts, steps_out)
    else:
        _mean_field_kernel(n, p, q, dt, initial, states, steps, counts, steps_out)
    return Cascades(
        model="bass_mean_field",
        state_names=BASS_STATES,
        counts=counts,
        steps_taken=steps_out,
        num_nodes=n,
        seed=seed,
        params={"p": p, "q": q, "n": n, "dt": dt, "initial": initial},
        horizon=steps,
    )


def _check_rate(value, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValidationError(f"must be a finite number >= 0, got {value!r}", key=key)
    return check_nonnegative(value, key)


def bass_closed_form(t, p: float, q: float):
    """The Bass (1969) adoption curve ``F(t)``, the share adopted by time ``t``.

    ``F(t) = (1 - exp(-(p + q) t)) / (1 + (q / p) exp(-(p + q) t))``, the solution
    of ``F' = (p + q F)(1 - F)`` with ``F(0) = 0``.

    Args:
        t: Time(s) >= 0 (a number or an array).
        p: Innovation rate >= 0 (``p = 0`` gives ``F = 0``: nobody ever starts).
        q: Imitation rate >= 0.

    Returns:
        ``F(t)``, a float for a scalar ``t``, else an array of ``t``'s shape.

    Raises:
        ValidationError: Negative or non-finite ``t``, ``p`` or ``q``.

    Examples:
        >>> round(bass_closed_form(10.0, 0.03, 0.38), 4)
        0.8128
        >>> bass_closed_form([0.0, 1e9], 0.1, 0.0).tolist()
        [0.0, 1.0]

    Notes:
        O(len(t)), vectorised.

    References:
        F. M. Bass, "A new product growth for model consumer durables", Management
        Science 15(5): 215-227, 1969.
    """
    p = _check_rate(p, "p")
    q = _check_rate(q, "q")
    try:
        tt = np.asarray(t, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValidationError("times must be numbers", key="t") from None
    if not np.isfinite(tt).all() or (tt < 0).any():
        raise ValidationError("times must be finite and >= 0", key="t")
    if p == 0.0:
        out = np.zeros_like(tt)
    else:
        e = np.exp(-(p + q) * tt)
        out = (1.0 - e) / (1.0 + (q / p) * e)
    return float(out) if out.ndim == 0 else out


def bass_discrete(
    p: float, q: float, steps: int, *, dt: float = 1.0, initial: float = 0.0
) -> np.ndarray:
    """The discrete Bass recursion ``F_{t+1} = F_t + (p + q F_t)(1 - F_t) dt``.

    With ``dt = 1`` this is ``F_{t+1} = F_t + (p + q F_t)(1 - F_t)``, the expected
    share adopted in :func:`bass_mean_field` in the limit ``n -> infinity``; with
    small ``dt`` it is Euler's method for the Bass equation, within O(dt) of
    :func:`bass_closed_form` at time ``t dt``.

    Args:
        p: Innovation rate >= 0.
        q: Imitation rate >= 0.
        steps: Number of steps T >= 0.
        dt: Step length > 0, with ``(p + q) dt <= 1``.
        initial: ``F_0``, in [0, 1].

    Returns:
        Array ``[F_0, ..., F_T]`` (length ``T + 1``).

    Raises:
        ValidationError: Bad ``p``, ``q``, ``steps``, ``dt``, or ``initial``.

    Examples:
        >>> bass_discrete(0.1, 0.5, 2).round(4).tolist()
        [0.0, 0.1, 0.235]

    Notes:
        O(T) time.

    References:
        F. M. Bass, "A new product growth for model consumer durables", Management
        Science 15(5): 215-227, 1969.
    """
    p = _check_rate(p, "p")
    q = _check_rate(q, "q")
    steps = check_int(steps, "steps", minimum=0)
    dt = _check_rate(dt, "dt")
    if dt == 0.0 or (p + q) * dt > 1.0 + 1e-12:
        raise ValidationError("need dt > 0 and (p + q) * dt <= 1", key="dt")
    initial = check_probability(initial, "initial")
    out = np.empty(steps + 1, dtype=np.float64)
    f = initial
    out[0] = f
    for t in range(steps):
        f = f + (p + q * f) * (1.0 - f) * dt
        out[t + 1] = f
    return out
