"""Results folders: exact round trip, atomic writes, refusal to overwrite."""

from __future__ import annotations

import pandas as pd
import pytest

import sim
from sim.errors import ValidationError
from sim.results import load_results

SCENARIO = {
    "name": "roundtrip",
    "seed": 11,
    "replicates": 3,
    "steps": 6,
    "network": {"dataset": "karate"},
    "model": {"name": "ic", "p": 0.3},
    "seeding": {"k": 2},
    "arms": [{"name": "low", "model": {"p": 0.1}}, {"name": "high", "model": {"p": 0.5}}],
}


@pytest.fixture(scope="module")
def results():
    return sim.run(sim.load_scenario(SCENARIO))


def test_round_trip_is_exact(results, tmp_path):
    path = results.save(tmp_path / "out")
    back = load_results(path)
    pd.testing.assert_frame_equal(back.timeseries, results.timeseries)
    pd.testing.assert_frame_equal(back.summary, results.summary)
    assert back.meta == results.meta
    assert back.scenario.to_dict() == results.scenario.to_dict()
    assert back.arms == ["low", "high"]


def test_refuses_to_overwrite_without_force(results, tmp_path):
    path = results.save(tmp_path / "out")
    with pytest.raises(ValidationError, match="already exists"):
        results.save(path)
    results.save(path, force=True)
    assert load_results(path).seed == 11


def test_crash_leaves_nothing_that_looks_complete(results, tmp_path):
    def boom(tmp):
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        results.save(tmp_path / "out", extras=boom)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_parent_is_a_clear_error(results, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(ValidationError, match="cannot write"):
        results.save(blocker / "out")


def test_load_incomplete_folder(tmp_path):
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "summary.parquet").write_text("")
    with pytest.raises(ValidationError, match="not a complete results folder"):
        load_results(tmp_path / "half")
    with pytest.raises(ValidationError, match="not found"):
        load_results(tmp_path / "missing")
