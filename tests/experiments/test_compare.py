"""`sim.compare` / `wom compare`: CRN pairing, paired-t CIs, verdicts, equal budget,
bad input. Small runs: the flagship with few replicates, a karate-club scenario."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from sim.cli import main
from sim.errors import ValidationError
from sim.experiments.compare import compare, paired_difference

FLAGSHIP = "scenarios/sell_to_vs_sell_through.toml"


def _wom(**extra) -> dict:
    """A small marketing scenario on the karate club: two vendor arms that differ
    a little (reach 8 vs 10 a week), so CRN makes their outcomes move together."""
    sc = {
        "name": "small", "seed": 5, "replicates": 12, "steps": 20,
        "network": {"dataset": "karate"}, "model": {"name": "wom"},
        "community": {"enabled": False}, "budget": {"total": 300.0},
        "arms": [
            {"name": "reach 8", "vendor": {"enabled": True, "reach": 8}},
            {"name": "reach 10", "vendor": {"enabled": True, "reach": 10}},
        ],
    }  # fmt: skip
    sc.update(extra)
    return sc


@pytest.fixture(scope="module")
def flagship():
    return compare(FLAGSHIP, replicates=6, week=12)


def test_flagship_community_beats_vendor_direct_significantly(flagship):
    d = flagship.differences.set_index(["arm", "measure"])
    row = d.loc[("community", "final_adopted")]
    assert flagship.baseline == "vendor direct"
    assert row["significant"] and row["winner"] == "community" and row["ci_low"] > 0
    assert row["verdict"].startswith("community beats vendor direct on final adopters by ")
    # cost: lower is better, so a negative difference is a win for the arm
    cost = d.loc[("community", "cost_per_adopter")]
    assert cost["difference"] < 0 and cost["winner"] == "community"
    assert "lower is better" in cost["verdict"]
    # the market share the vendor never reaches is censored at the 52-week horizon:
    # counted (not dropped, not averaged as 0), and the verdict says so
    t = flagship.table.set_index(["arm", "measure"])
    assert t.loc[("vendor direct", "time_to_share"), "missing"] == 6
    assert t.loc[("vendor direct", "time_to_share"), "mean"] == 52
    time = d.loc[("community", "time_to_share")]
    assert time["n_pairs"] == 6 and time["winner"] == "community"
    assert "reached in community 6, vendor direct 0 of 6 replicates" in time["verdict"]
    assert "counted as the 52-week horizon" in time["verdict"]
    s = flagship.survival.set_index("arm")
    assert s.loc["vendor direct", "share_reached"] == 0 and s.loc["community", "reached"] == 6
    assert np.isinf(s.loc["vendor direct", "median"]) and s.loc["community", "median"] < 52
    assert s.loc["community", "earlier"] == 6 and s.loc["community", "only_arm"] == 6
    # adopters by week 12 = cumulative adopters at step 12, replicate by replicate
    ts = flagship.results.timeseries
    at12 = ts[ts["step"] == 12].set_index(["arm", "replicate"])["cumulative_adopted"]
    v = flagship.values.set_index(["arm", "replicate"])["adopted_by_week"]
    assert (v.sort_index().to_numpy() == at12.sort_index().to_numpy()).all()
    # tidy table: one row per (arm, measure)
    assert not flagship.table.duplicated(["arm", "measure"]).any()
    assert len(flagship.verdicts) == 2 * len(flagship.measures)


def test_paired_ci_matches_scipy_and_pairing_narrows_it_under_crn():
    c = compare(_wom())
    w = c.values.pivot(index="replicate", columns="arm", values="final_adopted")
    a, b = w["reach 10"].to_numpy(float), w["reach 8"].to_numpy(float)
    d = a - b
    lo, hi = stats.t.interval(0.95, len(d) - 1, loc=d.mean(), scale=stats.sem(d))
    row = c.differences.set_index("measure").loc["final_adopted"]
    assert row["ci_low"] == pytest.approx(lo) and row["ci_high"] == pytest.approx(hi)
    assert row["p_value"] == pytest.approx(stats.ttest_rel(a, b).pvalue)
    welch = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert row["unpaired_ci_low"] == pytest.approx(welch.low)
    assert row["unpaired_ci_high"] == pytest.approx(welch.high)
    # common random numbers: the arms are positively correlated, so the paired
    # interval is narrower than the unpaired one on the same data
    assert np.corrcoef(a, b)[0, 1] > 0
    assert row["ci_high"] - row["ci_low"] < row["unpaired_ci_high"] - row["unpaired_ci_low"]


def test_identical_arms_differ_by_exactly_zero():
    sc = _wom()
    sc["arms"][1]["vendor"] = dict(sc["arms"][0]["vendor"])
    c = compare(sc, replicates=4)
    final = c.differences.set_index("measure").loc["final_adopted"]
    assert final["difference"] == 0 and final["ci_low"] == 0 and final["ci_high"] == 0
    assert not final["significant"] and final["winner"] == ""
    assert all(v.startswith("no significant difference") or "neither" in v for v in c.verdicts)


def test_paired_difference_edge_cases():
    same = paired_difference(np.array([3.0, 5.0]), np.array([1.0, 3.0]))
    assert same["difference"] == 2 and same["p_value"] == 0 and same["ci_low"] == 2
    nan = paired_difference(np.array([1.0, np.nan, 4.0]), np.array([0.0, 1.0, np.nan]))
    assert nan["n_pairs"] == 1 and np.isnan(nan["ci_low"]) and np.isnan(nan["p_value"])


def test_equal_budget_gives_every_arm_the_same_total():
    sc = _wom()
    sc["arms"][1]["budget"] = {"total": 50.0}  # an arm's own total is overridden too
    c = compare(sc, replicates=2, equal_budget=120)
    totals = [arm.budget.total for _, arm in c.results.scenario.arm_scenarios()]
    assert totals == [120.0, 120.0]
    assert (c.results.summary["spend"] <= 120.0 + 1e-9).all()
    assert c.options["equal_budget"] == 120.0


@pytest.mark.parametrize(
    ("kwargs", "key", "words"),
    [
        ({"baseline": "nope"}, "baseline", "arms: reach 8, reach 10"),
        ({"equal_budget": -1.0}, "budget.total", ">= 0"),
        ({"week": 21}, "week", "beyond the horizon"),
        ({"market_share": 0.0}, "market_share", "(0, 1]"),
        ({"market_share": 1.5}, "market_share", "(0, 1]"),
        ({"replicates": 1}, "replicates", ">= 2"),
        ({"level": 1.0}, "level", "(0, 1)"),
    ],
)
def test_bad_options_name_the_option(kwargs, key, words):
    with pytest.raises(ValidationError) as exc:
        compare(_wom(), **kwargs)
    assert exc.value.key == key and words in str(exc.value)


def test_equal_budget_is_refused_for_a_model_without_budget():
    sc = {"name": "ic", "replicates": 2, "network": {"dataset": "karate"},
          "model": {"name": "ic", "p": 0.1}, "seeding": {"k": 1},
          "arms": [{"name": "a"}, {"name": "b", "seeding": {"k": 3}}]}  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        compare(sc, equal_budget=100)
    assert exc.value.key == "budget.total" and "'ic'" in str(exc.value)
    c = sim.compare(sc)  # without the option a classic model compares fine
    assert {m.name for m in c.measures} == {"final_adopted", "time_to_share"}
    assert "steps to 50% of the market (17 people)" in set(c.table["label"])


def test_cli_compare_writes_folder_and_prints_verdicts(tmp_path, capsys):
    path = tmp_path / "small.toml"
    path.write_text(sim.load_scenario(_wom()).to_toml(), encoding="utf-8")
    out = tmp_path / "out"
    args = ["compare", str(path), "--out", str(out), "--replicates", "3", "--baseline",
            "reach 10", "--week", "5", "--equal-budget", "200"]  # fmt: skip
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "Against reach 10:" in printed and "adopters by week 5" in printed
    for name in ("comparison.parquet", "differences.parquet", "verdicts.txt", "report.html",
                 "summary.parquet", "run.json"):  # fmt: skip
        assert (out / name).exists(), name
    diffs = pd.read_parquet(out / "differences.parquet")
    assert set(diffs["arm"]) == {"reach 8"} and set(diffs["baseline"]) == {"reach 10"}
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.index("Comparison against") < html.index("Summary per arm")
    assert 'alt="cost against reach"' in html and 'alt="measures per arm' in html
    assert sim.load_results(out).meta["compare"]["equal_budget"] == 200.0
    assert main(args) == 2  # the folder exists: refused without --force


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--baseline", "nope"], "error: --baseline: no arm named 'nope'"),
        (
            ["--equal-budget", "-5"],
            "error: budget.total: equal budget (--equal-budget) must be >= 0",
        ),
        (["--week", "99"], "error: --week: week 99 is beyond the horizon"),
        (["--market-share", "0"], "error: --market-share: must be in (0, 1]"),
    ],
)
def test_cli_bad_options_exit_2(tmp_path, capsys, extra, expected):
    path = tmp_path / "small.toml"
    path.write_text(sim.load_scenario(_wom()).to_toml(), encoding="utf-8")
    assert main(["compare", str(path), "--out", str(tmp_path / "o"), *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith(expected) and err.count("\n") == 1
