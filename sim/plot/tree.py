"""The referral tree of one run: who won whom, through which channel.

Every adoption of the marketing model records its week, channel, referrer and chain
depth (:mod:`sim.model.kernels`), and these never change afterwards: the tree of any
week t is the adoptions up to t. :func:`referral_tree` draws it as layered trees, one
row per chain depth, with a tidy layout computed here (networkx has no tree layout
without graphviz): leaves side by side, each parent centred over its children, the
largest trees first.
"""

from __future__ import annotations

from collections import deque

import numpy as np
import pandas as pd
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D

from sim.contagion._common import check_int
from sim.plot._common import new_axes
from sim.plot._source import one_run
from sim.plot.palettes import CHANNEL_COLORS, CHANNEL_LABELS

__all__ = ["referral_forest", "referral_tree"]

_VENDOR = -1  # the vendor's key in the forest (people are >= 0, influencers <= -2)


def _influencer_key(node: int) -> int:
    return -2 - int(node)


def referral_forest(people: pd.DataFrame, *, step: int | None = None) -> pd.DataFrame:
    """The referral forest of one replicate as a tidy frame, one row per customer.

    Args:
        people: The people frame of one replicate (``id``, ``adopted_step``,
            ``channel``, ``referrer_id``, ``depth``).
        step: Only the adoptions up to this week (default: all).

    Returns:
        A frame with ``id``, ``channel``, ``depth``, ``adopted_step`` and ``parent``:
        the referrer's id for a peer's convert, ``-1`` for the vendor, ``-2 - i`` for
        paid influencer ``i``, and missing (``<NA>``) for the first pin, who has none.
        Sorted by week then id.

    Raises:
        ValidationError: A bad week.

    Examples:
        >>> import pandas as pd
        >>> people = pd.DataFrame({"id": [0, 1, 2, 3], "adopted_step": [0, 2, 3, -1],
        ...     "channel": ["first_pin", "word_of_mouth", "vendor", None],
        ...     "referrer_id": [-1, 0, -1, -1], "depth": [0, 1, 0, -1]})
        >>> referral_forest(people)["parent"].tolist()
        [<NA>, 0, -1]
        >>> len(referral_forest(people, step=2))
        2
    """
    p = people[people["depth"] >= 0]
    if step is not None:
        step = check_int(step, "step", minimum=0)
        p = p[p["adopted_step"] <= step]
    channel = p["channel"].astype(str).to_numpy()
    ref = p["referrer_id"].to_numpy(dtype=np.int64)
    parent = np.where(
        channel == "vendor",
        _VENDOR,
        np.where(channel == "influencer", -2 - ref, ref),
    )
    out = pd.DataFrame(
        {
            "id": p["id"].to_numpy(dtype=np.int64),
            "channel": channel,
            "depth": p["depth"].to_numpy(dtype=np.int64),
            "adopted_step": p["adopted_step"].to_numpy(dtype=np.int64),
            "parent": pd.array(parent, dtype="Int64"),
        }
    )
    # No parent: the first pin, and a peer's convert whose referrer is unknown or not
    # among the customers kept (a root of its own tree, never dropped).
    peer_parent = ~np.isin(channel, ["vendor", "influencer"])
    orphan = (channel == "first_pin") | (peer_parent & ~np.isin(parent, out["id"].to_numpy()))
    out.loc[orphan, "parent"] = pd.NA
    return out.sort_values(["adopted_step", "id"], kind="stable").reset_index(drop=True)


def _children(forest: pd.DataFrame) -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for child, parent in zip(forest["id"].tolist(), forest["parent"].tolist(), strict=True):
        if parent is not pd.NA:
            kids.setdefault(int(parent), []).append(child)
    return kids


