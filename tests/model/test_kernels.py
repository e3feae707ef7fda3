"""The numba kernels against the pure-Python reference in tests/naive.py (exact).

The reference draws the same xoshiro256** numbers in the same order, so trajectories
must agree exactly; its metrics are recomputed from the people, not from counters.
"""

from __future__ import annotations

import copy
import math
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from sim.model import kernels as K  # noqa: N812
from sim.model.kernels import power_mean, room_cohesion
from sim.model.simulate import prepare, simulate_wom
from sim.network.csr import from_networkx

from .helpers import planted

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from naive import naive_wom_run  # noqa: E402

CASES = {
    "defaults": {},
    "all_channels_budgets": {
        "vendor": {"enabled": True, "reach": 20, "target": "1"},
        "influencer": {"enabled": True, "count": 3, "pick": "random"},
        "budget": {"total": 3000, "vendor": 500},
    },
    "cap_fee_open_geometric_heat": {
        "community": {
            "cap": 25, "capacity": 10, "fee": 0.3, "admission": "open", "cadence": 2,
            "invite_prob": 0.3, "heat_exponent": 0.0,
        },
        "first_pin": {"size": 10, "strategy": "random", "enthusiasm": 0.9},
        "churn": {"rate": 0.05},
    },
    "certain_trials": {
        "word_of_mouth": {"talk_prob": 1.0, "decay": 0.0},
        "community": {"post_prob": 1.0, "post_reach": 1.0, "heat_exponent": 1.5,
                      "attendance_exponent": 0.0},
        "churn": {"rate": 0.05, "member_factor": 0.0},
    },
    "closed_hot_vendor_community_budget": {
        "vendor": {"enabled": True, "reach": 5, "enthusiasm": 0.9, "cost_per_contact": 3},
        "community": {"admission": "closed", "cost_per_meetup": 50, "cost_per_attendee": 20},
        "budget": {"community": 400},
        "first_pin": {"strategy": "interest", "size": 8},
        "trust": {"source": "constant", "value": 0.7},
    },
    "no_interest_degree_pin": {
        "people": {"interest": "none", "enthusiasm": {"kind": "uniform", "low": 0.2, "high": 0.9}},
        "first_pin": {"strategy": "degree", "size": 5},
        "influencer": {"enabled": True, "count": 2, "posts_per_step": 3, "reach_prob": 1.0},
        "churn": {"enabled": False},
    },
}  # fmt: skip


def _compare(net, params, *, steps, seed, replicates=2, row=1):
    prep = prepare(net, params, replicates=replicates, seed=seed)
    history, ref = naive_wom_run(copy.deepcopy(prep), steps, row=row)
    run = simulate_wom(net, params, replicates=replicates, steps=steps, seed=seed, people_of=row)
    out = run.metrics[row]
    for t, expected in enumerate(history):
        for k, name in enumerate(K.METRICS):
            got, want = out[t, k], expected[name]
            assert got == want or (math.isnan(got) and math.isnan(want)), (t, name, got, want)
    people = run.people
    assert people.enthusiasm.tolist() == ref.enth
    assert people.stage.astype(str).tolist() == ref.stage
    assert people.member.astype(str).tolist() == ref.member
    assert people.adopted_step.tolist() == ref.adopted
    assert [None if pd.isna(c) else c for c in people.channel] == ref.channel
    assert people.referrer_id.tolist() == ref.referrer
    assert people.depth.tolist() == ref.depth
    assert people.member_since.tolist() == ref.member_since
    assert people.attended.tolist() == ref.attended
    return run


@pytest.mark.parametrize("case", sorted(CASES))
def test_kernels_match_reference_exactly(small_net, case):
    run = _compare(small_net, CASES[case], steps=30, seed=9)
    assert run.metrics[:, -1, K.METRICS.index("cumulative_adopted")].min() > 0


def test_reference_covers_waiting_list_and_budget_stops(small_net):
    """The cases above really exercise the waiting list and a budget running out."""
    run = simulate_wom(small_net, CASES["cap_fee_open_geometric_heat"], steps=30, seed=9)
    ts = run.timeseries
    assert ts.waiting.max() > 0 and (ts.joins[ts.step > 0] > 0).any()
    run = simulate_wom(small_net, CASES["all_channels_budgets"], steps=30, seed=9)
    s = run.summary.iloc[0]
    assert 3000 - 50 < s.spend <= 3000 and s.spend_vendor <= 500
    ts = run.timeseries
    assert ts.vendor_contacts.iloc[-1] == 0 and ts.influencer_reach.iloc[-1] == 0


