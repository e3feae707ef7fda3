"""The ``wom`` command: run, validate and report scenarios; sweep and analyze them.

Exit codes: 0 success; 1 runtime failure (one line; the traceback only with
``--debug``); 2 usage or scenario errors (one line naming the file, line, column and
key).
"""

from __future__ import annotations

import contextlib
import shlex
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sim._version import __version__
from sim.errors import SimError, ValidationError

__all__ = ["app", "main"]

app = typer.Typer(
    name="wom",
    help="Word-of-mouth diffusion simulator: Sell-To versus Sell-Through, on real networks.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
out = Console()
if not out.is_terminal:  # a pipe or a file: don't squeeze tables into 80 columns
    out = Console(width=160)
err = Console(stderr=True, soft_wrap=True)
_state = {"debug": False}


def _version(value: bool) -> None:
    if value:
        print(f"wom {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show full tracebacks on failure.")
    ] = False,
) -> None:
    """Word-of-mouth diffusion simulator."""
    _state["debug"] = debug


def _default_out(name: str) -> Path:
    return Path("results") / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}"


def _summary_table(results) -> Table:
    from sim.experiments.tables import arm_table

    t = Table(title=f"{results.meta.get('scenario')} — seed {results.seed}", title_justify="left")
    for col in (
        "arm",
        "replicates",
        "final adopters (mean)",
        "95% CI",
        "95% of runs",
        "weeks to 50%" if "adopted_by_first_pin" in results.summary else "steps to 50%",
    ):
        t.add_column(col, justify="left" if col == "arm" else "right")
    for _, r in arm_table(results.summary).iterrows():
        t.add_row(
            str(r["arm"]),
            str(int(r["replicates"])),
            f"{r['final_adopted_mean']:,.1f}",
            f"{r['final_adopted_ci_low']:,.1f} – {r['final_adopted_ci_high']:,.1f}",
            f"{r['final_adopted_p2.5']:,.0f} – {r['final_adopted_p97.5']:,.0f}",
            f"{r.get('time_to_half_median', float('nan')):.0f}",
        )
    return t


def _wom_tables(results) -> list[Table]:
    """The marketing measures of a ``wom`` run (means over replicates), or ``[]``."""
    sm = results.summary
    if "adopted_by_first_pin" not in sm:
        return []
    from sim.plot import CHANNEL_LABELS

    m = sm.groupby("arm", sort=False, observed=True).mean(numeric_only=True)
    who = Table(title="Where the customers came from (people, mean)", title_justify="left")
    for col in ("arm", "customers", *CHANNEL_LABELS.values(), "peer share", "chain depth"):
        who.add_column(col, justify="left" if col == "arm" else "right")
    money = Table(title="Money and community (mean)", title_justify="left")
    for col in ("arm", "spent", "per customer", "members", "waiting", "meetups",
                "attendance", "newcomers", "heat"):  # fmt: skip
        money.add_column(col, justify="left" if col == "arm" else "right")

    def num(x, digits=1, suffix=""):
        return "—" if x != x else f"{x:,.{digits}f}{suffix}"

    for arm, r in m.iterrows():
        who.add_row(
            str(arm),
            num(r["final_adopted"]),
            *(num(r[f"adopted_by_{c}"]) for c in CHANNEL_LABELS),
            num(100 * r["wom_share"], 0, "%"),
            f"{num(r['mean_chain_depth'], 2)} (max {num(r['max_chain_depth'])})",
        )
        money.add_row(
            str(arm),
            num(r["spend"], 0),
            num(r["cost_per_adopter"], 1),
            num(r["final_members"]),
            num(r["max_waiting"]),
            num(r["meetups_held"], 0),
            num(r["mean_attendance"]),
            num(100 * r["mean_newcomer_share"], 0, "%"),
            num(r["mean_heat"], 2),
        )
    money.caption_justify = "left"
    money.caption = (
        "spent, per customer: currency units (first pin not counted); members at the end; "
        "waiting: longest waiting list; attendance per meetup; newcomers: share of "
        "first-time attendees (40-60% healthy); heat: 0-1, weighted to the coldest attendee"
    )
    return [who, money]


