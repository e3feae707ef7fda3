"""First-pin strategies: who are the first k people a community starts from?

:func:`first_pin` picks k people of a network by one of 13 strategies and returns
their node labels, best first:

=====================  ==========================================================
strategy               picks
=====================  ==========================================================
``random``             k people uniformly at random (the baseline)
``degree``             the most ties
``pagerank``           the highest PageRank
``betweenness``        the most shortest paths through them (sampled if large)
``k_core``             the deepest in the core, then by degree
``closeness``          the closest to everyone they reach
``enthusiasm``         the hottest (a per-person value or node attribute)
``interest_cohesive``  the hottest connected group inside one interest community
``score``              the top of a weighted sum of person-table columns
``influencer``         the paid-influencer pick: top degree, whatever the heat
``degree_discount``    Chen, Wang & Yang's (2009) degree discount for the IC
``celf``               lazy greedy over Monte Carlo cascades (Leskovec et al. 2007)
``ris``                reverse influence sampling with IMM's guarantee (2014/2015)
=====================  ==========================================================

Every strategy breaks ties by node id, and draws randomness (``random``,
``betweenness`` when sampled, ``celf``, ``ris``) only from ``seed``: the same seed
gives the same pin. References and complexity: each function's docstring and
``docs/strategies.md``.

Examples:
    >>> import networkx as nx
    >>> g = nx.karate_club_graph()
    >>> first_pin("degree", g, 3)
    [33, 0, 32]
    >>> first_pin("ris", g, 2, p=0.1, seed=1)
    [33, 0]
    >>> sorted(STRATEGIES)[:3]
    ['betweenness', 'celf', 'closeness']
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from sim.contagion._common import as_network, fresh_seed
from sim.errors import ValidationError
from sim.network.csr import Network
from sim.strategies import attributes, baseline, centrality, influence

__all__ = ["STRATEGIES", "Strategy", "first_pin", "first_pin_ids", "resolve_seed"]


@dataclass(frozen=True)
class Strategy:
    """One first-pin strategy: its name, function and a one-line description.

    Calling it is :func:`first_pin` with this strategy.

    Attributes:
        name: The strategy's name in :data:`STRATEGIES`.
        function: ``function(net, k, **options) -> int64 node ids``, best first.
        description: One line for listings.

    Examples:
        >>> import networkx as nx
        >>> celf = STRATEGIES["celf"]
        >>> celf.name, celf.uses_seed, celf.options
        ('celf', True, ('p', 'replicates'))
        >>> STRATEGIES["degree"](nx.karate_club_graph(), 2)
        [33, 0]
    """

    name: str
    function: Callable[..., np.ndarray]
    description: str

    @property
    def uses_seed(self) -> bool:
        """Whether the strategy draws random numbers (from ``seed``)."""
        return "seed" in inspect.signature(self.function).parameters

    @property
    def options(self) -> tuple[str, ...]:
        """The keyword options the strategy takes (besides ``seed``)."""
        params = inspect.signature(self.function).parameters.values()
        return tuple(
            p.name for p in params if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name != "seed"
        )

    def __call__(self, network, k: int = 20, *, seed=None, **options) -> list:
        return first_pin(self.name, network, k, seed=seed, **options)


def _table() -> dict[str, Strategy]:
    rows = [
        ("random", baseline.uniform_random, "k people uniformly at random (the baseline)"),
        ("degree", centrality.degree, "the k people with the most ties (out-degree)"),
        ("pagerank", centrality.pagerank, "highest PageRank, in the direction of spreading"),
        (
            "betweenness",
            centrality.betweenness,
            "most shortest paths through them (Brandes; sampled sources when large)",
        ),
        ("k_core", centrality.k_core, "deepest core number (k-shell), then degree"),
        ("closeness", centrality.closeness, "closest to everyone they reach"),
        ("enthusiasm", attributes.enthusiasm, "the hottest: top per-person enthusiasm"),
        (
            "interest_cohesive",
            attributes.interest_cohesive,
            "the hottest connected group inside one interest community",
        ),
        ("score", attributes.score, "top weighted sum of person-table columns (usage score)"),
        ("influencer", attributes.influencer, "paid-influencer pick: top degree, whatever heat"),
        (
            "degree_discount",
            influence.degree_discount,
            "degree discount for the independent cascade (Chen, Wang & Yang 2009)",
        ),
        (
            "celf",
            influence.celf,
            "lazy greedy over Monte Carlo cascades, common random numbers (Leskovec 2007)",
        ),
        (
            "ris",
            influence.ris,
            "reverse influence sampling, IMM's (1-1/e-eps) guarantee (Borgs 2014; Tang 2015)",
        ),
    ]
    return {name: Strategy(name, fn, desc) for name, fn, desc in rows}


#: Every strategy by name (read only).
STRATEGIES: Mapping[str, Strategy] = MappingProxyType(_table())


def resolve_seed(seed) -> int:
    """An int seed from ``None`` (fresh entropy), an int >= 0, a
    :class:`numpy.random.SeedSequence` or a :class:`numpy.random.Generator` (one
    integer drawn from it, whatever the strategy, so that a replicate's generator
    advances alike in every arm of a comparison).

    Args:
        seed: The seed as given to :func:`first_pin`.

    Returns:
        An int >= 0.

    Raises:
        ValidationError: Anything else, or a negative int (key ``first_pin.seed``).

    Examples:
        >>> import numpy as np
        >>> resolve_seed(7)
        7
        >>> resolve_seed(np.random.default_rng(1)) == resolve_seed(np.random.default_rng(1))
        True
    """
    if seed is None:
        return fresh_seed()
    if isinstance(seed, np.random.Generator):
        return int(seed.integers(0, 2**63 - 1))
    if isinstance(seed, np.random.SeedSequence):
        return int(seed.generate_state(1, np.uint64)[0] >> np.uint64(1))
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and int(seed) >= 0:
        return int(seed)
    raise ValidationError(
        f"must be an integer >= 0, a numpy Generator or SeedSequence, or None; got {seed!r}",
        key="first_pin.seed",
    )


def _strategy(strategy) -> Strategy:
    if isinstance(strategy, str) and strategy in STRATEGIES:
        return STRATEGIES[strategy]
    raise ValidationError(
        f"unknown strategy {strategy!r}; valid strategies: {', '.join(STRATEGIES)}",
        key="first_pin.strategy",
    )


def first_pin_ids(strategy: str, net: Network, k: int = 20, *, seed=None, **options) -> np.ndarray:
    """:func:`first_pin` on a :class:`~sim.network.Network`, returning node ids.

    For callers that work in node ids (the marketing model, which passes each
    replicate's generator as ``seed``).

    Args:
        strategy: One of :data:`STRATEGIES`.
        net: The network (a networkx graph is converted).
        k: How many people.
        seed: As :func:`first_pin`.
        **options: The strategy's options.

    Returns:
        ``int64`` node ids, best first.

    Raises:
        ValidationError: As :func:`first_pin`.

    Examples:
        >>> from sim.network import load_dataset
        >>> net = load_dataset("karate")
        >>> first_pin_ids("k_core", net, 3).tolist()
        [33, 0, 32]
    """
    strat = _strategy(strategy)
    if not isinstance(net, Network):
        net = as_network(net)
    if not isinstance(k, numbers.Integral) or isinstance(k, bool):
        raise ValidationError(f"must be an integer, got {k!r}", key="first_pin.size")
    k = int(k)
    if k <= 0:
        raise ValidationError(f"a first pin needs at least 1 person, got {k}", key="first_pin.size")
    if k > net.num_nodes:
        raise ValidationError(
            f"a first pin of {k} people, but the network has {net.num_nodes} nodes",
            key="first_pin.size",
        )
    allowed = strat.options
    for name in options:
        if name not in allowed:
            took = ", ".join(allowed) if allowed else "none"
            raise ValidationError(
                f"strategy {strat.name!r} has no option {name!r} (its options: {took})",
                key=f"first_pin.{name}",
            )
    int_seed = resolve_seed(seed)
    if strat.uses_seed:
        options["seed"] = int_seed
    ids = np.asarray(strat.function(net, k, **options), dtype=np.int64)
    return ids


def first_pin(strategy: str, network, k: int = 20, *, seed=None, **options) -> list:
    """Pick the first pin: k people of the network by a named strategy.

    Args:
        strategy: One of :data:`STRATEGIES` (see the module docstring).
        network: A networkx graph or a :class:`~sim.network.Network`.
        k: How many people (default 20, the articles' "first 20").
        seed: ``None`` (fresh entropy), an int >= 0, a numpy ``SeedSequence`` or
            ``Generator``: the only source of randomness. The same seed gives the
            same pin.
        **options: The strategy's options, e.g. ``p`` and ``replicates`` for
            ``celf``, ``values`` for ``enthusiasm``, ``columns`` and ``table`` for
            ``score`` (each function's docstring lists them).

    Returns:
        Node labels, best first (for ``random``: in the order drawn).

    Raises:
        ValidationError: Unknown strategy (lists the valid ones; key
            ``first_pin.strategy``); ``k`` not an integer, <= 0 or larger than the
            network or the chosen community (``first_pin.size``); an option the
            strategy does not take (``first_pin.<option>``); a bad option value,
            e.g. ``p`` outside [0, 1] (``first_pin.p``), a score column missing
            (``first_pin.score_columns``), no enthusiasm (``first_pin.enthusiasm``)
            or interest (``first_pin.interest``); a bad seed (``first_pin.seed``);
            an empty or unsupported network (``network``).

    Examples:
        >>> import networkx as nx
        >>> g = nx.les_miserables_graph()
        >>> first_pin("betweenness", g, 2)
        ['Valjean', 'Myriel']
        >>> first_pin("celf", g, 2, p=0.1, replicates=500, seed=7)
        ['Valjean', 'Marius']
        >>> first_pin("pagerank", g, 2, beta=0.5)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        sim.errors.ValidationError: first_pin.beta: strategy 'pagerank' has no option 'beta' ...

    Notes:
        Cost is the strategy's (``docs/strategies.md`` lists each one's): from O(n)
        for ``random``, ``degree`` and the attribute strategies to O(R k m) for
        ``celf``.

    References:
        W. Chen, Y. Wang, S. Yang, "Efficient influence maximization in social
        networks", KDD 2009 (``degree_discount``).
        J. Leskovec, A. Krause, C. Guestrin, C. Faloutsos, J. VanBriesen, N. Glance,
        "Cost-effective outbreak detection in networks", KDD 2007 (``celf``).
        C. Borgs, M. Brautbar, J. Chayes, B. Lucier, "Maximizing social influence in
        nearly optimal time", SODA 2014; Y. Tang, Y. Shi, X. Xiao, "Influence
        maximization in near-linear time: a martingale approach", SIGMOD 2015
        (``ris``).
        D. Kempe, J. Kleinberg, E. Tardos, "Maximizing the spread of influence
        through a social network", KDD 2003 (the spread the last three target).
    """
    net = network if isinstance(network, Network) else as_network(network)
    ids = first_pin_ids(strategy, net, k, seed=seed, **options)
    return net.label_of(ids)
