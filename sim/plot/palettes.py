"""The fixed colours of every figure: channels, funnel states, arms.

Three palettes that cannot be mistaken for one another, so that a colour means the
same thing in every figure and HTML report:

* :data:`CHANNEL_COLORS`: one saturated mid-tone hue per adoption channel (purple,
  blue, orange, green, red), the same in the customers-by-channel bars, the stacked
  channel curves, the referral tree and the referral edges of a network snapshot;
* :data:`STATE_COLORS`: a light-to-dark blue ramp for the funnel (unaware, aware,
  adopter, advocate: deeper is further along) and brown for people who churned;
* :func:`arm_colors`: arms (strategies) get near-black, gold, pink, cyan, grey and
  olive, hues no channel uses, and line figures also give each arm its own line style
  (:func:`arm_styles`), so arms stay apart in greyscale too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

__all__ = [
    "ARM_PALETTE",
    "CHANNEL_COLORS",
    "CHANNEL_LABELS",
    "NEWCOMER_BAND",
    "STATE_COLORS",
    "STATE_LABELS",
    "arm_colors",
    "arm_styles",
]

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
#: One colour per funnel state (``sim.model.STAGES``): a blue ramp, churned in brown.
STATE_COLORS: dict[str, str] = {
    "unaware": "#e3e3e3",
    "aware": "#b9d4ec",
    "adopter": "#6baed6",
    "advocate": "#08519c",
    "churned": "#9c6644",
}
#: How each funnel state is named in figures.
STATE_LABELS: dict[str, str] = {
    "unaware": "unaware",
    "aware": "aware",
    "adopter": "adopter",
    "advocate": "advocate (talks)",
    "churned": "churned",
}
#: Arm colours, in run order (then again with other line styles): no channel's hue.
ARM_PALETTE: tuple[str, ...] = (
    "#222222",
    "#c79a00",
    "#e377c2",
    "#17becf",
    "#7f7f7f",
    "#bcbd22",
)
#: The healthy share of newcomers at a meetup, according to the articles (40-60%).
NEWCOMER_BAND = (0.4, 0.6)

_LINESTYLES = ("-", "--", "-.", ":")


def arm_colors(arms: Iterable) -> dict:
    """A fixed colour per arm, in order (from :data:`ARM_PALETTE`, never a channel's).

    Args:
        arms: Arm names in run order (``None`` for a frame without arms).

    Returns:
        ``{arm: colour}``; the palette repeats after six arms (:func:`arm_styles`
        then tells them apart by line style).

    Examples:
        >>> colors = arm_colors(["vendor direct", "community"])
        >>> colors["vendor direct"], colors["community"]
        ('#222222', '#c79a00')
        >>> set(colors.values()) & set(CHANNEL_COLORS.values())
        set()
    """
    return {a: ARM_PALETTE[i % len(ARM_PALETTE)] for i, a in enumerate(arms)}


def arm_styles(arms: Sequence) -> dict:
    """Colour and line style per arm, for line figures (curves over time).

    The first arm draws solid, the next dashed, then dash-dotted, dotted: arms stay
    apart in greyscale print and when their colours repeat.

    Args:
        arms: Arm names in run order.

    Returns:
        ``{arm: {"color": ..., "ls": ...}}``, keyword arguments for ``Axes.plot``.

    Examples:
        >>> arm_styles(["a", "b"])["b"]
        {'color': '#c79a00', 'ls': '--'}
    """
    colors = arm_colors(arms)
    return {a: {"color": colors[a], "ls": _LINESTYLES[i % len(_LINESTYLES)]} for i, a in
            enumerate(arms)}  # fmt: skip