def _prepare_output_run(scenario, set_, seed, replicates, out_dir, force):
    """Load a scenario with the command's overrides; check the results folder.

    ``--seed`` and ``--replicates`` are overrides like any other: validated, and a
    random network without its own seed follows the new master seed.

    Returns:
        ``(scenario, results folder, the command line for the record)``.
    """
    from sim.scenario import load_scenario

    overrides = list(set_ or [])
    if seed is not None:
        overrides.append(f"seed={seed}")
    if replicates is not None:
        overrides.append(f"replicates={replicates}")
    sc = load_scenario(scenario, overrides=overrides or None)
    target = out_dir or _default_out(sc.name)
    if target.exists() and not force:
        raise ValidationError(f"{target} already exists (use --force to replace it)", key="--out")
    command = "wom " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    return sc, target, command


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file.")],
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Results folder (default: results/<name>-<time>).")
    ] = None,
    replicates: Annotated[
        int | None, typer.Option(help="Override the number of replicates.")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Override the master seed.")] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a key: --set model.p=0.2 (repeatable)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing results folder.")
    ] = False,
    report: Annotated[bool, typer.Option("--report/--no-report", help="Write report.html.")] = True,
) -> None:
    """Run every arm of a scenario and write a results folder with a report."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from sim.experiments.run import run as run_scenario
    from sim.report import render_report

    sc, target, command = _prepare_output_run(scenario, set_, seed, replicates, out_dir, force)
    arms = sc.arm_scenarios()
    total = len(arms) * sc.replicates
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=not err.is_terminal,
        transient=True,
    ) as bar:
        task = bar.add_task(f"{sc.name}", total=total)
        results = run_scenario(
            sc,
            command=command,
            progress=lambda arm, n: bar.update(task, advance=n, description=f"{sc.name}: {arm}"),
        )

    def extras(tmp: Path) -> None:
        if report:
            (tmp / "report.html").write_text(render_report(results), encoding="utf-8")

    results.save(target, force=force, extras=extras)
    out.print(_summary_table(results))
    for table in _wom_tables(results):
        out.print(table)
    out.print(f"results: {target}" + (f"  (open {target / 'report.html'})" if report else ""))


_COMPARE_OPTIONS = {
    "baseline": "--baseline",
    "week": "--week",
    "market_share": "--market-share",
    "level": "--level",
}


@app.command()
def compare(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file with two or more arms.")],
    baseline: Annotated[
        str | None, typer.Option(help="Arm the others are compared with (default: the first).")
    ] = None,
    week: Annotated[
        int | None, typer.Option(help="Also compare the adopters by this week.")
    ] = None,
    market_share: Annotated[
        float, typer.Option(help="Compare the weeks to this share (0-1] of the network.")
    ] = 0.5,
    equal_budget: Annotated[
        float | None,
        typer.Option(help="Give every arm this budget.total (currency units; model wom)."),
    ] = None,
    level: Annotated[
        float,
        typer.Option(help="Confidence level of every interval, in (0, 1)."),
    ] = 0.95,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Results folder (default: results/<name>-<time>).")
    ] = None,
    replicates: Annotated[
        int | None, typer.Option(help="Override the number of replicates (at least 2).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Override the master seed.")] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Override a key: --set model.p=0.2 (repeatable)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing results folder.")
    ] = False,
) -> None:
    """Compare the arms of a scenario: paired differences, CIs and verdicts, with a report."""
    from sim.experiments.compare import _ci_text, format_value
    from sim.experiments.compare import compare as compare_arms

    sc, target, command = _prepare_output_run(scenario, set_, seed, replicates, out_dir, force)
    try:
        spinner = err.status(f"{sc.name}: running every arm", spinner="dots")
        with spinner if err.is_terminal else contextlib.nullcontext():
            result = compare_arms(
                sc,
                baseline=baseline,
                week=week,
                market_share=market_share,
                replicates=replicates,
                equal_budget=equal_budget,
                level=level,
                command=command,
            )
    except ValidationError as exc:
        flag = _COMPARE_OPTIONS.get(exc.key or "")
        if flag is not None:
            exc.key = flag
        raise
    result.save(target, force=force)
    reps = result.results.meta.get("replicates")
    t = Table(
        title=f"{sc.name} — seed {result.results.seed}, {reps} replicates: mean "
        f"({_ci_text(result.options['level'])})",
        title_justify="left",
    )
    t.add_column("measure")
    for arm in result.arms:
        t.add_column(arm, justify="right")
    tab = result.table
    for m in result.measures:
        cells = []
        for arm in result.arms:
            r = tab[(tab["arm"] == arm) & (tab["measure"] == m.name)].iloc[0]
            text = format_value(m, r["mean"])
            if r["ci_low"] == r["ci_low"] and r["ci_low"] != r["ci_high"]:
                text += f" ({format_value(m, r['ci_low'])} – {format_value(m, r['ci_high'])})"
            if r["missing"]:
                text += f" ({m.missing}: {r['missing']} of {r['n'] + r['missing']})"
            cells.append(text)
        t.add_row(f"{m.label} ({'%' if m.percent else m.unit})", *cells)
    out.print(t)
    out.print(f"Against {result.baseline}:", markup=False, highlight=False)
    for line in result.verdicts:
        out.print(f"  {line}", markup=False, highlight=False)
    out.print(f"results: {target}  (open {target / 'report.html'})", markup=False)


@app.command()
def validate(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file.")],
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="Override a key (repeatable).")
    ] = None,
) -> None:
    """Check a scenario without running it; print it resolved (every default filled in)."""
    from sim.scenario import load_scenario

    sc = load_scenario(scenario, overrides=set_ or None)
    print(sc.to_toml(), end="")
    arms = [a for a, _ in sc.arm_scenarios()]
    err.print(f"{scenario}: valid ({len(arms)} arm(s): {', '.join(arms)})")


@app.command()
def report(
    results_dir: Annotated[
        Path, typer.Argument(help="A results folder from `wom run` or `wom compare`.")
    ],
) -> None:
    """Rebuild report.html from a results folder (a comparison's with its comparison)."""
    from sim.experiments.compare import is_comparison
    from sim.experiments.compare_report import write_comparison_report
    from sim.report import write_report

    if is_comparison(results_dir):
        path = write_comparison_report(results_dir)
    else:
        path = write_report(results_dir)
    out.print(f"report: {path}")


# Where runs go, shared by `wom sweep` and `wom calibrate`.
ExecutorOption = Annotated[str | None, typer.Option(help="local (processes, default) or dask.")]
WorkersOption = Annotated[
    int | None,
    typer.Option(help="Worker processes, local or in a local Dask cluster (default: all cores)."),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler", "--address", help="Address of a running Dask scheduler (tcp://host:8786)."
    ),
]
ConnectTimeoutOption = Annotated[
    float, typer.Option(help="Seconds to wait for the Dask scheduler.")
]


@app.command()
def sweep(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file.")],
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Sweep folder (default: results/<name>-sweep); rerun to resume."
        ),
    ] = None,
    design: Annotated[
        str | None,
        typer.Option(help="grid (default), random, lhs, sobol or morris."),
    ] = None,
    samples: Annotated[
        int | None,
        typer.Option(
            help="Levels per range (grid), points (random, lhs), base samples "
            "(sobol, a power of 2) or trajectories (morris)."
        ),
    ] = None,
    replicates: Annotated[
        int | None, typer.Option(help="Replicates per point (default: the scenario's).")
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Values to sweep: --set model.q=0,0.05,0.1 (repeatable)."),
    ] = None,
    range_: Annotated[
        list[str] | None,
        typer.Option("--range", help="Range to sweep: --range model.p=0.01:0.2 (repeatable)."),
    ] = None,
    seed: Annotated[
        int | None, typer.Option(help="Master seed of the sweep (default: the scenario's).")
    ] = None,
    levels: Annotated[int | None, typer.Option(help="Morris grid levels (default 4).")] = None,
    crn: Annotated[
        bool | None,
        typer.Option(
            "--crn/--no-crn",
            help="Common random numbers: every point uses the same random streams (default).",
        ),
    ] = None,
    timeseries: Annotated[
        bool | None,
        typer.Option("--timeseries/--no-timeseries", help="Keep per-step rows (default: no)."),
    ] = None,
    executor: ExecutorOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    connect_timeout: ConnectTimeoutOption = 5.0,
    log_every: Annotated[
        int | None,
        typer.Option(help="When not on a terminal: a log line every N runs (default: ~10%)."),
    ] = None,
) -> None:
    """Run a parameter sweep of a scenario; rerun the same command to resume it."""
    from sim.experiments.sweep import plan_sweep, run_plan

    command = "wom " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    plan = plan_sweep(
        scenario,
        out=out_dir,
        design=design,
        samples=samples,
        replicates=replicates,
        values=list(set_ or []),
        ranges=list(range_ or []),
        seed=seed,
        levels=levels,
        common_random_numbers=crn,
        timeseries=timeseries,
        command=command,
    )
    d = plan.design
    crn = plan.manifest["design"]["common_random_numbers"]

    def announce(summary, todo: int) -> None:
        resumed = f", {summary.skipped:,} already done" if summary.skipped else ""
        err.print(
            f"sweep {plan.scenario.name}: {d.kind} design, {len(d.points):,} points "
            f"({len(plan.tasks):,} distinct) x {plan.replicates} replicates = {plan.runs:,} "
            f"runs{resumed}; seed {d.seed}, "
            f"{'common random numbers' if crn else 'independent streams per point'}; "
            f"{summary.executor} -> {plan.path}",
            markup=False,
            highlight=False,
        )

    summary = run_plan(
        plan,
        executor=executor,
        workers=workers,
        scheduler=scheduler,
        connect_timeout=connect_timeout,
        log_every=log_every,
        announce=announce,
    )
    out.print(f"sweep {plan.scenario.name}: {summary}", markup=False, highlight=False)
    out.print(f"results: {plan.path}  (wom analyze {plan.path})", markup=False, highlight=False)
    if summary.failed:
        raise SimError(
            f"{summary.failed} run(s) failed, recorded in {plan.path / 'failures'} (rerun the "
            f"same command to retry them); first error: {summary.first_error}"
        )


