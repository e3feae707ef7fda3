"""Pydantic's validation errors, rewritten as short messages keyed by dotted path.

Pydantic reports ``('model', 'ic', 'p', 'constrained-float')`` and "Input should be
less than or equal to 1"; a strategist needs ``model.p: must be in [0, 1], got
1.5``. :func:`issues_from` walks each error location along the schema's types (so
union tags and branch labels, which are not keys of the file, are dropped), and
rewrites the message from the error type, the field's declared range and the value
got. Schema validators raise :func:`fail` to produce messages in the same style.

The key format is :func:`format_key`: keys joined by dots, list indices in brackets
(``arms[1].model.p``, 0-based), keys that are not bare TOML keys double-quoted.
"""

from __future__ import annotations

import datetime as _dt
import inspect
import math
import re
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import annotated_types as at
from pydantic import BaseModel, Tag
from pydantic import ValidationError as PydanticValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

__all__ = [
    "Issue",
    "IssueKind",
    "fail",
    "format_key",
    "issues_from",
    "range_text",
    "show",
]

#: ``value``: the value at the path is bad; ``missing``: the path is absent but
#: required; ``unknown``: the key at the path is not allowed there.
type IssueKind = Literal["value", "missing", "unknown"]

_BARE = re.compile(r"[A-Za-z0-9_-]+")

_TYPE_PHRASES = {
    "int_type": "an integer",
    "float_type": "a number",
    "string_type": "a string",
    "bool_type": "true or false",
    "list_type": "a list",
    "tuple_type": "a list",
    "dict_type": "a table",
    "model_type": "a table",
    "model_attributes_type": "a table",
    "finite_number": "a finite number",
}

_BOUND_TYPES = {
    "greater_than": (">", "gt"),
    "greater_than_equal": (">=", "ge"),
    "less_than": ("<", "lt"),
    "less_than_equal": ("<=", "le"),
}


@dataclass(frozen=True)
class Issue:
    """One validation problem, before it is given a file position.

    Attributes:
        path: Key path in the data (``("arms", 1, "model", "p")``).
        message: Short message, e.g. ``"must be in [0, 1], got 1.5"``.
        kind: What is wrong at ``path`` (see :data:`IssueKind`); decides where the
            error points (the value, the key, or the enclosing table).
    """

    path: tuple[str | int, ...]
    message: str
    kind: IssueKind = "value"

    @property
    def key(self) -> str:
        """The path in the documented key format (``arms[1].model.p``)."""
        return format_key(self.path)


def format_key(path: Sequence[str | int]) -> str:
    """Format a key path: dotted keys, ``[i]`` list indices, odd keys quoted.

    Args:
        path: Keys and list indices.

    Returns:
        The dotted key, e.g. ``arms[1].model.p``; ``""`` for the empty path.

    Examples:
        >>> format_key(("arms", 1, "model", "p"))
        'arms[1].model.p'
        >>> format_key(("model", "odd key"))
        'model."odd key"'
    """
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        text = part if _BARE.fullmatch(part) else _quote(part)
        out += f".{text}" if out else text
    return out


def _quote(text: str) -> str:
    body = "".join(
        {'"': '\\"', "\\": "\\\\"}.get(c, c)
        if ord(c) >= 0x20 and c != "\x7f"
        else f"\\u{ord(c):04x}"
        for c in text
    )
    return f'"{body}"'


def _number(x: float | int) -> str:
    if isinstance(x, float) and math.isfinite(x) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    if isinstance(x, float) and math.isnan(x):
        return "nan"
    if isinstance(x, float) and math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return repr(x)


def show(value: Any, limit: int = 60) -> str:
    """A value as the user wrote it, TOML-style and short, for "got ..." messages.

    Args:
        value: Any parsed TOML value (or Python value given in a dict).
        limit: Longest text shown before it is cut with ``...``.

    Returns:
        ``'abc'`` for strings, ``true``/``false``, numbers as written, short lists,
        ``a table`` for tables.

    Examples:
        >>> show(True), show("x"), show(1.0), show([1, 2]), show({"a": 1})
        ('true', "'x'", '1.0', '[1, 2]', 'a table')
    """
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int | float):
        text = repr(value) if isinstance(value, float) and math.isfinite(value) else _number(value)
    elif isinstance(value, str):
        text = repr(value)
    elif isinstance(value, dict | BaseModel):
        text = "a table"
    elif isinstance(value, list | tuple):
        inner = ", ".join(show(v, limit) for v in value[:6])
        text = f"[{inner}{', ...' if len(value) > 6 else ''}]"
    elif isinstance(value, _dt.date | _dt.time):
        text = value.isoformat()
    elif value is None:
        text = "nothing"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def fail(message: str, *subkey: str | int, kind: IssueKind = "value") -> PydanticCustomError:
    """An error for a schema validator to raise, already in the user-facing style.

    Args:
        message: The final message, e.g. ``"must be < n (100), got 100"``.
        *subkey: Path below the location pydantic gives the validator (a model
            validator is located at its model; ``fail(msg, "m")`` points at its ``m``).
        kind: See :data:`IssueKind`.

    Returns:
        The exception to ``raise``.

    Examples:
        >>> raise fail("must be even, got 3", "k")
        Traceback (most recent call last):
        ...
        pydantic_core._pydantic_core.PydanticCustomError: must be even, got 3
    """
    return PydanticCustomError(
        "sim", "{message}", {"message": message, "subkey": tuple(subkey), "kind": kind}
    )


