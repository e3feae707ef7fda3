"""Figures of a run over time and over replicates: adoption, funnel, channels, health.

Each function takes :class:`sim.results.Results` (or the folder they were saved in), a
:class:`sim.model.WomRun` or the tidy frame itself, draws on the Axes it is given (or a new figure) and returns them.
Arms keep their colour (:func:`sim.plot.arm_colors`), channels theirs
(:data:`sim.plot.CHANNEL_COLORS`), funnel states theirs (:data:`sim.plot.STATE_COLORS`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from sim.errors import ValidationError
from sim.plot._common import (
    arm_line_styles,
    arm_name,
    arm_palette,
    arms_of,
    frames,
    need_columns,
    new_axes,
    new_figure,
    pick_arms,
    results_folder,
    rows_of,
    step_label_of,
    summary_of,
)
from sim.plot.palettes import (
    CHANNEL_COLORS,
    CHANNEL_LABELS,
    NEWCOMER_BAND,
    STATE_COLORS,
    STATE_LABELS,
)

__all__ = [
    "FUNNEL_ORDER",
    "adoption_by_channel",
    "adoption_curves",
    "chain_depth_distribution",
    "channel_curves",
    "community_health",
    "final_size_distribution",
    "funnel",
    "spend_curves",
]

#: Funnel states from the bottom of the stack up: everyone ever won at the bottom
#: (advocates, adopters, churned), then the aware, then the unaware.
FUNNEL_ORDER = ("advocate", "adopter", "churned", "aware", "unaware")


def _arm_panels(axes, n: int, *, width: float, extra: float, height: float) -> np.ndarray:
    """One panel per arm in a row, sharing the y axis (a new figure), or the axes given
    (checked: one per arm)."""
    if axes is None:
        _, grid = new_figure(1, n, figsize=(width * n + extra, height), sharey=True, squeeze=False)
        return grid[0]
    axes = np.atleast_1d(np.asarray(axes, dtype=object)).ravel()
    if len(axes) != n:
        raise ValidationError(f"got {len(axes)} Axes for {n} arm(s)", key="axes")
    return axes


def _band(band: float) -> tuple[float, float]:
    if not 0 < band < 1:
        raise ValidationError(f"must be in (0, 1), got {band!r}", key="band")
    return (1 - band) / 2, 1 - (1 - band) / 2


def adoption_curves(
    results,
    *,
    ax=None,
    band: float = 0.9,
    metric: str = "cumulative_adopted",
    step_label: str | None = None,
    title: str | None = None,
):
    """Adoption over time per arm: the mean curve and a central band over replicates.

    Args:
        results: :class:`sim.results.Results`, a run (:class:`sim.model.WomRun`,
            :class:`sim.contagion.Cascades`) or a tidy time-series frame with ``step``,
            ``replicate``, the metric and optionally ``arm``.
        ax: Axes to draw on (a new figure if ``None``).
        band: Width of the central band (0.9 draws the 5th to 95th percentile).
        metric: Column to draw.
        step_label: x-axis label (default: ``week`` for the marketing model, else
            ``step``).
        title: Optional title.

    Returns:
        The matplotlib Axes.

    Raises:
        ValidationError: A band outside (0, 1) or a metric the frame lacks.

    Examples:
        >>> import networkx as nx
        >>> import matplotlib.pyplot as plt
        >>> from sim.model import simulate_wom
        >>> run = simulate_wom(nx.karate_club_graph(), {"first_pin": {"size": 3}},
        ...                    replicates=3, steps=6, seed=1)
        >>> ax = adoption_curves(run)
        >>> ax.get_xlabel(), ax.get_ylabel()
        ('week', 'adopters (people, cumulative)')
        >>> [t.get_text() for t in ax.get_legend().get_texts()]
        ['all (mean)']
        >>> plt.close("all")
    """
    ts, _ = frames(results)
    lo_q, hi_q = _band(band)
    if metric not in ts:
        raise ValidationError(f"no column {metric!r} in the time series", key="metric")
    ax = new_axes(ax)
    styles = arm_line_styles(ts)
    for arm in arms_of(ts):
        g = rows_of(ts, arm)
        wide = g.pivot_table(index="step", columns="replicate", values=metric, observed=True)
        steps = wide.index.to_numpy()
        vals = wide.to_numpy(dtype=float)
        style = styles[arm]
        ax.plot(steps, np.nanmean(vals, axis=1), lw=2, label=f"{arm_name(arm)} (mean)", **style)
        if vals.shape[1] > 1:
            ax.fill_between(
                steps,
                np.nanquantile(vals, lo_q, axis=1),
                np.nanquantile(vals, hi_q, axis=1),
                color=style["color"],
                alpha=0.18,
                lw=0,
            )
    ax.set_xlabel(step_label_of(ts, step_label))
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
        results: :class:`sim.results.Results`, a run, or a tidy summary frame.
        ax: Axes to draw on.
        metric: Summary column.
        title: Optional title.

    Returns:
        The matplotlib Axes.

    Raises:
        ValidationError: A metric the summary lacks.

    Examples:
        >>> import networkx as nx
        >>> import matplotlib.pyplot as plt
        >>> from sim.model import simulate_wom
        >>> run = simulate_wom(nx.karate_club_graph(), {"first_pin": {"size": 3}},
        ...                    replicates=4, steps=6, seed=1)
        >>> ax = final_size_distribution(run)
        >>> ax.get_xlabel(), ax.get_ylabel()
        ('final adopters (people)', 'replicates')
        >>> plt.close("all")
    """
    sm = summary_of(results)
    if metric not in sm:
        raise ValidationError(f"no column {metric!r} in the summary", key="metric")
    ax = new_axes(ax)
    colors = arm_palette(sm)
    vals = sm[metric].to_numpy(dtype=float)
    lo, hi = np.nanmin(vals), np.nanmax(vals)
    bins = np.linspace(lo, hi if hi > lo else lo + 1, min(30, max(5, len(vals) // 3)) + 1)
    for arm in arms_of(sm):
        g = rows_of(sm, arm)
        ax.hist(
            g[metric].to_numpy(dtype=float),
            bins=bins,
            histtype="stepfilled",
            alpha=0.35,
            color=colors[arm],
            edgecolor=colors[arm],
            lw=1.5,
            label=f"{arm_name(arm)} (n={len(g)})",
        )
    ax.set_xlabel("final adopters (people)" if metric == "final_adopted" else metric)
    ax.set_ylabel("replicates")
    ax.set_title(title or "Final size across replicates")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    return ax


# ------------------------------------------------------------------ marketing model
def funnel(
    results,
    *,
    arm=None,
    axes=None,
    share: bool = False,
    step_label: str = "week",
    title: str | None = None,
):
    """The funnel over time as stacked areas: unaware, aware, adopter, advocate, churned.

    One panel per arm (or only ``arm``), the mean over replicates of the number of
    people in each state after each week. From the bottom: advocates, adopters and
    churned (the top of these three is everyone ever won), then the aware (heard of
    it, not won), then the unaware. Colours: :data:`sim.plot.STATE_COLORS`.

    Args:
        results: :class:`sim.results.Results` of a ``wom`` run, a
            :class:`sim.model.WomRun`, a :class:`sim.model.WordOfMouthModel`, or a
            time-series frame with the state columns.
        arm: Draw only this arm (default: every arm, side by side).
        axes: Axes to draw on, one per arm drawn (a new figure if ``None``).
        share: Shares of the network's people (0-1) instead of people.
        step_label: x-axis label.
        title: Optional figure title.

    Returns:
        The array of Axes, one per arm drawn.

    Raises:
        ValidationError: Not a marketing-model time series, an unknown arm, or a
            number of Axes that does not match the arms.

    Examples:
        >>> import networkx as nx
        >>> import matplotlib.pyplot as plt
        >>> from sim.model import simulate_wom
        >>> run = simulate_wom(nx.karate_club_graph(), {"first_pin": {"size": 3}},
        ...                    replicates=2, steps=6, seed=1)
        >>> (ax,) = funnel(run)
        >>> len(ax.collections), ax.get_ylabel()
        (5, 'people (mean over replicates)')
        >>> [t.get_text() for t in ax.figure.legends[0].get_texts()][:2]
        ['unaware', 'aware']
        >>> plt.close("all")
    """
    ts, _ = frames(results)
    need_columns(ts, FUNNEL_ORDER, "the funnel")
    arms = pick_arms(ts, arm)
    axes = _arm_panels(axes, len(arms), width=3.4, extra=1.6, height=3.9)
    for ax, a in zip(axes, arms, strict=True):
        g = rows_of(ts, a)
        mean = g.groupby("step")[list(FUNNEL_ORDER)].mean()
        values = mean.to_numpy(dtype=float)
        if share:
            total = values.sum(axis=1, keepdims=True)
            values = np.divide(values, total, out=np.zeros_like(values), where=total > 0)
        ax.stackplot(
            mean.index.to_numpy(),
            *values.T,
            colors=[STATE_COLORS[s] for s in FUNNEL_ORDER],
            labels=[STATE_LABELS[s] for s in FUNNEL_ORDER],
            edgecolor="white",
            lw=0.4,
        )
        ax.set_title(arm_name(a), fontsize=10)
        ax.set_xlabel(step_label)
        ax.set_xlim(mean.index.min(), max(mean.index.max(), mean.index.min() + 1))
        ax.set_ylim(0, 1 if share else values.sum(axis=1).max() or 1)
        ax.grid(alpha=0.25)
    axes[0].set_ylabel(
        "share of people (0-1, mean over replicates)" if share else "people (mean over replicates)"
    )
    # Legend from the top of the stack down, as the eye reads the areas.
    handles = [Patch(color=STATE_COLORS[s], label=STATE_LABELS[s]) for s in FUNNEL_ORDER[::-1]]
    fig = axes[0].figure
    fig.legend(handles=handles, loc="outside lower center", ncols=min(5, 2 + len(arms)),
               frameon=False, fontsize=8)  # fmt: skip
    fig.suptitle(title or "The funnel over time", fontsize=11)
    return axes


def adoption_by_channel(results, *, ax=None, title: str | None = None):
    """Customers won per arm, split by the channel that won them (mean over replicates).

    One horizontal stacked bar per arm; the total is written at the end of each bar.

    Args:
        results: :class:`sim.results.Results` of a ``wom`` run, a run, or its summary
            frame (``arm`` and ``adopted_by_<channel>`` columns).
        ax: Axes to draw on.
        title: Optional title.

    Returns:
        The matplotlib Axes.

    Raises:
        ValidationError: Not a marketing-model summary.

    Examples:
        >>> import networkx as nx
        >>> import matplotlib.pyplot as plt
        >>> from sim.model import simulate_wom
        >>> run = simulate_wom(nx.karate_club_graph(), {"first_pin": {"size": 3}},
        ...                    replicates=2, steps=6, seed=1)
        >>> ax = adoption_by_channel(run)
        >>> ax.get_xlabel()
        'customers won (people, mean over replicates)'
        >>> ax.patches[0].get_facecolor()[:3] == plt.matplotlib.colors.to_rgb("#7b3294")
        True
        >>> plt.close("all")
    """
    sm = summary_of(results)
    cols = [f"adopted_by_{c}" for c in CHANNEL_COLORS if f"adopted_by_{c}" in sm]
    if not cols:
        need_columns(sm, ["adopted_by_first_pin"], "customers by channel")
    arms = arms_of(sm)
    ax = new_axes(ax, figsize=(7, 0.9 + 0.55 * max(len(arms), 2)))
    left = np.zeros(len(arms))
    ypos = np.arange(len(arms))[::-1]
    for channel, color in CHANNEL_COLORS.items():
        col = f"adopted_by_{channel}"
        if col not in sm:
            continue
        means = np.array([rows_of(sm, arm)[col].astype(float).mean() for arm in arms])
        if not np.nansum(means):
            continue
        ax.barh(ypos, means, left=left, color=color, label=CHANNEL_LABELS[channel], height=0.6)
        left += np.nan_to_num(means)
    for y, total in zip(ypos, left, strict=True):
        ax.text(total, y, f" {total:,.0f}", va="center", ha="left", fontsize=9)
    ax.set_yticks(ypos, [arm_name(a) for a in arms])
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
        results: :class:`sim.results.Results` of a ``wom`` run, a run, or its time
            series.
        axes: A sequence of Axes, one per arm (new figure if ``None``).
        step_label: x-axis label.

    Returns:
        The array of Axes (one per arm).

    Raises:
        ValidationError: Not a marketing-model time series, or a number of Axes that
            does not match the arms.

    Examples:
        >>> import networkx as nx
        >>> import matplotlib.pyplot as plt
        >>> from sim.model import simulate_wom
        >>> run = simulate_wom(nx.karate_club_graph(), {"first_pin": {"size": 3}},
        ...                    replicates=2, steps=6, seed=1)
        >>> axes = channel_curves(run)
        >>> axes[0].get_ylabel(), len(axes[0].collections)
        ('customers so far (people)', 5)
        >>> plt.close("all")
    """
    ts, _ = frames(results)
    channels = [c for c in CHANNEL_COLORS if f"cum_{c}" in ts]
    if not channels:
        need_columns(ts, ["cum_first_pin"], "customers by channel over time")
    arms = arms_of(ts)
    axes = _arm_panels(axes, len(arms), width=3.2, extra=0.6, height=3.6)
    for ax, arm in zip(axes, arms, strict=True):
        g = rows_of(ts, arm)
        mean = g.groupby("step")[[f"cum_{c}" for c in channels]].mean()
        ax.stackplot(
            mean.index.to_numpy(),
            *(mean[f"cum_{c}"].to_numpy() for c in channels),
            colors=[CHANNEL_COLORS[c] for c in channels],
            labels=[CHANNEL_LABELS[c] for c in channels],
            alpha=0.85,
        )
        ax.set_title(arm_name(arm), fontsize=10)
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
    """Community health over time, one line per arm with a community.

    Four panels: members (and the waiting list, dashed), meetup attendance, newcomer
    share (with the healthy 40-60% band) and the room's heat. Meetup measures are
    averaged over the replicates that held a meetup that week.

    Args:
        results: :class:`sim.results.Results` of a ``wom`` run, a run, or its time
            series.
        axes: Four Axes (new 2 x 2 figure if ``None``).
        step_label: x-axis label.
        band: Width of the band drawn around the mean members curve.

    Returns:
        The array of four Axes.

    Raises:
        ValidationError: Not a marketing-model time series, a band outside (0, 1), or
            not four Axes.

    Examples:
        >>> import networkx as nx
        >>> import matplotlib.pyplot as plt
        >>> from sim.model import simulate_wom
        >>> run = simulate_wom(nx.karate_club_graph(), {"first_pin": {"size": 3}},
        ...                    replicates=2, steps=8, seed=1)
        >>> axes = community_health(run)
        >>> [ax.get_title() for ax in axes][:3]
        ['Members', 'Meetup attendance', 'Newcomer share of attendance']
        >>> axes[2].get_ylabel()
        'share of attendees (0-1)'
        >>> plt.close("all")
    """
    ts, _ = frames(results)
    need_columns(ts, ["members", "waiting", "meetup_held", "attendance"], "community health")
    lo_q, hi_q = _band(band)
    styles = arm_line_styles(ts)
    if axes is None:
        _, grid = new_figure(2, 2, figsize=(10, 6.4))
        axes = grid.ravel()
    axes = np.atleast_1d(np.asarray(axes, dtype=object)).ravel()
    if len(axes) != 4:
        raise ValidationError(f"needs four Axes, got {len(axes)}", key="axes")
    ax_m, ax_a, ax_n, ax_h = axes
    # A neutral band: green would read as the word-of-mouth channel.
    ax_n.axhspan(*NEWCOMER_BAND, color="#9e9e9e", alpha=0.15, lw=0)
    ax_n.text(0.01, 0.5, "healthy 40-60%", transform=ax_n.get_yaxis_transform(), fontsize=8,
              color="#555555", va="center")  # fmt: skip
    shown = 0
    for arm in arms_of(ts):
        g = rows_of(ts, arm)
        if not (g["members"] > 0).any():
            continue
        shown += 1
        style = styles[arm]
        c = style["color"]
        label = arm_name(arm)
        by = g.groupby("step")
        members = by["members"]
        steps = np.asarray(sorted(g["step"].unique()))
        ax_m.plot(steps, members.mean().to_numpy(), lw=2, label=f"{label}: members", **style)
        ax_m.fill_between(
            steps,
            members.quantile(lo_q).to_numpy(),
            members.quantile(hi_q).to_numpy(),
            color=c,
            alpha=0.15,
            lw=0,
        )
        if (g["waiting"] > 0).any():
            ax_m.plot(steps, by["waiting"].mean().to_numpy(), color=c, lw=1.2, ls=":",
                      label=f"{label}: waiting list")  # fmt: skip
        for ax, metric in ((ax_a, "attendance"), (ax_n, "newcomer_share"), (ax_h, "heat")):
            m = _meetup_mean(g, metric)
            ax.plot(m.index.to_numpy(), m.to_numpy(), lw=1.8, marker="o", ms=3, label=label,
                    **style)  # fmt: skip
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
    peer at depth d - 1. Bars are means over the replicates kept.

    Args:
        results: :class:`sim.results.Results` with a ``people`` frame (``wom`` runs),
            a :class:`sim.model.WomRun` run with ``people_of``, or a people frame
            (``replicate``, ``depth``, optionally ``arm``).
        ax: Axes to draw on.
        max_depth: Deepest depth drawn (deeper customers are counted in the last bar);
            default: the deepest seen.

    Returns:
        The matplotlib Axes.

    Raises:
        ValidationError: A people frame without a ``depth`` column.

    Examples:
        >>> import networkx as nx
        >>> import matplotlib.pyplot as plt
        >>> from sim.model import simulate_wom
        >>> run = simulate_wom(nx.karate_club_graph(), {"first_pin": {"size": 3}},
        ...                    replicates=2, steps=6, seed=1, people_of=[0, 1])
        >>> ax = chain_depth_distribution(run)
        >>> ax.get_ylabel()
        'customers (people, mean per replicate)'
        >>> plt.close("all")
    """
    results = results_folder(results)
    people = results if isinstance(results, pd.DataFrame) else getattr(results, "people", None)
    ax = new_axes(ax)
    if people is None or people.empty:
        ax.text(0.5, 0.5, "no per-person outcomes kept (outputs.people = false)",
                ha="center", transform=ax.transAxes)  # fmt: skip
        return ax
    need_columns(people, ["depth", "replicate"], "the chain-depth distribution")
    adopted = people[people["depth"] >= 0]
    colors = arm_palette(people)
    arms = arms_of(people)
    top = int(adopted["depth"].max()) if len(adopted) else 0
    if max_depth is not None:
        top = min(top, max_depth)
    depths = np.arange(top + 1)
    width = 0.8 / max(len(arms), 1)
    for k, arm in enumerate(arms):
        g = rows_of(adopted, arm)
        reps = rows_of(people, arm)["replicate"].nunique()
        counts = np.bincount(np.minimum(g["depth"].to_numpy(), top), minlength=top + 1)
        ax.bar(depths + (k - (len(arms) - 1) / 2) * width, counts / max(reps, 1), width=width,
               color=colors[arm], label=arm_name(arm))  # fmt: skip
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
        results: :class:`sim.results.Results` of a ``wom`` run, a run, or its time
            series.
        ax: Axes to draw on.
        budget: A total budget to draw as a line.
        step_label: x-axis label.

    Returns:
        The matplotlib Axes.

    Raises:
        ValidationError: Not a marketing-model time series.

    Examples:
        >>> import networkx as nx
        >>> import matplotlib.pyplot as plt
        >>> from sim.model import simulate_wom
        >>> run = simulate_wom(nx.karate_club_graph(), {"vendor": {"enabled": True}},
        ...                    replicates=2, steps=6, seed=1)
        >>> ax = spend_curves(run, budget=50)
        >>> ax.get_ylabel()
        'spent so far (currency units)'
        >>> plt.close("all")
    """
    ts, _ = frames(results)
    need_columns(ts, ["spend"], "spending")
    ax = new_axes(ax, figsize=(7, 3.6))
    styles = arm_line_styles(ts)
    for k, arm in enumerate(arms_of(ts)):
        m = rows_of(ts, arm).groupby("step")["spend"].mean()
        # Arms that spend at the same pace overlap: widths and styles keep each visible.
        ax.plot(m.index.to_numpy(), m.to_numpy(), lw=2.4 - 0.3 * (k % 4), label=arm_name(arm),
                **styles[arm])  # fmt: skip
    if budget is not None:
        ax.axhline(budget, color="#444", ls=":", lw=1.2)
        ax.text(0.01, budget, " budget", transform=ax.get_yaxis_transform(), va="bottom",
                fontsize=8, color="#444")  # fmt: skip
    ax.set_xlabel(step_label)
    ax.set_ylabel("spent so far (currency units)")
    ax.set_title("Spending over time")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    return ax
