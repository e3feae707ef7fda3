"""Calibration targets: what the model must reproduce, read from TOML, CSV or Python.

Two forms, alone or together:

* **aggregate targets**, the published figures of a community (a ``[targets]``
  table in a small TOML file, or a dict):

  .. code-block:: toml

      [targets]
      community_members = {at = 364, value = 3600}   # a value at a step
      meetups_held = {at = 364, value = 71}
      newcomer_share = {range = [0.4, 0.6]}          # a range, over the whole run

  ``at`` is a step (week, for ``wom``); without it the target is a statistic of the
  whole run, ``stat`` = ``mean`` (default), ``final``, ``max`` or ``min``. ``mean``
  averages the steps where the output is defined; for the meetup measures
  (:data:`MEETUP_OUTPUTS`) that is the weeks a meetup was held. Several targets on
  one output are a list of inline tables.

* **an observed series** (CSV): a ``step`` column, or a ``date`` column (ISO dates,
  ``2016-11-01``), and one column per output to match. A date becomes the step
  ``round((date - start) / step_days)``: ``start`` is the first date unless a
  targets TOML says otherwise (``[series] start = 2016-11-01``), ``step_days`` is
  the scenario's step length (7 for ``wom``, one step a week; other models have no
  calendar, so ``[series] step_days`` is required).

Every target has a ``weight`` (default 1) and a ``scale``, its own magnitude
(default: ``|value|``; ``|midpoint|`` of a range; the mean of ``|observed|`` of a
series), so that errors are relative and targets of different units add up (see
:mod:`sim.calibration.distance`).

Valid output names are the columns of the model's ``Results.timeseries`` plus the
derived outputs of :data:`DERIVED_OUTPUTS` (for ``wom``: ``community_members``, the
people who ever joined, as a Meetup group counts its members).

Examples:
    >>> t = load_targets({"targets": {"meetups_held": {"at": 364, "value": 71}}})
    >>> [(x.label, x.kind, x.at, x.value, x.scale) for x in t]
    [('meetups_held@364', 'value', 364, 71.0, 71.0)]
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import math
import os
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import DataFileError, ValidationError

__all__ = [
    "DERIVED_OUTPUTS",
    "MEETUP_OUTPUTS",
    "STATS",
    "Target",
    "Targets",
    "add_derived",
    "load_targets",
    "model_outputs",
    "scenario_targets",
]

#: Outputs computed here from the model's time series (name: meaning).
DERIVED_OUTPUTS: dict[str, str] = {
    "community_members": "people who ever joined the community: the first pin plus every "
    "join so far, churned members included (a Meetup group's member count)",
}
#: Outputs measured at a meetup: their ``mean`` is over the weeks a meetup was held.
MEETUP_OUTPUTS = frozenset(
    {
        "attendance",
        "newcomers",
        "newcomer_share",
        "heat",
        "cohesion",
        "attendee_enthusiasm",
        "outward_posts",
        "outward_reach",
    }
)
#: Statistics of a whole run, for an aggregate target without ``at``.
STATS = ("mean", "final", "max", "min")
_ID_COLUMNS = ("arm", "replicate", "seed", "step", "point", "run_id")
_TARGET_KEYS = {"at", "value", "range", "stat", "weight", "scale"}
_SERIES_KEYS = {"file", "start", "step_days", "weight", "weights"}
_TOP_KEYS = {"targets", "series", "fit"}


@dataclass(frozen=True)
class Target:
    """One thing the model must reproduce.

    Attributes:
        output: The model output (a time-series column or a derived output).
        kind: ``"value"`` (a number), ``"range"`` (inside ``[low, high]``) or
            ``"series"`` (a curve).
        at: The step of a value or range target (``None``: ``stat`` over the run).
        stat: For a target without ``at``: ``mean``, ``final``, ``max`` or ``min``.
        value: The number of a value target.
        low: Lower end of a range target.
        high: Upper end of a range target.
        steps: The observed steps of a series.
        values: The observed values of a series.
        weight: Its weight in the distance (> 0).
        scale: Its magnitude (> 0): errors are divided by it.
        origin: Where it was given (``file:line``), for messages.

    Examples:
        Usually read by :func:`load_targets`; made directly, give the ``scale`` too:

        >>> t = Target("newcomer_share", "range", stat="mean", low=0.4, high=0.6, scale=0.5)
        >>> t.label, t.describe()
        ('newcomer_share:mean', 'in [0.4, 0.6], mean over meetups')
    """

    output: str
    kind: str
    at: int | None = None
    stat: str | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None
    steps: tuple[int, ...] = ()
    values: tuple[float, ...] = ()
    weight: float = 1.0
    scale: float = 1.0
    origin: str = field(default="", compare=False)

    @property
    def label(self) -> str:
        """A unique name: ``output@step``, ``output:stat`` or ``output:series``."""
        if self.kind == "series":
            return f"{self.output}:series"
        if self.at is not None:
            return f"{self.output}@{self.at}"
        return f"{self.output}:{self.stat}"

    def describe(self) -> str:
        """The target in words (for reports).

        Returns:
            E.g. ``"71 at step 364"``, ``"in [0.4, 0.6], mean over meetups"``.

        Examples:
            >>> Target("meetups_held", "value", at=364, value=71.0, scale=71.0).describe()
            '71 at step 364'
        """
        if self.kind == "series":
            return (
                f"observed curve, {len(self.steps)} points (steps {self.steps[0]}-{self.steps[-1]})"
            )
        what = f"{self.value:,.4g}" if self.kind == "value" else f"in [{self.low:g}, {self.high:g}]"
        if self.at is not None:
            return f"{what} at step {self.at}"
        over = "over meetups" if self.output in MEETUP_OUTPUTS else "over the run"
        return f"{what}, {self.stat} {over}" if self.stat != "final" else f"{what} at the end"

    def to_dict(self) -> dict[str, Any]:
        """The target as plain data (for the calibration manifest).

        Returns:
            A JSON-ready dict.

        Examples:
            >>> Target("meetups_held", "value", at=364, value=71.0, scale=71.0).to_dict()
            {'label': 'meetups_held@364', 'output': 'meetups_held', 'kind': 'value', 'at': 364, 'value': 71.0, 'weight': 1.0, 'scale': 71.0}
        """
        out: dict[str, Any] = {"label": self.label, "output": self.output, "kind": self.kind}
        for name in ("at", "stat", "value", "low", "high"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        if self.kind == "series":
            out["steps"] = list(self.steps)
            out["values"] = list(self.values)
        out["weight"] = self.weight
        out["scale"] = self.scale
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Target:
        """The inverse of :meth:`to_dict`.

        Args:
            data: A dict from :meth:`to_dict`.

        Returns:
            The target.

        Examples:
            >>> t = Target("meetups_held", "value", at=364, value=71.0, scale=71.0)
            >>> Target.from_dict(t.to_dict()) == t
            True
        """
        kw = {k: v for k, v in data.items() if k != "label"}
        kw["steps"] = tuple(int(s) for s in kw.get("steps", ()))
        kw["values"] = tuple(float(v) for v in kw.get("values", ()))
        return cls(**kw)


@dataclass
class Targets:
    """The targets of a calibration, and the fit ranges a targets file may hold.

    Attributes:
        items: The targets, in the order given.
        fit: Fit ranges from a ``[fit]`` table: ``{key: (low, high, log)}``.
        fit_origin: Where each fit range was written (``file:line``).

    Examples:
        >>> tg = load_targets({"targets": {"meetups_held": {"at": 364, "value": 71},
        ...                                "newcomer_share": {"range": [0.4, 0.6]}},
        ...                    "fit": {"community.lift": [0.05, 0.8]}})
        >>> len(tg), [t.label for t in tg], tg.outputs
        (2, ['meetups_held@364', 'newcomer_share:mean'], ['meetups_held', 'newcomer_share'])
        >>> tg.fit
        {'community.lift': (0.05, 0.8, False)}
    """

    items: list[Target] = field(default_factory=list)
    fit: dict[str, tuple[float, float, bool]] = field(default_factory=dict)
    fit_origin: dict[str, tuple[str, int | None]] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Target]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def outputs(self) -> list[str]:
        """The outputs the targets read, without repeats."""
        return list(dict.fromkeys(t.output for t in self.items))

    def merge(self, other: Targets) -> Targets:
        """These targets and ``other``'s (a repeated target is an error).

        Args:
            other: More targets.

        Returns:
            A new :class:`Targets`.

        Raises:
            ValidationError: If a label appears in both.

        Examples:
            >>> a = load_targets({"targets": {"meetups_held": {"at": 364, "value": 71}}})
            >>> b = load_targets({"targets": {"newcomer_share": {"range": [0.4, 0.6]}}})
            >>> [t.label for t in a.merge(b)]
            ['meetups_held@364', 'newcomer_share:mean']
            >>> a.merge(a)
            Traceback (most recent call last):
            ...
            sim.errors.ValidationError: meetups_held@364: given twice
        """
        seen = {t.label: t for t in self.items}
        for t in other.items:
            if t.label in seen:
                a, b = seen[t.label].origin, t.origin
                where = f" ({a} and {b})" if a or b else ""
                raise ValidationError(f"given twice{where}", key=t.label)
        fit = {**self.fit, **other.fit}
        return Targets([*self.items, *other.items], fit, {**self.fit_origin, **other.fit_origin})

    def with_weights(self, weights: Mapping[str, float]) -> Targets:
        """The same targets with new weights, by label or by output (all its targets).

        Args:
            weights: ``{"meetups_held": 2.0}`` or ``{"meetups_held@364": 2.0}``.

        Returns:
            A new :class:`Targets`.

        Raises:
            ValidationError: A name that is no target's label or output, or a weight
                that is not a number > 0.

        Examples:
            >>> tg = load_targets({"targets": {"meetups_held": {"at": 364, "value": 71},
            ...                                "newcomer_share": {"range": [0.4, 0.6]}}})
            >>> [t.weight for t in tg.with_weights({"meetups_held": 2})]
            [2.0, 1.0]
            >>> tg.with_weights({"members": 2})
            Traceback (most recent call last):
            ...
            sim.errors.ValidationError: --weight: members: no such target (targets: meetups_held@364, newcomer_share:mean, meetups_held, newcomer_share)
        """
        items = list(self.items)
        for name, w in weights.items():
            w = _positive(w, f"weight of {name}", "--weight")
            hit = [i for i, t in enumerate(items) if name in (t.label, t.output)]
            if not hit:
                valid = ", ".join(dict.fromkeys([t.label for t in items] + self.outputs))
                raise ValidationError(
                    f"no such target (targets: {valid})", key=str(name), file="--weight"
                )
            for i in hit:
                items[i] = replace(items[i], weight=w)
        return Targets(items, dict(self.fit), dict(self.fit_origin))

    def check(self, valid: Sequence[str], steps: int | None, model: str) -> None:
        """Check every target against the model's outputs and horizon.

        Args:
            valid: The valid output names (:func:`model_outputs`).
            steps: The scenario's horizon (``None``: unknown, not checked).
            model: The model's name, for messages.

        Raises:
            ValidationError: An output the model does not have (listing the valid
                names), or a step beyond the horizon; no targets at all.

        Examples:
            >>> tg = load_targets({"targets": {"meetups_held": {"at": 364, "value": 71}}})
            >>> tg.check(["meetups_held", "attendance"], 400, "wom")  # fine: no error
            >>> tg.check(["meetups_held", "attendance"], 100, "wom")
            Traceback (most recent call last):
            ...
            sim.errors.ValidationError: meetups_held@364: step 364 is beyond the scenario's horizon (steps = 100)
        """
        if not self.items:
            raise ValidationError(
                "no targets: give --targets FILE (a TOML [targets] table or a CSV series)",
                key="--targets",
            )
        for t in self.items:
            file, line = _split_origin(t.origin)
            if t.output not in valid:
                raise ValidationError(
                    f"not an output of model '{model}' (valid: {', '.join(valid)})",
                    key=t.output,
                    file=file,
                    line=line,
                )
            if steps is None:
                continue
            late = [s for s in ((t.at,) if t.at is not None else t.steps) if s > steps]
            if late:
                raise ValidationError(
                    f"step {late[0]} is beyond the scenario's horizon (steps = {steps})",
                    key=t.label,
                    file=file,
                    line=line,
                )


def _split_origin(origin: str) -> tuple[str | None, int | None]:
    if not origin:
        return None, None
    head, sep, tail = origin.rpartition(":")
    if sep and tail.isdigit():
        return head, int(tail)
    return origin, None


def _positive(value: Any, what: str, file: str | None, line: int | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValidationError(
            f"must be a number > 0, got {value!r}", key=what, file=file, line=line
        )
    if not math.isfinite(value):
        raise ValidationError(f"must be finite, got {value!r}", key=what, file=file, line=line)
    return float(value)


def _number(value: Any, what: str, file: str | None, line: int | None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(
            f"must be a finite number, got {value!r}", key=what, file=file, line=line
        )
    return float(value)


# --------------------------------------------------------------------------- outputs
def model_outputs(timeseries: pd.DataFrame) -> list[str]:
    """The output names a target may use, given a run's time series.

    Args:
        timeseries: ``Results.timeseries`` of the model (one run is enough).

    Returns:
        The numeric columns (ids such as ``step`` excluded), then the derived
        outputs the columns allow.

    Examples:
        >>> import sim
        >>> ts = sim.run({"name": "b", "steps": 3, "replicates": 1, "model": {"name":
        ...     "bass_mean_field", "p": 0.1, "q": 0.3, "n": 100}}).timeseries
        >>> model_outputs(ts)
        ['non_adopter', 'adopter', 'cumulative_adopted', 'new_adopted']
    """
    cols = [
        c
        for c in timeseries.columns
        if c not in _ID_COLUMNS and pd.api.types.is_numeric_dtype(timeseries[c])
    ]
    if {"members", "joins"} <= set(cols):
        cols.append("community_members")
    return cols


def add_derived(timeseries: pd.DataFrame, outputs: Sequence[str] | None = None) -> pd.DataFrame:
    """Add the derived outputs (:data:`DERIVED_OUTPUTS`) a time series allows.

    Args:
        timeseries: Rows of one arm: ``replicate``, ``step`` and the model's columns.
        outputs: Only these (default: every derived output possible).

    Returns:
        The frame with the derived columns (a copy if any was added).

    Examples:
        >>> ts = pd.DataFrame({"replicate": [0, 0, 0], "step": [0, 1, 2],
        ...                    "members": [20, 22, 21], "joins": [0, 2, 1]})
        >>> add_derived(ts)["community_members"].tolist()
        [20, 22, 23]
    """
    want = [o for o in (outputs or DERIVED_OUTPUTS) if o in DERIVED_OUTPUTS]
    if "community_members" in want and {"members", "joins"} <= set(timeseries.columns):
        ts = timeseries.sort_values(["replicate", "step"], kind="stable")
        first = ts.groupby("replicate", sort=False)["members"].transform("first")
        joined = ts.groupby("replicate", sort=False)["joins"].cumsum()
        # members after step 0 already count step 0's joins
        at_start = ts.groupby("replicate", sort=False)["joins"].transform("first")
        ts = ts.copy()
        ts["community_members"] = (first + joined - at_start).astype(np.int64)
        return ts
    return timeseries


# --------------------------------------------------------------------------- reading
def _read_text(path: Path, label: str) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataFileError("targets file not found", file=label, key="--targets") from None
    except IsADirectoryError:
        raise DataFileError("is a folder, not a targets file", file=label) from None
    except OSError as exc:
        raise DataFileError(f"cannot read: {exc.strerror or exc}", file=label) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataFileError("not UTF-8 text", file=label, line=line) from None


def _aggregate(output: str, spec: Any, file: str | None, line: int | None, where: str) -> Target:
    if not isinstance(spec, Mapping):
        raise ValidationError(
            "expected a table such as {at = 364, value = 3600} or {range = [0.4, 0.6]}",
            key=output,
            file=file,
            line=line,
        )
    unknown = set(spec) - _TARGET_KEYS
    if unknown:
        raise ValidationError(
            f"unknown key {sorted(unknown)[0]!r} (valid: {', '.join(sorted(_TARGET_KEYS))})",
            key=output,
            file=file,
            line=line,
        )
    if ("value" in spec) == ("range" in spec):
        raise ValidationError(
            "give either value = NUMBER or range = [LOW, HIGH]", key=output, file=file, line=line
        )
    at = spec.get("at")
    if at is not None and (isinstance(at, bool) or not isinstance(at, int) or at < 0):
        raise ValidationError(
            f"at must be a step (an integer >= 0), got {at!r}", key=output, file=file, line=line
        )
    stat = spec.get("stat")
    if stat is not None and at is not None:
        raise ValidationError(
            "give at (a step) or stat (over the run), not both", key=output, file=file, line=line
        )
    if at is None:
        stat = "mean" if stat is None else stat
        if stat not in STATS:
            raise ValidationError(
                f"stat must be one of {', '.join(STATS)}, got {stat!r}",
                key=output,
                file=file,
                line=line,
            )
    weight = _positive(spec.get("weight", 1.0), f"{output}.weight", file, line)
    if "value" in spec:
        value = _number(spec["value"], f"{output}.value", file, line)
        scale = spec.get("scale", abs(value))
        kind, low, high = "value", None, None
    else:
        rng = spec["range"]
        if not isinstance(rng, list) or len(rng) != 2:
            raise ValidationError(
                f"range must be [LOW, HIGH], got {rng!r}", key=output, file=file, line=line
            )
        low = _number(rng[0], f"{output}.range", file, line)
        high = _number(rng[1], f"{output}.range", file, line)
        if low > high:
            raise ValidationError(
                f"range reversed: {low:g} > {high:g} (write [{high:g}, {low:g}])",
                key=output,
                file=file,
                line=line,
            )
        scale = spec.get("scale", abs(low + high) / 2)
        kind, value = "range", None
    if "scale" not in spec and not scale > 0:
        raise ValidationError(
            "the target is 0, so it has no magnitude to scale errors by: give scale = "
            "a typical size of this output",
            key=output,
            file=file,
            line=line,
        )
    scale = _positive(scale, f"{output}.scale", file, line)
    return Target(
        output=output,
        kind=kind,
        at=at,
        stat=stat,
        value=value,
        low=low,
        high=high,
        weight=weight,
        scale=scale,
        origin=where,
    )


def scenario_targets(path: str | os.PathLike[str]) -> Targets:
    r"""The ``[targets]`` table of a scenario file, with file and line in every error.

    Args:
        path: The scenario TOML file.

    Returns:
        The targets (empty when the scenario has no ``[targets]`` table).

    Raises:
        ValidationError: A malformed target (naming the scenario file and line).

    Examples:
        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "s.toml"
        >>> _ = f.write_text('name = "x"\n[targets]\nadopter = {at = 10, value = 50}\n')
        >>> [t.label for t in scenario_targets(f)]
        ['adopter@10']
    """
    label = os.fspath(path)
    return _read_toml(Path(label), label, None, only=("targets",))


def _read_toml(
    path: Path, label: str, step_days: float | None, *, only: tuple[str, ...] | None = None
) -> Targets:
    from sim.scenario.positions import find_positions, locate, syntax_error_position

    text = _read_text(path, label)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message, line, col = syntax_error_position(exc, text)
        raise ValidationError(
            f"TOML syntax error: {message[:1].lower() + message[1:]}", file=label, line=line,
            col=col,
        ) from None  # fmt: skip
    spans = find_positions(text)

    def line_of(*path: str | int) -> int | None:
        pos = locate(spans, tuple(path))
        return pos.line if pos is not None else None

    if only is not None:  # a scenario file: its other tables are the scenario's
        data = {k: v for k, v in data.items() if k in only}
    unknown = set(data) - _TOP_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise ValidationError(
            f"unknown table (a targets file has {', '.join(sorted(_TOP_KEYS))})",
            key=key,
            file=label,
            line=line_of(key),
        )
    out = Targets()
    table = data.get("targets", {})
    if not isinstance(table, Mapping):
        raise ValidationError("must be a table", key="targets", file=label, line=line_of("targets"))
    for output, spec in table.items():
        specs = spec if isinstance(spec, list) else [spec]
        for i, one in enumerate(specs):
            where = ("targets", output, i) if isinstance(spec, list) else ("targets", output)
            line = line_of(*where)
            t = _aggregate(output, one, label, line, f"{label}:{line}")
            out = out.merge(Targets([t]))
    fit = data.get("fit", {})
    if not isinstance(fit, Mapping):
        raise ValidationError("must be a table", key="fit", file=label, line=line_of("fit"))
    for key, spec in fit.items():
        line = line_of("fit", key)
        out.fit[key] = _fit_spec(key, spec, label, line)
        out.fit_origin[key] = (label, line)
    series = data.get("series")
    if series is not None:
        if not isinstance(series, Mapping):
            raise ValidationError(
                "must be a table", key="series", file=label, line=line_of("series")
            )
        bad = set(series) - _SERIES_KEYS
        if bad:
            key = sorted(bad)[0]
            raise ValidationError(
                f"unknown key (valid: {', '.join(sorted(_SERIES_KEYS))})",
                key=f"series.{key}",
                file=label,
                line=line_of("series", key),
            )
        if "file" not in series or not isinstance(series["file"], str):
            raise ValidationError(
                'give the CSV file: file = "observed.csv" (relative to this file)',
                key="series.file",
                file=label,
                line=line_of("series"),
            )
        start = series.get("start")
        if start is not None and not isinstance(start, _dt.date):
            raise ValidationError(
                f"must be a date (2016-11-01, no quotes), got {start!r}",
                key="series.start",
                file=label,
                line=line_of("series", "start"),
            )
        if isinstance(start, _dt.datetime):
            start = start.date()
        days = series.get("step_days", step_days)
        if "step_days" in series:
            days = _positive(days, "series.step_days", label, line_of("series", "step_days"))
        weights = series.get("weights", {})
        if not isinstance(weights, Mapping):
            raise ValidationError(
                f"must be a table such as {{cumulative_adopted = 2}}, got {weights!r}",
                key="series.weights",
                file=label,
                line=line_of("series", "weights"),
            )
        weights = dict(weights)
        if "weight" in series:
            weights.setdefault("*", series["weight"])
        csv_path = Path(series["file"])
        if not csv_path.is_absolute():
            csv_path = path.parent / csv_path
        curve = _read_csv(csv_path, os.fspath(csv_path), step_days=days, start=start)
        curve = _series_weights(curve, weights, label, line_of("series"))
        out = out.merge(curve)
    return out


def _series_weights(
    curve: Targets, weights: Mapping[str, Any], file: str, line: int | None
) -> Targets:
    default = weights.get("*")
    items = []
    names = {t.output for t in curve}
    for name in weights:
        if name != "*" and name not in names:
            raise ValidationError(
                f"no such column in the series (columns: {', '.join(sorted(names))})",
                key=f"series.weights.{name}",
                file=file,
                line=line,
            )
    for t in curve:
        w = weights.get(t.output, default)
        if w is not None:
            t = replace(t, weight=_positive(w, f"series.weights.{t.output}", file, line))
        items.append(t)
    return Targets(items)


def _fit_spec(key: str, spec: Any, file: str, line: int | None) -> tuple[float, float, bool]:
    log = False
    if isinstance(spec, Mapping):
        extra = set(spec) - {"low", "high", "log"}
        if extra or "low" not in spec or "high" not in spec:
            raise ValidationError(
                "expected [LOW, HIGH] or {low = ..., high = ..., log = true}",
                key=f"fit.{key}",
                file=file,
                line=line,
            )
        low, high, log = spec["low"], spec["high"], spec.get("log", False)
        if not isinstance(log, bool):
            raise ValidationError(
                f"log must be true or false, got {log!r}", key=f"fit.{key}", file=file, line=line
            )
    elif isinstance(spec, list) and len(spec) == 2:
        low, high = spec
    else:
        raise ValidationError(
            f"expected [LOW, HIGH] or {{low = ..., high = ..., log = true}}, got {spec!r}",
            key=f"fit.{key}",
            file=file,
            line=line,
        )
    low = _number(low, f"fit.{key}", file, line)
    high = _number(high, f"fit.{key}", file, line)
    return low, high, log


def _cell_number(text: str, file: str, line: int, column: str) -> float:
    stripped = text.strip()
    if stripped == "":
        raise DataFileError(
            f"column {column!r}: missing value (every cell must hold a number)",
            file=file,
            line=line,
        )
    try:
        value = float(stripped)
    except ValueError:
        raise DataFileError(
            f"column {column!r}: not a number: {stripped!r}", file=file, line=line
        ) from None
    if not math.isfinite(value):
        raise DataFileError(
            f"column {column!r}: not a finite number: {stripped!r}", file=file, line=line
        )
    return value


def _read_csv(
    path: Path,
    label: str,
    *,
    step_days: float | None = None,
    start: _dt.date | None = None,
) -> Targets:
    return _parse_csv(_read_text(path, label), label, step_days=step_days, start=start)


def _parse_csv(
    text: str,
    label: str,
    *,
    step_days: float | None = None,
    start: _dt.date | None = None,
) -> Targets:
    rows = list(csv.reader(io.StringIO(text)))
    numbered = [(i + 1, r) for i, r in enumerate(rows) if any(c.strip() for c in r)]
    if not numbered:
        raise DataFileError("empty file: expected a header (step or date, outputs)", file=label)
    head_line, header = numbered[0]
    header = [h.strip() for h in header]
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise DataFileError(f"column {dup!r} appears twice", file=label, line=head_line)
    if "step" in header and "date" in header:
        raise DataFileError(
            "give a step column or a date column, not both", file=label, line=head_line
        )
    if "step" not in header and "date" not in header:
        raise DataFileError(
            f"no step or date column (header: {', '.join(header)})", file=label, line=head_line
        )
    time_col = "step" if "step" in header else "date"
    outputs = [h for h in header if h != time_col]
    if not outputs:
        raise DataFileError(
            "no output column: add one column per output to match (e.g. cumulative_adopted)",
            file=label,
            line=head_line,
        )
    if any(not h for h in outputs):
        raise DataFileError("a column has no name", file=label, line=head_line)
    if time_col == "date" and step_days is None:
        raise ValidationError(
            "a date column needs the step length: this model has no calendar, so give it "
            "in a targets TOML ([series] file = ..., step_days = 7)",
            file=label,
            line=head_line,
        )
    lines: list[int] = []
    times: list[Any] = []
    values: dict[str, list[float]] = {h: [] for h in outputs}
    t_index = header.index(time_col)
    for line, row in numbered[1:]:
        if len(row) != len(header):
            raise DataFileError(
                f"expected {len(header)} cells (as the header), got {len(row)}",
                file=label,
                line=line,
            )
        cell = row[t_index].strip()
        if time_col == "step":
            step = _cell_number(cell, label, line, "step")
            if step < 0 or step != int(step):
                raise DataFileError(
                    f"column 'step': must be an integer >= 0, got {cell!r}", file=label, line=line
                )
            times.append(int(step))
        else:
            if not cell:
                raise DataFileError("column 'date': missing value", file=label, line=line)
            try:
                times.append(_dt.date.fromisoformat(cell[:10]))
            except ValueError:
                raise DataFileError(
                    f"column 'date': not a date (YYYY-MM-DD): {cell!r}", file=label, line=line
                ) from None
        lines.append(line)
        for j, h in enumerate(header):
            if h != time_col:
                values[h].append(_cell_number(row[j], label, line, h))
    if not times:
        raise DataFileError("no data rows under the header", file=label, line=head_line)
    if time_col == "date":
        origin = start if start is not None else min(times)
        steps = []
        for line, d in zip(lines, times, strict=True):
            offset = (d - origin).days / float(step_days)  # type: ignore[arg-type]
            if offset < -1e-9:
                raise DataFileError(
                    f"column 'date': {d} is before the start {origin}", file=label, line=line
                )
            steps.append(int(math.floor(offset + 0.5)))
    else:
        steps = list(times)
    seen: dict[int, int] = {}
    for line, s in zip(lines, steps, strict=True):
        if s in seen:
            raise DataFileError(
                f"step {s} appears twice (lines {seen[s]} and {line})", file=label, line=line
            )
        seen[s] = line
    order = np.argsort(steps, kind="stable")
    items = []
    for h in outputs:
        ys = [values[h][i] for i in order]
        scale = float(np.mean(np.abs(ys)))
        if not scale > 0:
            raise DataFileError(
                f"column {h!r}: every value is 0, so the curve has no magnitude to scale errors by",
                file=label,
                line=head_line,
            )
        items.append(
            Target(
                output=h,
                kind="series",
                steps=tuple(int(steps[i]) for i in order),
                values=tuple(float(y) for y in ys),
                scale=scale,
                origin=f"{label}:{head_line}",
            )
        )
    return Targets(items)


def _from_frame(frame: pd.DataFrame) -> Targets:
    """A series given as a DataFrame (``step`` column + outputs), checked like a CSV."""
    curve = _parse_csv(frame.to_csv(index=False), "<series>")
    return Targets([replace(t, origin="") for t in curve])


def _from_mapping(data: Mapping[str, Any]) -> Targets:
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise ValidationError(
            f"unknown key {sorted(unknown)[0]!r} (valid: {', '.join(sorted(_TOP_KEYS))})",
            key="targets",
        )
    for name in ("targets", "fit"):
        if not isinstance(data.get(name) or {}, Mapping):
            raise ValidationError(f"must be a dict, got {data[name]!r}", key=name)
    out = Targets()
    for output, spec in (data.get("targets") or {}).items():
        for one in spec if isinstance(spec, list) else [spec]:
            out = out.merge(Targets([_aggregate(output, one, None, None, "")]))
    for key, spec in (data.get("fit") or {}).items():
        out.fit[key] = _fit_spec(key, spec, "fit", None)
        out.fit_origin[key] = ("fit", None)
    series = data.get("series")
    if series is not None:
        try:
            frame = pd.DataFrame(series)
        except (TypeError, ValueError) as exc:
            raise ValidationError(
                f"expected a DataFrame or a dict of columns (step and outputs): {exc}",
                key="series",
            ) from None
        out = out.merge(_from_frame(frame))
    return out


def load_targets(
    sources: Any,
    *,
    step_days: float | None = None,
) -> Targets:
    """Read targets from files, dicts or frames (several are merged).

    Args:
        sources: A path (``.toml``: ``[targets]``, ``[series]``, ``[fit]`` tables;
            ``.csv``: an observed series), a dict (``{"targets": {...}, "series":
            frame_or_dict, "fit": {...}}``), a DataFrame (a series with a ``step``
            column), a :class:`Targets`, or a list of these.
        step_days: Days per step, for a CSV with a ``date`` column (7 for ``wom``).

    Returns:
        The targets, in the order given.

    Raises:
        DataFileError: A missing or unreadable file, a file that is neither
            ``.toml`` nor ``.csv``, a CSV cell that is not a number or is missing
            (naming the file and line).
        ValidationError: A malformed table, a range reversed, a target given twice,
            a date column without the step length, a ``step_days`` that is not a
            finite number > 0. (Output names are checked
            against the model by :meth:`Targets.check`.) :class:`DataFileError` is
            a :class:`ValidationError` too.

    Examples:
        >>> frame = pd.DataFrame({"step": [0, 10], "cumulative_adopted": [0.0, 380.0]})
        >>> [t.label for t in load_targets([frame, {"targets": {"adopter": {"range": [1, 3]}}}])]
        ['cumulative_adopted:series', 'adopter:mean']
        >>> load_targets("observed.xlsx")
        Traceback (most recent call last):
        ...
        sim.errors.DataFileError: observed.xlsx: --targets: unknown targets file type: expected .toml (aggregate targets) or .csv (a series)
    """
    if step_days is not None:
        step_days = _positive(step_days, "--step-days", None)
    if isinstance(sources, Targets):
        return sources
    if isinstance(sources, pd.DataFrame):
        return _from_frame(sources)
    if isinstance(sources, Mapping):
        return _from_mapping(sources)
    if isinstance(sources, str | os.PathLike):
        label = os.fspath(sources)
        path = Path(label)
        if path.suffix.lower() == ".csv":
            return _read_csv(path, label, step_days=step_days)
        if path.suffix.lower() == ".toml":
            return _read_toml(path, label, step_days)
        raise DataFileError(
            "unknown targets file type: expected .toml (aggregate targets) or .csv (a series)",
            file=label,
            key="--targets",
        )
    if isinstance(sources, Sequence):
        out = Targets()
        for s in sources:
            out = out.merge(load_targets(s, step_days=step_days))
        return out
    raise ValidationError(
        f"expected a file, a dict, a DataFrame or a list of them, got {type(sources).__name__}",
        key="targets",
    )
