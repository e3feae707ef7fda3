"""The HTML report of a sweep folder: design, sensitivity indices and figures.

Like ``wom run``'s report (:mod:`sim.report`, whose style it shares): one
self-contained file, figures embedded as PNG, readable without Python.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

from sim.experiments.analyze import METHODS, SweepAnalysis, analyze, output_label
from sim.experiments.sweep_figures import effect_lines, heatmap, parameter_unit, tornado
from sim.experiments.sweep_store import atomic_write_text
from sim.report import _CSS, _png

__all__ = ["render_sweep_report", "write_sweep_report"]

_INDEX_HEADERS = {
    "sobol": [("S1", "first order S1"), ("ST", "total order ST")],
    "morris": [("mu_star", "mu*"), ("mu", "mu"), ("sigma", "sigma")],
    "marginal": [("eta2", "eta2 (first order)"), ("swing", "swing of the mean")],
}
_EXPLAIN = {
    "sobol": "S1: share of the output's variance due to the parameter alone; ST: including "
    "its interactions with the others (ST - S1 large: interactions matter). Intervals: "
    "bootstrap over the design.",
    "morris": "mu*: mean absolute change of the output when the parameter moves across its "
    "range (output units); sigma: how much that change varies (non-linear effects or "
    "interactions). Intervals: bootstrap over the trajectories.",
    "marginal": "eta2: share of the output's variance explained by the parameter's value "
    "alone (a first-order index; bootstrap percentile interval over the design points). Swing: "
    "highest minus lowest mean output over the parameter's values.",
}


def _num(x: Any, digits: int = 3) -> str:
    try:
        x = float(x)
    except (TypeError, ValueError):
        return html.escape(str(x))
    if x != x:  # nan
        return "—"
    return f"{x:,.{digits}g}" if abs(x) < 1000 else f"{x:,.0f}"


def _img(fig, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{_png(fig.axes[0])}">'


def _indices_table(analysis: SweepAnalysis, output: str) -> str:
    heads = _INDEX_HEADERS[analysis.method]
    idx = analysis.indices[analysis.indices["output"] == output]
    arms = [a for a in analysis.arms if a in set(idx["arm"])]
    cols = "".join(f"<th>{html.escape(h)}</th>" for _, h in heads)
    rows = []
    for key in analysis.ranking(output):
        for arm in arms:
            sub = idx[(idx["parameter"] == key) & (idx["arm"] == arm)].set_index("index")
            cells = []
            for index, _ in heads:
                if index not in sub.index:
                    cells.append("<td>—</td>")
                    continue
                r = sub.loc[index]
                ci = ""
                if r["ci_low"] == r["ci_low"]:
                    ci = f' <span class="muted">[{_num(r["ci_low"])}, {_num(r["ci_high"])}]</span>'
                cells.append(f"<td>{_num(r['value'])}{ci}</td>")
            rows.append(
                f"<tr><td><code>{html.escape(key)}</code></td><td>{html.escape(str(arm))}</td>"
                + "".join(cells)
                + "</tr>"
            )
    return (
        f"<table><tr><th>parameter</th><th>arm</th>{cols}</tr>{''.join(rows)}</table>"
        f'<p class="muted">{_EXPLAIN[analysis.method]} Brackets: {analysis.conf_level:.0%} '
        "confidence interval.</p>"
    )


def _parameters_table(analysis: SweepAnalysis) -> str:
    scenario = analysis.manifest["design"]["scenario"]
    rows = []
    for p in analysis.parameters:
        if p.is_range:
            what = f"{_num(p.low, 6)} to {_num(p.high, 6)}" + (" (integers)" if p.integer else "")
        else:
            shown = ", ".join(html.escape(str(v)) for v in (p.values or ())[:12])
            what = shown + (", ..." if len(p.values or ()) > 12 else "")
        unit = parameter_unit(p.key, scenario) or "—"
        rows.append(
            f"<tr><td><code>{html.escape(p.key)}</code></td><td>{what}</td>"
            f"<td>{html.escape(unit)}</td></tr>"
        )
    return (
        "<table><tr><th>swept key</th><th>values</th><th>unit</th></tr>"
        + "".join(rows)
        + "</table>"
    )


def render_sweep_report(analysis: SweepAnalysis, *, params: list[str] | None = None) -> str:
    """The report as an HTML string.

    Args:
        analysis: From :func:`~sim.experiments.analyze.analyze`.
        params: Parameters for the effect lines and (first two) the heatmap;
            default: by decreasing influence.

    Returns:
        The HTML document.
    """
    m = analysis.manifest
    design = m["design"]
    name = m.get("name") or analysis.path.name
    runs = analysis.runs
    n_runs = runs["run_id"].nunique() if len(runs) else 0
    crn = (
        "Every point uses the same random streams (common random numbers): differences "
        "between points are not noise between runs."
        if design["common_random_numbers"]
        else "Each point has its own random streams (no common random numbers)."
    )
    sections = []
    for output in analysis.outputs:
        order = [k for k in (params or []) if k in analysis.keys] or analysis.ranking(output)
        parts = [f"<h2>{html.escape(output_label(output).capitalize())}</h2>"]
        parts.append(_indices_table(analysis, output))
        parts.append(_img(tornado(analysis, output), f"tornado chart of {output}"))
        parts.append(_img(effect_lines(analysis, output, order), f"{output} against parameters"))
        if len(order) >= 2:
            parts.append(_img(heatmap(analysis, output, order[0], order[1]), f"heatmap {output}"))
        sections.append("\n".join(parts))
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in analysis.notes)
    notes_html = f'<ul class="muted">{notes}</ul>' if notes else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(name)} — wom sweep report</title>
<style>{_CSS}</style></head><body>
<h1>{html.escape(name)}: parameter sweep</h1>
<p class="muted"><b>{design["kind"]}</b> design, {len(m["points"]):,} points ×
{design["replicates"]} replicates; {n_runs:,} of {m.get("runs", n_runs):,} runs finished;
master seed <b>{design["seed"]}</b>. {crn}<br>Method: <b>{analysis.method}</b>
({html.escape(METHODS[analysis.method])}).</p>
{notes_html}
<h2>Swept parameters</h2>
{_parameters_table(analysis)}
{"".join(sections)}
<h2>Sweep</h2>
<p class="muted">Folder: <code>{html.escape(str(analysis.path))}</code><br>
Command: <code>{html.escape(str(m.get("command") or ""))}</code><br>
Created {html.escape(str(m.get("created")))};
{html.escape(", ".join(f"{k} {v}" for k, v in (m.get("versions") or {}).items()))}</p>
</body></html>
"""


