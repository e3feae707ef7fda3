"""`wom calibrate` as a user meets it: exit codes, one-line errors, nothing half written."""

from __future__ import annotations

import textwrap

import pytest

from sim.cli import main

SCENARIO = textwrap.dedent(
    """\
    name = "cli_bass"
    seed = 1
    replicates = 2
    steps = 30

    [model]
    name = "bass_mean_field"
    p = 0.05
    q = 0.2
    n = 5000
    dt = 0.5
    """
)
TARGETS = "[targets]\ncumulative_adopted = {at = 20, value = 3000}   # adopters at step 20\n"


@pytest.fixture
def files(tmp_path):
    sc = tmp_path / "bass.toml"
    sc.write_text(SCENARIO)
    tg = tmp_path / "targets.toml"
    tg.write_text(TARGETS)
    return sc, tg, tmp_path / "out"


def test_calibrate_prints_the_fit_and_writes_the_folder(files, capsys):
    sc, tg, out = files
    args = ["calibrate", str(sc), "--targets", str(tg), "--fit", "model.q=0.05:0.9",
            "--trials", "8", "--batch", "4", "--workers", "1", "--no-report", "--out", str(out)]  # fmt: skip
    assert main(args) == 0
    cap = capsys.readouterr()
    assert "Fitted values" in cap.out and "model.q" in cap.out
    assert "cumulative_adopted@20" in cap.out and f"results: {out}" in cap.out
    assert "calibrate cli_bass: 8 trials x 2 replicates, fitting model.q" in cap.err
    assert "8/8 trials (100%), best distance" in cap.err  # log lines off a terminal
    assert (out / "best.toml").is_file() and not (out / "report.html").exists()
    assert main(args) == 0  # the same command again: finished, nothing to run
    assert "already finished" in capsys.readouterr().out
    assert main([a for a in args if a != "--no-report"]) == 0  # ... but the report now
    assert (out / "report.html").is_file()


@pytest.mark.parametrize(
    ("extra", "targets", "expected"),
    [
        (["--fit", "model.q=0.05:0.9"], "[targets]\nmembers = {at = 5, value = 3}\n",
         "targets.toml:2: members: not an output of model 'bass_mean_field' (valid: "
         "non_adopter, adopter, cumulative_adopted, new_adopted)"),
        (["--fit", "model.r=0.05:0.9"], None, "--fit: model.r: not a key of this scenario"),
        (["--fit", "model.q=0.9:0.05"], None, "--fit: model.q: bounds reversed: 0.9 > 0.05"),
        (["--fit", "model.q=0.05:1.5"], None,
         "--fit: model.q: the high bound 1.5 is outside the key's valid range"),
        (["--fit", "model.q=0:0.9:log"], None,
         "--fit: model.q: a log scale needs bounds > 0, got low = 0"),
        (["--fit", "model.q=0.05:0.9"], "series.csv:step,adopter\n0,1\n5,x\n",
         "series.csv:3: column 'adopter': not a number: 'x'"),
        (["--fit", "model.q=0.05:0.9"], "series.csv:step,adopter\n0,1\n5,\n",
         "series.csv:3: column 'adopter': missing value"),
        (["--fit", "model.q=0.05:0.9"], "[targets]\nadopter = {at = 60, value = 3}\n",
         "adopter@60: step 60 is beyond the scenario's horizon (steps = 30)"),
        ([], None, "--fit: nothing to fit"),
        (["--fit", "model.q=0.05:0.9", "--sampler", "cma"], None, "--sampler: unknown sampler"),
        (["--fit", "model.q=0.05:0.9", "--arm", "x"], None, "--arm: no such arm (arms: none"),
        (["--fit", "model.q=0.05:0.9", "--weight", "adopter"], None,
         "--weight: expected NAME=WEIGHT"),
        (["--fit", "model.q=0.05:0.9", "--trials", "0"], None, "--trials: must be"),
        (["--fit", "model.q=0.05:0.9", "--executor", "slurm"], None,
         "--executor: unknown executor 'slurm'"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_exit_2_and_no_folder(files, capsys, extra, targets, expected):
    sc, tg, out = files
    if targets is not None:
        name, _, text = targets.partition(":") if targets.startswith("series") else ("", "", "")
        if name:
            tg = tg.with_name(name)
            tg.write_text(text)
        else:
            tg.write_text(targets)
    args = ["calibrate", str(sc), "--targets", str(tg), "--out", str(out), *extra]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err and "Traceback" not in err
    assert expected in err.replace(f"{tg.parent}/", ""), err
    assert not out.exists() and not out.with_name("out.partial").exists()


def test_no_targets_and_a_missing_file(files, capsys):
    sc, tg, out = files
    assert main(["calibrate", str(sc), "--fit", "model.q=0.1:0.5", "--out", str(out)]) == 2
    assert "--targets: no targets" in capsys.readouterr().err
    missing = ["calibrate", str(sc), "--targets", str(tg.with_name("nope.csv")), "--fit",
               "model.q=0.1:0.5", "--out", str(out)]  # fmt: skip
    assert main(missing) == 2
    assert "nope.csv: --targets: targets file not found" in capsys.readouterr().err
    assert not out.exists()


def test_targets_inside_the_scenario(tmp_path, capsys):
    """No --targets: the scenario's own [targets] table, errors at its line in the scenario."""
    sc = tmp_path / "bass.toml"
    sc.write_text(SCENARIO + "\n" + TARGETS)
    out = tmp_path / "out"
    args = ["calibrate", str(sc), "--fit", "model.q=0.05:0.9", "--trials", "4", "--batch", "4",
            "--workers", "1", "--no-report", "--out", str(out)]  # fmt: skip
    assert main(args) == 0
    assert "cumulative_adopted@20" in capsys.readouterr().out
    # The scenario still runs as a scenario: wom run ignores [targets].
    assert (
        main(["run", str(sc), "--replicates", "1", "--no-report", "--out", str(tmp_path / "r")])
        == 0
    )
    bad = tmp_path / "bad.toml"
    bad.write_text(SCENARIO + "\n[targets]\nmembers = {at = 5, value = 3}\n")
    assert main([*args[:1], str(bad), *args[2:-1], str(tmp_path / "o2")]) == 2
    err = capsys.readouterr().err
    assert "bad.toml:14: members: not an output of model 'bass_mean_field'" in err, err
