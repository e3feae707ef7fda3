"""Where sweep batches run: worker processes on this machine, or a Dask cluster.

Both executors run :func:`sim.experiments.batch.run_batch` and hand back its
:class:`~sim.experiments.batch.BatchResult`; the sweep writes the files itself, so
Dask workers need no shared file system.

* :class:`LocalExecutor`: a process pool (one process per core by default) started
  through a fork server (clean, fast to fork), each worker with numba on one
  thread, so processes and threads never oversubscribe the cores.
* :class:`DaskExecutor`: a ``distributed`` client, either connected to a running
  scheduler (``tcp://host:8786``, e.g. one started by dask-jobqueue on SLURM or PBS)
  with a connection timeout, or to a :class:`distributed.LocalCluster` of
  single-threaded worker processes it starts itself.

Examples:
    >>> with LocalExecutor(workers=1) as ex:
    ...     ex.describe()
    'local, 1 process'
"""

from __future__ import annotations

import multiprocessing as mp
import os
import threading
from abc import ABC, abstractmethod
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor
from concurrent.futures import wait as wait_futures
from typing import Any

from sim.errors import ValidationError
from sim.experiments.batch import BatchResult, PointTask, init_worker, run_batch

__all__ = [
    "EXECUTORS",
    "WORKER_ENV",
    "DaskExecutor",
    "Executor",
    "LocalExecutor",
    "check_executor",
    "default_workers",
    "open_executor",
]

#: Executor names accepted by ``--executor``.
EXECUTORS = ("local", "dask")


def default_workers() -> int:
    """The number of cores this process may use.

    Returns:
        ``len(os.sched_getaffinity(0))`` where available, else ``os.cpu_count()``.
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class Executor(ABC):
    """Runs batches somewhere; a context manager that shuts itself down.

    Attributes:
        workers: How many batches it runs at once (used to size batches).
    """

    workers: int = 1

    @abstractmethod
    def submit(self, tasks: list[PointTask], timeseries: bool) -> Any:
        """Start a batch.

        Args:
            tasks: The points.
            timeseries: Whether to return time series.

        Returns:
            A future.
        """

    @abstractmethod
    def wait(self, futures: set[Any]) -> tuple[set[Any], set[Any]]:
        """Block until at least one future is done.

        Args:
            futures: Running futures.

        Returns:
            ``(done, not_done)``.
        """

    def result(self, future: Any) -> BatchResult:
        """The result of a done future (re-raises the worker's exception).

        Args:
            future: A done future.

        Returns:
            The batch result.
        """
        return future.result()

    @abstractmethod
    def describe(self) -> str:
        """A short description for logs (``"local, 2 processes"``).

        Returns:
            The text.
        """

    def restart(self) -> None:  # noqa: B027 - optional hook
        """Recover after a worker died (the local pool is then unusable)."""

    @abstractmethod
    def close(self) -> None:
        """Shut down (cancelling what has not started)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


#: Environment of worker processes: one thread for numba and BLAS-like pools.
WORKER_ENV = {"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
_env_lock = threading.Lock()


def _context() -> mp.context.BaseContext:
    """A fork server that imported the simulator with one numba thread; workers fork from it.

    The fork server is started here (once per process) with :data:`WORKER_ENV` set,
    so numba in every worker has a single thread from the start; the parent's
    environment is restored right after.
    """
    if "forkserver" not in mp.get_all_start_methods():  # pragma: no cover - not POSIX
        return mp.get_context("spawn")
    from multiprocessing import forkserver

    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["sim.experiments.batch"])
    with _env_lock:
        saved = {k: os.environ.get(k) for k in WORKER_ENV}
        os.environ.update(WORKER_ENV)
        try:
            forkserver.ensure_running()
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    return ctx


class LocalExecutor(Executor):
    """A pool of worker processes on this machine.

    Args:
        workers: Number of processes (default: every core, :func:`default_workers`).

    Raises:
        ValidationError: If ``workers`` is not an integer >= 1.
    """

    def __init__(self, workers: int | None = None) -> None:
        if workers is None:
            workers = default_workers()
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise ValidationError(f"must be an integer >= 1, got {workers!r}", key="--workers")
        self.workers = workers
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers, mp_context=_context(), initializer=init_worker
        )

    def submit(self, tasks: list[PointTask], timeseries: bool) -> Any:
        return self._pool.submit(run_batch, tasks, timeseries)

    def wait(self, futures: set[Any]) -> tuple[set[Any], set[Any]]:
        done, not_done = wait_futures(futures, return_when=FIRST_COMPLETED)
        return set(done), set(not_done)

    def describe(self) -> str:
        return f"local, {self.workers} process{'es' if self.workers != 1 else ''}"

    def restart(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._start()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor(Executor):
    """Batches on a Dask cluster.

    Args:
        scheduler: Address of a running scheduler (``tcp://host:8786``); ``None``
            starts a :class:`distributed.LocalCluster` of ``workers`` single-threaded
            processes.
        workers: Workers of the local cluster (default: every core).
        client: An existing :class:`distributed.Client` to use (not closed here).
        timeout: Seconds to wait for the scheduler before giving up.

    Raises:
        ValidationError: If the scheduler cannot be reached within ``timeout``.
    """

    def __init__(
        self,
        scheduler: str | None = None,
        workers: int | None = None,
        *,
        client: Any = None,
        timeout: float = 5.0,
    ) -> None:
        from distributed import Client

        self._cluster = None
        self._own = client is None
        if client is not None:
            self.client = client
        elif scheduler is not None:
            try:
                self.client = Client(scheduler, timeout=f"{timeout}s", set_as_default=False)
            except (OSError, TimeoutError, ValueError, TypeError) as exc:
                raise ValidationError(
                    f"cannot reach the Dask scheduler at {scheduler} within {timeout:g} s "
                    f"({type(exc).__name__}: {exc}); is it running, and is the address "
                    "tcp://host:port?",
                    key="--scheduler",
                ) from None
        else:
            import logging

            from distributed import LocalCluster

            n = default_workers() if workers is None else workers
            if isinstance(n, bool) or not isinstance(n, int) or n < 1:
                raise ValidationError(f"must be an integer >= 1, got {n!r}", key="--workers")
            self._cluster = LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
                env=dict(WORKER_ENV),
            )
            self.client = Client(self._cluster, set_as_default=False)
        threads = sum(self.client.nthreads().values())
        self.workers = max(1, threads)
        from distributed import as_completed

        self._completed = as_completed(loop=self.client.loop)

    def submit(self, tasks: list[PointTask], timeseries: bool) -> Any:
        future = self.client.submit(run_batch, tasks, timeseries, pure=False)
        self._completed.add(future)
        return future

    def wait(self, futures: set[Any]) -> tuple[set[Any], set[Any]]:
        # as_completed bound to this client's loop: works without a default client
        done = {next(self._completed), *self._completed.next_batch(block=False)}
        return done & futures, futures - done

    def describe(self) -> str:
        where = "local cluster" if self._cluster is not None else "cluster"
        if not self._own:
            where = "client"
        return f"dask {where}, {self.workers} worker thread{'s' if self.workers != 1 else ''}"

    def close(self) -> None:
        if self._own:
            self.client.close()
            if self._cluster is not None:
                self._cluster.close()


