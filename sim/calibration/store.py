"""The calibration folder on disk: an in-progress store that survives a kill, then the result.

While a calibration runs, everything lives in ``DIR.partial/``, a name that says it
is not a result::

    DIR.partial/calibration.json        the manifest: what is being calibrated
    DIR.partial/scenario.resolved.toml  the calibrated scenario, every default filled in
    DIR.partial/trials/000042.parquet   one file per finished trial (written atomically)
    DIR.partial/.lock                   held (flock) while a calibration writes here

Each trial's file is written under a temporary name and renamed into place as the
trial finishes, so a ``kill -9`` at any moment loses only the trials still running;
rerunning the same command finds the stored trials, keeps each once and runs the
others (:mod:`sim.calibration.search`). When the search and the final evaluations
are done, the result files are written into ``DIR.partial`` and the folder is
renamed to ``DIR``::

    DIR/trials.parquet         one row per trial: parameters, distance, errors, seed
    DIR/best.toml              the scenario with the fitted values (wom run best.toml)
    DIR/fit_timeseries.parquet the best point's replicates (the report's band)
    DIR/report.html            targets against the fitted model, profiles, ranges
    DIR/calibration.json       the manifest and the results (ranges, noise, notes)
    DIR/trials/                the trial store (so that more trials can be added)

A folder named ``DIR`` is therefore always complete. Rerunning a finished
calibration returns it; asking for more trials moves it back to ``DIR.partial`` and
continues the same sequence of trials.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import SimError, ValidationError
from sim.experiments.sweep_store import atomic_write_text, write_parquet

__all__ = [
    "FORMAT",
    "MANIFEST",
    "RESULT_FILES",
    "CalibrationStore",
    "identity_differences",
]

MANIFEST = "calibration.json"
BASE = "scenario.resolved.toml"
TRIALS = "trials"
LOCK = ".lock"
#: Files of a finished calibration, besides the manifest and the trial store.
RESULT_FILES = ("trials.parquet", "best.toml", "fit_timeseries.parquet", "report.html")
#: Version of the folder layout.
FORMAT = 1


def _normal(data: Any) -> Any:
    return json.loads(json.dumps(data, default=str))


def identity_differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What differs between two calibrations' identities, in words.

    Args:
        old: The stored manifest's ``identity``.
        new: The identity of the calibration asked for.

    Returns:
        One phrase per difference (empty: the same calibration).

    Examples:
        >>> identity_differences({"seed": 1, "batch": 8}, {"seed": 2, "batch": 8})
        ['seed 1 -> 2']
    """
    a, b = _normal(old), _normal(new)
    out = []
    for key in dict.fromkeys([*a, *b]):
        if a.get(key) == b.get(key):
            continue
        if isinstance(a.get(key), dict | list) or isinstance(b.get(key), dict | list):
            out.append(f"{key} changed")
        else:
            out.append(f"{key} {a.get(key)!r} -> {b.get(key)!r}")
    return out


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    path = folder / MANIFEST
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SimError(f"{path}: cannot read the calibration manifest: {exc}") from None


