"""Who starts: the first pin (ファーストピン) of the community and the paid influencers.

The first pin is chosen by one of the strategies of :mod:`sim.strategies` (named by
``first_pin.strategy``, with the other ``[first_pin]`` keys as its options), given
what the model knows about its people:

* ``enthusiasm``, ``interest_cohesive`` and ``interest`` read the enthusiasm drawn
  for the replicate, and the model's interest axis (``people.interest``, or the
  person table's ``interest`` column); ``interest`` is the model's own name for the
  hottest people of one interest group (``first_pin.interest``, or the largest
  group): the ``enthusiasm`` strategy restricted to that group;
* ``score`` reads person-table columns (and the network's node attributes), with
  ``first_pin.stage_column`` read as text;
* ``random`` draws afresh in each replicate;
* the network strategies (``degree``, ``influencer``, ``pagerank``,
  ``betweenness``, ``k_core``, ``closeness``) and the influence-maximisation ones
  (``degree_discount``, ``celf``, ``ris``) depend on the network and their options
  only: they are computed **once per run** (per :class:`Structure`), the randomised
  ones (sampled ``betweenness``, ``celf``, ``ris``) from ``first_pin.plan_seed``,
  and every replicate starts from the same pin. So does ``score``.

Random streams: per replicate, after :func:`~sim.model.population.draw_people` and
from the same generator, :func:`choose_first_pin` draws exactly **one** integer
whatever the strategy (and whether or not there is a community), the seed of a
``random`` pin; so replicate ``r``'s generator is in the same state afterwards in
every arm of a comparison (common random numbers), and the influencers are drawn
alike.

References:
    "ファーストピンとなる、コミュニティの最初の20人を、しっかりと見極めて声をかけること"
    (choose the first 20 carefully); "初期メンバーは、熱量の高いユーザーを見つけ出し"
    (start from hot users); "必ず同じ関心を持った「関心軸」でつながっていること"
    (connected by a shared interest axis); "find the first pin from usage data"
    (Sansan, MarkeZine).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.errors import ValidationError
from sim.model.params import ModelParams
from sim.model.population import Structure
from sim.network.csr import Network
from sim.strategies import first_pin_ids, resolve_seed

__all__ = [
    "PER_REPLICATE",
    "STRATEGY_OPTIONS",
    "check_seeding",
    "choose_first_pin",
    "choose_influencers",
    "first_pin_options",
    "top_k",
]

#: Strategies whose pin depends on the replicate (its drawn enthusiasm or its random
#: stream): chosen per replicate. Every other strategy is chosen once per run.
PER_REPLICATE = frozenset({"random", "enthusiasm", "interest", "interest_cohesive"})

#: For each strategy, the ``[first_pin]`` keys it reads and the option of
#: :func:`sim.strategies.first_pin` each one sets (the model itself supplies the
#: enthusiasm, interest and person table).
STRATEGY_OPTIONS: dict[str, dict[str, str]] = {
    "random": {},
    "degree": {},
    "influencer": {},
    "k_core": {},
    "closeness": {},
    "pagerank": {"alpha": "alpha"},
    "betweenness": {"k_samples": "k_samples"},
    "enthusiasm": {"interest": "interest"},
    "interest": {"interest": "interest"},
    "interest_cohesive": {"interest": "interest", "pick": "pick"},
    "score": {
        "score_columns": "columns",
        "stage": "stage",
        "stage_column": "stage_column",
        "standardize": "standardize",
    },
    "degree_discount": {"p": "p"},
    "celf": {"p": "p", "mc": "replicates"},
    "ris": {"p": "p", "epsilon": "epsilon", "ell": "ell", "theta": "theta"},
}

#: Error keys of :mod:`sim.strategies` that a scenario spells differently.
_KEYS = {"first_pin.replicates": "first_pin.mc", "first_pin.columns": "first_pin.score_columns"}

#: Node attribute holding the model's interest labels in the view given to strategies.
_INTEREST = "interest"


def top_k(values: np.ndarray, k: int, candidates: np.ndarray | None = None) -> np.ndarray:
    """The ``k`` candidates with the largest values (ties: smaller id first), ``int32``.

    Examples:
        >>> top_k(np.array([0.2, 0.9, 0.9, 0.5]), 2).tolist()
        [1, 2]
    """
    ids = np.arange(values.shape[0]) if candidates is None else np.asarray(candidates)
    order = np.lexsort((ids, -values[ids]))
    return np.ascontiguousarray(ids[order[:k]], dtype=np.int32)


def first_pin_options(params: ModelParams) -> dict:
    """The options :func:`sim.strategies.first_pin` gets from ``[first_pin]``.

    Only the keys the strategy reads (:data:`STRATEGY_OPTIONS`); absent keys
    (``None``) keep the strategy's default.

    Args:
        params: Validated parameters.

    Returns:
        ``{option: value}``.

    Examples:
        >>> from sim.model.params import parse_params
        >>> first_pin_options(parse_params({"first_pin": {"strategy": "celf", "mc": 200}}))
        {'p': 0.1, 'replicates': 200}
    """
    fp = params.first_pin
    out = {}
    for key, option in STRATEGY_OPTIONS[fp.strategy].items():
        value = getattr(fp, key)
        if value is not None:
            out[option] = dict(value) if isinstance(value, dict) else value
    return out


def _needs_interest(structure: Structure, strategy: str) -> None:
    if not structure.interest_labels:
        raise ValidationError(
            f"strategy {strategy!r} needs an interest axis: set people.interest (a node "
            "attribute, 'louvain' or 'label_propagation') or give the person table an "
            "'interest' column",
            key="first_pin.strategy",
        )


def _pin_group(structure: Structure, params: ModelParams) -> int:
    """Code of the interest group of strategy ``interest``."""
    _needs_interest(structure, "interest")
    if params.first_pin.interest is not None:
        return structure.group_code(params.first_pin.interest, key="first_pin.interest")
    return structure.largest_group()


def _with_interest(net: Network, structure: Structure) -> Network:
    """A view of ``net`` whose node attribute ``interest`` holds the model's interest
    labels (``None`` where unknown); the arrays are shared, not copied."""
    labels = np.empty(len(structure.interest_labels) + 1, dtype=object)
    labels[:-1] = structure.interest_labels
    labels[-1] = None
    attrs = {**net.node_attrs, _INTEREST: labels[structure.interest]}
    return dataclasses.replace(net, node_attrs=attrs, _label_index=None, _reverse=None)


def _person_table(net: Network, structure: Structure):
    """The columns ``score`` may use, one row per node (indexed by node label): the
    network's node attributes, then the person table's columns (NaN or ``None`` for
    people without a row)."""
    import pandas as pd

    columns: dict[str, np.ndarray] = {
        str(name): np.asarray(values) for name, values in net.node_attrs.items()
    }
    table = structure.table
    if table is not None:
        for name, values in table.values.items():
            full = np.full(net.num_nodes, np.nan)
            full[table.ids] = values
            columns[name] = full
        for name, cells in table.text.items():
            full = np.full(net.num_nodes, None, dtype=object)
            full[table.ids] = cells
            columns[name] = full
    return pd.DataFrame(columns, index=pd.Index(net.labels.tolist(), dtype=object))


def _pick(
    net: Network,
    structure: Structure,
    params: ModelParams,
    enthusiasm: np.ndarray | None,
    seed: int,
) -> np.ndarray:
    """The first pin by ``first_pin.strategy``, as ``int32`` node ids (best first)."""
    fp = params.first_pin
    options = first_pin_options(params)
    strategy = fp.strategy
    if strategy == "interest":
        strategy = "enthusiasm"
        options["interest"] = structure.interest_labels[_pin_group(structure, params)]
    if strategy in ("enthusiasm", "interest_cohesive"):
        options["values"] = enthusiasm
        if "interest" in options or strategy == "interest_cohesive":
            _needs_interest(structure, fp.strategy)
            net = _with_interest(net, structure)
            options["interest_attribute"] = _INTEREST
    elif strategy == "score":
        options["table"] = _person_table(net, structure)
    try:
        ids = first_pin_ids(strategy, net, fp.size, seed=seed, **options)
    except ValidationError as exc:
        exc.key = _KEYS.get(exc.key, exc.key)
        raise
    return np.ascontiguousarray(ids, dtype=np.int32)


def _run_pin(net: Network, structure: Structure, params: ModelParams) -> np.ndarray:
    """The pin of a strategy chosen once per run, cached on the structure."""
    key = (id(net), repr(params.first_pin.model_dump()))
    pins = structure.first_pins.get(key)
    if pins is None:
        pins = _pick(net, structure, params, None, params.first_pin.plan_seed)
        structure.first_pins[key] = pins
    return pins


def check_seeding(net: Network, structure: Structure, params: ModelParams) -> None:
    """Checks that need the network: first pin and influencers must fit in it.

    The first pin of a strategy chosen once per run is computed here (and kept for
    :func:`choose_first_pin`); a per-replicate strategy is tried on zero enthusiasm,
    which checks its interest group and size.

    Args:
        net: The network.
        structure: The structure built for it.
        params: Validated parameters.

    Raises:
        ValidationError: ``first_pin.size`` larger than the network, the interest
            group or the people with every score column; unknown
            ``first_pin.interest``; a strategy that needs an interest axis without
            one (``first_pin.strategy``); a score column missing from the person
            table (``first_pin.score_columns``, listing the columns) or no stage
            column (``first_pin.stage_column``); ``influencer.count`` larger than the
            network.

    Examples:
        >>> import networkx as nx
        >>> from sim.model.params import parse_params
        >>> from sim.model.population import build_structure
        >>> from sim.network import from_networkx
        >>> net = from_networkx(nx.karate_club_graph())
        >>> params = parse_params({"first_pin": {"size": 35}})
        >>> check_seeding(net, build_structure(net, params), params)
        Traceback (most recent call last):
        ...
        sim.errors.ValidationError: first_pin.size: a first pin of 35 people, but the network has 34 nodes
    """
    n = net.num_nodes
    fp = params.first_pin
    if params.community.enabled and fp.size > 0:
        if fp.size > n:
            raise ValidationError(
                f"a first pin of {fp.size} people, but the network has {n} nodes",
                key="first_pin.size",
            )
        if fp.strategy == "interest":
            code = _pin_group(structure, params)
            size = int(structure.group_ptr[code + 1] - structure.group_ptr[code])
            if fp.size > size:
                raise ValidationError(
                    f"a first pin of {fp.size} people, but interest group "
                    f"{structure.interest_labels[code]!r} has {size}",
                    key="first_pin.size",
                )
        if fp.strategy in PER_REPLICATE:
            _pick(net, structure, params, np.zeros(n), 0)
        else:
            _run_pin(net, structure, params)
    if params.influencer.enabled and params.influencer.count > n:
        raise ValidationError(
            f"{params.influencer.count} influencers, but the network has {n} nodes",
            key="influencer.count",
        )


def choose_first_pin(
    net: Network,
    structure: Structure,
    params: ModelParams,
    enthusiasm: np.ndarray,
    gen: np.random.Generator,
) -> np.ndarray:
    """The first pin of one replicate (``int32`` node ids, best first; empty if no
    community).

    Draws one integer from ``gen`` in every case (the seed of a ``random`` pin), so
    that every arm leaves replicate ``r``'s generator in the same state.

    Args:
        net: The network.
        structure: The structure built for it (caches the pins chosen once per run).
        params: Validated parameters.
        enthusiasm: The replicate's drawn enthusiasm.
        gen: The replicate's host-side generator.

    Returns:
        The first pin.

    Raises:
        ValidationError: As :func:`check_seeding`.

    Examples:
        >>> import networkx as nx
        >>> from sim.model.params import parse_params
        >>> from sim.model.population import build_structure
        >>> from sim.network import from_networkx
        >>> net = from_networkx(nx.karate_club_graph())
        >>> params = parse_params({"first_pin": {"strategy": "degree", "size": 3}})
        >>> s = build_structure(net, params)
        >>> choose_first_pin(net, s, params, np.zeros(34), np.random.default_rng(1)).tolist()
        [33, 0, 32]
    """
    seed = resolve_seed(gen)
    fp = params.first_pin
    if not params.community.enabled or fp.size == 0:
        return np.zeros(0, dtype=np.int32)
    if fp.strategy in PER_REPLICATE:
        return _pick(net, structure, params, enthusiasm, seed)
    return _run_pin(net, structure, params)


def choose_influencers(net: Network, params: ModelParams, gen: np.random.Generator) -> np.ndarray:
    """The paid influencers of one replicate (``int32``; empty if the channel is off).

    ``influencer.pick = "degree"``: the best connected (ties: smaller id);
    ``"random"``: uniformly without replacement, from ``gen``.

    Examples:
        >>> import networkx as nx
        >>> from sim.model.params import parse_params
        >>> from sim.network import from_networkx
        >>> net = from_networkx(nx.karate_club_graph())
        >>> params = parse_params({"influencer": {"enabled": True, "count": 2}})
        >>> choose_influencers(net, params, np.random.default_rng(1)).tolist()
        [33, 0]
    """
    inf = params.influencer
    if not inf.enabled or inf.count == 0:
        return np.zeros(0, dtype=np.int32)
    if inf.pick == "random":
        return np.sort(gen.choice(net.num_nodes, size=inf.count, replace=False)).astype(np.int32)
    return top_k(net.degree().astype(np.float64), inf.count)
