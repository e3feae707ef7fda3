"""Figures of a sweep analysis (matplotlib): tornado, effect lines, heatmap.

Each function takes a :class:`~sim.experiments.analyze.SweepAnalysis` and returns
the matplotlib Figure; arms keep the colours of :func:`sim.plot.arm_colors`, axes
carry the parameter's key and unit, and outputs their unit.
"""

from __future__ import annotations

import math
import types
import typing
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.experiments.analyze import (
    SweepAnalysis,
    bin_table,
    hashable,
    marginal_bins,
    output_label,
)
from sim.plot import arm_colors

__all__ = ["effect_lines", "heatmap", "parameter_label", "parameter_unit", "tornado"]

_MAX_PANELS = 4
_INDEX_TEXT = {
    "S1": "first order S1",
    "ST": "total order ST",
    "mu_star": "mu* (mean |elementary effect|)",
    "eta2": "eta2 (first-order share of variance)",
}


def _section_class(scenario: dict[str, Any], section: str) -> Any:
    from pydantic import BaseModel

    from sim.scenario.schema import (
        GENERATOR_TYPES,
        MODEL_TYPES,
        DatasetNetwork,
        FileNetwork,
        Scenario,
    )

    data = scenario.get(section) or {}
    if section == "model":
        return MODEL_TYPES.get(data.get("name"))
    if section == "network":
        if "generator" in data:
            return GENERATOR_TYPES.get(data["generator"])
        return DatasetNetwork if "dataset" in data else FileNetwork if "file" in data else None
    field = Scenario.model_fields.get(section)
    if field is None:
        return None
    candidates = [field.annotation]
    while candidates:
        tp = candidates.pop()
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return tp
        if typing.get_origin(tp) in (typing.Union, types.UnionType, typing.Annotated):
            candidates += list(typing.get_args(tp))
    return None


def parameter_unit(key: str, scenario: dict[str, Any]) -> str:
    """The unit of a swept key, from the scenario schema.

    A field may declare ``json_schema_extra={"unit": ...}``; otherwise: ``steps``
    for horizons, ``0-1`` for a number bounded by 0 and 1, ``count`` for an integer.

    Args:
        key: The dotted key.
        scenario: The resolved base scenario (for the model and network in use).

    Returns:
        The unit, or ``""`` if unknown.

    Examples:
        >>> sc = {"model": {"name": "ic", "p": 0.1}, "seeding": {"k": 3}}
        >>> parameter_unit("model.p", sc), parameter_unit("seeding.k", sc)
        ('0-1', 'count')
    """
    from sim.scenario import parse_overrides
    from sim.scenario.schema import Scenario

    try:
        path = [p for p in parse_overrides({key: 0})[0][0]]
    except Exception:
        return ""
    if len(path) > 2 and path[0] == "arms" and path[1].isdigit():
        path = path[2:]
    if path[-1] == "steps":
        return "steps"
    if len(path) == 1:
        field = Scenario.model_fields.get(path[0])
    else:
        cls = _section_class(scenario, path[0])
        field = cls.model_fields.get(path[1]) if cls is not None else None
    if field is None:
        return ""
    extra = field.json_schema_extra
    if isinstance(extra, dict) and "unit" in extra:
        return str(extra["unit"])
    lo = hi = None
    for m in field.metadata:
        lo = getattr(m, "ge", getattr(m, "gt", lo))
        hi = getattr(m, "le", getattr(m, "lt", hi))
    text = repr(field.annotation)
    for meta in _nested_metadata(field.annotation):
        lo = getattr(meta, "ge", getattr(meta, "gt", lo))
        hi = getattr(meta, "le", getattr(meta, "lt", hi))
    if lo == 0 and hi == 1:
        return "0-1"
    if "int" in text and "float" not in text:
        return "count"
    return ""


def _nested_metadata(tp: Any) -> list[Any]:
    from pydantic.fields import FieldInfo

    out = []
    stack = [tp]
    while stack:
        t = stack.pop()
        if typing.get_origin(t) is typing.Annotated:
            _, *meta = typing.get_args(t)
            for m in meta:
                out += list(m.metadata) if isinstance(m, FieldInfo) else [m]
        if typing.get_origin(t) in (typing.Union, types.UnionType, typing.Annotated):
            stack += [a for a in typing.get_args(t) if a is not type(None)]
    return out


