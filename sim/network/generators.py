"""Synthetic networks: classic random-graph models and community benchmarks.

Every generator validates its parameters (a :class:`~sim.errors.ValidationError`
whose ``key`` is the parameter at fault), returns a :class:`~sim.network.csr.Network`
whose ``name`` is the generator's name, numbers nodes ``0..n-1`` (labels equal ids)
and, for models with planted communities, stores each node's community as the int
node attribute ``"community"``. Random generators take ``seed`` (an int >= 0, or
``None`` for fresh randomness); the same seed gives the same network.

networkx does the sampling where it has the model; its graph is turned into CSR
arrays directly (no attribute scan), and self-loops a model may produce are dropped
by :func:`~sim.network.csr.from_edges`.
"""

from __future__ import annotations

import inspect
import itertools
import math
import numbers
import random
from collections.abc import Callable, Sequence

import numpy as np

from sim.errors import ValidationError
from sim.network.csr import Network, from_edges

__all__ = [
    "complete",
    "erdos_renyi",
    "barabasi_albert",
    "watts_strogatz",
    "random_regular",
    "ring_lattice",
    "planted_partition",
    "stochastic_block",
    "lfr",
    "powerlaw_cluster",
    "GENERATORS",
    "generate",
]

#: Refuse to build graphs with more edges than this (they would not fit in memory).
MAX_EDGES = 500_000_000