def check_executor(
    executor: str | Any | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
) -> None:
    """Check executor options without starting anything.

    Args:
        executor: ``"local"``, ``"dask"``, a ``distributed.Client`` or ``None``.
        workers: Local processes, or workers of a local Dask cluster.
        scheduler: Dask scheduler address.

    Raises:
        ValidationError: Unknown executor, ``--scheduler`` with ``local``,
            ``--workers`` with ``--scheduler``, or ``workers`` not an integer >= 1.

    Examples:
        >>> check_executor("dask", workers=2)
        >>> check_executor("local", scheduler="tcp://h:8786")
        Traceback (most recent call last):
        ...
        sim.errors.ValidationError: --scheduler: a scheduler address needs --executor dask
    """
    if executor is not None and not isinstance(executor, str):
        return  # a Dask client or an Executor
    if executor is not None and executor not in EXECUTORS:
        raise ValidationError(
            f"unknown executor {executor!r} (valid: {', '.join(EXECUTORS)})", key="--executor"
        )
    if executor == "local" and scheduler is not None:
        raise ValidationError("a scheduler address needs --executor dask", key="--scheduler")
    if scheduler is not None and workers is not None:
        raise ValidationError(
            "--workers applies to a local Dask cluster; a running scheduler has its own "
            "workers (drop --workers or --scheduler)",
            key="--workers",
        )
    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
    ):
        raise ValidationError(f"must be an integer >= 1, got {workers!r}", key="--workers")


def open_executor(
    executor: str | Any | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    timeout: float = 5.0,
) -> Executor:
    """The executor a sweep asked for.

    Args:
        executor: ``"local"`` (default), ``"dask"``, or a ``distributed.Client``.
        workers: Local processes, or workers of a local Dask cluster.
        scheduler: Dask scheduler address (implies ``"dask"``).
        timeout: Seconds to wait for a Dask scheduler.

    Returns:
        The executor (use it as a context manager).

    Raises:
        ValidationError: Unknown executor, ``--scheduler`` with ``local``, bad
            ``workers``, or an unreachable scheduler.
    """
    check_executor(executor, workers=workers, scheduler=scheduler)
    if executor is not None and not isinstance(executor, str):
        return DaskExecutor(client=executor)
    if executor is None:
        executor = "dask" if scheduler is not None else "local"
    if executor == "local":
        return LocalExecutor(workers)
    return DaskExecutor(scheduler, workers, timeout=timeout)