def test_directed_network_matches_reference():
    g = nx.gnp_random_graph(60, 0.08, seed=4, directed=True)
    for i in g.nodes:
        g.nodes[i]["community"] = i % 2
    net = from_networkx(g)
    params = {"vendor": {"enabled": True, "reach": 5}, "first_pin": {"size": 5}}
    _compare(net, params, steps=20, seed=3)


def test_pure_python_mode_matches_reference():
    """The kernels run without numba (NUMBA_DISABLE_JIT=1) and still agree exactly."""
    code = f"""
import sys, copy, math
sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})
from naive import naive_wom_run
from tests.model.helpers import planted
from sim.model.simulate import prepare, simulate_wom
from sim.model import kernels as K
net = planted(2, 25, 0.2, 0.04, seed=5)
p = {{"vendor": {{"enabled": True, "reach": 5}}, "first_pin": {{"size": 5}},
     "community": {{"cap": 8, "cadence": 2}}}}
prep = prepare(net, p, replicates=1, seed=2)
hist, ref = naive_wom_run(copy.deepcopy(prep), 10)
run = simulate_wom(net, p, steps=10, seed=2)
for t, h in enumerate(hist):
    for k, name in enumerate(K.METRICS):
        a, b = run.metrics[0, t, k], h[name]
        assert a == b or (math.isnan(a) and math.isnan(b)), (t, name, a, b)
print("ok", int(run.metrics[0, -1, K.METRICS.index("cumulative_adopted")]))
"""
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1", "PYTHONPATH": str(root)}
    res = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        capture_output=True, text=True, env=env, cwd=root, timeout=300,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.startswith("ok")


# ------------------------------------------------------------------ heat of a room
def test_one_cold_attendee_lowers_heat_more_than_mean():
    warm = [0.8] * 19
    room = [*warm, 0.05]
    mean_drop = 1 - np.mean(room) / np.mean(warm)
    heat_drop = 1 - power_mean(room, -2.0) / power_mean(warm, -2.0)
    assert heat_drop > 5 * mean_drop
    # It is the negative exponent that does it: with p = 1 heat is the mean.
    assert power_mean(room, 1.0) == pytest.approx(np.mean(room))


@pytest.mark.parametrize("p", [-2.0, -0.5, 0.0, 0.5, 1.0, 3.0])
def test_power_mean_against_definition(p):
    x = np.random.default_rng(1).uniform(0.05, 1.0, 30)
    want = math.exp(np.log(x).mean()) if p == 0 else np.mean(x**p) ** (1 / p)
    assert power_mean(x, p) == pytest.approx(want, rel=1e-12)
    assert x.min() <= power_mean(x, p) <= x.max()


def test_power_mean_edges():
    assert power_mean([0.5, 0.0], -2.0) == 0.0  # nobody warms a room with someone who does not care
    assert power_mean([0.5, 0.0], 0.0) == 0.0
    assert power_mean([0.5, 0.0], 1.0) == 0.25
    assert math.isnan(power_mean([], -2.0))
    a = power_mean([0.9, 0.2], -8.0)
    b = power_mean([0.9, 0.2], -2.0)
    assert 0.2 < a < b  # more negative: closer to the coldest


def test_room_cohesion():
    assert room_cohesion([3, 3, 3]) == 1.0
    assert room_cohesion([0, 1, 2]) == 0.0
    assert room_cohesion([0, 0, 1, 1]) == pytest.approx(4 / 12)
    assert room_cohesion([-1, -1]) == 0.0  # no interest known: shares none
    assert room_cohesion([5]) == 0.0


def test_geometric_skipping_gives_the_right_rate():
    """Talks per advocate-arc-week match talk_prob (the skip is exact, not approximate)."""
    net = planted(2, 100, 0.1, 0.01, seed=8)
    p = {
        "community": {"enabled": True, "invite_prob": 0.0, "post_prob": 0.0, "lift": 0.0},
        "first_pin": {"size": 30, "enthusiasm": 1.0},
        "word_of_mouth": {"talk_prob": 0.3, "decay": 0.0, "persuasion": 0.0},
        "churn": {"enabled": False},
    }
    run = simulate_wom(net, p, replicates=4, steps=25, seed=1, people_of=0)
    adv = run.people.id[run.people.stage == "advocate"].to_numpy()
    arcs = int(net.degree()[adv].sum())
    talks = run.timeseries.groupby("replicate").talks.sum().to_numpy()[0]
    trials = arcs * 25
    z = (talks - 0.3 * trials) / math.sqrt(trials * 0.3 * 0.7)
    assert abs(z) < 4.5
