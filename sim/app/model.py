"""The dashboard's Mesa model: one or two arms of a scenario, stepped together.

:class:`DashboardModel` is what Mesa's SolaraViz steps, plays and resets. It takes
the levers as keywords (Mesa rebuilds it with the controls' values on Reset), turns
the moved ones into overrides of the scenario (:func:`sim.app.levers.lever_overrides`),
and runs one :class:`~sim.model.wom.WordOfMouthModel` per arm shown, every arm with
the scenario's master seed: the side-by-side arms draw the same people, the same
first pin (when the strategy is random) and the same random numbers, as ``wom run``
does for replicate 0 of each arm. Each arm stops at its own horizon (``steps``).

A lever value the scenario refuses (a cap below the first pin, a budget that is not
a number) does not raise: the model keeps no arms, stops, and says what is wrong in
:attr:`DashboardModel.problem`, which the page shows until the lever is fixed and
Reset is pressed.

Examples:
    >>> from sim.app.source import AppSource
    >>> src = AppSource.load({"name": "demo", "steps": 8, "model": {"name": "wom"},
    ...     "network": {"dataset": "karate"}, "first_pin": {"size": 3}})
    >>> m = DashboardModel(source=src, size=5)
    >>> m.step(); m.step()
    >>> [(r.name, r.model.steps, r.metrics["cum_first_pin"]) for r in m.runs]
    [('base', 2, 5)]
    >>> DashboardModel(source=src, cap="2").problem
    'Membership cap (blank: none): must be >= first_pin.size (3), got 2'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import mesa
import numpy as np

from sim.app.levers import LEVERS, NO_COMPARISON, lever_for_key, lever_overrides
from sim.app.network_view import NetworkView, network_view
from sim.app.source import AppSource
from sim.errors import SimError, ValidationError

__all__ = ["ArmRun", "DashboardModel"]


@dataclass(eq=False)
class ArmRun:
    """One arm on the dashboard.

    Attributes:
        name: The arm's name.
        model: Its :class:`~sim.model.wom.WordOfMouthModel` (one replicate).
        horizon: Weeks it runs (the arm's ``steps``).
        view: What is drawn of its network.
        budget: Its total budget (``budget.total``), or ``None``.
    """

    name: str
    model: Any
    horizon: int
    view: NetworkView
    budget: float | None

    @property
    def done(self) -> bool:
        """Whether the arm reached its horizon."""
        return self.model.steps >= self.horizon

    @property
    def metrics(self) -> dict[str, float]:
        """Every metric of the current week."""
        return self.model.metrics

    def frame(self):
        """The metrics of every week so far (Mesa's DataCollector), one row per week."""
        return self.model.datacollector.get_model_vars_dataframe()


def _problem(exc: ValidationError) -> str:
    """A lever's problem in the page's terms (its label), else the error as it reads."""
    lever = lever_for_key(exc.key)
    if lever is not None:
        return f"{lever.label}: {exc.message}"
    if exc.file == "--set":
        return f"{exc.key}: {exc.message}" if exc.key else exc.message
    return str(exc)


class DashboardModel(mesa.Model):
    """One or two arms of a scenario with the levers applied, stepped together.

    Args:
        source: The scenario (an :class:`~sim.app.source.AppSource`, or a path
            or dict it loads).
        arm: The arm shown (default: the source's first).
        compare: The arm shown beside it, ``"(none)"`` for none (default: the
            source's second arm when ``arm`` is not given either).
        strategy: First-pin strategy (``first_pin.strategy``).
        size: First-pin size (``first_pin.size``).
        cap: Membership cap (``community.cap``; blank: none).
        fee: Meetup fee (``community.fee``).
        budget_total: Total budget (``budget.total``; blank: unlimited).
        budget_vendor: Vendor budget (``budget.vendor``).
        budget_influencer: Influencer budget (``budget.influencer``).
        budget_community: Community budget (``budget.community``).
        seed: The master seed (default: the scenario's).

    Attributes:
        runs: The arms shown (:class:`ArmRun`), none when there is a problem.
        problem: What is wrong with the levers, or ``None``.
        seed: The master seed in use.
        overrides: The scenario overrides the moved levers made.

    Examples:
        >>> m = DashboardModel(source="scenarios/sell_to_vs_sell_through.toml",
        ...                    arm="community", compare="vendor direct", size=12)
        >>> [run.name for run in m.runs], m.levers_moved, m.seed
        (['community', 'vendor direct'], ['size'], 1)
        >>> m.step()
        >>> m.week, m.running
        (1, True)
    """

    def __init__(
        self,
        source: AppSource | Any = None,
        arm: str | None = None,
        compare: str | None = None,
        strategy: str | None = None,
        size: int | None = None,
        cap: str | int | None = None,
        fee: float | None = None,
        budget_total: str | float | None = None,
        budget_vendor: str | float | None = None,
        budget_influencer: str | float | None = None,
        budget_community: str | float | None = None,
        seed: str | int | None = None,
    ) -> None:
        if source is None:
            raise ValidationError("give the scenario to show", key="source")
        if not isinstance(source, AppSource):
            source = AppSource.load(source)
        try:
            master = int(source.scenario.seed if seed is None else LEVERS["seed"].parse(seed))
        except ValidationError:
            master = int(source.scenario.seed)
        super().__init__(rng=master)
        self.source = source
        levers = {
            "strategy": strategy,
            "size": size,
            "cap": cap,
            "fee": fee,
            "budget_total": budget_total,
            "budget_vendor": budget_vendor,
            "budget_influencer": budget_influencer,
            "budget_community": budget_community,
            "seed": seed,
        }
        self.levers = {k: v for k, v in levers.items() if v is not None}
        first = arm or source.first
        if compare is None:
            second = source.second if arm is None else None
        else:
            second = None if compare in (NO_COMPARISON, first) else compare
        self.shown = [first] if second is None else [first, second]
        self.runs: list[ArmRun] = []
        self.problem: str | None = None
        self.overrides: dict[str, Any] = {}
        self.seed = master
        try:
            self._build()
        except ValidationError as exc:
            self.problem = _problem(exc)
            self.runs = []
        except SimError as exc:
            self.problem = str(exc)
            self.runs = []
        self.running = any(not run.done for run in self.runs)

    def _build(self) -> None:
        from sim.experiments.run import _scenario_context, wom_params
        from sim.model.wom import WordOfMouthModel

        src = self.source
        for name in self.shown:
            if name not in src.arms:
                raise ValidationError(
                    f"no arm {name!r} running the marketing model (arms: {', '.join(src.arms)})",
                    key="arm",
                )
        base = src.scenario
        names = [name for name, _ in base.arm_scenarios()]
        indices = [names.index(name) for name in self.shown] if base.arms else None
        self.overrides = lever_overrides(self.levers, src.start, indices)
        scenario = src.load_scenario(self.overrides)
        arms = dict(scenario.arm_scenarios())
        self.seed = int(scenario.seed)
        for name in self.shown:
            sc = arms[name]
            index = names.index(name) if scenario.arms else None
            with _scenario_context(scenario, index):
                net = src.network(sc)
                model = WordOfMouthModel(net, wom_params(sc), seed=self.seed, agents=False)
            interest = model.interest_codes
            groups = interest if (interest >= 0).any() else None
            self.runs.append(
                ArmRun(
                    name=name,
                    model=model,
                    horizon=int(sc.steps),
                    view=network_view(net, groups, seed=0),
                    budget=sc.budget.total,
                )
            )

    def step(self) -> None:
        """One week in every arm that has not reached its horizon."""
        for run in self.runs:
            if not run.done:
                run.model.step()
        self.running = any(not run.done for run in self.runs)

    @property
    def levers_moved(self) -> list[str]:
        """Names of the levers moved away from where they started."""
        start = self.source.start
        moved = []
        for name, value in self.levers.items():
            try:
                if LEVERS[name].parse(value) != LEVERS[name].parse(start[name]):
                    moved.append(name)
            except ValidationError:
                moved.append(name)
        return moved

    @property
    def week(self) -> int:
        """Weeks run so far (the longest of the arms)."""
        return max((run.model.steps for run in self.runs), default=0)

    def snapshot(self) -> dict[str, np.ndarray]:
        """Every arm's funnel stage code per person (for tests and inspection)."""
        return {run.name: run.model.stage_codes.copy() for run in self.runs}
