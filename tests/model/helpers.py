"""Helpers shared by the marketing-model tests."""

from __future__ import annotations

import sys
from pathlib import Path

import networkx as nx
import numba
import numpy as np
import pytest

from sim.network.csr import from_networkx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

#: Statistical checks need compiled kernels (pure Python is ~1000x slower).
needs_jit = pytest.mark.skipif(
    numba.config.DISABLE_JIT, reason="statistical checks need the compiled kernels"
)


def planted(groups: int, size: int, p_in: float, p_out: float, seed: int):
    """A planted-partition network whose groups are the interest axis ('community')."""
    g = nx.planted_partition_graph(groups, size, p_in, p_out, seed=seed)
    for i in g.nodes:
        g.nodes[i]["community"] = i // size
    return from_networkx(g, name="planted")


def paired(a, b):
    """Mean and standard error of the paired differences a - b (common random numbers)."""
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    return d.mean(), d.std(ddof=1) / np.sqrt(d.size)
