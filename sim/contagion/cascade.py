"""Independent cascade, SI and SIR: the classic word-of-mouth contagions, in batch.

Each public function validates its inputs, draws per-replicate seed sets and random
streams with :func:`~sim.contagion._common.prepare_run`, and runs one private
``numba`` kernel over all replicates in ``prange`` (replicate ``r`` draws only from
its own xoshiro256** stream ``states[r]``, so results do not depend on the number of
threads nor on R), following the kernel contract of :mod:`sim.contagion._common`.

All three are synchronous, in discrete steps: a node reached at step ``t`` first
spreads at step ``t + 1``.

How the kernels are fast:

* **Geometric skipping.** When every arc has the same probability ``p``, the
  Bernoulli trials of all the arcs a replicate examines form one i.i.d. sequence, so
  instead of one draw per arc the kernel draws the gap ``G`` to the next success
  (``P(G = g) = (1 - p)^g p``) and jumps ``G`` arcs ahead. The gap is carried from
  one node to the next and from one step to the next: by memorylessness the unused
  rest of a gap is again geometric. Which arc receives which trial depends only on
  earlier trials, so every arc still gets its own independent Bernoulli(p) trial:
  the skip is exact, not an approximation, and a run costs about ``p`` draws per
  arc examined instead of one.
* **Cheap gaps.** ``G`` comes from a small Walker/Vose alias table over
  ``{0, ..., M - 2, "M - 1 or more"}`` (one 64-bit draw: low bits pick a column,
  high bits accept or take the alias); the tail, rare by construction, is
  ``M - 1 +`` an inversion draw ``floor(log U / log(1 - p))``, again exact by
  memorylessness. This avoids a logarithm on the critical path.
* **Memory-level parallelism.** The independent cascade walks a generation in
  chunks: first it gathers the neighbour ranges of a chunk of frontier nodes
  (independent loads the CPU overlaps), then it walks the gaps over those ranges
  (no memory traffic), buffering the successful arcs, then it resolves their
  targets and activates the unreached ones. The three passes replace a chain of
  dependent cache misses by streams of independent ones.
* **Touching only what a cascade touches.** Nodes reached are appended to one
  BFS-order array (a generation is a contiguous slice); node states are ``uint8``;
  between replicates only the entries touched are reset, and each chunk of
  replicates reuses one workspace.
* With per-arc probabilities the kernels draw only for arcs into nodes not yet
  reached (a trial on any other arc cannot change anything).

References:
    D. Kempe, J. Kleinberg, E. Tardos, "Maximizing the spread of influence through
    a social network", KDD 2003.

    L. Devroye, *Non-Uniform Random Variate Generation*, Springer 1986 (ch. III.4,
    the alias method; ch. X.2, geometric variates by inversion).

    M. D. Vose, "A linear algorithm for generating random numbers with a given
    distribution", IEEE Trans. Software Eng. 17(9), 1991.

    I. Z. Kiss, J. C. Miller, P. L. Simon, *Mathematics of Epidemics on Networks*,
    Springer 2017, ch. 6 (discrete-time SIR; figure 6.8).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Hashable, Sequence

import numba
import numpy as np
from numba import njit, prange

from sim.contagion._common import (
    DEFAULT_RECORD_CAP,
    Cascades,
    as_network,
    check_probability,
    edge_values,
    prepare_run,
)
from sim.contagion._rng import next_u64, uniform, uniform_open
from sim.network.csr import Network

__all__ = ["independent_cascade", "si", "sir"]

IC_STATES = ("susceptible", "infected", "recovered")
SI_STATES = ("susceptible", "infected")
SIR_STATES = ("susceptible", "infected", "recovered")

# How the arcs' Bernoulli trials are drawn (kernel argument ``kind``).
_PER_ARC = 0  # one uniform per arc into an unreached node, compared with probs[arc]
_SKIP = 1  # the same 0 < p < 1 on every arc: geometric gaps between successes
_ALL = 2  # p == 1 on every arc: every trial succeeds, no draws
_NONE = 3  # p == 0 on every arc: every trial fails, no draws

#: Gaps are clamped here (far beyond the arcs any run can examine), so the
#: float-to-int conversion cannot overflow when p is tiny.
_GAP_CAP = 2**62
#: Largest alias table (its column index must fit in the 11 low bits that the
#: 53-bit acceptance uniform leaves unused).
_MAX_TABLE = 1024
#: The table is sized so that the tail ``G >= M - 1`` has probability at most this
#: (bigger tables measured faster, up to a few KiB).
_TAIL = 2.0**-12
#: Frontier nodes gathered per chunk, and successful arcs buffered before resolving.
_CHUNK = 256
_EBUF = 512

_U11 = np.uint64(11)


# ------------------------------------------------------------------ random gaps
@njit(inline="always", cache=True)
def _gap(state, table_keep, table_alias, inv_log1m_p):
    """Failures before the next success of Bernoulli(p) trials (one geometric draw).

    ``table_keep``/``table_alias`` are the alias table of :func:`_skip_table` (size
    M, a power of two <= 1024); ``inv_log1m_p = 1 / log(1 - p)``.
    """
    m = table_keep.shape[0]
    x = next_u64(state)
    j = np.int64(x & np.uint64(m - 1))
    # Keep column j with probability keep[j] / 2**53: the 53 high bits as an integer
    # (the same test as ``uniform < prob[j]``, without an int-to-float conversion).
    if (x >> _U11) >= table_keep[j]:
        j = table_alias[j]
    if j < m - 1:
        return j
    # Tail: G >= M - 1, and then G - (M - 1) is again geometric (memorylessness).
    y = math.log(uniform_open(state)) * inv_log1m_p
    if y >= 4.0e18:
        return np.int64(_GAP_CAP)
    return np.int64(m - 1) + np.int64(y)


def _alias(weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Walker/Vose alias table: column ``j`` keeps ``j`` with probability ``prob[j]``,
    else gives ``alias[j]``; columns are equally likely."""
    m = weights.shape[0]
    scaled = weights / weights.sum() * m
    prob = np.ones(m)
    alias = np.arange(m, dtype=np.int64)
    small = [j for j in range(m) if scaled[j] < 1.0]
    large = [j for j in range(m) if scaled[j] >= 1.0]
    while small and large:
        s = small.pop()
        big = large.pop()
        prob[s] = scaled[s]
        alias[s] = big
        scaled[big] = (scaled[big] + scaled[s]) - 1.0
        (small if scaled[big] < 1.0 else large).append(big)
    # Whatever is left has (up to rounding) probability 1 of keeping itself.
    return prob, alias