class CalibrationStore:
    """The in-progress store and the final folder of one calibration.

    Args:
        out: The final folder ``DIR`` (the store is ``DIR.partial`` next to it).

    Attributes:
        final: ``DIR``.
        partial: ``DIR.partial``.
        finished: After :meth:`open`: the folder was already a finished calibration
            holding at least the trials asked for (nothing to do).
    """

    def __init__(self, out: str | os.PathLike[str]) -> None:
        self.final = Path(out)
        self.partial = self.final.with_name(self.final.name + ".partial")
        self.finished = False
        self._lock_fh: Any = None

    # -- opening ---------------------------------------------------------------
    @contextlib.contextmanager
    def open(
        self,
        manifest: dict[str, Any],
        base_toml: str,
        trials: int,
        *,
        force: bool = False,
    ) -> Iterator[CalibrationStore]:
        """Make the store ready for ``manifest`` (new, resumed or extended) and lock it.

        Args:
            manifest: The calibration's manifest (its ``identity`` is compared).
            base_toml: The calibrated scenario, resolved, as TOML.
            trials: Trials asked for.
            force: Delete an existing calibration of ``DIR`` (finished or not) first.

        Yields:
            The store; :attr:`finished` tells whether there is nothing to run.

        Raises:
            ValidationError: ``DIR`` or ``DIR.partial`` exists and is not a
                calibration folder, holds a different calibration, or is in use.
        """
        identity = manifest["identity"]
        final_m = self._check(self.final, identity, force)
        partial_m = self._check(self.partial, identity, force)
        if force:
            for folder, m in ((self.final, final_m), (self.partial, partial_m)):
                if folder.exists() and (m is not None or not any(folder.iterdir())):
                    shutil.rmtree(folder)
            final_m = partial_m = None
        if final_m is not None and partial_m is not None:
            raise ValidationError(
                f"both {self.final} and {self.partial} exist; remove one (or use --force)",
                key="--out",
            )
        if final_m is not None:
            done = len(self._trial_files(self.final))
            if done >= trials:
                self.finished = True
                yield self
                return
            try:
                os.rename(self.final, self.partial)  # continue the same search
            except OSError as exc:
                raise ValidationError(
                    f"cannot reopen {self.final}: {exc.strerror}", key="--out"
                ) from None
            for name in RESULT_FILES:
                (self.partial / name).unlink(missing_ok=True)
        try:
            self.partial.mkdir(parents=True, exist_ok=True)
            (self.partial / TRIALS).mkdir(exist_ok=True)
        except OSError as exc:
            raise ValidationError(
                f"cannot write to {self.partial}: {exc.strerror}", key="--out"
            ) from None
        self._lock(self.partial)
        try:
            self._clean()
            atomic_write_text(self.partial / MANIFEST, json.dumps(manifest, indent=1) + "\n")
            atomic_write_text(self.partial / BASE, base_toml)
            yield self
        finally:
            self._unlock()

    def _check(self, folder: Path, identity: dict[str, Any], force: bool) -> dict | None:
        if not folder.exists():
            return None
        if not folder.is_dir():
            raise ValidationError(f"{folder} is a file, not a calibration folder", key="--out")
        m = _read_manifest(folder)
        if m is None:
            others = [p.name for p in folder.iterdir() if p.name != LOCK]
            if others:
                raise ValidationError(
                    f"{folder} exists and is not a calibration folder (it holds "
                    f"{', '.join(sorted(others)[:3])}); choose another --out",
                    key="--out",
                )
            return None
        if force:
            return m
        diffs = identity_differences(m.get("identity", {}), identity)
        if diffs:
            raise ValidationError(
                f"{folder} holds a different calibration ({'; '.join(diffs)}); rerun the same "
                "command to resume it, use --force to start over, or choose another --out",
                key="--out",
            )
        return m

    def _lock(self, folder: Path) -> None:
        try:
            self._lock_fh = open(folder / LOCK, "a+")  # noqa: SIM115 - held until unlocked
        except OSError as exc:
            raise ValidationError(
                f"cannot write to {folder}: {exc.strerror}", key="--out"
            ) from None
        try:
            fcntl.flock(self._lock_fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_fh.close()
            self._lock_fh = None
            raise ValidationError(
                f"{folder} is in use by another calibration (wait for it to finish)",
                key="--out",
            ) from None

    def _unlock(self) -> None:
        if self._lock_fh is not None:
            self._lock_fh.close()
            self._lock_fh = None

    def _clean(self) -> None:
        for folder in (self.partial, self.partial / TRIALS):
            for tmp in folder.glob(".*.tmp-*"):
                if tmp.is_file():
                    tmp.unlink(missing_ok=True)

    # -- trials ----------------------------------------------------------------
    def _trial_files(self, folder: Path) -> list[Path]:
        d = folder / TRIALS
        if not d.is_dir():
            return []
        return sorted(p for p in d.glob("*.parquet") if not p.name.startswith("."))

    @property
    def folder(self) -> Path:
        """Where the store is now: ``DIR`` when finished, else ``DIR.partial``."""
        return self.final if self.finished else self.partial

    def trial_files(self) -> list[Path]:
        """The stored trials' files, by trial number.

        Returns:
            The paths.
        """
        return self._trial_files(self.folder)

    def done(self) -> dict[int, dict[str, Any]]:
        """The stored trials, by number.

        Returns:
            ``{trial: record}``.

        Raises:
            SimError: A trial file that cannot be read.
        """
        out = {}
        for path in self.trial_files():
            try:
                frame = pd.read_parquet(path)
            except Exception as exc:  # pyarrow raises many types
                raise SimError(
                    f"{path}: cannot read ({exc}); delete the file and rerun to redo that trial"
                ) from None
            for rec in frame.to_dict("records"):
                out[int(rec["trial"])] = rec
        return out

    def write_trial(self, record: dict[str, Any]) -> None:
        """Store one finished trial (atomically).

        Args:
            record: The trial's row (``trial`` holds its number).
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = self.partial / TRIALS / f"{int(record['trial']):06d}.parquet"
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        try:
            pq.write_table(pa.Table.from_pylist([record]), tmp)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)

    # -- finishing ---------------------------------------------------------------
    def finalize(self, manifest: dict[str, Any], files: dict[str, Any]) -> Path:
        """Write the result files into the store and rename it to ``DIR``.

        Args:
            manifest: The manifest with its results.
            files: ``{name: str (text) or DataFrame (Parquet)}``.

        Returns:
            ``DIR``.

        Raises:
            ValidationError: If ``DIR`` appeared meanwhile.
        """
        for name, content in files.items():
            path = self.partial / name
            if isinstance(content, pd.DataFrame):
                write_parquet(content, path)
            else:
                atomic_write_text(path, content)
        atomic_write_text(self.partial / MANIFEST, json.dumps(manifest, indent=1) + "\n")
        if self.final.exists():
            raise ValidationError(
                f"{self.final} appeared while calibrating; the result is in {self.partial}",
                key="--out",
            )
        os.rename(self.partial, self.final)
        return self.final
