"""Reading a scenario: TOML text or a dict, ``--set`` overrides, validation, positions.

Every problem a user can cause comes out as one :class:`ScenarioError` (a
:class:`sim.errors.ValidationError`) whose text is
``file:line:col: key: message``, e.g.::

    scenarios/x.toml:12:9: network.mean_degree: must be > 0, got -3

* ``key`` is the dotted path of the value at fault, list indices in brackets and
  0-based: ``arms[1].model.p`` (see :func:`sim.scenario.issues.format_key`).
* ``line:col`` (1-based, columns in characters) is where the value is written; for an
  unknown key, where the key is; for a missing key, the header of its table (or the
  key of the inline table) it should be in, and ``1:1`` at the top level.
* A TOML syntax error has no key: ``x.toml:3:7: TOML syntax error: invalid value``.
* A value that came from an override reads ``--set: model.p: must be in [0, 1], got 7``.

When a scenario has several problems, the error raised is the first in file order
(``--set`` problems before the file's); all of them are in its ``errors`` attribute.
"""

from __future__ import annotations

import copy
import numbers
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from sim.errors import DataFileError, ValidationError
from sim.scenario.issues import Issue, format_key, issues_from
from sim.scenario.positions import (
    Span,
    find_positions,
    locate,
    parse_dotted_key,
    syntax_error_position,
)
from sim.scenario.schema import Scenario

__all__ = ["OVERRIDE_FILE", "ScenarioError", "load_scenario", "loads_scenario", "parse_overrides"]

#: The ``file`` of errors about ``--set`` overrides.
OVERRIDE_FILE = "--set"

_INDEX = re.compile(r"\[(\d+)\]")


def _one_line(text: str) -> str:
    """``text`` as is, or its ``repr`` if it holds control characters (newlines...)."""
    return repr(text) if any(ord(c) < 0x20 or c == "\x7f" for c in text) else text


class ScenarioError(ValidationError):
    """A scenario's problems; reads as the first one, all of them in :attr:`errors`.

    Args:
        errors: The problems, in the order to report them (non-empty).

    Attributes:
        errors: Every problem found, each a :class:`~sim.errors.ValidationError`
            with its own key, file, line and column.

    Examples:
        >>> try:
        ...     load_scenario({"name": "x", "replicates": 0, "network": {"dataset": "karate"},
        ...                    "model": {"name": "ic", "p": 1.5}, "seeding": {"k": 1}})
        ... except ScenarioError as err:
        ...     print(err)
        ...     print([str(e) for e in err.errors])
        replicates: must be >= 1, got 0
        ['replicates: must be >= 1, got 0', 'model.p: must be in [0, 1], got 1.5']
    """

    def __init__(self, errors: Sequence[ValidationError]) -> None:
        first = errors[0]
        super().__init__(
            first.message, key=first.key, file=first.file, line=first.line, col=first.col
        )
        self.errors: tuple[ValidationError, ...] = tuple(errors)