@functools.lru_cache(maxsize=64)
def _skip_table(p: float) -> tuple[np.ndarray, np.ndarray, float]:
    """The alias table of the geometric gap for ``0 < p < 1``, and ``1 / log(1 - p)``.

    Returns ``(keep, alias, 1 / log(1 - p))``: column ``j`` keeps ``j`` when the 53
    high bits of the draw are below ``keep[j] = ceil(prob[j] * 2**53)`` (uint64),
    else gives ``alias[j]``.

    Outcomes ``0 .. M-2`` are gaps, outcome ``M-1`` is the tail ``G >= M-1``; M is
    the smallest power of two (at least 2, at most 1024) whose tail is <= 2**-12.
    Cached (building it in Python costs more than a small cascade); read only.
    """
    log1m = math.log1p(-p)
    need = math.log(_TAIL) / log1m
    m = 2
    while m < _MAX_TABLE and m - 1 < need:
        m *= 2
    k = m - 1
    w = np.empty(m)
    w[:k] = p * np.exp(np.arange(k) * log1m)
    w[k] = math.exp(k * log1m)
    prob, alias = _alias(w)
    keep = np.ceil(prob * 2.0**53).astype(np.uint64)
    return keep, alias, 1.0 / log1m


# -------------------------------------------------------------------------- IC
@njit(inline="always", cache=True)
def _reset(status, order, total):
    """Clear the states of the ``total`` nodes listed in ``order`` (or of all nodes,
    when that is cheaper: a memset beats scattered writes)."""
    if total > status.shape[0] // 32:
        status[:] = 0
    else:
        for k in range(total):
            status[order[k]] = 0


@njit(inline="always", cache=True)
def _resolve(ebuf, tbuf, ne, indices, status, order, total):
    """Activate the unreached targets of the buffered successful arcs."""
    for k in range(ne):
        tbuf[k] = indices[ebuf[k]]
    for k in range(ne):
        # Branch-free append (the test is a coin flip late in a cascade): ``order``
        # has one spare slot for the write past the end.
        v = tbuf[k]
        fresh = status[v] == 0
        order[total] = v
        status[v] = 1
        total += fresh
    return total


