"""simulate_wom: reproducibility, frames, budgets, per-person records."""

from __future__ import annotations

import numba
import numpy as np
import pandas as pd
import pytest

from sim.model.metrics import CHANNELS, METRICS, SUMMARY_COLUMNS
from sim.model.simulate import simulate_wom

ALL_ON = {
    "vendor": {"enabled": True, "reach": 10},
    "influencer": {"enabled": True, "count": 2},
    "community": {"cap": 30, "cadence": 2},
    "first_pin": {"size": 10},
}


def test_same_seed_same_run(small_net):
    a = simulate_wom(small_net, ALL_ON, replicates=3, steps=20, seed=5)
    b = simulate_wom(small_net, ALL_ON, replicates=3, steps=20, seed=5)
    np.testing.assert_array_equal(a.metrics, b.metrics)
    c = simulate_wom(small_net, ALL_ON, replicates=3, steps=20, seed=6)
    assert not np.array_equal(a.metrics, c.metrics, equal_nan=True)


def test_replicate_r_does_not_depend_on_replicate_count(small_net):
    a = simulate_wom(small_net, ALL_ON, replicates=2, steps=20, seed=5)
    b = simulate_wom(small_net, ALL_ON, replicates=5, steps=20, seed=5)
    np.testing.assert_array_equal(a.metrics, b.metrics[:2])


@pytest.mark.skipif(
    numba.config.DISABLE_JIT or numba.config.NUMBA_NUM_THREADS < 2, reason="needs 2 threads"
)
def test_thread_count_does_not_matter(small_net):
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        a = simulate_wom(small_net, ALL_ON, replicates=4, steps=20, seed=8)
        numba.set_num_threads(2)
        b = simulate_wom(small_net, ALL_ON, replicates=4, steps=20, seed=8)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(a.metrics, b.metrics)


def test_common_random_numbers_across_arms(small_net):
    """Arms that differ only in a late mechanism share their people and first pin."""
    a = simulate_wom(small_net, {"community": {"fee": 0.0}}, steps=3, seed=2, people_of=0)
    b = simulate_wom(small_net, {"community": {"fee": 0.2}}, steps=0, seed=2, people_of=0)
    pins_a = a.people.id[a.people.channel == "first_pin"].tolist()
    pins_b = b.people.id[b.people.channel == "first_pin"].tolist()
    assert pins_a == pins_b
    np.testing.assert_array_equal(a.people.susceptibility, b.people.susceptibility)


def test_frames_are_tidy(small_net):
    run = simulate_wom(small_net, ALL_ON, replicates=2, steps=6, seed=1)
    ts = run.timeseries
    assert list(ts.columns[:3]) == ["replicate", "seed", "step"]
    assert list(ts.columns[3:]) == list(METRICS)
    assert len(ts) == 2 * 7 and (ts.seed == 1).all()
    assert ts.groupby("replicate").step.apply(list).tolist() == [list(range(7))] * 2
    assert ts.cumulative_adopted.dtype == np.int64 and ts.heat.dtype == np.float64
    first = ts[ts.step == 0]
    assert (first.new_first_pin == 10).all() and (first.members == 10).all()
    assert first.heat.isna().all() and (first.spend == 0).all()
    # Stage counts add up to everyone; cumulative by channel adds up to the total.
    stages = ts[["unaware", "aware", "adopter", "advocate", "churned"]].sum(axis=1)
    assert (stages == small_net.num_nodes).all()
    assert (ts[[f"cum_{c}" for c in CHANNELS]].sum(axis=1) == ts.cumulative_adopted).all()
    assert (ts.groupby("replicate").new_adopted.cumsum() == ts.cumulative_adopted).all()
    s = run.summary
    assert list(s.columns) == ["replicate", "seed", *SUMMARY_COLUMNS]
    for c in CHANNELS:
        assert f"adopted_by_{c}" in s
    last = ts[ts.step == 6].reset_index(drop=True)
    assert (s.final_adopted == last.cumulative_adopted).all()
    np.testing.assert_allclose(s.spend, last.spend)
    acquired = s.final_adopted - s.adopted_by_first_pin
    np.testing.assert_allclose(s.cost_per_adopter, s.spend / acquired)
    held = ts[ts.meetup_held == 1]
    assert (s.meetups_held == held.groupby("replicate").size().to_numpy()).all()
    assert "WomRun(" in repr(run)


