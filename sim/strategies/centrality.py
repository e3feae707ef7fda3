"""Structural first pins: the k most central people by degree, PageRank, betweenness,
k-core or closeness.

Contagion flows along arcs ``u -> v`` ("u's word reaches v"), so on a directed
network each measure is taken in the direction of spreading: out-degree; PageRank
of the reversed network (a node ranks high when it tells people who tell many);
betweenness on shortest directed paths; closeness from the node outwards. On an
undirected network these are the textbook measures. Weights are ignored (ties are
ties). Ties in the measure go to the smaller node id; floating-point measures are
compared to 12 significant digits, so that values equal up to rounding noise tie.

Each function takes a :class:`~sim.network.Network` and ``k`` and returns ``int64``
node ids, best first; use them through :func:`sim.strategies.first_pin`. The
numba kernels are checked against networkx in the tests.

References:
    L. C. Freeman, "Centrality in social networks: conceptual clarification",
    Social Networks 1(3), 1978 (degree, closeness, betweenness).
"""

from __future__ import annotations

import random as _random

import numba
import numpy as np
from numba import njit, prange

from sim.network.csr import Network
from sim.strategies._base import check_count, check_positive_real, rank_desc, rounded, top_k

__all__ = [
    "betweenness",
    "betweenness_scores",
    "closeness",
    "closeness_scores",
    "core_numbers",
    "degree",
    "k_core",
    "pagerank",
    "pagerank_scores",
]

#: ``betweenness(k_samples=None)`` is exact up to this many nodes, sampled beyond.
EXACT_BETWEENNESS_MAX_NODES = 10_000
#: Sources sampled by ``betweenness(k_samples=None)`` on larger networks.
DEFAULT_BETWEENNESS_SAMPLES = 1_000


def degree(net: Network, k: int) -> np.ndarray:
    """The k people with the most ties (out-degree on a directed network).

    Args:
        net: The network.
        k: How many.

    Returns:
        ``int64`` node ids, best first (ties: smaller id).

    Examples:
        >>> import networkx as nx
        >>> from sim.network import from_networkx
        >>> degree(from_networkx(nx.star_graph(3)), 2).tolist()
        [0, 1]

    Notes:
        O(n) time and memory (a partial selection, then a sort of the k).

    References:
        L. C. Freeman, "Centrality in social networks: conceptual clarification",
        Social Networks 1(3), 1978.
    """
    return top_k(net.degree().astype(np.float64), k)


# --------------------------------------------------------------------- PageRank
def pagerank_scores(
    net: Network, *, alpha: float = 0.85, tol: float = 1.0e-6, max_iter: int = 100
) -> np.ndarray:
    """PageRank of every node, in the direction of spreading (see the module doc).

    The power iteration of :func:`networkx.pagerank` (uniform teleport, dangling
    nodes' rank spread uniformly, stop when the L1 change is below ``n * tol``), on
    scipy sparse matrices: the same numbers without building a networkx graph.

    Args:
        net: The network.
        alpha: Damping factor in (0, 1).
        tol: Convergence tolerance per node.
        max_iter: Iteration cap (the last iterate is returned if it is reached).

    Returns:
        ``float64`` scores summing to 1.
    """
    from scipy.sparse import csr_array

    n = net.num_nodes
    walk = net.reverse() if net.directed else net  # rank flows against spreading
    out = walk.degree().astype(np.float64)
    data = np.repeat(np.divide(1.0, out, out=np.zeros(n), where=out > 0), out.astype(np.int64))
    A = csr_array((data, walk.indices, walk.indptr), shape=(n, n))
    AT = A.T.tocsr()
    dangling = out == 0
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        last = x
        x = alpha * (AT @ last + last[dangling].sum() / n) + (1.0 - alpha) / n
        if np.abs(x - last).sum() < n * tol:
            break
    return x / x.sum()