@njit(inline="always", cache=True)
def _ic_generation_skip(
    indptr, indices, lo, hi, total, gap, st, table_keep, table_alias, inv_log1m_p,
    status, order, fa, fb, ebuf, tbuf,
):  # fmt: skip
    """One generation with one probability on every arc: nodes ``order[lo:hi]`` try.

    Returns ``(total, gap, arcs)``: the new number of nodes reached, the gap left
    over, and the number of arcs out of the nodes that tried.
    """
    ne = 0
    arcs = 0
    for i in range(lo, hi, _CHUNK):
        i2 = min(i + _CHUNK, hi)
        # Pass 1: gather the neighbour ranges (independent loads).
        for k in range(i, i2):
            u = order[k]
            fa[k - i] = indptr[u]
            fb[k - i] = indptr[u + 1]
        # Pass 2: walk the gaps over the ranges, buffering the successful arcs.
        for k in range(i2 - i):
            a = fa[k]
            b = fb[k]
            arcs += b - a
            while gap < b - a:
                a += gap
                ebuf[ne] = a
                ne += 1
                if ne == _EBUF:
                    total = _resolve(ebuf, tbuf, ne, indices, status, order, total)
                    ne = 0
                a += 1
                gap = _gap(st, table_keep, table_alias, inv_log1m_p)
            gap -= b - a
    # Pass 3: resolve the buffered arcs.
    total = _resolve(ebuf, tbuf, ne, indices, status, order, total)
    return total, gap, arcs


@njit(inline="always", cache=True)
def _ic_generation_arcs(indptr, indices, probs, every, lo, hi, total, st, status, order):
    """One generation with per-arc probabilities (or ``every`` arc succeeding).

    Returns ``(total, arcs)``.
    """
    arcs = 0
    for i in range(lo, hi):
        u = order[i]
        arcs += indptr[u + 1] - indptr[u]
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            if status[v] == 0 and (every or uniform(st) < probs[e]):
                status[v] = 1
                order[total] = v
                total += 1
    return total, arcs


