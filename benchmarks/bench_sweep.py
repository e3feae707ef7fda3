"""Sweep throughput: 2,000 runs of a 2,000-node scenario, local processes and Dask.

The sweep: independent cascade on a Barabási–Albert network of 2,000 people
(m = 3), a grid of 50 values of ``model.p`` in [0.02, 0.2] x 2 seeding strategies =
100 points, 20 replicates each = 2,000 runs. It runs

* locally on 1 worker process (for the scaling) and on 2,
* on a Dask ``LocalCluster`` of 2 single-threaded worker processes,

each into a fresh folder, and reports runs per second (wall time of the whole
``sim.sweep`` call, start-up included) and how busy both cores were: the CPU time of
this process and every process it started (sampled with psutil), divided by
``wall time x 2``, over the whole call and over the steady state (from the first
finished batch to the end), and how much of both cores they were ready to use but
waited for, because other jobs had the cores (run-queue time, ``/proc/PID/schedstat``):
busy + waiting near 100% means the sweep kept the cores fed and the machine was
shared. The machine load is printed too, with the share of both
cores that two pure CPU burners get before and after: other jobs on a shared machine
take cores away and lower every figure.

Run::

    python benchmarks/bench_sweep.py            # the full benchmark (about a minute)
    python benchmarks/bench_sweep.py --quick    # 10x fewer runs, to try it

The last line is machine-readable::

    local_runs_per_s=<a> dask_runs_per_s=<b> cpu_busy_local=<c> cpu_busy_dask=<d> scaling_1_to_2=<e>
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path

import psutil

import sim

SCENARIO = {
    "name": "bench_sweep",
    "seed": 1,
    "replicates": 20,
    "network": {"generator": "barabasi_albert", "n": 2000, "m": 3, "seed": 7},
    "model": {"name": "ic", "p": 0.05},
    "seeding": {"k": 10},
}
CORES = 2


class CpuMeter:
    """CPU seconds used by this process and all its descendants, sampled in a thread."""

    def __init__(self, every: float = 0.1) -> None:
        self.every = every
        self.seen: dict[tuple[int, float], float] = {}
        self.waited: dict[tuple[int, float], float] = {}
        self.samples: list[tuple[float, float]] = []
        self.wait_samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _total(self) -> float:
        me = psutil.Process()
        for proc in [me, *me.children(recursive=True)]:
            try:
                t = proc.cpu_times()
                key = (proc.pid, proc.create_time())
                self.seen[key] = t.user + t.system
                self.waited[key] = _runqueue_wait(proc.pid, self.waited.get(key, 0.0))
            except psutil.Error:
                continue
        return sum(self.seen.values())

    def _run(self) -> None:
        while not self._stop.is_set():
            now = time.perf_counter()
            self.samples.append((now, self._total()))
            self.wait_samples.append((now, sum(self.waited.values())))
            self._stop.wait(self.every)

    def __enter__(self) -> CpuMeter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        now = time.perf_counter()
        self.samples.append((now, self._total()))
        self.wait_samples.append((now, sum(self.waited.values())))

    @staticmethod
    def _share(samples: list[tuple[float, float]], start: float, end: float) -> float:
        before = max((s for s in samples if s[0] <= start), default=samples[0])
        after = min((s for s in samples if s[0] >= end), default=samples[-1])
        span = after[0] - before[0]
        return (after[1] - before[1]) / (span * CORES) if span > 0 else float("nan")

    def busy(self, start: float, end: float) -> float:
        """Share of ``CORES`` cores used between two times (from the nearest samples)."""
        return self._share(self.samples, start, end)

    def waiting(self, start: float, end: float) -> float:
        """Share of ``CORES`` cores our processes were ready for but did not get (other
        jobs had them): time spent runnable on the run queue (``/proc/PID/schedstat``)."""
        return self._share(self.wait_samples, start, end)


def _runqueue_wait(pid: int, default: float) -> float:
    """Seconds a process has spent runnable but waiting for a CPU (Linux only)."""
    try:
        with open(f"/proc/{pid}/schedstat") as fh:
            return int(fh.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return default


def _burn(seconds: float) -> float:
    started, cpu, x = time.perf_counter(), time.process_time(), 0
    while time.perf_counter() - started < seconds:
        x += 1
    return time.process_time() - cpu


def available_cpu(seconds: float = 1.0) -> float:
    """Share of both cores that two pure CPU burners get right now (1.0 on an idle machine)."""
    import multiprocessing as mp

    with mp.get_context("spawn").Pool(CORES) as pool:
        used = pool.map(_burn, [seconds] * CORES)
    return sum(used) / (seconds * CORES)


def measure(label: str, root: Path, points: int, **kw) -> dict:
    """Run the sweep once into a fresh folder; return its rates and CPU use."""
    first: list[float] = []

    def progress(done: int, total: int) -> None:
        if not first:
            first.append(time.perf_counter())

    with CpuMeter() as meter:
        started = time.perf_counter()
        summary = sim.sweep(
            SCENARIO,
            out=root / label,
            values={"seeding.strategy": ["random", "degree"]},
            ranges={"model.p": (0.02, 0.2)},
            samples=points // 2,
            progress=progress,
            **kw,
        )
        ended = time.perf_counter()
    assert summary.failed == 0 and summary.skipped == 0, summary
    runs = summary.done
    steady_start = first[0] if first else started
    out = {
        "label": label,
        "runs": runs,
        "seconds": ended - started,
        "runs_per_s": runs / (ended - started),
        "cpu_busy": meter.busy(started, ended),
        "cpu_busy_steady": meter.busy(steady_start, ended),
        "cpu_waiting": meter.waiting(started, ended),
        "ms_per_run_per_worker": 1000 * summary.seconds_per_run,
        "executor": summary.executor,
    }
    print(
        f"{label:>14}: {runs} runs in {out['seconds']:.1f} s = {out['runs_per_s']:.1f} runs/s; "
        f"cores busy {out['cpu_busy']:.0%} overall, {out['cpu_busy_steady']:.0%} after the first "
        f"batch; ready but waiting for a core taken by other jobs {out['cpu_waiting']:.0%}; "
        f"{out['ms_per_run_per_worker']:.1f} ms per run per worker ({out['executor']})",
        flush=True,
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10x fewer runs")
    parser.add_argument("--points", type=int, default=None, help="design points (default 100)")
    args = parser.parse_args()
    points = args.points or (10 if args.quick else 100)
    runs = points * SCENARIO["replicates"]
    load = os.getloadavg()
    free = available_cpu()
    print(
        f"two CPU burners get {free:.0%} of both cores right now (other jobs take the rest)",
        flush=True,
    )
    print(
        f"sweep of {runs} runs ({points} points x {SCENARIO['replicates']} replicates), "
        f"IC on a {SCENARIO['network']['n']}-node Barabasi-Albert network; "
        f"{psutil.cpu_count()} cores; load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        one = measure("local-1", root, points, workers=1)
        two = measure("local-2", root, points, workers=2)
        dask = measure("dask-2", root, points, executor="dask", workers=2)
        frames = [sim.load_sweep(root / name) for name in ("local-1", "local-2", "dask-2")]
        same = all(f.equals(frames[0]) for f in frames[1:])
    load = os.getloadavg()
    free_after = available_cpu()
    scaling = two["runs_per_s"] / one["runs_per_s"]
    print(
        f"identical results on 1 and 2 local workers and on Dask: {same}; scaling 1 -> 2 "
        f"workers: {scaling:.2f}x; load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
        f"CPU burners get {free_after:.0%} of both cores after"
    )
    print(
        f"local_runs_per_s={two['runs_per_s']:.1f} dask_runs_per_s={dask['runs_per_s']:.1f} "
        f"cpu_busy_local={two['cpu_busy']:.2f} cpu_busy_dask={dask['cpu_busy']:.2f} "
        f"scaling_1_to_2={scaling:.2f}"
    )


if __name__ == "__main__":
    main()
