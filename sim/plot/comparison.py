"""Figures of a strategy comparison: bars with confidence intervals, cost against reach.

Both take the table of a :class:`sim.experiments.compare.Comparison` (``c.table``);
arms keep their colours (:func:`sim.plot.arm_colors`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.errors import ValidationError
from sim.plot._common import new_axes, new_figure
from sim.plot.palettes import arm_colors

__all__ = ["cost_vs_reach", "measure_bars"]

_TABLE_COLUMNS = ("arm", "measure", "label", "unit", "better", "mean", "ci_low", "ci_high")


def _check_table(table) -> None:
    if not isinstance(table, pd.DataFrame) or any(c not in table for c in _TABLE_COLUMNS):
        raise ValidationError(
            "expected a comparison table (Comparison.table) with the columns "
            + ", ".join(_TABLE_COLUMNS),
            key="table",
        )


def _shown(row) -> tuple[float, float, float]:
    """Mean and CI of a comparison-table row, in display units (shares as %)."""
    scale = 100.0 if row.get("unit") == "percentage points" else 1.0
    return scale * row["mean"], scale * row["ci_low"], scale * row["ci_high"]


def measure_bars(table: pd.DataFrame, *, axes=None, ncols: int = 3, level: float = 0.95):
    """One small panel per measure: a bar per arm (the mean) with its CI.

    An arm with replicates left out of its mean (no value there) says how many at the
    top of its panel ("2 missing"), in a band kept clear of the bars.

    Args:
        table: A comparison table (:attr:`sim.experiments.compare.Comparison.table`):
            ``arm``, ``measure``, ``label``, ``unit``, ``better``, ``mean``, ``ci_low``,
            ``ci_high``, ``missing``.
        axes: A sequence of Axes, one per measure (new figure if ``None``).
        ncols: Panels per row of a new figure.
        level: Confidence level of the intervals (for the title).

    Returns:
        The array of Axes, one per measure.

    Raises:
        ValidationError: Not a comparison table.

    Examples:
        >>> import sim
        >>> import matplotlib.pyplot as plt
        >>> c = sim.compare({"name": "demo", "seed": 1, "replicates": 5,
        ...     "network": {"dataset": "karate"}, "model": {"name": "ic", "p": 0.1},
        ...     "seeding": {"k": 1},
        ...     "arms": [{"name": "one seed"}, {"name": "five seeds", "seeding": {"k": 5}}]})
        >>> axes = measure_bars(c.table)
        >>> axes[0].get_title().splitlines()[0], axes[0].get_ylabel()
        ('final adopters', 'people')
        >>> plt.close("all")
    """
    _check_table(table)
    measures = list(pd.unique(table["measure"]))
    arms = list(pd.unique(table["arm"]))
    colors = arm_colors(arms)
    if axes is None:
        nrows = -(-len(measures) // ncols)
        _, grid = new_figure(
            nrows, ncols, figsize=(3.4 * ncols, 2.9 * nrows), squeeze=False,
        )  # fmt: skip
        axes = grid.ravel()
        for ax in axes[len(measures) :]:
            ax.set_visible(False)
    x = np.arange(len(arms))
    for ax, measure in zip(axes, measures, strict=False):
        rows = table[table["measure"] == measure].set_index("arm").reindex(arms)
        first = rows.iloc[0]
        missing_at = {}
        for i, arm in enumerate(arms):
            r = rows.loc[arm]
            mean, lo, hi = _shown(r)
            if np.isnan(mean):  # e.g. the market share never reached: say so, not 0
                what = str(r.get("missing_means", "no value"))
                ax.text(i, 0.5, what.replace(" ", "\n", 1), ha="center", va="center",
                        fontsize=8, color="#a33", transform=ax.get_xaxis_transform())  # fmt: skip
                continue
            err = [[max(mean - lo, 0)], [max(hi - mean, 0)]] if not np.isnan(lo) else None
            ax.bar(i, mean, color=colors[arm], width=0.7, yerr=err, capsize=4,
                   error_kw={"lw": 1.2, "ecolor": "#222"})  # fmt: skip
            missing = int(r.get("missing", 0) or 0)
            if missing:
                missing_at[i] = missing
        unit = "%" if first["unit"] == "percentage points" else first["unit"]
        ax.set_title(f"{first['label']}\n({first['better']} is better)", fontsize=9)
        ax.set_ylabel(unit, fontsize=8)
        ax.set_xticks(x, [str(a) for a in arms], fontsize=8, rotation=20, ha="right")
        ax.set_xlim(-0.6, len(arms) - 0.4)
        ax.tick_params(axis="y", labelsize=8)
        ax.grid(axis="y", alpha=0.3)
        ax.set_ylim(bottom=min(0, ax.get_ylim()[0]))
        if missing_at:  # a band above the highest interval, under the title: no collision
            low, high = ax.get_ylim()
            ax.set_ylim(low, high + 0.3 * (high - low))
            for i, missing in missing_at.items():
                ax.text(i, 0.98, f"{missing}\nmissing", ha="center", va="top", fontsize=6.5,
                        color="#666", linespacing=1.0, transform=ax.get_xaxis_transform())  # fmt: skip
    axes[0].figure.suptitle(f"Mean per arm with its {level:.0%} confidence interval", fontsize=10)
    return axes


def cost_vs_reach(table: pd.DataFrame, *, ax=None, level: float = 0.95):
    """Cost per customer won against final adopters, one cross per arm (its CIs).

    Down and to the right is better: more customers, each cheaper.

    Args:
        table: A comparison table with the measures ``final_adopted`` and
            ``cost_per_adopter``.
        ax: Axes to draw on.
        level: Confidence level of the intervals (for the axis labels).

    Returns:
        The matplotlib Axes.

    Raises:
        ValidationError: Not a comparison table.

    Examples:
        >>> import sim
        >>> import matplotlib.pyplot as plt
        >>> c = sim.compare({"name": "demo", "seed": 1, "replicates": 3, "steps": 6,
        ...     "network": {"dataset": "karate"}, "model": {"name": "wom"},
        ...     "arms": [{"name": "vendor", "vendor": {"enabled": True}},
        ...              {"name": "influencers", "influencer": {"enabled": True}}]})
        >>> ax = cost_vs_reach(c.table)
        >>> ax.get_xlabel()
        'final adopters (people, mean with 95% CI)'
        >>> plt.close("all")
    """
    _check_table(table)
    ax = new_axes(ax, figsize=(7, 4.6))
    arms = list(pd.unique(table["arm"]))
    colors = arm_colors(arms)
    reach = table[table["measure"] == "final_adopted"].set_index("arm")
    cost = table[table["measure"] == "cost_per_adopter"].set_index("arm")
    if cost.empty:
        ax.text(0.5, 0.5, "no cost measured (model without a budget)", ha="center",
                transform=ax.transAxes)  # fmt: skip
        return ax
    points = []
    for arm in arms:
        if arm not in cost.index or np.isnan(cost.loc[arm, "mean"]):
            continue
        x, xl, xh = reach.loc[arm, ["mean", "ci_low", "ci_high"]]
        y, yl, yh = cost.loc[arm, ["mean", "ci_low", "ci_high"]]
        ax.errorbar(x, y, xerr=[[x - xl], [xh - x]], yerr=[[y - yl], [yh - y]], fmt="o",
                    color=colors[arm], ms=7, capsize=4, lw=1.5, label=str(arm))  # fmt: skip
        points.append((str(arm), float(xh), float(y), colors[arm]))  # right end of its CI
    ax.set_xlabel(f"final adopters (people, mean with {level:.0%} CI)")
    ax.set_ylabel(f"cost per customer won\n(currency units, mean with {level:.0%} CI)")
    ax.set_title("Cost against reach (down and right is better)")
    right = reach["ci_high"].max()
    ax.set_xlim(0, 1.2 * right if right == right and right > 0 else None)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    _label_points(ax, points)
    return ax


def _label_points(ax, points: list[tuple[str, float, float, object]]) -> None:
    """Name each point beside its interval, or in a legend when the names would collide.

    In display space (points, 9 pt text): each name goes 4 pt right of the right end
    of its point's interval, centred on it. If two names would overlap (arms with
    similar reach and cost), a legend names the arms instead.
    """
    fontsize, line = 9.0, 11.0  # points
    to_points = 72.0 / ax.figure.dpi
    boxes = []
    for name, x, y, _ in points:
        px, py = (ax.transData.transform((x, y)) * to_points).tolist()
        boxes.append((px + 4, px + 4 + 0.6 * fontsize * len(name), py - 4, py - 4 + line))
    collide = any(
        a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
    )
    if collide:
        ax.legend(fontsize=8, loc="upper right", title="arm", title_fontsize=8)
        return
    for name, x, y, color in points:
        ax.annotate(name, (x, y), textcoords="offset points", xytext=(4, -4), fontsize=fontsize,
                    color=color)  # fmt: skip
