"""The shipped calibration cases: their files are valid, commented and what they claim."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import sim
from sim.calibration import load_targets, plan_calibration

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "scenarios" / "calibration"


def test_the_bass_curve_is_the_closed_form_with_p_003_and_q_038():
    sc = sim.load_scenario(CASES / "bass_closed_form.toml")
    curve = pd.read_csv(CASES / "bass_closed_form.csv")
    years = curve["step"].to_numpy() * sc.model.dt
    expected = sc.model.n * sim.bass_closed_form(years, 0.03, 0.38)
    np.testing.assert_allclose(curve["cumulative_adopted"], expected, rtol=1e-12)
    assert years.tolist() == list(range(21))  # once a year for 20 years
    assert curve["step"].max() == sc.steps


def test_every_key_of_the_targets_files_is_commented():
    for path in CASES.glob("*.targets.toml"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            stripped = line.strip()
            if "=" in stripped and not stripped.startswith("#"):
                assert "#" in line, f"{path.name}:{number}"


def test_the_shipped_cases_plan(tmp_path):
    cmc = plan_calibration(
        CASES / "cmc_meetup.toml", CASES / "cmc_meetup.targets.toml", out=tmp_path / "c"
    )
    assert [p.key for p in cmc.space] == [
        "word_of_mouth.persuasion",
        "word_of_mouth.decay",
        "community.lift",
    ]
    assert cmc.space[1].log and cmc.scenario.steps == 364
    assert [t.label for t in cmc.targets] == [
        "community_members@364",
        "meetups_held@364",
        "newcomer_share:mean",
    ]
    assert sum(cmc.scenario.network.sizes) == 10_000
    bass = plan_calibration(
        CASES / "bass_closed_form.toml",
        CASES / "bass_closed_form.csv",
        ["model.p=0.005:0.2:log", "model.q=0.05:1"],
        out=tmp_path / "b",
    )
    assert len(load_targets(CASES / "bass_closed_form.csv").items[0].steps) == 21
    assert bass.before == {"model.p": 0.1, "model.q": 0.1}
