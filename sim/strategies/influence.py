"""Influence maximisation for the independent cascade: degree discount, CELF, RIS/IMM.

The three pick ``k`` seeds that maximise (or approximate the maximum of) the
expected spread ``sigma(S)`` of an independent cascade with arc probability ``p``
(Kempe, Kleinberg & Tardos 2003), from fast and heuristic to slow and guaranteed:

* :func:`degree_discount`: Chen, Wang & Yang's (2009) degree heuristic, discounting
  the neighbours of chosen seeds; no simulation.
* :func:`celf`: the greedy algorithm, ``(1 - 1/e)``-optimal on its Monte Carlo
  estimate, with Leskovec et al.'s (2007) lazy-forward evaluation; the cascades are
  run by the contagion kernels (:mod:`sim.contagion.spread`) on R fixed live-edge
  worlds shared by every candidate (common random numbers).
* :func:`ris`: reverse influence sampling (Borgs et al. 2014) with IMM's sample size
  (Tang, Shi & Xiao 2015): a ``(1 - 1/e - epsilon)``-approximation with probability
  at least ``1 - 1/n^ell``, in near-linear time.

Each takes the network (a :class:`~sim.network.Network`), ``k``, ``p`` (a float for
every arc, one per arc, or an edge attribute name) and returns ``int64`` node ids,
best first. Use them through :func:`sim.strategies.first_pin`.

References:
    D. Kempe, J. Kleinberg, E. Tardos, "Maximizing the spread of influence through
    a social network", KDD 2003.

    W. Chen, Y. Wang, S. Yang, "Efficient influence maximization in social
    networks", KDD 2009.

    J. Leskovec, A. Krause, C. Guestrin, C. Faloutsos, J. VanBriesen, N. Glance,
    "Cost-effective outbreak detection in networks", KDD 2007.

    C. Borgs, M. Brautbar, J. Chayes, B. Lucier, "Maximizing social influence in
    nearly optimal time", SODA 2014.

    Y. Tang, Y. Shi, X. Xiao, "Influence maximization in near-linear time: a
    martingale approach", SIGMOD 2015.

    W. Chen, "An issue in the martingale analysis of the influence maximization
    algorithm IMM", CSoNet 2018.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np

from sim.contagion.spread import (
    copies_of,
    live_edge_worlds,
    reached,
    residual,
    single_node_spread,
    spread_from,
)
from sim.errors import ValidationError
from sim.network.csr import Network
from sim.strategies._base import arc_probabilities, check_count, check_positive_real
from sim.strategies._ris import RRSampler, max_coverage

__all__ = ["RISResult", "celf", "degree_discount", "ris", "ris_select"]


def degree_discount(net: Network, k: int, *, p: float = 0.1) -> np.ndarray:
    """Degree discount (DegreeDiscountIC of Chen, Wang & Yang 2009).

    Picks the node of largest discounted degree ``dd_v``, then lowers the score of
    each neighbour ``v`` of the new seed: with ``t_v`` seeds among its neighbours
    and degree ``d_v``, ``dd_v = d_v - 2 t_v - (d_v - t_v) t_v p`` (a neighbour of
    seeds may be reached anyway, and its ties to seeds are wasted). On a directed
    network ``d_v`` is the out-degree and ``t_v`` counts seeds with an arc into
    ``v``. Ties go to the smaller node id.

    Args:
        net: The network.
        k: Number of seeds.
        p: The cascade's probability, one number for every arc.

    Returns:
        ``int64`` node ids, in the order picked.

    Raises:
        ValidationError: ``p`` not a probability, or per-arc (key ``first_pin.p``).

    Examples:
        >>> import networkx as nx
        >>> from sim.network import from_networkx
        >>> degree_discount(from_networkx(nx.star_graph(4)), 2, p=0.1).tolist()
        [0, 1]

    Notes:
        O(k * n + sum of the seeds' degrees) time (a linear scan per pick), O(n)
        memory. The paper's heap version is O(k log n + m); a scan is as fast for
        the k of a first pin.

    References:
        W. Chen, Y. Wang, S. Yang, "Efficient influence maximization in social
        networks", KDD 2009, Algorithm 4.
    """
    probs = arc_probabilities(net, p)
    if not isinstance(probs, float):
        raise ValidationError(
            "degree discount assumes one probability for every arc; got one per arc",
            key="first_pin.p",
        )
    d = net.degree().astype(np.float64)
    t = np.zeros(net.num_nodes, dtype=np.float64)
    dd = d.copy()
    chosen = np.zeros(net.num_nodes, dtype=bool)
    picked = np.empty(k, dtype=np.int64)
    score = dd.copy()
    for i in range(k):
        u = int(np.argmax(score))  # the first maximum: ties go to the smaller id
        picked[i] = u
        chosen[u] = True
        score[u] = -np.inf
        nbrs = net.indices[net.indptr[u] : net.indptr[u + 1]]
        nbrs = nbrs[~chosen[nbrs]]
        t[nbrs] += 1.0
        dd[nbrs] = d[nbrs] - 2.0 * t[nbrs] - (d[nbrs] - t[nbrs]) * t[nbrs] * probs
        score[nbrs] = dd[nbrs]
    return picked


def celf(net: Network, k: int, *, p=0.1, replicates: int = 1000, seed: int = 0) -> np.ndarray:
    """Greedy influence maximisation with lazy-forward evaluation (CELF).

    Greedy adds, k times, the node with the largest marginal gain in estimated
    spread. The estimate is the mean over ``replicates`` Monte Carlo cascades,
    which here are R live-edge worlds drawn once from ``seed`` and shared by every
    candidate (common random numbers; Kempe et al. 2003, Claim 2.3), each spread
    computed by the independent cascade kernel (:mod:`sim.contagion.spread`). The
    estimate is then exactly a coverage function, monotone and submodular, so
    Leskovec et al.'s lazy evaluation (re-evaluate a node only when its stale gain
    tops the queue) returns exactly what plain greedy returns on the same worlds,
    and two candidates' gains differ by what they do in the same cascades, not by
    sampling noise. Ties go to the smaller node id.

    Args:
        net: The network.
        k: Number of seeds.
        p: The cascade's probability: one number for every arc, one per arc
            (aligned with ``net.indices``), or an edge attribute name.
        replicates: Monte Carlo cascades (live-edge worlds) R >= 1.
        seed: Seed of the worlds (int >= 0).

    Returns:
        ``int64`` node ids, in the order picked.

    Raises:
        ValidationError: ``p`` not a probability (key ``first_pin.p``);
            ``replicates`` < 1 or ``n * replicates`` over 2**31 (key
            ``first_pin.replicates``).

    Examples:
        >>> import networkx as nx
        >>> from sim.network import from_networkx
        >>> net = from_networkx(nx.barbell_graph(5, 0))
        >>> sorted(celf(net, 2, p=0.5, replicates=200, seed=1).tolist())  # one per bell
        [3, 5]

    Notes:
        Drawing the worlds: O(R * m) time (O(R * p * m) draws with one
        probability), O(R * (n + p * m)) memory. The first round evaluates every
        node in one parallel kernel call, O(R * sum_v sigma(v)); every later
        evaluation costs O(R * sigma(S + v)) and CELF makes few of them (typically
        a small multiple of k; plain greedy makes k * n). The greedy solution has
        spread >= (1 - 1/e) of the best on the estimate (Nemhauser, Wolsey &
        Fisher 1978).

    References:
        J. Leskovec, A. Krause, C. Guestrin, C. Faloutsos, J. VanBriesen, N. Glance,
        "Cost-effective outbreak detection in networks", KDD 2007.

        D. Kempe, J. Kleinberg, E. Tardos, "Maximizing the spread of influence
        through a social network", KDD 2003.
    """
    probs = arc_probabilities(net, p)
    R = check_count(replicates, "first_pin.replicates")
    worlds = live_edge_worlds(net.indptr, net.indices, probs, R, seed)
    return _celf_on_worlds(worlds, k)


def _celf_on_worlds(worlds, k: int) -> np.ndarray:
    """CELF over fixed worlds: integer totals, so ties and laziness are exact.

    Gains after the first round are spreads in the *residual* worlds (the arcs of
    nodes already reached by the seeds removed), which equal the marginal gains and
    cost only what the candidate adds, not the whole seed set's cascade again.
    """
    totals = single_node_spread(worlds)
    # Entries (-gain, node, round the gain was computed in): the heap pops the
    # largest gain, then the smallest id.
    heap = [(-int(g), v, 0) for v, g in enumerate(totals.tolist())]
    heapq.heapify(heap)
    picked: list[int] = []
    covered = np.zeros(worlds.num_nodes * worlds.worlds, dtype=bool)
    work = worlds
    while len(picked) < k:
        _, v, stamp = heapq.heappop(heap)
        if stamp == len(picked):
            # Fresh: its gain is exact, and every other entry's (stale) gain is an
            # upper bound no larger (ties: larger id), so greedy would pick v too.
            picked.append(v)
            if len(picked) < k:
                covered[reached(work, copies_of(work, v, covered))] = True
                work = residual(work, covered)
            continue
        gain = spread_from(work, copies_of(work, v, covered))
        heapq.heappush(heap, (-gain, v, len(picked)))
    return np.asarray(picked, dtype=np.int64)


@dataclass(frozen=True)
class RISResult:
    """What :func:`ris_select` found.

    Attributes:
        seeds: ``int64`` node ids, in the order picked.
        spread: Estimated expected spread of the seeds, ``n * (covered sets / sets)``.
        sets: Number of RR sets the seeds were chosen on.
        lower_bound: IMM's lower bound on the optimal spread (``None`` with a fixed
            ``theta``).
    """

    seeds: np.ndarray
    spread: float
    sets: int
    lower_bound: float | None


def _reversed(net: Network, probs) -> tuple[np.ndarray, np.ndarray, float | np.ndarray]:
    """In-arc CSR and the in-arcs' probabilities."""
    if isinstance(probs, float):
        rev = net.reverse()
        return rev.indptr, rev.indices, probs
    # Per-arc: reverse as a directed graph, so the probability of u -> v travels with
    # its arc even when the network is undirected (and p(u -> v) != p(v -> u)).
    rev = Network(indptr=net.indptr, indices=net.indices, directed=True, weights=probs).reverse()
    return rev.indptr, rev.indices, rev.weights