def parameter_label(key: str, scenario: dict[str, Any]) -> str:
    """A swept key with its unit, for an axis.

    Args:
        key: The dotted key.
        scenario: The resolved base scenario.

    Returns:
        ``"model.p (0-1)"``, ``"seeding.k (count)"`` or the key alone.
    """
    unit = parameter_unit(key, scenario)
    return f"{key} ({unit})" if unit else key


def _mean_label(output: str) -> str:
    """Axis label of an output averaged over replicates ("mean heat", not "mean mean heat")."""
    label = output_label(output)
    return label if label.startswith("mean ") else f"mean {label}"


def _arms(analysis: SweepAnalysis) -> list[str]:
    present = set(analysis.runs["arm"].astype(str))
    return [a for a in analysis.arms if a in present]


def _ci(values: np.ndarray, conf: float) -> tuple[float, float, float]:
    from scipy.stats import t

    values = values[np.isfinite(values)]
    n = len(values)
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(values.mean())
    if n < 2:
        return mean, mean, mean
    half = float(t.ppf(0.5 + conf / 2, n - 1) * values.std(ddof=1) / math.sqrt(n))
    return mean, mean - half, mean + half


def tornado(analysis: SweepAnalysis, output: str) -> plt.Figure:
    """Sensitivity of ``output`` to each parameter, most influential on top; one panel per arm.

    Sobol: total-order (light) and first-order (dark) bars with confidence intervals;
    Morris: mu* bars with intervals and sigma as diamonds; marginal: the range of the
    mean output over each parameter's values, around the overall mean.

    Args:
        analysis: The analysis.
        output: One of its outputs.

    Returns:
        The figure.
    """
    arms = _arms(analysis)[:_MAX_PANELS]
    order = analysis.ranking(output)[::-1]  # matplotlib draws bottom-up
    colors = arm_colors(analysis.arms)
    height = 1.2 + 0.45 * len(order)
    fig, axes = plt.subplots(
        1,
        len(arms),
        figsize=(3.6 * len(arms) + 1.6, height),
        sharey=True,
        squeeze=False,
        constrained_layout=True,
    )
    ys = np.arange(len(order))
    idx = analysis.indices[analysis.indices["output"] == output]
    for ax, arm in zip(axes[0], arms, strict=False):
        rows = idx[idx["arm"] == arm].set_index(["parameter", "index"])

        def get(key, index, col="value", rows=rows):
            try:
                return float(rows.loc[(key, index), col])
            except KeyError:
                return float("nan")

        color = colors[arm]
        if analysis.method in ("sobol", "morris"):
            # (index, alpha, offset): total order above, first order below, each with its CI
            if analysis.method == "sobol":
                bars = [("ST", 0.45, 0.19), ("S1", 1.0, -0.19)]
            else:
                bars = [("mu_star", 0.85, 0.0)]
            h = 0.36 if analysis.method == "sobol" else 0.6
            for index, alpha, offset in bars:
                vals = np.array([get(k, index) for k in order])
                lo = np.array([get(k, index, "ci_low") for k in order])
                hi = np.array([get(k, index, "ci_high") for k in order])
                ax.barh(ys + offset, vals, height=h, color=color, alpha=alpha)
                ax.barh([], [], color=color, alpha=alpha, label=_INDEX_TEXT[index])
                err = np.vstack([np.clip(vals - lo, 0, None), np.clip(hi - vals, 0, None)])
                ax.errorbar(
                    vals,
                    ys + offset,
                    xerr=err,
                    fmt="none",
                    ecolor="#333",
                    capsize=3,
                    lw=1,
                    label=f"{analysis.conf_level:.0%} CI" if index != "ST" else None,
                )
            if analysis.method == "morris":
                sig = np.array([get(k, "sigma") for k in order])
                ax.plot(sig, ys, "D", color="#333", ms=5, label="sigma (spread of effects)")
            ax.axvline(0, color="#999", lw=0.8)
            unit = output_label(output)
            ax.set_xlabel(
                "Sobol index (share of output variance)"
                if analysis.method == "sobol"
                else f"effect on {unit} over the full range"
            )
        else:
            sub = analysis.runs[analysis.runs["arm"] == arm]
            overall = float(sub[output].mean())
            lows, highs = [], []
            for key in order:
                param = next(p for p in analysis.parameters if p.key == key)
                groups = marginal_bins(sub[key], param).astype(str)
                means = sub[output].astype(float).groupby(groups.to_numpy()).mean()
                lows.append(float(means.min()))
                highs.append(float(means.max()))
            lows_a, highs_a = np.array(lows), np.array(highs)
            ax.barh(ys, highs_a - overall, left=overall, color=color, alpha=0.9,
                    label="highest mean over the values")  # fmt: skip
            ax.barh(ys, lows_a - overall, left=overall, color=color, alpha=0.45,
                    label="lowest mean over the values")  # fmt: skip
            ax.axvline(overall, color="#333", lw=1, label=f"overall mean ({overall:,.1f})")
            ax.set_xlabel(_mean_label(output))
        ax.set_title(str(arm), fontsize=10)
        ax.grid(axis="x", alpha=0.3)
    axes[0][0].set_yticks(ys, order)
    axes[0][0].set_ylabel("parameter")
    axes[0][-1].legend(frameon=False, fontsize=8, loc="lower right")
    what = {"sobol": "Sobol indices", "morris": "Morris screening", "marginal": "output swing"}
    ci = f" ({analysis.conf_level:.0%} CI)" if analysis.method != "marginal" else ""
    fig.suptitle(f"Sensitivity of {output_label(output)}: {what[analysis.method]}{ci}", fontsize=11)
    return fig


