"""The articles' claims as mechanisms the model expresses (not outcomes written in).

Every check compares arms that differ in one mechanism, on common random numbers,
with a tolerance from the Monte Carlo error of the run (z-scores), never tuned to a
number. The network is 2,000 people in 8 interest groups (``market``).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.model.kernels import power_mean
from sim.model.simulate import simulate_wom
from sim.model.wom import WordOfMouthModel

from .helpers import needs_jit, paired

pytestmark = needs_jit

R = 30
Z = 4.0  # every comparison must clear 4 standard errors
SELL_TO = {"community": {"enabled": False}, "vendor": {"enabled": True}}
SELL_THROUGH = {}  # the defaults: a community with a first pin of the 20 hottest people


def _referral_rate(run, channel):
    """Share of ``channel`` converts who referred at least one adopter, and their count."""
    ppl = run.people
    referrers = set(
        zip(ppl.replicate[ppl.referrer_id >= 0], ppl.referrer_id[ppl.referrer_id >= 0], strict=True)
    )
    conv = ppl[ppl.channel == channel]
    hits = [(r, i) in referrers for r, i in zip(conv.replicate, conv.id, strict=True)]
    return float(np.mean(hits)), len(hits)


def _two_proportion_z(p1, n1, p2, n2):
    p = (p1 * n1 + p2 * n2) / (n1 + n2)
    return (p1 - p2) / math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))


@pytest.fixture(scope="module")
def arms(market):
    kw = {"replicates": R, "steps": 52, "seed": 20240601, "people_of": list(range(R))}
    hot = {**SELL_TO, "vendor": {"enabled": True, "enthusiasm": 0.9}}
    return {
        "sell_to": simulate_wom(market, SELL_TO, **kw),
        "sell_to_hot": simulate_wom(market, hot, **kw),
        "sell_through": simulate_wom(market, SELL_THROUGH, **kw),
    }


def test_vendor_converts_start_almost_no_chains_community_grows_long_ones(arms):
    to, through = arms["sell_to"], arms["sell_through"]
    rate_vendor, n_vendor = _referral_rate(to, "vendor")
    rate_pin, n_pin = _referral_rate(through, "first_pin")
    assert n_vendor > 1000 and n_pin == 20 * R
    assert rate_vendor < 0.15  # almost none of the vendor's converts refers anyone ...
    assert _two_proportion_z(rate_pin, n_pin, rate_vendor, n_vendor) > Z  # ... unlike fans
    # Chains: the community's run several generations deep, Sell-To's stop at once.
    d, se = paired(through.summary.max_chain_depth, to.summary.max_chain_depth)
    assert (
        d > Z * se
        and through.summary.max_chain_depth.mean() >= 2 * to.summary.max_chain_depth.mean()
    )
    d, se = paired(through.summary.mean_chain_depth, to.summary.mean_chain_depth)
    assert d > Z * se
    assert to.summary.wom_share.mean() < 0.25 < 0.75 < through.summary.wom_share.mean()


def test_hot_vendor_converts_make_sell_to_chain_too(arms):
    """It is the enthusiasm, not the channel's label, that makes chains."""
    cold, hot = arms["sell_to"], arms["sell_to_hot"]
    rate_cold, n_cold = _referral_rate(cold, "vendor")
    rate_hot, n_hot = _referral_rate(hot, "vendor")
    assert _two_proportion_z(rate_hot, n_hot, rate_cold, n_cold) > Z
    for col in ("max_chain_depth", "mean_chain_depth", "wom_share", "final_adopted"):
        d, se = paired(hot.summary[col], cold.summary[col])
        assert d > Z * se, col


def test_one_cold_attendee_cools_the_room_more_than_the_mean():
    room = np.full(20, 0.8)
    cold = room.copy()
    cold[0] = 0.05
    heat_drop = 1 - power_mean(cold, -2.0) / power_mean(room, -2.0)
    mean_drop = 1 - cold.mean() / room.mean()
    assert heat_drop > mean_drop
    # and a colder one hurts more still, while the mean barely moves
    colder = room.copy()
    colder[0] = 0.01
    assert power_mean(colder, -2.0) < power_mean(cold, -2.0)
    assert colder.mean() - cold.mean() > -0.01