def _plain(value: Any) -> Any:
    """A deep copy with Python's own types: numpy-style scalars become int/float and
    tuples lists, so that values built in a notebook pass the strict TOML-typed checks."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, bool | int | float | str) or value is None:
        return copy.copy(value)
    if getattr(getattr(value, "dtype", None), "kind", None) == "b":
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return copy.deepcopy(value)


# --------------------------------------------------------------------------- overrides
def _parse_value(text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except (tomllib.TOMLDecodeError, RecursionError):
        return text


def _override_path(key: str) -> tuple[str, ...]:
    try:
        return parse_dotted_key(_INDEX.sub(r".\1", key))
    except ValueError:
        raise ValidationError(
            "not a valid key (dotted keys such as model.p or arms[0].model.p)",
            key=_one_line(key),
            file=OVERRIDE_FILE,
        ) from None


def parse_overrides(
    overrides: Sequence[str] | Mapping[str, Any] | None,
) -> list[tuple[tuple[str, ...], Any]]:
    """Turn ``--set`` overrides into (key path, value) pairs.

    Args:
        overrides: ``["model.p=0.2", "seeding.strategy=degree"]`` (each value read as a
            TOML value, else taken as a bare string), or ``{"model.p": 0.2}`` (values
            as given). ``arms[1].model.p`` and ``arms.1.model.p`` both address arm 1.

    Returns:
        ``[(("model", "p"), 0.2), ...]`` in the order given.

    Raises:
        ValidationError: With file ``--set`` for an item without ``=`` or a bad key.

    Examples:
        >>> parse_overrides(["model.p=0.2", "seeding.strategy=degree", "arms[0].steps=5"])
        [(('model', 'p'), 0.2), (('seeding', 'strategy'), 'degree'), (('arms', '0', 'steps'), 5)]
    """
    if overrides is None:
        return []
    out = []
    if isinstance(overrides, Mapping):
        for key, value in overrides.items():
            out.append((_override_path(str(key)), _plain(value)))
        return out
    if isinstance(overrides, str):
        overrides = [overrides]
    for item in overrides:
        key, sep, text = str(item).partition("=")
        if not sep:
            raise ValidationError(
                "expected KEY=VALUE (e.g. model.p=0.2)",
                key=_one_line(str(item).strip()),
                file=OVERRIDE_FILE,
            )
        out.append((_override_path(key.strip()), _parse_value(text.strip())))
    return out


def _apply_override(
    data: dict[str, Any], path: tuple[str, ...], value: Any
) -> tuple[str | int, ...]:
    """Set ``value`` at ``path`` in ``data``; return the path with list indices as ints."""
    node: Any = data
    done: list[str | int] = []
    for j, part in enumerate(path):
        last = j == len(path) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                shown: str | int = int(part) if part.isdigit() else part
                raise ValidationError(
                    f"no item {part} in {format_key(done)} ({len(node)} item(s), indices from 0)",
                    key=format_key((*done, shown)),
                    file=OVERRIDE_FILE,
                )
            index = int(part)
            done.append(index)
            if last:
                node[index] = value
            else:
                node = node[index]
            continue
        if not isinstance(node, dict):
            raise ValidationError(
                f"cannot set a key inside {format_key(done)}: it is not a table",
                key=format_key((*done, part)),
                file=OVERRIDE_FILE,
            )
        done.append(part)
        if last:
            node[part] = value
        else:
            node = node.setdefault(part, {})
    return tuple(done)


# --------------------------------------------------------------------------- reading
def _read(path: Path, label: str) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DataFileError("scenario file not found", file=label) from None
    except IsADirectoryError:
        raise DataFileError("is a folder, not a scenario file", file=label) from None
    except OSError as exc:
        raise DataFileError(
            f"cannot read the scenario file: {exc.strerror or exc}", file=label
        ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8", errors="replace")
        line = good.count("\n") + 1
        col = len(good) - (good.rfind("\n") + 1) + 1
        raise ValidationError("not UTF-8 text", file=label, line=line, col=col) from None


def _parse(text: str, label: str | None) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message, line, col = syntax_error_position(exc, text)
        message = message[:1].lower() + message[1:]
        raise ValidationError(
            f"TOML syntax error: {message}", file=label, line=line, col=col
        ) from None
    except RecursionError:
        raise ValidationError("TOML syntax error: values nested too deeply", file=label) from None


def _error_for(
    issue: Issue,
    spans: dict[tuple[str | int, ...], Span],
    label: str | None,
    overridden: list[tuple[str | int, ...]],
) -> ValidationError:
    if any(issue.path[: len(p)] == p for p in overridden):
        return ValidationError(issue.message, key=issue.key, file=OVERRIDE_FILE)
    pos = locate(spans, issue.path, issue.kind)
    return ValidationError(
        issue.message,
        key=issue.key or None,
        file=label,
        line=pos.line if pos else None,
        col=pos.col if pos else None,
    )


def _order(error: ValidationError) -> tuple[int, int, int]:
    if error.file == OVERRIDE_FILE:
        return (0, 0, 0)
    return (1, error.line or 0, error.col or 0)


def _build(
    data: dict[str, Any],
    *,
    text: str | None,
    label: str | None,
    source_path: Path | None,
    overrides: Sequence[str] | Mapping[str, Any] | None,
) -> Scenario:
    overridden = [_apply_override(data, path, value) for path, value in parse_overrides(overrides)]
    spans = find_positions(text) if text is not None else {}
    try:
        scenario = Scenario.model_validate(data)
    except PydanticValidationError as exc:
        errors = [
            _error_for(issue, spans, label, overridden) for issue in issues_from(exc, Scenario)
        ]
        errors.sort(key=_order)
        raise ScenarioError(errors) from None
    scenario._source_path = source_path
    _check_network_files(scenario, spans, label, overridden)
    return scenario


def _check_network_files(
    scenario: Scenario,
    spans: dict[tuple[str | int, ...], Span],
    label: str | None,
    overridden: list[tuple[str | int, ...]],
) -> None:
    """A missing network file or person table (``people.table``) is reported at load
    time, where it is written."""
    arms = scenario.arm_scenarios()
    for i, (_, arm) in enumerate(arms):
        people = getattr(arm, "people", None)
        table = people.table if people is not None else None
        for section, name, path in (
            ("network", "file", arm.network_file),
            ("people", "table", None if table is None else arm.base_dir / table),
        ):
            if path is None or path.is_file():
                continue
            key: tuple[str | int, ...] = (section, name)
            if scenario.arms and (getattr(scenario.arms[i], section) or {}).get(name) is not None:
                key = ("arms", i, section, name)
            issue = Issue(key, f"file not found: {_one_line(str(path))}")
            raise ScenarioError([_error_for(issue, spans, label, overridden)])


def load_scenario(
    source: str | os.PathLike[str] | Mapping[str, Any],
    *,
    overrides: Sequence[str] | Mapping[str, Any] | None = None,
) -> Scenario:
    """Read, override and validate a scenario.

    Args:
        source: Path of a TOML file, or the scenario as a dict (not modified; numpy
            scalars and tuples are taken as numbers and lists).
        overrides: ``--set`` overrides applied before validation (see
            :func:`parse_overrides`): ``["model.p=0.2", "network.n=500"]`` or
            ``{"model.p": 0.2}``.

    Returns:
        The validated, resolved scenario (arms validated too); ``source_path`` is the
        file's absolute path, or ``None`` for a dict.

    Raises:
        ScenarioError: For any invalid value or key, with key, file, line and column
            (file ``--set`` for a bad override); a subclass of
            :class:`sim.errors.ValidationError`.
        sim.errors.DataFileError: If the file cannot be read.
        sim.errors.ValidationError: For a TOML syntax error (with line and column) or
            a malformed override.

    Examples:
        >>> sc = load_scenario({"name": "demo", "network": {"dataset": "Karate"},
        ...     "model": {"name": "ic", "p": 0.1}, "seeding": {"k": 2}},
        ...     overrides=["model.p=0.2"])
        >>> sc.network.dataset, sc.model.p
        ('karate', 0.2)
        >>> load_scenario({"name": "demo", "model": {"name": "icx"}})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        sim.scenario.load.ScenarioError: model.name: must be one of ic, si, ...; got 'icx'
    """
    if isinstance(source, Mapping):
        return _build(
            _plain(source),
            text=None,
            label=None,
            source_path=None,
            overrides=overrides,
        )
    label = os.fspath(source)
    path = Path(label)
    text = _read(path, label)
    return _build(
        _parse(text, label),
        text=text,
        label=label,
        source_path=path.absolute(),
        overrides=overrides,
    )


def loads_scenario(
    text: str,
    *,
    source_path: str | os.PathLike[str] | None = None,
    overrides: Sequence[str] | Mapping[str, Any] | None = None,
) -> Scenario:
    """Validate a scenario given as TOML text.

    Args:
        text: The TOML document.
        source_path: The file the text stands for: names it in errors and anchors
            relative network files; ``None`` for neither (errors then name
            ``<string>``).
        overrides: As for :func:`load_scenario`.

    Returns:
        The validated, resolved scenario.

    Raises:
        ScenarioError: As :func:`load_scenario`.
        sim.errors.ValidationError: For a TOML syntax error.

    Examples:
        >>> loads_scenario('name = "x"\\nsteps = 5\\n[model]\\nname = "bass_mean_field"\\n'
        ...                'p = 0.03\\nq = 2\\nn = 100\\n')
        Traceback (most recent call last):
        ...
        sim.scenario.load.ScenarioError: <string>:6:5: model.q: must be in [0, 1], got 2
    """
    label = os.fspath(source_path) if source_path is not None else "<string>"
    path = Path(source_path).absolute() if source_path is not None else None
    return _build(
        _parse(text, label), text=text, label=label, source_path=path, overrides=overrides
    )
