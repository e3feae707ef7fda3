"""Where each key and value of a TOML text sits: (line, column) by dotted path.

``tomllib`` returns plain dicts with no positions, so error messages could not say
*where* a bad value is. :func:`find_positions` scans the text once more (it is
called only on text ``tomllib`` has already accepted) and maps every path to the
position of its key and of its value. A path is a tuple of keys and list indices,
exactly as the parsed data is indexed: ``("network", "m")``, ``("arms", 1, "model",
"p")``. It understands ``[table]``, ``[a.b]``, ``[[array.of.tables]]`` (with the
index of each element), dotted keys ``a.b = 1``, quoted keys, inline tables and
arrays (each element gets its index), multi-line strings and comments.

Positions are 1-based; columns count characters (not bytes), as editors show them.

Examples:
    >>> pos = find_positions('name = "x"\\n[network]\\nm = 3\\n')
    >>> pos[("network", "m")].value
    Position(line=3, col=5)
    >>> pos[("network",)].key
    Position(line=2, col=1)
"""

from __future__ import annotations

import bisect
import re
import tomllib
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "KeyPath",
    "Position",
    "Span",
    "find_positions",
    "locate",
    "parse_dotted_key",
    "syntax_error_position",
]

#: A dotted path into parsed TOML data: keys (str) and list indices (int).
type KeyPath = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_AT_LINE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_AT_END = re.compile(r"\s*\(at end of document\)\s*$")


@dataclass(frozen=True)
class Position:
    """A 1-based (line, column) place in a text.

    Attributes:
        line: Line number, from 1.
        col: Column number, from 1, in characters.
    """

    line: int
    col: int


@dataclass
class Span:
    """Where one path is written.

    Attributes:
        key: Where its key starts (for a table: its first ``[header]``; for the segment
            of a dotted key: that segment).
        value: Where its value starts (for a table defined by a header: the header).
    """

    key: Position
    value: Position


