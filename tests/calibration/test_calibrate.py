"""Calibrations end to end: recovery of known parameters, the output folder, reproducibility."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.calibration import calibrate, load_calibration
from sim.calibration.targets import add_derived
from sim.errors import ValidationError

from .conftest import BASS, WOM

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "scenarios" / "calibration"


def test_bass_closed_form_p_and_q_are_recovered_within_10_percent(tmp_path, pool):
    res = calibrate(
        SHIPPED / "bass_closed_form.toml",
        SHIPPED / "bass_closed_form.csv",
        ["model.p=0.005:0.2:log", "model.q=0.05:1"],
        trials=150,
        out=tmp_path / "bass",
        executor=pool,
        progress=False,
        report=False,
    )
    assert res.best["model.p"] == pytest.approx(0.03, rel=0.10)
    assert res.best["model.q"] == pytest.approx(0.38, rel=0.10)
    assert res.best_distance < 0.01  # under 1% RMSE on a curve with no noise


def test_two_marketing_parameters_are_recovered_from_a_synthetic_series(tmp_path, pool):
    true = {"word_of_mouth.persuasion": 0.5, "community.lift": 0.3}  # WOM's own values
    observed = add_derived(sim.run(WOM, seed=1, replicates=16).timeseries)
    cols = ["cumulative_adopted", "community_members", "attendance"]
    series = observed.groupby("step")[cols].mean().reset_index()
    series = series[series["step"] % 4 == 0]  # every meetup week
    res = calibrate(
        {**WOM, "word_of_mouth": {"persuasion": 0.9}, "community": {"cadence": 4, "lift": 0.7}},
        series,
        ["word_of_mouth.persuasion=0.2:1.2", "community.lift=0.05:0.9"],
        trials=64,
        seed=2,  # another seed than the observed series'
        out=tmp_path / "wom",
        executor=pool,
        progress=False,
        report=False,
    )
    for p in res.space:
        low, high = res.ranges[p.key]
        assert low <= true[p.key] <= high, (p.key, res.ranges)
        assert abs(res.best[p.key] - true[p.key]) < abs(p.midpoint - true[p.key]), p.key
        assert high - low < 0.75 * (p.high - p.low)  # the range says something
    assert res.uncertainty.noise > 0 and res.uncertainty.n_accepted >= 3


def test_the_same_seed_gives_the_same_trials_with_one_or_two_workers(tmp_path, pool):
    kw = dict(fit=["model.q=0.05:0.9", "model.p=0.005:0.2:log"], trials=16, batch=4,
              progress=False, report=False, noise_evaluations=2)  # fmt: skip
    targets = {"targets": {"cumulative_adopted": {"at": 20, "value": 3000}}}
    one = calibrate(BASS, targets, out=tmp_path / "one", workers=1, **kw)
    two = calibrate(BASS, targets, out=tmp_path / "two", executor=pool, **kw)
    cols = [c for c in one.trials.columns if c != "seconds"]
    pd.testing.assert_frame_equal(one.trials[cols], two.trials[cols])
    assert one.best == two.best and one.uncertainty.noise == two.uncertainty.noise
    assert (one.trials["seed"] == BASS["seed"]).all()  # common random numbers, recorded


def test_the_output_folder(tmp_path, pool):
    targets = {"targets": {"cumulative_adopted": {"at": 20, "value": 3000},
                           "adopter": {"stat": "max", "range": [3000, 4000]}}}  # fmt: skip
    out = tmp_path / "fit"
    kw = dict(fit=["model.q=0.05:0.9"], batch=4, out=out, executor=pool, progress=False,
              noise_evaluations=3)  # fmt: skip
    res = calibrate(BASS, targets, trials=12, **kw)
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "best.toml", "calibration.json", "fit_timeseries.parquet", "report.html",
        "scenario.resolved.toml", "trials", "trials.parquet",
    ]  # fmt: skip
    assert not out.with_name("fit.partial").exists()
    trials = pd.read_parquet(out / "trials.parquet")
    assert trials["trial"].tolist() == list(range(12))
    for col in ("model.q", "distance", "error.cumulative_adopted@20", "error.adopter:max",
                "model.cumulative_adopted@20", "seed", "replicates", "accepted"):  # fmt: skip
        assert col in trials, col
    assert trials.loc[res.best_trial, "distance"] == trials["distance"].min()
    # best.toml runs as is and reproduces the fitted model of the report exactly
    best = sim.load_scenario(out / "best.toml")
    assert best.model.q == res.best["model.q"] and best.seed == BASS["seed"]
    again = sim.run(best).timeseries
    cols = [c for c in res.fit_timeseries.columns if c != "arm"]
    pd.testing.assert_frame_equal(
        again[cols].reset_index(drop=True), res.fit_timeseries[cols], check_dtype=False
    )
    html = (out / "report.html").read_text(encoding="utf-8")
    for heading in ("Fitted values", "Targets against the fitted model", "Distance profiles",
                    "How it was computed", "data:image/png;base64,"):  # fmt: skip
        assert heading in html
    loaded = load_calibration(out)
    assert loaded.best == res.best and loaded.notes == res.notes
    # rerun: already finished; more trials: the same first 12, then more
    assert calibrate(BASS, targets, trials=12, **kw).evaluated == 0
    more = calibrate(BASS, targets, trials=20, **kw)
    assert more.evaluated == 8
    pd.testing.assert_frame_equal(
        more.trials.iloc[:12][["trial", "model.q", "distance"]],
        res.trials[["trial", "model.q", "distance"]],
    )
    with pytest.raises(ValidationError, match=r"holds a different calibration \(.*seed 1 -> 2\)"):
        calibrate(BASS, targets, trials=12, seed=2, **kw)
    assert calibrate(BASS, targets, trials=4, seed=2, force=True, report=False,
                     **{k: v for k, v in kw.items()}).evaluated == 4  # fmt: skip
    assert tomllib.loads((out / "best.toml").read_text())["seed"] == 2


def test_best_toml_keeps_the_scenario_file_and_its_comments(tmp_path, pool):
    path = tmp_path / "b.toml"
    path.write_text(
        '# my market\nname = "b"   # the name\nseed = 1   # seed\nreplicates = 2   # r\n'
        'steps = 30   # steps\n\n[model]\nname = "bass_mean_field"\np = 0.05   # outside\n'
        "q = 0.2   # word of mouth\nn = 5000   # people\ndt = 0.5   # half a year\n"
    )
    targets = {"targets": {"cumulative_adopted": {"at": 20, "value": 3000}}}
    res = calibrate(path, targets, ["model.q=0.05:0.9"], trials=6, batch=3, executor=pool,
                    out=tmp_path / "o", progress=False, report=False, noise_evaluations=2)  # fmt: skip
    text = (tmp_path / "o" / "best.toml").read_text()
    assert "# my market" in text and "# half a year" in text
    line = next(x for x in text.splitlines() if x.startswith("q = "))
    assert line.startswith(f"q = {res.best['model.q']!r}")
    assert "# calibrated (was 0.2): word of mouth" in line
    assert sim.load_scenario(tmp_path / "o" / "best.toml").model.q == res.best["model.q"]


def test_no_output_on_bad_input(tmp_path):
    out = tmp_path / "never"
    with pytest.raises(ValidationError, match="not an output of model 'bass_mean_field'"):
        calibrate(BASS, {"targets": {"members": {"at": 3, "value": 5}}}, ["model.q=0.1:0.5"],
                  out=out)  # fmt: skip
    assert not out.exists() and not out.with_name("never.partial").exists()
    assert np.isfinite(BASS["model"]["q"])


def test_trials_the_scenario_refuses_are_recorded_as_failed(tmp_path, pool):
    sc = {**BASS, "model": {**BASS["model"], "dt": 0.8}}  # (p + q) * dt must stay <= 1
    targets = {"targets": {"cumulative_adopted": {"at": 20, "value": 4000}}}
    res = calibrate(sc, targets, ["model.p=0.01:0.9", "model.q=0.01:0.9"], trials=24,
                    batch=8, out=tmp_path / "f", executor=pool, progress=False,
                    report=False, noise_evaluations=2)  # fmt: skip
    failed = res.trials[res.trials["state"] == "failed"]
    assert len(failed) and failed["distance"].isna().all()
    assert failed["message"].str.contains(r"\(p \+ q\) \* dt must be <= 1").all()
    assert ((failed["model.p"] + failed["model.q"]) * 0.8 > 1).all()
    assert res.trials.loc[res.best_trial, "state"] == "complete"


def test_a_dask_cluster_gives_the_same_trials(tmp_path, pool):
    pytest.importorskip("distributed")
    kw = dict(fit=["model.q=0.05:0.9"], trials=8, batch=4, progress=False, report=False,
              noise_evaluations=2)  # fmt: skip
    targets = {"targets": {"cumulative_adopted": {"at": 20, "value": 3000}}}
    local = calibrate(BASS, targets, out=tmp_path / "local", executor=pool, **kw)
    dask = calibrate(BASS, targets, out=tmp_path / "dask", executor="dask", workers=1, **kw)
    cols = ["trial", "model.q", "distance", "error.cumulative_adopted@20"]
    pd.testing.assert_frame_equal(local.trials[cols], dask.trials[cols])
