"""Sweep designs: parsing --set/--range, grids, sampled designs, integer keys."""

from __future__ import annotations

import numpy as np
import pytest

from sim.errors import ValidationError
from sim.experiments.designs import (
    DEFAULT_SAMPLES,
    DESIGNS,
    Parameter,
    make_design,
    parse_range,
    parse_set,
)
from sim.scenario.schema import Sweep


# --------------------------------------------------------------------------- parsing
@pytest.mark.parametrize(
    ("item", "values"),
    [
        ("model.q=0,0.05,0.1", (0, 0.05, 0.1)),
        ("seeding.strategy=random,degree", ("random", "degree")),
        ("seeding.strategy = random , degree", ("random", "degree")),
        ("seeding.nodes=[0, 1],[2]", ([0, 1], [2])),
        ('network.file="a,b.txt",c.txt', ("a,b.txt", "c.txt")),
        ("outputs.report=true,false", (True, False)),
        ("model.p=0.1,0.1,0.2", (0.1, 0.2)),  # repeats merged
        ("model.p=0.3", (0.3,)),
    ],
)
def test_parse_set_reads_toml_values_else_bare_strings(item, values):
    p = parse_set(item)
    assert p.values == values and not p.is_range
    assert [type(v) for v in p.values] == [type(v) for v in values]


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            "model.q=",
            "--set: model.q: empty value list (give key=v1,v2,..., e.g. model.q=0,0.05,0.1)",
        ),
        ("model.q", "--set: model.q: expected KEY=v1,v2,... (e.g. model.q=0,0.05,0.1)"),
        ("model.q=0.1,,0.2", "--set: model.q: empty value in '0.1,,0.2' (give key=v1,v2,...)"),
        ("=1,2", "--set: =1,2: expected KEY=v1,v2,... (e.g. model.q=0,0.05,0.1)"),
    ],
)
def test_parse_set_errors(item, message):
    with pytest.raises(ValidationError) as info:
        parse_set(item)
    assert str(info.value) == message


def test_parse_range():
    p = parse_range("network.n=500:2000")
    assert (p.low, p.high, p.integer, p.is_range) == (500, 2000, True, True)
    p = parse_range("model.p = 0.01 : 0.2")
    assert (p.low, p.high, p.integer) == (0.01, 0.2, False)
    assert parse_range("x.y=-1:1").low == -1


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("model.p=0.5:0.1", "--range: model.p: empty range: lo > hi (0.5 > 0.1); write it as 0.1:0.5"),
        ("model.p=0.1:0.1", "--range: model.p: empty range: lo = hi = 0.1 (to fix a value, use --set model.p=0.1)"),
        ("model.p=a:b", "--range: model.p: expected lo:hi with two numbers (e.g. 0.01:0.2), got 'a:b'"),
        ("model.p=0.1", "--range: model.p: expected lo:hi with two numbers (e.g. 0.01:0.2), got '0.1'"),
        ("model.p=true:2", "--range: model.p: expected lo:hi with two numbers (e.g. 0.01:0.2), got 'true:2'"),
        ("model.p=0:inf", "--range: model.p: expected lo:hi with two numbers (e.g. 0.01:0.2), got '0:inf'"),
    ],
)  # fmt: skip
def test_parse_range_errors(item, message):
    with pytest.raises(ValidationError) as info:
        parse_range(item)
    assert str(info.value) == message


# --------------------------------------------------------------------------- designs
def test_grid_is_the_product_in_key_order_with_integer_levels_merged():
    d = make_design(
        [
            Parameter("seeding.k", low=1, high=3, integer=True),
            Parameter("seeding.strategy", values=("random", "degree")),
        ],
        "grid",
        samples=5,  # 1, 1.5, 2, 2.5, 3 -> rounded 1, 2, 2, 2, 3 -> merged 1, 2, 3
    )
    assert [tuple(p.values()) for p in d.points] == [
        (1, "random"),
        (1, "degree"),
        (2, "random"),
        (2, "degree"),
        (3, "random"),
        (3, "degree"),
    ]
    assert all(type(p["seeding.k"]) is int for p in d.points)
    assert d.matrix is None


