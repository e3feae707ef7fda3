"""The dashboard's live charts: the week-by-week metrics of the arms shown.

Four charts, each a small matplotlib figure fed from the arms' DataCollector
frames (one row per week) with the x axis fixed to the arms' horizon, so that a
curve grows across a still frame:

* :class:`AdoptersChart`: customers so far, stacked by the channel that won them
  (one panel per arm);
* :class:`CommunityChart`: community members and the waiting list, with the room's
  heat at each meetup (one panel per arm);
* :class:`NewcomerChart`: the share of first-time attendees at each meetup, with the
  healthy 40-60% band;
* :class:`SpendChart`: money spent so far (and the budget), with the cost per
  customer won.

:func:`chart_summary` gives the numbers of the current week in one line per arm,
shown under each chart (and read by the tests).

Examples:
    >>> import pandas as pd
    >>> from sim.model.metrics import METRICS
    >>> rows = pd.DataFrame([[0.0] * len(METRICS)] * 3, columns=list(METRICS))
    >>> rows["cum_first_pin"] = [5, 5, 5]
    >>> rows["cum_word_of_mouth"] = [0, 2, 4]
    >>> rows["cumulative_adopted"] = [5, 7, 9]
    >>> chart = AdoptersChart(["community"], horizon=10)
    >>> chart.update([rows])
    >>> chart.png()[:4]
    b'\x89PNG'
    >>> chart_summary("adopters", [("community", rows)])
    ['community: 9 customers (first pin 5, word of mouth 4)']
"""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from PIL import Image

from sim.model.kernels import CHANNELS
from sim.plot import CHANNEL_COLORS, CHANNEL_LABELS, NEWCOMER_BAND, arm_colors

__all__ = [
    "CHARTS",
    "AdoptersChart",
    "Chart",
    "CommunityChart",
    "NewcomerChart",
    "SpendChart",
    "canvas_png",
    "chart_summary",
    "nice_ceiling",
]

_SIZE = (5.6, 3.3)
_DPI = 90


def _figure(panels: int = 1, *, right: bool = False) -> tuple[Figure, list]:
    # Fixed margins (a layout engine would cost more than the drawing itself).
    fig = Figure(figsize=_SIZE, dpi=_DPI)
    fig.subplots_adjust(
        left=0.11,
        right=0.89 if right else 0.98,
        bottom=0.27,
        top=0.92,
        wspace=0.08 if not right else 0.16,
    )
    axes = fig.subplots(1, panels, squeeze=False, sharey=True)[0]
    for ax in axes:
        ax.grid(alpha=0.25, lw=0.6)
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(labelsize=9)
    return fig, list(axes)


def _legend(fig: Figure, handles: list, ncol: int | None = None) -> None:
    """The legend in a row under the axes, where it never hides a curve."""
    fig.legend(
        handles=handles,
        loc="lower center",
        ncol=ncol or len(handles),
        fontsize=8,
        frameon=False,
        handlelength=1.6,
        columnspacing=1.2,
        borderaxespad=0.3,
    )


def _weeks(horizon: int, ax) -> None:
    ax.set_xlim(0, max(int(horizon), 1))
    ax.set_xlabel("week", fontsize=9)


def _meetups(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["meetup_held"] > 0]


def nice_ceiling(x: float) -> float:
    """The smallest "round" number (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 x 10^k) >= ``x``.

    Examples:
        >>> nice_ceiling(37), nice_ceiling(0.7), nice_ceiling(0)
        (40.0, 0.8, 1.0)
    """
    if not x > 0 or not math.isfinite(x):
        return 1.0
    power = 10.0 ** math.floor(math.log10(x))
    for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * power >= x * (1 - 1e-12):
            return float(round(m * power, 12))
    return 10.0 * power  # pragma: no cover - the loop always returns


def _grow(ax, needed: float) -> None:
    """Raise the y axis to a round number with headroom when the data outgrows it.

    The axis only grows, in steps, so that most weeks keep the same axes and only
    the data is redrawn.
    """
    low, high = ax.get_ylim()
    if needed > 0.96 * high or low != 0:
        ax.set_ylim(0, nice_ceiling(max(needed, 0.8) * 1.25))


