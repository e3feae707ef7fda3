"""The `wom` command as a user meets it: exit codes, one-line errors, files written."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from sim.cli import main

GOOD = textwrap.dedent(
    """\
    name = "cli_demo"
    seed = 3
    replicates = 4
    steps = 8

    [network]
    dataset = "karate"

    [model]
    name = "ic"
    p = 0.2

    [seeding]
    k = 2

    [[arms]]
    name = "random"

    [[arms]]
    name = "hubs"
    seeding.strategy = "degree"
    """
)


@pytest.fixture
def scenario(tmp_path):
    path = tmp_path / "demo.toml"
    path.write_text(GOOD)
    return path


def test_version_and_help(capsys):
    assert main(["--version"]) == 0
    assert "wom " in capsys.readouterr().out
    assert main(["--help"]) == 0
    assert "run" in capsys.readouterr().out


def test_python_dash_m_sim():
    out = subprocess.run([sys.executable, "-m", "sim", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("wom ")


def test_run_writes_a_complete_results_folder(scenario, tmp_path, capsys):
    out = tmp_path / "res"
    assert main(["run", str(scenario), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "random" in printed and "hubs" in printed
    for name in (
        "timeseries.parquet",
        "summary.parquet",
        "scenario.resolved.toml",
        "run.json",
        "report.html",
    ):
        assert (out / name).is_file(), name
    html = (out / "report.html").read_text()
    assert "data:image/png;base64," in html and "hubs" in html
    # No temporary folder is left behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.toml", "res"]
    # Refuses to overwrite; --force replaces.
    assert main(["run", str(scenario), "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["run", str(scenario), "--out", str(out), "--force", "--replicates", "2"]) == 0


def test_report_rebuilds(scenario, tmp_path, capsys):
    out = tmp_path / "res"
    assert main(["run", str(scenario), "--out", str(out), "--no-report"]) == 0
    assert not (out / "report.html").exists()
    assert main(["report", str(out)]) == 0
    assert (out / "report.html").is_file()


def test_set_override_and_its_errors(scenario, tmp_path, capsys):
    out = tmp_path / "res"
    assert main(["run", str(scenario), "--out", str(out), "--set", "model.p=0.9"]) == 0
    assert "p = 0.9" in (out / "scenario.resolved.toml").read_text()
    assert main(["run", str(scenario), "--set", "model.p=7"]) == 2
    err = capsys.readouterr().err
    assert "model.p" in err and "Traceback" not in err


def test_validate_prints_resolved(scenario, capsys):
    assert main(["validate", str(scenario)]) == 0
    captured = capsys.readouterr()
    assert "replicates = 4" in captured.out and "valid" in captured.err


def test_bad_scenario_is_one_line_with_position(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD.replace("p = 0.2", "p = 1.5"))
    assert main(["run", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert f"{bad}:11:5" in err and "model.p" in err


def test_missing_file_and_usage_errors(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nope.toml")]) == 2
    assert "nope.toml" in capsys.readouterr().err
    assert main(["no-such-command"]) == 2
    assert main(["report", str(tmp_path)]) == 2


def test_datasets_lists_bundled_networks(capsys):
    assert main(["datasets"]) == 0
    out = capsys.readouterr().out
    assert "email-eu-core" in out and "karate" in out
