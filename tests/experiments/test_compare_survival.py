"""`sim.compare` leftovers: the time to a market share as a censored time to an event,
the confidence level option, and reading a comparison back (`load_comparison`,
`wom report DIR`)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import sim
from sim.cli import main
from sim.errors import ValidationError
from sim.experiments.compare import compare, load_comparison, paired_reach, reach_summary

ROOT = Path(__file__).resolve().parents[2]


def _kaplan_meier_median(times: np.ndarray, reached: np.ndarray) -> float:
    """Product-limit estimate, written out: S(t) = prod over event times s <= t of
    (1 - d_s / n_s); the median is the first t with S(t) <= 1/2 (inf if none)."""
    surv = 1.0
    for s in sorted(set(times[reached].tolist())):
        at_risk = int(((times >= s) | ~reached).sum())  # censored at the horizon >= s
        events = int(((times == s) & reached).sum())
        surv *= 1 - events / at_risk
        if surv <= 0.5 + 1e-12:
            return float(s)
    return math.inf


@pytest.mark.parametrize("seed", range(6))
def test_reach_summary_matches_kaplan_meier_and_exact_intervals(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 40))
    horizon = 30
    raw = rng.integers(0, 45, size=n).astype(float)  # beyond 30: censored at the horizon
    reached = raw <= horizon
    r = reach_summary(raw, reached, horizon, level=0.9)
    assert r["median"] == _kaplan_meier_median(raw, reached)
    assert r["reached"] == reached.sum() and r["share_reached"] == reached.mean()
    # Clopper-Pearson from beta quantiles
    k = int(reached.sum())
    lo = 0.0 if k == 0 else stats.beta.ppf(0.05, k, n - k + 1)
    hi = 1.0 if k == n else stats.beta.ppf(0.95, k + 1, n - k)
    assert r["share_ci_low"] == pytest.approx(lo) and r["share_ci_high"] == pytest.approx(hi)
    # the median's interval: scipy's exact quantile test on the times (inf: censored)
    t = np.where(reached, raw, np.inf)
    ci = stats.quantile_test(t, q=float(np.median(t)), p=0.5).confidence_interval(0.9)
    want = [np.nan if not np.isfinite(ci.low) else ci.low, ci.high]
    if np.isnan(want[0]):
        assert np.isnan(r["median_ci_low"]) and np.isnan(r["median_ci_high"])
    else:
        assert [r["median_ci_low"], r["median_ci_high"]] == want
    assert r["restricted_mean"] == pytest.approx(np.minimum(t, horizon).mean())


def test_paired_reach_counts_and_exact_tests():
    a_t = np.array([3, 5, 9, 0, 0, 4, 7, 0])
    a_r = np.array([1, 1, 1, 0, 0, 1, 1, 0], bool)
    b_t = np.array([4, 5, 0, 0, 2, 8, 0, 0])
    b_r = np.array([1, 1, 0, 0, 1, 1, 0, 0], bool)
    r = paired_reach(a_t, a_r, b_t, b_r)
    # pairs: earlier (3<4, 9<never, 4<8, 7<never), later (never>2), ties (5=5, both never x2)
    assert (r["earlier"], r["later"], r["ties"]) == (4, 1, 3)
    assert r["sign_p_value"] == pytest.approx(stats.binomtest(4, 5).pvalue)
    assert (r["only_arm"], r["only_baseline"]) == (2, 1)
    assert r["mcnemar_p_value"] == pytest.approx(stats.binomtest(2, 3).pvalue)
    none = paired_reach([0, 0], [False, False], [0, 0], [False, False])
    assert none["ties"] == 2 and none["sign_p_value"] == 1.0 and none["mcnemar_p_value"] == 1.0


def _small(**extra) -> dict:
    """The karate club, a community against vendor contacts: the community reaches
    40% of the people in some replicates, the vendor in few."""
    sc = {
        "name": "small", "seed": 2, "replicates": 8, "steps": 16,
        "network": {"dataset": "karate"}, "model": {"name": "wom"},
        "first_pin": {"size": 3, "enthusiasm": 0.9},
        "arms": [
            {"name": "vendor", "community": {"enabled": False},
             "vendor": {"enabled": True, "reach": 3}},
            {"name": "community"},
        ],
    }  # fmt: skip
    sc.update(extra)
    return sc


@pytest.fixture(scope="module")
def small():
    return compare(_small(), market_share=0.4, level=0.9)


def test_every_replicate_counts_in_the_time_to_share(small):
    m = next(m for m in small.measures if m.name == "time_to_share")
    assert m.horizon == 16 and "counted as 16" in m.missing
    v = small.values
    assert not v["time_to_share"].isna().any()
    assert (v.loc[~v["reached_share"], "time_to_share"] == 16).all()
    d = small.differences.set_index("measure").loc["time_to_share"]
    assert d["n_pairs"] == 8  # no replicate dropped
    t = small.table.set_index(["arm", "measure"])
    s = small.survival.set_index("arm")
    for arm in ("vendor", "community"):
        assert t.loc[(arm, "time_to_share"), "mean"] == pytest.approx(s.loc[arm, "restricted_mean"])
        assert t.loc[(arm, "time_to_share"), "n"] == s.loc[arm, "reached"]
    assert np.isnan(s.loc["vendor", "earlier"])  # the baseline is not compared with itself
    got = v.pivot(index="replicate", columns="arm", values="reached_share")
    assert s.loc["community", "only_arm"] == int((got["community"] & ~got["vendor"]).sum())
    assert "90% CI" in d["verdict"] and "sign test" in d["verdict"]


def test_level_sets_every_interval(small):
    row = small.differences.set_index("measure").loc["final_adopted"]
    w = small.values.pivot(index="replicate", columns="arm", values="final_adopted")
    diff = (w["community"] - w["vendor"]).to_numpy(float)
    lo, hi = stats.t.interval(0.9, diff.size - 1, loc=diff.mean(), scale=stats.sem(diff))
    assert row["ci_low"] == pytest.approx(lo) and row["ci_high"] == pytest.approx(hi)
    assert small.options["level"] == 0.9


def test_save_and_load_comparison_round_trip(small, tmp_path):
    folder = small.save(tmp_path / "cmp", report=False)
    back = sim.load_comparison(folder)
    for name in ("values", "table", "differences", "survival"):
        pd.testing.assert_frame_equal(getattr(back, name), getattr(small, name), check_exact=True)
    assert back.measures == small.measures
    assert (back.baseline, back.options, back.verdicts) == (
        small.baseline,
        small.options,
        small.verdicts,
    )
    pd.testing.assert_frame_equal(back.results.summary, small.results.summary)
    pd.testing.assert_frame_equal(back.results.people, small.results.people)
    (folder / "survival.parquet").unlink()
    with pytest.raises(ValidationError) as exc:
        load_comparison(folder)
    assert exc.value.key == "results" and "survival.parquet" in str(exc.value)


def test_wom_report_rebuilds_the_comparison_report(tmp_path, capsys):
    """On a classic model (a report quick to draw): the rebuilt report is the one
    written by `wom compare`, byte for byte."""
    sc = {"name": "ic", "seed": 1, "replicates": 6, "steps": 8, "network": {"dataset": "karate"},
          "model": {"name": "ic", "p": 0.1}, "seeding": {"k": 1},
          "arms": [{"name": "one"}, {"name": "five", "seeding": {"k": 5}}]}  # fmt: skip
    folder = compare(sc, market_share=0.3).save(tmp_path / "cmp")
    saved = (folder / "report.html").read_text(encoding="utf-8")
    (folder / "report.html").unlink()
    assert main(["report", str(folder)]) == 0
    assert "report:" in capsys.readouterr().out
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert html == saved
    assert html.index("Comparison against") < html.index("Summary per arm")
    assert "a time to an event" in html and 'alt="replicates that reached' in html


def test_cli_level_option(tmp_path, capsys, monkeypatch):
    import sim.experiments.compare_report as report

    monkeypatch.setattr(report, "render_comparison_report", lambda c: "<html></html>")
    path = tmp_path / "small.toml"
    path.write_text(sim.load_scenario(_small(replicates=3)).to_toml(), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["compare", str(path), "--out", str(out), "--level", "0.8"]) == 0
    printed = capsys.readouterr().out
    assert "mean (80% CI)" in printed and "80% CI" in printed.split("Against")[1]
    assert sim.load_comparison(out).options["level"] == 0.8
    for bad in ("1", "0", "-0.5", "1.5"):
        assert main(["compare", str(path), "--out", str(tmp_path / "o"), "--level", bad]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: --level: must be in (0, 1)") and err.count("\n") == 1


def test_shipped_first_pin_strategies_scenario():
    path = ROOT / "scenarios" / "first_pin_strategies.toml"
    sc = sim.load_scenario(path, overrides=["steps=6"])
    strategies = {name: arm.first_pin.strategy for name, arm in sc.arm_scenarios()}
    assert {"interest_cohesive", "degree", "enthusiasm", "random"} <= set(strategies.values())
    assert {"ris", "degree_discount"} <= set(strategies.values())
    assert {arm.budget.total for _, arm in sc.arm_scenarios()} == {2600.0}  # equal budget
    c = compare(sc, replicates=2)
    assert c.baseline == "random" and len(c.arms) == 6
    pins = c.results.summary.groupby("arm", observed=True)["adopted_by_first_pin"].unique()
    assert all(list(p) == [20] for p in pins)
