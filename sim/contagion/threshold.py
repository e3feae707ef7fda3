"""Threshold models: linear threshold (random thresholds) and fixed thresholds.

Two progressive models, run in synchronous rounds: a node that becomes active at
round ``t`` influences its out-neighbours from round ``t + 1`` on, and stays active.

* :func:`linear_threshold` (Kempe, Kleinberg & Tardos 2003): node ``v`` activates
  when the summed weight of its active in-neighbours reaches its own threshold
  ``theta_v ~ U(0, 1)``, drawn afresh in every replicate.
* :func:`threshold`: a deterministic threshold, fractional (Watts 2002: the share of
  active in-neighbours reaches ``phi``) or absolute (complex contagion, Centola & Macy
  2007: at least ``theta`` active in-neighbours).

Both run on the out-neighbour CSR of a :class:`~sim.network.Network`: when ``u``
activates it walks its out-arcs once, adding its influence to each inactive
out-neighbour. A node is therefore looked at only when it first receives influence,
and that is also when its random threshold is drawn (lazily). Each replicate keeps
a frontier array and undoes only the entries it touched, so a small cascade on a
large graph costs time proportional to the arcs it walks, not to the graph.

References:
    D. Kempe, J. Kleinberg, E. Tardos, "Maximizing the spread of influence through a
    social network", KDD 2003.
    D. J. Watts, "A simple model of global cascades on random networks", PNAS 99(9):
    5766-5771, 2002.
    D. Centola, M. Macy, "Complex contagions and the weakness of long ties", American
    Journal of Sociology 113(3): 702-734, 2007.
    D. Centola, "The spread of behavior in an online social network experiment",
    Science 329: 1194-1197, 2010.
"""

from __future__ import annotations

import numbers
import weakref
from collections.abc import Hashable, Sequence

import numba
import numpy as np
from numba import njit, prange

from sim.contagion._common import (
    Cascades,
    RunPlan,
    as_network,
    check_int,
    check_probability,
    edge_values,
    prepare_run,
)
from sim.contagion._rng import randint, uniform_open
from sim.errors import ValidationError
from sim.network.csr import Network

__all__ = ["linear_threshold", "threshold"]

LT_STATES = ("inactive", "active")
#: Incoming LT weights of a node may sum to at most 1 plus this (rounding slack).
WEIGHT_SUM_TOLERANCE = 1e-9
_NEVER = np.iinfo(np.int32).max


# --------------------------------------------------------------------- kernels
@njit(inline="always", cache=True)
def _write_row(counts, r, t, n, active):
    tb = counts.shape[1]
    row = t if t < tb else tb - 1
    counts[r, row, 0] = n - active
    counts[r, row, 1] = active


@njit(cache=True)
def _counter_run(
    indptr, indices, indeg, need_fixed, seed_ptr, seed_nodes, states, max_steps, r_lo, r_hi,
    need, frontier, nxt, touched, counts, steps_out, visits_out,
):  # fmt: skip
    """Replicates ``r_lo .. r_hi - 1`` of a threshold model where a node needs a whole
    number of active in-neighbours, one after the other in the given workspace.

    ``need_fixed`` has shape ``(Rf, n)``: ``Rf == 0`` draws each node's requirement
    lazily as ``1 + randint(indeg[v])`` (linear threshold with weights
    ``1 / indeg``); ``Rf == 1`` gives every replicate the same requirements (the
    fractional and absolute threshold models); ``Rf == R`` one row per replicate.
    Requirements are >= 1; a requirement above the in-degree is never met.

    Workspace (length n, int32): ``need[v]`` is 0 (untouched; all zero on entry and
    on exit), > 0 (active in-neighbours still needed) or -1 (active); ``frontier`` and
    ``nxt`` hold the nodes activated at the last and the current round; ``touched``
    every node whose entry is not 0, to undo. ``visits_out[r]``: arcs walked.
    """
    n = indptr.shape[0] - 1
    draw = need_fixed.shape[0] == 0
    shared = need_fixed.shape[0] == 1
    for r in range(r_lo, r_hi):
        state = states[r]
        row = 0 if (draw or shared) else r
        nt = 0
        nf = 0
        for i in range(seed_ptr[r], seed_ptr[r + 1]):
            s = seed_nodes[i]
            need[s] = -1
            touched[nt] = s
            nt += 1
            frontier[nf] = s
            nf += 1
        active = nf
        visits = 0
        t = 0
        _write_row(counts, r, 0, n, active)
        while nf > 0 and t < max_steps and active < n:
            nn = 0
            for j in range(nf):
                u = frontier[j]
                lo = indptr[u]
                hi = indptr[u + 1]
                visits += hi - lo
                for a in range(lo, hi):
                    v = indices[a]
                    x = need[v]
                    if x < 0:
                        continue
                    if x == 0:
                        x = np.int32(1 + randint(state, indeg[v])) if draw else need_fixed[row, v]
                        touched[nt] = v
                        nt += 1
                    x -= 1
                    if x == 0:
                        need[v] = -1
                        nxt[nn] = v
                        nn += 1
                    else:
                        need[v] = x
            if nn == 0:
                break
            t += 1
            active += nn
            _write_row(counts, r, t, n, active)
            frontier, nxt = nxt, frontier
            nf = nn
        steps_out[r] = t
        visits_out[r] = visits
        for j in range(nt):
            need[touched[j]] = 0


