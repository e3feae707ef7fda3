"""Distance and uncertainty: checked against plain-Python computations and made-up trials."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import sim
from sim.calibration.distance import UNDEFINED_ERROR, distance, model_values, target_errors
from sim.calibration.space import FitParameter
from sim.calibration.targets import load_targets
from sim.calibration.uncertainty import assess, profile

from .conftest import WOM


@pytest.fixture(scope="module")
def run():
    sc = {**WOM, "steps": 30, "network": {"dataset": "email-eu-core"}}
    return sim.run(sc, replicates=4, seed=3).timeseries


def _naive(ts: pd.DataFrame, t) -> float:
    """One target's error, from the rows, in plain Python."""
    reps = sorted(set(ts["replicate"]))

    def col(r, name):
        rows = ts[ts["replicate"] == r].sort_values("step")
        if name == "community_members":
            total, out = None, []
            for m, j in zip(rows["members"], rows["joins"], strict=True):
                total = m if total is None else total + j
                out.append(total)
            return list(rows["step"]), out
        return list(rows["step"]), list(rows[name])

    if t.kind == "series":
        gaps = []
        for s, y in zip(t.steps, t.values, strict=True):
            vals = [v for r in reps for st, v in zip(*col(r, t.output), strict=True) if st == s]
            vals = [v for v in vals if v == v]
            gaps.append((sum(vals) / len(vals) - y) if vals else UNDEFINED_ERROR * t.scale)
        return math.sqrt(sum(g * g for g in gaps) / len(gaps)) / t.scale
    per_rep = []
    for r in reps:
        steps, vals = col(r, t.output)
        held = dict(zip(*col(r, "meetup_held"), strict=True))
        if t.at is not None:
            per_rep.append(vals[steps.index(t.at)])
            continue
        if t.output in ("newcomer_share", "attendance"):
            vals = [v for s, v in zip(steps, vals, strict=True) if held[s]]
        vals = [v for v in vals if v == v]
        if not vals:
            continue
        per_rep.append({"mean": sum(vals) / len(vals), "max": max(vals), "final": vals[-1]}[t.stat])
    per_rep = [v for v in per_rep if v == v]
    if not per_rep:
        return UNDEFINED_ERROR
    m = sum(per_rep) / len(per_rep)
    if t.kind == "value":
        return (m - t.value) / t.scale
    return (m - t.high) / t.scale if m > t.high else (m - t.low) / t.scale if m < t.low else 0.0


def test_errors_and_distance_match_a_plain_computation(run):
    targets = load_targets(
        [
            {
                "targets": {
                    "community_members": {"at": 30, "value": 120},
                    "meetups_held": {"at": 28, "value": 7, "weight": 2},
                    "newcomer_share": {"range": [0.4, 0.6]},
                    "attendance": [{"value": 20.0}, {"stat": "max", "value": 30}],
                    "cumulative_adopted": {"stat": "final", "range": [10, 20]},
                }
            },
            pd.DataFrame({"step": [0, 10, 20, 30], "cumulative_adopted": [20.0, 60, 90, 150]}),
        ]
    )
    errors = target_errors(run, targets.items)
    for t in targets:
        assert errors[t.label] == pytest.approx(_naive(run, t), rel=1e-12, abs=1e-12), t.label
    w = [t.weight for t in targets]
    expected = math.sqrt(
        sum(wi * errors[t.label] ** 2 for wi, t in zip(w, targets, strict=True)) / sum(w)
    )
    assert distance(errors, targets.items) == pytest.approx(expected)
    values = model_values(run, targets.items)
    assert values["cumulative_adopted:series"].shape == (4, 4)


def test_undefined_model_values_cost_one_target_magnitude():
    ts = pd.DataFrame({"replicate": [0, 0], "step": [0, 1], "heat": [np.nan, np.nan],
                       "meetup_held": [0, 0]})  # fmt: skip
    t = load_targets({"targets": {"heat": {"value": 0.5}}}).items
    assert target_errors(ts, t) == {"heat:mean": UNDEFINED_ERROR}


def _trials(x, y, d):
    return pd.DataFrame({"trial": range(len(d)), "state": "complete", "a": x, "b": y,
                         "distance": d})  # fmt: skip


def test_ranges_come_from_the_trials_within_the_noise():
    rng = np.random.default_rng(0)
    a = rng.uniform(0, 1, 400)
    b = rng.uniform(0, 1, 400)
    d = np.abs(a - 0.3) + 0.01 * b  # a matters, b hardly
    space = [FitParameter("a", 0.0, 1.0), FitParameter("b", 0.0, 1.0)]
    u = assess(_trials(a, b, d), space, [d.min(), d.min() + 0.01, d.min() + 0.02])
    assert u.noise == pytest.approx(0.01)
    assert u.threshold == pytest.approx(d.min() + 0.02)
    ok = d <= u.threshold
    assert u.n_accepted == ok.sum()
    assert u.ranges["a"] == (a[ok].min(), a[ok].max())
    assert 0.27 < u.ranges["a"][0] < 0.3 < u.ranges["a"][1] < 0.33
    assert u.coverage["b"] > 2 / 3
    text = " ".join(u.notes)
    assert "b is not pinned down by these targets" in text
    assert "a is identified" in text


def test_a_trade_off_and_an_edge_are_said_in_words():
    rng = np.random.default_rng(1)
    a = rng.uniform(0, 1, 500)
    b = rng.uniform(0, 1, 500)
    d = np.abs(a + b - 1.0)  # only the sum is fixed
    space = [FitParameter("a", 0.0, 1.0), FitParameter("b", 0.0, 1.0)]
    u = assess(_trials(a, b, d), space, [0.0, 0.02, 0.04, 0.01])
    assert u.correlations[("a", "b")] < -0.9
    assert any(n.startswith("a and b trade off (Spearman rho = -0.") for n in u.notes)
    edge = _trials(a, b, np.abs(a - 0.0) + np.abs(b - 0.5))
    u = assess(edge, space, [0.0, 0.001])
    assert any("lies at the lower edge of its bounds" in n for n in u.notes)


def test_profile_is_the_lower_envelope():
    t = _trials([0.05, 0.1, 0.55, 0.6, 0.95], [0] * 5, [5.0, 4.0, 1.0, 2.0, 3.0])
    env = profile(t, FitParameter("a", 0.0, 1.0), bins=2)
    assert env.values.tolist() == [[0.1, 4.0], [0.55, 1.0]]
