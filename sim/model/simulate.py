"""The fast path: R replicates x T weeks of the marketing model in one parallel kernel.

:func:`simulate_wom` validates the inputs, builds the shared structure (interest
axis, trust), draws each replicate's people, first pin and influencers from that
replicate's own stream, runs :func:`sim.model.kernels._run_batch` (``prange`` over
replicates), and packs a :class:`WomRun` with tidy frames. No agent objects: the
Mesa model (:class:`sim.model.wom.WordOfMouthModel`) runs the same kernels on the
same arrays, one step at a time.

Random streams: replicate ``r`` uses child ``r`` of the master seed (see
:mod:`sim.contagion._rng`): its host-side generator draws enthusiasm, then
susceptibility, then the first pin, then the influencers; its xoshiro256** state
drives the kernel. So replicate ``r`` is the same whatever R and the thread count,
and replicate ``r`` of every arm shares its stream (common random numbers).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from sim.contagion._common import as_network, check_int, fresh_seed
from sim.contagion._rng import replicate_streams, spawn_states, stream_generator
from sim.errors import ValidationError
from sim.model import kernels as K  # noqa: N812
from sim.model.metrics import summary_frame, timeseries_frame
from sim.model.params import ModelParams, parse_params
from sim.model.population import Structure, build_structure, draw_people
from sim.model.seeding import check_seeding, choose_first_pin, choose_influencers
from sim.network.csr import Network

__all__ = ["Prepared", "WomRun", "pack_params", "people_at", "prepare", "simulate_wom"]

_ADMISSION = {
    "closed": K.ADMISSION_CLOSED,
    "invited": K.ADMISSION_INVITED,
    "open": K.ADMISSION_OPEN,
}


def pack_params(params: ModelParams, structure: Structure) -> np.ndarray:
    """The kernels' parameter vector (``float64``, indexed by ``kernels.P_*``).

    Switched-off mechanisms are encoded as off flags; ``None`` (no cap, unlimited
    capacity, no pin floor) as ``-1``; an unlimited budget as ``inf``.
    """
    p = params
    prm = np.zeros(K.NPRM, dtype=np.float64)
    v = p.vendor
    prm[K.P_VENDOR_ON] = float(v.enabled and v.reach > 0)
    prm[K.P_VENDOR_REACH] = v.reach
    prm[K.P_VENDOR_TARGET] = (
        -1 if v.target is None else structure.group_code(v.target, key="vendor.target")
    )
    prm[K.P_VENDOR_CONV] = v.conversion
    prm[K.P_VENDOR_COST] = v.cost_per_contact
    prm[K.P_VENDOR_ENTH] = v.enthusiasm
    f = p.influencer
    prm[K.P_INF_ON] = float(f.enabled and f.count > 0)
    prm[K.P_INF_POSTS] = f.posts_per_step
    prm[K.P_INF_REACH] = f.reach_prob
    prm[K.P_INF_CRED] = f.credibility
    prm[K.P_INF_COST] = f.cost_per_step
    prm[K.P_INF_ENTH] = f.enthusiasm
    w = p.word_of_mouth
    prm[K.P_WOM_ON] = float(w.enabled)
    prm[K.P_TALK] = w.talk_prob
    prm[K.P_PERSUASION] = w.persuasion
    prm[K.P_WOM_BONUS] = w.interest_bonus
    prm[K.P_TRANSFER] = w.transfer
    prm[K.P_ADV_THR] = w.advocate_threshold
    prm[K.P_DECAY] = w.decay
    c = p.community
    prm[K.P_COM_ON] = float(c.enabled)
    prm[K.P_CADENCE] = c.cadence
    prm[K.P_CAPACITY] = -1 if c.capacity is None else c.capacity
    prm[K.P_FEE] = c.fee
    prm[K.P_ATT_EXP] = c.attendance_exponent
    prm[K.P_HEAT_EXP] = c.heat_exponent
    prm[K.P_LIFT] = c.lift
    prm[K.P_COM_BONUS] = c.interest_bonus
    prm[K.P_POST_PROB] = c.post_prob
    prm[K.P_POST_REACH] = c.post_reach
    prm[K.P_INVITE] = c.invite_prob
    prm[K.P_ADMISSION] = _ADMISSION[c.admission]
    prm[K.P_JOIN_THR] = c.join_threshold
    prm[K.P_CAP] = -1 if c.cap is None else c.cap
    prm[K.P_COST_MEETUP] = c.cost_per_meetup
    prm[K.P_COST_ATTENDEE] = c.cost_per_attendee
    prm[K.P_PIN_ENTH] = -1 if p.first_pin.enthusiasm is None else p.first_pin.enthusiasm
    ch = p.churn
    prm[K.P_CHURN_ON] = float(ch.enabled and ch.rate > 0)
    prm[K.P_CHURN_RATE] = ch.rate
    prm[K.P_CHURN_MEMBER] = ch.member_factor
    b = p.budget
    prm[K.P_BUDGET_TOTAL] = math.inf if b.total is None else b.total
    for code, name in enumerate(K.CHANNELS):
        limit = getattr(b, name, None)
        prm[K.P_BUDGET + code] = math.inf if limit is None else limit
    return prm


@dataclass
class Prepared:
    """Everything a kernel call needs, for the replicates ``replicates``.

    Attributes:
        net: The network.
        structure: Shared interest axis, groups, trust, person table.
        params: Validated parameters.
        prm: Packed parameter vector.
        seed: Master seed.
        replicates: Replicate index of each row of the state arrays.
        pins: ``(R, k) int32`` first pin of each replicate.
        influencers: ``(R, q) int32`` paid influencers of each replicate.
        pf, pi, pb, queue, ist, fst: Per-replicate state (see :mod:`sim.model.kernels`).
        states: ``(R, 4) uint64`` xoshiro256** states.
    """

    net: Network
    structure: Structure
    params: ModelParams
    prm: np.ndarray
    seed: int
    replicates: np.ndarray
    pins: np.ndarray
    influencers: np.ndarray
    pf: np.ndarray
    pi: np.ndarray
    pb: np.ndarray
    queue: np.ndarray
    ist: np.ndarray
    fst: np.ndarray
    states: np.ndarray

    def kernel_args(self) -> tuple:
        """The static arguments shared by ``_step`` calls (after ``r``)."""
        s = self.structure
        return (
            self.prm, self.net.indptr, self.net.indices, s.trust, s.interest,
            s.group_ptr, s.group_nodes, self.influencers,
        )  # fmt: skip

    def state_args(self) -> tuple:
        """The per-replicate state arguments of ``_step`` (after the static ones)."""
        return (self.pf, self.pi, self.pb, self.queue, self.ist, self.fst, self.states)


def prepare(
    network,
    params: ModelParams | dict | None = None,
    *,
    replicates: int | Sequence[int] = 1,
    seed: int | None = None,
    structure: Structure | None = None,
) -> Prepared:
    """Validate and build the initial state of some replicates.

    Args:
        network: A :class:`~sim.network.csr.Network` or networkx graph.
        params: Parameters (a :class:`ModelParams`, a nested dict, or ``None``).
        replicates: R (replicates ``0..R-1``) or an explicit list of replicate indices.
        seed: Master seed (int >= 0) or ``None`` for a fresh one.
        structure: A structure already built for this network and parameters.

    Returns:
        The prepared state (step 0 not yet applied).
    """
    net = as_network(network)
    params = parse_params(params)
    seed = fresh_seed() if seed is None else check_int(seed, "seed", minimum=0)
    if isinstance(replicates, int) and not isinstance(replicates, bool):
        R = check_int(replicates, "replicates", minimum=1)
        reps = np.arange(R, dtype=np.int64)
    else:
        reps = np.asarray(list(replicates), dtype=np.int64)
        if reps.ndim != 1 or reps.size == 0 or (reps < 0).any():
            raise ValidationError("replicate indices must be >= 0", key="replicates")
    structure = build_structure(net, params) if structure is None else structure
    check_seeding(net, structure, params)
    prm = pack_params(params, structure)
    n = net.num_nodes
    R = reps.size
    _, children = replicate_streams(seed, int(reps.max()) + 1)
    children = [children[i] for i in reps.tolist()]
    states = spawn_states(children)
    k = params.first_pin.size if params.community.enabled else 0
    q = params.influencer.count if params.influencer.enabled else 0
    pins = np.zeros((R, k), dtype=np.int32)
    infl = np.zeros((R, q), dtype=np.int32)
    pf = np.empty((R, K.NPF, n), dtype=np.float64)
    for row, child in enumerate(children):
        gen = stream_generator(child)
        enth, susc = draw_people(structure, params, gen)
        pf[row, K.PF_ENTH] = enth
        pf[row, K.PF_SUSC] = susc
        pins[row] = choose_first_pin(net, structure, params, enth, gen)
        infl[row] = choose_influencers(net, params, gen)
    pi = np.full((R, K.NPI, n), -1, dtype=np.int32)
    pi[:, K.PI_ATTENDED] = 0
    pb = np.zeros((R, K.NPB, n), dtype=np.int8)
    pb[:, K.PB_CHANNEL] = -1
    return Prepared(
        net=net,
        structure=structure,
        params=params,
        prm=prm,
        seed=seed,
        replicates=reps,
        pins=pins,
        influencers=infl,
        pf=pf,
        pi=pi,
        pb=pb,
        queue=np.zeros((R, n), dtype=np.int32),
        ist=np.zeros((R, K.NIST), dtype=np.int64),
        fst=np.zeros((R, K.NFST), dtype=np.float64),
        states=states,
    )


def people_frame(prep: Prepared, row: int = 0):
    """Per-person final state of one replicate (row of the prepared arrays), tidy.

    Columns: ``replicate``, ``id`` (contiguous node id), ``node`` (the user's label),
    ``interest``,
    ``enthusiasm``, ``susceptibility``, ``stage``, ``member`` (``none``/``member``/
    ``waiting``), ``adopted_step`` (-1: never), ``channel`` (categorical, NaN: never),
    ``referrer`` (label, ``None`` if none), ``referrer_id`` (-1), ``depth`` (-1:
    never adopted), ``member_since`` (-1), ``attended`` (meetups attended),
    ``first_pin`` (in the replicate's first pin), ``influencer`` (one of its paid
    influencers).
    """
    import pandas as pd

    net = prep.net
    n = net.num_nodes
    labels = np.asarray(net.labels, dtype=object)
    ref = prep.pi[row, K.PI_REFERRER].astype(np.int64)
    ref_label = np.empty(n, dtype=object)
    has = ref >= 0
    ref_label[has] = labels[ref[has]]
    ref_label[~has] = None
    interest_labels = np.empty(len(prep.structure.interest_labels) + 1, dtype=object)
    interest_labels[:-1] = prep.structure.interest_labels
    interest_labels[-1] = None
    return pd.DataFrame(
        {
            "replicate": np.full(n, prep.replicates[row], dtype=np.int64),
            "id": np.arange(n, dtype=np.int64),
            "node": labels,
            "interest": interest_labels[prep.structure.interest],
            "enthusiasm": prep.pf[row, K.PF_ENTH].copy(),
            "susceptibility": prep.pf[row, K.PF_SUSC].copy(),
            "stage": pd.Categorical.from_codes(prep.pb[row, K.PB_STAGE].astype(np.int64), K.STAGES),
            "member": pd.Categorical.from_codes(
                prep.pb[row, K.PB_MEMBER].astype(np.int64), ("none", "member", "waiting")
            ),
            "adopted_step": prep.pi[row, K.PI_ADOPT_STEP].astype(np.int64),
            "channel": pd.Categorical.from_codes(
                prep.pb[row, K.PB_CHANNEL].astype(np.int64), K.CHANNELS
            ),
            "referrer": ref_label,
            "referrer_id": ref,
            "depth": prep.pi[row, K.PI_DEPTH].astype(np.int64),
            "member_since": prep.pi[row, K.PI_MEMBER_SINCE].astype(np.int64),
            "attended": prep.pi[row, K.PI_ATTENDED].astype(np.int64),
            "first_pin": _flags(n, prep.pins[row]),
            "influencer": _flags(n, prep.influencers[row]),
        }
    )


def _flags(n: int, ids: np.ndarray) -> np.ndarray:
    """``bool`` array of length n, true at ``ids``."""
    out = np.zeros(n, dtype=bool)
    out[ids] = True
    return out


@dataclass
class WomRun:
    """The outcome of R replicates of the marketing model on one network.

    Attributes:
        metrics: ``(R, T + 1, M)`` float array, ``M = len(METRICS)``.
        seed: Master seed (recorded even when drawn fresh).
        num_nodes: Network size.
        steps: Weeks simulated T.
        params: The validated parameters.
        replicates: Replicate index of each row.
        people: Per-person final state of the replicates ``people_of`` (see
            :func:`people_frame`, one block of rows per replicate), or ``None``.
        people_of: Which replicates ``people`` describes.
        extra: Free-form data a caller may attach (empty; the package sets none).

    Examples:
        >>> import networkx as nx
        >>> run = simulate_wom(nx.karate_club_graph(), {"first_pin": {"size": 3}},
        ...                    replicates=2, steps=4, seed=1, people_of=1)
        >>> run
        WomRun(replicates=2, steps=4, nodes=34, mean_final_adopted=3.0, seed=1)
        >>> run.metrics.shape[:2], run.seed, run.num_nodes, run.steps, run.replicates.tolist()
        ((2, 5), 1, 34, 4, [0, 1])
        >>> run.timeseries[["replicate", "step"]].shape, len(run.summary)
        ((10, 2), 2)
        >>> run.people_of, run.people.query("channel == 'first_pin'")["node"].tolist()
        ((1,), [4, 27, 31])
        >>> run.params.first_pin.size
        3
    """

    metrics: np.ndarray
    seed: int
    num_nodes: int
    steps: int
    params: ModelParams
    replicates: np.ndarray
    people: object | None = None
    people_of: tuple[int, ...] | None = None
    extra: dict = field(default_factory=dict)

    @cached_property
    def timeseries(self):
        """Tidy time series: ``replicate``, ``seed``, ``step``, then every metric."""
        return timeseries_frame(self.metrics, self.seed, self.replicates)

    @cached_property
    def summary(self):
        """Tidy summary: one row per replicate (see ``metrics.SUMMARY_COLUMNS``)."""
        return summary_frame(self.metrics, self.seed, self.num_nodes, self.replicates)

    def __repr__(self) -> str:
        fa = self.summary["final_adopted"].mean()
        return (
            f"WomRun(replicates={self.metrics.shape[0]}, steps={self.steps}, "
            f"nodes={self.num_nodes}, mean_final_adopted={fa:.1f}, seed={self.seed})"
        )


def simulate_wom(
    network,
    params: ModelParams | dict | None = None,
    *,
    replicates: int = 1,
    steps: int = 52,
    seed: int | None = None,
    people_of: int | Sequence[int] | None = None,
) -> WomRun:
    """Run the word-of-mouth marketing model: R replicates x T weeks, in parallel.

    Args:
        network: A :class:`~sim.network.csr.Network` or a networkx graph.
        params: Model parameters (:class:`~sim.model.params.ModelParams`, a nested
            dict of sections, or ``None`` for the defaults).
        replicates: R >= 1.
        steps: Weeks T >= 0.
        seed: Master seed (int >= 0) or ``None`` for a fresh one (recorded).
        people_of: Keep the per-person final state of this replicate (or these
            replicates): adoption step, channel, referrer, depth (referral trees), in
            ``WomRun.people``.

    Returns:
        The run, with ``timeseries`` and ``summary`` frames.

    Raises:
        ValidationError: Any invalid parameter, naming its key.

    Examples:
        >>> import networkx as nx
        >>> run = simulate_wom(nx.karate_club_graph(), {"first_pin": {"size": 3}},
        ...                    replicates=2, steps=4, seed=1)
        >>> run.summary[["replicate", "adopted_by_first_pin"]].values.tolist()
        [[0, 3], [1, 3]]
    """
    steps = check_int(steps, "steps", minimum=0)
    replicates = check_int(replicates, "replicates", minimum=1)
    if people_of is not None:
        wanted = [people_of] if isinstance(people_of, int) else list(people_of)
        people_of = tuple(
            check_int(r, "people_of", minimum=0, maximum=replicates - 1) for r in wanted
        )
    prep = prepare(network, params, replicates=replicates, seed=seed)
    out = np.empty((replicates, steps + 1, K.NMETRICS), dtype=np.float64)
    K._run_batch(
        np.int64(steps), prep.prm, prep.net.indptr, prep.net.indices, prep.structure.trust,
        prep.structure.interest, prep.structure.group_ptr, prep.structure.group_nodes,
        prep.pins, prep.influencers, prep.pf, prep.pi, prep.pb, prep.queue, prep.ist,
        prep.fst, prep.states, out,
    )  # fmt: skip
    people = None
    if people_of is not None:
        import pandas as pd

        frames = [people_frame(prep, r) for r in people_of]
        people = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    return WomRun(
        metrics=out,
        seed=prep.seed,
        num_nodes=prep.net.num_nodes,
        steps=steps,
        params=prep.params,
        replicates=prep.replicates,
        people=people,
        people_of=people_of,
    )


def people_at(
    network,
    params: ModelParams | dict | None = None,
    *,
    steps: int | Sequence[int],
    seed: int,
    replicate: int = 0,
):
    """Each person's state in one replicate at chosen weeks, by replaying the replicate.

    Replicate ``replicate`` of :func:`simulate_wom` with the same network, parameters
    and master seed is run again week by week (the same kernels on the same random
    stream, which does not depend on the number of replicates), and the per-person
    frame (:func:`people_frame`) is kept at each week of ``steps``. So the state at
    week t, which a run keeps only for its last week, is exact: the funnel stage,
    membership and enthusiasm of every person then (network snapshots over time).

    Args:
        network: A :class:`~sim.network.csr.Network` or a networkx graph.
        params: Model parameters (as for :func:`simulate_wom`).
        steps: A week (int >= 0) or several.
        seed: The run's master seed (int >= 0).
        replicate: Which replicate (int >= 0).

    Returns:
        A people frame with a leading ``step`` column: one block of rows per week, in
        increasing order (duplicates dropped).

    Raises:
        ValidationError: A bad parameter, week, seed or replicate, naming its key.

    Examples:
        >>> import networkx as nx
        >>> g = nx.karate_club_graph()
        >>> snap = people_at(g, {"first_pin": {"size": 3}}, steps=[0, 4], seed=1)
        >>> snap.groupby("step")["first_pin"].sum().tolist()
        [3, 3]
        >>> run = simulate_wom(g, {"first_pin": {"size": 3}}, replicates=2, steps=4, seed=1,
        ...                    people_of=1)
        >>> last = people_at(g, {"first_pin": {"size": 3}}, steps=4, seed=1, replicate=1)
        >>> last.drop(columns="step").equals(run.people)
        True
    """
    import pandas as pd

    seed = check_int(seed, "seed", minimum=0)
    replicate = check_int(replicate, "replicate", minimum=0)
    if isinstance(steps, int | np.integer) and not isinstance(steps, bool):
        steps = [steps]
    try:
        wanted = sorted({check_int(s, "steps", minimum=0) for s in steps})
    except TypeError:
        raise ValidationError(
            f"must be a week (int >= 0) or a list of weeks, got {steps!r}", key="steps"
        ) from None
    if not wanted:
        raise ValidationError("give at least one week", key="steps")
    prep = prepare(network, params, replicates=[replicate], seed=seed)
    row = np.empty((1, K.NMETRICS), dtype=np.float64)
    K._init_and_observe(prep.prm, prep.pins, prep.pf, prep.pi, prep.pb, prep.ist, prep.fst, row)
    static, state = prep.kernel_args(), prep.state_args()
    frames, t = [], 0
    for week in wanted:
        while t < week:
            K._step_and_observe(*static, *state, row)
            t += 1
        frame = people_frame(prep, 0)
        frame.insert(0, "step", np.int64(t))
        frames.append(frame)
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