def effect_lines(analysis: SweepAnalysis, output: str, keys: list[str] | None = None) -> plt.Figure:
    """Mean ``output`` against each parameter with a confidence band; one line per arm.

    At each value of the parameter (or bin, for a sampled range), the mean over every
    run there (other parameters and replicates vary) and its confidence interval
    (Student t).

    Args:
        analysis: The analysis.
        output: One of its outputs.
        keys: Parameters to draw (default: up to six, most influential first).

    Returns:
        The figure.
    """
    keys = (keys or analysis.ranking(output))[:6]
    arms = _arms(analysis)
    colors = arm_colors(analysis.arms)
    ncols = min(3, len(keys))
    nrows = math.ceil(len(keys) / ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(4.2 * ncols, 3.3 * nrows), squeeze=False, constrained_layout=True
    )
    scenario = analysis.manifest["design"]["scenario"]
    for ax, key in zip(axes.flat, keys, strict=False):
        param = next(p for p in analysis.parameters if p.key == key)
        categorical = not param.is_range
        for arm in arms:
            sub = analysis.runs[analysis.runs["arm"] == arm]
            groups = marginal_bins(sub[key], param)
            y = sub[output].to_numpy(dtype=float)
            g = groups.to_numpy()
            if categorical:
                order = [hashable(v) for v in param.values]
            else:
                order = sorted(pd.unique(groups))
            stats = []
            for value in order:
                mask = np.array([x == value for x in g], dtype=bool)
                if mask.any():
                    stats.append((value, *_ci(y[mask], analysis.conf_level)))
            if not stats:
                continue
            xs = np.arange(len(stats)) if categorical else np.array([s[0] for s in stats], float)
            mean = np.array([s[1] for s in stats])
            lo = np.array([s[2] for s in stats])
            hi = np.array([s[3] for s in stats])
            if categorical:
                ax.errorbar(xs, mean, yerr=[mean - lo, hi - mean], fmt="o-", color=colors[arm],
                            capsize=4, label=str(arm))  # fmt: skip
                ax.set_xticks(xs, [str(s[0]) for s in stats])
            else:
                ax.plot(xs, mean, "-", color=colors[arm], lw=2, label=str(arm))
                ax.fill_between(xs, lo, hi, color=colors[arm], alpha=0.2, lw=0)
        ax.set_xlabel(parameter_label(key, scenario))
        ax.set_ylabel(_mean_label(output))
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(keys) :]:
        ax.set_visible(False)
    axes.flat[0].legend(frameon=False, fontsize=8, title=f"arm (band: {analysis.conf_level:.0%} CI)",
                        title_fontsize=8)  # fmt: skip
    fig.suptitle(f"{output_label(output).capitalize()} against each parameter", fontsize=11)
    return fig


