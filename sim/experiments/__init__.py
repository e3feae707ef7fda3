"""Experiments: turn a scenario into runs (and, later, comparisons and sweeps)."""

from sim.experiments.compare import Comparison, compare
from sim.experiments.run import build_network, run

__all__ = ["Comparison", "build_network", "compare", "run"]
