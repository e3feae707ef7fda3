"""A self-contained HTML report of a results folder, readable without Python.

Figures are embedded as base64 PNG, so the single ``report.html`` file can be mailed
or opened anywhere. Runs of the marketing model (``wom``) get the marketing
measures too: customers by channel per arm, word-of-mouth share, chain depth, spend
and cost per customer, community health (members, attendance, newcomer share, heat).
"""

from __future__ import annotations

import base64
import html
import io
import os
from pathlib import Path

import matplotlib.pyplot as plt

from sim import plot
from sim.experiments.compare import _ci_text
from sim.experiments.sweep_store import atomic_write_text
from sim.experiments.tables import arm_table
from sim.results import Results, load_results

__all__ = ["render_report", "write_report"]

_CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:980px;margin:2em auto;
color:#222;line-height:1.45;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em} h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em} th,td{padding:.35em .7em;
border-bottom:1px solid #e4e4e4;text-align:right} th{background:#f5f5f5} td:first-child,th:first-child
{text-align:left} .muted{color:#666;font-size:.9em} img{max-width:100%} pre{background:#f7f7f7;
padding:.8em;overflow:auto;font-size:.85em}
.sw{display:inline-block;width:.75em;height:.75em;margin-right:.3em;border-radius:2px;
vertical-align:baseline} .nw{white-space:nowrap}
"""


def _png(ax) -> str:
    fig = ax.figure
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _fmt(x, digits=1) -> str:
    try:
        return f"{x:,.{digits}f}"
    except (TypeError, ValueError):
        return html.escape(str(x))


def _networks_html(meta: dict) -> str:
    nets = meta.get("networks") or {}
    seen = {}
    for arm, d in nets.items():
        key = (d.get("name"), d.get("nodes"), d.get("edges"), d.get("directed"))
        seen.setdefault(key, []).append(arm)
    if not seen:
        return ""
    parts = []
    for (name, nodes, edges, directed), arms in seen.items():
        kind = "directed" if directed else "undirected"
        who = "" if len(seen) == 1 else f" (arms: {html.escape(', '.join(arms))})"
        parts.append(
            f"<b>{html.escape(str(name or 'network'))}</b>: {nodes:,} people, "
            f"{edges:,} {kind} ties{who}"
        )
    return '<p class="muted">Network: ' + "; ".join(parts) + "</p>"


def _is_wom(results: Results) -> bool:
    return "adopted_by_first_pin" in results.summary.columns


def _img(ax, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{_png(ax)}">'


def _means(summary, columns: list[str]):
    present = [c for c in columns if c in summary]
    return summary.groupby("arm", sort=False, observed=True)[present].mean(numeric_only=True)


def _budgets(results: Results) -> dict:
    """Each arm's ``budget.total`` (``None``: unlimited), from the resolved scenario."""
    sc = results.scenario
    if sc is None:
        return {}
    out = {}
    for name, arm in sc.arm_scenarios():
        budget = getattr(arm, "budget", None)
        out[name] = getattr(budget, "total", None)
    return out


def _last_spending_week(ts) -> dict:
    """Per arm: the median over replicates of the last week in which money was spent."""
    keys = ["arm", "replicate"]
    grew = ts[ts.groupby(keys, observed=True)["spend"].diff() > 0]
    last = grew.groupby(keys, observed=True)["step"].max()
    return last.groupby(level="arm", observed=True).median().to_dict()


def _channel_th(channel: str) -> str:
    """A channel's column head with a swatch of its colour (the one in every figure);
    the swatch stays on the line of the label's first word."""
    first, _, rest = plot.CHANNEL_LABELS[channel].partition(" ")
    swatch = f'<span class="sw" style="background:{plot.CHANNEL_COLORS[channel]}"></span>'
    return f'<th><span class="nw">{swatch}{first}</span>{" " + rest if rest else ""}</th>'


