"""The HTML report of a calibration: targets against the fitted model, profiles, ranges.

One self-contained file in the style of ``wom run``'s report (:mod:`sim.report`),
figures embedded as PNG. Sections: the fitted values with their ranges within the
Monte Carlo noise and what the targets can and cannot pin down (in words); each
target against the fitted model's band over replicates; each parameter's distance
profile; the trade-offs between parameters among the accepted trials; the search's
progress; how every number was computed.

The figures are also available on their own (:func:`target_figure`,
:func:`profile_figure`, :func:`pairs_figure`, :func:`progress_figure`), each
returning a matplotlib Figure.
"""

from __future__ import annotations

import html
import math
from typing import Any

import matplotlib.colors
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.calibration.distance import curves
from sim.calibration.search import SAMPLERS
from sim.calibration.targets import DERIVED_OUTPUTS, MEETUP_OUTPUTS, Target
from sim.calibration.uncertainty import ACCEPT_Z, profile
from sim.report import _CSS, _png

__all__ = [
    "best_so_far",
    "output_unit",
    "pairs_figure",
    "profile_figure",
    "progress_figure",
    "render_report",
    "target_figure",
]

_MODEL = "#1f77b4"
_TARGET = "#d62728"
_ACCEPTED = "#2ca02c"
_BAND = 0.9


def output_unit(output: str) -> str:
    """The unit of a model output, for an axis label.

    Args:
        output: A time-series column (or a derived output).

    Returns:
        E.g. ``"people"``, ``"share, 0-1"``, ``"currency units"``.

    Examples:
        >>> output_unit("community_members"), output_unit("newcomer_share"), output_unit("spend")
        ('people', 'share, 0-1', 'currency units')
    """
    if output.endswith(("_share", "share")) or output in ("cohesion",):
        return "share, 0-1"
    if output in ("heat", "mean_enthusiasm", "attendee_enthusiasm"):
        return "enthusiasm, 0-1"
    if output.startswith("spend") or output == "cost_per_adopter":
        return "currency units"
    if output.startswith("meetup"):
        return "meetups"
    if "chain_depth" in output:
        return "referral steps"
    if output in ("talks", "invitations", "outward_posts", "vendor_contacts"):
        return "count"
    return "people"


def best_so_far(distances: Any) -> np.ndarray:
    """The running minimum of trial distances (failed trials, NaN, are skipped).

    Args:
        distances: Distances in trial order.

    Returns:
        The best distance after each trial (inf before the first success).

    Examples:
        >>> best_so_far([3.0, float("nan"), 1.0, 2.0]).tolist()
        [3.0, 3.0, 1.0, 1.0]
    """
    d = np.asarray(distances, dtype=float)
    return np.fmin.accumulate(np.where(np.isnan(d), np.inf, d)) if d.size else d


def _num(x: Any, digits: int = 4) -> str:
    try:
        x = float(x)
    except (TypeError, ValueError):
        return html.escape(str(x))
    if x != x:
        return "—"
    if x != 0 and (abs(x) >= 1e5 or abs(x) < 1e-3):
        return f"{x:.{digits - 1}e}"
    return f"{x:,.{digits}g}" if abs(x) < 1000 else f"{x:,.0f}"


def _step_label(result: Any) -> str:
    sc = result.manifest["identity"]["scenario"]
    return "week" if (sc.get("model") or {}).get("name") == "wom" else "step"


