"""Sensitivity analysis of sweep folders: known indices (Ishigami), Morris, marginal, report."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.cli import main
from sim.errors import ValidationError
from sim.experiments.analyze import analyze, eta_squared
from sim.experiments.designs import Parameter, make_design
from sim.experiments.sweep_store import MANIFEST, RUNS, atomic_write_text, write_parquet

PI = math.pi


def ishigami(x1, x2, x3, a=7.0, b=0.1):
    return np.sin(x1) + a * np.sin(x2) ** 2 + b * x3**4 * np.sin(x1)


#: Analytical Sobol indices of the Ishigami function (a = 7, b = 0.1).
_V1 = 0.5 * (1 + 0.1 * PI**4 / 5) ** 2
_V2 = 7**2 / 8
_V13 = 0.1**2 * PI**8 * (1 / 18 - 1 / 50)
_V = _V1 + _V2 + _V13
S1 = [_V1 / _V, _V2 / _V, 0.0]
ST = [(_V1 + _V13) / _V, _V2 / _V, _V13 / _V]


def fake_sweep(path: Path, design, fn, *, arms=("base",), replicates=1) -> None:
    """A sweep folder whose runs are ``fn(point values)``, written as `wom sweep` does."""
    keys = design.keys
    points = [
        {"point": i, "key": f"{i:016x}", "seed": 0, "params": p}
        for i, p in enumerate(design.points)
    ]
    manifest = {
        "format": 1,
        "name": "fake",
        "design": {
            "kind": design.kind,
            "samples": design.samples,
            "levels": design.levels if design.kind == "morris" else None,
            "seed": design.seed,
            "common_random_numbers": True,
            "replicates": replicates,
            "timeseries": False,
            "parameters": [p.to_dict() for p in design.parameters],
            "scenario": {"name": "fake"},
        },
        "arms": list(arms),
        "points": points,
        "matrix": None if design.matrix is None else design.matrix.tolist(),
        "runs": len(points) * replicates,
    }
    path.mkdir(parents=True)
    (path / RUNS).mkdir()
    atomic_write_text(path / MANIFEST, json.dumps(manifest))
    rows = []
    for p in points:
        for j, arm in enumerate(arms):
            for r in range(replicates):
                y = fn(*(p["params"][k] for k in keys)) * (j + 1)
                rows.append({**p["params"], "point": p["point"], "arm": arm, "replicate": r,
                             "seed": 0, "run_id": f"{p['key']}-{r}", "final_adopted": y})  # fmt: skip
    frame = pd.DataFrame(rows)
    for i, part in enumerate(np.array_split(np.arange(len(frame)), 3)):  # a few batch files
        write_parquet(frame.iloc[part], path / RUNS / f"b{i}.parquet")


@pytest.fixture(scope="module")
def ishigami_folder(tmp_path_factory):
    params = [Parameter(f"x{i}", low=-PI, high=PI) for i in (1, 2, 3)]
    design = make_design(params, "sobol", samples=2048, seed=1)
    path = tmp_path_factory.mktemp("ishigami") / "sweep"
    fake_sweep(path, design, ishigami)
    return path


def test_sobol_indices_of_the_ishigami_function(ishigami_folder):
    res = analyze(ishigami_folder, num_resamples=200)
    assert res.method == "sobol"
    idx = res.indices.set_index(["parameter", "index"])
    for j, key in enumerate(["x1", "x2", "x3"]):
        for name, truth in (("S1", S1[j]), ("ST", ST[j])):
            row = idx.loc[(key, name)]
            assert row["value"] == pytest.approx(truth, abs=0.05), (key, name)
            assert row["ci_low"] < row["value"] < row["ci_high"]
    assert res.ranking("final_adopted") == ["x1", "x2", "x3"]


def test_a_shuffled_design_loses_the_indices(ishigami_folder, tmp_path):
    """The wiring matters: outputs matched to the wrong points give no structure."""
    params = [Parameter(f"x{i}", low=-PI, high=PI) for i in (1, 2, 3)]
    design = make_design(params, "sobol", samples=256, seed=1)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(design.points))
    shuffled = type(design)(**{**design.__dict__, "points": [design.points[i] for i in order]})
    fake_sweep(tmp_path / "s", shuffled, ishigami)
    res = analyze(tmp_path / "s", num_resamples=50)
    x2 = res.indices.set_index(["parameter", "index"]).loc[("x2", "S1"), "value"]
    assert abs(x2 - S1[1]) > 0.2


def test_morris_ranks_a_linear_function(tmp_path):
    params = [Parameter("a", low=0.0, high=1.0), Parameter("b", low=0.0, high=1.0),
              Parameter("c", low=0.0, high=1.0)]  # fmt: skip
    design = make_design(params, "morris", samples=20, seed=2, levels=4)
    fake_sweep(tmp_path / "m", design, lambda a, b, c: 10 * a + b + 0 * c, arms=("x", "y"))
    res = analyze(tmp_path / "m", num_resamples=100)
    idx = res.indices.set_index(["arm", "parameter", "index"])["value"]
    assert idx[("x", "a", "mu_star")] == pytest.approx(10.0)
    assert idx[("x", "b", "mu_star")] == pytest.approx(1.0)
    assert idx[("x", "c", "mu_star")] == pytest.approx(0.0)
    assert idx[("y", "a", "mu_star")] == pytest.approx(20.0)  # arm y doubles the output
    assert idx[("x", "a", "sigma")] == pytest.approx(0.0, abs=1e-9)  # linear: no spread
    assert res.ranking("final_adopted") == ["a", "b", "c"]


def test_marginal_indices_on_a_grid(tmp_path):
    params = [Parameter("a", values=(0, 1, 2)), Parameter("b", low=0.0, high=1.0)]
    design = make_design(params, "grid", samples=4)
    fake_sweep(tmp_path / "g", design, lambda a, b: 5.0 * a, replicates=2)
    res = analyze(tmp_path / "g")
    assert res.method == "marginal"
    idx = res.indices.set_index(["parameter", "index"])
    assert idx.loc[("a", "eta2"), "value"] == pytest.approx(1.0)
    assert idx.loc[("a", "swing"), "value"] == pytest.approx(10.0)
    assert idx.loc[("b", "eta2"), "value"] == pytest.approx(0.0)
    assert eta_squared(pd.Series([1.0, 1.0]), pd.Series(["x", "y"])) != eta_squared(
        pd.Series([1.0, 2.0]), pd.Series(["x", "y"])
    )


def test_analysis_errors(ishigami_folder, tmp_path):
    with pytest.raises(ValidationError, match="unknown output 'nope'"):
        analyze(ishigami_folder, outputs=["nope"])
    with pytest.raises(ValidationError, match="morris indices need a morris design"):
        analyze(ishigami_folder, method="morris")
    with pytest.raises(ValidationError, match="unknown method 'fast'"):
        analyze(ishigami_folder, method="fast")
    with pytest.raises(ValidationError, match="not a sweep folder"):
        analyze(tmp_path)
    # an unfinished sobol sweep cannot be analysed as such
    params = [Parameter("a", low=0.0, high=1.0)]
    design = make_design(params, "sobol", samples=8)
    fake_sweep(tmp_path / "part", design, lambda a: a)
    first = sorted((tmp_path / "part" / RUNS).glob("*.parquet"))[0]
    first.unlink()
    with pytest.raises(ValidationError, match=r"design points have no result .* rerun wom sweep"):
        analyze(tmp_path / "part")
    assert analyze(tmp_path / "part", method="marginal").notes  # marginal works, with a note


@pytest.fixture(scope="module")
def real_sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("real") / "s"
    sc = {
        "name": "real",
        "seed": 2,
        "replicates": 3,
        "network": {"dataset": "karate"},
        "model": {"name": "ic", "p": 0.2},
        "seeding": {"k": 2},
        "arms": [{"name": "random"}, {"name": "hubs", "seeding": {"strategy": "degree"}}],
    }
    sim.sweep(sc, out=out, ranges={"model.p": (0.05, 0.4), "seeding.k": (1, 4)},
              values={"seeding.strategy": ["random", "degree"]}, samples=3, workers=2,
              progress=False)  # fmt: skip
    return out


def test_wom_analyze_writes_an_html_report(real_sweep, capsys):
    assert main(["analyze", str(real_sweep), "--output", "final_adopted,time_to_half"]) == 0
    out = capsys.readouterr().out
    assert "final_adopted: marginal" in out and "time_to_half: marginal" in out
    html = (real_sweep / "report.html").read_text()
    assert html.count("<img ") == 2 * 3  # tornado, lines, heatmap per output
    assert "model.p" in html and "seeding.k" in html and "eta2" in html


def test_wom_analyze_bad_input_exits_2(real_sweep, tmp_path, capsys):
    assert main(["analyze", str(real_sweep), "--method", "sobol"]) == 2
    assert "error: --method: sobol indices need a sobol design" in capsys.readouterr().err
    assert main(["analyze", str(real_sweep), "--params", "model.q"]) == 2
    assert "error: --params: model.q: not a swept key" in capsys.readouterr().err
    assert main(["analyze", str(tmp_path / "none")]) == 2
    assert "no such sweep folder" in capsys.readouterr().err


def test_figures_have_labelled_axes(real_sweep):
    import matplotlib.pyplot as plt

    from sim.experiments.sweep_figures import effect_lines, heatmap, tornado

    res = analyze(real_sweep, num_resamples=20)
    fig = heatmap(res, "final_adopted", "model.p", "seeding.k")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "model.p (0-1)" and ax.get_ylabel() == "seeding.k (count)"
    assert fig.axes[-1].get_ylabel() == "mean final adopted (people)"  # the colour bar
    fig2 = effect_lines(res, "final_adopted", ["seeding.strategy"])
    assert [t.get_text() for t in fig2.axes[0].get_xticklabels()] == ["random", "degree"]
    assert fig2.axes[0].get_legend() is not None
    fig3 = tornado(res, "final_adopted")
    assert [t.get_text() for t in fig3.axes[0].get_yticklabels()][::-1] == res.ranking(
        "final_adopted"
    )
    for f in (fig, fig2, fig3):
        plt.close(f)
