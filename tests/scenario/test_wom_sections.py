"""The marketing model in scenario files: its top-level tables, arms, errors at positions."""

from __future__ import annotations

import textwrap

import pytest

from sim.errors import ValidationError
from sim.model.params import CommunityParams, FirstPinParams, PeopleParams
from sim.scenario import Scenario, load_scenario, loads_scenario
from sim.scenario.schema import WOM_SECTIONS, WomModel

# Line numbers matter: tests assert positions in this text.
WOM = textwrap.dedent(
    """\
    name = "wom_demo"
    seed = 2
    replicates = 3
    steps = 10

    [network]
    dataset = "karate"

    [model]
    name = "wom"

    [people]
    interest = "community"
    enthusiasm = { kind = "beta", a = 2.0, b = 3.0 }

    [first_pin]
    strategy = "interest"
    size = 5

    [community]
    cap = 12
    fee = 0.1

    [budget]
    total = 300.0

    [[arms]]
    name = "vendor"
    community.enabled = false
    vendor.enabled = true
    vendor.reach = 5

    [[arms]]
    name = "bigger cap"
    community.cap = 30
    """
)


def _error(write, text: str, overrides=None) -> str:
    path = write(text)
    with pytest.raises(ValidationError) as info:
        load_scenario(path, overrides=overrides)
    message = str(info.value)
    assert "\n" not in message
    return message.replace(f"{path}:", "x.toml:")


def test_wom_scenario_loads_with_every_default_filled_in(write):
    sc = load_scenario(write(WOM))
    assert isinstance(sc.model, WomModel) and sc.seeding is None
    for section, cls in WOM_SECTIONS.items():
        assert isinstance(getattr(sc, section), cls), section
    assert isinstance(sc.people, PeopleParams) and sc.people.interest == "community"
    assert sc.people.enthusiasm.b == 3.0 and sc.people.susceptibility.b == 2.0  # a default
    assert sc.first_pin == FirstPinParams(strategy="interest", size=5)
    assert sc.community.cap == 12 and sc.community.cadence == CommunityParams().cadence
    assert sc.budget.total == 300.0 and sc.budget.vendor is None
    assert sc.vendor.enabled is False and sc.word_of_mouth.enabled is True


def test_wom_scenario_round_trips(write):
    sc = load_scenario(write(WOM))
    text = sc.to_toml()
    assert "[community]" in text and "[arms.community]" in text and "[seeding]" not in text
    assert loads_scenario(text, source_path=sc.source_path) == sc
    assert load_scenario(sc.to_dict()).to_dict() == sc.to_dict()


def test_arms_override_the_tables_key_by_key(write):
    sc = load_scenario(write(WOM))
    arms = dict(sc.arm_scenarios())
    assert list(arms) == ["vendor", "bigger cap"]
    vendor, bigger = arms["vendor"], arms["bigger cap"]
    assert vendor.vendor.enabled and vendor.vendor.reach == 5 and not vendor.community.enabled
    assert vendor.community.cap == 12 and vendor.community.fee == 0.1  # merged, not replaced
    assert bigger.community.cap == 30 and bigger.community.fee == 0.1
    assert not bigger.vendor.enabled and sc.community.cap == 12
    assert vendor.budget.total == bigger.budget.total == 300.0  # one budget for every arm


def test_an_arm_switching_to_a_classic_model_drops_the_wom_tables(write):
    text = WOM + '\n[[arms]]\nname = "ic"\nmodel = { name = "ic", p = 0.1 }\nseeding = { k = 2 }\n'
    arms = dict(load_scenario(write(text)).arm_scenarios())
    assert arms["ic"].model.name == "ic" and arms["ic"].community is None
    assert arms["ic"].to_dict().keys().isdisjoint(WOM_SECTIONS)


def test_wom_tables_are_refused_for_other_models(write):
    text = WOM.replace('name = "wom"', 'name = "ic"\np = 0.1').replace(
        "[people]", "[seeding]\nk = 2\n\n[people]"
    )
    assert _error(write, text) == (
        "x.toml:16:1: people: only used by model wom (this scenario's model is 'ic'): remove it"
    )