def test_people_record_every_adoption(small_net):
    run = simulate_wom(small_net, ALL_ON, replicates=3, steps=15, seed=4, people_of=[0, 2])
    ppl = run.people
    assert sorted(ppl.replicate.unique()) == [0, 2]
    p0 = ppl[ppl.replicate == 0]
    adopted = p0[p0.adopted_step >= 0]
    assert len(adopted) == run.summary.final_adopted.iloc[0]
    assert adopted.channel.notna().all() and (adopted.depth >= 0).all()
    never = p0[p0.adopted_step < 0]
    assert never.channel.isna().all() and (never.depth == -1).all()
    # Depth 0 exactly for first pin, vendor and influencer converts; peers: referrer + 1.
    broadcast = adopted.channel.isin(["first_pin", "vendor", "influencer"])
    assert (adopted.depth[broadcast] == 0).all()
    peers = adopted[~broadcast]
    depth = p0.set_index("id").depth
    assert (peers.depth.to_numpy() == depth.loc[peers.referrer_id].to_numpy() + 1).all()
    # A peer's referrer adopted earlier (referral trees are trees in time).
    step = p0.set_index("id").adopted_step
    assert (step.loc[peers.referrer_id].to_numpy() < peers.adopted_step.to_numpy()).all()
    assert (adopted.referrer_id[adopted.channel.isin(["first_pin", "vendor"])] == -1).all()
    infl = adopted[adopted.channel == "influencer"]
    assert (infl.referrer_id >= 0).all()
    assert (p0.member == "member").sum() == run.summary.final_members.iloc[0]


def test_zero_steps_and_labels(small_net):
    run = simulate_wom(small_net, steps=0, seed=1, people_of=0)
    assert run.metrics.shape == (1, 1, len(METRICS))
    assert run.summary.final_adopted.iloc[0] == 20


@pytest.mark.parametrize(
    ("budget", "channel"),
    [
        ({"total": 700}, "spend"),
        ({"vendor": 120}, "spend_vendor"),
        ({"community": 300}, "spend_community"),
    ],
)
def test_budgets_are_never_exceeded(small_net, budget, channel):
    run = simulate_wom(small_net, {**ALL_ON, "budget": budget}, replicates=2, steps=30, seed=3)
    limit = next(iter(budget.values()))
    assert (run.timeseries[channel] <= limit).all()
    assert (run.summary[channel] > 0.5 * limit).all()  # and it was spent


def test_no_budget_no_spending_channel_stops(small_net):
    p = {"vendor": {"enabled": True}, "budget": {"vendor": 0}, "community": {"enabled": False}}
    run = simulate_wom(small_net, p, steps=5, seed=1)
    assert (run.timeseries.vendor_contacts == 0).all() and run.summary.spend.iloc[0] == 0


def test_free_channels_cost_nothing(small_net):
    p = {
        "vendor": {"enabled": True, "cost_per_contact": 0},
        "community": {"cost_per_meetup": 0, "cost_per_attendee": 0},
        "budget": {"total": 0},
    }
    run = simulate_wom(small_net, p, steps=10, seed=1)
    assert run.summary.spend.iloc[0] == 0 and run.timeseries.vendor_contacts.sum() == 1000
    assert run.summary.meetups_held.iloc[0] == 2


def test_networkx_graph_is_accepted(small_net):
    from sim.network.csr import to_networkx

    a = simulate_wom(to_networkx(small_net), steps=5, seed=1)
    b = simulate_wom(small_net, steps=5, seed=1)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries)


def test_people_at_replays_a_replicate_week_by_week(small_net):
    from sim.model import people_at
    from sim.model.wom import WordOfMouthModel

    p = {"influencer": {"enabled": True, "count": 3}, "first_pin": {"size": 6}}
    run = simulate_wom(small_net, p, replicates=3, steps=12, seed=5, people_of=[2])
    snaps = people_at(small_net, p, steps=[12, 4, 4, 0], seed=5, replicate=2)
    assert sorted(set(snaps["step"])) == [0, 4, 12] and len(snaps) == 3 * small_net.num_nodes
    last = snaps[snaps["step"] == 12].drop(columns="step").reset_index(drop=True)
    pd.testing.assert_frame_equal(last, run.people)  # replicate 2 does not depend on R
    # Week 4 of replicate 0 is where the Mesa model is after four steps.
    model = WordOfMouthModel(small_net, p, seed=5, agents=False)
    for _ in range(4):
        model.step()
    week4 = people_at(small_net, p, steps=4, seed=5).drop(columns="step")
    pd.testing.assert_frame_equal(week4, model.people)
    # The seeds are flagged: the first pin adopted at week 0, the influencers as drawn.
    pins = run.people[run.people["first_pin"]]
    assert len(pins) == 6 and (pins["channel"] == "first_pin").all()
    assert run.people["influencer"].sum() == 3
    won = run.people[run.people["channel"] == "influencer"]
    assert set(won["referrer_id"]) <= set(run.people.loc[run.people["influencer"], "id"])


def test_people_at_bad_input(small_net):
    from sim.errors import ValidationError
    from sim.model import people_at

    with pytest.raises(ValidationError, match="steps: must be >= 0, got -1"):
        people_at(small_net, steps=[3, -1], seed=1)
    with pytest.raises(ValidationError, match="steps: give at least one week"):
        people_at(small_net, steps=[], seed=1)
    with pytest.raises(ValidationError, match="steps: must be a week"):
        people_at(small_net, steps=2.5, seed=1)
    with pytest.raises(ValidationError, match="replicate: must be >= 0"):
        people_at(small_net, steps=1, seed=1, replicate=-1)
