"""The ``wom`` command: run, validate and report scenarios.

Exit codes: 0 success; 1 runtime failure (one line; the traceback only with
``--debug``); 2 usage or scenario errors (one line naming the file, line, column and
key).
"""

from __future__ import annotations

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
        "steps to 50%",
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
    from sim.scenario import load_scenario

    overrides = list(set_ or [])
    # --seed and --replicates are overrides like any other: validated, and a random
    # network without its own seed follows the new master seed.
    if seed is not None:
        overrides.append(f"seed={seed}")
    if replicates is not None:
        overrides.append(f"replicates={replicates}")
    sc = load_scenario(scenario, overrides=overrides or None)
    target = out_dir or _default_out(sc.name)
    if target.exists() and not force:
        raise ValidationError(f"{target} already exists (use --force to replace it)", key="--out")
    arms = sc.arm_scenarios()
    total = len(arms) * sc.replicates
    command = "wom " + " ".join(shlex.quote(a) for a in sys.argv[1:])
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
    out.print(f"results: {target}" + (f"  (open {target / 'report.html'})" if report else ""))


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
    results_dir: Annotated[Path, typer.Argument(help="A results folder from `wom run`.")],
) -> None:
    """Rebuild report.html from a results folder."""
    from sim.report import write_report

    path = write_report(results_dir)
    out.print(f"report: {path}")


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
    sys.exit(main())
