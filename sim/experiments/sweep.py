"""Parameter sweeps: many variants of a scenario, resumable, on any number of workers.

A sweep takes a scenario, a set of swept dotted keys (:mod:`sim.experiments.designs`)
and a design, and runs every point of the design ``R`` times (``replicates``). Each
point is the scenario with the point's values set as overrides, validated like
``wom run --set key=value``; any key a scenario can hold can be swept.

Seeds. The sweep has a master seed ``S`` (``--seed``, ``[sweep] seed``, else the
scenario's ``seed``; the scenario is loaded with ``seed = S`` so that networks
without their own seed follow it). Replicate ``r`` of a point draws from child ``r``
of ``SeedSequence(seed_i)`` where ``seed_i`` is the point's master seed:

* with **common random numbers** (the default), ``seed_i = S`` for every point:
  replicate ``r`` of every point uses the same random stream, so differences between
  points are differences in parameters, not noise between runs (heatmaps are smooth
  and Sobol indices far less noisy); a point is exactly ``wom run SCENARIO --seed S
  --replicates R --set key=value ...``;
* without, ``seed_i`` is derived from ``(S, i)`` (:func:`point_seed`): independent
  streams per point.

Every stored row holds its ``seed`` and ``replicate``, enough to rerun that run alone.

Storage, resume and crash safety: see :mod:`sim.experiments.sweep_store`. Where runs
execute: :mod:`sim.experiments.executors`.

Examples:
    >>> import sim, tempfile
    >>> out = tempfile.mkdtemp() + "/demo"
    >>> summary = sim.sweep({"name": "demo", "replicates": 2, "network": {"dataset": "karate"},
    ...     "model": {"name": "ic", "p": 0.1}, "seeding": {"k": 1}},
    ...     values={"model.p": [0.1, 0.3]}, out=out, workers=1, progress=False)
    >>> summary.done, summary.failed
    (4, 0)
    >>> sim.load_sweep(out)[["model.p", "arm", "replicate", "seed"]].shape
    (4, 4)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import ValidationError
from sim.experiments.batch import PointTask, run_id
from sim.experiments.designs import (
    Design,
    Parameter,
    make_design,
    make_range,
    parse_range,
    unique_values,
)
from sim.experiments.designs import parse_set as parse_values
from sim.experiments.scenario_points import (
    LEAN_OUTPUTS,
    MISSING,
    canonical_key,
    key_path,
    lookup,
    scenario_source,
)
from sim.experiments.sweep_store import FAILURES, FORMAT, RUNS, SERIES, SweepFolder

__all__ = [
    "SweepPlan",
    "SweepSummary",
    "load_failures",
    "load_sweep",
    "plan_sweep",
    "point_seed",
    "run_plan",
    "sweep",
]

#: Keys that cannot be swept, and why.
_NOT_SWEPT = {
    "seed": "the sweep's master seed is --seed (or [sweep] seed); replicates are the "
    "independent runs",
    "replicates": "give the number of replicates with --replicates",
    "sweep": "the [sweep] section describes the sweep itself",
    "arms": "sweep keys inside an arm instead (arms[0].model.p)",
}

ValuesArg = Mapping[str, Sequence[Any]] | Sequence[str] | None
RangesArg = Mapping[str, Sequence[float]] | Sequence[str] | None
ProgressArg = bool | Callable[[int, int], None] | None


# --------------------------------------------------------------------------- plan
@dataclass
class SweepPlan:
    """A sweep ready to run: its folder, design, points and manifest.

    Attributes:
        path: The sweep folder.
        scenario: The base scenario (with the sweep's seed).
        design: The design.
        tasks: One task per distinct point, in design order (all replicates).
        replicates: Replicates per point.
        timeseries: Whether per-step rows are kept.
        manifest: What ``sweep.json`` holds.
        settings: Executor settings from the scenario's ``[sweep]`` section.
    """

    path: Path
    scenario: Any
    design: Design
    tasks: list[PointTask]
    replicates: int
    timeseries: bool
    manifest: dict[str, Any]
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def runs(self) -> int:
        """Number of distinct runs (points with distinct values times replicates)."""
        return len(self.tasks) * self.replicates


def point_seed(seed: int, point: int) -> int:
    """The master seed of point ``point`` when points do not share random numbers.

    Args:
        seed: The sweep's master seed.
        point: The point's index in the design.

    Returns:
        An integer in ``[0, 2**32)`` derived from ``SeedSequence(seed, spawn_key=(point,))``.

    Examples:
        >>> point_seed(1, 0) == point_seed(1, 0) != point_seed(1, 1)
        True
    """
    ss = np.random.SeedSequence(seed, spawn_key=(point,))
    return int(ss.generate_state(1, dtype=np.uint32)[0])


def _parameters(
    section: Any, values: ValuesArg, ranges: RangesArg, base_data: dict[str, Any]
) -> list[Parameter]:
    params: dict[str, Parameter] = {}
    if section is not None:
        for key, vals in section.set.items():
            params[key] = Parameter(key, values=tuple(vals), origin="[sweep]")
        for key, (lo, hi) in section.range.items():
            params[key] = make_range(key, lo, hi, origin="[sweep]")
    cli: list[Parameter] = []
    if isinstance(values, Mapping):
        for key, vals in values.items():
            vals = list(vals) if isinstance(vals, list | tuple | np.ndarray) else [vals]
            if not vals:
                raise ValidationError("empty value list", key=str(key), file="--set")
            cli.append(Parameter(str(key), values=unique_values(vals)))
    elif values is not None:
        cli += [parse_values(item) for item in ([values] if isinstance(values, str) else values)]
    if isinstance(ranges, Mapping):
        for key, bounds in ranges.items():
            if len(bounds) != 2:
                raise ValidationError(
                    f"expected (lo, hi), got {bounds!r}", key=str(key), file="--range"
                )
            cli.append(make_range(str(key), bounds[0], bounds[1]))
    elif ranges is not None:
        cli += [parse_range(item) for item in ([ranges] if isinstance(ranges, str) else ranges)]
    seen_cli: dict[str, str] = {}
    for p in cli:
        if p.key in seen_cli:
            raise ValidationError(
                f"swept twice ({seen_cli[p.key]} and {p.origin}); give each key once",
                key=p.key,
                file=p.origin,
            )
        seen_cli[p.key] = p.origin
        params[p.key] = p  # a command-line key replaces the [sweep] section's
    out = []
    for p in params.values():
        try:
            path = key_path(p.key)
        except ValidationError as exc:
            exc.file = p.origin
            raise
        head = path[0]
        if head in _NOT_SWEPT and (len(path) == 1 or head == "sweep"):
            raise ValidationError(f"cannot be swept: {_NOT_SWEPT[head]}", key=p.key, file=p.origin)
        out.append(_typed(p, lookup(base_data, p.key)))
    return out


def _typed(p: Parameter, current: Any) -> Parameter:
    """A range on an integer key holds integers; on a real key, reals."""
    if not p.is_range:
        return p
    is_int = isinstance(current, int) and not isinstance(current, bool)
    is_real = isinstance(current, float)
    if is_real or (current is not MISSING and not is_int and not p.integer):
        return replace(p, integer=False)
    if is_int or p.integer:
        lo, hi = math.ceil(p.low), math.floor(p.high)  # type: ignore[arg-type]
        if lo >= hi:
            raise ValidationError(
                f"integer key: the range {p.low}:{p.high} holds fewer than two integers",
                key=p.key,
                file=p.origin,
            )
        return replace(p, low=lo, high=hi, integer=True)
    return p


def _column(values: list[Any]) -> list[Any]:
    """One Parquet-friendly type per column: bool, int, float, str, list, else JSON text."""
    kinds = {type(v) for v in values}
    if kinds <= {bool} or kinds <= {int} or kinds <= {str} or kinds <= {float}:
        return values
    if kinds <= {int, float}:
        return [float(v) for v in values]
    if kinds <= {list} and _same_item_type(values):
        return values
    return [v if isinstance(v, str) else json.dumps(v, sort_keys=True) for v in values]


def _same_item_type(lists: list[list[Any]]) -> bool:
    kinds = {type(x) for lst in lists for x in lst}
    return len(kinds) <= 1 and not (kinds & {list, dict})


def _point_error(
    exc: ValidationError,
    index: int,
    values: dict[str, Any],
    params: list[Parameter],
    text: str | None,
    label: str | None,
) -> ValidationError:
    """The error of an invalid point, pointing at where the swept value was given."""
    from sim.scenario import OVERRIDE_FILE
    from sim.scenario.issues import format_key

    err = ValidationError(exc.message, key=exc.key, file=exc.file, line=exc.line, col=exc.col)
    about_swept_key = False
    if exc.file == OVERRIDE_FILE and exc.key is not None:
        at = canonical_key(exc.key)
        for p in params:
            if canonical_key(p.key) != at:
                continue
            about_swept_key = True
            err.file = p.origin
            if p.origin == "[sweep]":
                kind = "range" if p.is_range else "set"
                err.file, err.key = label, format_key(("sweep", kind, p.key))
                if text is not None:
                    from sim.scenario.positions import find_positions

                    span = find_positions(text).get(("sweep", kind, p.key))
                    if span is not None:
                        err.line, err.col = span.value.line, span.value.col
    if index > 0 or not about_swept_key:
        shown = ", ".join(f"{k} = {v!r}" for k, v in values.items())
        err.message += f" (at sweep point {index}: {shown})"
    return err


def plan_sweep(
    scenario: Any,
    *,
    out: str | os.PathLike[str] | None = None,
    design: str | None = None,
    samples: int | None = None,
    replicates: int | None = None,
    values: ValuesArg = None,
    ranges: RangesArg = None,
    seed: int | None = None,
    levels: int | None = None,
    common_random_numbers: bool | None = None,
    timeseries: bool | None = None,
    command: str | None = None,
) -> SweepPlan:
    """Resolve a sweep without running it: validate every point, derive seeds and keys.

    Arguments given here override the scenario's ``[sweep]`` section, key by key
    for ``values`` and ``ranges``.

    Args:
        scenario: A scenario file path, a dict, or a :class:`~sim.scenario.Scenario`.
        out: The sweep folder (default ``results/<name>-sweep``).
        design: ``grid``, ``random``, ``lhs``, ``sobol`` or ``morris``.
        samples: See :func:`~sim.experiments.designs.make_design`.
        replicates: Replicates per point (default: the scenario's ``replicates``).
        values: Lists of values by key (``{"model.q": [0, 0.05]}``), or
            ``--set``-style strings (``["model.q=0,0.05"]``).
        ranges: Ranges by key (``{"model.p": (0.01, 0.2)}``), or ``--range``-style
            strings (``["model.p=0.01:0.2"]``).
        seed: The sweep's master seed (default: the scenario's ``seed``).
        levels: Morris grid levels.
        common_random_numbers: Whether every point uses the same random streams
            (default true).
        timeseries: Keep per-step rows (default false).
        command: The command line, recorded in the manifest.

    Returns:
        The plan.

    Raises:
        ValidationError: A bad option, an unknown or unsweepable key, an empty value
            list, an empty range, or a point whose scenario is invalid (the error
            names the key, where it was given and the point).

    Examples:
        >>> sc = {"name": "s", "replicates": 2,
        ...     "network": {"dataset": "karate"}, "model": {"name": "ic", "p": 0.2},
        ...     "seeding": {"k": 1}}
        >>> plan = plan_sweep(sc, values={"model.p": [0.1, 0.2, 0.3]}, replicates=4)
        >>> plan.design.kind, len(plan.tasks), plan.replicates, plan.runs, str(plan.path)
        ('grid', 3, 4, 12, 'results/s-sweep')
        >>> plan_sweep(sc, values={"model.p": [0.1, 1.5]})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        sim.errors.ValidationError: --set: model.p: must be in [0, 1], got 1.5 (at sweep point 1...
    """
    from sim.contagion._common import check_int

    if seed is not None:
        seed = check_int(seed, "--seed", minimum=0)
    base, make, text = scenario_source(scenario)
    section = base.sweep
    label = None if text is None else os.fspath(scenario)
    kind = design or (section.design if section is not None else "grid")
    samples = samples if samples is not None else (section.samples if section else None)
    levels = levels if levels is not None else (section.levels if section else 4)
    sweep_seed = seed if seed is not None else (section.seed if section else None)
    sweep_seed = base.seed if sweep_seed is None else sweep_seed
    # The scenario is loaded with seed = S, so that networks without a seed of their
    # own follow the sweep's seed (as with `wom run --seed S`).
    overrides_seed = {} if sweep_seed == base.seed else {"seed": sweep_seed}
    if overrides_seed:
        base = make(overrides_seed)
    crn = common_random_numbers
    if crn is None:
        crn = section.common_random_numbers if section is not None else True
    if timeseries is None:
        timeseries = section.timeseries if section is not None else False
    reps = (
        base.replicates if replicates is None else check_int(replicates, "--replicates", minimum=1)
    )
    base_data = base.to_dict()
    base_data.pop("sweep", None)
    params = _parameters(section, values, ranges, base_data)
    the_design = make_design(params, kind, samples=samples, seed=sweep_seed, levels=levels)
    # Outputs a sweep does not store are not computed (the numbers do not change).
    swept = {canonical_key(p.key) for p in params}
    lean = {
        key: value
        for key, value in LEAN_OUTPUTS.items()
        if key not in swept and lookup(base_data, key) not in (MISSING, value)
    }
    fixed = {**overrides_seed, **lean}

    tasks: dict[str, PointTask] = {}
    rows: list[dict[str, Any]] = []
    stored: dict[str, list[Any]] = {p.key: [] for p in params}
    for i, point in enumerate(the_design.points):
        try:
            sc = make({**fixed, **point})
        except ValidationError as exc:
            raise _point_error(exc, i, point, params, text, label) from None
        resolved = sc.to_dict()
        resolved.pop("sweep", None)
        s_i = sweep_seed if crn else point_seed(sweep_seed, i)
        digest = json.dumps({"scenario": resolved, "seed": s_i}, sort_keys=True, default=str)
        key = hashlib.sha256(digest.encode()).hexdigest()[:16]
        for p in params:
            value = lookup(resolved, p.key)
            stored[p.key].append(point[p.key] if value is MISSING else value)
        rows.append({"point": i, "key": key, "seed": s_i})
        if key not in tasks:
            tasks[key] = PointTask(key, i, {}, s_i, tuple(range(reps)), sc)
    columns = {k: _column(v) for k, v in stored.items()}
    for i, row in enumerate(rows):
        row["params"] = {k: columns[k][i] for k in columns}
        task = tasks[row["key"]]
        if task.point == i:
            task.params = row["params"]
    path = Path(out) if out is not None else Path("results") / f"{base.name}-sweep"
    manifest = _manifest(base, base_data, the_design, rows, reps, crn, timeseries, command)
    manifest["runs"] = len(tasks) * reps
    settings = {}
    if section is not None:
        settings = {"executor": section.executor, "workers": section.workers}
        settings["scheduler"] = section.scheduler
    return SweepPlan(
        path=path,
        scenario=base,
        design=the_design,
        tasks=list(tasks.values()),
        replicates=reps,
        timeseries=bool(timeseries),
        manifest=manifest,
        settings=settings,
    )


def _manifest(
    base: Any,
    base_data: dict[str, Any],
    design: Design,
    rows: list[dict[str, Any]],
    replicates: int,
    crn: bool,
    timeseries: bool,
    command: str | None,
) -> dict[str, Any]:
    import importlib.metadata as md

    versions = {}
    for pkg in ("wom-sim", "numpy", "numba", "pandas", "SALib"):
        try:
            versions[pkg] = md.version(pkg)
        except md.PackageNotFoundError:  # pragma: no cover
            versions[pkg] = None
    digest = hashlib.sha256("\n".join(f"{r['key']}" for r in rows).encode()).hexdigest()
    return {
        "format": FORMAT,
        "name": base.name,
        "design": {
            "kind": design.kind,
            "samples": design.samples,
            "levels": design.levels if design.kind == "morris" else None,
            "seed": design.seed,
            "common_random_numbers": bool(crn),
            "replicates": replicates,
            "timeseries": bool(timeseries),
            "parameters": [p.to_dict() for p in design.parameters],
            "scenario": base_data,
        },
        "points_digest": digest,
        "arms": [name for name, _ in base.arm_scenarios()],
        "points": rows,
        "matrix": None if design.matrix is None else design.matrix.tolist(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "command": command,
        "versions": versions,
    }


# --------------------------------------------------------------------------- running
@dataclass
class SweepSummary:
    """What a call to :func:`sweep` did.

    Attributes:
        path: The sweep folder.
        runs: Distinct runs in the sweep.
        done: Runs finished by this call.
        skipped: Runs already finished before it (resumed).
        failed: Runs that raised (recorded in ``failures/``; retried on rerun).
        seconds: Wall time of the call.
        worker_seconds: Time workers spent running batches.
        executor: Where runs went (``"local, 2 processes"``).
        first_error: The first failure's message, if any.

    Examples:
        >>> import sim, tempfile
        >>> sc = {"name": "s", "replicates": 2,
        ...     "network": {"dataset": "karate"}, "model": {"name": "ic", "p": 0.2},
        ...     "seeding": {"k": 1}}
        >>> out = tempfile.mkdtemp() + "/s"
        >>> done = sim.sweep(sc, values={"seeding.k": [1, 2]}, out=out, workers=1,
        ...                  progress=False)
        >>> done.path.name, done.runs, done.done, done.skipped, done.failed, done.executor
        ('s', 4, 4, 0, 0, 'local, 1 process')
        >>> done.first_error is None, done.seconds > 0, done.worker_seconds > 0
        (True, True, True)
        >>> done.seconds_per_run > 0, done.runs_per_second > 0
        (True, True)
        >>> done.load()[["seeding.k", "replicate", "final_adopted"]].shape
        (4, 3)
    """

    path: Path
    runs: int
    done: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    worker_seconds: float = 0.0
    executor: str = ""
    first_error: str | None = None

    @property
    def seconds_per_run(self) -> float:
        """Worker time per run attempted (0 if none ran)."""
        n = self.done + self.failed
        return self.worker_seconds / n if n else 0.0

    @property
    def runs_per_second(self) -> float:
        """Runs attempted per second of wall time (0 if none ran)."""
        n = self.done + self.failed
        return n / self.seconds if n and self.seconds > 0 else 0.0

    def load(self) -> pd.DataFrame:
        """The sweep's rows (:func:`load_sweep`).

        Returns:
            The tidy frame: one row per finished (run, arm).

        Raises:
            ValidationError: If :attr:`path` is no longer a sweep folder.

        Examples:
            The class's example loads a real sweep; the folder is read afresh:

            >>> SweepSummary(path=Path("no/such/folder"), runs=0).load()
            Traceback (most recent call last):
            ...
            sim.errors.ValidationError: sweep: no/such/folder: no such sweep folder
        """
        return load_sweep(self.path)

    def __str__(self) -> str:
        text = (
            f"done {self.done}, skipped {self.skipped}, failed {self.failed} "
            f"(of {self.runs} runs) in {self.seconds:.1f} s"
        )
        if self.done + self.failed:
            text += (
                f": {self.runs_per_second:.1f} runs/s, "
                f"{1000 * self.seconds_per_run:.1f} ms per run per worker"
            )
        if self.executor:
            text += f" ({self.executor})"
        return text


class _Progress:
    """A rich progress bar on a terminal; else a log line every ``every`` runs."""

    def __init__(
        self, label: str, total: int, progress: ProgressArg, every: int | None, stream: Any
    ) -> None:
        self.label, self.total, self.count, self.failed = label, total, 0, 0
        self.started = time.perf_counter()
        self.callback = progress if callable(progress) else None
        self.stream = stream
        self.bar = None
        self.every = every or max(1, min(1000, round(total / 10)))
        self.next_log = self.every
        is_tty = bool(getattr(stream, "isatty", lambda: False)())
        self.log = (progress is None or progress is True) and not is_tty
        if (progress is None or progress is True) and is_tty:
            from sim.experiments.progress_bar import progress_bar

            self.bar, self.task = progress_bar(
                stream,
                label,
                total,
                "runs · {task.fields[rate]} · {task.fields[failed]}",
                rate="- runs/s",
                failed="0 failed",
            )

    def advance(self, runs: int, failed: int) -> None:
        self.count += runs
        self.failed += failed
        elapsed = time.perf_counter() - self.started
        rate = self.count / elapsed if elapsed > 0 else 0.0
        if self.callback is not None:
            self.callback(self.count, self.total)
        if self.bar is not None:
            self.bar.update(
                self.task,
                advance=runs,
                rate=f"{rate:.1f} runs/s",
                failed=f"{self.failed} failed",
            )
        elif self.log and (self.count >= self.next_log or self.count == self.total):
            while self.next_log <= self.count:
                self.next_log += self.every
            eta = (self.total - self.count) / rate if rate > 0 else float("nan")
            print(
                f"{self.label}: {self.count}/{self.total} runs "
                f"({100 * self.count / max(1, self.total):.0f}%), {self.failed} failed, "
                f"{rate:.1f} runs/s, ETA {_duration(eta)}",
                file=self.stream,
                flush=True,
            )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _duration(seconds: float) -> str:
    if not math.isfinite(seconds):
        return "?"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def _failure_rows(batch: list[PointTask], error: str) -> list[dict[str, Any]]:
    return [
        {
            **t.params,
            "point": t.point,
            "replicate": r,
            "seed": t.seed,
            "run_id": run_id(t.key, r),
            "error": error,
        }
        for t in batch
        for r in t.replicates
    ]


def run_plan(
    plan: SweepPlan,
    *,
    executor: Any = None,
    workers: int | None = None,
    scheduler: str | None = None,
    connect_timeout: float = 5.0,
    progress: ProgressArg = None,
    log_every: int | None = None,
    batch_seconds: float = 1.0,
    stream: Any = None,
    announce: Callable[[SweepSummary, int], None] | None = None,
) -> SweepSummary:
    """Run (or resume) a planned sweep.

    Args:
        plan: From :func:`plan_sweep`.
        executor: ``"local"``, ``"dask"``, a ``distributed.Client``, or an
            :class:`~sim.experiments.executors.Executor` to reuse across sweeps (left
            running); default: the ``[sweep]`` section's, else local.
        workers: Worker processes (default: every core).
        scheduler: Dask scheduler address.
        connect_timeout: Seconds to wait for a Dask scheduler.
        progress: ``None``: a bar on a terminal, else a log line every
            ``log_every`` runs; ``False``: silent; ``True``: bar or log lines; a
            function: called as ``progress(runs_done, runs_to_do)``.
        log_every: Runs between log lines (default: about a tenth of the sweep).
        batch_seconds: Target work per batch (fewer, larger files vs. less work
            in flight when killed).
        stream: Where progress goes (default ``sys.stderr``).
        announce: Called as ``announce(summary, runs_to_do)`` once the folder is
            ready and the executor started, before the first run.

    Returns:
        The summary.

    Raises:
        ValidationError: The folder holds another sweep or is in use; a bad executor
            option; an unreachable scheduler.
    """
    from sim.experiments.executors import Executor, check_executor, open_executor

    started = time.perf_counter()
    stream = sys.stderr if stream is None else stream
    settings = plan.settings
    if executor is None and scheduler is None and workers is None:
        executor = settings.get("executor")
        workers = settings.get("workers")
        scheduler = settings.get("scheduler")
    check_executor(executor, workers=workers, scheduler=scheduler)
    summary = SweepSummary(path=plan.path, runs=plan.runs)
    folder = SweepFolder(plan.path)
    with folder.open(plan.manifest, plan.scenario.to_toml()):
        done_ids = folder.done_run_ids()
        folder.take_failures()  # retried below
        pending: list[PointTask] = []
        for task in plan.tasks:
            reps = tuple(r for r in task.replicates if run_id(task.key, r) not in done_ids)
            if reps:
                pending.append(replace(task, replicates=reps))
        todo = sum(len(t.replicates) for t in pending)
        summary.skipped = plan.runs - todo
        if not pending:
            summary.seconds = time.perf_counter() - started
            return summary
        if isinstance(executor, Executor):  # the caller's: reused, not shut down
            opened: Any = contextlib.nullcontext(executor)
        else:
            opened = open_executor(
                executor, workers=workers, scheduler=scheduler, timeout=connect_timeout
            )
        with opened as ex:
            summary.executor = ex.describe()
            if announce is not None:
                announce(summary, todo)
            bar = _Progress(f"sweep {plan.scenario.name}", todo, progress, log_every, stream)
            try:
                _drive(ex, pending, plan.timeseries, folder, summary, bar, batch_seconds)
            finally:
                bar.close()
    summary.seconds = time.perf_counter() - started
    return summary


def _drive(
    ex: Any,
    pending: list[PointTask],
    timeseries: bool,
    folder: SweepFolder,
    summary: SweepSummary,
    bar: _Progress,
    batch_seconds: float,
) -> None:
    """Keep every worker busy with batches sized to about ``batch_seconds`` of work."""
    from concurrent.futures.process import BrokenProcessPool

    queue = deque(pending)
    in_flight: dict[Any, list[PointTask]] = {}
    points_done, worker_time = 0, 0.0
    limit = 2 * ex.workers

    def next_batch() -> list[PointTask]:
        n = 1
        if points_done:
            n = max(1, int(batch_seconds / max(worker_time / points_done, 1e-6)))
            n = min(n, 256, max(1, math.ceil(len(queue) / limit)))
        return [queue.popleft() for _ in range(min(n, len(queue)))]

    while queue or in_flight:
        while queue and len(in_flight) < limit:
            batch = next_batch()
            in_flight[ex.submit(batch, timeseries)] = batch
        done, _ = ex.wait(set(in_flight))
        for fut in done:
            batch = in_flight.pop(fut)
            n_runs = sum(len(t.replicates) for t in batch)
            try:
                res = ex.result(fut)
            except BrokenProcessPool as exc:
                failures = _failure_rows(batch, f"worker process died ({exc})")
                ex.restart()
                res = None
            except Exception as exc:  # a Dask worker lost, a task that could not run
                failures = _failure_rows(batch, f"{type(exc).__name__}: {exc}")
                res = None
            if res is not None:
                failures = res.failures
                worker_time += res.seconds
                points_done += len(batch)
            frame = pd.DataFrame(failures) if failures else None
            folder.write_batch(res.summary if res else None, res.timeseries if res else None, frame)
            n_failed = len(failures)
            summary.failed += n_failed
            summary.done += n_runs - n_failed
            if failures and summary.first_error is None:
                summary.first_error = failures[0]["error"]
            summary.worker_seconds = worker_time
            bar.advance(n_runs, n_failed)


def sweep(
    scenario: Any,
    *,
    out: str | os.PathLike[str] | None = None,
    design: str | None = None,
    samples: int | None = None,
    replicates: int | None = None,
    values: ValuesArg = None,
    ranges: RangesArg = None,
    seed: int | None = None,
    levels: int | None = None,
    common_random_numbers: bool | None = None,
    timeseries: bool | None = None,
    executor: Any = None,
    workers: int | None = None,
    scheduler: str | None = None,
    connect_timeout: float = 5.0,
    progress: ProgressArg = None,
    log_every: int | None = None,
    command: str | None = None,
) -> SweepSummary:
    """Run a parameter sweep (or resume it: finished runs are skipped).

    Args:
        scenario: A scenario file path, a dict, or a :class:`~sim.scenario.Scenario`;
            its ``[sweep]`` section, if any, gives defaults for every option below.
        out: The sweep folder (default ``results/<name>-sweep``).
        design: ``grid`` (default), ``random``, ``lhs``, ``sobol`` or ``morris``.
        samples: Levels per range (grid), points (random, lhs), base samples
            (sobol, a power of 2) or trajectories (morris).
        replicates: Replicates per point (default: the scenario's).
        values: Lists of values by dotted key, e.g. ``{"model.q": [0, 0.05]}``, or
            ``["model.q=0,0.05"]``.
        ranges: Ranges by dotted key, e.g. ``{"model.p": (0.01, 0.2)}``, or
            ``["model.p=0.01:0.2"]``.
        seed: The sweep's master seed (default: the scenario's).
        levels: Morris grid levels (default 4).
        common_random_numbers: Same random streams at every point (default true).
        timeseries: Keep per-step rows (default false).
        executor: ``"local"``, ``"dask"``, a ``distributed.Client``, or an
            :class:`~sim.experiments.executors.Executor` to reuse (left running).
        workers: Worker processes (default: every core).
        scheduler: Dask scheduler address (``tcp://host:8786``).
        connect_timeout: Seconds to wait for the scheduler.
        progress: See :func:`run_plan`.
        log_every: Runs between progress log lines when not on a terminal.
        command: The command line, for the manifest.

    Returns:
        What was done, skipped and failed, and how fast.

    Raises:
        ValidationError: Any bad input (see :func:`plan_sweep` and :func:`run_plan`).

    Examples:
        >>> import sim, tempfile
        >>> out = tempfile.mkdtemp() + "/s"
        >>> sc = {"name": "s", "replicates": 2, "network": {"dataset": "karate"},
        ...       "model": {"name": "ic", "p": 0.2}, "seeding": {"k": 1}}
        >>> sim.sweep(sc, ranges={"seeding.k": (1, 3)}, out=out, workers=1,
        ...           progress=False).done
        6
        >>> sim.sweep(sc, ranges={"seeding.k": (1, 3)}, out=out, workers=1,
        ...           progress=False).skipped
        6
    """
    plan = plan_sweep(
        scenario,
        out=out,
        design=design,
        samples=samples,
        replicates=replicates,
        values=values,
        ranges=ranges,
        seed=seed,
        levels=levels,
        common_random_numbers=common_random_numbers,
        timeseries=timeseries,
        command=command,
    )
    return run_plan(
        plan,
        executor=executor,
        workers=workers,
        scheduler=scheduler,
        connect_timeout=connect_timeout,
        progress=progress,
        log_every=log_every,
    )


# --------------------------------------------------------------------------- reading
def _order(
    frame: pd.DataFrame, manifest: dict[str, Any], extra: Sequence[str] = ()
) -> pd.DataFrame:
    if frame.empty:
        return frame
    arms = list(manifest.get("arms") or [])
    if "arm" in frame.columns:
        seen = [a for a in pd.unique(frame["arm"]) if a not in arms]
        frame["arm"] = pd.Categorical(frame["arm"], categories=arms + seen)
    keys = [c for c in ("point", "arm", "replicate", *extra) if c in frame.columns]
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def load_sweep(path: str | os.PathLike[str], *, timeseries: bool = False) -> pd.DataFrame:
    """The runs of a sweep folder as one tidy frame.

    Args:
        path: The sweep folder.
        timeseries: Return the per-step rows instead (only if the sweep kept them).

    Returns:
        One row per (run, arm), sorted by point, arm and replicate: each swept key
        as a column named by its dotted path, ``point`` (the design index), ``arm``,
        ``replicate``, ``seed``, ``run_id``, then the summary outputs
        (``final_adopted``, ``final_share``, ``time_to_half``...); with
        ``timeseries=True``, one row per step. Only finished runs (an interrupted
        sweep gives what it finished).

    Raises:
        ValidationError: Not a sweep folder, or time series asked for but not kept.

    Examples:
        >>> load_sweep("no/such/folder")
        Traceback (most recent call last):
        ...
        sim.errors.ValidationError: sweep: no/such/folder: no such sweep folder
    """
    folder = SweepFolder(path)
    manifest = folder.require_manifest()
    keys = [p["key"] for p in manifest["design"]["parameters"]]
    if timeseries:
        if not manifest["design"]["timeseries"]:
            raise ValidationError(
                f"{path}: this sweep kept no time series (rerun it with --timeseries in a "
                "new folder)",
                key="timeseries",
            )
        done = {p.name for p in folder.files(RUNS)}
        frames = [pd.read_parquet(p) for p in folder.files(SERIES) if p.name in done]
        frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        return _order(frame, manifest, ("step",))
    frame = folder.read(RUNS)
    if frame.empty:
        return pd.DataFrame(columns=[*keys, "point", "arm", "replicate", "seed", "run_id"])
    return _order(frame, manifest)


def load_failures(path: str | os.PathLike[str]) -> pd.DataFrame:
    """The failed runs recorded in a sweep folder (retried when the sweep is rerun).

    Args:
        path: The sweep folder.

    Returns:
        One row per failed run: the swept keys, ``point``, ``replicate``, ``seed``,
        ``run_id`` and ``error`` (empty if none failed).

    Raises:
        ValidationError: Not a sweep folder.

    Examples:
        A point asks for more seeds than the karate club has people: its runs fail,
        the others finish.

        >>> import sim, tempfile
        >>> sc = {"name": "s", "replicates": 2,
        ...     "network": {"dataset": "karate"}, "model": {"name": "ic", "p": 0.2},
        ...     "seeding": {"k": 1}}
        >>> out = tempfile.mkdtemp() + "/s"
        >>> sim.sweep(sc, values={"seeding.k": [1, 40]}, out=out, workers=1,
        ...           progress=False).failed
        2
        >>> failed = load_failures(out)
        >>> failed[["seeding.k", "replicate"]].values.tolist()
        [[40, 0], [40, 1]]
        >>> failed["error"].iloc[0]
        'ValidationError: seeding.k: 40 seeds asked for, but the network has 34 nodes'
    """
    folder = SweepFolder(path)
    manifest = folder.require_manifest()
    return _order(folder.read(FAILURES), manifest)
