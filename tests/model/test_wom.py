"""WordOfMouthModel: the Mesa face over the same kernels and arrays."""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd
import pytest
from mesa.discrete_space import CellAgent

from sim.errors import ValidationError
from sim.model.metrics import METRICS
from sim.model.simulate import simulate_wom
from sim.model.wom import Person, WordOfMouthModel
from sim.network.csr import to_networkx

PARAMS = {
    "vendor": {"enabled": True, "reach": 10},
    "influencer": {"enabled": True, "count": 2},
    "community": {"cap": 30, "cadence": 2, "admission": "open"},
    "first_pin": {"size": 10},
}


@pytest.mark.parametrize("agents", [True, False])
def test_mesa_path_equals_fast_path(small_net, agents):
    model = WordOfMouthModel(small_net, PARAMS, seed=11, agents=agents)
    for _ in range(25):
        model.step()
    run = simulate_wom(small_net, PARAMS, replicates=3, steps=25, seed=11, people_of=0)
    fast = run.timeseries[run.timeseries.replicate == 0].reset_index(drop=True)
    pd.testing.assert_frame_equal(model.timeseries, fast)
    pd.testing.assert_frame_equal(model.people, run.people)
    # The DataCollector holds the same trajectory.
    dc = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    assert list(dc.columns) == list(METRICS)
    np.testing.assert_array_equal(dc.to_numpy(dtype=float), fast[list(METRICS)].to_numpy(float))
    assert model.steps == 25


def test_integer_rng_is_the_master_seed(small_net):
    a = WordOfMouthModel(small_net, PARAMS, rng=4, agents=False)
    b = WordOfMouthModel(small_net, PARAMS, seed=4, agents=False)
    assert a.master_seed == b.master_seed == 4
    c = WordOfMouthModel(small_net, PARAMS, rng=np.random.default_rng(4), agents=False)
    d = WordOfMouthModel(small_net, PARAMS, rng=np.random.default_rng(4), agents=False)
    assert c.master_seed == d.master_seed  # a Generator seeds the master seed
    for m in (a, b, c, d):
        m.step()
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries)
    pd.testing.assert_frame_equal(c.timeseries, d.timeseries)


def test_agents_are_thin_views(small_net):
    g = to_networkx(small_net)
    model = WordOfMouthModel(g, PARAMS, seed=2)
    assert len(model.agents) == small_net.num_nodes
    p = model.person(7)
    assert isinstance(p, Person) and isinstance(p, CellAgent)
    assert p.cell.coordinate == 7 and p.interest == 0
    assert {c.coordinate for c in p.cell.neighborhood} == set(g[7])
    # Reads come from the arrays ...
    assert p.enthusiasm == model.enthusiasm[7]
    model.enthusiasm[7] = 0.123
    assert p.enthusiasm == 0.123
    # ... and writes go into them (the next step sees them).
    p.enthusiasm = 0.9
    assert model.enthusiasm[7] == 0.9
    with pytest.raises(ValidationError) as exc:
        p.enthusiasm = 1.2
    assert exc.value.key == "enthusiasm"
    pins = [a for a in model.agents if a.channel == "first_pin"]
    assert len(pins) == 10 and all(a.member and a.depth == 0 for a in pins)
    for _ in range(10):
        model.step()
    adopted = [a for a in model.agents if a.adopted_step is not None]
    assert len(adopted) == model.metrics["cumulative_adopted"]
    peers = [a for a in adopted if a.channel in ("word_of_mouth", "community")]
    assert peers and all(model.person(a.referrer).depth == a.depth - 1 for a in peers)
    assert sum(a.stage == "advocate" for a in model.agents) == model.metrics["advocate"]
    assert "Person(" in repr(p)


def test_overrides_as_keywords(small_net):
    model = WordOfMouthModel(small_net, PARAMS, seed=1, agents=False, community__fee=0.3)
    assert model.params.community.fee == 0.3 and model.params.community.cap == 30
    with pytest.raises(ValidationError) as exc:
        WordOfMouthModel(small_net, seed=1, community__fee=3)
    assert exc.value.key == "community.fee"
    with pytest.raises(ValidationError):
        WordOfMouthModel(small_net, seed=1, rng=2)
    with pytest.raises(ValidationError) as exc:
        WordOfMouthModel(small_net, agents=False).person(1)
    assert exc.value.key == "agents"


def test_batch_run_small_case(small_net):
    results = mesa.batch_run(
        WordOfMouthModel,
        parameters={
            "network": [small_net],
            "agents": False,
            "first_pin__size": 10,
            "community__fee": [0.0, 0.4],
        },
        rng=[1, 2],
        max_steps=8,
        data_collection_period=1,
        display_progress=False,
    )
    df = pd.DataFrame(results)
    assert len(df) == 2 * 2 * 9  # fees x seeds x (steps 0..8)
    assert {"community__fee", "cumulative_adopted", "heat", "Step"} <= set(df.columns)
    last = df[df.Step == df.Step.max()]
    assert len(last) == 4 and (last.cum_first_pin == 10).all()
    # Same seed, same fee: the batch run reproduces the fast path.
    one = last[(last.community__fee == 0.4) & (last.iteration == 0)].iloc[0]
    fast = simulate_wom(small_net, {"first_pin": {"size": 10}, "community": {"fee": 0.4}},
                        steps=8, seed=1).timeseries.iloc[-1]  # fmt: skip
    assert one.cumulative_adopted == fast.cumulative_adopted


def test_from_scenario_twice_on_one_scenario():
    """Mesa's Model.scenario setter writes into what it is given: we must not use it."""
    from sim.scenario import load_scenario

    sc = load_scenario(
        {"name": "x", "steps": 3, "network": {"dataset": "karate"}, "model": {"name": "wom"},
         "first_pin": {"size": 3}}
    )  # fmt: skip
    a = WordOfMouthModel.from_scenario(sc, agents=False)
    b = WordOfMouthModel.from_scenario(sc, agents=False)
    assert sc.model.name == "wom" and a.arm_scenario.model.name == "wom"
    a.step()
    b.step()
    pd.testing.assert_series_equal(pd.Series(a.metrics), pd.Series(b.metrics))