@app.command()
def analyze(
    sweep_dir: Annotated[Path, typer.Argument(help="A sweep folder from `wom sweep`.")],
    output: Annotated[
        list[str] | None,
        typer.Option(
            "--output",
            help="Output(s) to analyse (repeatable or comma-separated; default final_adopted).",
        ),
    ] = None,
    method: Annotated[
        str | None,
        typer.Option(help="sobol, morris or marginal (default: what the design supports)."),
    ] = None,
    params: Annotated[
        str | None,
        typer.Option(
            help="Parameters for the lines and the heatmap: key1,key2 (default: by influence)."
        ),
    ] = None,
    report_path: Annotated[
        Path | None, typer.Option("--report", help="Report file (default: DIR/report.html).")
    ] = None,
) -> None:
    """Sensitivity indices (Sobol, Morris) and figures of a sweep, in an HTML report."""
    from sim.experiments.sweep_report import write_sweep_report

    keys = [k.strip() for k in (params or "").split(",") if k.strip()] or None
    path, analysis = write_sweep_report(
        sweep_dir, outputs=output or ["final_adopted"], method=method, params=keys,
        report=report_path,
    )  # fmt: skip
    idx = analysis.indices
    names = {
        "sobol": ["S1", "ST"],
        "morris": ["mu_star", "sigma"],
        "marginal": ["eta2", "swing"],
    }[analysis.method]
    for out_name in analysis.outputs:
        t = Table(title=f"{out_name}: {analysis.method}", title_justify="left")
        t.add_column("parameter")
        t.add_column("arm")
        for n in names:
            t.add_column(n, justify="right")
        for key in analysis.ranking(out_name):
            for arm in analysis.arms:
                sub = idx[(idx.output == out_name) & (idx.parameter == key) & (idx.arm == arm)]
                if sub.empty:
                    continue
                cells = []
                for n in names:
                    r = sub[sub["index"] == n]
                    if r.empty:
                        cells.append("—")
                        continue
                    v, lo, hi = r.iloc[0][["value", "ci_low", "ci_high"]]
                    text = f"{v:.3g}"
                    if lo == lo:
                        text += f" [{lo:.2g}, {hi:.2g}]"
                    cells.append(text)
                t.add_row(key, str(arm), *cells)
        out.print(t)
    for note in analysis.notes:
        err.print(f"note: {note}", markup=False, highlight=False)
    out.print(f"report: {path}")