def _sub_seed(seed: int, stream: int) -> int:
    """An independent int seed for phase ``stream`` of one run."""
    state = np.random.SeedSequence([int(seed), 0x5EED, int(stream)]).generate_state(2, np.uint32)
    return int(state[0]) << 31 | int(state[1]) >> 1


def _log_binom(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def ris_select(
    net: Network,
    k: int,
    *,
    p=0.1,
    epsilon: float = 0.1,
    ell: float = 1.0,
    theta: int | None = None,
    seed: int = 0,
) -> RISResult:
    """:func:`ris`, also returning the spread estimate and the sample sizes."""
    probs = arc_probabilities(net, p)
    n = net.num_nodes
    rindptr, rindices, rprobs = _reversed(net, probs)
    if theta is not None:
        theta = check_count(theta, "first_pin.theta")
        sampler = RRSampler(rindptr, rindices, rprobs, _sub_seed(seed, 1))
        sampler.extend_to(theta)
        ptr = sampler.set_ptr[: theta + 1]
        picked, gains = max_coverage(ptr, sampler.set_nodes[: ptr[-1]], n, k)
        return RISResult(picked, n * float(gains.sum()) / theta, theta, None)
    epsilon = check_positive_real(epsilon, "first_pin.epsilon", below=1.0)
    ell = check_positive_real(ell, "first_pin.ell")
    if n == 1:
        return RISResult(np.zeros(1, dtype=np.int64), 1.0, 0, 1.0)
    # IMM (Tang, Shi & Xiao 2015), Algorithms 1-3.
    ell = ell * (1.0 + math.log(2.0) / math.log(n))
    log_cnk = _log_binom(n, k)
    eps1 = math.sqrt(2.0) * epsilon
    lam1 = (
        (2.0 + 2.0 / 3.0 * eps1)
        * (log_cnk + ell * math.log(n) + math.log(max(math.log2(n), 1.0)))
        * n
        / eps1**2
    )
    lower = 1.0
    sampler = RRSampler(rindptr, rindices, rprobs, _sub_seed(seed, 1))
    for i in range(1, int(math.floor(math.log2(n) - 1.0)) + 1):
        x = n / 2.0**i
        sampler.extend_to(math.ceil(lam1 / x))
        _, gains = max_coverage(sampler.set_ptr, sampler.set_nodes, n, k)
        estimate = n * float(gains.sum()) / sampler.num_sets
        if estimate >= (1.0 + eps1) * x:
            lower = estimate / (1.0 + eps1)
            break
    del sampler
    one_e = 1.0 - 1.0 / math.e
    alpha = math.sqrt(ell * math.log(n) + math.log(2.0))
    beta = math.sqrt(one_e * (log_cnk + ell * math.log(n) + math.log(2.0)))
    lam_star = 2.0 * n * (one_e * alpha + beta) ** 2 / epsilon**2
    count = math.ceil(lam_star / lower)
    # Fresh sets for the final choice, independent of those that set the lower
    # bound (Chen 2018: reusing them breaks the martingale argument).
    final = RRSampler(rindptr, rindices, rprobs, _sub_seed(seed, 2))
    final.extend_to(count)
    picked, gains = max_coverage(final.set_ptr, final.set_nodes, n, k)
    return RISResult(picked, n * float(gains.sum()) / final.num_sets, final.num_sets, lower)


def ris(
    net: Network,
    k: int,
    *,
    p=0.1,
    epsilon: float = 0.1,
    ell: float = 1.0,
    theta: int | None = None,
    seed: int = 0,
) -> np.ndarray:
    """Reverse influence sampling with IMM's sample size (RIS / IMM).

    A reverse-reachable (RR) set is everyone who would reach a random person ``v``
    in a random live-edge world: an independent cascade run backwards from ``v``.
    A seed set's expected spread is ``n`` times the chance it meets a random RR set
    (Borgs et al. 2014), so the seeds are chosen by greedy maximum coverage of many
    RR sets, sampled by a numba kernel on the reversed network. IMM (Tang, Shi &
    Xiao 2015) sets the number of sets: it finds a lower bound ``LB`` of the
    optimal spread by doubling, then draws ``theta = lambda* / LB`` fresh sets, so
    that the seeds' spread is at least ``(1 - 1/e - epsilon)`` times the optimum
    with probability at least ``1 - 1/n^ell``. The final sets are drawn anew after
    the bound is found (Chen 2018's fix). Ties go to the smaller node id.

    Args:
        net: The network.
        k: Number of seeds.
        p: The cascade's probability: one number for every arc, one per arc
            (aligned with ``net.indices``), or an edge attribute name.
        epsilon: Approximation slack, in (0, 1). Samples grow as ``1 / epsilon**2``.
        ell: Failure probability exponent (> 0): the guarantee holds with
            probability at least ``1 - 1/n^ell``.
        theta: If given, skip IMM and choose on exactly this many RR sets (plain
            RIS with a fixed sample; no guarantee attached).
        seed: Seed of the RR sets (int >= 0).

    Returns:
        ``int64`` node ids, in the order picked.

    Raises:
        ValidationError: ``p`` not a probability (key ``first_pin.p``), ``epsilon``
            outside (0, 1), ``ell`` <= 0, ``theta`` < 1 (keys ``first_pin.epsilon``,
            ``first_pin.ell``, ``first_pin.theta``).

    Examples:
        >>> import networkx as nx
        >>> from sim.network import from_networkx
        >>> net = from_networkx(nx.star_graph(30))
        >>> ris(net, 1, p=0.2, seed=3).tolist()  # the hub
        [0]

    Notes:
        Expected time O((k + ell) (n + m) log n / epsilon**2) and memory for the RR
        sets of the same order (Tang et al. 2015, Theorem 3); in practice the number
        of sets is ``lambda* / LB``, small when the best seeds reach many people.
        One RR set costs O(its size + p * its in-arcs) with one probability (the
        cascade kernels' geometric skipping). Node selection is O(k * n + total
        set size). Sampling runs on all numba threads; the j-th RR set depends only
        on the seed, not on the number of threads.

    References:
        C. Borgs, M. Brautbar, J. Chayes, B. Lucier, "Maximizing social influence in
        nearly optimal time", SODA 2014.

        Y. Tang, Y. Shi, X. Xiao, "Influence maximization in near-linear time: a
        martingale approach", SIGMOD 2015.

        W. Chen, "An issue in the martingale analysis of the influence maximization
        algorithm IMM", CSoNet 2018.
    """
    return ris_select(net, k, p=p, epsilon=epsilon, ell=ell, theta=theta, seed=seed).seeds
