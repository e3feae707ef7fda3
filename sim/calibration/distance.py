"""How far a model run is from the targets: per-target relative errors and one distance.

A trial runs ``R`` replicates; the model's value for a target is the **mean over
replicates** (NaN replicates left out, e.g. a replicate that held no meetup has no
newcomer share):

* a value or range target ``at`` a step: the output at that step (as the model
  reports it: attendance is 0 in a week without a meetup, a newcomer share NaN);
* without ``at``: each replicate's ``stat`` over the run (``mean`` over the steps
  where the output is defined, the weeks with a meetup for meetup measures;
  ``final``, ``max``, ``min``), then the mean over replicates;
* a series: the mean curve, at the observed steps (as the model reports them).

Errors are relative, each target divided by its own magnitude ``s`` (its ``scale``):

* value ``v``: ``e = (m - v) / s`` (signed; ``s = |v|`` by default);
* range ``[lo, hi]``: 0 inside, else the signed distance to the nearest end over
  ``s`` (``s = |midpoint|`` by default);
* series ``y_t``: ``e = RMSE_t(m_t - y_t) / s``, the root mean square gap over the
  observed steps (``s`` = mean of ``|y_t|``);
* a model value that is undefined (NaN: no meetup held in any replicate) counts as
  an error of 1 (as far off as the target's own size).

The distance is the weighted root mean square of the errors,
``D = sqrt(sum_i w_i e_i^2 / sum_i w_i)``: 0.05 means the model is about 5% off
its targets on average.

Examples:
    >>> import pandas as pd
    >>> from sim.calibration.targets import Target
    >>> ts = pd.DataFrame({"replicate": [0, 0, 1, 1], "step": [0, 1, 0, 1],
    ...                    "adopter": [0, 8, 0, 12]})
    >>> t = Target("adopter", "value", at=1, value=8.0, scale=8.0)
    >>> errors = target_errors(ts, [t])
    >>> errors["adopter@1"], distance(errors, [t])
    (0.25, 0.25)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from sim.calibration.targets import MEETUP_OUTPUTS, Target

__all__ = ["UNDEFINED_ERROR", "curves", "distance", "model_values", "target_errors"]

#: The error of a target whose model value is undefined (NaN).
UNDEFINED_ERROR = 1.0


def _grids(
    timeseries: pd.DataFrame, outputs: Sequence[str]
) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray | None]:
    """Step numbers, each output as a (replicates, steps) grid, and the meetup weeks."""
    reps = timeseries["replicate"].to_numpy()
    steps = timeseries["step"].to_numpy()
    rep_ids, r_index = np.unique(reps, return_inverse=True)
    step_ids, s_index = np.unique(steps, return_inverse=True)
    shape = (len(rep_ids), len(step_ids))

    def grid(column: str) -> np.ndarray:
        arr = np.full(shape, np.nan)
        arr[r_index, s_index] = timeseries[column].to_numpy(dtype=float)
        return arr

    out: dict[str, np.ndarray] = {}
    for name in dict.fromkeys(outputs):
        if name == "community_members" and name not in timeseries.columns:
            members, joins = grid("members"), grid("joins")
            # members after step 0 already count step 0's joins
            out[name] = members[:, :1] + np.cumsum(joins, axis=1) - joins[:, :1]
        else:
            out[name] = grid(name)
    held = grid("meetup_held") > 0 if "meetup_held" in timeseries.columns else None
    return step_ids.astype(np.int64), out, held


def curves(
    timeseries: pd.DataFrame, outputs: Sequence[str], *, meetups_only: bool = True
) -> dict[str, np.ndarray]:
    """Each output as a (replicates, steps + 1) array, NaN where undefined.

    Args:
        timeseries: Rows of one arm: ``replicate``, ``step`` and the outputs.
        outputs: The outputs wanted (derived ones are computed).
        meetups_only: Meetup outputs are NaN in the weeks without a meetup (when the
            series has ``meetup_held``); else as the model reports them (attendance 0).

    Returns:
        ``{output: array}``; also ``"_steps"``: the step numbers.

    Examples:
        >>> ts = pd.DataFrame({"replicate": [0, 0, 1, 1], "step": [0, 1, 0, 1],
        ...                    "members": [5, 7, 5, 6], "joins": [0, 2, 0, 1]})
        >>> curves(ts, ["community_members"])["community_members"].tolist()
        [[5.0, 7.0], [5.0, 6.0]]
    """
    steps, raw, held = _grids(timeseries, outputs)
    out: dict[str, np.ndarray] = {"_steps": steps}
    for name, arr in raw.items():
        if meetups_only and held is not None and name in MEETUP_OUTPUTS:
            arr = np.where(held, arr, np.nan)
        out[name] = arr
    return out


def _nanmean(a: np.ndarray, axis: int) -> np.ndarray:
    """Mean over ``axis`` without NaNs (NaN where all are NaN, and no warning)."""
    ok = ~np.isnan(a)
    n = ok.sum(axis=axis)
    total = np.where(ok, a, 0.0).sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, total / np.maximum(n, 1), np.nan)


def _reduce(a: np.ndarray, stat: str) -> np.ndarray:
    """Per replicate (rows): the statistic over steps, NaN-aware, warning-free."""
    if stat == "mean":
        return _nanmean(a, axis=1)
    if stat == "final":
        return a[:, -1]
    ok = ~np.isnan(a)
    fill = -np.inf if stat == "max" else np.inf
    b = np.where(ok, a, fill)
    red = b.max(axis=1) if stat == "max" else b.min(axis=1)
    return np.where(ok.any(axis=1), red, np.nan)


def _step_index(steps: np.ndarray, step: int) -> int | None:
    hit = np.flatnonzero(steps == step)
    return int(hit[0]) if hit.size else None


def model_values(timeseries: pd.DataFrame, targets: Sequence[Target]) -> dict[str, np.ndarray]:
    """The model's value of each target, per replicate.

    Args:
        timeseries: Rows of one arm and one parameter point.
        targets: The targets.

    Returns:
        ``{label: array}``: one value per replicate for aggregate targets, a
        (replicates, observed steps) array for a series (NaN where undefined or
        beyond the run).

    Examples:
        >>> ts = pd.DataFrame({"replicate": [0, 0, 1, 1], "step": [0, 1, 0, 1],
        ...                    "adopter": [0, 8, 0, 12]})
        >>> at_1 = Target("adopter", "value", at=1, value=8.0)
        >>> mean = Target("adopter", "value", stat="mean", value=5.0)
        >>> {k: v.tolist() for k, v in model_values(ts, [at_1, mean]).items()}
        {'adopter@1': [8.0, 12.0], 'adopter:mean': [4.0, 6.0]}
    """
    steps, raw, held = _grids(timeseries, [t.output for t in targets])
    out: dict[str, np.ndarray] = {}
    for t in targets:
        a = raw[t.output]
        if t.kind != "series" and t.at is None and held is not None and t.output in MEETUP_OUTPUTS:
            a = np.where(held, a, np.nan)  # a statistic over the meetups held
        if t.kind == "series":
            idx = [_step_index(steps, s) for s in t.steps]
            cols = [a[:, i] if i is not None else np.full(a.shape[0], np.nan) for i in idx]
            out[t.label] = np.stack(cols, axis=1)
        elif t.at is not None:
            i = _step_index(steps, t.at)
            out[t.label] = a[:, i] if i is not None else np.full(a.shape[0], np.nan)
        else:
            out[t.label] = _reduce(a, t.stat or "mean")
    return out


def _error(t: Target, m: np.ndarray | float) -> float:
    if t.kind == "series":
        mean = np.asarray(m, dtype=float)
        gap = mean - np.asarray(t.values)
        gap = np.where(np.isnan(gap), UNDEFINED_ERROR * t.scale, gap)
        return float(math.sqrt(float(np.mean(gap**2))) / t.scale)
    m = float(m)
    if math.isnan(m):
        return UNDEFINED_ERROR
    if t.kind == "value":
        return (m - float(t.value)) / t.scale  # type: ignore[arg-type]
    if m > t.high:  # type: ignore[operator]
        return (m - t.high) / t.scale  # type: ignore[operator]
    if m < t.low:  # type: ignore[operator]
        return (m - t.low) / t.scale  # type: ignore[operator]
    return 0.0


def target_errors(
    timeseries: pd.DataFrame,
    targets: Sequence[Target],
    values: Mapping[str, np.ndarray] | None = None,
) -> dict[str, float]:
    """The relative error of each target (see the module's description).

    Args:
        timeseries: Rows of one arm and one parameter point (``R`` replicates).
        targets: The targets.
        values: :func:`model_values` of the same rows, if already computed.

    Returns:
        ``{label: error}``: signed for value and range targets (positive: the
        model is above), a non-negative RMSE ratio for a series.

    Examples:
        The model's mean over the two replicates is 10 at step 1 and 5 over the run:

        >>> ts = pd.DataFrame({"replicate": [0, 0, 1, 1], "step": [0, 1, 0, 1],
        ...                    "adopter": [0, 8, 0, 12]})
        >>> value = Target("adopter", "value", at=1, value=8.0, scale=8.0)
        >>> band = Target("adopter", "range", stat="mean", low=2.0, high=4.0, scale=4.0)
        >>> target_errors(ts, [value, band])
        {'adopter@1': 0.25, 'adopter:mean': 0.25}
    """
    values = model_values(timeseries, targets) if values is None else values
    out = {}
    for t in targets:
        per_rep = values[t.label]
        mean = _nanmean(per_rep, axis=0)
        out[t.label] = _error(t, mean)
    return out


def distance(errors: Mapping[str, float], targets: Sequence[Target]) -> float:
    """The weighted root mean square of the errors.

    Args:
        errors: From :func:`target_errors`.
        targets: The targets (their weights).

    Returns:
        ``sqrt(sum w e^2 / sum w)``.

    Examples:
        >>> from sim.calibration.targets import Target
        >>> a = Target("x", "value", at=1, value=1.0, weight=3.0)
        >>> b = Target("y", "value", at=1, value=1.0)
        >>> round(distance({"x@1": 0.1, "y@1": -0.3}, [a, b]), 4)
        0.1732
    """
    total = sum(t.weight for t in targets)
    return math.sqrt(sum(t.weight * errors[t.label] ** 2 for t in targets) / total)
