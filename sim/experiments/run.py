"""Run every arm of a scenario: network, seeds, replicates, tidy results.

How one run flows: the resolved scenario gives each arm's network spec, model,
seeding and horizon; the network is built once per distinct spec (arms that share a
network share the object); every arm runs its R replicates from the **same** master
seed, so replicate ``r`` of every arm draws from the same random stream (common
random numbers) and differences between arms are not noise between runs.

The classic models run through :func:`sim.contagion.runner.simulate`; the
word-of-mouth marketing model (``model.name = "wom"``) through
:func:`sim.model.simulate_wom`, with its parameters taken from the scenario's
top-level tables (:func:`wom_params`). Its per-person outcomes (adoption week,
channel, referrer, chain depth) go into ``Results.people`` unless
``outputs.people = false``.
"""

from __future__ import annotations

import functools
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import ValidationError
from sim.network.csr import Network

__all__ = ["build_network", "run", "summary_metrics", "wom_params"]

ProgressFn = Callable[[str, int], None]


def build_network(
    spec: dict | None, *, base_dir: Path | None = None, default_seed: int = 0
) -> Network | None:
    """Build the network a scenario's ``[network]`` section describes.

    Args:
        spec: The resolved ``network`` table (one of ``generator``, ``dataset``,
            ``file`` plus parameters), or ``None`` (mean-field models).
        base_dir: Folder that relative file paths are relative to.
        default_seed: Seed for random generators without their own ``seed``.

    Returns:
        The network, or ``None``.

    Raises:
        ValidationError: With the key ``network.<param>`` for a bad parameter, or
            when the table has none of ``generator``, ``dataset``, ``file``.

    Examples:
        >>> build_network({"generator": "watts_strogatz", "n": 20, "k": 4, "p": 0.1},
        ...               default_seed=3)
        Network('watts_strogatz', undirected, nodes=20, edges=40)
        >>> build_network({"dataset": "karate"})
        Network('karate', undirected, nodes=34, edges=78)
        >>> build_network(None) is None
        True
        >>> build_network({"generator": "ring_lattice", "n": 10, "k": 3})
        Traceback (most recent call last):
        ...
        sim.errors.ValidationError: network.k: must be even (k/2 neighbours on each side), got 3
    """
    if spec is None:
        return None
    spec = {k: v for k, v in spec.items() if v is not None}
    try:
        if "generator" in spec:
            from sim.network.generators import GENERATORS, generate

            name = spec.pop("generator")
            fn = GENERATORS.get(name)
            import inspect

            if fn is not None and "seed" in inspect.signature(fn).parameters:
                spec.setdefault("seed", default_seed)
            else:
                spec.pop("seed", None)
            return generate(name, **spec)
        if "dataset" in spec:
            from sim.network.datasets import load_dataset

            return load_dataset(spec.pop("dataset"), **spec)
        if "file" in spec:
            from sim.network.io import load_network

            path = Path(spec.pop("file"))
            if not path.is_absolute() and base_dir is not None:
                path = base_dir / path
            fmt = spec.pop("format", "auto")
            return load_network(path, format=fmt, **spec)
    except ValidationError as exc:
        if exc.key and not exc.key.startswith("network") and exc.file is None:
            exc.key = f"network.{exc.key}"
        raise
    raise ValidationError("give one of generator, dataset or file", key="network")


def _seed_nodes(net: Network | None, seeding: dict | None):
    """Seeds to pass to the model: labels (fixed set) or an int k (random each replicate)."""
    if not seeding:
        return None
    if seeding.get("nodes") is not None:
        return list(seeding["nodes"])
    k = seeding.get("k")
    if k is None or k == 0:
        return None
    strategy = seeding.get("strategy", "random")
    if strategy == "random":
        return int(k)
    if net is None:
        raise ValidationError(f"strategy {strategy!r} needs a network", key="seeding.strategy")
    if k > net.num_nodes:
        raise ValidationError(
            f"{k} seeds asked for, but the network has {net.num_nodes} nodes", key="seeding.k"
        )
    if strategy == "degree":
        deg = net.degree()
        # Highest degree first; ties broken by node id, so the choice is deterministic.
        order = np.lexsort((np.arange(net.num_nodes), -deg))
        return net.label_of(order[:k])
    raise ValidationError(
        f"unknown seeding strategy {strategy!r} (valid: random, degree)", key="seeding.strategy"
    )


