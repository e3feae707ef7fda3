"""Experimental designs for sweeps: which parameter values each point of a sweep gets.

A sweep varies dotted scenario keys (:class:`Parameter`): a list of values
(``--set model.q=0,0.05,0.1``; numbers, strings, booleans or lists, taken as
categories) or a numeric range (``--range model.p=0.01:0.2``). :func:`make_design`
turns them into a table of points:

* ``grid``: every combination; a range gets ``samples`` evenly spaced levels;
* ``random``: ``samples`` points, uniform in each range and over each list;
* ``lhs``: a Latin hypercube of ``samples`` points (SALib);
* ``sobol``: Saltelli's scheme for first- and total-order Sobol indices (SALib),
  ``samples * (D + 2)`` points for D parameters, ``samples`` a power of 2;
* ``morris``: ``samples`` Morris trajectories of ``D + 1`` points (SALib).

The sampled designs draw in the unit hypercube (kept as :attr:`Design.matrix`, what
the SALib analyses read) and map each coordinate ``u`` in [0, 1] to a value: ``lo + u
(hi - lo)`` for a real range; the integer ``lo + floor(u (hi - lo + 1))`` for an
integer range (every integer equally likely, both ends included); the item
``floor(u k)`` of a list of k values. Integer keys thus stay integers; in a grid,
levels that round to the same integer are merged.

Examples:
    >>> grid = make_design([Parameter("model.p", low=0.0, high=0.2),
    ...                     Parameter("seeding.strategy", values=("random", "degree"))],
    ...                    "grid", samples=3)
    >>> [tuple(p.values()) for p in grid.points]  # doctest: +NORMALIZE_WHITESPACE
    [(0.0, 'random'), (0.0, 'degree'), (0.1, 'random'), (0.1, 'degree'),
     (0.2, 'random'), (0.2, 'degree')]
"""

from __future__ import annotations

import itertools
import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.errors import ValidationError
from sim.scenario.schema import SWEEP_DESIGNS

__all__ = [
    "DEFAULT_SAMPLES",
    "DESIGNS",
    "Design",
    "Parameter",
    "make_design",
    "parse_range",
    "parse_set",
    "unique_values",
]

#: The designs, with what they sample.
DESIGNS: dict[str, str] = SWEEP_DESIGNS
#: ``samples`` when none is given, by design.
DEFAULT_SAMPLES: dict[str, int] = {"grid": 5, "random": 64, "lhs": 64, "sobol": 64, "morris": 10}