@njit(cache=True)
def _ic_chunk(
    c, indptr, indices, probs, kind, table_keep, table_alias, inv_log1m_p,
    seed_ptr, seed_nodes, states, max_steps, nchunks, counts, steps_out, arcs_out,
):  # fmt: skip
    """Independent cascade, the replicates of chunk ``c`` of ``nchunks``.

    Rows of ``counts`` hold (susceptible, infected = reached at this step,
    recovered = reached earlier). ``arcs_out[r]`` receives the number of arcs out of
    the nodes that spread (what a one-draw-per-arc simulation examines).
    """
    n = indptr.shape[0] - 1
    R = states.shape[0]
    tb = counts.shape[1]
    # One workspace per chunk, reset between its replicates.
    status = np.zeros(n, dtype=np.uint8)
    order = np.empty(n + 1, dtype=np.int32)
    fa = np.empty(_CHUNK, dtype=np.int64)
    fb = np.empty(_CHUNK, dtype=np.int64)
    ebuf = np.empty(_EBUF, dtype=np.int64)
    tbuf = np.empty(_EBUF, dtype=np.int32)
    for r in range(c * R // nchunks, (c + 1) * R // nchunks):
        st = states[r]
        total = 0
        for j in range(seed_ptr[r], seed_ptr[r + 1]):
            v = seed_nodes[j]
            if status[v] == 0:
                status[v] = 1
                order[total] = v
                total += 1
        counts[r, 0, 0] = n - total
        counts[r, 0, 1] = total
        counts[r, 0, 2] = 0
        lo = 0
        hi = total
        t = 0
        arcs = 0
        gap = np.int64(0)
        if kind == _SKIP:
            gap = _gap(st, table_keep, table_alias, inv_log1m_p)
        while t < max_steps and hi > lo and kind != _NONE:
            if kind == _SKIP:
                total, gap, tried = _ic_generation_skip(
                    indptr, indices, lo, hi, total, gap, st, table_keep, table_alias,
                    inv_log1m_p, status, order, fa, fb, ebuf, tbuf,
                )  # fmt: skip
            else:
                total, tried = _ic_generation_arcs(
                    indptr, indices, probs, kind == _ALL, lo, hi, total, st, status, order
                )
            arcs += tried
            if total == hi:
                break  # this generation reached nobody: step t was the last
            t += 1
            lo = hi
            hi = total
            row = min(t, tb - 1)
            counts[r, row, 0] = n - total
            counts[r, row, 1] = hi - lo
            counts[r, row, 2] = lo
        steps_out[r] = t
        arcs_out[r] = arcs
        _reset(status, order, total)


@njit(parallel=True, cache=True)
def _ic_kernel(
    indptr, indices, probs, kind, table_keep, table_alias, inv_log1m_p,
    seed_ptr, seed_nodes, states, max_steps, nchunks, counts, steps_out, arcs_out,
):  # fmt: skip
    """Independent cascade over R replicates: ``prange`` over chunks of replicates."""
    for c in prange(nchunks):
        _ic_chunk(
            c, indptr, indices, probs, kind, table_keep, table_alias, inv_log1m_p,
            seed_ptr, seed_nodes, states, max_steps, nchunks, counts, steps_out, arcs_out,
        )  # fmt: skip


@njit(cache=True)
def _ic_kernel_serial(
    indptr, indices, probs, kind, table_keep, table_alias, inv_log1m_p,
    seed_ptr, seed_nodes, states, max_steps, nchunks, counts, steps_out, arcs_out,
):  # fmt: skip
    """:func:`_ic_kernel` on the calling thread (no parallel region to wake up)."""
    for c in range(nchunks):
        _ic_chunk(
            c, indptr, indices, probs, kind, table_keep, table_alias, inv_log1m_p,
            seed_ptr, seed_nodes, states, max_steps, nchunks, counts, steps_out, arcs_out,
        )  # fmt: skip


# ---------------------------------------------------------------------- SI, SIR
@njit(cache=True)
def _sir_chunk(
    c, indptr, indices, rindptr, rindices, probs, kind, table_keep, table_alias, inv_log1m_p,
    gamma, recover, seed_ptr, seed_nodes, states, max_steps, nchunks, counts, steps_out,
):  # fmt: skip
    """SI (``recover`` False) or SIR (``recover`` True), the replicates of chunk ``c``.

    The arcs given are those with a positive probability (the caller drops the
    others); ``rindptr``/``rindices`` is their reverse (in-neighbour) CSR.
    ``need[u]`` counts the susceptible out-neighbours of an infected node ``u``;
    only infected nodes with ``need > 0`` spread (the others cannot change
    anything), and SI stops when there are none left. SIR stops when no one is
    infected, or, if ``gamma == 0``, when no infected node can infect anyone.
    """
    n = indptr.shape[0] - 1
    R = states.shape[0]
    tb = counts.shape[1]
    # status: 0 susceptible, 1 infected, 2 recovered, 3 infected at this step.
    status = np.zeros(n, dtype=np.uint8)
    need = np.zeros(n, dtype=np.int32)
    order = np.empty(n, dtype=np.int32)  # everyone ever infected, in order
    live = np.empty(n, dtype=np.int32)  # infected nodes still worth a look
    for r in range(c * R // nchunks, (c + 1) * R // nchunks):
        st = states[r]
        total = 0
        for j in range(seed_ptr[r], seed_ptr[r + 1]):
            v = seed_nodes[j]
            if status[v] == 0:
                status[v] = 3
                order[total] = v
                total += 1
        new_lo = 0
        nlive = 0
        ninf = 0
        nactive = 0
        t = 0
        gap = np.int64(0)
        if kind == _SKIP:
            gap = _gap(st, table_keep, table_alias, inv_log1m_p)
        while True:
            # Bookkeeping for the nodes infected at step t (the seeds when t = 0):
            # their infected in-neighbours lose a susceptible out-neighbour...
            for k in range(new_lo, total):
                v = order[k]
                for e in range(rindptr[v], rindptr[v + 1]):
                    w = rindices[e]
                    if status[w] == 1:
                        need[w] -= 1
            # ...and they count their own susceptible out-neighbours.
            for k in range(new_lo, total):
                v = order[k]
                status[v] = 1
                cnt = 0
                for e in range(indptr[v], indptr[v + 1]):
                    if status[indices[e]] == 0:
                        cnt += 1
                need[v] = cnt
            # Keep the infected nodes that matter: SIR keeps all (they recover),
            # SI only those with a susceptible out-neighbour.
            kept = 0
            nactive = 0
            for k in range(nlive):
                u = live[k]
                if status[u] == 1 and (recover or need[u] > 0):
                    live[kept] = u
                    kept += 1
                    if need[u] > 0:
                        nactive += 1
            for k in range(new_lo, total):
                v = order[k]
                if recover or need[v] > 0:
                    live[kept] = v
                    kept += 1
                    if need[v] > 0:
                        nactive += 1
            nlive = kept
            ninf = nlive if recover else total
            row = min(t, tb - 1)
            counts[r, row, 0] = n - total
            counts[r, row, 1] = ninf
            if recover:
                counts[r, row, 2] = total - ninf
            if nlive == 0 or (nactive == 0 and gamma == 0.0) or t >= max_steps:
                break
            t += 1
            new_lo = total
            # Transmission: every infected node tries its out-arcs.
            if nactive > 0:
                for k in range(nlive):
                    u = live[k]
                    if need[u] == 0:
                        continue
                    a = indptr[u]
                    b = indptr[u + 1]
                    if kind == _SKIP:
                        d = b - a
                        while gap < d:
                            v = indices[a + gap]
                            if status[v] == 0:
                                status[v] = 3
                                order[total] = v
                                total += 1
                            a += gap + 1
                            d = b - a
                            gap = _gap(st, table_keep, table_alias, inv_log1m_p)
                        gap -= d
                    else:
                        for e in range(a, b):
                            v = indices[e]
                            if status[v] == 0 and (kind == _ALL or uniform(st) < probs[e]):
                                status[v] = 3
                                order[total] = v
                                total += 1
            # Recovery at the end of the step, of those infectious during it.
            if recover and gamma > 0.0:
                for k in range(nlive):
                    if gamma >= 1.0 or uniform(st) < gamma:
                        status[live[k]] = 2
        steps_out[r] = t
        _reset(status, order, total)


@njit(parallel=True, cache=True)
def _sir_kernel(
    indptr, indices, rindptr, rindices, probs, kind, table_keep, table_alias, inv_log1m_p,
    gamma, recover, seed_ptr, seed_nodes, states, max_steps, nchunks, counts, steps_out,
):  # fmt: skip
    """SI or SIR over R replicates: ``prange`` over chunks of replicates."""
    for c in prange(nchunks):
        _sir_chunk(
            c, indptr, indices, rindptr, rindices, probs, kind, table_keep, table_alias,
            inv_log1m_p, gamma, recover, seed_ptr, seed_nodes, states, max_steps, nchunks,
            counts, steps_out,
        )  # fmt: skip


@njit(cache=True)
def _sir_kernel_serial(
    indptr, indices, rindptr, rindices, probs, kind, table_keep, table_alias, inv_log1m_p,
    gamma, recover, seed_ptr, seed_nodes, states, max_steps, nchunks, counts, steps_out,
):  # fmt: skip
    """:func:`_sir_kernel` on the calling thread (no parallel region to wake up)."""
    for c in range(nchunks):
        _sir_chunk(
            c, indptr, indices, rindptr, rindices, probs, kind, table_keep, table_alias,
            inv_log1m_p, gamma, recover, seed_ptr, seed_nodes, states, max_steps, nchunks,
            counts, steps_out,
        )  # fmt: skip


# ------------------------------------------------------------------ host side
def _indptr32(indptr: np.ndarray) -> np.ndarray:
    """``indptr`` as int32 when it fits (half the cache footprint, measurably faster)."""
    if indptr[-1] < 2**31:
        return indptr.astype(np.int32)
    return indptr


def _nchunks(replicates: int) -> int:
    """Chunks of replicates for ``prange``: a few per thread, for load balance.

    Results do not depend on it (each replicate has its own stream and a clean
    workspace); only speed does. One chunk (one replicate) runs on the calling
    thread: waking the thread pool for it can cost milliseconds when the other
    cores are busy.
    """
    return max(1, min(replicates, 4 * numba.get_num_threads()))


def _trials(net: Network, p, key: str) -> tuple[np.ndarray, int, float, str | float]:
    """Validate the arcs' probabilities.

    Returns ``(probs, kind, scalar, description)``: ``probs`` is the per-arc array
    (empty unless ``kind == _PER_ARC``), ``scalar`` the common probability otherwise.
    """
    desc: str | float
    if isinstance(p, str):
        probs = edge_values(net, p, key)
        desc = p
    elif isinstance(p, int | float | np.integer | np.floating) and not isinstance(p, bool):
        desc = check_probability(p, key)
        probs = np.full(min(net.num_arcs, 1), desc)
    else:
        probs = edge_values(net, p, key)
        desc = "per-arc"
    if probs.size == 0:
        return np.zeros(0), _NONE, 0.0, desc
    first = float(probs[0])
    if (probs == first).all():
        kind = _ALL if first >= 1.0 else _NONE if first <= 0.0 else _SKIP
        return np.zeros(0), kind, first, desc
    return probs, _PER_ARC, math.nan, desc


def _tables(kind: int, scalar: float) -> tuple[np.ndarray, np.ndarray, float]:
    if kind == _SKIP:
        return _skip_table(scalar)
    return np.zeros(1, dtype=np.uint64), np.zeros(1, dtype=np.int64), 0.0


def _run_ic(
    network,
    seeds: int | Sequence[Hashable],
    p=0.1,
    *,
    replicates: int = 1,
    steps: int | None = None,
    seed: int | None = None,
    record: bool = True,
) -> tuple[Cascades, np.ndarray]:
    """:func:`independent_cascade`, also returning the arcs examined per replicate."""
    net = as_network(network)
    probs, kind, scalar, desc = _trials(net, p, "p")
    plan = prepare_run(
        net, seeds, replicates=replicates, steps=steps, seed=seed, record=bool(record)
    )
    R = plan.states.shape[0]
    counts = np.zeros((R, plan.record, 3), dtype=np.int64)
    steps_out = np.zeros(R, dtype=np.int64)
    arcs = np.zeros(R, dtype=np.int64)
    table_keep, table_alias, inv = _tables(kind, scalar)
    nchunks = _nchunks(R)
    kernel = _ic_kernel if nchunks > 1 else _ic_kernel_serial
    kernel(
        _indptr32(net.indptr), net.indices, probs, kind, table_keep, table_alias, inv,
        plan.seed_ptr, plan.seed_nodes, plan.states, plan.max_steps, nchunks,
        counts, steps_out, arcs,
    )  # fmt: skip
    res = Cascades.from_kernel("ic", IC_STATES, counts, steps_out, net, plan, {"p": desc})
    return res, arcs


def independent_cascade(
    network,
    seeds: int | Sequence[Hashable],
    p=0.1,
    *,
    replicates: int = 1,
    steps: int | None = None,
    seed: int | None = None,
    record: bool = True,
) -> Cascades:
    """Independent cascade (Kempe, Kleinberg & Tardos 2003), R replicates.

    At step 0 the seeds are active. A node activated at step ``t`` gets one chance,
    at step ``t + 1``, to activate each of its (still inactive) out-neighbours, with
    the arc's probability; then it never tries again. Steps are generations.

    States: ``susceptible`` (never reached), ``infected`` (activated at this step,
    still to try), ``recovered`` (activated earlier, has tried).

    Args:
        network: A :class:`~sim.network.Network` or a networkx graph (directed or not;
            an undirected edge can carry the cascade either way).
        seeds: Seed node labels (the same in every replicate), or an int k: k distinct
            nodes drawn at random afresh in each replicate.
        p: Activation probability: one float for every arc, an array aligned with
            ``network.indices`` (one per arc), or the name of an edge attribute.
        replicates: Number of independent cascades R >= 1.
        steps: Horizon in generations, or ``None`` to run until the cascade stops.
        seed: Master seed (int >= 0); ``None`` draws one (recorded in the result).
        record: Keep the per-step counts (else only the final state: faster for
            large Monte Carlo runs).

    Returns:
        A :class:`~sim.contagion._common.Cascades` (model ``"ic"``). ``steps_taken``
        is the last step that activated anyone (the depth of the cascade; 0 when the
        seeds activate nobody), so the final row's ``infected`` are the last
        generation, whose tries all failed.

    Raises:
        ValidationError: Empty network; ``p`` not in [0, 1], NaN, of the wrong length
            or an unknown edge attribute; seeds not in the network, k <= 0 or
            k > n; replicates < 1; negative steps or seed.

    Examples:
        >>> import networkx as nx
        >>> res = independent_cascade(nx.path_graph(5), [0], p=1.0, seed=1)
        >>> res.final_adopted.tolist(), res.steps_taken.tolist()
        ([5], [4])
        >>> res.timeseries["infected"].tolist()
        [1, 1, 1, 1, 1]
        >>> res = independent_cascade(nx.karate_club_graph(), 2, p=0.2, replicates=500, seed=7)
        >>> res.replicates, bool(2 < res.final_adopted.mean() < 34)
        (500, True)

    Notes:
        Time O(R * (n_reached + p * arcs_examined)) with one probability for every
        arc (geometric skipping, see the module docstring), O(R * arcs_examined)
        with per-arc probabilities; memory O(n) per worker thread besides the
        counts ``(R, T + 1, 3)``. Replicates run in parallel on all numba threads;
        results are identical whatever the number of threads.

    References:
        D. Kempe, J. Kleinberg, E. Tardos, "Maximizing the spread of influence through
        a social network", KDD 2003.
        M. E. J. Newman, "Spread of epidemic disease on networks", Physical Review E
        66, 016128, 2002 (on an undirected graph the final set is the cluster of the
        seeds in bond percolation with occupation probability ``p``).
    """
    res, _ = _run_ic(
        network, seeds, p, replicates=replicates, steps=steps, seed=seed, record=record
    )
    return res


def _positive_arcs(net: Network, probs: np.ndarray, kind: int):
    """Forward and reverse CSR of the arcs with a positive probability."""
    if kind == _NONE:
        indptr = np.zeros(net.num_nodes + 1, dtype=np.int64)
        empty = np.zeros(0, dtype=np.int32)
        return indptr, empty, indptr, empty, np.zeros(0)
    if kind == _PER_ARC and (probs <= 0.0).any():
        keep = probs > 0.0
        src = np.repeat(np.arange(net.num_nodes, dtype=np.int64), net.degree())[keep]
        indptr = np.zeros(net.num_nodes + 1, dtype=np.int64)
        np.cumsum(np.bincount(src, minlength=net.num_nodes), out=indptr[1:])
        sub = Network(indptr=indptr, indices=net.indices[keep], directed=True)
        probs = probs[keep]
        rev = sub.reverse()
        return sub.indptr, sub.indices, rev.indptr, rev.indices, probs
    rev = net.reverse()
    return net.indptr, net.indices, rev.indptr, rev.indices, probs


def _run_sir(model, network, seeds, beta, gamma, replicates, steps, seed, record) -> Cascades:
    net = as_network(network)
    probs, kind, scalar, desc = _trials(net, beta, "beta")
    params: dict = {"beta": desc}
    recover = model == "sir"
    if recover:
        gamma = check_probability(gamma, "gamma")
        params["gamma"] = gamma
    else:
        gamma = 0.0
    plan = prepare_run(
        net, seeds, replicates=replicates, steps=steps, seed=seed, record=bool(record)
    )
    if steps is None and plan.record > 1:
        # prepare_run caps an open-ended time series at min(n, cap) steps, enough for
        # progressive models (a new node every step); SI and SIR can idle or recover
        # for more steps than there are nodes.
        plan.record = DEFAULT_RECORD_CAP + 1
    indptr, indices, rindptr, rindices, probs = _positive_arcs(net, probs, kind)
    names = SIR_STATES if recover else SI_STATES
    R = plan.states.shape[0]
    counts = np.zeros((R, plan.record, len(names)), dtype=np.int64)
    steps_out = np.zeros(R, dtype=np.int64)
    table_keep, table_alias, inv = _tables(kind, scalar)
    nchunks = _nchunks(R)
    kernel = _sir_kernel if nchunks > 1 else _sir_kernel_serial
    kernel(
        indptr, indices, rindptr, rindices, probs, kind, table_keep, table_alias, inv,
        float(gamma), recover, plan.seed_ptr, plan.seed_nodes, plan.states,
        plan.max_steps, nchunks, counts, steps_out,
    )  # fmt: skip
    return Cascades.from_kernel(model, names, counts, steps_out, net, plan, params)


def si(
    network,
    seeds: int | Sequence[Hashable],
    beta,
    *,
    replicates: int = 1,
    steps: int | None = None,
    seed: int | None = None,
    record: bool = True,
) -> Cascades:
    """Discrete-time SI (susceptible-infected) contagion, R replicates.

    At every step, every infected node tries to infect each susceptible
    out-neighbour with probability ``beta`` (independently, again at every step).
    Synchronous: nodes infected at step ``t`` are infectious from step ``t + 1``.

    Args:
        network: A :class:`~sim.network.Network` or a networkx graph.
        seeds: Seed node labels (the same in every replicate), or an int k: k distinct
            nodes drawn at random afresh in each replicate.
        beta: Transmission probability per arc per step: a float, an array aligned
            with ``network.indices``, or the name of an edge attribute.
        replicates: Number of replicates R >= 1.
        steps: Horizon, or ``None`` to run until no infected node has a susceptible
            out-neighbour (reachable through an arc of positive probability).
        seed: Master seed (int >= 0); ``None`` draws one (recorded in the result).
        record: Keep the per-step counts (else only the final state).

    Returns:
        A :class:`~sim.contagion._common.Cascades` (model ``"si"``, states
        ``susceptible``, ``infected``). ``steps_taken`` is the last step with a new
        infection (0 if nothing can spread).

    Raises:
        ValidationError: As :func:`independent_cascade`, for ``beta``.

    Examples:
        >>> import networkx as nx
        >>> res = si(nx.path_graph(4), [0], beta=1.0, seed=1)
        >>> res.timeseries["infected"].tolist()
        [1, 2, 3, 4]

    Notes:
        Each step costs O(infected nodes with a susceptible out-neighbour +
        beta * their arcs) draws-and-looks with one probability for every arc; each
        infection costs O(its in- and out-degree) once, for the bookkeeping that lets
        saturated nodes drop out. Memory O(n) per worker thread.

    References:
        I. Z. Kiss, J. C. Miller, P. L. Simon, *Mathematics of Epidemics on
        Networks*, Springer 2017, ch. 6.
    """
    return _run_sir("si", network, seeds, beta, None, replicates, steps, seed, record)


def sir(
    network,
    seeds: int | Sequence[Hashable],
    beta,
    gamma,
    *,
    replicates: int = 1,
    steps: int | None = None,
    seed: int | None = None,
    record: bool = True,
) -> Cascades:
    """Discrete-time SIR (susceptible-infected-recovered) contagion, R replicates.

    At every step, every infected node tries to infect each susceptible
    out-neighbour with probability ``beta``; then, at the end of the step, each node
    that was infectious during it recovers with probability ``gamma`` (so the
    infectious period is geometric with mean ``1 / gamma`` steps, at least 1).
    Nodes infected at step ``t`` are infectious from step ``t + 1``. With
    ``gamma = 1`` this is the independent cascade with ``p = beta``.

    Args:
        network: A :class:`~sim.network.Network` or a networkx graph.
        seeds: Seed node labels (the same in every replicate), or an int k: k distinct
            nodes drawn at random afresh in each replicate.
        beta: Transmission probability per arc per step: a float, an array aligned
            with ``network.indices``, or the name of an edge attribute.
        gamma: Recovery probability per step, in [0, 1].
        replicates: Number of replicates R >= 1.
        steps: Horizon, or ``None`` to run until no one is infected (with
            ``gamma = 0``: until no infected node can infect anyone).
        seed: Master seed (int >= 0); ``None`` draws one (recorded in the result).
        record: Keep the per-step counts (else only the final state).

    Returns:
        A :class:`~sim.contagion._common.Cascades` (model ``"sir"``, states
        ``susceptible``, ``infected``, ``recovered``). ``steps_taken`` is the step
        after which nothing changes (the last recovery, usually).

    Raises:
        ValidationError: As :func:`independent_cascade`, for ``beta``; ``gamma``
            not a probability.

    Examples:
        >>> import networkx as nx
        >>> res = sir(nx.path_graph(4), [0], beta=1.0, gamma=1.0, seed=1)
        >>> res.timeseries[["infected", "recovered"]].values.tolist()
        [[1, 0], [1, 1], [1, 2], [1, 3], [0, 4]]

    Notes:
        Each step costs O(infected nodes + beta * arcs of those with a susceptible
        out-neighbour); each infection costs O(its in- and out-degree) once. Memory
        O(n) per worker thread.

    References:
        I. Z. Kiss, J. C. Miller, P. L. Simon, *Mathematics of Epidemics on
        Networks*, Springer 2017, ch. 6 (figure 6.8: the discrete SIR with
        ``gamma = 1``).
        W. O. Kermack, A. G. McKendrick, "A contribution to the mathematical theory
        of epidemics", Proceedings of the Royal Society A 115: 700-721, 1927.
        M. E. J. Newman, "Spread of epidemic disease on networks", Physical Review E
        66, 016128, 2002.
    """
    return _run_sir("sir", network, seeds, beta, gamma, replicates, steps, seed, record)
