"""Running a batch of sweep points inside a worker: one thread, cached networks, tidy rows.

A worker (a local process or a Dask worker) receives a list of :class:`PointTask`
and returns one :class:`BatchResult`. Each point goes through :func:`sim.run` (the
same code path as ``wom run``, so any model and any scenario key a scenario can hold
works in a sweep), with the point's master seed and its replicates.

Per-run overhead is kept small by:

* **one numba thread per worker thread** (:func:`single_thread`): the sweep's
  parallelism is across points, so processes and numba threads never oversubscribe
  the cores;
* **networks built once per worker process** (:func:`network_memo`): while a batch
  runs, :func:`sim.experiments.run.build_network` is memoised by the network spec
  (a file network also by the file's size and modification time), so the hundreds
  of points that share a network build it once;
* **whole points per call**: the R replicates of a point are one call, and a batch
  holds several points (the sweep sizes batches to about a second of work).

Replicate ``r`` of a point always draws from child ``r`` of ``SeedSequence(seed)``,
whatever the batch, worker or executor: results do not depend on how runs are
spread over workers.
"""

from __future__ import annotations

import importlib
import json
import os
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "BatchResult",
    "PointTask",
    "init_worker",
    "network_memo",
    "run_batch",
    "run_id",
    "single_thread",
]

#: Networks kept per worker process (least recently used dropped first).
MEMO_SIZE = 4


@dataclass
class PointTask:
    """One design point to run (sent to a worker, so small and picklable).

    Attributes:
        key: The point's key: a hash of its resolved scenario and seed.
        point: Index of the point in the design (the first, if several coincide).
        params: The swept keys' values, as stored in the results (resolved).
        seed: The point's master seed.
        replicates: The replicates to run (usually ``0..R-1``).
        scenario: The point's validated :class:`~sim.scenario.Scenario`.
    """

    key: str
    point: int
    params: dict[str, Any]
    seed: int
    replicates: tuple[int, ...]
    scenario: Any


@dataclass
class BatchResult:
    """What a worker sends back for a batch.

    Attributes:
        summary: One row per (run, arm): the swept keys, ``point``, ``arm``,
            ``replicate``, ``seed``, ``run_id`` and the summary outputs; ``None``
            if every point failed.
        timeseries: The same keys plus one row per step, when asked for.
        failures: One dict per failed run (``run_id``, ``point``, ``replicate``,
            ``seed``, the swept keys and ``error``).
        seconds: Time the worker spent on the batch.
        runs: Number of runs attempted (succeeded or failed).
        pid: The worker's process id (to count workers).
        threads: numba threads the batch ran with (1: no oversubscription).
    """

    summary: pd.DataFrame | None
    timeseries: pd.DataFrame | None
    failures: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    runs: int = 0
    pid: int = 0
    threads: int = 0


def run_id(point_key: str, replicate: int) -> str:
    """The id of replicate ``replicate`` of the point with key ``point_key``.

    Args:
        point_key: A point's key.
        replicate: The replicate index.

    Returns:
        ``"<point_key>-<replicate>"``.

    Examples:
        >>> run_id("3f2a9c0d1e4b5a6f", 7)
        '3f2a9c0d1e4b5a6f-7'
    """
    return f"{point_key}-{replicate}"


def single_thread() -> int:
    """Make numba run parallel loops on one thread in the calling thread.

    ``numba.set_num_threads`` is per thread, so each worker thread calls this before
    it runs anything (cheap when already set).

    Returns:
        The number of threads before the call (to restore it).
    """
    import numba

    before = numba.get_num_threads()
    if before != 1:
        numba.set_num_threads(1)
    return before