def pagerank(net: Network, k: int, *, alpha: float = 0.85) -> np.ndarray:
    """The k people of highest PageRank (on the reversed network when directed).

    Args:
        net: The network.
        k: How many.
        alpha: Damping factor in (0, 1).

    Returns:
        ``int64`` node ids, best first (ties: smaller id).

    Raises:
        ValidationError: ``alpha`` not in (0, 1).

    Examples:
        >>> import networkx as nx
        >>> from sim.network import from_networkx
        >>> pagerank(from_networkx(nx.star_graph(3)), 1).tolist()
        [0]

    Notes:
        O(m) per power iteration, O(log(tol) / log(alpha)) iterations (at most
        ``max_iter`` = 100); O(n + m) memory.

    References:
        S. Brin, L. Page, "The anatomy of a large-scale hypertextual Web search
        engine", Computer Networks 30, 1998.
    """
    alpha = check_positive_real(alpha, "first_pin.alpha", below=1.0)
    return top_k(rounded(pagerank_scores(net, alpha=alpha)), k)


# ------------------------------------------------------------------ betweenness
@njit(cache=True)
def _brandes_source(s, indptr, indices, sigma, dist, delta, stack, bc):
    """Add the dependencies of source ``s`` to ``bc`` (Brandes 2001, unweighted)."""
    n = indptr.shape[0] - 1
    for v in range(n):
        sigma[v] = 0.0
        dist[v] = -1
        delta[v] = 0.0
    sigma[s] = 1.0
    dist[s] = 0
    stack[0] = s
    head = 0
    tail = 1
    while head < tail:  # BFS; ``stack`` is the visiting order
        v = stack[head]
        head += 1
        for e in range(indptr[v], indptr[v + 1]):
            w = indices[e]
            if dist[w] < 0:
                dist[w] = dist[v] + 1
                stack[tail] = w
                tail += 1
            if dist[w] == dist[v] + 1:
                sigma[w] += sigma[v]
    for i in range(tail - 1, -1, -1):  # dependencies, farthest first
        v = stack[i]
        for e in range(indptr[v], indptr[v + 1]):
            w = indices[e]
            if dist[w] == dist[v] + 1:
                delta[v] += sigma[v] / sigma[w] * (1.0 + delta[w])
        if v != s:
            bc[v] += delta[v]