def _wom_html(results: Results, band: float) -> str:
    """The marketing measures of a ``wom`` run: tables and figures."""
    sm = results.summary
    channels = list(plot.CHANNEL_COLORS)
    m = _means(
        sm,
        ["final_adopted", *(f"adopted_by_{c}" for c in channels), "wom_share",
         "mean_chain_depth", "max_chain_depth", "spend", "cost_per_adopter", "final_members",
         "max_waiting", "meetups_held", "mean_attendance", "mean_newcomer_share", "mean_heat",
         "outward_posts"],
    )  # fmt: skip
    budgets = _budgets(results)
    last_spend = _last_spending_week(results.timeseries)
    head = "".join(_channel_th(c) for c in channels)
    rows, money, health = [], [], []
    for arm, r in m.iterrows():
        name = html.escape(str(arm))
        by = "".join(f"<td>{_fmt(r[f'adopted_by_{c}'])}</td>" for c in channels)
        rows.append(
            f"<tr><td>{name}</td><td><b>{_fmt(r['final_adopted'])}</b></td>{by}"
            f"<td>{_fmt(100 * r['wom_share'], 0)}%</td><td>{_fmt(r['mean_chain_depth'], 2)}</td>"
            f"<td>{_fmt(r['max_chain_depth'])}</td></tr>"
        )
        budget = budgets.get(arm)
        money.append(
            f"<tr><td>{name}</td><td>{_fmt(r['spend'], 0)}</td>"
            f"<td>{'unlimited' if budget is None else _fmt(budget, 0)}</td>"
            f"<td>{_fmt(last_spend.get(arm, float('nan')), 0)}</td>"
            f"<td><b>{_fmt(r['cost_per_adopter'])}</b></td></tr>"
        )
        if r["final_members"] > 0 or r["meetups_held"] > 0:
            health.append(
                f"<tr><td>{name}</td><td>{_fmt(r['final_members'])}</td>"
                f"<td>{_fmt(r['max_waiting'])}</td><td>{_fmt(r['meetups_held'])}</td>"
                f"<td>{_fmt(r['mean_attendance'])}</td>"
                f"<td>{_fmt(100 * r['mean_newcomer_share'], 0)}%</td>"
                f"<td>{_fmt(r['mean_heat'], 2)}</td><td>{_fmt(r['outward_posts'], 0)}</td></tr>"
            )
    equal = set(budgets.values())
    budget_line = next(iter(equal)) if len(equal) == 1 else None
    bars = _img(plot.adoption_by_channel(results), "customers by channel")
    curves = _img(plot.channel_curves(results)[0], "customers by channel over time")
    spend = _img(plot.spend_curves(results, budget=budget_line), "spending over time")
    chains = _img(plot.chain_depth_distribution(results), "chain depth distribution")
    parts = [
        "<h2>Where the customers came from</h2>",
        '<p class="muted">Means over replicates, in people; “customers” counts everyone '
        "who adopted, the first pin included. <b>Word-of-mouth share</b>: "
        "customers persuaded by a peer (word of mouth or the community) over all "
        "customers. <b>Chain depth</b>: 0 for a customer won directly (first pin, vendor, "
        "paid influencer), one more than the referrer's for a peer's convert; "
        "“longest” is the mean over replicates of the deepest chain.</p>",
        f"<table><tr><th>arm</th><th>customers</th>{head}<th>word-of-mouth share</th>"
        "<th>mean chain depth</th><th>longest chain</th></tr>",
        *rows,
        "</table>",
        bars,
        curves,
        "<h2>Money</h2>",
        "<table><tr><th>arm</th><th>spent (currency units)</th><th>budget</th>"
        "<th>last week with spending</th><th>cost per customer won</th></tr>",
        *money,
        "</table>",
        '<p class="muted">Cost per customer won: money spent over customers won, not '
        "counting the first pin (they were found, not bought); in currency units per "
        "person, mean over replicates. A channel stops when its money is out (no more "
        "contacts, paid posts or meetups): “last week with spending” is when that "
        "happened, or the last week of the run (median over replicates).</p>",
        spend,
    ]
    if health:
        parts += [
            "<h2>Community health</h2>",
            "<table><tr><th>arm</th><th>members at the end</th><th>longest waiting list</th>"
            "<th>meetups held</th><th>attendance per meetup</th><th>newcomer share</th>"
            "<th>heat</th><th>outward posts</th></tr>",
            *health,
            "</table>",
            '<p class="muted">In people, means over replicates. <b>Newcomer share</b>: '
            "first-time attendees over attendees, averaged over meetups (40–60% is called "
            "healthy). <b>Heat</b> (0–1): the room's enthusiasm as a power mean that weighs "
            "the coldest people present most, so one cold attendee cools the whole room. "
            "<b>Outward posts</b>: attendees who posted about the meetup to their own "
            "contacts. In the figures, meetup measures are averaged over the replicates "
            "that held a meetup that week; meetups stop when the community's money runs "
            "out or nobody wants to come.</p>",
            _img(plot.community_health(results, band=band)[0], "community health"),
        ]
    parts += ["<h2>Referral chains</h2>", chains]
    return "\n".join(parts)