class _Scanner:
    """A forgiving single pass over valid TOML, recording key and value positions."""

    def __init__(self, text: str) -> None:
        self.s = text
        self.n = len(text)
        self.i = 0
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.out: dict[KeyPath, Span] = {}
        self.aot_count: dict[KeyPath, int] = {}

    # -- positions ---------------------------------------------------------------
    def pos(self, i: int) -> Position:
        line = bisect.bisect_right(self.line_starts, i)
        return Position(line, i - self.line_starts[line - 1] + 1)

    def record_key(self, path: KeyPath, i: int) -> None:
        if path not in self.out:
            p = self.pos(i)
            self.out[path] = Span(p, p)

    def record_value(self, path: KeyPath, key_i: int, value_i: int) -> None:
        span = self.out.get(path)
        if span is None:
            self.out[path] = Span(self.pos(key_i), self.pos(value_i))
        else:
            span.value = self.pos(value_i)

    # -- lexing ------------------------------------------------------------------
    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.s[j] if j < self.n else ""

    def skip_spaces(self) -> None:
        while self.i < self.n and self.s[self.i] in " \t":
            self.i += 1

    def skip_comment(self) -> None:
        if self.peek() == "#":
            while self.i < self.n and self.s[self.i] != "\n":
                self.i += 1

    def skip_blank(self) -> None:
        """Spaces, newlines and comments (between statements, inside arrays)."""
        while self.i < self.n:
            c = self.s[self.i]
            if c in " \t\r\n":
                self.i += 1
            elif c == "#":
                self.skip_comment()
            else:
                return

    def skip_line(self) -> None:
        while self.i < self.n and self.s[self.i] != "\n":
            self.i += 1

    def skip_string(self) -> None:
        s, i = self.s, self.i
        if s.startswith('"""', i) or s.startswith("'''", i):
            quote = s[i : i + 3]
            i += 3
            while i < self.n:
                if quote == '"""' and s[i] == "\\":
                    i += 2
                elif s.startswith(quote, i):
                    i += 3
                    # Up to two quote characters may end the content right before the
                    # closing delimiter (e.g. """a""""").
                    extra = 0
                    while i < self.n and s[i] == quote[0] and extra < 2:
                        i += 1
                        extra += 1
                    break
                else:
                    i += 1
        else:
            quote = s[i]
            i += 1
            while i < self.n and s[i] != quote and s[i] != "\n":
                i += 2 if (quote == '"' and s[i] == "\\") else 1
            i += 1
        self.i = min(i, self.n)

    def read_key(self) -> list[tuple[str, int]]:
        """A (possibly dotted) key: its segments and where each starts."""
        parts: list[tuple[str, int]] = []
        while True:
            self.skip_spaces()
            start = self.i
            c = self.peek()
            if c and c in "\"'":
                self.skip_string()
                raw = self.s[start : self.i]
                try:
                    name = tomllib.loads(f"k = {raw}")["k"]
                except (tomllib.TOMLDecodeError, KeyError):
                    name = raw.strip("\"'")
            else:
                m = _BARE_KEY.match(self.s, self.i)
                if m is None:
                    raise ValueError("not a key")
                name = m.group()
                self.i = m.end()
            parts.append((str(name), start))
            self.skip_spaces()
            if self.peek() == ".":
                self.i += 1
                continue
            return parts

    # -- grammar -----------------------------------------------------------------
    def run(self) -> dict[KeyPath, Span]:
        current: KeyPath = ()
        while True:
            self.skip_blank()
            if self.i >= self.n:
                return self.out
            before = self.i
            if self.s.startswith("[[", self.i):
                current = self.header(array=True)
            elif self.peek() == "[":
                current = self.header(array=False)
            else:
                self.key_value(current)
                self.skip_spaces()
                self.skip_comment()
            if self.i == before:  # never loop forever on text we do not understand
                self.skip_line()

    def header(self, *, array: bool) -> KeyPath:
        start = self.i
        self.i += 2 if array else 1
        keys = [k for k, _ in self.read_key()]
        concrete: KeyPath = ()
        for j, key in enumerate(keys):
            concrete = (*concrete, key)
            last = j == len(keys) - 1
            if last and array:
                idx = self.aot_count.get(concrete, 0)
                self.aot_count[concrete] = idx + 1
                self.record_key(concrete, start)
                concrete = (*concrete, idx)
            elif concrete in self.aot_count:
                concrete = (*concrete, self.aot_count[concrete] - 1)
            self.record_key(concrete, start)
        self.skip_line()
        return concrete

    def key_value(self, table: KeyPath) -> None:
        parts = self.read_key()
        path = table
        for name, start in parts:
            path = (*path, name)
            self.record_key(path, start)
        self.skip_spaces()
        if self.peek() != "=":
            raise ValueError("expected '='")
        self.i += 1
        self.skip_spaces()
        self.value(path, parts[-1][1])

    def value(self, path: KeyPath, key_i: int) -> None:
        self.record_value(path, key_i, self.i)
        c = self.peek()
        if c == "{":
            self.i += 1
            while self.i < self.n:
                self.skip_blank()
                if self.peek() == "}":
                    self.i += 1
                    return
                if self.peek() == ",":
                    self.i += 1
                    continue
                before = self.i
                self.key_value(path)
                if self.i == before:
                    raise ValueError("stuck in inline table")
        elif c == "[":
            self.i += 1
            idx = 0
            while self.i < self.n:
                self.skip_blank()
                if self.peek() == "]":
                    self.i += 1
                    return
                if self.peek() == ",":
                    self.i += 1
                    continue
                before = self.i
                self.value((*path, idx), self.i)
                idx += 1
                if self.i == before:
                    raise ValueError("stuck in array")
        elif c and c in "\"'":
            self.skip_string()
        else:
            while self.i < self.n and self.s[self.i] not in ",]}\n#\r":
                self.i += 1


