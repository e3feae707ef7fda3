"""Figures from results (matplotlib). Each function returns the Axes (or Figure) it drew.

Colours mean one thing everywhere (:mod:`sim.plot.palettes`): adoption channels have
:data:`CHANNEL_COLORS`, funnel states :data:`STATE_COLORS`, arms :func:`arm_colors`
(hues no channel uses, plus line styles in line figures). Units are on every axis:
people, weeks, currency units. ``docs/plotting.md`` shows every figure.

* over time and replicates (:mod:`sim.plot.curves`): :func:`adoption_curves`,
  :func:`final_size_distribution`, :func:`funnel`, :func:`adoption_by_channel`,
  :func:`channel_curves`, :func:`community_health`, :func:`chain_depth_distribution`,
  :func:`spend_curves`;
* one run's people: :func:`referral_tree` (who won whom), :func:`network_snapshot`
  (everyone's funnel state on the network at one week, with :func:`network_layout`);
* comparisons (:mod:`sim.plot.comparison`): :func:`measure_bars`, :func:`cost_vs_reach`;
* sweeps (:mod:`sim.plot.sweeps`): :func:`sweep_heatmap`, :func:`tornado`,
  :func:`effect_lines`.

Examples:
    >>> import sim.plot as plot
    >>> plot.CHANNEL_COLORS["word_of_mouth"], plot.STATE_COLORS["advocate"]
    ('#55a868', '#08519c')
    >>> plot.arm_colors(["sell to", "sell through"])["sell through"]
    '#c79a00'
"""

from __future__ import annotations

from sim.plot.comparison import cost_vs_reach, measure_bars
from sim.plot.curves import (
    adoption_by_channel,
    adoption_curves,
    chain_depth_distribution,
    channel_curves,
    community_health,
    final_size_distribution,
    funnel,
    spend_curves,
)
from sim.plot.layout import network_layout
from sim.plot.palettes import (
    ARM_PALETTE,
    CHANNEL_COLORS,
    CHANNEL_LABELS,
    NEWCOMER_BAND,
    STATE_COLORS,
    STATE_LABELS,
    arm_colors,
    arm_styles,
)
from sim.plot.snapshot import network_snapshot
from sim.plot.sweeps import effect_lines, sweep_heatmap, tornado
from sim.plot.tree import referral_forest, referral_tree

__all__ = [
    "ARM_PALETTE",
    "CHANNEL_COLORS",
    "CHANNEL_LABELS",
    "NEWCOMER_BAND",
    "STATE_COLORS",
    "STATE_LABELS",
    "adoption_by_channel",
    "adoption_curves",
    "arm_colors",
    "arm_styles",
    "chain_depth_distribution",
    "channel_curves",
    "community_health",
    "cost_vs_reach",
    "effect_lines",
    "final_size_distribution",
    "funnel",
    "measure_bars",
    "network_layout",
    "network_snapshot",
    "referral_forest",
    "referral_tree",
    "spend_curves",
    "sweep_heatmap",
    "tornado",
]
