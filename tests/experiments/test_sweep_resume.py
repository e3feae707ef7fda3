"""Crash safety: SIGKILL a running `wom sweep`, read the folder, rerun it to the end."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import sim
from sim.cli import main
from sim.experiments.sweep_store import MANIFEST, RUNS, SweepFolder

SCENARIO = textwrap.dedent(
    """\
    name = "killed"
    seed = 4
    replicates = 4

    [network]
    generator = "barabasi_albert"
    n = 2000
    m = 3

    [model]
    name = "ic"
    p = 0.1

    [seeding]
    k = 5
    """
)
POINTS = 30


def _start(path: Path, out: Path) -> subprocess.Popen:
    args = [sys.executable, "-m", "sim", "sweep", str(path), "--out", str(out), "--workers", "2",
            "--range", "model.p=0.02:0.2", "--samples", str(POINTS)]  # fmt: skip
    return subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )


def _kill(proc: subprocess.Popen) -> None:
    """SIGKILL the sweep process, then whatever it started (its process group)."""
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def _wait_for(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the sweep made no progress"
        time.sleep(0.02)


def _readable(out: Path) -> pd.DataFrame:
    """Everything a reader globs reads cleanly (temporary files are never matched)."""
    for path in (out / RUNS).glob("*.parquet"):
        pd.read_parquet(path)
    if any((out / RUNS).glob("*.parquet")):
        duckdb.sql(f"select count(*) from '{out}/runs/*.parquet'").fetchall()
    return sim.load_sweep(out)


@pytest.mark.slow
def test_sigkill_loses_no_finished_run_and_rerun_completes_without_duplicates(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text(SCENARIO)
    out = tmp_path / "out"
    folder = SweepFolder(out)

    # 1. killed early: right after the manifest is written
    proc = _start(path, out)
    _wait_for(lambda: (out / MANIFEST).exists() or proc.poll() is not None)
    _kill(proc)
    before = _readable(out)

    # 2. killed mid-way: once some batches are stored
    proc = _start(path, out)
    _wait_for(lambda: len(folder.files(RUNS)) >= 2 or proc.poll() is not None)
    _kill(proc)
    assert proc.returncode == -signal.SIGKILL, "the sweep finished before it was killed"
    kept = {p.name: pd.read_parquet(p) for p in folder.files(RUNS)}
    mid = _readable(out)
    assert len(mid) >= len(before) and mid["run_id"].is_unique
    assert 0 < mid["run_id"].nunique() < POINTS * 4

    # 3. rerun the same command to the end
    args = ["sweep", str(path), "--out", str(out), "--workers", "2", "--range",
            "model.p=0.02:0.2", "--samples", str(POINTS)]  # fmt: skip
    assert main(args) == 0
    done = mid["run_id"].nunique()
    assert f"skipped {done}, failed 0 (of {POINTS * 4} runs)" in capsys.readouterr().out
    final = _readable(out)
    assert len(final) == POINTS * 4 and final["run_id"].is_unique
    for name, frame in kept.items():  # finished runs kept as they were
        pd.testing.assert_frame_equal(pd.read_parquet(out / RUNS / name), frame)
    assert not list(out.glob("**/.*.tmp-*"))  # leftovers cleaned
    # and the numbers are those of an uninterrupted run of any point
    p = final["model.p"].iloc[-1]
    expect = sim.run(sim.load_scenario(path, overrides={"model.p": p}), seed=4).summary
    got = final[final["model.p"] == p].drop(columns=["model.p", "point", "run_id"])
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True), expect, check_dtype=False, check_categorical=False
    )
