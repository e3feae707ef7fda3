"""The network as the dashboard draws it: fixed positions, colours that change each week.

:func:`network_view` decides once per network what is drawn and where: every person
up to :data:`DRAW_LIMIT` people, beyond that a snowball sample of
:data:`SAMPLE_SIZE` (whole neighbourhoods, so that the spread inside them stays
visible), laid out by :func:`sim.plot.layout.network_layout` (the seeded
force-directed layout of the figures, a numba kernel; ties inside an interest group
pull harder) and cached for the life of the process. :class:`NetworkFigure` builds a matplotlib figure of one panel per arm
with the ties (drawn once), a faint shade per interest group (関心軸), and the people
in the colour of their funnel stage, a ring for community members, stars for the
first pin and diamonds for paid influencers: only these marks are redrawn each step.

Examples:
    >>> import networkx as nx
    >>> from sim.model.wom import WordOfMouthModel
    >>> g = nx.karate_club_graph()
    >>> m = WordOfMouthModel(g, {"first_pin": {"size": 3}}, seed=1, agents=False)
    >>> view = network_view(m.network, seed=1)
    >>> view.nodes.size, view.sampled
    (34, False)
    >>> fig = NetworkFigure([view])
    >>> fig.update([m], ["community"])
    >>> fig.counts[0]["member"], fig.counts[0]["first pin"]
    (3, 3)
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba_array
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.app.charts import canvas_png
from sim.contagion._common import as_network
from sim.model import kernels as K  # noqa: N812
from sim.plot import CHANNEL_COLORS, STATE_COLORS, STATE_LABELS
from sim.plot.layout import network_layout

__all__ = [
    "DRAW_LIMIT",
    "SAMPLE_SIZE",
    "NetworkFigure",
    "NetworkView",
    "network_view",
]

#: Networks up to this many people are drawn whole.
DRAW_LIMIT = 6000
#: People drawn from a larger network (a snowball sample).
SAMPLE_SIZE = 3000
#: Ties drawn at most (a deterministic subset beyond; people are all drawn).
EDGE_LIMIT = 40000
#: Shades of the interest groups: hues kept away from the funnel's colours (no blue,
#: grey or brown), so that a group's shade is never read as a stage.
_GROUP_COLORS = to_rgba_array(
    ["#2ca02c", "#bcbd22", "#e377c2", "#9467bd", "#ff7f0e", "#637939", "#7b4173"]
)


@dataclass(frozen=True, eq=False)
class NetworkView:
    """What is drawn of one network, and where.

    Attributes:
        nodes: ``int64`` ids of the people drawn (all, or a sample), ascending.
        pos: ``(len(nodes), 2)`` positions in the unit square.
        segments: ``(E, 2, 2)`` end points of the ties drawn.
        groups: Interest group code of each person drawn (``-1``: none).
        num_nodes: People in the network.
        num_edges: Ties in the network.
        sampled: Whether ``nodes`` is a sample.
        index: ``int64`` array over all people: position in ``nodes``, or -1.
    """

    nodes: np.ndarray
    pos: np.ndarray
    segments: np.ndarray
    groups: np.ndarray
    num_nodes: int
    num_edges: int
    sampled: bool
    index: np.ndarray

    @property
    def caption(self) -> str:
        """One line on what is shown."""
        shown = f"{self.nodes.size:,} of {self.num_nodes:,} people (a snowball sample)"
        who = shown if self.sampled else f"{self.num_nodes:,} people"
        ties = self.segments.shape[0]
        if ties < self.num_edges and not self.sampled:
            return f"{who}, {ties:,} of {self.num_edges:,} ties drawn"
        return f"{who}, {ties:,} ties drawn"


def _unit_square(pos: np.ndarray) -> np.ndarray:
    """Positions scaled into the unit square, aspect kept and centred."""
    pos = np.array(pos, dtype=np.float64)
    low = pos.min(axis=0)
    span = float((pos.max(axis=0) - low).max())
    if span <= 0.0:
        return np.full_like(pos, 0.5)
    pos = (pos - low) / span
    return pos + (1.0 - pos.max(axis=0)) / 2.0


def _fingerprint(net, groups: np.ndarray | None, seed: int) -> str:
    h = hashlib.blake2b(digest_size=16)
    for arr in (net.indptr, net.indices, groups if groups is not None else np.zeros(0)):
        a = np.ascontiguousarray(arr)
        h.update(str((a.dtype, a.shape)).encode())
        h.update(a.tobytes())
    h.update(f"{int(net.directed)}:{seed}".encode())
    return h.hexdigest()


_CACHE: OrderedDict[str, NetworkView] = OrderedDict()
_CACHE_SIZE = 8
_LOCK = threading.Lock()


def network_view(
    network,
    groups: np.ndarray | None = None,
    *,
    seed: int = 0,
    limit: int = DRAW_LIMIT,
    sample: int = SAMPLE_SIZE,
) -> NetworkView:
    """What to draw of a network and where; computed once, then cached per network.

    Args:
        network: A :class:`~sim.network.csr.Network` or networkx graph.
        groups: ``int`` interest group code per person (``-1``: none), or ``None``.
        seed: Seed of the layout.
        limit: Draw everyone up to this many people.
        sample: People drawn above ``limit`` (a snowball sample grown breadth-first
            from the best-connected person: :func:`sim.plot.layout.sample_nodes`).

    Returns:
        The view (the same object for the same network, groups and seed).
    """
    net = as_network(network)
    n = net.num_nodes
    if groups is not None:
        groups = np.asarray(groups, dtype=np.int32)
    key = _fingerprint(net, groups, seed) + f":{limit}:{sample}"
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
        sampled = n > limit
        interest = None if groups is None else [None if g < 0 else int(g) for g in groups]
        layout = network_layout(
            net,
            max_nodes=sample if sampled else max(n, 1),
            interest=interest,
            seed=seed,
            iterations=100 if min(n, sample if sampled else n) < 2000 else 60,
        )
        nodes = layout["id"].to_numpy(dtype=np.int64)
        pos = _unit_square(layout[["x", "y"]].to_numpy())
        index = np.full(n, -1, dtype=np.int64)
        index[nodes] = np.arange(nodes.size)
        src = np.repeat(np.arange(n, dtype=np.int64), np.diff(net.indptr))
        dst = net.indices.astype(np.int64)
        keep = (index[src] >= 0) & (index[dst] >= 0)
        if net.directed:
            a, b = np.minimum(src, dst)[keep], np.maximum(src, dst)[keep]
            a, b = np.divmod(np.unique(a * n + b), n)
        else:
            keep &= src < dst
            a, b = src[keep], dst[keep]
        sub_groups = None if groups is None else groups[nodes]
        num_edges = int(net.num_edges)
        if a.size > EDGE_LIMIT:
            pick = np.random.default_rng(seed).choice(a.size, EDGE_LIMIT, replace=False)
            pick.sort()
            a, b = a[pick], b[pick]
        segments = np.stack([pos[index[a]], pos[index[b]]], axis=1)
        view = NetworkView(
            nodes=nodes,
            pos=pos,
            segments=segments,
            groups=(np.full(nodes.size, -1, np.int32) if sub_groups is None else sub_groups),
            num_nodes=n,
            num_edges=num_edges,
            sampled=sampled,
            index=index,
        )
        _CACHE[key] = view
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
        return view


def _marker_size(m: int) -> float:
    """Area (points^2) of a person's dot, smaller when more people are drawn."""
    return float(np.clip(16000.0 / max(m, 1), 5.0, 60.0))


