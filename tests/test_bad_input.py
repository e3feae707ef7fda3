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


def _ic(tmp_path, network: str, seeding: str, extra: str = ""):
    """An IC scenario with these [network] and [seeding] lines (and more tables after).

    With one network line, the first seeding line is line 8.
    """
    text = (
        f'name = "x"\n[network]\n{network}\n[model]\nname = "ic"\np = 0.5\n[seeding]\n{seeding}\n'
    )
    return _scenario(tmp_path, text + extra)


def test_malformed_edge_list_names_its_line(tmp_path, capsys):
    (tmp_path / "net.txt").write_text("# people who talk\n1 2\n2 3\n4\n3 1\n")
    path = _ic(tmp_path, 'file = "net.txt"', "k = 1")
    code, err = _run(path, capsys)
    assert code == 2
    assert "net.txt:4" in err and "Traceback" not in err and err.count("\n") == 0


def test_seeds_not_in_network(tmp_path, capsys):
    path = _ic(tmp_path, 'dataset = "karate"', "nodes = [0, 1, 999]")
    code, err = _run(path, capsys)
    assert code == 2
    assert f"{path}:8:9: seeding.nodes:" in err and "999" in err


def test_seeds_not_in_network_inside_an_arm(tmp_path, capsys):
    arms = '[[arms]]\nname = "ok"\n[[arms]]\nname = "bad"\nseeding.nodes = ["nobody"]\n'
    path = _ic(tmp_path, 'dataset = "karate"', "nodes = [0]", arms)
    code, err = _run(path, capsys)
    assert code == 2
    assert f"{path}:13:17: seeding.nodes:" in err and "nobody" in err


def test_more_seeds_than_nodes(tmp_path, capsys):
    path = _ic(tmp_path, 'dataset = "karate"', "k = 35")
    code, err = _run(path, capsys)
    assert code == 2
    assert f"{path}:8:5: seeding.k:" in err and "34" in err


@pytest.mark.parametrize("strategy", ["random", "degree"])
def test_more_seeds_than_nodes_any_strategy(tmp_path, capsys, strategy):
    path = _ic(tmp_path, 'generator = "complete"\nn = 5', f'k = 6\nstrategy = "{strategy}"')
    code, err = _run(path, capsys)
    assert code == 2 and "seeding.k" in err


def test_empty_network_file(tmp_path, capsys):
    (tmp_path / "empty.txt").write_text("# nothing here\n")
    path = _ic(tmp_path, 'file = "empty.txt"', "k = 1")
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
    path = _ic(tmp_path, 'dataset = "karate"', "nodes = [0, 1, 999]")
    monkeypatch.chdir(tmp_path)
    code, err = _run(type(path)(path.name), capsys)
    assert code == 2
    assert err.startswith("error: s.toml:8:9: seeding.nodes:"), err
