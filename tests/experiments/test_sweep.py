"""Sweeps end to end on local worker processes: storage, seeds, resume, failures, errors."""

from __future__ import annotations

import importlib
import textwrap
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

import sim
from sim.cli import main
from sim.errors import ValidationError
from sim.experiments.batch import PointTask, network_memo, run_batch
from sim.experiments.executors import LocalExecutor
from sim.experiments.sweep import load_failures, plan_sweep, point_seed
from sim.experiments.sweep_store import MANIFEST, RUNS, SweepFolder

ROOT = Path(__file__).resolve().parents[2]
BASE = {
    "name": "sw",
    "seed": 7,
    "replicates": 3,
    "network": {"dataset": "karate"},
    "model": {"name": "ic", "p": 0.2},
    "seeding": {"k": 2},
    "arms": [{"name": "random"}, {"name": "hubs", "seeding": {"strategy": "degree"}}],
}
VALUES = {"model.p": [0.1, 0.4]}
RANGES = {"seeding.k": (1, 2)}


@pytest.fixture(scope="module")
def pool1():
    """One worker process, reused by the sweeps of this module (warm numba, fast tests)."""
    with LocalExecutor(workers=1) as pool:
        yield pool


@pytest.fixture(scope="module")
def pool2():
    with LocalExecutor(workers=2) as pool:
        yield pool


@pytest.fixture
def sweep_(pool1):
    def run(out, **kw):
        kw = {"values": VALUES, "ranges": RANGES, "executor": pool1, "progress": False, **kw}
        return sim.sweep(BASE, out=out, **kw)

    return run


@pytest.fixture(scope="module")
def reference(tmp_path_factory, pool1):
    """A finished 2 x 2 grid sweep (4 points x 3 replicates x 2 arms), on one worker."""
    out = tmp_path_factory.mktemp("sweeps") / "ref"
    summary = sim.sweep(BASE, out=out, values=VALUES, ranges=RANGES, executor=pool1,
                        progress=False)  # fmt: skip
    return out, summary, sim.load_sweep(out)


def test_load_sweep_gives_one_tidy_row_per_run_and_arm(reference):
    out, summary, df = reference
    assert (summary.runs, summary.done, summary.skipped, summary.failed) == (12, 12, 0, 0)
    assert list(df.columns[:7]) == ["model.p", "seeding.k", "point", "arm", "replicate", "seed", "run_id"]  # fmt: skip
    assert {"final_adopted", "final_share", "time_to_half", "steps"} <= set(df.columns)
    assert len(df) == 4 * 3 * 2 and df["run_id"].nunique() == 12
    assert df["seeding.k"].dtype == np.int64 and df["model.p"].dtype == np.float64
    assert list(df["arm"].cat.categories) == ["random", "hubs"]
    assert set(zip(df["model.p"], df["seeding.k"], strict=True)) == {(0.1, 1), (0.1, 2), (0.4, 1), (0.4, 2)}  # fmt: skip
    assert (df["seed"] == 7).all()  # common random numbers: every point, the sweep's seed