def test_seeding_is_refused_and_steps_required_for_wom(write):
    assert _error(write, WOM.replace("[people]", "[seeding]\nk = 2\n\n[people]")) == (
        "x.toml:12:1: seeding: not used by model 'wom' (the first adopters are the "
        "community's [first_pin]): remove it"
    )
    assert _error(write, WOM.replace("steps = 10\n", "")) == (
        "x.toml:1:1: steps: required key missing (model 'wom' never stops by itself: give a "
        "number of steps)"
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # enthusiasm outside 0..1
        ('{ kind = "beta", a = 2.0, b = 3.0 }', '{ kind = "constant", value = 1.5 }',
         "x.toml:14:43: people.enthusiasm.value: must be in [0, 1], got 1.5"),
        ('{ kind = "beta", a = 2.0, b = 3.0 }', '{ kind = "uniform", low = -0.2 }',
         "x.toml:14:40: people.enthusiasm.low: must be in [0, 1], got -0.2"),
        ('{ kind = "beta", a = 2.0, b = 3.0 }', '{ kind = "uniform", low = 0.6, high = 0.5 }',
         "x.toml:14:52: people.enthusiasm.high: must be >= low (0.6), got 0.5"),
        # a budget below zero
        ("total = 300.0", "total = -1.0", "x.toml:25:9: budget.total: must be >= 0, got -1.0"),
        ("total = 300.0", "community = -5", "x.toml:25:13: budget.community: must be >= 0, got -5"),
        # a cap smaller than the first pin
        ("cap = 12", "cap = 3",
         "x.toml:21:7: community.cap: must be >= first_pin.size (5), got 3"),
        ("community.cap = 30", "community.cap = 4",
         "x.toml:35:17: arms[1].community.cap: must be >= first_pin.size (5), got 4"),
        # TOML types taken strictly, unknown keys listed
        ("size = 5", "size = 5.0", "x.toml:18:8: first_pin.size: must be an integer, got 5.0"),
        ("fee = 0.1", 'fee = "0.1"', "x.toml:22:7: community.fee: must be a number, got '0.1'"),
        ("fee = 0.1", "fees = 0.1",
         "x.toml:22:1: community.fees: unknown key 'fees' (allowed: enabled, cadence, capacity, "
         "fee, attendance_exponent, heat_exponent, lift, interest_bonus, post_prob, post_reach, "
         "invite_prob, admission, join_threshold, cap, cost_per_meetup, cost_per_attendee)"),
        ('strategy = "interest"', 'strategy = "loudest"',
         "x.toml:17:12: first_pin.strategy: must be one of enthusiasm, degree, random, "
         "interest, interest_cohesive, score, influencer, pagerank, betweenness, k_core, "
         "closeness, degree_discount, celf, ris; got 'loudest'"),
        ("vendor.reach = 5", "vendor.reach = -5",
         "x.toml:31:16: arms[0].vendor.reach: must be >= 0, got -5"),
    ],
)  # fmt: skip
def test_bad_values_point_at_file_line_col_and_key(write, old, new, expected):
    assert old in WOM
    assert _error(write, WOM.replace(old, new)) == expected


def test_cap_problem_from_a_merge_names_the_arm(write):
    text = WOM + '\n[[arms]]\nname = "big pin"\nfirst_pin.size = 20\n'
    assert _error(write, text) == (
        "x.toml:37:1: arms[2].community.cap: must be >= first_pin.size (20), got 12 (in arm "
        "'big pin', merged over the base scenario)"
    )


def test_overrides_reach_the_tables_and_their_errors_come_from_set(write):
    sc = load_scenario(write(WOM), overrides=["community.fee=0.3", "budget.total=50"])
    assert sc.community.fee == 0.3 and dict(sc.arm_scenarios())["vendor"].budget.total == 50
    assert _error(write, WOM, ["community.cap=2"]) == (
        "--set: community.cap: must be >= first_pin.size (5), got 2"
    )


def test_person_table_must_exist_and_is_relative_to_the_scenario(write, tmp_path):
    text = WOM.replace('interest = "community"', 'interest = "community"\ntable = "users.csv"')
    assert _error(write, text) == (
        f"x.toml:14:9: people.table: file not found: {tmp_path / 'users.csv'}"
    )
    (tmp_path / "users.csv").write_text("node,enthusiasm\n0,0.9\n")
    assert load_scenario(write(text)).people.table == "users.csv"
    arm_text = WOM + '\n[[arms]]\nname = "table"\npeople.table = "other.csv"\n'
    assert _error(write, arm_text) == (
        f"x.toml:39:16: arms[2].people.table: file not found: {tmp_path / 'other.csv'}"
    )


def test_scenario_from_a_dict_and_the_model_list():
    sc = Scenario.model_validate(
        {"name": "d", "steps": 3, "network": {"dataset": "karate"}, "model": {"name": "WOM"}}
    )
    assert sc.model.name == "wom" and sc.first_pin.size == FirstPinParams().size
    with pytest.raises(ValidationError, match="must be one of .*bass_mean_field, wom; got"):
        load_scenario({"name": "d", "steps": 3, "model": {"name": "wow"}})