@app.command()
def calibrate(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file.")],
    targets: Annotated[
        list[Path] | None,
        typer.Option(
            "--targets",
            help="Targets: a TOML file ([targets], [series], [fit]) or a CSV series "
            "(step or date column, one column per output); repeatable.",
        ),
    ] = None,
    fit: Annotated[
        list[str] | None,
        typer.Option(
            "--fit",
            help="A key to fit and its bounds: --fit word_of_mouth.persuasion=0.05:1 or "
            "--fit vendor.conversion=1e-4:1e-1:log (repeatable).",
        ),
    ] = None,
    trials: Annotated[int, typer.Option(help="Number of trials.")] = 100,
    replicates: Annotated[
        int | None, typer.Option(help="Replicates per trial (default: the scenario's).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Master seed (default: the scenario's).")] = None,
    batch: Annotated[
        int, typer.Option(help="Trials asked from the optimiser at once, run in parallel.")
    ] = 8,
    sampler: Annotated[str, typer.Option(help="tpe (default) or random.")] = "tpe",
    arm: Annotated[
        str | None, typer.Option(help="The arm to calibrate (default: the first).")
    ] = None,
    weight: Annotated[
        list[str] | None,
        typer.Option("--weight", help="A target's weight: --weight meetups_held=2 (repeatable)."),
    ] = None,
    step_days: Annotated[
        float | None,
        typer.Option(help="Days per step for a series with dates (default 7 for model wom)."),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Output folder (default: results/<name>-calibration); rerun to resume."
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Delete an existing calibration there and start over.")
    ] = False,
    report: Annotated[bool, typer.Option("--report/--no-report", help="Write report.html.")] = True,
    executor: ExecutorOption = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    connect_timeout: ConnectTimeoutOption = 5.0,
    log_every: Annotated[
        int | None,
        typer.Option(help="When not on a terminal: a log line every N trials (default: ~10%)."),
    ] = None,
) -> None:
    """Fit scenario keys so that the model reproduces observed figures; rerun to resume."""
    from sim.calibration.run import plan_calibration, run_calibration

    command = "wom " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    plan = plan_calibration(
        scenario,
        [str(t) for t in targets or []],
        fit or None,
        trials=trials,
        replicates=replicates,
        seed=seed,
        batch=batch,
        sampler=sampler,
        arm=arm,
        weights=weight or None,
        step_days=step_days,
        out=out_dir,
        command=command,
    )

    def announce(p, stored: int, todo: int, where: str) -> None:
        resumed = f", {stored} already done" if stored else ""
        keys = ", ".join(x.key for x in p.space)
        err.print(
            f"calibrate {p.scenario.name}: {p.trials} trials{resumed} x {p.replicates} "
            f"replicates, fitting {keys} to {len(p.targets)} target(s); seed {p.seed}, "
            f"{p.sampler} in batches of {p.batch}; {where} -> {p.path}.partial",
            markup=False,
            highlight=False,
        )

    result = run_calibration(
        plan,
        executor=executor,
        workers=workers,
        scheduler=scheduler,
        connect_timeout=connect_timeout,
        force=force,
        report=report,
        log_every=log_every,
        announce=announce,
    )
    u = result.uncertainty
    out.print(
        f"{plan.scenario.name}: best distance {u.best_distance:.4g} (trial {result.best_trial} "
        f"of {len(result.trials)}); Monte Carlo noise {u.noise:.2g}; {u.n_accepted} trial(s) "
        "within the noise of the best",
        markup=False,
        highlight=False,
    )
    t = Table(title="Fitted values", title_justify="left")
    for col in ("key", "best", "range within the noise", "bounds"):
        t.add_column(col, justify="left" if col == "key" else "right")
    for p in result.space:
        lo, hi = u.ranges[p.key]
        t.add_row(p.key, f"{result.best[p.key]:.4g}", f"{lo:.4g} – {hi:.4g}", p.describe())
    out.print(t)
    best = result.trials.loc[result.trials["trial"] == result.best_trial].iloc[0]
    g = Table(title="Targets", title_justify="left")
    for col in ("target", "observed", "fitted model", "error"):
        g.add_column(col, justify="left" if col == "target" else "right")
    for tg in result.targets:
        model = float(best.get(f"model.{tg.label}", float("nan")))
        e = 100 * best[f"error.{tg.label}"]
        if tg.kind == "series":
            g.add_row(tg.label, tg.describe(), "curve", f"RMSE {e:.1f}%")
        else:
            g.add_row(tg.label, tg.describe(), f"{model:,.4g}", f"{e:+.1f}%")
    out.print(g)
    for note in u.notes:
        out.print(f"note: {note}", markup=False, highlight=False)
    done = "" if result.evaluated else " (already finished: nothing to run)"
    where = f"  (open {result.path / 'report.html'})" if report else ""
    out.print(f"results: {result.path}{where}{done}", markup=False, highlight=False)