class Chart:
    """A live chart: the figure is built once, :meth:`update` puts in the new weeks.

    Rebuilding a figure every week would cost more than drawing it (axes and ticks
    are the expensive part), so each chart keeps its artists and only changes their
    data; the axes grow in round steps, and while they stay the same only the data
    is drawn over a saved background (matplotlib's blitting).

    Args:
        names: The arms' names (one panel, or one colour, each).
        horizon: The last week of the x axis.
        budgets: Each arm's total budget, or ``None`` (used by :class:`SpendChart`).

    Attributes:
        figure: The matplotlib figure.

    Examples:
        >>> import pandas as pd
        >>> from sim.model.metrics import METRICS
        >>> week = pd.DataFrame([[0.0] * len(METRICS)], columns=list(METRICS))
        >>> chart = SpendChart(["a", "b"], horizon=52, budgets=[100.0, None])
        >>> chart.update([week, week])
        >>> chart.png()[:4]
        b'\x89PNG'
    """

    title = ""

    def __init__(
        self, names: list[str], horizon: int, budgets: list[float | None] | None = None
    ) -> None:
        self.names = list(names)
        self.horizon = int(horizon)
        self.budgets = list(budgets) if budgets is not None else [None] * len(self.names)
        self.colors = arm_colors(self.names)
        self._data: list = []
        self.figure = self._build()
        # After the legend is made (it copies its handles' properties), so that the
        # legend is drawn with the background and the data over it.
        for artist in self._data:
            artist.set_animated(True)
        self._canvas = FigureCanvasAgg(self.figure)
        self._axes_key = None
        self._background = None

    def _build(self) -> Figure:  # pragma: no cover - every chart defines it
        """Make the figure; put every artist whose data changes in ``self._data``."""
        raise NotImplementedError

    def update(self, frames: list[pd.DataFrame]) -> None:
        """Show the arms' weeks so far (one frame per arm, a row per week)."""
        raise NotImplementedError  # pragma: no cover - every chart defines it

    def png(self) -> bytes:
        """The chart as PNG bytes (the axes redrawn only when their limits changed)."""
        key = tuple(ax.get_ylim() for ax in self.figure.axes)
        if key != self._axes_key:
            self._canvas.draw()
            self._background = self._canvas.copy_from_bbox(self.figure.bbox)
            self._axes_key = key
        else:
            self._canvas.restore_region(self._background)
        for artist in self._data:
            artist.axes.draw_artist(artist)
        return canvas_png(self._canvas)


class AdoptersChart(Chart):
    """Customers so far, stacked by the channel that won them, one panel per arm."""

    title = "Customers by channel"

    def _build(self) -> Figure:
        fig, self.axes = _figure(len(self.names))
        self._stacks: list[list[PolyCollection]] = []
        for ax, name in zip(self.axes, self.names, strict=True):
            ax.set_title(name, fontsize=10, loc="left")
            _weeks(self.horizon, ax)
            layers = []
            for c in CHANNELS:
                layer = PolyCollection([], facecolors=CHANNEL_COLORS[c], alpha=0.85, lw=0)
                ax.add_collection(layer)
                layers.append(layer)
                self._data.append(layer)
            self._stacks.append(layers)
        self.axes[0].set_ylabel("customers so far", fontsize=9)
        handles = [
            Patch(color=CHANNEL_COLORS[c], alpha=0.85, label=CHANNEL_LABELS[c]) for c in CHANNELS
        ]
        _legend(fig, handles)
        return fig

    def update(self, frames: list[pd.DataFrame]) -> None:
        top = 1.0
        for layers, frame in zip(self._stacks, frames, strict=True):
            weeks = np.arange(len(frame), dtype=float)
            lower = np.zeros(len(frame))
            for layer, c in zip(layers, CHANNELS, strict=True):
                upper = lower + frame[f"cum_{c}"].to_numpy(dtype=float)
                outline = np.concatenate(
                    [np.column_stack([weeks, upper]), np.column_stack([weeks, lower])[::-1]]
                )
                layer.set_verts([outline])
                lower = upper
            top = max(top, float(lower.max(initial=0.0)))
        _grow(self.axes[0], top)


