"""Running the marketing model from scenarios: sim.run, common random numbers, results,
the Mesa model from a scenario, runtime errors at scenario positions, the flagship."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.errors import DataFileError, ValidationError
from sim.experiments.run import wom_params
from sim.model import CHANNELS, METRICS, SUMMARY_COLUMNS, simulate_wom
from sim.results import load_results

ROOT = Path(__file__).resolve().parents[2]

BASE = {
    "name": "wom_run",
    "seed": 4,
    "replicates": 4,
    "steps": 12,
    "network": {
        "generator": "planted_partition",
        "groups": 3,
        "group_size": 40,
        "p_in": 0.2,
        "p_out": 0.02,
    },
    "model": {"name": "wom"},
    "first_pin": {"size": 6},
    "budget": {"total": 400.0},
}


@pytest.fixture(scope="module")
def two_ways():
    """Vendor direct against a community, same budget."""
    sc = sim.load_scenario(
        {
            **BASE,
            "community": {"enabled": False},
            "arms": [
                {"name": "vendor", "vendor": {"enabled": True, "reach": 40}},
                {"name": "community", "community": {"enabled": True, "capacity": 20}},
            ],
        }
    )
    return sc, sim.run(sc)


def test_run_gives_tidy_marketing_frames(two_ways):
    _, res = two_ways
    ts, sm = res.timeseries, res.summary
    assert list(ts.columns[:4]) == ["arm", "replicate", "seed", "step"]
    assert list(ts.columns[4:]) == list(METRICS)
    assert len(ts) == 2 * 4 * 13 and len(sm) == 2 * 4
    required = {"final_adopted", "wom_share", "mean_chain_depth", "max_chain_depth", "spend",
                "cost_per_adopter", "final_members", "mean_heat", "mean_newcomer_share",
                "meetups_held", "time_to_half", *(f"adopted_by_{c}" for c in CHANNELS)}  # fmt: skip
    assert required <= set(sm.columns) and set(SUMMARY_COLUMNS) <= set(sm.columns)
    assert list(sm["arm"].cat.categories) == ["vendor", "community"]
    by_arm = sm.groupby("arm", observed=True).sum(numeric_only=True)
    assert by_arm.loc["vendor", "adopted_by_vendor"] > 0
    assert by_arm.loc["vendor", "adopted_by_first_pin"] == 0 == by_arm.loc["vendor", "meetups_held"]
    assert by_arm.loc["community", "adopted_by_first_pin"] == 4 * 6
    assert by_arm.loc["community", "adopted_by_vendor"] == 0
    assert by_arm.loc["community", "meetups_held"] > 0
    # equal budget: each arm spends on its own mix, never beyond the shared total
    assert (sm["spend"] <= 400.0).all()
    vendor = sm[sm.arm == "vendor"]
    assert np.allclose(vendor["spend"], 400.0)  # 40 contacts x 12 weeks would cost 480
    # channel counts add up to the adopters
    channels = sm[[f"adopted_by_{c}" for c in CHANNELS]].sum(axis=1)
    assert (channels == sm["final_adopted"]).all()


def test_each_arm_is_simulate_wom_with_the_master_seed(two_ways):
    sc, res = two_ways
    (_, vendor), _ = sc.arm_scenarios()
    net = sim.experiments.build_network(vendor.to_dict()["network"], default_seed=sc.seed)
    direct = simulate_wom(net, wom_params(vendor), replicates=4, steps=12, seed=sc.seed)
    mine = res.summary[res.summary.arm == "vendor"].drop(columns=["arm", "time_to_half"])
    pd.testing.assert_frame_equal(
        mine.reset_index(drop=True), direct.summary.drop(columns="time_to_half")
    )


def test_arms_share_random_streams(two_ways):
    """Replicate r of every arm draws the same people, even when the arms differ."""
    _, res = two_ways
    people = res.people
    assert set(people["arm"].cat.categories) == {"vendor", "community"}
    susc = people.pivot_table(
        index=["replicate", "id"], columns="arm", values="susceptibility", observed=True
    )
    np.testing.assert_array_equal(susc["vendor"].to_numpy(), susc["community"].to_numpy())
    per_rep = susc["vendor"].unstack("replicate")
    assert not np.allclose(per_rep[0], per_rep[1])  # replicates differ from each other


def test_identical_arms_give_identical_results():
    sc = sim.load_scenario({**BASE, "arms": [{"name": "a"}, {"name": "b"}]})
    res = sim.run(sc)
    for frame in (res.summary, res.timeseries, res.people):
        a = frame[frame.arm == "a"].drop(columns="arm").reset_index(drop=True)
        b = frame[frame.arm == "b"].drop(columns="arm").reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b)
    assert res.summary["final_adopted"].nunique() > 1


def test_people_record_who_won_whom(two_ways):
    _, res = two_ways
    people = res.people
    assert len(people) == 2 * 4 * 120
    assert str(people["node"].dtype) == "Int64" and str(people["referrer"].dtype) == "Int64"
    adopted = people[people["depth"] >= 0]
    counted = res.summary.set_index(["arm", "replicate"])["final_adopted"]
    assert (adopted.groupby(["arm", "replicate"], observed=True).size() == counted).all()
    peers = adopted[adopted["channel"].isin(["word_of_mouth", "community"])]
    assert (peers["referrer_id"] >= 0).all() and (peers["depth"] >= 1).all()
    direct = adopted[adopted["channel"].isin(["first_pin", "vendor"])]
    assert (direct["depth"] == 0).all()


def test_results_round_trip_with_people(two_ways, tmp_path):
    _, res = two_ways
    back = load_results(res.save(tmp_path / "out"))
    assert (tmp_path / "out" / "people.parquet").exists()
    for name in ("timeseries", "summary", "people"):
        pd.testing.assert_frame_equal(getattr(back, name), getattr(res, name))
    assert back.scenario.to_dict() == res.scenario.to_dict()


def test_people_can_be_left_out():
    res = sim.run(sim.load_scenario({**BASE, "replicates": 2, "outputs": {"people": False}}))
    assert res.people is None and len(res.summary) == 2


def test_mesa_model_from_a_scenario_follows_replicate_zero(two_ways):
    sc, res = two_ways
    model = sim.WordOfMouthModel.from_scenario(sc, arm="community", agents=False)
    assert model.arm == "community" and model.master_seed == sc.seed
    for _ in range(sc.steps):
        model.step()
    ts = res.timeseries
    want = ts[(ts.arm == "community") & (ts.replicate == 0)].drop(columns="arm")
    pd.testing.assert_frame_equal(model.timeseries, want.reset_index(drop=True))
    first = sim.WordOfMouthModel.from_scenario(sc, agents=True, seed=9)
    assert first.arm == "vendor" and first.master_seed == 9 and len(first.agents) == 120
    with pytest.raises(ValidationError, match="no arm 'nope'"):
        sim.WordOfMouthModel.from_scenario(sc, arm="nope")
    with pytest.raises(ValidationError, match="no arm 5"):
        sim.WordOfMouthModel.from_scenario(sc, arm=5)
    ic = sim.load_scenario(
        {
            "name": "ic",
            "network": {"dataset": "karate"},
            "model": {"name": "ic", "p": 0.1},
            "seeding": {"k": 1},
        }  # fmt: skip
    )
    with pytest.raises(ValidationError, match="not 'wom'"):
        sim.WordOfMouthModel.from_scenario(ic)


# ----------------------------------------------------------------- runtime errors
def _scenario(tmp_path, body: str) -> Path:
    path = tmp_path / "s.toml"
    path.write_text(textwrap.dedent(body))
    return path


HEAD = """\
    name = "x"
    replicates = 2
    steps = 3
    [network]
    dataset = "karate"
    [model]
    name = "wom"
