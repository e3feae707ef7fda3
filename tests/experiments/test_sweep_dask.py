"""Sweeps on Dask: a real LocalCluster gives the local executor's numbers; a missing
scheduler is a quick, clear error."""

from __future__ import annotations

import socket
import time

import pandas as pd
import pytest

import sim
from sim.cli import main
from sim.errors import ValidationError

distributed = pytest.importorskip("distributed")

BASE = {
    "name": "dk",
    "seed": 11,
    "replicates": 4,
    "network": {"generator": "barabasi_albert", "n": 300, "m": 2, "seed": 5},
    "model": {"name": "sir", "beta": 0.1, "gamma": 0.3},
    "seeding": {"k": 3},
}
SWEEP = {"values": {"model.gamma": [0.2, 0.5]}, "ranges": {"model.beta": (0.05, 0.3)}}


def test_dask_local_cluster_gives_the_same_numbers_as_local_processes(tmp_path):
    kw = {**SWEEP, "design": "lhs", "samples": 6, "progress": False}
    local = sim.sweep(BASE, out=tmp_path / "local", workers=2, **kw)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as client,
    ):
        on_dask = sim.sweep(BASE, out=tmp_path / "dask", executor=client, **kw)
    assert local.done == on_dask.done == 24 and on_dask.failed == 0
    assert on_dask.executor == "dask client, 2 worker threads"
    pd.testing.assert_frame_equal(
        sim.load_sweep(tmp_path / "dask"), sim.load_sweep(tmp_path / "local")
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_scheduler_is_a_clear_error_within_the_timeout(tmp_path):
    address = f"tcp://127.0.0.1:{_free_port()}"
    started = time.perf_counter()
    with pytest.raises(ValidationError) as info:
        sim.sweep(BASE, out=tmp_path / "x", scheduler=address, connect_timeout=1, progress=False,
                  **SWEEP)  # fmt: skip
    assert time.perf_counter() - started < 5
    assert str(info.value).startswith(
        f"--scheduler: cannot reach the Dask scheduler at {address} within 1 s ("
    )


def test_cli_unreachable_scheduler_exits_2(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text(
        'name = "x"\nreplicates = 1\n[network]\ndataset = "karate"\n'
        '[model]\nname = "ic"\np = 0.1\n[seeding]\nk = 1\n'
    )
    address = f"tcp://127.0.0.1:{_free_port()}"
    started = time.perf_counter()
    code = main(["sweep", str(path), "--out", str(tmp_path / "o"), "--set", "model.p=0.1,0.2",
                 "--scheduler", address, "--connect-timeout", "1"])  # fmt: skip
    assert code == 2 and time.perf_counter() - started < 5
    err = capsys.readouterr().err
    assert err.startswith(f"error: --scheduler: cannot reach the Dask scheduler at {address}")
    assert err.count("\n") == 1