def render_report(results: Results, *, top_html: str = "", level: float = 0.95) -> str:
    """The report as an HTML string.

    Sections: what was run; the per-arm table (mean final adopters with its
    confidence interval, the range of outcomes, time to half); adoption curves with
    bands; the final-size distribution; run metadata and the resolved scenario.

    Args:
        results: The results to report.
        top_html: HTML placed right after the introduction, before the per-arm
            summary (``wom compare`` puts its comparison there).
        level: Confidence level of the mean's interval in the per-arm table
            (``wom compare`` passes its ``--level``, so the whole report uses one).
            The range of outcomes stays the central 95% of runs; the bands of the
            curves follow ``outputs.band``.
    """
    meta = results.meta
    sc = results.scenario
    name = meta.get("scenario") or (sc.name if sc is not None else "run")
    desc = getattr(sc, "description", "") if sc is not None else ""
    table = arm_table(results.summary)
    if level != 0.95:  # the range of runs stays the 2.5th-97.5th percentiles
        ci = arm_table(results.summary, level=level)
        table[["final_adopted_ci_low", "final_adopted_ci_high"]] = ci[
            ["final_adopted_ci_low", "final_adopted_ci_high"]
        ]
    ci_text = _ci_text(level)
    band = 0.9
    if sc is not None:
        band = getattr(getattr(sc, "outputs", None), "band", band) or band
    wom = _is_wom(results)
    step_label = "week" if wom else "step"
    rows = []
    for _, r in table.iterrows():
        rows.append(
            "<tr>"
            f"<td>{html.escape(str(r['arm']))}</td><td>{int(r['replicates'])}</td>"
            f"<td><b>{_fmt(r['final_adopted_mean'])}</b></td>"
            f"<td>{_fmt(r['final_adopted_ci_low'])} – {_fmt(r['final_adopted_ci_high'])}</td>"
            f"<td>{_fmt(r['final_adopted_p2.5'], 0)} – {_fmt(r['final_adopted_p97.5'], 0)}</td>"
            f"<td>{_fmt(100 * r.get('final_share_mean', float('nan')))}%</td>"
            f"<td>{_fmt(r.get('time_to_half_median', float('nan')), 0)}</td>"
            "</tr>"
        )
    curves = _png(plot.adoption_curves(results, band=band, step_label=step_label))
    dist = _png(plot.final_size_distribution(results))
    resolved = sc.to_toml() if sc is not None else ""
    versions = ", ".join(f"{k} {v}" for k, v in (meta.get("versions") or {}).items())
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(name)} — wom report</title>
<style>{_CSS}</style></head><body>
<h1>{html.escape(name)}</h1>
<p>{html.escape(desc)}</p>
<p class="muted">{len(table)} arm(s) × {meta.get("replicates")} replicates, master seed
<b>{meta.get("seed")}</b> (rerun with the same seed for identical numbers).
Every arm uses the same random streams, so differences between arms are not noise between runs.</p>
{_networks_html(meta)}
{top_html}
<h2>Summary per arm</h2>
<table><tr><th>arm</th><th>replicates</th><th>mean final adopters (people)</th>
<th>{ci_text} of the mean</th><th>95% of runs between</th><th>share of network</th>
<th>median {step_label}s to half of final</th></tr>
{"".join(rows)}</table>
<p class="muted">“{ci_text} of the mean”: where the average would lie if the experiment were repeated
(Student-t). “95% of runs between”: the 2.5th and 97.5th percentiles of individual runs.</p>
{_wom_html(results, band) if wom else ""}
<h2>Adoption over time</h2>
<img alt="adoption curves" src="data:image/png;base64,{curves}">
<p class="muted">Line: mean over replicates; shaded: the central {band:.0%} of replicates.</p>
<h2>Final size across replicates</h2>
<img alt="final size distribution" src="data:image/png;base64,{dist}">
<h2>Run</h2>
<p class="muted">Command: <code>{html.escape(str(meta.get("command") or ""))}</code><br>
Started {html.escape(str(meta.get("started")))}, {meta.get("seconds")} s on
{meta.get("threads")} thread(s).<br>{html.escape(versions)}</p>
<details><summary>Resolved scenario</summary><pre>{html.escape(resolved)}</pre></details>
</body></html>
"""


def write_report(
    results_or_dir: Results | str | os.PathLike, path: str | os.PathLike | None = None
) -> Path:
    """Write ``report.html`` (atomically) for results or a results folder.

    Args:
        results_or_dir: :class:`~sim.results.Results` or a results folder.
        path: Output file; default ``<folder>/report.html``.

    Returns:
        The report's path.
    """
    if isinstance(results_or_dir, Results):
        results = results_or_dir
        if path is None:
            raise ValueError("path is required when passing Results")
    else:
        results = load_results(results_or_dir)
        path = Path(results_or_dir) / "report.html" if path is None else path
    path = Path(path)
    atomic_write_text(path, render_report(results))
    return path
