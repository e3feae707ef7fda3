"""`wom run` / `wom validate` / `wom report` on marketing-model scenarios, and every bad
input a strategist can write, each one line with file, line, column and key (exit 2)."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from sim.cli import main
from sim.results import load_results

GOOD = textwrap.dedent(
    """\
    name = "cli_wom"
    seed = 3
    replicates = 3
    steps = 8

    [network]
    dataset = "karate"

    [model]
    name = "wom"

    [first_pin]
    size = 5

    [community]
    cap = 20

    [budget]
    total = 500.0

    [[arms]]
    name = "vendor"
    community.enabled = false
    vendor.enabled = true
    vendor.reach = 10

    [[arms]]
    name = "community"
    """
)


@pytest.fixture
def scenario(tmp_path):
    path = tmp_path / "wom.toml"
    path.write_text(GOOD)
    return path


def test_run_writes_results_with_people_and_a_marketing_report(scenario, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(scenario), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    for words in ("Where the customers came from", "word of mouth", "peer share",
                  "per customer", "members", "weeks to 50%"):  # fmt: skip
        assert words in printed, words
    res = load_results(out)
    assert (out / "people.parquet").exists() and res.people is not None
    assert res.arms == ["vendor", "community"] and len(res.summary) == 6
    html = (out / "report.html").read_text(encoding="utf-8")
    for words in ("Where the customers came from", "Community health", "Referral chains",
                  "cost per customer won", "currency units", "healthy", "week"):  # fmt: skip
        assert words in html, words
    assert html.count("data:image/png;base64,") == 7


def test_report_rebuilds_and_validate_prints_the_tables(scenario, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(scenario), "--out", str(out), "--no-report"]) == 0
    assert not (out / "report.html").exists()
    assert main(["report", str(out)]) == 0
    assert "Community health" in (out / "report.html").read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["validate", str(scenario)]) == 0
    captured = capsys.readouterr()
    assert "[first_pin]" in captured.out and "[budget]" in captured.out
    assert "2 arm(s): vendor, community" in captured.err


def test_set_overrides_reach_the_model(scenario, tmp_path, capsys):
    out = tmp_path / "out"
    args = ["run", str(scenario), "--out", str(out), "--no-report", "--set", "budget.total=0"]
    assert main(args) == 0
    summary = load_results(out).summary
    assert (summary["spend"] == 0).all() and (summary["meetups_held"] == 0).all()
    assert (summary["adopted_by_vendor"] == 0).all()


def test_classic_report_has_no_marketing_sections(tmp_path):
    path = tmp_path / "ic.toml"
    path.write_text(
        'name = "ic"\nreplicates = 2\n[network]\ndataset = "karate"\n'
        '[model]\nname = "ic"\np = 0.2\n[seeding]\nk = 1\n'
    )
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 0
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "Community health" not in html and "adopters (people)" in html
    assert not (tmp_path / "out" / "people.parquet").exists()


def _swap(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # label column (interest attribute) missing
        (_swap("[first_pin]", '[people]\ninterest = "department"\n\n[first_pin]'),
         "wom.toml:13:12: people.interest: the network has no node attribute 'department'"),
        # person table missing
        (_swap("[first_pin]", '[people]\ntable = "users.csv"\n\n[first_pin]'),
         "wom.toml:13:9: people.table: file not found:"),
        # enthusiasm outside 0..1
        (_swap("[first_pin]", '[people]\nenthusiasm.kind = "constant"\nenthusiasm.value = 1.2\n'
               "\n[first_pin]"),
         "wom.toml:14:20: people.enthusiasm.value: must be in [0, 1], got 1.2"),
        (_swap("size = 5", "size = 5\nenthusiasm = -0.5"),
         "wom.toml:14:14: first_pin.enthusiasm: must be in [0, 1], got -0.5"),
        # a first pin larger than the network
        (_swap("size = 5", "size = 35").replace("cap = 20", "cap = 40"),
         "wom.toml:13:8: first_pin.size: a first pin of 35 people, but the network has 34 nodes"),
        # a budget below zero
        (_swap("total = 500.0", "total = -500.0"),
         "wom.toml:19:9: budget.total: must be >= 0, got -500.0"),
        # a cap smaller than the first pin
        (_swap("cap = 20", "cap = 4"),
         "wom.toml:16:7: community.cap: must be >= first_pin.size (5), got 4"),
        (_swap('name = "community"', 'name = "community"\ncommunity.cap = 3'),
         "wom.toml:29:17: arms[1].community.cap: must be >= first_pin.size (5), got 3"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_with_position_and_exit_2(tmp_path, capsys, text, expected):
    path = tmp_path / "wom.toml"
    path.write_text(text)
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err
    assert err.replace(str(path), "wom.toml").startswith(f"error: {expected}"), err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("node,enthusiasm\n0,0.5\n1,1.7\n",
         "users.csv:3:2: people.table: column 'enthusiasm': must be in [0, 1], got 1.7"),
        ("node,enthusiasm\n0,0.5\n99,0.4\n",
         "users.csv:3: people.table: node '99' is not in the network (34 nodes)"),
        ("id,enthusiasm\n0,0.5\n",
         "users.csv:1: people.table_id: no id column 'node' in the header"),
    ],
)  # fmt: skip
def test_malformed_person_table_names_the_table_line(tmp_path, capsys, table, expected):
    (tmp_path / "users.csv").write_text(table)
    path = tmp_path / "wom.toml"
    path.write_text(_swap("[first_pin]", '[people]\ntable = "users.csv"\n\n[first_pin]'))
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert err.replace(str(tmp_path / "users.csv"), "users.csv").startswith(f"error: {expected}")


def test_people_parquet_is_tidy(scenario, tmp_path):
    out = tmp_path / "out"
    assert main(["run", str(scenario), "--out", str(out), "--no-report"]) == 0
    people = pd.read_parquet(out / "people.parquet")
    assert list(people.columns[:3]) == ["arm", "replicate", "id"]
    assert len(people) == 2 * 3 * 34
