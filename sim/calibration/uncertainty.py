"""What the trials say about each parameter: ranges within the noise, profiles, words.

**Monte Carlo noise.** The distance of a trial is computed from ``R`` replicates on
one set of random streams (the same for every trial: common random numbers), so it
is itself random. After the search, the best point is run again on ``K`` fresh sets
of streams (:func:`sim.calibration.search.noise_seeds`); the noise ``sigma`` is the
standard deviation of its ``K + 1`` distances.

**Acceptance set (ABC-style).** A trial is *accepted* when its distance is within
the noise of the best: ``D <= D_best + z sigma`` (``z = 2``). As in rejection ABC
(approximate Bayesian computation) with a tolerance set at the simulator's own noise,
the accepted trials are the parameter values the targets cannot tell from the best;
the **range** of a parameter is the minimum to maximum of its accepted values. It is
an approximate, conservative-in-spirit interval, not a posterior credible interval:
it depends on where the optimiser sampled (TPE samples densely near good regions).

**Profiles.** The lower envelope of distance against each parameter: its range cut
into bins (on the search scale), the lowest distance of the trials in each bin.

**Identifiability** in words (:func:`identifiability`):

* a parameter whose accepted range covers two thirds or more of its bounds is *not
  pinned down* by the targets (a flat profile);
* two parameters whose accepted values are strongly rank-correlated (Spearman
  ``|rho| >= 0.7``, at least 8 accepted trials) *trade off*: the targets fix a
  combination of them, not each;
* a best value, or an accepted range, within 2% of a bound means the bounds may
  be too narrow;
* fewer than 3 accepted trials are too few for a range: run more trials.

Examples:
    >>> import pandas as pd
    >>> trials = pd.DataFrame({"state": ["complete"] * 4, "distance": [0.1, 0.11, 0.5, 0.9],
    ...                        "x": [1.0, 2.0, 5.0, 9.0]})
    >>> accepted(trials, threshold=0.12)["x"].tolist()
    [1.0, 2.0]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.calibration.space import FitParameter

__all__ = [
    "ACCEPT_Z",
    "FLAT_SHARE",
    "TRADE_OFF_RHO",
    "Uncertainty",
    "accepted",
    "assess",
    "identifiability",
    "profile",
]

#: Accepted: distance <= best + ACCEPT_Z x noise.
ACCEPT_Z = 2.0
#: An accepted range covering this share of the bounds (or more): not pinned down.
FLAT_SHARE = 2 / 3
#: |Spearman rho| in the accepted set at or above which two parameters trade off.
TRADE_OFF_RHO = 0.7
#: Fewest accepted trials to judge a correlation.
MIN_FOR_CORRELATION = 8
#: Fewest accepted trials for a range to mean something.
MIN_FOR_RANGE = 3
#: A best value this close to a bound (share of the bounds) is "at the edge".
EDGE_SHARE = 0.02


@dataclass
class Uncertainty:
    """The uncertainty summary of a calibration.

    Attributes:
        best_distance: The best trial's distance.
        noise: Standard deviation of the best point's distance over fresh streams.
        noise_distances: Those distances (the best trial's first).
        threshold: ``best_distance + ACCEPT_Z * noise``.
        ranges: Per key, ``(low, high)`` over the accepted trials.
        coverage: Per key, the share of its bounds the range covers (search scale).
        correlations: ``{(key_a, key_b): rho}`` in the accepted set (Spearman).
        n_accepted: Number of accepted trials.
        notes: Identifiability in words, one sentence each.
    """

    best_distance: float
    noise: float
    noise_distances: list[float]
    threshold: float
    ranges: dict[str, tuple[float, float]]
    coverage: dict[str, float]
    correlations: dict[tuple[str, str], float]
    n_accepted: int
    notes: list[str]

    def to_dict(self) -> dict:
        """Plain data for the manifest.

        Returns:
            A JSON-ready dict.
        """
        return {
            "best_distance": self.best_distance,
            "noise": self.noise,
            "noise_distances": list(self.noise_distances),
            "accept_z": ACCEPT_Z,
            "threshold": self.threshold,
            "ranges": {k: list(v) for k, v in self.ranges.items()},
            "coverage": dict(self.coverage),
            "correlations": [[a, b, r] for (a, b), r in self.correlations.items()],
            "accepted": self.n_accepted,
            "notes": list(self.notes),
        }


def accepted(trials: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """The completed trials whose distance is at most ``threshold``.

    Args:
        trials: One row per trial (``state``, ``distance``, parameters).
        threshold: The acceptance threshold.

    Returns:
        Those rows.
    """
    ok = (trials["state"] == "complete") & (trials["distance"] <= threshold)
    return trials[ok]


def profile(trials: pd.DataFrame, param: FitParameter, bins: int | None = None) -> pd.DataFrame:
    """The lower envelope of distance against one parameter.

    Args:
        trials: One row per trial.
        param: The parameter.
        bins: Number of bins over its bounds (default: 5 to 20, by trial count).

    Returns:
        One row per non-empty bin: ``value`` (the argmin trial's value) and
        ``distance`` (the lowest distance in the bin), by increasing value.

    Examples:
        >>> t = pd.DataFrame({"state": ["complete"] * 3, "distance": [3.0, 1.0, 2.0],
        ...                   "k": [0.1, 0.15, 0.9]})
        >>> profile(t, FitParameter("k", 0.0, 1.0), bins=2).values.tolist()
        [[0.15, 1.0], [0.9, 2.0]]
    """
    done = trials[trials["state"] == "complete"]
    if done.empty:
        return pd.DataFrame({"value": [], "distance": []})
    n = bins or int(min(20, max(5, len(done) // 8)))
    u = np.array([param.to_unit(float(v)) for v in done[param.key]])
    which = np.minimum((np.clip(u, 0, 1) * n).astype(int), n - 1)
    frame = pd.DataFrame(
        {"bin": which, "value": done[param.key].to_numpy(dtype=float),
         "distance": done["distance"].to_numpy(dtype=float)}
    )  # fmt: skip
    best = frame.loc[frame.groupby("bin")["distance"].idxmin()]
    return best[["value", "distance"]].sort_values("value").reset_index(drop=True)


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    ra = pd.Series(a).rank().to_numpy()
    rb = pd.Series(b).rank().to_numpy()
    if ra.std() == 0 or rb.std() == 0:
        return float("nan")
    return float(np.corrcoef(ra, rb)[0, 1])


def _fmt(x: float) -> str:
    return f"{x:.3g}"


def identifiability(
    params: Sequence[FitParameter],
    best: dict[str, float],
    ranges: dict[str, tuple[float, float]],
    coverage: dict[str, float],
    correlations: dict[tuple[str, str], float],
    n_accepted: int,
) -> list[str]:
    """Sentences saying which parameters the targets pin down, and which they do not.

    Args:
        params: The fitted parameters.
        best: The best trial's values.
        ranges: Accepted ranges.
        coverage: Share of the bounds each range covers.
        correlations: Spearman correlations in the accepted set.
        n_accepted: Number of accepted trials.

    Returns:
        One sentence per finding, in the order: edges, flat, trade-offs, identified.

    Examples:
        >>> p = [FitParameter("a", 0.0, 1.0), FitParameter("b", 0.0, 1.0)]
        >>> for s in identifiability(p, {"a": 0.5, "b": 0.5}, {"a": (0.1, 0.9),
        ...         "b": (0.45, 0.55)}, {"a": 0.8, "b": 0.1}, {}, 20):
        ...     print(s)
        a is not pinned down by these targets: values from 0.1 to 0.9 (80% of its bounds) fit within the Monte Carlo noise of the best (a flat profile).
        b is identified: 0.45 to 0.55 (10% of its bounds) fit within the noise of the best.
    """
    notes = []
    for p in params:
        u = p.to_unit(best[p.key])
        if u <= EDGE_SHARE or u >= 1 - EDGE_SHARE:
            side = "lower" if u <= EDGE_SHARE else "upper"
            notes.append(
                f"The best {p.key} ({_fmt(best[p.key])}) lies at the {side} edge of its bounds "
                f"({p.describe()}): the fit may want a value beyond them; widen the bounds "
                "(if the value is plausible) and calibrate again."
            )
    flat = [p for p in params if coverage[p.key] >= FLAT_SHARE]
    for p in flat:
        lo, hi = ranges[p.key]
        notes.append(
            f"{p.key} is not pinned down by these targets: values from {_fmt(lo)} to "
            f"{_fmt(hi)} ({coverage[p.key]:.0%} of its bounds) fit within the Monte Carlo "
            "noise of the best (a flat profile)."
        )
    traded = set()
    for (a, b), rho in correlations.items():
        if n_accepted >= MIN_FOR_CORRELATION and abs(rho) >= TRADE_OFF_RHO:
            traded |= {a, b}
            how = "a higher one with a lower other" if rho < 0 else "both higher or both lower"
            notes.append(
                f"{a} and {b} trade off (Spearman rho = {rho:+.2f} over the {n_accepted} "
                f"accepted trials): the targets fix a combination of them ({how} fits as "
                "well), not each one; a target that separates them would pin them down."
            )
    if n_accepted < MIN_FOR_RANGE:
        notes.append(
            f"Only {n_accepted} trial(s) fit within the noise of the best: too few to tell "
            "how precisely the targets pin the values down; run more trials (rerun with a "
            "larger --trials to continue)."
        )
        return notes
    for p in params:
        if p in flat or p.key in traded:
            continue
        lo, hi = ranges[p.key]
        text = (
            f"{p.key} is identified: {_fmt(lo)} to {_fmt(hi)} ({coverage[p.key]:.0%} of its "
            "bounds) fit within the noise of the best"
        )
        ends = [
            side
            for side, gap in (("lower", p.to_unit(lo)), ("upper", 1 - p.to_unit(hi)))
            if gap <= EDGE_SHARE
        ]
        if ends:
            text += (
                f", but the range reaches the {' and '.join(ends)} bound: values beyond it "
                "may fit as well (widen the bounds to see)"
            )
        notes.append(text + ".")
    return notes


def assess(
    trials: pd.DataFrame,
    params: Sequence[FitParameter],
    noise_distances: Sequence[float],
) -> Uncertainty:
    """Acceptance set, ranges, correlations and identifiability of a finished search.

    Args:
        trials: One row per trial (``state``, ``distance`` and a column per key).
        params: The fitted parameters.
        noise_distances: The best point's distances over independent streams, the
            search's own first (at least two values).

    Returns:
        The summary.
    """
    done = trials[trials["state"] == "complete"]
    best_row = done.loc[done["distance"].idxmin()]
    best_d = float(best_row["distance"])
    d = np.asarray(noise_distances, dtype=float)
    noise = float(d.std(ddof=1)) if d.size > 1 else 0.0
    threshold = best_d + ACCEPT_Z * noise
    acc = accepted(trials, threshold)
    ranges, coverage = {}, {}
    for p in params:
        values = acc[p.key].to_numpy(dtype=float)
        lo, hi = float(values.min()), float(values.max())
        ranges[p.key] = (lo, hi)
        coverage[p.key] = max(0.0, min(1.0, p.to_unit(hi) - p.to_unit(lo)))
    correlations = {}
    for i, a in enumerate(params):
        for b in params[i + 1 :]:
            rho = _spearman(acc[a.key].to_numpy(float), acc[b.key].to_numpy(float))
            if not math.isnan(rho):
                correlations[(a.key, b.key)] = rho
    best = {p.key: float(best_row[p.key]) for p in params}
    notes = identifiability(params, best, ranges, coverage, correlations, len(acc))
    return Uncertainty(
        best_distance=best_d,
        noise=noise,
        noise_distances=[float(x) for x in d],
        threshold=threshold,
        ranges=ranges,
        coverage=coverage,
        correlations=correlations,
        n_accepted=len(acc),
        notes=notes,
    )
