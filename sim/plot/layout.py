"""Where to put each person in a network picture: a seeded force-directed layout.

:func:`network_layout` places the people of a network (or of a sample of it, beyond
``max_nodes``: :func:`sample_nodes`) with the Fruchterman-Reingold spring embedder:
ties pull their two ends together (a tie between two hubs less, ``4 / sqrt(d_i
d_j)``, so a dense core opens up), everybody pushes everybody apart, a weak gravity
keeps separate components in view, and a temperature that falls every iteration caps
how far a person moves; people without any tie go on a ring around the rest. The hot
loop is a numba kernel, ``_spring_kernel`` (exact O(n^2) repulsion, parallel over
people, identical for any number of threads); ``tests/naive.py`` has its pure-Python
transcription. networkx's ``spring_layout`` draws the same kind of picture but takes
about a minute for 3,000 people on two cores; this takes a few seconds.

Ties between people who share an interest axis (関心軸) pull harder (``pull``), so
that interest communities form visible clusters: a choice of drawing, stated in
``docs/plotting.md``, never a change to the network.

References:
    T. M. J. Fruchterman, E. M. Reingold, "Graph drawing by force-directed placement",
    Software: Practice and Experience 21(11), 1991.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np
import pandas as pd
from numba import njit, prange

from sim.contagion._common import as_network, check_int
from sim.errors import ValidationError

__all__ = ["network_layout", "sample_nodes"]


@njit(parallel=True, cache=True)
def _spring_kernel(indptr, indices, weights, pos, iterations, k, t0, gravity):
    """Fruchterman-Reingold on an undirected CSR graph; moves ``pos`` in place.

    Per iteration, person i is pushed from every j by ``k^2 / d`` and pulled along
    each tie by ``w * d^2 / k`` (d: distance, w: the arc's weight), and towards the centre by
    ``gravity * |x_i|``; then i moves along the sum by at most the temperature ``t``,
    which falls linearly from ``t0`` to ``t0 / (iterations + 1)``.
    """
    n = pos.shape[0]
    disp = np.zeros((n, 2))
    k2 = k * k
    t = t0
    dt = t0 / (iterations + 1)
    for _ in range(iterations):
        for i in prange(n):
            xi = pos[i, 0]
            yi = pos[i, 1]
            fx = 0.0
            fy = 0.0
            for j in range(n):
                if j != i:
                    dx = xi - pos[j, 0]
                    dy = yi - pos[j, 1]
                    d2 = dx * dx + dy * dy
                    if d2 < 1e-12:
                        d2 = 1e-12
                    fx += dx * k2 / d2
                    fy += dy * k2 / d2
            for e in range(indptr[i], indptr[i + 1]):
                j = indices[e]
                dx = xi - pos[j, 0]
                dy = yi - pos[j, 1]
                d = math.sqrt(dx * dx + dy * dy)
                fx -= dx * d * weights[e] / k
                fy -= dy * d * weights[e] / k
            fx -= gravity * xi
            fy -= gravity * yi
            disp[i, 0] = fx
            disp[i, 1] = fy
        for i in range(n):
            length = math.sqrt(disp[i, 0] * disp[i, 0] + disp[i, 1] * disp[i, 1])
            if length > 0.0:
                step = min(length, t) / length
                pos[i, 0] += disp[i, 0] * step
                pos[i, 1] += disp[i, 1] * step
        t -= dt
    return pos


def _undirected(net, ids: np.ndarray | None = None):
    """Symmetric CSR (``indptr``, ``indices``) without self-loops, of the subgraph
    induced by ``ids`` (all people if ``None``), relabelled ``0..len(ids)-1``."""
    from scipy import sparse

    n = net.num_nodes
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(net.indptr))
    adj = sparse.csr_matrix((np.ones(len(rows)), (rows, net.indices)), shape=(n, n))
    adj = ((adj + adj.T) > 0).astype(np.int8).tocsr()
    if ids is not None:
        adj = adj[ids][:, ids].tocsr()
    adj.setdiag(0)
    adj.eliminate_zeros()
    adj.sort_indices()
    return adj.indptr.astype(np.int64), adj.indices.astype(np.int64)


def _check_forces(pull, gravity) -> None:
    if not (isinstance(pull, int | float) and pull > 0 and math.isfinite(pull)):
        raise ValidationError(f"must be a number > 0, got {pull!r}", key="pull")
    if not (isinstance(gravity, int | float) and gravity >= 0 and math.isfinite(gravity)):
        raise ValidationError(f"must be a number >= 0, got {gravity!r}", key="gravity")


def _arc_weights(indptr, indices, interest, n: int, pull: float) -> np.ndarray:
    """Spring strength of every arc: ``4 / sqrt(d_i d_j)`` (ties between two hubs pull
    less, so that a dense core opens up instead of collapsing into a ball; 1 for a
    tie between two people with 16 ties each, 2 along a chain), times ``pull`` within
    an interest."""
    deg = np.diff(indptr).astype(np.float64)
    rows = np.repeat(np.arange(n), np.diff(indptr))
    weights = 4.0 / np.sqrt(deg[rows] * deg[indices])
    if interest is not None and pull != 1.0:
        codes = _codes(interest, n)
        same = (codes[rows] == codes[indices]) & (codes[rows] >= 0)
        weights[same] *= pull
    return weights


def _positions(indptr, indices, weights, n: int, seed: int, iterations: int, gravity: float):
    """Positions by node id: the spring layout of everyone with a tie, and the loners
    (no tie) evenly on a ring just around them instead of flung to the edge."""
    pos = np.random.default_rng(seed).random((n, 2)) - 0.5
    alone = np.diff(indptr) == 0
    if alone.all():  # nobody has a tie: the starting positions are the picture
        return _fit(pos)
    keep = np.flatnonzero(~alone)
    new_id = np.cumsum(~alone) - 1
    sub_ptr = np.concatenate([[0], np.cumsum(np.diff(indptr)[keep])]).astype(np.int64)
    sub_idx = new_id[indices].astype(np.int64)  # loners have no arcs: same arc order
    sub = np.ascontiguousarray(pos[keep])
    k = math.sqrt(1.0 / len(keep))
    _spring_kernel(sub_ptr, sub_idx, weights, sub, np.int64(iterations), k, 0.1, float(gravity))
    pos[keep] = sub
    if alone.any():
        centre = sub.mean(axis=0)
        radius = 1.08 * np.sqrt(((sub - centre) ** 2).sum(axis=1)).max()
        angle = 2 * np.pi * np.arange(alone.sum()) / alone.sum()
        pos[alone] = centre + radius * np.column_stack([np.cos(angle), np.sin(angle)])
    return _fit(pos)


def _fit(pos: np.ndarray) -> np.ndarray:
    """Centred on 0, scaled so that the farthest person is at distance 1 on an axis."""
    pos -= pos.mean(axis=0)
    extent = np.abs(pos).max()
    if extent > 0:
        pos /= extent
    return pos


def _codes(interest, n: int) -> np.ndarray:
    """Integer codes (-1: none) of an interest label per person."""
    values = pd.Series(
        list(interest) if not isinstance(interest, pd.Series) else interest.to_numpy()
    )
    if len(values) != n:
        raise ValidationError(f"needs one interest per person ({n}), got {len(values)}",
                              key="interest")  # fmt: skip
    codes, _ = pd.factorize(values.astype(object).where(values.notna(), None), use_na_sentinel=True)
    return codes.astype(np.int64)


def sample_nodes(network, max_nodes: int, *, around=None) -> np.ndarray:
    """Up to ``max_nodes`` people: everyone, or a snowball sample around some people.

    The sample grows breadth-first (ties in both directions) from ``around`` (e.g.
    the first pin and the paid influencers), then from the best-connected person not
    yet reached, until ``max_nodes`` people are in: the neighbourhood where a
    diffusion starts keeps its structure, which a uniform sample of people would
    shred.

    Args:
        network: A :class:`~sim.network.csr.Network` or a networkx graph.
        max_nodes: Most people kept (int >= 1).
        around: Node ids to start from (default: the best-connected person).

    Returns:
        ``int64`` node ids, ascending.

    Raises:
        ValidationError: A bad ``max_nodes`` or an id outside the network.

    Examples:
        >>> import networkx as nx
        >>> sample_nodes(nx.path_graph(10), 3, around=[5]).tolist()
        [4, 5, 6]
        >>> len(sample_nodes(nx.path_graph(10), 20))
        10
    """
    net = as_network(network)
    max_nodes = check_int(max_nodes, "max_nodes", minimum=1)
    n = net.num_nodes
    if n <= max_nodes:
        return np.arange(n, dtype=np.int64)
    indptr, indices = _undirected(net)
    start = [] if around is None else [int(i) for i in np.asarray(around).ravel()]
    if any(not 0 <= i < n for i in start):
        raise ValidationError(f"node ids must be in [0, {n - 1}]", key="around")
    by_degree = iter(np.argsort(-np.diff(indptr), kind="stable").tolist())
    seen = np.zeros(n, dtype=bool)
    order: list[int] = []
    queue: deque[int] = deque()
    for i in start:
        if not seen[i] and len(order) < max_nodes:
            seen[i] = True
            order.append(i)
            queue.append(i)
    while len(order) < max_nodes:
        if not queue:
            nxt = next(i for i in by_degree if not seen[i])
            seen[nxt] = True
            order.append(nxt)
            queue.append(nxt)
            continue
        u = queue.popleft()
        for v in indices[indptr[u] : indptr[u + 1]].tolist():
            if not seen[v]:
                seen[v] = True
                order.append(v)
                queue.append(v)
                if len(order) == max_nodes:
                    break
    return np.sort(np.asarray(order, dtype=np.int64))


def network_layout(
    network,
    *,
    max_nodes: int = 2000,
    around=None,
    interest=None,
    pull: float = 3.0,
    gravity: float = 1.0,
    seed: int = 0,
    iterations: int = 100,
) -> pd.DataFrame:
    """A fixed layout of a network for snapshots: positions of the people drawn.

    A seeded Fruchterman-Reingold layout (see the module): the same network, seed and
    arguments give the same picture. Compute it once and pass it to every
    :func:`sim.plot.network_snapshot` of the same network (``layout=``) so that
    snapshots line up (the snapshot also remembers the last few layouts itself).
    Networks of more than ``max_nodes`` people are sampled first (:func:`sample_nodes`:
    a snowball around ``around``), because a picture of more people is unreadable and
    the layout costs O(n^2) per iteration (about 1 s for 2,000 people).

    Args:
        network: A :class:`~sim.network.csr.Network` or a networkx graph.
        max_nodes: Most people drawn (int >= 1).
        around: Node ids a sample grows from (first pin, influencers).
        interest: Optional interest label per person (ties within one pull harder).
        pull: How much harder ties within an interest pull (> 0).
        gravity: Pull of everyone towards the centre (>= 0).
        seed: Seed of the starting positions.
        iterations: Cooling iterations of the spring layout.

    Returns:
        A frame with ``id`` (node id), ``node`` (label), ``x``, ``y`` (centred, the
        farthest at 1; no unit), one row per person drawn, by id;
        ``attrs["num_nodes"]`` is the size of the whole network.

    Raises:
        ValidationError: A bad argument, naming it.

    Examples:
        >>> import networkx as nx
        >>> lay = network_layout(nx.karate_club_graph(), seed=1)
        >>> len(lay), list(lay.columns)
        (34, ['id', 'node', 'x', 'y'])
        >>> len(network_layout(nx.karate_club_graph(), max_nodes=10, around=[0]))
        10

    References:
        T. M. J. Fruchterman, E. M. Reingold, "Graph drawing by force-directed
        placement", Software: Practice and Experience 21(11), 1991.
    """
    net = as_network(network)
    ids = sample_nodes(net, max_nodes, around=around)
    indptr, indices = _undirected(net, None if len(ids) == net.num_nodes else ids)
    sub_interest = None
    if interest is not None:
        values = list(interest)
        if len(values) != net.num_nodes:
            raise ValidationError(
                f"needs one interest per person ({net.num_nodes}), got {len(values)}",
                key="interest",
            )
        sub_interest = [values[i] for i in ids.tolist()]
    _check_forces(pull, gravity)
    seed = check_int(seed, "seed", minimum=0)
    iterations = check_int(iterations, "iterations", minimum=1)
    weights = _arc_weights(indptr, indices, sub_interest, len(ids), pull)
    xy = _positions(indptr, indices, weights, len(ids), seed, iterations, gravity)
    frame = pd.DataFrame(
        {"id": ids, "node": np.asarray(net.labels, dtype=object)[ids], "x": xy[:, 0], "y": xy[:, 1]}
    )
    frame.attrs["num_nodes"] = net.num_nodes
    return frame