@njit(parallel=True, cache=True)
def _counter_kernel(
    indptr, indices, indeg, need_fixed, seed_ptr, seed_nodes, states, max_steps,
    nchunks, counts, steps_out, visits_out,
):  # fmt: skip
    """All R replicates of :func:`_counter_run`, in ``nchunks`` parallel chunks.

    Each chunk allocates its own workspace once; the chunking never changes a
    replicate's result (replicate ``r`` only draws from ``states[r]``).
    """
    R = seed_ptr.shape[0] - 1
    n = indptr.shape[0] - 1
    nchunks = max(1, min(R, nchunks))
    for c in prange(nchunks):
        _counter_run(
            indptr, indices, indeg, need_fixed, seed_ptr, seed_nodes, states, max_steps,
            c * R // nchunks, (c + 1) * R // nchunks,
            np.zeros(n, dtype=np.int32), np.empty(n, dtype=np.int32),
            np.empty(n, dtype=np.int32), np.empty(n, dtype=np.int32),
            counts, steps_out, visits_out,
        )  # fmt: skip


@njit(cache=True)
def _weighted_run(
    indptr, indices, weights, theta_fixed, seed_ptr, seed_nodes, states, max_steps, r_lo, r_hi,
    mark, acc, theta, frontier, nxt, touched, counts, steps_out, visits_out,
):  # fmt: skip
    """Replicates ``r_lo .. r_hi - 1`` of linear threshold with arbitrary arc weights
    (``weights`` aligned with ``indices``), one after the other.

    ``theta_fixed`` has shape ``(Rf, n)``: ``Rf == 0`` draws ``theta_v ~ U(0, 1]``
    lazily when ``v`` first receives influence; otherwise given thresholds (tests).
    Workspace: ``mark[v]`` (uint8, all zero on entry and exit) is 0 untouched,
    1 influenced (``theta[v]`` drawn, ``acc[v]`` summing), 2 active; node ``v``
    activates when ``acc[v] >= theta[v]``.
    """
    n = indptr.shape[0] - 1
    draw = theta_fixed.shape[0] == 0
    shared = theta_fixed.shape[0] == 1
    for r in range(r_lo, r_hi):
        state = states[r]
        row = 0 if (draw or shared) else r
        nt = 0
        nf = 0
        for i in range(seed_ptr[r], seed_ptr[r + 1]):
            s = seed_nodes[i]
            mark[s] = 2
            touched[nt] = s
            nt += 1
            frontier[nf] = s
            nf += 1
        active = nf
        visits = 0
        t = 0
        _write_row(counts, r, 0, n, active)
        while nf > 0 and t < max_steps and active < n:
            nn = 0
            for j in range(nf):
                u = frontier[j]
                lo = indptr[u]
                hi = indptr[u + 1]
                visits += hi - lo
                for a in range(lo, hi):
                    v = indices[a]
                    m = mark[v]
                    if m == 2:
                        continue
                    if m == 0:
                        mark[v] = 1
                        acc[v] = 0.0
                        theta[v] = uniform_open(state) if draw else theta_fixed[row, v]
                        touched[nt] = v
                        nt += 1
                    acc[v] += weights[a]
                    if acc[v] >= theta[v]:
                        mark[v] = 2
                        nxt[nn] = v
                        nn += 1
            if nn == 0:
                break
            t += 1
            active += nn
            _write_row(counts, r, t, n, active)
            frontier, nxt = nxt, frontier
            nf = nn
        steps_out[r] = t
        visits_out[r] = visits
        for j in range(nt):
            mark[touched[j]] = 0


