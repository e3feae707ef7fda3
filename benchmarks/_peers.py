"""Shared by the benchmarks that race the peer libraries: timing and agreement helpers."""

from __future__ import annotations

import math
import time

import numpy as np

__all__ = ["best", "cynetdiff_sizes", "z_score"]


def best(fn, repeats: int) -> tuple[float, object]:
    """Best wall time of ``repeats`` calls of ``fn()``, and the last result."""
    fastest, out = math.inf, None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        fastest = min(fastest, time.perf_counter() - t0)
    return fastest, out


def z_score(a_mean: float, a_se: float, b_mean: float, b_se: float) -> float:
    """|difference of two means| in standard errors of the difference."""
    return abs(a_mean - b_mean) / math.sqrt(a_se**2 + b_se**2)


def cynetdiff_sizes(model, k: int) -> np.ndarray:
    """Final sizes of ``k`` cascades of a seeded cynetdiff model (reset before each)."""
    sizes = np.empty(k)
    for i in range(k):
        model.reset_model()
        model.advance_until_completion()
        sizes[i] = model.get_num_activated_nodes()
    return sizes