def range_text(metadata: Sequence[Any]) -> str | None:
    """The allowed range declared by ``annotated_types`` constraints, in words.

    Args:
        metadata: A field's metadata (``FieldInfo.metadata`` or ``Annotated`` extras).

    Returns:
        ``"in [0, 1]"``, ``"in (0, 1]"``, ``">= 1"``, ``"> 0"``, ``"<= 1"`` or ``None``.

    Examples:
        >>> range_text([at.Ge(0), at.Le(1)])
        'in [0, 1]'
        >>> range_text([at.Gt(0)])
        '> 0'
    """
    lo = hi = None
    lo_open = hi_open = False
    for m in metadata:
        if isinstance(m, at.Interval):
            sub = [
                x
                for x in (
                    at.Gt(m.gt) if m.gt is not None else None,
                    at.Ge(m.ge) if m.ge is not None else None,
                    at.Lt(m.lt) if m.lt is not None else None,
                    at.Le(m.le) if m.le is not None else None,
                )
                if x is not None
            ]
            inner = range_text(sub)
            if inner:
                return inner
        elif isinstance(m, at.Ge):
            lo, lo_open = m.ge, False
        elif isinstance(m, at.Gt):
            lo, lo_open = m.gt, True
        elif isinstance(m, at.Le):
            hi, hi_open = m.le, False
        elif isinstance(m, at.Lt):
            hi, hi_open = m.lt, True
    if lo is not None and hi is not None:
        return f"in {'(' if lo_open else '['}{_number(lo)}, {_number(hi)}{')' if hi_open else ']'}"
    if lo is not None:
        return f"{'>' if lo_open else '>='} {_number(lo)}"
    if hi is not None:
        return f"{'<' if hi_open else '<='} {_number(hi)}"
    return None


# -- walking a location along the schema -------------------------------------------


@dataclass
class _Leaf:
    path: list[str | int]
    parent: type[BaseModel] | None  # model holding the last key, if any
    metadata: list[Any]  # constraints of the value at the path
    annotation: Any  # the (unwrapped) type of the value at the path


def _unwrap(tp: Any, metadata: list[Any]) -> Any:
    """Strip ``Annotated`` (collecting its metadata) and ``X | None``."""
    while True:
        if typing.get_origin(tp) is Annotated:
            tp, *extra = typing.get_args(tp)
            for m in extra:
                metadata.extend(m.metadata if isinstance(m, FieldInfo) else [m])
            continue
        if _is_union(tp):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) == 1:
                tp = args[0]
                continue
        return tp


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def _union_tags(tp: Any) -> dict[str, Any]:
    tags: dict[str, Any] = {}
    for arg in typing.get_args(tp):
        if typing.get_origin(arg) is Annotated:
            inner, *meta = typing.get_args(arg)
            for m in meta:
                if isinstance(m, Tag):
                    tags[m.tag] = inner
    return tags


def _walk(root: type[BaseModel], loc: Sequence[str | int]) -> _Leaf:
    tp: Any = root
    leaf = _Leaf([], None, [], root)
    free = False
    for el in loc:
        if free:
            leaf.path.append(el)
            continue
        tp = _unwrap(tp, leaf.metadata)
        if inspect.isclass(tp) and issubclass(tp, BaseModel):
            leaf.parent = tp
            leaf.path.append(el)
            leaf.metadata = []
            field = tp.model_fields.get(el) if isinstance(el, str) else None
            if field is None:
                free, tp = True, Any
            else:
                leaf.metadata = list(field.metadata)
                tp = field.annotation
            continue
        origin = typing.get_origin(tp)
        if origin in (list, tuple, set, frozenset) and isinstance(el, int):
            leaf.path.append(el)
            leaf.metadata = []
            args = typing.get_args(tp)
            tp = args[0] if args else Any
            continue
        if origin is dict:
            leaf.path.append(el)
            leaf.metadata = []
            args = typing.get_args(tp)
            tp = args[1] if len(args) == 2 else Any
            continue
        if _is_union(tp):
            tags = _union_tags(tp)
            if isinstance(el, str) and el in tags:
                tp = tags[el]
                continue
            # A branch label of a plain union ('constrained-float', 'str', ...): not a
            # key. Keep the constraints of the one branch that declares any.
            bounded = []
            for arg in typing.get_args(tp):
                meta: list[Any] = []
                _unwrap(arg, meta)
                if range_text(meta):
                    bounded.append(meta)
            if len(bounded) == 1:
                leaf.metadata.extend(bounded[0])
            break
        if tp is Any:
            leaf.path.append(el)
            free = True
            continue
        break
    leaf.annotation = _unwrap(tp, leaf.metadata) if not free else Any
    return leaf