class NetworkFigure:
    """A figure of one panel per arm; :meth:`update` recolours it, :meth:`png` draws it.

    What does not change (ties, group halos, the legend) is drawn once into a
    background image; each :meth:`png` pastes it and draws only the people, the
    marks and the titles on top (matplotlib's blitting), which keeps a step of a
    5,000-person network well under a second.

    Args:
        views: One :class:`NetworkView` per panel (the same object when arms share
            their network).
        width: Figure width in inches (the height follows the panel count).

    Attributes:
        figure: The matplotlib figure (its changing parts are "animated": draw it
            with :meth:`png`, not ``savefig``).
        counts: Per panel, after :meth:`update`: people drawn in each stage and
            the members, first pin and influencers drawn.

    Examples:
        >>> import networkx as nx
        >>> from sim.model.wom import WordOfMouthModel
        >>> m = WordOfMouthModel(nx.karate_club_graph(), seed=2, agents=False)
        >>> fig = NetworkFigure([network_view(m.network)])
        >>> fig.update([m], ["base"])
        >>> fig.png()[:4], fig.counts[0]["unaware"] + fig.counts[0]["adopter"] <= 34
        (b'\x89PNG', True)
    """

    def __init__(self, views: list[NetworkView], *, panel: float | None = None) -> None:
        self.views = list(views)
        panels = len(self.views)
        panel = (7.0 if panels == 1 else 5.6) if panel is None else panel
        legend = 0.45
        self.figure = Figure(figsize=(panel * panels, panel + legend + 0.35), dpi=90)
        height = panel + legend + 0.35
        self.figure.subplots_adjust(
            left=0.005, right=0.995, top=1 - 0.35 / height, bottom=legend / height, wspace=0.03
        )
        axes = self.figure.subplots(1, panels, squeeze=False)[0]
        self.axes = list(axes)
        self.counts: list[dict[str, int]] = [{} for _ in self.views]
        self._people = []
        self._members = []
        self._pins = []
        self._paid = []
        for ax, view in zip(self.axes, self.views, strict=True):
            m = view.nodes.size
            size = _marker_size(m)
            ax.set_xlim(-0.02, 1.02)
            ax.set_ylim(-0.02, 1.02)
            ax.set_aspect("equal")
            ax.set_axis_off()
            if view.segments.shape[0]:
                alpha = float(np.clip(700.0 / view.segments.shape[0], 0.02, 0.3))
                ax.add_collection(
                    LineCollection(
                        view.segments, colors="#8c8c8c", linewidths=0.35, alpha=alpha, zorder=0.5
                    )
                )
            grouped = view.groups >= 0
            if grouped.any():
                halo = _GROUP_COLORS[view.groups[grouped] % len(_GROUP_COLORS)].copy()
                halo[:, 3] = 0.06
                ax.scatter(*view.pos[grouped].T, s=size * 12, c=halo, linewidths=0, zorder=1)
            # One marker line per stage (and per mark): Agg stamps a single-colour
            # marker much faster than a scatter with a colour per point.
            dot = float(np.sqrt(size))
            self._people.append(
                {
                    stage: ax.plot(
                        [],
                        [],
                        ls="",
                        marker="o",
                        ms=dot,
                        mfc=STATE_COLORS[stage],
                        mec="none",
                        zorder=2,
                    )[0]
                    for stage in K.STAGES
                }
            )
            self._members.append(
                ax.plot(
                    [],
                    [],
                    ls="",
                    marker="o",
                    ms=dot * 1.8,
                    mfc="none",
                    mec="#222222",
                    mew=0.7,
                    zorder=3,
                )[0]
            )
            self._pins.append(
                ax.plot(
                    [],
                    [],
                    ls="",
                    marker="*",
                    ms=max(dot * 2.5, 7.0),
                    mfc=CHANNEL_COLORS["first_pin"],
                    mec="white",
                    mew=0.5,
                    zorder=4,
                )[0]
            )
            self._paid.append(
                ax.plot(
                    [],
                    [],
                    ls="",
                    marker="D",
                    ms=max(dot * 2.0, 5.5),
                    mfc=CHANNEL_COLORS["influencer"],
                    mec="black",
                    mew=0.6,
                    zorder=4,
                )[0]
            )
        self._legend()
        self._dynamic = []
        self._titles = []
        for i, ax in enumerate(self.axes):
            title = ax.text(
                0.0,
                1.005,
                "",
                transform=ax.transAxes,
                fontsize=12,
                ha="left",
                va="bottom",
                fontweight="bold",
                color="#333333",
            )
            self._titles.append(title)
            parts = [*self._people[i].values(), self._members[i], self._pins[i], self._paid[i]]
            parts.append(title)
            for artist in parts:
                artist.set_animated(True)
            self._dynamic.append((ax, parts))
        self._canvas = FigureCanvasAgg(self.figure)
        self._canvas.draw()
        self._background = self._canvas.copy_from_bbox(self.figure.bbox)

    def png(self) -> bytes:
        """The figure as PNG bytes: the background, then the current colours and marks."""
        self._canvas.restore_region(self._background)
        for ax, parts in self._dynamic:
            for artist in parts:
                ax.draw_artist(artist)
        return canvas_png(self._canvas)

    def _legend(self) -> None:
        handles = [
            Line2D(
                [],
                [],
                ls="",
                marker="o",
                ms=7,
                mfc=STATE_COLORS[s],
                mec="none",
                label=STATE_LABELS[s],
            )
            for s in K.STAGES
        ]
        handles += [
            Line2D([], [], ls="", marker="o", ms=8, mfc="none", mec="#222222", label="member"),
            Line2D(
                [],
                [],
                ls="",
                marker="*",
                ms=11,
                mfc=CHANNEL_COLORS["first_pin"],
                mec="white",
                label="first pin",
            ),
            Line2D(
                [],
                [],
                ls="",
                marker="D",
                ms=6,
                mfc=CHANNEL_COLORS["influencer"],
                mec="black",
                label="paid influencer",
            ),
        ]
        if any((v.groups >= 0).any() for v in self.views):
            handles.append(
                Line2D(
                    [],
                    [],
                    ls="",
                    marker="o",
                    ms=13,
                    mfc="#2ca02c",
                    alpha=0.25,
                    mec="none",
                    label="interest group (shade)",
                )
            )
        ncol = len(handles) if len(self.views) > 1 else (len(handles) + 1) // 2
        self.figure.legend(
            handles=handles,
            loc="lower center",
            ncol=ncol,
            frameon=False,
            fontsize=9,
            handletextpad=0.2,
            columnspacing=1.1,
            borderaxespad=0.2,
        )

    def update(self, models, titles: list[str]) -> None:
        """Recolour every panel from its model's current state.

        Args:
            models: One :class:`~sim.model.wom.WordOfMouthModel` per panel, on the
                panel's network.
            titles: A title per panel (e.g. the arm's name).
        """
        for i, (model, view, title) in enumerate(zip(models, self.views, titles, strict=True)):
            stage = model.stage_codes[view.nodes]
            for code, name in enumerate(K.STAGES):
                self._people[i][name].set_data(*view.pos[stage == code].T)
            member = model.members[view.nodes]
            self._members[i].set_data(*view.pos[member].T)
            pins = view.index[model.first_pin_ids]
            pins = pins[pins >= 0]
            self._pins[i].set_data(*view.pos[pins].T)
            paid = view.index[model.influencer_ids]
            paid = paid[paid >= 0]
            self._paid[i].set_data(*view.pos[paid].T)
            counts = {s: int((stage == c).sum()) for c, s in enumerate(K.STAGES)}
            counts.update(member=int(member.sum()), **{"first pin": pins.size}, paid=paid.size)
            self.counts[i] = counts
            self._titles[i].set_text(f"{title} — week {model.steps}")
