"""The results folder: tidy frames on disk, written atomically, read back exactly.

A results folder holds::

    timeseries.parquet       one row per (arm, replicate, step)
    summary.parquet          one row per (arm, replicate)
    people.parquet           model wom only: one row per (arm, replicate, person)
    scenario.resolved.toml   the scenario with every default filled in
    run.json                 versions, seed, command, timing, arms
    report.html              (written by the face that asked for it)

:meth:`Results.save` writes everything into a temporary sibling folder and renames
it into place at the end, so a crash never leaves a folder that looks complete.
:func:`load_results` reads a folder back into an equal :class:`Results`. DuckDB reads
the Parquet files directly, e.g.
``duckdb.sql("select arm, avg(final_adopted) from 'out/summary.parquet' group by arm")``.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim.errors import SimError, ValidationError

__all__ = ["Results", "load_results", "atomic_folder", "RESULT_FILES"]

RESULT_FILES = ("timeseries.parquet", "summary.parquet", "scenario.resolved.toml", "run.json")


@dataclass
class Results:
    """What a run produced.

    Attributes:
        timeseries: Tidy per-step frame: ``arm``, ``replicate``, ``seed``, ``step``,
            then metrics (see ``docs/outputs.md``).
        summary: Tidy per-replicate frame: ``arm``, ``replicate``, ``seed``, then
            ``final_adopted`` and the other summary metrics.
        scenario: The resolved scenario (a :class:`sim.scenario.Scenario`), or ``None``
            for runs made without one.
        meta: Run metadata: versions, seed, command, timing, arm names.
        people: Model ``wom``: each person's outcome per arm and replicate
            (``arm``, ``replicate``, ``node``, ``channel``, ``referrer``, ``depth``,
            ...; see ``docs/outputs.md``), or ``None``.

    Examples:
        >>> import sim
        >>> res = sim.run({"name": "demo", "seed": 3, "replicates": 2, "steps": 3,
        ...     "network": {"dataset": "karate"}, "model": {"name": "ic", "p": 0.2},
        ...     "seeding": {"k": 2}, "arms": [{"name": "low"}, {"name": "high",
        ...     "model": {"p": 0.5}}]})
        >>> res.arms, res.seed
        (['low', 'high'], 3)
        >>> res.summary.shape, res.timeseries.shape
        ((4, 11), (16, 9))
        >>> res.scenario.name, res.people is None
        ('demo', True)
    """

    timeseries: pd.DataFrame
    summary: pd.DataFrame
    scenario: object | None = None
    meta: dict = field(default_factory=dict)
    people: pd.DataFrame | None = None

    @property
    def arms(self) -> list[str]:
        """Arm names in run order (``["base"]`` for a scenario without arms)."""
        return list(self.meta.get("arms") or pd.unique(self.summary["arm"]).tolist())

    @property
    def seed(self) -> int | None:
        """The master seed of the run (``None`` if the metadata does not record it)."""
        return self.meta.get("seed")

    def save(
        self,
        path: str | os.PathLike,
        *,
        force: bool = False,
        extras: Callable[[Path], None] | None = None,
    ) -> Path:
        """Write the results folder atomically.

        Args:
            path: The folder to create.
            force: Replace an existing folder (else refuse).
            extras: Called with the temporary folder before it is renamed into place,
                to add files such as ``report.html``.

        Returns:
            The folder's path.

        Raises:
            ValidationError: If the folder exists and ``force`` is false, or its parent
                is not writable (key ``out``).

        Examples:
            >>> import sim, tempfile
            >>> from pathlib import Path
            >>> res = sim.run({"name": "demo", "replicates": 2, "steps": 3,
            ...     "network": {"dataset": "karate"}, "model": {"name": "ic", "p": 0.2},
            ...     "seeding": {"k": 2}})
            >>> out = res.save(Path(tempfile.mkdtemp()) / "run1")
            >>> sorted(f.name for f in out.iterdir())
            ['run.json', 'scenario.resolved.toml', 'summary.parquet', 'timeseries.parquet']
            >>> res.save(out)  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            sim.errors.ValidationError: out: .../run1 already exists (use --force to replace it)
            >>> res.save(out, force=True) == out
            True
        """
        path = Path(path)
        with atomic_folder(path, force=force) as tmp:
            self.timeseries.to_parquet(tmp / "timeseries.parquet", index=False)
            self.summary.to_parquet(tmp / "summary.parquet", index=False)
            if self.people is not None:
                self.people.to_parquet(tmp / "people.parquet", index=False)
            if self.scenario is not None:
                (tmp / "scenario.resolved.toml").write_text(
                    self.scenario.to_toml(), encoding="utf-8"
                )
            (tmp / "run.json").write_text(json.dumps(self.meta, indent=2, default=str) + "\n")
            if extras is not None:
                extras(tmp)
        return path


class atomic_folder:  # noqa: N801 - used as a context manager, reads like a function
    """Context manager: yields a temporary folder renamed to ``path`` on success.

    The temporary folder is a hidden sibling of ``path`` (same file system, so the
    final rename is atomic). On an exception the temporary folder is removed and
    ``path`` is untouched; with ``force`` an existing ``path`` is replaced only once
    the new folder is complete.

    Args:
        path: The folder to create.
        force: Replace an existing folder (else refuse).

    Raises:
        ValidationError: On entering, if ``path`` exists and ``force`` is false, or its
            parent cannot be written (key ``out``).

    Examples:
        >>> import tempfile
        >>> from pathlib import Path
        >>> out = Path(tempfile.mkdtemp()) / "folder"
        >>> with atomic_folder(out) as tmp:
        ...     _ = (tmp / "a.txt").write_text("done")
        ...     out.exists()
        False
        >>> (out / "a.txt").read_text()
        'done'
        >>> with atomic_folder(out, force=True) as tmp:
        ...     raise RuntimeError("crash while writing")
        Traceback (most recent call last):
        ...
        RuntimeError: crash while writing
        >>> sorted(p.name for p in out.parent.iterdir()), (out / "a.txt").exists()
        (['folder'], True)
    """

    def __init__(self, path: Path, *, force: bool = False) -> None:
        self.path = Path(path)
        self.force = force
        self.tmp: Path | None = None

    def __enter__(self) -> Path:
        if self.path.exists() and not self.force:
            raise ValidationError(
                f"{self.path} already exists (use --force to replace it)", key="out"
            )
        parent = self.path.parent if str(self.path.parent) else Path(".")
        try:
            parent.mkdir(parents=True, exist_ok=True)
            self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.path.name}.tmp-", dir=parent))
        except OSError as exc:
            raise ValidationError(f"cannot write to {parent}: {exc.strerror}", key="out") from None
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> bool:
        assert self.tmp is not None
        if exc_type is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            return False
        old = None
        if self.path.exists():
            old = self.path.with_name(f".{self.path.name}.old-{os.getpid()}")
            self.path.rename(old)
        self.tmp.rename(self.path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        return False


def load_results(path: str | os.PathLike) -> Results:
    """Read a results folder written by :meth:`Results.save`.

    Args:
        path: The folder.

    Returns:
        The results, equal to what was saved.

    Raises:
        ValidationError: If the folder is missing or incomplete (key ``results``).
        SimError: If a file of the folder cannot be read (corrupt Parquet or JSON).

    Examples:
        >>> import sim, tempfile
        >>> from pathlib import Path
        >>> res = sim.run({"name": "demo", "replicates": 2, "steps": 3,
        ...     "network": {"dataset": "karate"}, "model": {"name": "ic", "p": 0.2},
        ...     "seeding": {"k": 2}})
        >>> back = load_results(res.save(Path(tempfile.mkdtemp()) / "run1"))
        >>> back.summary.equals(res.summary), back.arms, back.scenario.name
        (True, ['base'], 'demo')
        >>> load_results("no/such/folder")
        Traceback (most recent call last):
        ...
        sim.errors.ValidationError: results: no/such/folder is not a results folder (not found)
    """
    path = Path(path)
    if not path.is_dir():
        raise ValidationError(f"{path} is not a results folder (not found)", key="results")
    missing = [
        f for f in ("timeseries.parquet", "summary.parquet", "run.json") if not (path / f).exists()
    ]
    if missing:
        raise ValidationError(
            f"{path} is not a complete results folder (missing {', '.join(missing)})", key="results"
        )
    try:
        ts = pd.read_parquet(path / "timeseries.parquet")
        summary = pd.read_parquet(path / "summary.parquet")
        meta = json.loads((path / "run.json").read_text())
        people = None
        if (path / "people.parquet").exists():
            people = pd.read_parquet(path / "people.parquet")
    except Exception as exc:  # pyarrow/json raise many types
        raise SimError(f"{path}: cannot read results: {exc}") from None
    scenario = None
    if (path / "scenario.resolved.toml").exists():
        from sim.scenario import load_scenario

        scenario = load_scenario(path / "scenario.resolved.toml")
    return Results(timeseries=ts, summary=summary, scenario=scenario, meta=meta, people=people)