def write_sweep_report(
    path: str | os.PathLike[str],
    *,
    outputs: list[str] | tuple[str, ...] | str = ("final_adopted",),
    method: str | None = None,
    params: list[str] | None = None,
    report: str | os.PathLike[str] | None = None,
) -> tuple[Path, SweepAnalysis]:
    """Analyse a sweep folder and write its report (atomically).

    Args:
        path: The sweep folder.
        outputs: Outputs to analyse.
        method: ``sobol``, ``morris`` or ``marginal`` (default: from the design).
        params: Parameters for the effect lines and heatmap (default: by influence).
        report: The HTML file (default ``<folder>/report.html``).

    Returns:
        The report's path and the analysis.

    Raises:
        ValidationError: As :func:`~sim.experiments.analyze.analyze`, or an unknown
            parameter in ``params``.

    Examples:
        >>> import sim, tempfile
        >>> sc = {"name": "s", "replicates": 4,
        ...     "network": {"dataset": "karate"}, "model": {"name": "ic", "p": 0.2},
        ...     "seeding": {"k": 1}}
        >>> out = tempfile.mkdtemp() + "/s"
        >>> sim.sweep(sc, values={"model.p": [0.05, 0.5]}, out=out, workers=1,
        ...           progress=False).done
        8
        >>> report, result = write_sweep_report(out)
        >>> report.name, report.exists(), result.method
        ('report.html', True, 'marginal')
        >>> write_sweep_report(out, params=["model.q"])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        sim.errors.ValidationError: --params: model.q: not a swept key of this sweep ...
    """
    from sim.errors import ValidationError

    analysis = analyze(path, outputs=outputs, method=method)
    for key in params or []:
        if key not in analysis.keys:
            raise ValidationError(
                f"not a swept key of this sweep (swept: {', '.join(analysis.keys)})",
                key=key,
                file="--params",
            )
    target = Path(report) if report is not None else Path(path) / "report.html"
    atomic_write_text(target, render_sweep_report(analysis, params=params))
    return target, analysis
