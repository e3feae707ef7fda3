"""Who starts: the first pin (ファーストピン) of the community and the paid influencers.

Per replicate, after :func:`~sim.model.population.draw_people` and from the same
generator (so that replicate ``r`` of every arm picks from the same stream). The full
set of seeding strategies (interest cohesion, user scores, influence maximisation)
comes with the strategies issue; here are the ones the model's own tests need.

References:
    "ファーストピンとなる、コミュニティの最初の20人を、しっかりと見極めて声をかけること"
    (choose the first 20 carefully); "初期メンバーは、熱量の高いユーザーを見つけ出し"
    (start from hot users).
"""

from __future__ import annotations

import numpy as np

from sim.errors import ValidationError
from sim.model.params import ModelParams
from sim.model.population import Structure
from sim.network.csr import Network

__all__ = ["check_seeding", "choose_first_pin", "choose_influencers", "top_k"]


def top_k(values: np.ndarray, k: int, candidates: np.ndarray | None = None) -> np.ndarray:
    """The ``k`` candidates with the largest values (ties: smaller id first), ``int32``."""
    ids = np.arange(values.shape[0]) if candidates is None else np.asarray(candidates)
    order = np.lexsort((ids, -values[ids]))
    return np.ascontiguousarray(ids[order[:k]], dtype=np.int32)


def check_seeding(net: Network, structure: Structure, params: ModelParams) -> None:
    """Checks that need the network: first pin and influencers must fit in it.

    Raises:
        ValidationError: ``first_pin.size`` larger than the network (or than the
            interest group for strategy ``interest``), ``influencer.count`` larger
            than the network, unknown ``first_pin.interest``.
    """
    n = net.num_nodes
    fp = params.first_pin
    if params.community.enabled:
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
    if params.influencer.enabled and params.influencer.count > n:
        raise ValidationError(
            f"{params.influencer.count} influencers, but the network has {n} nodes",
            key="influencer.count",
        )


def _pin_group(structure: Structure, params: ModelParams) -> int:
    if params.first_pin.interest is not None:
        return structure.group_code(params.first_pin.interest, key="first_pin.interest")
    code = structure.largest_group()
    if code < 0:
        raise ValidationError(
            "strategy 'interest' needs an interest axis (people.interest)", key="first_pin.strategy"
        )
    return code


def choose_first_pin(
    net: Network,
    structure: Structure,
    params: ModelParams,
    enthusiasm: np.ndarray,
    gen: np.random.Generator,
) -> np.ndarray:
    """The first pin of one replicate (``int32`` node ids; empty if no community).

    Strategies: ``enthusiasm`` (the hottest), ``degree`` (the best connected),
    ``random`` (uniform without replacement, from ``gen``), ``interest`` (the hottest
    of one interest group: ``first_pin.interest`` or the largest group).
    """
    fp = params.first_pin
    if not params.community.enabled or fp.size == 0:
        return np.zeros(0, dtype=np.int32)
    if fp.strategy == "random":
        return np.sort(gen.choice(net.num_nodes, size=fp.size, replace=False)).astype(np.int32)
    if fp.strategy == "degree":
        return top_k(net.degree().astype(np.float64), fp.size)
    if fp.strategy == "enthusiasm":
        return top_k(enthusiasm, fp.size)
    code = _pin_group(structure, params)
    members = structure.group_nodes[structure.group_ptr[code] : structure.group_ptr[code + 1]]
    return top_k(enthusiasm, fp.size, members)


def choose_influencers(net: Network, params: ModelParams, gen: np.random.Generator) -> np.ndarray:
    """The paid influencers of one replicate (``int32``; empty if the channel is off)."""
    inf = params.influencer
    if not inf.enabled or inf.count == 0:
        return np.zeros(0, dtype=np.int32)
    if inf.pick == "random":
        return np.sort(gen.choice(net.num_nodes, size=inf.count, replace=False)).astype(np.int32)
    return top_k(net.degree().astype(np.float64), inf.count)
