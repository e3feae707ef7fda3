"""Shared fixtures: one pool of worker processes for every calibration test, small scenarios."""

from __future__ import annotations

import pytest

from sim.experiments.executors import LocalExecutor

#: The mean-field Bass model: trials take milliseconds (pandas dominates).
BASS = {
    "name": "bass_fit",
    "seed": 1,
    "replicates": 2,
    "steps": 30,
    "model": {"name": "bass_mean_field", "p": 0.05, "q": 0.2, "n": 5000, "dt": 0.5},
}

#: The marketing model on a small clustered network, a community meeting every 4 weeks.
WOM = {
    "name": "wom_fit",
    "seed": 11,
    "replicates": 6,
    "steps": 48,
    "network": {"generator": "powerlaw_cluster", "n": 1500, "m": 4, "p": 0.3, "seed": 5},
    "model": {"name": "wom"},
    "first_pin": {"size": 12, "enthusiasm": 0.9},
    "word_of_mouth": {"persuasion": 0.5},
    "community": {"cadence": 4, "lift": 0.3},
}


@pytest.fixture(scope="session")
def pool():
    """Two worker processes shared by the calibration tests (started once)."""
    with LocalExecutor(workers=2) as ex:
        yield ex
