"""The scenario a dashboard serves: validated once, its networks built once.

:class:`AppSource` is what ``wom app SCENARIO.toml`` checks before serving: the file
is a valid scenario, the arms to show exist and run the marketing model
(``model.name = "wom"``). It then keeps the networks it builds (one per distinct
``[network]`` table) so that pressing Reset never rebuilds a network or its layout.

Examples:
    >>> src = AppSource.load({"name": "demo", "steps": 8, "model": {"name": "wom"},
    ...     "network": {"dataset": "karate"}, "first_pin": {"size": 3}})
    >>> src.arms, src.first, src.second, src.start["size"]
    (['base'], 'base', None, 3)
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.app.levers import lever_values
from sim.errors import ValidationError

__all__ = ["AppSource", "parse_arms"]


def parse_arms(arms: str | Sequence[str] | None) -> list[str]:
    """Arm names from ``--arms A,B`` (or a list); at most two.

    Examples:
        >>> parse_arms("vendor direct, community")
        ['vendor direct', 'community']
        >>> parse_arms(None)
        []
    """
    if arms is None:
        return []
    names = [a.strip() for a in arms.split(",")] if isinstance(arms, str) else list(arms)
    names = [a for a in names if a]
    if len(names) > 2:
        raise ValidationError(
            f"give one or two arms (A or A,B), got {len(names)}: {', '.join(names)}", key="--arms"
        )
    return names


@dataclass(eq=False)
class AppSource:
    """A validated scenario for the dashboard, with its networks.

    Attributes:
        path: The scenario file (``None`` when given as a dict: tests, notebooks).
        data: The scenario as a dict when not given as a file.
        scenario: The scenario as loaded at start.
        arms: Names of its arms that run the marketing model (``["base"]`` without
            ``[[arms]]``).
        first: The arm shown first.
        second: The arm shown beside it, or ``None``.
        start: Every lever's starting value (read from ``first``).
        max_size: The first-pin slider's maximum.
    """

    path: Path | None
    data: dict | None
    scenario: Any
    arms: list[str]
    first: str
    second: str | None
    start: dict[str, Any]
    max_size: int
    _networks: dict = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def load(
        cls, scenario: str | os.PathLike | Mapping, arms: str | Sequence[str] | None = None
    ) -> AppSource:
        """Validate a scenario and the arms to show; build the first arm's network.

        Args:
            scenario: A scenario file's path (or the scenario as a dict).
            arms: ``"A"`` or ``"A,B"`` (or a list): the arm(s) shown first; default:
                the scenario's first arm alone.

        Returns:
            The source.

        Raises:
            ValidationError: An invalid scenario (file, line, column and key), an
                unknown arm (key ``--arms``), or an arm whose model is not ``wom``.
        """
        from sim.scenario import load_scenario

        sc = load_scenario(scenario)
        named = sc.arm_scenarios()
        names = [name for name, _ in named]
        chosen = parse_arms(arms)
        for name in chosen:
            if name not in names:
                raise ValidationError(
                    f"no arm {name!r} in {sc.name} (arms: {', '.join(names)})", key="--arms"
                )
        wom = [name for name, arm in named if arm.model.name == "wom"]
        if not wom:
            raise ValidationError(
                f"the dashboard shows the marketing model; {sc.name} runs "
                f'{sc.model.name!r} (set model.name = "wom")',
                key="model.name",
            )
        for name in chosen:
            if name not in wom:
                raise ValidationError(
                    f"arm {name!r} does not run the marketing model 'wom'", key="--arms"
                )
        first = chosen[0] if chosen else wom[0]
        second = chosen[1] if len(chosen) > 1 and chosen[1] != first else None
        first_sc = dict(named)[first]
        path = None if isinstance(scenario, Mapping) else Path(scenario)
        src = cls(
            path=path,
            data=dict(scenario) if isinstance(scenario, Mapping) else None,
            scenario=sc,
            arms=wom,
            first=first,
            second=second,
            start=lever_values(first_sc),
            max_size=0,
        )
        net = src.network(first_sc)
        src.max_size = int(min(net.num_nodes, max(100, 3 * first_sc.first_pin.size)))
        return src

    def load_scenario(self, overrides: Mapping[str, Any] | None = None):
        """The scenario again, with overrides (the file is re-read: edits show on Reset)."""
        from sim.scenario import load_scenario

        return load_scenario(self.path if self.path is not None else self.data, overrides=overrides)

    def network(self, arm):
        """The network of one arm's scenario, built once per distinct ``[network]``."""
        from sim.experiments.run import build_network

        spec = arm.to_dict()["network"]
        seeded = "generator" in spec and spec.get("seed") is None
        key = json.dumps([spec, str(arm.base_dir), arm.seed if seeded else None], default=str)
        with self._lock:
            if key not in self._networks:
                self._networks[key] = build_network(
                    spec, base_dir=arm.base_dir, default_seed=arm.seed
                )
            return self._networks[key]
