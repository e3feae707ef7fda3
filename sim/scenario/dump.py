"""Writing plain data as TOML (the stdlib reads TOML but does not write it).

Enough TOML for resolved scenarios: strings, integers, floats (``nan``/``inf``
included), booleans, dates and times, lists, and tables. Top-level values come first,
then ``[tables]``, then ``[[arrays of tables]]``; lists of tables become ``[[...]]``
sections, other lists inline arrays. Floats are written with :func:`repr`, so they
read back bit for bit.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["dumps_toml", "toml_key", "toml_value"]

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _string(text: str) -> str:
    out = []
    for c in text:
        if c in _ESCAPES:
            out.append(_ESCAPES[c])
        elif ord(c) < 0x20 or c == "\x7f":
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def toml_key(key: str) -> str:
    """A key as TOML writes it: bare if it can be, else a quoted string.

    Examples:
        >>> toml_key("p"), toml_key("high p")
        ('p', '"high p"')
    """
    return key if _BARE.fullmatch(key) else _string(key)


def toml_value(value: Any) -> str:
    """A value as an inline TOML value.

    Args:
        value: str, bool, int, float, date/time, list or mapping.

    Returns:
        The TOML text.

    Raises:
        TypeError: For a value TOML cannot hold (``None``, objects).

    Examples:
        >>> toml_value([1, 0.5, "a", True, {"x": 1}])
        '[1, 0.5, "a", true, { x = 1 }]'
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, _dt.datetime | _dt.date | _dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"TOML cannot hold {value!r}")


def _is_table_array(value: Any) -> bool:
    return (
        isinstance(value, list | tuple)
        and bool(value)
        and all(isinstance(v, Mapping) for v in value)
    )


def _emit(lines: list[str], prefix: tuple[str, ...], table: Mapping[str, Any]) -> None:
    subtables = []
    arrays = []
    for key, value in table.items():
        if value is None:
            continue
        if isinstance(value, Mapping):
            subtables.append((key, value))
        elif _is_table_array(value):
            arrays.append((key, value))
        else:
            lines.append(f"{toml_key(key)} = {toml_value(value)}")
    for key, value in subtables:
        path = (*prefix, key)
        lines.extend(["", "[" + ".".join(toml_key(k) for k in path) + "]"])
        _emit(lines, path, value)
    for key, items in arrays:
        path = (*prefix, key)
        for item in items:
            lines.extend(["", "[[" + ".".join(toml_key(k) for k in path) + "]]"])
            _emit(lines, path, item)


def dumps_toml(data: Mapping[str, Any]) -> str:
    """A TOML document for ``data`` (``None`` values are left out).

    Args:
        data: Nested plain data.

    Returns:
        The text, ending with a newline.

    Examples:
        >>> print(dumps_toml({"name": "x", "model": {"p": 0.1}, "arms": [{"name": "a"}]}))
        name = "x"
        <BLANKLINE>
        [model]
        p = 0.1
        <BLANKLINE>
        [[arms]]
        name = "a"
        <BLANKLINE>
    """
    lines: list[str] = []
    _emit(lines, (), data)
    while lines and lines[0] == "":
        lines.pop(0)
    return "\n".join(lines) + "\n"