def _percentiles(a: np.ndarray, band: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean, low and high percentile per column, ignoring NaN, without warnings."""
    lo_q, hi_q = 100 * (1 - band) / 2, 100 * (1 + band) / 2
    mean = np.full(a.shape[1], np.nan)
    lo = np.full(a.shape[1], np.nan)
    hi = np.full(a.shape[1], np.nan)
    for j in range(a.shape[1]):
        col = a[:, j][~np.isnan(a[:, j])]
        if col.size:
            mean[j] = col.mean()
            lo[j], hi[j] = np.percentile(col, [lo_q, hi_q])
    return mean, lo, hi


def target_figure(
    fit_timeseries: pd.DataFrame, targets: list[Target], *, step_label: str = "step"
) -> plt.Figure:
    """Each targeted output: the fitted model's band over replicates and the targets.

    Args:
        fit_timeseries: The best point's replicates (``replicate``, ``step``, outputs).
        targets: The targets.
        step_label: Name of a step on the x axis (``week`` for ``wom``).

    Returns:
        A Figure with one panel per output.
    """
    outputs = list(dict.fromkeys(t.output for t in targets))
    arrays = curves(fit_timeseries, outputs)
    steps = arrays["_steps"]
    n = len(outputs)
    ncols = min(n, 2)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.4 * ncols, 3.6 * nrows), squeeze=False)
    for k, output in enumerate(outputs):
        ax = axes[k // ncols][k % ncols]
        a = arrays[output]
        mean, lo, hi = _percentiles(a, _BAND)
        meetup = output in MEETUP_OUTPUTS and np.isnan(a).any()
        if meetup:  # one value per meetup: points, not a curve
            ok = ~np.isnan(mean)
            ax.errorbar(
                steps[ok], mean[ok], yerr=[mean[ok] - lo[ok], hi[ok] - mean[ok]], fmt="o",
                ms=3, color=_MODEL, alpha=0.6, elinewidth=0.8, label="fitted model (per meetup)",
            )  # fmt: skip
        else:
            ax.fill_between(steps, lo, hi, color=_MODEL, alpha=0.2, lw=0)
            ax.plot(steps, mean, color=_MODEL, lw=1.8, label="fitted model (mean)")
        for t in (t for t in targets if t.output == output):
            if t.kind == "series":
                ax.plot(t.steps, t.values, "o", color=_TARGET, ms=4, label="observed")
            elif t.at is not None:
                if t.kind == "value":
                    ax.plot([t.at], [t.value], "X", color=_TARGET, ms=11, label=f"target @ {t.at}")
                else:
                    ax.errorbar(
                        [t.at], [(t.low + t.high) / 2], yerr=[[(t.high - t.low) / 2]] * 2,
                        fmt="none", ecolor=_TARGET, elinewidth=3, capsize=6,
                        label=f"target range @ {t.at}",
                    )  # fmt: skip
            else:
                what = f"target ({t.stat}{' over meetups' if meetup else ''})"
                if t.kind == "range":
                    ax.axhspan(t.low, t.high, color=_TARGET, alpha=0.12, label=what)
                else:
                    ax.axhline(t.value, color=_TARGET, ls="--", lw=1.2, label=what)
        derived = " (derived)" if output in DERIVED_OUTPUTS else ""
        ax.set_title(output + derived, fontsize=10)
        ax.set_xlabel(step_label)
        ax.set_ylabel(output_unit(output))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="best")
    for k in range(n, nrows * ncols):
        axes[k // ncols][k % ncols].set_visible(False)
    fig.tight_layout()
    return fig


def profile_figure(result: Any) -> plt.Figure:
    """Distance against each parameter: every trial, the accepted ones, the envelope.

    Args:
        result: A :class:`~sim.calibration.run.CalibrationResult`.

    Returns:
        A Figure with one panel per fitted parameter.
    """
    trials = result.trials
    done = trials[trials["state"] == "complete"]
    u = result.uncertainty
    n = len(result.space)
    ncols = min(n, 3)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.4 * ncols, 3.4 * nrows), squeeze=False)
    d = done["distance"].to_numpy(float)
    logy = d.size and d.min() > 0 and d.max() / d.min() > 30
    for k, p in enumerate(result.space):
        ax = axes[k // ncols][k % ncols]
        acc = done["accepted"].to_numpy(bool) if "accepted" in done else d <= u.threshold
        x = done[p.key].to_numpy(float)
        ax.scatter(x[~acc], d[~acc], s=10, color="0.6", alpha=0.6, label="trial")
        ax.scatter(x[acc], d[acc], s=16, color=_ACCEPTED, label="within the noise")
        env = profile(trials, p)
        ax.plot(env["value"], env["distance"], color="k", lw=1.2, label="lower envelope")
        ax.axhline(u.threshold, color=_ACCEPTED, ls=":", lw=1.2)
        lo, hi = u.ranges[p.key]
        ax.axvspan(lo, hi, color=_ACCEPTED, alpha=0.1)
        ax.axvline(result.best[p.key], color=_TARGET, lw=1.2, label="best")
        ax.set_xlim(p.low, p.high)
        if p.log:
            ax.set_xscale("log")
        if logy:
            ax.set_yscale("log")
        ax.set_xlabel(p.key)
        ax.set_ylabel("distance")
        ax.grid(alpha=0.3)
        if k == 0:
            ax.legend(fontsize=7)
    for k in range(n, nrows * ncols):
        axes[k // ncols][k % ncols].set_visible(False)
    fig.tight_layout()
    return fig


def pairs_figure(result: Any) -> plt.Figure | None:
    """Each pair of parameters: all trials, and the accepted ones (trade-offs show here).

    Args:
        result: A :class:`~sim.calibration.run.CalibrationResult`.

    Returns:
        A Figure (up to 6 pairs), or ``None`` with one parameter.
    """
    keys = [p.key for p in result.space]
    pairs = [(a, b) for i, a in enumerate(keys) for b in keys[i + 1 :]][:6]
    if not pairs:
        return None
    space = {p.key: p for p in result.space}
    done = result.trials[result.trials["state"] == "complete"]
    acc = done[done["accepted"]] if "accepted" in done else done
    ncols = min(len(pairs), 3)
    nrows = math.ceil(len(pairs) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.2 * ncols, 3.6 * nrows), squeeze=False)
    for k, (a, b) in enumerate(pairs):
        ax = axes[k // ncols][k % ncols]
        sc = ax.scatter(
            done[a], done[b], c=done["distance"], s=9, cmap="viridis", alpha=0.6,
            norm=matplotlib.colors.LogNorm() if (done["distance"] > 0).all() else None,
        )  # fmt: skip
        ax.scatter(acc[a], acc[b], s=34, facecolors="none", edgecolors="k", lw=1.1)
        ax.plot([result.best[a]], [result.best[b]], "*", color=_TARGET, ms=13)
        rho = result.uncertainty.correlations.get((a, b))
        if rho is not None:
            ax.set_title(f"accepted: Spearman rho = {rho:+.2f}", fontsize=9)
        for axis, key in ((ax.set_xscale, a), (ax.set_yscale, b)):
            if space[key].log:
                axis("log")
        ax.set_xlim(space[a].low, space[a].high)
        ax.set_ylim(space[b].low, space[b].high)
        ax.set_xlabel(a)
        ax.set_ylabel(b)
        fig.colorbar(sc, ax=ax, label="distance")
    for k in range(len(pairs), nrows * ncols):
        axes[k // ncols][k % ncols].set_visible(False)
    fig.tight_layout()
    return fig


def progress_figure(result: Any) -> plt.Figure:
    """Each trial's distance and the best so far, by trial number.

    Args:
        result: A :class:`~sim.calibration.run.CalibrationResult`.

    Returns:
        The Figure.
    """
    t = result.trials
    fig, ax = plt.subplots(figsize=(7, 3.2))
    d = t["distance"].to_numpy(float)
    ax.scatter(t["trial"], d, s=8, color="0.55", label="trial")
    ax.step(t["trial"], best_so_far(d), where="post", color=_MODEL, lw=1.6, label="best so far")
    ax.axhline(result.uncertainty.threshold, color=_ACCEPTED, ls=":", label="acceptance")
    ok = d[~np.isnan(d)]
    if ok.size and ok.min() > 0 and ok.max() / ok.min() > 30:
        ax.set_yscale("log")
    ax.set_xlabel("trial")
    ax.set_ylabel("distance")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def _img(fig: plt.Figure, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{_png(fig.axes[0])}">'


def _params_table(result: Any) -> str:
    u = result.uncertainty
    before = result.manifest.get("results", {}).get("before") or {}
    rows = []
    for p in result.space:
        lo, hi = u.ranges[p.key]
        rows.append(
            f"<tr><td><code>{html.escape(p.key)}</code></td>"
            f"<td><b>{_num(result.best[p.key])}</b></td>"
            f"<td>{_num(lo)} – {_num(hi)}</td><td>{u.coverage[p.key]:.0%}</td>"
            f"<td>{html.escape(p.describe())}</td><td>{_num(before.get(p.key))}</td></tr>"
        )
    return (
        "<table><tr><th>key</th><th>best</th><th>range within the noise</th>"
        "<th>share of bounds</th><th>bounds</th><th>scenario's value</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def _targets_table(result: Any) -> str:
    from sim.calibration.distance import model_values

    best = result.trials.loc[result.trials["trial"] == result.best_trial].iloc[0]
    values = model_values(result.fit_timeseries, result.targets)
    rows = []
    for t in result.targets:
        err = best.get(f"error.{t.label}", float("nan"))
        if t.kind == "series":
            model = "curve (see the figure)"
            shown_err = f"RMSE {100 * err:.1f}% of the curve's mean"
        else:
            per_rep = values[t.label]
            ok = per_rep[~np.isnan(per_rep)]
            if ok.size:
                lo, hi = np.percentile(ok, [100 * (1 - _BAND) / 2, 100 * (1 + _BAND) / 2])
                model = (
                    f"<b>{_num(ok.mean())}</b> <span class='muted'>({_num(lo)} – {_num(hi)})</span>"
                )
            else:
                model = "undefined"
            shown_err = f"{100 * err:+.1f}%"
        rows.append(
            f"<tr><td><code>{html.escape(t.label)}</code></td><td>{html.escape(t.describe())}</td>"
            f"<td>{model}</td><td>{shown_err}</td><td>{_num(t.weight)}</td></tr>"
        )
    return (
        "<table><tr><th>target</th><th>observed</th><th>fitted model: mean (90% of replicates)"
        "</th><th>error</th><th>weight</th></tr>" + "".join(rows) + "</table>"
    )


def render_report(result: Any) -> str:
    """The report as an HTML string.

    Args:
        result: A :class:`~sim.calibration.run.CalibrationResult`.

    Returns:
        The HTML document.
    """
    m = result.manifest
    ident = m["identity"]
    u = result.uncertainty
    name = m.get("name") or "calibration"
    sc = ident["scenario"]
    desc = sc.get("description", "")
    trials = result.trials
    failed = int((trials["state"] != "complete").sum())
    step_label = _step_label(result)
    arm = f", arm <b>{html.escape(str(ident['arm']))}</b>" if ident.get("arm") else ""
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in u.notes)
    pairs = pairs_figure(result)
    pairs_html = ""
    if pairs is not None:
        pairs_html = (
            "<h2>Trade-offs between parameters</h2>"
            + _img(pairs, "pairs of parameters")
            + "<p class='muted'>Dots: every trial, coloured by distance (darker is closer). "
            "Black circles: the accepted trials (within the noise of the best); star: the best. "
            "Accepted trials along a diagonal mean the targets fix a combination of the two "
            "parameters, not each one.</p>"
        )
    noise_list = ", ".join(f"{d:.4g}" for d in u.noise_distances)
    versions = ", ".join(f"{k} {v}" for k, v in (m.get("versions") or {}).items())
    fail_text = f" ({failed} failed: see the <code>message</code> column)" if failed else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(name)} — wom calibration</title>
<style>{_CSS}</style></head><body>
<h1>{html.escape(name)}: calibration</h1>
<p>{html.escape(desc)}</p>
<p class="muted">{len(trials):,} trials{fail_text} × {ident["replicates"]} replicates{arm};
master seed <b>{ident["seed"]}</b>, the same random streams for every trial (common random
numbers); sampler <b>{html.escape(ident["sampler"])}</b> ({html.escape(SAMPLERS[ident["sampler"]])}),
batches of {ident["batch"]}. Best distance <b>{_num(u.best_distance)}</b> (trial
{result.best_trial}); Monte Carlo noise {_num(u.noise)}; {u.n_accepted} trial(s) within the
noise of the best.</p>
<h2>Fitted values</h2>
{_params_table(result)}
<ul>{notes}</ul>
<p class="muted">The best values are written into <code>best.toml</code> (run it with
<code>wom run best.toml</code>: same seed and replicates, so it reproduces the band below).
Range within the noise: the lowest and highest value among the trials whose distance is at
most the best + {ACCEPT_Z:g} × noise = {_num(u.threshold)}.</p>
<h2>Targets against the fitted model</h2>
{_targets_table(result)}
{_img(target_figure(result.fit_timeseries, result.targets, step_label=step_label), "targets")}
<p class="muted">Blue: the fitted model, mean and central {_BAND:.0%} of its
{ident["replicates"]} replicates (meetup measures: one point per meetup). Red: the targets.</p>
<h2>Distance profiles</h2>
{_img(profile_figure(result), "profiles")}
<p class="muted">Each dot is a trial; green: within the noise of the best (dotted line:
the acceptance threshold; shaded: the range). Black: the lower envelope, the smallest
distance found in each slice of the parameter's bounds. A flat envelope over a wide
stretch means the targets do not pin the parameter down.</p>
{pairs_html}
<h2>Search</h2>
{_img(progress_figure(result), "search progress")}
<h2>How it was computed</h2>
<p class="muted"><b>Distance.</b> Each target's error is relative to its own magnitude: a
value <i>v</i>: (model − <i>v</i>) / |<i>v</i>|; a range: 0 inside, else the gap to the
nearest end over |midpoint|; a curve: the root mean square gap over the observed steps, over
the curve's mean. The model's value is the mean over replicates. The distance is the weighted
root mean square of the errors: 0.05 means about 5% off on average.<br>
<b>Noise.</b> The best point was run again on {len(u.noise_distances) - 1} fresh sets of random
streams; its distances were {noise_list}; their standard deviation is the noise,
{_num(u.noise)}.<br>
<b>Ranges (ABC-style).</b> Trials with distance ≤ best + {ACCEPT_Z:g} × noise are accepted: the
targets cannot tell them from the best, as in rejection ABC with a tolerance at the
simulator's own noise. A parameter's range is the minimum to maximum of its accepted values.
It is approximate: it depends on where the optimiser looked.</p>
<h2>Calibration</h2>
<p class="muted">Folder: <code>{html.escape(str(result.path))}</code><br>
Command: <code>{html.escape(str(m.get("command") or ""))}</code><br>
Created {html.escape(str(m.get("created")))}; {html.escape(versions)}</p>
</body></html>
"""
