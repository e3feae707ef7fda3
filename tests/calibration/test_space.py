"""The fit space: --fit parsing, and every bad key or bound as one clear error."""

from __future__ import annotations

import pytest

from sim.calibration.space import FitParameter, check_space, fit_parameters, parse_fit
from sim.errors import ValidationError
from sim.experiments.scenario_points import scenario_source as _source

from .conftest import WOM


@pytest.fixture(scope="module")
def wom():
    base, make, _ = _source(WOM)
    return base.to_dict(), make


def test_parse_fit_linear_log_and_scale():
    p = parse_fit("word_of_mouth.persuasion=0.05:1")
    assert (p.key, p.low, p.high, p.log) == ("word_of_mouth.persuasion", 0.05, 1, False)
    q = parse_fit("vendor.conversion=1e-4:1e-1:log")
    assert q.log and q.to_unit(1e-2 + 0.0) == pytest.approx(2 / 3)
    assert q.from_unit(q.to_unit(0.003)) == pytest.approx(0.003)
    assert q.midpoint == pytest.approx(10**-2.5)


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("word_of_mouth.persuasion=0.3:0.1", "bounds reversed: 0.3 > 0.1 (write "),
        ("word_of_mouth.persuasion=0.3:0.3", "empty range: low = high = 0.3"),
        ("vendor.conversion=0:0.1:log", "a log scale needs bounds > 0, got low = 0"),
        ("vendor.conversion=-1e-3:0.1:log", "a log scale needs bounds > 0, got low = -0.001"),
        ("word_of_mouth.persuasion=a:b", "bounds must be numbers"),
        ("word_of_mouth.persuasion=0.1", "expected KEY=LOW:HIGH"),
    ],
)
def test_bad_fit_items(item, expected):
    with pytest.raises(ValidationError) as info:
        parse_fit(item)
    assert str(info.value).startswith("--fit: ") and expected in str(info.value)


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("word_of_mouth.persuasionx=0.1:0.5", "word_of_mouth.persuasionx: not a key of this"),
        ("model.p=0.1:0.5", "model.p: not a key of this scenario"),
        ("community.admission=0:1", "community.admission: not a number in this scenario"),
        ("word_of_mouth.decay=0.01:1.5", "the high bound 1.5 is outside the key's valid "
         "range: must be in [0, 1], got 1.5"),
        ("community.cadence=-2:8", "the low bound -2 is outside the key's valid range"),
        ("community.cadence=2.2:2.8", "integer key: the range 2.2:2.8 holds fewer than two"),
        ("seed=1:5", "seed: cannot be fitted"),
    ],
)  # fmt: skip
def test_keys_and_bounds_are_checked_against_the_scenario(wom, item, expected):
    data, make = wom
    with pytest.raises(ValidationError) as info:
        check_space([parse_fit(item)], data, make)
    assert str(info.value).startswith("--fit: ") and expected in str(info.value)


def test_integer_keys_are_searched_over_integers(wom):
    data, make = wom
    (p,) = check_space([parse_fit("community.cadence=2.5:8")], data, make)
    assert (p.low, p.high, p.integer) == (3, 8, True)
    assert type(p.distribution()).__name__ == "IntDistribution"


def test_fit_from_a_targets_file_and_the_command_line():
    params = fit_parameters(
        ["community.lift=0.1:0.5"],
        {"community.lift": (0.0, 1.0, False), "word_of_mouth.decay": (0.001, 0.1, True)},
        {"community.lift": ("t.toml", 3), "word_of_mouth.decay": ("t.toml", 4)},
    )
    assert [(p.key, p.low, p.high, p.log) for p in params] == [
        ("community.lift", 0.1, 0.5, False),  # the command line wins
        ("word_of_mouth.decay", 0.001, 0.1, True),
    ]
    assert params[1].origin == "t.toml:4"
    assert fit_parameters({"model.p": (0.01, 0.1, "log")})[0] == FitParameter(
        "model.p", 0.01, 0.1, True
    )
    with pytest.raises(ValidationError, match="nothing to fit"):
        fit_parameters(None)
    with pytest.raises(ValidationError, match="given twice"):
        fit_parameters(["model.p=0:1", "model.p=0:2"])


def test_a_fit_dict_entry_that_is_not_bounds():
    with pytest.raises(ValidationError, match=r"^fit: model.q: expected \(low, high\)"):
        fit_parameters({"model.q": 0.5})
    cadence = FitParameter("community.cadence", 2, 8, integer=True).typed(4.0)
    assert cadence == 4 and type(cadence) is int
