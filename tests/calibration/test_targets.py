"""Targets: TOML tables, CSV series (steps or dates), derived outputs, one-line errors."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import pytest

import sim
from sim.calibration.targets import Target, add_derived, load_targets, model_outputs
from sim.errors import ValidationError

from .conftest import WOM


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_toml_targets_values_ranges_stats_and_lists(tmp_path):
    path = _write(
        tmp_path,
        "t.toml",
        """\
        [targets]
        community_members = {at = 364, value = 3600}   # members
        newcomer_share = {range = [0.4, 0.6]}
        cumulative_adopted = [{at = 52, value = 100, weight = 2}, {stat = "max", value = 400}]

        [fit]
        "word_of_mouth.persuasion" = [0.05, 1.0]
        "vendor.conversion" = {low = 1e-4, high = 0.1, log = true}
        """,
    )
    t = load_targets(path)
    assert [x.label for x in t] == [
        "community_members@364",
        "newcomer_share:mean",
        "cumulative_adopted@52",
        "cumulative_adopted:max",
    ]
    members, share, at52, top = t.items
    assert (members.kind, members.value, members.scale, members.weight) == ("value", 3600, 3600, 1)
    assert (share.kind, share.low, share.high, share.scale) == ("range", 0.4, 0.6, 0.5)
    assert at52.weight == 2 and top.stat == "max"
    assert members.origin == f"{path}:2"
    assert t.fit == {
        "word_of_mouth.persuasion": (0.05, 1.0, False),
        "vendor.conversion": (1e-4, 0.1, True),
    }
    assert t.fit_origin["vendor.conversion"] == (str(path), 8)


def test_csv_series_by_step_and_by_date(tmp_path):
    by_step = _write(
        tmp_path, "s.csv", "step,cumulative_adopted,attendance\n0,1,0\n4,5,10\n8,9,12\n"
    )
    t = load_targets(by_step)
    assert [x.label for x in t] == ["cumulative_adopted:series", "attendance:series"]
    assert t.items[0].steps == (0, 4, 8) and t.items[0].values == (1.0, 5.0, 9.0)
    assert t.items[0].scale == pytest.approx(5.0)
    by_date = _write(
        tmp_path, "d.csv", "date,members\n2016-11-15,30\n2016-11-01,20\n2016-12-06,41\n"
    )
    t = load_targets(by_date, step_days=7)  # sorted by date; weeks from the first date
    assert t.items[0].steps == (0, 2, 5) and t.items[0].values == (20.0, 30.0, 41.0)
    toml = _write(
        tmp_path,
        "d.toml",
        """\
        [series]
        file = "d.csv"
        start = 2016-10-25   # the series starts a week before the first date
        weights = {members = 3}
        """,
    )
    t = load_targets(toml, step_days=7)
    assert t.items[0].steps == (1, 3, 6) and t.items[0].weight == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("step,adopter\n0,1\n1,abc\n", "s.csv:3: column 'adopter': not a number: 'abc'"),
        ("step,adopter\n0,1\n1,\n", "s.csv:3: column 'adopter': missing value"),
        ("step,adopter\n0,1\n1\n", "s.csv:3: expected 2 cells (as the header), got 1"),
        ("step,adopter\n0,1\n1.5,2\n", "s.csv:3: column 'step': must be an integer >= 0"),
        ("step,adopter\n0,1\n0,2\n", "s.csv:3: step 0 appears twice (lines 2 and 3)"),
        ("week,adopter\n0,1\n", "s.csv:1: no step or date column (header: week, adopter)"),
        ("step,adopter\n0,inf\n", "s.csv:2: column 'adopter': not a finite number"),
        ("date,adopter\n2016-13-01,1\n", "s.csv:2: column 'date': not a date (YYYY-MM-DD)"),
        ("step,adopter\n", "s.csv:1: no data rows under the header"),
    ],
)
def test_bad_series_cells_name_the_line(tmp_path, text, expected):
    path = _write(tmp_path, "s.csv", text)
    with pytest.raises(ValidationError) as info:
        load_targets(path, step_days=7)
    message = str(info.value).replace(f"{tmp_path}/", "")
    assert message.startswith(expected) and "\n" not in message


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("x = {at = 3, value = 1, range = [0, 1]}", "x: give either value = NUMBER or range"),
        ("x = {range = [0.6, 0.4]}", "x: range reversed: 0.6 > 0.4 (write [0.4, 0.6])"),
        ("x = {at = -1, value = 1}", "x: at must be a step (an integer >= 0), got -1"),
        ("x = {value = 0}", "x: the target is 0, so it has no magnitude"),
        ('x = {stat = "median", value = 1}', "x: stat must be one of mean, final, max, min"),
        ("x = {value = 1, weight = 0}", "x.weight: must be a number > 0, got 0"),
        ("x = {value = 1, size = 2}", "x: unknown key 'size'"),
        ("x = 3", "x: expected a table such as {at = 364, value = 3600}"),
    ],
)
def test_bad_aggregate_targets_name_the_line(tmp_path, table, expected):
    path = _write(tmp_path, "t.toml", f"# targets\n[targets]\n{table}\n")
    with pytest.raises(ValidationError) as info:
        load_targets(path)
    assert str(info.value).startswith(f"{path}:3: {expected}")


def test_unknown_table_and_missing_file(tmp_path):
    path = _write(tmp_path, "t.toml", "[targets]\nx = {value = 1}\n[calibration]\nseed = 1\n")
    with pytest.raises(ValidationError, match=r"t.toml:3: calibration: unknown table"):
        load_targets(path)
    with pytest.raises(ValidationError, match="targets file not found"):
        load_targets(tmp_path / "nope.toml")
    with pytest.raises(ValidationError, match="expected .toml"):
        load_targets(_write(tmp_path, "t.txt", "x"))


def test_check_lists_the_valid_outputs_and_the_horizon():
    t = load_targets({"targets": {"members_total": {"at": 10, "value": 5}}})
    with pytest.raises(ValidationError) as info:
        t.check(["members", "community_members"], 52, "wom")
    assert str(info.value) == (
        "members_total: not an output of model 'wom' (valid: members, community_members)"
    )
    late = load_targets({"targets": {"members": {"at": 60, "value": 5}}})
    with pytest.raises(ValidationError, match=r"members@60: step 60 is beyond the scenario's"):
        late.check(["members"], 52, "wom")


def test_outputs_of_the_models_include_the_derived_members():
    res = sim.run({**WOM, "steps": 12, "network": {"dataset": "karate"}}, replicates=2)
    names = model_outputs(res.timeseries)
    assert {"cumulative_adopted", "meetups_held", "newcomer_share", "attendance"} <= set(names)
    assert names[-1] == "community_members"
    ts = add_derived(res.timeseries)
    for _, g in ts.groupby("replicate"):  # naive: the first pin plus every join so far
        g = g.sort_values("step")
        ever = g["members"].iloc[0] + np.cumsum(g["joins"].to_numpy()) - g["joins"].iloc[0]
        assert (g["community_members"].to_numpy() == ever).all()
        assert (np.diff(g["community_members"]) >= 0).all()
        assert (g["community_members"] >= g["members"]).all()


def test_a_series_frame_and_weights_by_output(tmp_path):
    frame = pd.DataFrame({"step": [0, 2], "adopter": [1.0, 3.0]})
    t = load_targets([frame, {"targets": {"adopter": {"at": 2, "value": 3}}}])
    w = t.with_weights({"adopter": 4})
    assert [x.weight for x in w] == [4, 4]
    with pytest.raises(ValidationError, match=r"--weight: nope: no such target"):
        t.with_weights({"nope": 1})
    with pytest.raises(ValidationError, match="given twice"):
        load_targets([{"targets": {"a": {"at": 1, "value": 1}}}] * 2)
    assert Target.from_dict(t.items[0].to_dict()) == t.items[0]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ({"targets": [1]}, "targets: must be a dict, got [1]"),
        ({"fit": [0.1, 0.9]}, "fit: must be a dict, got [0.1, 0.9]"),
        ({"series": 3}, "series: expected a DataFrame or a dict of columns"),
    ],
)
def test_bad_python_targets_are_one_clear_error(source, expected):
    with pytest.raises(ValidationError) as info:
        load_targets(source)
    assert str(info.value).startswith(expected)


def test_bad_series_weights_and_step_days(tmp_path):
    _write(tmp_path, "obs.csv", "date,adopter\n2016-01-01,1\n2016-02-01,3\n")
    path = _write(tmp_path, "t.toml", '[series]\nfile = "obs.csv"\nweights = 2\n')
    with pytest.raises(ValidationError, match=r"t.toml:3: series.weights: must be a table"):
        load_targets(path, step_days=7)
    for days in (0, -7, float("nan")):
        with pytest.raises(ValidationError, match=r"^--step-days: must be"):
            load_targets(tmp_path / "obs.csv", step_days=days)
