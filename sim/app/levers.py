"""The dashboard's levers: which scenario keys a strategist can move, and how.

Each :class:`Lever` is one control of the page (a slider, a list or a text box) tied
to one scenario key (``first_pin.size``, ``community.cap``, ``budget.vendor``...).
The levers start at the values of the first arm shown. When the model is (re)built,
only the levers moved away from their starting value become ``--set``-style
overrides (:func:`lever_overrides`), applied to every arm shown: a lever left alone
keeps each arm's own value, so two arms compared side by side stay as the scenario
writes them until a lever is moved.

The first-pin strategies offered are read from the model's parameter schema, so a
new strategy appears in the list without touching the dashboard.

Examples:
    >>> lever = LEVERS["cap"]
    >>> lever.key, lever.parse("120"), lever.parse("")
    ('community.cap', 120, None)
    >>> lever_overrides({"size": 10, "fee": 0.0}, {"size": 20, "fee": 0.0}, [2])
    {'arms[2].first_pin.size': 10}
"""

from __future__ import annotations

import math
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sim.errors import ValidationError

__all__ = [
    "ARM_LEVERS",
    "LEVERS",
    "NO_COMPARISON",
    "Lever",
    "first_pin_strategies",
    "lever_for_key",
    "lever_overrides",
    "lever_values",
    "model_params",
]

#: The "compare with" choice that shows one arm only.
NO_COMPARISON = "(none)"


def first_pin_strategies() -> list[str]:
    """The first-pin strategies the model accepts, in the schema's order.

    Examples:
        >>> {"enthusiasm", "degree", "random"} <= set(first_pin_strategies())
        True
    """
    from sim.model.params import FirstPinParams

    annotation = FirstPinParams.model_fields["strategy"].annotation
    names = list(typing.get_args(annotation))
    if names:
        return [str(n) for n in names]
    from sim.strategies import STRATEGIES  # pragma: no cover - a plain str field

    return sorted(STRATEGIES)  # pragma: no cover


@dataclass(frozen=True)
class Lever:
    """One control of the dashboard.

    Attributes:
        name: Keyword of :class:`sim.app.model.DashboardModel`.
        key: The scenario key it sets (dotted, inside an arm's tables; ``seed`` is
            the scenario's master seed).
        label: What the page calls it.
        kind: ``"select"``, ``"int"`` (slider), ``"float"`` (slider), ``"number"``
            (text box, blank means none/unlimited) or ``"seed"`` (text box, an
            integer >= 0).
    """

    name: str
    key: str
    label: str
    kind: Literal["select", "int", "float", "number", "seed"]

    def parse(self, value: Any) -> Any:
        """The scenario value of a control's value (text boxes read as numbers).

        Raises:
            ValidationError: Naming the lever's label, for text that is not a number.

        Examples:
            >>> LEVERS["budget_vendor"].parse(" 1,500 ")
            1500.0
            >>> LEVERS["seed"].parse("x")
            Traceback (most recent call last):
            ...
            sim.errors.ValidationError: Seed: must be a whole number >= 0, got 'x'
        """
        if self.kind in ("select", "int", "float"):
            return value
        text = "" if value is None else str(value).strip().replace(",", "").replace("_", "")
        if self.kind == "seed":
            if not text.isdigit():
                raise ValidationError(f"must be a whole number >= 0, got {value!r}", key=self.label)
            return int(text)
        if text == "" or text.lower() in ("none", "unlimited", "no cap"):
            return None
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise ValidationError(
                f"must be a number or blank, got {value!r}", key=self.label
            ) from None
        if self.key == "community.cap":
            if number != int(number):
                raise ValidationError(f"must be a whole number, got {value!r}", key=self.label)
            return int(number)
        return number

    def show(self, value: Any) -> Any:
        """A scenario value as the control shows it (``None`` as a blank box).

        Examples:
            >>> LEVERS["budget_total"].show(2600.0), LEVERS["cap"].show(None)
            ('2600', '')
        """
        if self.kind in ("select", "int", "float"):
            return value
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)


#: The controls choosing which arms are shown (not scenario keys).
ARM_LEVERS = ("arm", "compare")

#: Every scenario lever, in the order of the page.
LEVERS: dict[str, Lever] = {
    lever.name: lever
    for lever in (
        Lever("strategy", "first_pin.strategy", "First-pin strategy", "select"),
        Lever("size", "first_pin.size", "First-pin size (people)", "int"),
        Lever("cap", "community.cap", "Membership cap (blank: none)", "number"),
        Lever("fee", "community.fee", "Meetup fee (enthusiasm, 0-1)", "float"),
        Lever("budget_total", "budget.total", "Total budget (blank: unlimited)", "number"),
        Lever("budget_vendor", "budget.vendor", "Vendor budget (blank: unlimited)", "number"),
        Lever(
            "budget_influencer",
            "budget.influencer",
            "Influencer budget (blank: unlimited)",
            "number",
        ),
        Lever(
            "budget_community",
            "budget.community",
            "Community budget (blank: unlimited)",
            "number",
        ),
        Lever("seed", "seed", "Seed", "seed"),
    )
}


