"""The sweep folder on disk: manifest, run files, resume bookkeeping, crash safety.

Layout::

    DIR/sweep.json                the manifest: the design, every point, its seed and key
    DIR/scenario.resolved.toml    the base scenario, every default filled in
    DIR/runs/<hash>.parquet       finished runs: one row per (run, arm)
    DIR/timeseries/<hash>.parquet per-step rows of the same runs (only if asked for)
    DIR/failures/<hash>.parquet   runs that raised, with the error (retried on rerun)
    DIR/.lock                     held (flock) while a sweep writes into DIR

Every file is written under a temporary name (``.<name>.tmp-<pid>-<n>``, which no
reader globs) and renamed into place, so a reader sees a file complete or not at
all, and a ``SIGKILL`` at any moment loses at most the runs still in memory. A
batch's time-series file is renamed before its runs file, and a time-series file
without its runs file (a kill between the two renames) is removed when the sweep
resumes. A run is finished when its ``run_id`` is in a file of ``runs/``; rerunning
the sweep reads those ids and runs only the others, so no run is ever stored twice.
File names are a hash of the run ids they hold, i.e. of the resolved parameters,
seeds and replicates.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import itertools
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import SimError, ValidationError

__all__ = [
    "BASE",
    "FAILURES",
    "FORMAT",
    "LOCK",
    "MANIFEST",
    "RUNS",
    "SERIES",
    "SweepFolder",
    "atomic_write_text",
    "batch_name",
    "design_differences",
    "write_parquet",
]

MANIFEST = "sweep.json"
BASE = "scenario.resolved.toml"
RUNS = "runs"
SERIES = "timeseries"
FAILURES = "failures"
LOCK = ".lock"
#: Version of the folder layout, recorded in the manifest.
FORMAT = 1

_counter = itertools.count()


def _tmp_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp-{os.getpid()}-{next(_counter)}")


def atomic_write_text(path: Path, text: str) -> None:
    """Write a text file under a temporary name and rename it into place.

    Args:
        path: The file.
        text: Its content (UTF-8).
    """
    tmp = _tmp_name(path)
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write a frame as Parquet under a temporary name and rename it into place.

    Args:
        frame: The rows.
        path: The file.
    """
    tmp = _tmp_name(path)
    try:
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def batch_name(run_ids: Iterable[str]) -> str:
    """The file name of a batch: a hash of the run ids it holds.

    Args:
        run_ids: The batch's run ids (order does not matter).

    Returns:
        ``"<16 hex digits>.parquet"``.

    Examples:
        >>> batch_name(["b-0", "a-1"]) == batch_name(["a-1", "b-0"])
        True
    """
    digest = hashlib.sha256("\n".join(sorted(run_ids)).encode()).hexdigest()
    return f"{digest[:16]}.parquet"