def _axis(values: pd.Series, param: Any) -> tuple[pd.Series, list[Any], list[str]]:
    """Groups of a heatmap axis, the levels in order and their tick labels."""
    groups = marginal_bins(values, param, max_bins=8)
    if param.is_range and values.nunique(dropna=False) > 8:
        table = bin_table(param, 8)
        return groups, [c for c, _ in table], [label for _, label in table]
    if param.is_range:
        levels = sorted(pd.unique(groups))
    else:
        present = set(groups)
        levels = [hashable(v) for v in param.values if hashable(v) in present]
    return groups, levels, [f"{v:.3g}" if isinstance(v, float) else str(v) for v in levels]


def heatmap(analysis: SweepAnalysis, output: str, x_key: str, y_key: str) -> plt.Figure:
    """Mean ``output`` over two parameters (other parameters and replicates averaged).

    Sampled ranges are cut into up to 8 bins of about equal size; each cell shows the
    mean of the runs whose values fall in it (blank: no run). One panel per arm,
    sharing the colour scale.

    Args:
        analysis: The analysis.
        output: One of its outputs.
        x_key: Parameter on the horizontal axis.
        y_key: Parameter on the vertical axis.

    Returns:
        The figure.
    """
    arms = _arms(analysis)[:_MAX_PANELS]
    params = {p.key: p for p in analysis.parameters}
    runs = analysis.runs
    gx, xl, x_ticks = _axis(runs[x_key], params[x_key])
    gy, yl, y_ticks = _axis(runs[y_key], params[y_key])
    grids = []
    for arm in arms:
        mask = (runs["arm"] == arm).to_numpy()
        table = (
            runs.loc[mask, output]
            .astype(float)
            .groupby([gy.to_numpy()[mask], gx.to_numpy()[mask]])
            .mean()
            .unstack()
        )
        grids.append(table.reindex(index=yl, columns=xl).to_numpy(dtype=float))
    finite = np.concatenate([g[np.isfinite(g)] for g in grids]) if grids else np.array([])
    vmin = float(finite.min()) if finite.size else 0.0
    vmax = float(finite.max()) if finite.size else 1.0
    fig, axes = plt.subplots(
        1, len(arms), figsize=(4.4 * len(arms) + 1.4, 4.0), squeeze=False, constrained_layout=True
    )
    scenario = analysis.manifest["design"]["scenario"]
    image = None
    for ax, arm, grid in zip(axes[0], arms, grids, strict=False):
        image = ax.imshow(grid, origin="lower", aspect="auto", cmap="viridis", vmin=vmin,
                          vmax=vmax if vmax > vmin else vmin + 1)  # fmt: skip
        slanted = len(xl) > 4
        ax.set_xticks(
            range(len(xl)),
            x_ticks,
            rotation=40 if slanted else 0,
            ha="right" if slanted else "center",
        )
        ax.set_yticks(range(len(yl)), y_ticks)
        if grid.size <= 100:
            mid = (vmin + vmax) / 2
            for (i, j), v in np.ndenumerate(grid):
                if np.isfinite(v):
                    ax.text(j, i, f"{v:,.0f}" if abs(v) >= 10 else f"{v:.2g}", ha="center",
                            va="center", fontsize=7, color="white" if v < mid else "black")  # fmt: skip
        ax.set_xlabel(parameter_label(x_key, scenario))
        ax.set_title(str(arm), fontsize=10)
    axes[0][0].set_ylabel(parameter_label(y_key, scenario))
    if image is not None:
        bar = fig.colorbar(image, ax=list(axes[0]), shrink=0.9)
        bar.set_label(_mean_label(output))
    fig.suptitle(f"Mean {output_label(output)} over {x_key} and {y_key}", fontsize=11)
    return fig