def lever_for_key(key: str | None) -> Lever | None:
    """The lever setting a scenario key (``arms[2].community.cap`` included), or ``None``.

    Examples:
        >>> lever_for_key("arms[2].community.cap").label
        'Membership cap (blank: none)'
        >>> lever_for_key("network.dataset") is None
        True
    """
    if not key:
        return None
    if key.startswith("arms["):
        key = key.split("].", 1)[-1]
    for lever in LEVERS.values():
        if lever.key == key:
            return lever
    return None


def _get(scenario, dotted: str) -> Any:
    value = scenario
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


def lever_values(scenario) -> dict[str, Any]:
    """Every lever's value as a control shows it, read from one arm's scenario.

    Args:
        scenario: A resolved :class:`sim.scenario.Scenario` (one arm's).

    Returns:
        ``{lever name: value}``.

    Examples:
        >>> from sim.scenario import load_scenario
        >>> sc = load_scenario({"name": "x", "steps": 4, "model": {"name": "wom"},
        ...     "network": {"dataset": "karate"}, "budget": {"total": 500.0}})
        >>> values = lever_values(sc)
        >>> values["size"], values["budget_total"], values["cap"], values["seed"]
        (20, '500', '', '1')
    """
    return {name: lever.show(_get(scenario, lever.key)) for name, lever in LEVERS.items()}


def lever_overrides(
    values: Mapping[str, Any], start: Mapping[str, Any], arm_indices: Iterable[int] | None
) -> dict[str, Any]:
    """Overrides for the levers moved away from where they started.

    Args:
        values: The controls' values (``{lever name: value}``).
        start: Their starting values.
        arm_indices: The ``[[arms]]`` indices to set them in, or ``None`` for a
            scenario without arms.

    Returns:
        ``{scenario key: value}`` for :func:`sim.scenario.load_scenario`'s
        ``overrides`` (the seed at the top level, the rest in each arm).

    Raises:
        ValidationError: For a text box that does not hold a number.
    """
    out: dict[str, Any] = {}
    indices = list(arm_indices) if arm_indices is not None else None
    for name, lever in LEVERS.items():
        if name not in values:
            continue
        value = lever.parse(values[name])
        if name in start and value == lever.parse(start[name]):
            continue
        if lever.key == "seed" or indices is None:
            out[lever.key] = value
        else:
            for i in indices:
                out[f"arms[{i}].{lever.key}"] = value
    return out


def model_params(
    arms: list[str], first: str, second: str | None, start: Mapping[str, Any], max_size: int
) -> dict[str, dict[str, Any]]:
    """The levers as Mesa's ``model_params`` (the controls SolaraViz draws).

    Args:
        arms: The scenario's arm names.
        first: The arm shown first.
        second: The arm compared with it, or ``None``.
        start: Every lever's starting value (:func:`lever_values` of ``first``).
        max_size: The first-pin slider's maximum.

    Returns:
        ``{name: control}`` in page order, arm choices first.

    Examples:
        >>> start = {"strategy": "degree", "size": 5, "cap": "", "fee": 0.0,
        ...     "budget_total": "", "budget_vendor": "", "budget_influencer": "",
        ...     "budget_community": "", "seed": "1"}
        >>> params = model_params(["a", "b"], "a", None, start, max_size=50)
        >>> list(params)[:4], params["size"]["type"], params["compare"]["value"]
        (['arm', 'compare', 'strategy', 'size'], 'SliderInt', '(none)')
    """
    params: dict[str, dict[str, Any]] = {
        "arm": {"type": "Select", "label": "Arm", "value": first, "values": list(arms)},
        "compare": {
            "type": "Select",
            "label": "Compare with (same seed)",
            "value": second or NO_COMPARISON,
            "values": [NO_COMPARISON, *arms],
        },
    }
    for name, lever in LEVERS.items():
        value = start[name]
        if lever.kind == "select":
            choices = first_pin_strategies()
            if value not in choices:
                choices.append(value)
            control = {"type": "Select", "values": choices}
        elif lever.kind == "int":
            control = {
                "type": "SliderInt",
                "min": 0,
                "max": max(int(max_size), int(value)),
                "step": 1,
            }
        elif lever.kind == "float":
            control = {"type": "SliderFloat", "min": 0.0, "max": 1.0, "step": 0.05}
        else:
            control = {"type": "InputText"}
        params[name] = {**control, "label": lever.label, "value": value}
    return params