def _sizes(roots: list[int], kids: dict[int, list[int]]) -> dict[int, int]:
    """Number of people in the subtree of every node (a source counts 0 itself)."""
    size: dict[int, int] = {}
    for root in roots:
        stack = [(root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                size[node] = (1 if node >= 0 else 0) + sum(size[c] for c in kids.get(node, []))
            else:
                stack.append((node, True))
                stack.extend((c, False) for c in kids.get(node, []))
    return size


def _cap(forest, kids, size, max_nodes: int) -> set[int]:
    """People kept: whole trees of the customers nobody in the forest won (won by the
    vendor or an influencer, first pin), largest first while they fit; the first, if
    too large, cut breadth-first."""
    parent = forest["parent"]
    tops = forest.loc[parent.isna() | (parent < 0), "id"].tolist()
    tops.sort(key=lambda i: -size[i])
    kept: set[int] = set()
    for top in tops:
        room = max_nodes - len(kept)
        if room <= 0:
            break
        if size[top] <= room:
            stack = [top]
            while stack:
                node = stack.pop()
                kept.add(node)
                stack.extend(kids.get(node, []))
        elif not kept:
            queue = deque([top])
            while queue and len(kept) < max_nodes:
                node = queue.popleft()
                kept.add(node)
                queue.extend(kids.get(node, []))
    return kept


def _tidy_x(roots: list[int], kids: dict[int, list[int]], size: dict[int, int]) -> dict:
    """x of every node: leaves 0, 1, 2... left to right; a parent over its children."""
    x: dict[int, float] = {}
    leaf = 0
    for root in roots:
        stack = [(root, False)]
        while stack:
            node, done = stack.pop()
            children = sorted(kids.get(node, []), key=lambda c: -size[c])
            if not children:
                x[node] = float(leaf)
                leaf += 1
            elif done:
                x[node] = (x[children[0]] + x[children[-1]]) / 2
            else:
                stack.append((node, True))
                stack.extend((c, False) for c in reversed(children))
    return x


def referral_tree(
    source,
    people=None,
    *,
    arm=None,
    replicate: int | None = None,
    step: int | None = None,
    max_nodes: int = 500,
    ax=None,
    title: str | None = None,
):
    """The referral tree of one run: who won whom, coloured by channel.

    One row per chain depth. On top, the sources: the vendor (a square) and each paid
    influencer (a diamond) who won somebody; below, every customer, linked to whoever
    won them, edge and dot in the colour of the channel that won them
    (:data:`sim.plot.CHANNEL_COLORS`). The first pin (stars) are roots: nobody won
    them. So there is one edge per customer except the first pin. Trees are laid side
    by side, largest first; beyond ``max_nodes`` customers only the largest trees are
    drawn (the title says how many).

    Args:
        source: What to draw from: :class:`sim.results.Results` of a ``wom`` run, a
            scenario (replayed), a :class:`sim.model.WordOfMouthModel`, a
            :class:`sim.model.WomRun` run with ``people_of``, or a people frame.
        people: Unused unless ``source`` is a network (then the people frame or run).
        arm: The arm (default: the first).
        replicate: The replicate (default: the first kept, else 0).
        step: Only the adoptions up to this week (default: all).
        max_nodes: Most customers drawn (int >= 1).
        ax: Axes to draw on (a new figure if ``None``).
        title: Optional title.

    Returns:
        The matplotlib Axes; its ``LineCollection`` with gid ``"referrals"`` holds one
        segment per edge drawn.

    Raises:
        ValidationError: A bad source, arm, replicate, week or ``max_nodes``.

    Examples:
        >>> import networkx as nx
        >>> import matplotlib.pyplot as plt
        >>> from sim.model import simulate_wom
        >>> run = simulate_wom(nx.karate_club_graph(), {"first_pin": {"size": 3},
        ...     "word_of_mouth": {"talk_prob": 0.9}}, steps=8, seed=2, people_of=0)
        >>> ax = referral_tree(run)
        >>> ax.get_ylabel()
        'chain depth (0: won directly)'
        >>> won = int((run.people["depth"] >= 0).sum())
        >>> edges = [c for c in ax.collections if c.get_gid() == "referrals"][0]
        >>> len(edges.get_segments()) == won - 3
        True
        >>> plt.close("all")
    """
    max_nodes = check_int(max_nodes, "max_nodes", minimum=1)
    run = one_run(source, people, arm=arm, replicate=replicate, step=step, exact_step=False)
    forest = referral_forest(run.people, step=step)
    if step is not None:
        run.step = step
    kids = _children(forest)
    channel_of = dict(zip(forest["id"].tolist(), forest["channel"].tolist(), strict=True))
    depth_of = dict(zip(forest["id"].tolist(), forest["depth"].tolist(), strict=True))
    pins = forest.loc[forest["channel"] == "first_pin", "id"].tolist()
    orphans = forest.loc[forest["parent"].isna() & (forest["channel"] != "first_pin"), "id"]
    sources = sorted({int(p) for p in forest["parent"].dropna().tolist() if p < 0}, reverse=True)
    roots = pins + orphans.tolist() + sources
    size = _sizes(roots, kids)
    total = len(forest)
    kept = _cap(forest, kids, size, max_nodes) if total > max_nodes else set(forest["id"])
    kids = {k: [c for c in v if c in kept] for k, v in kids.items()}
    size = _sizes(roots, kids)
    roots = [r for r in roots if (r in kept if r >= 0 else size[r] > 0)]
    roots.sort(key=lambda r: (0 if r >= 0 else 1, -size[r]))
    x = _tidy_x(roots, kids, size)
    y = {n: (depth_of[n] if n >= 0 else -1) for n in x}

    ax = new_axes(ax, figsize=(11, 1.6 + 0.55 * (max(depth_of.values(), default=0) + 2)))
    shown = [n for n in x if n >= 0]
    dot = float(np.clip(4000 / max(len(shown), 1), 4, 60))
    segments, colors = [], []
    for parent, children in kids.items():
        if parent not in x:
            continue
        for c in children:
            segments.append([(x[parent], y[parent]), (x[c], y[c])])
            colors.append(CHANNEL_COLORS[channel_of[c]])
    ax.add_collection(LineCollection(segments, colors=colors, lw=0.8, alpha=0.8, zorder=1,
                                     gid="referrals"))  # fmt: skip
    handles = []
    for ch, color in CHANNEL_COLORS.items():
        nodes = [n for n in shown if channel_of[n] == ch]
        if not nodes:
            continue
        marker = "*" if ch == "first_pin" else "o"
        s = max(dot * 5, 90) if ch == "first_pin" else dot
        ax.scatter([x[n] for n in nodes], [y[n] for n in nodes], s=s, c=color, marker=marker,
                   edgecolors="#222222" if ch == "first_pin" else "none", linewidths=0.5,
                   zorder=3)  # fmt: skip
        label = f"won by {CHANNEL_LABELS[ch]} ({len(nodes)})"
        if ch == "first_pin":
            label = f"first pin: roots ({len(nodes)})"
        handles.append(Line2D([], [], ls="", marker=marker, ms=8 if ch == "first_pin" else 6,
                              color=color, label=label))  # fmt: skip
    for src in (r for r in roots if r < 0):
        is_vendor = src == _VENDOR
        color = CHANNEL_COLORS["vendor" if is_vendor else "influencer"]
        ax.scatter([x[src]], [-1], s=110, marker="s" if is_vendor else "D", c=color,
                   edgecolors="#222222", linewidths=0.6, zorder=4)  # fmt: skip
        if is_vendor:
            ax.annotate("vendor", (x[src], -1), xytext=(0, 7), textcoords="offset points",
                        ha="center", fontsize=8)  # fmt: skip
    if any(r == _VENDOR for r in roots):
        handles.append(Line2D([], [], ls="", marker="s", ms=7, color=CHANNEL_COLORS["vendor"],
                              markeredgecolor="#222222", label="source: the vendor"))  # fmt: skip
    n_inf = sum(1 for r in roots if r < _VENDOR)
    if n_inf:
        handles.append(Line2D([], [], ls="", marker="D", ms=6, color=CHANNEL_COLORS["influencer"],
                              markeredgecolor="#222222",
                              label=f"source: paid influencer ({n_inf})"))  # fmt: skip
    top = max((y[n] for n in x), default=0)
    if any(r < 0 for r in roots):
        ax.set_ylim(top + 0.6, -1.7)
        ax.set_yticks(range(-1, top + 1), ["sources", *map(str, range(top + 1))])
    else:
        ax.set_ylim(top + 0.6, -0.6)
        ax.set_yticks(range(top + 1))
    width = max(x.values(), default=0)
    ax.set_xlim(-1, width + 1)
    ax.set_xticks([])
    ax.set_ylabel("chain depth (0: won directly)")
    ax.set_xlabel("customers, one column per leaf; largest trees on the left")
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    referred = len(segments)
    what = run.describe()
    head = title or "Referral tree" + (f": {what}" if what else "")
    sub = f"{total:,} customers, {referred:,} won by someone (edges)"
    if len(shown) < total:
        sub = (f"showing {len(shown):,} of {total:,} customers (the largest trees), "
               f"{referred:,} edges")  # fmt: skip
    ax.set_title(f"{head}\n{sub}", fontsize=10)
    if handles:
        ax.legend(handles=handles, frameon=False, fontsize=8, loc="upper left",
                  bbox_to_anchor=(1.0, 1.0))  # fmt: skip
    return ax
