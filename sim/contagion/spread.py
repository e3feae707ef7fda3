"""Expected spread of independent cascades over fixed live-edge worlds (private).

Influence maximisation (:mod:`sim.strategies.influence`) compares many seed sets by
their expected independent-cascade spread. Run with fresh randomness for every
candidate, the difference between two candidates' estimates is mostly Monte Carlo
noise; run over the *same* cascades it is not. This module makes "the same
cascades" exact:

* **Live-edge worlds.** An independent cascade with arc probabilities ``p_e`` reaches
  exactly the nodes reachable from the seeds through the arcs of a random *live-edge
  graph* in which every arc is live, independently, with probability ``p_e``
  (Kempe, Kleinberg & Tardos 2003, Claim 2.3). :func:`live_edge_worlds` draws R such
  graphs once, from one seed (world ``r`` from the ``r``-th kernel stream of
  :func:`~sim.contagion._common.replicate_states`), and packs them side by side into
  one CSR graph of ``n * R`` nodes. Node ``v`` of world ``r`` is ``v * R + r``: the
  copies of a node are adjacent in memory, and since the cascades of all worlds
  run together (one frontier) and reach much the same nodes, this layout measured
  2-4x faster than one world after another.
* **Spread by the cascade kernel.** :func:`world_spread` runs the independent
  cascade kernel of :mod:`sim.contagion.cascade` on that graph with every trial
  succeeding (a live arc always transmits): one kernel replicate per seed set, whose
  seeds are the seed set's copies in every world. The number reached, over R, is the
  Monte Carlo estimate of the expected spread.

Every seed set is evaluated on the same R worlds (common random numbers), so the
estimate ``sigma_R(S)`` is itself a coverage function: monotone and submodular, with
integer totals. Lazy-forward greedy is then exact (it returns what plain greedy
returns on the same worlds) and marginal gains are differences of the same worlds,
not noise. This is the "static snapshot" estimator of Cheng et al. (2013).

References:
    D. Kempe, J. Kleinberg, E. Tardos, "Maximizing the spread of influence through
    a social network", KDD 2003 (Claim 2.3: the live-edge equivalence).

    S. Cheng, H. Shen, J. Huang, G. Zhang, X. Cheng, "StaticGreedy: solving the
    scalability-accuracy dilemma in influence maximization", CIKM 2013.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
from numba import njit, prange

from sim.contagion._common import UNTIL_QUIESCENT, replicate_states
from sim.contagion._rng import uniform
from sim.contagion.cascade import (
    _ALL,
    _NONE,
    _SKIP,
    _gap,
    _ic_kernel,
    _ic_kernel_serial,
    _nchunks,
    _skip_table,
    _tables,
)
from sim.errors import ValidationError

__all__ = [
    "LiveEdgeWorlds",
    "copies_of",
    "live_edge_worlds",
    "reached",
    "residual",
    "single_node_spread",
    "spread_from",
    "world_spread",
]

#: Largest ``n * R`` (nodes of all worlds together): int32 node ids in the kernel.
MAX_WORLD_NODES = 2**31 - 2


@dataclass(frozen=True)
class LiveEdgeWorlds:
    """R live-edge graphs of one network, packed into one CSR graph.

    Attributes:
        indptr: ``int32`` (or ``int64``) row pointers of the ``n * R`` nodes.
        indices: ``int32`` targets; node ``v`` of world ``r`` is ``v * R + r``.
        num_nodes: n, the nodes of the original network.
        worlds: R.
    """

    indptr: np.ndarray
    indices: np.ndarray
    num_nodes: int
    worlds: int

    def world_arcs(self, r: int) -> tuple[np.ndarray, np.ndarray]:
        """The live arcs of world ``r`` as ``(sources, targets)`` original node ids."""
        R = self.worlds
        rows = np.arange(self.num_nodes, dtype=np.int64) * R + r
        lo = self.indptr[rows].astype(np.int64)
        hi = self.indptr[rows + 1].astype(np.int64)
        src = np.repeat(np.arange(self.num_nodes, dtype=np.int64), hi - lo)
        pieces = [self.indices[a:b] for a, b in zip(lo.tolist(), hi.tolist(), strict=True)]
        dst = np.concatenate(pieces).astype(np.int64) if pieces else np.zeros(0, np.int64)
        return src, dst // R


@njit(cache=True)
def _draw_world(src, probs, kind, table_keep, table_alias, inv_log1m_p, state, live):
    """Mark the live arcs of one world in ``live`` (cleared first); return their number."""
    m = src.shape[0]
    live[:] = False
    count = 0
    if kind == _NONE or m == 0:
        return 0
    if kind == _ALL:
        live[:] = True
        return m
    if kind == _SKIP:
        e = _gap(state, table_keep, table_alias, inv_log1m_p)
        while e < m:
            live[e] = True
            count += 1
            e += 1 + _gap(state, table_keep, table_alias, inv_log1m_p)
        return count
    for e in range(m):
        if uniform(state) < probs[e]:
            live[e] = True
            count += 1
    return count


@njit(parallel=True, cache=True)
def _count_rows(src, probs, kind, table_keep, table_alias, inv_log1m_p, states, nchunks, row_len):
    """Pass 1: ``row_len[v * R + r]`` = live out-arcs of ``v`` in world ``r``."""
    R = states.shape[0]
    m = src.shape[0]
    for c in prange(nchunks):
        live = np.zeros(m, dtype=np.bool_)
        for r in range(c * R // nchunks, (c + 1) * R // nchunks):
            st = states[r].copy()
            _draw_world(src, probs, kind, table_keep, table_alias, inv_log1m_p, st, live)
            for e in range(m):
                if live[e]:
                    row_len[np.int64(src[e]) * R + r] += 1


@njit(parallel=True, cache=True)
def _fill_rows(
    src, dst, probs, kind, table_keep, table_alias, inv_log1m_p, states, nchunks, indptr, out
):  # fmt: skip
    """Pass 2: redraw every world from the same state and write its live arcs."""
    R = states.shape[0]
    m = src.shape[0]
    for c in prange(nchunks):
        live = np.zeros(m, dtype=np.bool_)
        for r in range(c * R // nchunks, (c + 1) * R // nchunks):
            st = states[r].copy()
            _draw_world(src, probs, kind, table_keep, table_alias, inv_log1m_p, st, live)
            # Rows of world r are disjoint from every other world's: no write races.
            # The arcs of a row are contiguous in CSR order, so each row stays sorted.
            prev = np.int64(-1)
            pos = np.int64(0)
            for e in range(m):
                if live[e]:
                    row = np.int64(src[e]) * R + r
                    if row != prev:
                        pos = np.int64(indptr[row])
                        prev = row
                    out[pos] = np.int32(np.int64(dst[e]) * R + r)
                    pos += 1


def live_edge_worlds(
    indptr: np.ndarray, indices: np.ndarray, probs: np.ndarray | float, worlds: int, seed: int
) -> LiveEdgeWorlds:
    """Draw R live-edge worlds of a network (every arc live with its probability).

    Args:
        indptr: CSR row pointers of the network (n + 1).
        indices: CSR targets (one per arc).
        probs: One probability for every arc (a float), or one per arc.
        worlds: R >= 1.
        seed: Master seed (int >= 0); world ``r`` draws from kernel stream ``r`` of
            :func:`~sim.contagion._common.replicate_states`, so with one probability
            for every arc world ``r`` is the same whatever R.

    Returns:
        The packed worlds.

    Raises:
        ValidationError: If ``n * R`` does not fit in int32 node ids (key
            ``first_pin.replicates``).

    Examples:
        >>> import numpy as np
        >>> from sim.network import from_edges
        >>> net = from_edges(np.array([0, 1]), np.array([1, 2]), directed=True)  # 0->1->2
        >>> worlds = live_edge_worlds(net.indptr, net.indices, 1.0, 4, seed=1)
        >>> world_spread(worlds, [np.array([0]), np.array([2])]).tolist()  # over 4 worlds
        [12, 4]

    Notes:
        Two passes over the arcs per world (count, then fill, redrawing from the same
        stream): O(R * m) time (O(R * p * m) draws with one probability), O(R * (n +
        p * m)) memory for the result.
    """
    n = int(indptr.shape[0] - 1)
    R = int(worlds)
    if n * R > MAX_WORLD_NODES:
        raise ValidationError(
            f"{R} Monte Carlo worlds of {n} nodes exceed {MAX_WORLD_NODES} world-nodes; "
            "use fewer replicates (or strategy 'ris' for large networks)",
            key="first_pin.replicates",
        )
    src = np.repeat(np.arange(n, dtype=np.int32), np.diff(indptr))
    dst = np.ascontiguousarray(indices, dtype=np.int32)
    if np.ndim(probs) == 0:
        p = float(probs)
        kind = _NONE if p <= 0.0 else _ALL if p >= 1.0 else _SKIP
        arr = np.zeros(0)
    else:
        arr = np.ascontiguousarray(probs, dtype=np.float64)
        kind = 0  # per-arc uniforms (cascade._PER_ARC)
        p = 0.5
    if kind == _SKIP:
        table_keep, table_alias, inv = _skip_table(p)
    else:
        table_keep, table_alias, inv = _tables(kind, 0.0)
    states = replicate_states(seed, R)
    nchunks = min(R, 4 * numba.get_num_threads())
    row_len = np.zeros(n * R, dtype=np.int64)
    _count_rows(src, arr, kind, table_keep, table_alias, inv, states, nchunks, row_len)
    total = int(row_len.sum())
    itype = np.int32 if total < 2**31 else np.int64
    w_indptr = np.zeros(n * R + 1, dtype=itype)
    np.cumsum(row_len, out=w_indptr[1:])
    del row_len
    out = np.empty(total, dtype=np.int32)
    _fill_rows(src, dst, arr, kind, table_keep, table_alias, inv, states, nchunks, w_indptr, out)
    return LiveEdgeWorlds(indptr=w_indptr, indices=out, num_nodes=n, worlds=R)


def world_spread(worlds: LiveEdgeWorlds, seed_sets: list[np.ndarray]) -> np.ndarray:
    """Total nodes reached, over all worlds, by each seed set (the cascade kernel).

    Args:
        worlds: From :func:`live_edge_worlds`.
        seed_sets: Node-id arrays (original ids); one kernel replicate each.

    Returns:
        ``int64`` array: for each seed set, the sum over the R worlds of the nodes it
        reaches (divide by R for the expected spread).

    Notes:
        One call of the independent cascade kernel (:mod:`sim.contagion.cascade`),
        every trial succeeding, replicates in parallel: time O(sum of the nodes and
        live arcs reached), memory O(n * R) per worker thread.
    """
    R = worlds.worlds
    copies = np.arange(R, dtype=np.int64)
    sizes = np.asarray([len(s) for s in seed_sets], dtype=np.int64)
    seed_ptr = np.zeros(len(seed_sets) + 1, dtype=np.int64)
    np.cumsum(sizes * R, out=seed_ptr[1:])
    # Seed set i occupies seed_nodes[seed_ptr[i]:seed_ptr[i + 1]]: its seeds in
    # world 0, then in world 1, ...
    pieces = [
        (np.asarray(s, dtype=np.int64)[None, :] * R + copies[:, None]).reshape(-1)
        for s in seed_sets
    ]
    seed_nodes = np.concatenate(pieces).astype(np.int32) if pieces else np.zeros(0, np.int32)
    return _run_kernel(worlds, seed_ptr, seed_nodes)


def single_node_spread(worlds: LiveEdgeWorlds) -> np.ndarray:
    """:func:`world_spread` of every single node ``{v}``, ``v = 0 .. n - 1``, in one call."""
    n, R = worlds.num_nodes, worlds.worlds
    seed_ptr = np.arange(0, n * R + 1, R, dtype=np.int64)
    seed_nodes = np.arange(n * R, dtype=np.int32)  # node v in every world: v*R .. v*R+R-1
    return _run_kernel(worlds, seed_ptr, seed_nodes)


def copies_of(worlds: LiveEdgeWorlds, v: int, covered: np.ndarray | None = None) -> np.ndarray:
    """The world-nodes of node ``v`` (one per world), less those in ``covered``."""
    R = worlds.worlds
    ids = np.arange(int(v) * R, (int(v) + 1) * R, dtype=np.int64)
    return ids if covered is None else ids[~covered[ids]]


def spread_from(worlds: LiveEdgeWorlds, world_nodes: np.ndarray) -> int:
    """Nodes reached, over all worlds, from the given world-nodes (the cascade kernel)."""
    if world_nodes.size == 0:
        return 0
    seed_ptr = np.asarray([0, world_nodes.size], dtype=np.int64)
    return int(_run_kernel(worlds, seed_ptr, world_nodes.astype(np.int32))[0])


def reached(worlds: LiveEdgeWorlds, world_nodes: np.ndarray) -> np.ndarray:
    """The world-nodes reachable from ``world_nodes`` (themselves included).

    Bookkeeping for :func:`residual`, not an estimate: one breadth-first search of
    :func:`scipy.sparse.csgraph.breadth_first_order` from a virtual source joined to
    every start, O(n * R + nodes and arcs reached).
    """
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import breadth_first_order

    N = worlds.num_nodes * worlds.worlds
    indptr = np.concatenate([worlds.indptr, [worlds.indptr[-1] + world_nodes.size]])
    indices = np.concatenate([worlds.indices, world_nodes.astype(np.int32)])
    graph = csr_array(
        (np.ones(indices.size, dtype=np.float64), indices, indptr.astype(np.int64)),
        shape=(N + 1, N + 1),
    )
    order = breadth_first_order(graph, N, directed=True, return_predecessors=False)
    return np.asarray(order[1:], dtype=np.int64)


def residual(worlds: LiveEdgeWorlds, covered: np.ndarray) -> LiveEdgeWorlds:
    """The worlds without the covered world-nodes' arcs (in or out).

    From an uncovered world-node, the residual worlds reach exactly what it adds to
    the covered set: a path through a covered node only leads to covered nodes. So
    the spread of the uncovered copies of ``v`` in the residual worlds is ``v``'s
    marginal gain over the seeds that covered ``covered``.
    """
    indptr = np.empty_like(worlds.indptr)
    indices = np.empty_like(worlds.indices)
    kept = _compact(worlds.indptr, worlds.indices, covered, indptr, indices)
    return LiveEdgeWorlds(
        indptr=indptr, indices=indices[:kept].copy(), num_nodes=worlds.num_nodes,
        worlds=worlds.worlds,
    )  # fmt: skip


@njit(cache=True)
def _compact(indptr, indices, covered, out_ptr, out_idx):
    """CSR without the arcs out of or into covered nodes; returns the arcs kept."""
    pos = 0
    for u in range(indptr.shape[0] - 1):
        out_ptr[u] = pos
        if covered[u]:
            continue
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            if not covered[v]:
                out_idx[pos] = v
                pos += 1
    out_ptr[indptr.shape[0] - 1] = pos
    return pos


def _run_kernel(worlds: LiveEdgeWorlds, seed_ptr: np.ndarray, seed_nodes: np.ndarray):
    sets = seed_ptr.shape[0] - 1
    N = worlds.num_nodes * worlds.worlds
    counts = np.zeros((sets, 1, 3), dtype=np.int64)
    steps_out = np.zeros(sets, dtype=np.int64)
    arcs_out = np.zeros(sets, dtype=np.int64)
    states = np.ones((sets, 4), dtype=np.uint64)  # every trial succeeds: never drawn
    table_keep, table_alias, inv = _tables(_ALL, 0.0)
    nchunks = _nchunks(sets)
    kernel = _ic_kernel if nchunks > 1 else _ic_kernel_serial
    kernel(
        worlds.indptr, worlds.indices, np.zeros(1), _ALL, table_keep, table_alias, inv,
        seed_ptr, seed_nodes, states, UNTIL_QUIESCENT, nchunks, counts, steps_out, arcs_out,
    )  # fmt: skip
    return N - counts[:, 0, 0]