def init_worker() -> None:
    """Initializer of local worker processes: one thread for numba and BLAS-like pools.

    The environment variables also reach any process the worker starts.
    """
    for var in ("NUMBA_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = "1"
    single_thread()


# --------------------------------------------------------------------------- network memo
_memo: OrderedDict[str, Any] = OrderedDict()
_memo_lock = threading.Lock()
_memo_users = 0
_memo_original: Any = None


def _memo_key(spec: dict | None, base_dir: Path | None, default_seed: int) -> str:
    parts: list[Any] = [spec, str(base_dir)]
    if spec is not None and "generator" in spec and spec.get("seed") is None:
        parts.append(default_seed)
    if spec is not None and spec.get("file") is not None:
        path = Path(spec["file"])
        if not path.is_absolute() and base_dir is not None:
            path = Path(base_dir) / path
        try:
            st = path.stat()
            parts.append([st.st_size, st.st_mtime_ns])
        except OSError:
            parts.append(None)
    return json.dumps(parts, sort_keys=True, default=str)


def _memoised(original):
    def build_network(spec, *, base_dir=None, default_seed=0):
        key = _memo_key(spec, base_dir, default_seed)
        with _memo_lock:
            if key in _memo:
                _memo.move_to_end(key)
                return _memo[key]
        net = original(spec, base_dir=base_dir, default_seed=default_seed)
        with _memo_lock:
            _memo[key] = net
            while len(_memo) > MEMO_SIZE:
                _memo.popitem(last=False)
        return net

    build_network.__wrapped__ = original  # type: ignore[attr-defined]
    build_network.__doc__ = original.__doc__
    return build_network


@contextmanager
def network_memo() -> Iterator[None]:
    """While active, networks built by :func:`sim.run` are cached in this process.

    Re-entrant and thread-safe: the cache is installed when the first user enters
    and removed when the last leaves; the cached networks stay for the next batch.

    Yields:
        Nothing.
    """
    global _memo_users, _memo_original
    module = importlib.import_module("sim.experiments.run")
    with _memo_lock:
        if _memo_users == 0:
            _memo_original = module.build_network
            module.build_network = _memoised(_memo_original)
        _memo_users += 1
    try:
        yield
    finally:
        with _memo_lock:
            _memo_users -= 1
            if _memo_users == 0:
                module.build_network = _memo_original
                _memo_original = None


# --------------------------------------------------------------------------- running
def _keep(frame: pd.DataFrame, keep: set[int], replicates: int) -> pd.DataFrame:
    if len(keep) == replicates:  # the usual case: every replicate of the call
        return frame
    return frame[frame["replicate"].isin(keep)]


def _tidy(parts: list[tuple[pd.DataFrame, PointTask]]) -> pd.DataFrame | None:
    """The rows of a batch: swept keys, ``point``, the run's rows with ``run_id``."""
    if not parts:
        return None
    lengths = [len(frame) for frame, _ in parts]
    body = pd.concat([frame for frame, _ in parts], ignore_index=True)
    body["arm"] = body["arm"].astype(str)
    tasks = [task for _, task in parts]
    keys = list(tasks[0].params)
    # A swept top-level key may share its name with an output (``steps``): the
    # output is then stored as ``output.steps``.
    body = body.rename(columns={c: f"output.{c}" for c in keys if c in body.columns})
    front = {}
    for key in keys:
        values = [t.params[key] for t in tasks]
        front[key] = pd.Series(
            [v for v, n in zip(values, lengths, strict=True) for _ in range(n)], dtype=None
        )
    front["point"] = np.repeat([t.point for t in tasks], lengths)
    out = pd.concat([pd.DataFrame(front), body], axis=1)
    prefix = np.repeat([f"{t.key}-" for t in tasks], lengths)
    out.insert(
        out.columns.get_loc("seed") + 1,
        "run_id",
        pd.Series(prefix, dtype=object) + out["replicate"].astype(str).astype(object),
    )
    out["run_id"] = out["run_id"].astype(str)
    return out


def _error_text(exc: BaseException) -> str:
    from sim.errors import SimError

    if isinstance(exc, SimError):
        return f"{type(exc).__name__}: {exc}"
    frame = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" (at {Path(frame[0].filename).name}:{frame[0].lineno})" if frame else ""
    return f"{type(exc).__name__}: {exc}{where}"


def run_batch(tasks: list[PointTask], timeseries: bool = False) -> BatchResult:
    """Run a batch of points; never raises for a failing point.

    Args:
        tasks: The points.
        timeseries: Also return the per-step time series.

    Returns:
        The tidy rows of every successful run and one record per failed run.

    Examples:
        >>> import sim
        >>> sc = sim.load_scenario({"name": "b", "network": {"dataset": "karate"},
        ...     "model": {"name": "ic", "p": 0.3}, "seeding": {"k": 1}})
        >>> res = run_batch([PointTask("k0", 0, {"model.p": 0.3}, 5, (0, 1), sc)])
        >>> res.summary[["model.p", "point", "arm", "replicate", "seed", "run_id"]].values.tolist()
        [[0.3, 0, 'base', 0, 5, 'k0-0'], [0.3, 0, 'base', 1, 5, 'k0-1']]
    """
    import numba

    from sim.experiments.run import run

    started = time.perf_counter()
    threads_before = single_thread()
    summaries: list[tuple[pd.DataFrame, PointTask]] = []
    series: list[tuple[pd.DataFrame, PointTask]] = []
    failures: list[dict[str, Any]] = []
    runs = 0
    with network_memo():
        for task in tasks:
            runs += len(task.replicates)
            keep = set(task.replicates)
            try:
                n = max(keep) + 1
                res = run(task.scenario, replicates=n, seed=task.seed)
                summaries.append((_keep(res.summary, keep, n), task))
                if timeseries:
                    series.append((_keep(res.timeseries, keep, n), task))
            except Exception as exc:  # recorded; the sweep goes on
                error = _error_text(exc)
                for r in task.replicates:
                    failures.append(
                        {
                            **task.params,
                            "point": task.point,
                            "replicate": r,
                            "seed": task.seed,
                            "run_id": run_id(task.key, r),
                            "error": error,
                        }
                    )
    threads = numba.get_num_threads()
    if threads_before != threads:  # run in a thread of the caller: leave it as it was
        numba.set_num_threads(threads_before)
    return BatchResult(
        summary=_tidy(summaries),
        timeseries=_tidy(series),
        failures=failures,
        seconds=time.perf_counter() - started,
        runs=runs,
        pid=os.getpid(),
        threads=threads,
    )