def find_positions(text: str) -> dict[KeyPath, Span]:
    """Map every key path of a TOML text to where its key and value are written.

    Args:
        text: A TOML document, normally one ``tomllib`` has accepted.

    Returns:
        ``{path: Span}``. On text it cannot follow the scanner stops and returns what
        it found so far; it never raises.

    Examples:
        >>> spans = find_positions('[[arms]]\\nname = "a"\\n[[arms]]\\nmodel.p = 0.1\\n')
        >>> spans[("arms", 1, "model", "p")].value
        Position(line=4, col=11)
        >>> spans[("arms", 1)].key
        Position(line=3, col=1)
    """
    scanner = _Scanner(text)
    try:
        return scanner.run()
    except (ValueError, IndexError, RecursionError):
        return scanner.out


def locate(
    spans: dict[KeyPath, Span],
    path: KeyPath,
    kind: Literal["value", "missing", "unknown"] = "value",
) -> Position | None:
    """Where to point for an error about ``path``.

    Args:
        spans: The result of :func:`find_positions`.
        path: The key path at fault.
        kind: ``"value"``: the value at ``path``; ``"unknown"``: its key;
            ``"missing"``: ``path`` (or a key inside it) is absent, so the table (header
            or key) it should be in.

    Returns:
        The position of the value (``"value"``) or key (``"unknown"``) if ``path`` is
        written; otherwise the key of its nearest written ancestor; line 1, column 1
        for a top-level key missing from a file; ``None`` if ``spans`` is empty.

    Examples:
        >>> spans = find_positions('[model]\\nname = "ic"\\n')
        >>> locate(spans, ("model", "p"), "missing")
        Position(line=1, col=1)
        >>> locate(spans, ("model", "name"))
        Position(line=2, col=8)
    """
    if not spans:
        return None
    span = spans.get(path)
    if span is not None and kind != "missing":
        return span.key if kind == "unknown" else span.value
    # A "missing" path that is written is a table lacking a key: point at the table.
    for j in range(len(path) - (0 if kind == "missing" else 1), 0, -1):
        span = spans.get(path[:j])
        if span is not None:
            return span.key
    return Position(1, 1)


def parse_dotted_key(text: str) -> tuple[str, ...]:
    """Split a dotted TOML key (``model.p``, ``network."odd key"``) into its parts.

    Args:
        text: The key, as written on a command line or in a TOML file.

    Returns:
        The key segments.

    Raises:
        ValueError: If ``text`` is not a valid TOML key.

    Examples:
        >>> parse_dotted_key('arms.0. model."p"')
        ('arms', '0', 'model', 'p')
    """
    scanner = _Scanner(text)
    parts = scanner.read_key()
    scanner.skip_spaces()
    if scanner.i != scanner.n or not parts:
        raise ValueError(f"not a valid key: {text!r}")
    return tuple(name for name, _ in parts)


def syntax_error_position(error: tomllib.TOMLDecodeError, text: str) -> tuple[str, int, int]:
    """Split a ``TOMLDecodeError`` into its message and position.

    Args:
        error: The error ``tomllib`` raised.
        text: The text it was parsing (for "at end of document").

    Returns:
        ``(message, line, col)``, the message without its position suffix.

    Examples:
        >>> try:
        ...     tomllib.loads("a = 1\\nb = \\n")
        ... except tomllib.TOMLDecodeError as e:
        ...     syntax_error_position(e, "a = 1\\nb = \\n")
        ('Invalid value', 2, 5)
    """
    msg = str(getattr(error, "msg", None) or error)
    lineno = getattr(error, "lineno", None)
    colno = getattr(error, "colno", None)
    m = _AT_LINE.search(msg)
    if m is not None:
        msg = msg[: m.start()]
        lineno, colno = int(m.group(1)), int(m.group(2))
    elif _AT_END.search(msg):
        msg = _AT_END.sub("", msg)
        lines = text.split("\n")
        lineno, colno = len(lines), len(lines[-1]) + 1
    if lineno is None or colno is None:
        lineno, colno = 1, 1
    return msg, int(lineno), int(colno)