class CommunityChart(Chart):
    """Members and waiting list (left axis), the heat of each meetup (right, 0-1)."""

    title = "Community: members and heat"

    def _build(self) -> Figure:
        fig, self.axes = _figure(len(self.names), right=True)
        self._lines = []
        for i, (ax, name) in enumerate(zip(self.axes, self.names, strict=True)):
            ax.set_title(name, fontsize=10, loc="left")
            _weeks(self.horizon, ax)
            (members,) = ax.plot([], [], color=CHANNEL_COLORS["community"], lw=1.8, label="members")
            (waiting,) = ax.plot([], [], color="#777777", lw=1.2, ls="--", label="waiting")
            heat_ax = ax.twinx()
            (heat,) = heat_ax.plot(
                [], [], ls="", marker="o", ms=4, color="#e6550d", label="heat (right)"
            )
            heat_ax.set_ylim(0, 1.02)
            heat_ax.tick_params(labelsize=9)
            heat_ax.spines[["top"]].set_visible(False)
            if i < len(self.names) - 1:
                heat_ax.set_yticks([])
                heat_ax.spines[["right"]].set_visible(False)
            else:
                heat_ax.set_ylabel("heat at meetups", fontsize=9)
            self._lines.append((members, waiting, heat))
            self._data += [members, waiting, heat]
        self.axes[0].set_ylabel("people", fontsize=9)
        _legend(fig, list(self._lines[0]))
        return fig

    def update(self, frames: list[pd.DataFrame]) -> None:
        top = 1.0
        for (members, waiting, heat), frame in zip(self._lines, frames, strict=True):
            weeks = np.arange(len(frame))
            members.set_data(weeks, frame["members"].to_numpy(dtype=float))
            waiting.set_data(weeks, frame["waiting"].to_numpy(dtype=float))
            met = _meetups(frame)
            heat.set_data(met.index.to_numpy(), met["heat"].to_numpy(dtype=float))
            top = max(top, float(frame[["members", "waiting"]].to_numpy().max(initial=0.0)))
        _grow(self.axes[0], top)


class NewcomerChart(Chart):
    """Share of first-time attendees at each meetup, with the healthy 40-60% band."""

    title = "Newcomer share at meetups"

    def _build(self) -> Figure:
        fig, (ax,) = _figure(1)
        # A neutral band, as in sim.plot.community_health: green would read as the
        # word-of-mouth channel.
        band = ax.axhspan(
            100 * NEWCOMER_BAND[0],
            100 * NEWCOMER_BAND[1],
            color="#9e9e9e",
            alpha=0.15,
            lw=0,
            label="healthy 40-60%",
        )
        self._lines = [
            ax.plot([], [], marker="o", ms=4, lw=1.2, color=self.colors[name], label=name)[0]
            for name in self.names
        ]
        self._data += self._lines
        ax.set_ylim(0, 102)
        ax.set_ylabel("newcomers at a meetup (%)", fontsize=9)
        _weeks(self.horizon, ax)
        _legend(fig, [*self._lines, band])
        return fig

    def update(self, frames: list[pd.DataFrame]) -> None:
        for line, frame in zip(self._lines, frames, strict=True):
            met = _meetups(frame)
            line.set_data(met.index.to_numpy(), 100 * met["newcomer_share"].to_numpy(dtype=float))