def test_cold_member_lowers_meetup_heat_in_the_model(market):
    """In a run, one first-pin member made cold lowers the room's heat at the meetup far
    more than it lowers the attendees' mean enthusiasm (the Mesa face sets it)."""
    params = {
        "first_pin": {"size": 20, "strategy": "interest", "enthusiasm": 0.9},
        "community": {"attendance_exponent": 0.0, "admission": "closed", "lift": 0.0},
        "word_of_mouth": {"decay": 0.0},
        "churn": {"enabled": False},
    }
    rooms = {}
    for label, cold in (("warm", None), ("cold", 0.02)):
        model = WordOfMouthModel(market, params, seed=3, agents=False)
        pins = model.people.id[model.people.channel == "first_pin"].to_numpy()
        if cold is not None:
            model.enthusiasm[pins[0]] = cold
        for _ in range(4):  # the first meetup is in week 4; everyone comes
            model.step()
        rooms[label] = model.metrics
        assert model.metrics["attendance"] == 20
    heat_drop = 1 - rooms["cold"]["heat"] / rooms["warm"]["heat"]
    mean_drop = 1 - rooms["cold"]["attendee_enthusiasm"] / rooms["warm"]["attendee_enthusiasm"]
    assert heat_drop > 5 * mean_drop > 0


def test_fee_raises_attendee_enthusiasm_and_lowers_attendance(market):
    kw = {"replicates": R, "steps": 52, "seed": 7}
    free = simulate_wom(market, {"community": {"fee": 0.0}}, **kw)
    fee = simulate_wom(market, {"community": {"fee": 0.4}}, **kw)

    def per_replicate(run, col):
        ts = run.timeseries
        return ts[ts.attendance > 0].groupby("replicate")[col].mean()

    d, se = paired(
        per_replicate(fee, "attendee_enthusiasm"), per_replicate(free, "attendee_enthusiasm")
    )
    assert d > Z * se
    d, se = paired(fee.summary.mean_attendance, free.summary.mean_attendance)
    assert -d > Z * se


def test_cap_bounds_members_and_fills_the_waiting_list(market):
    kw = {"replicates": R, "steps": 52, "seed": 9}
    capped = simulate_wom(market, {"community": {"cap": 30}}, **kw)
    open_ = simulate_wom(market, {"community": {"cap": None}}, **kw)
    assert capped.timeseries.members.max() <= 30
    assert (open_.summary.max_members > 30).all()  # the cap binds
    s = capped.summary
    assert (s.max_members == 30).all() and (s.final_waiting > 0).all()
    assert (open_.summary.max_waiting == 0).all()
    # The waiting list grows while the community is full.
    ts = capped.timeseries.groupby("step").waiting.mean()
    assert ts.iloc[-1] > ts.iloc[len(ts) // 2] > 0


def test_interest_bonus_is_what_makes_an_interest_connected_first_pin_better(market):
    """With the shared-interest bonus, a first pin from one interest group (関心軸) builds
    a hotter community than the hottest people spread over all groups; without the
    bonus that advantage is gone."""
    kw = {"replicates": R, "steps": 52, "seed": 11}

    def run(strategy, bonus):
        p = {
            "first_pin": {"strategy": strategy},
            "word_of_mouth": {"interest_bonus": bonus},
            "community": {"interest_bonus": bonus},
        }
        return simulate_wom(market, p, **kw).summary

    for col in ("final_advocates", "mean_enthusiasm"):
        d_on, se_on = paired(run("interest", 1.0)[col], run("enthusiasm", 1.0)[col])
        d_off, se_off = paired(run("interest", 0.0)[col], run("enthusiasm", 0.0)[col])
        assert d_on > Z * se_on, col
        assert d_off < 2 * se_off, col  # no significant advantage left


@pytest.mark.parametrize("factor", [0.25, 1.0])
def test_churn_is_lower_for_members_by_the_member_factor(market, factor):
    p = {"churn": {"rate": 0.02, "member_factor": factor}, "community": {"invite_prob": 0.2}}
    ts = simulate_wom(market, p, replicates=R, steps=52, seed=5).timeseries
    prev = ts.groupby("replicate").shift(1)
    ok = ts.step > 0
    members_before = prev.members[ok]
    others_before = (prev.adopter + prev.advocate - prev.members)[ok]
    churn_m = ts.new_churned_members[ok].sum()
    churn_o = (ts.new_churned - ts.new_churned_members)[ok].sum()
    hazard_m = churn_m / members_before.sum()
    hazard_o = churn_o / others_before.sum()
    assert churn_m > 100 and churn_o > 100
    log_ratio = math.log(hazard_m / hazard_o)
    se = math.sqrt(1 / churn_m + 1 / churn_o)
    assert abs(log_ratio - math.log(factor)) < Z * se
    if factor < 1:
        assert log_ratio < -Z * se