@njit(parallel=True, cache=True)
def _weighted_kernel(
    indptr, indices, weights, theta_fixed, seed_ptr, seed_nodes, states, max_steps,
    nchunks, counts, steps_out, visits_out,
):  # fmt: skip
    """All R replicates of :func:`_weighted_run`, in ``nchunks`` parallel chunks."""
    R = seed_ptr.shape[0] - 1
    n = indptr.shape[0] - 1
    nchunks = max(1, min(R, nchunks))
    for c in prange(nchunks):
        _weighted_run(
            indptr, indices, weights, theta_fixed, seed_ptr, seed_nodes, states, max_steps,
            c * R // nchunks, (c + 1) * R // nchunks,
            np.zeros(n, dtype=np.uint8), np.empty(n, dtype=np.float64),
            np.empty(n, dtype=np.float64), np.empty(n, dtype=np.int32),
            np.empty(n, dtype=np.int32), np.empty(n, dtype=np.int32),
            counts, steps_out, visits_out,
        )  # fmt: skip


# ------------------------------------------------------------------- helpers
def _chunks() -> int:
    """Work chunks for the kernels' ``prange``: many per thread, handed out one at a
    time (``numba.parallel_chunksize(1)``), so a slow thread (a big cascade, a busy
    core) does not hold the others up.

    Each chunk runs its replicates one after the other in one O(n) workspace; which
    chunk runs a replicate never changes its result.
    """
    return 16 * numba.get_num_threads()


def _serial(R: int) -> bool:
    """Run in the calling thread (no parallel launch) when parallelism cannot help.

    A parallel region costs a thread wake-up (tens of microseconds, milliseconds on a
    busy machine): more than a whole small cascade.
    """
    return R == 1 or numba.get_num_threads() == 1


def _run_counter(net: Network, plan: RunPlan, need: np.ndarray):
    counts, steps_out, visits = _outputs(plan)
    n = net.num_nodes
    R = counts.shape[0]
    args = (
        net.indptr, net.indices, _in_degree32(net), need, plan.seed_ptr, plan.seed_nodes,
        plan.states, plan.max_steps,
    )  # fmt: skip
    if _serial(R):
        work = [np.zeros(n, dtype=np.int32)] + [np.empty(n, dtype=np.int32) for _ in range(3)]
        _counter_run(*args, 0, R, *work, counts, steps_out, visits)
    else:
        with numba.parallel_chunksize(1):
            _counter_kernel(*args, _chunks(), counts, steps_out, visits)
    return counts, steps_out, visits


def _run_weighted(net: Network, plan: RunPlan, weights: np.ndarray, theta: np.ndarray):
    counts, steps_out, visits = _outputs(plan)
    n = net.num_nodes
    R = counts.shape[0]
    args = (
        net.indptr, net.indices, weights, theta, plan.seed_ptr, plan.seed_nodes, plan.states,
        plan.max_steps,
    )  # fmt: skip
    if _serial(R):
        work = [np.zeros(n, dtype=np.uint8), np.empty(n), np.empty(n)]
        work += [np.empty(n, dtype=np.int32) for _ in range(3)]
        _weighted_run(*args, 0, R, *work, counts, steps_out, visits)
    else:
        with numba.parallel_chunksize(1):
            _weighted_kernel(*args, _chunks(), counts, steps_out, visits)
    return counts, steps_out, visits


