"""Figures from results (matplotlib). Each function returns the Axes it drew on.

Colours are fixed per arm (in run order) so that every figure of a report agrees;
the marketing model's figures colour adoption channels with :data:`CHANNEL_COLORS`,
the same in every figure. Units are on every axis: people, weeks, currency units.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

__all__ = [
    "CHANNEL_COLORS",
    "CHANNEL_LABELS",
    "adoption_by_channel",
    "adoption_curves",
    "arm_colors",
    "chain_depth_distribution",
    "channel_curves",
    "community_health",
    "cost_vs_reach",
    "final_size_distribution",
    "measure_bars",
    "spend_curves",
]

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


# ------------------------------------------------------------------ marketing model
#: One colour per adoption channel of the marketing model, the same in every figure.
CHANNEL_COLORS: dict[str, str] = {
    "first_pin": "#7b3294",
    "vendor": "#4c72b0",
    "influencer": "#dd8452",
    "word_of_mouth": "#55a868",
    "community": "#c44e52",
}
#: How each channel is named in figures and tables.
CHANNEL_LABELS: dict[str, str] = {
    "first_pin": "first pin",
    "vendor": "vendor direct",
    "influencer": "paid influencer",
    "word_of_mouth": "word of mouth",
    "community": "community",
}
#: The healthy share of newcomers at a meetup, according to the articles (40-60%).
NEWCOMER_BAND = (0.4, 0.6)


def _new_axes(ax, figsize=(7, 4.2)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, constrained_layout=True)
    return ax


def adoption_by_channel(results, *, ax=None, title: str | None = None):
    """Customers won per arm, split by the channel that won them (mean over replicates).

    One horizontal stacked bar per arm; the total is written at the end of each bar.

    Args:
        results: :class:`sim.results.Results` of a ``wom`` run, or its summary frame
            (``arm`` and ``adopted_by_<channel>`` columns).
        ax: Axes to draw on.
        title: Optional title.

    Returns:
        The matplotlib Axes.
    """
    sm = results if isinstance(results, pd.DataFrame) else results.summary
    arms = _arms(sm)
    ax = _new_axes(ax, figsize=(7, 0.9 + 0.55 * max(len(arms), 2)))
    left = np.zeros(len(arms))
    ypos = np.arange(len(arms))[::-1]
    for channel, color in CHANNEL_COLORS.items():
        col = f"adopted_by_{channel}"
        if col not in sm:
            continue
        means = np.array(
            [
                (sm if arm is None else sm[sm["arm"] == arm])[col].astype(float).mean()
                for arm in arms
            ]
        )
        if not np.nansum(means):
            continue
        ax.barh(ypos, means, left=left, color=color, label=CHANNEL_LABELS[channel], height=0.6)
        left += np.nan_to_num(means)
    for y, total in zip(ypos, left, strict=True):
        ax.text(total, y, f" {total:,.0f}", va="center", ha="left", fontsize=9)
    ax.set_yticks(ypos, ["all" if a is None else str(a) for a in arms])
    ax.set_xlabel("customers won (people, mean over replicates)")
    ax.set_xlim(0, max(left.max() * 1.15, 1))
    ax.set_title(title or "Customers by channel")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(
        frameon=False,
        ncols=min(5, len(CHANNEL_COLORS)),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.18 - 0.04 * (4 - min(len(arms), 4))),
        fontsize=8,
    )
    return ax


def channel_curves(results, *, axes=None, step_label: str = "week"):
    """Cumulative customers over time by channel, one panel per arm (stacked means).

    Args:
        results: :class:`sim.results.Results` of a ``wom`` run, or its time series.
        axes: A sequence of Axes, one per arm (new figure if ``None``).
        step_label: x-axis label.

    Returns:
        The array of Axes (one per arm).
    """
    ts, _ = _frames(results)
    arms = _arms(ts)
    if axes is None:
        _, axes = plt.subplots(
            1,
            len(arms),
            figsize=(3.2 * len(arms) + 0.6, 3.6),
            sharey=True,
            constrained_layout=True,
            squeeze=False,
        )
        axes = axes[0]
    channels = [c for c in CHANNEL_COLORS if f"cum_{c}" in ts]
    for ax, arm in zip(axes, arms, strict=True):
        g = ts if arm is None else ts[ts["arm"] == arm]
        mean = g.groupby("step")[[f"cum_{c}" for c in channels]].mean()
        ax.stackplot(
            mean.index.to_numpy(),
            *(mean[f"cum_{c}"].to_numpy() for c in channels),
            colors=[CHANNEL_COLORS[c] for c in channels],
            labels=[CHANNEL_LABELS[c] for c in channels],
            alpha=0.85,
        )
        ax.set_title("all" if arm is None else str(arm), fontsize=10)
        ax.set_xlabel(step_label)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("customers so far (people)")
    handles, labels = axes[0].get_legend_handles_labels()
    axes[0].figure.legend(
        handles, labels, loc="outside lower center", ncols=len(labels), frameon=False, fontsize=8
    )
    return axes


def _meetup_mean(g: pd.DataFrame, metric: str) -> pd.Series:
    """Mean over replicates of a metric defined only at meetups (NaN elsewhere)."""
    held = g[g["meetup_held"] > 0]
    return held.groupby("step")[metric].mean()


def community_health(results, *, axes=None, step_label: str = "week", band: float = 0.9):
    """Community health over time, one line per arm with a community: members (and
    waiting list), meetup attendance, newcomer share (with the healthy 40-60% band)
    and the room's heat. Meetup measures are averaged over the replicates that held a
    meetup that week.

    Args:
        results: :class:`sim.results.Results` of a ``wom`` run, or its time series.
        axes: Four Axes (new 2 x 2 figure if ``None``).
        step_label: x-axis label.
        band: Width of the band drawn around the mean members curve.

    Returns:
        The array of four Axes.
    """
    ts, _ = _frames(results)
    arms = _arms(ts)
    colors = arm_colors(arms)
    if axes is None:
        _, grid = plt.subplots(2, 2, figsize=(10, 6.4), constrained_layout=True)
        axes = grid.ravel()
    ax_m, ax_a, ax_n, ax_h = axes
    lo_q, hi_q = (1 - band) / 2, 1 - (1 - band) / 2
    ax_n.axhspan(*NEWCOMER_BAND, color="#55a868", alpha=0.12, lw=0)
    ax_n.text(
        0.01,
        0.5,
        "healthy 40-60%",
        transform=ax_n.get_yaxis_transform(),
        fontsize=8,
        color="#2d6a3e",
        va="center",
    )
    shown = 0
    for arm in arms:
        g = ts if arm is None else ts[ts["arm"] == arm]
        if not (g["members"] > 0).any():
            continue
        shown += 1
        c = colors[arm]
        label = "all" if arm is None else str(arm)
        by = g.groupby("step")
        members = by["members"]
        steps = np.asarray(sorted(g["step"].unique()))
        ax_m.plot(steps, members.mean().to_numpy(), color=c, lw=2, label=f"{label}: members")
        ax_m.fill_between(
            steps,
            members.quantile(lo_q).to_numpy(),
            members.quantile(hi_q).to_numpy(),
            color=c,
            alpha=0.15,
            lw=0,
        )
        if (g["waiting"] > 0).any():
            ax_m.plot(
                steps,
                by["waiting"].mean().to_numpy(),
                color=c,
                lw=1.5,
                ls="--",
                label=f"{label}: waiting list",
            )
        for ax, metric in ((ax_a, "attendance"), (ax_n, "newcomer_share"), (ax_h, "heat")):
            m = _meetup_mean(g, metric)
            ax.plot(
                m.index.to_numpy(), m.to_numpy(), color=c, lw=1.8, marker="o", ms=3, label=label
            )
    ax_m.set_title("Members")
    ax_m.set_ylabel("people")
    ax_a.set_title("Meetup attendance")
    ax_a.set_ylabel("people at the meetup")
    ax_a.set_ylim(bottom=0)
    ax_n.set_title("Newcomer share of attendance")
    ax_n.set_ylabel("share of attendees (0-1)")
    ax_n.set_ylim(0, 1)
    ax_h.set_title("Heat of the room (coldest-weighted, 0-1)")
    ax_h.set_ylabel("heat (0-1)")
    ax_h.set_ylim(0, 1)
    for ax in axes:
        ax.grid(alpha=0.3)
        ax.set_xlabel(step_label)
    if shown:
        ax_m.legend(frameon=False, fontsize=8)
    else:
        ax_m.text(0.5, 0.5, "no arm ran a community", ha="center", transform=ax_m.transAxes)
    return axes


def chain_depth_distribution(results, *, ax=None, max_depth: int | None = None):
    """How long referral chains grow: customers at each chain depth, per arm.

    Depth 0: won directly (first pin, vendor, paid influencer); depth d: persuaded by a
    peer at depth d - 1. Bars are means over replicates.

    Args:
        results: :class:`sim.results.Results` with a ``people`` frame (``wom`` runs),
            or that frame (``arm``, ``replicate``, ``depth``).
        ax: Axes to draw on.
        max_depth: Deepest depth drawn (deeper customers are counted in the last bar);
            default: the deepest seen.

    Returns:
        The matplotlib Axes.
    """
    people = results if isinstance(results, pd.DataFrame) else results.people
    ax = _new_axes(ax)
    if people is None or people.empty:
        ax.text(
            0.5,
            0.5,
            "no per-person outcomes kept (outputs.people = false)",
            ha="center",
            transform=ax.transAxes,
        )
        return ax
    adopted = people[people["depth"] >= 0]
    arms = _arms(people)
    colors = arm_colors(arms)
    top = int(adopted["depth"].max()) if len(adopted) else 0
    if max_depth is not None:
        top = min(top, max_depth)
    depths = np.arange(top + 1)
    width = 0.8 / max(len(arms), 1)
    for k, arm in enumerate(arms):
        g = adopted if arm is None else adopted[adopted["arm"] == arm]
        reps = (
            people["replicate"][people["arm"] == arm].nunique()
            if arm is not None
            else (people["replicate"].nunique())
        )
        counts = np.bincount(np.minimum(g["depth"].to_numpy(), top), minlength=top + 1)
        ax.bar(
            depths + (k - (len(arms) - 1) / 2) * width,
            counts / max(reps, 1),
            width=width,
            color=colors[arm],
            label="all" if arm is None else str(arm),
        )
    ax.set_xticks(depths, [str(d) if d < top or max_depth is None else f"{d}+" for d in depths])
    ax.set_xlabel("chain depth (0: won directly; d: persuaded by a peer at depth d - 1)")
    ax.set_ylabel("customers (people, mean per replicate)")
    ax.set_title("Length of referral chains")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(frameon=False)
    return ax


def spend_curves(results, *, ax=None, budget: float | None = None, step_label: str = "week"):
    """Money spent so far per arm (mean over replicates), with the budget if any.

    Args:
        results: :class:`sim.results.Results` of a ``wom`` run, or its time series.
        ax: Axes to draw on.
        budget: A total budget to draw as a line.
        step_label: x-axis label.

    Returns:
        The matplotlib Axes.
    """
    ts, _ = _frames(results)
    ax = _new_axes(ax, figsize=(7, 3.6))
    arms = _arms(ts)
    colors = arm_colors(arms)
    styles = ("-", "--", ":", "-.")
    for k, arm in enumerate(arms):
        g = ts if arm is None else ts[ts["arm"] == arm]
        m = g.groupby("step")["spend"].mean()
        # Arms that spend at the same pace overlap: line styles keep each visible.
        ax.plot(
            m.index.to_numpy(),
            m.to_numpy(),
            color=colors[arm],
            lw=2.4 - 0.3 * (k % len(styles)),
            ls=styles[k % len(styles)],
            label="all" if arm is None else str(arm),
        )
    if budget is not None:
        ax.axhline(budget, color="#444", ls=":", lw=1.2)
        ax.text(
            0.01,
            budget,
            " budget",
            transform=ax.get_yaxis_transform(),
            va="bottom",
            fontsize=8,
            color="#444",
        )
    ax.set_xlabel(step_label)
    ax.set_ylabel("spent so far (currency units)")
    ax.set_title("Spending over time")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    return ax


# ------------------------------------------------------------------ comparisons
def _shown(row) -> tuple[float, float, float]:
    """Mean and CI of a comparison-table row, in display units (shares as %)."""
    scale = 100.0 if row.get("unit") == "percentage points" else 1.0
    return scale * row["mean"], scale * row["ci_low"], scale * row["ci_high"]


def measure_bars(table: pd.DataFrame, *, axes=None, ncols: int = 3, level: float = 0.95):
    """One small panel per measure: a bar per arm (the mean) with its CI.

    Args:
        table: A comparison table (:attr:`sim.experiments.compare.Comparison.table`):
            ``arm``, ``measure``, ``label``, ``unit``, ``better``, ``mean``, ``ci_low``,
            ``ci_high``, ``missing``.
        axes: A sequence of Axes, one per measure (new figure if ``None``).
        ncols: Panels per row of a new figure.
        level: Confidence level of the intervals (for the title).

    Returns:
        The array of Axes, one per measure.
    """
    measures = list(pd.unique(table["measure"]))
    arms = list(pd.unique(table["arm"]))
    colors = arm_colors(arms)
    if axes is None:
        nrows = -(-len(measures) // ncols)
        _, grid = plt.subplots(
            nrows, ncols, figsize=(3.4 * ncols, 2.9 * nrows), constrained_layout=True,
            squeeze=False,
        )  # fmt: skip
        axes = grid.ravel()
        for ax in axes[len(measures) :]:
            ax.set_visible(False)
    x = np.arange(len(arms))
    for ax, measure in zip(axes, measures, strict=False):
        rows = table[table["measure"] == measure].set_index("arm").reindex(arms)
        first = rows.iloc[0]
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
                ax.text(i, hi if not np.isnan(hi) else mean, f"{missing} missing", ha="center",
                        va="bottom", fontsize=7, color="#666")  # fmt: skip
        unit = "%" if first["unit"] == "percentage points" else first["unit"]
        ax.set_title(f"{first['label']}\n({first['better']} is better)", fontsize=9)
        ax.set_ylabel(unit, fontsize=8)
        ax.set_xticks(x, [str(a) for a in arms], fontsize=8, rotation=20, ha="right")
        ax.set_xlim(-0.6, len(arms) - 0.4)
        ax.tick_params(axis="y", labelsize=8)
        ax.grid(axis="y", alpha=0.3)
        ax.set_ylim(bottom=min(0, ax.get_ylim()[0]))
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
    """
    ax = _new_axes(ax, figsize=(7, 4.6))
    arms = list(pd.unique(table["arm"]))
    colors = arm_colors(arms)
    reach = table[table["measure"] == "final_adopted"].set_index("arm")
    cost = table[table["measure"] == "cost_per_adopter"].set_index("arm")
    if cost.empty:
        ax.text(0.5, 0.5, "no cost measured (model without a budget)", ha="center",
                transform=ax.transAxes)  # fmt: skip
        return ax
    for arm in arms:
        if arm not in cost.index or np.isnan(cost.loc[arm, "mean"]):
            continue
        x, xl, xh = reach.loc[arm, ["mean", "ci_low", "ci_high"]]
        y, yl, yh = cost.loc[arm, ["mean", "ci_low", "ci_high"]]
        ax.errorbar(x, y, xerr=[[x - xl], [xh - x]], yerr=[[y - yl], [yh - y]], fmt="o",
                    color=colors[arm], ms=7, capsize=4, lw=1.5, label=str(arm))  # fmt: skip
        ax.annotate(str(arm), (x, y), textcoords="offset points", xytext=(8, 6), fontsize=9,
                    color=colors[arm])  # fmt: skip
    ax.set_xlabel(f"final adopters (people, mean with {level:.0%} CI)")
    ax.set_ylabel(f"cost per customer won\n(currency units, mean with {level:.0%} CI)")
    ax.set_title("Cost against reach (down and right is better)")
    right = reach["ci_high"].max()
    ax.set_xlim(0, 1.2 * right if right == right and right > 0 else None)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    return ax
