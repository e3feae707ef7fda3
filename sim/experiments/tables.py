"""Per-arm tables from a tidy summary: means with confidence intervals, ranges."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["arm_table", "mean_ci"]


def mean_ci(values, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and two-sided Student-t confidence interval of the mean.

    Args:
        values: Sample (NaNs dropped).
        level: Confidence level in (0, 1).

    Returns:
        ``(mean, low, high)``; the interval is ``(mean, mean)`` for fewer than 2 values.

    Examples:
        >>> m, lo, hi = mean_ci([1.0, 2.0, 3.0])
        >>> round(m, 3), round(lo, 3), round(hi, 3)
        (2.0, -0.484, 4.484)
    """
    from scipy import stats

    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return (float("nan"),) * 3
    m = float(x.mean())
    if x.size < 2:
        return m, m, m
    se = float(x.std(ddof=1)) / np.sqrt(x.size)
    h = float(stats.t.ppf(0.5 + level / 2, x.size - 1)) * se
    return m, float(m - h), float(m + h)


def arm_table(summary: pd.DataFrame, *, level: float = 0.95) -> pd.DataFrame:
    """One row per arm: replicates, mean final adopted with its CI, the range of
    outcomes, and the median time to half of the final adoption.

    Args:
        summary: A tidy summary with ``arm``, ``final_adopted`` and optionally
            ``final_share`` and ``time_to_half``.
        level: Confidence level.

    Returns:
        Columns ``arm``, ``replicates``, ``final_adopted_mean``, ``final_adopted_ci_low``,
        ``final_adopted_ci_high``, ``final_adopted_p2.5``, ``final_adopted_p97.5``,
        ``final_share_mean``, ``time_to_half_median``.
    """
    rows = []
    lo_q, hi_q = (1 - level) / 2, 1 - (1 - level) / 2
    for arm, g in summary.groupby("arm", sort=False, observed=True):
        m, lo, hi = mean_ci(g["final_adopted"], level)
        row = {
            "arm": arm,
            "replicates": len(g),
            "final_adopted_mean": m,
            "final_adopted_ci_low": lo,
            "final_adopted_ci_high": hi,
            f"final_adopted_p{100 * lo_q:g}": float(g["final_adopted"].quantile(lo_q)),
            f"final_adopted_p{100 * hi_q:g}": float(g["final_adopted"].quantile(hi_q)),
        }
        if "final_share" in g:
            row["final_share_mean"] = float(g["final_share"].mean())
        if "time_to_half" in g:
            row["time_to_half_median"] = float(g["time_to_half"].median())
        rows.append(row)
    return pd.DataFrame(rows)
