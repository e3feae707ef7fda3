"""Reverse-reachable (RR) sets and greedy maximum coverage: the kernels of RIS / IMM.

An RR set is the set of nodes that reach a uniformly random root ``v`` in a random
live-edge graph of the independent cascade: a cascade run backwards, from ``v``
along in-arcs, each arc live with its probability. For any seed set ``S``,
``n * P(S meets a random RR set) = sigma(S)``, the expected spread (Borgs et al.
2014, Observation 3.2), so seed selection becomes maximum coverage of many RR sets.

Sampling (:class:`RRSampler`): RR sets come in blocks of :data:`BLOCK` sets; block
``b`` draws only from xoshiro stream ``b`` of one seed, so the ``j``-th RR set is the
same whatever the number of threads and however many sets are asked for at a time
(IMM asks for more and more). With one probability on every arc the walk over the
in-arcs skips straight to the next live arc with the independent cascade's
geometric gaps (:func:`sim.contagion.cascade._gap`): about ``p`` draws per arc.

References:
    C. Borgs, M. Brautbar, J. Chayes, B. Lucier, "Maximizing social influence in
    nearly optimal time", SODA 2014.

    Y. Tang, Y. Shi, X. Xiao, "Influence maximization in near-linear time: a
    martingale approach", SIGMOD 2015.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import njit, prange

from sim.contagion._common import replicate_states
from sim.contagion._rng import randint, uniform
from sim.contagion.cascade import _ALL, _NONE, _SKIP, _gap, _skip_table, _tables

__all__ = ["BLOCK", "RRSampler", "max_coverage"]

#: RR sets per random stream.
BLOCK = 256


@njit(inline="always", cache=True)
def _push(w, visited, buf, b, pos, cap):
    """Append ``w`` to block ``b``'s buffer if unvisited; -1 when the buffer is full."""
    if visited[w] != 0:
        return pos
    if pos >= cap:
        return np.int64(-1)
    visited[w] = 1
    buf[b, pos] = w
    return pos + 1


@njit(cache=True)
def _rr_block(
    b, rindptr, rindices, probs, kind, table_keep, table_alias, inv_log1m_p, state,
    visited, buf, set_len,
):  # fmt: skip
    """Draw the BLOCK RR sets of block ``b`` into ``buf[b]``; return the entries used,
    or -1 if the buffer is too small (``visited`` is left clean either way)."""
    n = rindptr.shape[0] - 1
    cap = buf.shape[1]
    nsets = set_len.shape[1]
    pos = np.int64(0)
    gap = np.int64(0)
    if kind == _SKIP:
        gap = _gap(state, table_keep, table_alias, inv_log1m_p)
    for j in range(nsets):
        start = pos
        root = randint(state, n)
        pos = _push(root, visited, buf, b, pos, cap)
        head = start
        while head < pos and pos >= 0:
            u = buf[b, head]
            head += 1
            a = rindptr[u]
            end = rindptr[u + 1]
            if kind == _SKIP:
                while gap < end - a:
                    a += gap
                    pos = _push(rindices[a], visited, buf, b, pos, cap)
                    if pos < 0:
                        break
                    a += 1
                    gap = _gap(state, table_keep, table_alias, inv_log1m_p)
                if pos < 0:
                    break
                gap -= end - a
            elif kind != _NONE:
                for e in range(a, end):
                    w = rindices[e]
                    if visited[w] == 0 and (kind == _ALL or uniform(state) < probs[e]):
                        pos = _push(w, visited, buf, b, pos, cap)
                        if pos < 0:
                            break
                if pos < 0:
                    break
        if pos < 0:
            for q in range(cap):  # full buffer: clear every mark this block made
                visited[buf[b, q]] = 0
            return np.int64(-1)
        for q in range(start, pos):
            visited[buf[b, q]] = 0
        set_len[b, j] = pos - start
    return pos