def summary_metrics(timeseries: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """Add derived per-replicate measures to a summary frame.

    Adds ``time_to_half``: the first step at which cumulative adoption reaches half
    of that replicate's final adoption (0 if the seeds alone are half).
    """
    keys = [c for c in ("arm", "replicate") if c in timeseries.columns]
    final = timeseries.groupby(keys, sort=False)["cumulative_adopted"].transform("last")
    reached = timeseries[timeseries["cumulative_adopted"] * 2 >= final]
    t_half = reached.groupby(keys, sort=False)["step"].min().rename("time_to_half")
    return summary.merge(t_half.reset_index(), on=keys, how="left")


def run(
    scenario,
    *,
    replicates: int | None = None,
    seed: int | None = None,
    progress: ProgressFn | None = None,
    command: str | None = None,
):
    """Run every arm of a scenario.

    Args:
        scenario: A :class:`sim.scenario.Scenario`, a path to a TOML file, or a dict.
        replicates: Override the scenario's number of replicates.
        seed: Override the scenario's master seed.
        progress: Called as ``progress(arm, replicates_done)`` after each arm
            (``None`` or ``False``: nothing reported).
        command: The command line, for the record.

    Returns:
        :class:`sim.results.Results` with tidy ``timeseries`` and ``summary`` frames
        (``arm``, ``replicate``, ``seed``, ...), the resolved scenario and metadata.

    Raises:
        ValidationError: For any invalid scenario value, naming the key, or a
            ``progress`` that is not a function.

    Examples:
        >>> import sim
        >>> sc = sim.load_scenario({"name": "demo", "seed": 3, "replicates": 4,
        ...     "network": {"dataset": "karate"},
        ...     "model": {"name": "ic", "p": 0.2}, "seeding": {"k": 2}})
        >>> res = sim.run(sc)
        >>> res.summary[["arm", "replicate", "seed"]].shape
        (4, 3)
    """
    from sim.contagion.runner import simulate
    from sim.results import Results
    from sim.scenario import Scenario, load_scenario

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    from sim.contagion._common import check_int

    overrides = {}
    if replicates is not None:
        overrides["replicates"] = check_int(replicates, "replicates", minimum=1)
    if seed is not None:
        overrides["seed"] = check_int(seed, "seed", minimum=0)
    if overrides:
        scenario = scenario.model_copy(update=overrides)
    if progress is False:  # like sim.sweep's progress=False: nothing reported
        progress = None
    if progress is not None and not callable(progress):
        raise ValidationError(
            f"must be a function progress(arm, replicates_done), None or False, got {progress!r}",
            key="progress",
        )
    started = time.time()
    nets: dict[str, Network | None] = {}
    ts_parts, sm_parts, arm_names = [], [], []
    people_parts: list[pd.DataFrame] = []
    networks: dict[str, dict] = {}
    base_dir = scenario.base_dir
    for arm_index, (arm_name, arm) in enumerate(scenario.arm_scenarios()):
        with _scenario_context(scenario, arm_index if scenario.arms else None):
            _run_arm(
                arm, arm_name, nets, networks, base_dir, ts_parts, sm_parts, simulate,
                people_parts=people_parts,
            )  # fmt: skip
        arm_names.append(arm_name)
        if progress is not None:
            progress(arm_name, arm.replicates)
    timeseries = pd.concat(ts_parts, ignore_index=True)
    summary = summary_metrics(timeseries, pd.concat(sm_parts, ignore_index=True))
    people = pd.concat(people_parts, ignore_index=True) if people_parts else None
    for frame in (timeseries, summary, people):
        if frame is not None:
            frame["arm"] = pd.Categorical(frame["arm"], categories=arm_names)
    meta = _metadata(scenario, arm_names, started, command)
    meta["networks"] = networks
    return Results(
        timeseries=timeseries, summary=summary, scenario=scenario, meta=meta, people=people
    )


@functools.cache
def _versions() -> tuple[tuple[str, str | None], ...]:
    """Package versions for the record (read once per process: sweeps call run often)."""
    import importlib.metadata as md

    versions = [("python", sys.version.split()[0])]
    for pkg in ("wom-sim", "numpy", "numba", "networkx", "pandas", "mesa"):
        try:
            versions.append((pkg, md.version(pkg)))
        except md.PackageNotFoundError:  # pragma: no cover
            versions.append((pkg, None))
    return tuple(versions)


def _metadata(scenario, arms: list[str], started: float, command: str | None) -> dict:
    versions = dict(_versions())
    import numba

    return {
        "scenario": scenario.name,
        "seed": scenario.seed,
        "replicates": scenario.replicates,
        "arms": arms,
        "command": command,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "seconds": round(time.time() - started, 3),
        "threads": numba.get_num_threads(),
        "platform": platform.platform(),
        "versions": versions,
    }


def _run_arm(
    arm, arm_name, nets, networks, base_dir, ts_parts, sm_parts, simulate, *, people_parts=None
) -> None:
    """Build (or reuse) the arm's network, choose its seeds, run its replicates."""
    spec = arm.to_dict()
    net_spec = spec.get("network")
    key = json.dumps(net_spec, sort_keys=True, default=str)
    if key not in nets:
        nets[key] = build_network(net_spec, base_dir=base_dir, default_seed=arm.seed)
    net = nets[key]
    if net is not None:
        networks.setdefault(
            arm_name,
            {
                "name": net.name,
                "nodes": net.num_nodes,
                "edges": net.num_edges,
                "directed": net.directed,
            },
        )
    model = dict(spec["model"])
    name = model.pop("name")
    if name == "wom":
        _run_wom_arm(arm, arm_name, net, ts_parts, sm_parts, people_parts)
        return
    params = {k: v for k, v in model.items() if v is not None}
    seeding = spec.get("seeding")
    seeds = _seed_nodes(net, seeding)
    try:
        res = simulate(
            net,
            name,
            seeds,
            replicates=arm.replicates,
            steps=arm.steps,
            seed=arm.seed,
            record=True,
            **params,
        )
    except ValidationError as exc:
        if exc.key == "seeds":
            exc.key = "seeding.nodes" if (seeding or {}).get("nodes") is not None else "seeding.k"
        elif exc.key and not exc.key.startswith(("model.", "network.", "seeding.", "steps")):
            exc.key = f"model.{exc.key}"
        raise
    ts = res.timeseries
    ts.insert(0, "arm", arm_name)
    sm = res.summary
    sm.insert(0, "arm", arm_name)
    ts_parts.append(ts)
    sm_parts.append(sm)


def wom_params(scenario):
    """The marketing model's parameters held by a scenario (one arm's, or the base's).

    Args:
        scenario: A validated :class:`sim.scenario.Scenario` whose model is ``wom``
            (e.g. one of :meth:`~sim.scenario.Scenario.arm_scenarios`).

    Returns:
        :class:`sim.model.ModelParams` built from the top-level tables ``[people]``
        ... ``[budget]``; a relative ``people.table`` is made relative to the
        scenario file's folder.

    Raises:
        ValidationError: If the scenario's model is not ``wom``.
    """
    from sim.model.params import ModelParams
    from sim.scenario.schema import WOM_SECTIONS

    if scenario.model.name != "wom":
        raise ValidationError(
            f"the scenario's model is {scenario.model.name!r}, not 'wom'", key="model.name"
        )
    sections = {name: getattr(scenario, name) for name in WOM_SECTIONS}
    table = sections["people"].table
    if table is not None and not Path(table).is_absolute():
        sections["people"] = sections["people"].model_copy(
            update={"table": str(scenario.base_dir / table)}
        )
    return ModelParams(**sections)


def _run_wom_arm(arm, arm_name, net, ts_parts, sm_parts, people_parts) -> None:
    """One arm of the marketing model: all replicates in one call, same master seed."""
    from sim.model.simulate import simulate_wom

    keep = people_parts is not None and arm.outputs.people
    res = simulate_wom(
        net,
        wom_params(arm),
        replicates=arm.replicates,
        steps=arm.steps,
        seed=arm.seed,
        people_of=list(range(arm.replicates)) if keep else None,
    )
    ts = res.timeseries
    ts.insert(0, "arm", arm_name)
    # time_to_half is added for every arm alike by summary_metrics.
    sm = res.summary.drop(columns="time_to_half")
    sm.insert(0, "arm", arm_name)
    ts_parts.append(ts)
    sm_parts.append(sm)
    if keep:
        people = res.people
        for col in ("node", "interest", "referrer"):
            people[col] = _label_column(people[col])
        people.insert(0, "arm", arm_name)
        people_parts.append(people)


def _label_column(values: pd.Series) -> pd.Series:
    """Node or interest labels as one Parquet-friendly type: nullable integers when
    every label is an integer, else strings (missing: ``None``)."""
    present = values.dropna()
    if all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in present):
        return values.astype("Int64")
    return values.map(lambda v: None if v is None or v != v else str(v)).astype(object)