"""


@pytest.mark.parametrize(
    ("body", "where", "key", "words"),
    [
        ("[first_pin]\nsize = 50\n", "9:8", "first_pin.size", "network has 34 nodes"),
        ('[[arms]]\nname = "a"\n[[arms]]\nname = "b"\nfirst_pin.size = 40\n', "12:18",
         "first_pin.size", "network has 34 nodes"),
        ('[people]\ninterest = "department"\n', "9:12", "people.interest",
         "no node attribute 'department'"),
        ('[vendor]\nenabled = true\ntarget = 7\n', "10:10", "vendor.target",
         "no interest group '7'"),
        ('[first_pin]\nstrategy = "interest"\ninterest = "z"\n', "10:12",
         "first_pin.interest", "no interest group 'z'"),
    ],
)  # fmt: skip
def test_runtime_errors_point_at_the_scenario(tmp_path, body, where, key, words):
    path = _scenario(tmp_path, HEAD + textwrap.indent(body, "    "))
    with pytest.raises(ValidationError) as info:
        sim.run(sim.load_scenario(path))
    message = str(info.value)
    assert message.startswith(f"{path}:{where}: {key}: "), message
    assert words in message


def test_person_table_relative_to_the_scenario_and_applied(tmp_path, monkeypatch):
    (tmp_path / "users.csv").write_text(
        "node,susceptibility,usage\n" + "".join(f"{i},0.0,{i}\n" for i in range(34))
    )
    path = _scenario(
        tmp_path,
        HEAD + '    [people]\n    table = "users.csv"\n    [vendor]\n    enabled = true\n',
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    res = sim.run(sim.load_scenario(path))
    assert (res.people["susceptibility"] == 0.0).all()
    # nobody can be persuaded: only the first pin adopted
    assert (res.summary["final_adopted"] == res.summary["adopted_by_first_pin"]).all()


def test_malformed_person_table_names_its_own_line(tmp_path):
    (tmp_path / "users.csv").write_text("node,enthusiasm\n0,0.5\n1,high\n")
    path = _scenario(tmp_path, HEAD + '    [people]\n    table = "users.csv"\n')
    with pytest.raises(DataFileError) as info:
        sim.run(sim.load_scenario(path))
    assert str(info.value) == (
        f"{tmp_path / 'users.csv'}:3:2: people.table: column 'enthusiasm': 'high' is not a number"
    )


# ----------------------------------------------------------------- shipped scenarios
def test_the_flagship_runs_and_spends_the_same_budget():
    sc = sim.load_scenario(ROOT / "scenarios" / "sell_to_vs_sell_through.toml")
    res = sim.run(sc, replicates=2)
    sm = res.summary.groupby("arm", observed=True).mean(numeric_only=True)
    assert list(sm.index) == ["vendor direct", "paid influencers", "community"]
    assert sm.loc["vendor direct", "adopted_by_vendor"] > 0
    assert sm.loc["paid influencers", "adopted_by_influencer"] > 0
    assert sm.loc["community", "adopted_by_first_pin"] == 20
    assert sm.loc["community", "meetups_held"] > 0
    budgets = {arm.budget.total for _, arm in sc.arm_scenarios()}
    assert budgets == {2600.0} and (res.summary["spend"] <= 2600.0).all()
    assert res.summary["final_adopted"].gt(0).all() and len(res.people) == 3 * 2 * 1005


def test_every_wom_column_is_documented():
    doc = (ROOT / "docs" / "outputs.md").read_text(encoding="utf-8")
    for name in (*METRICS, *SUMMARY_COLUMNS):
        assert f"`{name}`" in doc, name
