"""The HTML report of a comparison: verdicts, tables and figures, then the run report.

The comparison section goes at the top of the ordinary run report
(:func:`sim.report.render_report`): a scoreboard (one row per arm, one coloured cell
per measure: the paired difference and its CI), the verdict lines folded per arm,
the per-arm table of every measure (mean and CI), the paired differences against the baseline, bars with CIs
per measure, cost against reach, and the time to the market share as a time to an
event (share reaching it, Kaplan–Meier median, the curve of replicates that got
there by each week). The rest (adoption curves with bands, channels, money,
community health, the run's record) follows as for ``wom run``.
:func:`write_comparison_report` rebuilds it from a results folder (``wom report``).
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from sim import plot
from sim.experiments.compare import Comparison, _ci_text, format_value, load_comparison
from sim.experiments.sweep_store import atomic_write_text
from sim.report import _img, render_report

__all__ = ["comparison_html", "render_comparison_report", "write_comparison_report"]

_STYLE = """<style>
ul.verdicts{list-style:none;padding-left:0} ul.verdicts li{padding:.3em .6em;margin:.25em 0;
border-left:4px solid #bbb;background:#fafafa} ul.verdicts li.win{border-color:#2e7d32}
ul.verdicts li.lose{border-color:#c62828} td.sig{font-weight:600}
details.arm{margin:.3em 0} details.arm summary{cursor:pointer;padding:.2em 0}
div.wide{overflow-x:auto;max-width:100%}
table.score{font-size:.88em} table.score th,table.score td{padding:.3em .45em}
table.score th{font-weight:600;font-size:.9em;vertical-align:bottom;text-align:center}
table.score th:first-child{text-align:left} table.score td{text-align:center;
white-space:nowrap;border:2px solid #fff} table.score td:first-child{text-align:left;
white-space:normal;font-weight:600} table.score small{display:block;font-size:.8em;
white-space:normal}
table.score th small{font-weight:normal;color:#666}
table.score td.win{background:#dcefdc;color:#1b5e20} table.score td.lose{background:#f8dcdc;
color:#8e1c1c} table.score td.same{background:#f0f0f0;color:#555}
.key{display:inline-block;width:.9em;height:.9em;vertical-align:-.1em;margin:0 .25em 0 .6em;
border-radius:2px} .key.win{background:#dcefdc;border:1px solid #2e7d32}
.key.lose{background:#f8dcdc;border:1px solid #c62828} .key.same{background:#f0f0f0;
border:1px solid #999}
table.diff td{white-space:nowrap} table.diff td:first-child{white-space:normal;min-width:11em}
table.diff td.ci{font-size:.85em;color:#444} table.diff td.na{text-align:left;color:#666;
white-space:normal} table.diff tr.arm th{text-align:left;background:#fff;padding-top:.8em;
border-bottom:2px solid #ccc}
</style>"""


def _diff_text(m, x: float) -> str:
    if x != x:
        return "—"
    scale = 100.0 if m.percent else 1.0
    sign = "+" if x > 0 else ("−" if x < 0 else "")
    return f"{sign}{abs(scale * x):,.{m.digits}f}"


def _outcome(d) -> str:
    """``"win"``, ``"lose"`` or ``"same"`` for a row of the differences (the arm's view)."""
    if not d["winner"]:
        return "same"
    return "win" if d["winner"] == d["arm"] else "lose"


def _unit(m) -> str:
    """The unit of a difference: shares are compared in percentage points."""
    return "points" if m.percent else m.unit


def _no_comparison(c: Comparison, m, d) -> str:
    """Why a difference is not a comparison, in a few words (``""``: it is one): too
    few replicates with a value, or a time to the market share that neither arm reached."""
    if d["n_pairs"] < 2 or d["difference"] != d["difference"]:
        return m.missing
    if m.horizon is not None and not c.survival.empty:
        reached = c.survival.set_index("arm")["reached"]
        if reached.get(d["arm"], 1) == 0 and reached.get(c.baseline, 1) == 0:
            return "neither got there"
    return ""


def _scoreboard(c: Comparison, ci: str) -> list[str]:
    """One row per non-baseline arm, one column per measure: the paired difference,
    its CI below, coloured by the verdict."""
    esc = html.escape
    by_name = {m.name: m for m in c.measures}
    head = "".join(
        f"<th>{esc(m.label)}<small>{esc(_unit(m))}, {m.better} is better</small></th>"
        for m in c.measures
    )
    rows = []
    for arm, g in c.differences.groupby("arm", sort=False):
        cells = {}
        for _, d in g.iterrows():
            m = by_name[d["measure"]]
            title = f' title="{esc(d["verdict"])}"'
            why = _no_comparison(c, m, d)
            if why:
                cells[m.name] = f'<td class="same"{title}>n/a<small>{esc(why)}</small></td>'
                continue
            ci_low, ci_high = _diff_text(m, d["ci_low"]), _diff_text(m, d["ci_high"])
            cells[m.name] = (
                f'<td class="{_outcome(d)}"{title}>{_diff_text(m, d["difference"])}'
                f"<small>{ci_low} to {ci_high}</small></td>"
            )
        row = "".join(cells.get(m.name, '<td class="same">—</td>') for m in c.measures)
        rows.append(f"<tr><td>{esc(str(arm))}</td>{row}</tr>")
    base = esc(c.baseline)
    return [
        '<div class="wide"><table class="score">',
        f"<tr><th>arm</th>{head}</tr>",
        *rows,
        "</table></div>",
        f'<p class="muted">Each cell: the paired difference arm − {base} (in the unit of its '
        f"column), below it its {ci}. "
        f'<span class="nw"><span class="key win"></span>significantly better than {base}</span> '
        '<span class="nw"><span class="key lose"></span>significantly worse</span> '
        '<span class="nw"><span class="key same"></span>no significant difference or no '
        "comparison</span>. Hover a cell for its verdict.</p>",
    ]


def _verdict_groups(c: Comparison) -> list[str]:
    """The verdict lines grouped per arm, each group folded (the first one open)."""
    esc = html.escape
    parts = []
    for i, (arm, g) in enumerate(c.differences.groupby("arm", sort=False)):
        outcomes = [_outcome(d) for _, d in g.iterrows()]
        counts = (
            f"{outcomes.count('win')} better, {outcomes.count('lose')} worse, "
            f"{outcomes.count('same')} without a significant difference"
        )
        items = []
        for (_, d), outcome in zip(g.iterrows(), outcomes, strict=True):
            cls = "" if outcome == "same" else f' class="{outcome}"'
            items.append(f"<li{cls}>{esc(d['verdict'])}</li>")
        parts += [
            f'<details class="arm"{" open" if i == 0 else ""}><summary><b>{esc(str(arm))}'
            f"</b> against {esc(c.baseline)}: {counts}</summary>",
            '<ul class="verdicts">',
            *items,
            "</ul></details>",
        ]
    return parts


def _differences_table(c: Comparison, ci: str) -> list[str]:
    """The paired differences, one group of rows per arm (a sub-header row each)."""
    esc = html.escape
    by_name = {m.name: m for m in c.measures}
    rows = []
    for arm, g in c.differences.groupby("arm", sort=False):
        rows.append(f'<tr class="arm"><th colspan="7">{esc(str(arm))}</th></tr>')
        for _, d in g.iterrows():
            m = by_name[d["measure"]]
            why = _no_comparison(c, m, d)
            if why:
                why += " in too many replicates" if why == m.missing else ""
                rows.append(
                    f"<tr><td>{esc(m.label)}</td>"
                    f'<td colspan="6" class="na">not comparable: {esc(why)} (see the verdict)'
                    "</td></tr>"
                )
                continue
            sig = "yes" if d["significant"] else "no"
            rows.append(
                f"<tr><td>{esc(m.label)}</td>"
                f"<td>{_diff_text(m, d['difference'])} {esc(_unit(m))}</td>"
                f'<td class="ci">{_diff_text(m, d["ci_low"])} to '
                f"{_diff_text(m, d['ci_high'])}</td>"
                f'<td class="ci">{_diff_text(m, d["unpaired_ci_low"])} to '
                f"{_diff_text(m, d['unpaired_ci_high'])}</td>"
                f"<td>{_p(d['p_value'])}</td>"
                f'<td class="{"sig" if d["significant"] else ""}">{sig}</td>'
                f"<td>{int(d['n_pairs'])}</td></tr>"
            )
    base = esc(c.baseline)
    return [
        '<div class="wide"><table class="diff">',
        f"<tr><th>measure</th><th>difference<br>(arm − {base})</th><th>{ci},<br>paired</th>"
        f"<th>{ci}, unpaired<br>(for reference)</th>"
        '<th class="nw">p-value</th><th>significant</th><th>pairs</th></tr>',
        *rows,
        "</table></div>",
    ]


def comparison_html(comparison: Comparison) -> str:
    """The comparison section (HTML fragment) of the report.

    Args:
        comparison: What :func:`sim.experiments.compare.compare` returned.

    Returns:
        HTML: a scoreboard (arm by measure, coloured by the verdict), the verdicts
        folded per arm, the per-arm table, the differences table and the figures.
    """
    c = comparison
    level = c.options.get("level", 0.95)
    ci = _ci_text(level)
    esc = html.escape
    base = esc(c.baseline)
    arms = c.arms
    head = "".join(f"<th>{esc(a)}</th>" for a in arms)
    rows = []
    for m in c.measures:
        cells = []
        for arm in arms:
            r = c.table[(c.table["arm"] == arm) & (c.table["measure"] == m.name)].iloc[0]
            text = format_value(m, r["mean"])
            if r["ci_low"] == r["ci_low"] and r["ci_low"] != r["ci_high"]:
                text += (
                    f'<br><span class="muted">{format_value(m, r["ci_low"])} – '
                    f"{format_value(m, r['ci_high'])}</span>"
                )
            if r["missing"]:
                text += f'<br><span class="muted">{m.missing}: {r["missing"]} of '
                text += f"{r['n'] + r['missing']}</span>"
            cells.append(f"<td>{text}</td>")
        unit = "%" if m.percent else m.unit
        rows.append(
            f"<tr><td>{esc(m.label)}<br><span class='muted'>{esc(unit)}, {m.better} is better"
            f"</span></td>{''.join(cells)}</tr>"
        )
    opts = c.options
    budget = opts.get("equal_budget")
    budget_line = (
        f" Equal budget: every arm had <b>{budget:,.0f}</b> currency units in total."
        if budget is not None
        else ""
    )
    # A restricted time has a value in every replicate: no "missing" over its bar.
    shown = c.table.copy()
    restricted = [m.name for m in c.measures if m.horizon is not None]
    shown.loc[shown["measure"].isin(restricted), "missing"] = 0
    bars = plot.measure_bars(shown, level=level)
    parts = [
        _STYLE,
        f"<h2>Comparison against “{base}”</h2>",
        f'<p class="muted">Each arm against the baseline <b>{base}</b>, replicate by '
        f"replicate (every arm drew the same random numbers in replicate r, so the "
        f"differences are paired). Significant: p below {1 - level:.2g} (the {ci} of the "
        f"difference excludes 0). Green: the arm does better than {base}; red: worse; "
        f"grey: no significant difference or no comparison possible.{budget_line}</p>",
        *_scoreboard(c, ci),
        "<h3>Verdicts, arm by arm</h3>",
        *_verdict_groups(c),
        "<h3>Every measure per arm</h3>",
        f'<div class="wide"><table><tr><th>measure</th>{head}</tr>{"".join(rows)}</table></div>',
        f'<p class="muted">Mean over replicates; below it the {ci} of the mean (Student-t). '
        "A replicate without a value (no meetup held) is left out of the mean and counted. "
        "The time to the market share counts a replicate that never got there as the "
        "horizon (a restricted mean, see the section on it below).</p>",
        f"<h3>Differences against {base}</h3>",
        *_differences_table(c, ci),
        '<p class="muted">Paired: a t interval on the per-replicate differences, the one '
        "the verdicts use. Unpaired (Welch): what the same data would give if the arms had "
        "been run with independent random numbers; it is wider when the common random "
        "numbers make the arms move together. Shares are compared in percentage points.</p>",
        _img(bars[0], "measures per arm with confidence intervals"),
    ]
    if any(m.name == "cost_per_adopter" for m in c.measures):
        parts.append(_img(plot.cost_vs_reach(c.table, level=level), "cost against reach"))
    parts += _survival_html(c, level)
    return "\n".join(parts)


def _weeks(x: float, horizon: int) -> str:
    if x != x:
        return "—"
    return f"&gt; {horizon}" if math.isinf(x) else f"{x:g}"  # HTML: beyond the horizon


def _interval(low: float, high: float, horizon: int) -> str:
    if low != low:
        return "too few replicates for an interval"
    if math.isinf(low):
        return f"&gt; {horizon}"
    return f"{_weeks(low, horizon)} – {_weeks(high, horizon)}"


def _p(p: float) -> str:
    return "—" if p != p else ("< 0.001" if p < 0.001 else f"{p:.3f}")


def _survival_html(c: Comparison, level: float) -> list[str]:
    """The time to the market share as a time to an event: table and curves."""
    s = c.survival
    m = next((m for m in c.measures if m.horizon is not None), None)
    if m is None or s.empty:
        return []
    esc = html.escape
    ci = _ci_text(level)
    unit = m.unit
    one = unit[:-1]  # "weeks" -> "week"
    horizon = int(m.horizon)
    rows = []
    for _, r in s.iterrows():
        if r["arm"] == c.baseline:
            versus = '<td colspan="3" class="na">the baseline</td>'
        else:
            versus = (
                f"<td>{int(r['earlier'])} / {int(r['later'])} / {int(r['ties'])}</td>"
                f"<td>{_p(r['sign_p_value'])}</td><td>{_p(r['mcnemar_p_value'])}</td>"
            )
        rows.append(
            f"<tr><td>{esc(str(r['arm']))}</td>"
            f"<td>{int(r['reached'])} of {int(r['replicates'])} "
            f"({100 * r['share_reached']:.0f}%)<br><span class='muted'>"
            f"{100 * r['share_ci_low']:.0f}% – {100 * r['share_ci_high']:.0f}%</span></td>"
            f"<td>{_weeks(r['median'], horizon)}<br><span class='muted'>"
            f"{_interval(r['median_ci_low'], r['median_ci_high'], horizon)}"
            f"</span></td><td>{r['restricted_mean']:.1f}</td>{versus}</tr>"
        )
    target = int(s["target"].iloc[0])
    title = m.label[:1].upper() + m.label[1:]
    return [
        f"<h3>{esc(title)}: a time to an event</h3>",
        f'<p class="muted">Some replicates may never reach {target:,} adopters within the '
        f"{horizon}-{one} horizon: their time is censored there. They are not left out "
        "(that would compare only the replicates that got there) and not silently taken "
        "as the horizon. <b>Reached</b>: replicates that got there, with the exact "
        f"(Clopper–Pearson) {ci}. <b>Median</b>: the Kaplan–Meier median {one} (every "
        "replicate is followed to the same horizon, so it is the empirical median), "
        f"with a distribution-free order-statistic {ci}; “&gt; {horizon}”: beyond the "
        f"horizon. <b>Restricted mean</b>: the mean of min(time, {horizon}), the value "
        f"in the tables and verdicts above. Against {esc(c.baseline)}: in how many "
        "replicates the arm got there first / later / tied (same week, or neither got "
        "there), the exact sign test of first against later, and McNemar's exact test "
        "of the shares reaching it.</p>",
        f"<table><tr><th>arm</th><th>reached</th><th>median ({esc(unit)})</th>"
        f"<th>restricted mean ({esc(unit)})</th><th>first / later / tied</th>"
        "<th>sign test p</th><th>McNemar p</th></tr>",
        *rows,
        "</table>",
        _img(_reach_curves(c, m), f"replicates that reached the market share by each {one}"),
    ]


def _reach_curves(c: Comparison, m):
    """Share of replicates that reached the market share by each step (one minus the
    Kaplan–Meier curve), one step line per arm, up to the horizon."""
    _, ax = plt.subplots(figsize=(7, 3.6), constrained_layout=True)
    colors = plot.arm_colors(c.arms)
    horizon = int(m.horizon)
    steps = np.arange(horizon + 1)
    for arm in c.arms:
        g = c.values[c.values["arm"] == arm]
        t = g["time_to_share"].to_numpy(float)[g["reached_share"].to_numpy(bool)]
        share = (t[None, :] <= steps[:, None]).sum(axis=1) / max(len(g), 1)
        ax.step(steps, 100 * share, where="post", color=colors[arm], lw=1.8, label=str(arm))
    ax.axhline(50, color="#999", lw=0.8, ls=":")
    ax.set_xlim(0, horizon)
    ax.set_ylim(-2, 102)
    ax.set_xlabel(m.unit[:-1])
    ax.set_ylabel("% of replicates")
    ax.set_title(f"Replicates that reached {m.label.split(' to ', 1)[-1]}, by {m.unit[:-1]}")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    return ax


def render_comparison_report(comparison: Comparison) -> str:
    """The full report: the comparison section, then the run report of every arm
    (its per-arm confidence intervals at the comparison's level).

    Args:
        comparison: What :func:`sim.experiments.compare.compare` returned.

    Returns:
        A self-contained HTML document.
    """
    level = comparison.options.get("level", 0.95)
    return render_report(comparison.results, top_html=comparison_html(comparison), level=level)


def write_comparison_report(folder, path=None) -> Path:
    """Rebuild ``report.html`` of a comparison results folder (atomically).

    Args:
        folder: A folder written by :meth:`~sim.experiments.compare.Comparison.save`.
        path: Output file; default ``<folder>/report.html``.

    Returns:
        The report's path.

    Raises:
        ValidationError: Not a comparison results folder (see
            :func:`~sim.experiments.compare.load_comparison`).
    """
    comparison = load_comparison(folder)
    path = Path(folder) / "report.html" if path is None else Path(path)
    atomic_write_text(path, render_comparison_report(comparison))
    return path