def test_every_point_equals_wom_run_of_that_point(reference):
    """A point is `sim.run` of the scenario with the point's values, seed S, R replicates."""
    _, _, df = reference
    for (p, k), rows in df.groupby(["model.p", "seeding.k"]):
        sc = sim.load_scenario(BASE, overrides={"model.p": p, "seeding.k": int(k)})
        expect = sim.run(sc, seed=7, replicates=3).summary
        got = rows.drop(columns=["model.p", "seeding.k", "point", "run_id"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expect, check_dtype=False, check_categorical=False)


def test_two_workers_and_resuming_give_identical_results(reference, sweep_, pool2, tmp_path):
    out, _, df = reference
    again = sweep_(out)
    assert (again.done, again.skipped, again.failed) == (0, 12, 0)
    two = tmp_path / "two"
    assert sweep_(two, executor=pool2).executor == "local, 2 processes"
    pd.testing.assert_frame_equal(sim.load_sweep(two), df)
    # lose one batch file: only its runs are redone, none is stored twice
    files = SweepFolder(two).files(RUNS)
    lost = pd.read_parquet(files[0])["run_id"].nunique()
    files[0].unlink()
    resumed = sweep_(two, executor=pool2)
    assert (resumed.done, resumed.skipped) == (lost, 12 - lost)
    pd.testing.assert_frame_equal(sim.load_sweep(two), df)


def test_a_different_design_in_the_same_folder_is_refused(reference, sweep_):
    out, _, _ = reference
    with pytest.raises(ValidationError) as info:
        sweep_(out, values={"model.p": [0.1, 0.5]})
    assert "holds a different sweep (parameters" in str(info.value)
    with pytest.raises(ValidationError, match=r"replicates 3 -> 4"):
        sweep_(out, replicates=4)
    with pytest.raises(ValidationError, match=r"scenario \(model.p\)"):
        sim.sweep({**BASE, "model": {"name": "ic", "p": 0.3}}, out=out, values=VALUES,
                  ranges=RANGES, progress=False)  # fmt: skip


def test_a_folder_that_is_not_a_sweep_is_refused(tmp_path, sweep_):
    (tmp_path / "x.txt").write_text("mine")
    with pytest.raises(ValidationError, match="exists and is not a sweep folder"):
        sweep_(tmp_path)
    (tmp_path / "file").write_text("")
    with pytest.raises(ValidationError, match="is a file"):
        sweep_(tmp_path / "file")


def test_duckdb_reads_the_runs_folder(reference):
    out, _, df = reference
    got = duckdb.sql(
        f"""select "model.p", arm, avg(final_adopted) as mean, count(*) as n
            from '{out}/runs/*.parquet' group by all order by 1, 2"""
    ).df()
    expect = (
        df.assign(arm=df["arm"].astype(str))
        .groupby(["model.p", "arm"])["final_adopted"]
        .agg(mean="mean", n="count")
        .reset_index()
        .sort_values(["model.p", "arm"])
        .reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(got, expect, check_dtype=False)


def _pair_difference(df):
    a, b = (g["final_adopted"].to_numpy() for _, g in df.groupby("point"))
    return int(np.abs(a - b).sum())


def test_without_common_random_numbers_points_get_their_own_seeds(tmp_path, sweep_):
    near = {"model.p": [0.3, 0.3001]}
    s = sweep_(tmp_path / "ind", common_random_numbers=False, values=near, ranges=None)
    assert s.done == 6
    ind = sim.load_sweep(tmp_path / "ind")
    seeds = ind.groupby("point")["seed"].first().tolist()
    assert seeds == [point_seed(7, 0), point_seed(7, 1)] and seeds[0] != seeds[1]
    sweep_(tmp_path / "crn", values=near, ranges=None)
    crn = sim.load_sweep(tmp_path / "crn")
    # nearly equal p: the same streams give nearly the same cascades, own streams do not
    assert _pair_difference(crn) < _pair_difference(ind)


def test_failed_runs_are_recorded_and_the_sweep_goes_on(tmp_path, capsys, sweep_):
    # 40 seeds by degree on a 34-node network: valid scenario, fails when run
    s = sweep_(tmp_path / "f", values={"seeding.k": [2, 40]}, ranges=None)
    assert (s.done, s.failed) == (3, 3)
    assert "40 seeds asked for, but the network has 34 nodes" in s.first_error
    fails = load_failures(tmp_path / "f")
    assert len(fails) == 3 and (fails["seeding.k"] == 40).all()
    assert fails["error"].str.contains("seeding.k").all()
    assert len(sim.load_sweep(tmp_path / "f")) == 3 * 2
    again = sweep_(tmp_path / "f", values={"seeding.k": [2, 40]}, ranges=None)  # retried
    assert (again.done, again.skipped, again.failed) == (0, 3, 3)
    assert len(load_failures(tmp_path / "f")) == 3 and len(sim.load_sweep(tmp_path / "f")) == 6


def test_timeseries_kept_on_request(tmp_path, sweep_):
    s = sweep_(tmp_path / "ts", timeseries=True, values={"model.p": [0.3]}, ranges=None)
    assert s.done == 3
    ts = sim.load_sweep(tmp_path / "ts", timeseries=True)
    expect = sim.run(sim.load_scenario(BASE, overrides={"model.p": 0.3}), seed=7).timeseries
    got = ts.drop(columns=["model.p", "point", "run_id"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expect, check_dtype=False, check_categorical=False)


def test_timeseries_are_off_by_default(reference):
    out, _, _ = reference
    with pytest.raises(ValidationError, match="kept no time series"):
        sim.load_sweep(out, timeseries=True)


def test_a_top_level_key_named_like_an_output_is_kept_apart(tmp_path, sweep_):
    s = sweep_(tmp_path / "steps", values={"steps": [1, 3]}, ranges=None)
    df = sim.load_sweep(tmp_path / "steps")
    assert s.done == 6 and sorted(df["steps"].unique()) == [1, 3]
    assert (df["output.steps"] <= df["steps"]).all()


# --------------------------------------------------------------------------- planning
SWEEP_TOML = textwrap.dedent(
    """\
    name = "from_file"
    seed = 3
    replicates = 2

    [network]
    generator = "erdos_renyi"
    n = 50
    mean_degree = 4.0

    [model]
    name = "ic"
    p = 0.2

    [seeding]
    k = 2

    [sweep]
    design = "lhs"
    samples = 6
    set = { "seeding.strategy" = ["random", "degree"] }
    range = { "model.p" = [0.05, 0.3], "network.n" = [40, 60] }
    """
)


def test_sweep_section_gives_the_defaults_and_options_override_it(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(SWEEP_TOML)
    plan = plan_sweep(path, out=tmp_path / "o")
    assert plan.design.kind == "lhs" and len(plan.design.points) == 6
    assert plan.design.keys == ["seeding.strategy", "model.p", "network.n"]
    assert all(type(p["network.n"]) is int for p in plan.design.points)  # integer key
    assert plan.replicates == 2 and plan.runs == len(plan.tasks) * 2
    plan = plan_sweep(path, design="grid", samples=2, values=["seeding.strategy=degree"],
                      ranges=["model.p=0.1:0.2"])  # fmt: skip
    assert [tuple(p.values()) for p in plan.design.points] == [
        ("degree", 0.1, 40), ("degree", 0.1, 60), ("degree", 0.2, 40), ("degree", 0.2, 60)
    ]  # fmt: skip
    assert plan.path == Path("results") / "from_file-sweep"
    # `wom run` ignores the section
    assert sim.run(sim.load_scenario(path)).summary.shape[0] == 2


def test_seed_option_moves_the_network_like_wom_run_seed(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(SWEEP_TOML)
    plan = plan_sweep(path, seed=11, design="grid", samples=2)
    sc = plan.tasks[0].scenario
    assert sc.seed == 11 and sc.network.seed == 11 and plan.tasks[0].seed == 11


def test_invalid_points_are_reported_where_the_value_was_given(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(SWEEP_TOML.replace("[0.05, 0.3]", "[0.05, 1.5]"))
    with pytest.raises(ValidationError) as info:
        plan_sweep(path)
    text = str(info.value)
    assert text.startswith(f'{path}:21:23: sweep.range."model.p": must be in [0, 1], got ')
    assert "(at sweep point" in text
    with pytest.raises(ValidationError) as info:
        plan_sweep(BASE, values=["network.n=5"])
    assert str(info.value) == ("--set: network.n: unknown key 'n' (allowed: dataset, directed)")
    with pytest.raises(ValidationError) as info:  # a combination, not the key itself
        plan_sweep({**BASE, "network": {"generator": "barabasi_albert", "n": 20, "m": 3}},
                   values=["network.n=20,3"])  # fmt: skip
    assert "network.m: must be < n (3), got 3 (at sweep point 1: network.n = 3)" in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"values": ["seed=1,2"]}, "--set: seed: cannot be swept: the sweep's master seed is --seed"),
        ({"values": ["replicates=1,2"]}, "--set: replicates: cannot be swept"),
        ({"values": ["model.p=0.1"], "ranges": ["model.p=0:1"]}, "--range: model.p: swept twice"),
        ({"ranges": ["seeding.k=1.2:1.8"]}, "--range: seeding.k: integer key: the range 1.2:1.8 holds fewer than two integers"),
        ({"values": ["model.p=0.1"], "replicates": 0}, "--replicates: must be >= 1, got 0"),
    ],
)  # fmt: skip
def test_plan_errors(kwargs, message):
    with pytest.raises(ValidationError) as info:
        plan_sweep(BASE, **kwargs)
    assert str(info.value).startswith(message)


def test_keys_inside_arms_can_be_swept():
    plan = plan_sweep(BASE, values=["arms[1].seeding.k=1,3"])
    assert [t.scenario.arm_scenarios()[1][1].seeding.k for t in plan.tasks] == [1, 3]
    assert plan.design.points[1] == {"arms[1].seeding.k": 3}


# --------------------------------------------------------------------------- workers
def test_local_workers_run_numba_on_one_thread(pool2):
    sc = sim.load_scenario(BASE)
    futures = [pool2.submit([PointTask(f"k{i}", i, {}, 1, (0,), sc)], False) for i in range(4)]
    results = [pool2.result(f) for f in futures]
    assert {r.threads for r in results} == {1}
    assert all(r.runs == 1 and len(r.summary) == 2 for r in results)


def test_networks_are_built_once_per_worker(monkeypatch):
    module = importlib.import_module("sim.experiments.run")
    calls = []
    original = module.build_network

    def counting(spec, **kw):
        calls.append(spec)
        return original(spec, **kw)

    monkeypatch.setattr(module, "build_network", counting)
    data = {**BASE, "network": {"generator": "erdos_renyi", "n": 123, "p": 0.05, "seed": 99}}
    tasks = [
        PointTask(f"k{i}", i, {}, 1, (0,), sim.load_scenario(data, overrides={"model.p": p}))
        for i, p in enumerate([0.1, 0.2, 0.3])
    ]
    res = run_batch(tasks)
    assert len(res.summary) == 6 and len(calls) == 1
    assert module.build_network is counting  # the memo is removed after the batch
    with network_memo(), network_memo():
        assert module.build_network is not counting
    assert module.build_network is counting


# --------------------------------------------------------------------------- command line
def test_cli_sweep_then_resume(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text(SWEEP_TOML)
    args = ["sweep", str(path), "--out", str(tmp_path / "o"), "--design", "grid", "--samples",
            "2", "--workers", "1", "--set", "seeding.strategy=degree"]  # fmt: skip
    assert main(args) == 0
    out, err = capsys.readouterr()
    assert "done 8, skipped 0, failed 0 (of 8 runs)" in out
    assert (
        "sweep from_file: grid design, 4 points (4 distinct) x 2 replicates = 8 runs; seed 3" in err
    )
    assert "sweep from_file: 8/8 runs (100%), 0 failed" in err  # not a terminal: log lines
    assert main(args) == 0
    assert "done 0, skipped 8, failed 0 (of 8 runs)" in capsys.readouterr().out
    assert (tmp_path / "o" / MANIFEST).is_file()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--set", "model.zzz=1,2"], "error: --set: model.zzz: unknown key 'zzz' (allowed: name, p)"),
        (["--set", "model.p="], "error: --set: model.p: empty value list"),
        (["--range", "model.p=0.3:0.1"], "error: --range: model.p: empty range: lo > hi (0.3 > 0.1)"),
        (["--range", "model.p=0.1:0.3", "--design", "sobol", "--samples", "10"], "error: --samples: a sobol design needs a power of 2"),
        (["--set", "model.p=0.1", "--scheduler", "tcp://127.0.0.1:1", "--executor", "local"], "error: --scheduler: a scheduler address needs --executor dask"),
        (["--set", "model.p=0.1", "--executor", "slurm"], "error: --executor: unknown executor 'slurm' (valid: local, dask)"),
        ([], "error: --set: nothing to sweep"),
    ],
)  # fmt: skip
def test_cli_bad_input_is_one_line_and_exit_2(tmp_path, capsys, extra, message):
    path = tmp_path / "s.toml"
    path.write_text(SWEEP_TOML.split("[sweep]")[0])
    assert main(["sweep", str(path), "--out", str(tmp_path / "o"), *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


def test_cli_refuses_a_folder_holding_another_sweep(reference, tmp_path, capsys):
    out, _, _ = reference
    scen = tmp_path / "s.toml"
    scen.write_text(SWEEP_TOML.split("[sweep]")[0])
    assert main(["sweep", str(scen), "--out", str(out), "--set", "model.p=0.1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: --out: {out} holds a different sweep (") and err.count("\n") == 1


def test_cli_failed_runs_exit_1_after_the_summary(tmp_path, capsys):
    path = tmp_path / "s.toml"
    path.write_text(SWEEP_TOML.split("[sweep]")[0].replace("k = 2", 'k = 2\nstrategy = "degree"'))
    args = ["sweep", str(path), "--out", str(tmp_path / "o"), "--set", "seeding.k=2,60",
            "--workers", "1", "--set", "network.n=50"]  # fmt: skip
    assert main(args) == 1
    out, err = capsys.readouterr()
    assert "done 2, skipped 0, failed 2 (of 4 runs)" in out
    assert "error: 2 run(s) failed, recorded in" in err and "60 seeds asked for" in err


def test_public_names():
    assert {"sweep", "load_sweep"} <= set(sim.__all__)
    assert sim.sweep is sim.sweeps.sweep and sim.load_sweep is sim.sweeps.load_sweep
    doc = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    for name, field in sim.scenario.Sweep.model_fields.items():
        assert f"`{name}`" in doc and field.description


def test_marketing_model_keys_sweep_like_any_other(tmp_path, pool1):
    """`first_pin.size`, `budget.total`: top-level tables of the `wom` model."""
    if "wom" not in sim.scenario.MODEL_TYPES:  # pragma: no cover - before the model lands
        pytest.skip("no marketing model")
    wom = {"name": "w", "seed": 3, "replicates": 2, "steps": 12,
           "network": {"dataset": "karate"}, "model": {"name": "wom"}}  # fmt: skip
    s = sim.sweep(wom, out=tmp_path / "w", values={"first_pin.size": [2, 6]},
                  ranges={"budget.total": (500.0, 2000.0)}, samples=2, executor=pool1, progress=False)  # fmt: skip
    assert (s.done, s.failed) == (8, 0)
    df = sim.load_sweep(tmp_path / "w")
    assert df["first_pin.size"].dtype == np.int64 and df["budget.total"].dtype == np.float64
    one = df[(df["first_pin.size"] == 6) & (df["budget.total"] == 2000.0)]
    sc = sim.load_scenario(wom, overrides={"first_pin.size": 6, "budget.total": 2000.0})
    expect = sim.run(sc).summary
    got = one.drop(columns=["first_pin.size", "budget.total", "point", "run_id"])
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True), expect, check_dtype=False, check_categorical=False
    )
