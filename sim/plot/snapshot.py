"""A network snapshot: everyone in their funnel state at one week, on a fixed layout.

Nodes are coloured by funnel state (:data:`sim.plot.STATE_COLORS`), the referrals so
far drawn over the ties in their channel's colour (:data:`sim.plot.CHANNEL_COLORS`),
the first pin marked with stars and the paid influencers with diamonds, and the
largest interest communities (関心軸) outlined. The layout
(:func:`sim.plot.network_layout`) is computed once per network and reused, so
snapshots at different weeks line up.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon

from sim.contagion._common import check_int
from sim.errors import ValidationError
from sim.plot._common import new_axes
from sim.plot._source import network_of, one_run
from sim.plot.layout import _undirected, network_layout
from sim.plot.palettes import CHANNEL_COLORS, CHANNEL_LABELS, STATE_COLORS, STATE_LABELS

__all__ = ["network_snapshot"]

#: Drawing order of the states: the most advanced on top.
_STATE_ORDER = ("unaware", "aware", "churned", "adopter", "advocate")
_LAYOUTS: OrderedDict[str, pd.DataFrame] = OrderedDict()
_LAYOUT_CACHE_SIZE = 8


def _cached_layout(net, max_nodes, around, interest, seed) -> pd.DataFrame:
    """:func:`network_layout` of a network, remembered for the last few networks."""
    h = hashlib.sha1()
    for arr in (net.indptr, net.indices, np.asarray(around, dtype=np.int64)):
        h.update(np.ascontiguousarray(arr).tobytes())
    h.update(repr((max_nodes, seed, net.num_nodes)).encode())
    h.update("\x1f".join(map(str, interest)).encode())
    key = h.hexdigest()
    if key in _LAYOUTS:
        _LAYOUTS.move_to_end(key)
        return _LAYOUTS[key]
    layout = network_layout(net, max_nodes=max_nodes, around=around, interest=interest, seed=seed)
    _LAYOUTS[key] = layout
    while len(_LAYOUTS) > _LAYOUT_CACHE_SIZE:
        _LAYOUTS.popitem(last=False)
    return layout


def _check_layout(layout, n: int) -> pd.DataFrame:
    if not isinstance(layout, pd.DataFrame) or any(c not in layout for c in ("id", "x", "y")):
        raise ValidationError("expected a frame from sim.plot.network_layout (id, x, y)",
                              key="layout")  # fmt: skip
    ids = layout["id"].to_numpy()
    if len(ids) and (ids.min() < 0 or ids.max() >= n):
        raise ValidationError(
            f"the layout's ids go beyond this network's {n} people (another network?)",
            key="layout",
        )
    return layout


def _hull(points: np.ndarray) -> np.ndarray | None:
    """Convex hull of the core of a group: the 60% of its points nearest its median."""
    from scipy.spatial import ConvexHull, QhullError

    centre = np.median(points, axis=0)
    dist = np.sqrt(((points - centre) ** 2).sum(axis=1))
    core = points[dist <= np.quantile(dist, 0.6)]
    if len(core) < 3:
        return None
    try:
        hull = ConvexHull(core)
    except QhullError:  # all on a line
        return None
    return core[hull.vertices]


def network_snapshot(
    source,
    people=None,
    *,
    arm=None,
    replicate: int | None = None,
    step: int | None = None,
    layout: pd.DataFrame | None = None,
    max_nodes: int = 2000,
    communities: int = 6,
    referrals: bool = True,
    seed: int = 0,
    ax=None,
    title: str | None = None,
):
    """Everyone in the network in their funnel state at one week.

    Nodes are coloured by funnel state (unaware, aware, adopter, advocate, churned;
    :data:`sim.plot.STATE_COLORS`); the referrals made so far are drawn over the ties
    in their channel's colour; stars mark the first pin, diamonds the paid influencers
    (filled with their state, outlined in their channel's colour); dashed outlines show
    the largest interest communities (the core 60% of each, the first pin's in
    purple). Ties within an interest pull harder in the layout
    (:func:`sim.plot.network_layout`), so communities cluster.

    Networks larger than ``max_nodes`` are sampled: a snowball breadth-first from the
    first pin and the influencers (:func:`sim.plot.layout.sample_nodes`), so the
    neighbourhood where the diffusion starts keeps its structure; the title says how
    many people are shown. The layout of a network is computed once (a seeded spring
    layout) and remembered for the next snapshots; pass ``layout=`` to fix it yourself.

    Args:
        source: What to draw: :class:`sim.results.Results` of a ``wom`` run (the
            network is rebuilt from its scenario; a week other than the last is
            replayed), a scenario (replayed), a :class:`sim.model.WordOfMouthModel` (as
            it is now), or a network (then ``people`` gives the people).
        people: With a network: a people frame of one replicate (e.g.
            ``WomRun.people`` or :func:`sim.model.people_at`), or a
            :class:`sim.model.WomRun` run with ``people_of``.
        arm: The arm (default: the first).
        replicate: The replicate (default: the first kept, else 0).
        step: The week (default: the last; a model: its current week).
        layout: A layout from :func:`sim.plot.network_layout` of this network.
        max_nodes: Most people drawn (int >= 1); beyond, a snowball sample.
        communities: How many of the largest interest communities to outline (0: none).
        referrals: Draw the referrals (who won whom) so far.
        seed: Seed of the layout.
        ax: Axes to draw on (a new figure if ``None``).
        title: Optional title.

    Returns:
        The matplotlib Axes (axes hidden: positions have no unit). The people are in
        the scatters with gid ``"state:<state>"``, the ties in the ``LineCollection``
        ``"ties"``, the referrals in ``"referrals:<channel>"``.

    Raises:
        ValidationError: A bad source, arm, replicate, week, layout or count.

    Notes:
        Mesa's ``mesa.visualization.draw_network`` (3.5) draws a Mesa network space
        from agent portrayals: it needs a model with one agent per person, recomputes
        the layout on every call (snapshots would not line up), expects integer node
        labels, and cannot sample or outline communities. Results read back from disk
        have no agents, so this function draws from the people frame instead; for a
        live model it reads the same arrays as the Mesa agents.

    Examples:
        >>> import networkx as nx
        >>> import matplotlib.pyplot as plt
        >>> from sim.model import WordOfMouthModel
        >>> model = WordOfMouthModel(nx.karate_club_graph(), {"first_pin": {"size": 3}},
        ...                          seed=1, agents=False)
        >>> for _ in range(5):
        ...     model.step()
        >>> ax = network_snapshot(model)
        >>> sum(len(c.get_offsets()) for c in ax.collections
        ...     if str(c.get_gid()).startswith("state:"))
        34
        >>> ax.get_title().splitlines()[0]
        'Network: replicate 0, week 5'
        >>> [t.get_text() for t in ax.get_legend().get_texts()][0].startswith("unaware")
        True
        >>> plt.close("all")
    """
    max_nodes = check_int(max_nodes, "max_nodes", minimum=1)
    communities = check_int(communities, "communities", minimum=0)
    seed = check_int(seed, "seed", minimum=0)
    run = one_run(source, people, arm=arm, replicate=replicate, step=step, need_network=True)
    net = network_of(run)
    if net is None:
        raise ValidationError("no network to draw", key="network")
    p = run.people.sort_values("id").reset_index(drop=True)
    n = net.num_nodes
    if len(p) != n:
        raise ValidationError(f"{len(p)} people for a network of {n}", key="people")
    pins, infl = run.first_pin, run.influencers
    interest = p["interest"].tolist() if "interest" in p else [None] * n
    if layout is None:
        # The sample's start matters only when there is a sample to take.
        around = np.concatenate([pins, infl]).astype(np.int64) if n > max_nodes else []
        layout = _cached_layout(net, max_nodes, around, interest, seed)
    layout = _check_layout(layout, n)
    ids = layout["id"].to_numpy(dtype=np.int64)
    xy = np.full((n, 2), np.nan)
    xy[ids] = layout[["x", "y"]].to_numpy(dtype=float)
    shown = np.zeros(n, dtype=bool)
    shown[ids] = True

    ax = new_axes(ax, figsize=(9.5, 7.2))
    # Ties among the people shown, once each.
    indptr, indices = _undirected(net)
    rows = np.repeat(np.arange(n), np.diff(indptr))
    keep = (rows < indices) & shown[rows] & shown[indices]
    seg = np.stack([xy[rows[keep]], xy[indices[keep]]], axis=1)
    alpha = float(np.clip(300 / max(len(seg), 1), 0.06, 0.5))
    ax.add_collection(LineCollection(seg, colors="#9a9a9a", lw=0.35, alpha=alpha, zorder=1,
                                     gid="ties"))  # fmt: skip
    handles: list = []
    # Interest communities: the largest among the people shown.
    if communities and "interest" in p:
        groups = p.loc[shown & p["interest"].notna().to_numpy(), "interest"].astype(str)
        top = groups.value_counts().head(communities)
        pin_groups = set(p.loc[p["id"].isin(pins) & p["interest"].notna(), "interest"].astype(str))
        drawn = 0
        for label, count in top.items():
            members = groups.index[groups == label].to_numpy()
            corners = _hull(xy[members])
            if corners is None:
                continue
            mine = label in pin_groups
            edge = CHANNEL_COLORS["first_pin"] if mine else "#555555"
            ax.add_patch(Polygon(corners, closed=True, facecolor=edge, alpha=0.06, lw=0, zorder=0))
            ax.add_patch(Polygon(corners, closed=True, fill=False, edgecolor=edge, ls="--",
                                 lw=1.3 if mine else 0.8, zorder=0.5))  # fmt: skip
            cx, cy = corners[:, 0].mean(), corners[:, 1].max()
            ax.annotate(f"{label} ({count})", (cx, cy), xytext=(0, 3), textcoords="offset points",
                        ha="center", va="bottom", fontsize=7, color=edge, zorder=6,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                              "alpha": 0.7})  # fmt: skip
            drawn += 1
        if drawn:
            handles.append(Patch(facecolor="#55555510", edgecolor="#555555", ls="--",
                                 label=f"interest, core ({drawn} largest)"))  # fmt: skip
            if pin_groups & set(top.index[:drawn]):
                handles.append(Patch(facecolor="none", edgecolor=CHANNEL_COLORS["first_pin"],
                                     ls="--", label="the first pin's interest"))  # fmt: skip
    # Referrals so far: from referrer to convert, in the channel's colour.
    if referrals:
        won = (p["depth"].to_numpy() >= 0) & (p["referrer_id"].to_numpy() >= 0)
        ref = p["referrer_id"].to_numpy(dtype=np.int64)
        ok = won & shown & shown[np.where(ref >= 0, ref, 0)]
        channels = p["channel"].astype(str).to_numpy()
        for ch in ("influencer", "word_of_mouth", "community"):
            sel = np.flatnonzero(ok & (channels == ch))
            if not len(sel):
                continue
            seg = np.stack([xy[ref[sel]], xy[sel]], axis=1)
            ax.add_collection(LineCollection(seg, colors=CHANNEL_COLORS[ch], lw=0.7, alpha=0.65,
                                             zorder=2, gid=f"referrals:{ch}"))  # fmt: skip
            handles.append(Line2D([], [], color=CHANNEL_COLORS[ch], lw=1.5,
                                  label=f"won by {CHANNEL_LABELS[ch]} ({len(sel)})"))  # fmt: skip
    # People by state, the most advanced on top.
    size = float(np.clip(16000 / max(shown.sum(), 1), 6, 90))
    state = p["stage"].astype(str).to_numpy()
    state_handles = {}
    for s in _STATE_ORDER:
        sel = np.flatnonzero(shown & (state == s))
        ax.scatter(xy[sel, 0], xy[sel, 1], s=size, c=STATE_COLORS[s], zorder=3, gid=f"state:{s}",
                   edgecolors="#555555" if size >= 20 else "none", linewidths=0.3)  # fmt: skip
        state_handles[s] = Line2D([], [], ls="", marker="o", ms=7, color=STATE_COLORS[s],
                                  markeredgecolor="#777777", markeredgewidth=0.4,
                                  label=f"{STATE_LABELS[s]} ({int((state == s).sum()):,})")  # fmt: skip
    # The first pin and the influencers: filled with their state, outlined in their
    # channel's colour.
    marks = (("*", pins, "first_pin", "first pin", 5.0), ("D", infl, "influencer",
             "paid influencer", 2.5))  # fmt: skip
    for marker, who, key, label, grow in marks:
        sel = who[shown[who]] if len(who) else who
        if not len(sel):
            continue
        faces = [STATE_COLORS[state[i]] for i in sel]
        ax.scatter(xy[sel, 0], xy[sel, 1], s=max(size * grow, 70), marker=marker, c=faces,
                   edgecolors=CHANNEL_COLORS[key], linewidths=1.6, zorder=5,
                   gid=f"marks:{key}")  # fmt: skip
        handles.append(Line2D([], [], ls="", marker=marker, ms=11 if marker == "*" else 7,
                              markerfacecolor="white", markeredgecolor=CHANNEL_COLORS[key],
                              markeredgewidth=1.6, label=f"{label} ({len(who)})"))  # fmt: skip
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.autoscale_view()
    what = run.describe()
    head = title or "Network" + (f": {what}" if what else "")
    sub = f"{n:,} people"
    if shown.sum() < n:
        sub = (f"{int(shown.sum()):,} of {n:,} people shown (a snowball sample around the "
               "first pin and influencers)")  # fmt: skip
    ax.set_title(f"{head}\n{sub}; positions have no unit", fontsize=10)
    whole = ", whole network" if shown.sum() < n else ""
    ax.legend(handles=[state_handles[s] for s in STATE_COLORS] + handles, frameon=False,
              fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), title_fontsize=8,
              title=f"funnel state (people{whole})")  # fmt: skip
    return ax
