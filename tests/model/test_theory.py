"""Channels against exact expectations (long statistical checks, marked slow)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from sim.model.simulate import simulate_wom

from .helpers import needs_jit

pytestmark = [needs_jit, pytest.mark.slow]

ONLY_VENDOR = {
    "community": {"enabled": False},
    "word_of_mouth": {"enabled": False},
    "churn": {"enabled": False},
}


def test_vendor_adoptions_match_the_exact_expectation(market):
    """k contacts a week, uniform with replacement, conversion c * s with s ~ Beta(2, 2):
    E[adopters after T weeks] = n (1 - E_s[(1 - c s / n) ** (k T)])."""
    n, k, c, T, R = market.num_nodes, 50, 0.3, 20, 400
    p = {**ONLY_VENDOR, "vendor": {"enabled": True, "reach": k, "conversion": c}}
    run = simulate_wom(market, p, replicates=R, steps=T, seed=17)
    got = run.summary.final_adopted.to_numpy(float)
    beta = stats.beta(2, 2)
    miss, _ = integrate.quad(lambda s: (1 - c * s / n) ** (k * T) * beta.pdf(s), 0, 1)
    want = n * (1 - miss)
    assert abs(got.mean() - want) < 4 * got.std(ddof=1) / math.sqrt(R)
    # Every contact makes its person aware: E[aware or further] = n (1 - (1 - 1/n) ** (k T)).
    area = run.summary.market_area.to_numpy() * n
    want_area = n * (1 - (1 - 1 / n) ** (k * T))
    assert abs(area.mean() - want_area) < 4 * area.std(ddof=1) / math.sqrt(R)


def test_churn_survival_is_geometric(market):
    """Vendor converts of week 1 (no community, no spreading) are still there after week
    t with probability (1 - rate) ** t (they face churn from week 1 on)."""
    rate, R = 0.05, 300
    p = {
        "community": {"enabled": False},
        "word_of_mouth": {"enabled": False},
        "vendor": {"enabled": True, "reach": 200, "conversion": 1.0},
        "people": {"susceptibility": {"kind": "constant", "value": 1.0}},
        "budget": {"vendor": 200},  # one week of contacts, then the budget is out
        "churn": {"rate": rate},
    }
    ts = simulate_wom(market, p, replicates=R, steps=21, seed=4).timeseries
    by_step = ts.groupby("step")[["cumulative_adopted", "churned"]].sum()
    start = by_step.cumulative_adopted.iloc[1]
    survivors = start - by_step.churned
    for t in (5, 10, 20):
        expected = start * (1 - rate) ** t
        sd = math.sqrt(start * (1 - rate) ** t * (1 - (1 - rate) ** t))
        assert abs(survivors.loc[t] - expected) < 4 * sd, t


def test_vendor_targeting_stays_in_its_group(market):
    p = {**ONLY_VENDOR, "vendor": {"enabled": True, "reach": 200, "target": "3"}}
    run = simulate_wom(market, p, replicates=3, steps=10, seed=2, people_of=[0, 1, 2])
    ppl = run.people
    assert (ppl.interest[ppl.stage != "unaware"] == 3).all()
    assert np.unique(ppl.interest[ppl.channel == "vendor"]).tolist() == [3]