def _show(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def design_differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What differs between two manifests' designs, in words.

    Args:
        old: The manifest in the folder.
        new: The manifest of the sweep asked for.

    Returns:
        One phrase per difference (empty if the designs are the same).

    Examples:
        >>> design_differences({"design": {"samples": 4}}, {"design": {"samples": 8}})
        ['samples 4 -> 8']
    """
    a, b = old.get("design", {}), new.get("design", {})
    out = []
    for key in dict.fromkeys([*a, *b]):
        if a.get(key) == b.get(key):
            continue
        if key == "scenario":
            keys = _changed_keys(a.get(key), b.get(key))
            out.append(
                "scenario (" + ", ".join(keys[:4]) + (", ..." if len(keys) > 4 else "") + ")"
            )
        else:
            out.append(f"{key} {_show(a.get(key))} -> {_show(b.get(key))}")
    if not out and old.get("points_digest") != new.get("points_digest"):
        out.append("design points (another version of the design library?)")
    return out


def _changed_keys(a: Any, b: Any, prefix: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in dict.fromkeys([*a, *b]):
            if a.get(k) != b.get(k):
                out += _changed_keys(a.get(k), b.get(k), f"{prefix}{k}.")
        return out
    return [prefix.rstrip(".") or "scenario"]


def _normal(data: Any) -> Any:
    """``data`` as it reads back from JSON (tuples as lists, keys as strings)."""
    return json.loads(json.dumps(data, default=str))


class SweepFolder:
    """A sweep folder: read and write its files safely.

    Args:
        path: The folder (created by :meth:`open` if missing).

    Examples:
        >>> import tempfile
        >>> folder = SweepFolder(Path(tempfile.mkdtemp()) / "s")
        >>> folder.read_manifest() is None
        True
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock_fh: Any = None

    # -- reading ---------------------------------------------------------------
    def read_manifest(self) -> dict[str, Any] | None:
        """The manifest, or ``None`` if the folder has none (or does not exist).

        Returns:
            The manifest dict.

        Raises:
            SimError: If the manifest cannot be parsed.
        """
        path = self.path / MANIFEST
        if not path.is_file():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SimError(f"{path}: cannot read the sweep manifest: {exc}") from None

    def require_manifest(self) -> dict[str, Any]:
        """The manifest of a sweep folder.

        Returns:
            The manifest dict.

        Raises:
            ValidationError: If the folder is missing or is not a sweep folder.
        """
        if not self.path.is_dir():
            raise ValidationError(f"{self.path}: no such sweep folder", key="sweep")
        manifest = self.read_manifest()
        if manifest is None:
            raise ValidationError(
                f"{self.path} is not a sweep folder (no {MANIFEST}; make one with wom sweep)",
                key="sweep",
            )
        return manifest

    def files(self, kind: str = RUNS) -> list[Path]:
        """The complete files of one kind (temporary names excluded), sorted.

        Args:
            kind: :data:`RUNS`, :data:`SERIES` or :data:`FAILURES`.

        Returns:
            The paths.
        """
        folder = self.path / kind
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.glob("*.parquet") if not p.name.startswith("."))

    def read(self, kind: str = RUNS, columns: list[str] | None = None) -> pd.DataFrame:
        """All rows of one kind of file, concatenated (empty frame if none).

        Args:
            kind: :data:`RUNS`, :data:`SERIES` or :data:`FAILURES`.
            columns: Only these columns.

        Returns:
            The rows.

        Raises:
            SimError: If a file cannot be read.
        """
        frames = []
        for path in self.files(kind):
            try:
                frames.append(pd.read_parquet(path, columns=columns))
            except Exception as exc:  # pyarrow raises many types
                raise SimError(
                    f"{path}: cannot read ({exc}); delete the file and rerun the sweep"
                ) from None
        if not frames:
            return pd.DataFrame(columns=columns or [])
        return pd.concat(frames, ignore_index=True)

    def done_run_ids(self) -> set[str]:
        """Ids of the runs stored in ``runs/``.

        Returns:
            The set of run ids.
        """
        frame = self.read(RUNS, columns=["run_id"])
        return set(frame["run_id"].astype(str)) if len(frame) else set()

    # -- writing ---------------------------------------------------------------
    @contextlib.contextmanager
    def open(self, manifest: dict[str, Any], base_toml: str | None = None) -> Iterator[None]:
        """Lock the folder and make it hold ``manifest`` (a new folder, or the same sweep).

        Args:
            manifest: The manifest of the sweep to run.
            base_toml: The base scenario as TOML, written next to the manifest.

        Yields:
            Nothing; the folder stays locked until the block ends.

        Raises:
            ValidationError: If the path is a file, a folder that is not a sweep
                folder, a folder holding a different sweep, or locked by another
                sweep.
        """
        path = self.path
        if path.exists() and not path.is_dir():
            raise ValidationError(f"{path} is a file, not a sweep folder", key="--out")
        try:
            path.mkdir(parents=True, exist_ok=True)
            self._lock_fh = open(path / LOCK, "a+")  # noqa: SIM115 - held until close
        except OSError as exc:
            raise ValidationError(f"cannot write to {path}: {exc.strerror}", key="--out") from None
        try:
            try:
                fcntl.flock(self._lock_fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise ValidationError(
                    f"{path} is in use by another sweep (wait for it to finish)", key="--out"
                ) from None
            self._check_or_write(manifest, base_toml)
            for kind in (RUNS, FAILURES) + ((SERIES,) if manifest["design"]["timeseries"] else ()):
                (path / kind).mkdir(exist_ok=True)
            self.clean()
            yield
        finally:
            self._lock_fh.close()  # releases the lock
            self._lock_fh = None

    def _check_or_write(self, manifest: dict[str, Any], base_toml: str | None) -> None:
        old = self.read_manifest()
        if old is None:
            others = [
                p.name for p in self.path.iterdir() if p.name != LOCK and not p.name.startswith(".")
            ]
            if others:
                raise ValidationError(
                    f"{self.path} exists and is not a sweep folder (it holds "
                    f"{', '.join(sorted(others)[:3])}); choose another --out",
                    key="--out",
                )
            if base_toml is not None:
                atomic_write_text(self.path / BASE, base_toml)
            atomic_write_text(self.path / MANIFEST, json.dumps(manifest, indent=1) + "\n")
            return
        diffs = design_differences(_normal(old), _normal(manifest))
        if diffs:
            raise ValidationError(
                f"{self.path} holds a different sweep ({'; '.join(diffs)}); rerun the "
                "same sweep to resume it, or choose another --out",
                key="--out",
            )

    def clean(self) -> None:
        """Remove temporary files left by a killed sweep, and orphan time series."""
        for kind in (RUNS, SERIES, FAILURES):
            folder = self.path / kind
            if folder.is_dir():
                for tmp in folder.glob(".*.tmp-*"):
                    tmp.unlink(missing_ok=True)
        for tmp in self.path.glob(".*.tmp-*"):
            if tmp.is_file():
                tmp.unlink(missing_ok=True)
        runs = {p.name for p in self.files(RUNS)}
        for series in self.files(SERIES):
            if series.name not in runs:
                series.unlink(missing_ok=True)

    def take_failures(self) -> pd.DataFrame:
        """Read the recorded failures and remove their files (they are about to be retried).

        Returns:
            The failed runs (empty if none).
        """
        frame = self.read(FAILURES)
        for path in self.files(FAILURES):
            path.unlink(missing_ok=True)
        return frame

    def write_batch(
        self,
        summary: pd.DataFrame | None,
        timeseries: pd.DataFrame | None,
        failures: pd.DataFrame | None,
    ) -> None:
        """Store a finished batch (time series first, then runs, then failures).

        Args:
            summary: Rows of the successful runs.
            timeseries: Their per-step rows, if kept.
            failures: The failed runs.
        """
        if summary is not None and len(summary):
            name = batch_name(summary["run_id"].unique())
            if timeseries is not None and len(timeseries):
                write_parquet(timeseries, self.path / SERIES / name)
            write_parquet(summary, self.path / RUNS / name)
        if failures is not None and len(failures):
            write_parquet(failures, self.path / FAILURES / batch_name(failures["run_id"]))