def _outputs(plan: RunPlan) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    R = plan.seed_ptr.shape[0] - 1
    counts = np.zeros((R, plan.record, 2), dtype=np.int64)
    return counts, np.zeros(R, dtype=np.int64), np.zeros(R, dtype=np.int64)


_IN_DEGREE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _in_degree32(net: Network) -> np.ndarray:
    """In-degrees as int32, cached per network (networks are not mutated)."""
    deg = _IN_DEGREE.get(net)
    if deg is None or deg.shape[0] != net.num_nodes:
        deg = np.ascontiguousarray(net.in_degree(), dtype=np.int32)
        _IN_DEGREE[net] = deg
    return deg


def _node_values(net: Network, values, key: str) -> np.ndarray:
    """A per-node parameter: a scalar, an array of length n, or a node attribute name."""
    if isinstance(values, str):
        if values not in net.node_attrs:
            have = ", ".join(sorted(net.node_attrs)) or "none"
            raise ValidationError(
                f"no node attribute {values!r} (node attributes: {have})", key=key
            )
        values = net.node_attrs[values]
    if isinstance(values, numbers.Real) and not isinstance(values, bool):
        return np.full(net.num_nodes, values)
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValidationError("must be numeric", key=key) from None
    if arr.shape != (net.num_nodes,):
        raise ValidationError(
            f"expected a number or one value per node ({net.num_nodes}), got shape {arr.shape}",
            key=key,
        )
    if np.isnan(arr).any():
        raise ValidationError("values must not be NaN", key=key)
    return arr


def _lt_weights(net: Network, weights) -> np.ndarray | None:
    """Checked per-arc LT weights (aligned with ``net.indices``), or ``None`` for 1/in-degree."""
    if weights is None:
        return None
    w = edge_values(net, weights, "weights", probability=False)
    if w.size and w.min() < 0:
        raise ValidationError(f"weights must be >= 0, got {float(w.min())!r}", key="weights")
    if not np.isfinite(w).all():
        raise ValidationError("weights must be finite", key="weights")
    incoming = np.bincount(net.indices, weights=w, minlength=net.num_nodes)
    worst = int(np.argmax(incoming)) if incoming.size else 0
    if incoming.size and incoming[worst] > 1.0 + WEIGHT_SUM_TOLERANCE:
        raise ValidationError(
            f"incoming weights of node {net.label_of([worst])[0]!r} sum to {incoming[worst]:.6g} > 1",
            key="weights",
        )
    return w


def _need_from_thresholds(net: Network, thresholds: np.ndarray) -> np.ndarray:
    """Active in-neighbours needed under weights 1/d when thresholds are given (tests)."""
    d = net.in_degree().astype(np.float64)
    k = np.ceil(thresholds * d)
    with np.errstate(divide="ignore", invalid="ignore"):
        k = np.where((k - 1) / d >= thresholds, k - 1, k)
        k = np.where(k / d < thresholds, k + 1, k)
    k = np.where(d == 0, _NEVER, np.maximum(k, 1))
    return np.ascontiguousarray(np.minimum(k, _NEVER), dtype=np.int32)


