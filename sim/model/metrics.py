"""The model's metrics: names, meanings, and packing into tidy pandas frames.

The kernels write one row of ``METRICS`` per replicate and step into a
``(R, T + 1, M)`` float array (row 0: the first pin placed, nothing spread yet).
:func:`timeseries_frame` and :func:`summary_frame` turn it into long, tidy frames
(``replicate``, ``seed``, ``step``, then the metrics; the experiment runner adds
``arm``).

The measures the articles ask for are first-class: the market area a community
covers (コミュニティを構成するマーケットの面積), meetups held and attendance growth
(ミートアップの回数や、参加者の増え方), the newcomer share at each meetup (新規参加者,
40-60% is healthy), and how much flows outside (外部に情報が発信された: outward posts).
"""

from __future__ import annotations

import numpy as np

from sim.model.kernels import CHANNELS, METRICS, STAGES

__all__ = [
    "CHANNELS",
    "INT_METRICS",
    "METRICS",
    "METRIC_DESCRIPTIONS",
    "STAGES",
    "SUMMARY_COLUMNS",
    "summary_frame",
    "timeseries_frame",
]

METRIC_DESCRIPTIONS: dict[str, str] = {
    "unaware": "people who never heard of the product",
    "aware": "people who heard of it but have not adopted",
    "adopter": "active adopters (enthusiasm below the advocate threshold)",
    "advocate": "active adopters who talk (enthusiasm >= advocate threshold)",
    "churned": "former adopters who left",
    "new_adopted": "adoptions during the step (step 0: the first pin)",
    "cumulative_adopted": "people ever adopted (churned included)",
    **{f"new_{c}": f"adoptions during the step through channel {c}" for c in CHANNELS},
    **{f"cum_{c}": f"adoptions so far through channel {c}" for c in CHANNELS},
    "wom_share": "share of adoptions so far made by a peer (word_of_mouth + community)",
    "mean_chain_depth": "mean chain depth of everyone adopted so far (0: first pin, "
    "vendor or influencer convert; referrer's depth + 1 for peer adoptions)",
    "max_chain_depth": "longest chain so far",
    "market_area": "share of people aware or further (the market area covered)",
    "mean_enthusiasm": "mean enthusiasm of active adopters",
    "members": "community members after the step",
    "waiting": "people on the waiting list",
    "joins": "people who joined the community during the step",
    "invitations": "invitations sent by members during the step",
    "meetup_held": "1 if a meetup was held this step",
    "meetups_held": "meetups held so far",
    "attendance": "attendees of this step's meetup",
    "newcomers": "first-time attendees of this step's meetup",
    "newcomer_share": "newcomers / attendance (NaN without a meetup); 40-60% is healthy",
    "heat": "the room's heat: power mean of attendees' enthusiasm (NaN without a meetup)",
    "cohesion": "share of attendee pairs sharing an interest axis (NaN without a meetup)",
    "attendee_enthusiasm": "mean enthusiasm of attendees before the lift (NaN without one)",
    "outward_posts": "attendees who posted outward after the meetup",
    "outward_reach": "people reached by those posts",
    "vendor_contacts": "vendor contacts made during the step",
    "influencer_reach": "people reached by paid posts during the step",
    "talks": "word-of-mouth talks by advocates during the step",
    "new_churned": "adopters who churned during the step",
    "new_churned_members": "community members who churned during the step",
    "spend_vendor": "money spent so far on the vendor channel",
    "spend_influencer": "money spent so far on paid influencers",
    "spend_community": "money spent so far on the community (meetups, attendees)",
    "spend": "money spent so far, all channels",
    "cost_per_adopter": "spend / adoptions so far excluding the first pin (NaN if none)",
}

_FLOAT = {
    "wom_share",
    "mean_chain_depth",
    "max_chain_depth",
    "market_area",
    "mean_enthusiasm",
    "newcomer_share",
    "heat",
    "cohesion",
    "attendee_enthusiasm",
    "spend_vendor",
    "spend_influencer",
    "spend_community",
    "spend",
    "cost_per_adopter",
}
#: Metrics that are counts (stored as int64 columns).
INT_METRICS = tuple(m for m in METRICS if m not in _FLOAT)