@njit(parallel=True, cache=True)
def _rr_blocks(
    rindptr, rindices, probs, kind, table_keep, table_alias, inv_log1m_p, states, nchunks,
    buf, set_len, used,
):  # fmt: skip
    """Draw blocks ``0 .. B-1`` of this call (block ``b`` from ``states[b]``) in parallel."""
    nb = states.shape[0]
    n = rindptr.shape[0] - 1
    for c in prange(nchunks):
        visited = np.zeros(n, dtype=np.uint8)
        for b in range(c * nb // nchunks, (c + 1) * nb // nchunks):
            st = states[b].copy()
            used[b] = _rr_block(
                b, rindptr, rindices, probs, kind, table_keep, table_alias, inv_log1m_p,
                st, visited, buf, set_len,
            )  # fmt: skip


class RRSampler:
    """An endless, reproducible sequence of RR sets of one network, drawn on demand.

    Args:
        rindptr: Row pointers of the *reversed* network (in-arcs).
        rindices: Sources of the in-arcs.
        probs: One probability for every arc (float), or one per in-arc (aligned with
            ``rindices``).
        seed: Master seed (int >= 0).

    Attributes:
        set_ptr: ``int64`` pointers of the sets drawn so far (length sets + 1).
        set_nodes: ``int32`` members of the sets drawn so far.
    """

    def __init__(self, rindptr, rindices, probs, seed: int) -> None:
        # int32 pointers when they fit: half the cache footprint of the hot array.
        itype = np.int32 if int(rindptr[-1]) < 2**31 else np.int64
        self.rindptr = np.ascontiguousarray(rindptr, dtype=itype)
        self.rindices = np.ascontiguousarray(rindices, dtype=np.int32)
        self.n = int(self.rindptr.shape[0] - 1)
        self.seed = int(seed)
        if np.ndim(probs) == 0:
            p = float(probs)
            self.kind = _NONE if p <= 0.0 else _ALL if p >= 1.0 else _SKIP
            self.probs = np.zeros(0)
            self.tables = _skip_table(p) if self.kind == _SKIP else _tables(self.kind, 0.0)
        else:
            self.kind = 0  # per-arc uniforms (cascade._PER_ARC)
            self.probs = np.ascontiguousarray(probs, dtype=np.float64)
            self.tables = _tables(0, 0.0)
        self.blocks = 0
        self._ptr_parts: list[np.ndarray] = []
        self._node_parts: list[np.ndarray] = []
        self._entries = 0
        self.set_ptr = np.zeros(1, dtype=np.int64)
        self.set_nodes = np.zeros(0, dtype=np.int32)

    @property
    def num_sets(self) -> int:
        """Number of RR sets drawn so far (a multiple of :data:`BLOCK`)."""
        return self.blocks * BLOCK

    def extend_to(self, count: int) -> None:
        """Draw more blocks until at least ``count`` sets are available."""
        need = -(-int(count) // BLOCK) - self.blocks
        if need <= 0:
            return
        states = replicate_states(self.seed, self.blocks + need)[self.blocks :]
        mean = self._entries / self.num_sets if self.blocks else 4.0
        cap = int(2.0 * mean * BLOCK) + 8 * BLOCK
        todo = np.arange(need)
        buf_all: dict[int, np.ndarray] = {}
        len_all: dict[int, np.ndarray] = {}
        nchunks_max = 4 * numba.get_num_threads()
        while todo.size:
            # Bound the scratch buffer (~256 MiB) by drawing a few blocks at a time.
            per_call = max(1, min(todo.size, (2**26) // cap))
            retry = []
            for lo in range(0, todo.size, per_call):
                ids = todo[lo : lo + per_call]
                buf = np.empty((ids.size, cap), dtype=np.int32)
                set_len = np.zeros((ids.size, BLOCK), dtype=np.int64)
                used = np.zeros(ids.size, dtype=np.int64)
                keep, alias, inv = self.tables
                _rr_blocks(
                    self.rindptr, self.rindices, self.probs, self.kind, keep, alias, inv,
                    np.ascontiguousarray(states[ids]), min(ids.size, nchunks_max),
                    buf, set_len, used,
                )  # fmt: skip
                for q, b in enumerate(ids.tolist()):
                    if used[q] < 0:
                        retry.append(b)
                    else:
                        buf_all[b] = buf[q, : used[q]].copy()
                        len_all[b] = set_len[q]
            todo = np.asarray(retry, dtype=np.int64)
            cap *= 4
        lens = np.concatenate([len_all[b] for b in range(need)])
        nodes = np.concatenate([buf_all[b] for b in range(need)])
        self._ptr_parts.append(lens)
        self._node_parts.append(nodes)
        self._entries += int(nodes.size)
        self.blocks += need
        lens_all = np.concatenate(self._ptr_parts)
        self.set_ptr = np.zeros(lens_all.size + 1, dtype=np.int64)
        np.cumsum(lens_all, out=self.set_ptr[1:])
        self.set_nodes = np.concatenate(self._node_parts)
        self._ptr_parts = [lens_all]
        self._node_parts = [self.set_nodes]


@njit(cache=True)
def _max_coverage(set_ptr, set_nodes, n, k, node_sets):
    nsets = set_ptr.shape[0] - 1
    deg = np.zeros(n, dtype=np.int64)
    for q in range(set_nodes.shape[0]):
        deg[set_nodes[q]] += 1
    node_ptr = np.zeros(n + 1, dtype=np.int64)
    for v in range(n):
        node_ptr[v + 1] = node_ptr[v] + deg[v]
    cursor = node_ptr[:-1].copy()
    for s in range(nsets):
        for q in range(set_ptr[s], set_ptr[s + 1]):
            v = set_nodes[q]
            node_sets[cursor[v]] = s
            cursor[v] += 1
    covered = np.zeros(nsets, dtype=np.bool_)
    chosen = np.zeros(n, dtype=np.bool_)
    picked = np.empty(k, dtype=np.int64)
    gains = np.empty(k, dtype=np.int64)
    for i in range(k):
        best = -1
        best_gain = -1
        for v in range(n):  # the first maximum: ties go to the smaller id
            if not chosen[v] and deg[v] > best_gain:
                best = v
                best_gain = deg[v]
        chosen[best] = True
        picked[i] = best
        gains[i] = best_gain
        for q in range(node_ptr[best], node_ptr[best + 1]):
            s = node_sets[q]
            if not covered[s]:
                covered[s] = True
                for x in range(set_ptr[s], set_ptr[s + 1]):
                    deg[set_nodes[x]] -= 1
    return picked, gains


def max_coverage(
    set_ptr: np.ndarray, set_nodes: np.ndarray, n: int, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Greedy maximum coverage: k nodes, each covering the most sets not yet covered.

    Args:
        set_ptr: ``int64`` set pointers (sets + 1).
        set_nodes: Members of the sets (ids in ``[0, n)``, distinct within a set).
        n: Number of nodes.
        k: Nodes to pick (``1 <= k <= n``).

    Returns:
        ``(picked, gains)``: the node ids in the order picked (ties: smaller id) and
        the number of newly covered sets each one added.

    Examples:
        >>> import numpy as np
        >>> ptr = np.array([0, 2, 3, 5])  # sets {0, 1}, {1}, {2, 3}
        >>> picked, gains = max_coverage(ptr, np.array([0, 1, 1, 2, 3]), 4, 2)
        >>> picked.tolist(), gains.tolist()
        ([1, 2], [2, 1])

    Notes:
        O(k * n + total set size) time (a linear scan per pick, one pass over the
        sets each node covers), O(n + total set size) memory. The greedy choice is
        a (1 - 1/e)-approximation of maximum coverage (Nemhauser, Wolsey & Fisher
        1978).
    """
    dtype = np.int32 if set_ptr.shape[0] - 1 < 2**31 else np.int64
    node_sets = np.empty(set_nodes.shape[0], dtype=dtype)
    return _max_coverage(
        np.ascontiguousarray(set_ptr, dtype=np.int64),
        np.ascontiguousarray(set_nodes, dtype=np.int32),
        int(n),
        int(k),
        node_sets,
    )
