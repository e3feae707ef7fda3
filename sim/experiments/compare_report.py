"""The HTML report of a comparison: verdicts, tables and figures, then the run report.

The comparison section goes at the top of the ordinary run report
(:func:`sim.report.render_report`): the verdict lines, the per-arm table of every
measure (mean and CI), the paired differences against the baseline, bars with CIs
per measure and cost against reach. The rest (adoption curves with bands, channels,
money, community health, the run's record) follows as for ``wom run``.
"""

from __future__ import annotations

import html

from sim import plot
from sim.experiments.compare import Comparison, format_value
from sim.report import _img, render_report

__all__ = ["comparison_html", "render_comparison_report"]

_STYLE = """<style>
ul.verdicts{list-style:none;padding-left:0} ul.verdicts li{padding:.3em .6em;margin:.25em 0;
border-left:4px solid #bbb;background:#fafafa} ul.verdicts li.win{border-color:#2e7d32}
ul.verdicts li.lose{border-color:#c62828} td.sig{font-weight:600}
table.diff td:nth-child(2){text-align:left} table.diff td{white-space:nowrap}
table.diff td.na{text-align:left;color:#666;white-space:normal}
</style>"""


def _diff_text(m, x: float) -> str:
    if x != x:
        return "—"
    scale = 100.0 if m.percent else 1.0
    sign = "+" if x > 0 else ("−" if x < 0 else "")
    return f"{sign}{abs(scale * x):,.{m.digits}f}"


def comparison_html(comparison: Comparison) -> str:
    """The comparison section (HTML fragment) of the report.

    Args:
        comparison: What :func:`sim.experiments.compare.compare` returned.

    Returns:
        HTML: verdicts, per-arm table, differences table and two figures.
    """
    c = comparison
    level = c.options.get("level", 0.95)
    ci = f"{level:.0%} CI"
    esc = html.escape
    base = esc(c.baseline)
    items = []
    for _, d in c.differences.iterrows():
        cls = ""
        if d["winner"]:
            cls = ' class="win"' if d["winner"] == d["arm"] else ' class="lose"'
        items.append(f"<li{cls}>{esc(d['verdict'])}</li>")
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
    diff_rows = []
    by_name = {m.name: m for m in c.measures}
    for _, d in c.differences.iterrows():
        m = by_name[d["measure"]]
        sig = "yes" if d["significant"] else "no"
        p = d["p_value"]
        ptxt = "—" if p != p else ("< 0.001" if p < 0.001 else f"{p:.3f}")
        unit = "points" if m.percent else m.unit
        if d["n_pairs"] < 2:
            diff_rows.append(
                f"<tr><td>{esc(d['arm'])}</td><td>{esc(m.label)}</td>"
                f'<td colspan="6" class="na">not comparable: {esc(m.missing)} in too many '
                "replicates (see the verdict)</td></tr>"
            )
            continue
        diff_rows.append(
            f"<tr><td>{esc(d['arm'])}</td><td>{esc(m.label)}</td>"
            f"<td>{_diff_text(m, d['difference'])} {esc(unit)}</td>"
            f"<td>{_diff_text(m, d['ci_low'])} to {_diff_text(m, d['ci_high'])}</td>"
            f"<td>{_diff_text(m, d['unpaired_ci_low'])} to "
            f"{_diff_text(m, d['unpaired_ci_high'])}</td>"
            f'<td>{ptxt}</td><td class="{"sig" if d["significant"] else ""}">{sig}</td>'
            f"<td>{int(d['n_pairs'])}</td></tr>"
        )
    opts = c.options
    budget = opts.get("equal_budget")
    budget_line = (
        f" Equal budget: every arm had <b>{budget:,.0f}</b> currency units in total."
        if budget is not None
        else ""
    )
    bars = plot.measure_bars(c.table, level=level)
    parts = [
        _STYLE,
        f"<h2>Comparison against “{base}”</h2>",
        f'<p class="muted">Each arm against the baseline <b>{base}</b>, replicate by '
        f"replicate (every arm drew the same random numbers in replicate r, so the "
        f"differences are paired). Significant: p below {1 - level:.2g} (the {ci} of the "
        f"difference excludes 0). Green: the arm does better than {base}; red: worse; "
        f"grey: no significant difference or no comparison possible.{budget_line}</p>",
        '<ul class="verdicts">',
        *items,
        "</ul>",
        "<h3>Every measure per arm</h3>",
        f"<table><tr><th>measure</th>{head}</tr>{''.join(rows)}</table>",
        f'<p class="muted">Mean over replicates; below it the {ci} of the mean (Student-t). '
        "A replicate without a value (the market share never reached, no meetup held) is "
        "left out of the mean and counted.</p>",
        f"<h3>Differences against {base}</h3>",
        f'<table class="diff"><tr><th>arm</th><th>measure</th><th>difference<br>(arm − {base})</th>'
        f"<th>{ci}, paired</th><th>{ci}, unpaired (for reference)</th><th>p-value</th>"
        "<th>significant</th><th>pairs</th></tr>",
        *diff_rows,
        "</table>",
        '<p class="muted">Paired: a t interval on the per-replicate differences, the one '
        "the verdicts use. Unpaired (Welch): what the same data would give if the arms had "
        "been run with independent random numbers; it is wider when the common random "
        "numbers make the arms move together. Shares are compared in percentage points.</p>",
        _img(bars[0], "measures per arm with confidence intervals"),
    ]
    if any(m.name == "cost_per_adopter" for m in c.measures):
        parts.append(_img(plot.cost_vs_reach(c.table, level=level), "cost against reach"))
    return "\n".join(parts)


def render_comparison_report(comparison: Comparison) -> str:
    """The full report: the comparison section, then the run report of every arm.

    Args:
        comparison: What :func:`sim.experiments.compare.compare` returned.

    Returns:
        A self-contained HTML document.
    """
    return render_report(comparison.results, top_html=comparison_html(comparison))