@app.command("app")
def app_command(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file (model wom).")],
    port: Annotated[int, typer.Option(help="Port to serve on (0: any free port).")] = 8765,
    host: Annotated[
        str, typer.Option(help="Address to listen on (default: this machine only).")
    ] = "127.0.0.1",
    arms: Annotated[
        str | None,
        typer.Option(help="Arm shown first, or two arms side by side: --arms A,B."),
    ] = None,
) -> None:
    """Serve the strategists' dashboard of a scenario in the browser (Ctrl-C stops it)."""
    from sim.app.server import serve

    def announce(line: str) -> None:
        out.print(line, markup=False, highlight=False)
        out.file.flush()

    serve(scenario, host=host, port=port, arms=arms, announce=announce)


@app.command()
def datasets() -> None:
    """List the bundled real networks (load them by name in a scenario's [network])."""
    from sim.network.datasets import list_datasets

    t = Table(title="Bundled networks", title_justify="left")
    for col in ("name", "nodes", "edges", "communities", "description"):
        t.add_column(col)
    for d in list_datasets():
        t.add_row(
            str(d["name"]),
            f"{d['nodes']:,}",
            f"{d['edges']:,}",
            str(d.get("communities") or "—"),
            str(d.get("description", "")),
        )
    out.print(t)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``wom`` console script; returns the exit code."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        # Standalone mode: the CLI library reports usage errors itself (exit 2).
        app(args=args, prog_name="wom", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except ValidationError as exc:
        if debug:
            raise
        err.print(f"error: {exc}", markup=False, highlight=False)
        return 2
    except SimError as exc:
        if debug:
            raise
        err.print(f"error: {exc}", markup=False, highlight=False)
        return 1
    except KeyboardInterrupt:
        err.print("interrupted", markup=False)
        return 130
    except Exception as exc:
        if debug:
            raise
        err.print(
            f"error: unexpected failure: {type(exc).__name__}: {exc} (run with --debug for the traceback)",
            markup=False,
            highlight=False,
        )
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


def console() -> None:  # pragma: no cover - console-script shim
    """Console-script entry: exit with :func:`main`'s code."""
    import matplotlib

    matplotlib.use("Agg")  # a terminal command draws only into files
    sys.exit(main())
