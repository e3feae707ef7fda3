"""The fit space: which scenario keys a calibration moves, between which bounds.

A fitted parameter is a dotted scenario key with bounds, on a linear or a log scale:
``--fit word_of_mouth.persuasion=0.05:1`` or ``--fit vendor.conversion=1e-4:1e-1:log``
(or a ``[fit]`` table in a targets file: ``"word_of_mouth.persuasion" = [0.05, 1.0]``,
``"vendor.conversion" = {low = 1e-4, high = 0.1, log = true}``). A key holding an
integer in the scenario (``community.cadence``) is searched over integers.

:func:`check_space` checks each key against the scenario: it must be a number the
scenario holds (after defaults are filled in), and both bounds must be values the
scenario accepts for it, checked by loading the scenario with the bound set, as
``wom run --set key=bound`` would.

Examples:
    >>> parse_fit("vendor.conversion=1e-4:1e-1:log")
    FitParameter(key='vendor.conversion', low=0.0001, high=0.1, log=True, integer=False)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sim.errors import ValidationError

__all__ = ["FitParameter", "check_space", "fit_parameters", "parse_fit"]

_EXAMPLE = "KEY=LOW:HIGH or KEY=LOW:HIGH:log (e.g. word_of_mouth.persuasion=0.05:1)"


@dataclass(frozen=True)
class FitParameter:
    """One fitted scenario key.

    Attributes:
        key: The dotted scenario key.
        low: Lower bound (included).
        high: Upper bound (included).
        log: Search on a log scale (both bounds > 0).
        integer: Search over integers (the key holds an integer).
        origin: Where it was given (``--fit``, or ``file:line`` of a ``[fit]`` table).

    Examples:
        >>> p = FitParameter("vendor.conversion", 1e-4, 1e-1, log=True)
        >>> round(p.midpoint, 6)  # the middle of the bounds on the log scale
        0.003162
        >>> p.describe()
        '0.0001 to 0.1 (log scale)'
    """

    key: str
    low: float
    high: float
    log: bool = False
    integer: bool = False
    origin: str = field(default="--fit", compare=False, repr=False)

    def to_unit(self, value: float) -> float:
        """A value's position between the bounds, on the search scale (0 to 1).

        Args:
            value: A value of the key.

        Returns:
            0 at ``low``, 1 at ``high`` (log scale if :attr:`log`).

        Examples:
            >>> FitParameter("k", 1.0, 100.0, log=True).to_unit(10.0)
            0.5
        """
        if self.log:
            return (math.log(value) - math.log(self.low)) / (
                math.log(self.high) - math.log(self.low)
            )
        return (value - self.low) / (self.high - self.low)

    def from_unit(self, u: float) -> float:
        """The inverse of :meth:`to_unit` (not rounded to integers).

        Args:
            u: A position in [0, 1].

        Returns:
            The value.

        Examples:
            >>> FitParameter("k", 0.0, 2.0).from_unit(0.25)
            0.5
            >>> round(FitParameter("k", 1.0, 100.0, log=True).from_unit(0.5), 9)
            10.0
        """
        if self.log:
            return math.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        return self.low + u * (self.high - self.low)

    def typed(self, value: Any) -> int | float:
        """A value of the key as the scenario holds it: ``int`` for an integer key.

        Args:
            value: A number (e.g. a NumPy scalar read from the trials).

        Returns:
            ``int(value)`` if :attr:`integer`, else ``float(value)``.

        Examples:
            >>> FitParameter("community.cadence", 2, 8, integer=True).typed(4.0)
            4
        """
        return int(value) if self.integer else float(value)

    @property
    def midpoint(self) -> float:
        """The middle of the bounds on the search scale."""
        return self.from_unit(0.5)

    def distribution(self) -> Any:
        """The Optuna distribution of this parameter.

        Returns:
            An ``optuna.distributions.FloatDistribution`` or ``IntDistribution``.

        Examples:
            >>> FitParameter("model.q", 0.1, 0.9).distribution()
            FloatDistribution(high=0.9, log=False, low=0.1, step=None)
            >>> FitParameter("community.cadence", 2, 8, integer=True).distribution()
            IntDistribution(high=8, log=False, low=2, step=1)
        """
        from optuna.distributions import FloatDistribution, IntDistribution

        if self.integer:
            return IntDistribution(int(self.low), int(self.high), log=self.log)
        return FloatDistribution(float(self.low), float(self.high), log=self.log)

    def describe(self) -> str:
        """The bounds in words, for reports.

        Returns:
            E.g. ``"0.05 to 1"``, ``"0.0001 to 0.1 (log scale)"``, ``"2 to 8 (integers)"``.

        Examples:
            >>> FitParameter("community.lift", 0.05, 1.0).describe()
            '0.05 to 1'
            >>> FitParameter("community.cadence", 2, 8, integer=True).describe()
            '2 to 8 (integers)'
        """
        text = f"{self.low:.4g} to {self.high:.4g}"
        if self.log:
            text += " (log scale)"
        if self.integer:
            text += " (integers)"
        return text

    def to_dict(self) -> dict[str, Any]:
        """The parameter as plain data (for the manifest).

        Returns:
            ``{"key", "low", "high", "log", "integer"}``.

        Examples:
            >>> FitParameter("community.lift", 0.05, 0.8).to_dict()
            {'key': 'community.lift', 'low': 0.05, 'high': 0.8, 'log': False, 'integer': False}
        """
        return {
            "key": self.key,
            "low": self.low,
            "high": self.high,
            "log": self.log,
            "integer": self.integer,
        }


def _number(text: str) -> float | int | None:
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def make_fit(
    key: str, low: Any, high: Any, log: bool = False, *, origin: str = "--fit",
    line: int | None = None,
) -> FitParameter:  # fmt: skip
    """A fitted parameter, with its bounds checked (not yet against a scenario).

    Args:
        key: The dotted key.
        low: Lower bound.
        high: Upper bound.
        log: Log scale.
        origin: Where it was given, for messages.
        line: Line in ``origin``, if a file.

    Returns:
        The parameter.

    Raises:
        ValidationError: A bound that is not a finite number, bounds reversed or
            equal, a log bound at or below zero.
    """
    for bound in (low, high):
        if (
            isinstance(bound, bool)
            or not isinstance(bound, int | float)
            or not math.isfinite(bound)
        ):
            raise ValidationError(
                f"bounds must be finite numbers, got {bound!r}", key=key, file=origin, line=line
            )
    if low > high:
        raise ValidationError(
            f"bounds reversed: {low:g} > {high:g} (write {key}={high:g}:{low:g})",
            key=key,
            file=origin,
            line=line,
        )
    if low == high:
        raise ValidationError(
            f"empty range: low = high = {low:g} (to fix a value, use --set {key}={low:g} "
            "in the scenario instead of fitting it)",
            key=key,
            file=origin,
            line=line,
        )
    if log and low <= 0:
        raise ValidationError(
            f"a log scale needs bounds > 0, got low = {low:g} (use a linear scale, or a "
            "small positive low bound such as 1e-4)",
            key=key,
            file=origin,
            line=line,
        )
    where = origin if line is None else f"{origin}:{line}"
    return FitParameter(key, low, high, bool(log), origin=where)


def parse_fit(item: str, *, origin: str = "--fit") -> FitParameter:
    """Parse ``KEY=LOW:HIGH`` or ``KEY=LOW:HIGH:log``.

    Args:
        item: The option's value.
        origin: Names the option in error messages.

    Returns:
        The parameter.

    Raises:
        ValidationError: A malformed item, a bound that is not a number, bounds
            reversed, a log bound at or below zero.

    Examples:
        >>> parse_fit("community.lift=0.05:0.8")
        FitParameter(key='community.lift', low=0.05, high=0.8, log=False, integer=False)
        >>> parse_fit("vendor.conversion=0:0.1:log")
        Traceback (most recent call last):
        ...
        sim.errors.ValidationError: --fit: vendor.conversion: a log scale needs bounds > 0, got low = 0 (use a linear scale, or a small positive low bound such as 1e-4)
    """
    key, sep, text = str(item).partition("=")
    key = key.strip()
    if not sep or not key:
        raise ValidationError(f"expected {_EXAMPLE}, got {item!r}", file=origin)
    parts = [p.strip() for p in text.split(":")]
    log = False
    if len(parts) == 3 and parts[2].lower() in ("log", "lin", "linear"):
        log = parts[2].lower() == "log"
        parts = parts[:2]
    if len(parts) != 2:
        raise ValidationError(f"expected {_EXAMPLE}, got {text!r}", key=key, file=origin)
    low, high = _number(parts[0]), _number(parts[1])
    if low is None or high is None:
        raise ValidationError(
            f"bounds must be numbers, got {text!r} (expected {_EXAMPLE})", key=key, file=origin
        )
    return make_fit(key, low, high, log, origin=origin)


def fit_parameters(
    fit: Mapping[str, Any] | Sequence[str | FitParameter] | None,
    from_file: Mapping[str, tuple[float, float, bool]] | None = None,
    file_origin: Mapping[str, tuple[str, int | None]] | None = None,
) -> list[FitParameter]:
    """The fitted parameters from every place they may be given.

    Args:
        fit: ``["key=lo:hi", ...]`` (``--fit``), ``{key: (lo, hi)}`` or
            ``{key: (lo, hi, "log")}``, or :class:`FitParameter` objects. A key given
            here replaces the same key of a targets file's ``[fit]`` table.
        from_file: A targets file's ``[fit]`` table (``{key: (lo, hi, log)}``).
        file_origin: Where each of those was written (``(file, line)``).

    Returns:
        The parameters: the file's first, then the others, each key once.

    Raises:
        ValidationError: A malformed item, a key given twice on the command line,
            no parameter at all.

    Examples:
        >>> fit_parameters(["model.q=0.1:0.9"], {"model.p": (1e-4, 0.1, True)})
        [FitParameter(key='model.p', low=0.0001, high=0.1, log=True, integer=False), FitParameter(key='model.q', low=0.1, high=0.9, log=False, integer=False)]
        >>> [p.low for p in fit_parameters({"model.q": (0.2, 0.5)}, {"model.q": (0.1, 0.9, False)})]
        [0.2]
        >>> fit_parameters(["model.q=0.1:0.9", "model.q=0.2:0.3"])
        Traceback (most recent call last):
        ...
        sim.errors.ValidationError: --fit: model.q: given twice: fit each key once
    """
    out: dict[str, FitParameter] = {}
    for key, (lo, hi, log) in (from_file or {}).items():
        file, line = (file_origin or {}).get(key, ("[fit]", None))
        out[key] = make_fit(key, lo, hi, log, origin=file, line=line)
    given: list[FitParameter] = []
    if isinstance(fit, Mapping):
        for key, given_spec in fit.items():
            ok = isinstance(given_spec, Sequence) and not isinstance(given_spec, str)
            spec = tuple(given_spec) if ok else ()
            if len(spec) not in (2, 3):
                raise ValidationError(
                    f"expected (low, high) or (low, high, 'log'), got {given_spec!r}",
                    key=str(key),
                    file="fit",
                )
            log = len(spec) == 3 and (spec[2] is True or str(spec[2]).lower() == "log")
            given.append(make_fit(str(key), spec[0], spec[1], log, origin="fit"))
    elif fit is not None:
        for item in [fit] if isinstance(fit, str) else fit:
            given.append(item if isinstance(item, FitParameter) else parse_fit(item))
    seen: set[str] = set()
    for p in given:
        if p.key in seen:
            raise ValidationError("given twice: fit each key once", key=p.key, file=p.origin)
        seen.add(p.key)
        out[p.key] = p
    if not out:
        raise ValidationError(
            f"nothing to fit: give --fit {_EXAMPLE} (repeatable), or a [fit] table in the "
            "targets file",
            key="--fit",
        )
    return list(out.values())


def check_space(
    params: Sequence[FitParameter],
    base_data: dict[str, Any],
    make: Callable[[dict[str, Any]], Any],
) -> list[FitParameter]:
    """Check each fitted key against the scenario; mark integer keys.

    Args:
        params: The parameters.
        base_data: The resolved scenario as a dict (every default filled in).
        make: Builds the scenario with overrides (``{key: value}``), validating it.

    Returns:
        The parameters, with :attr:`FitParameter.integer` set for integer keys
        (their bounds rounded inwards).

    Raises:
        ValidationError: A key the scenario does not hold (or holds as a text, a
            switch or a table), a key that cannot be fitted, or a bound outside the
            key's valid range (with the scenario's own reason).
    """
    from sim.experiments.scenario_points import MISSING, key_path, lookup

    out = []
    for p in params:
        file, line = _origin(p)
        try:
            path = key_path(p.key)
        except ValidationError as exc:
            raise ValidationError(exc.message, key=p.key, file=file, line=line) from None
        if path[0] in ("seed", "replicates", "steps", "arms", "outputs", "sweep"):
            raise ValidationError(
                "cannot be fitted: the master seed, replicates, horizon, arms and outputs "
                "describe the calibration itself (fit keys of the model, network or "
                "seeding)",
                key=p.key,
                file=file,
                line=line,
            )
        current = lookup(base_data, p.key)
        if current is MISSING:
            raise ValidationError(
                "not a key of this scenario (after defaults are filled in; see wom validate "
                "SCENARIO for every key it holds)",
                key=p.key,
                file=file,
                line=line,
            )
        if current is not None and (
            isinstance(current, bool) or not isinstance(current, int | float)
        ):
            kind = type(current).__name__
            raise ValidationError(
                f"not a number in this scenario (it holds a {kind}: {current!r}); only "
                "numeric keys can be fitted",
                key=p.key,
                file=file,
                line=line,
            )
        if isinstance(current, int) and not isinstance(current, bool):
            lo, hi = math.ceil(p.low), math.floor(p.high)
            if lo >= hi:
                raise ValidationError(
                    f"integer key: the range {p.low:g}:{p.high:g} holds fewer than two integers",
                    key=p.key,
                    file=file,
                    line=line,
                )
            p = replace(p, low=lo, high=hi, integer=True)
        for name, bound in (("low", p.low), ("high", p.high)):
            try:
                make({p.key: p.typed(bound)})
            except ValidationError as exc:
                raise ValidationError(
                    f"the {name} bound {bound:g} is outside the key's valid range: {exc.message}",
                    key=p.key,
                    file=file,
                    line=line,
                ) from None
        out.append(p)
    return out


def _origin(p: FitParameter) -> tuple[str, int | None]:
    head, sep, tail = p.origin.rpartition(":")
    if sep and tail.isdigit():
        return head, int(tail)
    return p.origin, None
