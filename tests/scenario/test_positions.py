"""The position finder: every key path of a TOML text mapped to its (line, col)."""

from __future__ import annotations

import textwrap
import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.scenario.positions import (
    Position,
    find_positions,
    locate,
    parse_dotted_key,
    syntax_error_position,
)

from .conftest import BASE, SHIPPED

P = Position


def _leaves(data, path=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _leaves(value, (*path, i))
    else:
        yield path, data


def _all_paths(data, path=()):
    if path:
        yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _all_paths(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _all_paths(value, (*path, i))


def test_tables_keys_and_values():
    spans = find_positions(BASE)
    assert spans[("name",)].key == P(1, 1)
    assert spans[("name",)].value == P(1, 8)
    assert spans[("network",)].key == P(6, 1)
    assert spans[("network",)].value == P(6, 1)
    assert spans[("network", "m")].key == P(9, 1)
    assert spans[("network", "m")].value == P(9, 5)
    assert spans[("model", "p")].value == P(13, 5)


def test_array_of_tables_with_dotted_keys():
    spans = find_positions(BASE)
    assert spans[("arms",)].key == P(19, 1)
    assert spans[("arms", 0)].key == P(19, 1)
    assert spans[("arms", 1)].key == P(23, 1)
    assert spans[("arms", 0, "name")].value == P(20, 8)
    assert spans[("arms", 0, "model")].key == P(21, 1)
    assert spans[("arms", 0, "model", "p")].key == P(21, 7)
    assert spans[("arms", 0, "model", "p")].value == P(21, 11)
    assert spans[("arms", 1, "seeding", "strategy")].value == P(25, 20)


def test_subtable_of_the_last_array_element():
    text = (
        '[[arms]]\nname = "a"\n[[arms]]\nname = "b"\n[arms.model]\np = 0.2\n[arms.seeding]\nk = 1\n'
    )
    spans = find_positions(text)
    assert spans[("arms", 1, "model")].key == P(5, 1)
    assert spans[("arms", 1, "model", "p")].value == P(6, 5)
    assert spans[("arms", 1, "seeding", "k")].value == P(8, 5)
    assert ("arms", 0, "model") not in spans


def test_inline_tables_arrays_and_quoted_keys():
    text = textwrap.dedent(
        """\
        model = { name = "ic", p = 0.1 }
        "odd key" . 'x' = 1
        nodes = [1, "b",
           [2, 3], { a = true }]  # comment [not = a table]
        """
    )
    spans = find_positions(text)
    assert spans[("model",)].value == P(1, 9)
    assert spans[("model", "name")].value == P(1, 18)
    assert spans[("model", "p")].key == P(1, 24)
    assert spans[("model", "p")].value == P(1, 28)
    assert spans[("odd key",)].key == P(2, 1)
    assert spans[("odd key", "x")].key == P(2, 13)
    assert spans[("odd key", "x")].value == P(2, 19)
    assert spans[("nodes", 0)].value == P(3, 10)
    assert spans[("nodes", 1)].value == P(3, 13)
    assert spans[("nodes", 2)].value == P(4, 4)
    assert spans[("nodes", 2, 1)].value == P(4, 8)
    assert spans[("nodes", 3, "a")].value == P(4, 18)


def test_strings_and_comments_that_look_like_toml_are_skipped():
    text = textwrap.dedent(
        '''\
        description = """
        [fake]
        x = 1 """
        path = 'C:\\dir\\[x]'   # [another] = fake
        esc = "a \\" [b] = 2"
        y = 2
        '''
    )
    spans = find_positions(text)
    assert ("fake",) not in spans and ("x",) not in spans and ("b",) not in spans
    assert spans[("y",)].value == P(6, 5)
    assert spans[("path",)].value == P(4, 8)


def test_columns_count_characters_and_crlf_lines():
    text = 'name = "総合"\r\n[model]\r\nnote = "é"  \r\np = 0.1\r\n'
    spans = find_positions(text)
    assert spans[("model", "p")].value == P(4, 5)
    assert spans[("model", "note")].value == P(3, 8)


def test_nested_table_headers_and_implicit_parents():
    text = "[a.b]\nc = 1\n[[a.list]]\nd = 2\n[[a.list]]\nd = 3\n"
    spans = find_positions(text)
    assert spans[("a",)].key == P(1, 1)
    assert spans[("a", "b", "c")].value == P(2, 5)
    assert spans[("a", "list", 1, "d")].value == P(6, 5)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_path_of_the_shipped_scenarios_is_found(path):
    text = path.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    spans = find_positions(text)
    for p in _all_paths(data):
        assert p in spans, p
    lines = text.splitlines()
    for p, value in _leaves(data):
        pos = spans[p].value
        rest = lines[pos.line - 1][pos.col - 1 :]
        assert _value_at_start(rest) == value, (p, rest)


def _value_at_start(rest: str):
    """The TOML value a line starts with: the longest prefix that parses (a value in
    an inline table or an array is followed by more of the line)."""
    for end in range(len(rest), 0, -1):
        try:
            return tomllib.loads(f"v = {rest[:end]}")["v"]
        except tomllib.TOMLDecodeError:
            continue
    raise AssertionError(f"no TOML value at the start of {rest!r}")


def test_locate_value_key_missing():
    spans = find_positions(BASE)
    assert locate(spans, ("network", "m")) == P(9, 5)
    assert locate(spans, ("network", "m"), "unknown") == P(9, 1)
    assert locate(spans, ("network", "seed"), "missing") == P(6, 1)
    assert locate(spans, ("arms", 0, "model", "q"), "missing") == P(21, 1)
    assert locate(spans, ("arms", 1, "model", "q"), "missing") == P(23, 1)
    assert locate(spans, ("description",), "missing") == P(1, 1)
    assert locate({}, ("x",)) is None


def test_parse_dotted_key():
    assert parse_dotted_key("model.p") == ("model", "p")
    assert parse_dotted_key(" a . \"b.c\" . 'd'") == ("a", "b.c", "d")
    for bad in ("", "a.", "a b", ".a", "a.b = 1"):
        with pytest.raises(ValueError):
            parse_dotted_key(bad)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a = 1\nb = \n", ("Invalid value", 2, 5)),
        ('a = "open\n', ("Illegal character '\\n'", 1, 10)),
        ("[t]\nx = 1\n[t]\n", ("Cannot declare ('t',) twice", 3, 3)),
        ("a = [1, 2", ("Unclosed array", 1, 10)),
    ],
)
def test_syntax_error_position(text, expected):
    with pytest.raises(tomllib.TOMLDecodeError) as info:
        tomllib.loads(text)
    assert syntax_error_position(info.value, text) == expected


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("ab =.[]{}\"'#,\n\\1\t")), max_size=60))
def test_find_positions_never_raises_on_any_text(text):
    spans = find_positions(text)
    assert all(span.key.line >= 1 and span.value.col >= 1 for span in spans.values())