SUMMARY_COLUMNS: dict[str, str] = {
    "final_adopted": "people ever adopted by the last step",
    "final_share": "final_adopted / people in the network",
    "final_active": "active adopters and advocates at the end",
    "final_advocates": "advocates at the end",
    "churned": "churned adopters at the end",
    **{f"adopted_by_{c}": f"adoptions through channel {c}" for c in CHANNELS},
    "wom_share": "share of adoptions made by a peer (word_of_mouth + community)",
    "mean_chain_depth": "mean chain depth over everyone adopted",
    "max_chain_depth": "longest chain",
    "market_area": "share of people aware or further at the end",
    "mean_enthusiasm": "mean enthusiasm of active adopters at the end",
    "spend": "money spent, all channels",
    "spend_vendor": "money spent on the vendor channel",
    "spend_influencer": "money spent on paid influencers",
    "spend_community": "money spent on the community",
    "cost_per_adopter": "spend / adoptions excluding the first pin",
    "final_members": "community members at the end",
    "max_members": "largest membership over the run",
    "final_waiting": "waiting list at the end",
    "max_waiting": "longest waiting list over the run",
    "meetups_held": "meetups held",
    "mean_attendance": "mean attendance per meetup held",
    "mean_newcomer_share": "mean newcomer share over meetups held",
    "mean_heat": "mean heat over meetups held",
    "outward_posts": "outward posts over the run",
    "invitations": "invitations over the run",
    "joins": "people who joined after the first pin",
    "time_to_half": "first step at which cumulative_adopted reached half of final_adopted",
}


def _idx(name: str) -> int:
    return METRICS.index(name)


def timeseries_frame(out: np.ndarray, seed: int, replicates: np.ndarray | None = None):
    """The tidy time series: one row per (replicate, step).

    Args:
        out: ``(R, T + 1, M)`` metrics from the kernel.
        seed: The master seed.
        replicates: Replicate index of each row of ``out`` (default ``0..R-1``).

    Returns:
        A DataFrame with ``replicate``, ``seed``, ``step`` and one column per metric.
    """
    import pandas as pd

    R, T1, M = out.shape
    reps = np.arange(R, dtype=np.int64) if replicates is None else np.asarray(replicates)
    cols: dict[str, np.ndarray] = {
        "replicate": np.repeat(reps.astype(np.int64), T1),
        "seed": np.full(R * T1, seed, dtype=np.int64),
        "step": np.tile(np.arange(T1, dtype=np.int64), R),
    }
    for k, name in enumerate(METRICS):
        col = out[:, :, k].reshape(-1)
        cols[name] = col.astype(np.int64) if name not in _FLOAT else col.copy()
    return pd.DataFrame(cols)


def _mean_where(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    count = mask.sum(axis=1)
    total = np.where(mask, np.nan_to_num(values), 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def summary_frame(out: np.ndarray, seed: int, num_nodes: int, replicates: np.ndarray | None = None):
    """The tidy summary: one row per replicate (columns in ``SUMMARY_COLUMNS``).

    Args:
        out: ``(R, T + 1, M)`` metrics from the kernel.
        seed: The master seed.
        num_nodes: Network size.
        replicates: Replicate index of each row of ``out`` (default ``0..R-1``).
    """
    import pandas as pd

    R = out.shape[0]
    reps = np.arange(R, dtype=np.int64) if replicates is None else np.asarray(replicates)
    last = out[:, -1, :]

    def fin(name):
        return last[:, _idx(name)]

    def series(name):
        return out[:, :, _idx(name)]

    cum = series("cumulative_adopted")
    final = cum[:, -1]
    half = cum >= (final[:, None] / 2.0)
    tth = np.where(final > 0, np.argmax(half, axis=1).astype(np.float64), np.nan)
    held = series("meetup_held") > 0
    cols: dict[str, np.ndarray] = {
        "replicate": reps.astype(np.int64),
        "seed": np.full(R, seed, dtype=np.int64),
        "final_adopted": final.astype(np.int64),
        "final_share": final / num_nodes,
        "final_active": (fin("adopter") + fin("advocate")).astype(np.int64),
        "final_advocates": fin("advocate").astype(np.int64),
        "churned": fin("churned").astype(np.int64),
    }
    for c in CHANNELS:
        cols[f"adopted_by_{c}"] = fin(f"cum_{c}").astype(np.int64)
    for name in ("wom_share", "mean_chain_depth", "max_chain_depth", "market_area",
                 "mean_enthusiasm", "spend", "spend_vendor", "spend_influencer",
                 "spend_community", "cost_per_adopter"):  # fmt: skip
        cols[name] = fin(name).copy()
    cols["final_members"] = fin("members").astype(np.int64)
    cols["max_members"] = series("members").max(axis=1).astype(np.int64)
    cols["final_waiting"] = fin("waiting").astype(np.int64)
    cols["max_waiting"] = series("waiting").max(axis=1).astype(np.int64)
    cols["meetups_held"] = fin("meetups_held").astype(np.int64)
    cols["mean_attendance"] = _mean_where(series("attendance"), held)
    att = series("attendance") > 0
    cols["mean_newcomer_share"] = _mean_where(series("newcomer_share"), held & att)
    cols["mean_heat"] = _mean_where(series("heat"), held & att)
    cols["outward_posts"] = series("outward_posts").sum(axis=1).astype(np.int64)
    cols["invitations"] = series("invitations").sum(axis=1).astype(np.int64)
    cols["joins"] = series("joins").sum(axis=1).astype(np.int64)
    cols["time_to_half"] = tth
    return pd.DataFrame(cols)
