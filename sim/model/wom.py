"""The marketing model as a Mesa model: the same kernels, one replicate, step by step.

:class:`WordOfMouthModel` is a :class:`mesa.Model`. Its state lives in the numpy
arrays of :mod:`sim.model.kernels` (R = 1) and every :meth:`~WordOfMouthModel.step`
calls the same numba step kernel as :func:`sim.model.simulate.simulate_wom`, so a
model built with ``seed=s`` follows exactly replicate 0 of ``simulate_wom(...,
seed=s)``. A :class:`mesa.DataCollector` records every metric each step (model-level
reporters), and :func:`mesa.batch_run` works on it (pass parameter overrides as
``section__field`` keywords, e.g. ``community__fee=[0.0, 0.3]``).

People are Mesa agents (:class:`Person`, a ``CellAgent`` on a
``mesa.discrete_space.Network`` built with ``layout=None``) only when asked for
(``agents=True``; small graphs, visualisation, inspection). A person is a thin view:
its attributes read and write the arrays.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import mesa
import numpy as np
from mesa.discrete_space import CellAgent
from mesa.discrete_space import Network as MesaNetwork

from sim.contagion._common import as_network, check_int
from sim.errors import ValidationError
from sim.model import kernels as K  # noqa: N812
from sim.model.metrics import INT_METRICS, METRICS, timeseries_frame
from sim.model.params import ModelParams, parse_params
from sim.model.simulate import Prepared, people_frame, prepare
from sim.network.csr import Network, to_networkx

__all__ = ["Person", "WordOfMouthModel"]

_MEMBER_NAMES = ("none", "member", "waiting")
_INT = frozenset(INT_METRICS)


def _metric(model: WordOfMouthModel, name: str):
    """DataCollector reporter: the current value of one metric."""
    v = model._row[0, METRICS.index(name)]
    return int(v) if name in _INT else float(v)


class Person(CellAgent):
    """One person, a thin view of row ``node`` of the model's arrays.

    Created by :class:`WordOfMouthModel` (``agents=True``), one per node, each in
    its node's cell of the Mesa network space; get one with
    :meth:`WordOfMouthModel.person` or iterate over ``model.agents``.

    Args:
        model: The model whose arrays the person views.
        node: The node id.
        cell: The person's cell of the model's Mesa network space.

    Attributes:
        node: Contiguous node id (index into the arrays).
        label: The user's node label.

    Examples:
        >>> import networkx as nx
        >>> m = WordOfMouthModel(nx.karate_club_graph(), {"first_pin": {"size": 3}}, seed=1)
        >>> [p.label for p in m.agents if p.member]
        [10, 15, 31]
        >>> pin = m.person(10)
        >>> pin.node, pin.stage, pin.channel, pin.adopted_step, pin.depth, pin.referrer
        (10, 'adopter', 'first_pin', 0, 0, None)
        >>> pin.waiting, pin.attended, pin.interest, round(pin.susceptibility, 2)
        (False, 0, None, 0.39)
        >>> pin.enthusiasm = 0.9  # writes into the model's arrays
        >>> pin
        Person(10, stage=adopter, enthusiasm=0.90)
        >>> pin.enthusiasm = 1.5
        Traceback (most recent call last):
        ...
        sim.errors.ValidationError: enthusiasm: must be in [0, 1], got 1.5
    """

    def __init__(self, model: WordOfMouthModel, node: int, cell) -> None:
        super().__init__(model)
        self.node = int(node)
        self.label = model.network.label_of([self.node])[0]
        self.cell = cell

    # -- arrays, read and write
    @property
    def enthusiasm(self) -> float:
        """Enthusiasm (熱量) in [0, 1]; settable."""
        return float(self.model._prep.pf[0, K.PF_ENTH, self.node])

    @enthusiasm.setter
    def enthusiasm(self, value: float) -> None:
        v = float(value)
        if not 0.0 <= v <= 1.0:
            raise ValidationError(f"must be in [0, 1], got {value!r}", key="enthusiasm")
        self.model._prep.pf[0, K.PF_ENTH, self.node] = v

    @property
    def susceptibility(self) -> float:
        """Susceptibility in [0, 1]; settable."""
        return float(self.model._prep.pf[0, K.PF_SUSC, self.node])

    @susceptibility.setter
    def susceptibility(self, value: float) -> None:
        v = float(value)
        if not 0.0 <= v <= 1.0:
            raise ValidationError(f"must be in [0, 1], got {value!r}", key="susceptibility")
        self.model._prep.pf[0, K.PF_SUSC, self.node] = v

    # -- read only
    @property
    def stage(self) -> str:
        """Funnel stage: unaware, aware, adopter, advocate or churned."""
        return K.STAGES[self.model._prep.pb[0, K.PB_STAGE, self.node]]

    @property
    def interest(self):
        """Interest axis label (関心軸), or ``None``."""
        code = int(self.model._prep.structure.interest[self.node])
        return None if code < 0 else self.model._prep.structure.interest_labels[code]

    @property
    def member(self) -> bool:
        """Whether the person is a community member."""
        return bool(self.model._prep.pb[0, K.PB_MEMBER, self.node] == K.MEMBER)

    @property
    def waiting(self) -> bool:
        """Whether the person is on the community's waiting list."""
        return bool(self.model._prep.pb[0, K.PB_MEMBER, self.node] == K.WAITING)

    @property
    def adopted_step(self) -> int | None:
        """Week of adoption, or ``None``."""
        t = int(self.model._prep.pi[0, K.PI_ADOPT_STEP, self.node])
        return None if t < 0 else t

    @property
    def channel(self) -> str | None:
        """Channel of the adoption, or ``None``."""
        c = int(self.model._prep.pb[0, K.PB_CHANNEL, self.node])
        return None if c < 0 else K.CHANNELS[c]

    @property
    def referrer(self):
        """Label of the person who referred this one (a peer or a paid influencer), or ``None``."""
        r = int(self.model._prep.pi[0, K.PI_REFERRER, self.node])
        return None if r < 0 else self.model.network.label_of([r])[0]

    @property
    def depth(self) -> int | None:
        """Chain depth of the adoption, or ``None``."""
        d = int(self.model._prep.pi[0, K.PI_DEPTH, self.node])
        return None if d < 0 else d

    @property
    def attended(self) -> int:
        """Meetups attended."""
        return int(self.model._prep.pi[0, K.PI_ATTENDED, self.node])

    def __repr__(self) -> str:
        return f"Person({self.label!r}, stage={self.stage}, enthusiasm={self.enthusiasm:.2f})"