class SpendChart(Chart):
    """Money spent so far (solid, left) and cost per customer won (dashed, right)."""

    title = "Spend and cost per customer"

    def _build(self) -> Figure:
        fig, (ax,) = _figure(1, right=True)
        self.ax = ax
        self.cost_ax = ax.twinx()
        self.cost_ax.tick_params(labelsize=9)
        self.cost_ax.spines[["top"]].set_visible(False)
        self._lines = []
        handles = []
        for name in self.names:
            (spent,) = ax.plot([], [], color=self.colors[name], lw=1.8, label=name)
            (cost,) = self.cost_ax.plot([], [], color=self.colors[name], lw=1.1, ls="--")
            self._lines.append((spent, cost))
            self._data += [spent, cost]
            handles.append(spent)
        handles.append(Line2D([], [], color="#555555", lw=1.8, label="spent (left)"))
        handles.append(
            Line2D([], [], color="#555555", lw=1.1, ls="--", label="per customer (right)")
        )
        for budget in dict.fromkeys(b for b in self.budgets if b is not None):
            handles.append(
                ax.axhline(budget, color="#444444", lw=0.8, ls=":", label=f"budget {budget:,.0f}")
            )
        ax.set_ylabel("spent so far (units)", fontsize=9)
        self.cost_ax.set_ylabel("per customer (units)", fontsize=9)
        _weeks(self.horizon, ax)
        _legend(fig, handles, ncol=min(len(handles), 3 if len(self.names) > 1 else 4))
        return fig

    def update(self, frames: list[pd.DataFrame]) -> None:
        top, cost_top = 1.0, 1.0
        for budget in self.budgets:
            if budget is not None:
                top = max(top, budget)
        for (spent, cost), frame in zip(self._lines, frames, strict=True):
            weeks = np.arange(len(frame))
            spend = frame["spend"].to_numpy(dtype=float)
            per = frame["cost_per_adopter"].to_numpy(dtype=float)
            spent.set_data(weeks, spend)
            cost.set_data(weeks, per)
            top = max(top, float(spend.max(initial=0.0)))
            finite = per[np.isfinite(per)]
            cost_top = max(cost_top, float(finite.max(initial=0.0)))
        _grow(self.ax, top)
        _grow(self.cost_ax, cost_top)


#: The charts in page order: name -> chart class.
CHARTS: dict[str, type[Chart]] = {
    "adopters": AdoptersChart,
    "community": CommunityChart,
    "newcomers": NewcomerChart,
    "spend": SpendChart,
}


def _num(x: float, digits: int = 0) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:,.{digits}f}"


def chart_summary(chart: str, runs: list[tuple[str, pd.DataFrame]]) -> list[str]:
    """The current week's numbers behind a chart, one line per arm.

    Args:
        chart: A name in :data:`CHARTS`.
        runs: ``(arm name, frame)`` per arm.

    Returns:
        One line per arm.
    """
    lines = []
    for name, frame in runs:
        row = frame.iloc[-1]
        if chart == "adopters":
            parts = [
                f"{CHANNEL_LABELS[c]} {int(row[f'cum_{c}']):,}"
                for c in CHANNELS
                if row[f"cum_{c}"] > 0
            ]
            text = f"{int(row['cumulative_adopted']):,} customers"
            lines.append(f"{name}: {text}" + (f" ({', '.join(parts)})" if parts else ""))
        elif chart == "community":
            met = _meetups(frame)
            heat = met["heat"].iloc[-1] if len(met) else float("nan")
            lines.append(
                f"{name}: {int(row['members']):,} members, {int(row['waiting']):,} waiting, "
                f"{int(row['meetups_held'])} meetups, last heat {_num(heat, 2)}"
            )
        elif chart == "newcomers":
            met = _meetups(frame)
            share = met["newcomer_share"].iloc[-1] if len(met) else float("nan")
            mean = met["newcomer_share"].mean() if len(met) else float("nan")
            lines.append(
                f"{name}: last meetup {_num(100 * share)}%, mean {_num(100 * mean)}% "
                f"(healthy: 40-60%)"
            )
        elif chart == "spend":
            lines.append(
                f"{name}: spent {_num(row['spend'])}, "
                f"{_num(row['cost_per_adopter'], 1)} per customer"
            )
        else:
            raise KeyError(chart)
    return lines


def canvas_png(canvas: FigureCanvasAgg) -> bytes:
    """What an Agg canvas holds now (drawn or blitted), as PNG bytes.

    Shared by the charts and the network figure: fast compression, no alpha.

    Args:
        canvas: A drawn Agg canvas.

    Returns:
        The PNG file's bytes.

    Examples:
        >>> canvas = FigureCanvasAgg(Figure(figsize=(1, 1), dpi=10))
        >>> canvas.draw()
        >>> canvas_png(canvas)[:4]
        b'\x89PNG'
    """
    rgba = np.asarray(canvas.buffer_rgba())
    out = io.BytesIO()
    Image.fromarray(rgba[:, :, :3]).save(out, format="png", compress_level=1)
    return out.getvalue()