# ----------------------------------------------------------------- validation
def _int(value, key: str, *, minimum: int | None = None, below: int | None = None) -> int:
    """An integer ``>= minimum`` and ``< below``."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise ValidationError(f"must be an integer, got {value!r}", key=key)
    v = int(value)
    if minimum is not None and v < minimum:
        rel = "> 0" if minimum == 1 else f">= {minimum}"
        raise ValidationError(f"must be {rel}, got {v}", key=key)
    if below is not None and v >= below:
        raise ValidationError(f"must be < {below}, got {v}", key=key)
    return v


def _real(value, key: str) -> float:
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise ValidationError(f"must be a number, got {value!r}", key=key)
    v = float(value)
    if not math.isfinite(v):
        raise ValidationError(f"must be a finite number, got {value!r}", key=key)
    return v


def _prob(value, key: str) -> float:
    v = _real(value, key)
    if not 0.0 <= v <= 1.0:
        raise ValidationError(f"must be in [0, 1], got {value!r}", key=key)
    return v


def _seed(seed) -> int | None:
    if seed is None:
        return None
    return _int(seed, "seed", minimum=0)


def _edge_cap(edges: float, key: str) -> None:
    if edges > MAX_EDGES:
        raise ValidationError(
            f"would give about {edges:.3g} edges, more than the limit {MAX_EDGES:.0e}", key=key
        )


# ------------------------------------------------------------------ building
def _from_nx(graph, n: int, name: str, community: np.ndarray | None = None) -> Network:
    """CSR arrays from a networkx graph on nodes ``0..n-1`` (no attribute scan)."""
    m = graph.number_of_edges()
    flat = np.fromiter(itertools.chain.from_iterable(graph.edges()), dtype=np.int64, count=2 * m)
    attrs = {} if community is None else {"community": community}
    return from_edges(
        flat[0::2],
        flat[1::2],
        num_nodes=n,
        directed=graph.is_directed(),
        node_attrs=attrs,
        name=name,
    )


def _blocks(sizes: Sequence[int]) -> np.ndarray:
    return np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)


# ---------------------------------------------------------------- generators
def complete(n: int) -> Network:
    """The complete graph: everybody talks to everybody.

    Args:
        n: Number of nodes (> 0).

    Returns:
        An undirected network with ``n (n - 1) / 2`` edges, named ``"complete"``.

    Raises:
        ValidationError: If ``n`` is not a positive integer or the graph is too big.

    Notes:
        O(n^2) time and memory, built with numpy.

    Examples:
        >>> complete(4).num_edges
        6
    """
    n = _int(n, "n", minimum=1)
    _edge_cap(n * (n - 1) / 2, "n")
    src, dst = np.triu_indices(n, k=1)
    return from_edges(src, dst, num_nodes=n, name="complete")


def erdos_renyi(
    n: int, p: float | None = None, *, mean_degree: float | None = None, seed: int | None = None
) -> Network:
    """The Erdős–Rényi random graph G(n, p): each pair linked independently.

    Args:
        n: Number of nodes (> 0).
        p: Probability of each edge, in [0, 1].
        mean_degree: Alternatively, the expected degree ``p (n - 1)``, in (0, n - 1].
            Give exactly one of ``p`` and ``mean_degree``.
        seed: Random seed (int >= 0) or ``None``.

    Returns:
        An undirected network named ``"erdos_renyi"``.

    Raises:
        ValidationError: On a bad parameter, or unless exactly one of ``p`` and
            ``mean_degree`` is given.

    Notes:
        ``networkx.fast_gnp_random_graph`` (O(n + m)) when ``p <= 0.1``, else
        ``gnp_random_graph`` (O(n^2)).

    Examples:
        >>> g = erdos_renyi(1000, mean_degree=6, seed=1)
        >>> g.num_nodes, bool(5.5 < g.degree().mean() < 6.5)
        (1000, True)

    References:
        P. Erdős, A. Rényi, "On random graphs I", Publicationes Mathematicae
        Debrecen 6: 290-297, 1959.
        E. N. Gilbert, "Random graphs", Annals of Mathematical Statistics 30(4):
        1141-1144, 1959 (the G(n, p) model).
        V. Batagelj, U. Brandes, "Efficient generation of large random networks",
        Physical Review E 71, 036113, 2005 (the O(n + m) sampler).
    """
    import networkx as nx

    n = _int(n, "n", minimum=1)
    if (p is None) == (mean_degree is None):
        raise ValidationError("give exactly one of p and mean_degree", key="p")
    if p is None:
        k = _real(mean_degree, "mean_degree")
        if k <= 0:
            raise ValidationError(f"must be > 0, got {mean_degree!r}", key="mean_degree")
        if k > n - 1:
            raise ValidationError(
                f"must be <= n - 1 = {n - 1}, got {mean_degree!r}", key="mean_degree"
            )
        p = k / (n - 1) if n > 1 else 0.0
    else:
        p = _prob(p, "p")
    seed = _seed(seed)
    _edge_cap(p * n * (n - 1) / 2, "p" if mean_degree is None else "mean_degree")
    make = nx.fast_gnp_random_graph if p <= 0.1 else nx.gnp_random_graph
    return _from_nx(make(n, p, seed=seed), n, "erdos_renyi")


def barabasi_albert(n: int, m: int, *, seed: int | None = None) -> Network:
    """Barabási–Albert preferential attachment: scale-free degrees (exponent 3).

    Args:
        n: Number of nodes (> 0).
        m: Edges each new node brings, ``1 <= m < n``.
        seed: Random seed (int >= 0) or ``None``.

    Returns:
        An undirected network named ``"barabasi_albert"`` with ``(n - m) m`` edges.

    Raises:
        ValidationError: On a bad parameter.

    Notes:
        ``networkx.barabasi_albert_graph``, O(n m).

    Examples:
        >>> barabasi_albert(100, 2, seed=1).num_edges
        196

    References:
        A.-L. Barabási, R. Albert, "Emergence of scaling in random networks",
        Science 286(5439): 509-512, 1999.
    """
    import networkx as nx

    n = _int(n, "n", minimum=1)
    m = _int(m, "m", minimum=1, below=n)
    seed = _seed(seed)
    return _from_nx(nx.barabasi_albert_graph(n, m, seed=seed), n, "barabasi_albert")


def _even_k(k, n: int) -> int:
    k = _int(k, "k", minimum=1, below=n)
    if k % 2:
        raise ValidationError(f"must be even (k/2 neighbours on each side), got {k}", key="k")
    return k


def watts_strogatz(n: int, k: int, p: float, *, seed: int | None = None) -> Network:
    """Watts–Strogatz small world: a ring lattice with each edge rewired with prob. ``p``.

    Args:
        n: Number of nodes (> 0).
        k: Each node's number of lattice neighbours (even, ``0 < k < n``).
        p: Rewiring probability in [0, 1] (0: the ring lattice).
        seed: Random seed (int >= 0) or ``None``.

    Returns:
        An undirected network named ``"watts_strogatz"`` with ``n k / 2`` edges.

    Raises:
        ValidationError: On a bad parameter (an odd ``k`` included).

    Notes:
        ``networkx.watts_strogatz_graph``, O(n k).

    Examples:
        >>> g = watts_strogatz(20, 4, 0.1, seed=3)
        >>> g.num_edges
        40

    References:
        D. J. Watts, S. H. Strogatz, "Collective dynamics of 'small-world'
        networks", Nature 393: 440-442, 1998.
    """
    import networkx as nx

    n = _int(n, "n", minimum=1)
    k = _even_k(k, n)
    p = _prob(p, "p")
    seed = _seed(seed)
    return _from_nx(nx.watts_strogatz_graph(n, k, p, seed=seed), n, "watts_strogatz")


def random_regular(n: int, d: int, *, seed: int | None = None) -> Network:
    """A uniformly random ``d``-regular graph: everybody has exactly ``d`` contacts.

    Args:
        n: Number of nodes (> 0).
        d: The degree, ``0 <= d < n``, with ``n d`` even.
        seed: Random seed (int >= 0) or ``None``.

    Returns:
        An undirected network named ``"random_regular"``.

    Raises:
        ValidationError: On a bad parameter.

    Notes:
        ``networkx.random_regular_graph`` (Steger–Wormald pairing), about O(n d^2).

    Examples:
        >>> set(random_regular(10, 3, seed=0).degree().tolist())
        {3}

    References:
        A. Steger, N. C. Wormald, "Generating random regular graphs quickly",
        Combinatorics, Probability and Computing 8(4): 377-396, 1999.
    """
    import networkx as nx

    n = _int(n, "n", minimum=1)
    d = _int(d, "d", minimum=0, below=n)
    if (n * d) % 2:
        raise ValidationError(f"n * d must be even, got n={n}, d={d}", key="d")
    seed = _seed(seed)
    return _from_nx(nx.random_regular_graph(d, n, seed=seed), n, "random_regular")


def ring_lattice(n: int, k: int) -> Network:
    """A ring where each node is linked to its ``k`` nearest nodes (``k/2`` each side).

    Args:
        n: Number of nodes (> 0).
        k: Number of neighbours per node, even, ``0 < k < n``.

    Returns:
        An undirected ``k``-regular network named ``"ring_lattice"``.

    Raises:
        ValidationError: On a bad parameter.

    Notes:
        O(n k), numpy.

    Examples:
        >>> ring_lattice(6, 2).neighbors(0).tolist()
        [1, 5]
    """
    n = _int(n, "n", minimum=1)
    k = _even_k(k, n)
    _edge_cap(n * k / 2, "n")
    base = np.arange(n, dtype=np.int64)
    src = np.tile(base, k // 2)
    dst = (src + np.repeat(np.arange(1, k // 2 + 1, dtype=np.int64), n)) % n
    return from_edges(src, dst, num_nodes=n, name="ring_lattice")


def planted_partition(
    groups: int, group_size: int, p_in: float, p_out: float, *, seed: int | None = None
) -> Network:
    """Equal planted communities: pairs linked with ``p_in`` inside a group, ``p_out`` across.

    Args:
        groups: Number of communities (> 0).
        group_size: Nodes per community (> 0).
        p_in: Edge probability within a community, in [0, 1].
        p_out: Edge probability between communities, in [0, 1].
        seed: Random seed (int >= 0) or ``None``.

    Returns:
        An undirected network of ``groups * group_size`` nodes named
        ``"planted_partition"``; node attribute ``"community"`` = ``id // group_size``.

    Raises:
        ValidationError: On a bad parameter.

    Notes:
        ``networkx.planted_partition_graph``; time about O(n + m) per block pair.

    Examples:
        >>> g = planted_partition(3, 10, 0.5, 0.01, seed=2)
        >>> g.num_nodes, g.node_attrs["community"][[0, 10, 29]].tolist()
        (30, [0, 1, 2])

    References:
        A. Condon, R. M. Karp, "Algorithms for graph partitioning on the planted
        partition model", Random Structures & Algorithms 18(2): 116-140, 2001.
    """
    import networkx as nx

    groups = _int(groups, "groups", minimum=1)
    group_size = _int(group_size, "group_size", minimum=1)
    p_in = _prob(p_in, "p_in")
    p_out = _prob(p_out, "p_out")
    seed = _seed(seed)
    n = groups * group_size
    _edge_cap(p_in * n * group_size / 2 + p_out * n * n / 2, "p_in")
    graph = nx.planted_partition_graph(groups, group_size, p_in, p_out, seed=seed)
    return _from_nx(graph, n, "planted_partition", _blocks([group_size] * groups))


def stochastic_block(sizes: Sequence[int], p, *, seed: int | None = None) -> Network:
    """The stochastic block model: blocks of given sizes, edge probability ``p[a][b]``.

    Args:
        sizes: Number of nodes in each block (each > 0).
        p: Symmetric ``len(sizes) x len(sizes)`` matrix of probabilities in [0, 1].
        seed: Random seed (int >= 0) or ``None``.

    Returns:
        An undirected network named ``"stochastic_block"``; nodes are numbered block
        by block and node attribute ``"community"`` is the block index.

    Raises:
        ValidationError: On a bad parameter (``key`` ``"sizes"`` or ``"p"``).

    Notes:
        ``networkx.stochastic_block_model`` (sparse sampling, about O(n + m)).

    Examples:
        >>> g = stochastic_block([5, 3], [[1.0, 0.0], [0.0, 1.0]], seed=0)
        >>> g.num_edges, g.node_attrs["community"].tolist()
        (13, [0, 0, 0, 0, 0, 1, 1, 1])

    References:
        P. W. Holland, K. B. Laskey, S. Leinhardt, "Stochastic blockmodels: first
        steps", Social Networks 5(2): 109-137, 1983.
    """
    import networkx as nx

    if isinstance(sizes, str | bytes) or not isinstance(sizes, Sequence | np.ndarray):
        raise ValidationError(f"must be a list of block sizes, got {sizes!r}", key="sizes")
    if len(sizes) == 0:
        raise ValidationError("must list at least one block", key="sizes")
    sizes = [_int(s, f"sizes[{i}]", minimum=1) for i, s in enumerate(sizes)]
    b = len(sizes)
    try:
        P = np.asarray(p, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValidationError(f"must be a {b}x{b} matrix of numbers", key="p") from None
    if P.shape != (b, b):
        raise ValidationError(
            f"must be a {b}x{b} matrix (one row and column per block), got shape {P.shape}",
            key="p",
        )
    if not np.isfinite(P).all() or P.min() < 0 or P.max() > 1:
        raise ValidationError("entries must be probabilities in [0, 1]", key="p")
    if not np.array_equal(P, P.T):
        i, j = np.argwhere(P != P.T)[0]
        raise ValidationError(
            f"must be symmetric (undirected graph): p[{i}][{j}]={P[i, j]} but "
            f"p[{j}][{i}]={P[j, i]}",
            key="p",
        )
    seed = _seed(seed)
    s = np.asarray(sizes, dtype=np.float64)
    _edge_cap(float(s @ P @ s) / 2, "p")
    graph = nx.stochastic_block_model(sizes, P.tolist(), seed=seed, sparse=True)
    return _from_nx(graph, int(sum(sizes)), "stochastic_block", _blocks(sizes))


def lfr(
    n: int,
    tau1: float,
    tau2: float,
    mu: float,
    *,
    average_degree: float | None = None,
    min_degree: int | None = None,
    max_degree: int | None = None,
    min_community: int | None = None,
    max_community: int | None = None,
    seed: int | None = None,
    max_iters: int = 500,
) -> Network:
    """The LFR benchmark: power-law degrees and community sizes, mixing ``mu``.

    Args:
        n: Number of nodes (> 0).
        tau1: Degree power-law exponent (> 1; typically 2 to 3).
        tau2: Community-size power-law exponent (> 1; typically 1 to 2).
        mu: Fraction of each node's edges leaving its community, in [0, 1].
        average_degree: Target mean degree (in (0, n)); give exactly one of this and
            ``min_degree``.
        min_degree: Minimum degree (>= 1).
        max_degree: Maximum degree, ``< n``; default ``n - 1`` (networkx's default
            ``n`` can make it loop forever).
        min_community: Smallest community size; default the minimum degree.
        max_community: Largest community size; default the maximum degree.
        seed: Random seed (int >= 0) or ``None``.
        max_iters: Attempts networkx makes at each sampling stage (> 0).

    Returns:
        An undirected network named ``"lfr"``; node attribute ``"community"`` numbers
        the communities ``0..c-1`` in order of their smallest node.

    Raises:
        ValidationError: On a bad parameter, or when networkx cannot build the graph
            within ``max_iters`` (the message says which stage failed and which
            parameters to change).

    Notes:
        ``networkx.LFR_benchmark_graph``: pure Python, roughly O(n * mean degree)
        when it converges; a few seconds for n = 1000. Self-loops it produces are
        dropped, so a few degrees can come out one or two below the sampled ones.

    Examples:
        >>> g = lfr(250, 3, 1.5, 0.1, average_degree=5, min_community=20, seed=10)
        >>> g.num_nodes, int(g.node_attrs["community"].max()) + 1 >= 2
        (250, True)

    References:
        A. Lancichinetti, S. Fortunato, F. Radicchi, "Benchmark graphs for testing
        community detection algorithms", Physical Review E 78, 046110, 2008.
    """
    import networkx as nx

    n = _int(n, "n", minimum=1)
    tau1 = _real(tau1, "tau1")
    tau2 = _real(tau2, "tau2")
    for key, tau in (("tau1", tau1), ("tau2", tau2)):
        if tau <= 1:
            raise ValidationError(f"must be > 1, got {tau}", key=key)
    mu = _prob(mu, "mu")
    if (average_degree is None) == (min_degree is None):
        raise ValidationError(
            "give exactly one of average_degree and min_degree", key="average_degree"
        )
    if max_degree is None:
        max_degree = n - 1
    max_degree = _int(max_degree, "max_degree", minimum=1, below=n)
    if average_degree is not None:
        average_degree = _real(average_degree, "average_degree")
        if not 0 < average_degree <= max_degree:
            raise ValidationError(
                f"must be in (0, max_degree = {max_degree}], got {average_degree}",
                key="average_degree",
            )
    else:
        min_degree = _int(min_degree, "min_degree", minimum=1, below=max_degree + 1)
    if min_community is not None:
        min_community = _int(min_community, "min_community", minimum=1, below=n + 1)
    if max_community is not None:
        lo = 1 if min_community is None else min_community
        max_community = _int(max_community, "max_community", minimum=lo, below=n + 1)
    max_iters = _int(max_iters, "max_iters", minimum=1)
    rng = random.Random(_seed(seed))
    state = rng.getstate()
    try:
        _lfr_precheck(
            n,
            tau1,
            mu,
            average_degree,
            min_degree,
            max_degree,
            min_community,
            max_community,
            max_iters,
            rng,
        )
        rng.setstate(state)  # networkx redraws the very same degree sequence
        graph = nx.LFR_benchmark_graph(
            n,
            tau1,
            tau2,
            mu,
            average_degree=average_degree,
            min_degree=min_degree,
            max_degree=max_degree,
            min_community=min_community,
            max_community=max_community,
            seed=rng,
            max_iters=max_iters,
        )
    except nx.ExceededMaxIterations as exc:
        raise ValidationError(_lfr_advice(str(exc), max_iters), key=_lfr_key(str(exc))) from None
    except nx.NetworkXError as exc:
        raise ValidationError(f"networkx refused the parameters: {exc}", key="lfr") from None
    first_node: dict[int, int] = {}
    for _node, comm in graph.nodes(data="community"):
        first_node.setdefault(id(comm), min(comm))
    order = {c: i for i, c in enumerate(sorted(first_node, key=first_node.__getitem__))}
    community = np.fromiter(
        (order[id(graph.nodes[u]["community"])] for u in range(n)), dtype=np.int64, count=n
    )
    return _from_nx(graph, n, "lfr", community)


def _lfr_precheck(
    n,
    tau1,
    mu,
    average_degree,
    min_degree,
    max_degree,
    min_community,
    max_community,
    max_iters,
    rng,
) -> None:
    """Draw LFR's degree sequence as networkx will, and refuse impossible settings.

    networkx loops forever when the community-size range is empty (its defaults
    are the smallest and largest *sampled* degree, so ``min_community`` above the
    largest degree hangs), and spins ``10 n max_iters`` times when the largest
    degree cannot fit in any community. Both are decided by the degree sequence,
    drawn here from ``rng`` exactly as networkx draws it first.
    """
    from networkx.generators import community as nxc

    gen_min = getattr(nxc, "_generate_min_degree", None)
    draw = getattr(nxc, "_powerlaw_sequence", None)
    if gen_min is None or draw is None:  # pragma: no cover - networkx internals moved
        return
    if min_degree is None:
        min_degree = gen_min(tau1, average_degree, max_degree, 1e-07, max_iters)
    degrees = draw(
        tau1,
        min_degree,
        max_degree,
        lambda s: sum(s) % 2 == 0,
        lambda s: len(s) >= n,
        max_iters,
        rng,
    )
    lo = min(degrees) if min_community is None else min_community
    hi = max(degrees) if max_community is None else max_community
    if lo > hi:
        given = "min_community" if min_community is not None else "max_community"
        raise ValidationError(
            f"community sizes must range over [{lo}, {hi}], which is empty (an unset "
            f"bound defaults to the smallest/largest sampled degree, here "
            f"{min(degrees)}..{max(degrees)}); give both min_community and max_community",
            key=given,
        )
    need = round(max(degrees) * (1 - mu))
    if need >= hi:
        raise ValidationError(
            f"the largest sampled degree {max(degrees)} needs a community of more than "
            f"{need} nodes (1 - mu of its edges inside), but max_community is {hi}: "
            "raise max_community, lower max_degree, or raise mu",
            key="max_community",
        )


def _lfr_key(message: str) -> str:
    if "average_degree" in message:
        return "average_degree"
    if "communities" in message:
        return "min_community"
    return "max_iters"


def _lfr_advice(message: str, max_iters: int) -> str:
    head = f"the LFR generator did not converge in max_iters={max_iters} ({message}); "
    if "average_degree" in message:
        return head + "lower average_degree, raise max_degree, or give min_degree instead"
    if "communities" in message:
        return head + (
            "every node needs a community larger than its internal degree "
            "(1 - mu) * degree: raise min_community/max_community or lower max_degree"
        )
    return head + (
        "the degree or community-size sequence could not be drawn: widen the range "
        "min_community..max_community (sizes must sum to n), raise max_iters, or try e.g. "
        "n=250, tau1=3, tau2=1.5, mu=0.1, average_degree=5, min_community=20"
    )


def powerlaw_cluster(n: int, m: int, p: float, *, seed: int | None = None) -> Network:
    """Holme–Kim: preferential attachment plus triangle closure with probability ``p``.

    Args:
        n: Number of nodes (> 0).
        m: Edges each new node brings, ``1 <= m < n``.
        p: Probability of closing a triangle after each attachment, in [0, 1].
        seed: Random seed (int >= 0) or ``None``.

    Returns:
        An undirected scale-free network with tunable clustering, named
        ``"powerlaw_cluster"``.

    Raises:
        ValidationError: On a bad parameter.

    Notes:
        ``networkx.powerlaw_cluster_graph``, O(n m).

    Examples:
        >>> powerlaw_cluster(50, 2, 0.5, seed=1).num_nodes
        50

    References:
        P. Holme, B. J. Kim, "Growing scale-free networks with tunable clustering",
        Physical Review E 65, 026107, 2002.
    """
    import networkx as nx

    n = _int(n, "n", minimum=1)
    m = _int(m, "m", minimum=1, below=n)
    p = _prob(p, "p")
    seed = _seed(seed)
    return _from_nx(nx.powerlaw_cluster_graph(n, m, p, seed=seed), n, "powerlaw_cluster")


# ------------------------------------------------------------------ registry
GENERATORS: dict[str, Callable[..., Network]] = {
    "complete": complete,
    "erdos_renyi": erdos_renyi,
    "barabasi_albert": barabasi_albert,
    "watts_strogatz": watts_strogatz,
    "random_regular": random_regular,
    "ring_lattice": ring_lattice,
    "planted_partition": planted_partition,
    "stochastic_block": stochastic_block,
    "lfr": lfr,
    "powerlaw_cluster": powerlaw_cluster,
}


def generate(name: str, **params) -> Network:
    """Build a synthetic network by generator name (as in a scenario file).

    Args:
        name: A key of :data:`GENERATORS` (case-insensitive; ``-`` and ``_`` alike).
        **params: The generator's parameters, by name.

    Returns:
        The network.

    Raises:
        ValidationError: If the name is unknown (the message lists the generators),
            a parameter is unknown or missing (the message lists the allowed ones),
            or a value is bad.

    Examples:
        >>> generate("ring-lattice", n=10, k=4).num_edges
        20
        >>> generate("smallworld", n=10)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        sim.errors.ValidationError: generator: unknown generator 'smallworld'; choose one of: ...
    """
    if not isinstance(name, str):
        raise ValidationError(f"must be a generator name, got {name!r}", key="generator")
    key = name.strip().lower().replace("-", "_")
    func = GENERATORS.get(key)
    if func is None:
        raise ValidationError(
            f"unknown generator {name!r}; choose one of: {', '.join(GENERATORS)}",
            key="generator",
        )
    sig = inspect.signature(func)
    allowed = list(sig.parameters)
    for param in params:
        if param not in sig.parameters:
            raise ValidationError(
                f"unknown parameter for {key}; allowed: {', '.join(allowed)}", key=param
            )
    for pname, spec in sig.parameters.items():
        if spec.default is inspect.Parameter.empty and pname not in params:
            raise ValidationError(
                f"missing required parameter of {key}; parameters: {', '.join(allowed)}",
                key=pname,
            )
    return func(**params)