class WordOfMouthModel(mesa.Model):
    """The word-of-mouth marketing model as a Mesa model (one replicate).

    Args:
        network: A :class:`~sim.network.csr.Network` or a networkx graph.
        params: Parameters (:class:`~sim.model.params.ModelParams`, a nested dict,
            or ``None`` for the defaults).
        rng: Mesa's ``rng`` argument. An int is the master seed (then the model
            follows replicate 0 of ``simulate_wom(..., seed=rng)``); anything else
            seeds ``self.rng``, from which a master seed is drawn.
        seed: Same as an int ``rng`` (the keyword :func:`mesa.batch_run` passes).
        agents: Create a :class:`Person` agent per node on a Mesa network space.
        **overrides: Parameter overrides as ``section__field=value``
            (e.g. ``community__fee=0.2``), applied on top of ``params``.

    Attributes:
        network: The network (CSR).
        params: The validated parameters.
        master_seed: The master seed of the xoshiro streams.
        datacollector: A DataCollector with one model reporter per metric.
        grid: The Mesa network space (``None`` without agents).

    Examples:
        >>> import networkx as nx
        >>> m = WordOfMouthModel(nx.karate_club_graph(), {"first_pin": {"size": 3}}, seed=1)
        >>> for _ in range(4):
        ...     m.step()
        >>> m.datacollector.get_model_vars_dataframe()["cum_first_pin"].tolist()
        [3, 3, 3, 3, 3]
        >>> m.master_seed, m.network.num_nodes, m.params.first_pin.size, m.metrics["members"]
        (1, 34, 3, 3)
        >>> m.timeseries[["step", "members"]].values.tolist()[-2:]
        [[3, 3], [4, 3]]
        >>> m.people.query("member == 'member'")["node"].tolist()
        [10, 15, 31]
        >>> m.person(10).stage, m.enthusiasm.shape, int((m.stage_codes == 0).sum())
        ('advocate', (34,), 28)
        >>> m.first_pin_ids.tolist(), int(m.members.sum()), m.influencer_ids.tolist()
        ([10, 15, 31], 3, [])
        >>> m.interest_labels[:2], int(m.interest_codes.max()) + 1 == len(m.interest_labels)
        ([], True)

        Overrides as keywords, no agents (faster for large networks):

        >>> m = WordOfMouthModel(nx.karate_club_graph(), seed=1, agents=False,
        ...                      first_pin__size=5, community__fee=0.2)
        >>> m.params.first_pin.size, m.params.community.fee, m.grid is None
        (5, 0.2, True)
    """

    def __init__(
        self,
        network=None,
        params: ModelParams | dict | None = None,
        *,
        rng: Any = None,
        seed: int | None = None,
        agents: bool = True,
        **overrides: Any,
    ) -> None:
        if network is None:
            raise ValidationError("give a network (a sim Network or networkx graph)", key="network")
        if seed is not None and rng is not None:
            raise ValidationError("give either seed or rng, not both", key="seed")
        if seed is not None:
            rng = check_int(seed, "seed", minimum=0)
        elif isinstance(rng, int | np.integer) and not isinstance(rng, bool):
            rng = check_int(int(rng), "rng", minimum=0)
        super().__init__(rng=rng)
        if isinstance(rng, int):
            self.master_seed = rng
        else:
            self.master_seed = int(self.rng.integers(2**63 - 1))
        params = parse_params(params)
        if overrides:
            params = params.with_updates({k.replace("__", "."): v for k, v in overrides.items()})
        self.params: ModelParams = params
        graph = None if isinstance(network, Network) else network
        self.network: Network = as_network(network)
        self._prep: Prepared = prepare(self.network, params, replicates=[0], seed=self.master_seed)
        self._row = np.empty((1, K.NMETRICS), dtype=np.float64)
        self._static = self._prep.kernel_args()
        self._state = self._prep.state_args()
        p = self._prep
        K._init_and_observe(p.prm, p.pins, p.pf, p.pi, p.pb, p.ist, p.fst, self._row)
        self._history = [self._row[0].copy()]
        self.grid = None
        if agents:
            g = graph if graph is not None else to_networkx(self.network)
            self.grid = MesaNetwork(g, layout=None, random=self.random)
            for node, label in enumerate(self.network.labels.tolist()):
                Person(self, node, self.grid[label])
        self.datacollector = mesa.DataCollector(
            model_reporters={name: partial(_metric, name=name) for name in METRICS}
        )
        self.datacollector.collect(self)

    def step(self) -> None:
        """One week: the numba step kernel on the arrays, then the metrics are collected.

        Examples:
            >>> import networkx as nx
            >>> m = WordOfMouthModel(nx.karate_club_graph(), {"first_pin": {"size": 3}},
            ...                      seed=1, agents=False)
            >>> m.step()
            >>> m.steps, len(m.datacollector.get_model_vars_dataframe())
            (1, 2)
        """
        K._step_and_observe(*self._static, *self._state, self._row)
        self._history.append(self._row[0].copy())
        self.datacollector.collect(self)

    @classmethod
    def from_scenario(
        cls,
        scenario,
        arm: str | int | None = None,
        *,
        seed: int | None = None,
        agents: bool = True,
    ) -> WordOfMouthModel:
        """The model of one arm of a ``wom`` scenario, ready to step.

        With the default seed the model follows, week by week, replicate 0 of that arm
        in ``sim.run(scenario)`` (same network, parameters and master seed).

        Args:
            scenario: A :class:`sim.scenario.Scenario`, a TOML file's path or a dict.
            arm: The arm's name or index in ``[[arms]]``; default: the first arm (the
                base scenario when it has no arms).
            seed: Master seed; default: the scenario's ``seed``.
            agents: Create a :class:`Person` agent per node (see the class).

        Returns:
            The model, with ``arm_scenario`` (the arm's resolved scenario) and ``arm``
            (its name) attributes.

        Raises:
            ValidationError: Unknown arm, a model other than ``wom``, or a value that
                fails when the model is built (e.g. a first pin larger than the
                network), with the scenario file's line when the scenario has one.

        Examples:
            >>> m = WordOfMouthModel.from_scenario({"name": "x", "steps": 4,
            ...     "network": {"dataset": "karate"}, "model": {"name": "wom"},
            ...     "first_pin": {"size": 3}}, agents=False)
            >>> m.arm, m.metrics["members"], m.arm_scenario.name
            ('base', 3, 'x')
        """
        from sim.experiments.run import _scenario_context, build_network, wom_params
        from sim.scenario import Scenario, load_scenario

        if not isinstance(scenario, Scenario):
            scenario = load_scenario(scenario)
        arms = scenario.arm_scenarios()
        names = [name for name, _ in arms]
        if arm is None:
            index = 0
        elif isinstance(arm, int) and not isinstance(arm, bool):
            if not 0 <= arm < len(arms):
                raise ValidationError(
                    f"no arm {arm} (the scenario has {len(arms)}, indices from 0)", key="arm"
                )
            index = arm
        elif arm in names:
            index = names.index(arm)
        else:
            raise ValidationError(f"no arm {arm!r} (arms: {', '.join(names)})", key="arm")
        name, sc = arms[index]
        if sc.model.name != "wom":
            raise ValidationError(
                f"arm {name!r} runs model {sc.model.name!r}, not 'wom'", key="model.name"
            )
        with _scenario_context(scenario, index if scenario.arms else None):
            net = build_network(sc.to_dict()["network"], base_dir=sc.base_dir, default_seed=sc.seed)
            model = cls(net, wom_params(sc), seed=sc.seed if seed is None else seed, agents=agents)
        # Not ``model.scenario``: Mesa's Model owns that name (its setter writes back
        # into the object it is given).
        model.arm_scenario = sc
        model.arm = name
        return model

    # ----------------------------------------------------------------- views
    @property
    def metrics(self) -> dict[str, float]:
        """The current value of every metric (names: :data:`sim.model.METRICS`)."""
        return {name: _metric(self, name) for name in METRICS}

    @property
    def timeseries(self):
        """The tidy time series so far (one row per week, the first being week 0), in
        the format of ``WomRun.timeseries``."""
        out = np.stack(self._history)[None, :, :]
        return timeseries_frame(out, self.master_seed)

    @property
    def people(self):
        """Per-person current state (see :func:`sim.model.simulate.people_frame`)."""
        return people_frame(self._prep, 0)

    def person(self, label) -> Person:
        """The agent of node ``label`` (needs ``agents=True``).

        Args:
            label: The user's node label.

        Returns:
            The node's :class:`Person`.

        Raises:
            ValidationError: If the model was built with ``agents=False`` (key
                ``agents``) or ``label`` is not a node (key ``node``).

        Examples:
            >>> import networkx as nx
            >>> g = nx.relabel_nodes(nx.karate_club_graph(), lambda u: f"p{u}")
            >>> m = WordOfMouthModel(g, {"first_pin": {"size": 3}}, seed=1)
            >>> m.person("p10")
            Person('p10', stage=adopter, enthusiasm=0.50)
            >>> m.person("p99")
            Traceback (most recent call last):
            ...
            sim.errors.ValidationError: node: node 'p99' is not in the network (34 nodes)
        """
        if self.grid is None:
            raise ValidationError("the model was built with agents=False", key="agents")
        (i,) = self.network.ids([label], key="node")
        return self.grid[self.network.labels[i]].agents[0]

    @property
    def enthusiasm(self) -> np.ndarray:
        """Everyone's enthusiasm (a view: writes go into the model)."""
        return self._prep.pf[0, K.PF_ENTH]

    @property
    def stage_codes(self) -> np.ndarray:
        """Everyone's stage code (index into ``kernels.STAGES``; read only by convention)."""
        return self._prep.pb[0, K.PB_STAGE]

    @property
    def members(self) -> np.ndarray:
        """``bool`` per person: a member of the community now (a fresh array)."""
        return self._prep.pb[0, K.PB_MEMBER] == K.MEMBER

    @property
    def first_pin_ids(self) -> np.ndarray:
        """Node ids of the first pin (``int32``, empty without a community; a copy)."""
        return np.array(self._prep.pins[0], dtype=np.int32)

    @property
    def influencer_ids(self) -> np.ndarray:
        """Node ids of the paid influencers (``int32``, empty without them; a copy)."""
        return np.array(self._prep.influencers[0], dtype=np.int32)

    @property
    def interest_codes(self) -> np.ndarray:
        """Interest-group code per person (``-1``: none); labels in ``interest_labels``."""
        return self._prep.structure.interest.copy()

    @property
    def interest_labels(self) -> list:
        """The label of each interest code."""
        return list(self._prep.structure.interest_labels)