def _describe(err: dict[str, Any], leaf: _Leaf) -> tuple[IssueKind, str, str | None]:
    """(kind, message, expected-type phrase or None) for one pydantic error."""
    etype = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    got = show(value)
    if etype == "missing":
        return "missing", "required key missing", None
    if etype == "extra_forbidden":
        last = leaf.path[-1] if leaf.path else "?"
        allowed = ", ".join(leaf.parent.model_fields) if leaf.parent is not None else ""
        return "unknown", f"unknown key {format_key([last])!r} (allowed: {allowed})", None
    if etype in _TYPE_PHRASES:
        phrase = _TYPE_PHRASES[etype]
        return "value", f"must be {phrase}, got {got}", phrase
    if etype in _BOUND_TYPES:
        words = range_text(leaf.metadata)
        if words is None:
            op, name = _BOUND_TYPES[etype]
            words = f"{op} {_number(ctx.get(name, '?'))}"
        return "value", f"must be {words}, got {got}", None
    if etype == "literal_error":
        if typing.get_origin(leaf.annotation) is Literal:
            allowed = ", ".join(str(a) for a in typing.get_args(leaf.annotation))
        else:
            allowed = str(ctx.get("expected", "")).replace("'", "")
        return "value", f"must be one of {allowed}; got {got}", None
    if etype == "string_too_short":
        n = ctx.get("min_length", 1)
        text = "must not be empty" if n == 1 else f"must have at least {n} characters"
        return "value", text, None
    if etype == "too_short":
        n = ctx.get("min_length", 1)
        return "value", f"must have at least {n} item{'s' if n != 1 else ''}, got {got}", None
    if etype == "too_long":
        n = ctx.get("max_length", 0)
        return "value", f"must have at most {n} item{'s' if n != 1 else ''}, got {got}", None
    if etype == "string_pattern_mismatch":
        return "value", f"must match {ctx.get('pattern')}, got {got}", None
    msg = str(err.get("msg", "invalid value"))
    msg = re.sub(r"^(Value|Assertion) error, ", "", msg)
    return "value", f"{msg[:1].lower()}{msg[1:]}, got {got}", None


def issues_from(error: PydanticValidationError, root: type[BaseModel]) -> list[Issue]:
    """Rewrite a pydantic ``ValidationError`` as :class:`Issue` objects.

    Errors that pydantic reports once per branch of a union (``p = true`` fails both
    "a number" and "a string") are merged into one: a constraint message if any
    branch got that far, else ``must be a number or a string, got true``.

    Args:
        error: What ``root.model_validate`` raised.
        root: The model that was validated (the walk starts there).

    Returns:
        The issues, in pydantic's order, at most one per path.
    """
    grouped: dict[tuple[str | int, ...], list[tuple[IssueKind, str, str | None]]] = {}
    for err in error.errors(include_url=False):
        leaf = _walk(root, err["loc"])
        ctx = err.get("ctx") or {}
        if err["type"] == "sim":
            subkey = ctx.get("subkey") or ()
            path = (*leaf.path, *subkey)
            entry: tuple[IssueKind, str, str | None] = (
                ctx.get("kind", "value"),
                str(ctx.get("message", err.get("msg", ""))),
                None,
            )
        else:
            path = tuple(leaf.path)
            entry = _describe(err, leaf)
        grouped.setdefault(path, []).append(entry)
    issues = []
    for path, entries in grouped.items():
        constraint = [e for e in entries if e[2] is None]
        if constraint:
            kind, message, _ = constraint[0]
        else:
            phrases = list(dict.fromkeys(e[2] for e in entries if e[2]))
            got = entries[0][1].rsplit(", got ", 1)[-1]
            kind, message = "value", f"must be {' or '.join(phrases)}, got {got}"
        issues.append(Issue(path, message, kind))
    return issues
