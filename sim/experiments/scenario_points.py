"""A scenario's dotted keys, and the scenarios of its points (sweeps, calibration).

A sweep point or a calibration trial is the scenario with a few keys set
(``{"community.cap": 150}``): :func:`scenario_source` reads the scenario once and
returns a function making each point's validated scenario, with errors placed in
the file; :func:`lookup` reads a key's current value; :func:`key_path` splits a
dotted key as ``--set`` does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sim.errors import ValidationError

__all__ = [
    "LEAN_OUTPUTS",
    "MISSING",
    "absolute_files",
    "canonical_key",
    "key_path",
    "lookup",
    "scenario_source",
]

#: What :func:`lookup` returns for a key the scenario does not hold.
MISSING = object()

#: Outputs of ``sim.run`` that sweeps and calibrations do not keep, switched off in
#: their points (when the scenario schema has them): per-person rows of the marketing
#: model.
LEAN_OUTPUTS: dict[str, Any] = {"outputs.people": False}


def key_path(key: str) -> tuple[str, ...]:
    """A dotted key's parts, as ``--set`` reads them.

    Args:
        key: E.g. ``"community.cap"`` or ``"arms[1].model.p"``.

    Returns:
        The parts, e.g. ``("community", "cap")``.

    Raises:
        ValidationError: A key that is not a dotted path.

    Examples:
        >>> key_path("community.cap"), key_path("arms[1].model.p")
        (('community', 'cap'), ('arms', '1', 'model', 'p'))
    """
    from sim.scenario import parse_overrides

    return parse_overrides({key: 0})[0][0]


def canonical_key(key: str) -> str:
    """A key written the one way messages and records write it.

    Args:
        key: A dotted key in any accepted spelling.

    Returns:
        The canonical spelling (the key itself if it does not parse).

    Examples:
        >>> canonical_key("arms.1.model.p")
        'arms[1].model.p'
    """
    from sim.scenario.issues import format_key

    try:
        path = key_path(key)
    except ValidationError:
        return key
    return format_key([int(p) if p.isdigit() else p for p in path])


def lookup(data: Any, key: str) -> Any:
    """The value of a dotted key in a scenario's nested dict, or :data:`MISSING`.

    Args:
        data: The scenario as a dict (``Scenario.to_dict()``).
        key: A dotted key.

    Returns:
        The value, or :data:`MISSING` when the key is not there (or does not parse).

    Examples:
        >>> data = {"community": {"cap": 100}, "arms": [{"name": "a"}]}
        >>> lookup(data, "community.cap"), lookup(data, "arms[0].name")
        (100, 'a')
        >>> lookup(data, "community.fee") is MISSING
        True
    """
    try:
        path = key_path(key)
    except ValidationError:
        return MISSING
    node = data
    for part in path:
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return MISSING
    return node


def scenario_source(scenario: Any) -> tuple[Any, Callable[[dict[str, Any]], Any], str | None]:
    """Read a scenario once; make the scenario of any point from overrides.

    Args:
        scenario: A :class:`sim.scenario.Scenario`, a dict, or a TOML file's path.

    Returns:
        ``(base, make, text)``: the scenario as given (validated), ``make(overrides)``
        returning a point's validated scenario (errors placed in the file when there
        is one, and relative network files still found), and the file's text
        (``None`` unless read from a file).

    Raises:
        ValidationError: A missing, unreadable or invalid scenario (with positions).

    Examples:
        >>> base, make, text = scenario_source({"name": "s", "network": {"dataset": "karate"},
        ...     "model": {"name": "ic", "p": 0.1}, "seeding": {"k": 1}})
        >>> base.model.p, make({"model.p": 0.3}).model.p, text is None
        (0.1, 0.3, True)
    """
    from sim.scenario import Scenario, load_scenario, loads_scenario

    if isinstance(scenario, Scenario):
        data = scenario.to_dict()
        source_path = scenario.source_path
        absolute_files(data, scenario.base_dir)

        def make(overrides: dict[str, Any]) -> Any:
            sc = load_scenario(data, overrides=overrides)
            sc._source_path = source_path
            return sc

        text = None
    elif isinstance(scenario, Mapping):
        data = dict(scenario)
        text = None

        def make(overrides: dict[str, Any]) -> Any:
            return load_scenario(data, overrides=overrides)

    else:
        path = Path(scenario)
        load_scenario(path)  # file errors (missing, syntax, invalid) with positions
        text = path.read_text(encoding="utf-8-sig")

        def make(overrides: dict[str, Any]) -> Any:
            return loads_scenario(text, source_path=path, overrides=overrides)

    return make({}), make, text


def absolute_files(data: dict[str, Any], base_dir: Path) -> None:
    """Make the network files of a scenario dict absolute, in place.

    A scenario turned into a dict loses the folder its relative paths are relative
    to; this writes them out from ``base_dir``.

    Args:
        data: The scenario as a dict (its ``network`` table and its arms' ones).
        base_dir: The folder relative paths are relative to.

    Examples:
        >>> d = {"network": {"file": "net.txt"}, "arms": [{"network": {"file": "/a/b.txt"}}]}
        >>> absolute_files(d, Path("/data")); d["network"]["file"], d["arms"][0]["network"]["file"]
        ('/data/net.txt', '/a/b.txt')
    """
    tables = [data.get("network")] + [arm.get("network") for arm in data.get("arms") or []]
    for table in tables:
        path = table.get("file") if isinstance(table, dict) else None
        if isinstance(path, str) and not Path(path).is_absolute():
            table["file"] = str(base_dir / path)