@dataclass(frozen=True)
class Parameter:
    """One swept scenario key: a list of values, or a numeric range.

    Attributes:
        key: The dotted scenario key (``model.p``, ``arms[1].model.q``, ``first_pin.size``).
        values: The values of a list parameter (taken as categories), else ``None``.
        low: Lower end of a range (included).
        high: Upper end of a range (included).
        integer: Whether a range holds integers (its values are then ints).
        origin: Where the parameter was given: ``"--set"``, ``"--range"`` or
            ``"[sweep]"`` (for error messages).

    Raises:
        ValueError: Unless exactly one of ``values`` and the pair ``low``, ``high``
            is given (a programming error: user input goes through
            :func:`parse_set` and :func:`parse_range`, which raise ValidationError).

    Examples:
        >>> p = Parameter("model.p", low=0.0, high=0.2)
        >>> p.is_range, p.size, p.levels(3)
        (True, None, [0.0, 0.1, 0.2])
        >>> s = Parameter("seeding.strategy", values=("random", "degree"))
        >>> s.is_range, s.size, s.from_unit([0.2, 0.9])
        (False, 2, ['random', 'degree'])
    """

    key: str
    values: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    integer: bool = False
    origin: str = field(default="--set", compare=False, repr=False)

    def __post_init__(self) -> None:
        if (self.values is None) == (self.low is None or self.high is None):
            raise ValueError("give either values or both low and high")

    @property
    def is_range(self) -> bool:
        """Whether the parameter is a numeric range (else a list of values)."""
        return self.values is None

    @property
    def size(self) -> int | None:
        """The number of values of a list parameter (``None`` for a range)."""
        return None if self.values is None else len(self.values)

    def from_unit(self, u: np.ndarray) -> list[Any]:
        """Map coordinates in [0, 1] to this parameter's values.

        Args:
            u: Coordinates in the unit interval.

        Returns:
            One value per coordinate (Python ints, floats or the list's items).

        Examples:
            >>> Parameter("model.p", low=0.0, high=0.2).from_unit([0.0, 0.5, 1.0])
            [0.0, 0.1, 0.2]
            >>> Parameter("seeding.k", low=1, high=3, integer=True).from_unit([0.0, 0.5, 1.0])
            [1, 2, 3]
        """
        u = np.clip(np.asarray(u, dtype=float), 0.0, 1.0)
        if self.values is not None:
            k = len(self.values)
            return [self.values[int(i)] for i in np.minimum(np.floor(u * k), k - 1)]
        lo, hi = self.low, self.high
        assert lo is not None and hi is not None
        if self.integer:
            ilo, ihi = int(lo), int(hi)
            idx = np.minimum(np.floor(u * (ihi - ilo + 1)), ihi - ilo)
            return [ilo + int(i) for i in idx]
        return [float(lo + x * (hi - lo)) for x in u]

    def levels(self, n: int) -> list[Any]:
        """The grid levels: the values of a list, or ``n`` evenly spaced points of a range.

        Args:
            n: Number of levels of a range (``>= 1``; 1 gives its middle).

        Returns:
            The levels in increasing order; integer ranges rounded, repeats merged.

        Examples:
            >>> Parameter("seeding.k", low=1, high=3, integer=True).levels(5)
            [1, 2, 3]
            >>> Parameter("model.p", low=0.0, high=0.2).levels(1)
            [0.1]
        """
        if self.values is not None:
            return list(self.values)
        lo, hi = float(self.low), float(self.high)  # type: ignore[arg-type]
        points = [(lo + hi) / 2] if n == 1 else np.linspace(lo, hi, n).tolist()
        if self.integer:
            return list(dict.fromkeys(int(round(x)) for x in points))
        return [float(x) for x in points]

    def to_dict(self) -> dict[str, Any]:
        """The parameter as plain data (for the sweep manifest).

        Returns:
            ``{"key", "values"}`` or ``{"key", "low", "high", "integer"}``.

        Examples:
            >>> Parameter("model.p", low=0.01, high=0.2).to_dict()
            {'key': 'model.p', 'low': 0.01, 'high': 0.2, 'integer': False}
        """
        if self.values is not None:
            return {"key": self.key, "values": list(self.values)}
        return {"key": self.key, "low": self.low, "high": self.high, "integer": self.integer}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Parameter:
        """Rebuild a parameter from :meth:`to_dict`.

        Args:
            data: The dict.

        Returns:
            The parameter.

        Examples:
            >>> p = Parameter("model.q", values=(0.0, 0.05))
            >>> Parameter.from_dict(p.to_dict()) == p
            True
        """
        if "values" in data:
            return cls(data["key"], values=tuple(data["values"]))
        return cls(data["key"], low=data["low"], high=data["high"], integer=data["integer"])


@dataclass(frozen=True)
class Design:
    """The points of a sweep, in design order.

    Attributes:
        kind: One of :data:`DESIGNS`.
        parameters: The swept parameters, in order.
        samples: The ``samples`` the design was made with.
        seed: Seed of the random designs.
        levels: Morris grid levels.
        points: One ``{key: value}`` dict per point, in design order (a Sobol or
            Morris design must keep this order for the analysis).
        matrix: The unit-hypercube sample the points were mapped from (``None`` for
            a grid), shape ``(len(points), len(parameters))``.
    """

    kind: str
    parameters: tuple[Parameter, ...]
    samples: int
    seed: int
    levels: int
    points: list[dict[str, Any]]
    matrix: np.ndarray | None = None

    @property
    def keys(self) -> list[str]:
        """The swept keys, in order."""
        return [p.key for p in self.parameters]

    def problem(self) -> dict[str, Any]:
        """The SALib problem: every parameter on [0, 1] (the unit hypercube).

        Returns:
            ``{"num_vars", "names", "bounds"}``.
        """
        return {
            "num_vars": len(self.parameters),
            "names": self.keys,
            "bounds": [[0.0, 1.0]] * len(self.parameters),
        }