def _shown_path(path) -> str:
    """A scenario path as a user would type it: relative to the working folder when
    inside it (as load-time errors show it), absolute otherwise."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return str(path) if rel.startswith(os.pardir) else rel


class _scenario_context:  # noqa: N801 - a context manager
    """Point a runtime ValidationError at the scenario file, line and column.

    Errors found only when running (a seed that is not in the network, a network file
    that is malformed) name a scenario key; this adds where that key is written: in
    the arm if the arm sets it, else in the base scenario.
    """

    def __init__(self, scenario, arm_index: int | None) -> None:
        self.scenario = scenario
        self.arm_index = arm_index

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if not isinstance(exc, ValidationError) or exc.file is not None or not exc.key:
            return False
        path = self.scenario.source_path
        if path is None:
            return False
        from sim.scenario.positions import find_positions, parse_dotted_key

        shown = _shown_path(path)

        try:
            spans = find_positions(Path(path).read_text(encoding="utf-8"))
            keys = parse_dotted_key(exc.key)
        except Exception:  # the file changed under us: keep the message as it is
            return False
        candidates = [tuple(keys)]
        if self.arm_index is not None:
            candidates.insert(0, ("arms", self.arm_index, *keys))
        for cand in candidates:
            span = spans.get(cand)
            if span is not None:
                exc.file, exc.line, exc.col = shown, span.value.line, span.value.col
                return False
        for j in range(len(keys) - 1, 0, -1):  # not written: its nearest written table
            span = spans.get(tuple(keys[:j]))
            if span is not None:
                exc.file, exc.line, exc.col = shown, span.key.line, span.key.col
                return False
        exc.file = shown
        return False