def test_grid_levels_of_a_real_range_include_both_ends():
    d = make_design([Parameter("model.p", low=0.0, high=0.2)], "grid", samples=3)
    assert [p["model.p"] for p in d.points] == [0.0, 0.1, 0.2]
    one = make_design([Parameter("model.p", low=0.0, high=0.2)], "grid", samples=1)
    assert [p["model.p"] for p in one.points] == [0.1]


@pytest.mark.parametrize("kind", ["random", "lhs"])
def test_sampled_designs_are_reproducible_and_within_bounds(kind):
    params = [
        Parameter("model.p", low=0.01, high=0.2),
        Parameter("network.n", low=100, high=110, integer=True),
        Parameter("seeding.strategy", values=("random", "degree", "x")),
    ]
    a = make_design(params, kind, samples=60, seed=3)
    b = make_design(params, kind, samples=60, seed=3)
    c = make_design(params, kind, samples=60, seed=4)
    assert a.points == b.points != c.points
    assert len(a.points) == 60 and a.matrix.shape == (60, 3)
    ps = np.array([p["model.p"] for p in a.points])
    ns = [p["network.n"] for p in a.points]
    assert ps.min() >= 0.01 and ps.max() <= 0.2
    assert all(type(n) is int and 100 <= n <= 110 for n in ns)
    assert {p["seeding.strategy"] for p in a.points} == {"random", "degree", "x"}


def test_lhs_has_one_point_per_stratum_in_every_dimension():
    d = make_design([Parameter("a", low=0.0, high=1.0), Parameter("b", low=0.0, high=1.0)],
                    "lhs", samples=20, seed=1)  # fmt: skip
    for j in range(2):
        strata = np.floor(d.matrix[:, j] * 20).astype(int)
        assert sorted(strata) == list(range(20))


def test_integer_range_gives_every_integer_the_same_chance():
    p = Parameter("seeding.k", low=1, high=4, integer=True)
    values = p.from_unit(np.linspace(0, 1, 4001))
    counts = np.bincount(values)[1:]
    assert len(counts) == 4 and counts.min() >= 999 and counts.max() <= 1002


def test_sobol_and_morris_sizes():
    params = [Parameter("a", low=0.0, high=1.0), Parameter("b", values=(1, 2, 3))]
    sobol = make_design(params, "sobol", samples=16, seed=1)
    assert len(sobol.points) == 16 * (2 + 2) and sobol.matrix.shape == (64, 2)
    morris = make_design(params, "morris", samples=5, seed=1, levels=4)
    assert len(morris.points) == 5 * (2 + 1)
    # a morris step moves one parameter at a time
    steps = np.abs(np.diff(morris.matrix.reshape(5, 3, 2), axis=1)) > 0
    assert (steps.sum(axis=2) == 1).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "sobol", "samples": 100}, "--samples: a sobol design needs a power of 2, got 100 (try 64 or 128)"),
        ({"kind": "grid", "samples": 0}, "--samples: must be an integer >= 1, got 0"),
        ({"kind": "factorial"}, "--design: unknown design 'factorial' (valid: grid, random, lhs, sobol, morris)"),
        ({"kind": "morris", "levels": 1}, "levels: must be an integer >= 2, got 1"),
    ],
)  # fmt: skip
def test_design_errors(kwargs, message):
    with pytest.raises(ValidationError) as info:
        make_design([Parameter("a", low=0.0, high=1.0)], **kwargs)
    assert str(info.value) == message


def test_nothing_to_sweep_and_a_key_twice_are_errors():
    with pytest.raises(ValidationError, match="nothing to sweep"):
        make_design([], "grid")
    twice = [parse_set("model.p=1,2"), parse_range("model.p=0:1")]
    with pytest.raises(ValidationError, match=r"model.p: swept twice \(--set and --range\)"):
        make_design(twice, "grid")


def test_parameter_round_trips_through_the_manifest():
    for p in (Parameter("a", values=(1, "x", [1, 2])), Parameter("b", low=1, high=5, integer=True)):
        assert Parameter.from_dict(p.to_dict()) == p


def test_schema_designs_and_defaults_agree():
    assert set(DESIGNS) == set(DEFAULT_SAMPLES)
    assert set(Sweep.model_fields["design"].annotation.__args__) == set(DESIGNS)
