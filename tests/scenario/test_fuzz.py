"""Property: whatever a user does to a scenario, loading it either works or raises
one :class:`sim.errors.ValidationError`, never any other exception.

Each example takes a shipped scenario and mutates it once: delete a key, change a
value to a random TOML value of a random type, add a random key, or corrupt one
character of the text. A scenario that still loads must also survive the round trip
through ``to_toml``.
"""

from __future__ import annotations

import datetime as dt
import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.errors import ValidationError
from sim.scenario import load_scenario, loads_scenario
from sim.scenario.dump import dumps_toml

from .conftest import SHIPPED

SOURCES = {p: p.read_text(encoding="utf-8") for p in SHIPPED}
FAST = settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Keys a mutation may add: real ones (so that some additions are valid) and junk.
KNOWN_KEYS = [
    "name", "description", "seed", "replicates", "steps", "network", "model", "seeding",
    "arms", "outputs", "generator", "dataset", "file", "n", "m", "p", "q", "k", "d", "beta",
    "gamma", "phi", "theta", "weights", "nodes", "strategy", "dt", "initial", "mean_degree",
    "sizes", "directed", "format", "band", "report", "timeseries", "tau1", "mu",
]  # fmt: skip
keys = st.one_of(st.sampled_from(KNOWN_KEYS), st.text(min_size=0, max_size=8))

scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.integers(min_value=-3, max_value=3000),
    st.floats(),
    st.floats(min_value=-0.5, max_value=1.5),
    st.text(max_size=12),
    st.sampled_from(["ic", "sir", "bass", "bass_mean_field", "threshold", "karate", "degree"]),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.dates(),
    st.times(),
)
toml_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=3)),
    max_leaves=6,
)


def _paths(data, path=()):
    if path:
        yield path
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _paths(value, (*path, i))


def _at(data, path):
    for part in path:
        data = data[part]
    return data


@st.composite
def mutated_texts(draw):
    source = draw(st.sampled_from(sorted(SOURCES)))
    text = SOURCES[source]
    kind = draw(st.sampled_from(["delete", "change", "add", "corrupt"]))
    if kind == "corrupt":
        i = draw(st.integers(0, len(text) - 1))
        char = draw(st.one_of(st.sampled_from(list("=[]{}\"'#.,\n 0x-")), st.characters()))
        return source, text[:i] + char + text[i + 1 :]
    data = tomllib.loads(text)
    paths = list(_paths(data))
    if kind == "add":
        tables = [()] + [p for p in paths if isinstance(_at(data, p), dict)]
        table = _at(data, draw(st.sampled_from(tables)))
        table[draw(keys)] = draw(toml_values)
    else:
        path = draw(st.sampled_from(paths))
        parent = _at(data, path[:-1])
        if kind == "delete":
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(toml_values)
    written = dumps_toml(data)
    # The writer itself must produce TOML that reads back as the same data.
    assert dumps_toml(tomllib.loads(written)) == written
    return source, written


def _loads_or_validation_error(text, source, overrides=None):
    try:
        sc = loads_scenario(text, source_path=source, overrides=overrides)
    except ValidationError as exc:
        message = str(exc)
        assert message and "\n" not in message and "Traceback" not in message
        assert "pydantic" not in message.lower() and "Input should" not in message
        if exc.line is not None:
            assert 1 <= exc.line <= text.count("\n") + 1 and exc.col >= 1
        return None
    assert loads_scenario(sc.to_toml(), source_path=source) == sc
    for _, arm in sc.arm_scenarios():
        assert arm.arms == []
    return sc


@FAST
@given(mutated_texts())
def test_mutated_scenarios_load_or_raise_validation_error(case):
    source, text = case
    _loads_or_validation_error(text, source)


override_texts = st.builds(
    lambda key, value: f"{key}={value}",
    st.one_of(
        st.sampled_from(
            ["model.p", "network.n", "seeding.k", "arms[0].model.p", "arms.9.x", "seed"]
        ),
        st.text(max_size=12),
    ),
    st.one_of(st.text(max_size=12), st.sampled_from(["0.2", "-1", "[1, 2]", "{a = 1}", "true"])),
)


@FAST
@given(st.sampled_from(sorted(SOURCES)), st.lists(override_texts, max_size=3))
def test_random_overrides_load_or_raise_validation_error(source, overrides):
    _loads_or_validation_error(SOURCES[source], source, overrides=overrides)


python_values = st.recursive(
    st.one_of(st.none(), scalars, st.tuples(st.integers()), st.sets(st.integers(), max_size=2)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=3)),
    max_leaves=5,
)


@FAST
@given(st.sampled_from(sorted(SOURCES)), st.data())
def test_dicts_with_any_python_values_load_or_raise_validation_error(source, data):
    scenario = tomllib.loads(SOURCES[source])
    path = data.draw(st.sampled_from(list(_paths(scenario))))
    _at(scenario, path[:-1])[path[-1]] = data.draw(python_values)
    try:
        load_scenario(scenario)
    except ValidationError as exc:
        assert "\n" not in str(exc)


def test_the_mutations_are_not_all_rejected():
    """Guard against a vacuous property: small value changes must often load."""
    source = next(p for p in SOURCES if p.name == "ic_barabasi_albert.toml")
    ok = 0
    for p in (0.0, 0.2, 1, 0.99):
        text = SOURCES[source].replace("p = 0.05", f"p = {p}")
        ok += _loads_or_validation_error(text, source) is not None
    assert ok == 4
    assert (
        _loads_or_validation_error(SOURCES[source].replace("p = 0.05", "p = nan"), source) is None
    )


@pytest.mark.parametrize("path", sorted(SOURCES), ids=lambda p: p.name)
def test_every_single_character_deletion_is_handled(path):
    text = SOURCES[path]
    for i in range(0, len(text), max(1, len(text) // 150)):
        _loads_or_validation_error(text[:i] + text[i + 1 :], path)
