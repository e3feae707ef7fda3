"""What every classic-model function shares: input checks, seed sets, the result type.

A model function (``independent_cascade``, ``linear_threshold``, ...) validates its
inputs with the helpers here, builds per-replicate seed sets and xoshiro states with
:func:`prepare_run`, calls its private numba kernel, and returns a :class:`Cascades`.

Kernel contract (every model follows it, so the runner and the tests can treat all
models alike):

* arguments are arrays and scalars only; replicates run in ``numba.prange`` and
  replicate ``r`` only reads ``states[r]`` (its own xoshiro256** stream), so results
  do not depend on the number of threads;
* ``counts`` has shape ``(R, Tb, S)``: ``counts[r, t, s]`` is the number of nodes in
  state ``s`` after step ``t`` (``t = 0``: the seeds placed, nothing spread yet). A
  kernel writes row ``min(t, Tb - 1)``, so with ``Tb == 1`` only the final state is
  kept (the Monte Carlo fast path) and the last row always holds the final state;
* state 0 means "never reached" (susceptible, inactive, non-adopter): the number
  ever adopted is ``num_nodes - counts[..., 0]``;
* ``steps_out[r]`` receives the number of steps taken: the step after which nothing
  can change any more, or ``max_steps`` if the horizon came first.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from sim.contagion._rng import replicate_streams, stream_generator
from sim.errors import ValidationError
from sim.network.csr import Network, from_networkx

__all__ = [
    "Cascades",
    "DEFAULT_RECORD_CAP",
    "UNTIL_QUIESCENT",
    "as_network",
    "check_fraction",
    "check_int",
    "check_nonnegative",
    "check_probability",
    "edge_values",
    "fresh_seed",
    "prepare_run",
    "replicate_states",
]

#: ``steps=None`` runs until nothing changes: at most this many steps.
UNTIL_QUIESCENT = 2**62
#: With ``steps=None``, time series keep at most this many steps (the last row
#: always holds the final state).
DEFAULT_RECORD_CAP = 1000


def fresh_seed() -> int:
    """A new master seed from OS entropy, small enough to record as int64."""
    return int(np.random.SeedSequence().entropy % (2**63))


_M32 = 0xFFFFFFFF


def _seedsequence_states(run_words: list[int], spawn):
    """numpy's SeedSequence(entropy, spawn_key=(spawn, 0)).generate_state(4, uint64).

    ``run_words`` is the entropy as 32-bit words padded to the pool size (4);
    ``spawn`` an int or a ``uint64`` array of them (< 2**32). The hashing is done on
    Python ints or ``uint64`` arrays alike, reduced modulo 2**32 after every product.
    Returns four 64-bit words (ints or arrays).
    """
    hash_const = 0x43B0D7E5

    def hashmix(v):
        nonlocal hash_const
        v = v ^ hash_const
        hash_const = (hash_const * 0x931E8875) & _M32
        v = (v * hash_const) & _M32
        return v ^ (v >> 16)

    def mix(x, y):
        v = (0xCA01F9DD * x - 0x4973F715 * y) & _M32
        return v ^ (v >> 16)

    pool = [hashmix(w) for w in run_words]
    for i_src in range(4):
        for i_dst in range(4):
            if i_src != i_dst:
                pool[i_dst] = mix(pool[i_dst], hashmix(pool[i_src]))
    for extra in (spawn, 0):  # the spawn key (r, 0), after the pool-sized entropy
        for i_dst in range(4):
            pool[i_dst] = mix(pool[i_dst], hashmix(extra))
    hb = 0x8B51F9DD
    words = []
    for i in range(8):
        v = pool[i % 4] ^ hb
        hb = (hb * 0x58F38DED) & _M32
        v = (v * hb) & _M32
        words.append(v ^ (v >> 16))
    return [words[2 * j] | (words[2 * j + 1] << 32) for j in range(4)]


def replicate_states(seed: int, replicates: int) -> np.ndarray:
    """The kernels' xoshiro states, ``spawn_states(replicate_streams(seed, R)[1])``, fast.

    Bit-for-bit the same ``(R, 4) uint64`` array, without creating R
    :class:`~numpy.random.SeedSequence` objects (~70 us each, which dominated Monte
    Carlo runs of small cascades): numpy's SeedSequence hashing (entropy mixing, then
    ``generate_state(4, uint64)``) is written out once, on Python ints for a few
    replicates and on arrays over the replicates otherwise (their entropy differs
    only in the spawn key ``(r, 0)``).

    Args:
        seed: Master seed, an int >= 0.
        replicates: R >= 1 (at most 2**32).

    Returns:
        ``(R, 4) uint64`` states; row ``r`` seeds replicate ``r``.

    Examples:
        >>> from sim.contagion._rng import replicate_streams, spawn_states
        >>> slow = spawn_states(replicate_streams(2**40 + 3, 5)[1])
        >>> bool((replicate_states(2**40 + 3, 5) == slow).all())
        True
    """
    seed, R = int(seed), int(replicates)
    if seed < 0 or not 1 <= R <= 2**32:
        raise ValueError("need seed >= 0 and 1 <= replicates <= 2**32")
    run = []  # numpy's _coerce_to_uint32_array: little-endian 32-bit words
    value = seed
    while value:
        run.append(value & _M32)
        value >>= 32
    run = run or [0]
    run += [0] * (4 - len(run))  # padded to the pool size since a spawn key follows
    if R <= 32:
        states = np.array(
            [_seedsequence_states(run, r) for r in range(R)], dtype=np.uint64
        ).reshape(R, 4)
    else:
        with np.errstate(over="ignore"):
            cols = _seedsequence_states(run, np.arange(R, dtype=np.uint64))
        states = np.stack([np.broadcast_to(np.asarray(c, dtype=np.uint64), (R,)) for c in cols], 1)
    states = np.ascontiguousarray(states)
    states[~states.any(axis=1), 0] = 1  # as spawn_states: never the all-zero state
    return states


def as_network(graph, *, key: str = "network") -> Network:
    """Accept a :class:`Network` or any networkx graph; refuse an empty one."""
    if isinstance(graph, Network):
        net = graph
    else:
        try:
            import networkx as nx
        except ImportError:  # pragma: no cover
            nx = None
        if nx is None or not isinstance(graph, nx.Graph):
            raise ValidationError(
                f"expected a networkx graph or sim Network, got {type(graph).__name__}", key=key
            )
        net = from_networkx(graph)
    if net.num_nodes == 0:
        raise ValidationError("the network is empty (no nodes)", key=key)
    return net


def _is_real(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def check_probability(value, key: str) -> float:
    """A number in [0, 1]."""
    if not _is_real(value) or not (0.0 <= float(value) <= 1.0) or math.isnan(float(value)):
        raise ValidationError(f"must be a probability in [0, 1], got {value!r}", key=key)
    return float(value)


def check_fraction(value, key: str, *, low_open: bool = False) -> float:
    """Alias of :func:`check_probability`, optionally excluding 0."""
    v = check_probability(value, key)
    if low_open and v == 0.0:
        raise ValidationError(f"must be in (0, 1], got {value!r}", key=key)
    return v


def check_nonnegative(value, key: str) -> float:
    """A finite number >= 0."""
    if not _is_real(value) or not math.isfinite(float(value)) or float(value) < 0:
        raise ValidationError(f"must be a finite number >= 0, got {value!r}", key=key)
    return float(value)


def check_int(value, key: str, *, minimum: int = 0, maximum: int | None = None) -> int:
    """An integer in ``[minimum, maximum]``."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise ValidationError(f"must be an integer, got {value!r}", key=key)
    v = int(value)
    if v < minimum or (maximum is not None and v > maximum):
        hi = "" if maximum is None else f" and <= {maximum}"
        raise ValidationError(f"must be >= {minimum}{hi}, got {v}", key=key)
    return v


