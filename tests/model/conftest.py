"""Shared networks for the marketing-model tests."""

from __future__ import annotations

import pytest

from .helpers import planted


@pytest.fixture(scope="session")
def small_net():
    """120 people in 3 interest groups (for exact and pure-Python checks)."""
    return planted(3, 40, 0.2, 0.02, seed=2)


@pytest.fixture(scope="session")
def market():
    """2,000 people in 8 interest groups of 250, mean degree about 13."""
    return planted(8, 250, 0.04, 0.002, seed=1)
