"""The dashboard's model: levers become scenario overrides, arms run as `wom run` runs them."""

from __future__ import annotations

import inspect
import typing

import numpy as np
import pytest
from mesa.visualization.solara_viz import _check_model_params

import sim
from sim.app.levers import LEVERS, NO_COMPARISON, first_pin_strategies, lever_overrides
from sim.app.model import DashboardModel
from sim.app.source import AppSource
from sim.errors import ValidationError
from sim.model.params import FirstPinParams

FLAGSHIP = "scenarios/sell_to_vs_sell_through.toml"

SMALL = {
    "name": "small",
    "seed": 7,
    "replicates": 1,
    "steps": 12,
    "network": {"dataset": "football"},
    "model": {"name": "wom"},
    "people": {"interest": "community"},
    "community": {"enabled": False},
    "arms": [
        {"name": "direct", "vendor": {"enabled": True, "reach": 10}},
        {
            "name": "club",
            "community": {"enabled": True, "cadence": 2},
            "first_pin": {"size": 8, "strategy": "interest"},
        },
    ],
}


@pytest.fixture(scope="module")
def small():
    return AppSource.load(SMALL, arms="direct,club")


def test_arms_follow_replicate_zero_of_wom_run(small):
    model = DashboardModel(source=small)
    assert [r.name for r in model.runs] == ["direct", "club"]
    for _ in range(20):
        model.step()
    assert not model.running and model.week == 12
    results = sim.run(SMALL)
    ts = results.timeseries
    for run in model.runs:
        expected = ts[(ts["arm"] == run.name) & (ts["replicate"] == 0)]
        got = run.frame()
        for metric in ("cumulative_adopted", "cum_vendor", "members", "spend", "talks"):
            np.testing.assert_array_equal(got[metric].to_numpy(), expected[metric].to_numpy())


def test_moved_levers_apply_to_every_arm_shown_and_only_those(small):
    still = DashboardModel(source=small, **small.start)
    assert still.overrides == {}
    # The lever starts at the first arm's value (20, the default); the club keeps its 8.
    assert [r.model.params.first_pin.size for r in still.runs] == [20, 8]
    moved = DashboardModel(source=small, **{**small.start, "size": 5, "fee": 0.25})
    assert moved.overrides == {
        "arms[0].first_pin.size": 5,
        "arms[1].first_pin.size": 5,
        "arms[0].community.fee": 0.25,
        "arms[1].community.fee": 0.25,
    }
    club = moved.runs[1].model
    assert club.params.first_pin.size == 5 and club.metrics["cum_first_pin"] == 5
    assert club.params.first_pin.strategy == "interest"  # not moved: the arm's own


def test_same_seed_in_both_arms_and_the_seed_lever(small):
    model = DashboardModel(source=small)
    direct, club = (r.model for r in model.runs)
    np.testing.assert_array_equal(direct.enthusiasm, club.enthusiasm)
    other = DashboardModel(source=small, seed="8")
    assert other.seed == 8 and other.overrides == {"seed": 8}
    assert not np.array_equal(other.runs[0].model.enthusiasm, direct.enthusiasm)


def test_bad_lever_values_become_a_problem_not_a_crash(small):
    cases = {
        "cap": ("3", "Membership cap (blank: none): must be >= first_pin.size (8), got 3"),
        "budget_vendor": ("lots", "Vendor budget (blank: unlimited): must be a number or blank"),
        "seed": ("-1", "Seed: must be a whole number >= 0, got '-1'"),
        "budget_total": ("-5", "Total budget (blank: unlimited): must be >= 0"),
    }
    for lever, (value, message) in cases.items():
        model = DashboardModel(source=small, arm="club", compare=NO_COMPARISON, **{lever: value})
        assert model.problem is not None and model.problem.startswith(message), model.problem
        assert model.runs == [] and not model.running
        model.step()  # nothing to step, nothing raised
    fine = DashboardModel(source=small, arm="club", compare=NO_COMPARISON, cap="", fee=0.1)
    assert fine.problem is None and len(fine.runs) == 1


def test_arm_choice_and_source_checks():
    flagship = AppSource.load(FLAGSHIP)
    assert flagship.first == "vendor direct" and flagship.second is None
    assert flagship.start["budget_total"] == "2600" and flagship.start["cap"] == ""
    model = DashboardModel(source=flagship, arm="community", compare="paid influencers")
    assert [r.name for r in model.runs] == ["community", "paid influencers"]
    assert model.runs[0].budget == 2600.0
    with pytest.raises(ValidationError, match="no arm 'nope'"):
        AppSource.load(FLAGSHIP, arms="community,nope")
    with pytest.raises(ValidationError, match="one or two arms"):
        AppSource.load(FLAGSHIP, arms="a,b,c")
    classic = {
        "name": "ic",
        "network": {"dataset": "karate"},
        "model": {"name": "ic", "p": 0.1},
        "seeding": {"k": 1},
    }
    with pytest.raises(ValidationError, match="marketing model"):
        AppSource.load(classic)


def test_levers_as_mesa_model_params():
    flagship = AppSource.load(FLAGSHIP, arms="community")
    from sim.app.levers import model_params

    params = model_params(flagship.arms, flagship.first, None, flagship.start, flagship.max_size)
    # Mesa accepts them for DashboardModel (its own check at page start).
    _check_model_params(DashboardModel.__init__, {"source": flagship, **params})
    assert params["strategy"]["values"] == first_pin_strategies()
    assert params["strategy"]["value"] == "interest"
    assert params["size"]["value"] == 20 and params["size"]["max"] >= 60
    assert params["compare"]["values"][0] == NO_COMPARISON
    assert set(LEVERS) <= set(inspect.signature(DashboardModel).parameters)
    # Every strategy the schema accepts is offered (read at run time, not copied).
    annotation = FirstPinParams.model_fields["strategy"].annotation
    assert first_pin_strategies() == list(typing.get_args(annotation))


def test_lever_overrides_without_arms_and_text_parsing():
    assert lever_overrides({"cap": " 1,000 ", "seed": "3"}, {"cap": "", "seed": "1"}, None) == {
        "community.cap": 1000,
        "seed": 3,
    }
    assert lever_overrides({"budget_total": "2600.0"}, {"budget_total": "2600"}, [0]) == {}
    with pytest.raises(ValidationError, match="whole number"):
        LEVERS["cap"].parse("2.5")