def edge_values(net: Network, values, key: str, *, probability: bool = True) -> np.ndarray:
    """Per-arc values from a scalar, an array aligned with ``net.indices``, or the
    name of an edge attribute (``"weight"`` also finds ``net.weights``).

    Returns a ``float64`` array of length ``net.num_arcs``; checks the range.
    """
    if isinstance(values, str):
        if values in net.edge_attrs:
            raw = net.edge_attrs[values]
        elif values == "weight" and net.weights is not None:
            raw = net.weights
        else:
            have = sorted(net.edge_attrs) + (["weight"] if net.weights is not None else [])
            raise ValidationError(
                f"no edge attribute {values!r} (edge attributes: {', '.join(have) or 'none'})",
                key=key,
            )
        try:
            arr = np.asarray(raw, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValidationError(f"edge attribute {values!r} must be numeric", key=key) from None
    elif _is_real(values):
        arr = np.full(net.num_arcs, float(values))
    else:
        try:
            arr = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValidationError(
                f"expected a number, an edge attribute name or one number per arc, "
                f"got {type(values).__name__}",
                key=key,
            ) from None
        if arr.shape != (net.num_arcs,):
            raise ValidationError(
                f"expected one value per arc ({net.num_arcs}), got shape {arr.shape}", key=key
            )
    if np.isnan(arr).any():
        raise ValidationError("values must not be NaN (missing edge attribute?)", key=key)
    if probability and arr.size and (arr.min() < 0 or arr.max() > 1):
        bad = arr[(arr < 0) | (arr > 1)][0]
        raise ValidationError(f"must be probabilities in [0, 1], got {float(bad)!r}", key=key)
    return np.ascontiguousarray(arr)


@dataclass
class RunPlan:
    """What :func:`prepare_run` hands a model function."""

    seed: int
    seed_ptr: np.ndarray
    seed_nodes: np.ndarray
    states: np.ndarray
    max_steps: int
    record: int
    horizon: int | None


def prepare_run(
    net: Network,
    seeds: int | Sequence[Hashable] | None,
    *,
    replicates: int = 1,
    steps: int | None = None,
    seed: int | None = None,
    record: bool = True,
    allow_no_seeds: bool = False,
) -> RunPlan:
    """Validate the common run arguments and build seed sets and random streams.

    Args:
        net: The network.
        seeds: An int k (k distinct nodes drawn uniformly at random, afresh for each
            replicate from its own stream), or a sequence of node labels (the same
            for every replicate), or ``None`` (no seeds; only if ``allow_no_seeds``).
        replicates: R >= 1.
        steps: Horizon T >= 0, or ``None`` to run until nothing changes.
        seed: Master seed (int >= 0), or ``None`` for a fresh one (recorded in the result).
        record: Keep a time series (else only the final state).
        allow_no_seeds: Whether an empty seed set is valid (Bass: external influence).

    Returns:
        The run plan (seed sets as CSR ``seed_ptr``/``seed_nodes``, states, horizon).
    """
    replicates = check_int(replicates, "replicates", minimum=1)
    if steps is not None:
        steps = check_int(steps, "steps", minimum=0)
    seed = fresh_seed() if seed is None else check_int(seed, "seed", minimum=0)
    n = net.num_nodes
    if seeds is None:
        if not allow_no_seeds:
            raise ValidationError("give seed nodes or a number of random seeds", key="seeds")
        seed_ptr = np.zeros(replicates + 1, dtype=np.int64)
        seed_nodes = np.zeros(0, dtype=np.int32)
    elif isinstance(seeds, numbers.Integral) and not isinstance(seeds, bool):
        k = int(seeds)
        if k < 0 or (k == 0 and not allow_no_seeds):
            raise ValidationError(f"number of seeds must be >= 1, got {k}", key="seeds")
        if k > n:
            raise ValidationError(
                f"{k} seeds asked for, but the network has {n} nodes", key="seeds"
            )
        seed_ptr = np.arange(replicates + 1, dtype=np.int64) * k
        seed_nodes = np.empty(replicates * k, dtype=np.int32)
        _, children = replicate_streams(seed, replicates)
        for r, child in enumerate(children):
            seed_nodes[r * k : (r + 1) * k] = stream_generator(child).choice(
                n, size=k, replace=False
            )
    else:
        if isinstance(seeds, str | bytes):
            seeds = [seeds]
        try:
            seeds = list(seeds)
        except TypeError:
            raise ValidationError(
                f"expected a number of seeds (int) or a list of node labels, got {seeds!r}",
                key="seeds",
            ) from None
        ids = np.unique(net.ids(seeds, key="seeds"))
        if ids.size == 0 and not allow_no_seeds:
            raise ValidationError("the seed list is empty", key="seeds")
        seed_ptr = np.arange(replicates + 1, dtype=np.int64) * ids.size
        seed_nodes = np.tile(ids, replicates).astype(np.int32)
    horizon = steps
    max_steps = UNTIL_QUIESCENT if steps is None else steps
    cap = min(max(n, 1), DEFAULT_RECORD_CAP) if steps is None else steps
    return RunPlan(
        seed=seed,
        seed_ptr=seed_ptr,
        seed_nodes=seed_nodes,
        states=replicate_states(seed, replicates),
        max_steps=max_steps,
        record=(cap + 1) if record else 1,
        horizon=horizon,
    )


@dataclass
class Cascades:
    """The outcome of R replicates of one classic model on one network.

    Attributes:
        model: Model name (``"ic"``, ``"sir"``, ``"lt"``, ...).
        state_names: Names of the states counted, state 0 being "never reached".
        counts: ``(R, T + 1, S)`` counts of nodes per state after each step, carried
            forward after a replicate stops (so every replicate has T + 1 rows).
            With ``record=False``, T = 0 and the single row is the final state.
        steps_taken: ``(R,)`` steps until nothing could change (or the horizon).
        num_nodes: Network size.
        seed: The master seed (recorded even when drawn fresh).
        params: Model parameters, for the record.
        horizon: The requested number of steps, or ``None`` (until quiescent).

    Examples:
        >>> import networkx as nx
        >>> from sim.contagion import independent_cascade
        >>> cas = independent_cascade(nx.path_graph(4), [0], p=1.0, replicates=2, seed=1)
        >>> cas
        Cascades(model='ic', replicates=2, nodes=4, mean_final_adopted=4.0, seed=1)
        >>> cas.replicates, cas.counts.shape, cas.state_names
        (2, (2, 4, 3), ('susceptible', 'infected', 'recovered'))
        >>> cas.adopted.tolist(), cas.final_adopted.tolist(), cas.quiescent.tolist()
        ([[1, 2, 3, 4], [1, 2, 3, 4]], [4, 4], [True, True])
        >>> cas.timeseries.columns.tolist()[:4], len(cas.timeseries)
        (['replicate', 'seed', 'step', 'susceptible'], 8)
        >>> cas.summary[["replicate", "final_adopted", "steps"]].values.tolist()
        [[0, 4, 3], [1, 4, 3]]

        With a horizon shorter than the cascade, replicates are not quiescent:

        >>> short = independent_cascade(nx.path_graph(4), [0], p=1.0, steps=2, seed=1)
        >>> short.horizon, short.final_adopted.tolist(), short.quiescent.tolist()
        (2, [3], [False])
    """

    model: str
    state_names: tuple[str, ...]
    counts: np.ndarray
    steps_taken: np.ndarray
    num_nodes: int
    seed: int
    params: dict = field(default_factory=dict)
    horizon: int | None = None

    @classmethod
    def from_kernel(cls, model, state_names, counts, steps_taken, net, plan, params) -> Cascades:
        """Pack a kernel's output, carrying each replicate's last state forward.

        Used by the model functions after their kernel ran (the contract in this
        module's docstring); users get a :class:`Cascades` from those functions.

        Args:
            model: Model name.
            state_names: Names of the kernel's states, state 0 first.
            counts: The kernel's ``(R, Tb, S)`` counts.
            steps_taken: The kernel's ``(R,)`` steps taken.
            net: The network the model ran on (for ``num_nodes``).
            plan: The :func:`prepare_run` plan (for ``seed`` and ``horizon``).
            params: The model's parameters, for the record.

        Returns:
            The cascades; with ``steps=None`` time series are cut to the longest
            replicate.
        """
        counts = np.asarray(counts)
        steps_taken = np.asarray(steps_taken, dtype=np.int64)
        tb = counts.shape[1]
        if tb > 1:
            if plan.horizon is None:
                # Until quiescent: keep rows up to the longest replicate (or the cap).
                tb = int(min(tb, steps_taken.max() + 1))
                counts = counts[:, :tb]
            last = np.minimum(steps_taken, tb - 1)
            t = np.arange(tb)[None, :, None]
            final = counts[np.arange(counts.shape[0]), last][:, None, :]
            counts = np.where(t > last[:, None, None], final, counts)
        return cls(
            model=model,
            state_names=tuple(state_names),
            counts=np.ascontiguousarray(counts, dtype=np.int64),
            steps_taken=steps_taken,
            num_nodes=net.num_nodes,
            seed=plan.seed,
            params=dict(params),
            horizon=plan.horizon,
        )

    @property
    def replicates(self) -> int:
        """Number of replicates R."""
        return int(self.counts.shape[0])

    @property
    def adopted(self) -> np.ndarray:
        """``(R, T + 1)`` number of nodes ever reached (adopted, active, infected)."""
        return self.num_nodes - self.counts[:, :, 0]

    @property
    def final_adopted(self) -> np.ndarray:
        """``(R,)`` number of nodes ever reached at the end of each replicate."""
        return self.adopted[:, -1]

    @property
    def quiescent(self) -> np.ndarray:
        """``(R,)`` whether each replicate stopped because nothing could change."""
        if self.horizon is None:
            return np.ones(self.replicates, dtype=bool)
        return self.steps_taken < self.horizon

    @cached_property
    def timeseries(self):
        """Tidy time series: one row per (replicate, step).

        Columns: ``replicate``, ``seed``, ``step``, one count column per state, then
        ``cumulative_adopted`` (nodes ever reached) and ``new_adopted``.
        """
        import pandas as pd

        R, T1, S = self.counts.shape
        adopted = self.adopted
        new = np.diff(adopted, axis=1, prepend=0)
        if T1 == 1:
            new = adopted.copy()
        cols = {
            "replicate": np.repeat(np.arange(R, dtype=np.int64), T1),
            "seed": np.full(R * T1, self.seed, dtype=np.int64),
            "step": np.tile(np.arange(T1, dtype=np.int64), R),
        }
        for s, name in enumerate(self.state_names):
            cols[name] = self.counts[:, :, s].reshape(-1)
        cols["cumulative_adopted"] = adopted.reshape(-1)
        cols["new_adopted"] = new.reshape(-1)
        return pd.DataFrame(cols)

    @cached_property
    def summary(self):
        """Tidy summary: one row per replicate.

        Columns: ``replicate``, ``seed``, ``final_adopted``, ``final_share``,
        ``steps``, ``quiescent``, and the final count of every state.
        """
        import pandas as pd

        R = self.replicates
        cols = {
            "replicate": np.arange(R, dtype=np.int64),
            "seed": np.full(R, self.seed, dtype=np.int64),
            "final_adopted": self.final_adopted,
            "final_share": self.final_adopted / self.num_nodes,
            "steps": self.steps_taken,
            "quiescent": self.quiescent,
        }
        for s, name in enumerate(self.state_names):
            cols[f"final_{name}"] = self.counts[:, -1, s]
        return pd.DataFrame(cols)

    def __repr__(self) -> str:
        fa = self.final_adopted
        return (
            f"Cascades(model={self.model!r}, replicates={self.replicates}, nodes={self.num_nodes}, "
            f"mean_final_adopted={fa.mean():.1f}, seed={self.seed})"
        )
