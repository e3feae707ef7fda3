"""Running scenarios: common random numbers across arms, reproducibility, metrics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sim
from sim.errors import ValidationError

BASE = {
    "name": "crn",
    "seed": 5,
    "replicates": 6,
    "network": {"generator": "erdos_renyi", "n": 300, "mean_degree": 4.0},
    "model": {"name": "ic", "p": 0.2},
    "seeding": {"k": 3},
}


def test_identical_arms_get_identical_results():
    """Common random numbers: replicate r of every arm draws from the same stream."""
    res = sim.run(sim.load_scenario({**BASE, "arms": [{"name": "a"}, {"name": "b"}]}))
    a = res.summary[res.summary.arm == "a"].drop(columns="arm").reset_index(drop=True)
    b = res.summary[res.summary.arm == "b"].drop(columns="arm").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    assert a["final_adopted"].nunique() > 1  # the replicates themselves differ


def test_same_seed_same_numbers_other_seed_other_numbers():
    sc = sim.load_scenario(BASE)
    r1, r2 = sim.run(sc), sim.run(sc)
    pd.testing.assert_frame_equal(r1.timeseries, r2.timeseries)
    r3 = sim.run(sc, seed=6)
    assert not r3.summary["final_adopted"].equals(r1.summary["final_adopted"])
    assert (r3.summary["seed"] == 6).all() and (r1.summary["seed"] == 5).all()


def test_replicates_override_keeps_the_first_replicates():
    sc = sim.load_scenario(BASE)
    few = sim.run(sc, replicates=3).summary
    many = sim.run(sc).summary
    pd.testing.assert_frame_equal(few, many.iloc[:3].reset_index(drop=True))


def test_time_to_half_matches_a_direct_computation():
    res = sim.run(sim.load_scenario(BASE))
    ts = res.timeseries
    for _, row in res.summary.iterrows():
        g = ts[(ts.arm == row.arm) & (ts.replicate == row.replicate)].sort_values("step")
        final = g["cumulative_adopted"].iloc[-1]
        first = g.loc[g["cumulative_adopted"] >= final / 2, "step"].min()
        assert row["time_to_half"] == first


def test_degree_seeding_picks_the_hubs():
    sc = sim.load_scenario(
        {**BASE, "replicates": 2, "steps": 0, "seeding": {"k": 4, "strategy": "degree"}}
    )
    res = sim.run(sc)
    # With zero steps only the seeds are adopted: the 4 highest-degree nodes, every replicate.
    assert (res.summary["final_adopted"] == 4).all()
    net = sim.experiments.build_network(sc.to_dict()["network"], default_seed=sc.seed)
    deg = net.degree()
    assert np.sort(deg)[-4:].min() >= np.sort(deg)[-5]


def test_tidy_columns():
    res = sim.run(sim.load_scenario({**BASE, "steps": 4}))
    assert list(res.timeseries.columns[:4]) == ["arm", "replicate", "seed", "step"]
    assert list(res.summary.columns[:3]) == ["arm", "replicate", "seed"]
    assert len(res.timeseries) == 6 * 5
    assert {"final_adopted", "steps", "time_to_half"} <= set(res.summary.columns)


def test_bad_override_is_a_validation_error():
    with pytest.raises(ValidationError, match="replicates"):
        sim.run(sim.load_scenario(BASE), replicates=0)


def test_progress_false_or_a_function_but_nothing_else():
    import sim
    from sim.errors import ValidationError

    sc = {"name": "p", "replicates": 2, "network": {"dataset": "karate"},
          "model": {"name": "ic", "p": 0.1}, "seeding": {"k": 1}}  # fmt: skip
    seen = []
    sim.run(sc, progress=lambda arm, done: seen.append((arm, done)))
    assert seen == [("base", 2)]
    assert len(sim.run(sc, progress=False).summary) == 2
    with pytest.raises(ValidationError, match="progress: must be a function"):
        sim.run(sc, progress=True)
