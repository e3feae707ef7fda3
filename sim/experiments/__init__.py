"""Experiments: turn a scenario into runs (and, later, comparisons and sweeps)."""

from sim.experiments.run import build_network, run

__all__ = ["build_network", "run"]
