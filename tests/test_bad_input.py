"""Bad input met only at run time still gets one clear line naming file, line and key."""

from __future__ import annotations

import textwrap

import pytest

from sim.cli import main


def _scenario(tmp_path, body: str):
    path = tmp_path / "s.toml"
    path.write_text(textwrap.dedent(body))
    return path


def _run(path, capsys, *extra):
    code = main(["run", str(path), "--out", str(path.parent / "out"), *extra])
    return code, capsys.readouterr().err.strip()


def test_malformed_edge_list_names_its_line(tmp_path, capsys):
    (tmp_path / "net.txt").write_text("# people who talk\n1 2\n2 3\n4\n3 1\n")
    path = _scenario(
        tmp_path,
        """\
        name = "x"
        [network]
        file = "net.txt"
        [model]
        name = "ic"
        p = 0.5
        [seeding]
        k = 1
        """,
    )
    code, err = _run(path, capsys)
    assert code == 2
    assert "net.txt:4" in err and "Traceback" not in err and err.count("\n") == 0


#: Seeds naming a node the network does not have (line 8, column 9).
MISSING_SEED = """\
name = "x"
[network]
dataset = "karate"
[model]
name = "ic"
p = 0.5
[seeding]
nodes = [0, 1, 999]
"""


def test_seeds_not_in_network(tmp_path, capsys):
    path = _scenario(tmp_path, MISSING_SEED)
    code, err = _run(path, capsys)
    assert code == 2
    assert f"{path}:8:9: seeding.nodes:" in err and "999" in err


def test_seeds_not_in_network_inside_an_arm(tmp_path, capsys):
    path = _scenario(
        tmp_path,
        """\
        name = "x"
        [network]
        dataset = "karate"
        [model]
        name = "ic"
        p = 0.5
        [seeding]
        nodes = [0]
        [[arms]]
        name = "ok"
        [[arms]]
        name = "bad"
        seeding.nodes = ["nobody"]
        """,
    )
    code, err = _run(path, capsys)
    assert code == 2
    assert f"{path}:13:17: seeding.nodes:" in err and "nobody" in err


def test_more_seeds_than_nodes(tmp_path, capsys):
    path = _scenario(
        tmp_path,
        """\
        name = "x"
        [network]
        dataset = "karate"
        [model]
        name = "ic"
        p = 0.5
        [seeding]
        k = 35
        """,
    )
    code, err = _run(path, capsys)
    assert code == 2
    assert f"{path}:8:5: seeding.k:" in err and "34" in err


@pytest.mark.parametrize("strategy", ["random", "degree"])
def test_more_seeds_than_nodes_any_strategy(tmp_path, capsys, strategy):
    path = _scenario(
        tmp_path,
        f"""\
        name = "x"
        [network]
        generator = "complete"
        n = 5
        [model]
        name = "ic"
        p = 0.5
        [seeding]
        k = 6
        strategy = "{strategy}"
        """,
    )
    code, err = _run(path, capsys)
    assert code == 2 and "seeding.k" in err


def test_empty_network_file(tmp_path, capsys):
    (tmp_path / "empty.txt").write_text("# nothing here\n")
    path = _scenario(
        tmp_path,
        """\
        name = "x"
        [network]
        file = "empty.txt"
        [model]
        name = "ic"
        p = 0.5
        [seeding]
        k = 1
        """,
    )
    code, err = _run(path, capsys)
    assert code == 2 and "empty.txt" in err and "Traceback" not in err


def test_output_folder_not_writable(tmp_path, capsys):
    path = _scenario(
        tmp_path,
        """\
        name = "x"
        replicates = 2
        [network]
        dataset = "karate"
        [model]
        name = "ic"
        p = 0.5
        [seeding]
        k = 1
        """,
    )
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    code = main(["run", str(path), "--out", str(blocker / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "cannot write" in err


def test_runtime_errors_show_the_path_as_the_user_typed_it(tmp_path, capsys, monkeypatch):
    """Run-time errors name the scenario like load-time ones: relative when typed so."""
    path = _scenario(tmp_path, MISSING_SEED)
    monkeypatch.chdir(tmp_path)
    code, err = _run(type(path)(path.name), capsys)
    assert code == 2
    assert err.startswith("error: s.toml:8:9: seeding.nodes:"), err
