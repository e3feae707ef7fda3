"""Crash safety: SIGKILL a running `wom calibrate`, then rerun it: every trial kept once."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

import sim
from sim.calibration import calibrate, load_calibration
from sim.errors import ValidationError

from .conftest import WOM

TARGETS = """\
[targets]
community_members = {at = 30, value = 60}    # people who ever joined
cumulative_adopted = {at = 30, value = 150}  # adopters by week 30
"""
#: Cheap trials (a smaller network, fewer weeks and replicates than the recovery test's).
SCENARIO = {**WOM, "steps": 30, "replicates": 3,
            "network": {**WOM["network"], "n": 800}}  # fmt: skip
FIT = ["word_of_mouth.persuasion=0.2:1.2", "community.lift=0.05:0.9"]
TRIALS = 24


def _kill(proc: subprocess.Popen) -> None:
    """SIGKILL the calibration, then whatever it started (its process group)."""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def test_kill_9_then_rerun_keeps_every_finished_trial_once(tmp_path, pool):
    scenario = tmp_path / "wom.toml"
    scenario.write_text(sim.load_scenario(SCENARIO).to_toml(), encoding="utf-8")
    targets = tmp_path / "targets.toml"
    targets.write_text(TARGETS, encoding="utf-8")
    out = tmp_path / "fit"
    store = tmp_path / "fit.partial" / "trials"
    args = [sys.executable, "-m", "sim", "calibrate", str(scenario), "--targets", str(targets),
            "--fit", FIT[0], "--fit", FIT[1], "--trials", str(TRIALS), "--batch", "4",
            "--workers", "1", "--no-report", "--out", str(out)]  # fmt: skip
    proc = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 120
        while len(list(store.glob("*.parquet"))) < 3:
            assert proc.poll() is None, "the calibration ended before it could be killed"
            assert time.monotonic() < deadline, "no trial stored in time"
            time.sleep(0.01)
    finally:
        _kill(proc)
    before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in store.glob("*.parquet")}
    assert 3 <= len(before) < TRIALS and not out.exists()  # nothing that looks finished
    with pytest.raises(ValidationError, match=r"rerun the same command to finish it"):
        load_calibration(out)

    kw = dict(trials=TRIALS, batch=4, executor=pool, progress=False, report=False)
    resumed = calibrate(scenario, targets, FIT, out=out, **kw)
    assert resumed.evaluated == TRIALS - len(before)
    for name, stamp in before.items():  # stored trials were not run or written again
        p = out / "trials" / name
        assert (p.stat().st_ino, p.stat().st_mtime_ns) == stamp
    assert resumed.trials["trial"].tolist() == list(range(TRIALS))
    # the same trials as a calibration never interrupted (and with 2 workers, not 1)
    fresh = calibrate(scenario, targets, FIT, out=tmp_path / "fresh", **kw)
    cols = [c for c in fresh.trials.columns if c != "seconds"]
    pd.testing.assert_frame_equal(resumed.trials[cols], fresh.trials[cols])
