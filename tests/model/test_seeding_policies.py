"""Community-size policies as sweepable scenario keys: first-pin size, membership cap
(with its waiting list), admission, meetup cadence and capacity (docs/model.md)."""

from __future__ import annotations

import pytest

import sim
from sim.errors import ValidationError
from sim.experiments.executors import LocalExecutor
from sim.experiments.sweep import plan_sweep

#: A tiny community on the karate club: a hot first pin of 4, eager invitations.
TINY = {
    "name": "policies",
    "seed": 3,
    "replicates": 2,
    "steps": 12,
    "network": {"dataset": "karate"},
    "model": {"name": "wom"},
    "first_pin": {"size": 4, "enthusiasm": 0.9},
    "community": {"invite_prob": 0.3, "join_threshold": 0.1, "cadence": 2},
}


def test_admission_and_cap_sweep(tmp_path):
    with LocalExecutor(workers=1) as pool:
        done = sim.sweep(
            TINY,
            out=tmp_path / "sweep",
            values={"community.admission": ["closed", "invited", "open"], "community.cap": [4, 10]},
            executor=pool,
            progress=False,
        )
    assert (done.done, done.failed) == (12, 0)
    df = done.load()
    assert set(df["community.admission"]) == {"closed", "invited", "open"}
    assert set(df["community.cap"]) == {4, 10}
    closed = df[df["community.admission"] == "closed"]
    assert (closed["joins"] == 0).all() and (closed["max_members"] == 4).all()
    assert (closed["max_waiting"] == 0).all()  # nobody asks to join a closed community
    admitted = df[df["community.admission"] != "closed"]
    assert (admitted["max_members"] <= admitted["community.cap"]).all()
    full = admitted[admitted["community.cap"] == 4]
    assert (full["max_waiting"] > 0).all()  # a cap of the first pin: every applicant waits
    assert (admitted[admitted["community.cap"] == 10]["max_members"] > 4).all()


def test_every_community_size_key_is_sweepable(tmp_path):
    plan = plan_sweep(
        TINY,
        out=tmp_path / "plan",
        ranges={
            "first_pin.size": (2, 4),
            "community.cadence": (1, 4),
            "community.capacity": (5, 20),
        },
        values={"community.admission": ["closed", "open"], "first_pin.strategy": ["degree", "ris"]},
        samples=2,
    )
    assert len(plan.tasks) == 2**3 * 2 * 2
    seen = {
        (t.scenario.first_pin.size, t.scenario.community.cadence, t.scenario.community.capacity,
         t.scenario.community.admission, t.scenario.first_pin.strategy)
        for t in plan.tasks
    }  # fmt: skip
    assert len(seen) == len(plan.tasks)  # every point a validated scenario of its own
    assert {s[:3] for s in seen} == {(a, b, c) for a in (2, 4) for b in (1, 4) for c in (5, 20)}
    # a point whose cap leaves no room for the first pin is refused, naming the key
    with pytest.raises(ValidationError) as exc:
        plan_sweep(
            {**TINY, "community": {**TINY["community"], "cap": 3}},
            out=tmp_path / "bad",
            values={"first_pin.size": [2, 4]},
        )
    assert "community.cap" in str(exc.value) and "first_pin.size" in str(exc.value)
