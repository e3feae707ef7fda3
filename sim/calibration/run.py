"""``sim.calibrate``: fit scenario keys so that the model reproduces observed figures.

How a calibration runs:

1. **Plan** (:func:`plan_calibration`): load the scenario (one arm of it, if it has
   arms), the targets (:mod:`~sim.calibration.targets`) and the fit space
   (:mod:`~sim.calibration.space`); check every target names an output of the model
   (the marketing model's metrics; for the classic models, a probe run of one
   replicate gives the names) and every key and bound is valid.
   Nothing is written until all of this passes.
2. **Search** (:mod:`~sim.calibration.search`): batches of trials asked from Optuna;
   each trial is the scenario with the trial's values set (as ``--set`` would),
   run for ``R`` replicates with the calibration's master seed (**common random
   numbers**: every trial uses the same random streams, so distances differ by the
   parameters, not by noise between runs), on the sweeps' executors (local
   processes or Dask, :mod:`sim.experiments.executors`). Its distance
   (:mod:`~sim.calibration.distance`) is computed as it finishes and the trial is
   stored (:mod:`~sim.calibration.store`).
3. **Noise and ranges** (:mod:`~sim.calibration.uncertainty`): the best point is run
   again on ``K`` fresh sets of random streams; the spread of its distance is the
   Monte Carlo noise, which sets the acceptance threshold, the ranges and the
   identifiability notes.
4. **Result**: ``trials.parquet``, ``best.toml`` (:mod:`~sim.calibration.fitted`),
   ``fit_timeseries.parquet``, ``report.html`` (:mod:`~sim.calibration.report`) and
   ``calibration.json``, then ``DIR.partial`` is renamed ``DIR``.

See :func:`calibrate` for an example and ``docs/calibration.md`` for the method.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.calibration.distance import distance, model_values, target_errors
from sim.calibration.progress import ProgressArg, TrialProgress
from sim.calibration.search import SAMPLERS, noise_seeds, run_search
from sim.calibration.space import FitParameter, check_space, fit_parameters
from sim.calibration.store import MANIFEST, CalibrationStore
from sim.calibration.targets import (
    Target,
    Targets,
    load_targets,
    model_outputs,
    scenario_targets,
)
from sim.calibration.uncertainty import Uncertainty, assess
from sim.errors import SimError, ValidationError

__all__ = [
    "CalibrationPlan",
    "CalibrationResult",
    "calibrate",
    "load_calibration",
    "plan_calibration",
    "run_calibration",
]

#: Days per step of the ``wom`` model (one step a week), for date columns.
WOM_STEP_DAYS = 7.0
#: Fresh stream sets the best point is re-run on, to measure the noise.
NOISE_EVALUATIONS = 8


# --------------------------------------------------------------------------- plan
@dataclass
class CalibrationPlan:
    """A calibration ready to run.

    Attributes:
        path: The output folder ``DIR``.
        scenario: The calibrated scenario (the chosen arm, the calibration's seed).
        make: Builds a trial's scenario from ``{key: value}`` (validated).
        source_text: The scenario file's text (for ``best.toml``), if edited in place.
        arm: The calibrated arm's name (``None``: a scenario without arms).
        targets: The targets.
        space: The fitted parameters.
        trials: Trials asked for.
        replicates: Replicates per trial.
        seed: Master seed: every trial's runs and the sampler's seeds.
        batch: Trials per batch.
        sampler: ``tpe`` or ``random``.
        noise_evaluations: Fresh stream sets for the noise.
        before: The scenario's values of the fitted keys.
        manifest: What ``calibration.json`` holds.

    Examples:
        Made by :func:`plan_calibration` (nothing runs, nothing is written):

        >>> sc = {"name": "bass", "seed": 1, "replicates": 2, "steps": 20,
        ...       "model": {"name": "bass_mean_field", "p": 0.01, "q": 0.3, "n": 1000}}
        >>> targets = {"targets": {"cumulative_adopted": {"at": 20, "value": 600}}}
        >>> plan = plan_calibration(sc, targets, ["model.q=0.1:0.9"], trials=4, out="fit")
        >>> str(plan.path), plan.trials, plan.replicates, plan.seed, plan.batch, plan.sampler
        ('fit', 4, 2, 1, 8, 'tpe')
        >>> [p.key for p in plan.space], plan.before, [t.label for t in plan.targets]
        (['model.q'], {'model.q': 0.3}, ['cumulative_adopted@20'])
    """

    path: Path
    scenario: Any
    make: Callable[[dict[str, Any]], Any]
    source_text: str | None
    arm: str | None
    targets: Targets
    space: list[FitParameter]
    trials: int
    replicates: int
    seed: int
    batch: int
    sampler: str
    noise_evaluations: int
    before: dict[str, Any]
    manifest: dict[str, Any] = field(default_factory=dict)


def _versions() -> dict[str, str | None]:
    import importlib.metadata as md

    out = {}
    for pkg in ("wom-sim", "numpy", "numba", "pandas", "optuna"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:  # pragma: no cover
            out[pkg] = None
    return out


def plan_calibration(
    scenario: Any,
    targets: Any,
    fit: Any = None,
    *,
    trials: int = 100,
    replicates: int | None = None,
    seed: int | None = None,
    batch: int = 8,
    sampler: str = "tpe",
    arm: str | None = None,
    weights: Mapping[str, float] | Sequence[str] | None = None,
    step_days: float | None = None,
    noise_evaluations: int = NOISE_EVALUATIONS,
    out: str | os.PathLike[str] | None = None,
    command: str | None = None,
) -> CalibrationPlan:
    """Check everything a calibration needs, without running it.

    Loads the scenario (its chosen arm), the targets and the fit space, checks every
    target names an output of the model (a classic model is probed with one run of
    one replicate) and every key and bound is valid. Nothing is written;
    :func:`run_calibration` runs the plan. :func:`calibrate` does both.

    Args:
        scenario: A scenario file path, a dict, or a :class:`~sim.scenario.Scenario`.
        targets: A targets file (``.toml`` or ``.csv``), a dict, a DataFrame, or a
            list of them; ``None`` (or empty): the scenario's own ``[targets]`` table.
        fit: The fitted keys (``["model.q=0.1:0.9"]``, ``{"model.q": (0.1, 0.9)}``),
            or ``None`` for the targets file's ``[fit]`` table.
        trials: Number of trials (>= 1).
        replicates: Replicates per trial (default: the scenario's).
        seed: Master seed (default: the scenario's).
        batch: Trials asked from the optimiser at once (>= 1).
        sampler: ``tpe`` or ``random``.
        arm: The arm to calibrate (default: the first, for a scenario with arms).
        weights: Weights by target label or output (``{"meetups_held": 2}`` or
            ``["meetups_held=2"]``).
        step_days: Days per step, for a series with a ``date`` column (default 7
            for ``wom``).
        noise_evaluations: Fresh stream sets the best point is re-run on (>= 1).
        out: Output folder (default ``results/<name>-calibration``).
        command: The command line, for the manifest.

    Returns:
        The :class:`CalibrationPlan`.

    Raises:
        ValidationError: An unknown sampler or arm, no targets, a target that is not
            a model output (listing the valid names), a fit key not in the scenario,
            bounds invalid for the key, a bad option (see :func:`calibrate`).

    Examples:
        >>> sc = {"name": "bass", "seed": 1, "replicates": 2, "steps": 20,
        ...       "model": {"name": "bass_mean_field", "p": 0.01, "q": 0.3, "n": 1000}}
        >>> targets = {"targets": {"cumulative_adopted": {"at": 20, "value": 600}}}
        >>> plan_calibration(sc, targets, ["model.q=0.1:0.9"], trials=4).space
        [FitParameter(key='model.q', low=0.1, high=0.9, log=False, integer=False)]
        >>> plan_calibration(sc, {"targets": {"adopters": {"at": 20, "value": 600}}},
        ...                  ["model.q=0.1:0.9"])
        Traceback (most recent call last):
        ...
        sim.errors.ValidationError: adopters: not an output of model 'bass_mean_field' (valid: non_adopter, adopter, cumulative_adopted, new_adopted)
    """
    from sim.contagion._common import check_int
    from sim.experiments.scenario_points import LEAN_OUTPUTS, MISSING, lookup, scenario_source

    trials = check_int(trials, "--trials", minimum=1)
    batch = check_int(batch, "--batch", minimum=1)
    noise_evaluations = check_int(noise_evaluations, "noise_evaluations", minimum=1)
    if sampler not in SAMPLERS:
        raise ValidationError(
            f"unknown sampler {sampler!r} (valid: {', '.join(SAMPLERS)})", key="--sampler"
        )
    if seed is not None:
        seed = check_int(seed, "--seed", minimum=0)
    base, make, text = scenario_source(scenario)
    # A scenario file's own [targets] table is read with its line numbers.
    origin = base.source_path if isinstance(scenario, str | os.PathLike) else None
    master = base.seed if seed is None else seed
    fixed: dict[str, Any] = {} if master == base.seed else {"seed": master}
    if fixed:
        base = make(fixed)
    arm_names = [name for name, _ in base.arm_scenarios()] if base.arms else []
    if arm is not None and arm not in arm_names:
        valid = ", ".join(arm_names) if arm_names else "none: this scenario has no arms"
        raise ValidationError(f"no such arm (arms: {valid})", key="--arm")
    if base.arms:
        arm = arm or arm_names[0]
        chosen = dict(base.arm_scenarios())[arm]
        base, make, _ = scenario_source(chosen)
        fixed, text = {}, None
    reps = (
        base.replicates if replicates is None else check_int(replicates, "--replicates", minimum=1)
    )
    base_data = base.to_dict()
    base_data.pop("sweep", None)
    lean = {k: v for k, v in LEAN_OUTPUTS.items() if lookup(base_data, k) not in (MISSING, v)}

    def make_trial(values: dict[str, Any]) -> Any:
        return make({**fixed, **lean, **values})

    model = base.model.name
    days = step_days if step_days is not None else (WOM_STEP_DAYS if model == "wom" else None)
    if targets is None or (isinstance(targets, list | tuple) and not targets):
        # No targets given: the scenario's own [targets] table.
        if origin is not None:
            tg = scenario_targets(origin)
        else:
            tg = load_targets({"targets": base_data.get("targets") or {}}, step_days=days)
    else:
        tg = load_targets(targets, step_days=days)
    if not len(tg):
        raise ValidationError(
            "no targets: give --targets FILE (a TOML [targets] table or a CSV series) or "
            "put a [targets] table in the scenario",
            key="--targets",
        )
    if weights:
        if not isinstance(weights, Mapping):
            weights = _parse_weights(weights)
        tg = tg.with_weights(weights)
    space = check_space(fit_parameters(fit, tg.fit, tg.fit_origin), base_data, make_trial)
    tg.check(_outputs(model, make_trial), base.steps, model)
    before = {p.key: lookup(base_data, p.key) for p in space}
    path = Path(out) if out is not None else Path("results") / f"{base.name}-calibration"
    scenario_id = {k: v for k, v in base_data.items() if k not in ("seed", "replicates")}
    identity = {
        "format": 1,
        "scenario": scenario_id,
        "arm": arm,
        "targets": [t.to_dict() for t in tg],
        "fit": [p.to_dict() for p in space],
        "seed": master,
        "replicates": reps,
        "sampler": sampler,
        "batch": batch,
        "noise_evaluations": noise_evaluations,
    }
    manifest = {
        "name": base.name,
        "identity": identity,
        "trials": trials,
        "command": command,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "versions": _versions(),
    }
    return CalibrationPlan(
        path=path,
        scenario=base,
        make=make_trial,
        source_text=text,
        arm=arm,
        targets=tg,
        space=space,
        trials=trials,
        replicates=reps,
        seed=master,
        batch=batch,
        sampler=sampler,
        noise_evaluations=noise_evaluations,
        before=before,
        manifest=manifest,
    )


def _outputs(model: str, make_trial: Callable[[dict[str, Any]], Any]) -> list[str]:
    """The outputs a target may name: the marketing model's metrics, else a probe run's."""
    if model == "wom":
        from sim.model import METRICS

        return [*METRICS, "community_members"]
    from sim.experiments.run import run

    return model_outputs(run(make_trial({}), replicates=1).timeseries)


def _parse_weights(items: Sequence[str]) -> dict[str, float]:
    out = {}
    for item in [items] if isinstance(items, str) else items:
        name, sep, text = str(item).partition("=")
        try:
            value = float(text)
        except ValueError:
            value = None
        if not sep or not name.strip() or value is None:
            raise ValidationError(
                f"expected NAME=WEIGHT (e.g. meetups_held=2), got {item!r}", file="--weight"
            )
        out[name.strip()] = value
    return out


# --------------------------------------------------------------------------- result
@dataclass
class CalibrationResult:
    """A finished calibration.

    Attributes:
        path: The output folder.
        manifest: ``calibration.json`` (identity, settings, results).
        trials: One row per trial (``trial``, ``batch``, ``state``, one column per
            key, ``distance``, ``error.<target>``, ``model.<target>``, ``seed``,
            ``replicates``, ``accepted``).
        space: The fitted parameters.
        targets: The targets.
        best: The best trial's values by key.
        best_trial: Its number.
        uncertainty: Noise, acceptance threshold, ranges, identifiability notes.
        fit_timeseries: The best point's replicates on the calibration's streams.
        evaluated: Trials run by this call (the others were stored already).
        seconds: Wall time of this call.

    Examples:
        :func:`calibrate` and :func:`load_calibration` return one (see
        :func:`calibrate` for a real run). Made by hand from four trials:

        >>> from sim.calibration.uncertainty import assess
        >>> q = FitParameter("model.q", 0.1, 0.9)
        >>> trials = pd.DataFrame({"trial": [0, 1, 2, 3, 4], "state": ["complete"] * 5,
        ...                        "model.q": [0.2, 0.36, 0.38, 0.41, 0.8],
        ...                        "distance": [0.5, 0.032, 0.031, 0.03, 0.6]})
        >>> res = CalibrationResult(Path("fit"), {"name": "bass"}, trials, [q], [],
        ...                         {"model.q": 0.41}, 3, assess(trials, [q], [0.03, 0.032]),
        ...                         pd.DataFrame())
        >>> res.best_distance, res.ranges
        (0.03, {'model.q': (0.36, 0.41)})
        >>> print(res)
        bass: 5 trials, best distance 0.03 (trial 3; Monte Carlo noise 0.0014, 3 trial(s) within it)
          model.q = 0.41  (range 0.36 - 0.41)
        >>> res.notes
        ['model.q is identified: 0.36 to 0.41 (6% of its bounds) fit within the noise of the best.']
    """

    path: Path
    manifest: dict[str, Any]
    trials: pd.DataFrame
    space: list[FitParameter]
    targets: list[Target]
    best: dict[str, Any]
    best_trial: int
    uncertainty: Uncertainty
    fit_timeseries: pd.DataFrame
    evaluated: int = 0
    seconds: float = 0.0

    @property
    def best_distance(self) -> float:
        """The best trial's distance."""
        return self.uncertainty.best_distance

    @property
    def ranges(self) -> dict[str, tuple[float, float]]:
        """Per key, the range of values within the Monte Carlo noise of the best."""
        return self.uncertainty.ranges

    @property
    def notes(self) -> list[str]:
        """Identifiability, in words."""
        return self.uncertainty.notes

    def __str__(self) -> str:
        u = self.uncertainty
        lines = [
            f"{self.manifest.get('name')}: {len(self.trials)} trials, best distance "
            f"{u.best_distance:.4g} (trial {self.best_trial}; Monte Carlo noise {u.noise:.2g}, "
            f"{u.n_accepted} trial(s) within it)"
        ]
        for p in self.space:
            lo, hi = u.ranges[p.key]
            lines.append(
                f"  {p.key} = {_show(self.best[p.key])}  (range {_show(lo)} - {_show(hi)})"
            )
        return "\n".join(lines)


def _show(x: Any) -> str:
    return f"{x:.4g}" if isinstance(x, float) else str(x)


def _space_from(manifest: dict[str, Any]) -> list[FitParameter]:
    return [
        FitParameter(d["key"], d["low"], d["high"], d["log"], d["integer"])
        for d in manifest["identity"]["fit"]
    ]


def load_calibration(path: str | os.PathLike[str]) -> CalibrationResult:
    """Read a finished calibration folder.

    Args:
        path: The folder ``DIR``.

    Returns:
        The result (``evaluated`` = 0).

    Raises:
        ValidationError: Not a finished calibration folder (an interrupted one is
            ``DIR.partial``: rerun the command to finish it).
        SimError: A file of the folder cannot be read.

    Examples:
        >>> load_calibration("no/such/folder")
        Traceback (most recent call last):
        ...
        sim.errors.ValidationError: no/such/folder: not a finished calibration folder
    """
    folder = Path(path)
    mpath = folder / MANIFEST
    if not mpath.is_file() or not (folder / "trials.parquet").is_file():
        hint = ""
        if folder.with_name(folder.name + ".partial").is_dir():
            hint = " (an interrupted one is in .partial: rerun the same command to finish it)"
        raise ValidationError(f"{folder}: not a finished calibration folder{hint}")
    try:
        manifest = json.loads(mpath.read_text(encoding="utf-8"))
        trials = pd.read_parquet(folder / "trials.parquet")
        fit_ts = pd.read_parquet(folder / "fit_timeseries.parquet")
    except Exception as exc:  # pyarrow and json raise many types
        raise SimError(f"{folder}: cannot read the calibration ({exc})") from None
    results = manifest["results"]
    u = results["uncertainty"]
    unc = Uncertainty(
        best_distance=u["best_distance"],
        noise=u["noise"],
        noise_distances=u["noise_distances"],
        threshold=u["threshold"],
        ranges={k: tuple(v) for k, v in u["ranges"].items()},
        coverage=u["coverage"],
        correlations={(a, b): r for a, b, r in u["correlations"]},
        n_accepted=u["accepted"],
        notes=u["notes"],
    )
    return CalibrationResult(
        path=folder,
        manifest=manifest,
        trials=trials,
        space=_space_from(manifest),
        targets=[Target.from_dict(t) for t in manifest["identity"]["targets"]],
        best=results["best"],
        best_trial=results["best_trial"],
        uncertainty=unc,
        fit_timeseries=fit_ts,
    )


# --------------------------------------------------------------------------- running
def _record(
    plan: CalibrationPlan, number: int, batch: int, values: dict[str, Any]
) -> dict[str, Any]:
    rec: dict[str, Any] = {"trial": number, "batch": batch, "state": "complete"}
    rec.update(values)
    rec["distance"] = float("nan")
    for t in plan.targets:
        rec[f"error.{t.label}"] = float("nan")
        if t.kind != "series":
            rec[f"model.{t.label}"] = float("nan")
    rec.update(seed=plan.seed, replicates=plan.replicates, seconds=0.0, message="")
    return rec


def _score(plan: CalibrationPlan, rec: dict[str, Any], ts: pd.DataFrame) -> dict[str, Any]:
    targets = plan.targets.items
    values = model_values(ts, targets)
    errors = target_errors(ts, targets, values)
    rec["distance"] = distance(errors, targets)
    for t in targets:
        rec[f"error.{t.label}"] = errors[t.label]
        if t.kind != "series":
            v = values[t.label]
            ok = v[~np.isnan(v)]
            rec[f"model.{t.label}"] = float(ok.mean()) if ok.size else float("nan")
    return rec


def _task(plan: CalibrationPlan, name: str, scenario: Any, seed: int) -> Any:
    from sim.experiments.batch import PointTask

    return PointTask(name, 0, {}, seed, tuple(range(plan.replicates)), scenario)


def _result(ex: Any, fut: Any) -> Any:
    from concurrent.futures.process import BrokenProcessPool

    try:
        return ex.result(fut)
    except BrokenProcessPool as exc:
        raise SimError(
            f"a worker process died ({exc}); the finished trials are stored: rerun the same "
            "command to resume"
        ) from None
    except Exception as exc:  # a Dask worker lost
        raise SimError(
            f"a trial could not run ({type(exc).__name__}: {exc}); the finished trials are "
            "stored: rerun the same command to resume"
        ) from None


def _evaluator(
    plan: CalibrationPlan, ex: Any, store: CalibrationStore, bar: TrialProgress
) -> Callable[[list[tuple[int, dict[str, Any]]]], Iterator[dict[str, Any]]]:
    def evaluate(todo: list[tuple[int, dict[str, Any]]]) -> Iterator[dict[str, Any]]:
        in_flight: dict[Any, dict[str, Any]] = {}
        for number, values in todo:
            rec = _record(plan, number, number // plan.batch, values)
            try:
                scenario = plan.make(values)
            except ValidationError as exc:  # e.g. two fitted keys that clash
                rec.update(state="failed", message=str(exc))
                store.write_trial(rec)
                bar.advance(float("nan"))
                yield rec
                continue
            fut = ex.submit([_task(plan, f"trial-{number}", scenario, plan.seed)], True)
            in_flight[fut] = rec
        while in_flight:
            done, _ = ex.wait(set(in_flight))
            for fut in sorted(done, key=lambda f: in_flight[f]["trial"]):
                rec = in_flight.pop(fut)
                res = _result(ex, fut)
                rec["seconds"] = float(res.seconds)
                if res.failures:
                    rec.update(state="failed", message=str(res.failures[0]["error"]))
                else:
                    _score(plan, rec, res.timeseries)
                store.write_trial(rec)
                bar.advance(rec["distance"])
                yield rec

    return evaluate


def _finish_runs(
    plan: CalibrationPlan, ex: Any, best: dict[str, Any]
) -> tuple[pd.DataFrame, list[float], list[int]]:
    """The best point on the calibration's streams and on fresh ones."""
    seeds = [plan.seed, *noise_seeds(plan.seed, plan.noise_evaluations)]
    scenario = plan.make(best)
    futures = {
        ex.submit([_task(plan, f"noise-{i}", scenario, s)], True): i for i, s in enumerate(seeds)
    }
    series: dict[int, pd.DataFrame] = {}
    pending = set(futures)
    while pending:
        done, pending = ex.wait(pending)
        for fut in done:
            res = _result(ex, fut)
            if res.failures:
                raise SimError(f"the best point failed to run again: {res.failures[0]['error']}")
            series[futures[fut]] = res.timeseries
    dists = []
    for i in range(len(seeds)):
        errors = target_errors(series[i], plan.targets.items)
        dists.append(distance(errors, plan.targets.items))
    keep = [c for c in series[0].columns if c not in ("point", "run_id")]
    return series[0][keep].reset_index(drop=True), dists, seeds


def run_calibration(
    plan: CalibrationPlan,
    *,
    executor: Any = None,
    workers: int | None = None,
    scheduler: str | None = None,
    connect_timeout: float = 5.0,
    force: bool = False,
    report: bool = True,
    progress: ProgressArg = None,
    log_every: int | None = None,
    stream: Any = None,
    announce: Callable[[CalibrationPlan, int, int, str], None] | None = None,
) -> CalibrationResult:
    """Run (or resume, or extend) a planned calibration.

    Args:
        plan: From :func:`plan_calibration`.
        executor: ``"local"`` (default), ``"dask"``, a ``distributed.Client`` or an
            :class:`~sim.experiments.executors.Executor` (left running).
        workers: Worker processes (default: every core).
        scheduler: Dask scheduler address.
        connect_timeout: Seconds to wait for a Dask scheduler.
        force: Start over, deleting an existing calibration in the folder.
        report: Write ``report.html`` (figures take a few seconds).
        progress: See :data:`~sim.calibration.progress.ProgressArg`.
        log_every: Trials between log lines when not on a terminal.
        stream: Where progress goes (default ``sys.stderr``).
        announce: Called as ``announce(plan, stored, to_run, executor)`` before the
            first trial.

    Returns:
        The result.

    Raises:
        ValidationError: A folder holding another calibration or in use, bad executor
            options, an unreachable scheduler.
        SimError: A worker died, or every trial failed (finished trials are kept).

    Examples:
        A run writes ``plan.path`` (see :func:`calibrate`, which plans and runs);
        options are checked before anything is written:

        >>> sc = {"name": "bass", "seed": 1, "replicates": 2, "steps": 20,
        ...       "model": {"name": "bass_mean_field", "p": 0.01, "q": 0.3, "n": 1000}}
        >>> targets = {"targets": {"cumulative_adopted": {"at": 20, "value": 600}}}
        >>> plan = plan_calibration(sc, targets, ["model.q=0.1:0.9"], trials=4,
        ...                         out="no/such/folder/fit")
        >>> run_calibration(plan, executor="local", scheduler="tcp://h:8786")
        Traceback (most recent call last):
        ...
        sim.errors.ValidationError: --scheduler: a scheduler address needs --executor dask
        >>> plan.path.exists()
        False
    """
    from sim.experiments.executors import Executor, check_executor, open_executor

    started = time.perf_counter()
    stream = sys.stderr if stream is None else stream
    check_executor(executor, workers=workers, scheduler=scheduler)
    store = CalibrationStore(plan.path)
    with store.open(plan.manifest, plan.scenario.to_toml(), plan.trials, force=force):
        if store.finished:
            result = load_calibration(store.final)
            if report and not (store.final / "report.html").exists():  # asked for it now
                from sim.calibration.report import render_report
                from sim.experiments.sweep_store import atomic_write_text

                atomic_write_text(store.final / "report.html", render_report(result))
            result.seconds = time.perf_counter() - started
            return result
        done = {n: r for n, r in store.done().items() if n < plan.trials}
        if isinstance(executor, Executor):
            import contextlib

            opened: Any = contextlib.nullcontext(executor)
        else:
            opened = open_executor(
                executor, workers=workers, scheduler=scheduler, timeout=connect_timeout
            )
        with opened as ex:
            if announce is not None:
                announce(plan, len(done), plan.trials - len(done), ex.describe())
            bar = TrialProgress(
                f"calibrate {plan.scenario.name}",
                plan.trials - len(done),
                progress,
                log_every,
                stream,
            )
            for rec in done.values():
                if rec["distance"] == rec["distance"]:
                    bar.best = min(bar.best, float(rec["distance"]))
            try:
                records = run_search(
                    plan.space,
                    trials=plan.trials,
                    batch=plan.batch,
                    seed=plan.seed,
                    sampler=plan.sampler,
                    done=done,
                    evaluate=_evaluator(plan, ex, store, bar),
                )
            finally:
                bar.close()
            trials = pd.DataFrame([records[n] for n in sorted(records)])
            complete = trials[trials["state"] == "complete"]
            if complete.empty:
                raise SimError(f"every trial failed; first error: {trials['message'].iloc[0]}")
            best_row = complete.loc[complete["distance"].idxmin()]
            best = {p.key: p.typed(best_row[p.key]) for p in plan.space}
            fit_ts, dists, seeds = _finish_runs(plan, ex, best)
        dists[0] = float(best_row["distance"])  # the search's own value (identical)
        unc = assess(trials, plan.space, dists)
        trials["accepted"] = (trials["state"] == "complete") & (trials["distance"] <= unc.threshold)
        result = CalibrationResult(
            path=plan.path,
            manifest=dict(plan.manifest),
            trials=trials,
            space=plan.space,
            targets=plan.targets.items,
            best=best,
            best_trial=int(best_row["trial"]),
            uncertainty=unc,
            fit_timeseries=fit_ts,
            evaluated=len(trials) - len(done),
        )
        result.manifest["results"] = {
            "best_trial": result.best_trial,
            "best": best,
            "uncertainty": unc.to_dict(),
            "noise_seeds": seeds[1:],
            "before": plan.before,
            "trials_done": len(trials),
            "failed": int((trials["state"] != "complete").sum()),
        }
        files = _result_files(plan, result, report)
        store.finalize(result.manifest, files)
    result.seconds = time.perf_counter() - started
    return result


def _result_files(plan: CalibrationPlan, result: CalibrationResult, report: bool) -> dict[str, Any]:
    from sim.calibration.fitted import fitted_toml
    from sim.calibration.report import render_report

    expected = plan.make(result.best).model_copy(
        update={"seed": plan.seed, "replicates": plan.replicates}
    )
    u = result.uncertainty
    header = "\n".join(
        [
            f"# Calibrated by wom calibrate ({time.strftime('%Y-%m-%d')}): "
            f"{len(result.trials)} trials x {plan.replicates} replicates, seed {plan.seed}.",
            f"# Best distance {u.best_distance:.4g} (Monte Carlo noise {u.noise:.2g}); "
            "fitted values and their ranges:",
            *(
                f"#   {p.key} = {_show(result.best[p.key])} (within the noise: "
                f"{_show(u.ranges[p.key][0])} to {_show(u.ranges[p.key][1])})"
                for p in plan.space
            ),
            ("# See report.html next to this file. " if report else "# ")
            + "Run it with: wom run best.toml",
        ]
    )
    # ``outputs.people`` was switched off for the trials only: the file keeps the user's.
    expected = _with_user_outputs(plan, expected)
    best_toml = fitted_toml(
        expected,
        result.best,
        plan.before,
        source_text=plan.source_text,
        header=header,
        where=plan.path / "best.toml",
    )
    files = {
        "trials.parquet": result.trials,
        "fit_timeseries.parquet": result.fit_timeseries,
        "best.toml": best_toml,
    }
    if report:
        files["report.html"] = render_report(result)
    return files


def _with_user_outputs(plan: CalibrationPlan, sc: Any) -> Any:
    outputs = plan.scenario.outputs
    return sc.model_copy(update={"outputs": outputs})


def calibrate(
    scenario: Any,
    targets: Any,
    fit: Any = None,
    *,
    trials: int = 100,
    replicates: int | None = None,
    seed: int | None = None,
    batch: int = 8,
    sampler: str = "tpe",
    arm: str | None = None,
    weights: Mapping[str, float] | Sequence[str] | None = None,
    step_days: float | None = None,
    out: str | os.PathLike[str] | None = None,
    force: bool = False,
    report: bool = True,
    executor: Any = None,
    workers: int | None = None,
    scheduler: str | None = None,
    connect_timeout: float = 5.0,
    progress: ProgressArg = None,
    log_every: int | None = None,
    noise_evaluations: int = NOISE_EVALUATIONS,
    command: str | None = None,
) -> CalibrationResult:
    """Find the values of scenario keys that make the model reproduce the targets.

    Rerunning the same call resumes an interrupted calibration (finished trials are
    kept, each once) or returns a finished one; with more ``trials`` it continues the
    same sequence. The trials do not depend on ``workers`` or the executor.

    Args:
        scenario: A scenario file path, a dict, or a :class:`~sim.scenario.Scenario`.
        targets: A targets file (``.toml`` or ``.csv``), a dict, a DataFrame, or a
            list of them (:func:`~sim.calibration.targets.load_targets`).
        fit: The fitted keys: ``["word_of_mouth.persuasion=0.05:1", ...]``,
            ``{"model.p": (0.001, 0.1, "log")}``, or ``None`` to use the targets
            file's ``[fit]`` table (a key given here replaces the table's).
        trials: Number of trials.
        replicates: Replicates per trial (default: the scenario's).
        seed: Master seed (default: the scenario's); every trial uses it (common
            random numbers) and the sampler's seeds derive from it.
        batch: Trials asked from the optimiser at once (evaluated in parallel).
        sampler: ``tpe`` (default) or ``random``.
        arm: The arm to calibrate, for a scenario with arms (default: the first).
        weights: Weights by target label or output (``{"meetups_held": 2}`` or
            ``["meetups_held=2"]``); default 1 each.
        step_days: Days per step, for a series with a ``date`` column (default 7
            for ``wom``).
        out: Output folder (default ``results/<name>-calibration``).
        force: Delete an existing calibration in ``out`` and start over.
        report: Write ``report.html`` (the figures take a few seconds).
        executor: ``"local"`` (default), ``"dask"``, a ``distributed.Client`` or an
            :class:`~sim.experiments.executors.Executor`.
        workers: Worker processes (default: every core).
        scheduler: Dask scheduler address (``tcp://host:8786``).
        connect_timeout: Seconds to wait for the scheduler.
        progress: ``None``: a bar on a terminal, else log lines; ``False``: silent;
            a function ``f(done, total, best_distance)``.
        log_every: Trials between log lines when not on a terminal.
        noise_evaluations: Fresh stream sets the best point is re-run on.
        command: The command line, for the manifest.

    Returns:
        The :class:`CalibrationResult` (also written to ``out``).

    Raises:
        ValidationError: A target that is not a model output (the message lists the
            valid names), a fit key not in the scenario, bounds reversed or outside
            the key's valid range, a log bound at or below zero, a series cell that
            is not a number or is missing (naming file and line), a folder holding
            another calibration, bad options. Nothing is written then.
        SimError: A worker died or every trial failed (finished trials are kept).

    Examples:
        >>> import sim, tempfile
        >>> out = tempfile.mkdtemp() + "/fit"
        >>> sc = {"name": "bass", "seed": 1, "replicates": 2, "steps": 20,
        ...       "model": {"name": "bass_mean_field", "p": 0.01, "q": 0.3, "n": 1000}}
        >>> targets = {"targets": {"cumulative_adopted": {"at": 20, "value": 600}}}
        >>> res = sim.calibrate(sc, targets, ["model.q=0.1:0.9"], trials=8, out=out,
        ...                     workers=1, progress=False, report=False, noise_evaluations=2)
        >>> len(res.trials), sorted(res.best), res.evaluated
        (8, ['model.q'], 8)
        >>> sim.calibrate(sc, targets, ["model.q=0.1:0.9"], trials=8, out=out,
        ...               progress=False, noise_evaluations=2).evaluated  # finished already
        0
    """
    plan = plan_calibration(
        scenario,
        targets,
        fit,
        trials=trials,
        replicates=replicates,
        seed=seed,
        batch=batch,
        sampler=sampler,
        arm=arm,
        weights=weights,
        step_days=step_days,
        noise_evaluations=noise_evaluations,
        out=out,
        command=command,
    )
    return run_calibration(
        plan,
        executor=executor,
        workers=workers,
        scheduler=scheduler,
        connect_timeout=connect_timeout,
        force=force,
        report=report,
        progress=progress,
        log_every=log_every,
    )