def _run_lt(
    net: Network,
    plan: RunPlan,
    weights: np.ndarray | None,
    thresholds: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run the LT kernel; ``thresholds`` ``(R, n)`` fixes theta (for exact tests).

    Returns ``(counts, steps_taken, arc_visits)``.
    """
    n = net.num_nodes
    if weights is None:
        need = (
            np.zeros((0, n), dtype=np.int32)
            if thresholds is None
            else np.stack([_need_from_thresholds(net, th) for th in thresholds])
        )
        return _run_counter(net, plan, need)
    theta = (
        np.zeros((0, n), dtype=np.float64)
        if thresholds is None
        else np.ascontiguousarray(thresholds, dtype=np.float64)
    )
    return _run_weighted(net, plan, weights, theta)


# --------------------------------------------------------------------- public
def linear_threshold(
    network,
    seeds: int | Sequence[Hashable],
    *,
    weights: np.ndarray | str | None = None,
    replicates: int = 1,
    steps: int | None = None,
    seed: int | None = None,
    record: bool = True,
) -> Cascades:
    """Linear threshold model (Kempe, Kleinberg & Tardos 2003), synchronous rounds.

    Every node ``v`` draws a threshold ``theta_v ~ U(0, 1)`` (afresh in each
    replicate). At each round, an inactive node becomes active when the summed
    weight ``b_uv`` of its in-neighbours ``u`` active at the previous round reaches
    ``theta_v``. Active nodes stay active. On an undirected network every neighbour
    is an in-neighbour.

    Args:
        network: A :class:`~sim.network.Network` or a networkx graph.
        seeds: Initially active nodes: an int k (k distinct nodes drawn at random in
            each replicate) or a sequence of node labels.
        weights: Influence ``b_uv`` of arc ``u -> v``: ``None`` for ``1 / in_degree(v)``,
            a float array aligned with ``network.indices``, or an edge attribute name.
            Each node's incoming weights must sum to at most 1.
        replicates: Number of independent replicates R >= 1.
        steps: Horizon in rounds, or ``None`` to run until no node can activate.
        seed: Master seed (int >= 0) or ``None`` for a fresh one (recorded).
        record: Keep the per-round counts (else only the final state).

    Returns:
        :class:`~sim.contagion._common.Cascades` with states ``("inactive", "active")``.

    Raises:
        ValidationError: Bad network, seeds, weights (negative, misaligned, unknown
            attribute, or a node whose incoming weights sum to more than 1),
            replicates, steps or seed.

    Examples:
        >>> import networkx as nx
        >>> res = linear_threshold(nx.path_graph(4), [0], replicates=3, seed=7)
        >>> res.state_names
        ('inactive', 'active')
        >>> bool((res.final_adopted >= 1).all())
        True
        >>> # The hub of a star hears from its three leaves, weight 1/3 each: sure.
        >>> lt = linear_threshold(nx.star_graph(3), [1, 2, 3], seed=1)
        >>> lt.adopted[0].tolist()
        [3, 4]

    Notes:
        The thresholds are independent, so drawing ``theta_v`` only when ``v`` first
        receives influence (and never for nodes that do not) gives exactly the same
        process in law. With the default weights ``1 / d_v``, the condition
        ``(active in-neighbours) / d_v >= theta_v`` is ``active >= ceil(theta_v d_v)``,
        and ``ceil(theta_v d_v)`` is uniform on ``{1, ..., d_v}``: the kernel draws
        that integer directly and counts down, with no floating-point sums. With
        other weights it sums ``b_uv`` and compares with ``theta_v ~ U(0, 1]``.

        Cost per replicate: O(seeds + arcs out of the nodes that activate), whatever
        the network size (only touched entries are reset). Replicates run in parallel;
        replicate ``r`` draws only from its own stream, so results do not depend on
        the number of threads.

    References:
        D. Kempe, J. Kleinberg, E. Tardos, "Maximizing the spread of influence through
        a social network", KDD 2003, pp. 137-146.
    """
    net = as_network(network)
    w = _lt_weights(net, weights)
    plan = prepare_run(net, seeds, replicates=replicates, steps=steps, seed=seed, record=record)
    counts, steps_out, _ = _run_lt(net, plan, w)
    if weights is None:
        wdesc = "1/in_degree"
    elif isinstance(weights, str):
        wdesc = weights
    else:
        wdesc = "per-arc array"
    return Cascades.from_kernel("lt", LT_STATES, counts, steps_out, net, plan, {"weights": wdesc})


def _threshold_need(net: Network, phi, theta) -> np.ndarray:
    """Active in-neighbours each node needs (int32, >= 1; above in-degree: never)."""
    if (phi is None) == (theta is None):
        raise ValidationError("give exactly one of phi (fraction) or theta (count)", key="phi")
    if phi is not None:
        if isinstance(phi, numbers.Real) and not isinstance(phi, bool):
            check_probability(phi, "phi")
        arr = _node_values(net, phi, "phi")
        if arr.size and (arr.min() < 0 or arr.max() > 1):
            bad = arr[(arr < 0) | (arr > 1)][0]
            raise ValidationError(f"must be fractions in [0, 1], got {float(bad)!r}", key="phi")
        return _need_from_thresholds(net, arr)
    if isinstance(theta, numbers.Real) and not isinstance(theta, bool):
        theta = check_int(theta, "theta", minimum=1)
    arr = _node_values(net, theta, "theta")
    if arr.size and (arr.min() < 1 or not np.array_equal(arr, np.floor(arr))):
        bad = arr[(arr < 1) | (arr != np.floor(arr))][0]
        raise ValidationError(f"must be whole numbers >= 1, got {float(bad)!r}", key="theta")
    return np.minimum(arr, _NEVER).astype(np.int32)


def threshold(
    network,
    seeds: int | Sequence[Hashable],
    *,
    phi: float | np.ndarray | str | None = None,
    theta: int | np.ndarray | str | None = None,
    replicates: int = 1,
    steps: int | None = None,
    seed: int | None = None,
    record: bool = True,
) -> Cascades:
    """Deterministic threshold model, fractional (Watts 2002) or absolute (Centola & Macy).

    At each round an inactive node ``v`` with in-degree ``d_v`` becomes active when
    its in-neighbours active at the previous round number ``a_v >= 1`` and

    * fractional: ``a_v / d_v >= phi_v`` (Watts' threshold rule), or
    * absolute: ``a_v >= theta_v`` (complex contagion: ``theta`` distinct sources).

    Give exactly one of ``phi`` and ``theta``. The only randomness is the choice of
    seeds when ``seeds`` is a number.

    Args:
        network: A :class:`~sim.network.Network` or a networkx graph.
        seeds: Initially active nodes: an int k (k random nodes per replicate) or a
            sequence of node labels (then every replicate is identical).
        phi: Fractional threshold in [0, 1]: a number, one value per node, or a node
            attribute name. ``phi = 0`` means one active neighbour suffices.
        theta: Absolute threshold, an integer >= 1: a number, one per node, or a node
            attribute name.
        replicates: Number of replicates R >= 1.
        steps: Horizon in rounds, or ``None`` to run until no node can activate.
        seed: Master seed (int >= 0) or ``None`` for a fresh one (recorded).
        record: Keep the per-round counts (else only the final state).

    Returns:
        :class:`~sim.contagion._common.Cascades` with states ``("inactive", "active")``.

    Raises:
        ValidationError: Both or neither of ``phi``/``theta``; ``phi`` outside [0, 1];
            ``theta`` not a whole number >= 1; bad network, seeds or run options.

    Examples:
        >>> import networkx as nx
        >>> g = nx.path_graph(5)
        >>> threshold(g, [0], phi=0.5).adopted[0].tolist()  # one step per node
        [1, 2, 3, 4, 5]
        >>> threshold(g, [0], theta=2).final_adopted.tolist()  # needs two sources
        [1]
        >>> threshold(g, [0, 2], theta=2).final_adopted.tolist()
        [3]

    Notes:
        A node never activates without an active in-neighbour (influence travels
        along arcs), so nodes with no in-neighbours only start active as seeds.
        The fractional rule is turned into a whole number of active in-neighbours
        per node, the same comparison ``a / d >= phi`` made in floating point.
        Cost per replicate: O(seeds + arcs out of the nodes that activate).

    References:
        D. J. Watts, "A simple model of global cascades on random networks", PNAS
        99(9): 5766-5771, 2002.
        D. Centola, M. Macy, "Complex contagions and the weakness of long ties",
        American Journal of Sociology 113(3): 702-734, 2007.
        D. Centola, "The spread of behavior in an online social network experiment",
        Science 329: 1194-1197, 2010.
    """
    net = as_network(network)
    need = _threshold_need(net, phi, theta)[None, :]
    plan = prepare_run(net, seeds, replicates=replicates, steps=steps, seed=seed, record=record)
    counts, steps_out, _ = _run_counter(net, plan, need)
    params = {"phi": _describe(phi), "theta": _describe(theta)}
    return Cascades.from_kernel("threshold", LT_STATES, counts, steps_out, net, plan, params)


def _describe(value):
    """A parameter for the record: the number itself, or a short description."""
    if value is None or isinstance(value, numbers.Real | str):
        return value
    return "per-node array"
