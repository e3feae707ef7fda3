"""Shared fixtures: a base scenario text with known line numbers, and error helpers."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from sim.errors import ValidationError
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
# Calibration targets files (scenarios/calibration/*.targets.toml) are not scenarios:
# tests/calibration/test_shipped.py checks them.
SHIPPED = sorted(
    p for p in (ROOT / "scenarios").glob("**/*.toml") if not p.name.endswith(".targets.toml")
)

# Line numbers matter: tests assert positions in this text.
BASE = textwrap.dedent(
    """\
    name = "ic_on_ba"
    seed = 1
    replicates = 20
    steps = 52

    [network]
    generator = "barabasi_albert"
    n = 2000
    m = 3

    [model]
    name = "ic"
    p = 0.05

    [seeding]
    k = 10
    strategy = "random"

    [[arms]]
    name = "high p"
    model.p = 0.1

    [[arms]]
    name = "degree seeds"
    seeding.strategy = "degree"

    [outputs]
    band = 0.9
    """
)


@pytest.fixture
def write(tmp_path):
    """Write a scenario text to ``tmp_path/x.toml`` and return its path."""

    def _write(text: str, name: str = "x.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def error_of(write):
    """The one-line error message a scenario text produces (fails if it loads)."""

    def _error(text: str, overrides=None) -> str:
        path = write(text)
        with pytest.raises(ValidationError) as info:
            load_scenario(path, overrides=overrides)
        message = str(info.value)
        assert "\n" not in message
        return message.replace(f"{path}:", "x.toml:")

    return _error