# --------------------------------------------------------------------------- parsing
def _toml_value(text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except (tomllib.TOMLDecodeError, RecursionError):
        return text


def _split_top(text: str) -> list[str]:
    """Split on commas outside quotes and brackets: ``'"a,b",[1,2],c'`` gives 3 parts."""
    parts, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _split_item(item: str, flag: str, example: str) -> tuple[str, str]:
    key, sep, text = str(item).partition("=")
    key = key.strip()
    if not sep or not key:
        raise ValidationError(
            f"expected KEY={example}", key=key or str(item).strip() or None, file=flag
        )
    return key, text.strip()


def parse_set(item: str, *, origin: str = "--set") -> Parameter:
    """Parse ``--set key=v1,v2,...`` into a list parameter.

    Each value is read as a TOML value (``0.1``, ``3``, ``true``, ``"a,b"``,
    ``[1, 2]``), else taken as a bare string (``degree``). Repeated values are merged.

    Args:
        item: ``"model.q=0,0.05,0.1"``.
        origin: Names the option in error messages.

    Returns:
        The parameter.

    Raises:
        ValidationError: No ``=``, or an empty value list or value.

    Examples:
        >>> parse_set("seeding.strategy=random,degree").values
        ('random', 'degree')
        >>> parse_set("seeding.nodes=[0, 1],[2]").values
        ([0, 1], [2])
    """
    key, text = _split_item(item, origin, "v1,v2,... (e.g. model.q=0,0.05,0.1)")
    if not text:
        raise ValidationError(
            "empty value list (give key=v1,v2,..., e.g. model.q=0,0.05,0.1)", key=key, file=origin
        )
    try:
        values = tomllib.loads(f"v = [{text}]")["v"]
    except (tomllib.TOMLDecodeError, RecursionError):
        parts = [part.strip() for part in _split_top(text)]
        if any(not part for part in parts):
            raise ValidationError(
                f"empty value in {text!r} (give key=v1,v2,...)", key=key, file=origin
            ) from None
        values = [_toml_value(part) for part in parts]
    if not values:
        raise ValidationError(
            "empty value list (give key=v1,v2,..., e.g. model.q=0,0.05,0.1)", key=key, file=origin
        )
    return Parameter(key, values=unique_values(values), origin=origin)


def unique_values(values: Sequence[Any]) -> tuple[Any, ...]:
    """The values without repeats, in order (``1`` and ``1.0`` and ``True`` kept apart).

    Args:
        values: Values, possibly unhashable (lists).

    Returns:
        The distinct values.

    Examples:
        >>> unique_values([1, 1.0, True, [1], [1], 1])
        (1, 1.0, True, [1])
    """
    unique: list[Any] = []
    for value in values:
        if not any(type(value) is type(u) and value == u for u in unique):
            unique.append(value)
    return tuple(unique)


def _number(text: str) -> float | int | None:
    value = _toml_value(text)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def parse_range(item: str, *, origin: str = "--range") -> Parameter:
    """Parse ``--range key=lo:hi`` into a range parameter.

    Args:
        item: ``"model.p=0.01:0.2"`` (``lo < hi``, finite numbers).
        origin: Names the option in error messages.

    Returns:
        The parameter; :attr:`Parameter.integer` is set when both ends are written
        as integers (the sweep then checks the key's type in the scenario).

    Raises:
        ValidationError: A malformed item, a bound that is not a number, or
            ``lo >= hi``.

    Examples:
        >>> parse_range("network.n=500:2000")
        Parameter(key='network.n', values=None, low=500, high=2000, integer=True)
    """
    key, text = _split_item(item, origin, "lo:hi (e.g. model.p=0.01:0.2)")
    lo_text, sep, hi_text = text.partition(":")
    low, high = _number(lo_text.strip()), _number(hi_text.strip())
    if not sep or low is None or high is None:
        raise ValidationError(
            f"expected lo:hi with two numbers (e.g. 0.01:0.2), got {text!r}", key=key, file=origin
        )
    return make_range(key, low, high, origin=origin)


def make_range(key: str, low: float, high: float, *, origin: str = "--range") -> Parameter:
    """A range parameter, checked.

    Args:
        key: The dotted key.
        low: Lower end.
        high: Upper end.
        origin: Names the option in error messages.

    Returns:
        The parameter (integer when both ends are ints).

    Raises:
        ValidationError: If ``low >= high``.
    """
    if low > high:
        raise ValidationError(
            f"empty range: lo > hi ({low} > {high}); write it as {high}:{low}", key=key, file=origin
        )
    if low == high:
        raise ValidationError(
            f"empty range: lo = hi = {low} (to fix a value, use --set {key}={low})",
            key=key,
            file=origin,
        )
    integer = isinstance(low, int) and isinstance(high, int)
    return Parameter(key, low=low, high=high, integer=integer, origin=origin)


# --------------------------------------------------------------------------- designs
def _check(kind: str, parameters: Sequence[Parameter], samples: int, levels: int) -> None:
    if kind not in DESIGNS:
        raise ValidationError(
            f"unknown design {kind!r} (valid: {', '.join(DESIGNS)})", key="--design"
        )
    if not parameters:
        raise ValidationError(
            "nothing to sweep: give --set key=v1,v2,... or --range key=lo:hi "
            "(or a [sweep] section with set/range)",
            key="--set",
        )
    seen: dict[str, Parameter] = {}
    for p in parameters:
        if p.key in seen:
            raise ValidationError(
                f"swept twice ({seen[p.key].origin} and {p.origin}); give each key once",
                key=p.key,
                file=p.origin,
            )
        seen[p.key] = p
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise ValidationError(f"must be an integer >= 1, got {samples!r}", key="--samples")
    if kind == "sobol" and samples & (samples - 1):
        lower = 1 << (samples.bit_length() - 1)
        raise ValidationError(
            f"a sobol design needs a power of 2, got {samples} (try {lower} or {2 * lower})",
            key="--samples",
        )
    if kind == "morris" and (isinstance(levels, bool) or not isinstance(levels, int) or levels < 2):
        raise ValidationError(f"must be an integer >= 2, got {levels!r}", key="levels")


def make_design(
    parameters: Sequence[Parameter],
    kind: str = "grid",
    *,
    samples: int | None = None,
    seed: int = 0,
    levels: int = 4,
) -> Design:
    """The points of a design.

    Args:
        parameters: The swept parameters (at least one; each key once).
        kind: One of :data:`DESIGNS`.
        samples: Levels per range (grid), points (random, lhs), base samples
            (sobol, a power of 2) or trajectories (morris); default
            :data:`DEFAULT_SAMPLES`.
        seed: Seed of the random designs (the same seed gives the same points).
        levels: Morris grid levels.

    Returns:
        The design.

    Raises:
        ValidationError: Unknown design, no parameters, a key given twice, or a bad
            ``samples``.

    Examples:
        >>> d = make_design([Parameter("network.n", low=100, high=200, integer=True)],
        ...                 "lhs", samples=4, seed=1)
        >>> len(d.points), all(isinstance(p["network.n"], int) for p in d.points)
        (4, True)
        >>> len(make_design([Parameter("model.p", low=0.0, high=1.0)], "sobol",
        ...                 samples=8).points)
        24

    References:
        M. D. McKay, R. J. Beckman, W. J. Conover, "A comparison of three methods for
        selecting values of input variables in the analysis of output from a computer
        code", Technometrics 21(2): 239-245, 1979 (``lhs``).
        A. Saltelli, "Making best use of model evaluations to compute sensitivity
        indices", Computer Physics Communications 145(2): 280-297, 2002 (``sobol``,
        on I. M. Sobol's quasi-random sequence).
        M. D. Morris, "Factorial sampling plans for preliminary computational
        experiments", Technometrics 33(2): 161-174, 1991 (``morris``).
    """
    samples = DEFAULT_SAMPLES.get(kind, 1) if samples is None else samples
    _check(kind, parameters, samples, levels)
    parameters = tuple(parameters)
    keys = [p.key for p in parameters]
    if kind == "grid":
        axes = [p.levels(samples) for p in parameters]
        points = [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*axes)]
        return Design(kind, parameters, samples, seed, levels, points, None)
    d = len(parameters)
    problem = {"num_vars": d, "names": keys, "bounds": [[0.0, 1.0]] * d}
    if kind == "random":
        matrix = np.random.default_rng(seed).random((samples, d))
    elif kind == "lhs":
        from SALib.sample import latin

        matrix = latin.sample(problem, samples, seed=seed)
    elif kind == "sobol":
        from SALib.sample import sobol

        matrix = sobol.sample(problem, samples, calc_second_order=False, scramble=True, seed=seed)
    else:
        from SALib.sample import morris

        matrix = morris.sample(problem, samples, num_levels=levels, seed=seed)
    matrix = np.asarray(matrix, dtype=float)
    columns = [p.from_unit(matrix[:, j]) for j, p in enumerate(parameters)]
    points = [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]
    return Design(kind, parameters, samples, seed, levels, points, matrix)