@njit(parallel=True, cache=True)
def _brandes(indptr, indices, sources, nchunks):
    n = indptr.shape[0] - 1
    parts = np.zeros((nchunks, n), dtype=np.float64)
    S = sources.shape[0]
    for c in prange(nchunks):
        sigma = np.empty(n, dtype=np.float64)
        dist = np.empty(n, dtype=np.int64)
        delta = np.empty(n, dtype=np.float64)
        stack = np.empty(n, dtype=np.int64)
        for j in range(c * S // nchunks, (c + 1) * S // nchunks):
            _brandes_source(sources[j], indptr, indices, sigma, dist, delta, stack, parts[c])
    return parts.sum(axis=0)


def betweenness_scores(net: Network, *, k_samples: int | None = None, seed: int = 0):
    """Betweenness of every node, exact or estimated from sampled sources.

    Normalised as :func:`networkx.betweenness_centrality` (``normalized=True``,
    dividing by ``(n - 1)(n - 2)``). With ``k_samples`` sources, each node's sum over
    the sampled sources is scaled up to an unbiased estimate of the sum over all
    sources: by ``(n - 1) / k``, or ``(n - 1) / (k - 1)`` for a sampled source
    (which adds nothing to itself), as networkx >= 3.5 does. The sources are
    ``random.Random(seed).sample(range(n), k_samples)``: those networkx draws for
    ``seed`` on a graph whose nodes are ``0 .. n-1`` in order.

    Args:
        net: The network.
        k_samples: Sources to sample; ``None``: every node up to
            :data:`EXACT_BETWEENNESS_MAX_NODES` nodes, else
            :data:`DEFAULT_BETWEENNESS_SAMPLES`.
        seed: Seed of the sample (int >= 0).

    Returns:
        ``float64`` scores.
    """
    n = net.num_nodes
    if k_samples is None:
        k_samples = n if n <= EXACT_BETWEENNESS_MAX_NODES else DEFAULT_BETWEENNESS_SAMPLES
    k_samples = min(check_count(k_samples, "first_pin.k_samples"), n)
    if k_samples == n:
        sources = np.arange(n, dtype=np.int64)
    else:
        sources = np.asarray(_random.Random(seed).sample(range(n), k_samples), dtype=np.int64)
    nchunks = max(1, min(sources.size, 4 * numba.get_num_threads()))
    bc = _brandes(net.indptr, net.indices, sources, nchunks)
    if n > 2:
        if k_samples == n:
            bc *= 1.0 / ((n - 1) * (n - 2))
        else:
            # A sampled source adds nothing to itself: its sum has k - 1 terms drawn
            # from the n - 1 other nodes, anyone else's has k (unbiased either way).
            scale = np.full(n, 1.0 / (k_samples * (n - 2)))
            scale[sources] = 1.0 / (max(k_samples - 1, 1) * (n - 2))
            bc *= scale
    return bc


def betweenness(net: Network, k: int, *, k_samples: int | None = None, seed: int = 0) -> np.ndarray:
    """The k people on the most shortest paths (betweenness; Brandes' algorithm).

    Large networks use Brandes & Pich's (2007) estimate from ``k_samples`` random
    sources (drawn from ``seed``, as networkx draws them).

    Args:
        net: The network.
        k: How many.
        k_samples: Sources to sample; ``None``: exact up to 10,000 nodes, else
            1,000 sources.
        seed: Seed of the sample (int >= 0).

    Returns:
        ``int64`` node ids, best first (ties: smaller id).

    Raises:
        ValidationError: ``k_samples`` < 1 (key ``first_pin.k_samples``).

    Examples:
        >>> import networkx as nx
        >>> from sim.network import from_networkx
        >>> betweenness(from_networkx(nx.path_graph(5)), 1).tolist()
        [2]

    Notes:
        O(s * (n + m)) time for s sources (s = n when exact), O(n) memory per
        thread; sources run in parallel on the numba threads.

    References:
        U. Brandes, "A faster algorithm for betweenness centrality", Journal of
        Mathematical Sociology 25(2), 2001.

        U. Brandes, C. Pich, "Centrality estimation in large networks",
        International Journal of Bifurcation and Chaos 17(7), 2007.
    """
    return top_k(rounded(betweenness_scores(net, k_samples=k_samples, seed=seed)), k)


# ------------------------------------------------------------------------ k-core
@njit(cache=True)
def _core_numbers(indptr, indices):
    """Batagelj & Zaversnik (2003): O(m) core decomposition of a (multi)graph."""
    n = indptr.shape[0] - 1
    deg = np.empty(n, dtype=np.int64)
    md = 0
    for v in range(n):
        deg[v] = indptr[v + 1] - indptr[v]
        md = max(md, deg[v])
    bins = np.zeros(md + 2, dtype=np.int64)
    for v in range(n):
        bins[deg[v]] += 1
    start = 0
    for d in range(md + 1):
        num = bins[d]
        bins[d] = start
        start += num
    pos = np.empty(n, dtype=np.int64)
    vert = np.empty(n, dtype=np.int64)
    for v in range(n):
        pos[v] = bins[deg[v]]
        vert[pos[v]] = v
        bins[deg[v]] += 1
    for d in range(md, 0, -1):
        bins[d] = bins[d - 1]
    bins[0] = 0
    for i in range(n):
        v = vert[i]
        for e in range(indptr[v], indptr[v + 1]):
            u = indices[e]
            if deg[u] > deg[v]:
                du = deg[u]
                pu = pos[u]
                pw = bins[du]
                w = vert[pw]
                if u != w:
                    pos[u] = pw
                    vert[pu] = w
                    pos[w] = pu
                    vert[pw] = u
                bins[du] += 1
                deg[u] -= 1
    return deg


def core_numbers(net: Network) -> np.ndarray:
    """Core number of every node (as :func:`networkx.core_number`).

    On a directed network the degree is in + out and a reciprocated tie counts
    twice, as in networkx.
    """
    if not net.directed:
        return _core_numbers(net.indptr, net.indices)
    n = net.num_nodes
    rev = net.reverse()
    src = np.concatenate(
        [np.repeat(np.arange(n), net.degree()), np.repeat(np.arange(n), rev.degree())]
    )
    dst = np.concatenate([net.indices, rev.indices]).astype(np.int64)
    order = np.argsort(src, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return _core_numbers(indptr, dst[order])


def k_core(net: Network, k: int) -> np.ndarray:
    """The k people deepest in the network's core (k-shell), then by degree.

    Ranks by core number (the largest c such that the node belongs to a subgraph in
    which everyone has at least c ties), a better predictor of spreading power than
    degree (Kitsak et al. 2010); ties by degree, then by smaller id.

    Args:
        net: The network.
        k: How many.

    Returns:
        ``int64`` node ids, best first.

    Examples:
        >>> import networkx as nx
        >>> from sim.network import from_networkx
        >>> g = nx.complete_graph(4)
        >>> g.add_edges_from([(0, 4), (4, 5), (4, 6), (4, 7)])  # 4: degree 4, core 1
        >>> k_core(from_networkx(g), 5).tolist()
        [0, 1, 2, 3, 4]

    Notes:
        O(n + m) time and memory (Batagelj & Zaversnik's bucket algorithm), then
        O(n log n) to rank.

    References:
        V. Batagelj, M. Zaversnik, "An O(m) algorithm for cores decomposition of
        networks", arXiv:cs/0310049, 2003.

        M. Kitsak et al., "Identification of influential spreaders in complex
        networks", Nature Physics 6, 2010.
    """
    return rank_desc(core_numbers(net), net.degree(), k=k)


# --------------------------------------------------------------------- closeness
@njit(cache=True)
def _closeness_source(s, indptr, indices, dist, queue):
    """Sum of distances from ``s`` and the number of nodes it reaches (itself too)."""
    queue[0] = s
    dist[s] = 0
    head = 0
    tail = 1
    total = 0
    while head < tail:
        v = queue[head]
        head += 1
        total += dist[v]
        for e in range(indptr[v], indptr[v + 1]):
            w = indices[e]
            if dist[w] < 0:
                dist[w] = dist[v] + 1
                queue[tail] = w
                tail += 1
    for i in range(tail):
        dist[queue[i]] = -1
    return total, tail


@njit(parallel=True, cache=True)
def _closeness(indptr, indices, nchunks):
    n = indptr.shape[0] - 1
    out = np.zeros(n, dtype=np.float64)
    for c in prange(nchunks):
        dist = np.full(n, -1, dtype=np.int64)
        queue = np.empty(n, dtype=np.int64)
        for s in range(c * n // nchunks, (c + 1) * n // nchunks):
            total, reached = _closeness_source(s, indptr, indices, dist, queue)
            if total > 0 and n > 1:
                out[s] = (reached - 1) / total * (reached - 1) / (n - 1)
    return out


def closeness_scores(net: Network) -> np.ndarray:
    """Closeness of every node, from the node outwards (Wasserman-Faust form).

    ``(r - 1) / sum_d * (r - 1) / (n - 1)`` with ``r`` the nodes reached (itself
    included) and ``sum_d`` their distances: :func:`networkx.closeness_centrality`
    with ``wf_improved=True``, of the reversed graph when directed (networkx
    measures distances *to* a node).
    """
    nchunks = max(1, min(net.num_nodes, 4 * numba.get_num_threads()))
    return _closeness(net.indptr, net.indices, nchunks)


def closeness(net: Network, k: int) -> np.ndarray:
    """The k people closest to everyone they can reach (closeness centrality).

    Args:
        net: The network.
        k: How many.

    Returns:
        ``int64`` node ids, best first (ties: smaller id).

    Examples:
        >>> import networkx as nx
        >>> from sim.network import from_networkx
        >>> closeness(from_networkx(nx.path_graph(5)), 3).tolist()
        [2, 1, 3]

    Notes:
        One breadth-first search per node: O(n * (n + m)) time, O(n) memory per
        thread; sources run in parallel on the numba threads. Seconds up to ~10^4
        nodes (ca-GrQc: well under one); on much larger networks prefer
        ``degree``, ``k_core`` or ``pagerank``.

    References:
        L. C. Freeman, "Centrality in social networks: conceptual clarification",
        Social Networks 1(3), 1978.

        S. Wasserman, K. Faust, *Social Network Analysis*, Cambridge University
        Press, 1994 (the correction for unreachable nodes).
    """
    return top_k(rounded(closeness_scores(net)), k)
