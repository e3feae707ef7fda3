"""Figures from results (matplotlib). Each function returns the Axes it drew on.

Colours are fixed per arm (in run order) so that every figure of a report agrees.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

__all__ = ["adoption_curves", "final_size_distribution", "arm_colors"]

_PALETTE = plt.get_cmap("tab10").colors


def arm_colors(arms) -> dict:
    """A fixed colour per arm, in order."""
    return {a: _PALETTE[i % len(_PALETTE)] for i, a in enumerate(arms)}


def _frames(results):
    if isinstance(results, pd.DataFrame):
        return results, None
    return results.timeseries, results.summary


def _arms(df: pd.DataFrame) -> list:
    if "arm" not in df:
        return [None]
    col = df["arm"]
    return list(col.cat.categories) if hasattr(col, "cat") else list(pd.unique(col))


def adoption_curves(
    results,
    *,
    ax=None,
    band: float = 0.9,
    metric: str = "cumulative_adopted",
    step_label: str = "step",
    title: str | None = None,
):
    """Adoption over time per arm: the mean curve and a central band over replicates.

    Args:
        results: :class:`sim.results.Results` or a tidy time-series DataFrame with
            ``step``, ``replicate``, the metric and optionally ``arm``.
        ax: Axes to draw on (a new figure if ``None``).
        band: Width of the central band (0.9 draws the 5th to 95th percentile).
        metric: Column to draw.
        step_label: x-axis label (``"step"``, ``"week"``...).
        title: Optional title.

    Returns:
        The matplotlib Axes.
    """
    ts, _ = _frames(results)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.2), constrained_layout=True)
    arms = _arms(ts)
    colors = arm_colors(arms)
    lo_q, hi_q = (1 - band) / 2, 1 - (1 - band) / 2
    for arm in arms:
        g = ts if arm is None else ts[ts["arm"] == arm]
        wide = g.pivot_table(index="step", columns="replicate", values=metric, observed=True)
        steps = wide.index.to_numpy()
        vals = wide.to_numpy(dtype=float)
        label = "all" if arm is None else str(arm)
        ax.plot(steps, np.nanmean(vals, axis=1), color=colors[arm], lw=2, label=f"{label} (mean)")
        if vals.shape[1] > 1:
            ax.fill_between(
                steps,
                np.nanquantile(vals, lo_q, axis=1),
                np.nanquantile(vals, hi_q, axis=1),
                color=colors[arm],
                alpha=0.2,
                lw=0,
            )
    ax.set_xlabel(step_label)
    ax.set_ylabel("adopters (people, cumulative)" if metric == "cumulative_adopted" else metric)
    ax.set_title(title or f"Adoption over time (mean, {band:.0%} band over replicates)")
    ax.grid(alpha=0.3)
    ax.set_ylim(bottom=0)
    ax.legend(frameon=False, loc="best")
    return ax


def final_size_distribution(
    results, *, ax=None, metric: str = "final_adopted", title: str | None = None
):
    """Distribution of the final number of adopters per arm (one histogram per arm).

    Args:
        results: :class:`sim.results.Results` or a tidy summary DataFrame.
        ax: Axes to draw on.
        metric: Summary column.
        title: Optional title.

    Returns:
        The matplotlib Axes.
    """
    sm = results if isinstance(results, pd.DataFrame) else results.summary
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.2), constrained_layout=True)
    arms = _arms(sm)
    colors = arm_colors(arms)
    vals = sm[metric].to_numpy(dtype=float)
    lo, hi = np.nanmin(vals), np.nanmax(vals)
    bins = np.linspace(lo, hi if hi > lo else lo + 1, min(30, max(5, len(vals) // 3)) + 1)
    for arm in arms:
        g = sm if arm is None else sm[sm["arm"] == arm]
        ax.hist(
            g[metric].to_numpy(dtype=float),
            bins=bins,
            histtype="stepfilled",
            alpha=0.35,
            color=colors[arm],
            edgecolor=colors[arm],
            lw=1.5,
            label=f"{'all' if arm is None else arm} (n={len(g)})",
        )
    ax.set_xlabel("final adopters (people)" if metric == "final_adopted" else metric)
    ax.set_ylabel("replicates")
    ax.set_title(title or "Final size across replicates")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    return ax
