"""`wom app` as a user meets it before anything is served: one-line errors, exit codes."""

from __future__ import annotations

import socket

import pytest

from sim.cli import main

FLAGSHIP = "scenarios/sell_to_vs_sell_through.toml"


def _error(capsys) -> str:
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_bad_scenario_or_arm_exit_2(tmp_path, capsys):
    broken = tmp_path / "broken.toml"
    broken.write_text('name = "x"\n[model]\nname = "wom"\nsteps = [\n')
    assert main(["app", str(broken)]) == 2
    assert _error(capsys) == f"error: {broken}:5:1: TOML syntax error: invalid value"
    assert main(["app", FLAGSHIP, "--arms", "community,nope"]) == 2
    assert _error(capsys) == (
        "error: --arms: no arm 'nope' in sell_to_vs_sell_through "
        "(arms: vendor direct, paid influencers, community)"
    )
    classic = tmp_path / "ic.toml"
    classic.write_text(
        'name = "ic"\n[network]\ndataset = "karate"\n[model]\nname = "ic"\np = 0.1\n'
        "[seeding]\nk = 1\n"
    )
    assert main(["app", str(classic)]) == 2
    assert "model.name: the dashboard shows the marketing model" in _error(capsys)
    assert main(["app", FLAGSHIP, "--port", "70000"]) == 2
    assert _error(capsys) == "error: --port: must be in 0-65535, got 70000"


def test_port_in_use_exit_1(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["app", FLAGSHIP, "--port", str(port)]) == 1
    assert _error(capsys) == (
        f"error: port {port} on 127.0.0.1 is in use (another `wom app`?); choose another "
        "with --port, or --port 0 for any free one"
    )


@pytest.mark.parametrize("host", ["no-such-host.invalid"])
def test_unknown_host_exit_2(host, capsys):
    assert main(["app", FLAGSHIP, "--host", host]) == 2
    assert _error(capsys).startswith(f"error: --host: unknown host {host!r}")
